"""`rehearse mock --answers` on the shipped sample answers, through the real model."""

import io
import json
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

import rehearse.speech.record
from rehearse.cli import main
from rehearse.history.store import open_store
from rehearse.mock.follow_up import SPECIFIC_EXAMPLE

SAMPLES = Path(__file__).resolve().parent.parent / "sample_audio"
STRONG = str(SAMPLES / "strong_star.ogg")
VAGUE = str(SAMPLES / "vague_fillers.ogg")
REAL_RECORD = rehearse.speech.record.record
QUESTIONS = (
    "Tell me about a time you improved a process.\n"
    "Tell me about a time you received critical feedback. What did you do with it?\n"
    "Give me an example of how you used data to make a decision.\n"
)


@pytest.fixture(scope="module")
def round_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One round of three answers, the first told again as the third, kept in History."""
    questions = tmp_path_factory.mktemp("mock") / "questions.txt"
    questions.write_text(QUESTIONS, encoding="utf-8")
    home = tmp_path_factory.mktemp("mock-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REHEARSE_HOME", str(home))
        out = StringIO()
        with redirect_stdout(out):
            code = main(
                [
                    "mock",
                    "--answers",
                    STRONG,
                    VAGUE,
                    STRONG,
                    "--questions-file",
                    str(questions),
                    "--save",
                    "--json",
                ]
            )
        history = StringIO()
        with redirect_stdout(history):
            main(["history", "--json"])
    assert code == 0
    assert out.getvalue().count("\n") == 1  # one JSON object on one line
    return json.loads(out.getvalue()) | {"history": json.loads(history.getvalue())}


def test_each_answer_has_its_question_analysis_follow_up_and_first_point(round_json):
    answers = round_json["answers"]

    assert [a["question"] for a in answers] == QUESTIONS.strip().splitlines()
    for answer in answers:
        assert {"duration_s", "transcript", "fillers", "pacing", "conciseness", "example", "tips"} <= set(
            answer["analysis"]
        )
        assert 0.0 <= answer["time_to_first_point_s"] < 5.0
    assert answers[0]["follow_up"] is None
    assert answers[1]["follow_up"] == SPECIFIC_EXAMPLE  # a vague answer to a behavioural question


def test_the_round_has_fillers_in_answer_order_the_reused_story_and_what_to_work_on(round_json):
    the_round = round_json["round"]

    fillers = the_round["fillers_per_minute"]
    assert len(fillers) == 3 and fillers[1] > 2 * fillers[0]
    assert the_round["reused_stories"] == [[0, 2]]
    assert 1 <= len(the_round["work_on"]) <= 3
    assert all(item["title"] and item["evidence"] for item in the_round["work_on"])
    assert the_round["work_on"][0]["title"].startswith("Back every behavioural answer")
    assert "answer 2" in the_round["work_on"][0]["evidence"]


def test_a_saved_round_is_listed_in_history_with_its_answers(round_json):
    (listed,) = round_json["history"]["rounds"]

    assert listed["id"] == round_json["round_id"]
    assert listed["state"] == "finished"
    assert listed["follow_ups"] == [None, SPECIFIC_EXAMPLE, None]
    assert len(listed["attempts"]) == 3


def test_the_text_report_names_the_round_and_what_to_work_on(capsys, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("Tell me about a time you improved a process.\n", encoding="utf-8")

    assert main(["mock", "--answers", STRONG, "--questions-file", str(questions), "--stage", "final"]) == 0

    report = capsys.readouterr().out
    assert report.startswith("Mock interview: Final interview")
    for heading in ("1. Tell me about a time you improved a process.", "The round", "Work on first"):
        assert heading in report


def _fake_recorder(monkeypatch: pytest.MonkeyPatch, *, fail_at: int | None = None) -> list[Path]:
    """The CLI's recorder, fed the strong sample answer by a fake microphone; ``fail_at`` stops the
    terminal (Ctrl+C) at that recording. Returns the recordings made."""
    from test_record import fake_microphone

    import rehearse.speech.record as record_module
    from rehearse.speech.audio import load_audio

    samples = load_audio(Path(STRONG)).samples
    made: list[Path] = []
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal: each answer ends at --seconds

    def record(out, **settings):
        if fail_at is not None and len(made) == fail_at:
            raise KeyboardInterrupt
        made.append(Path(out))
        return REAL_RECORD(out, open_stream=fake_microphone(samples, block=1600), **settings)

    monkeypatch.setattr(record_module, "record", record)
    return made


def test_the_interactive_round_stopped_halfway_resumes_with_every_answer_kept(
    monkeypatch, capsys, rehearse_home
):
    _fake_recorder(monkeypatch, fail_at=2)
    assert main(["mock", "--questions", "4", "--stage", "final", "--seconds", "6"]) == 130
    (stopped,) = open_store().list_rounds()
    assert stopped.state == "in_progress" and len(stopped.attempts) == 2
    capsys.readouterr()

    made = _fake_recorder(monkeypatch)
    assert main(["mock", "--seconds", "6", "--json"]) == 0

    captured = capsys.readouterr()
    assert f"Resuming round #{stopped.id}" in captured.err
    assert "still being analysed" in captured.err
    result = json.loads(captured.out)
    assert result["round_id"] == stopped.id and result["stage"] == "final"
    assert len(result["answers"]) == 4
    assert all(answer["analysis"] is not None for answer in result["answers"])
    (finished,) = open_store().list_rounds()
    assert finished.state == "finished"
    assert len(finished.attempts) == 2 + len(made)  # nothing recorded before the stop was lost
