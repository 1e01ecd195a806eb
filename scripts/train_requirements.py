"""Train the requirement model on eval/jobs/ (seeded) and print its leave-one-part-out figures.

    python scripts/train_requirements.py [--out rehearse/preparation/requirement_model.json]

Every part of eval/jobs/ was written by a different writer. For each part, a model is trained on the
other parts only (its regularisation and thresholds chosen by leave-one-part-out inside them) and
measured on it, beside the hand rules on the same part: that is how the model would do on postings
written by someone new. Then one model is fitted on every part with the settings the parts agree on
most often, and written as JSON weights with the figures. Needs scikit-learn, which rehearse does not.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.sparse import vstack
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from rehearse.evaluation.preparation_evaluation import (
    JOBS_DIR,
    MEASURED_ONLY,
    ExtractionCounts,
    load_labels,
    matches,
    score_extraction,
)
from rehearse.preparation.requirement_model import MODEL_PATH, Candidate, candidates, select
from rehearse.preparation.requirements import ExtractionOptions, distinct

SEED = 20261207
# The product lists at most this many; the figures count what it lists.
MAX_REQUIREMENTS = ExtractionOptions().max_requirements
C_VALUES = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(float(value), 2) for value in np.arange(0.3, 0.86, 0.05))
# How much lower the best phrase of a sentence with no phrase above the threshold may score.
SENTENCE_MARGINS = (0.0, 0.1, 0.2, 0.3)


@dataclass(frozen=True)
class Job:
    id: str
    part: str
    labels: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    positive: tuple[bool, ...]


@dataclass(frozen=True)
class Counts(ExtractionCounts):
    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.labelled + other.labelled,
            self.found + other.found,
            self.extracted + other.extracted,
            self.noise + other.noise,
        )

    @property
    def objective(self) -> float:
        # Recall and the share of the list that is right weigh the same (their harmonic mean).
        precision = 1.0 - self.noise_share
        total = self.recall + precision
        return 2 * self.recall * precision / total if total else 0.0

    def as_dict(self) -> dict:
        return {
            "recall": round(self.recall, 4),
            "noise": round(self.noise_share, 4),
            "found": self.found,
            "labelled": self.labelled,
            "noisy": self.noise,
            "extracted": self.extracted,
        }


def load_jobs() -> list[Job]:
    jobs = []
    for job in load_labels()["jobs"]:
        if job["part"] in MEASURED_ONLY:
            continue
        text = (JOBS_DIR / f"{job['id']}.txt").read_text(encoding="utf-8")
        found = candidates(text)
        labels = tuple(job["requirements"])
        positive = tuple(any(matches(c.text, label) for label in labels) for c in found)
        jobs.append(Job(job["id"], job["part"], labels, tuple(found), positive))
    return jobs


class Features:
    """Every candidate's features as rows of one matrix, turned into numbers once for all folds.

    A feature seen only in a held-out part is a column that is zero in every training row: its weight
    stays zero, so sharing the vocabulary leaks nothing about that part."""

    def __init__(self, jobs: list[Job]) -> None:
        self.vectoriser = DictVectorizer()
        matrix = self.vectoriser.fit_transform([c.features for job in jobs for c in job.candidates]).tocsr()
        bounds = np.cumsum([0, *(len(job.candidates) for job in jobs)])
        self.rows = {job.id: matrix[bounds[i] : bounds[i + 1]] for i, job in enumerate(jobs)}

    def fit(self, jobs: list[Job], c: float) -> LogisticRegression:
        model = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
        model.fit(vstack([self.rows[job.id] for job in jobs]), [p for job in jobs for p in job.positive])
        return model

    def scores(self, model: LogisticRegression, job: Job) -> list[float]:
        if not job.candidates:
            return []
        return list(model.predict_proba(self.rows[job.id])[:, 1])


@cache  # thresholds and folds ask the same pairs again and again
def _matches(phrase: str, label: str) -> bool:
    return matches(phrase, label)


def counts(job: Job, scores: list[float], thresholds: tuple[float, float]) -> Counts:
    phrases = [
        requirement.text
        for requirement in distinct(
            [(c.text, c.evidence) for c in select(list(job.candidates), scores, *thresholds)]
        )[:MAX_REQUIREMENTS]
    ]
    found = sum(any(_matches(phrase, label) for phrase in phrases) for label in job.labels)
    noise = sum(not any(_matches(phrase, label) for label in job.labels) for phrase in phrases)
    return Counts(len(job.labels), found, len(phrases), noise)


def held_out_scores(
    features: Features, jobs: list[Job], parts: list[str], c: float
) -> dict[str, list[float]]:
    """Every job's candidate scores from a model trained on the other parts."""
    scores = {}
    for part in parts:
        model = features.fit([job for job in jobs if job.part != part], c)
        for job in jobs:
            if job.part == part:
                scores[job.id] = features.scores(model, job)
    return scores


