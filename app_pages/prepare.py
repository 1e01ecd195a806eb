"""Prepare: one interview at a time, from the job description to the thank-you note.

The page draws widgets and calls rehearse.preparation; the interview is kept in the store.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st

from app_pages.common import ACTIVE_INTERVIEW_KEY, open_store_or_stop, rehearse_question
from rehearse.errors import RehearseError
from rehearse.history.store import Store
from rehearse.preparation.coverage import coverage_matrix
from rehearse.preparation.documents import DOCUMENT_SUFFIXES, check_text, read_document
from rehearse.preparation.focus import focus_progress
from rehearse.preparation.interview import (
    STAGES,
    Interview,
    interviewers_text,
    parse_interviewers,
)
from rehearse.preparation.own_questions import QUESTION_BANK, check_own_questions
from rehearse.preparation.plan import interview_requirements, prepare
from rehearse.preparation.prep_sheet import PrepSheet, prep_sheet_markdown, prep_sheet_pdf, thank_you_note
from rehearse.preparation.requirements import Requirement, merge_requirements

NEW = "New interview"
NOTICE_KEY = "prepare_notice"
# The set-up form's widgets; they keep what was typed when saving fails, so nothing is lost.
FIELDS = {
    "company": "prep_company",
    "role": "prep_role",
    "job_description": "prep_job_description",
    "values_text": "prep_values",
    "news_notes": "prep_news",
    "cv_points": "prep_cv",
    "earlier_feedback": "prep_feedback",
}


def plain(text: str, *, style: str = "color:#6c757d;font-size:0.875rem;margin:0") -> None:
    """The candidate's own text (a job description, a note), shown as text, never read as Markdown."""
    st.html(f"<p style='{style}'>{html.escape(text)}</p>")


def choose_interview(store: Store) -> Interview | None:
    stored = {
        item.id: Interview.from_dict(item.data, interview_id=item.id) for item in store.list_interviews()
    }
    options = [NEW, *stored]
    active = st.session_state.get(ACTIVE_INTERVIEW_KEY)
    index = options.index(active) if active in stored else (1 if stored else 0)
    chosen = st.selectbox(
        "Interview",
        options,
        index=index,
        format_func=lambda key: key if key == NEW else stored[key].title,
        key=f"prep_choice_{active}",
    )
    if chosen == NEW:
        st.session_state.pop(ACTIVE_INTERVIEW_KEY, None)
        return None
    st.session_state[ACTIVE_INTERVIEW_KEY] = chosen
    return stored[chosen]


def load_form(interview: Interview | None) -> None:
    """Fill the set-up widgets from the chosen interview once, when it is chosen."""
    loaded_key = "prep_loaded"
    current = interview.id if interview is not None else None
    if st.session_state.get(loaded_key, "unset") == current:
        return
    st.session_state[loaded_key] = current
    for field, key in FIELDS.items():
        st.session_state[key] = getattr(interview, field) if interview is not None else ""
    st.session_state["prep_stage"] = interview.stage if interview is not None else "second_round"
    st.session_state["prep_date"] = (
        date.fromisoformat(interview.interview_date)
        if interview is not None and interview.interview_date
        else None
    )
    st.session_state["prep_interviewers"] = interviewers_text(interview.interviewers) if interview else ""


def set_up(store: Store, interview: Interview | None) -> None:
    with st.expander("Set up the interview", expanded=interview is None, icon=":material/edit_note:"):
        left, right = st.columns(2)
        left.text_input("Company", key=FIELDS["company"], max_chars=200)
        left.text_input("Role", key=FIELDS["role"], max_chars=200)
        right.radio("Stage", list(STAGES), format_func=STAGES.get, key="prep_stage", horizontal=True)
        right.date_input("Date of the interview", key="prep_date", format="DD/MM/YYYY")
        st.text_area(
            "Interviewers, one a line: name, role, notes",
            key="prep_interviewers",
            placeholder="Dana Smith, Head of Operations, joined from Royal Mail last year",
        )
        st.text_area(
            "Job description (paste it, or upload it below)", key=FIELDS["job_description"], height=200
        )
        upload = st.file_uploader(
            "…or upload the job description (PDF, Word, text)",
            type=[suffix.lstrip(".") for suffix in DOCUMENT_SUFFIXES],
            key="prep_upload",
        )
        st.text_area("The company's values or mission, one a line", key=FIELDS["values_text"])
        st.text_area("Recent company news and your notes", key=FIELDS["news_notes"])
        st.text_area("Key points of your CV and cover letter", key=FIELDS["cv_points"])
        st.text_area("Feedback from the earlier round", key=FIELDS["earlier_feedback"])
        if st.button("Save the interview", type="primary", icon=":material/save:", disabled=store.read_only):
            save(store, interview, upload)
        if interview is not None:
            sure = st.checkbox(
                "Yes, delete this interview and what I typed into it", key="prep_confirm_delete"
            )
            if st.button(
                "Delete this interview", icon=":material/delete:", disabled=not sure or store.read_only
            ):
                delete(store, interview)


