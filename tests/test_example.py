import pytest
from transcripts import transcript_from_text

from rehearse.example import analyze_example

ACTION = "I called the supplier and fixed the invoice."

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


def test_a_full_star_story_is_a_specific_example():
    result = analyze_example(transcript_from_text(STRONG))
    assert result.present
    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    assert result.evidence["task"].startswith("My goal was")
    assert result.evidence["action"].startswith("I analysed")
    assert result.evidence["result"].startswith("As a result")
    assert any("70" in number for number in result.quantified)
    assert "Northwind" in result.specifics


def test_generalities_are_not_an_example():
    result = analyze_example(transcript_from_text(VAGUE))
    assert not result.present
    assert not result.star["action"] and not result.star["result"]
    assert result.quantified == ()


def test_ownership_counts_i_and_we():
    result = analyze_example(
        transcript_from_text("We planned it and we shipped it, but I wrote my part myself.")
    )
    assert result.ownership == {"i": 3, "we": 2}


def test_a_result_without_a_setting_is_not_enough():
    result = analyze_example(transcript_from_text("I fixed it. It worked."))
    assert not result.present


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("Two years ago our biggest client threatened to leave.", "situation"),
        ("I was responsible for winning them back before the renewal.", "task"),
        ("My area manager gave me six months to get it under two percent.", "task"),
        ("I was the one who had to get it back under ten minutes.", "task"),
        ("I set myself the job of cutting down that repeat work.", "task"),
        ("We set up weekly calls and I rewrote the onboarding guide.", "action"),
        ("In the end they renewed for three more years.", "result"),
        ("It was my responsibility to make the site safe again.", "task"),
        ("My job then was to find the leak before the breakfast service.", "task"),
        ("A month later we lost the client.", "result"),
    ],
)
def test_each_part_is_recognised_on_its_own(sentence, part):
    # Parts belong to a story, so each sentence is told next to something the candidate did.
    assert analyze_example(transcript_from_text(f"{sentence} {ACTION}")).star[part]


def test_a_scene_or_an_outcome_without_any_action_is_no_part_of_a_story():
    result = analyze_example(
        transcript_from_text("Last year was a busy one for our whole team. In the end the team grew.")
    )
    assert not any(result.star.values()) and set(result.evidence.values()) == {None}
    result = analyze_example(transcript_from_text(f"Last year was a busy one for our whole team. {ACTION}"))
    assert result.star["situation"] and result.star["action"]


def test_a_setting_with_someone_elses_verb_is_not_an_action():
    result = analyze_example(
        transcript_from_text("Last year I was the team lead and our refunds took eleven days.")
    )
    assert not result.star["action"]
    told = analyze_example(transcript_from_text(f"Last year I was the team lead. {ACTION}"))
    assert told.evidence["action"] == ACTION


def test_hesitations_are_left_out_of_the_evidence():
    result = analyze_example(
        transcript_from_text(f"Um, two years ago our biggest client, uh, threatened to leave. {ACTION}")
    )
    assert result.evidence["situation"] == "two years ago our biggest client, threatened to leave."


@pytest.mark.parametrize(
    "text",
    [
        "I would like to think I have improved on that since my last review.",
        "I write down why I chose what I chose, so I can check later whether my reasons held up.",
    ],
    ids=["a wish", "a routine"],
)
def test_a_past_verb_inside_a_wish_or_a_routine_is_not_an_action_or_a_result(text: str):
    result = analyze_example(transcript_from_text(text))
    assert not result.star["action"] and not result.star["result"]


def test_remembering_a_past_event_still_tells_it():
    result = analyze_example(
        transcript_from_text("I remember we launched the new billing system that spring.")
    )
    assert result.star["action"]


def test_numbers_in_a_routine_do_not_make_a_story_of_it():
    routine = (
        "In my last job when deadlines clashed I talked to my manager. "
        "Every morning I spend ten minutes on my list and pick the three jobs that matter most."
    )
    story = (
        "In my last job when deadlines clashed I talked to my manager. "
        "That week we closed the books in three days instead of ten."
    )
    assert analyze_example(transcript_from_text(routine)).present is False
    assert analyze_example(transcript_from_text(story)).present is True


def test_realising_something_is_not_an_action():
    result = analyze_example(
        transcript_from_text("After ten years in hospitality I realised that I enjoy systems most.")
    )
    assert not result.star["action"]
    assert not result.present


def test_summing_up_experience_in_the_present_perfect_is_not_an_action():
    result = analyze_example(transcript_from_text("I have worked with many teams in my current role."))
    assert not result.star["action"]


def test_a_result_next_to_a_present_clause_is_still_a_result():
    result = analyze_example(
        transcript_from_text(f"{ACTION} It sounds simple, but we cut the errors by half in six weeks.")
    )
    assert result.star["result"]


def test_a_result_run_on_into_a_present_clause_is_still_a_result():
    # Whisper often joins sentences with a comma; the parser then hangs the result from the next clause.
    result = analyze_example(
        transcript_from_text(
            f"{ACTION} Within six weeks the average time dropped from 11 days to two, "
            "finance now uses the same checklist for invoices."
        )
    )
    assert result.star["result"]


@pytest.mark.parametrize(
    "text",
    [
        "I've worked in school offices for about eight years now.",
        "I explain what good looks like, and when it is needed, in every team I join.",
    ],
)
def test_experience_and_present_descriptions_do_not_set_a_scene(text: str):
    assert not analyze_example(transcript_from_text(text)).star["situation"]


def test_a_scene_about_results_is_still_a_scene():
    text = "In the hospital lab, I noticed that a batch of potassium results were all slightly high."
    assert analyze_example(transcript_from_text(text)).star["situation"]


def test_a_day_named_in_the_past_sets_a_scene():
    text = "I was a technician, and one Monday I noticed two freezer boxes with the same label."
    assert analyze_example(transcript_from_text(text)).star["situation"]


def test_a_habit_told_in_the_past_is_neither_scene_nor_action():
    result = analyze_example(
        transcript_from_text("Every morning at the office I lost things between my lists.")
    )
    assert not result.star["situation"] and not result.star["action"]


@pytest.mark.parametrize("text", ["I rewrote the onboarding guide.", "So we rebuilt the checkout page."])
def test_an_irregular_past_the_tagger_reads_as_present_is_still_an_action(text: str):
    assert analyze_example(transcript_from_text(text)).star["action"]


def test_a_task_nobody_gave_is_no_task():
    text = f"Nobody had asked me to do anything about it. {ACTION}"
    assert not analyze_example(transcript_from_text(text)).star["task"]


@pytest.mark.parametrize(
    "text",
    [
        "I spent six years in the civil service.",
        "After my training I stayed at the pharmacy for years.",
    ],
)
def test_years_spent_somewhere_are_a_career_not_an_event(text: str):
    result = analyze_example(transcript_from_text(text))
    assert not result.star["action"] and not result.present


def test_an_event_some_years_ago_is_still_an_event():
    result = analyze_example(transcript_from_text("Two years ago I rebuilt the rota for the whole ward."))
    assert result.star["action"]
