#!/usr/bin/env bash
# The whole test suite: lint, format check, strict typing, then pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k troubleshoot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# services.sh (optional) starts PostgreSQL / finds Chromium and exports their settings.
if [ -f scripts/services.sh ]; then source scripts/services.sh; fi
# On CI the PostgreSQL and browser tests must run, not skip: a missing service is a failure.
if [ "${CI:-}" = "true" ]; then
  for var in THRUSTCOACH_TEST_POSTGRES_URL THRUSTCOACH_CHROMIUM; do
    if [ -z "${!var:-}" ]; then echo "test: CI needs $var (scripts/services.sh could not set it up)" >&2; exit 1; fi
  done
fi
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check"; ruff check src tests benchmarks
echo "== ruff format --check"; ruff format --check src tests benchmarks
echo "== mypy --strict src"; mypy src
echo "== pytest"; pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
