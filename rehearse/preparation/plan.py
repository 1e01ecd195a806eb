"""Everything prepared for one interview at once: requirements, values, focus areas and questions.

The CLI prints it (``rehearse prepare``) and the Prepare page draws it; both read the same dict.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.preparation.documents import check_text
from rehearse.preparation.focus import FocusArea, focus_areas
from rehearse.preparation.interview import CompanyValue, Interview
from rehearse.preparation.requirements import Requirement, extract_requirements
from rehearse.preparation.tailored import TailoredQuestion, tailored_questions


@dataclass(frozen=True)
class Preparation:
    requirements: list[Requirement]
    values: list[CompanyValue]
    focus: list[FocusArea]
    questions: list[TailoredQuestion]

    def to_dict(self) -> dict:
        """The JSON contract: requirements[] (text, evidence), values[], focus[], questions[]
        (text, kind, requirement or value)."""
        return {
            "requirements": [requirement.to_dict() for requirement in self.requirements],
            "values": [{"name": value.name, "description": value.description} for value in self.values],
            "focus": [area.to_dict() for area in self.focus],
            "questions": [question.to_dict() for question in self.questions],
        }


def interview_requirements(interview: Interview) -> list[Requirement]:
    """The candidate's edited list when there is one, else what the job description yields."""
    if interview.requirements:
        return [Requirement(item["text"], item.get("evidence", "")) for item in interview.requirements]
    if not interview.job_description.strip():
        return []
    return extract_requirements(check_text(interview.job_description))


def prepare(interview: Interview) -> Preparation:
    requirements = interview_requirements(interview)
    values = interview.values
    focus = focus_areas(interview.earlier_feedback)
    questions = tailored_questions(
        company=interview.company, requirements=requirements, values=values, focus_areas=focus
    )
    return Preparation(requirements, values, focus, questions)
