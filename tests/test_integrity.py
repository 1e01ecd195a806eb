"""Store integrity: a process killed with SIGKILL in the middle of its work leaves the history and the
recordings consistent, and an attempt cut off mid-analysis can be retried from the app."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from processes import PrintedLines
from streamlit.testing.v1 import AppTest

from rehearse.history.store import HOME_ENV, open_store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SAMPLE = ROOT / "sample_audio" / "strong_star.ogg"
SAMPLE_QUESTION = "Tell me about a time you improved a process."
START_S = 180  # the child imports Streamlit and loads the speech model on a shared machine
ANALYSIS_TIMEOUT_S = 300

# The app's own "Try a sample answer" path, in a child process that says when transcription starts.
ANALYSE_IN_APP = """
import sys
from streamlit.testing.v1 import AppTest
import rehearse.analysis.analysis

transcribe = rehearse.analysis.analysis.transcribe

def announce_then_transcribe(*args, **kwargs):
    print("transcribing", flush=True)
    return transcribe(*args, **kwargs)

rehearse.analysis.analysis.transcribe = announce_then_transcribe
app = AppTest.from_file(sys.argv[1], default_timeout=600)
app.run()
[button] = [button for button in app.button if button.label == "Try a sample answer"]
button.click().run()
print("finished", flush=True)
"""

# A save that dies right after the recording reached its final name, before the database commits.
DIE_WHILE_SAVING = """
import os, signal
from rehearse.history.store import open_store

link = os.link

def link_then_die(source, target):
    link(source, target)
    os.kill(os.getpid(), signal.SIGKILL)

os.link = link_then_die
open_store().save_recording("Why us?", b"the recording that was being saved", ".wav")
"""


def _child(script: str, home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, HOME_ENV: str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _integrity(home: Path) -> str:
    with sqlite3.connect(home / "rehearse.sqlite3") as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_analysis_killed_mid_transcription_leaves_a_retryable_attempt(rehearse_home: Path):
    child = _child(ANALYSE_IN_APP, rehearse_home, str(APP))
    PrintedLines(child).wait_for(r"^transcribing$", timeout_s=START_S)
    time.sleep(1.0)  # well inside Whisper's decoding, which takes several seconds here
    child.kill()
    assert child.wait(timeout=30) == -9

    store = open_store(rehearse_home)
    assert _integrity(rehearse_home) == "ok"
    [attempt] = store.list_attempts()
    assert (attempt.question, attempt.status, attempt.analysis) == (SAMPLE_QUESTION, "recorded", None)
    assert store.audio_path(attempt.id).read_bytes() == SAMPLE.read_bytes()
    assert [path.name for path in store.audio_dir.iterdir()] == [attempt.audio_file]

    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["attempt_id"] = attempt.id
    app.run()
    assert "not been analysed yet" in app.warning[0].value
    [retry] = [button for button in app.button if button.label == "Try the analysis again"]
    retry.click().run(timeout=ANALYSIS_TIMEOUT_S)
    assert not app.exception and not app.error
    assert len(app.metric) == 4

    [retried] = open_store(rehearse_home).list_attempts()
    assert (retried.id, retried.status) == (attempt.id, "analysed")
    assert "checklist" in retried.analysis["transcript"]["text"].lower()


def test_save_killed_before_its_commit_keeps_the_recording_and_no_partial_file(rehearse_home: Path):
    open_store(rehearse_home)
    child = _child(DIE_WHILE_SAVING, rehearse_home)
    assert child.wait(timeout=START_S) == -9
    assert sorted(path.name for path in (rehearse_home / "audio").iterdir()) == [
        "attempt-000001.wav",
        "attempt-000001.wav.part",
    ]

    store = open_store(rehearse_home)
    assert _integrity(rehearse_home) == "ok"
    # The database never heard of the recording; it is listed again instead of being overwritten.
    [recovered] = store.list_attempts()
    assert (recovered.id, recovered.status) == (1, "recorded")
    assert store.audio_path(1).read_bytes() == b"the recording that was being saved"
    attempt_id = store.save_recording("Why us?", b"the next recording", ".wav")
    assert attempt_id == 2 and store.audio_path(2).read_bytes() == b"the next recording"
    assert sorted(path.name for path in store.audio_dir.iterdir()) == [
        "attempt-000001.wav",
        "attempt-000002.wav",
    ]
