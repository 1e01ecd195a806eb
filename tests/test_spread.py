import os

import pytest

from rehearse.evaluation.accuracy import FIGURES, MeasuredAccuracy
from rehearse.evaluation.sets import stage_differences
from rehearse.evaluation.spread import (
    PERTURBATIONS,
    bootstrap_intervals,
    ctranslate2_backend,
    figures_of,
    processor_name,
    spread_of,
    tolerated,
)


def _answer(vocal: tuple[int, int, int, int], lexical: tuple[int, int, int, int] = (1, 1, 1, 1)) -> dict:
    def score(counts: tuple[int, int, int, int]) -> dict:
        detected, expected, matched_detected, matched_expected = counts
        return {
            "detected": detected,
            "expected": expected,
            "matched_detected": matched_detected,
            "matched_expected": matched_expected,
        }

    return {"vocal": score(vocal), "lexical": score(lexical)}


def test_figures_are_pooled_over_answers_not_averaged():
    answers = [_answer((4, 2, 2, 2)), _answer((0, 8, 0, 0))]
    figures = figures_of(answers)
    assert figures["vocal_precision"] == 0.5  # 2 of 4 detections, not the mean of 0.5 and 1.0
    assert figures["vocal_recall"] == 0.2  # 2 of 10 labelled
    assert figures["lexical_precision"] == figures["lexical_recall"] == 1.0


def test_spread_is_the_lowest_and_highest_value_over_runs():
    runs = [dict.fromkeys(FIGURES, 0.6), dict.fromkeys(FIGURES, 0.65), dict.fromkeys(FIGURES, 0.62)]
    assert spread_of(runs) == dict.fromkeys(FIGURES, (0.6, 0.65))


def test_bootstrap_interval_is_reproducible_and_holds_the_figure():
    answers = [_answer((3, 3, 2, 2)), _answer((2, 4, 2, 2)), _answer((5, 2, 1, 1)), _answer((1, 1, 1, 1))]
    first = bootstrap_intervals(answers, resamples=500)
    assert first == bootstrap_intervals(answers, resamples=500)
    precision = figures_of(answers)["vocal_precision"]
    low, high = first["vocal_precision"]
    assert low < precision < high


def test_bootstrap_of_identical_answers_has_no_width():
    answers = [_answer((2, 2, 2, 2))] * 5
    assert bootstrap_intervals(answers, resamples=100)["vocal_recall"] == (1.0, 1.0)


def test_bootstrap_needs_answers():
    with pytest.raises(ValueError):
        bootstrap_intervals([])


def test_perturbations_cover_each_backend_thread_count_and_dither_seeds():
    names = {p.name for p in PERTURBATIONS}
    assert PERTURBATIONS[0].name == "as installed" and not PERTURBATIONS[0].environment
    assert {"CT2_USE_MKL=0", "CT2_USE_MKL=1", "1 thread", "2 threads"} <= names
    assert len({p.dither_seed for p in PERTURBATIONS if p.dither_seed is not None}) == 3


def test_ctranslate2_reports_the_backend_it_chose():
    # oneDNN is CTranslate2's backend wherever MKL is off; MKL is its own choice on Intel processors.
    assert ctranslate2_backend({"CT2_USE_MKL": "0"}).endswith("DNNL")
    assert ctranslate2_backend({"CT2_USE_MKL": "1"}).endswith("MKL")
    chosen = os.environ.get("CT2_USE_MKL")
    expected = "MKL" if chosen == "1" or (chosen is None and "Intel" in processor_name()) else "DNNL"
    assert ctranslate2_backend({}).endswith(expected)


def _quoted(spread: tuple[float, float]) -> MeasuredAccuracy:
    figures = dict.fromkeys(FIGURES, spread[0])
    return MeasuredAccuracy(
        **figures,
        answers=14,
        audio_minutes=12.4,
        measured_on="2026-12-01",
        labelled_set="sealed",
        spread=dict.fromkeys(FIGURES, spread),
    )


def test_tolerance_widens_the_spread_by_its_own_width():
    assert tolerated(_quoted((0.6, 0.7)), "vocal_precision") == (0.5, 0.8)


def test_a_spread_of_nothing_still_allows_one_detection_either_way():
    assert tolerated(_quoted((0.8, 0.8)), "lexical_recall") == (0.775, 0.825)


def _stages(fillers: list[tuple[str, float]], words: tuple[str, ...] = ("so", "I")) -> dict:
    return {
        "speech_regions": [[0.4, 5.0]],
        "steady_stretches": [],
        "words": [{"text": text, "start": i * 0.5, "end": i * 0.5 + 0.4} for i, text in enumerate(words)],
        "fillers": [
            {"text": "um", "kind": kind, "start": start, "end": start + 0.3} for kind, start in fillers
        ],
    }


def test_a_filler_that_moved_a_few_milliseconds_is_the_same_decision():
    reference = _stages([("vocal", 1.0), ("lexical", 3.0)])
    assert stage_differences(reference, _stages([("vocal", 1.02), ("lexical", 2.98)])) == set()


def test_a_filler_found_in_one_run_only_is_a_different_decision():
    reference = _stages([("vocal", 1.0)])
    assert stage_differences(reference, _stages([("vocal", 1.0), ("vocal", 4.0)])) == {"fillers"}
    assert stage_differences(reference, _stages([("lexical", 1.0)])) == {"fillers"}


def test_stages_of_different_lengths_differ():
    reference = _stages([])
    other = _stages([]) | {"speech_regions": [[0.4, 2.0], [2.5, 5.0]]}
    assert stage_differences(reference, other) == {"speech_regions"}
    assert stage_differences(reference, _stages([], words=("so", "we"))) == {"word_texts"}
