import pytest

from rehearse.errors import ParameterError
from rehearse.mock.reuse import ReuseOptions, content_words, reused_stories

BILLING = (
    "When a large customer threatened to leave, I read six months of their tickets, called their operations "
    "manager and found that invoices were arriving late. I fixed the billing job with finance, and the "
    "customer renewed for three more years."
)
BILLING_RETOLD = (
    "The best example is the customer who nearly left us. Their invoices kept arriving late, which I only "
    "found by reading through their tickets and calling their operations manager. Finance and I repaired "
    "the billing job and they renewed for three years."
)
RELEASE = (
    "Our release process took two full days. I automated the test runs, wrote a checklist and moved the "
    "approvals into one meeting. Releases now take three hours."
)
VALUES = "I want to work here because openness matters to me and your engineers publish their postmortems."


def test_the_same_story_told_twice_is_found_with_the_words_it_shares():
    found = reused_stories([RELEASE, BILLING, VALUES, BILLING_RETOLD])

    assert [(story.first, story.second) for story in found] == [(1, 3)]
    assert {"invoices", "billing", "renewed"} <= set(found[0].shared)


def test_different_stories_are_not_paired():
    assert reused_stories([RELEASE, BILLING, VALUES]) == ()


def test_content_words_leave_out_stop_words_fillers_and_words_every_story_uses():
    words = content_words("Um, so the team worked on the billing project for weeks.")

    assert set(words.values()) == {"billing"}


def test_reuse_options_are_checked():
    with pytest.raises(ParameterError):
        ReuseOptions(min_overlap=0)
