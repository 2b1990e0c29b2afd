#!/usr/bin/env bash
# The main job: the ThrustCoach web app on http://127.0.0.1:8000 with the embedded SQLite
# database in the user data directory. Extra arguments go to `thrustcoach serve`
# (e.g. --port 8080). Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/thrustcoach serve "$@"
