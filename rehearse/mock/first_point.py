"""Time to first point: seconds from the start of an answer to its first words that answer the question.

Candidates often buy time before answering ("That's a good question, so, um, let me think"). The
guide asks for composed, concise answers; an interviewer notices how long the answer takes to
start. Preambles are stock phrases, so they are recognised by a list: everything before the first
word that no preamble phrase covers is preamble.
"""

from __future__ import annotations

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.text import normalize
from rehearse.speech.transcript import Transcript, Word

# Longest first, so "that's a good question" is taken whole before "so" or "good" could be.
PREAMBLE_PHRASES = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "that's a good question", "that's a great question", "that's an interesting question",
                "that is a good question", "that is a great question", "that is an interesting question",
                "it's a good question", "it's a great question", "what a good question", "what a great question",
                "that's a tough one", "that's a hard one", "that's a tricky one", "that's a big question",
                "that's a tough question", "that's a difficult question", "that's a hard question",
                "good question", "great question", "interesting question", "tough question",
                "thank you for the question", "thank you for asking", "thanks for asking", "thanks for the question",
                "let me think about that", "let me think about it", "let me think", "let me just think",
                "let me see", "let's see", "give me a second", "give me a moment",
                "one moment", "one second", "how do i put this", "how can i put this", "where do i start",
                "where to begin", "where do i begin", "i need to think", "i have to think", "hmm", "so", "well",
                "okay", "ok", "right", "alright", "all right", "yeah", "yes", "sure", "oh", "of course",
                "absolutely", "i mean", "you know", "and", "like", "now", "mm",
            )
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip


def time_to_first_point(transcript: Transcript) -> float | None:
    """Seconds from the start of the recording to the first word after the preamble; None without one."""
    words = [word for word in transcript.words if normalize(word.text)]
    index = first_point_index(words)
    return None if index is None else round(words[index].start, 2)


def first_point_index(words: list[Word]) -> int | None:
    """Index of the first word not covered by a preamble phrase or a hesitation."""
    tokens = [normalize(word.text) for word in words]
    index = 0
    while index < len(tokens):
        if is_vocal_filler(tokens[index]):
            index += 1
            continue
        phrase = next((p for p in PREAMBLE_PHRASES if tuple(tokens[index : index + len(p)]) == p), None)
        if phrase is None:
            return index
        index += len(phrase)
    return None


def transcript_of(analysis: dict) -> Transcript:
    """The transcript kept in an analysis (``Analysis.to_dict()``)."""
    words = tuple(Word(**word) for word in analysis["transcript"]["words"])
    return Transcript(words=words, duration_s=float(analysis["duration_s"]))
