"""Decode any recording a candidate may have into 16 kHz mono float32 samples."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from rehearse.errors import AudioError, ParameterError

SAMPLE_RATE = 16_000
DEFAULT_MIN_SECONDS = 1.0
DEFAULT_MAX_SECONDS = 15 * 60.0

# A file whose header promises noticeably more audio than it holds was cut off while copying or
# uploading; analysing the part that is left would silently judge half an answer.
_TRUNCATION_TOLERANCE = 0.9


@dataclass(frozen=True)
class Audio:
    """Mono samples in [-1, 1] at ``sample_rate`` Hz."""

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def dithered(audio: Audio, *, seed: int, level_dbfs: float = -90.0) -> Audio:
    """``audio`` with Gaussian noise ``level_dbfs`` (dB below full scale, RMS) added from ``seed``.

    Far below hearing, it moves every number computed from the samples by a rounding's worth, as
    another processor's arithmetic would: a decision that flips under it was sitting on a threshold.
    """
    if level_dbfs >= 0:
        raise ParameterError(f"The dither level must be below full scale (got {level_dbfs} dBFS).")
    noise = np.random.default_rng(seed).normal(0.0, 10 ** (level_dbfs / 20), len(audio.samples))
    # Clipped like any recording: a full-scale sample plus noise would leave the [-1, 1] range.
    samples = np.clip(audio.samples + noise, -1.0, 1.0).astype(np.float32)
    return Audio(samples=samples, sample_rate=audio.sample_rate)


def load_audio(
    path: str | Path,
    *,
    min_seconds: float = DEFAULT_MIN_SECONDS,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> Audio:
    """Decode ``path`` (WAV, FLAC, OGG, MP3, M4A/AAC, WebM/Opus, ...) to 16 kHz mono.

    ``min_seconds`` and ``max_seconds`` bound the accepted duration, in seconds.
    Raises :class:`AudioError` with a message the candidate can act on.
    """
    if min_seconds < 0 or max_seconds <= min_seconds:
        raise ParameterError(
            f"The duration limits must satisfy 0 <= minimum < maximum (got {min_seconds} and {max_seconds} s)."
        )
    path = Path(path)
    if not path.exists():
        raise AudioError(f"No file at {path}.")
    if not path.is_file():
        raise AudioError(f"{path} is a folder, not an audio file.")
    if path.stat().st_size == 0:
        raise AudioError(f"{path.name} is empty (0 bytes); record the answer again.")

    if _wav_is_cut_off(path):
        raise AudioError(f"{path.name} is cut off: the file ends before the audio its header announces.")
    samples, declared_s = _decode(path, max_seconds=max_seconds)
    duration_s = len(samples) / SAMPLE_RATE
    if duration_s > max_seconds:
        raise AudioError(
            f"{path.name} is longer than the {_minutes(max_seconds)} limit; trim it or raise the limit."
        )
    if declared_s and duration_s < declared_s * _TRUNCATION_TOLERANCE:
        raise AudioError(
            f"{path.name} is cut off: it should last {declared_s:.1f} s but only {duration_s:.1f} s could be read."
        )
    if duration_s < min_seconds:
        raise AudioError(
            f"{path.name} lasts {duration_s:.1f} s; an answer needs at least {min_seconds:g} s of audio."
        )
    return Audio(samples=samples)


def _decode(path: Path, *, max_seconds: float) -> tuple[np.ndarray, float | None]:
    """Return the samples and the duration the container declares (None when it declares none)."""
    # Decoding stops a little past the limit so an hour-long file is refused without decoding it all.
    max_samples = int((max_seconds + 1.0) * SAMPLE_RATE)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    decoded = 0
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path.name} has no audio track.")
            stream = container.streams.audio[0]
            declared_s = _declared_seconds(container, stream)
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler follow the samples, not possibly broken timestamps
                for resampled in resampler.resample(frame):
                    chunk = resampled.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    decoded += len(chunk)
                if decoded > max_samples:
                    break
            else:
                for resampled in resampler.resample(None):
                    chunks.append(resampled.to_ndarray().reshape(-1))
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, UnicodeDecodeError, IndexError) as error:
        raise AudioError(f"{path.name} is not an audio file this tool can read, or it is damaged.") from error
    if not chunks:
        raise AudioError(f"{path.name} contains no audio samples.")
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    if not np.all(np.isfinite(samples)):
        raise AudioError(f"{path.name} is damaged: it contains invalid samples.")
    return np.clip(samples, -1.0, 1.0), declared_s


def _wav_is_cut_off(path: Path) -> bool:
    """FFmpeg sizes a WAV by the file, not its header, so a cut-off WAV is found by reading the header."""
    with path.open("rb") as file:
        head = file.read(4096)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    offset = 12
    while offset + 8 <= len(head):
        chunk_id, size = head[offset : offset + 4], int.from_bytes(head[offset + 4 : offset + 8], "little")
        if chunk_id == b"data":
            # Streaming writers leave the size at 0 or 0xFFFFFFFF when they cannot seek back to fill it in.
            available = path.stat().st_size - (offset + 8)
            return 0 < size < 0xFFFFFFFF and available < size * _TRUNCATION_TOLERANCE
        offset += 8 + size + (size & 1)
    return False


def _declared_seconds(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def find_silences(audio: Audio, *, min_silence_s: float = 0.2) -> tuple[tuple[float, float], ...]:
    """Silent stretches of at least ``min_silence_s`` seconds, as (start, end) in seconds.

    Silence is judged against the recording itself: 10 ms frames more than 30 dB under its loud
    speech, or within 8 dB of its noise floor, whichever is the louder bar, so a quiet room and a
    noisy one both work.
    """
    frame = SAMPLE_RATE // 100
    count = len(audio.samples) // frame
    if count == 0:
        return ()
    energy = np.mean(
        np.square(audio.samples[: count * frame].reshape(count, frame), dtype=np.float64), axis=1
    )
    level_db = 10 * np.log10(energy + 1e-12)
    speech_db = float(np.percentile(level_db, 90))
    floor_db = float(np.percentile(level_db, 5))
    quiet = level_db < min(speech_db - 15, max(speech_db - 30, floor_db + 8))
    edges = np.diff(np.r_[0, quiet.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    min_frames = round(min_silence_s * 100)
    return tuple(
        # Plain floats: numpy's would make every pause's fields numpy types that JSON cannot write.
        (round(int(start) / 100, 2), round(int(end) / 100, 2))
        for start, end in zip(starts, ends, strict=True)
        if end - start >= min_frames
    )
