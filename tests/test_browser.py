"""Issues 4, 9 and 10, end to end: `streamlit run app.py` on localhost, driven in headless Chromium.

The app starts without an index (it builds one on first start, as for a new
user), the README question is typed into the page and the answer is read back.
A screenshot is written to the test's temporary directory. The corpus also holds
a policy full of Markdown image and link syntax: it must show as text, never as
an <img> or a link, and the page must request nothing from any host but itself.
Uploading and rebuilding without the maintainer token are refused. Issue 10: a `?q=` link
shows its answer, the Word export holds citation and clause, an answer drawn from two
documents (昆山 and an expired 苏州 document) cites each, and the page is usable within
3 s of opening it. The server runs with the repository's .streamlit/config.toml (no file
watcher), as `scripts/run_app.sh` starts it.

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
from urllib.parse import quote, urlparse

import pytest
from conftest import ROOT, SEED, make_corpus
from hostile import markup_doc
from test_app import CITE, EXPIRED_CITE, EXPIRED_DOC

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "花桥的高新技术企业新增目标是多少"
TOKEN = "浏览器-测试-口令"


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


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """(URL, corpus, index) of the app served by `streamlit run` with a fresh corpus and no index yet."""
    tmp_path = tmp_path_factory.mktemp("served")
    corpus = make_corpus(tmp_path / "corpus", SEED)
    markup_doc(corpus / "0-标记.txt")
    (corpus / "苏府办规2018-5号.txt").write_text(EXPIRED_DOC, encoding="utf-8")
    port = free_port()
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "KSPOLICY_INDEX": str(tmp_path / "index"), "KSPOLICY_CORPUS": str(corpus),
           "PYTHONPATH": str(ROOT), "KSPOLICY_MAINTAINER_TOKEN": TOKEN}
    env.pop("KSPOLICY_MODEL", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    with log.open("wb") as handle:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, server, log)
        yield f"http://127.0.0.1:{port}/", corpus, tmp_path / "index"
        assert "Inotify" not in log.read_text(errors="replace")  # config.toml: no file watcher
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def served_app(served_site) -> str:
    return served_site[0]


class Recorder:
    """Every URL the page requests (HTTP and websockets)."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))

    def foreign(self, base: str) -> list[str]:
        """URLs that leave the app's own host and port (data: and blob: stay in the page)."""
        own = urlparse(base).netloc
        return [u for u in self.urls if urlparse(u).scheme not in ("data", "blob", "about")
                and (urlparse(u).netloc != own or urlparse(u).hostname not in ("127.0.0.1", "localhost"))]


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    recorder = Recorder(page)
    page.goto(url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=240_000)  # the first start builds the index
    return page, recorder


