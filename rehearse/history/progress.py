"""Progress across attempts: trends, the best attempt, two attempts compared, sessions, and exports.

Pure functions over stored attempts (:class:`rehearse.history.store.Attempt`, whose ``analysis`` is the engine's
``Analysis.to_dict()``). Questions and transcripts are the candidate's own text: HTML output escapes
them, and Markdown output escapes the characters Markdown would act on.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

import altair as alt
import pandas as pd

from rehearse.analysis.conciseness import TARGET_TOLERANCE
from rehearse.analysis.results_view import STAR_LABELS, headlines, length_band, star_rows, voice_verdict, when
from rehearse.analysis.text import clock
from rehearse.errors import ParameterError
from rehearse.history.store import Attempt, MockRound, Session
from rehearse.preparation.questions import DEFAULT_TARGET_SECONDS, OWN_QUESTION_THEME, find_question

BEST_RULE = (
    "Best attempt: the most STAR parts (for questions that ask for a story), then inside the target "
    "length, then a comfortable pace, then the fewest fillers per minute."
)
REMOVED_STYLE = (
    "background:#ffe3e3;color:#c92a2a;text-decoration:line-through;border-radius:3px;padding:0 2px"
)
ADDED_STYLE = "background:#d3f9d8;color:#2b8a3e;text-decoration:none;border-radius:3px;padding:0 2px"
# Changes between the earlier and the recent average smaller than these are called steady: they are
# within what one answer differs from the next without any practice.
FILLERS_STEADY_PER_MINUTE = 0.5
PACE_STEADY_WPM = 5
# How far apart (fillers per minute) the lowest and highest attempt must be before the summary warns
# that they swing too much for the two averages to say much.
FILLERS_UNEVEN_SWING = 3.0
# Below this share of shared words, two answers tell different stories: a word diff between them is a
# wall of red and green, so the page shows them side by side instead. Measured with similarity(): one
# answer said again with its fillers cut 0.90, the same point reworded around a new example 0.48, the
# app's two sample answers 0.05, a story and a "why here" answer 0.11.
DIFF_MIN_SIMILARITY = 0.5
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


@dataclass(frozen=True)
class Point:
    """The headline numbers of one analysed attempt.

    Rates are per minute and lengths in seconds. ``target_s`` is the question's target length and
    ``band_s`` the on-target band its analysis judged the length against (None for an analysis made
    before analyses kept their band: then the target widened by the default margin);
    ``comfortable_wpm`` is the pace band (slow below, fast above) the analysis used.
    """

    attempt_id: int
    question: str
    created_at: str
    session_id: int | None
    duration_s: float
    target_s: float
    word_count: int
    filler_count: int
    fillers_per_minute: float
    words_per_minute: float
    pace_variation: float
    comfortable_wpm: tuple[float, float]
    hedge_count: int
    star_parts: int
    expects_example: bool
    band_s: tuple[float, float] | None = None

    @property
    def target_band_s(self) -> tuple[float, float]:
        if self.band_s is not None:
            return self.band_s
        return self.target_s * (1 - TARGET_TOLERANCE), self.target_s * (1 + TARGET_TOLERANCE)

    @property
    def in_target(self) -> bool:
        low, high = self.target_band_s
        return low <= self.duration_s <= high

    @property
    def comfortable_pace(self) -> bool:
        low, high = self.comfortable_wpm
        return low <= self.words_per_minute <= high


@dataclass(frozen=True)
class Progress:
    """How the analysed attempts at one question (or at every question) moved, oldest to latest."""

    attempt_count: int
    first: Point
    latest: Point
    best: Point
    summary: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One metric of two attempts; ``verdict`` is "better", "worse", or "" when neither applies."""

    label: str
    unit: str
    first: float
    second: float
    difference: float
    verdict: str


