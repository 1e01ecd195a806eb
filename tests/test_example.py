"""The specific-example analyzer on hand-built answers: the shipped STAR model, no speech model."""

import pytest
from transcripts import transcript_from_text

from rehearse.analysis.example import analyze_example, analyze_text

STRONG = (
    "In my last role at Northwind, our support team was drowning in a backlog of two thousand tickets. "
    "My goal was to bring the first response time under one day. "
    "I analysed the ticket categories and I built a triage bot for the top five questions. "
    "As a result, the backlog dropped by 70 percent within six weeks."
)
VAGUE = (
    "I think I'm a really hard worker. I always try to communicate clearly with people. "
    "Teamwork is important to me and I usually help others when they need it."
)
# The answer as tiny.en wrote it: a lost first word, a misheard verb, one run-on sentence.
RECOGNISED = (
    "My last role at a logistics company, our release process took three days and often broke. "
    "I was asked to cut that time without adding risk. On my map to every manual step, automated the "
    "test suite and we moved the releases to a pipeline that anyone could run, and as a result, "
    "releases went from 3 days to 4 hours and we had no failed release that quarter."
)


def test_a_full_star_story_is_a_specific_example():
    result = analyze_example(transcript_from_text(STRONG))
    assert result.present and not result.missing
    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    assert result.evidence["task"].startswith("My goal was")
    assert result.evidence["result"].startswith("As a result")
    assert any("70" in number for number in result.quantified)
    assert "Northwind" in result.specifics
    assert 0.5 <= result.confidence["example"] <= 1.0


def test_recogniser_shaped_story_finds_its_situation_and_quotes_clauses_not_the_run_on():
    result = analyze_text(RECOGNISED)
    assert result.present
    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    # The action and the result share one sentence; each is quoted by its own clause.
    assert result.evidence["action"] != result.evidence["result"]
    assert "3 days to 4 hours" in result.evidence["result"]
    assert "3 days to 4 hours" not in result.evidence["action"]
    assert result.missing == ()


@pytest.mark.parametrize(
    "text",
    [
        VAGUE,
        # A hypothetical: a plan in "would" is not something the candidate did.
        "If a customer was shouting at the till, I would stay calm and let them finish. Then I'd offer "
        "to sort out the refund myself, and if that didn't work I would call my manager over.",
        # Questions for the interviewer.
        "Yes, a couple. What does a typical week look like for the team? And how do you measure success "
        "in the first six months? I'd also love to know what made the previous person move on.",
        # CV facts with dates are a career, not a story.
        "I qualified as a pharmacist in 2016 and spent five years at Boots in Leeds. Since 2021 I've been "
        "a branch manager for a team of twelve, and last year I completed my prescribing course.",
        # A routine.
        "Every Monday I write my three priorities for the week on a card. Each morning I check the card "
        "before I open my email, and on Fridays I look back at what slipped and why.",
    ],
    ids=["generalities", "hypothetical", "questions", "cv facts", "routine"],
)
def test_answers_without_a_story_are_not_an_example(text: str):
    result = analyze_text(text)
    assert not result.present
    assert not any(result.star.values()) and set(result.evidence.values()) == {None}


def test_a_story_told_in_the_historical_present_is_an_example():
    result = analyze_text(
        "So I'm on the night shift and the fire alarm goes off in the east wing. I have to get twelve "
        "residents out, and only two of us are on. I grab the evacuation sheets, I send my colleague to "
        "the far end, and we move everyone to the lounge behind the fire doors. Ten minutes later the "
        "fire brigade says it was a faulty sensor, and the manager used our log to change the drill."
    )
    assert result.present
    assert result.star["action"] and result.star["result"]


def test_a_story_without_a_result_is_told_so_only_when_the_model_is_sure():
    result = analyze_text(
        "Last spring I was covering the front desk at a busy hotel when our booking system went down. "
        "I had to check in forty guests without it. I printed the arrivals list from my email, "
        "I wrote room numbers on paper cards, and I phoned housekeeping for every room as it came free."
    )
    assert result.present and result.star["action"]
    assert not result.star["result"]
    # A part reported missing is never one that was found.
    assert set(result.missing) <= {part for part, found in result.star.items() if not found}


def test_ownership_counts_i_and_we():
    result = analyze_example(
        transcript_from_text("We planned it and we shipped it, but I wrote my part myself.")
    )
    assert result.ownership == {"i": 3, "we": 2}


def test_hesitations_are_left_out_of_the_evidence():
    result = analyze_example(
        transcript_from_text(
            "Um, two years ago our biggest client, uh, threatened to leave. I had to win them back. "
            "I called them every week and I fixed the invoices. In the end they renewed for three years."
        )
    )
    assert result.present
    assert all("um" not in (quote or "").lower().split() for quote in result.evidence.values())
    assert all(
        "uh" not in (quote or "").lower().replace(",", "").split() for quote in result.evidence.values()
    )


def test_an_empty_answer_has_no_example():
    result = analyze_text("")
    assert not result.present and not any(result.star.values()) and result.missing == ()
