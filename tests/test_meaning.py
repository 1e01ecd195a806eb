"""Meaning by WordLlama's static vectors (rehearse/preparation/meaning.py): offline, and closer for a
paraphrase than for an unrelated requirement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from network_guard import replacements

from rehearse.preparation import meaning


def test_the_model_loads_from_the_installed_package_without_the_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    attempts: list[str] = []
    for owner, name, guarded in replacements(attempts.append):
        monkeypatch.setattr(owner, name, guarded)
    # An empty home: nothing may come from (or be written to) ~/.cache/wordllama.
    monkeypatch.setenv("HOME", str(tmp_path))
    meaning._model.cache_clear()
    meaning._vector.cache_clear()
    try:
        assert meaning.similarities(["a sponsored walk"], ["fundraising events"]).shape == (1, 1)
    finally:
        meaning._model.cache_clear()
        meaning._vector.cache_clear()
    assert attempts == []
    assert list(tmp_path.iterdir()) == []


def test_a_paraphrase_is_nearer_than_an_unrelated_requirement():
    closeness = meaning.similarities(
        ["The conveyor motor kept tripping because of a fault in its wiring."],
        ["electrical and mechanical faults", "food hygiene standards"],
    )
    assert closeness[0, 0] > 0.4 > closeness[0, 1]
    assert meaning.similarities([], ["x"]).shape == (0, 1)


def test_loading_the_model_leaves_the_root_logger_as_it_was():
    # wordllama calls logging.basicConfig(level=INFO) on import; a fresh process shows whether it stuck.
    script = (
        "import logging\nfrom rehearse.preparation.meaning import similarities\n"
        "similarities(['a'], ['b'])\nroot = logging.getLogger()\nprint(root.level, len(root.handlers))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(30), "0"]
