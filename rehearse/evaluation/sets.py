"""Measure the engine on labelled answers: ``python -m rehearse.evaluation.sets
[--set main|heldout|fresh|unseen|final|sealed|sealed2] [--subset ci|all] [--real] [--json] [--cpu-threads N] [--dither-seed N]``.

The evaluation set (``eval/set/``: Ogg/Opus audio with a JSON label file each) is synthesised by
``scripts/make_audio.py`` from marked-up scripts, so every filler, pause and word is known exactly.
The other sets check that what was tuned there generalises: ``heldout`` (new answers and voices,
written by the same hand), ``fresh``, ``unseen`` and ``final`` (written by people who never saw the
rules; each measured once, then tuned on too), ``sealed`` (written the same way, measured only
after the last change) and ``sealed2`` (written while the STAR model was retrained, measured once
after it was frozen).
Each answer is analysed by the real engine and compared with its labels:

- word error rate of the transcript against the script, vocal fillers left out on both sides;
- vocal fillers matched by time: a detection matches a labelled filler when their spans overlap or
  lie within ``FILLER_TOLERANCE_S`` of each other, one to one;
- lexical fillers matched by words: recognised words are aligned to the script's words, and a
  detected filler matches a labelled one when it covers one of its words;
- pauses at or above 0.25 s and 1 s, matched by time overlap; the counterpart may be up to
  ``PAUSE_SLACK_S`` shorter than the threshold, so a 1.05 s silence measured as 0.95 s is not
  both a miss and a false alarm;
- words per minute, STAR parts, whether a specific example is present, words invented after the
  speech ended, and the time the engine needs per minute of audio.

``--real`` adds word error rates on real human speech (the Asterisk voice prompts, Debian package
``asterisk-core-sounds-en-wav``, fetched with apt into ``eval/cache/``) for the engine and for plain
Whisper with default settings. The command exits 1 when a number misses its target in ``Targets``
(or, with ``--real``, when the engine makes more word errors than plain Whisper).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import jiwer
import numpy as np

from rehearse.analysis.analysis import AnalysisOptions, analyze_audio
from rehearse.analysis.example import load_language_model
from rehearse.analysis.fillers import is_vocal_filler
from rehearse.analysis.hesitation import HesitationOptions, steady_voiced_stretches
from rehearse.errors import RehearseError
from rehearse.speech.audio import Audio, dithered, load_audio
from rehearse.speech.transcribe import TranscribeOptions, load_model, resolve_model_path, speech_regions

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
SET_DIR = EVAL_DIR / "set"
# Sets kept apart from the main one, each in eval/<name>/. "heldout": written after the detectors
# were tuned, in voices the tuning never heard. The others were written blind to the rules and to
# the other sets' wording: "fresh", "unseen" and "final" were each measured once and then tuned on,
# "sealed" is measured only after the last rule change; "sealed2" only after the STAR model was frozen.
HELDOUT_SETS = ("heldout", "fresh", "unseen", "final", "sealed", "sealed2")
SETS = {"main": SET_DIR} | {name: EVAL_DIR / name for name in HELDOUT_SETS}
# The newest set, measured before any rule was changed because of it: the only one whose filler
# figures the product may quote, since the others flatter rules chosen while looking at them.
BLIND_SET = "sealed"
CACHE_DIR = EVAL_DIR / "cache"
STAR_PARTS = ("situation", "task", "action", "result")
FILLER_TOLERANCE_S = 0.3
PAUSE_SLACK_S = 0.2
PAUSE_MIN_S = 0.25
LONG_PAUSE_S = 1.0
# A recogniser's last word may end a little after the sound does; later words were invented.
AFTER_SPEECH_GRACE_S = 0.5

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"), (100, "hundred"))
# The scripts' British spellings: the recogniser writes American ones, which is no recognition error.
_SPELLING = {
    "organised": "organized", "organise": "organize", "prioritise": "prioritize", "apologised": "apologized",
    "practising": "practicing", "programmes": "programs", "programme": "program", "analyse": "analyze",
    "ok": "okay", "labour": "labor", "colour": "color",
    # Whisper writes quick speech as it sounds; the script has the full words.
    "sorta": "sort of", "kinda": "kind of", "gonna": "going to", "wanna": "want to",
}  # fmt: skip


@dataclass(frozen=True)
class Targets:
    """The numbers the engine must reach on the evaluation set (fractions, 0 to 1)."""

    vocal_precision: float = 0.90
    vocal_recall: float = 0.90
    lexical_precision: float = 0.90
    lexical_recall: float = 0.80
    long_pause_precision: float = 0.95
    long_pause_recall: float = 0.95
    max_wpm_relative_error: float = 0.05  # mean over answers of |measured - true| / true
    example_accuracy: float = 0.90
    star_accuracy: float = 0.85
    max_words_after_speech: int = 0


@dataclass(frozen=True)
class Score:
    """Detections against labelled items: how many of each matched."""

    detected: int
    expected: int
    matched_detected: int
    matched_expected: int

    @property
    def precision(self) -> float:
        return self.matched_detected / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        return self.matched_expected / self.expected if self.expected else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def to_dict(self) -> dict[str, float]:
        return asdict(self) | {"precision": round(self.precision, 3), "recall": round(self.recall, 3)}


ZERO = Score(0, 0, 0, 0)


@dataclass(frozen=True)
class AnswerResult:
    """One answer's comparison; ``missed_vocal`` / ``extra_vocal`` are start times (s) for debugging."""

    id: str
    duration_s: float
    wall_s: float
    reference: str
    hypothesis: str
    vocal: Score
    lexical: Score
    pauses: Score
    long_pauses: Score
    true_wpm: float
    measured_wpm: float
    example: tuple[bool, bool]  # (labelled, detected)
    star_correct: int
    words_after_speech: int
    missed_vocal: tuple[float, ...]
    extra_vocal: tuple[float, ...]

    @property
    def wpm_relative_error(self) -> float:
        return abs(self.measured_wpm - self.true_wpm) / self.true_wpm


