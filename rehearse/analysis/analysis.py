"""The whole analysis of one spoken answer: decode, transcribe, run every analyzer, build tips."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from rehearse.analysis.conciseness import ConcisenessOptions, ConcisenessResult, analyze_conciseness
from rehearse.analysis.delivery import DeliveryOptions, DeliveryResult, analyze_delivery
from rehearse.analysis.delivery import warm_up as warm_up_delivery
from rehearse.analysis.example import ExampleOptions, ExampleResult, analyze_example, load_language_model
from rehearse.analysis.filler_model import detect_fillers
from rehearse.analysis.fillers import FillerOptions, FillerResult, analyze_fillers
from rehearse.analysis.hesitation import HesitationOptions, add_hesitations
from rehearse.analysis.pacing import PacingOptions, PacingResult, analyze_pacing
from rehearse.analysis.tips import Tip, build_tips
from rehearse.evaluation.accuracy import measured_accuracy
from rehearse.preparation.questions import find_question
from rehearse.speech.audio import DEFAULT_MAX_SECONDS, DEFAULT_MIN_SECONDS, Audio, load_audio
from rehearse.speech.transcribe import TranscribeOptions, load_model, resolve_model_path, transcribe
from rehearse.speech.transcript import Transcript

Progress = Callable[[str, float], None]
"""Called with a stage ("decoding", "transcribing", "analysing") and the fraction of it done (0 to 1)."""


@dataclass(frozen=True)
class AnalysisOptions:
    """Every setting of an analysis, kept with its result so the result can be reproduced.

    ``min_seconds`` / ``max_seconds`` bound the accepted recording length, in seconds.
    ``learned_fillers``: find vocal fillers with the learned detector (``filler_model.py``) instead
    of the hand-tuned acoustic one (``hesitation.py``).
    """

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    hesitation: HesitationOptions = field(default_factory=HesitationOptions)
    delivery: DeliveryOptions = field(default_factory=DeliveryOptions)
    fillers: FillerOptions = field(default_factory=FillerOptions)
    pacing: PacingOptions = field(default_factory=PacingOptions)
    conciseness: ConcisenessOptions = field(default_factory=ConcisenessOptions)
    example: ExampleOptions | None = None
    min_seconds: float = DEFAULT_MIN_SECONDS
    max_seconds: float = DEFAULT_MAX_SECONDS
    learned_fillers: bool = False


@dataclass(frozen=True)
class Analysis:
    question: str | None
    duration_s: float
    transcript: Transcript
    fillers: FillerResult
    pacing: PacingResult
    conciseness: ConcisenessResult
    example: ExampleResult
    delivery: DeliveryResult | None  # None when only a transcript was analysed, without its audio
    tips: tuple[Tip, ...]
    options: AnalysisOptions
    timings_s: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        """The analysis as one JSON-ready object (the CLI's ``--json`` output)."""
        return {
            "question": self.question,
            "duration_s": round(self.duration_s, 2),
            "transcript": {
                "text": self.transcript.text,
                "words": [asdict(word) for word in self.transcript.words],
            },
            "fillers": self.fillers.to_dict() | {"detector_accuracy": _detector_accuracy()},
            "pacing": self.pacing.to_dict(),
            "conciseness": self.conciseness.to_dict(),
            "example": self.example.to_dict(),
            "delivery": self.delivery.to_dict() if self.delivery else None,
            "tips": [tip.to_dict() for tip in self.tips],
            "options": asdict(self.options),
            "timings_s": {stage: round(seconds, 3) for stage, seconds in self.timings_s.items()},
        }


def expects_example(question: str | None) -> bool:
    """Whether a question asks for a story (behavioural) rather than an opinion ("Why us?").

    With no question we assume it does: most rehearsed second-round questions are behavioural.
    """
    return not question or find_question(question).expects_example


def warm_up(model_path: str | None = None) -> None:
    """Load the speech and language models and compile the voice analysis once.

    The first analysis in a process otherwise pays for all three (several seconds); a server calls
    this in a background thread at start-up so the candidate's first answer is as quick as the rest.
    """
    load_model(str(resolve_model_path(model_path)))
    load_language_model()
    warm_up_delivery()


def analyze_file(
    path: str | Path,
    *,
    question: str | None = None,
    options: AnalysisOptions | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Decode the recording at ``path`` and analyse it (see :func:`analyze_audio`)."""
    options = options or AnalysisOptions()
    timings: dict[str, float] = {}
    with _timed(timings, "decode"):
        if progress:
            progress("decoding", 0.0)
        audio = load_audio(path, min_seconds=options.min_seconds, max_seconds=options.max_seconds)
    return analyze_audio(audio, question=question, options=options, progress=progress, timings=timings)


def analyze_audio(
    audio: Audio,
    *,
    question: str | None = None,
    options: AnalysisOptions | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> Analysis:
    """Transcribe ``audio`` with the local model and analyse the answer to ``question``."""
    options = options or AnalysisOptions()
    timings = {} if timings is None else timings
    with _timed(timings, "transcribe"):
        transcript, transcribe_options = transcribe(
            audio,
            options=options.transcribe,
            progress=(lambda fraction: progress("transcribing", fraction)) if progress else None,
        )
    options = replace(options, transcribe=transcribe_options)
    with _timed(timings, "hesitation"):
        if options.learned_fillers:
            transcript = detect_fillers(audio, transcript)
        else:
            transcript = add_hesitations(audio, transcript, options=options.hesitation)
    with _timed(timings, "delivery"):
        delivery = analyze_delivery(audio, transcript, options=options.delivery)
    if progress:
        progress("analysing", 0.0)
    analysis = analyze_transcript(
        transcript, question=question, options=options, timings=timings, delivery=delivery
    )
    if progress:
        progress("analysing", 1.0)
    return analysis


def analyze_transcript(
    transcript: Transcript,
    *,
    question: str | None = None,
    options: AnalysisOptions | None = None,
    timings: dict[str, float] | None = None,
    delivery: DeliveryResult | None = None,
) -> Analysis:
    """Run every analyzer on an existing transcript (no audio, no speech model).

    ``delivery`` is the voice analysis of the same answer's audio, when there is audio.
    """
    options = options or AnalysisOptions()
    if options.example is None:
        options = replace(options, example=ExampleOptions(expect_example=expects_example(question)))
    if question and options.conciseness.target_s is None:
        # The question's own target sets the length band, so every view of the answer agrees on it.
        conciseness = replace(options.conciseness, target_s=float(find_question(question).target_seconds))
        options = replace(options, conciseness=conciseness)
    timings = {} if timings is None else timings
    with _timed(timings, "fillers"):
        fillers = analyze_fillers(transcript, options=options.fillers)
    with _timed(timings, "pacing"):
        pacing = analyze_pacing(transcript, options=options.pacing)
    with _timed(timings, "conciseness"):
        conciseness = analyze_conciseness(transcript, options=options.conciseness)
    with _timed(timings, "example"):
        example = analyze_example(transcript, options=options.example)
    with _timed(timings, "tips"):
        tips = build_tips(
            fillers=fillers, pacing=pacing, conciseness=conciseness, example=example, delivery=delivery
        )
    return Analysis(
        question=question,
        duration_s=transcript.duration_s,
        transcript=transcript,
        fillers=fillers,
        pacing=pacing,
        conciseness=conciseness,
        example=example,
        delivery=delivery,
        tips=tips,
        options=options,
        timings_s=timings,
    )


def _detector_accuracy() -> dict[str, object] | None:
    accuracy = measured_accuracy()
    return accuracy.to_dict() if accuracy else None


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - started
