"""Requirements picked by a model learned from labelled job descriptions (issue 17).

Hand rules tuned on a few postings missed a quarter of the requirements of postings nobody tuned them
for, and a third of what they listed was noise. Here the work is split in two:

1. :func:`candidates` proposes many phrases for every sentence of the posting, so that nearly every
   requirement is among them: the rules' phrases, spaCy's noun phrases (bare, trimmed and with the
   phrase after them: "attention to detail"), a verb with its object and complements, the pieces of
   a list cut at commas, "and", "or" and clause openers, alone and two or three together, what follows
   a lead-in ("you'll need to"), and short bullets whole.
2. A logistic regression trained by ``scripts/train_requirements.py`` on ``eval/jobs/`` scores each
   candidate from what it is (length, parts of speech, head word, which generators proposed it) and
   where it stands (the section its heading or cue words put it in, bullet or prose, place in the
   posting). The best-scored candidates above the model's threshold are kept, one per overlapping
   group; the best of a sentence may be kept at a lower threshold.

Measured by leave-one-part-out on eval/jobs/ (every part one writer), it beats the rules pooled and on
seventeen of nineteen parts; the README quotes the figures.

Inference is a dot product per candidate in plain Python; the weights ship in
``requirement_model.json``. rehearse never imports scikit-learn.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rehearse.errors import ModelError
from rehearse.preparation.requirements import (
    BOILERPLATE,
    BULLET,
    GENERIC_WORDS,
    SKIPPED_HEADING,
    content_stems,
    is_abbreviation,
    is_droppable_opener,
    is_heading,
    parse_duty,
    requirement_sentences,
    rule_phrases,
    split_sentences,
    starts_with_a_verb,
    subtree_end,
    tidy_phrase,
)

MODEL_PATH = Path(__file__).with_name("requirement_model.json")
# Longer candidates read as sentences, not requirements; none of the labels is this long.
MAX_CANDIDATE_WORDS = 10
# What a heading says its section holds, tried in order (the first that matches wins).
_SECTIONS = (
    ("desirable", re.compile(r"\b(desirable|nice to have|bonus points?|preferred|ideally|a plus|advantage)\b", re.I)),
    ("benefits", re.compile(r"\b(offer|benefits?|perks|rewards?|salary|pay|package|in return|what you get|why join|why work)\b", re.I)),
    ("apply", re.compile(r"\b(apply|application|closing|next steps|how to|contact)\b", re.I)),
    ("essential", re.compile(r"\b(essential|requirements?|required|must|qualifications?|skills|you need|you'll need|looking for|about you|you have|you'll have|you bring|person|profile|who you are|experience)\b", re.I)),
    ("duties", re.compile(r"\b(responsibilit\w*|duties|role|what you'll do|what you will do|day to day|the job|tasks|you will|you'll|your day|the position|post)\b", re.I)),
    ("about_us", re.compile(r"\b(about us|who we are|our company|the company|about the|our team|the team|our)\b", re.I)),
)  # fmt: skip
# Prose that speaks of the candidate's work, not of the company.
_CANDIDATE_CUES = re.compile(
    r"\b(you will|you'll|you have|you are|you must|you should|you need|we need you|successful candidate"
    r"|post ?holder|will be expected|is essential|is desirable|are essential|required|the role)\b",
    re.I,
)
_OPTIONAL_CUES = re.compile(
    r"\b(desirable|nice to have|welcome|not essential|not required|a plus|bonus)\b", re.I
)
_WE_CUES = re.compile(r"\b(we are|we're|our|we offer|we have|we pay|founded|based in)\b", re.I)
# What a phrase should not open with: a list's joint, or the candidate's "you will" / "need to".
_EDGE_START = re.compile(
    r"^(?:[\s,.;:\-]+|(?:and|or|plus|you|will|you'll|must|should|needs?|to|also|including|especially)\b\s*)",
    re.I,
)
_EDGE_END = re.compile(r"(?:[\s,.;:\-]+|\s(?:and|or|plus))$", re.I)
# Where a list's pieces and a sentence's clauses part: "Stay calm and organised | when the printer...".
_SPLITTERS = re.compile(
    r"\s*(?:,|;|\band\b|\bor\b|\bas well as\b|/|\b(?:when|while|whilst|because|so that|so|which|who|where)\b)\s*",
    re.I,
)
_VERB_LEAD_IN = re.compile(
    r"\b(?:need to|needs to|will|must|should|able to|expected to|asked to|you'll|you're|be)\s+", re.I
)


@dataclass
class Candidate:
    """A phrase proposed for one sentence, with what the model reads of it."""

    text: str
    evidence: str
    unit: int
    start: int  # characters in ``evidence``, for finding overlapping candidates
    end: int
    duty: bool
    sources: set[str] = field(default_factory=set)
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """A sentence of the posting, with the section it stands in and how it is set."""

    text: str
    section: str
    bullet: bool
    line: int
    lines: int
    heading_content: bool


@dataclass(frozen=True)
class RequirementModel:
    vocabulary: dict[str, int]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    sentence_threshold: float
    figures: dict
    trained_on: tuple[str, ...]


@lru_cache(maxsize=1)
def load_requirement_model(path: Path = MODEL_PATH) -> RequirementModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(
            f"The requirement model {path} cannot be read: reinstall rehearse ({error})."
        ) from error
    return RequirementModel(
        vocabulary={name: index for index, name in enumerate(data["features"])},
        weights=tuple(float(weight) for weight in data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        sentence_threshold=float(data["sentence_threshold"]),
        figures=data.get("figures", {}),
        trained_on=tuple(data.get("trained_on", ())),
    )


def learned_phrases(text: str, model: RequirementModel | None = None) -> list[tuple[str, str]]:
    """(phrase, sentence) for each requirement the learned model keeps, in reading order."""
    model = model or load_requirement_model()
    found = candidates(text)
    scores = [score(model, candidate.features) for candidate in found]
    return [
        (candidate.text, candidate.evidence)
        for candidate in select(found, scores, model.threshold, model.sentence_threshold)
    ]


def score(model: RequirementModel, features: dict[str, float]) -> float:
    total = model.bias
    for name, value in features.items():
        index = model.vocabulary.get(name)
        if index is not None:
            total += model.weights[index] * value
    return 1.0 / (1.0 + math.exp(-total))


def select(
    found: list[Candidate], scores: list[float], threshold: float, sentence_threshold: float
) -> list[Candidate]:
    """The candidates scored at least ``threshold``, and the best of a sentence that has none such when it
    scores at least ``sentence_threshold`` (prose holds a requirement among many more words than a
    bullet, which scores its candidates lower), best first, leaving out one that overlaps a better one
    or says nothing new: two phrases for one requirement would be noise."""
    kept: list[tuple[Candidate, set[str]]] = []
    order = sorted(range(len(found)), key=lambda index: -scores[index])
    units_kept: set[int] = set()
    for index in order:
        candidate = found[index]
        floor = threshold if candidate.unit in units_kept else min(threshold, sentence_threshold)
        if scores[index] < floor:
            continue
        stems = set(content_stems(candidate.text))
        if any(_overlaps(candidate, other) or stems <= other_stems for other, other_stems in kept):
            continue
        kept.append((candidate, stems))
        units_kept.add(candidate.unit)
    return sorted(
        (candidate for candidate, _ in kept), key=lambda candidate: (candidate.unit, candidate.start)
    )


def _overlaps(candidate: Candidate, other: Candidate) -> bool:
    return candidate.unit == other.unit and candidate.start < other.end and other.start < candidate.end


def units(text: str) -> list[Unit]:
    """The sentences of a posting with their section, from its headings ("What we offer", "About you")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found: list[Unit] = []
    section = "intro"
    for number, raw in enumerate(lines):
        is_bullet = bool(BULLET.match(raw))
        line = BULLET.sub("", raw).strip()
        label, _, rest = line.partition(":")
        heading_content = False
        if number == 0 and not is_bullet:
            section = "intro"
            continue  # the job's title
        if rest.strip() and len(label.split()) <= 4 and not is_bullet:
            section = _section_of(label)
            line, is_bullet, heading_content = rest.strip(), True, True
        elif is_heading(line, is_bullet):
            section = _section_of(line)
            continue
        for sentence in split_sentences(line):
            found.append(Unit(sentence, section, is_bullet, number, len(lines), heading_content))
    return found


