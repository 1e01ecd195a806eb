"""How well the STAR reading matches the labelled corpus in ``eval/star/``.

``python -m rehearse.evaluation.star_evaluation [--part C] [--text clean|recognised]`` prints, for one part of
the corpus, how often the example and each STAR part are right, how often the evidence clause is
a labelled clause of that part, and how often a tip would claim a part missing that is there.
Part C was written blind to the others and is never trained or tuned on.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rehearse.analysis.star import MODEL_PATH, STAR_PARTS

CORPUS_DIR = Path(__file__).resolve().parents[2] / "eval" / "star"
# Share of an evidence clause's characters that must lie in a clause labelled with its part.
EVIDENCE_OVERLAP = 0.5


@dataclass(frozen=True)
class LabelledAnswer:
    """One corpus answer: its text, and each labelled clause as (start, end, label) character spans."""

    id: str
    kind: str
    question: str
    text: str
    example_present: bool
    spans: tuple[tuple[int, int, str], ...]

    @property
    def parts(self) -> frozenset[str]:
        return frozenset(label for _, _, label in self.spans if label != "none")


@dataclass(frozen=True)
class Detected:
    """What an analyzer said of one answer: ``evidence`` as character spans, ``missing`` as tips would."""

    example_present: bool
    parts: frozenset[str]
    evidence: dict[str, tuple[int, int]]
    missing: frozenset[str]
    says_no_example: bool


def load_part(name: str, *, text: str = "clean", folder: Path = CORPUS_DIR) -> list[LabelledAnswer]:
    """Answers of part ``name`` (A, B, C), as written (``clean``) or as the recogniser wrote them."""
    path = folder / (f"part-{name}.jsonl" if text == "clean" else f"recognised-{name}.jsonl")
    return [
        labelled_answer(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line
    ]


def labelled_answer(record: dict) -> LabelledAnswer:
    spans, offset = [], 0
    for clause in record["clauses"]:
        text = clause["text"].strip()
        spans.append((offset, offset + len(text), clause["label"]))
        offset += len(text) + 1
    return LabelledAnswer(
        id=record["id"],
        kind=record["kind"],
        question=record["question"],
        text=" ".join(clause["text"].strip() for clause in record["clauses"]),
        example_present=bool(record["example_present"]),
        spans=tuple(spans),
    )


def label_of(answer: LabelledAnswer, start: int, end: int) -> str:
    """The label covering most of characters ``start``-``end``."""
    overlaps: dict[str, int] = {}
    for span_start, span_end, label in answer.spans:
        overlaps[label] = overlaps.get(label, 0) + max(0, min(end, span_end) - max(start, span_start))
    return max(overlaps, key=overlaps.__getitem__) if overlaps else "none"


def figures(
    answers: Iterable[LabelledAnswer], detect: Callable[[LabelledAnswer], Detected]
) -> dict[str, float]:
    """The acceptance figures of one detector on some answers (shares from 0 to 1)."""
    example_right = part_right = parts = evidence_right = evidence_count = false_missing = total = 0
    for answer in answers:
        detected = detect(answer)
        total += 1
        example_right += detected.example_present == answer.example_present
        truth = answer.parts
        for part in STAR_PARTS:
            parts += 1
            part_right += (part in detected.parts) == (part in truth)
            if part in detected.parts and part in truth and part in detected.evidence:
                evidence_count += 1
                start, end = detected.evidence[part]
                inside = sum(
                    max(0, min(end, span_end) - max(start, span_start))
                    for span_start, span_end, label in answer.spans
                    if label == part
                )
                evidence_right += inside >= EVIDENCE_OVERLAP * max(1, end - start)
        false_missing += bool(detected.missing & truth) or (
            detected.says_no_example and answer.example_present
        )
    return {
        "answers": total,
        "example": example_right / max(1, total),
        "star_parts": part_right / max(1, parts),
        "evidence": evidence_right / max(1, evidence_count),
        "false_missing": false_missing / max(1, total),
    }


def detect_with_engine(answer: LabelledAnswer) -> Detected:
    """The engine's own analyzer on the answer's text, as a transcript would give it."""
    from rehearse.analysis.example import analyze_text

    result = analyze_text(answer.text)
    evidence = {}
    for part, quote in result.evidence.items():
        if quote is not None:
            start = answer.text.find(quote)
            if start >= 0:
                evidence[part] = (start, start + len(quote))
    return Detected(
        example_present=result.present,
        parts=frozenset(part for part, found in result.star.items() if found),
        evidence=evidence,
        missing=frozenset(result.missing),
        says_no_example=result.says_no_example,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.star_evaluation", description=__doc__
    )
    parser.add_argument("--part", default="C", help="corpus part: C is the untouched one (default)")
    parser.add_argument("--text", choices=("clean", "recognised"), default="clean")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--record", action="store_true", help="keep the figures in star_model.json, beside the weights"
    )
    args = parser.parse_args(argv)
    result = figures(load_part(args.part, text=args.text), detect_with_engine)
    if args.record:
        model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        model["figures"].setdefault("untouched", {})[args.text] = {
            "part": args.part,
            **{name: round(value, 4) for name, value in result.items()},
        }
        MODEL_PATH.write_text(json.dumps(model), encoding="utf-8")
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"part {args.part}, {args.text} text, {result['answers']} answers")
    for name in ("example", "star_parts", "evidence", "false_missing"):
        print(f"  {name:<14} {result[name]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
