"""The local attempt history: one SQLite database and one audio folder under the data directory.

This is the only module that touches SQLite. Every write runs in a transaction, so a crash leaves
either a whole attempt or none. Audio files are named by the store after the attempt id, never after
anything the user supplied.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from rehearse.errors import StoreError

HOME_ENV = "REHEARSE_HOME"
DATABASE_NAME = "rehearse.sqlite3"
# The candidate's saved settings (rehearse/history/settings.py), beside the database.
SETTINGS_NAME = "settings.json"
AUDIO_DIR_NAME = "audio"
# Bump together with a step in _MIGRATIONS when the schema changes.
SCHEMA_VERSION = 4
# Attempts saved less than this long after the previous one belong to the same practice session.
SESSION_GAP_S = 30 * 60
_SQLITE_HEADER = b"SQLite format 3\x00"
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".webm", ".opus")
# Largest recording kept, in megabytes: 15 minutes (the engine's limit) of 16-bit mono WAV at 48 kHz
# is 86 MB. The app's upload limit (server.maxUploadSize in .streamlit/config.toml) is the same number.
MAX_RECORDING_MB = 100
# Recordings are personal: only the user who runs rehearse may read them or the history.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# SQLite's side files next to the database; they hold attempt data while a transaction runs.
_DATABASE_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
# A recording is written under this suffix first and takes its final name only when complete.
PARTIAL_SUFFIX = ".part"
# The names the store gives recordings: attempt-<id><suffix>.
_RECORDING_NAME = re.compile(r"attempt-(\d+)(\.[a-z0-9]+)")
# What a recording found without its history is listed under: its question went with the database.
RECOVERED_QUESTION = "(recovered recording: its question was lost with the history)"
# How long a save waits for another session's save to finish, in seconds, before it gives up.
BUSY_TIMEOUT_S = 10.0
# Errors that mean the data folder can be read but not written.
_READ_ONLY_ERRORS = (errno.EACCES, errno.EPERM, errno.EROFS)

_SCHEMA_V1 = """
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
"""
# Version 2: practice sessions. ``last_active_at`` is when the session's latest attempt was saved;
# the start and end shown to the candidate come from the session's attempts.
_SCHEMA_V2 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    last_active_at TEXT NOT NULL
);
ALTER TABLE attempts ADD COLUMN session_id INTEGER REFERENCES sessions (id);
CREATE INDEX attempts_by_session ON attempts (session_id, id);
"""
# Version 3: interviews being prepared for (issue 17). ``interview_json`` holds the interview's fields
# (company, role, job description, notes, ...) as the preparation engine writes them; an attempt may
# belong to one, and keeps its answer when the interview is deleted.
_SCHEMA_V3_INTERVIEWS = """
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    interview_json TEXT NOT NULL
);
ALTER TABLE attempts ADD COLUMN interview_id INTEGER REFERENCES interviews (id) ON DELETE SET NULL;
CREATE INDEX attempts_by_interview ON attempts (interview_id, id);
"""


# Version 4: mock interview rounds (issue 18). ``questions_json`` lists the round's questions in asking order and
# ``follow_ups_json`` the follow-up asked after each (null when none); an attempt of a round has its
# position there and, when it answers a follow-up, that follow-up's text in ``follow_up``.
_SCHEMA_ROUNDS = """
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stage TEXT NOT NULL,
    questions_json TEXT NOT NULL,
    follow_ups_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'finished'))
);
ALTER TABLE attempts ADD COLUMN round_id INTEGER REFERENCES rounds (id) ON DELETE SET NULL;
ALTER TABLE attempts ADD COLUMN round_position INTEGER;
ALTER TABLE attempts ADD COLUMN follow_up TEXT;
CREATE INDEX attempts_by_round ON attempts (round_id, round_position, id);
"""