def delete(store: Store, interview: Interview) -> None:
    try:
        store.delete_interview(interview.id)
    except RehearseError as error:
        st.error(str(error))
        return
    st.session_state.pop(ACTIVE_INTERVIEW_KEY, None)
    st.session_state.pop("prep_loaded", None)
    st.session_state.pop("prep_confirm_delete", None)
    st.session_state[NOTICE_KEY] = "The interview was deleted; its answers stay in History."
    st.rerun()


def save(store: Store, interview: Interview | None, upload) -> None:
    try:
        job_description = (
            read_document(upload.getvalue(), upload.name)
            if upload is not None
            else check_text(st.session_state[FIELDS["job_description"]])
        )
        picked = st.session_state.get("prep_date")
        fields = {field: st.session_state[key].strip() for field, key in FIELDS.items()}
        changed_job = interview is None or job_description != interview.job_description
        updated = Interview(
            **fields | {"job_description": job_description},
            stage=st.session_state["prep_stage"],
            interview_date=picked.isoformat() if picked else "",
            interviewers=parse_interviewers(st.session_state["prep_interviewers"]),
            requirements=() if changed_job else interview.requirements,
            own_questions=interview.own_questions if interview else (),
            thank_you_note=interview.thank_you_note if interview else "",
        )
        if changed_job:
            requirements = interview_requirements(updated)
            updated = Interview.from_dict(
                updated.to_dict() | {"requirements": [r.to_dict() for r in requirements]}
            )
        if interview is None:
            st.session_state[ACTIVE_INTERVIEW_KEY] = store.create_interview(updated.to_dict())
        else:
            store.update_interview(interview.id, updated.to_dict())
    except RehearseError as error:
        st.error(str(error))
        return
    st.session_state.pop("prep_loaded", None)
    st.session_state[NOTICE_KEY] = "Saved. The requirements and questions below are built from it."
    st.rerun()


def update(store: Store, interview: Interview, **changes) -> None:
    store.update_interview(interview.id, interview.to_dict() | changes)
    st.rerun()


def edit_requirements(store: Store, interview: Interview, requirements: list[Requirement]) -> None:
    st.caption(
        "Edit a phrase, or tick some to merge or delete them. Each came from the sentence shown under it."
    )
    edited, ticked = [], []
    for index, requirement in enumerate(requirements):
        tick, text = st.columns([1, 12], vertical_alignment="center")
        if tick.checkbox("Select", key=f"req_pick_{interview.id}_{index}", label_visibility="collapsed"):
            ticked.append(index)
        new_text = text.text_input(
            f"Requirement {index + 1}",
            value=requirement.text,
            key=f"req_text_{interview.id}_{index}_{requirement.text}",
            label_visibility="collapsed",
        )
        if requirement.evidence:
            with text:
                plain(f"From: {requirement.evidence}")
        edited.append(Requirement(new_text.strip(), requirement.evidence))
    added = st.text_input(
        "Add a requirement", key=f"req_add_{interview.id}", placeholder="stakeholder management"
    )
    save_column, merge_column, delete_column = st.columns(3)
    result = None
    if save_column.button("Save the list", icon=":material/save:"):
        result = [item for item in edited if item.text] + (
            [Requirement(added.strip(), "")] if added.strip() else []
        )
    if merge_column.button("Merge selected", disabled=len(ticked) < 2):
        result = merge_requirements(edited, ticked)
    if delete_column.button("Delete selected", disabled=not ticked):
        result = [item for index, item in enumerate(edited) if index not in ticked]
    if result is not None:
        for key in [key for key in st.session_state if str(key).startswith("req_")]:
            del st.session_state[key]
        update(store, interview, requirements=[item.to_dict() for item in result])


def show_questions(questions, prefix: str) -> None:
    for index, question in enumerate(questions):
        text, button = st.columns([6, 1], vertical_alignment="center")
        aim = question.requirement or question.value
        with text:
            plain(question.kind.capitalize() + (f" · {aim}" if aim else ""))
            plain(question.text, style="font-weight:600;margin:0")
        if button.button("Rehearse it", key=f"{prefix}-{index}", icon=":material/mic:"):
            rehearse_question(question.text)


def show_coverage(rows) -> None:
    table = pd.DataFrame(
        [
            {
                "Requirement or value": row.target,
                "Kind": row.kind,
                "Answers": ", ".join(f"#{answer.attempt_id}" for answer in row.answers) or "—",
                "Where it is said": row.answers[0].sentence if row.answers else "no story yet",
                "Example with a result": "yes" if row.best_has_result else ("no" if row.answers else "—"),
            }
            for row in rows
        ]
    )
    covered = sum(row.has_story for row in rows)
    st.markdown(f"**{covered} of {len(rows)}** have a rehearsed story.")
    st.dataframe(table, hide_index=True, width="stretch")
    missing = [row.target for row in rows if not row.has_story]
    if missing:
        plain("Still no story for: " + "; ".join(missing))


