import numpy as np
import pytest

from rehearse.analysis.fillers import analyze_fillers
from rehearse.analysis.hesitation import HesitationOptions, add_hesitations, steady_voiced_stretches
from rehearse.speech.audio import Audio
from rehearse.speech.transcript import Transcript, Word

RATE = 16_000


def vowel(seconds: float, *, pitch_hz: float = 120.0, glide_to_hz: float | None = None) -> np.ndarray:
    """A voiced, vowel-like sound: harmonics shaped by two formants, optionally gliding in pitch."""
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = np.linspace(pitch_hz, glide_to_hz or pitch_hz, t.size)
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    sound = sum(
        np.sin(k * phase)
        * (np.exp(-(((k * pitch_hz) - 600) ** 2) / 2e5) + 0.5 * np.exp(-(((k * pitch_hz) - 1200) ** 2) / 3e5))
        for k in range(1, 30)
    )
    return (0.3 * sound / np.abs(sound).max()).astype(np.float32)


def babble(seconds: float, seed: int = 1) -> np.ndarray:
    """Word-like sound: short vowels of changing pitch and formant with silences between."""
    rng = np.random.default_rng(seed)
    pieces = []
    while sum(map(len, pieces)) < seconds * RATE:
        pieces.append(vowel(0.08, pitch_hz=rng.uniform(100, 180), glide_to_hz=rng.uniform(100, 180)))
        pieces.append(np.zeros(int(0.03 * RATE), dtype=np.float32))
    return np.concatenate(pieces)[: int(seconds * RATE)]


def audio_of(*parts: np.ndarray) -> Audio:
    return Audio(samples=np.concatenate(parts).astype(np.float32))


def word(text: str, start: float, end: float) -> Word:
    return Word(text=text, start=start, end=end, probability=0.9)


