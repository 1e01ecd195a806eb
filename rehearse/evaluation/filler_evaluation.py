"""Measure vocal-filler detection per regime on the filler corpus (issue 14):
``python -m rehearse.evaluation.filler_evaluation [--families festival real] [--json]``.

The corpus (``eval/fillers/``, made by ``scripts/make_filler_corpus.py``) holds short utterances in
three voice families (Piper, espeak-ng, Festival) with quick and drawn-out fillers, under several
recording conditions, plus real filler-free speech (the Asterisk prompts). What the recogniser wrote
and every candidate's features are stored in ``candidates.jsonl.gz``, so this runs in seconds and
needs no audio. Only families the shipped model never saw in training are scored by default.

Detections match labelled fillers by time, one to one, as in ``rehearse.evaluation.sets``. Recall is
given per regime: quick or drawn-out fillers, clean or noisy recordings (noise at 10-30 dB SNR, and
10-20 dB alone), each voice family. Precision of a style is measured on the clips whose fillers all
have that style, together with the filler-free clips; false fillers per minute on the filler-free
clips, synthetic and real. "today" is the detector before issue 14: the words Whisper wrote as
fillers plus the hand-tuned acoustic detector; "learned" is ``filler_model.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.analysis.filler_model import (
    FEATURE_NAMES,
    MODEL_PATH,
    Candidate,
    FillerModel,
    apply_detections,
    filler_probabilities,
    filler_spans,
    load_filler_model,
)
from rehearse.evaluation.sets import FILLER_TOLERANCE_S, Score, match_spans
from rehearse.speech.transcript import Transcript, Word

CORPUS_DIR = Path(__file__).resolve().parents[2] / "eval" / "fillers"
CANDIDATES_PATH = CORPUS_DIR / "candidates.jsonl.gz"
NOISY = frozenset({"white", "pink", "babble"})
Spans = list[tuple[float, float]]


def load_records(path: Path = CANDIDATES_PATH) -> list[dict]:
    """The corpus clips with their words, baseline detections and candidate features."""
    with gzip.open(path, "rt", encoding="utf-8") as source:
        header = json.loads(source.readline())
        if tuple(header["feature_names"]) != FEATURE_NAMES:
            raise ValueError(
                f"{path} was extracted with other features: rerun scripts/extract_filler_candidates.py"
            )
        return [json.loads(line) for line in source]


def record_features(record: dict) -> np.ndarray:
    rows = [candidate["features"] for candidate in record["candidates"]]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def learned_spans(record: dict, model: FillerModel) -> Spans:
    """Where the model finds fillers in a clip, applied to its transcript as the product does."""
    transcript = Transcript(
        words=tuple(Word(**word) for word in record["words"]), duration_s=record["duration_s"]
    )
    candidates = [Candidate(c["kind"], c["start"], c["end"], c["word"]) for c in record["candidates"]]
    probabilities = filler_probabilities(model, record_features(record))
    return filler_spans(apply_detections(transcript, candidates, probabilities, model.threshold_probability))


def baseline_spans(record: dict) -> Spans:
    return [tuple(span) for span in record["baseline"]]  # type: ignore[misc]


@dataclass(frozen=True)
class ClipResult:
    record: dict
    matched: list[bool]  # per labelled filler
    false_alarms: int
    detected: int


def score_clip(record: dict, detected: Spans) -> ClipResult:
    expected = [(filler["start"], filler["end"]) for filler in record["fillers"]]
    pairs = match_spans(expected, detected, tolerance_s=FILLER_TOLERANCE_S)
    found = {i for i, _ in pairs}
    return ClipResult(
        record, [i in found for i in range(len(expected))], len(detected) - len(pairs), len(detected)
    )


def regime_table(results: list[ClipResult]) -> dict[str, dict[str, float]]:
    """Precision and recall per regime, and false fillers per minute on filler-free speech."""
    table: dict[str, dict[str, float]] = {}

    def add(name: str, chosen: Callable[[dict, dict | None], bool]) -> None:
        score = Score(0, 0, 0, 0)
        for result in results:
            fillers = result.record["fillers"]
            kept = [
                m for filler, m in zip(fillers, result.matched, strict=True) if chosen(result.record, filler)
            ]
            clip_counts = chosen(result.record, None)
            matched = sum(kept)
            score = score + Score(
                detected=(matched + result.false_alarms) if clip_counts else matched,
                expected=len(kept),
                matched_detected=matched,
                matched_expected=matched,
            )
        if score.expected:
            table[name] = {"precision": round(score.precision, 3), "recall": round(score.recall, 3),
                           "fillers": score.expected}  # fmt: skip

    def style_only(style: str) -> Callable[[dict, dict | None], bool]:
        def chosen(record: dict, filler: dict | None) -> bool:
            if filler is not None:
                return filler["style"] == style
            return all(f["style"] == style for f in record["fillers"]) and record["family"] != "real"

        return chosen

    def clips(test: Callable[[dict], bool]) -> Callable[[dict, dict | None], bool]:
        return lambda record, _filler: test(record)

    add("all", clips(lambda r: r["family"] != "real"))
    add("quick", style_only("quick"))
    add("drawn-out", style_only("drawn"))
    add("clean", clips(lambda r: r["condition"] not in NOISY and r["family"] != "real"))
    add("quick, clean", lambda r, f: r["condition"] not in NOISY and r["family"] != "real"
        and (f["style"] == "quick" if f else all(x["style"] == "quick" for x in r["fillers"])))  # fmt: skip
    add("drawn-out, clean", lambda r, f: r["condition"] not in NOISY and r["family"] != "real"
        and (f["style"] == "drawn" if f else all(x["style"] == "drawn" for x in r["fillers"])))  # fmt: skip
    add("noisy (10-30 dB)", clips(lambda r: r["condition"] in NOISY))
    add("noisy, 10-20 dB", clips(lambda r: r["condition"] in NOISY and r.get("snr_db", 99) <= 20))
    for condition in ("opus", "reverb", "quiet", "loud"):
        add(condition, clips(lambda r, c=condition: r["condition"] == c))
    for family in ("piper", "espeak", "festival"):
        add(family, clips(lambda r, f=family: r["family"] == f))
    for group, test in (
        ("filler-free synthetic", lambda r: r["family"] != "real"),
        ("real speech", lambda r: r["family"] == "real"),
    ):
        free = [result for result in results if not result.record["fillers"] and test(result.record)]
        minutes = sum(result.record["duration_s"] for result in free) / 60
        if free:
            false = sum(result.false_alarms for result in free)
            table[f"false fillers per minute, {group}"] = {"per_minute": round(false / minutes, 2),
                                                           "false": false, "minutes": round(minutes, 2)}  # fmt: skip
    return table


def evaluate(
    records: list[dict], families: Sequence[str], model: FillerModel | None
) -> dict[str, dict[str, dict[str, float]]]:
    """The regime table for today's detector and, when given, the learned one, on ``families``."""
    return {name: regime_table(results) for name, results in clip_results(records, families, model).items()}


