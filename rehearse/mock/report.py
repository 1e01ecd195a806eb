"""The round report: each question's headline numbers, and how the whole round went.

For the round: fillers and pace from the first answer to the last (did nerves settle or grow?),
length against each question's target, time to first point, stories told twice, and the three
things to work on first, each with the evidence that puts it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from rehearse.history.store import MockRound
from rehearse.mock.first_point import time_to_first_point, transcript_of
from rehearse.mock.reuse import ReusedStory, ReuseOptions, reused_stories

MAX_WORK_ON = 3
# Seconds before the first point after which an interviewer notices the wait.
SLOW_FIRST_POINT_S = 6.0
# Fillers per minute the guide's "composed" answer stays under, and the change that counts as a trend.
FILLERS_NOTICEABLE_PER_MINUTE = 3.0
FILLERS_TREND_PER_MINUTE = 1.5
PACE_TREND_WPM = 15.0


@dataclass(frozen=True)
class RoundAnswer:
    """One question of a round as answered: ``analysis`` is ``Analysis.to_dict()`` (None while it is
    not analysed or when it failed), with the follow-up asked and the analysis of its answer."""

    question: str
    analysis: dict | None
    follow_up: str | None = None
    follow_up_analysis: dict | None = None


@dataclass(frozen=True)
class QuestionReport:
    """One question's headline numbers; ``length_verdict`` is "short", "ok" or "long"."""

    index: int
    question: str
    analysed: bool
    duration_s: float | None = None
    band_s: tuple[float, float] | None = None
    length_verdict: str | None = None
    fillers_per_minute: float | None = None
    words_per_minute: float | None = None
    time_to_first_point_s: float | None = None
    star: dict[str, bool] = field(default_factory=dict)
    expects_example: bool = False
    example_present: bool = False
    tips: tuple[str, ...] = ()
    follow_up: str | None = None
    follow_up_tips: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkOn:
    """One thing to work on first, with the evidence from this round that puts it on the list."""

    title: str
    evidence: str
    priority: int


@dataclass(frozen=True)
class RoundReport:
    questions: tuple[QuestionReport, ...]
    fillers_per_minute: tuple[float | None, ...]
    words_per_minute: tuple[float | None, ...]
    time_to_first_point_s: tuple[float | None, ...]
    nerves: str
    reused_stories: tuple[ReusedStory, ...]
    work_on: tuple[WorkOn, ...]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["reused_stories"] = [[story.first, story.second] for story in self.reused_stories]
        data["reused_story_evidence"] = [asdict(story) for story in self.reused_stories]
        return data


def round_report(answers: Sequence[RoundAnswer], *, reuse: ReuseOptions | None = None) -> RoundReport:
    """The report of a round, from its answers in asking order (unanalysed ones show as gaps)."""
    questions = tuple(_question_report(index, answer) for index, answer in enumerate(answers))
    analysed = [(index, answer.analysis) for index, answer in enumerate(answers) if answer.analysis]
    stories = reused_stories([analysis["transcript"]["text"] for _, analysis in analysed], options=reuse)
    # Indexes of the analysed answers back to their places in the round.
    stories = tuple(
        ReusedStory(analysed[s.first][0], analysed[s.second][0], s.overlap, s.shared) for s in stories
    )
    fillers = tuple(q.fillers_per_minute for q in questions)
    pace = tuple(q.words_per_minute for q in questions)
    return RoundReport(
        questions=questions,
        fillers_per_minute=fillers,
        words_per_minute=pace,
        time_to_first_point_s=tuple(q.time_to_first_point_s for q in questions),
        nerves=nerves_sentence(fillers, pace),
        reused_stories=stories,
        work_on=work_on(questions, stories),
    )


def round_answers(mock_round: MockRound) -> list[RoundAnswer]:
    """The answers of a stored round, one per question asked so far, in asking order."""
    answers = []
    for position, question in enumerate(mock_round.questions):
        answer = mock_round.answer(position)
        if answer is None:
            break
        follow_up_answer = mock_round.follow_up_answer(position)
        answers.append(
            RoundAnswer(
                question=question,
                analysis=answer.analysis,
                follow_up=mock_round.follow_ups[position],
                follow_up_analysis=None if follow_up_answer is None else follow_up_answer.analysis,
            )
        )
    return answers


def compare_with_previous(report: RoundReport, previous: Sequence[RoundReport]) -> tuple[str, ...]:
    """Sentences comparing this round with the average of the candidate's earlier rounds."""
    if not previous:
        return ("This is your first round: the next one will be compared with it.",)
    rounds = f"your {len(previous)} earlier round" + ("s" if len(previous) > 1 else "")
    sentences = []
    for label, unit, now, before, lower_is_better in (
        (
            "Fillers",
            "per minute",
            _mean(report.fillers_per_minute),
            _mean_over(previous, "fillers_per_minute"),
            True,
        ),
        (
            "Time to first point",
            "s",
            _mean(report.time_to_first_point_s),
            _mean_over(previous, "time_to_first_point_s"),
            True,
        ),
        (
            "Answers on target length",
            "%",
            _on_target(report),
            _mean([_on_target(r) for r in previous]),
            False,
        ),
    ):
        if now is None or before is None:
            continue
        better = now < before if lower_is_better else now > before
        verdict = (
            "about the same as"
            if abs(now - before) < 0.05 * max(abs(before), 1.0)
            else ("better than" if better else "worse than")
        )
        sentences.append(f"{label}: {now:.1f} {unit}, {verdict} {rounds} ({before:.1f} {unit}).")
    return tuple(sentences)


