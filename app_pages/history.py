"""History: progress per question, every attempt grouped by question, two attempts compared, sessions."""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st

from app_pages.common import open_store_or_stop, playback, show_attempt, show_unanalysed
from rehearse.analysis.results_view import cards_html, transcript_html, when
from rehearse.errors import StoreError
from rehearse.history.progress import (
    ADDED_STYLE,
    BEST_RULE,
    DIFF_MIN_SIMILARITY,
    REMOVED_STYLE,
    attempt_json,
    attempt_markdown,
    attempts_csv,
    attempts_table,
    compare,
    count,
    diff_html,
    filter_attempts,
    format_value,
    group_by_question,
    is_sample,
    local_date,
    not_counted,
    points,
    progress,
    rounds_table,
    session_period,
    session_summary,
    sessions_table,
    trend_chart,
    trend_frame,
)
from rehearse.history.store import Attempt, Store
from rehearse.preparation.focus import focus_areas, focus_progress
from rehearse.preparation.interview import Interview

ALL_QUESTIONS = "All questions"
ALL_INTERVIEWS = "Every interview"
PROGRESS, ATTEMPTS, COMPARE, SESSIONS = "Progress", "Attempts", "Compare two attempts", "Practice sessions"
ROUNDS = "Mock interview rounds"
CONFIRM_DELETE_KEY = "history_confirm_delete"
NOTICE_KEY = "history_notice"
# Attempts and sessions are cards, not wide tables: at phone width a table hid all but its first columns.
ATTEMPT_TITLE = ("Best", "Attempt", "When")
VERDICT_COLORS = {"better": "color:#2b8a3e;font-weight:600", "worse": "color:#c92a2a;font-weight:600"}


def heading(text: str, *, note: str = "") -> None:
    """A question as a heading: the candidate's own text, escaped, never read as Markdown."""
    small = f" <span style='color:#6c757d;font-size:0.9rem;font-weight:400'>{html.escape(note)}</span>"
    st.html(
        f"<p style='font-size:1.15rem;font-weight:600;margin:0'>{html.escape(text)}{small if note else ''}</p>"
    )


def sentences(lines: tuple[str, ...]) -> None:
    st.html("<ul style='margin:0'>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")


def cards(
    frame: pd.DataFrame, *, title_columns: tuple[str, ...], styles: dict[str, str] | None = None
) -> None:
    """A table drawn as cards; nothing at all when it has no rows (failed attempts are named instead)."""
    if not frame.empty:
        st.html(cards_html(frame, title_columns=title_columns, styles=styles))


def label(attempt: Attempt) -> str:
    question = attempt.question if len(attempt.question) <= 70 else attempt.question[:69] + "…"
    return f"#{attempt.id} · {when(attempt.created_at)} · {question}"


def choose_interview(store: Store, attempts: list[Attempt]) -> list[Attempt]:
    """Only the attempts made for one interview being prepared, when one is chosen; its focus areas first."""
    interviews = {
        item.id: Interview.from_dict(item.data, interview_id=item.id) for item in store.list_interviews()
    }
    if not interviews:
        return attempts
    chosen = st.selectbox(
        "Interview",
        [ALL_INTERVIEWS, *interviews],
        format_func=lambda key: key if key == ALL_INTERVIEWS else interviews[key].title,
        key="history_interview",
    )
    if chosen == ALL_INTERVIEWS:
        return attempts
    mine = [attempt for attempt in attempts if attempt.interview_id == chosen]
    analyses = [attempt.analysis for attempt in reversed(mine) if attempt.analysis]
    lines = []
    for area in focus_areas(interviews[chosen].earlier_feedback):
        met, total = focus_progress(area, analyses)
        lines.append(f"Focus: {area.title}: met in {met} of {total} analysed answers (“{area.feedback}”).")
    if lines:
        sentences(tuple(lines))
    return mine


def choose_filters(attempts: list[Attempt]) -> list[Attempt]:
    questions = list(group_by_question(attempts))
    left, right = st.columns([3, 2])
    with left:
        question = st.selectbox("Question", [ALL_QUESTIONS, *questions], key="history_question")
    with right:
        first_day = min(local_date(attempt.created_at) for attempt in attempts)
        days = st.date_input(
            "Dates", value=(first_day, date.today()), format="DD/MM/YYYY", key="history_dates"
        )
    # Until the second date of the range is picked, the range is the first day alone.
    first, last = (days[0], days[-1]) if days else (None, None)
    return filter_attempts(
        attempts, question=None if question == ALL_QUESTIONS else question, first_day=first, last_day=last
    )


