"""Find the "um"s and "uh"s that Whisper left out, from the sound itself.

Whisper is trained on cleaned-up transcripts and drops most hesitations, even when prompted to keep
them. A filled pause has an acoustic signature that words lack (Goto, Itou and Hayamizu, "A
real-time filled pause detection system for spontaneous speech recognition", Eurospeech 1999): a
voiced sound held for a fifth of a second or more with almost no change in pitch or in the spectral
envelope, whereas in words the articulators move all the time. We find such stretches (judged over a
0.3 s window, so that a frame or two of jitter does not split one), then keep those that no
recognised word explains: ones that fall between words, or inside a word that lasts far longer than
this speaker needs for a word of its length, or under a word the recogniser itself doubted
(Whisper's timestamps often swallow the hesitation next to a word).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.fft import dct
from scipy.ndimage import median_filter, uniform_filter1d

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.speech.audio import SAMPLE_RATE, Audio
from rehearse.speech.transcript import Transcript, Word

_HOP = 160  # 10 ms frames at 16 kHz
_WINDOW = 640  # 40 ms: two periods of a low (50 Hz) voice
_FFT = 1024
_CHUNK_FRAMES = 3000  # 30 s of frames
HESITATION_TEXT = "uh"


@dataclass(frozen=True)
class HesitationOptions:
    """Settings of the acoustic filled-pause detector.

    ``min_duration_s`` (seconds): shortest steady voiced stretch taken as a hesitation, and the
    least of it that must lie outside recognised words.
    ``window_s`` (seconds) and ``min_steady_share`` (0-1): a stretch is where at least this share
    of the frames within a window of this length around each frame is steady.
    ``level_below_peak_db`` (dB): how far under the answer's loud level (90th percentile) it may be.
    ``min_periodicity`` (0-1): normalised autocorrelation a voiced frame needs.
    ``max_spectral_change``: largest mean frame-to-frame change of the cepstrum (MFCC 1-12, dB).
    ``max_pitch_change_semitones`` (semitones per 10 ms): largest smoothed pitch movement. A looser
    0.2 found more gliding "er"s and "ah"s in new voices but also a hesitation in real filler-free
    speech, and cost precision on the unseen set (eval/README.md, "Measured and dropped").
    ``max_word_overlap``: share of the stretch that recognised words may cover.
    ``stretched_word_factor``: a word this many times longer than the speaker's usual time for its
    letters (and at least 0.4 s long) is taken to hide a hesitation.
    ``same_filler_within_s`` (seconds): a transcribed "um" this close to a stretch, or next to it
    with no other word between, is that stretch.
    ``misheard_below_probability``: a short word the recogniser was less sure of than this, lying over
    a stretch, is taken to be the hesitation misheard.
    ``unsure_below_probability``: a word of any length this unsure, lying over a stretch, does not
    explain it: the hesitation is added next to it.
    """

    enabled: bool = True
    min_duration_s: float = 0.1
    window_s: float = 0.3
    min_steady_share: float = 0.5
    level_below_peak_db: float = 12.0
    min_periodicity: float = 0.45
    max_spectral_change: float = 9.0
    max_pitch_change_semitones: float = 0.15
    max_word_overlap: float = 0.5
    stretched_word_factor: float = 2.5
    same_filler_within_s: float = 0.5
    misheard_below_probability: float = 0.5
    unsure_below_probability: float = 0.2

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class FrameMeasures:
    """Per 10 ms frame of a recording: level (dB), periodicity (0-1), smoothed pitch movement
    (semitones per frame), smoothed spectral change (cepstral distance), the cepstrum (MFCC 1-12) and
    the answer's loud level (dB, 90th percentile of the frames above -60 dB; None when all is quiet)."""

    level_db: np.ndarray
    periodicity: np.ndarray
    pitch_change: np.ndarray
    spectral_change: np.ndarray
    cepstrum: np.ndarray
    peak_db: float | None


