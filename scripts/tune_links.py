"""Train the link model (which requirements an answer speaks to in meaning) and print its figures.

    python scripts/tune_links.py [--write]

An answer is linked to a requirement when its words name it (coverage.word_links) or when the link
model (rehearse/preparation/link_model.py) gives the pair a chance of at least its threshold. The model
is a logistic regression over the similarities of each requirement, read with its posting sentence, to
the answer; it is trained on the labelled answers of eval/jobs/ (every part one writer; the parts kept
for measuring only are left out), on the pairs the words do not link. Its regularisation and threshold
are chosen to make the most of links found minus twice the false links: a requirement marked as covered
when it is not is one the candidate stops rehearsing, which misleads more than one left for them to
tick. For each part they are chosen on the other parts, by leave-one-part-out inside them, and the model
trained on the other parts is measured on it, so the figures are those of a writer it never saw.

Without ``--write`` it checks that the shipped ``link_model.json`` is the model trained now (exit 1 if
not); with it, it writes the model. Needs scikit-learn, which rehearse does not.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from rehearse.evaluation.preparation_evaluation import MEASURED_ONLY, labelled_requirements, load_labels
from rehearse.preparation.coverage import answer_sentences, closeness, word_links
from rehearse.preparation.link_model import FEATURES, LINK_MODEL_PATH, link_features, links_from, meaning_text

SEED = 20261208
C_VALUES = (0.1, 1.0)
THRESHOLDS = tuple(round(0.1 + 0.025 * step, 3) for step in range(21))
FALSE_LINK_COST = 2.0


@dataclass(frozen=True)
class Answer:
    """One labelled answer with its job's requirements, as the linker sees them."""

    part: str
    speaks_to: np.ndarray  # one truth per requirement of the job
    by_words: np.ndarray
    features: np.ndarray  # one row of link_model.FEATURES per requirement


@dataclass(frozen=True)
class Fitted:
    model: LogisticRegression
    means: np.ndarray
    scales: np.ndarray

    def chances(self, answer: Answer) -> np.ndarray:
        return self.model.predict_proba((answer.features - self.means) / self.scales)[:, 1]


def labelled_answers() -> list[Answer]:
    labels = load_labels()
    jobs = {job["id"]: job for job in labels["jobs"] if job["part"] not in MEASURED_ONLY}
    requirements_of = {job_id: labelled_requirements(job) for job_id, job in jobs.items()}
    found = []
    for answer in labels["answers"]:
        job = jobs.get(answer["job"])
        if job is None:
            continue
        requirements = requirements_of[job["id"]]
        named = {link.target for link in word_links(answer["text"], requirements, [])}
        similarities = closeness(
            answer_sentences(answer["text"]), [meaning_text(requirement) for requirement in requirements]
        )
        found.append(
            Answer(
                job["part"],
                np.array([requirement.text in answer["speaks_to"] for requirement in requirements]),
                np.array([requirement.text in named for requirement in requirements]),
                link_features(similarities),
            )
        )
    return found


def fit(answers: list[Answer], c: float) -> Fitted:
    """The model trained on the pairs the words do not link (those are linked whatever it says)."""
    rows = np.vstack([answer.features[~answer.by_words] for answer in answers])
    truths = np.concatenate([answer.speaks_to[~answer.by_words] for answer in answers])
    means, scales = rows.mean(axis=0), rows.std(axis=0) + 1e-9
    model = LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit((rows - means) / scales, truths)
    return Fitted(model, means, scales)


def shares(answers: list[Answer], links: list[np.ndarray]) -> tuple[float, float]:
    """Links found (share of labelled pairs) and false links (share of the other pairs)."""
    truths = np.concatenate([answer.speaks_to for answer in answers])
    linked = np.concatenate(links)
    return float(linked[truths].mean()), float(linked[~truths].mean())


def links(answers: list[Answer], chances: list[np.ndarray], threshold: float) -> list[np.ndarray]:
    return [
        answer.by_words | links_from(chance, answer.features, threshold)
        for answer, chance in zip(answers, chances, strict=True)
    ]