def ask_in(page, question: str, answer_text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.get_by_text(answer_text).first.wait_for(timeout=60_000)


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
            page, recorder = open_page(browser, served_app)
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(QUESTION)
            box.press("Enter")
            value = page.get_by_test_id("stMetricValue").first
            value.wait_for(timeout=60_000)
            assert value.inner_text().split() == ["12", "家"]
            citation = page.get_by_test_id("stCode").filter(has_text="附件1").first  # the share link is a code too
            citation.wait_for(timeout=60_000)  # blocks arrive one by one: wait for the citation's
            assert "昆政办发〔2022〕98号" in citation.inner_text()
            answer = page.get_by_test_id("stChatMessage").last.inner_text()
            assert "12" in answer and "附件1" in answer and "市科技局" in answer
            page.screenshot(path=str(screenshot))
            assert recorder.urls and not recorder.foreign(served_app), recorder.foreign(served_app)
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000


def hostile_links(page) -> list[str]:
    """<img> and <a href> elements that point at the URLs written in the hostile document."""
    return page.eval_on_selector_all(
        'img[src*="127.0.0.1:9"], a[href*="127.0.0.1:9"], [srcset*="127.0.0.1:9"]', "els => els.map(e => e.outerHTML)")


def test_markdown_in_a_document_is_text_and_the_page_calls_only_itself(playwright_api, served_app):
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, recorder = open_page(browser, served_app)
            ask_in(page, "市财政局负责哪些任务？", "出处（按文件）")
            ask_in(page, "检测认证平台由哪些部门负责？", "检测认证平台")
            ask_in(page, "链接示范工程详见哪里？", "链接示范工程")
            ask_in(page, "检测认证平台由哪些部门负责？", "检测认证平台")
            page.wait_for_timeout(1000)
            assert page.get_by_text("127.0.0.1:9/x.png", exact=False).count() > 0  # shown, as text
            assert not hostile_links(page), hostile_links(page)
            for name, sign in (("责任分工", "逐项查看条款原文"), ("目标分解", "单项指标在各区镇的分布"),
                               ("文件库", "条款目录")):
                page.get_by_role("tab", name=name).click()  # only the open tab is drawn: check each
                page.get_by_text(sign).wait_for(timeout=60_000)
                page.wait_for_timeout(1500)  # let anything the page would fetch be requested
                assert not hostile_links(page), (name, hostile_links(page))
            assert not recorder.foreign(served_app), recorder.foreign(served_app)
        finally:
            browser.close()


def test_upload_and_rebuild_need_the_maintainer_token(playwright_api, served_site):
    url, corpus, index_dir = served_site
    files = sorted(p.name for p in corpus.iterdir())
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, recorder = open_page(browser, url)
            page.get_by_role("tab", name="文件库").click()
            rebuild = page.get_by_role("button", name="仅重建索引")
            rebuild.wait_for(timeout=60_000)
            save = page.get_by_role("button", name="保存并重建索引")
            uploader = page.get_by_test_id("stFileUploader").locator("input[type=file]")
            assert rebuild.is_disabled() and save.is_disabled() and uploader.is_disabled()
            token = page.get_by_label("维护口令", exact=False)
            token.fill("不是这个口令")
            token.press("Enter")
            page.get_by_text("维护口令不正确").wait_for(timeout=30_000)
            assert rebuild.is_disabled() and save.is_disabled() and uploader.is_disabled()
            assert not recorder.foreign(url)
        finally:
            browser.close()
    assert sorted(p.name for p in corpus.iterdir()) == files
    audit = (index_dir / "audit.log").read_text(encoding="utf-8")
    assert "口令错误，已拒绝" in audit and "不是这个口令" not in audit



def rendered(page, expected: str, seconds: float = 60.0) -> str:
    """The last chat message's text once it holds `expected` (or as it is after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        text = page.get_by_test_id("stChatMessage").last.inner_text()
        if expected in text or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(500)


def test_a_question_link_shows_its_answer_and_exports_to_word(playwright_api, served_app, tmp_path):
    import docx

    link = served_app + "?q=" + quote("人才引进由哪些部门负责？")
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, recorder = open_page(browser, link)
            page.get_by_text("引培一批产业优秀人才").first.wait_for(timeout=60_000)
            answer = rendered(page, CITE + "五、8")  # the page fills in the message part by part under load
            assert "市委人才办" in answer and CITE + "五、8" in answer
            with page.expect_download(timeout=60_000) as download:
                page.get_by_role("button", name="下载 Word").first.click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.suffix == ".docx"
            assert not recorder.foreign(served_app), recorder.foreign(served_app)
        finally:
            browser.close()
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "人才引进由哪些部门负责？" in text and CITE + "五、8" in text
    assert "深化“头雁人才”工程" in text  # the verbatim clause under its citation


def test_an_answer_from_two_documents_cites_each(playwright_api, served_app):
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page, _ = open_page(browser, served_app + "?q=" + quote("市财政局负责哪些任务？"))
            page.get_by_text("出处（按文件）").wait_for(timeout=60_000)
            page.wait_for_timeout(500)
            answer = page.get_by_test_id("stChatMessage").last.inner_text()
        finally:
            browser.close()
    assert "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号）" in answer
    assert "《苏州市科技金融专项资金管理办法》（苏府办规〔2018〕5号） · 2018-03-01 · 苏州" in answer
    assert CITE + "五、1" in answer and CITE + "五、10" in answer  # each item with its own citation
    assert EXPIRED_CITE + "一、1" in answer and EXPIRED_CITE + "一、2" in answer
    assert "已失效" in answer  # the expired document says so where it is cited


def test_the_page_is_usable_within_3_seconds(playwright_api, served_app):
    """The first interaction, on a running server with the bundled corpus: after the page has loaded
    (the browser's load event: Streamlit's scripts are in), the chat box takes a question and the
    page is idle (the script's first run is done) within 3 s. Measured three times (the machine is
    shared: the median counts); the time from the start of navigation is printed too."""
    after_load, from_start = [], []
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            open_page(browser, served_app)[0].close()  # the server has built and loaded its index
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                start = time.monotonic()
                page.goto(served_app, wait_until="load")
                loaded = time.monotonic()
                box = page.get_by_test_id("stChatInputTextArea")
                box.wait_for(timeout=60_000)
                page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')"
                                       " && !document.querySelector('textarea[disabled]')", timeout=60_000)
                box.fill(QUESTION)  # the first interaction: typing a question works
                done = time.monotonic()
                after_load.append(done - loaded)
                from_start.append(done - start)
                box.press("Enter")
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
                page.close()
        finally:
            browser.close()
    print(f"first interaction: {', '.join(f'{t:.2f} s' for t in after_load)} after the page loaded; "
          f"{', '.join(f'{t:.2f} s' for t in from_start)} from the start of navigation")
    assert sorted(after_load)[1] < 3.0, after_load
