#!/usr/bin/env bash
# The main job. Until the web app lands, it opens the exercise guide in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/thrustcoach guide "$@"
