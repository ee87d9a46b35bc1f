#!/usr/bin/env bash
# Set up a fresh clone: a virtual environment with the project, and (with --test) the system
# packages the test suite uses. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

need_apt=()
have() { dpkg -s "$1" >/dev/null 2>&1; }
if [ "$WITH_TEST" = 1 ]; then
  for pkg in ffmpeg chromium gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base \
             gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav python3-numpy; do
    have "$pkg" || need_apt+=("$pkg")
  done
else
  have ffmpeg || need_apt+=(ffmpeg)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
fi
extra=""
[ "$WITH_TEST" = 1 ] && extra="[test]"
.venv/bin/pip install -q -e ".${extra}" 2>&1 | grep -v -e "is ignored" -e "^\s*$" || true
if [ "$WITH_TEST" = 1 ]; then
  .venv/bin/python scripts/fetch_models.py --test-data
else
  .venv/bin/python scripts/fetch_models.py
fi
