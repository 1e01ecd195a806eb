"""Story reuse: the same story told for two questions of one round.

An interviewer who hears the same project twice learns nothing new the second time; the guide asks
for specific examples that show different strengths. Two answers tell the same story when they
share many of their content words (names, numbers, the things that happened), beyond what any two
answers from the same working life share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from spacy.lang.en.stop_words import STOP_WORDS

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.text import normalize
from rehearse.errors import ParameterError

# Words every work story uses; sharing them says nothing about telling the same story.
_WORK_WORDS = frozenset(
    [
        "team",
        "work",
        "worked",
        "working",
        "project",
        "projects",
        "time",
        "manager",
        "company",
        "role",
        "job",
        "colleague",
        "colleagues",
        "people",
        "thing",
        "things",
        "way",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "day",
        "days",
        "really",
        "lot",
        "good",
        "great",
        "think",
        "know",
        "want",
        "wanted",
        "need",
        "needed",
        "make",
        "made",
        "get",
        "got",
        "go",
        "went",
        "come",
        "came",
        "say",
        "said",
        "tell",
        "told",
        "ask",
        "asked",
        "like",
        "just",
        "also",
        "actually",
        "able",
        "help",
        "helped",
        "start",
        "started",
        "end",
        "ended",
        "result",
        "results",
    ]
)
_SUFFIXES = ("ingly", "ing", "edly", "ed", "ies", "es", "s", "ly")
_NUMBER = re.compile(r"^\d+([.,]\d+)?%?$")


@dataclass(frozen=True)
class ReuseOptions:
    """``min_overlap``: the share of the shorter answer's content words the other must also hold
    for the two to tell the same story (0-1); ``min_shared`` is the fewest shared content words.

    On the dev rounds of ``eval/mock/reuse.yaml`` retold stories share 0.54-0.8 of their content
    words and different stories of one working life at most 0.3: 0.4 lies between.
    """

    min_overlap: float = 0.4
    min_shared: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.min_overlap <= 1:
            raise ParameterError("The story-reuse overlap must be between 0 and 1.")


@dataclass(frozen=True)
class ReusedStory:
    """Answers ``first`` and ``second`` (indexes in the round) tell the same story; ``shared`` are
    the content words they have in common, the evidence shown to the candidate."""

    first: int
    second: int
    overlap: float
    shared: tuple[str, ...]


def reused_stories(texts: Sequence[str], *, options: ReuseOptions | None = None) -> tuple[ReusedStory, ...]:
    """Every pair of answers that tells the same story, in index order."""
    options = options or ReuseOptions()
    contents = [content_words(text) for text in texts]
    found = []
    for first, second in combinations(range(len(texts)), 2):
        score, shared = story_overlap(contents[first], contents[second])
        if score >= options.min_overlap and len(shared) >= options.min_shared:
            found.append(ReusedStory(first, second, round(score, 3), shared))
    return tuple(found)


def story_overlap(first: dict[str, str], second: dict[str, str]) -> tuple[float, tuple[str, ...]]:
    """Share of the shorter answer's content words found in the other, and those words (as spoken)."""
    if not first or not second:
        return 0.0, ()
    common = sorted(first.keys() & second.keys())
    return len(common) / min(len(first), len(second)), tuple(first[stem] for stem in common)


def content_words(text: str) -> dict[str, str]:
    """The content words of an answer, by stem, each with the first form it was said in."""
    found: dict[str, str] = {}
    for raw in text.split():
        # Contractions ("it's", "that's") are function words; a possessive counts as its noun.
        word = normalize(raw).removesuffix("'s")
        if not word or "'" in word or word in STOP_WORDS or word in _WORK_WORDS or is_vocal_filler(word):
            continue
        if len(word) < 3 and not _NUMBER.match(word):
            continue
        stem = _stem(word)
        if stem not in _WORK_WORDS:
            found.setdefault(stem, word)
    return found


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word
