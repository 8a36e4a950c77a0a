#!/usr/bin/env bash
# Install, build the index of corpus/ when there is none, and start the page on http://localhost:8501
#   KSPOLICY_HOST     address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the office network)
#   PORT              port (default 8501)
#   KSPOLICY_MAINTAINER_TOKEN  password for uploading and rebuilding on the page (unset: both disabled)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
index="${KSPOLICY_INDEX:-index}"
[ -e "$index/manifest.json" ] || .venv/bin/python -m kspolicy build --corpus "${KSPOLICY_CORPUS:-corpus}" --index "$index"
exec .venv/bin/streamlit run app.py --server.headless true --server.address "${KSPOLICY_HOST:-127.0.0.1}" \
  --server.port "${PORT:-8501}" --browser.gatherUsageStats false
