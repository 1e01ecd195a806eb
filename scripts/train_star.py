"""Train the STAR clause model and the example-present model on corpus parts A, B, D, E (seeded).

    python scripts/train_star.py [--parts A B D E] [--out rehearse/analysis/star_model.json]

Reads ``eval/star/part-*.jsonl`` and, where they exist, ``recognised-*.jsonl`` (the same answers as
tiny.en wrote them from synthesized speech, made by ``scripts/make_star_recognised.py``). Picks the
regularisation and the thresholds by 5-fold cross-validation grouped by answer, prints the
cross-validated figures, then fits on everything and writes the weights as JSON. Part C is never
read here: ``python -m rehearse.evaluation.star_evaluation --part C`` measures it. Needs scikit-learn
(``pip install scikit-learn``), which rehearse itself does not.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from rehearse.analysis.example import load_language_model
from rehearse.analysis.star import (
    LABELS,
    MODEL_PATH,
    STAR_PARTS,
    answer_features,
    clause_features,
    clauses_of,
)
from rehearse.evaluation.star_evaluation import (
    CORPUS_DIR,
    Detected,
    LabelledAnswer,
    figures,
    label_of,
    load_part,
)

SEED = 20261202
FOLDS = 5
# A tip may say a part is missing only when cross-validation says it is wrong this rarely.
MOST_FALSE_MISSING = 0.015


def featurise(answers: list[LabelledAnswer]) -> tuple[list[list[dict]], list[list[str]], list[list]]:
    nlp = load_language_model()
    rows, labels, clause_lists = [], [], []
    for answer, doc in zip(answers, nlp.pipe(answer.text for answer in answers), strict=True):
        clauses = clauses_of(doc)
        rows.append(clause_features(doc, clauses))
        labels.append([label_of(answer, clause.start, clause.end) for clause in clauses])
        clause_lists.append(clauses)
    return rows, labels, clause_lists


def fit_clauses(rows: list[dict], labels: list[str], c: float) -> tuple[DictVectorizer, LogisticRegression]:
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(matrix, [LABELS.index(label) for label in labels])
    return vectoriser, model


def fit_example(rows: list[dict], present: list[bool], c: float) -> tuple[DictVectorizer, LogisticRegression]:
    vectoriser = DictVectorizer()
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(vectoriser.fit_transform(rows), present)
    return vectoriser, model


def probabilities(vectoriser: DictVectorizer, model: LogisticRegression, rows: list[dict]) -> np.ndarray:
    if not rows:
        return np.zeros((0, len(LABELS)))
    found = model.predict_proba(vectoriser.transform(rows))
    full = np.zeros((len(rows), len(LABELS)))
    full[:, model.classes_] = found
    return full


def cross_validated(answer_rows, answer_labels, groups, c: float) -> list[np.ndarray]:
    """Each answer's clause probabilities from a model that never saw that answer."""
    result: list[np.ndarray] = [np.zeros((0, len(LABELS)))] * len(answer_rows)
    for train, test in GroupKFold(n_splits=FOLDS).split(answer_rows, groups=groups):
        rows = [row for index in train for row in answer_rows[index]]
        labels = [label for index in train for label in answer_labels[index]]
        vectoriser, model = fit_clauses(rows, labels, c)
        for index in test:
            result[index] = probabilities(vectoriser, model, answer_rows[index])
    return result


