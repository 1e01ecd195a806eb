#!/usr/bin/env bash
# The README's test command once per perturbation that stands in for another processor (issue 13):
# each CTranslate2 backend, 1 and 2 recogniser threads, -90 dBFS dither with three seeds.
# Prints one line per run: its exit status and pytest's summary. Run from the repository root after
# the README's test set-up; it takes about an hour on 2 cores.
set -u
runs=(
  "CT2_USE_MKL=0"
  "CT2_USE_MKL=1"
  "PYTHONPATH=tests/perturbation REHEARSE_TEST_CPU_THREADS=1"
  "PYTHONPATH=tests/perturbation REHEARSE_TEST_CPU_THREADS=2"
  "PYTHONPATH=tests/perturbation REHEARSE_TEST_DITHER_SEED=1"
  "PYTHONPATH=tests/perturbation REHEARSE_TEST_DITHER_SEED=2"
  "PYTHONPATH=tests/perturbation REHEARSE_TEST_DITHER_SEED=3"
)
mkdir -p eval/cache/perturbed-tests
for run in "${runs[@]}"; do
  log="eval/cache/perturbed-tests/$(echo "$run" | tr -c 'A-Za-z0-9=\n' '_').log"
  env $run bash -c '.venv/bin/ruff check . && .venv/bin/python -m pytest -q -p no:cacheprovider' >"$log" 2>&1
  echo "$run: rc $? · $(grep -E '(passed|failed).* in [0-9.]+s' "$log" | tail -1 | tr -d '=')"
done
