import json
import subprocess
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehearse.analysis.delivery import DeliveryOptions, analyze_delivery, warm_up
from rehearse.errors import NoSpeechError, ParameterError
from rehearse.speech.audio import SAMPLE_RATE, Audio, load_audio
from rehearse.speech.transcript import Transcript, Word

ANSWER = (
    "In my last role I led a team of five engineers. We had a deadline that was slipping, so I broke the "
    "project into weekly milestones. As a result we shipped two weeks early and cut costs by twenty percent."
)


def _words(duration_s: float, *, sentence_words: int = 6) -> tuple[Word, ...]:
    """0.35 s words 0.1 s apart; a sentence ends every ``sentence_words`` words (0.3 s pause) and at the end."""
    words: list[Word] = []
    start = 0.2
    while start + 0.35 <= duration_s - 0.1:
        ends_sentence = (len(words) + 1) % sentence_words == 0
        words.append(Word("done." if ends_sentence else "word", start, start + 0.35, 0.9))
        start += 0.45 + (0.3 if ends_sentence else 0.0)
    last = words[-1]
    return (*words[:-1], Word("done.", last.start, last.end, last.probability))


def _voice(
    duration_s: float,
    words: tuple[Word, ...],
    *,
    pitch_hz: Callable[[np.ndarray], np.ndarray] = lambda time: np.full_like(time, 150.0),
    gain_db: Callable[[np.ndarray], np.ndarray] = np.zeros_like,
) -> tuple[Audio, Transcript]:
    """A harmonic 'voice' sounding only during the words, silent between them."""
    time = np.arange(int(duration_s * SAMPLE_RATE)) / SAMPLE_RATE
    phase = 2 * np.pi * np.cumsum(pitch_hz(time)) / SAMPLE_RATE
    tone = sum(np.sin(harmonic * phase) / harmonic for harmonic in range(1, 8))
    speaking = np.zeros_like(time, dtype=bool)
    for word in words:
        speaking |= (time >= word.start) & (time < word.end)
    samples = np.where(speaking, 0.2 * tone * 10 ** (gain_db(time) / 20), 0.0).astype(np.float32)
    return Audio(samples=samples), Transcript(words=words, duration_s=duration_s)


def _json(result) -> dict:
    # allow_nan=False fails on any NaN or infinity that slipped into the result.
    return json.loads(json.dumps(result.to_dict(), allow_nan=False))


def test_flat_voice_is_monotone():
    audio, transcript = _voice(10.0, _words(10.0))

    result = analyze_delivery(audio, transcript)

    assert result.median_pitch_hz == pytest.approx(150.0, abs=2.0)
    assert result.pitch_std_semitones < 0.5
    assert result.monotone
    assert [finding.kind for finding in result.findings] == ["monotone"]
    assert result.findings[0].start == pytest.approx(0.2)
    assert result.findings[0].end == pytest.approx(transcript.words[-1].end)


def test_gliding_voice_is_not_monotone():
    # 110 -> 220 -> 110 Hz: a triangle from 0 to 12 semitones, whose standard deviation is 12 / sqrt(12).
    def glide(time: np.ndarray) -> np.ndarray:
        return 110.0 * 2 ** (1 - np.abs(time / 5.0 - 1))

    audio, transcript = _voice(10.0, _words(10.0), pitch_hz=glide)

    result = analyze_delivery(audio, transcript)

    assert result.pitch_std_semitones == pytest.approx(12 / np.sqrt(12), abs=0.5)
    assert result.pitch_range_semitones > 8
    assert not result.monotone
    assert result.median_pitch_hz == pytest.approx(110 * 2**0.5, rel=0.1)
    assert "monotone" not in [finding.kind for finding in result.findings]


def test_voice_dropping_steadily_is_fading():
    audio, transcript = _voice(30.0, _words(30.0), gain_db=lambda time: -15.0 * time / 30.0)

    result = analyze_delivery(audio, transcript)

    assert result.fading
    assert result.loudness_trend_db_per_minute == pytest.approx(-30.0, abs=5.0)
    fading = [finding for finding in result.findings if finding.kind == "fading"]
    assert len(fading) == 1
    # It points where the voice is clearly quieter (3 dB of the 15 dB fall: about 6 s in), never at 0:00.
    assert 4.0 <= fading[0].start <= 10.0 and fading[0].end > 28.0
    assert "half" in fading[0].evidence or "quarter" in fading[0].evidence
    assert "dB" not in fading[0].evidence
    levels = [window.level_db for window in result.windows if window.level_db is not None]
    assert levels[0] > 5 and levels[-1] < -5


def test_steady_voice_is_not_fading():
    audio, transcript = _voice(30.0, _words(30.0))

    result = analyze_delivery(audio, transcript)

    assert not result.fading
    assert abs(result.loudness_trend_db_per_minute) < 1.0