def frame_measures(audio: Audio) -> FrameMeasures:
    """Measure every 10 ms frame of ``audio`` (see :class:`FrameMeasures`)."""
    samples = audio.samples
    if len(samples) < _WINDOW:
        empty = np.zeros(0, dtype=np.float32)
        return FrameMeasures(empty, empty, empty, empty, np.zeros((0, 12), dtype=np.float32), None)
    frames = sliding_window_view(np.pad(samples, (_WINDOW // 2, _WINDOW // 2)), _WINDOW)[::_HOP]
    count = len(frames)
    level_db = np.empty(count, dtype=np.float32)
    periodicity = np.empty(count, dtype=np.float32)
    lags = np.empty(count, dtype=np.float32)
    cepstrum = np.empty((count, 12), dtype=np.float32)
    shortest, longest = audio.sample_rate // 400, audio.sample_rate // 60  # 60-400 Hz voices
    mel_filters = _mel_filters(audio.sample_rate)
    window_autocorrelation = _window_autocorrelation()
    # Spectra are computed a chunk at a time so memory stays flat however long the answer is.
    for first in range(0, count, _CHUNK_FRAMES):
        chunk = slice(first, first + _CHUNK_FRAMES)
        block = frames[chunk]
        power = np.abs(np.fft.rfft(block * _hann(), n=_FFT)) ** 2
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
        # Dividing by the window's own autocorrelation undoes its taper (Boersma 1993), which would
        # otherwise make a low voice, whose period is a large share of the window, look less periodic.
        periodicity[chunk] = peak / window_autocorrelation[best]
        mel_db = 10 * np.log10(power @ mel_filters.T + 1e-10)
        cepstrum[chunk] = dct(mel_db, type=2, norm="ortho", axis=1)[:, 1:13]

    loud = level_db[level_db > -60]
    peak_db = float(np.percentile(loud, 90)) if loud.size else None
    # A simple pitch tracker jumps between octaves; a jump of a whole octave is not real movement, so
    # the change is measured modulo 12 semitones, after a median has removed slips of a few frames.
    semitones = median_filter(12 * np.log2(audio.sample_rate / lags / 100.0), size=9)
    step = np.diff(semitones, prepend=semitones[0])
    pitch_change = _smooth(np.abs((step + 6) % 12 - 6), 5)
    spectral_change = _smooth(np.r_[0.0, np.linalg.norm(np.diff(cepstrum, axis=0), axis=1)], 5)
    return FrameMeasures(level_db, periodicity, pitch_change, spectral_change, cepstrum, peak_db)


def steady_frames(measures: FrameMeasures, options: HesitationOptions) -> np.ndarray:
    """Per 10 ms frame: whether it is loud, voiced, and steady in pitch and spectrum."""
    if measures.peak_db is None:
        return np.zeros(len(measures.level_db), dtype=bool)
    return (
        (measures.level_db > measures.peak_db - options.level_below_peak_db)
        & (measures.periodicity > options.min_periodicity)
        & (measures.spectral_change < options.max_spectral_change)
        & (measures.pitch_change < options.max_pitch_change_semitones)
    )


def steady_voiced_stretches(
    audio: Audio, *, options: HesitationOptions, measures: FrameMeasures | None = None
) -> list[tuple[float, float]]:
    """Stretches (start, end in seconds) of loud, voiced sound with steady pitch and spectrum.

    Each stretch runs from its first steady frame to its last, so unsteady onsets are left out.
    ``measures`` are the recording's frame measures, when the caller already has them.
    """
    steady = steady_frames(measures or frame_measures(audio), options)
    window = max(1, round(options.window_s * SAMPLE_RATE / _HOP))
    mostly_steady = (
        uniform_filter1d(steady.astype(np.float32), window, mode="constant") >= options.min_steady_share
    )
    stretches = []
    for first, last in _runs(mostly_steady):
        inside = np.flatnonzero(steady[first:last])
        if inside.size:
            stretches.append((first + int(inside[0]), first + int(inside[-1]) + 1))
    frame_s = _HOP / SAMPLE_RATE
    min_frames = round(options.min_duration_s / frame_s)
    return [(a * frame_s, b * frame_s) for a, b in stretches if b - a >= min_frames]


def add_hesitations(
    audio: Audio, transcript: Transcript, *, options: HesitationOptions | None = None
) -> Transcript:
    """Return ``transcript`` with a vocal filler word for every hesitation the recogniser missed.

    A hesitation the recogniser did write down keeps its word but takes the acoustic span: Whisper
    tends to stamp a filler some way after it was said, often past the word it hid in.
    """
    options = options or HesitationOptions()
    if not options.enabled or not transcript.words:
        return transcript
    words = list(transcript.words)
    # An answer may open with "um" well before its first word, but nothing after its last word counts.
    stretches = [
        (start, end)
        for start, end in steady_voiced_stretches(audio, options=options)
        if start <= words[-1].end + 0.5
    ]
    written = _pair_written_fillers(stretches, words, options.same_filler_within_s)
    seconds_per_letter = _typical_seconds_per_letter(words)
    changed = False
    for index, (start, end) in enumerate(stretches):
        span = {"start": round(float(start), 3), "end": round(float(end), 3)}
        if index in written:
            hesitation = written[index]
            words[hesitation] = replace(words[hesitation], **span)
        elif _unexplained(start, end, words, seconds_per_letter, options):
            hesitation = len(words)
            words.append(Word(text=HESITATION_TEXT, probability=0.0, **span))
        elif (misheard := _misheard_word(start, end, words, options.misheard_below_probability)) is not None:
            hesitation = misheard
            words[misheard] = Word(text=HESITATION_TEXT, probability=0.0, **span)
        else:
            continue
        words = [
            word if i == hesitation else _clear_of(word, start, end, transcript.silences)
            for i, word in enumerate(words)
        ]
        changed = True
    if not changed:
        return transcript
    return replace(transcript, words=tuple(sorted(words, key=lambda word: (word.start, word.end))))


def _pair_written_fillers(
    stretches: list[tuple[float, float]], words: list[Word], within_s: float
) -> dict[int, int]:
    """Stretch index -> index of the transcribed vocal filler that stands for it, closest pairs first.

    A filler belongs to a stretch it lies within ``within_s`` of, or one it is next to in the word
    sequence (no other word starts between them), however far Whisper moved it.
    """
    candidates = []
    for stretch_index, (start, end) in enumerate(stretches):
        for word_index, word in enumerate(words):
            if not is_vocal_filler(word.text):
                continue
            distance = max(0.0, word.start - end, start - word.end)
            between = (min(end, word.start), max(start, word.end))
            adjacent = not any(between[0] < other.start < between[1] for other in words if other is not word)
            if distance < within_s or adjacent:
                candidates.append((distance, stretch_index, word_index))
    paired: dict[int, int] = {}
    for _, stretch_index, word_index in sorted(candidates):
        if stretch_index not in paired and word_index not in paired.values():
            paired[stretch_index] = word_index
    return paired


def _misheard_word(start: float, end: float, words: list[Word], below_probability: float) -> int | None:
    """Index of an unsure, short word that covers most of the stretch: a hesitation heard as a word.

    Whisper turns an "uh" it will not write into the nearest short word ("Now", "Oh", "I"), with
    low confidence; a held, steady sound under such a word is the hesitation, not the word.
    """
    for index, word in enumerate(words):
        overlap = min(end, word.end) - max(start, word.start)
        letters = _letters(word.text)
        short = 0 < letters <= 3 and word.text.strip(" ,.!?;:'\"-").isalpha()
        if short and word.probability < below_probability and overlap >= 0.5 * (end - start):
            return index
    return None


def _unexplained(
    start: float, end: float, words: list[Word], seconds_per_letter: float, options: HesitationOptions
) -> bool:
    overlapping = [word for word in words if word.start < end and word.end > start]
    covered = sum(min(end, word.end) - max(start, word.start) for word in overlapping)
    # The part outside the words must itself be long enough to be a hesitation: a word's held last
    # sound often runs a little past the end Whisper stamped on it.
    uncovered = end - start - covered
    if covered < options.max_word_overlap * (end - start) and uncovered >= options.min_duration_s:
        return True
    return any(
        _is_stretched(word, seconds_per_letter, options)
        or word.probability < options.unsure_below_probability
        for word in overlapping
    )


def _clear_of(word: Word, start: float, end: float, silences: tuple[tuple[float, float], ...]) -> Word:
    """The word moved off a hesitation it overlaps, to the side of it where the word's sound is.

    Whisper stretches a word's span over a hesitation and the silence next to it, before or after
    the word; left there, "person. uh I mean" would read "I uh mean". The side with more sound
    (less silence) holds the word; a tie goes after the hesitation.
    """
    if word.end <= start or word.start >= end:
        return word
    before = _sounding(word.start, start, silences)
    after = _sounding(end, word.end, silences)
    if max(before, after) <= 0:
        return word
    if after >= before:
        return replace(word, start=round(float(end), 3))
    return replace(word, end=round(float(start), 3))


def _sounding(start: float, end: float, silences: tuple[tuple[float, float], ...]) -> float:
    """Seconds between ``start`` and ``end`` that are not silence."""
    silent = sum(
        max(0.0, min(end, quiet_end) - max(start, quiet_start)) for quiet_start, quiet_end in silences
    )
    return max(0.0, end - start) - silent


def _is_stretched(word: Word, seconds_per_letter: float, options: HesitationOptions) -> bool:
    """Whether the word lasts far longer than this speaker takes for a word of its length."""
    duration = word.end - word.start
    letters = _letters(word.text)
    # A number written in digits ("10") has no letters to measure its spoken length by.
    return (
        letters > 0
        and duration >= 0.4
        and duration >= options.stretched_word_factor * letters * seconds_per_letter
    )


def _typical_seconds_per_letter(words: list[Word]) -> float:
    """The speaker's median time per written letter: a rough, rate-independent word-length unit."""
    rates = [(word.end - word.start) / _letters(word.text) for word in words if _letters(word.text) >= 2]
    return float(np.median(rates)) if rates else 0.08


def _letters(text: str) -> int:
    return len(re.sub(r"[^a-z]", "", text.lower()))


@lru_cache(maxsize=1)
def _hann() -> np.ndarray:
    return np.hanning(_WINDOW)


@lru_cache(maxsize=1)
def _window_autocorrelation() -> np.ndarray:
    autocorrelation = np.fft.irfft(np.abs(np.fft.rfft(_hann(), n=_FFT)) ** 2, n=_FFT)[:_WINDOW]
    return autocorrelation / autocorrelation[0]


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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame indices of each run of True values."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))
