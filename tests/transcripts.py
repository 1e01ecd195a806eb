"""Hand-built transcripts for analyzer tests: no audio, no model."""

from __future__ import annotations

from rehearse.speech.transcript import Transcript, Word


def transcript_from_text(
    text: str, *, words_per_minute: float = 150.0, pauses: dict[int, float] | None = None, start: float = 0.5
) -> Transcript:
    """Space the words of ``text`` evenly at ``words_per_minute``; ``pauses`` maps a word index to the
    silence (seconds) inserted before that word."""
    pauses = pauses or {}
    step = 60.0 / words_per_minute
    words = []
    clock = start
    for index, token in enumerate(text.split()):
        clock += pauses.get(index, 0.0)
        words.append(
            Word(text=token, start=round(clock, 3), end=round(clock + step * 0.8, 3), probability=0.9)
        )
        clock += step
    return Transcript(words=tuple(words), duration_s=round(clock + 0.5, 3))
