import pytest
from transcripts import transcript_from_text

from rehearse.analysis.pacing import PacingOptions, analyze_pacing
from rehearse.errors import ParameterError
from rehearse.speech.transcript import Transcript


def test_words_per_minute_and_articulation_rate():
    result = analyze_pacing(transcript_from_text("word " * 60, words_per_minute=150))
    assert result.words_per_minute == pytest.approx(150, rel=0.02)
    assert result.articulation_rate == pytest.approx(result.words_per_minute, rel=0.01)
    assert result.verdict == "ok"
    assert result.pauses == ()


def test_pauses_are_found_and_long_ones_marked():
    transcript = transcript_from_text("word " * 40, words_per_minute=150, pauses={10: 0.3, 20: 1.5})
    result = analyze_pacing(transcript)
    assert [(pause.duration_s >= 0.25, pause.long) for pause in result.pauses] == [
        (True, False),
        (True, True),
    ]
    long_pause = result.pauses[1]
    assert long_pause.start == pytest.approx(transcript.words[19].end)
    assert long_pause.end == pytest.approx(transcript.words[20].start)
    assert result.long_pause_count == 1
    assert result.articulation_rate > result.words_per_minute


def test_vocal_fillers_are_not_words():
    with_fillers = analyze_pacing(transcript_from_text("um word " * 30, words_per_minute=150))
    assert with_fillers.words_per_minute == pytest.approx(75, rel=0.03)


@pytest.mark.parametrize(("rate", "verdict"), [(90, "slow"), (140, "ok"), (200, "fast")])
def test_verdict(rate, verdict):
    assert analyze_pacing(transcript_from_text("word " * 80, words_per_minute=rate)).verdict == verdict


def test_thresholds_are_configurable():
    options = PacingOptions(slow_below_wpm=150, fast_above_wpm=190)
    result = analyze_pacing(transcript_from_text("word " * 80, words_per_minute=140), options=options)
    assert result.verdict == "slow"
    assert result.options == options


def test_pace_over_time_in_windows():
    fast_then_slow = transcript_from_text("word " * 50, words_per_minute=200).words
    slow_start = fast_then_slow[-1].end + 0.1
    slow = transcript_from_text("word " * 20, words_per_minute=80, start=slow_start).words
    transcript = type(transcript_from_text("x"))(words=fast_then_slow + slow, duration_s=slow[-1].end + 1)
    result = analyze_pacing(transcript, options=PacingOptions(window_s=10))
    assert result.windows[0].words_per_minute == pytest.approx(200, rel=0.05)
    assert result.windows[-1].words_per_minute == pytest.approx(80, rel=0.1)
    assert result.pace_variation > 30


@pytest.mark.parametrize(
    "settings",
    [
        {"slow_below_wpm": 200, "fast_above_wpm": 100},
        {"slow_below_wpm": 0},
        {"pause_min_s": 2.0, "long_pause_s": 1.0},
        {"window_s": 0},
    ],
)
def test_bad_options_are_refused(settings):
    with pytest.raises(ParameterError):
        PacingOptions(**settings)


def test_measured_silences_place_the_pauses():
    words = transcript_from_text("word " * 20, words_per_minute=150).words
    # The audio says where the silence really was, whatever the word timestamps claim.
    silences = ((0.0, 0.5), (3.1, 4.4), (5.0, 5.2), (words[-1].end + 0.1, words[-1].end + 2))
    transcript = Transcript(words=words, duration_s=words[-1].end + 2, silences=silences)
    result = analyze_pacing(transcript)
    assert [(pause.start, pause.end, pause.long) for pause in result.pauses] == [(3.1, 4.4, True)]
