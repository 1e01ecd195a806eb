"""Record an answer from the default microphone into a 16 kHz mono WAV file."""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.errors import ParameterError, RecordingError
from rehearse.speech.audio import SAMPLE_RATE

Level = Callable[[float, float], None]
"""Called with the elapsed seconds and the latest input level in dBFS (-100 for silence)."""
StreamFactory = Callable[..., AbstractContextManager[Any]]


def open_microphone(**settings: Any) -> AbstractContextManager[Any]:
    """Open the default input device with sounddevice; missing PortAudio or microphone is a RecordingError."""
    try:
        import sounddevice
    except OSError as error:  # sounddevice raises OSError when the PortAudio library is missing
        raise RecordingError(
            "Recording needs the PortAudio library (on Debian/Ubuntu: sudo apt-get install libportaudio2)."
        ) from error
    try:
        sounddevice.query_devices(kind="input")
        return sounddevice.InputStream(**settings)
    except (sounddevice.PortAudioError, ValueError) as error:
        raise RecordingError("No microphone was found: connect one or record in the app instead.") from error


def record(
    out: str | Path,
    *,
    seconds: float | None = None,
    stop: threading.Event | None = None,
    on_level: Level | None = None,
    open_stream: StreamFactory = open_microphone,
    poll_s: float = 0.1,
    on_samples: Callable[[np.ndarray], None] | None = None,
) -> Path:
    """Record until ``stop`` is set or ``seconds`` (seconds) have passed, then write a WAV to ``out``.

    ``poll_s`` (seconds) is how often the elapsed time and level are reported. ``on_samples`` is
    given each block of samples as it arrives (to transcribe while the candidate speaks); it runs on
    the audio thread, so it must only hand the block on.
    """
    if seconds is not None and seconds <= 0:
        raise ParameterError("The recording length must be more than 0 seconds.")
    if seconds is None and stop is None:
        raise ParameterError("A recording needs a length in seconds or a way to stop it.")
    out = Path(out)
    if not out.parent.is_dir():
        raise RecordingError(f"Cannot save the recording: the folder {out.parent} does not exist.")
    stop = stop or threading.Event()
    chunks: list[np.ndarray] = []
    lock = threading.Lock()

    def collect(indata: np.ndarray, _frames: int, _time: object, _status: object) -> None:
        block = indata[:, 0].copy()
        with lock:
            chunks.append(block)
        if on_samples is not None:
            on_samples(block)

    started = time.monotonic()
    with open_stream(samplerate=SAMPLE_RATE, channels=1, dtype="float32", callback=collect):
        while not stop.is_set():
            elapsed = time.monotonic() - started
            if seconds is not None and elapsed >= seconds:
                break
            if on_level is not None:
                with lock:
                    latest = chunks[-1] if chunks else np.zeros(1, dtype=np.float32)
                on_level(elapsed, level_dbfs(latest))
            stop.wait(poll_s)
    if not chunks:
        raise RecordingError("The microphone delivered no sound: check that it is connected and not muted.")
    samples = np.concatenate(chunks)
    if seconds is not None:
        samples = samples[: int(seconds * SAMPLE_RATE)]
    write_wav(out, samples)
    return out


def level_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return max(-100.0, 20 * np.log10(rms)) if rms > 0 else -100.0


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(SAMPLE_RATE)
        file.writeframes(pcm.tobytes())
