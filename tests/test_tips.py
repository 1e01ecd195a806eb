from dataclasses import replace

from transcripts import transcript_from_text

from rehearse.analysis.analysis import AnalysisOptions, analyze_transcript
from rehearse.analysis.example import ExampleOptions, ExampleResult
from rehearse.analysis.star import STAR_PARTS
from rehearse.analysis.text import clock
from rehearse.analysis.tips import (
    ADVICE_ACHIEVEMENTS,
    ADVICE_COMPOSED,
    ADVICE_CONCISE,
    ADVICE_CONFIDENCE,
    MAX_TIPS,
    QUOTE_WORDS,
    _example_tips,
    opening,
    plural,
    spoken,
)

RAMBLING = "um like I think maybe we kind of did stuff, you know, um, basically. " * 30


def test_at_most_five_tips_most_important_first():
    analysis = analyze_transcript(transcript_from_text(RAMBLING, words_per_minute=200))
    assert 0 < len(analysis.tips) <= MAX_TIPS
    priorities = [tip.priority for tip in analysis.tips]
    assert priorities == sorted(priorities, reverse=True)
    assert "specific story" in analysis.tips[0].message
    assert all(tip.advice and tip.evidence for tip in analysis.tips)


def test_filler_tip_points_at_the_first_filler():
    analysis = analyze_transcript(transcript_from_text(RAMBLING, words_per_minute=200))
    tip = next(tip for tip in analysis.tips if "fillers" in tip.message)
    assert tip.start == analysis.fillers.items[0].start
    assert clock(tip.start) in tip.evidence


def test_no_story_tip_when_the_question_needs_none():
    options = AnalysisOptions(example=ExampleOptions(expect_example=False))
    analysis = analyze_transcript(transcript_from_text(RAMBLING), options=options)
    assert not any("story" in tip.message for tip in analysis.tips)


def test_question_kind_decides_whether_a_story_is_expected():
    text = transcript_from_text("I admire your focus on customers.")
    assert analyze_transcript(
        text, question="Tell me about a time you failed."
    ).example.options.expect_example
    assert not analyze_transcript(
        text, question="Why do you want to work here?"
    ).example.options.expect_example


def test_clock():
    assert clock(0) == "0:00" and clock(65.4) == "1:05" and clock(600) == "10:00"


def test_filler_tip_reads_like_the_card_one_filler_capital_i_and_tenths():
    # The issue saw "1 fillers", "20.06 per minute" beside a card saying 20.1, and lowercase "i mean".
    analysis = analyze_transcript(
        transcript_from_text(
            "So we shipped it, I mean, we shipped the fix on time and the team was happy with it."
        ),
        question="Why do you want to work here?",
    )
    assert analysis.fillers.count == 1 and analysis.fillers.per_minute == 7.98
    [tip] = [tip for tip in analysis.tips if "fillers" in tip.message]
    assert tip.message == "Cut the fillers (I mean): pause silently instead."
    assert tip.evidence.startswith("1 filler, 8.0 per minute; the first “I mean” at ")


def test_pace_tip_rounds_like_the_card():
    analysis = analyze_transcript(transcript_from_text(RAMBLING, words_per_minute=200))
    [tip] = [tip for tip in analysis.tips if tip.message.startswith("Slow down")]
    assert tip.evidence.startswith(f"{analysis.pacing.words_per_minute:.0f} words per minute overall, ")


def test_spoken_and_plural():
    assert spoken("i mean") == "I mean" and spoken("i'm not sure") == "I'm not sure"
    assert spoken("like in") == "like in"
    assert plural(1, "filler") == "1 filler" and plural(0, "hedge") == "0 hedges"


def _example(**changes: object) -> ExampleResult:
    found = {"situation": True, "task": True, "action": True, "result": False}
    evidence = {part: ("I rebuilt the rota." if present else None) for part, present in found.items()}
    base = ExampleResult(True, found, evidence, ("3",), (), {"i": 2, "we": 0}, missing=("result",))
    return replace(base, **changes)


def test_a_missing_part_is_named_only_when_the_model_is_sure():
    [sure] = [tip for tip in _example_tips(_example()) if "missing" in tip.message]
    assert sure.message == "Your example is missing the result; add a sentence for it."
    assert sure.evidence == "Action heard: “I rebuilt the rota.”"
    assert not [tip for tip in _example_tips(_example(missing=())) if "missing" in tip.message]


def test_no_story_tip_only_when_the_model_is_sure_there_is_none():
    absent = _example(present=False, star=dict.fromkeys(STAR_PARTS, False), missing=())
    assert not _example_tips(absent)
    [tip] = _example_tips(replace(absent, says_no_example=True))
    assert "specific story" in tip.message


def _tips(text: str, **spacing: float) -> list:
    return list(
        analyze_transcript(
            transcript_from_text(text, **spacing), question="Why do you want to work here?"
        ).tips
    )


def test_one_point_said_five_times_gets_a_repetition_tip():
    text = " ".join(
        f"{opening} the customer always comes first, and that is what I believe."
        for opening in ("For me", "Really", "Honestly", "In short", "Again")
    )
    [tip] = [tip for tip in _tips(text) if tip.message.startswith("Make each point once")]
    assert tip.evidence.startswith("“customer always comes first")
    assert tip.evidence.endswith("” comes back 5 times.")
    assert tip.advice == ADVICE_CONCISE


def test_a_phrase_said_twice_gets_no_repetition_tip():
    text = "The billing system failed. I rebuilt the billing system in a week and the team was happy."
    assert not [tip for tip in _tips(text) if tip.message.startswith("Make each point once")]


def test_the_shorter_sentences_tip_quotes_the_opening_of_a_sentence_in_the_transcript():
    long_sentence = " ".join(["and then we went over the plan again with the team"] * 5) + "."
    text = long_sentence[0].upper() + long_sentence[1:]
    transcript = transcript_from_text(text)
    [tip] = [tip for tip in _tips(text) if tip.message.startswith("Use shorter sentences")]
    quote = tip.evidence.split("the longest: “", 1)[1].removesuffix("”")
    assert quote.endswith(" …")
    assert quote.removesuffix(" …") in transcript.text
    assert len(quote.split()) == QUOTE_WORDS + 1


def test_opening_keeps_a_short_sentence_whole():
    assert opening("We shipped it.") == "We shipped it."
    assert opening("one two three four", words=2) == "one two …"


def test_each_tip_cites_the_guide_line_that_fits_it():
    rambling = _tips(RAMBLING, words_per_minute=200)
    cited = {tip.message.split(" ")[0]: tip.advice for tip in rambling}
    assert cited["Cut"] == ADVICE_COMPOSED  # fillers: composure
    assert cited["Slow"] == ADVICE_CONCISE  # pace: clarity
    hedges = _tips("I think we did it. Maybe it worked. I guess it was probably fine. I think so.")
    [hedge] = [tip for tip in hedges if tip.message.startswith("Drop the hedges")]
    assert hedge.advice == ADVICE_CONFIDENCE
    quantify = [tip for tip in _example_tips(_example(quantified=())) if "number" in tip.message]
    assert quantify[0].advice == ADVICE_ACHIEVEMENTS
    # The same quote is never attached to both a filler tip and a hedge tip, as it was.
    assert hedge.advice != cited["Cut"]