@dataclass(frozen=True)
class Attempt:
    """One recorded answer; ``analysis`` is the engine's ``Analysis.to_dict()`` once it has run.

    ``created_at`` is an ISO 8601 UTC timestamp; ``error`` is the message of the last failed analysis;
    ``session_id`` is the practice session it was made in.
    """

    id: int
    question: str
    created_at: str
    audio_file: str
    status: str
    error: str | None
    analysis: dict | None
    session_id: int | None = None
    interview_id: int | None = None
    round_id: int | None = None
    round_position: int | None = None
    follow_up: str | None = None  # the follow-up question this attempt answers, in a mock round

    @property
    def is_follow_up(self) -> bool:
        return self.follow_up is not None


@dataclass(frozen=True)
class StoredInterview:
    """An interview in preparation: ``data`` is ``Interview.to_dict()``; times are ISO 8601 UTC."""

    id: int
    created_at: str
    updated_at: str
    data: dict


@dataclass(frozen=True)
class MockRound:
    """A mock interview round: its questions in asking order, the follow-up asked after each (None
    when none was), and its attempts oldest first. ``state`` is "in_progress" until it is finished;
    a round stopped halfway keeps every answer and resumes at :attr:`next_position`.
    """

    id: int
    stage: str
    questions: tuple[str, ...]
    follow_ups: tuple[str | None, ...]
    started_at: str
    finished_at: str | None
    state: str
    attempts: tuple[Attempt, ...] = ()

    def answer(self, position: int) -> Attempt | None:
        """The latest answer to the question at ``position`` (not its follow-up)."""
        found = [a for a in self.attempts if a.round_position == position and not a.is_follow_up]
        return found[-1] if found else None

    def follow_up_answer(self, position: int) -> Attempt | None:
        found = [a for a in self.attempts if a.round_position == position and a.is_follow_up]
        return found[-1] if found else None

    @property
    def next_position(self) -> int | None:
        """The question to ask next (its follow-up first, when one is asked and not answered);
        None when every question is answered or the round was finished (a round run from recorded
        files ends with its follow-ups unanswered)."""
        if self.state == "finished":
            return None
        for position in range(len(self.questions)):
            if self.answer(position) is None:
                return position
            if self.follow_ups[position] is not None and self.follow_up_answer(position) is None:
                return position
        return None


@dataclass(frozen=True)
class Session:
    """Attempts made in one sitting, none more than :data:`SESSION_GAP_S` after the one before.

    ``started_at`` / ``ended_at`` are the ISO 8601 UTC times of its first and latest attempt.
    """

    id: int
    started_at: str
    ended_at: str
    attempt_count: int


