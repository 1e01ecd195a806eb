"""Small text helpers shared by the analyzers."""

from __future__ import annotations

import re

from rehearse.speech.transcript import Word

_EDGE_PUNCTUATION = re.compile(r"^[^\w']+|[^\w']+$")
_CLOSING = "\"')]”’"
_CLAUSE_BREAK = re.compile(rf"(?:[,;:—–-]+|\.{{2,}}|…)[{re.escape(_CLOSING)}]*$")


def normalize(text: str) -> str:
    """Lower-case a word and strip the punctuation around it ("Um," -> "um")."""
    return _EDGE_PUNCTUATION.sub("", text.lower().replace("’", "'"))


def ends_sentence(word: Word) -> bool:
    """True at ".", "!" or "?"; an ellipsis is only a break: Whisper writes one where the speaker
    trails into a hesitation mid-thought ("it... Umm... I")."""
    text = word.text.rstrip(_CLOSING)
    return text.endswith((".", "!", "?")) and not text.endswith("..")


def ends_clause(word: Word) -> bool:
    """True when the word is followed by a written break: a comma, dash, colon or sentence end."""
    return ends_sentence(word) or bool(_CLAUSE_BREAK.search(word.text))


def sentences(words: tuple[Word, ...] | list[Word]) -> list[list[Word]]:
    """Split words into sentences at the recogniser's sentence-ending punctuation."""
    result: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if ends_sentence(word):
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def join(words: list[Word] | tuple[Word, ...]) -> str:
    return " ".join(word.text for word in words)


def quote_ending_sentence(text: str) -> str:
    """Quoted words that end a sentence, with one full stop: “in six weeks.” not “in six weeks.”."""
    return f"“{text}”" if text.rstrip(_CLOSING).endswith((".", "!", "?")) else f"“{text}”."


def clock(seconds: float) -> str:
    """Format seconds as m:ss, the way a candidate finds a moment in a recording."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"
