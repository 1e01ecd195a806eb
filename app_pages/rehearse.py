"""Rehearse: pick a question, answer it aloud (or upload a recording), and see the analysis."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from app_pages.common import (
    ACTIVE_INTERVIEW_KEY,
    BANK,
    CURRENT_ATTEMPT_KEY,
    OWN,
    analyse_attempt,
    analysis_options,
    interview_of,
    open_store_or_stop,
    show_attempt,
    show_unanalysed,
)
from rehearse.analysis.text import clock
from rehearse.errors import AudioError, StoreError
from rehearse.history.store import AUDIO_SUFFIXES, Attempt, Store
from rehearse.preparation.questions import (
    KIND_ADVICE,
    OWN_QUESTION_THEME,
    Question,
    find_question,
    load_questions,
    themes,
)
from rehearse.speech.audio import load_audio

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_audio"
SAMPLE_LABELS = {"strong_star": "A strong STAR answer", "vague_fillers": "A vague answer full of fillers"}
RECORD, UPLOAD = "Record now", "Upload a recording"
# Answers this browser session saved: answer_key -> attempt id.
SAVED_ANSWERS_KEY = "saved_answers"
NOTICE_KEY = "rehearse_notice"
DELETED_KEY = "rehearse_deleted"
# Attempts whose recording cannot be decoded: no retry can help them.
UNREADABLE_KEY = "unreadable_attempts"
# The question step 1 shows on the next run: a sample answers its own question, not the one chosen.
SHOW_QUESTION_KEY = "show_question"


def show_question(text: str) -> None:
    """Put ``text`` in step 1 (before its widgets are drawn): the bank question, or typed as their own."""
    question = find_question(text)
    if question.theme == OWN_QUESTION_THEME:
        st.session_state.update(question_source=OWN, own_question=text)
    else:
        st.session_state.update(question_source=BANK, theme=question.theme, bank_question=question.text)


def pick_question() -> Question | None:
    source = st.radio(
        "Question", [BANK, OWN], horizontal=True, key="question_source", label_visibility="collapsed"
    )
    if source == OWN:
        text = st.text_area(
            "Type the question you want to rehearse",
            key="own_question",
            placeholder="Tell me about a time you…",
            max_chars=500,
        )
        return find_question(text) if text.strip() else None
    theme = st.selectbox("Theme", themes(), key="theme")
    in_theme = [question.text for question in load_questions() if question.theme == theme]
    return find_question(st.selectbox("Question", in_theme, key="bank_question"))


@dataclass(frozen=True)
class Sample:
    path: Path
    question: str

    @property
    def label(self) -> str:
        return SAMPLE_LABELS.get(self.path.stem, self.path.stem.replace("_", " "))


def sample_answers() -> list[Sample]:
    """The recorded sample answers, each with the question it answers (from its labels file)."""
    return [
        Sample(path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["question"])
        for path in sorted(SAMPLE_DIR.iterdir())
        if path.suffix in AUDIO_SUFFIXES and path.with_suffix(".json").is_file()
    ]


def answer_key(question: str, audio_bytes: bytes) -> str:
    """What makes two answers the same: the same recording to the same question."""
    return hashlib.sha256(question.encode() + b"\0" + audio_bytes).hexdigest()


def already_saved(store: Store, key: str) -> int | None:
    """The attempt this browser session already saved for the same answer, if it is still stored."""
    attempt_id = st.session_state.get(SAVED_ANSWERS_KEY, {}).get(key)
    if attempt_id is None:
        return None
    try:
        store.get_attempt(attempt_id)
    except StoreError:  # deleted since: the answer may be saved again
        return None
    return attempt_id


def save_and_analyse(
    store: Store,
    question: Question,
    audio_bytes: bytes,
    suffix: str,
    *,
    their_name: str | None = None,
    sample: bool = False,
) -> str | None:
    """Save the recording first, then analyse it; returns why it could not be saved, if it could not.

    A second click for the same recording opens the attempt already saved instead of a duplicate
    that would count twice in the progress. A sample answer is marked, so History leaves it out.
    ``their_name`` is the uploaded file's own name (None for a recording made here): a failure names
    it rather than the file name the store keeps it under.
    """
    key = answer_key(question.text, audio_bytes)
    if (attempt_id := already_saved(store, key)) is not None:
        st.session_state[CURRENT_ATTEMPT_KEY] = attempt_id
        st.session_state[NOTICE_KEY] = (
            f"This recording was already analysed as attempt #{attempt_id}; its results are below. "
            "Record or upload a new answer to make another attempt."
        )
        return None
    try:
        attempt_id = store.save_recording(
            question.text, audio_bytes, suffix, interview_id=active_interview(store)
        )
    except StoreError as error:
        return str(error)
    st.session_state.setdefault(SAVED_ANSWERS_KEY, {})[key] = attempt_id
    st.session_state[CURRENT_ATTEMPT_KEY] = attempt_id
    analyse_attempt(store, attempt_id, their_name=their_name)
    attempt = store.get_attempt(attempt_id)
    if attempt.status == "failed" and not readable(store, attempt_id):
        st.session_state.setdefault(UNREADABLE_KEY, set()).add(attempt_id)
    if sample:
        mark_sample(store, attempt_id)
    return None


def active_interview(store: Store) -> int | None:
    """The interview being prepared for on the Prepare page, if it still exists."""
    interview = interview_of(store, st.session_state.get(ACTIVE_INTERVIEW_KEY))
    return interview.id if interview is not None else None


def readable(store: Store, attempt_id: int) -> bool:
    """Whether the saved recording decodes to an answer of an accepted length.

    Only then can trying the analysis again work (after a model or settings problem is fixed); a file
    that is not audio, is damaged, or is too short or too long fails the same way every time.
    """
    options = analysis_options()
    try:
        load_audio(
            store.audio_path(attempt_id), min_seconds=options.min_seconds, max_seconds=options.max_seconds
        )
    except AudioError:
        return False
    return True


def show_unreadable(store: Store, attempt: Attempt) -> None:
    """A recording no retry can rescue: say so, and offer to delete it instead of a retry or a dead player."""
    st.error(f"The analysis failed: {attempt.error}")
    st.caption(
        "Trying again would fail the same way, because the file itself cannot be used. Delete it, "
        "then record your answer here or upload another recording."
    )
    if st.button("Delete this recording", icon=":material/delete:", key=f"delete-unreadable-{attempt.id}"):
        try:
            store.delete_attempt(attempt.id)
        except StoreError as error:
            st.error(str(error))
            return
        st.session_state.pop(CURRENT_ATTEMPT_KEY, None)
        st.session_state[DELETED_KEY] = f"Attempt #{attempt.id} was deleted: it is not kept anywhere."
        st.rerun()


def mark_sample(store: Store, attempt_id: int) -> None:
    """Mark the app's own sample answer in its analysis, so progress and "best" leave it out."""
    attempt = store.get_attempt(attempt_id)
    if attempt.analysis is not None:
        store.save_analysis(attempt_id, attempt.analysis | {"sample": True})