@dataclass(frozen=True)
class Report:
    answers: tuple[AnswerResult, ...]
    model_load_s: float

    @property
    def audio_minutes(self) -> float:
        return sum(answer.duration_s for answer in self.answers) / 60

    @property
    def word_error_rate(self) -> float:
        return word_error_rate([a.reference for a in self.answers], [a.hypothesis for a in self.answers])

    def total(self, name: str) -> Score:
        return sum((getattr(answer, name) for answer in self.answers), ZERO)

    @property
    def wpm_relative_error(self) -> float:
        return float(np.mean([answer.wpm_relative_error for answer in self.answers]))

    @property
    def example_accuracy(self) -> float:
        return float(
            np.mean([labelled == detected for labelled, detected in (a.example for a in self.answers)])
        )

    @property
    def star_accuracy(self) -> float:
        return sum(answer.star_correct for answer in self.answers) / (len(STAR_PARTS) * len(self.answers))

    @property
    def words_after_speech(self) -> int:
        return sum(answer.words_after_speech for answer in self.answers)

    @property
    def seconds_per_audio_minute(self) -> float:
        return sum(answer.wall_s for answer in self.answers) / self.audio_minutes

    def to_dict(self) -> dict[str, object]:
        worst = max(self.answers, key=lambda answer: answer.wpm_relative_error)
        return {
            "answers": len(self.answers),
            "audio_minutes": round(self.audio_minutes, 2),
            "word_error_rate": round(self.word_error_rate, 4),
            "vocal_fillers": self.total("vocal").to_dict(),
            "lexical_fillers": self.total("lexical").to_dict(),
            "pauses_0.25s": self.total("pauses").to_dict(),
            "pauses_1s": self.total("long_pauses").to_dict(),
            "wpm_mean_relative_error": round(self.wpm_relative_error, 4),
            "wpm_worst": {"id": worst.id, "true": worst.true_wpm, "measured": worst.measured_wpm},
            "example_accuracy": round(self.example_accuracy, 3),
            "star_accuracy": round(self.star_accuracy, 3),
            "words_after_speech": self.words_after_speech,
            "seconds_per_audio_minute": round(self.seconds_per_audio_minute, 2),
            "model_load_s": round(self.model_load_s, 2),
            "per_answer": [_answer_dict(answer) for answer in self.answers],
        }


def _answer_dict(answer: AnswerResult) -> dict[str, object]:
    return {
        "id": answer.id,
        "wer": round(word_error_rate([answer.reference], [answer.hypothesis]), 3),
        "vocal": answer.vocal.to_dict(),
        "missed_vocal_at_s": answer.missed_vocal,
        "extra_vocal_at_s": answer.extra_vocal,
        "lexical": answer.lexical.to_dict(),
        "pauses_1s": answer.long_pauses.to_dict(),
        "wpm": {"true": answer.true_wpm, "measured": answer.measured_wpm},
        "example": {"labelled": answer.example[0], "detected": answer.example[1]},
        "star_correct": answer.star_correct,
        "words_after_speech": answer.words_after_speech,
        "hypothesis": answer.hypothesis,
    }


