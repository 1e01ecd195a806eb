import pytest
from transcripts import transcript_from_text

from rehearse.analysis.analysis import analyze_transcript
from rehearse.errors import ParameterError
from rehearse.mock.follow_up import (
    ONE_SENTENCE,
    OUTCOME,
    OWN_PART,
    SPECIFIC_EXAMPLE,
    FollowUpOptions,
    decide_follow_up,
)

BEHAVIOURAL = "Tell me about a time you improved a process."
OPEN = "Why do you want to work for us?"
STRONG = (
    "Last year at Northwind our release process took two full days. My task was to make it faster. "
    "I automated the test runs, wrote a checklist for the team and moved the approvals into one meeting. "
    "As a result releases now take three hours, and nobody works late on release day any more."
)


def _follow_up(text: str, question: str, **transcript) -> str | None:
    return decide_follow_up(
        analyze_transcript(transcript_from_text(text, **transcript), question=question).to_dict()
    )


def test_a_strong_story_gets_no_follow_up():
    assert _follow_up(STRONG, BEHAVIOURAL) is None


def test_no_specific_example_asks_for_one():
    vague = (
        "I always try to improve processes wherever I work. I think it is important to look for waste "
        "and I generally like to talk to people and find better ways of doing things in general."
    )
    assert _follow_up(vague, BEHAVIOURAL) == SPECIFIC_EXAMPLE


def test_a_story_without_its_result_asks_for_the_outcome():
    no_result = (
        "Last year at Northwind our release process took two full days. My task was to make it faster. "
        "I started by interviewing the testers, and then I drafted a plan for automating the test runs."
    )
    assert _follow_up(no_result, BEHAVIOURAL) == OUTCOME


def test_we_throughout_and_never_i_asks_for_the_candidates_own_part():
    we_only = (
        "Last year at Northwind our release process took two full days. Our task was to make it faster. "
        "We automated the test runs, we wrote a checklist and we moved the approvals into one meeting. "
        "As a result releases now take three hours, and nobody works late on release day any more."
    )
    assert _follow_up(we_only, BEHAVIOURAL) == OWN_PART


def test_a_far_too_long_answer_asks_for_one_sentence():
    rambling = " ".join([STRONG] * 8)  # about 8 × 23 s at 150 words per minute, over 1.5 × 90 s

    assert _follow_up(rambling, BEHAVIOURAL) == ONE_SENTENCE


def test_an_open_question_needs_no_story():
    opinion = "I want to work for you because your product helps small shops and I care about that a lot."

    assert _follow_up(opinion, OPEN) is None


def test_an_empty_answer_gets_no_follow_up():
    assert _follow_up("", BEHAVIOURAL) is None


def test_follow_up_options_are_checked():
    with pytest.raises(ParameterError):
        FollowUpOptions(far_too_long_ratio=1.0)
    with pytest.raises(ParameterError):
        FollowUpOptions(we_without_i_min=0)
