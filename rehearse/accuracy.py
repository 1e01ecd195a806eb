"""How well the filler detector did on the labelled evaluation set, so the product can say so.

``python -m rehearse.evaluation --set sealed --save-accuracy`` (the blind set; no other is accepted)
writes ``accuracy.json`` beside this module; the report and the app quote it next to every filler
count instead of implying the count is exact.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

ACCURACY_FILE = Path(__file__).resolve().parent / "accuracy.json"
# Up to this share of false detections, a count is only ever too low in practice.
RELIABLE_FALSE_SHARE = 0.1


@dataclass(frozen=True)
class MeasuredAccuracy:
    """Filler detection measured on ``answers`` labelled answers (``audio_minutes`` of audio), as fractions.

    ``labelled_set`` names the set (``python -m rehearse.evaluation --set``) it was measured on.
    """

    vocal_recall: float
    vocal_precision: float
    lexical_recall: float
    lexical_precision: float
    answers: int
    audio_minutes: float
    measured_on: str  # ISO date
    labelled_set: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@lru_cache(maxsize=1)
def measured_accuracy() -> MeasuredAccuracy | None:
    """The last saved measurement, or None when the evaluation has never been saved."""
    source = resources.files("rehearse").joinpath(ACCURACY_FILE.name)
    if not source.is_file():
        return None
    return MeasuredAccuracy(**json.loads(source.read_text(encoding="utf-8")))


def filler_accuracy_note() -> str:
    """One sentence a candidate can read next to the filler count."""
    accuracy = measured_accuracy()
    if accuracy is None:
        return "The filler count is an estimate: this detector has not been measured yet."
    found = (
        f"This detector finds about {accuracy.vocal_recall:.0%} of spoken “um”/“uh” and "
        f"{accuracy.lexical_recall:.0%} of filler “like”/“you know” (measured on {accuracy.answers} "
        f"labelled answers)"
    )
    false_alarms = [
        f"{1 - precision:.0%} of the {kind} it flags"
        for kind, precision in (("“um”s", accuracy.vocal_precision), ("“like”s", accuracy.lexical_precision))
        if 1 - precision > RELIABLE_FALSE_SHARE
    ]
    if not false_alarms:
        return f"{found}, so the true count may be a little higher."
    # Some voices make it hear hesitations that were not there: then the count can be off both ways.
    return f"{found}, but about {' and '.join(false_alarms)} were not fillers, so take the count as a rough guide."


def save_accuracy(accuracy: MeasuredAccuracy, path: Path = ACCURACY_FILE) -> Path:
    path.write_text(json.dumps(accuracy.to_dict(), indent=1) + "\n", encoding="utf-8")
    measured_accuracy.cache_clear()
    return path
