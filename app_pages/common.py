"""What the pages share: the store, the settings, the models loaded once per server, and the results view."""

from __future__ import annotations

import html
from dataclasses import replace

import streamlit as st

from rehearse.analysis.analysis import AnalysisOptions, analyze_file
from rehearse.analysis.example import ExampleOptions, load_language_model
from rehearse.analysis.results_view import (
    NO_TIPS_HTML,
    attempt_heading_html,
    audio_mime,
    headlines,
    name_their_file,
    overall_progress,
    pace_chart,
    star_html,
    tip_html,
    transcript_html,
    transcript_legend,
    voice_chart,
    voice_verdict,
    when,
)
from rehearse.analysis.text import clock
from rehearse.errors import RehearseError, StoreError
from rehearse.evaluation.accuracy import filler_accuracy_note
from rehearse.history.progress import count
from rehearse.history.settings import load_settings
from rehearse.history.store import Attempt, Store, default_home, open_store
from rehearse.preparation.coverage import link_answer, speaks_to_summary
from rehearse.preparation.focus import focus_areas, read_focus
from rehearse.preparation.interview import Interview
from rehearse.preparation.plan import interview_requirements
from rehearse.preparation.questions import find_question
from rehearse.speech.transcribe import load_model, resolve_model_path

SETTINGS_KEY = "analysis_options"
SETTINGS_NOTICE_KEY = "settings_notice"
# Where the player starts, per attempt: a tip's "Play from 0:09" button sets it.
PLAY_FROM_KEY = "play_from"
CURRENT_ATTEMPT_KEY = "attempt_id"
# The interview being prepared for (Prepare page): new answers belong to it.
ACTIVE_INTERVIEW_KEY = "active_interview"
BANK, OWN = "From the question bank", "My own question"
# Streamlit forgets a widget's value when a page without it runs; writing the value back to
# session_state on every run keeps the chosen question while the candidate visits Settings.
PERSISTENT_WIDGETS = ("question_source", "theme", "bank_question", "own_question", "answer_source")


def keep_widget_state() -> None:
    for key in PERSISTENT_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def analysis_options() -> AnalysisOptions:
    """The candidate's settings as the engine's options: read from the data folder once per browser session."""
    if SETTINGS_KEY not in st.session_state:
        options, notice = load_settings(default_home())
        st.session_state[SETTINGS_KEY] = options
        if notice is not None:
            st.session_state[SETTINGS_NOTICE_KEY] = notice
    return st.session_state[SETTINGS_KEY]


def rehearse_question(text: str) -> None:
    """Open the Rehearse page with ``text`` as the question to answer."""
    st.session_state["question_source"] = OWN
    st.session_state["own_question"] = text
    st.switch_page("app_pages/rehearse.py")


def interview_of(store: Store, interview_id: int | None) -> Interview | None:
    """The interview an attempt belongs to, if it still exists."""
    if interview_id is None:
        return None
    try:
        stored = store.get_interview(interview_id)
    except StoreError:
        return None
    return Interview.from_dict(stored.data, interview_id=stored.id)


def show_interview_links(store: Store, attempt: Attempt) -> None:
    """First in the results: the focus areas from the earlier feedback, and what the answer speaks to."""
    interview = interview_of(store, attempt.interview_id)
    if interview is None or attempt.analysis is None:
        return
    lines = []
    for area in focus_areas(interview.earlier_feedback):
        reading = read_focus(area, attempt.analysis)
        lines.append(f"{'✓' if reading.met else '✗'} Focus: {area.title} ({reading.detail})")
    try:
        requirements = interview_requirements(interview)
    except RehearseError:
        requirements = []
    summary = speaks_to_summary(
        link_answer(attempt.analysis["transcript"]["text"], requirements, interview.values)
    )
    lines.append(summary or f"This answer does not yet speak to a requirement of {interview.title}.")
    # The requirement names and the quoted sentence are the candidate's own words: escaped.
    st.html(
        "<div style='background:#e7f5ff;border-radius:0.5rem;padding:0.6rem 0.9rem;margin:0.3rem 0'>"
        + f"<strong>{html.escape(interview.title)}</strong><br>"
        + "<br>".join(html.escape(line) for line in lines)
        + "</div>"
    )