@dataclass(frozen=True)
class DiffPart:
    """A run of words: "same" in both transcripts, "removed" (first only) or "added" (second only)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Comparison:
    first: Point
    second: Point
    changes: tuple[Change, ...]
    diff: tuple[DiffPart, ...]
    # Share of the words the two transcripts have in common (0-1, difflib's ratio over words).
    similarity: float = 0.0

    @property
    def close(self) -> bool:
        """Whether the answers are close enough for a word diff to read as edits rather than noise."""
        return self.similarity >= DIFF_MIN_SIMILARITY

    def to_dict(self) -> dict[str, object]:
        return {
            "first": self.first.attempt_id,
            "second": self.second.attempt_id,
            "changes": [asdict(change) for change in self.changes],
            "diff": [asdict(part) for part in self.diff],
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    questions: tuple[str, ...]
    summary: tuple[str, ...]


@dataclass(frozen=True)
class _Metric:
    """How one number is read off a point; ``cost`` is lower when better, None when no direction is."""

    label: str
    unit: str
    value: Callable[[Point], float]
    cost: Callable[[Point], float] | None


def _pace_cost(p: Point) -> float:
    """How far the pace lies outside the comfortable band (0 inside it)."""
    low, high = p.comfortable_wpm
    return max(low - p.words_per_minute, p.words_per_minute - high, 0.0)


def _star_cost(p: Point) -> float:
    # A question that asks for no story is not better answered with more STAR parts.
    return -p.star_parts if p.expects_example else 0


_METRICS = (
    _Metric(
        "Fillers per minute", "per_minute", lambda p: p.fillers_per_minute, lambda p: p.fillers_per_minute
    ),
    _Metric("Fillers", "count", lambda p: p.filler_count, lambda p: p.filler_count),
    _Metric("Words per minute", "wpm", lambda p: p.words_per_minute, _pace_cost),
    _Metric("Pace variation (words/min)", "wpm", lambda p: p.pace_variation, lambda p: p.pace_variation),
    _Metric("Length", "seconds", lambda p: p.duration_s, lambda p: abs(p.duration_s - p.target_s)),
    _Metric("Words", "count", lambda p: p.word_count, None),
    _Metric("Hedges", "count", lambda p: p.hedge_count, lambda p: p.hedge_count),
    _Metric("STAR parts found", "count", lambda p: p.star_parts, _star_cost),
)
# Decimal places each unit is shown with; differences smaller than that are not called better or worse.
_DECIMALS = {"per_minute": 1, "wpm": 0, "seconds": 0, "count": 0}


def local_date(created_at: str) -> date:
    return datetime.fromisoformat(created_at).astimezone().date()


def target_seconds(question: str, *, expects_example: bool) -> int:
    """The bank question's target length; a typed question gets the usual length of its kind."""
    found = find_question(question)
    if found.theme != OWN_QUESTION_THEME:
        return found.target_seconds
    return DEFAULT_TARGET_SECONDS["behavioural" if expects_example else "open"]


def analysis_of(attempt: Attempt) -> dict:
    """The attempt's analysis; ParameterError says why there is none."""
    if attempt.analysis is not None:
        return attempt.analysis
    reason = (
        f"its analysis failed ({attempt.error})"
        if attempt.status == "failed"
        else "it has not been analysed yet"
    )
    raise ParameterError(
        f"Attempt #{attempt.id} has no results: {reason}. Open it in the app's History to try again."
    )


def point(attempt: Attempt) -> Point:
    analysis = analysis_of(attempt)
    pacing, example = analysis["pacing"], analysis["example"]
    expects_example = bool(example["options"]["expect_example"])
    target, low, high = length_band(
        analysis, target_seconds(attempt.question, expects_example=expects_example)
    )
    return Point(
        attempt_id=attempt.id,
        question=attempt.question,
        created_at=attempt.created_at,
        session_id=attempt.session_id,
        duration_s=analysis["conciseness"]["duration_s"],
        target_s=target,
        word_count=analysis["conciseness"]["word_count"],
        filler_count=analysis["fillers"]["count"],
        fillers_per_minute=analysis["fillers"]["per_minute"],
        words_per_minute=pacing["words_per_minute"],
        pace_variation=pacing["pace_variation"],
        comfortable_wpm=(pacing["options"]["slow_below_wpm"], pacing["options"]["fast_above_wpm"]),
        hedge_count=len(analysis["conciseness"]["hedges"]),
        star_parts=sum(bool(found) for found in example["star"].values()),
        expects_example=expects_example,
        band_s=(low, high),
    )


def points(attempts: Iterable[Attempt]) -> list[Point]:
    """The candidate's analysed attempts as points, oldest first.

    Failed and unanalysed attempts have no numbers, and a sample answer is the app's, not the
    candidate's: neither may move the progress or become the best.
    """
    return [
        point(attempt)
        for attempt in sorted(attempts, key=lambda a: a.id)
        if attempt.analysis is not None and not is_sample(attempt)
    ]


def best(candidates: list[Point]) -> Point | None:
    """The best attempt by :data:`BEST_RULE`; of equals, the latest."""
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda p: (
            p.star_parts if p.expects_example else 0,
            p.in_target,
            p.comfortable_pace,
            -round(p.fillers_per_minute, 1),
            p.attempt_id,
        ),
    )


def group_by_question(attempts: Iterable[Attempt]) -> dict[str, list[Attempt]]:
    """Attempts per question, keeping the given order within a question and of first appearance."""
    groups: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        groups.setdefault(attempt.question, []).append(attempt)
    return groups


