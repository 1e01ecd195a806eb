"""``rehearse history``, ``compare``, ``export`` and ``analyze --save`` on a temporary store."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import read_only
from test_progress import STAR, STAR_ANSWER, WHY, WHY_ANSWERS, seed

from rehearse.cli import EXIT_USER_ERROR, NO_QUESTION, main
from rehearse.history.store import HOME_ENV, Attempt, open_store

SAMPLE = Path(__file__).resolve().parent.parent / "sample_audio" / "strong_star.ogg"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def attempts() -> list[Attempt]:
    """Two analysed attempts at WHY and one at STAR, oldest first."""
    store = open_store()
    return [
        seed(store, WHY, WHY_ANSWERS[0] * 3),
        seed(store, WHY, WHY_ANSWERS[2] * 3),
        seed(store, STAR, STAR_ANSWER),
    ]


def test_analysis_saved_from_the_command_line_round_trips_through_history_and_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    code, printed, err = run(capsys, "analyze", str(SAMPLE), "--json", "--save")
    assert code == 0 and "Saved as attempt #1" in err
    analysis = json.loads(printed)

    [attempt] = open_store().list_attempts()
    assert attempt.question == NO_QUESTION and attempt.status == "analysed"
    assert open_store().audio_path(attempt.id).read_bytes() == SAMPLE.read_bytes()

    code, exported, _ = run(capsys, "export", "--format", "json", "--id", "1")
    assert code == 0 and exported == printed
    out = tmp_path / "attempt.json"
    assert run(capsys, "export", "--format", "json", "--id", "1", "--out", str(out))[0] == 0
    assert out.read_text(encoding="utf-8") == printed

    code, listed, _ = run(capsys, "history", "--json")
    [row] = json.loads(listed)["attempts"]
    assert row["fillers_per_minute"] == analysis["fillers"]["per_minute"]
    assert row["words_per_minute"] == analysis["pacing"]["words_per_minute"]
    assert row["duration_s"] == analysis["conciseness"]["duration_s"]
    assert row["star_parts"] == sum(analysis["example"]["star"].values())


def test_history_json_lists_engine_analyses_with_their_numbers(
    capsys: pytest.CaptureFixture[str], attempts: list[Attempt]
):
    code, out, _ = run(capsys, "history", "--json")
    assert code == 0
    result = json.loads(out)
    rows = {row["id"]: row for row in result["attempts"]}
    assert list(rows) == [attempt.id for attempt in reversed(attempts)]
    for attempt in attempts:
        assert rows[attempt.id]["fillers_per_minute"] == attempt.analysis["fillers"]["per_minute"]
        assert rows[attempt.id]["words_per_minute"] == attempt.analysis["pacing"]["words_per_minute"]
        assert rows[attempt.id]["question"] == attempt.question
    assert [entry["question"] for entry in result["progress"]] == [STAR, WHY, None]

    code, out, _ = run(capsys, "history", "--question", WHY, "--json")
    assert [row["id"] for row in json.loads(out)["attempts"]] == [attempts[1].id, attempts[0].id]


def test_history_text_shows_progress_per_question(
    capsys: pytest.CaptureFixture[str], attempts: list[Attempt]
):
    code, out, _ = run(capsys, "history")
    assert code == 0
    assert WHY in out and STAR in out and "Fillers down from" in out and "★ best" in out


def test_history_of_an_empty_store(capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "history")[1].startswith("No attempts yet")
    assert json.loads(run(capsys, "history", "--json")[1]) == {"attempts": [], "progress": [], "rounds": []}


def test_compare_prints_the_deltas(capsys: pytest.CaptureFixture[str], attempts: list[Attempt]):
    first, second = attempts[0], attempts[1]
    code, out, _ = run(capsys, "compare", str(first.id), str(second.id), "--json")
    assert code == 0
    result = json.loads(out)
    changes = {change["label"]: change for change in result["changes"]}
    expected = second.analysis["fillers"]["per_minute"] - first.analysis["fillers"]["per_minute"]
    assert changes["Fillers per minute"]["difference"] == pytest.approx(expected, abs=0.01)
    assert changes["Fillers per minute"]["verdict"] == "better"
    expected_wpm = (
        second.analysis["pacing"]["words_per_minute"] - first.analysis["pacing"]["words_per_minute"]
    )
    assert changes["Words per minute"]["difference"] == pytest.approx(expected_wpm, abs=0.01)
    assert any(part["kind"] == "added" for part in result["diff"])

    # These two answers share 0.42 of their words: the JSON keeps the diff, the text says they differ.
    assert result["similarity"] == pytest.approx(0.42, abs=0.05)
    code, out, _ = run(capsys, "compare", str(first.id), str(second.id))
    assert code == 0 and "Fillers per minute" in out and "{+" not in out
    assert "share 42% of their words, too few for a word diff" in out


def test_export_csv_and_markdown(capsys: pytest.CaptureFixture[str], attempts: list[Attempt], tmp_path: Path):
    code, out, _ = run(capsys, "export", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(row["id"]) for row in rows] == [attempt.id for attempt in attempts]  # oldest first
    assert float(rows[0]["fillers_per_minute"]) == attempts[0].analysis["fillers"]["per_minute"]

    report = tmp_path / "report.md"
    code, _, err = run(capsys, "export", "--format", "md", "--id", str(attempts[2].id), "--out", str(report))
    assert code == 0 and str(report) in err
    assert report.read_text(encoding="utf-8").startswith(f"# {STAR}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "json"], "needs --id"),
        (["export", "--format", "md", "--id", "99"], "no attempt number 99"),
        (["compare", "1", "99"], "no attempt number 99"),
        (["export", "--format", "csv", "--out", "/nonexistent-folder/attempts.csv"], "cannot be written"),
    ],
)
def test_bad_requests_give_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], attempts: list[Attempt], args: list[str], message: str
):
    code, out, err = run(capsys, *args)
    assert code == EXIT_USER_ERROR and out == ""
    assert err.startswith("rehearse: ") and message in err and err.count("\n") == 1


def test_attempt_without_results_cannot_be_compared_or_exported(capsys: pytest.CaptureFixture[str]):
    store = open_store()
    failed = store.save_recording(WHY, b"audio", ".wav")
    store.save_failure(failed, "No speech was found in the recording.")
    other = seed(store, WHY, WHY_ANSWERS[1])
    for args in (
        ["compare", str(failed), str(other.id)],
        ["export", "--format", "json", "--id", str(failed)],
    ):
        code, _, err = run(capsys, *args)
        assert code == EXIT_USER_ERROR and "has no results: its analysis failed" in err


def test_damaged_history_is_reported_before_analysing(
    capsys: pytest.CaptureFixture[str], rehearse_home: Path
):
    (rehearse_home / "rehearse.sqlite3").write_bytes(b"not a database at all" * 50)
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--save", "--json")
    assert code == EXIT_USER_ERROR and out == "" and "not an SQLite database" in err
    assert (rehearse_home / "rehearse.sqlite3").read_bytes() == b"not a database at all" * 50


def _cli(home: Path, *args: str, prefix: tuple[str, ...] = (), **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "rehearse.cli", *args],
        env={**os.environ, HOME_ENV: str(home), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        **options,
    )


def _checksums(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_emptied_history_beside_three_recordings_is_reported_and_the_next_save_overwrites_none(
    capsys: pytest.CaptureFixture[str], rehearse_home: Path
):
    store = open_store()
    for source in (SAMPLE, SAMPLE.with_name("vague_fillers.ogg"), SAMPLE.with_name("strong_star.json")):
        store.save_recording(STAR, source.read_bytes(), ".ogg")
    before = _checksums(store.audio_dir)
    store.database_path.write_bytes(b"")

    code, out, err = run(capsys, "history")
    assert code == 0 and "Found 3 recordings but no history" in err
    assert "(recovered recording" in out and out.count("not analysed") == 3
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--question", STAR, "--save", "--json")
    assert code == 0 and "Saved as attempt #4" in err
    after = _checksums(store.audio_dir)
    assert {name: after[name] for name in before} == before
    assert after["attempt-000004.ogg"] == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


def test_a_failed_save_still_prints_the_analysis_and_says_it_was_not_saved(rehearse_home: Path):
    open_store(rehearse_home)

    def disk_full_at_150_kb() -> None:
        # Writing past the limit then fails with EFBIG, as a full disk fails with ENOSPC.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    result = _cli(
        rehearse_home,
        "analyze",
        str(SAMPLE),
        "--question",
        STAR,
        "--save",
        "--json",
        preexec_fn=disk_full_at_150_kb,
    )
    assert result.returncode == EXIT_USER_ERROR, result.stderr
    assert "checklist" in json.loads(result.stdout)["transcript"]["text"].lower()
    assert "the analysis above was not saved" in result.stderr and "could not be saved" in result.stderr
    assert open_store(rehearse_home).list_attempts() == []
    assert list((rehearse_home / "audio").iterdir()) == []


def test_a_read_only_history_can_be_listed_compared_and_exported_but_not_saved_to(
    attempts: list[Attempt], rehearse_home: Path, tmp_path: Path
):
    with read_only(rehearse_home) as prefix:
        listed = _cli(rehearse_home, "history", "--json", prefix=tuple(prefix))
        compared = _cli(rehearse_home, "compare", "1", "2", prefix=tuple(prefix))
        exported = _cli(rehearse_home, "export", "--format", "csv", prefix=tuple(prefix))
        saved = _cli(rehearse_home, "analyze", str(SAMPLE), "--save", "--json", prefix=tuple(prefix))
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["attempts"]) == 3
    assert compared.returncode == 0 and "Fillers per minute" in compared.stdout, compared.stderr
    assert exported.returncode == 0 and len(list(csv.DictReader(io.StringIO(exported.stdout)))) == 3
    assert saved.returncode == EXIT_USER_ERROR
    assert "checklist" in json.loads(saved.stdout)["transcript"]["text"].lower()
    assert "read-only" in saved.stderr and "cannot be created" not in saved.stderr
    assert len(open_store(rehearse_home).list_attempts()) == 3
