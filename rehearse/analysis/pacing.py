"""Speaking pace: words per minute, articulation rate, pauses and pace over time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.errors import ParameterError
from rehearse.speech.transcript import Transcript


@dataclass(frozen=True)
class PacingOptions:
    """Settings of the pacing analyzer.

    ``slow_below_wpm`` / ``fast_above_wpm`` (words/min) bound a comfortable interview pace;
    ``pause_min_s`` (seconds) is the shortest silence between words counted as a pause and
    ``long_pause_s`` (seconds) the shortest one called long; ``window_s`` (seconds) is the width of
    the pace-over-time windows.
    """

    slow_below_wpm: float = 110.0
    fast_above_wpm: float = 170.0
    pause_min_s: float = 0.25
    long_pause_s: float = 1.0
    window_s: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.slow_below_wpm < self.fast_above_wpm:
            raise ParameterError("The slow pace threshold must be positive and below the fast one.")
        if not 0 < self.pause_min_s <= self.long_pause_s:
            raise ParameterError("The pause length must be positive and at most the long-pause length.")
        if self.window_s <= 0:
            raise ParameterError("The pace window must be longer than 0 seconds.")


@dataclass(frozen=True)
class Pause:
    start: float
    end: float
    duration_s: float
    long: bool


@dataclass(frozen=True)
class PaceWindow:
    start: float
    end: float
    words_per_minute: float


@dataclass(frozen=True)
class PacingResult:
    words_per_minute: float
    articulation_rate: float
    speaking_time_s: float
    pauses: tuple[Pause, ...]
    long_pause_count: int
    windows: tuple[PaceWindow, ...]
    pace_variation: float
    verdict: str  # "slow", "ok" or "fast"
    options: PacingOptions

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def analyze_pacing(transcript: Transcript, *, options: PacingOptions | None = None) -> PacingResult:
    """Measure pace from the word timings.

    ``words_per_minute`` runs from the first to the last spoken word; ``articulation_rate``
    (words/min) leaves out the pauses, so it tells fast talking apart from few pauses.
    Vocal fillers ("um") are not counted as words.
    """
    options = options or PacingOptions()
    words = transcript.words
    counted = [word for word in words if not is_vocal_filler(word.text)]
    if not words or not counted:
        return PacingResult(0.0, 0.0, 0.0, (), 0, (), 0.0, "slow", options)
    span_s = max(transcript.speech_span_s, 1e-6)
    pauses = tuple(
        Pause(
            start=round(start, 3),
            end=round(end, 3),
            duration_s=round(end - start, 3),
            long=end - start >= options.long_pause_s,
        )
        for start, end in _silences_between_words(transcript)
        if end - start >= options.pause_min_s
    )
    paused_s = sum(pause.duration_s for pause in pauses)
    words_per_minute = 60 * len(counted) / span_s
    articulation_rate = 60 * len(counted) / max(span_s - paused_s, 1e-6)
    windows = _windows(transcript, words[0].start, words[-1].end, options.window_s)
    rates = [window.words_per_minute for window in windows]
    mean_rate = sum(rates) / len(rates) if rates else 0.0
    variation = (sum((rate - mean_rate) ** 2 for rate in rates) / len(rates)) ** 0.5 if rates else 0.0
    if words_per_minute < options.slow_below_wpm:
        verdict = "slow"
    elif words_per_minute > options.fast_above_wpm:
        verdict = "fast"
    else:
        verdict = "ok"
    return PacingResult(
        words_per_minute=round(words_per_minute, 1),
        articulation_rate=round(articulation_rate, 1),
        speaking_time_s=round(span_s - paused_s, 2),
        pauses=pauses,
        long_pause_count=sum(1 for pause in pauses if pause.long),
        windows=windows,
        pace_variation=round(variation, 1),
        verdict=verdict,
        options=options,
    )


def _silences_between_words(transcript: Transcript) -> list[tuple[float, float]]:
    """Silences inside the answer: measured on the audio when known, else the gaps between words."""
    words = transcript.words
    if not transcript.silences:
        return [(before.end, after.start) for before, after in pairwise(words)]
    first, last = words[0].start, words[-1].end
    return [
        (max(start, first), min(end, last))
        for start, end in transcript.silences
        if start < last and end > first
    ]


def _windows(transcript: Transcript, first: float, last: float, window_s: float) -> tuple[PaceWindow, ...]:
    """Words per minute in consecutive windows; a short final window is merged into the one before."""
    edges = [first]
    while last - edges[-1] > 1.5 * window_s:
        edges.append(edges[-1] + window_s)
    edges.append(last)
    windows = []
    for start, end in pairwise(edges):
        count = sum(
            1
            for word in transcript.words
            if start <= (word.start + word.end) / 2 < end and not is_vocal_filler(word.text)
        )
        windows.append(
            PaceWindow(round(start, 2), round(end, 2), round(60 * count / max(end - start, 1e-6), 1))
        )
    return tuple(windows)
