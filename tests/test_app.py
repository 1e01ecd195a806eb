"""The Streamlit app driven by AppTest: real sample answers through the real speech model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rehearse.audio import load_audio
from rehearse.record import write_wav
from rehearse.store import open_store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "sample_audio" / "strong_star.ogg"
SAMPLE_QUESTION = "Tell me about a time you improved a process."
SCRIPT_WORDS = ("refund", "checklist", "finance", "supplier")
# Generous: the first analysis loads the speech and language models on a shared 2-core machine.
ANALYSIS_TIMEOUT_S = 300


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


def test_unreadable_upload_shows_an_error_keeps_the_recording_and_offers_a_retry(rehearse_home: Path):
    app = _app()
    app.radio(key="answer_source").set_value("Upload a recording").run()
    app.file_uploader(key="upload").set_value(("answer.mp3", b"this is not audio at all", "audio/mpeg")).run()
    _analyse(app)

    [error] = app.error
    assert "not an audio file" in error.value
    [attempt] = open_store(rehearse_home).list_attempts()
    assert attempt.status == "failed" and "not an audio file" in attempt.error
    assert open_store(rehearse_home).audio_path(attempt.id).read_bytes() == b"this is not audio at all"
    assert not app.metric

    _button(app, "Try the analysis again").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert "not an audio file" in app.error[0].value
    assert len(open_store(rehearse_home).list_attempts()) == 1


def test_silent_recording_reports_that_no_speech_was_heard(rehearse_home: Path, tmp_path: Path):
    app = _app()
    silence = _wav_bytes(np.zeros(3 * 16_000, dtype=np.float32), tmp_path)
    app.audio_input(key="recording").set_value(("audio.wav", silence, "audio/wav")).run()
    _analyse(app)
    assert "No speech" in app.error[0].value
    assert open_store(rehearse_home).list_attempts()[0].status == "failed"


def test_sample_answer_runs_with_its_own_question_and_appears_in_history(rehearse_home: Path):
    app = _app()
    assert app.selectbox(key="sample").value.path.name == "strong_star.ogg"
    _button(app, "Try a sample answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error
    assert len(app.metric) == 4
    [attempt] = open_store(rehearse_home).list_attempts()
    assert attempt.question == SAMPLE_QUESTION

    app.switch_page("app_pages/history.py").run()
    assert not app.exception
    [table] = app.dataframe
    assert list(table.value["Question"]) == [SAMPLE_QUESTION]
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
    _number(app, "Short below").set_value(5.0)
    _number(app, "Long above").set_value(20.0)
    _button(app, "Save settings").click().run()
    assert app.success and not app.error

    app.switch_page("app_pages/rehearse.py").run()
    _button(app, "Try a sample answer").click().run(timeout=ANALYSIS_TIMEOUT_S)
    [attempt] = open_store(rehearse_home).list_attempts()
    options = attempt.analysis["options"]
    assert (options["pacing"]["slow_below_wpm"], options["pacing"]["fast_above_wpm"]) == (60.0, 90.0)
    assert (options["conciseness"]["short_below_s"], options["conciseness"]["long_above_s"]) == (5.0, 20.0)
    assert attempt.analysis["pacing"]["verdict"] == "fast"
    assert attempt.analysis["conciseness"]["verdict"] == "long"


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [("Slow below", 300.0, "slow pace threshold"), ("Short below", 500.0, "short-answer length")],
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
    assert "not a CTranslate2 Whisper model folder" in app.error[0].value


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
