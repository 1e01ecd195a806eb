"""The live transcript on real speech (espeak-ng) through the real model."""

import numpy as np
import pytest
from speech import silence, speak

from rehearse.errors import NoSpeechError, ParameterError
from rehearse.mock.live import LIVE_TRANSCRIBE_OPTIONS, LiveTranscript
from rehearse.speech.audio import load_audio
from rehearse.speech.transcribe import transcribe

TEXT = (
    "Last year our release process took two full days. My task was to make it faster. "
    "I automated the test runs and I wrote a checklist for the team. "
    "As a result, releases now take three hours, and nobody works late on release day any more. "
    "Finance now uses the same checklist for their own invoices."
)


@pytest.fixture(scope="module")
def answer(tmp_path_factory):
    return load_audio(speak(tmp_path_factory.mktemp("live") / "answer.wav", TEXT))


def _words(transcript) -> set[str]:
    return {word.text.strip(".,").lower() for word in transcript.words}


def _fed(samples: np.ndarray, *, chunk_seconds: float) -> LiveTranscript:
    live = LiveTranscript(chunk_seconds=chunk_seconds)
    for first in range(0, len(samples), 1600):
        live.add(samples[first : first + 1600])
    return live


def test_chunks_transcribed_while_speaking_give_the_whole_answer_in_order(answer):
    assert answer.duration_s > 14  # long enough for at least two chunks of 6 s

    transcript = _fed(answer.samples, chunk_seconds=6.0).finish()

    starts = [word.start for word in transcript.words]
    assert starts == sorted(starts)
    assert transcript.duration_s == pytest.approx(answer.duration_s, abs=0.01)
    assert starts[0] >= 0.0 and transcript.words[-1].end <= answer.duration_s + 0.5
    # No words lost at a cut: the chunks say mostly what one transcription of the whole recording
    # says (short chunks give the recogniser less context, so a few words differ: 75 % shared here).
    whole, _ = transcribe(answer, options=LIVE_TRANSCRIBE_OPTIONS)
    said, expected = _words(transcript), _words(whole)
    assert len(said & expected) >= 0.65 * len(expected), (transcript.text, whole.text)
    assert {"faster", "automated", "checklist", "invoices"} <= said


def test_a_silent_chunk_is_a_pause_not_an_error(answer):
    samples = np.concatenate([silence(7.0), answer.samples])

    transcript = _fed(samples, chunk_seconds=6.0).finish()

    assert transcript.words[0].start > 6.5


def test_an_answer_without_speech_says_so():
    with pytest.raises(NoSpeechError):
        _fed(silence(8.0), chunk_seconds=6.0).finish()


def test_a_chunk_too_short_to_cut_at_a_pause_is_refused():
    with pytest.raises(ParameterError):
        LiveTranscript(chunk_seconds=2.0)
