"""Mock interview: a round of questions in a row, follow-ups where an interviewer would ask one,
analyses in the background, and the round report at the end. A closed tab resumes where it stopped."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

import pandas as pd
import streamlit as st

from app_pages.common import ACTIVE_INTERVIEW_KEY, analysis_options, interview_of, open_store_or_stop
from rehearse.analysis.results_view import audio_mime
from rehearse.analysis.text import clock
from rehearse.errors import RehearseError, StoreError
from rehearse.history.store import Attempt, MockRound, Store
from rehearse.mock.round import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    STAGE_NAMES,
    STAGES,
    RoundOptions,
    choose_round,
    questions_from_lines,
)
from rehearse.mock.runner import analyse_stored_answer, follow_up_after_recording, stored_round_report
from rehearse.preparation.plan import prepare
from rehearse.preparation.questions import Question, find_question
from rehearse.speech.transcribe import load_model, resolve_model_path

ROUND_KEY = "mock_round_id"
STARTED_KEY = "mock_question_shown_at"
LIMIT_KEY = "mock_time_limit_s"


@st.cache_resource
def analysis_pool() -> ThreadPoolExecutor:
    """One background worker per server: analyses queue there while the candidate goes on answering."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="rehearse-mock-analysis")


@st.cache_resource
def analyses_queued() -> dict[int, Future]:
    """Attempt id -> its background analysis, for every browser session of this server."""
    return {}


def queue_analysis(store: Store, attempt_id: int) -> None:
    queued = analyses_queued()
    if attempt_id in queued and not queued[attempt_id].done():
        return
    options = _options()
    queued[attempt_id] = analysis_pool().submit(analyse_stored_answer, store, attempt_id, options=options)


@st.cache_resource
def follow_up_model_warmed(model_path: str) -> threading.Thread:
    """Load the model the follow-ups are transcribed with once per server, in the background, so the
    first follow-up does not pay for it."""

    def load() -> None:
        with contextlib.suppress(RehearseError):
            load_model(model_path, 1)

    thread = threading.Thread(target=load, name="rehearse-follow-up-model", daemon=True)
    thread.start()
    return thread


def _options():
    settings = analysis_options()
    model_path = str(resolve_model_path(settings.transcribe.model_path or None))
    return replace(settings, transcribe=replace(settings.transcribe, model_path=model_path))


def still_analysing(mock_round: MockRound) -> list[Attempt]:
    return [attempt for attempt in mock_round.attempts if attempt.status == "recorded"]


def prepared_questions(store: Store) -> tuple[Question, ...]:
    """The questions tailored to the interview chosen on the Prepare page (none when there is none)."""
    interview = interview_of(store, st.session_state.get(ACTIVE_INTERVIEW_KEY))
    if interview is None:
        return ()
    return tuple(find_question(question.text) for question in prepare(interview).questions)


def start_round(store: Store, stage: str, count: int, typed: str) -> None:
    questions = questions_from_lines(typed.splitlines()) if typed.strip() else ()
    if not questions:
        options = RoundOptions(stage=stage, question_count=count)
        questions = choose_round(options, tailored=prepared_questions(store))
    st.session_state[ROUND_KEY] = store.start_round(stage, [question.text for question in questions])
    st.session_state.pop(STARTED_KEY, None)


