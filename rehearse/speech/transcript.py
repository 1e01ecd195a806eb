"""Our own transcript types, so nothing outside ``transcribe.py`` depends on faster-whisper."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One spoken word as it appears in the transcript.

    ``text`` keeps the recogniser's punctuation ("system.") but no surrounding spaces.
    ``start`` and ``end`` are in seconds from the start of the recording.
    """

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    """The words of one answer, in time order, and the length of the recording they came from.

    ``silences`` are the silent stretches (start, end in seconds) measured on the audio itself; they
    place pauses more exactly than the gaps between word timestamps, and are empty when only the
    words are known.
    """

    words: tuple[Word, ...]
    duration_s: float
    silences: tuple[tuple[float, float], ...] = ()

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def speech_span_s(self) -> float:
        """Seconds from the first word's start to the last word's end; 0 without words."""
        return self.words[-1].end - self.words[0].start if self.words else 0.0
