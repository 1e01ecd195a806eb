"""Every bad input a candidate may give: a one-line error and exit code 2, never a traceback."""

import importlib
import subprocess
import sys

import numpy as np
import pytest
from speech import convert, noise, silence, speak, write_samples

from rehearse.cli import main
from rehearse.errors import AudioError, ModelError, NoSpeechError, ParameterError
from rehearse.speech.audio import load_audio
from rehearse.speech.transcribe import resolve_model_path


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    return speak(tmp_path_factory.mktemp("failures") / "answer.wav")


def truncated(source, target):
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    return target


BAD_INPUTS = {
    "missing": lambda tmp, spoken: tmp / "nothing-here.wav",
    "folder": lambda tmp, spoken: tmp,
    "empty": lambda tmp, spoken: (tmp / "empty.wav").write_bytes(b"") or tmp / "empty.wav",
    "text": lambda tmp, spoken: (tmp / "notes.mp3").write_text("my answer notes\n" * 50) or tmp / "notes.mp3",
    "random bytes": lambda tmp, spoken: (tmp / "x.wav").write_bytes(bytes(range(256)) * 40) or tmp / "x.wav",
    "truncated wav": lambda tmp, spoken: truncated(spoken, tmp / "cut.wav"),
    "truncated mp3": lambda tmp, spoken: truncated(convert(spoken, tmp / "full.mp3"), tmp / "cut.mp3"),
    "too short": lambda tmp, spoken: write_samples(tmp / "short.wav", silence(0.5)),
    "silence": lambda tmp, spoken: write_samples(tmp / "silence.wav", silence(5)),
    "noise": lambda tmp, spoken: write_samples(tmp / "noise.wav", noise(5)),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_cli_refuses_bad_input_with_one_line(case, tmp_path, spoken, capsys):
    path = BAD_INPUTS[case](tmp_path, spoken)
    assert main(["analyze", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rehearse: ")
    assert "Traceback" not in captured.err


def test_too_long_is_refused(spoken, capsys):
    assert main(["analyze", str(spoken), "--max-minutes", "0.05"]) == 2
    assert "longer than the 3 s limit" in capsys.readouterr().err


def test_no_traceback_from_the_installed_command(tmp_path):
    empty = tmp_path / "empty.m4a"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "rehearse.cli", "analyze", str(empty)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "rehearse: empty.m4a is empty (0 bytes); record the answer again."


def test_error_types(tmp_path, spoken):
    with pytest.raises(AudioError, match="cut off"):
        load_audio(truncated(spoken, tmp_path / "cut.wav"))
    with pytest.raises(ParameterError):
        load_audio(spoken, min_seconds=5, max_seconds=1)
    silent = write_samples(tmp_path / "silence.wav", silence(3))
    from rehearse.analysis.analysis import analyze_file

    with pytest.raises(NoSpeechError):
        analyze_file(silent)


def test_missing_model_folder(tmp_path, capsys):
    with pytest.raises(ModelError, match=r"no model\.bin"):
        resolve_model_path(tmp_path)
    assert main(["analyze", "whatever.wav", "--model", str(tmp_path)]) == 2
    assert "not a CTranslate2 Whisper model folder" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["dance"])
    assert exit_info.value.code == 2


def test_dither_at_or_above_full_scale_is_refused():
    from rehearse.speech.audio import Audio, dithered

    with pytest.raises(ParameterError, match="below full scale"):
        dithered(Audio(np.zeros(160, dtype=np.float32)), seed=0, level_dbfs=0.0)


def _scanned_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()  # a page with no text on it, as a scanner leaves it
    path.write_bytes(bytes(pdf.output()))
    return path


BAD_JOB_DESCRIPTIONS = {
    "missing": lambda tmp: tmp / "nothing-here.txt",
    "empty paste": lambda tmp: (tmp / "job.txt").write_text("  \n") and tmp / "job.txt",
    "huge paste": lambda tmp: (tmp / "job.txt").write_text("Manage a budget. " * 5000) and tmp / "job.txt",
    "scanned pdf": lambda tmp: _scanned_pdf(tmp / "scan.pdf"),
    "corrupt docx": lambda tmp: (tmp / "job.docx").write_bytes(b"PK\x03\x04 broken") and tmp / "job.docx",
    "other language": lambda tmp: (
        (tmp / "offre.txt").write_text(
            "Nous recherchons un responsable des opérations pour diriger une équipe de quarante chauffeurs"
            " et gérer un budget important dans toute la région, avec une solide expérience en logistique."
        )
        and tmp / "offre.txt"
    ),
    "spreadsheet": lambda tmp: (tmp / "job.xlsx").write_bytes(b"PK\x03\x04") and tmp / "job.xlsx",
}


@pytest.mark.parametrize("case", sorted(BAD_JOB_DESCRIPTIONS))
def test_prepare_refuses_a_bad_job_description_with_one_line(case, tmp_path, capsys):
    path = BAD_JOB_DESCRIPTIONS[case](tmp_path)
    assert main(["prepare", "--job-description", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rehearse: ")
    assert path.name in lines[0]


FILLER_MODEL = ("rehearse.analysis.filler_model", "load_filler_model")
LINK_MODEL = ("rehearse.preparation.link_model", "load_link_model")


@pytest.mark.parametrize(
    ("model", "content", "message"),
    [
        (FILLER_MODEL, None, "cannot be read: reinstall rehearse"),
        (FILLER_MODEL, "{not json", "cannot be read: reinstall rehearse"),
        (FILLER_MODEL, '{"feature_names": ["duration_s"]}', "cannot be read: reinstall rehearse"),
        (
            FILLER_MODEL,
            '{"feature_names": ["x"], "feature": [[0]], "threshold": [[0]], "left": [[-1]], "right": [[-1]],'
            ' "value": [[0]], "base": 0, "threshold_probability": 0.5}',
            "does not fit this version of rehearse",
        ),
        (LINK_MODEL, None, "cannot be read: reinstall rehearse"),
        (LINK_MODEL, "{not json", "cannot be read: reinstall rehearse"),
        (LINK_MODEL, '{"weights": [1.0]}', "cannot be read: reinstall rehearse"),
        (
            LINK_MODEL,
            '{"features": ["best"], "weights": [1.0], "bias": 0, "means": [0], "scales": [1], "threshold": 0.5}',
            "does not fit this version of rehearse",
        ),
    ],
)
def test_a_missing_or_damaged_model_is_a_model_error(tmp_path, model, content, message):
    module, loader = model
    load = getattr(importlib.import_module(module), loader)
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ModelError, match=message):
        load(path)


def test_a_filler_model_with_trees_pointing_outside_itself_is_refused(tmp_path):
    import json

    from rehearse.analysis.filler_model import FEATURE_NAMES, load_filler_model

    data = {"feature_names": list(FEATURE_NAMES), "feature": [[len(FEATURE_NAMES) + 3, -2, -2]],
            "threshold": [[0.5, -2, -2]], "left": [[1, -1, -1]], "right": [[2, -1, -1]],
            "value": [[0, -1, 1]], "base": 0, "threshold_probability": 0.5}  # fmt: skip
    path = tmp_path / "filler_model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="damaged"):
        load_filler_model(path)


MOCK_BAD_INPUTS = {
    "missing answer": lambda tmp, spoken: ["--answers", str(tmp / "nothing-here.wav")],
    "missing questions file": lambda tmp, spoken: [
        "--answers", str(spoken), "--questions-file", str(tmp / "questions.txt")
    ],
    "empty questions file": lambda tmp, spoken: [
        "--answers", str(spoken), "--questions-file", str((tmp / "q.txt").write_text("\n \n") and tmp / "q.txt")
    ],
    "fewer questions than answers": lambda tmp, spoken: [
        "--answers", str(spoken), str(spoken),
        "--questions-file", str((tmp / "q.txt").write_text("Why us?\n") and tmp / "q.txt"),
    ],
    "more than eight answers": lambda tmp, spoken: ["--answers", *[str(spoken)] * 9],
    "three questions": lambda tmp, spoken: ["--questions", "3"],
    "nine questions": lambda tmp, spoken: ["--questions", "9"],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MOCK_BAD_INPUTS))
def test_mock_refuses_bad_input_with_one_line(case, tmp_path, spoken, capsys):
    assert main(["mock", *MOCK_BAD_INPUTS[case](tmp_path, spoken), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rehearse: ")


def test_a_question_about_a_requirement_without_words_is_refused():
    from rehearse.preparation.requirements import Requirement
    from rehearse.preparation.tailored import behavioural_question

    with pytest.raises(ParameterError, match="needs words"):
        behavioural_question(Requirement("  .", ""))
