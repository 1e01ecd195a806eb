"""The figures quoted for requirement extraction and coverage on eval/jobs/ hold (README, issue 17)."""

from __future__ import annotations

import pytest

from rehearse.evaluation.preparation_evaluation import (
    load_labels,
    main,
    matches,
    score_coverage,
    score_extraction,
)


def test_the_labelled_set_has_at_least_twelve_fields_and_a_held_out_part():
    jobs = load_labels()["jobs"]
    assert len(jobs) >= 12
    assert len({job["field"] for job in jobs}) == len(jobs)
    assert {job["part"] for job in jobs} == {"dev", "heldout", "fresh"}
    assert sum(job["part"] != "dev" for job in jobs) >= 7


@pytest.mark.parametrize("part", ["dev", "heldout", "fresh"])
def test_rules_beat_yake_on_every_part(part):
    rules, yake = score_extraction(part, "rules"), score_extraction(part, "yake")
    assert rules.recall > yake.recall + 0.3 and rules.noise_share < yake.noise_share


@pytest.mark.parametrize("part", ["dev", "heldout"])
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
    # Written after that revision and measured once: extraction 87.9 % recall but 18.8 % noise, and
    # coverage 71.4 % links / 7.4 % false links: two figures miss the targets (README, issue note).
    # This holds them so that a change is noticed, not the targets.
    extraction, coverage = score_extraction("fresh", "rules"), score_coverage("fresh")
    assert extraction.recall >= 0.85 and extraction.noise_share <= 0.20
    assert coverage.link_rate >= 0.70 and coverage.false_link_rate <= 0.10


def test_a_phrase_matches_a_label_only_when_it_is_mostly_about_it():
    assert matches("administer medication safely", "administer medication safely")
    assert matches("manage stock levels", "manage stock levels and deliveries")
    assert not matches("assess, plan and evaluate patient care for a bay of patients", "patients")
    assert not matches("competitive salary", "control costs")


def test_the_command_prints_both_methods_and_parts(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for part in ("dev", "heldout", "fresh"):
        assert f"{part:8} extraction rules" in out and f"{part:8} extraction yake" in out
        assert f"{part:8} coverage" in out
