"""Real test audio made on the fly with espeak-ng and ffmpeg (system packages that .ci/run installs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from rehearse.speech.record import write_wav

ANSWER = (
    "In my last job, our release process took two full days. "
    "My task was to make it faster. "
    "I automated the test runs and I wrote a checklist for the team. "
    "As a result, releases now take three hours."
)


def speak(path: Path, text: str = ANSWER, *, voice: str = "en-us", words_per_minute: int = 160) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(path), text], check=True)
    return path


def convert(source: Path, target: Path, *extra: str) -> Path:
    """Re-encode ``source`` with ffmpeg; the codec follows ``target``'s extension unless ``extra`` says."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *extra, str(target)], check=True)
    return target


def write_samples(path: Path, samples: np.ndarray) -> Path:
    write_wav(path, samples.astype(np.float32))
    return path


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * 16_000), dtype=np.float32)


def noise(seconds: float, *, level: float = 0.3, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(seconds * 16_000)) * level).clip(-1, 1)
