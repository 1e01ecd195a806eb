"""Conciseness: length against a target band, hedges, repeated phrases and sentence length."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.text import join, normalize, sentences
from rehearse.errors import ParameterError
from rehearse.speech.transcript import Transcript, Word

# Phrases that weaken a claim; an interviewer hears doubt about the candidate's own work.
HEDGES = (
    "i think",
    "i guess",
    "i suppose",
    "i believe",
    "i feel like",
    "maybe",
    "probably",
    "perhaps",
    "possibly",
    "sort of",
    "kind of",
    "i'm not sure",
    "not sure",
    "hopefully",
    "somewhat",
    "more or less",
    "i would say",
)
# "I think about the team" is thinking, not doubting: these words after a hedge make it no hedge.
_NOT_A_HEDGE_BEFORE = {"i think": ("about", "of", "back", "through"), "i believe": ("in",)}
# A repeated phrase made only of these words ("and then the") says nothing about the answer.
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "that", "this",
     "it", "is", "was", "were", "i", "we", "you", "my", "our", "then", "like", "um", "uh", "just", "be", "as"}
)  # fmt: skip
# An answer within this fraction of its question's target length (either way) is on target.
TARGET_TOLERANCE = 0.25


@dataclass(frozen=True)
class ConcisenessOptions:
    """Settings of the conciseness analyzer.

    ``target_s`` is the question's target length (seconds); when it is known, a well-sized answer lies
    within ``target_tolerance`` (a fraction) of it either way, so the verdict, the tip, the results page
    and History all judge against the one band. ``short_below_s`` and ``long_above_s`` bound a
    well-sized answer only when no target is known (an answer analysed without its question).
    ``repeat_min_words`` is the shortest phrase (in words) reported when it is said more than once.
    """

    short_below_s: float = 30.0
    long_above_s: float = 120.0
    repeat_min_words: int = 3
    target_s: float | None = None
    target_tolerance: float = TARGET_TOLERANCE

    def __post_init__(self) -> None:
        if not 0 <= self.short_below_s < self.long_above_s:
            raise ParameterError("The short-answer length must be below the long-answer length.")
        if self.repeat_min_words < 2:
            raise ParameterError("A repeated phrase needs at least 2 words.")
        if self.target_s is not None and self.target_s <= 0:
            raise ParameterError("The target length must be more than 0 seconds.")
        if not 0 < self.target_tolerance < 1:
            raise ParameterError("The margin around the target length must be between 0 % and 100 %.")

    @property
    def band_s(self) -> tuple[float, float]:
        """The shortest and longest well-sized answer, in seconds."""
        if self.target_s is None:
            return self.short_below_s, self.long_above_s
        return (
            round(self.target_s * (1 - self.target_tolerance), 2),
            round(self.target_s * (1 + self.target_tolerance), 2),
        )


@dataclass(frozen=True)
class Hedge:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class RepeatedPhrase:
    text: str
    count: int


@dataclass(frozen=True)
class ConcisenessResult:
    duration_s: float
    word_count: int
    verdict: str  # "short", "ok" or "long", against ``band_s``
    hedges: tuple[Hedge, ...]
    repeated_phrases: tuple[RepeatedPhrase, ...]
    sentence_count: int
    mean_sentence_words: float
    longest_sentence: str
    options: ConcisenessOptions
    # The question's target (None without one) and the band the verdict was judged against.
    target_s: float | None = None
    band_s: tuple[float, float] = (0.0, 0.0)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def analyze_conciseness(
    transcript: Transcript, *, options: ConcisenessOptions | None = None
) -> ConcisenessResult:
    """Judge the answer's length (first to last word, in seconds) and how directly it is worded."""
    options = options or ConcisenessOptions()
    words = [word for word in transcript.words if not is_vocal_filler(word.text)]
    duration_s = round(words[-1].end - words[0].start, 2) if words else 0.0
    low, high = options.band_s
    if duration_s < low:
        verdict = "short"
    elif duration_s > high:
        verdict = "long"
    else:
        verdict = "ok"
    split = sentences(words)
    lengths = [len(sentence) for sentence in split]
    # Quoted as said, fillers included, so the quote is a piece of the transcript the candidate can find.
    said = sentences(transcript.words)
    longest = (
        max(said, key=lambda sentence: sum(not is_vocal_filler(w.text) for w in sentence)) if said else []
    )
    return ConcisenessResult(
        duration_s=duration_s,
        word_count=len(words),
        verdict=verdict,
        hedges=_hedges(words),
        repeated_phrases=_repeated_phrases(words, options.repeat_min_words),
        sentence_count=len(split),
        mean_sentence_words=round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
        longest_sentence=join(longest),
        options=options,
        target_s=options.target_s,
        band_s=(low, high),
    )


def _hedges(words: list[Word]) -> tuple[Hedge, ...]:
    tokens = [normalize(word.text) for word in words]
    found: list[Hedge] = []
    index = 0
    while index < len(tokens):
        for hedge in HEDGES:
            parts = hedge.split()
            after = tokens[index + len(parts)] if index + len(parts) < len(tokens) else ""
            if tokens[index : index + len(parts)] == parts and after not in _NOT_A_HEDGE_BEFORE.get(
                hedge, ()
            ):
                found.append(Hedge(hedge, words[index].start, words[index + len(parts) - 1].end))
                index += len(parts)
                break
        else:
            index += 1
    return tuple(found)


def _repeated_phrases(words: list[Word], min_words: int) -> tuple[RepeatedPhrase, ...]:
    """Phrases of ``min_words`` to 6 words said more than once, longest first, without overlaps."""
    tokens = [normalize(word.text) for word in words]
    reported: list[RepeatedPhrase] = []
    for size in range(6, min_words - 1, -1):
        counts = Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
        for phrase, count in counts.items():
            text = " ".join(phrase)
            if count < 2 or all(token in _FUNCTION_WORDS for token in phrase):
                continue
            if any(text in longer.text for longer in reported):
                continue
            reported.append(RepeatedPhrase(text, count))
    return tuple(sorted(reported, key=lambda phrase: (-phrase.count, -len(phrase.text))))
