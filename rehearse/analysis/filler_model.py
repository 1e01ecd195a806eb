"""A learned detector of vocal fillers (issue 14): quick "um"s read in the flow of a sentence as well as
drawn-out ones, including those Whisper wrote as another word ("I'm", "and", "a") or left out.

Every place a filler could hide is a candidate: each short recognised word (and any word Whisper
wrote as a filler), each voiced stretch in a gap between words, and each steady voiced stretch the
hand-built detector (``hesitation.py``) finds. Each candidate is described by numbers from the
audio (duration, voicing, pitch and spectral steadiness, level, vowel colour) and from the
recogniser (the word, its probability, how stretched its timestamps are, the words around it), and
a small gradient-boosted tree ensemble, trained by ``scripts/train_fillers.py`` on the synthetic
corpus of ``scripts/make_filler_corpus.py``, gives its probability of being a filler. The trees
ship as arrays in ``filler_model.json`` and are read here with numpy alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.hesitation import (
    HESITATION_TEXT,
    FrameMeasures,
    HesitationOptions,
    frame_measures,
    steady_frames,
    steady_voiced_stretches,
)
from rehearse.analysis.text import ends_clause, normalize
from rehearse.errors import ModelError
from rehearse.speech.audio import Audio
from rehearse.speech.transcript import Transcript, Word

MODEL_PATH = Path(__file__).with_name("filler_model.json")
_FRAME_S = 0.01
# Words Whisper writes where a quick "um" or "uh" was said, and the commonest short words, each
# its own feature so the trees can learn how often each one stands for a filler.
SUBSTITUTES = ("i'm", "and", "a", "the", "i", "uh", "um", "so", "oh", "in", "an", "on", "or", "are", "our",
               "to", "of", "er", "ah", "but", "hmm", "mm", "at", "it", "am", "uhm")  # fmt: skip
_DETERMINERS = frozenset(
    {"the", "a", "an", "my", "our", "this", "that", "we", "i", "they", "it", "every", "each"}
)
_MAX_WORD_LETTERS = 4
_MIN_GAP_VOICED_S = 0.06
_SAME_FILLER_S = 0.1
CANDIDATE_KINDS = ("word", "gap", "stretch")
FEATURE_NAMES = (
    *(f"kind={kind}" for kind in CANDIDATE_KINDS),
    "duration_s", "letters", "probability", "is_filler_text", "stretch_ratio",
    "gap_before_s", "gap_after_s", "break_before", "break_after", "first_word", "last_word",
    "next_is_determiner", "next_repeats_earlier", "previous_probability", "next_probability",
    "voiced_share", "periodicity", "pitch_change", "spectral_change", "steady_share", "level_below_peak_db",
    "level_spread_db", "pitch_change_vs_answer", "spectral_change_vs_answer", "cepstrum_1_vs_answer",
    "cepstrum_2_vs_answer", "cepstrum_3_vs_answer", "cepstrum_4_vs_answer", "cepstrum_spread",
    "seconds_per_letter",
    *(f"text={text}" for text in SUBSTITUTES),
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """A place a filler could be: ``word`` is the index of the recognised word it is, or None."""

    kind: str
    start: float
    end: float
    word: int | None


@dataclass(frozen=True)
class FillerModel:
    """Gradient-boosted trees as arrays: node ``i`` of tree ``t`` tests ``feature[t, i] <= threshold[t, i]``
    and goes to ``left``/``right``; a leaf (``left == -1``) holds ``value``. The score is
    ``base + sum of leaf values``, a log-odds; ``threshold_probability`` decides."""

    feature_names: tuple[str, ...]
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    base: float
    threshold_probability: float
    figures: dict


@lru_cache(maxsize=2)
def load_filler_model(path: Path = MODEL_PATH) -> FillerModel:
    """Read the shipped model; raises ModelError when it is missing, damaged or for other features."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = FillerModel(
            feature_names=tuple(data["feature_names"]),
            feature=np.array(data["feature"], dtype=np.int64),
            threshold=np.array(data["threshold"], dtype=np.float64),
            left=np.array(data["left"], dtype=np.int64),
            right=np.array(data["right"], dtype=np.int64),
            value=np.array(data["value"], dtype=np.float64),
            base=float(data["base"]),
            threshold_probability=float(data["threshold_probability"]),
            figures=dict(data.get("figures", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"The filler model {path} cannot be read: reinstall rehearse ({error}).") from error
    shapes = {
        model.feature.shape,
        model.threshold.shape,
        model.left.shape,
        model.right.shape,
        model.value.shape,
    }
    if model.feature_names != FEATURE_NAMES or len(shapes) != 1 or model.feature.ndim != 2:
        raise ModelError(
            f"The filler model {path} does not fit this version of rehearse: reinstall rehearse."
        )
    nodes = model.left.shape[1] if model.left.ndim == 2 else 0
    if model.feature.size and (
        model.feature.max() >= len(FEATURE_NAMES) or max(model.left.max(), model.right.max()) >= nodes
    ):
        raise ModelError(f"The filler model {path} is damaged: reinstall rehearse.")
    return model


def filler_probabilities(model: FillerModel, features: np.ndarray) -> np.ndarray:
    """Each row's probability of being a filler."""
    if len(features) == 0:
        return np.zeros(0)
    rows = np.arange(len(features))
    score = np.full(len(features), model.base)
    for tree in range(model.feature.shape[0]):
        node = np.zeros(len(features), dtype=np.int64)
        while True:
            inner = model.left[tree, node] >= 0
            if not inner.any():
                break
            goes_left = features[rows, model.feature[tree, node].clip(0)] <= model.threshold[tree, node]
            node = np.where(inner, np.where(goes_left, model.left[tree, node], model.right[tree, node]), node)
        score += model.value[tree, node]
    return 1 / (1 + np.exp(-score))


def find_candidates(
    transcript: Transcript, measures: FrameMeasures, stretches: list[tuple[float, float]]
) -> list[Candidate]:
    """Every short word, every voiced gap between words and every steady stretch no candidate holds."""
    words = transcript.words
    candidates = [
        Candidate("word", word.start, word.end, index)
        for index, word in enumerate(words)
        if 0 < _letters(word.text) <= _MAX_WORD_LETTERS or is_vocal_filler(word.text)
    ]
    voiced = _voiced(measures)
    edges = [0.0] + [word.end for word in words]
    for index, start in enumerate(edges[:-1] if words else []):
        span = _voiced_span(voiced, start, words[index].start)
        if span:
            candidates.append(Candidate("gap", *span, None))
    for start, end in stretches:
        if words and start > words[-1].end + 0.5:
            continue
        held = any(min(end, c.end) - max(start, c.start) >= 0.5 * (end - start) for c in candidates)
        if not held:
            candidates.append(Candidate("stretch", start, end, None))
    return sorted(candidates, key=lambda candidate: candidate.start)


def candidate_features(
    transcript: Transcript, measures: FrameMeasures, candidates: list[Candidate]
) -> np.ndarray:
    """One row of ``FEATURE_NAMES`` per candidate."""
    words = transcript.words
    seconds_per_letter = _seconds_per_letter(words)
    steady = steady_frames(measures, HesitationOptions())
    voiced = _voiced(measures)
    answer = _answer_voice(measures, voiced)
    rows = []
    for candidate in candidates:
        word = words[candidate.word] if candidate.word is not None else None
        before = _word_before(words, candidate)
        after = _word_after(words, candidate)
        text = normalize(word.text) if word else ""
        letters = _letters(word.text) if word else 0
        duration = candidate.end - candidate.start
        earlier = {normalize(w.text) for w in words[max(0, (candidate.word or 0) - 4) : candidate.word or 0]}
        row = {
            f"kind={candidate.kind}": 1.0,
            "duration_s": duration,
            "letters": letters,
            "probability": word.probability if word else _overlap_probability(words, candidate),
            "is_filler_text": float(bool(word) and is_vocal_filler(word.text)),
            "stretch_ratio": duration / (max(letters, 1) * seconds_per_letter),
            "gap_before_s": min(2.0, candidate.start - before.end) if before else 2.0,
            "gap_after_s": min(2.0, after.start - candidate.end) if after else 2.0,
            "break_before": float(before is not None and ends_clause(before)),
            "break_after": float(bool(word) and ends_clause(word)),
            "first_word": float(before is None),
            "last_word": float(after is None),
            "next_is_determiner": float(after is not None and normalize(after.text) in _DETERMINERS),
            "next_repeats_earlier": float(after is not None and normalize(after.text) in earlier),
            "previous_probability": before.probability if before else 1.0,
            "next_probability": after.probability if after else 1.0,
            "seconds_per_letter": seconds_per_letter,
            **_audio_features(measures, voiced, steady, answer, candidate.start, candidate.end),
        }
        if text in SUBSTITUTES:
            row[f"text={text}"] = 1.0
        rows.append([float(row.get(name, 0.0)) for name in FEATURE_NAMES])
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def detect_fillers(audio: Audio, transcript: Transcript, *, model: FillerModel | None = None) -> Transcript:
    """``transcript`` with every filler the model finds shown as one: a word Whisper wrote for a filler
    becomes that filler, and a filler it left out is inserted as "uh"; nothing else changes."""
    if not transcript.words:
        return transcript
    model = model or load_filler_model()
    measures = frame_measures(audio)
    stretches = steady_voiced_stretches(audio, options=HesitationOptions(), measures=measures)
    candidates = find_candidates(transcript, measures, stretches)
    probabilities = filler_probabilities(model, candidate_features(transcript, measures, candidates))
    return apply_detections(transcript, candidates, probabilities, model.threshold_probability)


def apply_detections(
    transcript: Transcript, candidates: list[Candidate], probabilities: np.ndarray, threshold: float
) -> Transcript:
    """Write the found candidates into the transcript as vocal filler words.

    Whisper's timestamps are coarse, so one filler often lies under two neighbouring candidates (the
    word before it and the word it was written as): of candidates closer than ``_SAME_FILLER_S``,
    only the likeliest counts, and none next to a filler Whisper wrote itself.
    """
    words = list(transcript.words)
    kept: list[tuple[float, float]] = [(w.start, w.end) for w in words if is_vocal_filler(w.text)]
    inserted: list[Word] = []
    for index in np.argsort(-probabilities, kind="stable"):
        candidate = candidates[index]
        if probabilities[index] < threshold:
            break
        if any(
            min(candidate.end, end) - max(candidate.start, start) > -_SAME_FILLER_S for start, end in kept
        ):
            continue
        kept.append((candidate.start, candidate.end))
        filler = Word(
            text=HESITATION_TEXT,
            start=round(candidate.start, 3),
            end=round(candidate.end, 3),
            probability=0.0,
        )
        if candidate.word is not None:
            words[candidate.word] = filler
        else:
            inserted.append(filler)
    if not inserted and words == list(transcript.words):
        return transcript
    ordered = sorted(words + inserted, key=lambda word: (word.start, word.end))
    return replace(transcript, words=tuple(ordered))


def filler_spans(transcript: Transcript) -> list[tuple[float, float]]:
    return [(word.start, word.end) for word in transcript.words if is_vocal_filler(word.text)]


def _answer_voice(measures: FrameMeasures, voiced: np.ndarray) -> tuple[float, float, np.ndarray]:
    """The answer's typical pitch movement, spectral change and cepstrum over its voiced frames.

    Candidates are described relative to these: voices differ far more from each other (a diphone
    voice, a formant synthesiser, a person) than a hesitation differs from a word in one voice.
    """
    if not voiced.any():
        return 1.0, 1.0, np.zeros(4)
    return (
        max(1e-3, float(np.median(measures.pitch_change[voiced]))),
        max(1e-3, float(np.median(measures.spectral_change[voiced]))),
        np.mean(measures.cepstrum[voiced][:, :4], axis=0),
    )


def _audio_features(
    measures: FrameMeasures,
    voiced: np.ndarray,
    steady: np.ndarray,
    answer: tuple[float, float, np.ndarray],
    start: float,
    end: float,
) -> dict[str, float]:
    first, last = int(start / _FRAME_S), max(int(start / _FRAME_S) + 1, int(np.ceil(end / _FRAME_S)))
    span = slice(first, min(last, len(measures.level_db)))
    if span.start >= span.stop or measures.peak_db is None:
        return {}
    voiced_here = voiced[span]
    level = measures.level_db[span]
    # Steadiness is measured on the voiced frames only: silence and noise would blur it.
    inside = voiced_here if voiced_here.any() else np.ones_like(voiced_here)
    cepstrum = measures.cepstrum[span][inside]
    pitch_change = float(np.median(measures.pitch_change[span][inside]))
    spectral_change = float(np.median(measures.spectral_change[span][inside]))
    typical_pitch_change, typical_spectral_change, typical_cepstrum = answer
    colour = np.mean(cepstrum[:, :4], axis=0) - typical_cepstrum
    return {
        "voiced_share": float(voiced_here.mean()),
        "periodicity": float(np.mean(measures.periodicity[span])),
        "pitch_change": pitch_change,
        "spectral_change": spectral_change,
        "pitch_change_vs_answer": pitch_change / typical_pitch_change,
        "spectral_change_vs_answer": spectral_change / typical_spectral_change,
        "steady_share": float(steady[span].mean()),
        "level_below_peak_db": float(measures.peak_db - np.mean(level)),
        "level_spread_db": float(np.std(level)),
        **{f"cepstrum_{i + 1}_vs_answer": float(value) for i, value in enumerate(colour)},
        "cepstrum_spread": float(np.mean(np.std(cepstrum, axis=0))),
    }


def _voiced(measures: FrameMeasures) -> np.ndarray:
    if measures.peak_db is None:
        return np.zeros(len(measures.level_db), dtype=bool)
    return (measures.level_db > measures.peak_db - 20) & (measures.periodicity > 0.45)


def _voiced_span(voiced: np.ndarray, start: float, end: float) -> tuple[float, float] | None:
    """The first to last voiced frame strictly inside a gap, when there is enough voicing."""
    first, last = int(np.ceil(start / _FRAME_S)), int(end / _FRAME_S)
    inside = np.flatnonzero(voiced[first:last])
    if inside.size * _FRAME_S < _MIN_GAP_VOICED_S:
        return None
    return round((first + inside[0]) * _FRAME_S, 3), round((first + inside[-1] + 1) * _FRAME_S, 3)


def _word_before(words: tuple[Word, ...], candidate: Candidate) -> Word | None:
    if candidate.word is not None:
        return words[candidate.word - 1] if candidate.word > 0 else None
    earlier = [word for word in words if word.start < candidate.start]
    return earlier[-1] if earlier else None


def _word_after(words: tuple[Word, ...], candidate: Candidate) -> Word | None:
    if candidate.word is not None:
        return words[candidate.word + 1] if candidate.word + 1 < len(words) else None
    later = [word for word in words if word.start >= candidate.start]
    return later[0] if later else None


def _overlap_probability(words: tuple[Word, ...], candidate: Candidate) -> float:
    """The recogniser's confidence in the word under a gap or stretch (1 where no word is)."""
    overlapping = [w.probability for w in words if w.start < candidate.end and w.end > candidate.start]
    return min(overlapping) if overlapping else 1.0


def _seconds_per_letter(words: tuple[Word, ...]) -> float:
    rates = [(word.end - word.start) / _letters(word.text) for word in words if _letters(word.text) >= 2]
    # Whisper sometimes stamps a word with no duration at all; a floor keeps ratios finite.
    return max(0.01, float(np.median(rates))) if rates else 0.08


def _letters(text: str) -> int:
    return len(re.sub(r"[^a-z]", "", text.lower()))