def detector(answers, clause_lists, clause_probabilities, example_probabilities, thresholds):
    found_threshold, missing_threshold, absent_threshold = thresholds
    # Keyed by the whole answer: a written answer and its recognised version share an id.
    readings = {
        answer: (clauses, probs, example)
        for answer, clauses, probs, example in zip(
            answers, clause_lists, clause_probabilities, example_probabilities, strict=True
        )
    }

    def detect(answer: LabelledAnswer) -> Detected:
        clauses, probs, example = readings[answer]
        present = example >= 0.5
        parts, evidence, missing = set(), {}, set()
        for part in STAR_PARTS:
            column = probs[:, LABELS.index(part)] if len(probs) else np.zeros(1)
            best = int(np.argmax(column))
            if present and column[best] >= found_threshold:
                parts.add(part)
                evidence[part] = (clauses[best].start, clauses[best].end)
            elif present and column[best] < missing_threshold:
                missing.add(part)
        return Detected(present, frozenset(parts), evidence, frozenset(missing), example < absent_threshold)

    return detect


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parts", nargs="+", default=["A", "B", "D", "E"])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    written = [answer for part in args.parts for answer in load_part(part)]
    heard = [
        answer
        for part in args.parts
        if (CORPUS_DIR / f"recognised-{part}.jsonl").is_file()
        for answer in load_part(part, text="recognised")
    ]
    answers = written + heard
    # The clean and recognised versions of one answer share a group: a fold never splits them.
    groups = [answer.id for answer in answers]
    rows, labels, clause_lists = featurise(answers)
    print(
        f"{len(written)} written answers ({sum(len(a.spans) for a in written)} labelled clauses),"
        f" {len(heard)} recognised; {sum(map(len, rows))} parsed clauses"
    )

    best = None
    for c in (1.0, 3.0, 10.0):
        cv = cross_validated(rows, labels, groups, c)
        predicted = [LABELS[i] for probs in cv for i in np.argmax(probs, axis=1)]
        truth = [label for answer_labels in labels for label in answer_labels]
        accuracy = float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)]))
        print(f"C={c}: clause accuracy {accuracy:.3f} (cross-validated)")
        if best is None or accuracy > best[0]:
            best = (accuracy, c, cv)
    _, c, cv = best

    answer_rows = [answer_features(r, p) for r, p in zip(rows, cv, strict=True)]
    presence = [answer.example_present for answer in answers]
    best_example = None
    for example_c in (0.3, 1.0, 3.0):
        example_cv = np.zeros(len(answers))
        for train, test in GroupKFold(n_splits=FOLDS).split(answer_rows, groups=groups):
            vectoriser, model = fit_example(
                [answer_rows[i] for i in train], [presence[i] for i in train], example_c
            )
            example_cv[test] = model.predict_proba(vectoriser.transform([answer_rows[i] for i in test]))[:, 1]
        accuracy = float(np.mean((example_cv >= 0.5) == np.array(presence)))
        print(f"example C={example_c}: accuracy {accuracy:.3f} (cross-validated)")
        if best_example is None or accuracy > best_example[0]:
            best_example = (accuracy, example_c, example_cv)
    _, example_c, example_cv = best_example

    def score(thresholds) -> dict[str, float]:
        return figures(answers, detector(answers, clause_lists, cv, example_cv, thresholds))

    found_threshold = max(np.arange(0.2, 0.65, 0.05), key=lambda t: score((t, 0.0, 0.0))["star_parts"])
    candidates = [
        t
        for t in np.arange(0.0, found_threshold, 0.02)
        if score((found_threshold, t, 0.0))["false_missing"] <= MOST_FALSE_MISSING
    ]
    missing_threshold = max(candidates, default=0.0)
    absent = [
        t
        for t in np.arange(0.0, 0.5, 0.02)
        if score((found_threshold, missing_threshold, t))["false_missing"] <= MOST_FALSE_MISSING
    ]
    absent_threshold = max(absent, default=0.0)
    thresholds = (found_threshold, missing_threshold, absent_threshold)
    cross_validation = score(thresholds)
    detect = detector(answers, clause_lists, cv, example_cv, thresholds)
    by_text = {
        name: {k: round(v, 4) for k, v in figures(subset, detect).items()}
        for name, subset in (("clean", written), ("recognised", heard))
    }
    print("cross-validated, by text:", by_text)
    print(
        f"thresholds: found {found_threshold:.2f}, missing below {missing_threshold:.2f},"
        f" no example below {absent_threshold:.2f}"
    )
    print("cross-validated:", {k: round(v, 3) for k, v in cross_validation.items()})

    vectoriser, clause_model = fit_clauses(
        [r for rs in rows for r in rs], [lab for ls in labels for lab in ls], c
    )
    answer_vectoriser, answer_model = fit_example(answer_rows, presence, example_c)
    weights = np.zeros((len(LABELS), len(vectoriser.feature_names_)))
    weights[clause_model.classes_] = clause_model.coef_
    bias = np.full(len(LABELS), -30.0)
    bias[clause_model.classes_] = clause_model.intercept_
    args.out.write_text(
        json.dumps(
            {
                "trained_on": args.parts,
                "seed": SEED,
                "C": c,
                "example_C": example_c,
                "features": list(vectoriser.feature_names_),
                "weights": np.round(weights, 5).tolist(),
                "bias": np.round(bias, 5).tolist(),
                "answer_features": list(answer_vectoriser.feature_names_),
                "answer_weights": np.round(answer_model.coef_[0], 5).tolist(),
                "answer_bias": round(float(answer_model.intercept_[0]), 5),
                "found_threshold": round(float(found_threshold), 3),
                "missing_threshold": round(float(missing_threshold), 3),
                "absent_threshold": round(float(absent_threshold), 3),
                "figures": {
                    "cross_validated": {k: round(v, 4) for k, v in cross_validation.items()},
                    "cross_validated_by_text": by_text,
                },
            }
        ),
        encoding="utf-8",
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
