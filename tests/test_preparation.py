"""The preparation engine: documents, requirements, tailored questions, coverage, focus, own questions,
thank-you note and prep sheet, on hand-written inputs."""

from __future__ import annotations

import io

import pytest

from rehearse.errors import (
    DamagedDocumentError,
    EmptyDocumentError,
    InterviewError,
    OtherLanguageError,
    ScannedPdfError,
    TooLongDocumentError,
)
from rehearse.preparation.coverage import coverage_matrix, link_answer, speaks_to_summary, word_links
from rehearse.preparation.documents import MAX_CHARACTERS, check_text, read_document
from rehearse.preparation.focus import focus_areas, read_focus
from rehearse.preparation.interview import CompanyValue, Interview, Interviewer, parse_values
from rehearse.preparation.own_questions import check_own_questions
from rehearse.preparation.prep_sheet import PrepSheet, prep_sheet_markdown, prep_sheet_pdf, thank_you_note
from rehearse.preparation.requirement_model import candidates
from rehearse.preparation.requirements import (
    ExtractionOptions,
    Requirement,
    extract_requirements,
    starts_with_a_verb,
)
from rehearse.preparation.tailored import behavioural_question, tailored_questions

JOB = """Operations Manager

About us
Acme Parcels delivers across the north of England.

Responsibilities
- Manage a budget of two million pounds.
- Lead a team of 40 drivers and planners.
- Build relationships with key stakeholders.

Requirements
- Strong SQL skills.

What we offer
- Competitive salary and 25 days holiday.
We are an equal opportunity employer.
"""
FRENCH = (
    "Nous recherchons un responsable des opérations pour diriger une équipe de quarante chauffeurs et"
    " gérer un budget important. Le candidat idéal possède une solide expérience en logistique, maîtrise"
    " SQL et entretient de bonnes relations avec les partenaires de la société dans toute la région."
)


def test_requirements_have_short_phrases_with_their_sentence_and_leave_out_boilerplate():
    requirements = extract_requirements(JOB)
    texts = [requirement.text.lower() for requirement in requirements]
    assert any("budget" in text for text in texts)
    assert any("sql" in text for text in texts)
    assert any("stakeholders" in text for text in texts)
    assert not any("salary" in text or "opportunity" in text or "holiday" in text for text in texts)
    budget = next(requirement for requirement in requirements if "budget" in requirement.text)
    assert budget.evidence == "Manage a budget of two million pounds."
    assert all(len(requirement.text.split()) <= 8 for requirement in requirements)


PROSE_JOB = """Bus Driver

Dalesway Buses runs forty routes across the Yorkshire Dales.

As a driver you will drive safely and keep to the timetable. Drivers handle cash and contactless fares and \
carry out daily vehicle walkaround checks before every shift. You must hold a full PCV licence and a \
Driver CPC card.

We pay £14 an hour with a pension and free travel. Dalesway is an equal opportunity employer. To apply, \
call the depot.
"""


def test_requirements_are_found_in_prose_that_does_not_say_you():
    # The rules kept only sentences with "you will" or a leading verb, and missed the duties of "Drivers
    # handle cash..."; the learned extractor reads every sentence and scores its phrases.
    texts = [requirement.text.lower() for requirement in extract_requirements(PROSE_JOB)]
    assert any("cash" in text and "fares" in text for text in texts)
    assert any("walkaround checks" in text for text in texts)
    assert any("drive safely" in text for text in texts) and any("pcv licence" in text for text in texts)
    assert not any(word in text for text in texts for word in ("£", "pension", "opportunity", "routes"))
    rules = ExtractionOptions(method="rules")
    assert not any("cash" in r.text.lower() for r in extract_requirements(PROSE_JOB, options=rules))


def test_learned_phrases_do_not_open_with_you_will_or_leave_a_bracket_open():
    text = "Nurse\n\nThe role\n- You will keep stock accuracy (cycle counts, variance checks\n"
    texts = [requirement.text for requirement in extract_requirements(text)]
    assert texts and not any(text.lower().startswith(("you", "will")) for text in texts)
    assert all(text.count("(") == text.count(")") for text in texts)


@pytest.mark.parametrize(
    ("phrase", "duty"),
    [("Plan staff rotas", True), ("assist passengers", True), ("GCSE maths", False), ("CSCS card", False)],
)
def test_a_phrase_opening_with_an_abbreviation_is_not_read_as_a_duty(phrase: str, duty: bool):
    # The learned extractor and the questions read this; lowercased, "gCSE" parsed as a verb.
    assert starts_with_a_verb(phrase) is duty