def choose(features: Features, jobs: list[Job]) -> tuple[float, tuple[float, float]]:
    """The regularisation and thresholds that do best by leave-one-part-out within ``jobs``."""
    parts = sorted({job.part for job in jobs})
    best: tuple[float, float, tuple[float, float]] | None = None
    for c in C_VALUES:
        scores = held_out_scores(features, jobs, parts, c)
        for threshold in THRESHOLDS:
            for margin in SENTENCE_MARGINS:
                thresholds = (threshold, round(threshold - margin, 2))
                total = sum((counts(job, scores[job.id], thresholds) for job in jobs), Counts(0, 0, 0, 0))
                if best is None or total.objective > best[0]:
                    best = (total.objective, c, thresholds)
    assert best is not None
    return best[1], best[2]


def rules_counts(part: str) -> Counts:
    score = score_extraction(part, "rules")
    return Counts(score.labelled, score.found, score.extracted, score.noise)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    jobs = load_jobs()
    features = Features(jobs)
    parts = list(dict.fromkeys(job.part for job in jobs))
    labelled = sum(len(job.labels) for job in jobs)
    reachable = sum(
        any(matches(c.text, label) for c in job.candidates) for job in jobs for label in job.labels
    )
    print(
        f"{len(jobs)} jobs in {len(parts)} parts; {sum(len(job.candidates) for job in jobs)} candidates;"
        f" candidate recall {reachable / labelled:.1%} ({reachable}/{labelled})"
    )
    figures: dict[str, dict] = {}
    chosen = []
    learned_total = rules_total = Counts(0, 0, 0, 0)
    for part in parts:
        training = [job for job in jobs if job.part != part]
        c, thresholds = choose(features, training)
        chosen.append((c, thresholds))
        model = features.fit(training, c)
        learned = sum(
            (counts(job, features.scores(model, job), thresholds) for job in jobs if job.part == part),
            Counts(0, 0, 0, 0),
        )
        rules = rules_counts(part)
        learned_total, rules_total = learned_total + learned, rules_total + rules
        figures[part] = {
            "learned": learned.as_dict(),
            "rules": rules.as_dict(),
            "C": c,
            "thresholds": thresholds,
        }
        print(
            f"{part:9} rules recall {rules.recall:6.1%} noise {rules.noise_share:6.1%}"
            f" | learned (C={c}, thresholds {thresholds}) recall {learned.recall:6.1%} ({learned.found}/"
            f"{learned.labelled}) noise {learned.noise_share:6.1%} ({learned.noise}/{learned.extracted})"
        )
    figures["pooled"] = {"learned": learned_total.as_dict(), "rules": rules_total.as_dict()}
    print(
        f"{'pooled':9} rules recall {rules_total.recall:6.1%} noise {rules_total.noise_share:6.1%}"
        f" | learned recall {learned_total.recall:6.1%} noise {learned_total.noise_share:6.1%}"
    )
    c, (threshold, sentence_threshold) = Counter(chosen).most_common(1)[0][0]
    model = features.fit(jobs, c)
    vectoriser = features.vectoriser
    args.out.write_text(
        json.dumps(
            {
                "trained_on": parts,
                "seed": SEED,
                "C": c,
                "threshold": threshold,
                "sentence_threshold": sentence_threshold,
                "features": list(vectoriser.feature_names_),
                "weights": [round(float(w), 4) for w in model.coef_[0]],
                "bias": round(float(model.intercept_[0]), 4),
                "figures": {"leave_one_part_out": figures},
            }
        ),
        encoding="utf-8",
    )
    print(
        f"wrote {args.out} (C={c}, thresholds {threshold} / {sentence_threshold}, {len(vectoriser.feature_names_)} features)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
