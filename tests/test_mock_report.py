from transcripts import transcript_from_text

from rehearse.analysis.analysis import analyze_transcript
from rehearse.mock.report import (
    MAX_WORK_ON,
    RoundAnswer,
    compare_with_previous,
    nerves_sentence,
    round_answers,
    round_report,
)

BEHAVIOURAL = "Tell me about a time you improved a process."
CHALLENGING = "Tell me about a time you received critical feedback. What did you do with it?"
OPEN = "Why do you want to work for us?"
BILLING = (
    "That's a good question, let me think. When a large customer threatened to leave, I read six months of "
    "their tickets, called their operations manager and found that invoices were arriving late. I fixed the "
    "billing job with finance, and the customer renewed for three more years."
)
BILLING_RETOLD = (
    "Last spring a big customer nearly left us because their invoices kept arriving late. I found that by "
    "reading their tickets and calling their operations manager. Finance and I repaired the billing job, and "
    "they renewed for three years."
)
VAGUE = (
    "Um, I think I am, um, quite open to feedback in general, uh, and I, um, always try to listen and learn."
)


def _answer(question: str, text: str, follow_up: str | None = None) -> RoundAnswer:
    return RoundAnswer(
        question, analyze_transcript(transcript_from_text(text), question=question).to_dict(), follow_up
    )


def test_the_round_report_lists_each_question_in_order_with_its_numbers():
    answers = [
        _answer(BEHAVIOURAL, BILLING),
        _answer(CHALLENGING, VAGUE, "Can you give me a specific example?"),
    ]

    report = round_report(answers)

    assert [q.question for q in report.questions] == [BEHAVIOURAL, CHALLENGING]
    assert report.questions[0].time_to_first_point_s > 2.0  # the preamble took 8 words
    assert report.questions[1].follow_up == "Can you give me a specific example?"
    assert report.fillers_per_minute[1] > report.fillers_per_minute[0]
    assert "fillers grew" in report.nerves


def test_work_on_is_at_most_three_each_with_its_evidence_most_costly_first():
    answers = [
        _answer(BEHAVIOURAL, BILLING),
        _answer(CHALLENGING, VAGUE),
        _answer(OPEN, "I like your product."),
        _answer(CHALLENGING, BILLING_RETOLD),
    ]

    report = round_report(answers)

    assert 1 <= len(report.work_on) <= MAX_WORK_ON
    assert report.work_on[0].title.startswith("Back every behavioural answer")
    assert "answer 2" in report.work_on[0].evidence
    assert [(s.first, s.second) for s in report.reused_stories] == [(0, 3)]
    assert any("answers 1 and 4" in item.evidence for item in report.work_on)
    assert report.to_dict()["reused_stories"] == [[0, 3]]


def test_an_answer_not_yet_analysed_leaves_a_gap_and_keeps_the_other_indexes():
    answers = [_answer(BEHAVIOURAL, BILLING), RoundAnswer(OPEN, None), _answer(CHALLENGING, BILLING_RETOLD)]

    report = round_report(answers)

    assert report.questions[1].analysed is False
    assert report.fillers_per_minute[1] is None
    assert [(s.first, s.second) for s in report.reused_stories] == [(0, 2)]


def test_nerves_say_whether_fillers_settled_and_how_pace_moved():
    assert "settled" in nerves_sentence([6.0, 4.0, 2.0], [180.0, 160.0, 150.0])
    assert "slowed down" in nerves_sentence([6.0, 4.0, 2.0], [180.0, 160.0, 150.0])
    assert "held steady" in nerves_sentence([2.0, None, 2.5], [150.0, None, 152.0])
    assert "at least two" in nerves_sentence([2.0], [150.0])


def test_a_stored_round_gives_its_answers_in_order_up_to_the_first_unanswered(tmp_path):
    from rehearse.history.store import open_store

    store = open_store(tmp_path)
    round_id = store.start_round("final", [BEHAVIOURAL, CHALLENGING, OPEN])
    first = store.save_round_recording(round_id, 0, b"audio", ".wav")
    store.save_analysis(first, _answer(BEHAVIOURAL, BILLING).analysis)
    store.set_follow_up(round_id, 0, "What was your own part?")
    store.save_round_recording(round_id, 0, b"audio", ".wav", follow_up="What was your own part?")

    answers = round_answers(store.get_round(round_id))

    assert [(a.question, a.follow_up, a.analysis is not None) for a in answers] == [
        (BEHAVIOURAL, "What was your own part?", True)
    ]


def test_a_round_is_compared_with_the_earlier_rounds():
    calm = round_report([_answer(BEHAVIOURAL, BILLING), _answer(OPEN, "I like your product and your team.")])
    nervous = round_report([_answer(CHALLENGING, VAGUE), _answer(OPEN, "Um, I, uh, like your, um, product.")])

    assert compare_with_previous(calm, []) == (
        "This is your first round: the next one will be compared with it.",
    )
    sentences = compare_with_previous(calm, [nervous])
    assert sentences[0].startswith("Fillers: 0.0 per minute, better than your 1 earlier round")