def open_store_or_stop() -> Store:
    """The store; what opening it found (recordings without a history) is said once, on the page."""
    try:
        store = open_store()
    except StoreError as error:
        st.error(str(error))
        st.stop()
    if store.notice is not None:
        st.warning(store.notice, icon=":material/restore:")
    analysis_options()
    if SETTINGS_NOTICE_KEY in st.session_state:
        st.warning(st.session_state.pop(SETTINGS_NOTICE_KEY), icon=":material/settings:")
    if store.read_only:
        st.info(
            f"Your history in {store.home} is read-only: you can look through, compare and export it,"
            " but new answers cannot be saved until the folder is writable.",
            icon=":material/lock:",
        )
    return store


@st.cache_resource
def analyses_running() -> set[int]:
    """Attempts this server is analysing now, for every browser session: they are not interrupted."""
    return set()


def show_unanalysed(store: Store, attempts: list[Attempt]) -> None:
    """Name the recordings whose analysis was cut off (a restart, a crash) and offer to run it now."""
    waiting = [
        attempt
        for attempt in attempts
        if attempt.status == "recorded" and attempt.id not in analyses_running()
    ]
    if not waiting:
        return
    with st.container(border=True):
        st.markdown(f"**{count(len(waiting), 'recording')} not analysed yet**, for example after a restart:")
        for attempt in waiting[:5]:
            left, right = st.columns([4, 1], vertical_alignment="center")
            # The question is the candidate's own text: shown as text, never read as Markdown.
            left.text(f"#{attempt.id} · {when(attempt.created_at)} · {attempt.question}")
            if right.button("Analyse it now", key=f"analyse-waiting-{attempt.id}", disabled=store.read_only):
                st.session_state[CURRENT_ATTEMPT_KEY] = attempt.id
                analyse_attempt(store, attempt.id)
                st.rerun()
        if len(waiting) > 5:
            st.caption(f"And {len(waiting) - 5} more: open them in History.")


@st.cache_resource(show_spinner="Loading the speech model (only once per server start)…")
def speech_model(model_path: str) -> object:
    return load_model(model_path)


@st.cache_resource(show_spinner="Loading the English language model (only once per server start)…")
def language_model() -> object:
    return load_language_model()


def analyse_attempt(store: Store, attempt_id: int, *, their_name: str | None = None) -> None:
    """Analyse a saved recording and save the analysis, or the reason it failed (the recording stays).

    A failure names the candidate's own file (``their_name``, or "Your recording"), never the store's copy.
    """
    attempt = store.get_attempt(attempt_id)
    settings = analysis_options()
    bar = st.progress(0.0, text="Preparing…")

    def report(stage: str, fraction: float) -> None:
        value, label = overall_progress(stage, fraction)
        bar.progress(value, text=label)

    running = analyses_running()
    running.add(attempt_id)
    try:
        model_path = str(resolve_model_path(settings.transcribe.model_path or None))
        speech_model(model_path)
        language_model()
        options = replace(
            settings,
            transcribe=replace(settings.transcribe, model_path=model_path),
            example=ExampleOptions(expect_example=find_question(attempt.question).expects_example),
        )
        analysis = analyze_file(
            store.audio_path(attempt_id), question=attempt.question, options=options, progress=report
        )
        store.save_analysis(attempt_id, analysis.to_dict())
    except RehearseError as error:
        store.save_failure(attempt_id, name_their_file(str(error), attempt.audio_file, their_name))
    finally:
        running.discard(attempt_id)
        bar.empty()


