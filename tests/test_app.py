"""The Streamlit app driven by AppTest: real sample answers through the real speech model."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_progress import STAR, STAR_ANSWER, WHY, WHY_ANSWERS, at, seed

from rehearse.analysis.results_view import transcript_html
from rehearse.analysis.text import clock
from rehearse.history.store import open_store
from rehearse.speech.audio import load_audio
from rehearse.speech.record import write_wav

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "sample_audio" / "strong_star.ogg"
SAMPLE_QUESTION = "Tell me about a time you improved a process."
SCRIPT_WORDS = ("refund", "checklist", "finance", "supplier")
# Generous: the first analysis loads the speech and language models on a shared 2-core machine.
ANALYSIS_TIMEOUT_S = 300
MARGIN = "On target within ± this % of the question's target"


@pytest.fixture(scope="module")
def sample_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The sample answer as the WAV file st.audio_input hands over after a recording."""
    return _wav_bytes(load_audio(SAMPLE).samples, tmp_path_factory.mktemp("wav"))


def _wav_bytes(samples: np.ndarray, folder: Path) -> bytes:
    path = folder / "recording.wav"
    write_wav(path, samples)
    return path.read_bytes()


def _app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def _button(app: AppTest, label: str):
    [button] = [button for button in app.button if button.label == label]
    return button


def _ask_own_question(app: AppTest, question: str) -> None:
    app.radio(key="question_source").set_value("My own question").run()
    app.text_area(key="own_question").set_value(question).run()


