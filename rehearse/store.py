"""The local attempt history: one SQLite database and one audio folder under the data directory.

This is the only module that touches SQLite. Every write runs in a transaction, so a crash leaves
either a whole attempt or none. Audio files are named by the store after the attempt id, never after
anything the user supplied.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from rehearse.errors import StoreError

HOME_ENV = "REHEARSE_HOME"
DATABASE_NAME = "rehearse.sqlite3"
AUDIO_DIR_NAME = "audio"
# Bump together with a migration step in _migrate when the schema changes.
SCHEMA_VERSION = 1
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".webm", ".opus")

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


@dataclass(frozen=True)
class Attempt:
    """One recorded answer; ``analysis`` is the engine's ``Analysis.to_dict()`` once it has run.

    ``created_at`` is an ISO 8601 UTC timestamp; ``error`` is the message of the last failed analysis.
    """

    id: int
    question: str
    created_at: str
    audio_file: str
    status: str
    error: str | None
    analysis: dict | None


@dataclass(frozen=True)
class Store:
    """Paths of one data directory; open it with :func:`open_store`."""

    home: Path

    @property
    def database_path(self) -> Path:
        return self.home / DATABASE_NAME

    @property
    def audio_dir(self) -> Path:
        return self.home / AUDIO_DIR_NAME

    def save_recording(self, question: str, audio_bytes: bytes, suffix: str) -> int:
        """Keep a recording before it is analysed, so a failed analysis never loses it; returns the attempt id."""
        suffix = suffix.lower()
        if suffix not in AUDIO_SUFFIXES:
            raise StoreError(
                f"Recordings of type '{suffix}' cannot be saved; use one of {', '.join(AUDIO_SUFFIXES)}."
            )
        if not audio_bytes:
            raise StoreError("The recording is empty (0 bytes); record the answer again.")
        question = question.strip()
        if not question:
            raise StoreError("Choose or type a question before saving an answer.")
        with self._transaction() as connection:
            attempt_id = connection.execute(
                "INSERT INTO attempts (question, created_at, audio_file, status) VALUES (?, ?, '', 'recorded')",
                (question, _now()),
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

    def get_attempt(self, attempt_id: int) -> Attempt:
        with self._connection() as connection:
            row = connection.execute(_SELECT + " WHERE attempts.id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no attempt number {attempt_id} in {self.home}.")
        return _attempt(row)

    def list_attempts(self, question: str | None = None) -> list[Attempt]:
        """Attempts, newest first; only those at ``question`` when it is given."""
        with self._connection() as connection:
            if question is None:
                rows = connection.execute(_SELECT + " ORDER BY attempts.id DESC").fetchall()
            else:
                rows = connection.execute(
                    _SELECT + " WHERE attempts.question = ? ORDER BY attempts.id DESC", (question.strip(),)
                ).fetchall()
        return [_attempt(row) for row in rows]

    def previous_attempt(self, question: str, before_id: int) -> Attempt | None:
        """The latest analysed attempt at the same question made before ``before_id``, if any."""
        with self._connection() as connection:
            row = connection.execute(
                _SELECT + " WHERE attempts.question = ? AND attempts.id < ? AND attempts.status = 'analysed'"
                " ORDER BY attempts.id DESC LIMIT 1",
                (question.strip(), before_id),
            ).fetchone()
        return None if row is None else _attempt(row)

    def audio_path(self, attempt_id: int) -> Path:
        """Where the recording of an attempt lies; raises StoreError when the file has gone."""
        path = self.audio_dir / self.get_attempt(attempt_id).audio_file
        if not path.is_file():
            raise StoreError(f"The recording of attempt {attempt_id} is missing from {self.audio_dir}.")
        return path

    def _write_audio(self, audio_file: str, audio_bytes: bytes) -> None:
        target = self.audio_dir / audio_file
        partial = target.with_name(target.name + ".part")
        try:
            partial.write_bytes(audio_bytes)
            partial.replace(target)
        except OSError as error:
            with suppress(OSError):  # the folder itself may be what failed
                partial.unlink(missing_ok=True)
            raise StoreError(
                f"The recording could not be saved in {self.audio_dir}: {error.strerror}."
            ) from error

    @staticmethod
    def _require(connection: sqlite3.Connection, attempt_id: int) -> None:
        if connection.execute("SELECT 1 FROM attempts WHERE id = ?", (attempt_id,)).fetchone() is None:
            raise StoreError(f"There is no attempt number {attempt_id} to update.")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: Streamlit runs each rerun on its own thread, and sqlite3
        # connections must not cross threads.
        try:
            with closing(_connect(self.database_path)) as connection:
                yield connection
        except sqlite3.Error as error:
            raise StoreError(
                f"The attempt history in {self.database_path} cannot be read: {error}."
            ) from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as connection, connection:
            connection.execute("BEGIN IMMEDIATE")
            yield connection


_SELECT = (
    "SELECT attempts.id, attempts.question, attempts.created_at, attempts.audio_file, attempts.status,"
    " attempts.error, analyses.analysis_json FROM attempts LEFT JOIN analyses ON analyses.attempt_id = attempts.id"
)


def default_home() -> Path:
    """$REHEARSE_HOME when set, else the platform's per-user data directory."""
    return Path(os.environ.get(HOME_ENV) or platformdirs.user_data_dir("rehearse")).expanduser()


def open_store(home: str | Path | None = None) -> Store:
    """Open (creating or upgrading when needed) the store in ``home``, else :func:`default_home`."""
    store = Store(home=Path(home).expanduser() if home is not None else default_home())
    try:
        store.audio_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"The data directory {store.home} cannot be created: {error.strerror}.") from error
    with store._connection() as connection:
        _migrate(connection, store.database_path)
    return store


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
        if version == 0:
            for statement in _SCHEMA_V1.split(";"):
                if statement.strip():
                    connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _connect(database_path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are opened explicitly with BEGIN IMMEDIATE, so a writer
    # takes the lock up front instead of failing halfway when another session writes.
    connection = sqlite3.connect(database_path, timeout=10.0, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _attempt(row: tuple) -> Attempt:
    attempt_id, question, created_at, audio_file, status, error, analysis_json = row
    return Attempt(
        id=attempt_id,
        question=question,
        created_at=created_at,
        audio_file=audio_file,
        status=status,
        error=error,
        analysis=None if analysis_json is None else json.loads(analysis_json),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