def filter_attempts(
    attempts: Iterable[Attempt],
    *,
    question: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> list[Attempt]:
    """Attempts at ``question`` (any when None) made between the two local dates, both included."""
    return [
        attempt
        for attempt in attempts
        if (question is None or attempt.question == question)
        and (first_day is None or local_date(attempt.created_at) >= first_day)
        and (last_day is None or local_date(attempt.created_at) <= last_day)
    ]


def progress(history: list[Point]) -> Progress | None:
    """The trend over every attempt, the best, and a few plain sentences; None without analysed attempts.

    Attempts at different questions are not one series: their summary says how they went overall and
    leaves the trends to each question's own summary.
    """
    if not history:
        return None
    history = sorted(history, key=lambda p: p.attempt_id)
    first, latest, top = history[0], history[-1], best(history)
    assert top is not None  # history is not empty
    if len({p.question for p in history}) > 1:
        return Progress(len(history), first, latest, top, _overview(history))
    if len(history) == 1:
        summary = (
            f"One analysed attempt so far ({latest.fillers_per_minute:.1f} fillers and "
            f"{latest.words_per_minute:.0f} words per minute, {clock(latest.duration_s)} long): "
            "rehearse again to see your progress.",
        )
        return Progress(1, first, latest, top, summary)
    summary = (
        _fillers_sentence(history),
        _pace_sentence(history),
        _length_sentence(history),
        *_star_sentence(history),
        f"Best so far: attempt #{top.attempt_id} ({when(top.created_at)}).",
    )
    return Progress(len(history), first, latest, top, summary)


def _overview(history: list[Point]) -> tuple[str, ...]:
    questions = len({p.question for p in history})
    return (
        f"{count(len(history), 'analysed attempt')} at {questions} questions. Answers to different "
        "questions are not one series: each question's own progress is below.",
        f"On average {_mean(p.fillers_per_minute for p in history):.1f} fillers per minute and "
        f"{_mean(p.words_per_minute for p in history):.0f} words per minute.",
        _length_sentence(history),
    )


@dataclass(frozen=True)
class Trend:
    """One number's average over the earlier attempts against its average over the recent ones.

    Every attempt counts, not only the first and the latest: the recent ones are the latest half
    (rounded down), the earlier ones the rest. ``lowest`` and ``highest`` span all of them.
    """

    earlier: float
    recent: float
    earlier_count: int
    recent_count: int
    lowest: float
    highest: float

    @property
    def attempt_count(self) -> int:
        return self.earlier_count + self.recent_count


def trend(values: list[float]) -> Trend:
    """The :class:`Trend` of values given oldest first (at least two)."""
    if len(values) < 2:
        raise ParameterError("A trend needs at least two attempts.")
    recent_count = len(values) // 2
    earlier, recent = values[:-recent_count], values[-recent_count:]
    return Trend(_mean(earlier), _mean(recent), len(earlier), len(recent), min(values), max(values))


def _change(t: Trend, before: str, after: str, unit: str) -> str:
    """ "from A to B" with the attempts each average rests on, so the reader knows how much it holds."""
    if t.attempt_count == 2:
        return f"from {before} to {after}{unit} between your 2 attempts"
    recent = (
        "in your latest attempt" if t.recent_count == 1 else f"the average of your latest {t.recent_count}"
    )
    return f"from {before}{unit}, the average of your first {t.earlier_count} attempts, to {after} {recent}"


def _fillers_sentence(history: list[Point]) -> str:
    t = trend([p.fillers_per_minute for p in history])
    before, after = round(t.earlier, 1), round(t.recent, 1)
    if abs(after - before) < FILLERS_STEADY_PER_MINUTE:
        sentence = f"Fillers steady at about {after:.1f} per minute over {t.attempt_count} attempts."
    else:
        direction = "down" if after < before else "up"
        sentence = f"Fillers {direction} {_change(t, f'{before:.1f}', f'{after:.1f}', ' per minute')}."
    return sentence + _uneven(t)


def _pace_sentence(history: list[Point]) -> str:
    t = trend([p.words_per_minute for p in history])
    low, high = history[-1].comfortable_wpm
    before, after = round(t.earlier), round(t.recent)
    was, now = _pace_zone(t.earlier, low, high), _pace_zone(t.recent, low, high)
    band = f"between {low:g} and {high:g}" if now == "comfortable" else f"{low:g}–{high:g} is comfortable"
    if abs(after - before) < PACE_STEADY_WPM:
        return (
            f"Pace steady at about {after} words per minute over {t.attempt_count} attempts: {now} ({band})."
        )
    direction = "rose" if after > before else "fell"
    # "now" only when the pace moved into another zone; otherwise it was already there.
    where = f"now {now}" if now != was else f"still {now}"
    return f"Pace {direction} {_change(t, str(before), str(after), ' words per minute')}: {where} ({band})."


def _pace_zone(words_per_minute: float, low: float, high: float) -> str:
    return "slow" if words_per_minute < low else "fast" if words_per_minute > high else "comfortable"


def _uneven(t: Trend) -> str:
    """A warning when the attempts swing so widely that the two averages say little."""
    swing = t.highest - t.lowest
    if t.attempt_count < 3 or swing <= 2 * abs(t.recent - t.earlier) or swing < FILLERS_UNEVEN_SWING:
        return ""
    return (
        f" It varied from {t.lowest:.1f} to {t.highest:.1f} per minute, "
        "so a few more attempts will show the trend better."
    )


def _length_sentence(history: list[Point]) -> str:
    inside = sum(p.in_target for p in history)
    latest = history[-1]
    if len({p.question for p in history}) == 1:
        low, high = latest.target_band_s
        band = f"the target length ({clock(low)}–{clock(high)})"
    else:
        band = "their question's target length"
    return f"{inside} of {len(history)} answers inside {band}; the latest lasted {clock(latest.duration_s)}."


def _star_sentence(history: list[Point]) -> tuple[str, ...]:
    stories = [p for p in history if p.expects_example]
    if not stories:
        return ()
    complete = sum(p.star_parts == 4 for p in stories)
    if len(stories) == 1:
        return (f"STAR: {stories[0].star_parts} of 4 parts in your one story answer.",)
    return (
        f"STAR parts: {stories[0].star_parts} of 4 at first, {stories[-1].star_parts} of 4 in the latest;"
        f" {complete} of {len(stories)} story answers complete.",
    )


def compare(first: Attempt, second: Attempt) -> Comparison:
    """Every headline metric of two analysed attempts, the change from first to second, and a word diff."""
    before, after = point(first), point(second)
    changes = []
    for metric in _METRICS:
        old, new = float(metric.value(before)), float(metric.value(after))
        changes.append(
            Change(
                metric.label,
                metric.unit,
                old,
                new,
                round(new - old, 2),
                _verdict(metric, before, after),
            )
        )
    texts = analysis_of(first)["transcript"]["text"], analysis_of(second)["transcript"]["text"]
    return Comparison(before, after, tuple(changes), word_diff(*texts), round(similarity(*texts), 3))


def similarity(first: str, second: str) -> float:
    """Share of the words two transcripts have in common, in order (0 none, 1 the same words)."""
    return difflib.SequenceMatcher(
        None, [_word_key(w) for w in first.split()], [_word_key(w) for w in second.split()], autojunk=False
    ).ratio()


def _verdict(metric: _Metric, before: Point, after: Point) -> str:
    if metric.cost is None:
        return ""
    decimals = _DECIMALS[metric.unit]
    old, new = round(metric.cost(before), decimals), round(metric.cost(after), decimals)
    if new == old:
        return ""
    return "better" if new < old else "worse"


def format_value(unit: str, value: float, *, signed: bool = False) -> str:
    """A metric's value as shown: lengths as m:ss, rates and counts rounded to the unit's precision."""
    if signed and round(value, _DECIMALS[unit]) == 0:
        return "no change"
    if unit == "seconds":
        return f"{value:+.0f} s" if signed else clock(value)
    sign = "+" if signed else ""
    return f"{value:{sign}.{_DECIMALS[unit]}f}"


def word_diff(first: str, second: str) -> tuple[DiffPart, ...]:
    """Word-level differences between two transcripts; case and punctuation alone are not a change."""
    old, new = first.split(), second.split()
    matcher = difflib.SequenceMatcher(
        None, [_word_key(w) for w in old], [_word_key(w) for w in new], autojunk=False
    )
    parts: list[DiffPart] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            _append(parts, "same", new[new_start:new_end])
        else:
            _append(parts, "removed", old[old_start:old_end])
            _append(parts, "added", new[new_start:new_end])
    return tuple(parts)


def _word_key(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower()) or word.lower()


def _append(parts: list[DiffPart], kind: str, words: list[str]) -> None:
    if not words:
        return
    if parts and parts[-1].kind == kind:
        parts[-1] = DiffPart(kind, parts[-1].text + " " + " ".join(words))
    else:
        parts.append(DiffPart(kind, " ".join(words)))


def diff_html(parts: Iterable[DiffPart]) -> str:
    """The second transcript's wording with words taken out struck through in red and new words in green."""
    shown = []
    for part in parts:
        text = html.escape(part.text)
        if part.kind == "removed":
            shown.append(f'<del style="{REMOVED_STYLE}" title="Only in the first attempt">{text}</del>')
        elif part.kind == "added":
            shown.append(f'<ins style="{ADDED_STYLE}" title="Only in the second attempt">{text}</ins>')
        else:
            shown.append(text)
    return '<div style="line-height:1.9;font-size:1.05rem">' + " ".join(shown) + "</div>"


def diff_text(parts: Iterable[DiffPart]) -> str:
    """The word diff for a terminal: [-taken out-] and {+new+}."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return " ".join(marks[part.kind].format(part.text) for part in parts)


def format_comparison(comparison: Comparison) -> str:
    """The comparison as the command line prints it."""
    first, second = comparison.first, comparison.second
    header = (
        f"#{first.attempt_id} ({when(first.created_at)})",
        f"#{second.attempt_id} ({when(second.created_at)})",
    )
    lines = [f"First:  {header[0]}  {first.question}", f"Second: {header[1]}  {second.question}", ""]
    lines.append(f"{'':<28}{'first':>9}{'second':>9}{'change':>9}")
    for change in comparison.changes:
        lines.append(
            f"{change.label:<28}{format_value(change.unit, change.first):>9}"
            f"{format_value(change.unit, change.second):>9}"
            f"{format_value(change.unit, change.difference, signed=True):>9}  {change.verdict}".rstrip()
        )
    if comparison.close:
        lines += ["", "Wording ([-only in the first-] {+only in the second+})", diff_text(comparison.diff)]
    else:
        lines += [
            "",
            f"Wording: the answers share {comparison.similarity:.0%} of their words, too few for a word diff.",
        ]
    return "\n".join(lines)


def session_summary(session: Session, attempts: Iterable[Attempt]) -> SessionSummary:
    """What one sitting covered and how it went, from the attempts of that session.

    Only the candidate's analysed answers count; failed analyses and sample answers are named apart.
    """
    mine = sorted((a for a in attempts if a.session_id == session.id), key=lambda a: a.id)
    questions = tuple(group_by_question(mine))
    analysed = points(mine)
    started, ended = datetime.fromisoformat(session.started_at), datetime.fromisoformat(session.ended_at)
    minutes = round((ended - started).total_seconds() / 60)
    length = "" if len(mine) < 2 else f" in {minutes} min" if minutes else " in under a minute"
    if analysed:
        asked = len({p.question for p in analysed})
        summary = [
            f"{count(len(analysed), 'attempt')} at {count(asked, 'question')}{length}"
            f" ({session_period(session)}).",
            f"On average {_mean(p.fillers_per_minute for p in analysed):.1f} fillers per minute and"
            f" {_mean(p.words_per_minute for p in analysed):.0f} words per minute;"
            f" {sum(p.in_target for p in analysed)} of {count(len(analysed), 'answer')} inside the"
            " target length.",
        ]
    else:
        summary = [f"No answer of yours was analysed in this session ({session_period(session)})."]
    for question, of_question in group_by_question(analysed).items():
        if len(of_question) > 1:
            fillers = _fillers_sentence(of_question)
            summary.append(f"“{question}”: {fillers[0].lower()}{fillers[1:]}")
    left_out = not_counted(mine)
    if left_out:
        summary.append(left_out)
    return SessionSummary(session, questions, tuple(summary))


def is_sample(attempt: Attempt) -> bool:
    """Whether the attempt is the app's own sample answer, run to try the app (not the candidate's)."""
    return attempt.analysis is not None and attempt.analysis.get("sample") is True


def not_counted(attempts: Iterable[Attempt]) -> str | None:
    """Which attempts the progress, the tables and the best leave out, and why; None when none are."""
    attempts = list(attempts)
    failed = [a for a in attempts if a.analysis is None]
    samples = [a for a in attempts if is_sample(a)]
    parts = []
    if failed:
        numbers = ", ".join(f"#{a.id}" for a in failed)
        parts.append(f"{count(len(failed), 'attempt')} not analysed ({numbers})")
    if samples:
        parts.append(f"{count(len(samples), 'sample answer')} (the app's, not yours)")
    if not parts:
        return None
    return f"Not counted: {' and '.join(parts)}."


def session_period(session: Session) -> str:
    """When a session ran, its end shown as a time alone when it ended the day it started."""
    start, end = when(session.started_at), when(session.ended_at)
    if start == end:
        return start
    if local_date(session.started_at) == local_date(session.ended_at):
        return f"{start}–{end[-5:]}"
    return f"{start} – {end}"


def count(number: int, noun: str) -> str:
    """The number and its noun, plural unless the number is one: "1 attempt", "2 attempts"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