def show_attempt(store: Store, attempt: Attempt) -> None:
    """Results of one attempt; a failed or unfinished one gets its reason and a retry button."""
    if attempt.analysis is None:
        if attempt.status == "failed":
            # Saved before failures named the candidate's file, an error may still name the store's copy.
            st.error(f"The analysis failed: {name_their_file(attempt.error or '', attempt.audio_file, None)}")
            st.caption("Your recording is saved; you can listen to it below and try again.")
        else:
            st.warning("This recording has not been analysed yet.")
        playback(store, attempt)
        if st.button("Try the analysis again", key=f"retry-{attempt.id}", icon=":material/refresh:"):
            analyse_attempt(store, attempt.id)
            st.rerun()
        return
    analysis = attempt.analysis
    question = find_question(attempt.question)
    # The app's sample is not the candidate's answer: changes against their own attempt would mislead.
    sample = analysis.get("sample") is True
    previous = None if sample else store.previous_attempt(attempt.question, attempt.id)
    st.subheader("Your results")
    st.html(attempt_heading_html(attempt, previous_id=previous.id if previous is not None else None))
    show_interview_links(store, attempt)
    numbers = headlines(
        analysis,
        target_seconds=question.target_seconds,
        previous=previous.analysis if previous is not None else None,
    )
    for column, headline in zip(st.columns(len(numbers)), numbers, strict=True):
        with column:
            st.metric(
                headline.label, headline.value, headline.delta, delta_color=headline.delta_color, border=True
            )
            st.caption(headline.note)
    with st.expander("How exact is the filler count?", icon=":material/info:"):
        st.write(filler_accuracy_note())
    playback(store, attempt)

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("#### What to work on")
        show_tips(attempt)
        st.markdown("#### Your answer, word for word")
        st.html(transcript_legend(analysis))
        st.html(transcript_html(analysis))
    with right:
        st.markdown("#### STAR example")
        st.html(star_html(analysis))
        show_voice(analysis)
        st.markdown("#### Pace over time")
        st.altair_chart(pace_chart(analysis), width="stretch")
        st.caption("The green band is a comfortable interview pace; red bars are long pauses.")


def show_tips(attempt: Attempt) -> None:
    """Each tip, with a button that plays the answer from the moment the tip points at."""
    tips = attempt.analysis["tips"]
    if not tips:
        st.html(NO_TIPS_HTML)
    for number, tip in enumerate(tips, start=1):
        st.html(tip_html(number, tip))
        if tip["start"] is not None:
            st.button(
                f"Play from {clock(tip['start'])}",
                key=f"play-{attempt.id}-{number}",
                icon=":material/play_arrow:",
                type="tertiary",
                on_click=_play_from,
                args=(attempt.id, tip["start"]),
            )


def _play_from(attempt_id: int, seconds: float) -> None:
    st.session_state[PLAY_FROM_KEY] = (attempt_id, seconds)


def show_voice(analysis: dict) -> None:
    """The voice in plain words and two small pictures: does the pitch move, does the voice fade."""
    verdict = voice_verdict(analysis)
    if verdict is None:
        return
    st.markdown("#### Your voice")
    st.markdown(f"**{verdict.headline}**")
    st.markdown("\n".join(f"- {line}" for line in verdict.lines))
    for measure in ("pitch", "loudness"):
        st.altair_chart(voice_chart(analysis, measure), width="stretch")
    st.caption(f"The dashed line is your typical level. {verdict.fine}")


def playback(store: Store, attempt: Attempt) -> None:
    try:
        path = store.audio_path(attempt.id)
    except StoreError as error:
        st.warning(str(error))
        return
    chosen_id, start = st.session_state.get(PLAY_FROM_KEY, (None, 0.0))
    from_tip = chosen_id == attempt.id
    st.caption(f"Listen to your answer{f' (from {clock(start)})' if from_tip else ''}")
    st.audio(
        str(path),
        format=audio_mime(path.suffix),
        start_time=int(start) if from_tip else 0,
        autoplay=from_tip,
    )