def show_setup(store: Store) -> None:
    unfinished = store.unfinished_round()
    if unfinished is not None and unfinished.next_position is not None:
        answered = sum(1 for p in range(len(unfinished.questions)) if unfinished.answer(p) is not None)
        with st.container(border=True):
            st.markdown(
                f"**You have an unfinished round** ({STAGE_NAMES.get(unfinished.stage, unfinished.stage)},"
                f" {answered} of {len(unfinished.questions)} questions answered). Every answer so far is kept."
            )
            if st.button("Resume the round", type="primary", icon=":material/play_arrow:"):
                st.session_state[ROUND_KEY] = unfinished.id
                st.rerun()
    finished = [r for r in store.list_rounds() if r.state == "finished"]
    if finished:
        with st.expander(f"Your earlier rounds ({len(finished)})"):
            chosen = st.selectbox(
                "Round",
                finished,
                format_func=lambda r: (
                    f"#{r.id} · {STAGE_NAMES.get(r.stage, r.stage)} · {r.started_at[:16].replace('T', ' ')}"
                    f" · {len(r.questions)} questions"
                ),
                key="mock_past_round",
            )
            if st.button("Show its report", icon=":material/summarize:"):
                st.session_state[ROUND_KEY] = chosen.id
                st.rerun()
    st.markdown("#### A new round")
    preparing = interview_of(store, st.session_state.get(ACTIVE_INTERVIEW_KEY))
    if preparing is not None:
        st.caption(
            "Questions tailored to the interview chosen on the Prepare page come first;"
            " the question bank fills the rest."
        )
    stage = st.radio("Stage", STAGES, format_func=STAGE_NAMES.get, horizontal=True, key="mock_stage")
    count = st.slider("Questions", MIN_QUESTIONS, MAX_QUESTIONS, 5, key="mock_count")
    limit = st.number_input(
        "Time limit per question (seconds, 0 for none)",
        min_value=0,
        max_value=600,
        value=0,
        step=15,
        key="mock_limit",
    )
    typed = st.text_area(
        "Your own questions, one per line (optional: otherwise the question bank chooses)",
        key="mock_questions",
    )
    if st.button(
        "Start the round", type="primary", icon=":material/record_voice_over:", disabled=store.read_only
    ):
        st.session_state[LIMIT_KEY] = int(limit)
        start_round(store, stage, count, typed)
        st.rerun()


@st.fragment(run_every=1.0)
def gentle_clock(limit_s: int) -> None:
    """Seconds since the question was shown, against the time limit: a reminder, never a cut-off."""
    elapsed = time.monotonic() - st.session_state.get(STARTED_KEY, time.monotonic())
    if elapsed <= limit_s:
        st.caption(f":material/schedule: {clock(elapsed)} of {clock(limit_s)}")
    else:
        st.caption(f":material/schedule: {clock(elapsed)}: past your {clock(limit_s)}, time to wrap up.")


def show_question(store: Store, mock_round: MockRound, position: int) -> None:
    follow_up = mock_round.follow_ups[position] if mock_round.answer(position) is not None else None
    question = follow_up or mock_round.questions[position]
    label = "Follow-up" if follow_up else f"Question {position + 1} of {len(mock_round.questions)}"
    st.markdown(f"##### {label}")
    st.markdown(f"### {question}")
    if follow_up is None:
        st.caption(find_question(question).kind.capitalize() + " question")
    shown_for = (mock_round.id, position, follow_up)
    if st.session_state.get("mock_shown_for") != shown_for:
        st.session_state["mock_shown_for"] = shown_for
        st.session_state[STARTED_KEY] = time.monotonic()
    if st.session_state.get(LIMIT_KEY):
        gentle_clock(st.session_state[LIMIT_KEY])
    key = f"mock-answer-{mock_round.id}-{position}-{'follow-up' if follow_up else 'main'}"
    answer = st.audio_input("Press the microphone, answer, then press stop", sample_rate=16000, key=key)
    if answer is None:
        return
    try:
        attempt_id = store.save_round_recording(
            mock_round.id, position, answer.getvalue(), ".wav", follow_up=follow_up
        )
    except StoreError as error:
        st.error(str(error))
        return
    queue_analysis(store, attempt_id)
    if follow_up is None:
        with st.spinner("The interviewer considers your answer…"):
            try:
                decided = follow_up_after_recording(
                    store.audio_path(attempt_id), question=question, options=_options()
                )
            except RehearseError:
                decided = None  # the full analysis in the background says what went wrong
        store.set_follow_up(mock_round.id, position, decided)
    st.rerun()