def choose(answers: list[Answer]) -> tuple[float, float]:
    """The regularisation and threshold that do best by leave-one-part-out within ``answers``."""
    parts = list(dict.fromkeys(answer.part for answer in answers))

    def gain(found: tuple[float, float]) -> float:
        return found[0] - FALSE_LINK_COST * found[1]

    best: tuple[float, float, float] | None = None
    for c in C_VALUES:
        without = {part: fit([answer for answer in answers if answer.part != part], c) for part in parts}
        chances = [without[answer.part].chances(answer) for answer in answers]
        for threshold in THRESHOLDS:
            value = gain(shares(answers, links(answers, chances, threshold)))
            if best is None or value > best[0]:
                best = (value, c, threshold)
    assert best is not None
    return best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"write {LINK_MODEL_PATH.name}")
    args = parser.parse_args(argv)
    every = labelled_answers()
    parts = list(dict.fromkeys(answer.part for answer in every))
    figures: dict[str, dict] = {}
    chosen = []
    held_out: list[np.ndarray] = []
    held_out_answers: list[Answer] = []
    for part in parts:
        training = [answer for answer in every if answer.part != part]
        measured = [answer for answer in every if answer.part == part]
        c, threshold = choose(training)
        chosen.append((c, threshold))
        fitted = fit(training, c)
        found = links(measured, [fitted.chances(answer) for answer in measured], threshold)
        linked, false_links = shares(measured, found)
        words, words_false = shares(measured, [answer.by_words for answer in measured])
        figures[part] = {
            "links": round(linked, 4),
            "false_links": round(false_links, 4),
            "C": c,
            "threshold": threshold,
        }
        print(
            f"{part:9} words only: links {words:6.1%} false {words_false:5.1%}"
            f" | + meaning (C={c}, threshold {threshold}): links {linked:6.1%} false {false_links:5.1%}"
        )
        held_out += found
        held_out_answers += measured
    linked, false_links = shares(held_out_answers, held_out)
    words, words_false = shares(every, [answer.by_words for answer in every])
    figures["pooled"] = {"links": round(linked, 4), "false_links": round(false_links, 4)}
    print(
        f"{'pooled':9} words only: links {words:6.1%} false {words_false:5.1%}"
        f" | + meaning, leave-one-part-out: links {linked:6.1%} false {false_links:5.1%}"
    )
    c, threshold = Counter(chosen).most_common(1)[0][0]
    fitted = fit(every, c)
    model = {
        "trained_on": parts,
        "seed": SEED,
        "C": c,
        "threshold": threshold,
        "features": list(FEATURES),
        "weights": [round(float(weight), 4) for weight in fitted.model.coef_[0]],
        "bias": round(float(fitted.model.intercept_[0]), 4),
        "means": [round(float(mean), 4) for mean in fitted.means],
        "scales": [round(float(scale), 4) for scale in fitted.scales],
        "figures": {"leave_one_part_out": figures},
    }
    print(f"on every part: C={c}, threshold {threshold}")
    if args.write:
        LINK_MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {LINK_MODEL_PATH}")
        return 0
    return 0 if _same(model, json.loads(LINK_MODEL_PATH.read_text(encoding="utf-8"))) else 1


def _same(trained: dict, shipped: dict) -> bool:
    """Whether the shipped model is the one trained now (the same to the rounding that processors vary by)."""
    same = (trained["C"], trained["threshold"], trained["trained_on"]) == (
        shipped["C"],
        shipped["threshold"],
        shipped["trained_on"],
    ) and all(
        np.allclose(trained[key], shipped[key], atol=2e-3) for key in ("weights", "bias", "means", "scales")
    )
    if not same:
        print(f"{LINK_MODEL_PATH.name} is not the model trained now: run with --write and update the figures")
    return same


if __name__ == "__main__":
    raise SystemExit(main())