def attempt_row(attempt: Attempt) -> dict[str, object]:
    """One attempt's headline numbers as flat values (None where the analysis is missing): a CSV row."""
    row: dict[str, object] = {
        "id": attempt.id,
        "created_at": attempt.created_at,
        "session_id": attempt.session_id,
        "question": attempt.question,
        "status": attempt.status,
        "error": attempt.error,
    }
    in_round = {
        "round_id": attempt.round_id,
        "round_position": attempt.round_position,
        "follow_up": attempt.follow_up,
    }
    if attempt.analysis is None:
        return row | dict.fromkeys(CSV_COLUMNS[len(row) :]) | in_round
    p = point(attempt)
    star = attempt.analysis["example"]["star"]
    return (
        row
        | {
            "duration_s": p.duration_s,
            "target_s": p.target_s,
            "in_target": p.in_target,
            "word_count": p.word_count,
            "filler_count": p.filler_count,
            "fillers_per_minute": p.fillers_per_minute,
            "words_per_minute": p.words_per_minute,
            "pace_verdict": attempt.analysis["pacing"]["verdict"],
            "pace_variation": p.pace_variation,
            "hedge_count": p.hedge_count,
            "expects_example": p.expects_example,
            "star_parts": p.star_parts,
            **{f"star_{part}": bool(star[part]) for part in STAR_LABELS},
            "sample": is_sample(attempt),
        }
        | in_round
    )


