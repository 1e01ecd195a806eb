import json

import pytest
from transcripts import transcript_from_text

from rehearse.analysis.analysis import analyze_transcript
from rehearse.analysis.report import format_report
from rehearse.analysis.results_view import headlines
from rehearse.evaluation import accuracy
from rehearse.evaluation.accuracy import (
    ACCURACY_FILE,
    MeasuredAccuracy,
    filler_accuracy_line,
    filler_accuracy_note,
    in_tens,
    measured_accuracy,
    save_accuracy,
)
from rehearse.evaluation.sets import BLIND_SET, SETS, load_labels
from rehearse.evaluation.spread import main as spread_main

ANSWER = "Um so I think teamwork is like really important. You know I always try to uh listen to people."


def test_the_shipped_measurement_is_the_blind_one():
    # The product quotes the figure for answers nobody tuned on, not the flattering main-set one.
    shipped = measured_accuracy()
    assert shipped is not None
    assert shipped.labelled_set == BLIND_SET
    assert shipped.answers == len(load_labels("all", SETS[BLIND_SET]))
    assert 0.0 < shipped.vocal_recall <= 1.0 and 0.0 < shipped.lexical_recall <= 1.0


def test_the_note_quotes_the_measured_recall():
    shipped = measured_accuracy()
    note = filler_accuracy_note()
    assert f"about {in_tens(shipped.vocal_recall)} in 10 spoken" in note
    assert f"{in_tens(shipped.lexical_recall)} in 10 filler" in note
    assert f"measured on {shipped.answers} labelled answers" in note


def test_the_shipped_figures_come_with_their_spread_interval_and_processor():
    shipped = measured_accuracy()
    for name in ("vocal_recall", "vocal_precision", "lexical_recall", "lexical_precision"):
        low, high = shipped.spread[name]
        assert low <= getattr(shipped, name) <= high
        interval_low, interval_high = shipped.interval[name]
        assert interval_low <= getattr(shipped, name) <= interval_high
    assert shipped.processor and shipped.backend
    assert {"CT2_USE_MKL=0", "CT2_USE_MKL=1", "1 thread", "2 threads"} <= set(shipped.perturbations)


def test_the_note_rounds_to_what_fourteen_answers_support(monkeypatch):
    # "57.1 %" claims a precision that 14 answers and another processor do not support.
    measured = MeasuredAccuracy(
        0.683, 0.571, 0.833, 0.926, 14, 12.4, "2026-12-01", "sealed",
        spread={"vocal_recall": (0.66, 0.71)}, interval={"vocal_recall": (0.52, 0.81)},
    )  # fmt: skip
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: measured)
    note = filler_accuracy_note()
    assert "%" not in note
    assert "about 7 in 10 spoken" in note and "8 in 10 filler" in note
    assert "it could be 5 to 8 in 10" in note
    assert "about 4 in 10 of the “um”s it flags were not fillers" in note


def test_an_unmeasured_detector_is_called_an_estimate(monkeypatch):
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: None)
    assert "estimate" in filler_accuracy_note()


def test_report_app_and_json_show_the_note_next_to_the_filler_count():
    analysis = analyze_transcript(transcript_from_text(ANSWER))
    note = filler_accuracy_note()
    assert note in format_report(analysis).split("  Pace ")[0]
    filler_headline = headlines(analysis.to_dict(), target_seconds=90.0, previous=None)[0]
    # The card carries the one short line; the page links it to the full note.
    assert filler_headline.label == "Fillers per minute" and filler_accuracy_line() in filler_headline.note
    assert note not in filler_headline.note
    assert analysis.to_dict()["fillers"]["detector_accuracy"] == measured_accuracy().to_dict()


def test_saved_accuracy_reads_back(tmp_path):
    measured = MeasuredAccuracy(
        0.8, 0.9, 0.85, 0.95, 12, 7.2, "2026-11-26", "heldout",
        spread={"vocal_recall": (0.78, 0.82)}, interval={"vocal_recall": (0.6, 0.9)},
        processor="Some CPU", backend="AVX2, DNNL", perturbations=("as installed", "1 thread"),
    )  # fmt: skip
    path = save_accuracy(measured, tmp_path / "accuracy.json")
    assert MeasuredAccuracy.from_dict(json.loads(path.read_text(encoding="utf-8"))) == measured


def test_only_the_blind_set_may_be_saved_as_the_quoted_figure(capsys):
    before = ACCURACY_FILE.read_bytes()
    with pytest.raises(SystemExit) as refused:
        spread_main(["--set", "main", "--save-accuracy"])
    assert refused.value.code == 2
    assert f"--set {BLIND_SET}" in capsys.readouterr().err
    assert ACCURACY_FILE.read_bytes() == before


def test_the_note_warns_when_many_flagged_fillers_were_not_fillers(monkeypatch):
    reliable = MeasuredAccuracy(0.8, 0.95, 0.9, 0.97, 14, 10.2, "2026-11-27", "unseen")
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: reliable)
    assert filler_accuracy_note().endswith("so the true count may be a little higher.")
    noisy = MeasuredAccuracy(0.75, 0.73, 0.79, 1.0, 14, 10.2, "2026-11-27", "unseen")
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: noisy)
    note = filler_accuracy_note()
    assert "3 in 10 of the “um”s it flags were not fillers" in note and "“like”s it flags" not in note
    assert note.endswith("rough guide.")


def test_the_caveat_under_the_count_is_one_short_line_read_from_the_measurement(monkeypatch):
    shipped = measured_accuracy()
    line = filler_accuracy_line()
    assert len(line.split()) <= 18 and line.count(".") == 1
    assert f"about {in_tens(shipped.vocal_recall)} in 10" in line
    # Another measurement, another line: the figures are read, never written into the code.
    measured = MeasuredAccuracy(0.91, 0.95, 0.9, 0.97, 20, 15.0, "2027-01-01", "sealed")
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: measured)
    assert (
        filler_accuracy_line()
        == "An estimate: it finds about 9 in 10 “um”s, so the true count may be higher."
    )
    monkeypatch.setattr(accuracy, "measured_accuracy", lambda: None)
    assert "not been measured" in filler_accuracy_line()
