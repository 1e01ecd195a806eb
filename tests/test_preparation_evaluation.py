"""The figures quoted for requirement extraction and coverage on eval/jobs/ hold (README, issue 17)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from rehearse.evaluation.preparation_evaluation import (
    MEASURED_ONLY,
    PARTS,
    load_labels,
    main,
    matches,
    score_coverage,
    score_extraction,
)
from rehearse.preparation.requirement_model import load_requirement_model

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
# The parts the shipped model was trained on; blind2 was written blind and measured once on it.
TRAINED_PARTS = load_requirement_model().trained_on


def test_the_labelled_set_has_at_least_twelve_fields_and_a_held_out_part():
    jobs = load_labels()["jobs"]
    assert len(jobs) >= 12
    assert len({job["field"] for job in jobs}) == len(jobs)
    assert {job["part"] for job in jobs} == set(PARTS)
    assert set(PARTS) == {*TRAINED_PARTS, *MEASURED_ONLY} and not set(TRAINED_PARTS) & set(MEASURED_ONLY)
    assert set(BLIND_PARTS) == set(MEASURED_ONLY)  # every part kept for measuring has its figures held
    assert sum(job["part"] != "dev" for job in jobs) >= 7


@pytest.mark.parametrize("part", PARTS)
def test_the_shipped_extractor_beats_yake_on_every_part(part):
    learned, yake = score_extraction(part, "learned"), score_extraction(part, "yake")
    assert learned.recall > yake.recall + 0.3 and learned.noise_share < yake.noise_share


@pytest.mark.parametrize("part", [part for part in TRAINED_PARTS if part != "writer_l"])
def test_rules_beat_yake_on_the_training_parts(part):
    # On blind2 the rules find twice as much as YAKE! (58.1 against 29.0 %) but list more noise
    # (32.7 against 27.6 %), and on writer_l three times as much (78.7 against 24.6 %) with a little
    # more noise (32.0 against 31.4 %): both held in test_the_blind_parts_are_as_quoted and RULES.
    rules, yake = score_extraction(part, "rules"), score_extraction(part, "yake")
    assert rules.recall > yake.recall + 0.3 and rules.noise_share < yake.noise_share


@pytest.mark.parametrize("part", ["dev", "heldout", "fresh"])
def test_rules_find_the_requirements_with_little_noise(part):
    score = score_extraction(part, "rules")
    assert score.recall >= 0.85
    assert score.noise_share <= 0.15


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_coverage_links_labelled_answers(part):
    # heldout was measured before the coverage rules were revised on dev (then 88.9 % / 16.7 %).
    score = score_coverage(part)
    assert score.link_rate >= 0.85
    assert score.false_link_rate <= 0.10


def test_the_fresh_part_is_as_quoted():
    # Written after that revision and measured once: coverage 71.4 % links / 7.4 % false links missed
    # the target (README). With the link model it reads 81.0 % / 10.3 % (17/21, 7/68). This holds it so
    # that a change is noticed, not the target.
    coverage = score_coverage("fresh")
    assert (coverage.linked, coverage.pairs, coverage.false_links, coverage.others) == (17, 21, 7, 68)


# The parts written blind and never trained on, as measured: (found, labelled, noise, extracted) of the
# learned extractor and of the rules, and (linked, pairs, false links, other pairs) of the coverage check.
# Each was measured once when first used; the figures held are those of the model now shipped (trained
# on nineteen parts) and the link model trained with it.
# blind2: measured once on the first learned model: 85.5 % recall, 19.0 % noise, words-only links 68.8 %,
# 5.1 % false.
# blind3: committed unread, measured once: 85.6 % recall, 11.5 % noise, links 71.9 %, false 4.6 %.
# blind4: committed unread, measured once: 78.2 % recall, 16.8 % noise, links 70.4 %, false 4.3 %.
# blind5: committed unread, measured once on the model trained on thirteen parts: 88.0 % recall, 20.6 %
# noise, links 64.1 %, false 6.6 %.
# blind6: committed unread, measured once on the model trained on seventeen parts: 91.1 % recall, 10.9 %
# noise, links 70.1 %, false 8.2 %.
# blind7: committed unread, measured once on the model trained on nineteen parts and the link model:
# 89.5 % recall, 16.8 % noise, links 74.6 %, false 7.0 % (the link rule before: 64.2 %, 4.4 %).
# Noise on most blind parts and links miss the targets (README); held so that a change is noticed.
BLIND_PARTS = {
    "blind2": ((58, 62, 14, 71), (36, 62, 17, 52), (27, 32, 19, 216)),
    "blind3": ((111, 125, 24, 127), (89, 125, 42, 132), (53, 64, 33, 436)),
    "blind4": ((108, 124, 30, 135), (69, 124, 29, 92), (64, 81, 29, 415)),
    "blind5": ((115, 125, 32, 143), (95, 125, 37, 134), (58, 78, 33, 422)),
    "blind6": ((113, 124, 16, 131), (90, 124, 27, 116), (54, 67, 45, 429)),
    "blind7": ((111, 124, 22, 131), (102, 124, 33, 135), (50, 67, 30, 429)),
}


@pytest.mark.parametrize("part", BLIND_PARTS)
def test_the_blind_parts_are_as_quoted(part):
    learned, rules = score_extraction(part, "learned"), score_extraction(part, "rules")
    coverage = score_coverage(part)
    assert (
        (learned.found, learned.labelled, learned.noise, learned.extracted),
        (rules.found, rules.labelled, rules.noise, rules.extracted),
        (coverage.linked, coverage.pairs, coverage.false_links, coverage.others),
    ) == BLIND_PARTS[part]


def test_blind6_meets_the_extraction_targets():
    learned = score_extraction("blind6", "learned")
    assert learned.recall >= 0.85 and learned.noise_share <= 0.15


def test_the_blind_part_is_as_quoted():
    # Written blind and measured once after the extraction rules were frozen: 72.1 % recall, 31.0 %
    # noise, 62.5 % links, 8.5 % false links. The link model (trained on it, among others) takes it to
    # 81.2 % links and 12.7 % false links (its leave-one-part-out figure is the same). The rules do not
    # reach the targets on postings nobody tuned them for (README); this holds the figures so that a
    # change is noticed.
    extraction, coverage = score_extraction("blind", "rules"), score_coverage("blind")
    assert extraction.recall >= 0.72 and extraction.noise_share <= 0.31
    assert (coverage.linked, coverage.pairs, coverage.false_links, coverage.others) == (26, 32, 27, 212)


def test_the_shipped_link_model_is_the_one_the_training_script_trains():
    # scripts/tune_links.py trains it on the parts that are not kept for measuring, choosing its
    # settings by leave-one-part-out, and returns 1 when the shipped link_model.json is another.
    assert _script("tune_links").main([]) == 0


def test_a_phrase_matches_a_label_only_when_it_is_mostly_about_it():
    assert matches("administer medication safely", "administer medication safely")
    assert matches("manage stock levels", "manage stock levels and deliveries")
    assert not matches("assess, plan and evaluate patient care for a bay of patients", "patients")
    assert not matches("competitive salary", "control costs")


def test_the_command_prints_every_method_and_part(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for part in PARTS:
        for method in ("learned", "rules", "yake"):
            assert f"{part:8} extraction {method}" in out
        if part in TRAINED_PARTS:
            assert f"{part:8} extraction learned, leave-one-part-out: recall" in out
        assert f"{part:8} coverage" in out
    assert "pooled   extraction learned, leave-one-part-out: recall" in out


# The learned extractor measured on each part by a model trained on the other parts only (every part is
# one writer), as scripts/train_requirements.py printed and stored them: (found, labelled, noisy,
# extracted). The README quotes them; a retrained model must be measured again and the README updated.
LEAVE_ONE_PART_OUT = {
    "dev": (147, 160, 8, 137),
    "heldout": (47, 51, 3, 40),
    "fresh": (33, 33, 0, 29),
    "blind": (56, 61, 20, 78),
    "writer_a": (80, 90, 16, 96),
    "writer_b": (86, 95, 16, 101),
    "writer_c": (84, 91, 11, 97),
    "writer_d": (78, 94, 11, 87),
    "writer_e": (85, 93, 14, 98),
    "writer_f": (57, 63, 9, 66),
    "writer_g": (57, 63, 21, 76),
    "writer_h": (53, 60, 12, 66),
    "writer_i": (54, 61, 23, 79),
    "writer_j": (58, 64, 19, 77),
    "writer_k": (59, 63, 13, 73),
    "writer_l": (58, 61, 19, 77),
    "writer_m": (60, 63, 17, 77),
    "writer_n": (56, 60, 11, 68),
    "writer_o": (57, 64, 11, 69),
}
RULES = {
    "dev": (148, 160, 21, 158),
    "heldout": (47, 51, 7, 52),
    "fresh": (33, 33, 0, 31),
    "blind": (44, 61, 22, 71),
    "writer_a": (60, 90, 17, 82),
    "writer_b": (57, 95, 21, 79),
    "writer_c": (55, 91, 21, 78),
    "writer_d": (56, 94, 11, 66),
    "writer_e": (61, 93, 19, 79),
    "writer_f": (47, 63, 12, 57),
    "writer_g": (51, 63, 10, 60),
    "writer_h": (34, 60, 17, 54),
    "writer_i": (42, 61, 26, 68),
    "writer_j": (44, 64, 25, 74),
    "writer_k": (51, 63, 19, 69),
    "writer_l": (48, 61, 24, 75),
    "writer_m": (49, 63, 21, 70),
    "writer_n": (44, 60, 10, 55),
    "writer_o": (46, 64, 10, 58),
}


def _counts(figures: dict) -> tuple[int, int, int, int]:
    return figures["found"], figures["labelled"], figures["noisy"], figures["extracted"]


def test_the_learned_figures_are_as_quoted():
    stored = load_requirement_model().figures["leave_one_part_out"]
    assert {part: _counts(stored[part]["learned"]) for part in TRAINED_PARTS} == LEAVE_ONE_PART_OUT
    assert {part: _counts(stored[part]["rules"]) for part in TRAINED_PARTS} == RULES


def test_the_stored_rules_figures_are_the_rules_measured_now():
    stored = load_requirement_model().figures["leave_one_part_out"]
    for part in TRAINED_PARTS:
        score = score_extraction(part, "rules")
        assert _counts(stored[part]["rules"]) == (score.found, score.labelled, score.noise, score.extracted)


def _f_measure(found: int, labelled: int, noisy: int, extracted: int) -> float:
    recall, precision = found / labelled, 1 - noisy / extracted
    return 2 * recall * precision / (recall + precision)


def test_the_learned_extractor_beats_the_rules_pooled_and_on_most_parts():
    # Why it is shipped: on postings by writers it was not trained on it finds more and lists less noise.
    pooled = [sum(column) for column in zip(*LEAVE_ONE_PART_OUT.values(), strict=True)]
    rules = [sum(column) for column in zip(*RULES.values(), strict=True)]
    assert pooled[0] / pooled[1] > rules[0] / rules[1] and pooled[2] / pooled[3] < rules[2] / rules[3]
    better = [
        part for part in TRAINED_PARTS if _f_measure(*LEAVE_ONE_PART_OUT[part]) > _f_measure(*RULES[part])
    ]
    assert len(better) > len(TRAINED_PARTS) / 2


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_held_out_part_is_measured_again_as_stored():
    # Trains the fold that leaves writer_c out, with the settings stored for it, and measures writer_c:
    # the stored figures come from a model that never saw the part.
    training = _script("train_requirements")
    fold = load_requirement_model().figures["leave_one_part_out"]["writer_c"]
    jobs = training.load_jobs()
    features = training.Features(jobs)
    model = features.fit([job for job in jobs if job.part != "writer_c"], fold["C"])
    thresholds = tuple(fold["thresholds"])
    total = sum(
        (
            training.counts(job, features.scores(model, job), thresholds)
            for job in jobs
            if job.part == "writer_c"
        ),
        training.Counts(0, 0, 0, 0),
    )
    assert (total.found, total.labelled, total.noise, total.extracted) == LEAVE_ONE_PART_OUT["writer_c"]
