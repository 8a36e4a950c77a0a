"""Issue 9 on the page (AppTest): document text is data, maintenance needs the operator's token, every
upload and rebuild leaves an audit line, long questions are cut.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEED, make_corpus
from hostile import PIXEL, markup_doc
from streamlit.testing.v1 import AppTest
from test_app import TOKEN, ask, goto, plain, start, tab, unlock

from kspolicy.index.build import build, read_manifest

# An image, a link, an autolink or a bare URL or e-mail address that GFM would turn into a link.
LIVE_MARKUP = re.compile(r"(?<!\\)(?:!\[|\]\(|<http)|https?\\?:|www\\?\.|@\w")


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string the page hands to its markdown renderer."""
    out = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success")
           for e in getattr(at, kind)]
    out += [e.label for e in at.expander] + [m.label for m in at.metric] + [t.label for t in at.tabs]
    out += [o for r in at.radio for o in r.options]  # radio options are markdown (the clause tree)
    out += [c.get("help", "") for d in at.dataframe for c in json.loads(d.proto.columns or "{}").values()]
    return out


def assert_no_live_markup(at: AppTest) -> None:
    texts = rendered_markdown(at)
    assert any("127.0.0.1:9" in plain(t) for t in texts), "the hostile text was shown"
    live = [t for t in texts if "127.0.0.1" in plain(t) and LIVE_MARKUP.search(t)]
    assert not live, live


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """(index_dir, corpus): the seed and a policy full of Markdown image and link syntax."""
    base = tmp_path_factory.mktemp("markup")
    corpus = make_corpus(base / "corpus", SEED)
    markup_doc(corpus / "0-标记.txt")
    build(corpus, base / "index", embedder)
    return base / "index", corpus


def test_markdown_in_documents_is_shown_as_text(monkeypatch, markup_site):
    index_dir, corpus = markup_site
    at = start(monkeypatch, index_dir, corpus)
    for question in ("市财政局负责哪些任务？", "检测认证平台由哪些部门负责？", "花桥的累计检测认证企业新增目标是多少？",
                     "链接示范工程详见哪里？"):
        ask(at, question)
        assert_no_live_markup(at)
    ask(at, "检测认证平台由哪些部门负责？")
    markdown = "\n".join(plain(m.value) for m in tab(at, "问答").markdown)
    assert f"建设检测认证平台 — 责任单位：![x]({PIXEL})、市财政局" in markdown  # shown, as text
    for page in ("责任分工", "文件库", "目标分解"):
        goto(at, page)
        live = [t for t in rendered_markdown(at) if "127.0.0.1" in plain(t) and LIVE_MARKUP.search(t)]
        assert not live, (page, live)
    goto(at, "责任分工")  # a unit named with markup is a column: its tooltip (markdown) is escaped
    assert any("127.0.0.1:9" in plain(t) for t in rendered_markdown(at))
    goto(at, "目标分解")
    captions = [plain(c.value) for c in tab(at, "目标分解").caption]
    assert f"责任单位：![x]({PIXEL})" in captions  # under the chart of the first indicator


