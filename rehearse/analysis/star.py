"""STAR parts of an answer, clause by clause, read by a model learned from labelled answers.

The answer is cut into clauses with spaCy's parse (a sentence splits where a new verb is joined on,
or at "as a result", "which meant", ";"), each clause is described by its words, verb forms,
subject and place in the answer, and a logistic regression trained by ``scripts/train_star.py`` on
the labelled corpus in ``eval/star/`` gives each clause a probability per part. A second small model
reads those probabilities to decide whether the answer tells a specific example at all. Inference
is a few dot products in numpy; the weights ship in ``star_model.json``.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rehearse.errors import ModelError

LABELS = ("none", "situation", "task", "action", "result")
STAR_PARTS = LABELS[1:]
MODEL_PATH = Path(__file__).with_name("star_model.json")
# Phrases that open a new clause inside a sentence, most often a result after an action.
_CLAUSE_OPENERS = (("as", "a", "result"), ("which", "meant"), ("in", "the", "end"), ("and", "then"))
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "it"})
# Words of a habit, not of one event: "whenever the phones get busy, I usually...".
_HABIT_WORDS = ("whenever", "usually", "always", "tend", "normally", "generally", "often", "every")
# A clause shorter than this many words is joined to the one before: "and so" is not a clause.
_MIN_CLAUSE_WORDS = 3


@dataclass(frozen=True)
class Clause:
    """Characters ``start``-``end`` of the text the parse was made from; ``sentence`` counts from 0."""

    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class StarModel:
    """The learned weights: one row per label over ``vocabulary``, and the example-present model."""

    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    answer_vocabulary: dict[str, int]
    answer_weights: np.ndarray
    answer_bias: float
    found_threshold: float
    missing_threshold: float
    absent_threshold: float
    figures: dict


@dataclass(frozen=True)
class StarReading:
    """What the model read: ``probabilities[i, j]`` is clause i's probability of ``LABELS[j]``."""

    clauses: tuple[Clause, ...]
    probabilities: np.ndarray
    example_probability: float

    def best_clause(self, part: str) -> tuple[Clause | None, float]:
        """The clause most likely to be ``part``, with that probability (None for an empty answer)."""
        if not self.clauses:
            return None, 0.0
        column = self.probabilities[:, LABELS.index(part)]
        index = int(np.argmax(column))
        return self.clauses[index], float(column[index])


@lru_cache(maxsize=1)
def load_star_model(path: Path = MODEL_PATH) -> StarModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"The STAR model {path} cannot be read: reinstall rehearse ({error}).") from error
    return StarModel(
        vocabulary={name: index for index, name in enumerate(data["features"])},
        weights=np.array(data["weights"], dtype=np.float64),
        bias=np.array(data["bias"], dtype=np.float64),
        answer_vocabulary={name: index for index, name in enumerate(data["answer_features"])},
        answer_weights=np.array(data["answer_weights"], dtype=np.float64),
        answer_bias=float(data["answer_bias"]),
        found_threshold=float(data["found_threshold"]),
        missing_threshold=float(data["missing_threshold"]),
        absent_threshold=float(data["absent_threshold"]),
        figures=data.get("figures", {}),
    )


def read_star(doc: object, model: StarModel) -> StarReading:
    """Cut a parsed answer into clauses and give each its probability of every label."""
    clauses = clauses_of(doc)
    features = clause_features(doc, clauses)
    probabilities = clause_probabilities(model, features)
    example = _sigmoid(
        _linear(model.answer_vocabulary, model.answer_weights, answer_features(features, probabilities))
        + model.answer_bias
    )
    return StarReading(tuple(clauses), probabilities, example)


def clause_probabilities(model: StarModel, features: list[dict[str, float]]) -> np.ndarray:
    if not features:
        return np.zeros((0, len(LABELS)))
    scores = np.stack([_linear(model.vocabulary, model.weights.T, row) for row in features]) + model.bias
    scores -= scores.max(axis=1, keepdims=True)
    exponentials = np.exp(scores)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def clauses_of(doc: object) -> list[Clause]:
    """The clauses of a parsed text: sentences, cut again where a joined verb or an opener starts one."""
    clauses: list[Clause] = []
    for number, sentence in enumerate(doc.sents):  # type: ignore[attr-defined]
        starts = {sentence.start}
        tokens = list(sentence)
        for token in tokens:
            if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and token.head.pos_ in ("VERB", "AUX"):
                start = token.left_edge.i
                # "and" / "but" / "so" before the verb opens its clause; a comma stays with the one before.
                while start - 1 > sentence.start and doc[start - 1].dep_ == "cc":  # type: ignore[index]
                    start -= 1
                if start > token.head.i:
                    starts.add(start)
            elif token.text in (";", ":") and token.i + 1 < sentence.end:
                starts.add(token.i + 1)
            lowered = tuple(t.lower_ for t in doc[token.i : token.i + 3])  # type: ignore[index]
            if any(lowered[: len(opener)] == opener for opener in _CLAUSE_OPENERS):
                starts.add(token.i)
        bounds = [*sorted(starts), sentence.end]
        merged: list[tuple[int, int]] = []
        for start, end in itertools.pairwise(bounds):
            words = sum(1 for token in doc[start:end] if not token.is_punct)  # type: ignore[index]
            if merged and words < _MIN_CLAUSE_WORDS:
                merged[-1] = (merged[-1][0], end)
            elif not merged or words > 0:
                merged.append((start, end))
        if (
            len(merged) > 1
            and sum(not t.is_punct for t in doc[merged[0][0] : merged[0][1]]) < _MIN_CLAUSE_WORDS
        ):  # type: ignore[index]
            merged[0:2] = [(merged[0][0], merged[1][1])]
        for start, end in merged:
            span = doc[start:end]  # type: ignore[index]
            clauses.append(Clause(span.text, span.start_char, span.end_char, number))
    return clauses