def _section_of(heading: str) -> str:
    for name, pattern in _SECTIONS:
        if pattern.search(heading):
            return name
    return "skipped" if SKIPPED_HEADING.search(heading) else "other"


def candidates(text: str) -> list[Candidate]:
    """Every phrase proposed for the posting's sentences, each with its features."""
    all_units = units(text)
    kept_by_rules = set(requirement_sentences(text))
    found: list[Candidate] = []
    for index, unit in enumerate(all_units):
        found.extend(_unit_candidates(index, unit, unit.text in kept_by_rules))
    return found


def _unit_candidates(index: int, unit: Unit, kept_by_rules: bool) -> list[Candidate]:
    sentence = unit.text
    by_span: dict[tuple[int, int], Candidate] = {}

    def add(start: int, end: int, source: str, duty: bool = False) -> None:
        start, end = _trimmed(sentence, start, end)
        if end <= start:
            return
        phrase = tidy_phrase(sentence[start:end])
        words = phrase.split()
        if not words or len(words) > MAX_CANDIDATE_WORDS or not content_stems(phrase):
            return
        candidate = by_span.get((start, end))
        if candidate is None:
            candidate = Candidate(phrase, sentence, index, start, end, duty)
            by_span[(start, end)] = candidate
        candidate.sources.add(source)
        candidate.duty = candidate.duty or duty

    if kept_by_rules:
        for phrase, duty in rule_phrases(sentence):
            position = sentence.find(phrase)
            if position >= 0:
                add(position, position + len(phrase), "rules", duty)
    doc, offset = _sentence_doc(sentence)
    for start, end, source, duty in _parse_spans(doc):
        add(doc[start].idx - offset, doc[end - 1].idx + len(doc[end - 1]) - offset, source, duty)
    _add_pieces(sentence, add)
    result = list(by_span.values())
    for candidate in result:
        span = doc.char_span(candidate.start + offset, candidate.end + offset, alignment_mode="expand")
        candidate.features = _features(candidate, span, unit, result, kept_by_rules)
    return result


