"""The command line on the shipped sample answers, through the real model."""

import json
from pathlib import Path

from rehearse.cli import main
from rehearse.evaluation.sets import FILLER_TOLERANCE_S, match_spans

SAMPLES = Path(__file__).resolve().parent.parent / "sample_audio"


def analyze_json(capsys, *args: str) -> dict:
    assert main(["analyze", *args, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object on one line
    return json.loads(out)


def labels(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def assert_vocal_fillers_are_the_scripts(result: dict, truth: dict) -> None:
    """Each vocal filler of the sample's script is found once, at its time, and nothing else is."""
    found = [(item["start"], item["end"]) for item in result["fillers"]["items"] if item["kind"] == "vocal"]
    spoken = [(filler["start"], filler["end"]) for filler in truth["vocal_fillers"]]
    assert len(match_spans(spoken, found, tolerance_s=FILLER_TOLERANCE_S)) == len(spoken) == len(found)


def test_strong_answer_has_a_full_star_example(capsys):
    truth = labels("strong_star")
    result = analyze_json(capsys, str(SAMPLES / "strong_star.ogg"), "--question", truth["question"])
    assert result["example"]["present"] is True
    assert result["example"]["star"] == {"situation": True, "task": True, "action": True, "result": True}
    assert_vocal_fillers_are_the_scripts(result, truth)
    assert result["question"] == truth["question"]
    for key in ("duration_s", "transcript", "fillers", "pacing", "conciseness", "example", "tips", "options"):
        assert key in result
    word = result["transcript"]["words"][0]
    assert set(word) == {"text", "start", "end", "probability"}
    assert {"words_per_minute", "articulation_rate", "pauses", "verdict"} <= set(result["pacing"])
    assert {"word_count", "verdict"} <= set(result["conciseness"])
    assert all({"text", "start", "end"} <= set(item) for item in result["fillers"]["items"])


def test_vague_answer_has_no_example_and_its_fillers_are_counted(capsys):
    truth = labels("vague_fillers")
    result = analyze_json(capsys, str(SAMPLES / "vague_fillers.ogg"), "--question", truth["question"])
    assert result["example"]["present"] is False
    assert_vocal_fillers_are_the_scripts(result, truth)
    assert result["tips"] and "story" in result["tips"][0]["message"]


def test_text_report_is_readable(capsys):
    assert main(["analyze", str(SAMPLES / "strong_star.ogg")]) == 0
    report = capsys.readouterr().out
    for heading in ("Transcript", "Delivery", "Fillers", "Pace", "Content", "situation", "Tips"):
        assert heading in report


JOBS = Path(__file__).resolve().parent.parent / "eval" / "jobs"


def test_prepare_prints_requirements_values_and_tailored_questions_as_json(tmp_path, capsys):
    values = tmp_path / "values.txt"
    values.write_text("- Customer obsession: we start with the customer\n- Ownership\n")
    args = ["prepare", "--job-description", str(JOBS / "software.txt"), "--values", str(values)]
    assert main([*args, "--company", "Northlake", "--role", "Backend engineer", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    result = json.loads(out)
    texts = [requirement["text"] for requirement in result["requirements"]]
    assert any("REST APIs" in text for text in texts) and any("Docker" in text for text in texts)
    assert not any("salary" in text.lower() for text in texts)
    assert all(set(requirement) >= {"text", "evidence"} for requirement in result["requirements"])
    assert [value["name"] for value in result["values"]] == ["Customer obsession", "Ownership"]
    kinds = {question["kind"] for question in result["questions"]}
    assert {"requirement", "value", "challenging"} <= kinds
    for question in result["questions"]:
        assert set(question) >= {"text", "kind", "requirement", "value"}
        if question["kind"] == "requirement":
            assert question["requirement"] in texts
        if question["kind"] == "value":
            assert "Northlake" in question["text"] and question["value"] in question["text"]


def test_prepare_prints_a_readable_list(capsys):
    assert main(["prepare", "--job-description", str(JOBS / "nursing.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Requirements (")
    assert "from: Current NMC registration." in out
    assert "Questions to rehearse:" in out and "[requirement] " in out