def clause_features(doc: object, clauses: list[Clause]) -> list[dict[str, float]]:
    """What the model reads of each clause: words, verb forms and subjects, place, and neighbours."""
    own = [_own_features(doc.char_span(c.start, c.end, alignment_mode="expand")) for c in clauses]  # type: ignore[attr-defined]
    answer = _answer_features(own)
    rows = []
    for index, features in enumerate(own):
        row = dict(features)
        row.update(answer)
        place = index / max(1, len(clauses) - 1)
        row[f"place={min(4, int(place * 5))}"] = 1.0
        row["first_clause"] = float(index == 0)
        row["last_clause"] = float(index == len(clauses) - 1)
        for name, neighbour in (("before", index - 1), ("after", index + 1)):
            if 0 <= neighbour < len(own):
                for key in own[neighbour]:
                    if key.startswith(("verb=", "subject_verb=", "opens=")):
                        row[f"{name}:{key}"] = 1.0
        rows.append(row)
    return rows


def answer_features(clause_rows: list[dict[str, float]], probabilities: np.ndarray) -> dict[str, float]:
    """What the example-present model reads: how sure the clause model is of each part, and tense."""
    features: dict[str, float] = {}
    for column, label in enumerate(LABELS[1:], start=1):
        ranked = np.sort(probabilities[:, column])[::-1] if len(probabilities) else np.zeros(2)
        features[f"max={label}"] = float(ranked[0]) if len(ranked) else 0.0
        features[f"second={label}"] = float(ranked[1]) if len(ranked) > 1 else 0.0
        features[f"share={label}"] = (
            float(np.mean(np.argmax(probabilities, axis=1) == column)) if len(probabilities) else 0.0
        )
    if clause_rows:
        for key, value in clause_rows[0].items():
            if key.startswith("answer_"):
                features[key] = value
    return features


def _own_features(span: object) -> dict[str, float]:
    features: dict[str, float] = {}
    words = [token for token in span if not token.is_punct and not token.is_space]  # type: ignore[attr-defined]
    lowered = [token.lower_ for token in words]
    for word in lowered:
        features[f"word={word}"] = 1.0
    for first, second in itertools.pairwise(lowered):
        features[f"pair={first}_{second}"] = 1.0
    if lowered:
        features[f"opens={lowered[0]}"] = 1.0
        features[f"opens={'_'.join(lowered[:2])}"] = 1.0
    for token in words:
        if token.pos_ in ("VERB", "AUX"):
            features[f"verb={token.tag_}"] = 1.0
            features[f"lemma={token.lemma_.lower()}"] = 1.0
            subject = _subject(token)
            if subject is not None:
                features[f"subject_verb={subject}_{token.tag_}"] = 1.0
        if token.like_num:
            features["number"] = 1.0
            if len(token.text) == 4 and token.text.startswith(("19", "20")):
                features["year"] = 1.0
        if token.ent_type_:
            features[f"entity={token.ent_type_}"] = 1.0
    features[f"length={min(4, len(words) // 5)}"] = 1.0
    if span.text.rstrip().endswith("?") or span.sent.text.rstrip().endswith("?"):  # type: ignore[attr-defined]
        features["question"] = 1.0
    return features


def _answer_features(own: list[dict[str, float]]) -> dict[str, float]:
    """The answer as a whole: a story told in the past, a plan in "would" or "will", questions,
    habits ("whenever", "usually"), and a career told by its years."""
    if not own:
        return {}

    def share(*keys: str) -> float:
        return sum(any(key in row for key in keys) for row in own) / len(own)

    values = {
        "answer_past_own": share("subject_verb=i_VBD", "subject_verb=we_VBD"),
        "answer_present_own": share("subject_verb=i_VBP", "subject_verb=we_VBP"),
        "answer_would": share("word=would", "word='d", "word=i'd"),
        "answer_will": share("word=will", "word='ll", "word=i'll"),
        "answer_habit": share(*(f"word={word}" for word in _HABIT_WORDS)),
        "answer_question": share("question"),
        "answer_number": share("number"),
        "answer_year": share("year"),
    }
    features = {}
    for name, value in values.items():
        features[f"{name}={min(3, int(value * 4))}"] = 1.0
    return features


def _subject(verb: object) -> str | None:
    """The verb's subject as one of I/we/you/they/he/she/it, "other", or None; conjoined verbs share it."""
    while verb is not None:
        for child in verb.children:  # type: ignore[attr-defined]
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child.lower_ if child.lower_ in _SUBJECTS else "other"
        verb = verb.head if verb.dep_ == "conj" and verb.head is not verb else None  # type: ignore[attr-defined]
    return None


def _linear(vocabulary: dict[str, int], weights: np.ndarray, features: dict[str, float]) -> np.ndarray:
    total = np.zeros(weights.shape[1:]) if weights.ndim > 1 else 0.0
    for name, value in features.items():
        index = vocabulary.get(name)
        if index is not None:
            total = total + weights[index] * value
    return np.asarray(total)


def _sigmoid(value: np.ndarray) -> float:
    return 1.0 / (1.0 + math.exp(-float(value)))
