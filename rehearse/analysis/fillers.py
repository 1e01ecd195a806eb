"""Filler words: vocal hesitations (um, uh) and lexical fillers (like, you know) used as fillers only."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from rehearse.analysis.text import ends_clause, ends_sentence, normalize
from rehearse.speech.transcript import Transcript, Word

# Spelling varies with length ("ummm", "uhh"), so vocal fillers are matched by shape, not by a word list.
VOCAL_FILLER = re.compile(r"^(u+m+|u+h+m*|e+r+m+|e+r+|a+h+|h+m+|m{2,}|mhm)$")

SUBJECT_PRONOUNS = frozenset({"i", "you", "we", "they", "he", "she", "it", "people", "everyone", "nobody"})
# After these "like" is the verb ("I'd like to", "don't like") and "kind of" needs no hedge reading.
_VERB_LIKE_BEFORE = frozenset(
    {"would", "'d", "i'd", "you'd", "we'd", "they'd", "do", "does", "did", "don't", "didn't", "doesn't",
     "really", "also", "to", "always", "not", "never", "still", "may", "might", "will", "could", "should",
     "'ll", "i'll", "we'll"}
)  # fmt: skip
# "looks like", "something like", "feel like" compare things; the word carries meaning there.
_COMPARISON_BEFORE = frozenset(
    {"look", "looks", "looked", "looking", "feel", "feels", "felt", "seem", "seems", "seemed", "sound",
     "sounds", "sounded", "something", "anything", "nothing", "things", "more", "most", "exactly", "just"}
)  # fmt: skip
# Words after which a speaker starts a new stretch of speech, where a filler typically lands.
_CLAUSE_OPENERS = frozenset(
    {"and", "but", "so", "then", "because", "or", "was", "were", "is", "'s", "it's", "are", "'re", "am", "'m",
     "that's", "there's", "he's", "she's", "we're", "they're", "i'm", "um", "uh", "er", "ah"}
)  # fmt: skip
# "what kind of tool", "this sort of thing": a determiner before "kind of" makes it a noun phrase.
_DETERMINERS = frozenset(
    {"a", "an", "the", "what", "which", "this", "that", "these", "those", "any", "some", "every", "each", "one",
     "same", "different", "other", "another", "right", "wrong", "new", "best", "certain", "particular", "whole",
     "only", "main", "first", "my", "our", "your", "their", "his", "her", "its", "all"}
)  # fmt: skip
# "you know the answer", "if you know what I mean", "as you know": real uses of "know".
_KNOW_REAL_BEFORE = frozenset(
    {"do", "does", "did", "don't", "didn't", "if", "as", "let", "will", "would", "'ll", "when", "to", "might"}
)
_MEAN_REAL_BEFORE = frozenset({"what", "that", "which", "how", "if", "don't", "didn't", "do", "really"})
_PREPOSITIONS = frozenset(
    {"with", "for", "about", "at", "in", "on", "of", "from", "by", "into", "after", "before", "over", "under"}
)
NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "half", "dozen"}
)  # fmt: skip
# Common irregular past and present verb forms, which take an object without a preposition.
_COMMON_VERBS = frozenset(
    {"had", "has", "have", "got", "get", "made", "make", "took", "take", "did", "do", "saw", "see", "gave",
     "give", "found", "find", "spent", "spend", "built", "build", "wrote", "write", "sent", "send", "ran", "run"}
)  # fmt: skip
ALWAYS_FILLERS = frozenset({"basically", "actually", "literally"})
_HEDGE_ADVERBS = frozenset(
    {"also", "just", "really", "still", "even", "maybe", "probably", "pretty", "quite"}
)
# How Whisper writes a hedge said quickly ("it's kinda hard").
_CONTRACTED_HEDGES = frozenset({"kinda", "sorta"})


@dataclass(frozen=True)
class FillerOptions:
    """Settings of the filler analyzer.

    ``pause_break_s`` (seconds): a silence at least this long around a word counts as a break, like a
    comma, when deciding whether "like" or "you know" was used as a filler.
    """

    pause_break_s: float = 0.3
    count_lexical: bool = True


@dataclass(frozen=True)
class Filler:
    text: str
    kind: str  # "vocal" or "lexical"
    start: float
    end: float


@dataclass(frozen=True)
class FillerResult:
    count: int
    vocal_count: int
    lexical_count: int
    per_minute: float
    per_100_words: float
    items: tuple[Filler, ...]
    options: FillerOptions

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def is_vocal_filler(text: str) -> bool:
    return bool(VOCAL_FILLER.match(normalize(text)))


def analyze_fillers(transcript: Transcript, *, options: FillerOptions | None = None) -> FillerResult:
    """Find fillers in ``transcript``; "like", "you know", "I mean", "kind of" count only when used as fillers."""
    options = options or FillerOptions()
    items = [
        Filler(text=normalize(word.text), kind="vocal", start=word.start, end=word.end)
        for word in transcript.words
        if is_vocal_filler(word.text)
    ]
    # A hesitation is a pause, not a word: "person. uh I mean" opens with "I mean" as much as
    # "person. I mean" does, and in "I uh like it" the word before "like" is still "I".
    spoken = tuple(word for word in transcript.words if not is_vocal_filler(word.text))
    if options.count_lexical:
        items = sorted(items + _lexical_fillers(spoken, options.pause_break_s), key=lambda item: item.start)
    spoken_words = len(spoken)
    span_s = transcript.speech_span_s
    vocal_count = sum(1 for item in items if item.kind == "vocal")
    return FillerResult(
        count=len(items),
        vocal_count=vocal_count,
        lexical_count=len(items) - vocal_count,
        # Under a microsecond the timings are degenerate, not speech, and a rate over them overflows.
        per_minute=round(60 * len(items) / span_s, 2) if span_s > 1e-6 else 0.0,
        per_100_words=round(100 * len(items) / spoken_words, 2) if spoken_words else 0.0,
        items=tuple(items),
        options=options,
    )


def _lexical_fillers(words: tuple[Word, ...], pause_break_s: float) -> list[Filler]:
    items = []
    skip_until = -1
    for index in range(len(words)):
        if index <= skip_until:
            continue
        length = _lexical_filler_length(words, index, pause_break_s)
        if length:
            span = words[index : index + length]
            text = " ".join(normalize(part.text) for part in span)
            items.append(Filler(text=text, kind="lexical", start=span[0].start, end=span[-1].end))
            skip_until = index + length - 1
    return items


def _lexical_filler_length(words: tuple[Word, ...], index: int, pause_break_s: float) -> int:
    """How many words starting at ``index`` form a lexical filler (0 when they don't)."""
    current = normalize(words[index].text)
    following = normalize(words[index + 1].text) if index + 1 < len(words) else ""
    previous = normalize(words[index - 1].text) if index > 0 else ""
    if current in ALWAYS_FILLERS:
        return 1
    if current == "like":
        return 1 if _is_filler_like(words, index, previous, pause_break_s) else 0
    if current in ("kind", "sort") and following == "of" and not ends_clause(words[index]):
        return 2 if _is_hedge_kind_of(words, index, previous, after_of=index + 2) else 0
    if current in _CONTRACTED_HEDGES:
        return 1 if _is_hedge_kind_of(words, index, previous, after_of=index + 1) else 0
    if (
        current == "you"
        and following == "know"
        and (
            # "try to, you know, see": a written break cuts "to" off from the "know" it would govern.
            previous not in _KNOW_REAL_BEFORE or _written_break_before(words, index)
        )
    ):
        return 2 if _ends_open(words, index + 1, pause_break_s) else 0
    if current == "i" and following == "mean" and previous not in _MEAN_REAL_BEFORE:
        return 2 if _is_filler_i_mean(words, index, pause_break_s) else 0
    return 0


def _is_filler_like(words: tuple[Word, ...], index: int, previous: str, pause_break_s: float) -> bool:
    # "She, like, went through it": a written break cuts "like" off from the word it would follow.
    cut_off = _written_break_before(words, index)
    if not cut_off and (
        previous in SUBJECT_PRONOUNS or previous in _VERB_LIKE_BEFORE or previous in _COMPARISON_BEFORE
    ):
        return False
    following = normalize(words[index + 1].text) if index + 1 < len(words) else ""
    if not _break_after(words, index, pause_break_s):
        # "deadlines, like the attendance returns" gives an example and "a slip like that," compares;
        # a filler "like" there is written with a break after it ("and, like, the whole team").
        after_comma = cut_off and not ends_sentence(words[index - 1])
        if after_comma and following in ("the", "a", "an", "these", "those"):
            return False
        # ("That" alone may open a new clause instead: "wherever I work, like, that is my approach".)
        if following in ("that", "this") and _break_after(words, index + 1, pause_break_s):
            return False
    return (
        _starts_open(words, index, pause_break_s)
        or _break_after(words, index, pause_break_s)
        or previous in _CLAUSE_OPENERS
        # "for like two weeks", "with like the five items": a preposition is never followed by the verb.
        or (previous in _PREPOSITIONS and following != "to")
        # "like ten people": before a number "like" means "about", a spoken approximation.
        or _is_number(following)
        # "we had like a wave of reviews": a verb takes its object directly, so "like" is inserted.
        or (_is_verb_form(previous) and following in ("a", "an", "the"))
    )


def _is_verb_form(token: str) -> bool:
    return (len(token) > 4 and token.endswith("ed")) or token in _COMMON_VERBS


def _is_number(token: str) -> bool:
    return token.replace(",", "").replace(".", "").isdigit() or token in NUMBER_WORDS


def _is_hedge_kind_of(words: tuple[Word, ...], index: int, previous: str, *, after_of: int) -> bool:
    """Whether "kind of" at ``index`` hedges; ``after_of`` is the index of the word after it."""
    if previous in _DETERMINERS:
        return False
    following = normalize(words[after_of].text) if after_of < len(words) else ""
    return (
        # "sort of a checklist", "kind of a mess": the hedge blurs the noun phrase that follows.
        following in ("a", "an")
        or index == 0
        or _written_break_before(words, index)
        or previous in SUBJECT_PRONOUNS
        or previous in _CLAUSE_OPENERS
        # "have to sort of meet", "from kind of slowing down": a noun phrase "kind of X" would need a
        # determiner after the preposition or the "to".
        or previous in _PREPOSITIONS
        or previous == "to"
        # "I also kind of set it up": an adverb before it, with no determiner, makes it a hedge too.
        or previous in _HEDGE_ADVERBS
        # "the main thing, kind of.": an "of" with nothing after it in its sentence governs nothing.
        or after_of == len(words)
        or ends_sentence(words[after_of - 1])
    )


def _is_filler_i_mean(words: tuple[Word, ...], index: int, pause_break_s: float) -> bool:
    mean_index = index + 1
    after = normalize(words[mean_index + 1].text) if mean_index + 1 < len(words) else ""
    if after == "to":
        return False
    if _break_after(words, mean_index, pause_break_s):
        return True
    # "I mean it when I say" states intent; "I mean, it was late" rephrases (and is written with a break).
    if after in ("it", "that", "this", "what", "business", "well"):
        return False
    return _starts_open(words, index, pause_break_s)


def _ends_open(words: tuple[Word, ...], last: int, pause_break_s: float) -> bool:
    """A "you know" is a filler when nothing it could govern follows: a break, or a new clause."""
    if _break_after(words, last, pause_break_s):
        return True
    following = normalize(words[last + 1].text)
    return following in SUBJECT_PRONOUNS or following in _CLAUSE_OPENERS


def _starts_open(words: tuple[Word, ...], index: int, pause_break_s: float) -> bool:
    """True when the word opens a sentence or clause: start, written break or pause before it."""
    if index == 0:
        return True
    before = words[index - 1]
    return ends_clause(before) or words[index].start - before.end >= pause_break_s


def _written_break_before(words: tuple[Word, ...], index: int) -> bool:
    """True when the recogniser wrote a break (comma, dash, full stop) right before the word."""
    return index > 0 and ends_clause(words[index - 1])


def _break_after(words: tuple[Word, ...], index: int, pause_break_s: float) -> bool:
    if index + 1 >= len(words):
        return True
    return ends_clause(words[index]) or words[index + 1].start - words[index].end >= pause_break_s
