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
    assert {job["part"] for job in jobs} == {
        "dev", "heldout", "fresh", "blind", "writer_a", "writer_b", "writer_c"
    }  # fmt: skip
    assert sum(job["part"] != "dev" for job in jobs) >= 7


@pytest.mark.parametrize("part", ["dev", "heldout", "fresh", "blind"])
def test_rules_beat_yake_on_every_part(part):
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
    # Written after that revision and measured once: coverage 71.4 % links / 7.4 % false links misses
    # the target (README). This holds it so that a change is noticed, not the target.
    coverage = score_coverage("fresh")
    assert coverage.link_rate >= 0.70 and coverage.false_link_rate <= 0.10


def test_the_blind_part_is_as_quoted():
    # Written blind and measured once after the extraction rules were frozen: 72.1 % recall, 31.0 %
    # noise, 62.5 % links, 8.5 % false links. The rules do not reach the targets on postings nobody
    # tuned them for (README); this holds the figures so that a change is noticed.
    extraction, coverage = score_extraction("blind", "rules"), score_coverage("blind")
    assert extraction.recall >= 0.72 and extraction.noise_share <= 0.31
    assert coverage.link_rate >= 0.62 and coverage.false_link_rate <= 0.09


def test_a_phrase_matches_a_label_only_when_it_is_mostly_about_it():
    assert matches("administer medication safely", "administer medication safely")
    assert matches("manage stock levels", "manage stock levels and deliveries")
    assert not matches("assess, plan and evaluate patient care for a bay of patients", "patients")
    assert not matches("competitive salary", "control costs")


def test_the_command_prints_both_methods_and_parts(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for part in ("dev", "heldout", "fresh", "blind"):
        assert f"{part:8} extraction rules" in out and f"{part:8} extraction yake" in out
        assert f"{part:8} coverage" in out
