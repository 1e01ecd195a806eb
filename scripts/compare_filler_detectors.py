"""Run the labelled sets with today's filler detector and with the learned one, transcribing each answer
once (issue 14). Dev tooling: the official figures come from ``python -m rehearse.evaluation.sets``.

    .venv/bin/python scripts/compare_filler_detectors.py --detector today|learned [--sets main heldout ...]

Whisper's output does not depend on the filler detector that runs after it, so the transcripts of the
first run are kept in ``eval/cache/transcripts/`` and reused; each run's report goes to
``eval/cache/compare/<set>-<detector>.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from dataclasses import replace
from pathlib import Path

import rehearse.analysis.analysis as analysis_module
import rehearse.evaluation.sets as sets_module
from rehearse.evaluation.sets import CACHE_DIR, SETS, evaluate, failed_targets

_real_transcribe = analysis_module.transcribe


def cached_transcribe(cache: Path):
    def transcribe(audio, *, options=None, progress=None):
        key = hashlib.sha1(audio.samples.tobytes()).hexdigest()
        path = cache / f"{key}.pickle"
        if path.is_file():
            return pickle.loads(path.read_bytes())
        result = _real_transcribe(audio, options=options, progress=None)
        path.write_bytes(pickle.dumps(result))
        return result

    return transcribe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", choices=("today", "learned"), required=True)
    parser.add_argument("--sets", nargs="*", default=["main", "heldout", "fresh", "unseen", "final"])
    args = parser.parse_args()
    cache = CACHE_DIR / "transcripts"
    cache.mkdir(parents=True, exist_ok=True)
    analysis_module.transcribe = cached_transcribe(cache)
    default = analysis_module.AnalysisOptions()
    chosen = replace(default, learned_fillers=args.detector == "learned")

    def options(**changes):
        return replace(chosen, **changes)

    sets_module.AnalysisOptions = options  # type: ignore[assignment]
    out = CACHE_DIR / "compare"
    out.mkdir(parents=True, exist_ok=True)
    for name in args.sets:
        report = evaluate("all", folder=SETS[name])
        summary = report.to_dict() | {"failed_targets": failed_targets(report)}
        (out / f"{name}-{args.detector}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        print(
            f"{name:<8} {args.detector:<8} vocal P {summary['vocal_fillers']['precision']:.3f} "
            f"R {summary['vocal_fillers']['recall']:.3f} | lexical P {summary['lexical_fillers']['precision']:.3f} "
            f"R {summary['lexical_fillers']['recall']:.3f} | pauses1s R {summary['pauses_1s']['recall']:.3f} "
            f"| wpm err {summary['wpm_mean_relative_error']:.3f} | example {summary['example_accuracy']:.3f} "
            f"| STAR {summary['star_accuracy']:.3f} | WER {summary['word_error_rate']:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
