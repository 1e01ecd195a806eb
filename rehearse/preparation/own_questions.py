"""The candidate's own questions for the interviewer: a bank by topic, and gentle checks on their list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.preparation.requirements import content_stems

QUESTION_BANK = {
    "The role and its success measures": (
        "What would success look like in this role after six months?",
        "What is the biggest challenge the person in this role will face in the first year?",
        "How will my performance be measured?",
    ),
    "Team dynamics": (
        "How would you describe the way the team works together?",
        "Who will I work with most closely, inside and outside the team?",
    ),
    "Culture": (
        "How does the company live its values day to day?",
        "How do people here learn and grow?",
    ),
    "The company's plans": (
        "Where do you see the company going in the next few years, and how does this team fit in?",
        "How has the recent news changed the team's priorities?",
    ),
    "Next steps": (
        "What are the next steps in the process, and when can I expect to hear?",
        "Is there anything about my background you would like me to say more about?",
    ),
}
_PAY_AND_LEAVE = re.compile(
    r"\b(salary|pay|paid|bonus|holidays?|annual leave|vacation|days off|pension|benefits|raise)\b", re.I
)
# Questions a plain yes or no closes: they invite no conversation.
_YES_NO_START = re.compile(
    r"^(is|are|do|does|did|can|could|will|would|should|has|have|was|were|am)\b", re.IGNORECASE
)
# A question whose meaningful words are this much in one sentence of the notes is answered there.
_ANSWERED_SHARE = 0.75


@dataclass(frozen=True)
class QuestionCheck:
    """A gentle note on one of the candidate's questions; ``evidence`` is where its answer already is."""

    question: str
    note: str
    evidence: str | None = None


def check_own_questions(questions: Sequence[str], *, already_known: str) -> list[QuestionCheck]:
    """Notes on the candidate's list: answered already in the job description or notes
    (``already_known``), pay or holidays asked first, a yes/no question."""
    checks: list[QuestionCheck] = []
    sentences = [line.strip() for line in re.split(r"(?<=[.!?])\s+|\n", already_known) if line.strip()]
    for index, question in enumerate(questions):
        question = question.strip()
        if not question:
            continue
        answer = _answered_in(question, sentences)
        if answer is not None:
            checks.append(
                QuestionCheck(question, "This seems answered already; ask something it does not say.", answer)
            )
        if index == 0 and _PAY_AND_LEAVE.search(question):
            checks.append(
                QuestionCheck(
                    question,
                    "Pay and holidays are fair to ask, but not first: open with the role or the team,"
                    " and leave them for the offer stage.",
                )
            )
        if _YES_NO_START.match(question):
            checks.append(
                QuestionCheck(
                    question,
                    "A yes or no closes this question; start with how, what or why to get them talking.",
                )
            )
    return checks


def _answered_in(question: str, sentences: Sequence[str]) -> str | None:
    wanted = set(content_stems(question))
    if len(wanted) < 2:
        return None
    for sentence in sentences:
        if len(wanted & set(content_stems(sentence))) >= _ANSWERED_SHARE * len(wanted):
            return sentence
    return None
