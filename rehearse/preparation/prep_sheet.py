"""The one page read before walking in (Markdown and PDF), and the thank-you note drafted afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.preparation.coverage import CoverageRow
from rehearse.preparation.focus import FocusArea
from rehearse.preparation.interview import STAGES, Interview

# fpdf2's built-in Helvetica covers Latin-1 only: other characters are replaced, never dropped.
_PDF_REPLACEMENTS = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-"}


@dataclass(frozen=True)
class PrepSheet:
    """What the sheet shows; ``rows`` come from :func:`rehearse.preparation.coverage.coverage_matrix`."""

    interview: Interview
    rows: Sequence[CoverageRow]
    focus: Sequence[FocusArea]
    own_questions: Sequence[str]


def prep_sheet_markdown(sheet: PrepSheet) -> str:
    interview = sheet.interview
    lines = [f"# {interview.title}", ""]
    if interview.interview_date:
        lines += [f"**Date:** {interview.interview_date}  ", f"**Stage:** {STAGES[interview.stage]}", ""]
    if interview.interviewers:
        lines += ["## Interviewers", ""]
        lines += [
            f"- **{person.name}**"
            + (f", {person.role}" if person.role else "")
            + (f": {person.notes}" if person.notes else "")
            for person in interview.interviewers
        ]
        lines.append("")
    lines += ["## Requirements and my stories", ""]
    for row in sheet.rows:
        if row.kind != "requirement":
            continue
        lines.append(f"- **{row.target}**: {_story(row)}")
    values = [row for row in sheet.rows if row.kind == "value"]
    if values:
        lines += ["", "## Values", ""]
        lines += [f"- **{row.target}**: {_story(row)}" for row in values]
    if sheet.focus:
        lines += ["", "## Focus areas from the earlier feedback", ""]
        lines += [f"- **{area.title}** (“{area.feedback}”): {area.advice}" for area in sheet.focus]
    if sheet.own_questions:
        lines += ["", "## My questions for them", ""]
        lines += [f"- {question}" for question in sheet.own_questions]
    return "\n".join(lines).rstrip() + "\n"


def _story(row: CoverageRow) -> str:
    if not row.answers:
        return "no story rehearsed yet"
    best = next((answer for answer in row.answers if answer.example_with_result), row.answers[0])
    result = " (example with a result)" if best.example_with_result else ""
    return f"“{best.sentence}”{result}"


def prep_sheet_pdf(markdown: str) -> bytes:
    """The Markdown sheet laid out on A4 pages with fpdf2 (headings, bold labels, bullets)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_margins(18, 15, 18)
    for line in markdown.splitlines():
        text = _latin1(line)
        if text.startswith("# "):
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, text[2:], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif text.startswith("## "):
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, text[3:], new_x="LMARGIN", new_y="NEXT")
        elif text.strip():
            pdf.set_font("Helvetica", "", 10)
            body = "- " + text[2:] if text.startswith("- ") else text.rstrip()
            pdf.multi_cell(0, 5, body, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    for character, plain in _PDF_REPLACEMENTS.items():
        text = text.replace(character, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def thank_you_note(interview: Interview, *, topic: str | None, value: str | None, candidate: str = "") -> str:
    """A draft thank-you email: the interviewers' names, the role, a topic discussed, one value that fits."""
    names = [person.name.split()[0] for person in interview.interviewers if person.name.strip()]
    greeting = "Dear " + (_join(names) if names else "hiring team") + ","
    role = interview.role or "the role"
    body = [
        greeting,
        "",
        f"Thank you for your time today and for the conversation about the {role} position at"
        f" {interview.company}.",
    ]
    if topic:
        body.append(
            f"I particularly enjoyed discussing {topic}, and it made me more enthusiastic about the role."
        )
    if value:
        body.append(
            f"Your value of ‘{value}’ stood out to me: it matches how I like to work, and I would be glad"
            " to bring it to the team."
        )
    body += [
        "",
        "Please let me know if there is anything else I can provide. I look forward to hearing from you.",
        "",
        "Kind regards,",
        candidate or "[Your name]",
    ]
    return "\n".join(body) + "\n"


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