CSV_COLUMNS = (
    "id", "created_at", "session_id", "question", "status", "error",
    "duration_s", "target_s", "in_target", "word_count", "filler_count", "fillers_per_minute",
    "words_per_minute", "pace_verdict", "pace_variation", "hedge_count", "expects_example", "star_parts",
    *(f"star_{part}" for part in STAR_LABELS), "sample", "round_id", "round_position", "follow_up",
)  # fmt: skip


def attempts_csv(attempts: Iterable[Attempt]) -> str:
    """Every attempt as one CSV row, in the order given; empty cells where there is no analysis."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for attempt in attempts:
        writer.writerow(attempt_row(attempt))
    return buffer.getvalue()


def attempt_json(attempt: Attempt) -> str:
    """The stored analysis exactly as ``rehearse analyze --json`` printed it (without the newline)."""
    return json.dumps(analysis_of(attempt), ensure_ascii=False)


def attempt_markdown(attempt: Attempt) -> str:
    """A report of one attempt to keep or share: headline numbers, STAR checklist, tips, transcript."""
    analysis = analysis_of(attempt)
    p = point(attempt)
    lines = [
        f"# {_markdown(attempt.question)}",
        "",
        f"Attempt #{attempt.id}, {when(attempt.created_at)}. Target length {clock(p.target_s)}.",
        "",
        "## Headline numbers",
        "",
        "| | | |",
        "| --- | --- | --- |",
    ]
    for headline in headlines(analysis, target_seconds=p.target_s, previous=None):
        lines.append(f"| {headline.label} | {headline.value} | {_markdown(headline.note)} |")
    lines += ["", "## STAR example", ""]
    for row in star_rows(analysis):
        shown = f"“{_markdown(row.evidence)}”" if row.evidence else "not found"
        lines.append(f"- [{'x' if row.found else ' '}] **{row.label}**: {shown}")
    if (voice := voice_verdict(analysis)) is not None:
        lines += [
            "",
            "## Voice",
            "",
            voice.headline,
            "",
            *(f"- {line}" for line in voice.lines),
            "",
            voice.fine,
        ]
    lines += ["", "## What to work on", ""]
    for number, tip in enumerate(analysis["tips"], start=1):
        at = "" if tip["start"] is None else f" (at {clock(tip['start'])})"
        lines += [
            f"{number}. **{_markdown(tip['message'])}**{at}",
            f"   {_markdown(tip['evidence'])}",
            f"   *Guide: {_markdown(tip['advice'])}*",
        ]
    if not analysis["tips"]:
        lines.append("Nothing stands out to change.")
    lines += ["", "## Transcript", "", _markdown(analysis["transcript"]["text"]), ""]
    return "\n".join(lines)


def _markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def format_history(attempts: list[Attempt]) -> str:
    """Attempts grouped by question, newest first, each question with its progress (the CLI's view)."""
    if not attempts:
        return "No attempts yet: save one with `rehearse analyze FILE --question TEXT --save`."
    blocks = []
    for question, asked in group_by_question(sorted(attempts, key=lambda a: -a.id)).items():
        summary = progress(points(asked))
        top = summary.best.attempt_id if summary else None
        lines = [f"{question}  ({count(len(asked), 'attempt')})"]
        lines += [f"  {sentence}" for sentence in (summary.summary if summary else ())]
        lines += ["  " + _attempt_line(attempt, is_best=attempt.id == top) for attempt in asked]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _attempt_line(attempt: Attempt, *, is_best: bool) -> str:
    head = f"#{attempt.id:<5}{when(attempt.created_at)}"
    if attempt.analysis is None:
        return f"{head}  " + ("not analysed" if attempt.status == "recorded" else f"failed: {attempt.error}")
    p = point(attempt)
    star = f"  STAR {p.star_parts}/4" if p.expects_example else ""
    return (
        f"{head}  {clock(p.duration_s):>5}  {p.fillers_per_minute:4.1f} fillers/min"
        f"  {p.words_per_minute:3.0f} words/min{star}"
        + ("  ★ best" if is_best else "")
        + ("  (sample answer, not counted)" if is_sample(attempt) else "")
    )


def round_dict(mock_round: MockRound) -> dict[str, object]:
    """A mock interview round as History lists it: its questions, follow-ups and attempt ids."""
    return {
        "id": mock_round.id,
        "stage": mock_round.stage,
        "state": mock_round.state,
        "started_at": mock_round.started_at,
        "finished_at": mock_round.finished_at,
        "questions": list(mock_round.questions),
        "follow_ups": list(mock_round.follow_ups),
        "attempts": [attempt.id for attempt in mock_round.attempts],
    }


def rounds_table(rounds: Sequence[MockRound]) -> pd.DataFrame:
    """One row per mock interview round, newest first: when, the stage, how far it got."""
    rows = [
        {
            "Round": f"#{r.id}",
            "Stage": "Final interview" if r.stage == "final" else "Second round",
            "Started": when(r.started_at),
            "Answered": f"{sum(1 for p in range(len(r.questions)) if r.answer(p) is not None)} of {len(r.questions)}",
            "Follow-ups": sum(1 for follow_up in r.follow_ups if follow_up),
            "State": "finished"
            if r.state == "finished"
            else "unfinished: resume it on the Mock interview page",
        }
        for r in rounds
    ]
    return pd.DataFrame(rows, columns=["Round", "Stage", "Started", "Answered", "Follow-ups", "State"])


def history_dict(attempts: list[Attempt], rounds: Sequence[MockRound] = ()) -> dict[str, object]:
    """``rehearse history --json``: every attempt's numbers, the progress per question and overall,
    and the mock interview rounds (newest first)."""
    summaries = [
        (question, progress(points(asked)))
        for question, asked in [*group_by_question(attempts).items(), (None, attempts)]
    ]
    return {
        "attempts": [attempt_row(attempt) for attempt in attempts],
        # One entry per question with analysed attempts, then one for every question (question null).
        "progress": [
            {
                "question": question,
                "analysed_attempts": summary.attempt_count,
                "first": summary.first.attempt_id,
                "latest": summary.latest.attempt_id,
                "best": summary.best.attempt_id,
                "summary": list(summary.summary),
            }
            for question, summary in summaries
            if summary is not None
        ],
        "rounds": [round_dict(mock_round) for mock_round in rounds],
    }


# A legend label longer than this ends in "…": at 390 px a longer one was cut off by the chart's edge.
LEGEND_LABEL_PX = 280
# The trend charts: one per metric, attempts oldest first along the x axis.
TRENDS = {
    "fillers": ("Fillers per minute", "fillers_per_minute", None),
    "pace": ("Words per minute", "words_per_minute", ("slow_below", "fast_above")),
    "length": ("Length (seconds)", "duration_s", ("target_low_s", "target_high_s")),
    "star": ("STAR parts found (of 4)", "star_parts", None),
}


def trend_frame(history: list[Point]) -> pd.DataFrame:
    """One row per analysed attempt, oldest first, with the bands each chart shades and each question's best marked."""
    history = sorted(history, key=lambda p: p.attempt_id)
    # The best of each question: answers to different questions do not compete with each other.
    tops = {
        best([p for p in history if p.question == question]) for question in {p.question for p in history}
    }
    return pd.DataFrame(
        {
            # Counted within each question: answers to different questions are separate series.
            "number": [
                sum(q.question == p.question for q in history[: index + 1]) for index, p in enumerate(history)
            ],
            "attempt": [f"#{p.attempt_id}" for p in history],
            "when": [when(p.created_at) for p in history],
            "question": [p.question for p in history],
            "fillers_per_minute": [p.fillers_per_minute for p in history],
            "words_per_minute": [p.words_per_minute for p in history],
            "slow_below": [p.comfortable_wpm[0] for p in history],
            "fast_above": [p.comfortable_wpm[1] for p in history],
            "duration_s": [p.duration_s for p in history],
            "target_low_s": [p.target_band_s[0] for p in history],
            "target_high_s": [p.target_band_s[1] for p in history],
            "star_parts": [p.star_parts for p in history],
            "best": [p in tops for p in history],
        },
        columns=[
            "number", "attempt", "when", "question", "fillers_per_minute", "words_per_minute", "slow_below",
            "fast_above", "duration_s", "target_low_s", "target_high_s", "star_parts", "best",
        ],
    )  # fmt: skip


def trend_chart(frame: pd.DataFrame, trend: str) -> alt.LayerChart:
    """One metric over the attempts: a line per question, the good band shaded green, the best starred."""
    title, field, band = TRENDS[trend]
    several = frame["question"].nunique() > 1
    x_title = "Attempt at each question, oldest first" if several else "Attempt, oldest first"
    x = alt.X("number:O", title=x_title, axis=alt.Axis(labelAngle=0))
    color = (
        alt.Color(
            "question:N",
            title=None,
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=LEGEND_LABEL_PX),
        )
        if several
        else alt.value("#1c7ed6")
    )
    tooltip = [
        alt.Tooltip("attempt:N", title="attempt"),
        alt.Tooltip("when:N", title="when"),
        alt.Tooltip(f"{field}:Q", title=title, format=".1f" if trend == "fillers" else ".0f"),
    ]
    y = alt.Y(
        f"{field}:Q", title=title, scale=alt.Scale(domain=[0, 4]) if trend == "star" else alt.Scale(zero=True)
    )
    layers = []
    if band is not None:
        layers.append(
            alt.Chart(frame)
            .mark_bar(color="#2f9e44", opacity=0.15)
            .encode(x=x, y=f"{band[0]}:Q", y2=f"{band[1]}:Q")
        )
    layers.append(
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x=x, y=y, color=color, detail="question:N", tooltip=tooltip)
    )
    layers.append(
        alt.Chart(frame)
        .transform_filter(alt.datum.best)
        .mark_text(text="★", dy=-14, fontSize=20, color="#f08c00")
        .encode(x=x, y=y, tooltip=tooltip)
    )
    # fit-x: the height is the plot's own, so a legend of long questions does not squash it.
    autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    return alt.layer(*layers).properties(height=200, title=title, autosize=autosize)


