import os
import socket

import pytest

from rehearse.evaluation.bench import (
    answer_table,
    answer_text,
    cpu_model,
    follow_up_line,
    free_port,
    machine_summary,
    measure_preparation,
    preparation_line,
    speak_answer,
    targets_table,
    warmed_line,
)
from rehearse.speech.audio import load_audio


def _result(
    duration_s: float, *, later_s: float, baseline_s: float, delivery_s: float, detector_s: float = 0.1
) -> dict[str, object]:
    return {
        "duration_s": duration_s,
        "imports_s": 1.0,
        "first_s": later_s + 2.0,
        "first_stages": {"decode": 0.2, "transcribe": later_s},
        "later_s": later_s,
        "later_cpu_s": later_s * 1.5,
        "stages": {
            "decode": 0.1,
            "transcribe": later_s - 0.2 - delivery_s,
            "delivery": delivery_s,
            "hesitation": detector_s,
            "tips": 0.1,
        },
        "peak_rss_mb": 600.0,
        "baseline_s": baseline_s,
        "baseline_cpu_s": baseline_s * 1.5,
    }


def test_answer_text_is_long_enough_for_the_length_asked():
    short, long = answer_text(30), answer_text(300)

    assert len(short.split()) >= 30 * 2.9
    assert len(long.split()) >= 300 * 2.9
    assert long.startswith(short[:100])


def test_spoken_answer_lasts_exactly_the_length_asked(tmp_path):
    path = speak_answer(tmp_path / "answer.wav", 4.0)

    assert load_audio(path).duration_s == pytest.approx(4.0, abs=0.01)
    assert list(tmp_path.iterdir()) == [path]


def test_machine_summary_names_cores_and_cpu():
    summary = machine_summary()

    assert f"{os.cpu_count()} cores" in summary
    assert cpu_model() in summary
    assert cpu_model()


def test_free_port_can_be_bound():
    port = free_port()

    with socket.socket() as server:
        server.bind(("127.0.0.1", port))


def test_warmed_line_reports_the_warm_up_and_the_extra_seconds():
    line = warmed_line(
        "answer.wav", {**_result(30.0, later_s=3.0, baseline_s=3.0, delivery_s=0.1), "warm_up_s": 4.0}
    )

    assert "(4.00 s" in line
    assert "+2.00 s slower" in line


def test_answer_table_shows_every_stage_and_the_ratios():
    table = answer_table("answer.wav", _result(120.0, later_s=12.0, baseline_s=10.0, delivery_s=0.4))

    for stage in ("decode", "transcribe", "delivery", "tips", "end to end", "faster-whisper alone"):
        assert stage in table
    assert "later = 0.100 x duration" in table
    assert "project / baseline = 1.20" in table
    assert "+2.00 s slower" in table


def test_targets_table_marks_met_and_missed_targets():
    results = [
        _result(30.0, later_s=3.0, baseline_s=3.0, delivery_s=0.1),
        _result(120.0, later_s=20.0, baseline_s=10.0, delivery_s=0.4, detector_s=0.8),
    ]

    warmed = _result(30.0, later_s=3.0, baseline_s=3.0, delivery_s=0.1)
    lines = targets_table(results, warmed, {"health_s": 2.5, "page_s": 2.6}).splitlines()

    assert "MISSED" in next(line for line in lines if "end to end, 120 s" in line)
    assert "MISSED" in next(line for line in lines if "project / faster-whisper" in line)
    assert "met" in next(line for line in lines if "delivery" in line)
    assert "MISSED" in next(line for line in lines if "filler detector" in line)  # 0.4 s per minute
    assert "met" in next(line for line in lines if "first minus later" in line)
    assert "met" in next(line for line in lines if "after warm_up()" in line)
    assert "health check after 2.50 s" in lines[-1]


def test_the_follow_up_latency_is_a_line_and_a_target():
    follow_up = {
        "duration_s": 90.0,
        "chunks_s": 12.0,
        "tail_s": 1.9,
        "after_end_s": 2.2,
        "whole_s": 8.5,
        "follow_up": None,
        "load_average": 1.0,
    }
    results = [_result(120.0, later_s=10.0, baseline_s=9.0, delivery_s=0.5)]

    line = follow_up_line(follow_up)
    table = targets_table(results, results[0] | {"first_s": 11.0}, None, follow_up=follow_up)
    slow = targets_table(
        results, results[0] | {"first_s": 11.0}, None, follow_up=follow_up | {"after_end_s": 3.4}
    )

    assert "after a 90 s answer: 2.20 s after its end" in line and "8.50 s" in line
    assert any("follow-up after a 90 s answer" in row and row.endswith("met") for row in table.splitlines())
    assert any("follow-up after a 90 s answer" in row and row.endswith("MISSED") for row in slow.splitlines())


def test_preparation_is_timed_on_a_labelled_job_description():
    result = measure_preparation()

    assert result["job"] == "nursing" and int(result["requirements"]) >= 10
    assert all(
        float(result[key]) > 0 for key in ("first_extraction_s", "extraction_s", "first_link_s", "link_s")
    )
    line = preparation_line(result)
    assert line.startswith(f"Prepare (nursing job description, {result['requirements']} requirements)")
    assert f"a later one {float(result['link_s']):.2f} s" in line
