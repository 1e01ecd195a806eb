"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehearse.history.store import HOME_ENV


@pytest.fixture(autouse=True)
def rehearse_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps attempts in a folder of its own, never in the user's real data directory."""
    home = tmp_path_factory.mktemp("rehearse-home")
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


def pytest_report_header() -> list[str]:
    """Figures differ slightly from one processor to another: every run says which one it is on."""
    from rehearse.evaluation.spread import ctranslate2_backend, processor_name

    return [f"processor: {processor_name()}; CTranslate2: {ctranslate2_backend()}"]
