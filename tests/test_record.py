import threading
from contextlib import contextmanager

import numpy as np
import pytest

from rehearse.errors import ParameterError, RecordingError
from rehearse.speech.audio import load_audio
from rehearse.speech.record import record


def fake_microphone(signal: np.ndarray, *, block: int = 1600):
    """A stand-in for sounddevice.InputStream that feeds ``signal`` to the callback from a thread, in real time."""

    @contextmanager
    def open_stream(*, samplerate, channels, dtype, callback):
        assert (samplerate, channels, dtype) == (16_000, 1, "float32")
        stopped = threading.Event()

        def feed():
            for start in range(0, len(signal), block):
                if stopped.wait(block / samplerate):
                    return
                chunk = signal[start : start + block].reshape(-1, 1).astype(np.float32)
                callback(chunk, len(chunk), None, None)

        thread = threading.Thread(target=feed)
        thread.start()
        try:
            yield
        finally:
            stopped.set()
            thread.join()

    return open_stream


def tone(seconds: float) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * 220 * np.arange(int(seconds * 16_000)) / 16_000)


def test_records_for_the_given_time_and_reports_levels(tmp_path):
    levels: list[tuple[float, float]] = []
    out = record(
        tmp_path / "answer.wav",
        seconds=1.0,
        on_level=lambda elapsed, level: levels.append((elapsed, level)),
        open_stream=fake_microphone(tone(3.0)),
    )
    audio = load_audio(out, min_seconds=0.5)
    assert audio.duration_s == pytest.approx(1.0, abs=0.15)
    assert np.abs(audio.samples).max() == pytest.approx(0.5, abs=0.02)
    assert levels and max(level for _, level in levels) == pytest.approx(-9.0, abs=1.0)


def test_stops_when_asked(tmp_path):
    stop = threading.Event()
    threading.Timer(0.6, stop.set).start()
    out = record(tmp_path / "answer.wav", stop=stop, open_stream=fake_microphone(tone(5.0)))
    assert 0.3 < load_audio(out, min_seconds=0.1).duration_s < 1.2


def test_silent_microphone_is_an_error(tmp_path):
    with pytest.raises(RecordingError, match="no sound"):
        record(tmp_path / "a.wav", seconds=0.2, open_stream=fake_microphone(np.zeros(0)))


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError):
        record(tmp_path / "a.wav", seconds=0)
    with pytest.raises(ParameterError):
        record(tmp_path / "a.wav")
    with pytest.raises(RecordingError, match="does not exist"):
        record(tmp_path / "missing" / "a.wav", seconds=1, open_stream=fake_microphone(tone(1)))


def test_no_microphone_is_a_one_line_cli_error(tmp_path, capsys):
    # This machine (like CI) has no input device: the real PortAudio path must say so clearly.
    from rehearse.cli import main

    assert main(["record", "--seconds", "1", "--out", str(tmp_path / "a.wav")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) <= 2 and err[-1].startswith("rehearse: ") and "microphone" in err[-1].lower()


def test_each_block_is_handed_on_as_it_arrives(tmp_path):
    blocks: list[np.ndarray] = []
    out = record(
        tmp_path / "answer.wav", seconds=1.0, open_stream=fake_microphone(tone(3.0)), on_samples=blocks.append
    )

    assert blocks and all(block.ndim == 1 for block in blocks)
    assert sum(len(block) for block in blocks) >= len(load_audio(out, min_seconds=0.5).samples)
