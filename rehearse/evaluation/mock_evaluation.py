"""How well the mock interview's measures match the labelled answers in ``eval/mock/``.

``python -m rehearse.evaluation.mock_evaluation [--split dev|heldout] [--real]`` prints:

- time to first point: the share of answers within :data:`FIRST_POINT_TOLERANCE_S` of the labelled
  time, on hand-timed transcripts (seeded speaking rates and pauses) and, with ``--real``, on the
  same answers spoken by espeak-ng and transcribed by the real model;
- story reuse: the share of labelled reused pairs found, and the share of reported pairs that are false.

The held-out split (``heldout``) was written with the rest and measured once, at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import yaml

from rehearse.evaluation.star_evaluation import CORPUS_DIR as STAR_DIR
from rehearse.evaluation.star_evaluation import labelled_answer
from rehearse.mock.first_point import time_to_first_point
from rehearse.mock.reuse import ReuseOptions, reused_stories
from rehearse.speech.transcript import Transcript, Word

MOCK_DIR = Path(__file__).resolve().parents[2] / "eval" / "mock"
FIRST_POINT_TOLERANCE_S = 1.0
SPLITS = ("dev", "heldout")
# Parts of the STAR corpus whose rounds belong to each split.
REUSE_PARTS = {"dev": ("A", "B"), "heldout": ("C",)}
ROUND_SIZE = 5
POINT_MARK = "|"
SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class FirstPointAnswer:
    id: str
    split: str
    preamble: str
    point: str
    speak: bool

    @property
    def text(self) -> str:
        return f"{self.preamble} {self.point}".strip()


@dataclass(frozen=True)
class FirstPointFigures:
    count: int
    within: int
    misses: tuple[tuple[str, float, float | None], ...]  # id, labelled s, measured s

    @property
    def share(self) -> float:
        return self.within / self.count if self.count else 0.0


@dataclass(frozen=True)
class ReuseFigures:
    labelled_pairs: int
    found_labelled: int
    reported_pairs: int
    false_pairs: int
    negative_pairs: int

    @property
    def recall(self) -> float:
        return self.found_labelled / self.labelled_pairs if self.labelled_pairs else 0.0

    @property
    def false_share(self) -> float:
        return self.false_pairs / self.reported_pairs if self.reported_pairs else 0.0


def load_first_point(split: str) -> list[FirstPointAnswer]:
    data = yaml.safe_load((MOCK_DIR / "first_point.yaml").read_text(encoding="utf-8"))
    answers = []
    for entry in data["answers"]:
        if entry["split"] != split:
            continue
        preamble, point = entry["text"].split(POINT_MARK)
        answers.append(
            FirstPointAnswer(entry["id"], split, preamble.strip(), point.strip(), entry.get("speak", False))
        )
    return answers


def timed_transcript(answer: FirstPointAnswer) -> tuple[Transcript, float]:
    """The answer as a transcript with word times, and its labelled first-point time (seconds).

    Speaking rate, the silence before the first word, and pauses after the preamble's commas and
    full stops are drawn from a generator seeded by the answer's id, so the set is the same every run.
    """
    draw = random.Random(answer.id)
    step = 60.0 / draw.uniform(120.0, 185.0)
    clock = draw.uniform(0.2, 1.0)
    words = []
    label = 0.0
    preamble_words = answer.preamble.split()
    for index, token in enumerate(preamble_words + answer.point.split()):
        if index == len(preamble_words):
            clock += draw.uniform(0.0, 2.5) if preamble_words else 0.0
            label = clock
        words.append(
            Word(text=token, start=round(clock, 3), end=round(clock + step * 0.8, 3), probability=0.9)
        )
        clock += step
        if index < len(preamble_words) and token[-1] in ",.?":
            clock += draw.uniform(0.1, 0.9)
    return Transcript(words=tuple(words), duration_s=round(clock + 0.5, 3)), round(label, 3)


def first_point_figures(
    answers: Sequence[FirstPointAnswer], measured: dict[str, tuple[float, float | None]]
) -> FirstPointFigures:
    """``measured`` maps an answer id to (labelled, measured) seconds."""
    misses = []
    within = 0
    for answer in answers:
        label, found = measured[answer.id]
        if found is not None and abs(found - label) <= FIRST_POINT_TOLERANCE_S:
            within += 1
        else:
            misses.append((answer.id, label, found))
    return FirstPointFigures(count=len(answers), within=within, misses=tuple(misses))


def measure_typed(answers: Sequence[FirstPointAnswer]) -> dict[str, tuple[float, float | None]]:
    measured = {}
    for answer in answers:
        transcript, label = timed_transcript(answer)
        measured[answer.id] = (label, time_to_first_point(transcript))
    return measured


def measure_spoken(
    answers: Sequence[FirstPointAnswer], *, model_path: str | None = None
) -> dict[str, tuple[float, float | None]]:
    """Speak each answer with espeak-ng (preamble, a pause, the point), transcribe it with the real model."""
    from rehearse.speech.audio import Audio
    from rehearse.speech.transcribe import TranscribeOptions, transcribe

    options = TranscribeOptions() if model_path is None else TranscribeOptions(model_path=model_path)
    measured = {}
    with tempfile.TemporaryDirectory() as folder:
        for answer in answers:
            samples, label = spoken_answer(answer, Path(folder))
            transcript, _ = transcribe(Audio(samples=samples), options=options)
            measured[answer.id] = (label, time_to_first_point(transcript))
    return measured


def spoken_answer(answer: FirstPointAnswer, folder: Path) -> tuple[np.ndarray, float]:
    """The answer's samples at 16 kHz and the labelled time: where the point's own speech begins."""
    draw = random.Random(answer.id)
    lead = np.zeros(int(draw.uniform(0.3, 0.8) * SAMPLE_RATE), dtype=np.float32)
    parts = [lead]
    if answer.preamble:
        parts += [
            _espeak(answer.preamble, folder / "preamble.wav"),
            np.zeros(int(draw.uniform(0.3, 2.0) * SAMPLE_RATE), dtype=np.float32),
        ]
    before = sum(len(part) for part in parts)
    point = _espeak(answer.point, folder / "point.wav")
    onset = int(np.argmax(np.abs(point) > 0.02))
    samples = np.concatenate([*parts, point, np.zeros(SAMPLE_RATE // 2, dtype=np.float32)])
    return samples, round((before + onset) / SAMPLE_RATE, 3)


def _espeak(text: str, path: Path) -> np.ndarray:
    from rehearse.speech.audio import load_audio

    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
    return load_audio(path, min_seconds=0.0).samples


def reuse_rounds(split: str) -> list[tuple[list[str], set[tuple[int, int]]]]:
    """Rounds of answers (one field's answers of the STAR corpus, :data:`ROUND_SIZE` at a time, with
    each retelling in its story's round), each with its labelled reused pairs."""
    retellings = yaml.safe_load((MOCK_DIR / "reuse.yaml").read_text(encoding="utf-8"))["retellings"]
    by_story = defaultdict(list)
    for retelling in retellings:
        by_story[retelling["story"]].append(" ".join(retelling["text"].split()))
    rounds = []
    for part in REUSE_PARTS[split]:
        by_field = defaultdict(list)
        for line in (STAR_DIR / f"part-{part}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            by_field[record["field"]].append(labelled_answer(record))
        for field_answers in by_field.values():
            for start in range(0, len(field_answers), ROUND_SIZE):
                texts, pairs = [], set()
                for answer in field_answers[start : start + ROUND_SIZE]:
                    texts.append(answer.text)
                    for retold in by_story.get(answer.id, []):
                        pairs.add((len(texts) - 1, len(texts)))
                        texts.append(retold)
                rounds.append((texts, pairs))
    return rounds


def reuse_figures(split: str, *, options: ReuseOptions | None = None) -> ReuseFigures:
    labelled = found_labelled = reported = false = negatives = 0
    for texts, pairs in reuse_rounds(split):
        found = {(story.first, story.second) for story in reused_stories(texts, options=options)}
        labelled += len(pairs)
        found_labelled += len(found & pairs)
        reported += len(found)
        false += len(found - pairs)
        negatives += sum(1 for pair in combinations(range(len(texts)), 2) if pair not in pairs)
    return ReuseFigures(labelled, found_labelled, reported, false, negatives)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehearse.evaluation.mock_evaluation", description=__doc__
    )
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument(
        "--real", action="store_true", help="also speak the marked answers and run the real model"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    answers = load_first_point(args.split)
    results: dict[str, object] = {"split": args.split}
    typed = first_point_figures(answers, measure_typed(answers))
    results["first_point_typed"] = asdict(typed) | {"share": typed.share}
    if args.real:
        spoken = [answer for answer in answers if answer.speak]
        real = first_point_figures(spoken, measure_spoken(spoken))
        results["first_point_real"] = asdict(real) | {"share": real.share}
    reuse = reuse_figures(args.split)
    results["reuse"] = asdict(reuse) | {"recall": reuse.recall, "false_share": reuse.false_share}
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"Split: {args.split}")
    for key, name in (
        ("first_point_typed", "hand-timed transcripts"),
        ("first_point_real", "espeak-ng + tiny.en"),
    ):
        if key in results:
            figures = typed if key == "first_point_typed" else real
            print(
                f"Time to first point within {FIRST_POINT_TOLERANCE_S:g} s, {name}: {figures.within}/{figures.count}"
                f" ({figures.share:.1%})"
            )
            for answer_id, label, found in figures.misses:
                print(
                    f"  miss {answer_id}: labelled {label:.2f} s, measured {'none' if found is None else f'{found:.2f} s'}"
                )
    print(
        f"Story reuse: found {reuse.found_labelled}/{reuse.labelled_pairs} labelled pairs ({reuse.recall:.1%});"
        f" {reuse.false_pairs} of {reuse.reported_pairs} reported pairs false ({reuse.false_share:.1%});"
        f" {reuse.negative_pairs} pairs in all that are not reuse"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
