"""Which requirements and values an answer speaks to, with the sentence that does, and the matrix of them.

An answer sentence (or two in a row) speaks to a requirement when it holds at least half of the
requirement's meaningful words (crude stems, so "managed the budget" meets "budget management") or
its head word, or a word the candidate would say for one (:data:`RELATED_WORDS`: "spreadsheet" for
Excel). Words several of the job's requirements share ("campaigns" in paid social, search and email
campaigns) do not tell them apart: at least one heard word must be the requirement's own.

Candidates paraphrase ("I kept the drugs book straight" for "controlled drug registers"), which no word
rule hears. So requirements are linked by meaning too (:mod:`link_model`: a model learned from labelled
answers over the similarities of the requirement, with its posting sentence, to the answer's sentences
and the whole answer). Values keep the word rule: no labelled answers measure meaning links to them.
The figures on eval/jobs/ are printed by ``python -m rehearse.evaluation.preparation_evaluation``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise

import numpy as np

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.preparation.interview import CompanyValue
from rehearse.preparation.link_model import linked_in_meaning, meaning_text
from rehearse.preparation.requirements import Requirement, content_stems, stem
from rehearse.preparation.sentence_meaning import embed_once

# Words a spoken answer uses for what a job description names otherwise; keys and values are stems.
RELATED_WORDS = {
    stem(key): frozenset(stem(word) for word in words)
    for key, words in {
        "budget": ("spend", "spending", "cost", "costs", "money"),
        "stakeholder": ("director", "directors", "client", "clients", "partners"),
        "complaint": ("complained", "unhappy", "angry"),
        "customer": ("customers", "client", "clients", "shopper", "shoppers"),
        "excel": ("spreadsheet", "spreadsheets"),
        "mentor": ("coached", "coaching", "trained", "training"),
        "coach": ("mentored", "mentoring", "trained", "training"),
        "escalate": ("raised", "alerted", "called"),
        "deteriorating": ("worsening", "deteriorated", "sicker"),
        "rota": ("rotas", "schedule", "shifts"),
        "deadline": ("deadlines", "on time", "time"),
        "safeguarding": ("welfare", "safety"),
    }.items()
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Link:
    """An answer speaks to ``target`` (a requirement's text or a value's name) in ``sentence``."""

    target: str
    kind: str  # "requirement" or "value"
    sentence: str

    def to_dict(self) -> dict:
        return asdict(self)


def answer_sentences(text: str) -> list[str]:
    """The sentences of a transcript, without the "um" and "uh" the recogniser wrote, to be quoted."""
    spoken = " ".join(word for word in text.split() if not is_vocal_filler(word))
    return [sentence.strip() for sentence in _SENTENCE.split(spoken) if sentence.strip()]


def speaks_to(sentence_stems: set[str], target: str, *, shared_stems: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence (as its stems) speaks to a requirement or value named ``target``.

    ``shared_stems`` are words several of the job's requirements hold ("campaigns" in paid social,
    search and email campaigns): hearing only those does not tell which requirement is meant.
    """
    ordered = content_stems(target)
    target_stems = set(ordered)
    if not target_stems:
        return False

    def heard(word: str) -> bool:
        return word in sentence_stems or bool(RELATED_WORDS.get(word, set()) & sentence_stems)

    heard_stems = {word for word in target_stems if heard(word)}
    if not target_stems - shared_stems:
        return heard_stems == target_stems  # every word is shared: only all of them tell it apart
    if not heard_stems - shared_stems:
        return False
    # The last word of a requirement is its head ("patient records"): saying it names the requirement.
    head = ordered[-1]
    return len(heard_stems) >= max(1, (len(target_stems) + 1) // 2) or (
        head in heard_stems and head not in shared_stems
    )


def link_answer(text: str, requirements: Sequence[Requirement], values: Sequence[CompanyValue]) -> list[Link]:
    """Every requirement and value the answer speaks to, by its words or its meaning, each with the
    first sentence that does (by words) or the closest one (by meaning)."""
    by_words = word_links(text, requirements, values)
    heard = {link.target for link in by_words if link.kind == "requirement"}
    by_meaning = meaning_links(answer_sentences(text), requirements)
    links = by_words + [
        Link(target=target, kind="requirement", sentence=sentence)
        for target, sentence in by_meaning.items()
        if target not in heard
    ]
    order = {("requirement", requirement.text): place for place, requirement in enumerate(requirements)}
    order |= {("value", value.name): len(requirements) + place for place, value in enumerate(values)}
    return sorted(links, key=lambda link: order[(link.kind, link.target)])


