"""How well requirements are found in job descriptions, and answers linked to them (eval/jobs/).

``python -m rehearse.evaluation.preparation_evaluation`` prints, per part (dev: looked at while
building; heldout: measured at the end, before the coverage rules were revised on dev; fresh: written
after that revision and measured once; blind: written by a writer who saw no code, measured once
after the whole-requirement rules were frozen; writer_a to writer_o: fifteen more writers, for
training the learned extractor and the link model; blind2: a further writer's, never trained on;
blind3 to blind7: two further writers' each, committed unread and measured once after the models
were frozen) and per extraction method:

- recall: the share of labelled requirements that some extracted phrase matches;
- noise: the share of extracted phrases that match no labelled requirement (boilerplate, fragments);
- link rate: the share of labelled answer↔requirement pairs the coverage check links;
- false links: the share of the other pairs (answer, requirement of the same job it does not speak
  to) that it links all the same.

A phrase matches a label when it holds at least half of the label's meaningful words (crude stems)
and at least a third of its own words are the label's: a whole sentence does not match everything.

The learned extractor (shipped) is trained on every part but those in MEASURED_ONLY, so its figures
on those others flatter it; the honest ones are its
leave-one-part-out figures (each part measured by a model trained on the other parts only), which
``scripts/train_requirements.py`` computes and stores in the model, and which are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from rehearse.preparation.coverage import link_answer
from rehearse.preparation.requirement_model import load_requirement_model
from rehearse.preparation.requirements import (
    METHODS,
    ExtractionOptions,
    Requirement,
    content_stems,
    extract_requirements,
    requirement_sentences,
)

JOBS_DIR = Path(__file__).resolve().parents[2] / "eval" / "jobs"
PARTS = (
    "dev", "heldout", "fresh", "blind", "writer_a", "writer_b", "writer_c", "writer_d", "writer_e", "writer_f",
    "writer_g", "writer_h", "writer_i", "writer_j", "writer_k", "writer_l", "writer_m", "writer_n", "writer_o", "blind2", "blind3",
    "blind4", "blind5", "blind6", "blind7",
)  # fmt: skip
# Written blind and kept for measuring: no model or setting is trained or chosen on them.
MEASURED_ONLY = ("blind2", "blind3", "blind4", "blind5", "blind6", "blind7")
# What the learned extractor's line says of its figures: it was trained on the part it is measured on.
IN_SAMPLE = "(trained on all parts, this one too)"
NEVER_TRAINED = "(the model never saw this part)"


@dataclass(frozen=True)
class ExtractionCounts:
    """How many labelled requirements an extracted list found, and how much of the list is noise."""

    labelled: int
    found: int
    extracted: int
    noise: int

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 0.0

    @property
    def noise_share(self) -> float:
        return self.noise / self.extracted if self.extracted else 0.0

    def line(self) -> str:
        return (
            f"recall {self.recall:6.1%} ({self.found}/{self.labelled})"
            f"  noise {self.noise_share:6.1%} ({self.noise}/{self.extracted})"
        )


@dataclass(frozen=True)
class ExtractionScore(ExtractionCounts):
    missed: tuple[str, ...]
    noisy: tuple[str, ...]


@dataclass(frozen=True)
class CoverageScore:
    pairs: int
    linked: int
    others: int
    false_links: int
    missed: tuple[str, ...]
    wrong: tuple[str, ...]

    @property
    def link_rate(self) -> float:
        return self.linked / self.pairs if self.pairs else 0.0

    @property
    def false_link_rate(self) -> float:
        return self.false_links / self.others if self.others else 0.0


def load_labels(jobs_dir: Path = JOBS_DIR) -> dict:
    return json.loads((jobs_dir / "labels.json").read_text(encoding="utf-8"))


def matches(phrase: str, label: str) -> bool:
    """Whether an extracted phrase names the labelled requirement (see the module's rule)."""
    phrase_stems, label_stems = set(content_stems(phrase)), set(content_stems(label))
    if not phrase_stems or not label_stems:
        return False
    shared = len(phrase_stems & label_stems)
    return shared / len(label_stems) >= 0.5 and shared / len(phrase_stems) >= 1 / 3


def score_extraction(part: str, method: str, jobs_dir: Path = JOBS_DIR) -> ExtractionScore:
    labelled = found = extracted = noise = 0
    missed: list[str] = []
    noisy: list[str] = []
    for job in load_labels(jobs_dir)["jobs"]:
        if job["part"] != part:
            continue
        text = (jobs_dir / f"{job['id']}.txt").read_text(encoding="utf-8")
        phrases = [
            requirement.text
            for requirement in extract_requirements(text, options=ExtractionOptions(method=method))
        ]
        for label in job["requirements"]:
            labelled += 1
            if any(matches(phrase, label) for phrase in phrases):
                found += 1
            else:
                missed.append(f"{job['id']}: {label}")
        for phrase in phrases:
            extracted += 1
            if not any(matches(phrase, label) for label in job["requirements"]):
                noise += 1
                noisy.append(f"{job['id']}: {phrase}")
    return ExtractionScore(labelled, found, extracted, noise, tuple(missed), tuple(noisy))


def labelled_requirements(job: dict, jobs_dir: Path = JOBS_DIR) -> list[Requirement]:
    """A job's labelled requirements, each with the sentence of its posting it was taken from, as the
    extractor gives them."""
    text = (jobs_dir / f"{job['id']}.txt").read_text(encoding="utf-8")
    sentences = [(sentence, set(content_stems(sentence))) for sentence in requirement_sentences(text)]
    return [
        Requirement(text=label, evidence=_source_sentence(label, sentences)) for label in job["requirements"]
    ]


def _source_sentence(label: str, sentences: list[tuple[str, set[str]]]) -> str:
    """The sentence that holds the label, else the one sharing most of its words (the shortest of a tie)."""
    label_stems = set(content_stems(label))
    best = max(
        sentences,
        key=lambda sentence: (
            label.lower() in sentence[0].lower(),
            len(label_stems & sentence[1]),
            -len(sentence[0]),
        ),
        default=(label, set()),
    )
    return best[0]


def score_coverage(part: str, jobs_dir: Path = JOBS_DIR) -> CoverageScore:
    """Link each labelled answer to its job's labelled requirements and compare with its labels."""
    labels = load_labels(jobs_dir)
    jobs = {job["id"]: job for job in labels["jobs"] if job["part"] == part}
    requirements = {job_id: labelled_requirements(job, jobs_dir) for job_id, job in jobs.items()}
    pairs = linked = others = false_links = 0
    missed: list[str] = []
    wrong: list[str] = []
    for answer in labels["answers"]:
        job = jobs.get(answer["job"])
        if job is None:
            continue
        links = {link.target for link in link_answer(answer["text"], requirements[job["id"]], [])}
        for label in job["requirements"]:
            if label in answer["speaks_to"]:
                pairs += 1
                linked += label in links
                if label not in links:
                    missed.append(f"{job['id']}: {label} ← {answer['text'][:60]}")
            else:
                others += 1
                false_links += label in links
                if label in links:
                    wrong.append(f"{job['id']}: {label} ← {answer['text'][:60]}")
    return CoverageScore(pairs, linked, others, false_links, tuple(missed), tuple(wrong))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, action="append", help="which part (default: all)")
    parser.add_argument("--verbose", action="store_true", help="list missed and noisy phrases")
    args = parser.parse_args(argv)
    model = load_requirement_model()
    held_out = model.figures["leave_one_part_out"]
    for part in args.part or PARTS:
        for method in METHODS:
            score = score_extraction(part, method)
            print(
                f"{part:8} extraction {method:7} {score.line()}"
                + (
                    f"  {IN_SAMPLE if part in model.trained_on else NEVER_TRAINED}"
                    if method == "learned"
                    else ""
                )
            )
            if args.verbose:
                print("  missed: " + "; ".join(score.missed))
                print("  noise:  " + "; ".join(score.noisy))
        if part in held_out:
            print(
                f"{part:8} extraction learned, leave-one-part-out: {_figures_line(held_out[part]['learned'])}"
            )
        coverage = score_coverage(part)
        print(
            f"{part:8} coverage          links {coverage.link_rate:6.1%} ({coverage.linked}/{coverage.pairs})"
            f"  false links {coverage.false_link_rate:6.1%} ({coverage.false_links}/{coverage.others})"
        )
        if args.verbose:
            print("  missed: " + "; ".join(coverage.missed))
            print("  wrong:  " + "; ".join(coverage.wrong))
    if not args.part:
        pooled = held_out["pooled"]
        print(
            f"pooled   extraction rules {_figures_line(pooled['rules'])}\n"
            f"pooled   extraction learned, leave-one-part-out: {_figures_line(pooled['learned'])}"
        )
    return 0


def _figures_line(figures: dict) -> str:
    """A line of figures stored by the training script, printed like the measured ones."""
    stored = ExtractionCounts(figures["labelled"], figures["found"], figures["extracted"], figures["noisy"])
    return stored.line()


if __name__ == "__main__":
    sys.exit(main())
