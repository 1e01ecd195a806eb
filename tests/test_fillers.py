import math

import pytest
from transcripts import transcript_from_text

from rehearse.analysis.fillers import FillerOptions, analyze_fillers, is_vocal_filler
from rehearse.speech.transcript import Transcript, Word


def filler_texts(text: str, **kwargs) -> list[str]:
    return [item.text for item in analyze_fillers(transcript_from_text(text, **kwargs)).items]


@pytest.mark.parametrize(
    "word", ["um", "Um,", "uh.", "Uhh", "ummm...", "er,", "erm", "ah,", "hmm", "Mm.", "mhm"]
)
def test_vocal_filler_spellings(word):
    assert is_vocal_filler(word)


@pytest.mark.parametrize("word", ["umbrella", "user", "her", "a", "ahead", "I", "uh-huh", "me"])
def test_words_that_are_not_vocal_fillers(word):
    assert not is_vocal_filler(word)


def test_vocal_fillers_are_counted_with_their_times():
    result = analyze_fillers(transcript_from_text("So, um, I rewrote it. Uh, then we shipped it, uh."))
    assert [item.text for item in result.items] == ["um", "uh", "uh"]
    assert result.vocal_count == 3 and result.lexical_count == 0
    assert result.items[0].start == pytest.approx(0.9)
    assert all(item.kind == "vocal" for item in result.items)


@pytest.mark.parametrize(
    "text",
    [
        "I like Python and I like people.",
        "I would like to lead the team.",
        "I'd like to add one thing.",
        "It looks like the report was wrong.",
        "We used tools like Jira and Slack.",
        "We used tools like a hammer and a saw.",
        "What kind of a manager would do that?",
        "What kind of tool would help here?",
        "It was the right sort of problem for us.",
        "Do you know the answer to that?",
        "If you know what I mean by that.",
        "I mean it.",
        "I mean it when I say this matters.",
        "I would love to like the new design.",
        "That is what I mean by ownership.",
        "I sort urgent work by what sorta deadline it is.",
        "I handle the legal deadlines first, like the attendance returns.",
        "I would never sit on a slip, like that, because surprises cost more.",
        "Do you know what kinda team this is?",
        "It is the only kind of tool we trust.",
        "They like it, and she likes it too.",
    ],
)
def test_non_filler_uses_are_not_counted(text):
    assert filler_texts(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Like, we had no plan at all.", ["like"]),
        ("There were, like, ten people waiting.", ["like"]),
        ("And it was like ten people waiting.", ["like"]),
        ("You know, the deadline was close.", ["you know"]),
        ("The deadline was close, you know.", ["you know"]),
        ("I mean, it was a hard quarter.", ["i mean"]),
        ("It was kind of hard to explain.", ["kind of"]),
        ("We sort of rebuilt it from scratch.", ["sort of"]),
        ("Basically we rewrote the export.", ["basically"]),
        ("It was literally the last day.", ["literally"]),
        ("We tested it for like two weeks.", ["like"]),
        ("I drafted a sheet with like the five items.", ["like"]),
        ("It took like 10 days.", ["like"]),
        ("We had like a wave of bad reviews.", ["like"]),
        ("I offered like a short pilot.", ["like"]),
        ("I built sort of a checklist for each one.", ["sort of"]),
        ("Juggling is, sorta, the whole job.", ["sorta"]),
        ("It was kinda hard to explain.", ["kinda"]),
        ("I try to, you know, see both sides.", ["you know"]),
        ("You just have to sort of meet people where they are.", ["sort of"]),
        ("It kept the review from sort of slowing down.", ["sort of"]),
        ("And, like, the whole team came in.", ["like"]),
        ("Wherever I work, like, that is my approach.", ["like"]),
        ("She, like, went through the marking scheme.", ["like"]),
        ("I also kind of set up a pinned answer.", ["kind of"]),
        ("That is the main thing kind of. And it works.", ["kind of"]),
        ("It helps, sort of.", ["sort of"]),
    ],
)
def test_filler_uses_are_counted(text, expected):
    assert filler_texts(text) == expected


def test_a_hesitation_does_not_join_the_words_around_it():
    # "quarter. uh I mean": the "I mean" still opens its sentence; "We uh like it": "like" still follows "We".
    assert filler_texts("It was a hard quarter. Uh I mean I like things tidy.") == ["uh", "i mean"]
    assert filler_texts("We uh like the product.") == ["uh"]


def test_a_pause_acts_like_a_comma():
    # "we were like [pause] ten people": a silence after "like" marks the hesitation.
    assert filler_texts("Then we were like ten people.", pauses={4: 0.6}) == ["like"]
    assert filler_texts("Tools like Jira helped.", pauses={2: 0.6}) == ["like"]


def test_rates_use_speaking_time_and_spoken_words():
    result = analyze_fillers(transcript_from_text("um " * 5 + "word " * 25, words_per_minute=60))
    assert result.count == 5
    assert result.per_minute == pytest.approx(5 / ((29 + 0.8) / 60), rel=0.01)
    assert result.per_100_words == pytest.approx(20.0)


def test_lexical_fillers_can_be_switched_off():
    transcript = transcript_from_text("Um, basically, like, we shipped it.")
    result = analyze_fillers(transcript, options=FillerOptions(count_lexical=False))
    assert [item.text for item in result.items] == ["um"]
    assert result.options.count_lexical is False


def test_empty_transcript_has_no_fillers():
    result = analyze_fillers(transcript_from_text(""))
    assert result.count == 0 and result.per_minute == 0.0 and result.per_100_words == 0.0


def test_a_filler_with_a_vanishing_span_has_a_finite_rate():
    # Found by the fuzz test: a rate over a subnormal span overflowed to infinity, which JSON refuses.
    transcript = Transcript(words=(Word("UM", 0.0, 2.2250738585072014e-308, 0.0),), duration_s=0.0)
    result = analyze_fillers(transcript)
    assert result.count == 1 and math.isfinite(result.per_minute)
