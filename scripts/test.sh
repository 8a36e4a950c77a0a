#!/usr/bin/env bash
# Install everything the tests need and run them.
# System packages (LibreOffice and CJK fonts to make test PDFs, Chromium for the browser
# test) are installed with apt-get when running as root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "缺少系统软件包：${need[*]}（需要 root 安装；相关测试将跳过）" >&2
  fi
fi
bash scripts/setup.sh dev
exec .venv/bin/python -m pytest "$@"