def _analyse(app: AppTest) -> None:
    _button(app, "Analyze my answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception, app.exception


def _page_html(app: AppTest) -> str:
    return "\n".join(element.value for element in app.html)


def _cards(app: AppTest) -> list[list[dict[str, str]]]:
    """Each card list on the page (a table drawn as cards), each card as {"title": ..., label: value}."""
    lists = []
    for element in app.html:
        cards = re.findall(r"class='rehearse-card'[^>]*><div>(.*?)</div>(.*?)</div></div>", element.value)
        if cards:
            lists.append(
                [
                    {"title": html.unescape(title)}
                    | {
                        html.unescape(label): html.unescape(value)
                        for label, value in re.findall(
                            r"<small[^>]*>(.*?)</small><br><span[^>]*>(.*?)</span>", body
                        )
                    }
                    for title, body in cards
                ]
            )
    return lists


def _metrics(app: AppTest) -> dict[str, tuple[str, str]]:
    return {metric.label: (metric.value, metric.delta) for metric in app.metric}


def test_recorded_answer_is_saved_analysed_and_compared_with_the_next_attempt(
    sample_wav: bytes, rehearse_home: Path
):
    app = _app()
    _ask_own_question(app, SAMPLE_QUESTION)
    assert _button(app, "Analyze my answer").disabled
    recorder = app.audio_input(key="recording")
    assert recorder.sample_rate == 16000
    recorder.set_value(("audio.wav", sample_wav, "audio/wav")).run()
    _analyse(app)

    assert not app.error
    metrics = _metrics(app)
    assert list(metrics) == ["Fillers per minute", "Words per minute", "Length", "STAR parts found"]
    assert all(not delta for _, delta in metrics.values())
    assert metrics["STAR parts found"][0] in {"3 of 4", "4 of 4"}
    rendered = _page_html(app).lower()
    assert all(word in rendered for word in SCRIPT_WORDS)
    assert "first analysed attempt" in rendered

    [attempt] = open_store(rehearse_home).list_attempts()
    assert (attempt.question, attempt.status) == (SAMPLE_QUESTION, "analysed")
    assert open_store(rehearse_home).audio_path(attempt.id).read_bytes() == sample_wav
    assert all(word in attempt.analysis["transcript"]["text"].lower() for word in SCRIPT_WORDS)
    assert attempt.analysis["example"]["options"]["expect_example"] is True

    # The second attempt at the same question, uploaded this time, shows the change since the first.
    app.radio(key="answer_source").set_value("Upload a recording").run()
    app.file_uploader(key="upload").set_value(("my answer.ogg", SAMPLE.read_bytes(), "audio/ogg")).run()
    _analyse(app)
    assert not app.error
    assert all(delta for _, delta in _metrics(app).values())
    assert "previous attempt at this question (#1)" in _page_html(app)
    latest, first = open_store(rehearse_home).list_attempts()
    assert (latest.status, latest.audio_file) == ("analysed", "attempt-000002.ogg")
    assert first.id == attempt.id


def test_unreadable_upload_names_the_file_and_offers_a_delete_not_a_retry(rehearse_home: Path):
    app = _app()
    app.radio(key="answer_source").set_value("Upload a recording").run()
    app.file_uploader(key="upload").set_value(("notes.mp3", b"this is not audio at all", "audio/mpeg")).run()
    _analyse(app)

    [error] = app.error
    assert "not an audio file" in error.value
    # The candidate's own file is named, never the store's copy of it.
    assert "“notes.mp3” is not an audio file" in error.value and "attempt-" not in error.value
    [attempt] = open_store(rehearse_home).list_attempts()
    assert attempt.status == "failed" and "not an audio file" in attempt.error
    assert open_store(rehearse_home).audio_path(attempt.id).read_bytes() == b"this is not audio at all"
    assert not app.metric
    # A retry of a file that is not audio can only fail again, and there is nothing to play.
    assert not [button for button in app.button if button.label == "Try the analysis again"]
    assert not app.get("audio")
    assert "Trying again would fail the same way" in app.caption[-1].value

    _button(app, "Delete this recording").click().run()
    assert not app.exception
    assert open_store(rehearse_home).list_attempts() == []
    assert f"Attempt #{attempt.id} was deleted" in app.success[0].value
    assert not app.error


def test_silent_recording_reports_that_no_speech_was_heard(rehearse_home: Path, tmp_path: Path):
    app = _app()
    silence = _wav_bytes(np.zeros(3 * 16_000, dtype=np.float32), tmp_path)
    app.audio_input(key="recording").set_value(("audio.wav", silence, "audio/wav")).run()
    _analyse(app)
    assert "No speech" in app.error[0].value
    assert open_store(rehearse_home).list_attempts()[0].status == "failed"
    # The recording itself is sound audio: it can be played back and analysed again.
    assert app.get("audio")
    assert _button(app, "Try the analysis again")


def test_sample_answer_runs_with_its_own_question_is_marked_and_kept_out_of_progress(rehearse_home: Path):
    app = _app()
    _ask_own_question(app, "Why should we hire you?")
    assert app.selectbox(key="sample").value.path.name == "strong_star.ogg"
    _button(app, "Try a sample answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error
    assert len(app.metric) == 4
    assert "the app's sample answer, not yours" in _page_html(app)
    # Step 1 shows the question the results answer, not the one chosen before.
    assert app.radio(key="question_source").value == "From the question bank"
    assert app.selectbox(key="bank_question").value == SAMPLE_QUESTION

    # The results: one short filler caveat with its explanation behind a link, and the voice section.
    fillers_note = app.caption[[m.label for m in app.metric].index("Fillers per minute")].value
    assert len(fillers_note.split()) < 30
    assert [e.label for e in app.expander if "How exact" in e.label] == ["How exact is the filler count?"]
    markdown = "\n".join(element.value for element in app.markdown)
    assert "#### Your voice" in markdown and "Rise and fall:" in markdown and "Loudness:" in markdown
    assert len(app.get("vega_lite_chart")) == 3  # pitch, loudness, pace

    [attempt] = open_store(rehearse_home).list_attempts()
    assert attempt.question == SAMPLE_QUESTION
    assert attempt.analysis["sample"] is True

    # A second click on the same answer opens the saved attempt instead of saving a duplicate.
    _button(app, "Try a sample answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert len(open_store(rehearse_home).list_attempts()) == 1
    assert f"already analysed as attempt #{attempt.id}" in app.info[-1].value
    assert len(app.metric) == 4

    app.switch_page("app_pages/history.py").run()
    assert not app.exception
    # The app's own sample is not the candidate's first attempt, nor their best.
    assert "One analysed attempt so far" not in _page_html(app)
    assert "Not counted: 1 sample answer" in app.info[0].value
    _history_view(app, "Attempts")
    [[card]] = _cards(app)
    assert card["title"].startswith(f"#{attempt.id} · ")  # no ★: a sample is never the best
    assert card["Status"] == "sample (not counted)"
    assert SAMPLE_QUESTION in _page_html(app)
    assert len(app.metric) == 4  # the newest attempt is opened below the list


def test_history_of_a_new_user_says_there_is_nothing_yet():
    app = _app()
    app.switch_page("app_pages/history.py").run()
    assert "No attempts yet" in app.info[0].value


def test_settings_reach_the_analysis(rehearse_home: Path):
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    assert str(rehearse_home) in "\n".join(markdown.value for markdown in app.markdown)
    _number(app, "Slow below").set_value(60.0)
    _number(app, "Fast above").set_value(90.0)
    _number(app, MARGIN).set_value(5.0)
    _button(app, "Save settings").click().run()
    assert app.success and not app.error

    app.switch_page("app_pages/rehearse.py").run()
    _button(app, "Try a sample answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    [attempt] = open_store(rehearse_home).list_attempts()
    options = attempt.analysis["options"]
    assert (options["pacing"]["slow_below_wpm"], options["pacing"]["fast_above_wpm"]) == (60.0, 90.0)
    assert options["conciseness"]["target_tolerance"] == 0.05
    conciseness = attempt.analysis["conciseness"]
    # The sample answers a 1:30 question: the band is that target within 5 %.
    assert (conciseness["target_s"], conciseness["band_s"]) == (90.0, [85.5, 94.5])
    assert attempt.analysis["pacing"]["verdict"] == "fast"
    low, high = conciseness["band_s"]
    duration = conciseness["duration_s"]
    assert conciseness["verdict"] == ("short" if duration < low else "long" if duration > high else "ok")


def test_settings_adjust_the_question_target_band_and_say_so():
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    labels = [number.label for number in app.number_input]
    # One standard for length: no separate fixed limits beside the question's own target.
    assert "Short below" not in labels and "Long above" not in labels
    assert _number(app, MARGIN).value == 25.0
    page = "\n".join(caption.value for caption in app.caption)
    assert "Each question has its own target length" in page
    assert "the Length card, the length tip and History all use this one band" in page

    # Step 1 names the band, and a new margin moves it.
    app.switch_page("app_pages/rehearse.py").run()
    assert "Aim for about 1:30 (1:08–1:52 counts as on target)." in app.info[0].value
    app.switch_page("app_pages/settings.py").run()
    _number(app, MARGIN).set_value(50.0)
    _button(app, "Save settings").click().run()
    app.switch_page("app_pages/rehearse.py").run()
    assert "Aim for about 1:30 (0:45–2:15 counts as on target)." in app.info[0].value


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [("Slow below", 300.0, "slow pace threshold")],
)
def test_impossible_thresholds_are_refused_with_the_reason(label: str, value: float, message: str):
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    _number(app, label).set_value(value)
    _button(app, "Save settings").click().run()
    assert message in app.error[0].value
    assert not app.success


def test_model_folder_that_is_not_a_model_is_refused(tmp_path: Path):
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    [field] = app.text_input
    field.set_value(str(tmp_path))
    _button(app, "Save settings").click().run()
    [error] = app.error
    assert "not a CTranslate2 Whisper model folder" in error.value
    assert str(tmp_path) in error.value
    # The app has no command line: the message names the field, never an option like "--model".
    assert "--" not in error.value and "The model folder" in error.value


def _number(app: AppTest, label: str):
    [number] = [number for number in app.number_input if number.label == label]
    return number


def test_chosen_question_survives_a_visit_to_settings():
    app = _app()
    app.selectbox(key="theme").set_value("Closing").run()
    question = app.selectbox(key="bank_question").options[1]
    app.selectbox(key="bank_question").set_value(question).run()
    app.switch_page("app_pages/settings.py").run()
    app.switch_page("app_pages/rehearse.py").run()
    assert app.selectbox(key="theme").value == "Closing"
    assert app.selectbox(key="bank_question").value == question
    assert question in app.info[0].value


@pytest.fixture
def seeded(rehearse_home: Path) -> list:
    """Three analysed attempts at WHY and one at STAR (hand-built transcripts, no speech model), oldest first."""
    store = open_store(rehearse_home)
    return [*(seed(store, WHY, answer * 3) for answer in WHY_ANSWERS), seed(store, STAR, STAR_ANSWER)]


def _history(app: AppTest | None = None) -> AppTest:
    app = app or _app()
    app.switch_page("app_pages/history.py").run()
    assert not app.exception, app.exception
    return app


def _history_view(app: AppTest, view: str) -> None:
    app.button_group(key="history_view").set_value(view).run()
    assert not app.exception, app.exception


def test_history_shows_progress_with_charts_and_a_summary(seeded: list):
    app = _history()
    page = _page_html(app)
    fillers = [attempt.analysis["fillers"]["per_minute"] for attempt in seeded[:3]]
    earlier = (fillers[0] + fillers[1]) / 2
    assert (
        f"Fillers down from {earlier:.1f} per minute, the average of your first 2 attempts, to"
        f" {fillers[2]:.1f} in your latest attempt." in page
    )
    assert "Every question together" in page
    # The overall summary does not read answers to two questions as one series.
    assert "4 analysed attempts at 2 questions" in page and "not one series" in page
    assert "Best so far" not in page.split(WHY)[0]
    assert len(app.get("vega_lite_chart")) == 4  # fillers, pace, length, STAR

    app.selectbox(key="history_question").set_value(STAR).run()
    assert "One analysed attempt so far" in _page_html(app)
    assert WHY not in _page_html(app)


def test_history_lists_attempts_by_question_with_the_best_marked_and_exports(seeded: list):
    app = _history()
    _history_view(app, "Attempts")
    star_cards, why_cards = _cards(app)  # newest question first
    titles = [card["title"] for card in why_cards]
    assert [title.removeprefix("★ · ").split(" · ")[0] for title in titles] == [
        f"#{attempt.id}" for attempt in reversed(seeded[:3])
    ]
    assert [title.startswith("★") for title in titles] == [True, False, False]
    assert star_cards[0]["title"].startswith(f"★ · #{seeded[3].id} · ")
    # Every key number is on each card, not in a column off the side of a phone.
    assert {"Length", "Against target", "Fillers/min", "Words/min", "STAR parts"} <= set(why_cards[0])
    labels = [button.label for button in app.get("download_button")]
    assert labels == ["Download every attempt (CSV)", "Download JSON", "Download report (Markdown)"]

    app.selectbox(key="history_question").set_value(WHY).run()
    assert len(_cards(app)) == 1 and not app.dataframe


def test_date_filter_keeps_the_attempts_of_those_days(rehearse_home: Path, monkeypatch: pytest.MonkeyPatch):
    store = open_store(rehearse_home)
    at(monkeypatch, 0)
    seed(store, WHY, WHY_ANSWERS[0])
    at(monkeypatch, 3 * 24 * 60)
    later = seed(store, WHY, WHY_ANSWERS[1])
    app = _history()
    _history_view(app, "Attempts")
    assert len(_cards(app)[0]) == 2
    app.date_input(key="history_dates").set_value((date(2026, 3, 4), date(2026, 3, 6))).run()
    [[card]] = _cards(app)
    assert card["title"].split(" · ")[1] == f"#{later.id}"
    app.date_input(key="history_dates").set_value((date(2026, 3, 10), date(2026, 3, 11))).run()
    assert "No attempts match these filters" in app.info[0].value


def test_two_attempts_are_compared_side_by_side(seeded: list):
    app = _history()
    _history_view(app, "Compare two attempts")
    # By default the newest attempt against the one before it at the same question.
    assert app.selectbox(key="compare_second").value.id == seeded[3].id
    app.selectbox(key="compare_first").set_value(seeded[0]).run()
    app.selectbox(key="compare_second").set_value(seeded[2]).run()
    [cards] = _cards(app)
    fillers = next(card for card in cards if card["title"] == "Fillers per minute")
    change = seeded[2].analysis["fillers"]["per_minute"] - seeded[0].analysis["fillers"]["per_minute"]
    assert fillers["Change"] == f"{change:+.1f}" and fillers["Better or worse"] == "better"
    assert fillers[f"First #{seeded[0].id}"] == f"{seeded[0].analysis['fillers']['per_minute']:.1f}"
    assert len(app.get("audio")) == 2
    page = _page_html(app)
    # Both answers in full, side by side; these two share too few words for a word diff to help.
    assert transcript_html(seeded[0].analysis) in page and transcript_html(seeded[2].analysis) in page
    assert "<del" not in page
    assert any("they tell different stories" in caption.value for caption in app.caption)

    # Two takes of the same answer are close: the word diff shows what changed.
    app.selectbox(key="compare_second").set_value(seeded[1]).run()
    page = _page_html(app)
    assert "<del" in page and "What changed in the wording" in "\n".join(m.value for m in app.markdown)


def test_deleting_an_attempt_asks_first_and_removes_its_recording(seeded: list, rehearse_home: Path):
    store = open_store(rehearse_home)
    newest = seeded[-1]
    audio = store.audio_path(newest.id)
    app = _history()
    _history_view(app, "Attempts")
    assert app.selectbox(key="history_attempt").value == newest.id

    _button(app, "Delete this attempt").click().run()
    assert "cannot be undone" in app.warning[0].value
    _button(app, "Keep it").click().run()
    assert len(store.list_attempts()) == 4 and not app.warning

    _button(app, "Delete this attempt").click().run()
    _button(app, "Yes, delete it").click().run()
    assert not app.exception
    assert [attempt.id for attempt in store.list_attempts()] == [
        attempt.id for attempt in reversed(seeded[:3])
    ]
    assert not audio.exists()
    assert f"Attempt #{newest.id} and its recording were deleted." in app.success[0].value


def test_practice_sessions_are_summarised(seeded: list):
    app = _history()
    _history_view(app, "Practice sessions")
    [sessions, attempts] = _cards(app)
    assert [session["Attempts"] for session in sessions] == ["4"]
    page = _page_html(app)
    assert "4 attempts at 2 questions" in page
    assert WHY in page and STAR in page
    assert len(attempts) == 4 and not app.dataframe


def _recorded(rehearse_home: Path, audio: bytes, suffix: str) -> int:
    """An attempt whose analysis never ran, as a server killed mid-analysis leaves it."""
    return open_store(rehearse_home).save_recording(SAMPLE_QUESTION, audio, suffix)


def test_rehearse_page_names_an_interrupted_attempt_and_analyses_it(rehearse_home: Path):
    attempt_id = _recorded(rehearse_home, SAMPLE.read_bytes(), ".ogg")
    app = _app()
    page = "\n".join(element.value for element in app.markdown) + "\n".join(t.value for t in app.text)
    assert "1 recording not analysed yet" in page and f"#{attempt_id} · " in page and SAMPLE_QUESTION in page
    _button(app, "Analyse it now").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error
    assert len(app.metric) == 4
    assert open_store(rehearse_home).get_attempt(attempt_id).status == "analysed"
    assert not [button for button in app.button if button.label == "Analyse it now"]


def test_retry_in_history_shows_the_result_as_soon_as_it_is_saved(rehearse_home: Path):
    _recorded(rehearse_home, SAMPLE.read_bytes(), ".ogg")
    app = _history()
    _history_view(app, "Attempts")
    assert any("not been analysed yet" in warning.value for warning in app.warning)
    _button(app, "Try the analysis again").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error
    assert not any("not been analysed yet" in warning.value for warning in app.warning)
    assert len(app.metric) == 4


def test_failed_retry_in_history_shows_why(rehearse_home: Path):
    _recorded(rehearse_home, b"this is not audio at all", ".wav")
    app = _history()
    _history_view(app, "Attempts")
    _button(app, "Try the analysis again").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception
    assert any(
        "The analysis failed" in error.value and "not an audio file" in error.value for error in app.error
    )
    assert not any("not been analysed yet" in warning.value for warning in app.warning)


def test_rebuilt_history_is_announced_in_the_app(rehearse_home: Path):
    _recorded(rehearse_home, SAMPLE.read_bytes(), ".ogg")
    (rehearse_home / "rehearse.sqlite3").write_bytes(b"")
    app = _app()
    assert any("Found 1 recording but no history" in warning.value for warning in app.warning)
    assert (rehearse_home / "audio" / "attempt-000001.ogg").read_bytes() == SAMPLE.read_bytes()


# Prepare (issue 17): an interview set up from a pasted job description and values, two tailored
# questions rehearsed with the sample answers, the coverage matrix, the prep sheet and the thank-you note.
SUPPORT_JOB = """Customer Support Team Lead

Responsibilities
- Lead a team of support agents.
- Handle refund requests and escalations.
- Improve support processes with the finance team.
- Reduce customer complaints.

Requirements
- Experience with help desk software.

We offer a competitive salary. We are an equal opportunity employer.
"""
SUPPORT_VALUES = "Customer obsession: we start with the customer\nOwnership: we finish what we start"


def _prepare_page(app: AppTest) -> AppTest:
    app.switch_page("app_pages/prepare.py").run()
    assert not app.exception, app.exception
    return app


def _rehearse_tailored(app: AppTest, questions: list[str], question_text: str, sample: Path) -> None:
    """Press "Rehearse it" by a tailored question, then answer it with a sample recording."""
    _button_by_key(app, f"tailored-{questions.index(question_text)}").click().run()
    assert not app.exception, app.exception
    assert [title.value for title in app.title] == ["Rehearse an answer"]
    # AppTest runs its own current page again on the next run: follow the switch the button made.
    app.switch_page("app_pages/rehearse.py")
    assert app.text_area(key="own_question").value == question_text
    app.radio(key="answer_source").set_value("Upload a recording").run()
    app.file_uploader(key="upload").set_value((sample.name, sample.read_bytes(), "audio/ogg")).run()
    _analyse(app)
    assert not app.error


def _button_by_key(app: AppTest, key: str):
    [button] = [button for button in app.button if button.key == key]
    return button


def _coverage_table(app: AppTest):
    return next(frame.value for frame in app.dataframe if "Requirement or value" in frame.value.columns)


def test_prepare_an_interview_rehearse_tailored_questions_and_export(rehearse_home: Path):
    from rehearse.preparation.interview import Interview
    from rehearse.preparation.plan import prepare
    from rehearse.preparation.prep_sheet import thank_you_note

    app = _prepare_page(_app())
    app.text_input(key="prep_company").set_value("Acme Support")
    app.text_input(key="prep_role").set_value("Support team lead")
    app.text_area(key="prep_interviewers").set_value("Dana Smith, Head of Support, ran the refund project")
    app.text_area(key="prep_job_description").set_value(SUPPORT_JOB)
    app.text_area(key="prep_values").set_value(SUPPORT_VALUES)
    app.text_area(key="prep_feedback").set_value("Your answers lacked numbers.")
    _button(app, "Save the interview").click().run()
    assert not app.exception and not app.error, app.error

    [stored] = open_store(rehearse_home).list_interviews()
    interview = Interview.from_dict(stored.data, interview_id=stored.id)
    assert interview.company == "Acme Support" and interview.interviewers[0].name == "Dana Smith"
    texts = [requirement["text"] for requirement in interview.requirements]
    assert any("refund requests" in text for text in texts)
    assert not any("salary" in text for text in texts)
    before = _coverage_table(app)
    assert (before["Answers"] == "—").all()

    questions = prepare(interview).questions
    texts = [question.text for question in questions]
    refund = next(q.text for q in questions if q.kind == "requirement" and "refund" in (q.requirement or ""))
    value = next(q.text for q in questions if q.kind == "value" and q.value == "Customer obsession")
    _rehearse_tailored(app, texts, refund, SAMPLE)
    results = _page_html(app)
    assert "This answer speaks to:" in results and "refund requests" in results
    assert "Focus: Quantify your results" in results
    _prepare_page(app)
    _rehearse_tailored(app, texts, value, ROOT / "sample_audio" / "vague_fillers.ogg")

    attempts = open_store(rehearse_home).list_attempts(interview_id=interview.id)
    assert [attempt.question for attempt in attempts] == [value, refund]
    _prepare_page(app)
    after = _coverage_table(app)
    refund_row = after[after["Requirement or value"].str.contains("refund requests")].iloc[0]
    assert refund_row["Answers"] == f"#{attempts[1].id}"
    assert "refund" in refund_row["Where it is said"].lower()
    assert refund_row["Example with a result"] == "yes"
    assert (after["Answers"] != "—").sum() > (before["Answers"] != "—").sum()
    value_row = after[after["Requirement or value"] == "Customer obsession"].iloc[0]
    assert value_row["Kind"] == "value" and value_row["Answers"] != "—"
    assert after[after["Requirement or value"] == "Ownership"].iloc[0]["Where it is said"] == "no story yet"

    sheet = next(
        code.value for code in app.code if code.value.startswith("# Support team lead at Acme Support")
    )
    assert "Dana Smith" in sheet and "(example with a result)" in sheet and "Quantify your results" in sheet
    assert {"Download the prep sheet (Markdown)", "Download the prep sheet (PDF)"} <= {
        element.proto.label for element in app.get("download_button")
    }

    _button(app, "Draft the note").click().run()
    note = app.text_area(key=f"thanks_{interview.id}").value
    assert note == thank_you_note(interview, topic=note_topic(note), value="Customer obsession")
    assert note.startswith("Dear Dana,") and "Support team lead position at Acme Support" in note

    assert _button(app, "Delete this interview").disabled
    app.checkbox(key="prep_confirm_delete").check().run()
    _button(app, "Delete this interview").click().run()
    assert not app.exception
    assert open_store(rehearse_home).list_interviews() == []
    assert [a.interview_id for a in open_store(rehearse_home).list_attempts()] == [None, None]


def note_topic(note: str) -> str:
    return note.split("I particularly enjoyed discussing ")[1].split(", and it made me")[0]


def test_prepare_shows_hostile_text_as_text(rehearse_home: Path):
    hostile = "<img src=x onerror=alert(1)> ![tracker](http://example.com/t.png) **bold**"
    app = _prepare_page(_app())
    app.text_input(key="prep_company").set_value(hostile)
    app.text_area(key="prep_job_description").set_value(f"Responsibilities\n- Manage {hostile} budgets.\n")
    app.text_area(key="prep_values").set_value(f"Ownership: {hostile}")
    _button(app, "Save the interview").click().run()
    assert not app.exception and not app.error
    markdown = "\n".join(element.value for element in [*app.markdown, *app.caption, *app.success])
    assert "<img" not in markdown and "example.com" not in markdown
    assert "&lt;img src=x" in _page_html(app)
    assert "<img src=x" not in _page_html(app)


def test_failed_analysis_in_history_never_names_the_stores_copy(rehearse_home: Path):
    attempt_id = _recorded(rehearse_home, b"this is not audio at all", ".wav")
    # Saved before failures named the candidate's file: the message holds the store's copy.
    open_store(rehearse_home).save_failure(attempt_id, "attempt-000001.wav is not an audio file.")
    app = _history()
    _history_view(app, "Attempts")
    [error] = app.error
    assert "Your recording is not an audio file" in error.value and "attempt-0000" not in error.value


def test_settings_are_kept_in_the_data_folder_for_the_next_session(rehearse_home: Path):
    app = _app()
    app.switch_page("app_pages/settings.py").run()
    _number(app, MARGIN).set_value(40.0)
    _button(app, "Save settings").click().run()
    assert app.success and not app.error
    assert (rehearse_home / "settings.json").is_file()

    later = _app()  # a new browser session, as after closing the tab or restarting the server
    later.switch_page("app_pages/settings.py").run()
    assert _number(later, MARGIN).value == 40.0
    later.switch_page("app_pages/rehearse.py").run()
    assert "Aim for about 1:30 (0:54–2:06 counts as on target)." in later.info[0].value

    _button(later.switch_page("app_pages/settings.py").run(), "Reset to defaults").click().run()
    assert _number(_app().switch_page("app_pages/settings.py").run(), MARGIN).value == 25.0


def test_a_damaged_settings_file_gives_the_defaults_with_a_notice(rehearse_home: Path):
    (rehearse_home / "settings.json").write_text("{not json", encoding="utf-8")
    app = _app()
    assert not app.exception
    assert any("could not be used" in warning.value for warning in app.warning)
    app.switch_page("app_pages/settings.py").run()
    assert not app.exception and _number(app, MARGIN).value == 25.0


def test_a_tip_plays_the_answer_from_its_moment(rehearse_home: Path):
    attempt = seed(open_store(rehearse_home), WHY, WHY_ANSWERS[0] * 3)
    [tip] = [tip for tip in attempt.analysis["tips"] if tip["message"].startswith("Cut the fillers")]
    app = _history()
    _history_view(app, "Attempts")
    [player] = app.get("audio")
    assert player.proto.start_time == 0 and not player.proto.autoplay
    moment = clock(tip["start"])
    assert f"(at {moment})" in _page_html(app)
    _button(app, f"Play from {moment}").click().run()
    [player] = app.get("audio")
    assert player.proto.start_time == int(tip["start"]) and player.proto.autoplay


def _sample(store, question: str, text: str):
    """The app's own sample answer, saved and marked as "Try a sample answer" does."""
    attempt = seed(store, question, text)
    store.save_analysis(attempt.id, attempt.analysis | {"sample": True})
    return store.get_attempt(attempt.id)


def test_a_sample_shows_no_changes_and_the_compare_opens_on_the_candidates_own(rehearse_home: Path):
    store = open_store(rehearse_home)
    mine = [seed(store, WHY, answer * 3) for answer in WHY_ANSWERS[:2]]
    sample = _sample(store, WHY, WHY_ANSWERS[2] * 3)
    app = _history()
    _history_view(app, "Attempts")
    assert app.selectbox(key="history_attempt").value == sample.id
    # The sample is not the candidate's answer: no change against their own attempt is shown.
    assert all(not delta for _, delta in _metrics(app).values()), _metrics(app)
    app.selectbox(key="history_attempt").set_value(mine[1].id).run()
    assert all(delta for _, delta in _metrics(app).values())

    _history_view(app, "Compare two attempts")
    assert app.selectbox(key="compare_second").value.id == mine[1].id
    assert app.selectbox(key="compare_first").value.id == mine[0].id
