import pytest
from transcripts import transcript_from_text

from rehearse.analysis.analysis import analyze_transcript
from rehearse.mock.first_point import first_point_index, time_to_first_point, transcript_of
from rehearse.speech.transcript import Transcript


def test_an_answer_without_preamble_starts_its_point_with_its_first_word():
    transcript = transcript_from_text("In my last role I led a team of five.", start=0.8)

    assert time_to_first_point(transcript) == pytest.approx(0.8)


def test_a_preamble_is_skipped_up_to_the_first_answering_word():
    transcript = transcript_from_text(
        "That's a good question. So, um, let me think. In my last role I led a team.", pauses={9: 1.5}
    )
    # 9 words of preamble at 0.4 s each after a 0.5 s lead-in, then a 1.5 s pause.
    assert time_to_first_point(transcript) == pytest.approx(0.5 + 9 * 0.4 + 1.5)


def test_hesitations_and_stock_openers_count_as_preamble():
    words = transcript_from_text("Hmm, okay, well, thanks for asking. Uh, I would pick Python.").words

    assert words[first_point_index(list(words))].text == "I"


def test_an_answer_that_is_all_preamble_has_no_first_point():
    assert time_to_first_point(transcript_from_text("Um, that's a good question, let me think.")) is None
    assert time_to_first_point(Transcript(words=(), duration_s=3.0)) is None


def test_a_word_that_only_starts_like_a_preamble_is_the_point():
    # "Sorting" is not "so", and "Goodwill" is not "good question".
    assert time_to_first_point(transcript_from_text("Sorting the backlog came first.", start=1.0)) == 1.0


def test_the_transcript_kept_in_an_analysis_gives_the_same_time():
    transcript = transcript_from_text("Well, let me see. I moved the approvals into one meeting.", start=0.3)
    analysis = analyze_transcript(transcript).to_dict()

    assert time_to_first_point(transcript_of(analysis)) == time_to_first_point(transcript)