def test_a_refused_upload_name_is_text(monkeypatch, markup_site, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(markup_site[0], index_dir, symlinks=True)
    at = unlock(start(monkeypatch, index_dir, make_corpus(tmp_path / "corpus", SEED)))
    at.file_uploader[0].set_value([(f"![x]({PIXEL.replace('/', '_')}).exe", b"MZ", "application/octet-stream")])
    at.run()
    at.button(key="save_upload").click().run()
    error = tab(at, "文件库").error[0].value
    assert "不支持的文件类型" in error and not LIVE_MARKUP.search(error)


def audit_lines(index_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (index_dir / "audit.log").read_text(encoding="utf-8").splitlines()]


def test_without_a_configured_token_maintenance_is_disabled(monkeypatch, seed_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index[0], index_dir, symlinks=True)
    built = read_manifest(index_dir)["built_at"]
    at = goto(start(monkeypatch, index_dir, make_corpus(tmp_path / "corpus", SEED), token=None), "文件库")
    page = tab(at, "文件库")
    assert any("KSPOLICY_MAINTAINER_TOKEN" in i.value for i in page.info)
    assert at.file_uploader[0].disabled and at.button(key="rebuild").disabled
    assert "maintainer_token" not in [t.key for t in at.text_input]  # nothing to enter: maintenance is off
    forged = at.button(key="rebuild")
    forged.proto.disabled = False  # a hand-made websocket message: the page checks again on the server
    forged.click().run()
    assert not any("索引已更新" in s.value for s in at.success)
    assert read_manifest(index_dir)["built_at"] == built


def test_a_wrong_token_is_refused_and_the_right_one_opens_maintenance(monkeypatch, seed_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index[0], index_dir, symlinks=True)
    corpus = make_corpus(tmp_path / "corpus", SEED)
    at = goto(start(monkeypatch, index_dir, corpus), "文件库")
    assert at.file_uploader[0].disabled and at.button(key="rebuild").disabled
    unlock(at, "猜一个口令")
    assert any("维护口令不正确" in e.value for e in at.error)
    assert at.button(key="rebuild").disabled
    assert at.text_input(key="maintainer_token").value == ""  # the token never stays in the page
    unlock(at)
    assert not at.button(key="rebuild").disabled and not at.file_uploader[0].disabled
    at.button(key="rebuild").click().run()
    assert any("索引已更新" in s.value for s in at.success)
    lines = audit_lines(index_dir)
    assert [(line["action"], line["outcome"]) for line in lines[:2]] == [("口令验证", "口令错误，已拒绝"),
                                                                          ("口令验证", "通过")]
    last = lines[-1]
    assert last["action"] == "重建索引" and last["outcome"].startswith("索引已更新") and last["time"]
    assert {"session", "address", "what"} <= set(last) and TOKEN not in json.dumps(lines, ensure_ascii=False)


def test_a_long_question_is_cut(monkeypatch, seed_index):
    index_dir = seed_index[0]
    at = start(monkeypatch, index_dir, index_dir.parent / "corpus")
    assert at.chat_input(key="question").proto.max_chars == 500
    ask(at, "人才引进由哪些部门负责？" + "啊" * 300_000)
    assert len(at.session_state.history[0]["view"].question) <= 500


def test_hostile_files_in_the_corpus_cost_a_skipped_file_not_the_page(monkeypatch, tmp_path):
    """Issue 9 failure 1: a zip bomb in corpus/ killed the page on every rebuild. Now parsing happens in
    the bounded worker: first start and rebuild both finish, the bomb and a worker crash are reported."""
    from hostile import MB, big_text, zip_bomb_docx

    corpus = make_corpus(tmp_path / "corpus", SEED)
    zip_bomb_docx(corpus / "炸弹.docx")
    big_text(corpus / "吃内存.txt", 60 * MB)
    for name, value in (("KSPOLICY_PARSE_MEMORY_MB", "250"), ("KSPOLICY_MAX_TEXT_CHARS", "1000000000"),
                        ("KSPOLICY_MAX_LINE_CHARS", "1000000000")):
        monkeypatch.setenv(name, value)
    at = start(monkeypatch, tmp_path / "index", corpus)  # first start: builds the index
    assert at.get("status")[0].state == "complete"
    unlock(at).button(key="rebuild").click().run()
    assert not at.exception, at.exception
    page = tab(at, "文件库")
    assert any("索引已更新" in s.value for s in page.success)
    skipped = dict(zip(page.dataframe[-1].value["文件"], page.dataframe[-1].value["原因"]))
    assert "解压后过大" in skipped["炸弹.docx"]
    assert "内存" in skipped["吃内存.txt"] or "异常退出" in skipped["吃内存.txt"]
    ask(at, "花桥的高新技术企业新增目标是多少")
    assert tab(at, "问答").metric[0].value == "12 家"
