import pytest
from transcripts import transcript_from_text

from rehearse.analysis.conciseness import ConcisenessOptions, analyze_conciseness
from rehearse.errors import ParameterError


@pytest.mark.parametrize(("words", "verdict"), [(40, "short"), (150, "ok"), (400, "long")])
def test_length_verdict(words, verdict):
    result = analyze_conciseness(transcript_from_text("word " * words, words_per_minute=150))
    assert result.verdict == verdict
    assert result.word_count == words


def test_length_band_is_configurable():
    options = ConcisenessOptions(short_below_s=10, long_above_s=20)
    result = analyze_conciseness(transcript_from_text("word " * 60, words_per_minute=150), options=options)
    assert result.verdict == "long"


def test_hedges_are_found():
    result = analyze_conciseness(
        transcript_from_text("I think we were late. Maybe it was probably my fault, I guess.")
    )
    assert [hedge.text for hedge in result.hedges] == ["i think", "maybe", "probably", "i guess"]


def test_repeated_phrases_ignore_function_words():
    text = "We fixed the billing system. Then the billing system broke again. And then the and then the end."
    result = analyze_conciseness(transcript_from_text(text))
    assert [(phrase.text, phrase.count) for phrase in result.repeated_phrases] == [("the billing system", 2)]


def test_sentences():
    result = analyze_conciseness(transcript_from_text("One two three. Four five six seven eight. Nine"))
    assert result.sentence_count == 3
    assert result.mean_sentence_words == pytest.approx(3.0)
    assert result.longest_sentence == "Four five six seven eight."


def test_vocal_fillers_do_not_count_as_words():
    assert analyze_conciseness(transcript_from_text("um uh we shipped it")).word_count == 3


@pytest.mark.parametrize("settings", [{"short_below_s": 100, "long_above_s": 50}, {"repeat_min_words": 1}])
def test_bad_options_are_refused(settings):
    with pytest.raises(ParameterError):
        ConcisenessOptions(**settings)


def test_an_ellipsis_is_a_hesitation_inside_a_sentence_not_its_end():
    # Whisper writes "..." where the speaker trails into a hesitation and then carries on.
    result = analyze_conciseness(transcript_from_text("So we were going to... Umm... move it. It works now."))
    assert result.sentence_count == 2
    assert result.longest_sentence.startswith("So we were going to...") and result.longest_sentence.endswith(
        "move it."
    )


def test_a_target_sets_the_band_instead_of_the_fixed_limits():
    # 40 s at 150 words per minute: fine by the fixed 30-120 s limits, short for a 90 s target.
    transcript = transcript_from_text("word " * 100, words_per_minute=150)
    assert analyze_conciseness(transcript).verdict == "ok"
    result = analyze_conciseness(transcript, options=ConcisenessOptions(target_s=90))
    assert (result.verdict, result.target_s, result.band_s) == ("short", 90, (67.5, 112.5))
    wider = analyze_conciseness(transcript, options=ConcisenessOptions(target_s=90, target_tolerance=0.6))
    assert (wider.verdict, wider.band_s) == ("ok", (36.0, 144.0))


@pytest.mark.parametrize("settings", [{"target_s": 0}, {"target_tolerance": 0}, {"target_tolerance": 1.0}])
def test_impossible_target_band_is_refused(settings):
    with pytest.raises(ParameterError):
        ConcisenessOptions(**settings)


def test_thinking_about_something_is_no_hedge():
    # The issue counted "when I think about communication" as a hedge: 21 hedges on one answer.
    text = "When I think about communication I think of my old team. I think it went well. I believe in it."
    result = analyze_conciseness(transcript_from_text(text))
    assert [hedge.text for hedge in result.hedges] == ["i think"]
    assert result.hedges[0].start == transcript_from_text(text).words[11].start


def test_the_longest_sentence_is_quoted_as_said_fillers_included():
    text = "We shipped. Um so I, uh, rebuilt the whole rota with the team over two long weeks of work."
    transcript = transcript_from_text(text)
    result = analyze_conciseness(transcript)
    assert (
        result.longest_sentence
        == "Um so I, uh, rebuilt the whole rota with the team over two long weeks of work."
    )
    assert result.longest_sentence in transcript.text
