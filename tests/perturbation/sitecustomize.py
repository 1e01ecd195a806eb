"""Run the whole test suite as if on another processor: ``PYTHONPATH=tests/perturbation`` plus

- ``REHEARSE_TEST_DITHER_SEED=N``: every recording rehearse decodes gets -90 dBFS of dither
  (:func:`rehearse.speech.audio.dithered`), so every number computed from it moves by a rounding's worth;
- ``REHEARSE_TEST_CPU_THREADS=N``: the recogniser computes with N threads, whatever the options say.

``CT2_USE_MKL=0``/``1`` needs nothing from here: CTranslate2 reads it itself. Subprocesses inherit
PYTHONPATH, so the CLI and the app the tests start are perturbed too. Python imports this module at
start-up because it is named ``sitecustomize``; it changes nothing unless a variable above is set.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import zlib
from types import ModuleType

DITHER_ENV = "REHEARSE_TEST_DITHER_SEED"
THREADS_ENV = "REHEARSE_TEST_CPU_THREADS"


def _perturb_audio(module: ModuleType) -> None:
    seed = int(os.environ[DITHER_ENV])
    load_audio = module.load_audio

    def dithered_load_audio(path, **limits):  # type: ignore[no-untyped-def]
        audio = load_audio(path, **limits)
        # One seed per file name, so each recording gets its own noise and the same one every run.
        return module.dithered(audio, seed=seed * 1_000_003 + zlib.crc32(os.fsencode(os.path.basename(path))))

    module.load_audio = dithered_load_audio


def _perturb_transcribe(module: ModuleType) -> None:
    threads = int(os.environ[THREADS_ENV])
    open_model = module._open_model
    module._open_model = lambda model_path, cpu_threads, **settings: open_model(
        model_path, threads, **settings
    )


_PATCHES = {
    "rehearse.speech.audio": (DITHER_ENV, _perturb_audio),
    "rehearse.speech.transcribe": (THREADS_ENV, _perturb_transcribe),
}


class _PatchAfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Patches a module right after it runs, before anything can copy its names."""

    def __init__(self) -> None:
        self._loaders: dict[str, importlib.abc.Loader] = {}

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name not in _PATCHES or not os.environ.get(_PATCHES[name][0]):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        self._loaders[name] = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return self._loaders[spec.name].create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loaders[module.__name__].exec_module(module)
        _PATCHES[module.__name__][1](module)


sys.meta_path.insert(0, _PatchAfterImport())
