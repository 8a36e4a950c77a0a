#!/usr/bin/env bash
# Install, build the index of corpus/ when there is none, and start the page on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
index="${KSPOLICY_INDEX:-index}"
[ -e "$index/manifest.json" ] || .venv/bin/python -m kspolicy build --corpus "${KSPOLICY_CORPUS:-corpus}" --index "$index"
exec .venv/bin/streamlit run app.py --server.headless true --server.port "${PORT:-8501}" --browser.gatherUsageStats false