def attempts_table(attempts: list[Attempt]) -> pd.DataFrame:
    """Analysed attempts (in the order given) as the History page lists them; the best one starred.

    Attempts without numbers are left out rather than shown as empty cells (:func:`not_counted`
    names them); a sample answer is listed, marked, and never the best.
    """
    top = best(points(attempts))
    rows = []
    for attempt in attempts:
        if attempt.analysis is None:
            continue
        p = point(attempt)
        rows.append(
            {
                "Best": "★" if top is not None and attempt.id == top.attempt_id else "",
                "Attempt": f"#{attempt.id}",
                "When": when(attempt.created_at),
                "Length": clock(p.duration_s),
                "Against target": _against_target(p),
                "Fillers/min": round(p.fillers_per_minute, 1),
                "Words/min": round(p.words_per_minute),
                "STAR parts": _star_cell(p),
                "Status": "sample (not counted)" if is_sample(attempt) else "analysed",
            }
        )
    return pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))


_TABLE_COLUMNS = (
    "Best", "Attempt", "When", "Length", "Against target", "Fillers/min", "Words/min", "STAR parts", "Status",
)  # fmt: skip


def _star_cell(p: Point) -> str:
    return f"{p.star_parts} of 4" if p.expects_example else f"{p.star_parts} of 4 (optional)"


def _against_target(p: Point) -> str:
    """Judged against the answer's on-target band, in the words the results page uses."""
    low, high = p.target_band_s
    band = f"{clock(low)}–{clock(high)}"
    if p.in_target:
        return f"on target ({band})"
    if p.duration_s < low:
        return f"too short by {max(1, round(low - p.duration_s))} s ({band})"
    return f"too long by {max(1, round(p.duration_s - high))} s ({band})"


def sessions_table(sessions: list[Session], attempts: list[Attempt]) -> pd.DataFrame:
    """One row per practice session: when, how many analysed answers of the candidate's, which questions."""
    rows = []
    for session in sessions:
        # Failed analyses and sample answers are not the candidate's answers to count.
        counted = points(a for a in attempts if a.session_id == session.id)
        rows.append(
            {
                "Session": session_period(session),
                "Attempts": len(counted),
                "Questions": len({p.question for p in counted}),
            }
        )
    return pd.DataFrame(rows, columns=["Session", "Attempts", "Questions"])
