"""Time to first point: seconds from the start of an answer to its first words that answer the question.

Candidates often buy time before answering ("That's a good question, so, um, let me think"). The
guide asks for composed, concise answers; an interviewer notices how long the answer takes to
start. Preambles are stock phrases, so they are recognised by a pattern: everything before the
first word that no preamble phrase or hesitation covers is preamble.
"""

from __future__ import annotations

import re

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.text import normalize
from rehearse.speech.transcript import Transcript, Word

_ADJECTIVE = r"(?:really |very |such )?(?:good|great|interesting|tough|hard|tricky|big|difficult|fair|nice)"
# Stock openings, matched on the lower-cased words at the start of what is left of the answer.
_PREAMBLE = re.compile(
    r"(?:"
    rf"(?:that's|that is|it's|it is|what|oh|ooh) (?:a|an|such a) {_ADJECTIVE} (?:question|one)"
    rf"|(?:a )?{_ADJECTIVE} (?:question|one)"
    r"|(?:thank you|thanks) (?:for (?:asking|the question|that)|very much)?"
    r"|let me (?:just )?(?:think|see)(?: about (?:that|it|this))?(?: for a (?:second|moment|minute))?"
    r"|let's see|give me a (?:second|moment|minute)|one (?:second|moment)"
    r"|how (?:do|can|should) i put (?:this|it)|where (?:do i|to|should i) (?:start|begin)"
    r"|i (?:need|have) to think(?: about (?:that|it))?|i (?:hadn't|haven't|have not|had not) thought about (?:that|it)"
    r"|(?:i like|i love) this (?:one|question)|this one (?:sticks with me|comes to mind|is easy)"
    r"|to be (?:honest|fair)|honestly|i mean|you know|of course|all right|oh (?:gosh|wow|boy)"
    r"|so|well|okay|ok|right|alright|yeah|yes|sure|oh|wow|gosh|absolutely|and|like|now|mm|hmm"
    r")\b ?"
)


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
        match = _PREAMBLE.match(" ".join(tokens[index:]) + " ")
        if match is None or not match.group(0).strip():
            return index
        index += len(match.group(0).split())
    return None


def transcript_of(analysis: dict) -> Transcript:
    """The transcript kept in an analysis (``Analysis.to_dict()``)."""
    words = tuple(Word(**word) for word in analysis["transcript"]["words"])
    return Transcript(words=words, duration_s=float(analysis["duration_s"]))
