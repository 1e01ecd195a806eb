"""Fuzzing: damaged and random recordings through the decoder, random transcripts and sounds through
the analyzers. Whatever goes in, the engine either returns a result or raises a RehearseError whose
message a candidate can read: never another exception, never a hang.

Each test tries 200 examples; set REHEARSE_FUZZ_EXAMPLES for more (or fewer).
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from speech import convert

from rehearse.analysis.analysis import analyze_transcript
from rehearse.analysis.delivery import analyze_delivery
from rehearse.analysis.hesitation import HESITATION_TEXT, HesitationOptions, add_hesitations
from rehearse.analysis.report import format_report
from rehearse.analysis.results_view import transcript_html
from rehearse.errors import RehearseError
from rehearse.speech.audio import DEFAULT_MAX_SECONDS, SAMPLE_RATE, Audio, find_silences, load_audio
from rehearse.speech.transcript import Transcript, Word

SAMPLE = Path(__file__).resolve().parent.parent / "sample_audio" / "strong_star.ogg"
EXAMPLES = int(os.environ.get("REHEARSE_FUZZ_EXAMPLES", "200"))
# Hypothesis reports an example slower than DEADLINE once it has finished; the alarm stops one that
# never finishes. Both are far above the normal tens of milliseconds, for a slow shared CI machine.
DEADLINE = timedelta(seconds=15)
HANG_S = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
# Formats a candidate may upload, each made from two seconds of the sample answer.
SEED_FORMATS = {
    ".wav": ("-c:a", "pcm_s16le"),
    ".mp3": ("-c:a", "libmp3lame"),
    ".ogg": ("-c:a", "libvorbis"),
    ".opus": ("-c:a", "libopus"),
    ".flac": ("-c:a", "flac"),
    ".m4a": ("-c:a", "aac"),
    ".webm": ("-c:a", "libopus"),
}
# Integers that break size and rate fields in headers.
EXTREME_FIELDS = (0, 1, 2, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


class Hang(BaseException):
    """An input kept the engine busy past HANG_S; a BaseException so no `except Exception` swallows it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_readable(error: RehearseError) -> None:
    """One plain sentence for the candidate: no traceback, no blank message, no wall of text."""
    message = str(error)
    assert message.strip(), f"{type(error).__name__} has no message"
    assert "\n" not in message and "Traceback" not in message, message
    assert len(message) < 400, message
    assert message.rstrip().endswith((".", ")", "?", "!")), message


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    made = {}
    for suffix, codec in SEED_FORMATS.items():
        target = convert(SAMPLE, folder / f"seed{suffix}", "-t", "2", "-ac", "1", "-ar", "16000", *codec)
        made[suffix] = target.read_bytes()
    return made


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-inputs")


def test_every_seed_decodes(seeds: dict[str, bytes], fuzz_dir: Path):
    for suffix, data in seeds.items():
        path = fuzz_dir / f"seed{suffix}"
        path.write_bytes(data)
        assert 1.8 < load_audio(path).duration_s < 2.2, suffix


# --- Damaged recordings -----------------------------------------------------------------------------

# Where to damage a file: a WAV header field, somewhere in the first bytes, or anywhere.
WAV_FIELDS = (4, 16, 20, 22, 24, 28, 32, 34, 36, 40)
position = st.one_of(st.sampled_from(WAV_FIELDS), st.integers(0, 512), st.floats(0, 1))
mutation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(1, 255)),
    st.tuples(st.just("truncate"), position),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), position, st.integers(1, 256)),
    st.tuples(st.just("field"), position, st.sampled_from(EXTREME_FIELDS), st.sampled_from((2, 4))),
    st.tuples(st.just("splice"), st.sampled_from(sorted(SEED_FORMATS)), st.integers(4, 600)),
    st.tuples(st.just("repeat"), position, st.integers(1, 2048)),
)


def _index(where: int | float, length: int) -> int:
    index = where if isinstance(where, int) else int(where * length)
    return min(max(index, 0), max(length - 1, 0))


def mutate(data: bytes, mutations: list[tuple], seeds: dict[str, bytes]) -> bytes:
    buffer = bytearray(data)
    for kind, *arguments in mutations:
        at = _index(arguments[0], len(buffer)) if kind != "splice" else 0
        if kind == "flip" and buffer:
            buffer[at] ^= arguments[1]
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = arguments[1]
        elif kind == "delete":
            del buffer[at : at + arguments[1]]
        elif kind == "field":
            value, width = arguments[1], arguments[2]
            buffer[at : at + width] = (value & (256**width - 1)).to_bytes(width, "little")
        elif kind == "splice":
            # Another format's header in front of this file's body.
            other, length = seeds[arguments[0]], arguments[1]
            buffer[:length] = other[:length]
        elif kind == "repeat":
            buffer[at:at] = buffer[at : at + arguments[1]]
    return bytes(buffer)


def _decode(path: Path) -> None:
    with time_limit(HANG_S):
        try:
            audio = load_audio(path)
        except RehearseError as error:
            assert_readable(error)
            event("refused")
            return
    event("decoded")
    assert audio.samples.dtype == np.float32 and audio.sample_rate == SAMPLE_RATE
    assert np.all(np.isfinite(audio.samples)) and np.all(np.abs(audio.samples) <= 1.0)
    assert 1.0 <= audio.duration_s <= DEFAULT_MAX_SECONDS