def failed_targets(report: Report, targets: Targets | None = None) -> list[str]:
    """One line per number below its target; empty when the engine meets every target."""
    targets = targets or Targets()
    vocal, lexical, long_pauses = report.total("vocal"), report.total("lexical"), report.total("long_pauses")
    checks = (
        ("vocal filler precision", vocal.precision, targets.vocal_precision, True),
        ("vocal filler recall", vocal.recall, targets.vocal_recall, True),
        ("lexical filler precision", lexical.precision, targets.lexical_precision, True),
        ("lexical filler recall", lexical.recall, targets.lexical_recall, True),
        ("pause >= 1 s precision", long_pauses.precision, targets.long_pause_precision, True),
        ("pause >= 1 s recall", long_pauses.recall, targets.long_pause_recall, True),
        ("words-per-minute relative error", report.wpm_relative_error, targets.max_wpm_relative_error, False),
        ("specific example accuracy", report.example_accuracy, targets.example_accuracy, True),
        ("STAR part accuracy", report.star_accuracy, targets.star_accuracy, True),
        ("words after speech", report.words_after_speech, targets.max_words_after_speech, False),
    )
    return [
        f"{name}: {value:.3g} (target {'>=' if at_least else '<='} {target:g})"
        for name, value, target, at_least in checks
        if (value < target if at_least else value > target)
    ]


# --- text ---------------------------------------------------------------------------------------