def test_a_steady_stretch_survives_a_brief_wobble():
    wobble = vowel(0.03, pitch_hz=150, glide_to_hz=90)
    audio = audio_of(
        np.zeros(RATE // 2, np.float32), vowel(0.2), wobble, vowel(0.2), np.zeros(RATE // 2, np.float32)
    )
    (stretch,) = steady_voiced_stretches(audio, options=HesitationOptions())
    assert stretch[0] < 0.7 < 0.73 < stretch[1]


def test_a_held_vowel_is_a_steady_stretch():
    audio = audio_of(np.zeros(RATE // 2, np.float32), vowel(0.5), np.zeros(RATE // 2, np.float32))
    (stretch,) = steady_voiced_stretches(audio, options=HesitationOptions())
    assert stretch[0] == pytest.approx(0.5, abs=0.06) and stretch[1] == pytest.approx(1.0, abs=0.06)


@pytest.mark.parametrize(
    "sound",
    [
        vowel(0.5, pitch_hz=100, glide_to_hz=220),
        np.random.default_rng(0).standard_normal(RATE // 2).astype(np.float32) * 0.3,
        np.zeros(RATE, np.float32),
    ],
    ids=["gliding pitch", "noise", "silence"],
)
def test_moving_or_unvoiced_sound_is_not_a_hesitation(sound):
    assert steady_voiced_stretches(audio_of(sound), options=HesitationOptions()) == []


def test_a_hesitation_between_words_is_added_as_a_filler():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    transcript = Transcript(
        words=(word("We", 0.0, 0.4), word("shipped", 0.5, 0.95), word("it.", 1.45, 2.0)), duration_s=2.4
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["We", "shipped", "uh", "it."]
    assert result.words[2].start == pytest.approx(1.0, abs=0.06)


def test_a_transcribed_hesitation_is_not_added_twice_but_takes_the_acoustic_span():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    # Whisper stamps the "um" late, after the sound it stands for.
    transcript = Transcript(
        words=(word("We", 0.0, 0.9), word("um,", 1.45, 1.6), word("did.", 1.6, 2.0)), duration_s=2.4
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["We", "um,", "did."]
    assert result.words[1].start == pytest.approx(1.0, abs=0.06)
    assert result.words[1].end == pytest.approx(1.4, abs=0.06)


def test_a_transcribed_hesitation_stamped_a_word_late_is_matched_to_its_sound():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.2, seed=2))
    # Whisper swallowed the "um" into "shift" and wrote it down after the word, 0.8 s late.
    transcript = Transcript(
        words=(word("the", 0.0, 0.3), word("shift.", 0.35, 1.9), word("Um,", 2.2, 2.2), word("I", 2.3, 2.6)),
        duration_s=2.6,
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["the", "shift.", "Um,", "I"]
    assert result.words[2].start == pytest.approx(1.0, abs=0.06)


def test_each_transcribed_hesitation_goes_to_the_nearest_sound():
    audio = audio_of(babble(1.0), vowel(0.4), babble(0.6, seed=2), vowel(0.4), babble(1.0, seed=3))
    # The recogniser wrote only the second hesitation; the first one must still be added.
    transcript = Transcript(
        words=(
            word("We", 0.0, 0.9),
            word("did", 1.45, 1.95),
            word("uh,", 2.05, 2.35),
            word("it.", 2.45, 3.3),
        ),
        duration_s=3.4,
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["We", "uh", "did", "uh,", "it."]
    assert [w.start for w in result.words if w.text.startswith("uh")] == pytest.approx([1.0, 2.0], abs=0.12)


def test_a_normal_word_over_the_stretch_explains_it():
    audio = audio_of(babble(1.0), vowel(0.3), babble(1.0, seed=2))
    transcript = Transcript(
        words=(word("We", 0.0, 0.9), word("saw", 0.95, 1.35), word("it.", 1.4, 2.0)), duration_s=2.3
    )
    assert add_hesitations(audio, transcript) == transcript


def test_a_word_stretched_far_beyond_the_speakers_pace_hides_a_hesitation():
    audio = audio_of(babble(1.0), vowel(0.5), babble(1.0, seed=2))
    transcript = Transcript(
        words=(
            word("So", 0.0, 0.2),
            word("we", 0.25, 0.4),
            word("fixed", 0.45, 0.8),
            word("I", 0.95, 1.55),
            word("did.", 1.6, 1.85),
        ),
        duration_s=2.5,
    )
    assert [w.text for w in add_hesitations(audio, transcript).words] == [
        "So",
        "we",
        "fixed",
        "I",
        "uh",
        "did.",
    ]


def test_a_hesitation_swallowed_by_the_next_words_stamp_is_put_before_that_word():
    # Whisper stamps "I" from the end of "person.", over the "uh" said before it: read in time order,
    # the hesitation would land inside "I mean" and hide that filler.
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    transcript = Transcript(
        words=(
            word("person.", 0.0, 0.95),
            word("I", 0.95, 1.7),
            word("mean,", 1.7, 2.0),
            word("it", 2.05, 2.4),
        ),
        duration_s=2.5,
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["person.", "uh", "I", "mean,", "it"]
    hesitation, spoken = result.words[1], result.words[2]
    assert hesitation.end <= spoken.start < spoken.end == 1.7
    assert [item.text for item in analyze_fillers(result).items] == ["uh", "i mean"]


def test_a_word_stamped_over_a_hesitation_and_the_silence_after_it_keeps_its_place():
    # "agreed" is said, then "uh", then silence; Whisper's stamp runs from the word over both.
    audio = audio_of(babble(1.0), vowel(0.4), np.zeros(RATE, np.float32), babble(0.5, seed=2))
    agreed = Word(text="agreed.", start=0.5, end=2.2, probability=0.1)
    transcript = Transcript(
        words=(word("We", 0.0, 0.5), agreed, word("Then", 2.4, 2.9)), duration_s=2.9, silences=((1.4, 2.4),)
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["We", "agreed.", "uh", "Then"]
    assert result.words[1].end <= result.words[2].start


def test_a_slow_speakers_long_word_is_not_taken_for_a_hesitation():
    # Nearly the same "I" as above, from a speaker who takes that long over every short word.
    audio = audio_of(babble(1.0), vowel(0.5), babble(1.0, seed=2))
    transcript = Transcript(
        words=(word("So", 0.0, 0.5), word("we", 0.5, 0.95), word("I", 0.95, 1.5), word("did.", 1.5, 2.2)),
        duration_s=2.5,
    )
    assert add_hesitations(audio, transcript) == transcript


def test_a_very_unsure_word_over_a_hesitation_keeps_the_word_and_gains_the_filler():
    audio = audio_of(babble(1.0), vowel(0.5), babble(1.0, seed=2))
    unsure = Word(text="trying", start=0.95, end=1.55, probability=0.1)
    transcript = Transcript(words=(word("We", 0.0, 0.9), unsure, word("it.", 1.6, 2.0)), duration_s=2.5)
    assert [w.text for w in add_hesitations(audio, transcript).words] == ["We", "trying", "uh", "it."]


def test_a_number_is_never_taken_for_a_misheard_hesitation():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    unsure = Word(text="10", start=0.95, end=1.4, probability=0.3)
    transcript = Transcript(words=(word("top", 0.6, 0.9), unsure, word("first.", 1.45, 2.0)), duration_s=2.4)
    assert [w.text for w in add_hesitations(audio, transcript).words] == ["top", "10", "first."]


def test_a_words_held_end_just_past_its_stamp_is_not_a_hesitation():
    audio = audio_of(babble(1.0), vowel(0.3), np.zeros(RATE // 2, np.float32))
    # Whisper ends the word 0.05 s before its last, held sound does.
    transcript = Transcript(words=(word("We", 0.0, 0.5), word("agreed.", 0.55, 1.25)), duration_s=1.8)
    assert add_hesitations(audio, transcript) == transcript


def test_can_be_switched_off():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    transcript = Transcript(words=(word("We", 0.0, 0.9), word("did.", 1.45, 2.0)), duration_s=2.4)
    assert add_hesitations(audio, transcript, options=HesitationOptions(enabled=False)) == transcript


def test_every_hesitation_is_added_not_only_the_first():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2), vowel(0.4), babble(1.0, seed=3))
    transcript = Transcript(
        words=(word("We", 0.0, 0.9), word("did", 1.45, 2.3), word("it.", 2.85, 3.8)), duration_s=3.9
    )
    result = add_hesitations(audio, transcript)
    assert [w.text for w in result.words] == ["We", "uh", "did", "uh", "it."]


def test_an_unsure_short_word_over_a_hesitation_is_the_hesitation_misheard():
    audio = audio_of(babble(1.0), vowel(0.4), babble(1.0, seed=2))
    unsure = Word(text="Now", start=0.95, end=1.4, probability=0.3)
    transcript = Transcript(words=(word("We", 0.0, 0.9), unsure, word("did.", 1.45, 2.0)), duration_s=2.4)
    assert [w.text for w in add_hesitations(audio, transcript).words] == ["We", "uh", "did."]
    sure = Transcript(
        words=(word("We", 0.0, 0.9), word("Now", 0.95, 1.4), word("did.", 1.45, 2.0)), duration_s=2.4
    )
    assert [w.text for w in add_hesitations(audio, sure).words] == ["We", "Now", "did."]