def show_progress(attempts: list[Attempt]) -> None:
    groups = group_by_question(attempts)
    single = len(groups) == 1
    history = points(attempts)
    summary = progress(history)
    if summary is None:
        st.info(
            "None of your own answers here has been analysed yet, so there is no progress to show. "
            + (not_counted(attempts) or "")
        )
        return
    asked = len({p.question for p in history})
    if single:
        heading(next(iter(groups)), note=count(len(history), "analysed attempt"))
    else:
        heading(
            "Every question together", note=f"{count(len(history), 'analysed attempt')} at {asked} questions"
        )
    sentences(summary.summary + ((left_out,) if (left_out := not_counted(attempts)) else ()))
    frame = trend_frame(history)
    for row in (("fillers", "pace"), ("length", "star")):
        for column, trend in zip(st.columns(2), row, strict=True):
            with column:
                st.altair_chart(trend_chart(frame, trend), width="stretch")
    st.caption(
        f"Attempts run left to right, oldest first{'' if single else ', each question its own line counted from its own first attempt'}. Green bands: a comfortable pace, and the target length "
        f"(each question's own target, widened by the margin set in Settings). ★ {BEST_RULE}"
    )
    if single:
        return
    st.markdown("#### Question by question")
    st.caption("Choose a question above to see its own charts.")
    for question, of_question in groups.items():
        one = progress(points(of_question))
        with st.container(border=True):
            heading(question, note=count(len(points(of_question)), "analysed attempt"))
            left_out = not_counted(of_question)
            sentences(
                (
                    *(one.summary if one else ("No answer of yours analysed yet.",)),
                    *((left_out,) if left_out else ()),
                )
            )


