"""The earlier round's feedback as focus areas, each tied to a measure rehearse already takes.

"Your answers were long-winded" → length against the target; "we wanted more examples" → a STAR
story with a result; "answers lacked numbers" → a quantified result; "you seemed nervous" → fillers
and pace. Each focus area is then read off every analysed attempt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

# Fillers per minute at or under which an answer sounds composed (the Fillers card's own scale).
COMPOSED_FILLERS_PER_MINUTE = 3.0


@dataclass(frozen=True)
class FocusRule:
    measure: str
    title: str
    pattern: re.Pattern[str]
    advice: str
    practice_question: str


RULES = (
    FocusRule(
        "length",
        "Keep answers concise",
        re.compile(r"\b(concise|long[- ]winded|too long|rambl\w*|waffl\w*|to the point|lengthy|brief)", re.I),
        "Aim for the target length of each question; the Length card shows the band.",
        "In under two minutes: tell me about your most relevant achievement for this role.",
    ),
    FocusRule(
        "numbers",
        "Quantify your results",
        re.compile(r"\b(numbers?|figures?|metrics?|quantif\w*|measurable|data|impact)\b", re.I),
        "End each story with a result you can count: money, time, percentages, people.",
        "Tell me about a result you achieved. How did you measure it?",
    ),
    FocusRule(
        "example",
        "Back claims with specific examples",
        re.compile(r"\b(examples?|specific|vague|generic|general|stories|story|evidence|star)\b", re.I),
        "Tell one specific story: the situation, your task, what you did and the result (STAR).",
        "Give me a specific example of a time you went beyond what was asked of you.",
    ),
    FocusRule(
        "composure",
        "Sound calm and confident",
        re.compile(
            r"\b(nerv\w*|anxious|confiden\w*|hesita\w*|um+s?|fillers?|rushed|fast|slow|pace|calm)\b", re.I
        ),
        "Fewer fillers and a comfortable pace: pause instead of saying 'um'.",
        "Tell me about yourself.",
    ),
)


@dataclass(frozen=True)
class FocusArea:
    """One point of feedback (``feedback``: the candidate's words) and the measure that tracks it."""

    measure: str
    title: str
    feedback: str
    advice: str
    practice_question: str

    def to_dict(self) -> dict:
        return asdict(self)


def focus_areas(feedback: str) -> list[FocusArea]:
    """One focus area per measure the feedback touches, in the order of :data:`RULES`."""
    points = [point.strip(" -•*\t") for point in re.split(r"[\n.;]+", feedback) if point.strip(" -•*\t")]
    areas = []
    for rule in RULES:
        point = next((point for point in points if rule.pattern.search(point)), None)
        if point is not None:
            areas.append(FocusArea(rule.measure, rule.title, point, rule.advice, rule.practice_question))
    return areas


@dataclass(frozen=True)
class FocusReading:
    """How one analysed attempt did on a focus area: ``met`` and the figure that says so."""

    met: bool
    detail: str


def read_focus(area: FocusArea, analysis: dict) -> FocusReading:
    """The focus area's measure on one analysis (``Analysis.to_dict()``)."""
    if area.measure == "length":
        verdict = analysis["conciseness"]["verdict"]
        return FocusReading(verdict == "ok", f"length {verdict}")
    if area.measure == "numbers":
        quantified = analysis["example"].get("quantified", [])
        return FocusReading(bool(quantified), f"{len(quantified)} figures in the answer")
    if area.measure == "example":
        example = analysis["example"]
        with_result = bool(example.get("present")) and bool(example["star"].get("result"))
        return FocusReading(
            with_result, "example with a result" if with_result else "no example with a result"
        )
    per_minute = analysis["fillers"]["per_minute"]
    pace = analysis["pacing"]["verdict"]
    met = per_minute <= COMPOSED_FILLERS_PER_MINUTE and pace == "ok"
    return FocusReading(met, f"{per_minute:.1f} fillers/min, pace {pace}")


def focus_progress(area: FocusArea, analyses: Sequence[dict]) -> tuple[int, int]:
    """How many of the analyses (oldest first) met the focus area, out of how many."""
    return sum(read_focus(area, analysis).met for analysis in analyses), len(analyses)