def test_quiet_patch_is_not_a_fade():
    # As loud at the end as at the start, with a quiet stretch in between: no steady drop.
    audio, transcript = _voice(30.0, _words(30.0), gain_db=lambda time: np.where(time > 20.0, -12.0, 0.0))

    assert not analyze_delivery(audio, transcript).fading


def test_quiet_sentence_endings_trail_off():
    words = _words(20.0)
    last_words = [word for word in words if word.text.endswith(".")]

    def quiet_last_words(time: np.ndarray) -> np.ndarray:
        gain = np.zeros_like(time)
        for word in last_words:
            gain[(time >= word.start) & (time < word.end)] = -20.0
        return gain

    audio, transcript = _voice(20.0, words, gain_db=quiet_last_words)

    result = analyze_delivery(audio, transcript)

    assert result.trailing_off
    assert len(result.sentence_endings) == len(last_words)
    assert all(ending.trailing for ending in result.sentence_endings)
    assert [ending.drop_db for ending in result.sentence_endings] == pytest.approx(
        [20.0] * len(last_words), abs=3
    )
    assert [ending.end for ending in result.sentence_endings] == pytest.approx(
        [word.end for word in last_words], abs=0.03
    )
    (finding,) = [finding for finding in result.findings if finding.kind == "trailing_off"]
    assert finding.end == pytest.approx(last_words[0].end, abs=0.03)
    assert finding.start == pytest.approx(finding.end - 0.3)
    assert f"{len(last_words)} of {len(last_words)} sentences" in finding.evidence
    # One full stop after a quoted sentence end, and no decibels in the candidate's words.
    assert "”." not in finding.evidence and ".”" in finding.evidence and "dB" not in finding.evidence


def test_even_sentence_endings_do_not_trail_off():
    audio, transcript = _voice(20.0, _words(20.0))

    result = analyze_delivery(audio, transcript)

    assert not result.trailing_off
    assert result.sentence_endings
    assert all(abs(ending.drop_db) < 3 for ending in result.sentence_endings)


def test_one_quiet_ending_is_not_a_habit():
    words = _words(20.0)
    first_end = next(word for word in words if word.text.endswith("."))
    audio, transcript = _voice(
        20.0,
        words,
        gain_db=lambda time: np.where((time >= first_end.start) & (time < first_end.end), -20.0, 0.0),
    )

    result = analyze_delivery(audio, transcript, options=DeliveryOptions(trailing_share=0.1))

    assert [ending.trailing for ending in result.sentence_endings].count(True) == 1
    assert not result.trailing_off
    assert not result.findings or all(finding.kind != "trailing_off" for finding in result.findings)


def test_last_word_running_into_silence_is_not_trailing_off():
    # Whisper often stretches a sentence's last word into the silence after it.
    words = _words(20.0)
    stretched = tuple(
        Word(word.text, word.start, word.end + 0.3, word.probability) if word.text.endswith(".") else word
        for word in words
    )
    audio, _ = _voice(20.0, words)

    result = analyze_delivery(audio, Transcript(words=stretched, duration_s=20.0))

    assert not result.trailing_off
    assert all(abs(ending.drop_db) < 3 for ending in result.sentence_endings)


def test_speaking_share_counts_time_inside_words():
    words = (Word("one", 0.0, 1.0, 0.9), Word("two", 0.5, 2.0, 0.9), Word("three.", 3.0, 4.0, 0.9))
    audio, transcript = _voice(10.0, words)

    assert analyze_delivery(audio, transcript).speaking_share == pytest.approx(0.3)


def test_silence_gives_an_empty_but_valid_result():
    transcript = Transcript(words=_words(5.0), duration_s=5.0)

    result = analyze_delivery(Audio(samples=np.zeros(5 * SAMPLE_RATE, dtype=np.float32)), transcript)

    assert result.median_pitch_hz is None and result.pitch_std_semitones is None
    assert not result.monotone and not result.fading and not result.trailing_off
    assert result.findings == ()
    assert _json(result)["median_pitch_hz"] is None


def test_noise_is_not_taken_for_a_voice():
    noise = np.random.default_rng(1).normal(0, 0.1, 5 * SAMPLE_RATE).astype(np.float32)

    result = analyze_delivery(Audio(samples=noise), Transcript(words=_words(5.0), duration_s=5.0))

    assert result.voiced_share < 0.05
    assert not result.monotone


def test_very_short_input_is_handled():
    audio, transcript = _voice(0.3, (Word("Hi.", 0.0, 0.3, 0.9),))

    result = analyze_delivery(audio, transcript)

    assert result.median_pitch_hz is None
    assert len(result.windows) == 1
    assert result.sentence_endings == ()
    _json(result)


@pytest.mark.parametrize(
    ("samples", "words"),
    [
        (np.zeros(0, dtype=np.float32), (Word("word", 0.0, 0.5, 0.9),)),
        (np.zeros(SAMPLE_RATE, dtype=np.float32), ()),
    ],
    ids=["no samples", "no words"],
)
def test_nothing_to_analyse_raises_no_speech(samples, words):
    with pytest.raises(NoSpeechError, match="no speech"):
        analyze_delivery(
            Audio(samples=samples), Transcript(words=words, duration_s=len(samples) / SAMPLE_RATE)
        )


