import hashlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import rehearse.history.store as store_module
from rehearse.errors import StoreError
from rehearse.history.store import (
    AUDIO_SUFFIXES,
    DATABASE_NAME,
    HOME_ENV,
    RECOVERED_QUESTION,
    SCHEMA_VERSION,
    SESSION_GAP_S,
    Store,
    default_home,
    open_store,
)

QUESTION = "Tell me about a time you had to meet a deadline that looked impossible."
ANALYSIS = {"fillers": {"per_minute": 2.5}, "pacing": {"words_per_minute": 140.0}, "tips": []}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data")


def test_open_creates_database_and_audio_folder_with_schema_version(tmp_path: Path):
    store = open_store(tmp_path / "new" / "home")
    assert store.audio_dir.is_dir()
    with sqlite3.connect(store.database_path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"attempts", "analyses"} <= tables


def test_home_comes_from_environment_variable(rehearse_home: Path):
    assert open_store().home == rehearse_home
    assert (rehearse_home / DATABASE_NAME).is_file()


def test_default_home_is_the_platform_data_directory(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(HOME_ENV)
    assert default_home().name.lower() == "rehearse"


def test_reopening_keeps_attempts(tmp_path: Path):
    attempt_id = open_store(tmp_path).save_recording(QUESTION, b"RIFF-audio", ".wav")
    assert open_store(tmp_path).get_attempt(attempt_id).question == QUESTION


def test_recording_is_saved_under_a_name_chosen_by_the_store(store: Store):
    attempt_id = store.save_recording(f"  {QUESTION} ", b"audio bytes", ".MP3")
    attempt = store.get_attempt(attempt_id)
    assert attempt.question == QUESTION
    assert attempt.status == "recorded"
    assert attempt.analysis is None
    assert attempt.audio_file == f"attempt-{attempt_id:06d}.mp3"
    assert store.audio_path(attempt_id).read_bytes() == b"audio bytes"
    assert [path.name for path in store.audio_dir.iterdir()] == [attempt.audio_file]


@pytest.mark.parametrize("suffix", ["", ".exe", "/../../evil.wav", ".wav/", "wav", ".html"])
def test_suffix_outside_the_audio_list_is_refused(store: Store, suffix: str):
    with pytest.raises(StoreError, match="cannot be saved"):
        store.save_recording(QUESTION, b"audio", suffix)
    assert store.list_attempts() == []
    assert list(store.audio_dir.iterdir()) == []


def test_every_accepted_suffix_can_be_saved(store: Store):
    for suffix in AUDIO_SUFFIXES:
        store.save_recording(QUESTION, b"audio", suffix)
    assert sorted(path.suffix for path in store.audio_dir.iterdir()) == sorted(AUDIO_SUFFIXES)


@pytest.mark.parametrize(
    ("question", "audio", "message"),
    [(QUESTION, b"", "empty"), ("   ", b"audio", "question"), ("", b"audio", "question")],
)
def test_empty_recording_or_question_is_refused(store: Store, question: str, audio: bytes, message: str):
    with pytest.raises(StoreError, match=message):
        store.save_recording(question, audio, ".wav")
    assert store.list_attempts() == []


def test_failed_audio_write_leaves_no_attempt_behind(store: Store):
    store.audio_dir.rmdir()
    store.audio_dir.write_text("a file where the audio folder should be")
    with pytest.raises(StoreError, match="could not be saved"):
        store.save_recording(QUESTION, b"audio", ".wav")
    assert store.list_attempts() == []


def test_analysis_is_attached_and_read_back(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    store.save_analysis(attempt_id, ANALYSIS)
    attempt = store.get_attempt(attempt_id)
    assert attempt.status == "analysed"
    assert attempt.error is None
    assert attempt.analysis == ANALYSIS


def test_failure_keeps_the_recording_and_a_retry_can_succeed(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    store.save_failure(attempt_id, "No speech was found in the recording.")
    failed = store.get_attempt(attempt_id)
    assert (failed.status, failed.error, failed.analysis) == (
        "failed",
        "No speech was found in the recording.",
        None,
    )
    assert store.audio_path(attempt_id).read_bytes() == b"audio"
    store.save_analysis(attempt_id, ANALYSIS)
    retried = store.get_attempt(attempt_id)
    assert (retried.status, retried.error, retried.analysis) == ("analysed", None, ANALYSIS)


def test_failure_after_an_analysis_removes_the_stale_analysis(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    store.save_analysis(attempt_id, ANALYSIS)
    store.save_failure(attempt_id, "The speech model could not be loaded.")
    assert store.get_attempt(attempt_id).analysis is None


@pytest.mark.parametrize("write", ["analysis", "failure"])
def test_updating_an_unknown_attempt_is_an_error(store: Store, write: str):
    with pytest.raises(StoreError, match="no attempt number 42"):
        if write == "analysis":
            store.save_analysis(42, ANALYSIS)
        else:
            store.save_failure(42, "message")


def test_analysis_that_is_not_json_is_refused(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    with pytest.raises(StoreError, match="cannot be saved"):
        store.save_analysis(attempt_id, {"words_per_minute": float("nan")})
    with pytest.raises(StoreError, match="cannot be saved"):
        store.save_analysis(attempt_id, {"path": Path("x")})
    assert store.get_attempt(attempt_id).status == "recorded"


def test_unknown_attempt_is_an_error(store: Store):
    with pytest.raises(StoreError, match="no attempt number 7"):
        store.get_attempt(7)


def test_missing_audio_file_is_reported(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    store.audio_path(attempt_id).unlink()
    with pytest.raises(StoreError, match="missing"):
        store.audio_path(attempt_id)


def test_attempts_are_listed_newest_first_and_by_question(store: Store):
    first = store.save_recording(QUESTION, b"1", ".wav")
    other = store.save_recording("Why do you want to work for us?", b"2", ".wav")
    second = store.save_recording(QUESTION, b"3", ".wav")
    assert [attempt.id for attempt in store.list_attempts()] == [second, other, first]
    assert [attempt.id for attempt in store.list_attempts(QUESTION)] == [second, first]
    assert store.list_attempts("A question never asked") == []


def test_previous_attempt_is_the_latest_analysed_one_at_the_same_question(store: Store):
    analysed = store.save_recording(QUESTION, b"1", ".wav")
    store.save_analysis(analysed, ANALYSIS)
    failed = store.save_recording(QUESTION, b"2", ".wav")
    store.save_failure(failed, "No speech.")
    other_question = store.save_recording("Why do you want to work for us?", b"3", ".wav")
    store.save_analysis(other_question, ANALYSIS)
    current = store.save_recording(QUESTION, b"4", ".wav")
    later = store.save_recording(QUESTION, b"5", ".wav")
    store.save_analysis(later, ANALYSIS)

    previous = store.previous_attempt(QUESTION, current)
    assert previous is not None and previous.id == analysed
    assert store.previous_attempt(QUESTION, analysed) is None
    assert store.previous_attempt("Why do you want to work for us?", other_question) is None


def test_a_sample_answer_is_never_the_previous_attempt(store: Store):
    mine = store.save_recording(QUESTION, b"1", ".wav")
    store.save_analysis(mine, ANALYSIS)
    sample = store.save_recording(QUESTION, b"2", ".wav")
    store.save_analysis(sample, ANALYSIS | {"sample": True})
    current = store.save_recording(QUESTION, b"3", ".wav")

    previous = store.previous_attempt(QUESTION, current)
    assert previous is not None and previous.id == mine
    assert store.previous_attempt(QUESTION, mine) is None


def test_foreign_keys_are_enforced(store: Store):
    with pytest.raises(StoreError, match="FOREIGN KEY"), store._transaction() as connection:
        connection.execute(
            "INSERT INTO analyses (attempt_id, created_at, analysis_json) VALUES (99, 'now', '{}')"
        )


def test_database_from_a_newer_version_is_refused(tmp_path: Path):
    open_store(tmp_path)
    with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version of rehearse"):
        open_store(tmp_path)


def test_damaged_database_is_reported(tmp_path: Path):
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be read: it is not an SQLite database"):
        open_store(tmp_path)
    assert (tmp_path / DATABASE_NAME).read_bytes() == b"this is not a database" * 100  # never emptied


def test_database_damaged_inside_is_reported_and_left_as_it_is(tmp_path: Path):
    open_store(tmp_path).save_recording(QUESTION, b"audio", ".wav")
    path = tmp_path / DATABASE_NAME
    damaged = path.read_bytes()[:100] + b"\xff" * (path.stat().st_size - 100)
    path.write_bytes(damaged)
    with pytest.raises(StoreError, match="cannot be read"):
        open_store(tmp_path).list_attempts()
    assert path.read_bytes() == damaged


def test_sqlite_database_of_another_program_is_refused_and_left_as_it_is(tmp_path: Path):
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME)) as connection, connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="another program"):
        open_store(tmp_path)
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert tables == ["recipes"]


def test_data_directory_that_is_a_file_is_reported(tmp_path: Path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot be created"):
        open_store(home)


def test_two_sessions_opening_a_new_store_at_once_both_succeed(tmp_path: Path):
    errors: list[Exception] = []

    def open_and_save() -> None:
        try:
            open_store(tmp_path).save_recording(QUESTION, b"audio", ".wav")
        except Exception as error:  # collected so the main thread can report it
            errors.append(error)

    threads = [threading.Thread(target=open_and_save) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(open_store(tmp_path).list_attempts()) == 4


def test_opening_a_new_store_waits_for_another_session_that_is_saving(tmp_path: Path):
    # SQLite answers "database is locked" at once, without waiting, when a session switches a new
    # history to write-ahead logging while another one holds the write lock.
    other = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, other.execute, ("COMMIT",))
    release.start()
    try:
        store = open_store(tmp_path)
    finally:
        release.join()
        other.close()
    store.save_recording(QUESTION, b"audio", ".wav")
    assert len(store.list_attempts()) == 1


# The schema as version 1 of rehearse created it, kept verbatim: upgrades must start from exactly this.
_VERSION_1_SCHEMA = """
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    created_at TEXT NOT NULL,
    audio_file TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('recorded', 'analysed', 'failed')),
    error TEXT
);
CREATE INDEX attempts_by_question ON attempts (question, id);
CREATE TABLE analyses (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    analysis_json TEXT NOT NULL
);
PRAGMA user_version = 1;
"""
_VERSION_1_ATTEMPTS = [
    (1, QUESTION, "2026-01-05T09:00:00+00:00", "attempt-000001.wav", "analysed", None),
    (2, QUESTION, "2026-01-05T09:25:00+00:00", "attempt-000002.ogg", "failed", "No speech was found."),
    (
        3,
        "Why do you want to work for us?",
        "2026-01-05T09:50:00+00:00",
        "attempt-000003.wav",
        "analysed",
        None,
    ),
    (4, QUESTION, "2026-01-07T18:00:00+00:00", "attempt-000004.webm", "recorded", None),
]


def test_version_1_history_is_upgraded_keeping_every_attempt(tmp_path: Path):
    (tmp_path / "audio").mkdir()
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME)) as connection, connection:
        connection.executescript(_VERSION_1_SCHEMA)
        connection.executemany("INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)", _VERSION_1_ATTEMPTS)
        for attempt_id in (1, 3):
            connection.execute(
                "INSERT INTO analyses VALUES (?, '2026-01-05T10:00:00+00:00', ?)",
                (attempt_id, json.dumps(ANALYSIS | {"attempt": attempt_id})),
            )
    for row in _VERSION_1_ATTEMPTS:
        (tmp_path / "audio" / row[3]).write_bytes(f"audio of {row[0]}".encode())

    store = open_store(tmp_path)
    with closing(sqlite3.connect(store.database_path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    attempts = store.list_attempts()
    assert [(a.id, a.question, a.created_at, a.audio_file, a.status, a.error) for a in attempts] == [
        tuple(row) for row in reversed(_VERSION_1_ATTEMPTS)
    ]
    assert [a.analysis for a in attempts] == [
        None,
        ANALYSIS | {"attempt": 3},
        None,
        ANALYSIS | {"attempt": 1},
    ]
    assert all(store.audio_path(a.id).read_bytes() == f"audio of {a.id}".encode() for a in attempts)
    # Gaps under 30 minutes keep one session: 09:00, 09:25 and 09:50 on one morning, then two days later.
    assert [a.session_id for a in attempts] == [2, 1, 1, 1]
    assert [(s.id, s.started_at, s.ended_at, s.attempt_count) for s in store.list_sessions()] == [
        (2, "2026-01-07T18:00:00+00:00", "2026-01-07T18:00:00+00:00", 1),
        (1, "2026-01-05T09:00:00+00:00", "2026-01-05T09:50:00+00:00", 3),
    ]
    new = store.get_attempt(store.save_recording(QUESTION, b"new audio", ".wav"))
    assert (new.id, new.session_id) == (5, 3)
    assert len(open_store(tmp_path).list_attempts()) == 5  # a second open does not migrate again


def test_attempts_within_the_gap_share_a_session(store: Store, monkeypatch: pytest.MonkeyPatch):
    start = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
    ids = []
    for seconds in (0, SESSION_GAP_S - 60, 2 * SESSION_GAP_S - 120, 4 * SESSION_GAP_S):
        moment = (start + timedelta(seconds=seconds)).isoformat(timespec="seconds")
        monkeypatch.setattr(store_module, "_now", lambda moment=moment: moment)
        ids.append(store.save_recording(QUESTION, b"audio", ".wav"))
    sessions = [store.get_attempt(attempt_id).session_id for attempt_id in ids]
    assert sessions[0] == sessions[1] == sessions[2] != sessions[3]
    assert [s.attempt_count for s in store.list_sessions()] == [1, 3]


def test_deleting_attempts_removes_their_recordings_and_empty_sessions(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(store_module, "_now", lambda: "2026-05-01T20:00:00+00:00")
    first = store.save_recording(QUESTION, b"1", ".wav")
    second = store.save_recording(QUESTION, b"2", ".wav")
    monkeypatch.setattr(store_module, "_now", lambda: "2026-05-02T20:00:00+00:00")
    alone = store.save_recording(QUESTION, b"3", ".wav")
    store.save_analysis(alone, ANALYSIS)
    audio = store.audio_path(alone)

    store.delete_attempt(alone)
    assert not audio.exists()
    assert [s.attempt_count for s in store.list_sessions()] == [2]
    store.delete_attempt(first)
    assert [a.id for a in store.list_attempts()] == [second]
    assert [s.attempt_count for s in store.list_sessions()] == [1]
    with closing(sqlite3.connect(store.database_path)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
        assert connection.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 0
    with pytest.raises(StoreError, match="no attempt number"):
        store.delete_attempt(alone)


def test_attempt_whose_recording_has_gone_can_still_be_deleted(store: Store):
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    store.audio_path(attempt_id).unlink()
    store.delete_attempt(attempt_id)
    assert store.list_attempts() == []


def test_history_uses_write_ahead_logging(store: Store):
    with closing(sqlite3.connect(store.database_path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# Run in a fresh interpreter (not multiprocessing, whose children re-run the parent's __main__):
# open the store, wait for the go file, then save 20 recordings as fast as possible.
_SAVER = """
import sys, time
from pathlib import Path
from rehearse.history.store import open_store
store, go = open_store(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
for index in range(20):
    store.save_recording("Why us?", f"audio {index}".encode(), ".wav")
"""


def test_two_processes_saving_at_the_same_time_both_land(tmp_path: Path):
    home, go = tmp_path / "home", tmp_path / "go"
    open_store(home)
    savers = [
        subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(home), str(go)], stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    time.sleep(1)  # both are importing and opening the store; the go file starts them together
    go.touch()
    errors = [saver.communicate(timeout=120)[1] for saver in savers]
    assert [saver.returncode for saver in savers] == [0, 0], errors
    store = open_store(home)
    attempts = store.list_attempts()
    assert sorted(a.id for a in attempts) == list(range(1, 41))
    assert all(store.audio_path(a.id).is_file() for a in attempts)
    assert [s.attempt_count for s in store.list_sessions()] == [40]


def _checksums(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("lose", ["empty", "delete"])
def test_history_lost_beside_three_recordings_is_rebuilt_and_no_recording_is_overwritten(
    store: Store, lose: str
):
    for number in range(3):
        attempt_id = store.save_recording(QUESTION, f"recording number {number}".encode(), ".wav")
        store.save_analysis(attempt_id, ANALYSIS)
    before = _checksums(store.audio_dir)
    if lose == "empty":
        store.database_path.write_bytes(b"")
    else:
        store.database_path.unlink()

    reopened = open_store(store.home)
    assert reopened.notice is not None
    assert "Found 3 recordings but no history" in reopened.notice and "#1, #2, #3" in reopened.notice
    recovered = reopened.list_attempts()
    assert [(a.id, a.question, a.status) for a in recovered] == [
        (number, RECOVERED_QUESTION, "recorded") for number in (3, 2, 1)
    ]
    assert open_store(store.home).notice is None  # said once, when it happened

    new_id = reopened.save_recording(QUESTION, b"the new answer", ".wav")
    assert new_id == 4
    assert reopened.audio_path(new_id).read_bytes() == b"the new answer"
    assert {
        name: checksum for name, checksum in _checksums(store.audio_dir).items() if name in before
    } == before


def test_a_recording_already_under_the_next_name_is_never_replaced(store: Store):
    # Appears after the store was opened, as if another program or a lost history put it there.
    (store.audio_dir / "attempt-000001.wav").write_bytes(b"an earlier answer")
    with pytest.raises(StoreError, match="never replaces a recording"):
        store.save_recording(QUESTION, b"the new answer", ".wav")
    assert (store.audio_dir / "attempt-000001.wav").read_bytes() == b"an earlier answer"
    assert [path.name for path in store.audio_dir.iterdir()] == ["attempt-000001.wav"]
    assert open_store(store.home).list_attempts()[0].audio_file == "attempt-000001.wav"


def test_partial_files_of_an_interrupted_save_are_removed_at_the_next_start(store: Store):
    kept = store.save_recording(QUESTION, b"a whole recording", ".wav")
    (store.audio_dir / "attempt-000002.wav.part").write_bytes(b"half a rec")
    (store.audio_dir / "my notes.txt").write_bytes(b"not rehearse's")
    reopened = open_store(store.home)
    assert sorted(path.name for path in store.audio_dir.iterdir()) == ["attempt-000001.wav", "my notes.txt"]
    assert reopened.notice is None
    assert [attempt.id for attempt in reopened.list_attempts()] == [kept]


# Interviews being prepared for (schema 3, issue 17).
INTERVIEW = {
    "company": "Acme",
    "role": "Ops manager",
    "job_description": "Manage a budget.",
    "stage": "final",
}


def test_several_interviews_are_kept_updated_and_listed(store: Store):
    first = store.create_interview(INTERVIEW)
    second = store.create_interview(INTERVIEW | {"company": "Globex"})
    store.update_interview(first, INTERVIEW | {"role": "Head of operations"})
    assert [interview.id for interview in store.list_interviews()] == [second, first]
    assert store.get_interview(first).data["role"] == "Head of operations"
    assert store.get_interview(second).data["company"] == "Globex"
    with pytest.raises(StoreError, match="no interview number 99"):
        store.get_interview(99)
    with pytest.raises(StoreError, match="no interview number 99"):
        store.update_interview(99, INTERVIEW)


def test_attempts_belong_to_an_interview_and_are_filtered_by_it(store: Store):
    interview_id = store.create_interview(INTERVIEW)
    practice = store.save_recording(QUESTION, b"audio", ".wav", interview_id=interview_id)
    other = store.save_recording(QUESTION, b"audio", ".ogg")
    assert store.get_attempt(practice).interview_id == interview_id
    assert store.get_attempt(other).interview_id is None
    assert [a.id for a in store.list_attempts(interview_id=interview_id)] == [practice]
    assert [a.id for a in store.list_attempts(QUESTION, interview_id=interview_id)] == [practice]
    assert len(store.list_attempts()) == 2
    with pytest.raises(StoreError, match="no interview number"):
        store.save_recording(QUESTION, b"audio", ".wav", interview_id=interview_id + 1)


def test_deleting_an_interview_keeps_its_attempts(store: Store):
    interview_id = store.create_interview(INTERVIEW)
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav", interview_id=interview_id)
    store.delete_interview(interview_id)
    assert store.list_interviews() == []
    assert store.get_attempt(attempt_id).interview_id is None
    with pytest.raises(StoreError):
        store.delete_interview(interview_id)


def test_version_2_history_is_upgraded_in_place_to_interviews(tmp_path: Path):
    (tmp_path / "audio").mkdir()
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)) as connection:
        connection.execute("BEGIN")
        store_module._create_v1(connection)
        store_module._add_sessions(connection)
        connection.execute(
            "INSERT INTO attempts (id, question, created_at, audio_file, status) VALUES"
            " (1, ?, '2026-01-05T09:00:00+00:00', 'attempt-000001.wav', 'recorded')",
            (QUESTION,),
        )
        connection.execute("PRAGMA user_version = 2")
        connection.execute("COMMIT")
    (tmp_path / "audio" / "attempt-000001.wav").write_bytes(b"audio of 1")
    store = open_store(tmp_path)
    with closing(sqlite3.connect(store.database_path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    [attempt] = store.list_attempts()
    assert (attempt.id, attempt.question, attempt.interview_id) == (1, QUESTION, None)
    interview_id = store.create_interview(INTERVIEW)
    assert store.list_attempts(interview_id=interview_id) == []


ROUND_QUESTIONS = [
    "Walk me through your CV in ninety seconds, focusing on what is relevant to this role.",
    QUESTION,
    "Why do you want to work for us?",
    "Do you have any questions for us?",
]


def test_a_round_keeps_each_answer_and_follow_up_in_its_place(tmp_path: Path):
    store = open_store(tmp_path)
    round_id = store.start_round("final", ROUND_QUESTIONS)

    first = store.save_round_recording(round_id, 0, b"answer one", ".wav")
    second = store.save_round_recording(round_id, 1, b"answer two", ".webm")
    store.set_follow_up(round_id, 1, "What was the outcome?")
    follow_up = store.save_round_recording(
        round_id, 1, b"the outcome", ".webm", follow_up="What was the outcome?"
    )
    store.save_analysis(second, ANALYSIS)

    mock_round = store.get_round(round_id)
    assert mock_round.stage == "final" and mock_round.state == "in_progress"
    assert mock_round.questions == tuple(ROUND_QUESTIONS)
    assert mock_round.follow_ups == (None, "What was the outcome?", None, None)
    assert mock_round.answer(0).id == first
    assert mock_round.answer(1).analysis == ANALYSIS
    assert mock_round.follow_up_answer(1).id == follow_up
    assert mock_round.follow_up_answer(1).question == "What was the outcome?"
    assert mock_round.next_position == 2
    assert store.get_attempt(follow_up).is_follow_up


def test_a_round_stopped_halfway_resumes_where_it_stopped_with_nothing_lost(tmp_path: Path):
    store = open_store(tmp_path)
    round_id = store.start_round("second_round", ROUND_QUESTIONS)
    store.save_round_recording(round_id, 0, b"answer one", ".wav")
    store.set_follow_up(round_id, 0, "If you had to sum that up in one sentence?")

    reopened = open_store(tmp_path).unfinished_round()

    assert reopened is not None and reopened.id == round_id
    assert reopened.next_position == 0  # the follow-up is still to be answered
    assert [a.audio_file for a in reopened.attempts] == ["attempt-000001.wav"]
    store.finish_round(round_id)
    assert open_store(tmp_path).unfinished_round() is None
    assert store.get_round(round_id).finished_at is not None


def test_rounds_are_listed_newest_first_and_a_bad_position_is_refused(tmp_path: Path):
    store = open_store(tmp_path)
    older = store.start_round("final", ROUND_QUESTIONS)
    newer = store.start_round("second_round", ROUND_QUESTIONS[:2])

    assert [r.id for r in store.list_rounds()] == [newer, older]
    with pytest.raises(StoreError, match="no question number 3"):
        store.save_round_recording(newer, 2, b"audio", ".wav")
    with pytest.raises(StoreError, match="no question may be empty"):
        store.start_round("final", ["  "])


def test_a_version_3_history_gains_rounds_and_keeps_its_attempts(tmp_path: Path):
    store = open_store(tmp_path)
    attempt_id = store.save_recording(QUESTION, b"audio", ".wav")
    with closing(sqlite3.connect(store.database_path)) as connection, connection:
        connection.execute("DROP INDEX attempts_by_round")
        for column in ("follow_up", "round_position", "round_id"):
            connection.execute(f"ALTER TABLE attempts DROP COLUMN {column}")
        connection.execute("DROP TABLE rounds")
        connection.execute("PRAGMA user_version = 3")

    upgraded = open_store(tmp_path)

    assert upgraded.get_attempt(attempt_id).round_id is None
    assert upgraded.list_rounds() == []
    assert upgraded.start_round("final", ROUND_QUESTIONS) == 1


def test_a_finished_round_asks_nothing_more_even_with_a_follow_up_unanswered(tmp_path: Path):
    store = open_store(tmp_path)
    round_id = store.start_round("final", ROUND_QUESTIONS[:1])
    store.save_round_recording(round_id, 0, b"answer", ".wav")
    store.set_follow_up(round_id, 0, "What was the outcome?")
    assert store.get_round(round_id).next_position == 0

    store.finish_round(round_id)

    assert store.get_round(round_id).next_position is None