def number_words(number: int) -> list[str]:
    """Spell a whole number the way it is spoken: 340000 -> three hundred forty thousand."""
    if number < 20:
        return [_SMALL[number]]
    if number < 100:
        return [_TENS[number // 10]] + (number_words(number % 10) if number % 10 else [])
    for size, name in _SCALES:
        if number >= size:
            rest = number_words(number % size) if number % size else []
            return [*number_words(number // size), name, *rest]
    raise AssertionError("unreachable: every number >= 100 has a scale")


def _spell_number(match: re.Match[str]) -> str:
    whole, _, fraction = match.group().replace(",", "").partition(".")
    words = number_words(int(whole))
    if fraction:
        words += ["point"] + [_SMALL[int(digit)] for digit in fraction]
    return f" {' '.join(words)} "


def normalize_words(text: str) -> list[str]:
    """Lower-case tokens for comparing transcripts: numbers spelled out, punctuation dropped."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"\$(\d[\d,]*(?:\.\d+)?)", r"\1 dollars", text)
    text = text.replace("%", " percent ").replace("&", " and ")
    text = _NUMBER.sub(_spell_number, text)
    tokens = re.sub(r"[^a-z' ]+", " ", text).split()
    return [
        part
        for token in tokens
        if token.strip("'")
        for part in _SPELLING.get(token.strip("'"), token.strip("'")).split()
    ]


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus word error rate; vocal fillers are left out of both sides (they are scored on their own)."""

    def content(text: str) -> str:
        return " ".join(token for token in normalize_words(text) if not is_vocal_filler(token))

    pairs = [(content(ref), content(hyp)) for ref, hyp in zip(references, hypotheses, strict=True)]
    pairs = [(ref, hyp) for ref, hyp in pairs if ref]
    if not pairs:
        raise ValueError("word error rate needs at least one non-empty reference")
    return float(jiwer.wer([ref for ref, _ in pairs], [hyp for _, hyp in pairs]))


def align_words(reference: Sequence[str], hypothesis: Sequence[str]) -> dict[int, int]:
    """Map each recognised word (by index) to the script word it stands for, where there is one."""
    ref_tokens, ref_owner = _tokens_with_owner(reference)
    hyp_tokens, hyp_owner = _tokens_with_owner(hypothesis)
    matcher = difflib.SequenceMatcher(a=hyp_tokens, b=ref_tokens, autojunk=False)
    mapping: dict[int, int] = {}
    for tag, hyp_start, hyp_end, ref_start, ref_end in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and hyp_end - hyp_start == ref_end - ref_start):
            for offset in range(hyp_end - hyp_start):
                mapping.setdefault(hyp_owner[hyp_start + offset], ref_owner[ref_start + offset])
    return mapping


def _tokens_with_owner(words: Sequence[str]) -> tuple[list[str], list[int]]:
    tokens: list[str] = []
    owners: list[int] = []
    for index, word in enumerate(words):
        for token in normalize_words(word):
            tokens.append(token)
            owners.append(index)
    return tokens, owners


# --- matching -----------------------------------------------------------------------------------

Span = tuple[float, float]


def match_spans(
    expected: Sequence[Span], detected: Sequence[Span], *, tolerance_s: float
) -> list[tuple[int, int]]:
    """Pair expected and detected spans one to one, closest first; spans farther apart than
    ``tolerance_s`` (0: they must overlap or touch) are never paired. Returns (expected, detected) indices."""
    candidates = []
    for i, (e_start, e_end) in enumerate(expected):
        for j, (d_start, d_end) in enumerate(detected):
            gap = max(e_start, d_start) - min(e_end, d_end)  # negative: the spans overlap by that much
            if gap <= tolerance_s:
                candidates.append((gap, i, j))
    return _pair_best_first(candidates)


def _pair_best_first(candidates: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """From (cost, expected, detected) candidates, take the cheapest pairs, using each side once."""
    pairs = []
    used_expected: set[int] = set()
    used_detected: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in used_expected and j not in used_detected:
            pairs.append((i, j))
            used_expected.add(i)
            used_detected.add(j)
    return pairs


def pause_score(
    expected: Sequence[Span], detected: Sequence[Span], *, min_s: float, slack_s: float = PAUSE_SLACK_S
) -> Score:
    """Pauses of at least ``min_s`` on one side against pauses of at least ``min_s - slack_s`` on the other."""

    def longer(spans: Sequence[Span], limit: float) -> list[Span]:
        return [span for span in spans if span[1] - span[0] >= limit - 1e-9]

    expected_long, detected_long = longer(expected, min_s), longer(detected, min_s)
    found = match_spans(expected_long, longer(detected, min_s - slack_s), tolerance_s=0.0)
    true_alarms = match_spans(longer(expected, min_s - slack_s), detected_long, tolerance_s=0.0)
    return Score(len(detected_long), len(expected_long), len(true_alarms), len(found))


def lexical_score(
    script_words: Sequence[str],
    expected: Sequence[tuple[int, int]],
    recognised: Sequence[dict],
    detected: Sequence[Span],
) -> Score:
    """Lexical fillers as script word ranges (first, last) against detected spans over recognised words.

    ``recognised`` are the transcript's words (``text``, ``start``, ``end``); a detection covers the
    recognised words inside its span, and through the alignment the script words they stand for.
    """
    mapping = align_words(script_words, [word["text"] for word in recognised])
    covered: list[set[int]] = []
    for start, end in detected:
        inside = (
            i
            for i, word in enumerate(recognised)
            if start - 1e-3 <= word["start"] <= word["end"] <= end + 1e-3
        )
        covered.append({mapping[i] for i in inside if i in mapping})
    candidates = [
        (0.0, i, j)
        for i, (first, last) in enumerate(expected)
        for j, words in enumerate(covered)
        if any(first <= index <= last for index in words)
    ]
    matched = len(_pair_best_first(candidates))
    return Score(len(detected), len(expected), matched, matched)


# --- running ------------------------------------------------------------------------------------


def load_labels(subset: str = "all", folder: Path = SET_DIR) -> list[dict]:
    """The labels of the evaluation set, sorted by id; ``subset="ci"`` keeps the CI subset."""
    if subset not in ("all", "ci"):
        raise ValueError(f"unknown subset {subset!r}: use 'ci' or 'all'")
    labels = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]
    if not labels:
        raise FileNotFoundError(f"no labelled answers in {folder}; run scripts/make_audio.py eval")
    return [label for label in labels if subset == "all" or label["ci"]]


def compare(label: dict, analysis: dict, *, wall_s: float) -> AnswerResult:
    """Compare one analysis (``Analysis.to_dict()``) with the answer's labels."""
    words = analysis["transcript"]["words"]
    items = analysis["fillers"]["items"]
    vocal_expected = [(item["start"], item["end"]) for item in label["vocal_fillers"]]
    vocal_detected = [(item["start"], item["end"]) for item in items if item["kind"] == "vocal"]
    vocal_pairs = match_spans(vocal_expected, vocal_detected, tolerance_s=FILLER_TOLERANCE_S)
    true_pauses = [(pause["start"], pause["end"]) for pause in label["pauses"]]
    found_pauses = [(pause["start"], pause["end"]) for pause in analysis["pacing"]["pauses"]]
    star = analysis["example"]["star"]
    return AnswerResult(
        id=label["id"],
        duration_s=label["duration_s"],
        wall_s=wall_s,
        reference=label["text"],
        hypothesis=analysis["transcript"]["text"],
        vocal=Score(len(vocal_detected), len(vocal_expected), len(vocal_pairs), len(vocal_pairs)),
        lexical=lexical_score(
            [word["text"] for word in label["words"]],
            [(item["first_word"], item["last_word"]) for item in label["lexical_fillers"]],
            words,
            [(item["start"], item["end"]) for item in items if item["kind"] == "lexical"],
        ),
        pauses=pause_score(true_pauses, found_pauses, min_s=PAUSE_MIN_S),
        long_pauses=pause_score(true_pauses, found_pauses, min_s=LONG_PAUSE_S),
        true_wpm=label["words_per_minute"],
        measured_wpm=analysis["pacing"]["words_per_minute"],
        example=(label["example"], bool(analysis["example"]["present"])),
        star_correct=sum(label["star"][part] == bool(star[part]) for part in STAR_PARTS),
        words_after_speech=sum(
            1 for word in words if word["start"] > label["speech_end_s"] + AFTER_SPEECH_GRACE_S
        ),
        missed_vocal=tuple(
            span[0] for i, span in enumerate(vocal_expected) if i not in {p[0] for p in vocal_pairs}
        ),
        extra_vocal=tuple(
            span[0] for j, span in enumerate(vocal_detected) if j not in {p[1] for p in vocal_pairs}
        ),
    )


def evaluate(
    subset: str = "all",
    *,
    log: Callable[[str], None] | None = None,
    folder: Path = SET_DIR,
    cpu_threads: int = 0,
    dither_seed: int | None = None,
    stages_dir: Path | None = None,
) -> Report:
    """Analyse every answer of the set with the engine and compare it with its labels.

    ``cpu_threads`` is the recogniser's thread count (0: its default); with ``dither_seed`` every
    recording gets -90 dBFS of dither first (see :func:`rehearse.speech.audio.dithered`), a stand-in for
    another processor's rounding. With ``stages_dir``, each answer's stages (speech regions, steady
    voiced stretches, words with times and probabilities, filler items) are written there as
    ``<id>.json``, to see where two runs part ways (:func:`stage_differences`).
    """
    labels = load_labels(subset, folder)
    options = AnalysisOptions(transcribe=TranscribeOptions(cpu_threads=cpu_threads))
    started = time.perf_counter()
    load_model(str(resolve_model_path()), cpu_threads)
    load_language_model()
    model_load_s = time.perf_counter() - started
    results = []
    for number, label in enumerate(labels):
        started = time.perf_counter()
        audio = load_audio(folder / f"{label['id']}.ogg")
        if dither_seed is not None:
            audio = dithered(audio, seed=dither_seed * 1000 + number)
        analysis = analyze_audio(audio, question=label["question"], options=options).to_dict()
        if stages_dir is not None:
            _write_stages(stages_dir / f"{label['id']}.json", audio, analysis)
        result = compare(label, analysis, wall_s=time.perf_counter() - started)
        results.append(result)
        if log:
            log(
                f"{result.id}: vocal {result.vocal.matched_expected}/{result.vocal.expected} found, "
                f"{result.vocal.detected - result.vocal.matched_detected} extra; lexical "
                f"{result.lexical.matched_expected}/{result.lexical.expected}, "
                f"{result.lexical.detected - result.lexical.matched_detected} extra; "
                f"wpm {result.measured_wpm:.0f}/{result.true_wpm:.0f}; {result.wall_s:.1f} s"
            )
    return Report(answers=tuple(results), model_load_s=model_load_s)


def _write_stages(path: Path, audio: Audio, analysis: dict) -> None:
    stages = {
        "speech_regions": speech_regions(audio),
        "steady_stretches": steady_voiced_stretches(audio, options=HesitationOptions()),
        "words": analysis["transcript"]["words"],
        "fillers": analysis["fillers"]["items"],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stages, indent=0), encoding="utf-8")


STAGES = ("speech_regions", "steady_stretches", "word_texts", "word_times", "fillers")


def stage_differences(reference: dict, other: dict) -> set[str]:
    """Which stages of one answer differ between two runs' stage files."""
    differ = {
        name
        for name in ("speech_regions", "steady_stretches")
        if len(reference[name]) != len(other[name])
        or not np.allclose(np.ravel(reference[name]), np.ravel(other[name]))
    }
    texts = [[word["text"] for word in run["words"]] for run in (reference, other)]
    if texts[0] != texts[1]:
        differ.add("word_texts")
    elif any(
        (a["start"], a["end"]) != (b["start"], b["end"])
        for a, b in zip(*(run["words"] for run in (reference, other)), strict=True)
    ):
        differ.add("word_times")
    if _unmatched_fillers(reference["fillers"], other["fillers"]):
        differ.add("fillers")
    return differ


def _unmatched_fillers(reference: list[dict], other: list[dict]) -> int:
    """How many fillers one run found that the other did not (a filler whose time moved by a few
    milliseconds is the same decision, so they are paired as the evaluation pairs them with labels)."""
    unmatched = 0
    for kind in ("vocal", "lexical"):
        spans = [
            [(item["start"], item["end"]) for item in run if item["kind"] == kind]
            for run in (reference, other)
        ]
        pairs = match_spans(*spans, tolerance_s=FILLER_TOLERANCE_S)
        unmatched += len(spans[0]) + len(spans[1]) - 2 * len(pairs)
    return unmatched


# --- real speech --------------------------------------------------------------------------------

_ASTERISK_PACKAGES = ("asterisk-core-sounds-en-wav", "asterisk-core-sounds-en")
_ASTERISK_SOUNDS = Path("usr/share/asterisk/sounds/en_US_f_Allison")
_ASTERISK_TRANSCRIPT = Path("usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
_REAL_CLIP_S = 30.0
_REAL_GAP_S = 0.5
_REAL_CLIPS = 8
# The real clips hold no hesitation at all; one false "um" in their 5.7 minutes is the most allowed.
MAX_REAL_SPEECH_FALSE_FILLERS = 1


def fetch_asterisk(cache: Path = CACHE_DIR) -> Path:
    """Download and unpack the Asterisk English prompts (a real voice, with transcripts) once."""
    root = cache / "asterisk"
    if (root / _ASTERISK_TRANSCRIPT).is_file():
        return root
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *_ASTERISK_PACKAGES], cwd=debs, check=True, capture_output=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root


def real_clips(root: Path) -> list[tuple[Audio, str]]:
    """Prompts of six or more plain words, joined into clips of about 30 s, with their transcripts."""
    lines = (
        gzip.decompress((root / _ASTERISK_TRANSCRIPT).read_bytes()).decode("utf-8", "replace").splitlines()
    )
    prompts = []
    for line in lines:
        name, _, text = line.partition(": ")
        path = root / _ASTERISK_SOUNDS / f"{name.strip()}.wav"
        if len(text.split()) >= 6 and not re.search(r"[\[\]*#<>]", text) and path.is_file():
            prompts.append((path, text.strip()))
    clips: list[tuple[Audio, str]] = []
    samples: list[np.ndarray] = []
    texts: list[str] = []
    gap = np.zeros(int(_REAL_GAP_S * 16_000), dtype=np.float32)
    # Every other prompt: neighbours in the list share their wording ("followed by the pound key").
    for path, text in prompts[::2]:
        samples += [load_audio(path, min_seconds=0.1).samples, gap]
        texts.append(text)
        if sum(len(part) for part in samples) >= _REAL_CLIP_S * 16_000:
            clips.append((Audio(np.concatenate(samples)), " ".join(texts)))
            samples, texts = [], []
            if len(clips) == _REAL_CLIPS:
                break
    return clips


def evaluate_real(cache: Path = CACHE_DIR) -> dict[str, float]:
    """Word error rate on real speech: the engine against plain Whisper (no prompt, default settings)."""
    clips = real_clips(fetch_asterisk(cache))
    model = load_model(str(resolve_model_path()))
    references, engine, plain = [], [], []
    invented_fillers = 0
    for audio, text in clips:
        references.append(text)
        analysis = analyze_audio(audio)
        engine.append(analysis.transcript.text)
        # The prompts are read without a single hesitation: every vocal filler found is a false alarm.
        invented_fillers += analysis.fillers.vocal_count
        segments, _info = model.transcribe(audio.samples)  # type: ignore[attr-defined]
        plain.append(" ".join(segment.text.strip() for segment in segments))
    return {
        "clips": len(clips),
        "audio_minutes": round(sum(audio.duration_s for audio, _ in clips) / 60, 2),
        "engine_wer": round(word_error_rate(references, engine), 4),
        "plain_whisper_wer": round(word_error_rate(references, plain), 4),
        "vocal_fillers_found": invented_fillers,
    }


def real_speech_failures(real: dict[str, float]) -> list[str]:
    """The real-speech targets: no more word errors than plain Whisper, and hardly any invented "um"s."""
    failures = []
    if real["engine_wer"] > real["plain_whisper_wer"]:
        failures.append(
            f"real-speech word error rate: {real['engine_wer']:.3f} "
            f"(target <= plain Whisper's {real['plain_whisper_wer']:.3f})"
        )
    if real["vocal_fillers_found"] > MAX_REAL_SPEECH_FALSE_FILLERS:
        failures.append(
            f"vocal fillers found in filler-free real speech: {real['vocal_fillers_found']} "
            f"(target <= {MAX_REAL_SPEECH_FALSE_FILLERS})"
        )
    return failures


# --- command ------------------------------------------------------------------------------------


def _print_report(report: Report, failures: list[str]) -> None:
    summary = report.to_dict()
    print(f"{summary['answers']} answers, {summary['audio_minutes']} min of audio")
    print(f"word error rate            {report.word_error_rate:.3f}")
    for title, key in (
        ("vocal fillers", "vocal"),
        ("lexical fillers", "lexical"),
        ("pauses >= 0.25 s", "pauses"),
        ("pauses >= 1 s", "long_pauses"),
    ):
        score = report.total(key)
        print(
            f"{title:<26} precision {score.precision:.3f} ({score.matched_detected}/{score.detected})"
            f"  recall {score.recall:.3f} ({score.matched_expected}/{score.expected})"
        )
    worst = summary["wpm_worst"]
    print(
        f"words per minute           mean relative error {report.wpm_relative_error:.3f}"
        f" (worst {worst['id']}: {worst['measured']} vs {worst['true']:.0f})"
    )
    print(f"specific example accuracy  {report.example_accuracy:.3f}")
    print(f"STAR part accuracy         {report.star_accuracy:.3f}")
    print(f"words after speech         {report.words_after_speech}")
    print(f"wall time                  {report.seconds_per_audio_minute:.1f} s per audio minute"
          f" (+ {report.model_load_s:.1f} s model load)")  # fmt: skip
    print("targets: all met" if not failures else "targets missed:\n  " + "\n  ".join(failures))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.sets", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--set", choices=tuple(SETS), default="main", help="which labelled set to use")
    parser.add_argument("--subset", choices=("ci", "all"), default="all", help="answers to evaluate")
    parser.add_argument("--real", action="store_true", help="also measure word error rate on real speech")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument(
        "--cpu-threads", type=int, default=0, help="the recogniser's thread count (0: its default)"
    )
    parser.add_argument(
        "--dither-seed", type=int, help="add -90 dBFS of dither from this seed to every recording"
    )
    parser.add_argument("--stages", type=Path, help="write each answer's stages into this folder")
    args = parser.parse_args(argv)
    try:
        report = evaluate(
            args.subset,
            log=None if args.json else lambda line: print(line, file=sys.stderr),
            folder=SETS[args.set],
            cpu_threads=args.cpu_threads,
            dither_seed=args.dither_seed,
            stages_dir=args.stages,
        )
        real = evaluate_real() if args.real else None
    except (RehearseError, OSError, subprocess.CalledProcessError) as error:
        print(f"evaluation failed: {error}", file=sys.stderr)
        return 2
    failures = failed_targets(report) + (real_speech_failures(real) if real else [])
    if args.json:
        print(json.dumps(report.to_dict() | {"real": real, "failed_targets": failures}, indent=1))
    else:
        _print_report(report, failures)
        if real:
            print(f"real speech ({real['clips']} clips, {real['audio_minutes']} min): word error rate "
                  f"engine {real['engine_wer']:.3f}, plain Whisper {real['plain_whisper_wer']:.3f}; "
                  f"vocal fillers found in this filler-free speech: {real['vocal_fillers_found']}")  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
