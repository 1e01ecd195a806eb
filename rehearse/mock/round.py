"""Choosing a round: 4-8 questions in the order a real second-round or final interview asks them.

The guide's mix: an opener that picks up from the earlier rounds, behavioural questions backed by
specific examples, a values and fit question, a challenging one, and the candidate's own questions
at the end ("Do you have any questions for us?").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rehearse.errors import ParameterError
from rehearse.preparation.questions import Question, find_question, load_questions

STAGES = ("second_round", "final")
STAGE_NAMES = {"second_round": "Second round", "final": "Final interview"}
MIN_QUESTIONS = 4
MAX_QUESTIONS = 8
CLOSING_QUESTION = "Do you have any questions for us?"

_OPENERS = {
    "second_round": (
        "Walk me through your CV in ninety seconds, focusing on what is relevant to this role.",
        "In your first interview you mentioned a project you were proud of. Tell us more about your part in it.",
    ),
    "final": (
        "What has changed in how you see this role since we last spoke?",
        "Is there anything from your earlier interviews you would like to add or clarify?",
    ),
}
# Where each kind of slot draws from in the bank, by theme.
_CHALLENGING_THEME = "Challenging questions"
_VALUE_THEME = "Your value and fit"
_VALUES_THEME = "Company values and culture"
_EXTRA_THEMES = {
    "second_round": (_VALUE_THEME, _CHALLENGING_THEME, _VALUES_THEME),
    "final": ("Ideas and insight", "Closing", _VALUE_THEME),
}


@dataclass(frozen=True)
class RoundOptions:
    """How a round is chosen: ``stage`` ("second_round" or "final"), ``question_count`` (4-8), and
    ``seed`` for the random draw (None: a new draw every round)."""

    stage: str = "second_round"
    question_count: int = 5
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ParameterError(f"The stage must be one of {', '.join(STAGES)}, not '{self.stage}'.")
        if not MIN_QUESTIONS <= self.question_count <= MAX_QUESTIONS:
            raise ParameterError(
                f"A round has {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, not {self.question_count}."
            )


@dataclass(frozen=True)
class Slot:
    """One place in a round: what it is for (``role``), which bank questions may fill it, and
    which kind of tailored question may (None: only the bank's)."""

    role: str
    from_bank: Callable[[Question], bool]
    tailored_kind: str | None


def choose_round(
    options: RoundOptions | None = None, *, tailored: Sequence[Question] = ()
) -> tuple[Question, ...]:
    """The questions of one round, opener first and the candidate's own questions last.

    ``tailored`` questions (those of a prepared interview) fill the slots of their kind, in their
    order, before the bank does.
    """
    options = options or RoundOptions()
    draw = random.Random(options.seed)
    unused_tailored = list(tailored)
    chosen: list[Question] = []
    for slot in round_slots(options):
        fitting = [question for question in unused_tailored if question.kind == slot.tailored_kind]
        if fitting:
            chosen.append(fitting[0])
            unused_tailored.remove(fitting[0])
            continue
        candidates = [q for q in load_questions() if slot.from_bank(q) and q not in chosen]
        chosen.append(draw.choice(candidates))
    return tuple(chosen)


def round_slots(options: RoundOptions) -> list[Slot]:
    """The slots of a round in asking order; a four-question round lets the challenging question
    be its behavioural one."""
    opener = Slot("opener", lambda q: q.text in _OPENERS[options.stage], None)
    behavioural = Slot(
        "behavioural",
        lambda q: q.kind == "behavioural" and q.theme in (_VALUE_THEME, _VALUES_THEME),
        "behavioural",
    )
    values = Slot(
        "values and fit", lambda q: q.kind == "open" and q.theme in (_VALUES_THEME, _VALUE_THEME), "open"
    )
    challenging = Slot("challenging", lambda q: q.theme == _CHALLENGING_THEME, "behavioural")
    # From the bank always the interviewer's plain question; a prepared interview may bring its own.
    closing = Slot("your questions", lambda q: q.text == CLOSING_QUESTION, "ask")
    middle = (
        [behavioural, values, challenging]
        if options.question_count > MIN_QUESTIONS
        else [values, challenging]
    )
    extra_themes = _EXTRA_THEMES[options.stage]
    while len(middle) < options.question_count - 2:
        theme = extra_themes[(len(middle) - 3) % len(extra_themes)]
        middle.append(Slot("extra", lambda q, theme=theme: q.theme == theme and q.kind != "ask", "open"))
    return [opener, *middle, closing]


def questions_from_lines(lines: Sequence[str]) -> tuple[Question, ...]:
    """Questions typed one per line (a questions file); blank lines are skipped."""
    return tuple(find_question(line) for line in lines if line.strip())
