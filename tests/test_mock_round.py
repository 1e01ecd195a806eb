import pytest

from rehearse.errors import ParameterError
from rehearse.mock.round import (
    CLOSING_QUESTION,
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    STAGES,
    RoundOptions,
    choose_round,
    questions_from_lines,
)
from rehearse.preparation.questions import Question, find_question


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("count", range(MIN_QUESTIONS, MAX_QUESTIONS + 1))
def test_a_round_has_the_real_mix_opener_first_and_own_questions_last(stage, count):
    chosen = choose_round(RoundOptions(stage=stage, question_count=count, seed=count))

    assert len(chosen) == count
    assert len(set(chosen)) == count
    assert chosen[0].theme == "Following up on earlier rounds"
    assert chosen[-1].text == CLOSING_QUESTION
    themes = [question.theme for question in chosen]
    assert "Challenging questions" in themes
    assert any(
        q.kind == "open" and q.theme in ("Company values and culture", "Your value and fit") for q in chosen
    )
    assert sum(q.kind == "behavioural" for q in chosen[1:-1]) >= 1


def test_the_final_round_opens_differently_from_the_second():
    second = {choose_round(RoundOptions(stage="second_round", seed=seed))[0].text for seed in range(20)}
    final = {choose_round(RoundOptions(stage="final", seed=seed))[0].text for seed in range(20)}

    assert not second & final


def test_the_same_seed_gives_the_same_round_and_other_seeds_vary():
    assert choose_round(RoundOptions(seed=3)) == choose_round(RoundOptions(seed=3))
    assert len({choose_round(RoundOptions(seed=seed)) for seed in range(10)}) > 1


def test_tailored_questions_fill_their_slots_before_the_bank():
    tailored = [
        Question(
            "Tell me about a time you shipped a payments feature under pressure.",
            "Prepared",
            "behavioural",
            90,
        ),
        Question("Why does our mission in healthcare matter to you?", "Prepared", "open", 75),
        Question("Ask how the team decides what to build next.", "Prepared", "ask", 40),
    ]

    chosen = choose_round(RoundOptions(question_count=5, seed=1), tailored=tailored)

    assert tailored[0] in chosen and tailored[1] in chosen
    assert chosen[-1] == tailored[2]
    assert chosen[0].theme == "Following up on earlier rounds"


@pytest.mark.parametrize("count", [0, 3, 9])
def test_a_round_outside_four_to_eight_questions_is_refused(count):
    with pytest.raises(ParameterError, match="4 to 8 questions"):
        RoundOptions(question_count=count)


def test_an_unknown_stage_is_refused():
    with pytest.raises(ParameterError, match="stage"):
        RoundOptions(stage="third")


def test_the_closing_question_is_in_the_bank_as_the_candidates_own_questions():
    closing = find_question(CLOSING_QUESTION)

    assert closing.kind == "ask"
    assert closing.theme == "Your questions for the interviewer"


def test_questions_file_lines_become_questions_and_blank_lines_are_skipped():
    chosen = questions_from_lines(
        ["Why do you want to work for us?", "  ", "Tell me about a time you led a team."]
    )

    assert [q.text for q in chosen] == [
        "Why do you want to work for us?",
        "Tell me about a time you led a team.",
    ]
    assert chosen[1].kind == "behavioural"
