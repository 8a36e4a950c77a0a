#!/usr/bin/env bash
# Create .venv and install the Python dependencies from the repository's requirement files.
#   bash scripts/setup.sh        runtime only (requirements.txt)
#   bash scripts/setup.sh dev    runtime + tests (requirements-dev.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
req=requirements.txt
[ "${1:-}" = "dev" ] && req=requirements-dev.txt
# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
.venv/bin/pip install --quiet --disable-pip-version-check "$(grep -E '^torch==' requirements.txt)"
.venv/bin/pip install --quiet --disable-pip-version-check -r "$req"
