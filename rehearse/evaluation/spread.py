"""How far each quoted accuracy figure moves on another processor, and how sure 14 answers make it:
``python -m rehearse.evaluation.spread [--set sealed] [--save-accuracy] [--json]``.

The same recording gives slightly different words on different processors: CTranslate2 computes with
MKL on Intel and oneDNN elsewhere, the thread count changes the order of its sums, and every other
kernel rounds its own way. We cannot run every processor, so each labelled set is analysed once per
:data:`PERTURBATIONS` entry, each standing in for such a difference on this machine, in a fresh process
(CTranslate2 reads ``CT2_USE_MKL`` when it loads). A figure's *spread* is its lowest and highest value
over those runs; its *interval* is a 95 % bootstrap interval over the answers of the unperturbed run,
the uncertainty that comes from measuring on only so many answers.

``--save-accuracy`` (blind set only) writes both into ``rehearse/evaluation/accuracy.json``, with the processor and
CTranslate2 backend they were measured on; the product quotes them and the CI test holds the engine to
the spread.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.evaluation.accuracy import FIGURES, MeasuredAccuracy, save_accuracy
from rehearse.evaluation.sets import BLIND_SET, CACHE_DIR, SETS, STAGES, stage_differences

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_LEVEL = 0.95
# One detection more or less in a set of about 40 fillers.
LEAST_TOLERANCE = 0.025
# "GEMM_S8 backend: MKL (packed: true, ...)": int8 matrix products are where rehearse spends its time.
_BACKEND_LINE = re.compile(r"GEMM_S8 backend: (\w+)")
_ISA_LINE = re.compile(r"Selected ISA: (\w+)")


@dataclass(frozen=True)
class Perturbation:
    """One way to compute the same analysis a little differently.

    ``environment`` is added to the process's; ``cpu_threads`` is the recogniser's thread count
    (0: its default); ``dither_seed`` adds -90 dBFS of dither to every recording.
    """

    name: str
    environment: Mapping[str, str] = field(default_factory=dict)
    cpu_threads: int = 0
    dither_seed: int | None = None


PERTURBATIONS = (
    Perturbation("as installed"),
    Perturbation("CT2_USE_MKL=0", {"CT2_USE_MKL": "0"}),
    Perturbation("CT2_USE_MKL=1", {"CT2_USE_MKL": "1"}),
    Perturbation("1 thread", cpu_threads=1),
    Perturbation("2 threads", cpu_threads=2),
    *(Perturbation(f"dither seed {seed}", dither_seed=seed) for seed in (1, 2, 3)),
)


STAGES_DIR = CACHE_DIR / "stages"


def run_perturbed(set_name: str, perturbation: Perturbation, *, subset: str = "all") -> dict:
    """``python -m rehearse.evaluation.sets --json`` on one set under one perturbation, in a fresh process.

    Each answer's stages go to ``eval/cache/stages/<set>/<perturbation>/`` (see :func:`stage_table`).
    """
    command = [
        sys.executable,
        "-m",
        "rehearse.evaluation.sets",
        "--set",
        set_name,
        "--subset",
        subset,
        "--json",
    ]
    command += [
        "--cpu-threads",
        str(perturbation.cpu_threads),
        "--stages",
        str(_stages_of(set_name, perturbation)),
    ]
    if perturbation.dither_seed is not None:
        command += ["--dither-seed", str(perturbation.dither_seed)]
    finished = subprocess.run(
        command, env=os.environ | dict(perturbation.environment), capture_output=True, text=True, check=False
    )
    # Exit 1 only says a target was missed; the figures are still what we came for.
    if finished.returncode not in (0, 1):
        raise RuntimeError(f"evaluation under {perturbation.name} failed: {finished.stderr.strip()}")
    return json.loads(finished.stdout)


def _stages_of(set_name: str, perturbation: Perturbation) -> Path:
    return STAGES_DIR / set_name / re.sub(r"[^a-z0-9]+", "-", perturbation.name.lower())


def stage_table(set_name: str) -> list[str]:
    """For each perturbation, in how many answers each stage differs from the unperturbed run."""
    reference_dir = _stages_of(set_name, PERTURBATIONS[0])
    lines = [f"{'stage differs in':<16} " + " ".join(f"{stage:>16}" for stage in STAGES)]
    for perturbation in PERTURBATIONS[1:]:
        counts = dict.fromkeys(STAGES, 0)
        for reference_file in sorted(reference_dir.glob("*.json")):
            other_file = _stages_of(set_name, perturbation) / reference_file.name
            for stage in stage_differences(
                *(json.loads(f.read_text()) for f in (reference_file, other_file))
            ):
                counts[stage] += 1
        lines.append(f"{perturbation.name:<16} " + " ".join(f"{counts[stage]:>16}" for stage in STAGES))
    return lines


def figures_of(per_answer: Sequence[Mapping]) -> dict[str, float]:
    """The quoted figures pooled over ``per_answer`` (the evaluation's ``per_answer`` entries)."""

    def pooled(kind: str, matched: str, total: str) -> float:
        counted = sum(answer[kind][total] for answer in per_answer)
        return sum(answer[kind][matched] for answer in per_answer) / counted if counted else 1.0

    return {
        "vocal_recall": pooled("vocal", "matched_expected", "expected"),
        "vocal_precision": pooled("vocal", "matched_detected", "detected"),
        "lexical_recall": pooled("lexical", "matched_expected", "expected"),
        "lexical_precision": pooled("lexical", "matched_detected", "detected"),
    }


def bootstrap_intervals(
    per_answer: Sequence[Mapping], *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """A 95 % percentile bootstrap interval for each figure, resampling whole answers."""
    if not per_answer:
        raise ValueError("a bootstrap needs at least one answer")
    rng = np.random.default_rng(seed)
    draws = [
        figures_of([per_answer[i] for i in rng.integers(0, len(per_answer), len(per_answer))])
        for _ in range(resamples)
    ]
    tail = (1 - BOOTSTRAP_LEVEL) / 2 * 100
    return {
        name: tuple(round(float(v), 3) for v in np.percentile([d[name] for d in draws], [tail, 100 - tail]))
        for name in FIGURES
    }


def spread_of(runs: Sequence[Mapping[str, float]]) -> dict[str, tuple[float, float]]:
    """Each figure's lowest and highest value over ``runs``."""
    return {
        name: (round(min(r[name] for r in runs), 3), round(max(r[name] for r in runs), 3)) for name in FIGURES
    }


def tolerated(accuracy: MeasuredAccuracy, name: str) -> tuple[float, float]:
    """Where figure ``name`` may land on a processor we have not run: its spread, widened on each side
    by the spread's own width (at least :data:`LEAST_TOLERANCE`). The perturbations only stand in for
    another processor; the one AMD run we have moved vocal precision 0.025 below the spread measured on
    Intel, within one width of it."""
    low, high = accuracy.spread[name]
    margin = max(high - low, LEAST_TOLERANCE)
    return round(low - margin, 3), round(high + margin, 3)


def processor_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ctranslate2_backend(environment: Mapping[str, str] | None = None) -> str:
    """The instruction set and int8 matrix backend CTranslate2 picks here, e.g. "AVX2, MKL".

    CTranslate2 logs its choice when it loads a model with ``CT2_VERBOSE=1``; a fresh process keeps
    that log out of ours.
    """
    loader = "from rehearse.speech.transcribe import load_model, resolve_model_path; load_model(str(resolve_model_path()))"
    finished = subprocess.run(
        [sys.executable, "-c", loader],
        env=os.environ | dict(environment or {}) | {"CT2_VERBOSE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    backend, isa = _BACKEND_LINE.search(finished.stderr), _ISA_LINE.search(finished.stderr)
    if backend is None:
        return "unknown"
    return f"{isa.group(1)}, {backend.group(1)}" if isa else backend.group(1)


def measure(set_name: str, *, log=print) -> tuple[MeasuredAccuracy, list[dict]]:  # type: ignore[no-untyped-def]
    """Analyse ``set_name`` under every perturbation; the figures with their spread and interval."""
    reports = []
    for perturbation in PERTURBATIONS:
        report = run_perturbed(set_name, perturbation)
        figures = figures_of(report["per_answer"])
        log(f"{perturbation.name:<16} " + "  ".join(f"{name} {figures[name]:.3f}" for name in FIGURES))
        reports.append({"perturbation": perturbation.name} | report)
    reference = reports[0]
    figures = figures_of(reference["per_answer"])
    measured = MeasuredAccuracy(
        **{name: round(figures[name], 3) for name in FIGURES},
        answers=reference["answers"],
        audio_minutes=round(reference["audio_minutes"], 1),
        measured_on=datetime.date.today().isoformat(),
        labelled_set=set_name,
        spread=spread_of([figures_of(report["per_answer"]) for report in reports]),
        interval=bootstrap_intervals(reference["per_answer"]),
        processor=processor_name(),
        backend=ctranslate2_backend(),
        perturbations=tuple(perturbation.name for perturbation in PERTURBATIONS),
    )
    return measured, reports


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.spread", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--set", choices=tuple(SETS), default=BLIND_SET, help="which labelled set to use")
    parser.add_argument("--save-accuracy", action="store_true", help="store the figures the product quotes")
    parser.add_argument("--json", action="store_true", help="print every run's evaluation as JSON")
    args = parser.parse_args(argv)
    if args.save_accuracy and args.set != BLIND_SET:
        parser.error(f"--save-accuracy quotes answers nobody tuned on: use it with --set {BLIND_SET}")
    print(f"processor: {processor_name()}; CTranslate2: {ctranslate2_backend()}", file=sys.stderr)
    try:
        measured, reports = measure(args.set, log=lambda line: print(line, file=sys.stderr))
    except RuntimeError as error:
        print(f"spread failed: {error}", file=sys.stderr)
        return 2
    if args.save_accuracy:
        save_accuracy(measured)
    for line in stage_table(args.set):
        print(line, file=sys.stderr)
    if args.json:
        print(json.dumps({"accuracy": measured.to_dict(), "runs": reports}, indent=1))
    else:
        for name in FIGURES:
            low, high = measured.spread[name]
            interval_low, interval_high = measured.interval[name]
            print(
                f"{name:<18} {getattr(measured, name):.3f}  spread {low:.3f}-{high:.3f}"
                f"  95% interval {interval_low:.3f}-{interval_high:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
