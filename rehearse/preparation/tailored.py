"""Questions for one interview: a behavioural question per requirement, value and fit questions naming
the company, the bank's challenging questions, and practice aimed at the earlier round's feedback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rehearse.errors import ParameterError
from rehearse.preparation.focus import FocusArea
from rehearse.preparation.interview import CompanyValue
from rehearse.preparation.questions import load_questions
from rehearse.preparation.requirements import Requirement, lower_first, parse

CHALLENGING_THEME = "Challenging questions"
QUESTION_KINDS = ("requirement", "value", "challenging", "feedback")
# Openings in the interviewer's words, taken in turn so the list does not read as one template.
_DUTY_OPENINGS = (
    "Tell me about a time you had to {phrase}.",
    "Describe a situation where you had to {phrase}, and what the result was.",
)
_ASK_FOR_ONE_TIME = "one specific time, what you did, and what the result was."
_GERUND_OPENING = "Tell me about your experience of {phrase}: " + _ASK_FOR_ONE_TIME
_EXPERIENCE_OPENING = "Tell me about your {phrase}: " + _ASK_FOR_ONE_TIME
_SKILL_OPENING = (
    "Tell me about a time when {phrase} mattered in your work. What did you do, and what was the result?"
)
# Any other phrase is quoted as the posting worded it, so the question reads whatever its grammar.
_QUOTED_OPENING = (
    "The job description mentions ‘{phrase}’. Tell me about a time that shows you meet it: what you"
    " did, and what the result was."
)
_EXPERIENCE = re.compile(
    r"^(?:ideally\s+)?(?:(?:a|an|the|some|any)\s+)?((?:[\w/-]+\s+){0,3}?experience\b.*)", re.IGNORECASE
)
# A qualification is held, not done: "Tell me about a time you had to current NMC registration" is
# what a verb-shaped template makes of one.
_QUALIFICATION = re.compile(
    r"\b(?:degree|registration|registered|licen[cs]e|diploma|certificat\w*|qualifi\w*|chartered"
    r"|accredit\w*|membership|permit|NVQ|QTS|DBS|CSCS)\b",
    re.IGNORECASE,
)
# "Working knowledge of ..." opens with a gerund in the parse but names a skill.
_KNOWLEDGE = re.compile(r"^(?:[\w-]+\s+){0,2}(?:knowledge|understanding|awareness|grasp)\b", re.IGNORECASE)
# What follows a verb that reads as a duty ("plan staff rotas", "lead on GDPR"); a noun the parser
# takes for a verb ("shift planning") has none of these.
_DUTY_COMPLEMENTS = frozenset(
    {"dobj", "dative", "prt", "xcomp", "ccomp", "acomp", "attr", "oprd", "conj", "advmod", "prep"}
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
    """A question about one requirement in the interviewer's words, shaped by how the phrase reads:
    "manage a budget" (a duty), "reconciling statements", "experience of Sage 200", "SQL" (a skill)
    or a qualification; ``index`` alternates the duty openings down the list."""
    phrase = _quoted_words(requirement)
    if not phrase:
        raise ParameterError("A requirement needs words before a question can be asked about it.")
    experience = _EXPERIENCE.match(phrase)
    if experience:
        return _EXPERIENCE_OPENING.format(phrase=lower_first(experience.group(1)))
    if _QUALIFICATION.search(phrase):
        return _QUOTED_OPENING.format(phrase=phrase)
    lowered = lower_first(phrase)
    if _KNOWLEDGE.match(phrase):
        return _SKILL_OPENING.format(phrase=lowered)
    # "You" in front makes a leading verb read as one in the parse.
    first = parse("You " + lowered)[1]
    complements = {child.dep_ for child in first.children}
    # A third-person verb in running text ("assists passengers") is a duty too; at the start of a
    # bullet ("Claims validation") the same form is usually a noun.
    base_verb = first.tag_ in {"VB", "VBP"} or (first.tag_ == "VBZ" and phrase[:1].islower())
    if first.pos_ in {"VERB", "AUX"} and base_verb and complements & _DUTY_COMPLEMENTS:
        duty = first.lemma_ + lowered[len(first.text) :]
        return _DUTY_OPENINGS[index % len(_DUTY_OPENINGS)].format(phrase=duty)
    if first.tag_ == "VBG":
        return _GERUND_OPENING.format(phrase=lowered)
    if first.pos_ in {"NOUN", "PROPN"} or (first.pos_ == "ADJ" and not complements):
        return _SKILL_OPENING.format(phrase=lowered)
    return _QUOTED_OPENING.format(phrase=phrase)


def _quoted_words(requirement: Requirement) -> str:
    """The requirement's words as a question quotes them: no surrounding space or closing full stop."""
    return requirement.text.strip().rstrip(".").strip()


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
        # A requirement the candidate emptied while editing the list asks nothing.
        for index, requirement in enumerate(
            requirement for requirement in requirements if _quoted_words(requirement)
        )
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
