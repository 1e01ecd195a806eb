import wave

import numpy as np
import pytest
from speech import convert, speak

from rehearse.speech.audio import SAMPLE_RATE, Audio, dithered, find_silences, load_audio


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    return speak(tmp_path_factory.mktemp("audio") / "answer.wav")


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("answer.flac", ()),
        ("answer.ogg", ("-c:a", "libvorbis")),
        ("answer.mp3", ()),
        ("answer.m4a", ("-c:a", "aac")),
        ("answer.aac", ("-c:a", "aac")),
        ("answer.webm", ("-c:a", "libopus")),
        ("answer.opus", ("-c:a", "libopus")),
        ("answer-44k-stereo.wav", ("-ar", "44100", "-ac", "2")),
        ("answer-8k.wav", ("-ar", "8000")),
    ],
)
def test_every_format_decodes_to_16k_mono(spoken, tmp_path, name, extra):
    reference = load_audio(spoken)
    audio = load_audio(convert(spoken, tmp_path / name, *extra))
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32
    assert audio.duration_s == pytest.approx(reference.duration_s, abs=0.1)
    assert np.abs(audio.samples).max() > 0.05


def test_samples_keep_their_level(spoken):
    with wave.open(str(spoken)) as file:
        raw = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2") / 32768
    audio = load_audio(spoken)
    assert np.abs(audio.samples).max() == pytest.approx(np.abs(raw).max(), rel=0.1)


def test_silences_are_found_against_the_recordings_own_level():
    rate = 16_000
    tone = 0.3 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate).astype(np.float32)
    hiss = np.random.default_rng(0).standard_normal(rate // 2).astype(np.float32) * 0.001
    audio = Audio(samples=np.concatenate([tone, hiss, tone, hiss[:1600], tone]))
    assert find_silences(audio) == ((1.0, 1.5),)
    assert find_silences(audio, min_silence_s=0.05) == ((1.0, 1.5), (2.5, 2.6))


def test_dither_is_far_below_hearing_and_the_same_for_the_same_seed():
    audio = Audio(np.zeros(SAMPLE_RATE * 10, dtype=np.float32))
    noisy = dithered(audio, seed=1)
    level_dbfs = 20 * np.log10(np.sqrt(np.mean(noisy.samples.astype(np.float64) ** 2)))
    assert level_dbfs == pytest.approx(-90.0, abs=0.5)
    assert np.array_equal(noisy.samples, dithered(audio, seed=1).samples)
    assert not np.array_equal(noisy.samples, dithered(audio, seed=2).samples)
    assert noisy.samples.dtype == np.float32 and noisy.sample_rate == audio.sample_rate


def test_dither_keeps_a_full_scale_recording_inside_full_scale():
    # The fuzz test under dither found it: a decoded sample at exactly 1.0 plus noise went past it.
    loud = Audio(np.tile(np.array([1.0, -1.0], dtype=np.float32), SAMPLE_RATE))
    noisy = dithered(loud, seed=3)
    assert np.all(np.abs(noisy.samples) <= 1.0) and noisy.samples.dtype == np.float32
