"""The candidate's settings, kept in the data folder beside the history so they outlive a browser session.

Only what the Settings page changes is saved: the comfortable pace, the margin around each question's
target length, and the speech model folder. Everything else keeps the engine's defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from rehearse.analysis.analysis import AnalysisOptions
from rehearse.errors import RehearseError, StoreError
from rehearse.history.store import SETTINGS_NAME


def settings_path(home: Path) -> Path:
    return home / SETTINGS_NAME


def settings_dict(options: AnalysisOptions) -> dict[str, object]:
    """The saved settings, with their units in their names."""
    return {
        "slow_below_wpm": options.pacing.slow_below_wpm,
        "fast_above_wpm": options.pacing.fast_above_wpm,
        "target_tolerance": options.conciseness.target_tolerance,
        "model_path": options.transcribe.model_path,
    }


def load_settings(home: Path) -> tuple[AnalysisOptions, str | None]:
    """The saved settings and, when the file cannot be used, the defaults and a notice saying why.

    A missing file is no problem (nothing was saved yet); a damaged or impossible one never stops the
    app: the defaults apply until the candidate saves again.
    """
    path = settings_path(home)
    if not path.is_file():
        return AnalysisOptions(), None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        options = _options(saved)
    except (OSError, ValueError, TypeError, KeyError, RehearseError) as error:
        reason = (
            str(error) if isinstance(error, RehearseError) else "it is not a settings file rehearse wrote"
        )
        return AnalysisOptions(), (
            f"Your saved settings in {path} could not be used ({reason}), so the defaults apply. "
            "Save your settings again to replace the file."
        )
    return options, None


def _options(saved: dict) -> AnalysisOptions:
    defaults = AnalysisOptions()
    numbers = {key: float(saved[key]) for key in ("slow_below_wpm", "fast_above_wpm", "target_tolerance")}
    model_path = saved.get("model_path", "")
    if not isinstance(model_path, str):
        raise TypeError("model_path")
    return replace(
        defaults,
        pacing=replace(
            defaults.pacing,
            slow_below_wpm=numbers["slow_below_wpm"],
            fast_above_wpm=numbers["fast_above_wpm"],
        ),
        conciseness=replace(defaults.conciseness, target_tolerance=numbers["target_tolerance"]),
        transcribe=replace(defaults.transcribe, model_path=model_path),
    )


def save_settings(home: Path, options: AnalysisOptions) -> Path:
    """Write the settings beside the history, whole or not at all (a half-written file reads as damaged)."""
    path = settings_path(home)
    partial = path.with_suffix(".json.part")
    try:
        partial.write_text(json.dumps(settings_dict(options), indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        raise StoreError(f"Your settings could not be saved in {home}: {error.strerror or error}.") from error
    return path
