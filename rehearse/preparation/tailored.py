"""Questions for one interview: a behavioural question per requirement, value and fit questions naming
the company, the bank's challenging questions, and practice aimed at the earlier round's feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rehearse.preparation.focus import FocusArea
from rehearse.preparation.interview import CompanyValue
from rehearse.preparation.questions import load_questions
from rehearse.preparation.requirements import Requirement, starts_with_a_verb

CHALLENGING_THEME = "Challenging questions"
QUESTION_KINDS = ("requirement", "value", "challenging", "feedback")
# Openings in the interviewer's words, taken in turn so the list does not read as one template.
_DUTY_OPENINGS = (
    "Tell me about a time you had to {phrase}.",
    "Describe a situation where you had to {phrase}, and what the result was.",
)
_SKILL_OPENING = (
    "Tell me about a time when {phrase} mattered in your work. What did you do, and what was the result?"
)


@dataclass(frozen=True)
class TailoredQuestion:
    """``kind`` is one of :data:`QUESTION_KINDS`; ``requirement`` or ``value`` names what it aims at."""

    text: str
    kind: str
    requirement: str | None = None
    value: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def behavioural_question(requirement: Requirement, index: int = 0) -> str:
    """ "Tell me about a time you had to manage a budget." in the interviewer's words."""
    phrase = requirement.text.strip().rstrip(".")
    duty = requirement.duty if requirement.duty is not None else starts_with_a_verb(phrase)
    if duty:
        phrase = phrase[:1].lower() + phrase[1:]
        return _DUTY_OPENINGS[index % len(_DUTY_OPENINGS)].format(phrase=phrase)
    return _SKILL_OPENING.format(phrase=phrase)


def value_questions(company: str, value: CompanyValue) -> list[str]:
    company = company.strip() or "our company"
    return [
        f"One of {company}'s values is ‘{value.name}’. Tell me about a time you lived it at work.",
        f"What does ‘{value.name}’ mean to you, and how would it show in this role at {company}?",
    ]


def tailored_questions(
    *,
    company: str,
    requirements: Sequence[Requirement],
    values: Sequence[CompanyValue],
    focus_areas: Sequence[FocusArea] = (),
) -> list[TailoredQuestion]:
    """Every question for this interview: requirements first, then values, the bank's challenging
    questions, and one practice question per focus area from the earlier feedback."""
    questions = [
        TailoredQuestion(
            behavioural_question(requirement, index), "requirement", requirement=requirement.text
        )
        for index, requirement in enumerate(requirements)
    ]
    for value in values:
        questions.extend(
            TailoredQuestion(text, "value", value=value.name) for text in value_questions(company, value)
        )
    questions.extend(
        TailoredQuestion(question.text, "challenging")
        for question in load_questions()
        if question.theme == CHALLENGING_THEME
    )
    questions.extend(TailoredQuestion(area.practice_question, "feedback") for area in focus_areas)
    return questions
