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
    assert {job["part"] for job in jobs} == {"dev", "heldout"}
    assert sum(job["part"] == "heldout" for job in jobs) >= 4


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_rules_find_the_requirements_with_little_noise_and_beat_yake(part):
    rules, yake = score_extraction(part, "rules"), score_extraction(part, "yake")
    assert rules.recall >= 0.85
    assert rules.noise_share <= 0.15
    assert rules.recall > yake.recall + 0.3 and rules.noise_share < yake.noise_share


def test_coverage_links_labelled_answers_on_the_dev_part():
    score = score_coverage("dev")
    assert score.link_rate >= 0.85
    assert score.false_link_rate <= 0.10


def test_coverage_on_the_held_out_part_is_as_quoted():
    # Measured once at the end: links 88.9 %, false links 16.7 % (10/60), over the 10 % target
    # (the README and the issue note say so). This holds the figure so a change is noticed.
    score = score_coverage("heldout")
    assert score.link_rate >= 0.85
    assert score.false_link_rate <= 0.20


def test_a_phrase_matches_a_label_only_when_it_is_mostly_about_it():
    assert matches("administer medication safely", "administer medication safely")
    assert matches("manage stock levels", "manage stock levels and deliveries")
    assert not matches("assess, plan and evaluate patient care for a bay of patients", "patients")
    assert not matches("competitive salary", "control costs")


def test_the_command_prints_both_methods_and_parts(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for part in ("dev", "heldout"):
        assert f"{part:8} extraction rules" in out and f"{part:8} extraction yake" in out
        assert f"{part:8} coverage" in out
