import numpy as np
import pytest

from rehearse.audio import Audio
from rehearse.hesitation import HesitationOptions, add_hesitations, steady_voiced_stretches
from rehearse.transcript import Transcript, Word

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


def test_a_normal_word_over_the_stretch_explains_it():
    audio = audio_of(babble(1.0), vowel(0.3), babble(1.0, seed=2))
    transcript = Transcript(
        words=(word("We", 0.0, 0.9), word("saw", 0.95, 1.35), word("it.", 1.4, 2.0)), duration_s=2.3
    )
    assert add_hesitations(audio, transcript) == transcript


def test_a_stretched_short_word_hides_a_hesitation():
    audio = audio_of(babble(1.0), vowel(0.5), babble(1.0, seed=2))
    transcript = Transcript(
        words=(word("We", 0.0, 0.9), word("I", 0.95, 1.55), word("did.", 1.6, 2.0)), duration_s=2.5
    )
    assert [w.text for w in add_hesitations(audio, transcript).words] == ["We", "I", "uh", "did."]


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
