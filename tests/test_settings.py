"""Settings kept in the data folder: saved whole, read back at start, a bad file gives the defaults."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rehearse.analysis.analysis import AnalysisOptions
from rehearse.errors import StoreError
from rehearse.history.settings import load_settings, save_settings, settings_path
from rehearse.history.store import open_store


def _changed() -> AnalysisOptions:
    defaults = AnalysisOptions()
    return replace(
        defaults,
        pacing=replace(defaults.pacing, slow_below_wpm=100.0, fast_above_wpm=150.0),
        conciseness=replace(defaults.conciseness, target_tolerance=0.4),
        transcribe=replace(defaults.transcribe, model_path="/models/small"),
    )


def test_saved_settings_read_back(tmp_path: Path):
    path = save_settings(tmp_path, _changed())
    assert path == tmp_path / "settings.json" == settings_path(tmp_path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "slow_below_wpm": 100.0,
        "fast_above_wpm": 150.0,
        "target_tolerance": 0.4,
        "model_path": "/models/small",
    }
    assert load_settings(tmp_path) == (_changed(), None)
    assert not list(tmp_path.glob("*.part"))


def test_no_file_means_the_defaults_without_a_notice(tmp_path: Path):
    assert load_settings(tmp_path) == (AnalysisOptions(), None)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not a settings file"),
        ('["a list"]', "not a settings file"),
        ('{"slow_below_wpm": "fast"}', "not a settings file"),
        ('{"slow_below_wpm": 200, "fast_above_wpm": 100, "target_tolerance": 0.25}', "slow pace"),
        ('{"slow_below_wpm": 120, "fast_above_wpm": 160, "target_tolerance": 3}', "margin"),
    ],
)
def test_a_bad_file_gives_the_defaults_and_says_why(tmp_path: Path, content: str, reason: str):
    settings_path(tmp_path).write_text(content, encoding="utf-8")
    options, notice = load_settings(tmp_path)
    assert options == AnalysisOptions()
    assert notice is not None and reason in notice and str(settings_path(tmp_path)) in notice


def test_a_settings_file_that_cannot_be_written_says_why(tmp_path: Path):
    settings_path(tmp_path).mkdir()  # a folder where the file should go
    with pytest.raises(StoreError, match="could not be saved"):
        save_settings(tmp_path, _changed())


def test_deleting_all_data_deletes_the_settings_too(tmp_path: Path):
    store = open_store(tmp_path / "rehearse")
    store.save_recording("Why here?", b"audio", ".wav")
    save_settings(store.home, _changed())
    store.delete_all()
    assert not store.home.exists()
