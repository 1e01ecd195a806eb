"""Find the "um"s and "uh"s that Whisper left out, from the sound itself.

Whisper is trained on cleaned-up transcripts and drops most hesitations, even when prompted to keep
them. A filled pause has an acoustic signature that words lack (Goto, Itou and Hayamizu, "A
real-time filled pause detection system for spontaneous speech recognition", Eurospeech 1999): a
voiced sound held for a fifth of a second or more with almost no change in pitch or in the spectral
envelope, whereas in words the articulators move all the time. We find such stretches, then keep
those that no recognised word explains: ones that fall between words, or inside a word stretched
far beyond its spoken length (Whisper's timestamps often swallow the hesitation next to a word).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.fft import dct
from scipy.ndimage import median_filter

from rehearse.audio import SAMPLE_RATE, Audio
from rehearse.fillers import is_vocal_filler
from rehearse.transcript import Transcript, Word

_HOP = 160  # 10 ms frames at 16 kHz
_WINDOW = 640  # 40 ms: two periods of a low (50 Hz) voice
_FFT = 1024
_CHUNK_FRAMES = 3000  # 30 s of frames
HESITATION_TEXT = "uh"


@dataclass(frozen=True)
class HesitationOptions:
    """Settings of the acoustic filled-pause detector.

    ``min_duration_s`` (seconds): shortest steady voiced stretch taken as a hesitation.
    ``level_below_peak_db`` (dB): how far under the answer's loud level (90th percentile) it may be.
    ``min_periodicity`` (0-1): normalised autocorrelation a voiced frame needs.
    ``max_spectral_change``: largest mean frame-to-frame change of the cepstrum (MFCC 1-12, dB).
    ``max_pitch_change_semitones`` (semitones per 10 ms): largest smoothed pitch movement.
    ``max_word_overlap``: share of the stretch that recognised words may cover.
    ``stretched_word_s_per_letter`` (seconds): a word at least this long per letter (and 0.4 s
    long) is taken to hide a hesitation.
    ``same_filler_within_s`` (seconds): a transcribed "um" this close to a stretch is that stretch.
    ``misheard_below_probability``: a short word the recogniser was less sure of than this, lying over
    a stretch, is taken to be the hesitation misheard.
    """

    enabled: bool = True
    min_duration_s: float = 0.15
    level_below_peak_db: float = 12.0
    min_periodicity: float = 0.45
    max_spectral_change: float = 9.0
    max_pitch_change_semitones: float = 0.15
    max_word_overlap: float = 0.5
    stretched_word_s_per_letter: float = 0.2
    same_filler_within_s: float = 0.5
    misheard_below_probability: float = 0.5

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _steady_frames(audio: Audio, options: HesitationOptions) -> np.ndarray:
    """Per 10 ms frame: whether it is loud, voiced, and steady in pitch and spectrum."""
    samples = audio.samples
    if len(samples) < _WINDOW:
        return np.zeros(0, dtype=bool)
    frames = sliding_window_view(np.pad(samples, (_WINDOW // 2, _WINDOW // 2)), _WINDOW)[::_HOP]
    count = len(frames)
    level_db = np.empty(count, dtype=np.float32)
    periodicity = np.empty(count, dtype=np.float32)
    lags = np.empty(count, dtype=np.float32)
    cepstrum = np.empty((count, 12), dtype=np.float32)
    shortest, longest = audio.sample_rate // 400, audio.sample_rate // 60  # 60-400 Hz voices
    mel_filters = _mel_filters(audio.sample_rate)
    # Spectra are computed a chunk at a time so memory stays flat however long the answer is.
    for first in range(0, count, _CHUNK_FRAMES):
        chunk = slice(first, first + _CHUNK_FRAMES)
        block = frames[chunk]
        power = np.abs(np.fft.rfft(block * np.hanning(_WINDOW), n=_FFT)) ** 2
        level_db[chunk] = 10 * np.log10(np.mean(block**2, axis=1) + 1e-12)
        autocorrelation = np.fft.irfft(power, n=_FFT)[:, :_WINDOW]
        autocorrelation /= autocorrelation[:, :1] + 1e-12
        best = shortest + np.argmax(autocorrelation[:, shortest:longest], axis=1)
        rows = np.arange(len(best))
        before, peak, after = (autocorrelation[rows, best + shift] for shift in (-1, 0, 1))
        # A parabola through the peak and its neighbours finds the period between samples: whole-sample
        # lags alone make a steady low voice (a 180-sample period) jitter by 0.1 semitone a frame.
        curvature = before - 2 * peak + after
        offset = np.where(curvature < 0, 0.5 * (before - after) / np.where(curvature < 0, curvature, -1), 0.0)
        lags[chunk] = best + np.clip(offset, -0.5, 0.5)
        periodicity[chunk] = peak
        mel_db = 10 * np.log10(power @ mel_filters.T + 1e-10)
        cepstrum[chunk] = dct(mel_db, type=2, norm="ortho", axis=1)[:, 1:13]

    loud = level_db[level_db > -60]
    if loud.size == 0:
        return np.zeros(count, dtype=bool)
    peak_db = float(np.percentile(loud, 90))
    # A simple pitch tracker jumps between octaves; a jump of a whole octave is not real movement, so
    # the change is measured modulo 12 semitones, after a median has removed slips of a few frames.
    semitones = median_filter(12 * np.log2(audio.sample_rate / lags / 100.0), size=9)
    step = np.diff(semitones, prepend=semitones[0])
    pitch_change = _smooth(np.abs((step + 6) % 12 - 6), 5)
    spectral_change = _smooth(np.r_[0.0, np.linalg.norm(np.diff(cepstrum, axis=0), axis=1)], 5)
    return (
        (level_db > peak_db - options.level_below_peak_db)
        & (periodicity > options.min_periodicity)
        & (spectral_change < options.max_spectral_change)
        & (pitch_change < options.max_pitch_change_semitones)
    )


def steady_voiced_stretches(audio: Audio, *, options: HesitationOptions) -> list[tuple[float, float]]:
    """Stretches (start, end in seconds) of loud, voiced sound with steady pitch and spectrum."""
    return _long_runs(_steady_frames(audio, options), options.min_duration_s)


def add_hesitations(
    audio: Audio, transcript: Transcript, *, options: HesitationOptions | None = None
) -> Transcript:
    """Return ``transcript`` with a vocal filler word for every hesitation the recogniser missed.

    A hesitation the recogniser did write down keeps its word but takes the acoustic span: Whisper
    tends to stamp a filler a few tenths of a second after it was said.
    """
    options = options or HesitationOptions()
    if not options.enabled or not transcript.words:
        return transcript
    words = list(transcript.words)
    claimed: set[int] = set()
    # An answer may open with "um" well before its first word, but nothing after its last word counts.
    last_word_end = words[-1].end
    for start, end in steady_voiced_stretches(audio, options=options):
        if start > last_word_end + 0.5:
            continue
        span = {"start": round(float(start), 3), "end": round(float(end), 3)}
        written = _written_filler(start, end, words, options.same_filler_within_s, claimed)
        if written is not None:
            words[written] = replace(words[written], **span)
            claimed.add(written)
        elif _unexplained(start, end, words, options):
            claimed.add(len(words))
            words.append(Word(text=HESITATION_TEXT, probability=0.0, **span))
        elif (misheard := _misheard_word(start, end, words, options.misheard_below_probability)) is not None:
            words[misheard] = Word(text=HESITATION_TEXT, probability=0.0, **span)
            claimed.add(misheard)
    if not claimed:
        return transcript
    return replace(transcript, words=tuple(sorted(words, key=lambda word: (word.start, word.end))))


def _written_filler(
    start: float, end: float, words: list[Word], within_s: float, claimed: set[int]
) -> int | None:
    """Index of a transcribed vocal filler stamped near the stretch and not yet matched to another one."""
    for index, word in enumerate(words):
        near = start - within_s < word.end and word.start < end + within_s
        if near and index not in claimed and is_vocal_filler(word.text):
            return index
    return None


def _misheard_word(start: float, end: float, words: list[Word], below_probability: float) -> int | None:
    """Index of an unsure, short word that covers most of the stretch: a hesitation heard as a word.

    Whisper turns an "uh" it will not write into the nearest short word ("Now", "Oh", "I"), with
    low confidence; a held, steady sound under such a word is the hesitation, not the word.
    """
    for index, word in enumerate(words):
        overlap = min(end, word.end) - max(start, word.start)
        short = len(re.sub(r"[^a-z]", "", word.text.lower())) <= 3
        if short and word.probability < below_probability and overlap >= 0.5 * (end - start):
            return index
    return None


def _unexplained(start: float, end: float, words: list[Word], options: HesitationOptions) -> bool:
    overlapping = [word for word in words if word.start < end and word.end > start]
    covered = sum(min(end, word.end) - max(start, word.start) for word in overlapping)
    if covered < options.max_word_overlap * (end - start):
        return True
    return any(_is_stretched(word, options.stretched_word_s_per_letter) for word in overlapping)


def _is_stretched(word: Word, seconds_per_letter: float) -> bool:
    letters = max(1, len(re.sub(r"[^a-z]", "", word.text.lower())))
    duration = word.end - word.start
    return duration >= 0.4 and duration / letters >= seconds_per_letter


@lru_cache(maxsize=2)
def _mel_filters(sample_rate: int, bands: int = 40) -> np.ndarray:
    """Triangular filters evenly spaced on the (HTK) mel scale, one row per band."""
    top_mel = 2595 * np.log10(1 + sample_rate / 2 / 700)
    edges_hz = 700 * (10 ** (np.linspace(0, top_mel, bands + 2) / 2595) - 1)
    bins_hz = np.fft.rfftfreq(_FFT, 1 / sample_rate)
    lower, centre, upper = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bins_hz - lower) / (centre - lower)
    falling = (upper - bins_hz) / (upper - centre)
    return np.maximum(0, np.minimum(rising, falling))


def _smooth(values: np.ndarray, width: int) -> np.ndarray:
    return np.convolve(values, np.ones(width) / width, mode="same")


def _long_runs(mask: np.ndarray, min_seconds: float) -> list[tuple[float, float]]:
    """(start, end) in seconds of each run of True frames lasting at least ``min_seconds``."""
    frame_s = _HOP / SAMPLE_RATE
    min_frames = round(min_seconds / frame_s)
    return [(float(a * frame_s), float(b * frame_s)) for a, b in _runs(mask) if b - a >= min_frames]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame indices of each run of True values."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))
