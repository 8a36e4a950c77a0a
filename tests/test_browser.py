"""Issue 4 acceptance, end to end: `streamlit run app.py` on localhost, driven in headless Chromium.

The app starts without an index (it builds one on first start, as for a new
user), the README question is typed into the page and the answer is read back.
A screenshot is written to the test's temporary directory.

Without /usr/bin/chromium (or Playwright) the test is skipped, unless
KSPOLICY_REQUIRE_BROWSER is set (CI sets it): then it fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SEED, make_corpus

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "花桥的高新技术企业新增目标是多少"


def browser_required() -> bool:
    return os.environ.get("KSPOLICY_REQUIRE_BROWSER", "") not in ("", "0") \
        or os.environ.get("KSPOLICY_REQUIRE_TOOLS") == "1"


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if browser_required():
        pytest.fail(f"{reason}（已设置 KSPOLICY_REQUIRE_BROWSER，不能跳过）")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, server: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer on port {port}:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def served_app(tmp_path):
    """URL of the app served by `streamlit run` with a fresh corpus and no index yet."""
    corpus = make_corpus(tmp_path / "corpus", SEED)
    port = free_port()
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "KSPOLICY_INDEX": str(tmp_path / "index"), "KSPOLICY_CORPUS": str(corpus),
           "PYTHONPATH": str(ROOT)}
    env.pop("KSPOLICY_MODEL", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with log.open("wb") as handle:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, server, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def playwright_api():
    """Playwright's sync API, once Chromium and Playwright are known to be there."""
    need(CHROMIUM.exists(), f"没有找到 {CHROMIUM}（Debian 软件包 chromium）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "没有安装 Playwright（pip install playwright）")
    return sync_playwright


def test_ask_in_chromium(playwright_api, served_app, tmp_path):
    sync_playwright = playwright_api
    screenshot = tmp_path / "ask.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(served_app)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=180_000)  # the first start builds the index
            box.fill(QUESTION)
            box.press("Enter")
            value = page.get_by_test_id("stMetricValue").first
            value.wait_for(timeout=60_000)
            assert value.inner_text().split() == ["12", "家"]
            citation = page.get_by_test_id("stCode").first.inner_text()
            assert "附件1" in citation and "昆政办发〔2022〕98号" in citation
            answer = page.get_by_test_id("stChatMessage").last.inner_text()
            assert "12" in answer and "附件1" in answer and "市科技局" in answer
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