def _mean(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def _mean_over(reports: Sequence[RoundReport], attribute: str) -> float | None:
    return _mean([_mean(getattr(report, attribute)) for report in reports])


def _on_target(report: RoundReport) -> float | None:
    verdicts = [q.length_verdict for q in report.questions if q.analysed]
    return 100 * sum(verdict == "ok" for verdict in verdicts) / len(verdicts) if verdicts else None


def _question_report(index: int, answer: RoundAnswer) -> QuestionReport:
    analysis = answer.analysis
    if analysis is None:
        return QuestionReport(
            index=index, question=answer.question, analysed=False, follow_up=answer.follow_up
        )
    conciseness, example = analysis["conciseness"], analysis["example"]
    follow_tips = tuple(tip["message"] for tip in (answer.follow_up_analysis or {}).get("tips", []))
    return QuestionReport(
        index=index,
        question=answer.question,
        analysed=True,
        duration_s=conciseness["duration_s"],
        band_s=tuple(conciseness["band_s"]),  # type: ignore[arg-type]
        length_verdict=conciseness["verdict"],
        fillers_per_minute=analysis["fillers"]["per_minute"],
        words_per_minute=analysis["pacing"]["words_per_minute"],
        time_to_first_point_s=time_to_first_point(transcript_of(analysis)),
        star=dict(example["star"]),
        expects_example=bool(example["options"]["expect_example"]),
        example_present=bool(example["present"]),
        tips=tuple(tip["message"] for tip in analysis["tips"]),
        follow_up=answer.follow_up,
        follow_up_tips=follow_tips,
    )


def nerves_sentence(fillers: Sequence[float | None], pace: Sequence[float | None]) -> str:
    """Whether fillers and pace settled or grew from the first analysed answer to the last."""
    known_fillers = [value for value in fillers if value is not None]
    known_pace = [value for value in pace if value is not None]
    if len(known_fillers) < 2:
        return "Answer at least two questions to see how your fillers and pace moved through the round."
    first, last = known_fillers[0], known_fillers[-1]
    if last <= first - FILLERS_TREND_PER_MINUTE:
        said = f"Your fillers settled: {first:.1f} per minute in the first answer, {last:.1f} in the last."
    elif last >= first + FILLERS_TREND_PER_MINUTE:
        said = f"Your fillers grew: {first:.1f} per minute in the first answer, {last:.1f} in the last."
    else:
        said = (
            f"Your fillers held steady: {first:.1f} per minute in the first answer, {last:.1f} in the last."
        )
    pace_change = known_pace[-1] - known_pace[0]
    if abs(pace_change) >= PACE_TREND_WPM:
        direction = "sped up" if pace_change > 0 else "slowed down"
        said += f" Your pace {direction} from {known_pace[0]:.0f} to {known_pace[-1]:.0f} words per minute."
    else:
        said += f" Your pace stayed near {known_pace[-1]:.0f} words per minute."
    return said


def work_on(questions: Sequence[QuestionReport], stories: Sequence[ReusedStory]) -> tuple[WorkOn, ...]:
    """Up to three things to work on first, the most costly in an interview first."""
    analysed = [q for q in questions if q.analysed]
    found: list[WorkOn] = []
    no_example = [q for q in analysed if q.expects_example and not q.example_present]
    if no_example:
        found.append(
            WorkOn(
                "Back every behavioural answer with one specific example.",
                f"No specific example in {_answers(no_example)}.",
                90,
            )
        )
    if stories:
        pairs = "; ".join(
            f"answers {s.first + 1} and {s.second + 1} share {', '.join(s.shared[:5])}" for s in stories
        )
        found.append(
            WorkOn("Use a different story for each question.", f"The same story twice: {pairs}.", 80)
        )
    no_result = [q for q in analysed if q.expects_example and q.example_present and not q.star.get("result")]
    if no_result:
        found.append(
            WorkOn("End each story with its result.", f"No clear result in {_answers(no_result)}.", 70)
        )
    off_length = [q for q in analysed if q.length_verdict in ("short", "long")]
    if off_length:
        details = "; ".join(
            f"answer {q.index + 1} lasted {_clock(q.duration_s)} against {_clock(q.band_s[0])}–{_clock(q.band_s[1])}"
            for q in off_length
            if q.duration_s is not None and q.band_s is not None
        )
        found.append(
            WorkOn("Keep each answer to its target length.", _sentence(details), 60 + 5 * len(off_length))
        )
    slow = [
        q
        for q in analysed
        if q.time_to_first_point_s is not None and q.time_to_first_point_s > SLOW_FIRST_POINT_S
    ]
    if slow:
        details = "; ".join(f"answer {q.index + 1}: {q.time_to_first_point_s:.1f} s" for q in slow)
        found.append(
            WorkOn(
                "Start with your point: leave out the warm-up phrases.",
                f"Time to first point: {details}.",
                65,
            )
        )
    fillers = [q.fillers_per_minute for q in analysed if q.fillers_per_minute is not None]
    if fillers and sum(fillers) / len(fillers) >= FILLERS_NOTICEABLE_PER_MINUTE:
        per_answer = ", ".join(f"{value:.1f}" for value in fillers)
        found.append(
            WorkOn(
                "Pause instead of filling the silence.",
                f"{sum(fillers) / len(fillers):.1f} fillers per minute over the round ({per_answer} in answer order).",
                55,
            )
        )
    return tuple(sorted(found, key=lambda item: -item.priority)[:MAX_WORK_ON])


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _answers(questions: Sequence[QuestionReport]) -> str:
    numbers = [str(q.index + 1) for q in questions]
    if len(numbers) == 1:
        return f"answer {numbers[0]} ({questions[0].question})"
    return "answers " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _clock(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"