def show_report(store: Store, mock_round: MockRound) -> None:
    _, report, compared = stored_round_report(store, mock_round)
    st.subheader("Round report")
    st.markdown(report.nerves)
    frame = pd.DataFrame(
        {
            "Answer": [f"{n + 1}" for n in range(len(report.questions))],
            "Fillers per minute": report.fillers_per_minute,
            "Words per minute": report.words_per_minute,
            "Time to first point (s)": report.time_to_first_point_s,
            "Length": [
                "—"
                if q.duration_s is None
                else f"{clock(q.duration_s)} ({q.length_verdict}; aim {clock(q.band_s[0])}–{clock(q.band_s[1])})"
                for q in report.questions
            ],
        }
    )
    left, right = st.columns(2)
    left.line_chart(frame, x="Answer", y="Fillers per minute", height=220)
    right.line_chart(frame, x="Answer", y="Words per minute", height=220)
    # The same rounding as the cards below, so the table never reads 20.06 beside a card's 20.1.
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "Fillers per minute": st.column_config.NumberColumn(format="%.1f"),
            "Words per minute": st.column_config.NumberColumn(format="%.0f"),
            "Time to first point (s)": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st.markdown("#### Work on first")
    if not report.work_on:
        st.success("Nothing stands out: keep practising at this level.")
    for number, item in enumerate(report.work_on, start=1):
        st.markdown(f"**{number}. {item.title}**")
        st.caption(item.evidence)
    for story in report.reused_stories:
        st.warning(
            f"Answers {story.first + 1} and {story.second + 1} tell the same story"
            f" (both mention {', '.join(story.shared[:5])}).",
            icon=":material/repeat:",
        )
    st.markdown("#### Against your earlier rounds")
    for sentence in compared:
        st.markdown(f"- {sentence}")
    st.markdown("#### Question by question")
    for q in report.questions:
        with st.expander(f"{q.index + 1}. {q.question}", expanded=q.index == 0):
            if not q.analysed:
                attempt = mock_round.answer(q.index)
                st.warning(
                    f"Not analysed: {attempt.error if attempt and attempt.error else 'still waiting'}."
                )
            else:
                columns = st.columns(4)
                columns[0].metric("Length", clock(q.duration_s))
                columns[0].caption(f"{q.length_verdict}: aim {clock(q.band_s[0])}–{clock(q.band_s[1])}")
                columns[1].metric("Fillers per minute", f"{q.fillers_per_minute:.1f}")
                columns[2].metric("Words per minute", f"{q.words_per_minute:.0f}")
                columns[3].metric(
                    "First point",
                    "—" if q.time_to_first_point_s is None else f"{q.time_to_first_point_s:.1f} s",
                )
                star = " · ".join(f"{'✓' if found else '✗'} {part}" for part, found in q.star.items())
                st.markdown(f"STAR: {star}")
                for tip in q.tips:
                    st.markdown(f"- {tip}")
            _playback(store, mock_round.answer(q.index))
            if q.follow_up:
                st.markdown(f"**Follow-up:** {q.follow_up}")
                _playback(store, mock_round.follow_up_answer(q.index))
                for tip in q.follow_up_tips:
                    st.markdown(f"- {tip}")


def _playback(store: Store, attempt: Attempt | None) -> None:
    if attempt is None:
        return
    try:
        path = store.audio_path(attempt.id)
    except StoreError as error:
        st.warning(str(error))
        return
    st.audio(str(path), format=audio_mime(path.suffix))


@st.fragment(run_every=2.0)
def wait_for_analyses(round_id: int) -> None:
    """Reruns the page once the last analysis is in: the report needs every one."""
    store = open_store_or_stop()
    if not still_analysing(store.get_round(round_id)):
        st.rerun()


st.title("Mock interview")
st.caption("A whole round in a row: answer each question aloud; the next one comes at once.")
store = open_store_or_stop()
with contextlib.suppress(RehearseError):  # a missing model is reported when an answer is analysed
    follow_up_model_warmed(_options().transcribe.model_path)
round_id = st.session_state.get(ROUND_KEY)
if round_id is None:
    show_setup(store)
    st.stop()
mock_round = store.get_round(round_id)
for attempt in still_analysing(mock_round):
    queue_analysis(store, attempt.id)  # after a restart, analyses cut off run again
waiting = still_analysing(mock_round)
position = mock_round.next_position
if position is not None:
    answered = sum(1 for p in range(len(mock_round.questions)) if mock_round.answer(p) is not None)
    st.progress(
        answered / len(mock_round.questions), text=f"{answered} of {len(mock_round.questions)} answered"
    )
    if waiting:
        st.caption(
            f":material/hourglass_top: {len(waiting)} answer{'s' if len(waiting) != 1 else ''} still being analysed"
        )
    show_question(store, mock_round, position)
    st.stop()
if mock_round.state != "finished":
    store.finish_round(mock_round.id)
    mock_round = store.get_round(mock_round.id)
if waiting:
    st.info(
        f"Analysing your last {len(waiting)} answer{'s' if len(waiting) != 1 else ''}: the round report follows."
    )
    if st.button("Show the report", icon=":material/refresh:"):
        st.rerun()
    wait_for_analyses(mock_round.id)
    st.stop()
show_report(store, mock_round)
if st.button("Start another round", icon=":material/replay:"):
    st.session_state.pop(ROUND_KEY, None)
    st.rerun()
