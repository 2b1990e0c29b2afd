#!/usr/bin/env bash
# Regenerate requirements.lock: every direct and transitive dependency pinned.
# MediaPipe's metadata pulls opencv-contrib-python (a second cv2 that would shadow the headless
# build), jax/jaxlib (hundreds of MB, unused by the pose solution), sounddevice and sentencepiece;
# they are removed from the lock, which setup.sh installs with --no-deps.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q pip-tools==7.4.1
"$tmp/venv/bin/pip-compile" -q --no-header --strip-extras --extra pose --extra dev --extra ray \
  --output-file "$tmp/lock.txt" pyproject.toml
grep -v -E '^(opencv-contrib-python|jax|jaxlib|sounddevice|sentencepiece|ml-dtypes|opt-einsum|cffi-sounddevice)==' \
  "$tmp/lock.txt" > requirements.lock
rm -rf "$tmp"
echo "requirements.lock: $(grep -c '==' requirements.lock) pins"
