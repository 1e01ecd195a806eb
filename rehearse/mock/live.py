"""Transcribing an answer while it is spoken, so its follow-up can come within moments of its end.

A 90-second answer takes tiny.en several seconds to transcribe on two cores: too long a silence
before an interviewer's follow-up. Here the recording is cut at pauses into chunks of about
``chunk_seconds`` as it grows; each finished chunk is transcribed in a background thread while the
candidate goes on speaking, so when the answer ends only its last chunk is left.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from rehearse.errors import NoSpeechError, ParameterError
from rehearse.speech.audio import SAMPLE_RATE, Audio, find_silences
from rehearse.speech.transcribe import TranscribeOptions, transcribe
from rehearse.speech.transcript import Transcript, Word

# A cut is made in the middle of a pause found in the chunk's second half; without one, at the
# quietest 50 ms of its last seconds.
_QUIET_FRAME_S = 0.05
_LAST_SECONDS_FOR_A_CUT = 3.0


# Greedy decoding is twice as fast as beam search at a quarter more word errors (see TranscribeOptions):
# enough to decide a follow-up; the full analysis in the background transcribes the whole answer again.
LIVE_TRANSCRIBE_OPTIONS = TranscribeOptions(beam_size=1)


@dataclass
class LiveTranscript:
    """The transcript of an answer being recorded: :meth:`add` samples as they come, :meth:`finish` at its end.

    ``chunk_seconds`` is how much speech is gathered before a chunk is transcribed (seconds): Whisper
    decodes 30-second windows, so a shorter chunk costs as much as a full one.
    """

    options: TranscribeOptions = LIVE_TRANSCRIBE_OPTIONS
    chunk_seconds: float = 15.0
    _pending: list[np.ndarray] = field(default_factory=list)
    _pending_samples: int = 0
    _offset_samples: int = 0
    _chunks: list[Future[tuple[Word, ...]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _worker: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))

    def __post_init__(self) -> None:
        if self.chunk_seconds < 2 * _LAST_SECONDS_FOR_A_CUT:
            raise ParameterError(f"A chunk must be at least {2 * _LAST_SECONDS_FOR_A_CUT:g} seconds long.")

    def add(self, samples: np.ndarray) -> None:
        """Append samples (16 kHz mono); a chunk that is long enough goes to the background transcriber."""
        with self._lock:
            self._pending.append(np.asarray(samples, dtype=np.float32))
            self._pending_samples += len(samples)
            if self._pending_samples < self.chunk_seconds * SAMPLE_RATE:
                return
            pending = np.concatenate(self._pending)
            cut = _cut_point(pending, self.chunk_seconds)
            chunk, rest = pending[:cut], pending[cut:]
            self._pending, self._pending_samples = [rest], len(rest)
            offset_s = self._offset_samples / SAMPLE_RATE
            self._offset_samples += cut
        self._chunks.append(self._worker.submit(_words, chunk, offset_s, self.options))

    @property
    def chunks_waiting(self) -> int:
        return sum(not chunk.done() for chunk in self._chunks)

    def finish(self) -> Transcript:
        """Transcribe what is left and return the whole answer's transcript; NoSpeechError without words."""
        with self._lock:
            rest = np.concatenate(self._pending) if self._pending else np.zeros(0, dtype=np.float32)
            offset_s = self._offset_samples / SAMPLE_RATE
            total_s = (self._offset_samples + len(rest)) / SAMPLE_RATE
        words = [word for chunk in self._chunks for word in chunk.result()]
        if len(rest) > 0:
            words += _words(rest, offset_s, self.options)
        self._worker.shutdown(wait=False)
        if not words:
            raise NoSpeechError(
                "No speech was found in the recording: check the microphone and answer aloud."
            )
        return Transcript(words=tuple(words), duration_s=total_s)


def _words(samples: np.ndarray, offset_s: float, options: TranscribeOptions) -> tuple[Word, ...]:
    try:
        transcript, _ = transcribe(Audio(samples=samples), options=options)
    except NoSpeechError:  # a chunk of silence: the candidate paused to think
        return ()
    return tuple(
        replace(word, start=round(word.start + offset_s, 3), end=round(word.end + offset_s, 3))
        for word in transcript.words
    )


def _cut_point(samples: np.ndarray, chunk_seconds: float) -> int:
    """Where to end a chunk: in a pause in its second half, so no word is cut in two."""
    head = Audio(samples=samples[: int(chunk_seconds * SAMPLE_RATE)])
    pauses = [
        (start + end) / 2 for start, end in find_silences(head) if (start + end) / 2 >= chunk_seconds / 2
    ]
    if pauses:
        return int(pauses[-1] * SAMPLE_RATE)
    frame = int(_QUIET_FRAME_S * SAMPLE_RATE)
    first = int((chunk_seconds - _LAST_SECONDS_FOR_A_CUT) * SAMPLE_RATE)
    tail = samples[first : first + int(_LAST_SECONDS_FOR_A_CUT * SAMPLE_RATE)]
    frames = tail[: len(tail) // frame * frame].reshape(-1, frame)
    return first + int(np.argmin(np.square(frames).mean(axis=1))) * frame
