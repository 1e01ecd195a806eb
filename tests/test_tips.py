from transcripts import transcript_from_text

from rehearse.analysis import AnalysisOptions, analyze_transcript
from rehearse.example import ExampleOptions
from rehearse.tips import MAX_TIPS, clock

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