store = open_store_or_stop()
st.title("Rehearse an answer")
st.caption("Everything stays on this computer: the recording, the transcript and the analysis.")
if (preparing := interview_of(store, st.session_state.get(ACTIVE_INTERVIEW_KEY))) is not None:
    # The company and role are the candidate's own text: escaped, never read as Markdown.
    st.html(
        "<p style='color:#6c757d;font-size:0.875rem'>Your answers count towards your preparation for "
        f"{html.escape(preparing.title)} (chosen on Prepare).</p>"
    )
show_unanalysed(store, store.list_attempts())

question_column, answer_column = st.columns(2, gap="large")
with question_column:
    st.markdown("#### 1. Choose a question")
    if SHOW_QUESTION_KEY in st.session_state:
        show_question(st.session_state.pop(SHOW_QUESTION_KEY))
    question = pick_question()
    if question is not None:
        # The same band the Length card, the tip and History judge the answer against.
        low, high = replace(analysis_options().conciseness, target_s=float(question.target_seconds)).band_s
        advice = (
            f"{KIND_ADVICE[question.kind]} Aim for about {clock(question.target_seconds)}"
            f" ({clock(low)}–{clock(high)} counts as on target)."
        )
        # A bank question is shown in full (the select box cuts long ones); a typed one is the
        # candidate's own text and stays in its box, never rendered as Markdown.
        heading = f"**{question.text}**\n\n" if question.theme != OWN_QUESTION_THEME else ""
        st.info(heading + advice, icon=":material/lightbulb:")

with answer_column:
    st.markdown("#### 2. Answer it aloud")
    answer_source = st.radio(
        "Answer", [RECORD, UPLOAD], horizontal=True, key="answer_source", label_visibility="collapsed"
    )
    if answer_source == RECORD:
        answer = st.audio_input(
            "Press the microphone, answer, then press stop", sample_rate=16000, key="recording"
        )
    else:
        answer = st.file_uploader(
            "Upload a recording of your answer",
            type=[suffix.lstrip(".") for suffix in AUDIO_SUFFIXES],
            key="upload",
        )
    analyse_clicked = st.button(
        "Analyze my answer",
        type="primary",
        icon=":material/analytics:",
        disabled=answer is None or question is None,
        help=None if question is not None else "Choose or type a question first.",
    )
    with st.expander("No microphone at hand? Try a sample answer"):
        sample = st.selectbox(
            "Sample answer", sample_answers(), format_func=lambda sample: sample.label, key="sample"
        )
        if sample is not None:
            st.caption(f"It answers: *{sample.question}*")
        sample_clicked = st.button("Try a sample answer", disabled=sample is None)

new_answer = None
is_sample = False
their_name = None
if analyse_clicked and answer is not None and question is not None:
    new_answer = (question, answer.getvalue(), Path(answer.name).suffix or ".wav")
    # A recording made here has a name the candidate never saw; an upload has their own.
    their_name = answer.name if answer_source == UPLOAD else None
elif sample_clicked and sample is not None:
    new_answer = (find_question(sample.question), sample.path.read_bytes(), sample.path.suffix)
    is_sample = True
    their_name = sample.path.name

# One slot for progress and results: a new analysis replaces the previous results at once
# instead of leaving them greyed out on the page while it runs.
results = st.empty()
save_error = None
if new_answer is not None:
    with results.container():
        save_error = save_and_analyse(store, *new_answer, their_name=their_name, sample=is_sample)
    if is_sample and save_error is None and new_answer[0].text != (question.text if question else None):
        # Step 1 is already drawn with the question chosen before: draw it again with the sample's.
        st.session_state[SHOW_QUESTION_KEY] = new_answer[0].text
        st.rerun()

attempt_id = st.session_state.get(CURRENT_ATTEMPT_KEY)
with results.container():
    if DELETED_KEY in st.session_state:
        st.success(st.session_state.pop(DELETED_KEY), icon=":material/check:")
    if save_error is not None:
        st.error(save_error)
    elif attempt_id is not None:
        st.divider()
        if NOTICE_KEY in st.session_state:
            st.info(st.session_state.pop(NOTICE_KEY), icon=":material/content_copy:")
        try:
            attempt = store.get_attempt(attempt_id)
        except StoreError as error:
            st.error(str(error))
        else:
            if attempt.status == "failed" and attempt.id in st.session_state.get(UNREADABLE_KEY, set()):
                show_unreadable(store, attempt)
            else:
                show_attempt(store, attempt)