@FUZZ
@given(suffix=st.sampled_from(sorted(SEED_FORMATS)), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_recordings_decode_or_fail_with_a_readable_message(
    seeds: dict[str, bytes], fuzz_dir: Path, suffix: str, mutations: list[tuple]
):
    path = fuzz_dir / f"answer{suffix}"
    path.write_bytes(mutate(seeds[suffix], mutations, seeds))
    _decode(path)


@FUZZ
@given(suffix=st.sampled_from(sorted(SEED_FORMATS)), data=st.binary(max_size=4096))
def test_random_bytes_fail_with_a_readable_message(fuzz_dir: Path, suffix: str, data: bytes):
    path = fuzz_dir / f"random{suffix}"
    path.write_bytes(data)
    _decode(path)


# --- Random transcripts and sounds --------------------------------------------------------------------

seconds = st.floats(min_value=-5, max_value=1200, allow_nan=False, allow_infinity=False)
word_text = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        ["um", "Uh,", "like", "you", "know", "I", "mean", "kind", "of", "we", "I.", "So,", "$200", "60%",
         "Acme.", "...", "-", "'", "", " ", "\u200b", "naïve", "日本語", "🙂", "<b>", "**", "\n"]
    ),
)  # fmt: skip
word = st.builds(Word, text=word_text, start=seconds, end=seconds, probability=st.floats(0, 1))
transcripts = st.builds(
    Transcript,
    words=st.one_of(
        st.lists(word, max_size=40),
        # Most real transcripts are in time order, words one after another.
        st.lists(word, max_size=40).map(lambda words: sorted(words, key=lambda w: (w.start, w.end))),
    ).map(tuple),
    duration_s=seconds,
    silences=st.lists(st.tuples(seconds, seconds), max_size=10).map(tuple),
)
questions = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.just("Tell me about a time you improved a process."),
    st.just("Why us?"),
)


def _analyse(transcript: Transcript, question: str | None, delivery: object = None) -> None:
    try:
        analysis = analyze_transcript(transcript, question=question, delivery=delivery)
    except RehearseError as error:
        assert_readable(error)
        return
    # The app stores every analysis as strict JSON and renders it; the CLI prints it.
    stored = json.loads(json.dumps(analysis.to_dict(), allow_nan=False))
    transcript_html(stored)
    format_report(analysis)


@FUZZ
@given(transcript=transcripts, question=questions)
def test_analyzers_accept_any_transcript_or_explain_why_not(transcript: Transcript, question: str | None):
    with time_limit(HANG_S):
        _analyse(transcript, question)


@st.composite
def sounds(draw: st.DrawFn) -> Audio:
    """A few seconds of silence, noise, a steady or gliding tone, clipping, clicks or DC, in [-1, 1]."""
    count = int(draw(st.floats(0, 6)) * SAMPLE_RATE)
    kind = draw(st.sampled_from(["silence", "noise", "tone", "glide", "clipped", "clicks", "dc"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    level = draw(st.floats(0, 1))
    time = np.arange(count) / SAMPLE_RATE
    samples = {
        "silence": np.zeros(count),
        "noise": rng.standard_normal(count) * level,
        "tone": level * np.sin(2 * np.pi * draw(st.floats(20, 4000)) * time),
        "glide": level * np.sin(2 * np.pi * (100 + 80 * time) * time),
        "clipped": np.sign(np.sin(2 * np.pi * 150 * time)) * level,
        "clicks": (rng.random(count) > 0.999) * level,
        "dc": np.full(count, level),
    }[kind]
    return Audio(samples=np.clip(samples, -1, 1).astype(np.float32))


@FUZZ
@given(audio=sounds(), transcript=transcripts, question=questions)
def test_voice_analyzers_accept_any_sound_or_explain_why_not(
    audio: Audio, transcript: Transcript, question: str | None
):
    with time_limit(HANG_S):
        # As transcribe() does: the silences are measured on the sound itself.
        transcript = replace(transcript, silences=find_silences(audio))
        try:
            with_hesitations = add_hesitations(audio, transcript)
        except RehearseError as error:
            assert_readable(error)
            return
        # Every word stays (a transcribed "um" may move to where it was heard), except a short word the
        # recogniser doubted, which becomes the hesitation it misheard; new words are hesitations.
        before = Counter(word.text for word in transcript.words)
        after = Counter(word.text for word in with_hesitations.words)
        added, removed = after - before, before - after
        assert len(with_hesitations.words) == len(transcript.words) + added.total() - removed.total()
        assert set(added) <= {HESITATION_TEXT}
        misheard_below = HesitationOptions().misheard_below_probability
        assert all(
            any(word.text == text and word.probability < misheard_below for word in transcript.words)
            and len(text.strip(" ,.!?;:'\"-")) <= 3
            for text in removed
        )
        try:
            delivery = analyze_delivery(audio, with_hesitations)
        except RehearseError as error:
            assert_readable(error)
            delivery = None
        _analyse(with_hesitations, question, delivery)
