#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the locked dependencies plus thrustcoach itself.
# Idempotent and quick when nothing changed: it reinstalls only when requirements.lock or
# pyproject.toml are newer than the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
    || { echo "setup: Python 3.11 is required (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2; exit 1; }
  "$PY" -m venv .venv
fi
stamp=.venv/.thrustcoach-installed
if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing locked dependencies into .venv (first run takes a few minutes)" >&2
  # (the grep drops warnings about this machine's optional local mirrors)
  quiet() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }
  quiet .venv/bin/python -m pip install -q --upgrade "pip==25.1.1"
  # --no-deps: the lock is complete, and it deliberately leaves out opencv-contrib-python
  # (MediaPipe asks for it; it would shadow opencv-python-headless) and jax.
  quiet .venv/bin/python -m pip install -q --no-deps -r requirements.lock
  quiet .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi
# The smaller plotly.js bundle (scatter and bar charts only: 1.0 MB instead of 4.6 MB) from the
# npm registry, locked in js/package-lock.json. Without npm the web app serves the full bundle
# that the plotly Python package ships (charts work; the first load of a chart page is slower).
if command -v npm >/dev/null 2>&1; then
  if [ ! -f js/node_modules/.package-lock.json ] || [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then
    echo "setup: installing the web app's browser libraries (npm ci in js/)" >&2
    (cd js && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || echo "setup: npm ci failed: charts use the full plotly.js bundle" >&2
  fi
else
  echo "setup: npm not found: charts use the full plotly.js bundle (install nodejs for a faster first load)" >&2
fi
