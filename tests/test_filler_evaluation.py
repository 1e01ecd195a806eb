import pytest

from rehearse.evaluation.filler_evaluation import format_tables, main, regime_table, score_clip


def record(
    fillers: list[tuple[str, float, float]], *, family: str = "espeak", condition: str = "clean"
) -> dict:
    return {
        "id": "clip",
        "family": family,
        "condition": condition,
        "duration_s": 6.0,
        "fillers": [{"style": style, "start": start, "end": end} for style, start, end in fillers],
    }


def test_detections_match_fillers_by_time_one_to_one():
    clip = record([("quick", 1.0, 1.2), ("drawn", 3.0, 3.5)])
    result = score_clip(clip, [(1.1, 1.3), (1.15, 1.25), (5.0, 5.2)])
    assert result.matched == [True, False]
    assert (result.detected, result.false_alarms) == (3, 2)


def test_regimes_split_recall_by_style_and_precision_by_clips_of_one_style():
    quick = score_clip(record([("quick", 1.0, 1.2)]), [(1.0, 1.2), (4.0, 4.2)])
    drawn = score_clip(record([("drawn", 1.0, 1.5)], condition="babble"), [])
    free = score_clip(record([]), [(2.0, 2.2)])
    real = score_clip(record([], family="real", condition="real"), [])
    table = regime_table([quick, drawn, free, real])
    assert table["quick"] == {"precision": 0.333, "recall": 1.0, "fillers": 1}
    assert table["drawn-out"]["recall"] == 0.0
    assert table["noisy (10-30 dB)"]["recall"] == 0.0 and table["clean"]["recall"] == 1.0
    assert table["false fillers per minute, filler-free synthetic"]["per_minute"] == pytest.approx(10.0)
    assert table["false fillers per minute, real speech"]["per_minute"] == 0.0
    assert "P 0.33 R 1.00 (n=1)" in format_tables({"learned": table})


def test_the_command_prints_the_held_out_table(capsys):
    assert main(["--families", "festival"]) == 0
    output = capsys.readouterr().out
    assert "voice families scored: festival" in output and "quick, clean" in output
