"""One interview being prepared for: the company, the role, the people, and what the candidate gathered.

The store keeps it as ``to_dict()``; several can be in preparation at once.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from rehearse.errors import InterviewError

STAGES = {"second_round": "Second round", "final": "Final interview"}
# A value's name is its first few words ("Customer obsession: we start with the customer").
_VALUE_NAME_WORDS = 6
_VALUE_SPLIT = re.compile(r"\s*(?::|—|–| - )\s*")
_BULLET = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Interviewer:
    name: str
    role: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CompanyValue:
    """``name`` is what the company calls the value; ``description`` what it says it means."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class Interview:
    """Everything about one interview; ``requirements`` is the edited list as ``Requirement.to_dict()``s.

    ``interview_date`` is an ISO date (YYYY-MM-DD) or empty; ``stage`` one of :data:`STAGES`.
    """

    company: str
    role: str = ""
    stage: str = "second_round"
    interview_date: str = ""
    interviewers: tuple[Interviewer, ...] = ()
    job_description: str = ""
    values_text: str = ""
    news_notes: str = ""
    cv_points: str = ""
    earlier_feedback: str = ""
    requirements: tuple[dict, ...] = ()
    own_questions: tuple[str, ...] = ()
    thank_you_note: str = ""
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.company.strip():
            raise InterviewError("Name the company you are preparing to meet.")
        if self.stage not in STAGES:
            raise InterviewError(f"The stage must be one of: {', '.join(STAGES.values())}.")
        if self.interview_date:
            try:
                date.fromisoformat(self.interview_date)
            except ValueError as error:
                raise InterviewError(
                    f"“{self.interview_date}” is not a date; write it as YYYY-MM-DD."
                ) from error

    @property
    def title(self) -> str:
        role = f"{self.role} at " if self.role else ""
        return f"{role}{self.company} ({STAGES[self.stage].lower()})"

    @property
    def values(self) -> list[CompanyValue]:
        return parse_values(self.values_text)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("id")
        return data

    @classmethod
    def from_dict(cls, data: dict, *, interview_id: int | None = None) -> Interview:
        known = {item.name for item in fields(cls)} - {"id", "interviewers"}
        return cls(
            **{key: _tuple(value) for key, value in data.items() if key in known},
            interviewers=tuple(Interviewer(**person) for person in data.get("interviewers", ())),
            id=interview_id,
        )


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


def parse_values(text: str) -> list[CompanyValue]:
    """The company's values, one per line or bullet: "Customer obsession: we start with the customer".

    A line without a separator is a value of a few words, or the description of the one before it.
    """
    values: list[CompanyValue] = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip().rstrip(".")
        if not line:
            continue
        name, *rest = _VALUE_SPLIT.split(line, maxsplit=1)
        if rest and len(name.split()) <= _VALUE_NAME_WORDS:
            values.append(CompanyValue(name=name.strip(), description=rest[0].strip()))
        elif len(line.split()) <= _VALUE_NAME_WORDS:
            values.append(CompanyValue(name=line))
        elif values and not values[-1].description:
            values[-1] = CompanyValue(values[-1].name, line)
    return values


def parse_interviewers(text: str) -> tuple[Interviewer, ...]:
    """One interviewer a line: "Dana Smith, Head of Operations, joined from Royal Mail last year"."""
    people = []
    for line in text.splitlines():
        name, _, rest = line.strip().partition(",")
        role, _, notes = rest.strip().partition(",")
        if name.strip():
            people.append(Interviewer(name.strip(), role.strip(), notes.strip()))
    return tuple(people)


def interviewers_text(interviewers: tuple[Interviewer, ...]) -> str:
    """The inverse of :func:`parse_interviewers`, to show the list for editing."""
    return "\n".join(
        ", ".join(part for part in (person.name, person.role, person.notes) if part)
        for person in interviewers
    )