def show_attempts(store: Store, attempts: list[Attempt], everything: list[Attempt]) -> None:
    st.download_button(
        "Download every attempt (CSV)",
        attempts_csv(everything[::-1]),
        file_name="rehearse-attempts.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    for question, asked in group_by_question(attempts).items():
        with st.container(border=True):
            heading(question, note=f"{count(len(asked), 'attempt')}, newest first")
            cards(attempts_table(asked), title_columns=ATTEMPT_TITLE)
            if left_out := not_counted(asked):
                failed = any(attempt.analysis is None for attempt in asked)
                st.caption(
                    f"{left_out}{' Open it below to see why, then try again or delete it.' if failed else ''}"
                )
    st.caption(f"★ {BEST_RULE}")
    st.divider()
    # The selection is an id, read afresh on every run: a retry's result shows as soon as it is saved.
    labels = {attempt.id: label(attempt) for attempt in attempts}
    chosen = st.selectbox("Open an attempt", labels, format_func=labels.__getitem__, key="history_attempt")
    if chosen is None:
        return
    try:
        attempt = store.get_attempt(chosen)
    except StoreError as error:
        st.error(str(error))
        return
    attempt_actions(store, attempt)
    show_attempt(store, attempt)


def attempt_actions(store: Store, attempt: Attempt) -> None:
    """Export the attempt, or delete it after a confirmation."""
    if st.session_state.get(CONFIRM_DELETE_KEY) == attempt.id:
        st.warning(
            f"Delete attempt #{attempt.id} ({when(attempt.created_at)}) and its recording? This cannot be undone.",
            icon=":material/delete:",
        )
        buttons = st.container(horizontal=True)
        if buttons.button("Yes, delete it", type="primary", key="history_delete_yes"):
            del st.session_state[CONFIRM_DELETE_KEY]
            try:
                store.delete_attempt(attempt.id)
            except StoreError as error:
                st.error(str(error))
                return
            st.session_state[NOTICE_KEY] = f"Attempt #{attempt.id} and its recording were deleted."
            st.rerun()
        if buttons.button("Keep it", key="history_delete_no"):
            del st.session_state[CONFIRM_DELETE_KEY]
            st.rerun()
        return
    buttons = st.container(horizontal=True)
    if attempt.analysis is not None:
        buttons.download_button(
            "Download JSON",
            attempt_json(attempt),
            file_name=f"rehearse-attempt-{attempt.id}.json",
            mime="application/json",
            icon=":material/data_object:",
            key="history_download_json",
        )
        buttons.download_button(
            "Download report (Markdown)",
            attempt_markdown(attempt),
            file_name=f"rehearse-attempt-{attempt.id}.md",
            mime="text/markdown",
            icon=":material/description:",
            key="history_download_md",
        )
    if buttons.button("Delete this attempt", icon=":material/delete:", key="history_delete"):
        st.session_state[CONFIRM_DELETE_KEY] = attempt.id
        st.rerun()


def show_comparison(store: Store, attempts: list[Attempt]) -> None:
    analysed = [attempt for attempt in attempts if attempt.analysis is not None]
    if len(analysed) < 2:
        st.info("Comparing needs two analysed attempts: rehearse the question once more.")
        return
    # By default: the candidate's newest attempt against the one before it at the same question
    # (the app's sample answers only when there are not two of their own).
    own = [attempt for attempt in analysed if not is_sample(attempt)]
    pool = own if len(own) >= 2 else analysed
    newest = pool[0]
    before = next((a for a in pool[1:] if a.question == newest.question), pool[1])
    left, right = st.columns(2)
    with left:
        first = st.selectbox(
            "First attempt", analysed, index=analysed.index(before), format_func=label, key="compare_first"
        )
    with right:
        second = st.selectbox(
            "Second attempt", analysed, index=analysed.index(newest), format_func=label, key="compare_second"
        )
    if first is None or second is None or first.id == second.id:
        st.info("Choose two different attempts.")
        return
    comparison = compare(first, second)
    if first.question != second.question:
        st.caption(
            "These attempts answer different questions: lengths are judged against each one's own target."
        )
    names = f"First #{first.id}", f"Second #{second.id}"
    # One card per measure, first above second: two columns of numbers side by side do not fit a phone.
    table = pd.DataFrame(
        {
            "Measure": [change.label for change in comparison.changes],
            names[0]: [format_value(change.unit, change.first) for change in comparison.changes],
            names[1]: [format_value(change.unit, change.second) for change in comparison.changes],
            "Change": [
                format_value(change.unit, change.difference, signed=True) for change in comparison.changes
            ],
            "Better or worse": [change.verdict for change in comparison.changes],
        }
    )
    cards(table, title_columns=("Measure",), styles=VERDICT_COLORS)
    st.caption(
        "Better means fewer fillers and hedges, a pace inside the comfortable band, a steadier pace, "
        "a length nearer the target, and more STAR parts when the question asks for a story."
    )
    st.markdown("#### The two answers")
    for column, attempt, name in zip(st.columns(2), (first, second), ("First", "Second"), strict=True):
        with column:
            heading(f"{name}: attempt #{attempt.id}", note=when(attempt.created_at))
            playback(store, attempt)
            st.html(transcript_html(attempt.analysis))
    if not comparison.close:
        st.caption(
            f"These answers share {comparison.similarity:.0%} of their words: they tell different stories,"
            f" so they are shown side by side. A word-by-word view appears when two answers share"
            f" {DIFF_MIN_SIMILARITY:.0%} or more."
        )
        return
    st.markdown("#### What changed in the wording")
    st.html(
        f"<span style='color:#6c757d;font-size:0.9rem'><del style='{REMOVED_STYLE}'>struck through</del>"
        f" only in the first attempt &nbsp; <ins style='{ADDED_STYLE}'>green</ins> only in the second</span>"
    )
    st.html(diff_html(comparison.diff))


def show_sessions(store: Store, attempts: list[Attempt]) -> None:
    shown = {attempt.session_id for attempt in attempts}
    sessions = [session for session in store.list_sessions() if session.id in shown]
    if not sessions:
        st.info("No practice sessions in these dates.")
        return
    st.caption("Attempts less than 30 minutes apart count as one practice session.")
    cards(sessions_table(sessions, attempts), title_columns=("Session",))
    session = st.selectbox(
        "Session",
        sessions,
        # The answers of the candidate's that count, as the cards above say (no samples, no failures).
        format_func=lambda s: (
            f"{session_period(s)} · {count(len(points(a for a in attempts if a.session_id == s.id)), 'attempt')}"
        ),
        key="session",
    )
    if session is None:
        return
    summary = session_summary(session, attempts)
    sentences(summary.summary)
    st.markdown("**Questions covered**")
    sentences(summary.questions)
    mine = [attempt for attempt in attempts if attempt.session_id == session.id]
    if points(mine):
        cards(attempts_table(mine), title_columns=ATTEMPT_TITLE)


store = open_store_or_stop()
st.title("History")
everything = store.list_attempts()
if NOTICE_KEY in st.session_state:
    st.success(st.session_state.pop(NOTICE_KEY), icon=":material/check:")
if not everything:
    st.info("No attempts yet: rehearse an answer and it will be listed here.")
    st.stop()

st.caption(f"{count(len(everything), 'attempt')}, stored on this computer in {store.home}.")
show_unanalysed(store, everything)
attempts = choose_interview(store, everything)
attempts = choose_filters(attempts) if attempts else []
view = st.segmented_control(
    "View",
    [PROGRESS, ATTEMPTS, COMPARE, SESSIONS, ROUNDS],
    default=PROGRESS,
    required=True,
    key="history_view",
    label_visibility="collapsed",
)
if view == ROUNDS:
    rounds = store.list_rounds()
    if not rounds:
        st.info("No mock interview rounds yet: run one on the Mock interview page.")
    else:
        st.dataframe(rounds_table(rounds), hide_index=True, width="stretch")
        st.caption("Each round's report opens on the Mock interview page, under “Your earlier rounds”.")
elif not attempts:
    st.info("No attempts match these filters: choose another question or widen the dates.")
elif view == ATTEMPTS:
    show_attempts(store, attempts, everything)
elif view == COMPARE:
    show_comparison(store, attempts)
elif view == SESSIONS:
    show_sessions(store, attempts)
else:
    show_progress(attempts)