def _trimmed(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span without the punctuation, "and", "or" or "you will" at its edges, nor a bracket it does not
    close ("stock accuracy (cycle counts" → "stock accuracy"): a phrase the candidate reads should be whole."""
    while True:
        piece = sentence[start:end]
        opened, closed = piece.rfind("("), piece.find(")")
        if opened >= 0 and ")" not in piece[opened:]:
            start, end = (start + 1, end) if opened == 0 else (start, start + opened)
        elif closed >= 0 and "(" not in piece[:closed]:
            start, end = (start, end - 1) if closed == len(piece) - 1 else (start + closed + 1, end)
        elif match := _EDGE_START.match(piece):
            start += match.end()
        elif match := _EDGE_END.search(piece):
            end = start + match.start()
        else:
            return start, end
        if end <= start:
            return start, start


def _sentence_doc(sentence: str):
    """The parse of a sentence (read as a duty where it opens with a verb) and how many characters the
    parser saw before it ("You " is put in front of a bullet opening with a verb)."""
    lowered = sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence
    doc = parse_duty(lowered)
    return doc, len(doc.text) - len(lowered)


def _parse_spans(doc) -> list[tuple[int, int, str, bool]]:
    """Token spans the parse suggests: noun phrases, verbs with their objects, qualities."""
    spans: list[tuple[int, int, str, bool]] = []
    skip = 1 if doc[0].lower_ == "you" else 0
    for chunk in doc.noun_chunks:
        if chunk.root.pos_ == "PRON":
            continue
        spans.append((chunk.start, chunk.end, "chunk", False))
        start = chunk.start
        while start < chunk.end and is_droppable_opener(doc[start]):
            start += 1
        if start < chunk.end:
            spans.append((start, chunk.end, "chunk_trimmed", False))
            for child in chunk.root.children:
                if child.dep_ == "prep" and child.i == chunk.end:
                    spans.append((start, subtree_end(child), "chunk_prep", False))
                if child.dep_ == "conj" and child.i > chunk.end:
                    spans.append((start, subtree_end(child), "chunk_conj", False))
    for token in doc:
        if token.i < skip:
            continue
        if token.pos_ == "VERB":
            objects = [child for child in token.children if child.dep_ in {"dobj", "obj", "attr"}]
            preps = [
                child
                for child in token.children
                if child.dep_ in {"prep", "xcomp", "advmod", "dative"} and child.i > token.i
            ]
            for obj in objects:
                spans.append((token.i, obj.i + 1, "verb_head", True))
                spans.append((token.i, subtree_end(obj), "verb_object", True))
                spans.append(
                    (token.i, max([subtree_end(obj), *(subtree_end(p) for p in preps)]), "verb_all", True)
                )
            for prep in preps[:1]:
                if not objects:
                    spans.append((token.i, subtree_end(prep), "verb_prep", True))
        if token.pos_ in {"ADJ", "NOUN"}:
            for child in token.children:
                if child.dep_ in {"prep", "xcomp"} and child.i == token.i + 1:
                    spans.append((token.i, subtree_end(child), "quality", False))
    if len(doc) - skip <= MAX_CANDIDATE_WORDS + 1:
        spans.append((skip, len(doc), "whole", starts_with_a_verb(doc[skip:].text)))
    return [(start, end, source, duty) for start, end, source, duty in spans if end > start]


def _add_pieces(sentence: str, add) -> None:
    """The pieces of a list cut at commas, "and" and "or", each alone and with its neighbours, and the
    piece after a lead-in ("experience of", "knowledge of")."""
    cuts = [(match.start(), match.end()) for match in _SPLITTERS.finditer(sentence)]
    bounds = [0, *(position for cut in cuts for position in cut), len(sentence)]
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    for first in range(len(pieces)):
        for last in range(first, min(first + 3, len(pieces))):
            add(pieces[first][0], pieces[last][1], "piece" if first == last else "pieces")
    for match in re.finditer(r"\b(?:of|in|with|to|for|on)\s+", sentence):
        add(match.end(), len(sentence), "after_lead_in")
    # "so you'll need to collaborate closely with engineers": what follows the lead-in, to where it ends.
    for match in _VERB_LEAD_IN.finditer(sentence):
        ends = [end for _, end in pieces if end > match.end()][:3]
        for end in ends:
            add(match.end(), end, "after_verb_lead_in")


def _features(
    candidate: Candidate, span, unit: Unit, siblings: list[Candidate], kept_by_rules: bool
) -> dict[str, float]:
    words = [token for token in span if not token.is_punct]
    features: dict[str, float] = {}
    features[f"section={unit.section}"] = 1.0
    features[f"bullet={unit.bullet}"] = 1.0
    features[f"section_bullet={unit.section}_{unit.bullet}"] = 1.0
    features["heading_content"] = float(unit.heading_content)
    features["kept_by_rules"] = float(kept_by_rules)
    features["boilerplate_sentence"] = float(bool(BOILERPLATE.search(unit.text)))
    features["boilerplate_phrase"] = float(bool(BOILERPLATE.search(candidate.text)))
    features["candidate_cue"] = float(bool(_CANDIDATE_CUES.search(unit.text)))
    features["optional_cue"] = float(bool(_OPTIONAL_CUES.search(unit.text)))
    features["we_cue"] = float(bool(_WE_CUES.search(unit.text)))
    # Prose asks for something only where it speaks of the candidate: the same words in a bullet and in
    # a paragraph about the company weigh differently.
    cue = "cue" if features["candidate_cue"] else ("we" if features["we_cue"] else "none")
    features[f"setting={unit.section}_{unit.bullet}_{cue}"] = 1.0
    features[f"rules_setting={kept_by_rules}_{unit.bullet}"] = 1.0
    features[f"place={min(4, int(5 * unit.line / max(1, unit.lines)))}"] = 1.0
    # A long sentence holds more candidates, and its requirements score lower than a short bullet's.
    features[f"sentence_words={min(5, len(unit.text.split()) // 6)}"] = 1.0
    for source in candidate.sources:
        features[f"source={source}"] = 1.0
    features[f"sources={min(4, len(candidate.sources))}"] = 1.0
    features[f"words={min(8, len(words))}"] = 1.0
    stems = content_stems(candidate.text)
    features[f"stems={min(5, len(stems))}"] = 1.0
    features["stem_share"] = len(stems) / max(1, len(words))
    features["sentence_share"] = (candidate.end - candidate.start) / max(1, len(unit.text))
    features["starts_sentence"] = float(candidate.start == 0)
    features["ends_sentence"] = float(candidate.end >= len(unit.text.rstrip(" .;:!")))
    features["duty"] = float(candidate.duty)
    if words:
        pos = [token.pos_ for token in words]
        features[f"first_pos={pos[0]}"] = 1.0
        features[f"last_pos={pos[-1]}"] = 1.0
        features[f"pos_pattern={'_'.join(pos[:4])}"] = 1.0
        features[f"first_word={words[0].lower_}"] = 1.0
        features[f"last_lemma={words[-1].lemma_.lower()}"] = 1.0
        features[f"head_lemma={span.root.lemma_.lower()}"] = 1.0
        features[f"head_dep={span.root.dep_}"] = 1.0
        features["first_generic"] = float(words[0].lower_ in GENERIC_WORDS or words[0].is_stop)
        features["last_generic"] = float(words[-1].lower_ in GENERIC_WORDS or words[-1].is_stop)
        features["has_and_or"] = float(any(token.lower_ in {"and", "or"} for token in words))
        features["has_comma"] = float("," in candidate.text)
        features["capitalised"] = float(any(token.text[:1].isupper() for token in words[1:]))
        features["acronym"] = float(any(is_abbreviation(token.text) for token in words))
        features["number"] = float(any(token.like_num for token in words))
    inside = sum(other is not candidate and _contains(other, candidate) for other in siblings)
    holds = sum(other is not candidate and _contains(candidate, other) for other in siblings)
    features[f"inside={min(4, inside)}"] = 1.0
    features[f"holds={min(6, holds)}"] = 1.0
    features["maximal"] = float(inside == 0)
    return features


def _contains(outer: Candidate, inner: Candidate) -> bool:
    return outer.unit == inner.unit and outer.start <= inner.start and inner.end <= outer.end