def word_links(text: str, requirements: Sequence[Requirement], values: Sequence[CompanyValue]) -> list[Link]:
    """The requirements and values the answer names in words (:func:`speaks_to`), each with the first
    sentence that does."""
    single = [(sentence, set(content_stems(sentence))) for sentence in answer_sentences(text)]
    # A point made over two sentences ("...paid social and search. I tracked every campaign") counts
    # too, quoted whole; one sentence that makes it is preferred.
    units = single + [
        (f"{first} {second}", first_stems | second_stems)
        for (first, first_stems), (second, second_stems) in pairwise(single)
    ]
    targets = [(requirement.text, "requirement") for requirement in requirements] + [
        (value.name, "value") for value in values
    ]
    # Requirements are told apart from one another, and values from one another.
    shared = {
        "requirement": _shared_stems([requirement.text for requirement in requirements]),
        "value": _shared_stems([value.name for value in values]),
    }
    links = []
    for target, kind in targets:
        sentence = next(
            (unit for unit, stems in units if speaks_to(stems, target, shared_stems=shared[kind])), None
        )
        if sentence is not None:
            links.append(Link(target=target, kind=kind, sentence=sentence))
    return links


def closeness(sentences: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """Similarity in meaning (-1 to 1) of each target (rows) to each of an answer's sentences and, in
    the last column, to the whole answer."""
    texts = (*sentences, " ".join(sentences))
    if not sentences or not targets:
        return np.zeros((len(targets), len(texts)))
    return embed_once(tuple(targets)) @ embed_once(texts).T


def meaning_links(sentences: Sequence[str], requirements: Sequence[Requirement]) -> dict[str, str]:
    """The requirements the link model finds the answer speaks to in meaning, each with the answer's
    sentence closest to it."""
    if not sentences or not requirements:
        return {}
    scores = closeness(sentences, [meaning_text(requirement) for requirement in requirements])
    return {
        requirement.text: sentences[int(scores[index, :-1].argmax())]
        for index, (requirement, linked) in enumerate(
            zip(requirements, linked_in_meaning(scores), strict=True)
        )
        if linked
    }


def _shared_stems(targets: Sequence[str]) -> frozenset[str]:
    counts = Counter(word for target in targets for word in set(content_stems(target)))
    return frozenset(word for word, seen in counts.items() if seen > 1)


@dataclass(frozen=True)
class CoveredBy:
    """One rehearsed answer that speaks to a row: its attempt, the sentence, and whether it held a result."""

    attempt_id: int
    question: str
    sentence: str
    example_with_result: bool


@dataclass(frozen=True)
class CoverageRow:
    """A requirement or value, and the rehearsed answers that speak to it (none: no story yet)."""

    target: str
    kind: str
    answers: list[CoveredBy] = field(default_factory=list)

    @property
    def has_story(self) -> bool:
        return bool(self.answers)

    @property
    def best_has_result(self) -> bool:
        return any(answer.example_with_result for answer in self.answers)


def coverage_matrix(
    requirements: Sequence[Requirement], values: Sequence[CompanyValue], attempts: Sequence
) -> list[CoverageRow]:
    """Rows for every requirement and value; ``attempts`` are the store's analysed attempts."""
    rows = [CoverageRow(requirement.text, "requirement") for requirement in requirements] + [
        CoverageRow(value.name, "value") for value in values
    ]
    by_target = {(row.target, row.kind): row for row in rows}
    for attempt in attempts:
        if attempt.analysis is None:
            continue
        text = attempt.analysis.get("transcript", {}).get("text", "")
        for link in link_answer(text, requirements, values):
            by_target[(link.target, link.kind)].answers.append(
                CoveredBy(attempt.id, attempt.question, link.sentence, example_with_result(attempt.analysis))
            )
    return rows


def example_with_result(analysis: dict) -> bool:
    """Whether an analysed answer held a specific example whose result was heard."""
    example = analysis.get("example", {})
    return bool(example.get("present")) and bool(example.get("star", {}).get("result"))


def speaks_to_summary(links: Sequence[Link]) -> str | None:
    """ "This answer speaks to: stakeholder management, SQL. It connects to the value '…' in: '…'." """
    if not links:
        return None
    requirements = [link.target for link in links if link.kind == "requirement"]
    parts = []
    if requirements:
        parts.append("This answer speaks to: " + ", ".join(requirements) + ".")
    for link in links:
        if link.kind == "value":
            parts.append(f"It connects to the value ‘{link.target}’ in: “{link.sentence}”")
    return " ".join(parts)