@pytest.mark.parametrize(
    "options",
    [
        DeliveryOptions(fmin_hz=300.0, fmax_hz=200.0),
        DeliveryOptions(fmin_hz=0.0),
        DeliveryOptions(fmax_hz=9000.0),
        DeliveryOptions(window_s=0.0),
        DeliveryOptions(tail_s=0.0),
        DeliveryOptions(min_harmonicity=1.5),
        DeliveryOptions(trailing_share=0.0),
    ],
)
def test_unworkable_options_are_refused(options):
    audio, transcript = _voice(2.0, _words(2.0))

    with pytest.raises(ParameterError):
        analyze_delivery(audio, transcript, options=options)


def test_other_sample_rates_are_refused():
    audio, transcript = _voice(2.0, _words(2.0))

    with pytest.raises(ParameterError, match="16000 Hz"):
        analyze_delivery(Audio(samples=audio.samples, sample_rate=8000), transcript)


def test_to_dict_is_json_safe_rounded_and_echoes_options():
    options = DeliveryOptions(monotone_semitones=2.5, window_s=1.5)
    audio, transcript = _voice(10.0, _words(10.0))

    data = _json(analyze_delivery(audio, transcript, options=options))

    assert set(data) == {
        "speaking_share",
        "voiced_share",
        "median_pitch_hz",
        "pitch_std_semitones",
        "pitch_range_semitones",
        "monotone",
        "windows",
        "loudness_trend_db_per_minute",
        "fading",
        "sentence_endings",
        "trailing_off",
        "findings",
        "options",
    }
    assert data["options"] == options.to_dict()
    assert data["windows"][1] == {
        "start": 1.5,
        "end": 3.0,
        "level_db": data["windows"][1]["level_db"],
        "pitch_semitones": data["windows"][1]["pitch_semitones"],
    }
    assert data["median_pitch_hz"] == round(data["median_pitch_hz"], 1)
    assert set(data["findings"][0]) == {"kind", "message", "evidence", "start", "end"}
    assert set(data["sentence_endings"][0]) == {
        "last_words",
        "start",
        "end",
        "tail_start",
        "drop_db",
        "trailing",
    }


@settings(max_examples=30, deadline=None)
@given(
    amplitude=st.floats(min_value=0.0, max_value=1.0),
    duration_s=st.floats(min_value=0.05, max_value=4.0),
    spans=st.lists(st.tuples(st.floats(0.0, 4.0), st.floats(0.0, 1.0)), min_size=1, max_size=12),
)
def test_any_signal_and_word_timing_gives_a_finite_result(amplitude, duration_s, spans):
    noise = np.random.default_rng(0).uniform(-amplitude, amplitude, int(duration_s * SAMPLE_RATE))
    words = tuple(Word("word.", start, start + length, 0.5) for start, length in sorted(spans))

    result = analyze_delivery(
        Audio(samples=noise.astype(np.float32)), Transcript(words=words, duration_s=duration_s)
    )

    data = _json(result)
    assert 0.0 <= data["speaking_share"] <= 1.0
    assert 0.0 <= data["voiced_share"] <= 1.0


def test_warm_up_runs():
    warm_up()


def _espeak(tmp_path, name: str, pitch_range: str) -> tuple[Audio, Transcript]:
    """espeak-ng reading ANSWER with the given SSML pitch range, words spread evenly over the sound."""
    path = tmp_path / f"{name}.wav"
    ssml = f'<speak><prosody range="{pitch_range}">{ANSWER}</prosody></speak>'
    subprocess.run(["espeak-ng", "-m", "-w", str(path), ssml], check=True)
    audio = load_audio(path)
    sounding = np.flatnonzero(np.abs(audio.samples) > 0.01) / SAMPLE_RATE
    texts = ANSWER.split()
    edges = np.linspace(sounding[0], sounding[-1], len(texts) + 1)
    words = tuple(Word(text, float(edges[i]), float(edges[i + 1]), 0.9) for i, text in enumerate(texts))
    return audio, Transcript(words=words, duration_s=audio.duration_s)


def test_real_voice_flat_and_lively(tmp_path):
    flat = analyze_delivery(*_espeak(tmp_path, "flat", "0%"))
    lively = analyze_delivery(*_espeak(tmp_path, "lively", "x-high"))

    assert flat.monotone
    assert not lively.monotone
    assert lively.pitch_std_semitones > flat.pitch_std_semitones + 1.5
    for result in (flat, lively):
        assert 70 < result.median_pitch_hz < 160  # espeak-ng's default male voice
        assert 0.3 < result.voiced_share < 0.8
        assert not result.fading
        _json(result)