@dataclass(frozen=True)
class Store:
    """Paths of one data directory; open it with :func:`open_store`.

    ``read_only`` is set when the folder can be read but not written: the history can be listed,
    compared and exported, and every save or delete says why it cannot. ``notice`` is what opening
    found and did that the candidate should hear about (recordings found without their history).
    """

    home: Path
    read_only: bool = False
    notice: str | None = None

    @property
    def database_path(self) -> Path:
        return self.home / DATABASE_NAME

    @property
    def audio_dir(self) -> Path:
        return self.home / AUDIO_DIR_NAME

    def save_recording(
        self, question: str, audio_bytes: bytes, suffix: str, *, interview_id: int | None = None
    ) -> int:
        """Keep a recording before it is analysed, so a failed analysis never loses it; returns the attempt id.

        ``interview_id``: the interview being prepared for, when the answer is practice for one.
        """
        suffix = suffix.lower()
        if suffix not in AUDIO_SUFFIXES:
            raise StoreError(
                f"Recordings of type '{suffix}' cannot be saved; use one of {', '.join(AUDIO_SUFFIXES)}."
            )
        if not audio_bytes:
            raise StoreError("The recording is empty (0 bytes); record the answer again.")
        if len(audio_bytes) > MAX_RECORDING_MB * 1024 * 1024:
            raise StoreError(
                f"The recording is {len(audio_bytes) / 1024 / 1024:.0f} MB; the largest accepted is"
                f" {MAX_RECORDING_MB} MB. Convert it to MP3 or FLAC, or trim it, and try again."
            )
        question = question.strip()
        if not question:
            raise StoreError("Choose or type a question before saving an answer.")
        now = _now()
        with self._transaction() as connection:
            if interview_id is not None:
                self._require_interview(connection, interview_id)
            attempt_id = connection.execute(
                "INSERT INTO attempts (question, created_at, audio_file, status, session_id, interview_id)"
                " VALUES (?, ?, '', 'recorded', ?, ?)",
                (question, now, _session_for(connection, now), interview_id),
            ).lastrowid
            audio_file = f"attempt-{attempt_id:06d}{suffix}"
            connection.execute("UPDATE attempts SET audio_file = ? WHERE id = ?", (audio_file, attempt_id))
            # The file is written inside the transaction: if writing fails, the row is rolled back too.
            self._write_audio(audio_file, audio_bytes)
        return int(attempt_id)

    def save_analysis(self, attempt_id: int, analysis: dict) -> None:
        """Attach a finished analysis (``Analysis.to_dict()``), replacing any earlier one."""
        try:
            analysis_json = json.dumps(analysis, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise StoreError(f"The analysis of attempt {attempt_id} cannot be saved: {error}.") from error
        with self._transaction() as connection:
            self._require(connection, attempt_id)
            connection.execute(
                "INSERT OR REPLACE INTO analyses (attempt_id, created_at, analysis_json) VALUES (?, ?, ?)",
                (attempt_id, _now(), analysis_json),
            )
            connection.execute(
                "UPDATE attempts SET status = 'analysed', error = NULL WHERE id = ?", (attempt_id,)
            )

    def save_failure(self, attempt_id: int, message: str) -> None:
        """Record why the analysis failed; the recording stays so it can be retried."""
        with self._transaction() as connection:
            self._require(connection, attempt_id)
            connection.execute("DELETE FROM analyses WHERE attempt_id = ?", (attempt_id,))
            connection.execute(
                "UPDATE attempts SET status = 'failed', error = ? WHERE id = ?", (message, attempt_id)
            )

    def start_round(self, stage: str, questions: list[str]) -> int:
        """Begin a mock interview round of ``questions`` (asking order); returns its id."""
        if not questions or any(not question.strip() for question in questions):
            raise StoreError("A round needs at least one question, and no question may be empty.")
        with self._transaction() as connection:
            return int(
                connection.execute(
                    "INSERT INTO rounds (stage, questions_json, follow_ups_json, started_at, state)"
                    " VALUES (?, ?, ?, ?, 'in_progress')",
                    (stage, json.dumps(questions), json.dumps([None] * len(questions)), _now()),
                ).lastrowid
            )

    def save_round_recording(
        self, round_id: int, position: int, audio_bytes: bytes, suffix: str, *, follow_up: str | None = None
    ) -> int:
        """Keep the answer to the round's question at ``position`` (or to its ``follow_up``) the
        moment it is recorded, so a round stopped halfway loses nothing; returns the attempt id."""
        mock_round = self.get_round(round_id)
        if not 0 <= position < len(mock_round.questions):
            raise StoreError(f"Round {round_id} has no question number {position + 1}.")
        question = follow_up or mock_round.questions[position]
        attempt_id = self.save_recording(question, audio_bytes, suffix)
        with self._transaction() as connection:
            connection.execute(
                "UPDATE attempts SET round_id = ?, round_position = ?, follow_up = ? WHERE id = ?",
                (round_id, position, follow_up, attempt_id),
            )
        return attempt_id

    def set_follow_up(self, round_id: int, position: int, follow_up: str | None) -> None:
        """Record the follow-up asked after the answer at ``position`` (None: none was)."""
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT follow_ups_json FROM rounds WHERE id = ?", (round_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"There is no round number {round_id}.")
            follow_ups = json.loads(row[0])
            follow_ups[position] = follow_up
            connection.execute(
                "UPDATE rounds SET follow_ups_json = ? WHERE id = ?", (json.dumps(follow_ups), round_id)
            )

    def finish_round(self, round_id: int) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE rounds SET state = 'finished', finished_at = ? WHERE id = ?", (_now(), round_id)
            )

    def get_round(self, round_id: int) -> MockRound:
        with self._connection() as connection:
            row = connection.execute(_SELECT_ROUND + " WHERE id = ?", (round_id,)).fetchone()
            if row is None:
                raise StoreError(f"There is no round number {round_id} in {self.home}.")
            attempts = connection.execute(
                _SELECT + " WHERE attempts.round_id = ? ORDER BY attempts.id", (round_id,)
            ).fetchall()
        return _round(row, tuple(_attempt(attempt) for attempt in attempts))

    def list_rounds(self) -> list[MockRound]:
        """Every mock interview round, newest first, with its attempts."""
        with self._connection() as connection:
            ids = [row[0] for row in connection.execute("SELECT id FROM rounds ORDER BY id DESC")]
        return [self.get_round(round_id) for round_id in ids]

    def unfinished_round(self) -> MockRound | None:
        """The latest round still in progress (to resume), if any."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT id FROM rounds WHERE state = 'in_progress' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return None if row is None else self.get_round(row[0])

    def get_attempt(self, attempt_id: int) -> Attempt:
        with self._connection() as connection:
            row = connection.execute(_SELECT + " WHERE attempts.id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no attempt number {attempt_id} in {self.home}.")
        return _attempt(row)

    def list_attempts(self, question: str | None = None, *, interview_id: int | None = None) -> list[Attempt]:
        """Attempts, newest first; only those at ``question`` and for ``interview_id`` when given."""
        conditions, parameters = [], []
        if question is not None:
            conditions.append("attempts.question = ?")
            parameters.append(question.strip())
        if interview_id is not None:
            conditions.append("attempts.interview_id = ?")
            parameters.append(interview_id)
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        with self._connection() as connection:
            rows = connection.execute(_SELECT + where + " ORDER BY attempts.id DESC", parameters).fetchall()
        return [_attempt(row) for row in rows]

    def create_interview(self, data: dict) -> int:
        """Keep a new interview to prepare for (``Interview.to_dict()``); returns its id."""
        interview_json = _interview_json(data)
        now = _now()
        with self._transaction() as connection:
            return int(
                connection.execute(
                    "INSERT INTO interviews (created_at, updated_at, interview_json) VALUES (?, ?, ?)",
                    (now, now, interview_json),
                ).lastrowid
            )

    def update_interview(self, interview_id: int, data: dict) -> None:
        interview_json = _interview_json(data)
        with self._transaction() as connection:
            self._require_interview(connection, interview_id)
            connection.execute(
                "UPDATE interviews SET updated_at = ?, interview_json = ? WHERE id = ?",
                (_now(), interview_json, interview_id),
            )

    def get_interview(self, interview_id: int) -> StoredInterview:
        with self._connection() as connection:
            row = connection.execute(_SELECT_INTERVIEW + " WHERE id = ?", (interview_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no interview number {interview_id} in {self.home}.")
        return _interview(row)

    def list_interviews(self) -> list[StoredInterview]:
        """Every interview in preparation, the newest first."""
        with self._connection() as connection:
            rows = connection.execute(_SELECT_INTERVIEW + " ORDER BY id DESC").fetchall()
        return [_interview(row) for row in rows]

    def delete_interview(self, interview_id: int) -> None:
        """Remove an interview and everything typed into it; its attempts stay, belonging to none."""
        with self._transaction() as connection:
            self._require_interview(connection, interview_id)
            connection.execute(
                "UPDATE attempts SET interview_id = NULL WHERE interview_id = ?", (interview_id,)
            )
            connection.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))

    def list_sessions(self) -> list[Session]:
        """Practice sessions that hold attempts, newest first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT session_id, MIN(created_at), MAX(created_at), COUNT(*) FROM attempts"
                " WHERE session_id IS NOT NULL GROUP BY session_id ORDER BY session_id DESC"
            ).fetchall()
        return [Session(*row) for row in rows]

    def previous_attempt(self, question: str, before_id: int) -> Attempt | None:
        """The latest analysed attempt of the candidate's at the same question made before ``before_id``.

        The app's sample answers (``"sample": true`` in their analysis) are not the candidate's: a change
        measured against one would be no progress of theirs.
        """
        with self._connection() as connection:
            row = connection.execute(
                _SELECT + " WHERE attempts.question = ? AND attempts.id < ? AND attempts.status = 'analysed'"
                " AND json_extract(analyses.analysis_json, '$.sample') IS NOT 1"
                " ORDER BY attempts.id DESC LIMIT 1",
                (question.strip(), before_id),
            ).fetchone()
        return None if row is None else _attempt(row)

    def delete_attempt(self, attempt_id: int) -> None:
        """Remove an attempt, its analysis and its recording; a practice session left empty goes too."""
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT audio_file, session_id FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"There is no attempt number {attempt_id} to delete.")
            connection.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
            connection.execute(
                "DELETE FROM sessions WHERE id = ?"
                " AND NOT EXISTS (SELECT 1 FROM attempts WHERE session_id = ?)",
                (row[1], row[1]),
            )
            # Removed inside the transaction: if the file cannot go, the attempt stays listed.
            self._remove(self.audio_dir / row[0])

    def delete_all(self) -> int:
        """Remove every recording, the database and the saved settings; returns how many attempts there were.

        The data directory itself goes too unless it holds files rehearse did not write.
        """
        with self._transaction() as connection:
            # The write lock keeps other sessions from saving while the recordings go.
            count = connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            connection.execute("DELETE FROM attempts")
            connection.execute("DELETE FROM interviews")
            connection.execute("DELETE FROM rounds")
            for path in self.audio_dir.glob("*"):
                self._remove(path)
        for suffix in ("", *_DATABASE_SIDE_SUFFIXES):
            self._remove(self.database_path.with_name(DATABASE_NAME + suffix))
        self._remove(self.home / SETTINGS_NAME)
        for folder in (self.audio_dir, self.home):
            with suppress(OSError):  # a folder the user keeps other files in stays
                folder.rmdir()
        return int(count)

    def audio_path(self, attempt_id: int) -> Path:
        """Where the recording of an attempt lies; raises StoreError when the file has gone."""
        path = self.audio_dir / self.get_attempt(attempt_id).audio_file
        if not path.is_file():
            raise StoreError(f"The recording of attempt {attempt_id} is missing from {self.audio_dir}.")
        return path

    def _write_audio(self, audio_file: str, audio_bytes: bytes) -> None:
        target = self.audio_dir / audio_file
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        try:
            with os.fdopen(
                os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE), "wb"
            ) as file:
                file.write(audio_bytes)
            # A link, unlike a rename, fails when the name is taken: an existing recording is never replaced.
            os.link(partial, target)
        except FileExistsError as error:
            raise StoreError(
                f"The recording could not be saved: {target} already exists and rehearse never replaces a"
                " recording. Open rehearse again so it can list that recording in History, then save again."
            ) from error
        except OSError as error:
            raise StoreError(
                f"The recording could not be saved in {self.audio_dir}: {error.strerror}."
            ) from error
        finally:
            with suppress(OSError):  # the folder itself may be what failed
                partial.unlink(missing_ok=True)

    def _remove(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise StoreError(f"{path} could not be deleted: {error.strerror}.") from error

    @staticmethod
    def _require_interview(connection: sqlite3.Connection, interview_id: int) -> None:
        if connection.execute("SELECT 1 FROM interviews WHERE id = ?", (interview_id,)).fetchone() is None:
            raise StoreError(f"There is no interview number {interview_id}; it may have been deleted.")

    @staticmethod
    def _require(connection: sqlite3.Connection, attempt_id: int) -> None:
        if connection.execute("SELECT 1 FROM attempts WHERE id = ?", (attempt_id,)).fetchone() is None:
            raise StoreError(f"There is no attempt number {attempt_id} to update.")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: Streamlit runs each rerun on its own thread, and sqlite3
        # connections must not cross threads.
        try:
            with closing(_connect(self.database_path, read_only=self.read_only)) as connection:
                yield connection
        except sqlite3.Error as error:
            raise StoreError(
                f"The attempt history in {self.database_path} cannot be read: {error}."
            ) from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreError(
                f"Nothing can be saved or deleted: the data folder {self.home} is read-only. History,"
                " compare and export still work; make the folder writable to save new attempts."
            )
        with self._connection() as connection, connection:
            connection.execute("BEGIN IMMEDIATE")
            yield connection


_SELECT = (
    "SELECT attempts.id, attempts.question, attempts.created_at, attempts.audio_file, attempts.status,"
    " attempts.error, analyses.analysis_json, attempts.session_id, attempts.interview_id,"
    " attempts.round_id, attempts.round_position, attempts.follow_up"
    " FROM attempts LEFT JOIN analyses ON analyses.attempt_id = attempts.id"
)
_SELECT_INTERVIEW = "SELECT id, created_at, updated_at, interview_json FROM interviews"


def _interview_json(data: dict) -> str:
    try:
        return json.dumps(data, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise StoreError(f"The interview cannot be saved: {error}.") from error


def _interview(row: tuple) -> StoredInterview:
    interview_id, created_at, updated_at, interview_json = row
    return StoredInterview(interview_id, created_at, updated_at, json.loads(interview_json))


_SELECT_ROUND = (
    "SELECT id, stage, questions_json, follow_ups_json, started_at, finished_at, state FROM rounds"
)


def default_home() -> Path:
    """$REHEARSE_HOME when set, else the platform's per-user data directory."""
    return Path(os.environ.get(HOME_ENV) or platformdirs.user_data_dir("rehearse")).expanduser()


def open_store(home: str | Path | None = None) -> Store:
    """Open (creating or upgrading when needed) the store in ``home``, else :func:`default_home`.

    Recordings found without their history are listed again as attempts, and partial files left by
    an interrupted save are removed; a folder that cannot be written is opened read-only.
    """
    store = Store(home=Path(home).expanduser() if home is not None else default_home())
    try:
        _create_private(store)
    except OSError as error:
        if error.errno in _READ_ONLY_ERRORS and store.database_path.is_file():
            return _open_read_only(store)
        if error.errno in _READ_ONLY_ERRORS and store.home.is_dir():
            raise StoreError(_read_only_without_history(store)) from error
        raise StoreError(f"The data directory {store.home} cannot be created: {error.strerror}.") from error
    _refuse_other_files(store.database_path)
    with store._connection() as connection:
        _use_write_ahead_log(connection)
        _migrate(connection, store.database_path)
        recovered = _recover(connection, store.audio_dir)
    return replace(store, notice=_recovered_notice(store, recovered))


def _use_write_ahead_log(connection: sqlite3.Connection) -> None:
    """Write-ahead logging: the app and the command line can read while the other one saves.

    Two sessions switching a new database at once can get "database is locked" at once: SQLite
    refuses rather than waits there (either could be the one holding up the other), so this waits.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


def _open_read_only(store: Store) -> Store:
    _refuse_other_files(store.database_path)
    store = replace(store, read_only=True)
    with store._connection() as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"The attempt history {store.database_path} needs an upgrade (schema {version}), but its folder"
            " is read-only. Make the folder writable and open rehearse again."
        )
    return store


def _read_only_without_history(store: Store) -> str:
    recordings = sorted(store.audio_dir.glob("attempt-*")) if store.audio_dir.is_dir() else []
    if not recordings:
        return (
            f"The data folder {store.home} is read-only: make it writable so rehearse can keep your attempts."
        )
    return (
        f"Found {_recordings(len(recordings))} but no history in {store.home}, and the folder is read-only,"
        " so the history cannot be rebuilt. The recordings are untouched; make the folder writable and"
        " open rehearse again."
    )


def _recover(connection: sqlite3.Connection, audio_dir: Path) -> list[int]:
    """Remove partial files of interrupted saves and list recordings without an attempt as attempts.

    Runs under the write lock: no save is halfway through, so every ``.part`` file is left over
    from one that was killed, and every recording without a row lost its history. Returns the ids
    of the attempts listed again.
    """
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        for partial in audio_dir.glob(f"attempt-*{PARTIAL_SUFFIX}"):
            with suppress(OSError):  # one that cannot go is tried again at the next start
                partial.unlink()
        known_files = {row[0] for row in connection.execute("SELECT audio_file FROM attempts")}
        known_ids = {row[0] for row in connection.execute("SELECT id FROM attempts")}
        found = []
        for path in audio_dir.iterdir():
            match = _RECORDING_NAME.fullmatch(path.name)
            if match is None or match[2] not in AUDIO_SUFFIXES or path.name in known_files:
                continue
            if int(match[1]) not in known_ids and path.is_file():
                found.append((_modified_at(path), int(match[1]), path.name))
        for created_at, attempt_id, audio_file in sorted(found):
            connection.execute(
                "INSERT INTO attempts (id, question, created_at, audio_file, status, session_id)"
                " VALUES (?, ?, ?, ?, 'recorded', ?)",
                (
                    attempt_id,
                    RECOVERED_QUESTION,
                    created_at,
                    audio_file,
                    _session_for(connection, created_at),
                ),
            )
    return sorted(attempt_id for _, attempt_id, _ in found)


def _recovered_notice(store: Store, recovered: list[int]) -> str | None:
    if not recovered:
        return None
    numbers = ", ".join(f"#{attempt_id}" for attempt_id in recovered)
    return (
        f"Found {_recordings(len(recovered))} but no history for them in {store.home}: the history was rebuilt from them"
        f" as attempts {numbers}, and the recordings are untouched. Their questions and analyses were"
        " lost; analyse them again from the Rehearse page or History."
    )


def _recordings(count: int) -> str:
    return "1 recording" if count == 1 else f"{count} recordings"


def _modified_at(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def _refuse_other_files(database_path: Path) -> None:
    """A file that is not SQLite is left exactly as it is, never replaced by an empty history."""
    try:
        with database_path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"The attempt history {database_path} cannot be read: {error.strerror}.") from error
    if header and header != _SQLITE_HEADER:
        raise StoreError(
            f"The attempt history {database_path} cannot be read: it is not an SQLite database."
            " rehearse leaves it untouched; move it elsewhere to start a new history."
        )


def _create_private(store: Store) -> None:
    """Create the folders (0700) and the database file (0600), tightening ones an older version left open.

    Raises PermissionError for a folder that cannot be written, so that it is opened read-only.
    """
    for folder in (store.home, store.audio_dir):
        # access() also answers no on a read-only file system, even to root.
        if folder.is_dir() and not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, "read-only", str(folder))
    store.audio_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    for folder in (store.home, store.audio_dir):
        os.chmod(folder, PRIVATE_DIR_MODE)
    # SQLite gives its journal and WAL files the mode of the database file, so they are private too.
    os.close(os.open(store.database_path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    os.chmod(store.database_path, PRIVATE_FILE_MODE)


def _migrate(connection: sqlite3.Connection, database_path: Path) -> None:
    with connection:
        # The version is read inside the write lock: two sessions opening a new store at once
        # must not both create the tables.
        connection.execute("BEGIN IMMEDIATE")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{database_path} was written by a newer version of rehearse (schema {version});"
                " update rehearse to open it."
            )
        if version == 0 and connection.execute("SELECT 1 FROM sqlite_master").fetchone() is not None:
            raise StoreError(
                f"{database_path} is the database of another program, not a rehearse history;"
                " rehearse leaves it untouched. Move it elsewhere to start a new history."
            )
        for step in _MIGRATIONS[version:]:
            step(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create_v1(connection: sqlite3.Connection) -> None:
    _run_script(connection, _SCHEMA_V1)


def _add_sessions(connection: sqlite3.Connection) -> None:
    """Version 1 to 2: sort the attempts already saved into sessions by the gaps between them."""
    _run_script(connection, _SCHEMA_V2)
    attempts = connection.execute("SELECT id, created_at FROM attempts ORDER BY id").fetchall()
    for attempt_id, created_at in attempts:
        session_id = _session_for(connection, created_at)
        connection.execute("UPDATE attempts SET session_id = ? WHERE id = ?", (session_id, attempt_id))


def _add_interviews(connection: sqlite3.Connection) -> None:
    """Version 2 to 3: interviews to prepare for; the attempts already saved belong to none."""
    _run_script(connection, _SCHEMA_V3_INTERVIEWS)


def _add_rounds(connection: sqlite3.Connection) -> None:
    """Version 3 to 4: mock interview rounds; attempts made before them belong to none."""
    _run_script(connection, _SCHEMA_ROUNDS)


# _MIGRATIONS[n] upgrades a database of schema version n to version n + 1.
_MIGRATIONS = (_create_v1, _add_sessions, _add_interviews, _add_rounds)


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction halfway.
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _session_for(connection: sqlite3.Connection, created_at: str) -> int:
    """The session of an attempt saved at ``created_at``: the latest one, unless it has gone quiet."""
    latest = connection.execute("SELECT id, last_active_at FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
    if latest is not None:
        quiet_s = (datetime.fromisoformat(created_at) - datetime.fromisoformat(latest[1])).total_seconds()
        if quiet_s <= SESSION_GAP_S:
            connection.execute("UPDATE sessions SET last_active_at = ? WHERE id = ?", (created_at, latest[0]))
            return int(latest[0])
    return int(
        connection.execute(
            "INSERT INTO sessions (started_at, last_active_at) VALUES (?, ?)", (created_at, created_at)
        ).lastrowid
    )


def _connect(database_path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        # immutable: SQLite would otherwise need to create its shared-memory file beside the
        # database, which a read-only folder refuses; nobody can write there meanwhile.
        return sqlite3.connect(f"{database_path.as_uri()}?immutable=1", uri=True, isolation_level=None)
    # isolation_level=None: transactions are opened explicitly with BEGIN IMMEDIATE, so a writer
    # takes the lock up front instead of failing halfway when another session writes.
    connection = sqlite3.connect(database_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    # A deleted attempt's text is overwritten in the file, not left in free pages.
    connection.execute("PRAGMA secure_delete = ON")
    return connection


def _attempt(row: tuple) -> Attempt:
    (
        attempt_id,
        question,
        created_at,
        audio_file,
        status,
        error,
        analysis_json,
        session_id,
        interview_id,
        *in_round,
    ) = row
    return Attempt(
        id=attempt_id,
        question=question,
        created_at=created_at,
        audio_file=audio_file,
        status=status,
        error=error,
        analysis=None if analysis_json is None else json.loads(analysis_json),
        session_id=session_id,
        interview_id=interview_id,
        round_id=in_round[0],
        round_position=in_round[1],
        follow_up=in_round[2],
    )


def _round(row: tuple, attempts: tuple[Attempt, ...]) -> MockRound:
    round_id, stage, questions_json, follow_ups_json, started_at, finished_at, state = row
    return MockRound(
        id=round_id,
        stage=stage,
        questions=tuple(json.loads(questions_json)),
        follow_ups=tuple(json.loads(follow_ups_json)),
        started_at=started_at,
        finished_at=finished_at,
        state=state,
        attempts=attempts,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
