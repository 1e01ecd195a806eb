import json
from importlib import resources

import pytest

from rehearse.preparation.questions import (
    DEFAULT_TARGET_SECONDS,
    KIND_ADVICE,
    KINDS,
    OWN_QUESTION_THEME,
    find_question,
    load_questions,
    question_kind,
    themes,
)

GUIDE_THEMES = [
    "Challenging questions",
    "Your value and fit",
    "Company values and culture",
    "Ideas and insight",
    "Following up on earlier rounds",
    "Your questions for the interviewer",
    "Closing",
]


def test_bank_has_at_least_forty_distinct_questions():
    texts = [question.text for question in load_questions()]
    assert len(texts) >= 40
    assert len(set(texts)) == len(texts)


def test_bank_is_organised_by_the_guide_themes():
    assert themes() == GUIDE_THEMES
    for theme in GUIDE_THEMES:
        assert sum(question.theme == theme for question in load_questions()) >= 4


def test_every_question_has_a_known_kind_and_a_sensible_target():
    for question in load_questions():
        assert question.kind in KINDS, question
        assert 20 <= question.target_seconds <= 180, question
        assert question.text == " ".join(question.text.split()), question
    assert set(KIND_ADVICE) == set(KINDS) == set(DEFAULT_TARGET_SECONDS)


def test_bank_mixes_stories_and_direct_answers():
    kinds = [question.kind for question in load_questions()]
    assert kinds.count("behavioural") >= 15
    assert kinds.count("open") >= 15
    assert kinds.count("ask") >= 5
    assert find_question("Why do you want to work for us?").expects_example is False
    assert find_question("Tell me about a project that failed. What did you learn from it?").expects_example


def test_question_bank_is_package_data():
    data = json.loads(
        resources.files("rehearse.preparation").joinpath("questions.json").read_text(encoding="utf-8")
    )
    assert sum(len(theme["questions"]) for theme in data["themes"]) == len(load_questions())


@pytest.mark.parametrize(
    "text",
    [
        "Tell me about a time you led a team.",
        "tell us about a situation where you failed",
        "Describe a situation in which you had to persuade someone.",
        "Describe a time when you missed a deadline",
        "Give me an example of a difficult decision.",
        "Can you give an example of leadership?",
        "Share an example of a conflict you resolved.",
        "Walk me through a time you changed your mind.",
        "Have you ever had to deliver bad news?",
        "When did you last go beyond your role?",
        "What did you do on an occasion when you disagreed with your boss?",
    ],
)
def test_questions_asking_for_a_past_example_are_behavioural(text: str):
    assert question_kind(text) == "behavioural"


@pytest.mark.parametrize(
    "text",
    [
        "Why do you want to work for us?",
        "What is your greatest strength?",
        "Where do you see yourself in five years?",
        "Tell me about yourself.",
        "Describe the work environment you prefer.",
        "What would you do in your first ninety days?",
        "",
    ],
)
def test_other_questions_are_open(text: str):
    assert question_kind(text) == "open"


def test_bank_question_is_found_with_its_own_kind_and_target():
    bank = load_questions()[0]
    found = find_question("  " + bank.text.replace(" ", "   ") + "\n")
    assert found == bank


def test_typed_question_gets_a_guessed_kind_and_default_target():
    typed = find_question("Tell me about a time   you   surprised a customer.")
    assert typed.text == "Tell me about a time you surprised a customer."
    assert typed.theme == OWN_QUESTION_THEME
    assert typed.kind == "behavioural"
    assert typed.target_seconds == DEFAULT_TARGET_SECONDS["behavioural"]
    assert find_question("Why this team?").target_seconds == DEFAULT_TARGET_SECONDS["open"]
