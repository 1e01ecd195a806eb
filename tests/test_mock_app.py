"""The Mock interview page driven by AppTest: sample answers through the real speech model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, _wav_bytes

from rehearse.history.store import open_store
from rehearse.mock.follow_up import SPECIFIC_EXAMPLE
from rehearse.speech.audio import load_audio

ROOT = Path(__file__).resolve().parent.parent
STRONG = ROOT / "sample_audio" / "strong_star.ogg"
VAGUE = ROOT / "sample_audio" / "vague_fillers.ogg"
QUESTIONS = [
    "Tell me about a time you improved a process.",
    "Tell me about a time you received critical feedback. What did you do with it?",
    "Why do you want to work for us?",
    "Do you have any questions for us?",
]
# Generous: analyses queue behind each other on a shared 2-core machine.
REPORT_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("mock-wav")
    return {
        "strong": _wav_bytes(load_audio(STRONG).samples, folder),
        "vague": _wav_bytes(load_audio(VAGUE).samples, folder / ".."),
    }


def _mock_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("app_pages/mock.py").run()
    assert not app.exception, app.exception
    return app


def _start(app: AppTest) -> None:
    app.text_area(key="mock_questions").set_value("\n".join(QUESTIONS)).run()
    [start] = [button for button in app.button if button.label == "Start the round"]
    start.click().run()
    assert not app.exception, app.exception


def _question_shown(app: AppTest) -> str:
    """The question on screen: the heading after the "Question k of n" or "Follow-up" label."""
    values = [element.value for element in app.markdown]
    label = next(index for index, value in enumerate(values) if value.startswith("##### "))
    return values[label + 1].removeprefix("### ")


def _answer(app: AppTest, audio: bytes) -> None:
    [recorder] = app.audio_input
    recorder.set_value(("audio.wav", audio, "audio/wav")).run(timeout=180)
    assert not app.exception, app.exception


def test_a_four_question_round_with_a_follow_up_ends_in_the_round_report(recordings, rehearse_home: Path):
    app = _mock_page()
    _start(app)

    shown = []
    for audio in ("strong", "vague", "strong", "vague", "strong"):
        shown.append(_question_shown(app))
        _answer(app, recordings[audio])
    # The vague answer to the behavioural question got the follow-up; the round went on after it.
    assert shown == [QUESTIONS[0], QUESTIONS[1], SPECIFIC_EXAMPLE, QUESTIONS[2], QUESTIONS[3]]

    deadline = time.monotonic() + REPORT_TIMEOUT_S
    while not any(h.value == "Round report" for h in app.subheader) and time.monotonic() < deadline:
        time.sleep(2)
        app.run()
    assert not app.exception, app.exception
    assert any(h.value == "Round report" for h in app.subheader)
    markdown = "\n".join(m.value for m in app.markdown)
    assert "Your fillers" in markdown
    assert "**1. " in markdown  # the first thing to work on
    assert f"**Follow-up:** {SPECIFIC_EXAMPLE}" in markdown
    assert any("tell the same story" in w.value for w in app.warning)  # the strong story, three times
    assert len(app.get("audio")) == 5  # playback of every answer, the follow-up's included
    [table] = [frame for frame in app.dataframe if "Fillers per minute" in frame.value.columns]
    formats = json.loads(table.proto.columns)
    assert formats["Fillers per minute"]["type_config"]["format"] == "%.1f"  # as the cards round it
    (mock_round,) = open_store(rehearse_home).list_rounds()
    assert mock_round.state == "finished"
    assert all(attempt.status == "analysed" for attempt in mock_round.attempts)


def test_a_round_closed_halfway_resumes_with_nothing_lost(recordings, rehearse_home: Path):
    app = _mock_page()
    _start(app)
    _answer(app, recordings["strong"])
    assert _question_shown(app) == QUESTIONS[1]

    reopened = _mock_page()  # a new browser session: the tab was closed
    assert any("unfinished round" in m.value and "1 of 4" in m.value for m in reopened.markdown)
    [resume] = [button for button in reopened.button if button.label == "Resume the round"]
    resume.click().run()

    assert _question_shown(reopened) == QUESTIONS[1]
    (mock_round,) = open_store(rehearse_home).list_rounds()
    assert len(mock_round.attempts) == 1
    assert mock_round.answer(0).question == QUESTIONS[0]


def test_history_lists_the_rounds(rehearse_home: Path):
    store = open_store(rehearse_home)
    round_id = store.start_round("final", QUESTIONS)
    store.save_round_recording(round_id, 0, b"audio", ".wav")
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("app_pages/history.py").run()

    app.button_group(key="history_view").set_value("Mock interview rounds").run()

    assert not app.exception, app.exception
    [table] = app.dataframe
    assert list(table.value["Answered"]) == ["1 of 4"]
    assert table.value["Stage"].iloc[0] == "Final interview"


def test_a_round_for_a_prepared_interview_asks_its_tailored_questions(rehearse_home: Path):
    from rehearse.preparation.interview import Interview
    from rehearse.preparation.plan import prepare

    interview = Interview.from_dict(
        {
            "company": "Acme Support",
            "role": "Support team lead",
            "job_description": "Responsibilities\n- Handle refund requests and escalations.\n",
            "values_text": "Customer obsession: we start with the customer",
        }
    )
    interview_id = open_store(rehearse_home).create_interview(interview.to_dict())
    tailored = {question.text for question in prepare(interview).questions}
    app = _mock_page()
    app.session_state["active_interview"] = interview_id
    app.run()
    assert any("tailored to the interview" in caption.value for caption in app.caption)
    [start] = [button for button in app.button if button.label == "Start the round"]
    start.click().run()
    assert not app.exception, app.exception

    [mock_round] = open_store(rehearse_home).list_rounds()
    asked = set(mock_round.questions)
    assert any("refund requests" in question for question in asked & tailored)
    assert any("Customer obsession" in question for question in asked & tailored)
