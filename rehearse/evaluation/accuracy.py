"""How well the filler detector did on the labelled evaluation set, so the product can say so.

``python -m rehearse.evaluation.spread --set sealed --save-accuracy`` (the blind set; no other is accepted)
writes ``accuracy.json`` beside this module, each figure with its spread over processors and its
bootstrap interval over answers; the report and the app quote it next to every filler count instead
of implying the count is exact.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

ACCURACY_FILE = Path(__file__).resolve().parent / "accuracy.json"
# Up to this share of false detections, a count is only ever too low in practice.
RELIABLE_FALSE_SHARE = 0.1
FIGURES = ("vocal_recall", "vocal_precision", "lexical_recall", "lexical_precision")
Range = tuple[float, float]


@dataclass(frozen=True)
class MeasuredAccuracy:
    """Filler detection measured on ``answers`` labelled answers (``audio_minutes`` of audio), as fractions.

    ``labelled_set`` names the set (``python -m rehearse.evaluation.sets --set``) it was measured on.
    ``spread`` gives each figure's lowest and highest value under the perturbations named in
    ``perturbations`` (stand-ins for another processor, see :mod:`rehearse.evaluation.spread`); ``interval`` its
    95 % bootstrap interval over the answers; ``processor`` and ``backend`` where it was measured.
    """

    vocal_recall: float
    vocal_precision: float
    lexical_recall: float
    lexical_precision: float
    answers: int
    audio_minutes: float
    measured_on: str  # ISO date
    labelled_set: str
    spread: dict[str, Range] = field(default_factory=dict)
    interval: dict[str, Range] = field(default_factory=dict)
    processor: str = ""
    backend: str = ""
    perturbations: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, saved: dict) -> MeasuredAccuracy:
        """Read back :meth:`to_dict` (JSON turns tuples into lists)."""
        ranges = {
            key: {name: tuple(values) for name, values in saved.get(key, {}).items()}
            for key in ("spread", "interval")
        }
        return cls(**(saved | ranges | {"perturbations": tuple(saved.get("perturbations", ()))}))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@lru_cache(maxsize=1)
def measured_accuracy() -> MeasuredAccuracy | None:
    """The last saved measurement, or None when the evaluation has never been saved."""
    source = resources.files("rehearse.evaluation").joinpath(ACCURACY_FILE.name)
    if not source.is_file():
        return None
    return MeasuredAccuracy.from_dict(json.loads(source.read_text(encoding="utf-8")))


def in_tens(fraction: float) -> int:
    """``fraction`` as a whole number of tenths: 14 answers do not support a finer figure."""
    return round(fraction * 10)


def _range_in_tens(accuracy: MeasuredAccuracy, name: str) -> str:
    """ "5-8 in 10": the widest of the bootstrap interval and the spread over processors."""
    bounds = [*accuracy.interval.get(name, ()), *accuracy.spread.get(name, ())]
    if not bounds:
        return ""
    low, high = in_tens(min(bounds)), in_tens(max(bounds))
    return f"{low} in 10" if low == high else f"{low} to {high} in 10"


def filler_accuracy_note() -> str:
    """One sentence a candidate can read next to the filler count, rounded to what was measured."""
    accuracy = measured_accuracy()
    if accuracy is None:
        return "The filler count is an estimate: this detector has not been measured yet."
    vocal_range = _range_in_tens(accuracy, "vocal_recall")
    found = (
        f"This detector finds about {in_tens(accuracy.vocal_recall)} in 10 spoken “um”/“uh” and "
        f"{in_tens(accuracy.lexical_recall)} in 10 filler “like”/“you know” (measured on {accuracy.answers} "
        f"labelled answers{f'; for “um”s it could be {vocal_range}' if vocal_range else ''})"
    )
    false_alarms = [
        f"{in_tens(1 - precision)} in 10 of the {kind} it flags"
        for kind, precision in (("“um”s", accuracy.vocal_precision), ("“like”s", accuracy.lexical_precision))
        if 1 - precision > RELIABLE_FALSE_SHARE
    ]
    if not false_alarms:
        return f"{found}, so the true count may be a little higher."
    # Some voices make it hear hesitations that were not there: then the count can be off both ways.
    return f"{found}, but about {' and '.join(false_alarms)} were not fillers, so take the count as a rough guide."


def filler_accuracy_line() -> str:
    """The caveat shown under a filler count: one short line; :func:`filler_accuracy_note` explains it."""
    accuracy = measured_accuracy()
    if accuracy is None:
        return "An estimate: this detector has not been measured yet."
    found = f"it finds about {in_tens(accuracy.vocal_recall)} in 10 “um”s"
    if any(
        1 - precision > RELIABLE_FALSE_SHARE
        for precision in (accuracy.vocal_precision, accuracy.lexical_precision)
    ):
        return f"A rough count: {found}, and some it flags are not fillers."
    return f"An estimate: {found}, so the true count may be higher."


def save_accuracy(accuracy: MeasuredAccuracy, path: Path = ACCURACY_FILE) -> Path:
    path.write_text(json.dumps(accuracy.to_dict(), indent=1) + "\n", encoding="utf-8")
    measured_accuracy.cache_clear()
    return path