def clip_results(
    records: list[dict], families: Sequence[str], model: FillerModel | None
) -> dict[str, list[ClipResult]]:
    """Each clip of ``families`` scored for today's detector and, when given, the learned one."""
    chosen = [record for record in records if record["family"] in families]
    results = {"today": [score_clip(record, baseline_spans(record)) for record in chosen]}
    if model is not None:
        results["learned"] = [score_clip(record, learned_spans(record, model)) for record in chosen]
    return results


def format_tables(tables: dict[str, dict[str, dict[str, float]]]) -> str:
    names = list(next(iter(tables.values())))
    lines = [f"{'regime':<40}" + "".join(f"{detector:>26}" for detector in tables)]
    for name in names:
        cells = []
        for table in tables.values():
            row = table.get(name, {})
            if "per_minute" in row:
                cells.append(f"{row['per_minute']:.2f}/min ({row['false']} in {row['minutes']} min)")
            elif row:
                cells.append(f"P {row['precision']:.2f} R {row['recall']:.2f} (n={row['fillers']})")
            else:
                cells.append("-")
        lines.append(f"{name:<40}" + "".join(f"{cell:>26}" for cell in cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.filler_evaluation", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="the learned model to measure")
    parser.add_argument(
        "--families", nargs="*", help="voice families to score (default: those the model never saw)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    model = load_filler_model(args.model)
    families = args.families or model.figures.get("held_out_families", ["festival", "real"])
    tables = evaluate(load_records(), families, model)
    if args.json:
        print(json.dumps({"families": families} | tables, indent=1))
    else:
        print(f"voice families scored: {', '.join(families)}")
        print(format_tables(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