@pytest.mark.parametrize("method", ["rules", "learned"])
def test_trimming_keeps_the_first_word_of_a_fixed_term(method: str):
    # spaCy counts "first" as a stop word; dropped, the requirement read "aid certificate".
    posting = "Essential:\n- A current first aid certificate.\n- Keep the back office tidy."
    texts = [r.text.lower() for r in extract_requirements(posting, options=ExtractionOptions(method=method))]
    assert any("first aid certificate" in text for text in texts)
    assert not any(text.startswith(("aid ", "office")) for text in texts)
    if method == "learned":
        proposed = [candidate.text.lower() for candidate in candidates(posting)]
        assert "first aid certificate" in proposed and "aid certificate" not in proposed


def test_yake_is_measured_on_the_same_sentences():
    phrases = [r.text.lower() for r in extract_requirements(JOB, options=ExtractionOptions(method="yake"))]
    assert phrases and not any("salary" in phrase for phrase in phrases)


def _pdf(text: str | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text is not None:
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_docx_and_text_are_read():
    assert "Manage a budget" in read_document(_pdf(JOB), "job.pdf")
    assert "Manage a budget" in read_document(_docx(JOB), "job.docx")
    assert "Manage a budget" in read_document(JOB.encode(), "job.txt")


@pytest.mark.parametrize(
    ("data", "name", "error", "words"),
    [
        (_pdf(None), "scan.pdf", ScannedPdfError, "no text"),
        (b"PK\x03\x04 not really a word file", "cv.docx", DamagedDocumentError, "damaged"),
        (b"%PDF-1.4 broken", "job.pdf", DamagedDocumentError, "damaged"),
        (b"", "job.txt", EmptyDocumentError, "empty"),
        (b"   \n  ", "job.txt", EmptyDocumentError, "no words"),
        (FRENCH.encode(), "offre.txt", OtherLanguageError, "English"),
        (
            ("Manage a budget. " * (MAX_CHARACTERS // 10)).encode(),
            "page.txt",
            TooLongDocumentError,
            "characters",
        ),
    ],
)
def test_bad_documents_get_a_message_that_names_the_file(data, name, error, words):
    with pytest.raises(error, match=words) as raised:
        read_document(data, name)
    assert name in str(raised.value)


def test_pasted_text_is_checked_the_same_way():
    with pytest.raises(EmptyDocumentError):
        check_text("  ")
    with pytest.raises(OtherLanguageError):
        check_text(FRENCH)
    assert check_text(JOB).startswith("Operations Manager")


def test_values_are_read_one_a_line():
    values = parse_values("- Customer obsession: we start with the customer\nOwnership\n\nBe kind — always")
    assert [value.name for value in values] == ["Customer obsession", "Ownership", "Be kind"]
    assert values[0].description == "we start with the customer"


def test_interview_round_trips_and_refuses_a_bad_date():
    interview = Interview(
        company="Acme", role="Ops manager", stage="final", interview_date="2026-12-10",
        interviewers=(Interviewer("Dana Smith", "Head of Ops", "ex-Royal Mail"),),
    )  # fmt: skip
    assert Interview.from_dict(interview.to_dict()) == interview
    with pytest.raises(InterviewError, match="YYYY-MM-DD"):
        Interview(company="Acme", interview_date="next Tuesday")
    with pytest.raises(InterviewError):
        Interview(company=" ")


def test_tailored_questions_name_the_requirement_the_company_and_the_value():
    requirements = [
        Requirement("manage a budget", "Manage a budget."),
        Requirement("SQL", "Strong SQL skills."),
    ]
    values = [CompanyValue("Customer obsession")]
    areas = focus_areas("Your answers lacked numbers.")
    questions = tailored_questions(
        company="Acme", requirements=requirements, values=values, focus_areas=areas
    )
    kinds = {question.kind for question in questions}
    assert kinds == {"requirement", "value", "challenging", "feedback"}
    first = questions[0]
    assert (
        first.text == "Tell me about a time you had to manage a budget."
        and first.requirement == "manage a budget"
    )
    value_question = next(question for question in questions if question.kind == "value")
    assert "Acme" in value_question.text and "Customer obsession" in value_question.text
    feedback = next(question for question in questions if question.kind == "feedback")
    assert "measure" in feedback.text


@pytest.mark.parametrize(
    ("phrase", "question"),
    [
        ("Manage a budget", "Tell me about a time you had to manage a budget."),
        # A third-person verb from running text takes its base form.
        (
            "assists passengers with mobility needs",
            "Tell me about a time you had to assist passengers with mobility needs.",
        ),
        (
            "preparing the weekly BACS payment run",
            "Tell me about your experience of preparing the weekly BACS payment run: one specific time,"
            " what you did, and what the result was.",
        ),
        (
            "Previous experience as a head chef",
            "Tell me about your previous experience as a head chef: one specific time, what you did, and"
            " what the result was.",
        ),
        (
            "current NMC registration",
            "The job description mentions ‘current NMC registration’. Tell me about a time that shows you"
            " meet it: what you did, and what the result was.",
        ),
        (
            "worked as a head chef or senior sous chef",
            "The job description mentions ‘worked as a head chef or senior sous chef’. Tell me about a time"
            " that shows you meet it: what you did, and what the result was.",
        ),
        (
            "Strong SQL skills",
            "Tell me about a time when strong SQL skills mattered in your work. What did you do, and what"
            " was the result?",
        ),
        (
            "Working knowledge of warehouse management systems",
            "Tell me about a time when working knowledge of warehouse management systems mattered in your"
            " work. What did you do, and what was the result?",
        ),
    ],
)
def test_a_requirement_question_reads_as_english_whatever_the_phrase_form(phrase: str, question: str):
    assert behavioural_question(Requirement(phrase, "")) == question


def test_requirement_questions_from_real_postings_never_put_a_noun_or_ing_form_after_had_to():
    from pathlib import Path

    postings = sorted((Path(__file__).parent.parent / "eval" / "jobs").glob("*.txt"))[:12]
    questions = [
        question.text
        for posting in postings
        for question in tailored_questions(
            company="Acme", requirements=extract_requirements(posting.read_text()), values=()
        )
        if question.kind == "requirement"
    ]
    assert len(questions) > 100
    after_had_to = [text.split("had to ", 1)[1].split()[0] for text in questions if "had to " in text]
    assert after_had_to, "some requirement is a duty"
    assert [word for word in after_had_to if word.endswith(("ing", "ed")) or word[:1].isupper()] == []


def test_a_requirement_emptied_while_editing_asks_nothing():
    questions = tailored_questions(
        company="Acme",
        requirements=[Requirement(" . ", ""), Requirement("\t.", ""), Requirement("SQL", "")],
        values=(),
    )
    assert [question.requirement for question in questions if question.kind == "requirement"] == ["SQL"]


def test_an_answer_is_linked_with_the_sentence_that_does_it():
    requirements = [
        Requirement("stakeholder management", ""),
        Requirement("SQL", ""),
        Requirement("forklift licence", ""),
    ]
    values = [CompanyValue("Customer obsession")]
    answer = (
        "I kept the finance director and three other stakeholders informed every week. "
        "um I wrote the SQL queries myself. Uh, our customers noticed: complaints fell by half."
    )
    links = link_answer(answer, requirements, values)
    assert [(link.target, link.kind) for link in links] == [
        ("stakeholder management", "requirement"),
        ("SQL", "requirement"),
        ("Customer obsession", "value"),
    ]
    assert links[1].sentence == "I wrote the SQL queries myself."
    summary = speaks_to_summary(links)
    assert summary.startswith("This answer speaks to: stakeholder management, SQL.")
    assert "‘Customer obsession’ in: “our customers noticed" in summary


class _Attempt:
    def __init__(self, attempt_id, text, result):
        self.id, self.question = attempt_id, "Q"
        self.analysis = {
            "transcript": {"text": text},
            "example": {"present": result, "star": {"result": result}},
        }


def test_coverage_matrix_shows_the_answers_and_what_has_no_story():
    requirements = [Requirement("SQL", ""), Requirement("forklift licence", "")]
    rows = coverage_matrix(requirements, [], [_Attempt(1, "I wrote SQL every day.", True)])
    sql, forklift = rows
    assert sql.has_story and sql.best_has_result and sql.answers[0].sentence == "I wrote SQL every day."
    assert not forklift.has_story


def test_feedback_becomes_focus_areas_tied_to_measures():
    areas = focus_areas("Answers were long-winded. We wanted more specific examples.\nYou seemed nervous.")
    assert [area.measure for area in areas] == ["length", "example", "composure"]
    analysis = {
        "conciseness": {"verdict": "ok"},
        "example": {"present": True, "star": {"result": False}, "quantified": []},
        "fillers": {"per_minute": 6.0},
        "pacing": {"verdict": "ok"},
    }
    assert [read_focus(area, analysis).met for area in areas] == [True, False, False]


def test_own_questions_get_gentle_checks():
    checks = check_own_questions(
        ["What is the salary?", "Is there parking?", "What does success look like in the first year?",
         "How many drivers and planners are in the team?"],
        already_known=JOB + "\nThe team has 40 drivers and planners.",
    )  # fmt: skip
    notes = {(check.question, check.note.split(":")[0].split(";")[0]) for check in checks}
    assert ("What is the salary?", "Pay and holidays are fair to ask, but not first") in notes
    assert any(check.question == "Is there parking?" and "yes or no" in check.note for check in checks)
    answered = [check for check in checks if check.evidence]
    assert [check.question for check in answered] == ["How many drivers and planners are in the team?"]
    assert not any(check.question.startswith("What does success") for check in checks)


def test_prep_sheet_and_thank_you_note():
    interview = Interview(
        company="Acme", role="Ops manager", interviewers=(Interviewer("Dana Smith", "Head of Ops"),)
    )
    rows = coverage_matrix(
        [Requirement("SQL", "")], [CompanyValue("Ownership")], [_Attempt(1, "I wrote SQL.", True)]
    )
    sheet = PrepSheet(interview, rows, focus_areas("Be more concise."), ["What would success look like?"])
    markdown = prep_sheet_markdown(sheet)
    assert (
        "# Ops manager at Acme" in markdown and "**SQL**: “I wrote SQL.” (example with a result)" in markdown
    )
    assert "**Ownership**: no story rehearsed yet" in markdown and "Dana Smith" in markdown
    pdf = prep_sheet_pdf(markdown)
    assert pdf.startswith(b"%PDF")
    text = read_document(pdf, "prep-sheet.pdf", what="prep sheet")
    assert "Ops manager at Acme" in text and "SQL" in text and "Dana Smith" in text
    note = thank_you_note(interview, topic="SQL", value="Ownership")
    assert note.startswith("Dear Dana,") and "Ops manager position at Acme" in note and "‘Ownership’" in note


def test_interviewers_are_read_one_a_line_and_requirements_merge():
    from rehearse.preparation.interview import interviewers_text, parse_interviewers
    from rehearse.preparation.requirements import merge_requirements

    people = parse_interviewers("Dana Smith, Head of Ops, ex-Royal Mail, likes data\nLee\n\n")
    assert people == (
        Interviewer("Dana Smith", "Head of Ops", "ex-Royal Mail, likes data"),
        Interviewer("Lee"),
    )
    assert parse_interviewers(interviewers_text(people)) == people
    listed = [Requirement("SQL", "a."), Requirement("Excel", "b."), Requirement("Python", "c.")]
    merged = merge_requirements(listed, [2, 0])
    assert merged == [Requirement("SQL and Python", "a. c."), Requirement("Excel", "b.")]
    assert merge_requirements(listed, [1]) == listed


def test_words_several_requirements_share_do_not_link_alone_but_values_are_apart():
    requirements = [
        Requirement("paid social campaigns", ""),
        Requirement("email campaigns", ""),
        Requirement("reduce customer complaints", ""),
    ]
    values = [CompanyValue("Customer obsession")]
    links = word_links("I ran every campaign myself. Our customers were happier.", requirements, values)
    assert [link.target for link in links] == ["Customer obsession"]
    links = word_links("I wrote the email campaigns. We had fewer complaints.", requirements, values)
    assert [link.target for link in links] == ["email campaigns", "reduce customer complaints"]


def test_a_paraphrase_links_the_requirement_closest_in_meaning_with_its_closest_sentence():
    requirements = [
        Requirement("controlled drug registers", ""),
        Requirement("supervise dispensing assistants", ""),
        Requirement("forklift licence", ""),
    ]
    answer = (
        "We had a busy winter. I kept the drugs book straight every single week, and no gap was ever found."
    )
    assert word_links(answer, requirements, []) == []
    links = link_answer(answer, requirements, [])
    assert [(link.target, link.sentence) for link in links] == [
        (
            "controlled drug registers",
            "I kept the drugs book straight every single week, and no gap was ever found.",
        )
    ]
    # An answer about something else links nothing, though one requirement stands out a little from
    # the others (the link model alone linked "supervise dispensing assistants" at similarity 0.05).
    assert link_answer("I like long walks with my dog at the weekend.", requirements, []) == []
    # The words name the dispensing assistants; the drugs book, a short second sentence beside a
    # longer one, does not stand out enough for the model to link it too.
    both = (
        "I trained the two new dispensing assistants and checked their work. I kept the drugs book straight."
    )
    assert [link.target for link in link_answer(both, requirements, [])] == [
        "supervise dispensing assistants"
    ]
