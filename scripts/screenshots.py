"""Take the README screenshots of the app: docs/screenshots/ask.png, browse.png and library.png.

Serves `app.py` on a free localhost port (with the given index and corpus),
drives Debian's chromium with Playwright, opens the README question as a link
(?q=…), then the 目标分解 page (every column visible) and the 文件库 page with
附件1 chosen in the clause tree (its table drawn from the stored rows).

    python scripts/screenshots.py [--index index] [--corpus corpus] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "花桥的高新技术企业新增目标是多少"
SIZE = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shown(path: Path) -> str:
    """Paths inside the repository relative to it, as a user's settings would be (the sidebar shows them)."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def serve(index: Path, corpus: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "KSPOLICY_INDEX": shown(index), "KSPOLICY_CORPUS": shown(corpus)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not start")


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = serve(args.index, args.corpus, port)
    try:
        wait_healthy(port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=SIZE, device_scale_factor=1)
            page.goto(f"http://127.0.0.1:{port}/?q={quote(QUESTION)}", wait_until="networkidle")
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=240_000)  # a first start builds
            page.wait_for_timeout(1500)
            page.screenshot(path=str(args.out / "ask.png"))
            page.get_by_test_id("stSidebar").hover()
            page.get_by_test_id("stSidebarCollapseButton").locator("button").click()  # room for the districts
            page.get_by_role("tab", name="目标分解").click()
            page.get_by_text("单项指标在各区镇的分布").wait_for(timeout=30_000)
            page.get_by_role("tab", name="目标分解").hover()
            page.mouse.wheel(0, 170)  # tabs near the top: filters, the table, then the chart
            page.mouse.move(1260, 600)  # away from the table toolbar and chart tooltips
            page.wait_for_timeout(2500)  # charts render asynchronously
            page.screenshot(path=str(args.out / "browse.png"))
            page.get_by_role("tab", name="文件库").click()
            page.get_by_text("条款目录").wait_for(timeout=30_000)
            page.get_by_text("附件1", exact=False).last.scroll_into_view_if_needed()
            page.get_by_test_id("stRadio").get_by_text("附件1", exact=False).first.click()
            page.get_by_text("表格：", exact=False).first.wait_for(timeout=30_000)
            page.get_by_text("条款目录").evaluate("e => e.scrollIntoView({block: 'start'})")  # tree, text, table
            page.mouse.move(1260, 600)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(args.out / "library.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