def show_focus(preparation, analyses: list[dict]) -> None:
    if not preparation.focus:
        st.info("Add the earlier round's feedback in the set-up to get focus areas.")
        return
    for area in preparation.focus:
        met, total = focus_progress(area, analyses)
        with st.container(border=True):
            st.markdown(f"**{area.title}** · {met} of {total} rehearsed answers met it")
            plain(f"Feedback: {area.feedback}")
            st.caption(area.advice)


def own_questions(store: Store, interview: Interview) -> list[str]:
    with st.expander("Ideas by topic"):
        for topic, ideas in QUESTION_BANK.items():
            st.markdown(f"**{topic}**")
            for idea in ideas:
                st.text(idea)
    key = f"own_questions_{interview.id}"
    if key not in st.session_state:
        st.session_state[key] = "\n".join(interview.own_questions)
    text = st.text_area("Your questions for them, one a line (the first is asked first)", key=key)
    questions = [line.strip() for line in text.splitlines() if line.strip()]
    if st.button("Save my questions", key="save_own_questions"):
        update(store, interview, own_questions=questions)
    known = "\n".join((interview.job_description, interview.news_notes))
    for check in check_own_questions(questions, already_known=known):
        plain(
            f"“{check.question}”: {check.note}" + (f" It says: “{check.evidence}”" if check.evidence else ""),
            style="background:#fff3bf;padding:0.5rem 0.75rem;border-radius:0.5rem;margin:0.25rem 0",
        )
    for index, question in enumerate(questions):
        text_column, button = st.columns([6, 1], vertical_alignment="center")
        text_column.text(question)
        if button.button("Rehearse asking it", key=f"ask-{index}", icon=":material/mic:"):
            rehearse_question(question)
    return questions


def thank_you(store: Store, interview: Interview, rows) -> None:
    topics = [row.target for row in rows if row.kind == "requirement"]
    storied = [row.target for row in rows if row.kind == "requirement" and row.has_story]
    values = [row.target for row in rows if row.kind == "value"]
    left, right = st.columns(2)
    topic = left.selectbox(
        "A topic you discussed", storied + [t for t in topics if t not in storied] or [None]
    )
    value = right.selectbox("A value that fits", values or [None])
    if st.button("Draft the note", icon=":material/edit:"):
        st.session_state[f"thanks_{interview.id}"] = thank_you_note(interview, topic=topic, value=value)
    key = f"thanks_{interview.id}"
    if key not in st.session_state:
        st.session_state[key] = interview.thank_you_note
    note = st.text_area("Your thank-you note (nothing is sent: copy it into your email)", key=key, height=260)
    if note.strip():
        st.code(note, language=None, wrap_lines=True)
        left, right = st.columns(2)
        left.download_button("Download the note", note, file_name="thank-you-note.txt", mime="text/plain")
        if right.button("Keep this note", key="save_thanks"):
            update(store, interview, thank_you_note=note)


store = open_store_or_stop()
st.title("Prepare for an interview")
st.caption(
    "Set up the interview you are preparing for: the job description, the company's values, the people, "
    "and the earlier feedback. Everything stays on this computer."
)
interview = choose_interview(store)
load_form(interview)
if NOTICE_KEY in st.session_state:
    st.success(st.session_state.pop(NOTICE_KEY), icon=":material/check:")
set_up(store, interview)
if interview is None:
    st.stop()

try:
    preparation = prepare(interview)
except RehearseError as error:
    st.error(str(error))
    st.stop()
attempts = [attempt for attempt in store.list_attempts(interview_id=interview.id) if attempt.analysis]
rows = coverage_matrix(preparation.requirements, preparation.values, attempts)
analyses = [attempt.analysis for attempt in reversed(attempts)]
tabs = st.tabs(
    ["Requirements", "Questions", "Coverage", "Focus areas", "Your questions", "Thank-you note", "Prep sheet"]
)
with tabs[0]:
    edit_requirements(store, interview, preparation.requirements)
with tabs[1]:
    st.caption("Rehearse one: it opens on the Rehearse page, and your answer counts towards this interview.")
    show_questions(preparation.questions, "tailored")
with tabs[2]:
    show_coverage(rows)
with tabs[3]:
    show_focus(preparation, analyses)
with tabs[4]:
    asked = own_questions(store, interview)
with tabs[5]:
    thank_you(store, interview, rows)
with tabs[6]:
    markdown = prep_sheet_markdown(PrepSheet(interview, rows, preparation.focus, asked))
    st.code(markdown, language="markdown", wrap_lines=True)
    left, right = st.columns(2)
    left.download_button(
        "Download the prep sheet (Markdown)", markdown, file_name="prep-sheet.md", mime="text/markdown"
    )
    right.download_button(
        "Download the prep sheet (PDF)",
        prep_sheet_pdf(markdown),
        file_name="prep-sheet.pdf",
        mime="application/pdf",
    )
