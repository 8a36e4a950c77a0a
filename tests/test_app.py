"""Issue 4: the Streamlit page, driven with streamlit.testing.v1.AppTest against real indexes.

The read-only tests share the session's seed index (conftest.seed_index); the
tests that upload or build work on their own copy, so they never change it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEED, make_corpus
from streamlit.testing.v1 import AppTest

from kspolicy.index import store
from kspolicy.understand.check import check
from kspolicy.index.build import read_manifest, resolve

APP = ROOT / "app.py"
TIMEOUT = 180
CITE = "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号）"
NEW_DOC = """中共苏州市委 苏州市人民政府

苏委发〔2022〕123号

关于印发《苏州市装备制造产业创新集群建设实施方案》的通知

各市、区委和人民政府，市各部委办局：

现将《苏州市装备制造产业创新集群建设实施方案》印发给你们，请认真贯彻执行。

中共苏州市委 苏州市人民政府

2022年6月30日

苏州市装备制造产业创新集群建设实施方案

一、发展目标

到2025年，全市装备制造产业创新集群规模力争突破1.5万亿元。

二、重点任务

1. 建设工业母机创新中心。围绕数控系统、精密主轴和滚珠丝杠等核心部件，建设一批工业母机验证平台，推动首批验证样机在重点企业示范应用。（责任单位：市工信局、市科技局）

2. 推进检验检测公共服务。支持第三方检验检测机构建设装备可靠性实验室，面向中小企业开放共享测试设备。（责任单位：市市场监管局）
"""


TOKEN = "维护-口令-123"


def start(monkeypatch, index_dir: Path, corpus: Path, model: str | None = None, token: str | None = TOKEN) -> AppTest:
    monkeypatch.setenv("KSPOLICY_INDEX", str(index_dir))
    monkeypatch.setenv("KSPOLICY_CORPUS", str(corpus))
    if token:
        monkeypatch.setenv("KSPOLICY_MAINTAINER_TOKEN", token)
    else:
        monkeypatch.delenv("KSPOLICY_MAINTAINER_TOKEN", raising=False)
    if model:
        monkeypatch.setenv("KSPOLICY_MODEL", model)
    else:
        monkeypatch.delenv("KSPOLICY_MODEL", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app(seed_index, monkeypatch) -> AppTest:
    index_dir = seed_index[0]
    return start(monkeypatch, index_dir, index_dir.parent / "corpus")


@pytest.fixture
def own_copy(seed_index, tmp_path) -> tuple[Path, Path]:
    """(index_dir, corpus) copied from the seed index, for tests that change them."""
    index_dir = tmp_path / "site" / "index"
    shutil.copytree(seed_index[0], index_dir, symlinks=True)
    corpus = make_corpus(tmp_path / "site" / "corpus", SEED)
    return index_dir, corpus


def unlock(at: AppTest, token: str = TOKEN) -> AppTest:
    """Enter the maintainer token, as the operator told the maintainer."""
    at.text_input(key="maintainer_token").input(token).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Escaped markdown read back as the text it shows (word joiners that stop autolinks dropped)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def blank_pdf() -> bytes:
    """A PDF that opens but has no text: accepted by the upload, skipped by the build."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tab(at: AppTest, label: str):
    return next(t for t in at.tabs if t.label == label)


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def joined(elements) -> str:
    return "\n".join(texts(elements))


# --------------------------------------------------------------------------- 问答


def test_target_answer_shows_number_unit_and_citation(app):
    ask(app, "花桥的高新技术企业新增目标是多少")
    page = tab(app, "问答")
    metric = page.metric[0]
    assert metric.value == "12 家" and "花桥" in metric.label and "高新技术企业" in metric.label
    assert "市科技局" in joined(page.caption) and "2025年" in joined(page.caption)
    assert page.code[0].value == CITE + "附件1"  # st.code: copy button
    assert "\t165\t260" in page.code[1].value or "\t12\t19" in page.code[1].value  # the verbatim table row
    markdown = joined(page.markdown)
    assert "**支持段落**" in markdown and ":orange[**" in markdown  # the question's words marked
    assert [c.value for c in page.code[2:] if c.value.startswith("《")], "every passage has its citation"


def test_responsibility_answer_shows_department_tags(app):
    ask(app, "人才引进由哪些部门负责？")
    page = tab(app, "问答")
    markdown = texts(page.markdown)
    assert ":blue-badge[市委人才办] :blue-badge[市人社局] :blue-badge[市科技局] :blue-badge[各区镇]" in markdown
    assert any("引培一批产业优秀人才" in m for m in markdown)
    assert page.code[0].value == CITE + "五、8"
    assert page.code[1].value.startswith("8. 引培一批产业优秀人才")


def test_example_question_is_asked_when_clicked(app):
    app.button_group(key="example").set_value("市科技局牵头哪些任务？").run()
    assert not app.exception
    page = tab(app, "问答")
    markdown = joined(page.markdown)
    assert "**市科技局** 负责的任务" in markdown and "突破一批关键核心技术 — 牵头" in markdown
    assert "累计高新技术企业新增数：**300 家**" in markdown
    assert app.button_group(key="example").value is None  # ready to be clicked again


def test_district_question_lists_its_targets(app):
    ask(app, "周市镇2025年有哪些目标？")
    markdown = joined(tab(app, "问答").markdown)
    assert "**周市** 的目标" in markdown
    assert "- 累计高新技术企业新增数：**14 家**（市科技局）" in markdown
    assert "未划分到周市的指标" in joined(tab(app, "问答").caption)


def test_unanswerable_question_says_so_and_marks_passages_weak(app):
    ask(app, "生物医药产业集群的建设由哪个部门负责？")
    page = tab(app, "问答")
    assert "没有找到" in page.warning[0].value
    assert not page.metric or all("·" not in m.label for m in page.metric)
    markdown = joined(page.markdown)
    assert "最接近的段落（相关度弱，仅供参考）" in markdown and ":gray-badge[弱相关]" in markdown


def test_history_and_document_filter(app, seed_index):
    doc_id = next(iter(seed_index[1].documents))
    app.selectbox(key="doc_filter").set_value(doc_id).run()
    ask(app, "花桥的高新技术企业新增目标是多少")
    ask(app, "人才引进由哪些部门负责？")
    page = tab(app, "问答")
    assert page.metric[0].value == "12 家"  # inside the history expander
    assert [e.label for e in page.expander] == ["花桥的高新技术企业新增目标是多少"]
    assert "限定文件：昆山市装备制造产业创新集群建设实施意见" in joined(page.chat_message[0].markdown)


# --------------------------------------------------------------------------- 责任分工 / 目标分解


def test_responsibility_page_matrix_filter_and_clause_text(app):
    page = tab(app, "责任分工")
    matrix = page.dataframe[0].value
    assert len(matrix) == 10 and matrix.set_index("条款").loc["五、8", "市委人才办"] == "责任"
    assert len(page.expander) == 10
    app.selectbox(key="resp_department").set_value("市金融办").run()
    page = tab(app, "责任分工")
    assert list(page.dataframe[0].value["条款"]) == ["五、1", "五、10"]
    labels = [e.label for e in page.expander]
    assert len(labels) == 2 and "推出一批科技金融产品" in labels[1]
    finance = page.expander[1]
    assert [c.value for c in finance.code] == [CITE + "五、10", CITE + "附件2 第10项"]
    assert "工研院" in finance.markdown[0].value
    assert {b.label for b in page.get("download_button")} == {"下载 CSV", "下载 Excel"}


def test_target_page_table_chart_and_findings(app, seed_index):
    page = tab(app, "目标分解")
    table = page.dataframe[0].value
    row = table.set_index("指标").loc["累计高新技术企业新增数"]
    assert (row["全市"], row["花桥"], row["责任单位"]) == (300, 12, "市科技局")
    app.selectbox(key="indicator").set_value(int(table.index[table["指标"] == "累计高新技术企业新增数"][0])).run()
    page = tab(app, "目标分解")
    metrics = {m.label: m.value for m in page.metric}
    assert metrics == {"全市目标": "300 家", "各区镇合计": "300 家"}
    db = store.open_readonly(resolve(seed_index[0]) / "kspolicy.sqlite")
    findings = check(store.export_facts(db))
    db.close()
    if findings:
        assert f"发现 {len(findings)} 处需要核对" in page.warning[0].value
        assert findings[0].message.split("“")[0] in joined(page.markdown).replace("\\", "")
    else:
        assert "一致性检查通过" in page.success[0].value
    assert [b.key for b in page.get("download_button")] == [  # CSV + Excel of the breakdown and the text targets
        "target-csv", "target-xlsx", "text-targets-csv", "text-targets-xlsx"]


# --------------------------------------------------------------------------- 文件库


def test_library_page_documents_missing_references_and_tree(app):
    page = tab(app, "文件库")
    documents = page.dataframe[0].value
    assert list(documents["文号"]) == ["昆政办发〔2022〕98号"] and documents["条款数"][0] >= 30
    assert "有 2 个被引用的文件还不在语料库中" in page.warning[0].value
    markdown = joined(page.markdown)
    assert "苏委发〔2022〕1号） — 缺失" in markdown and "苏委发〔2022〕123号） — 缺失" in markdown
    assert "  - **五、8** 引培一批产业优秀人才" in markdown
    assert page.code[0].value.startswith(CITE)  # clause viewer: citation then verbatim text
    assert page.get("file_uploader")


def test_upload_then_rebuild_makes_the_new_document_answerable(monkeypatch, own_copy):
    index_dir, corpus = own_copy
    at = start(monkeypatch, index_dir, corpus)
    site = corpus.parent  # holds corpus/ and index/ only

    def outside() -> set[Path]:
        return {p for p in site.rglob("*") if not {corpus, index_dir} & {p, *p.parents}}

    assert outside() == set()
    unlock(at)
    at.file_uploader[0].set_value([
        ("苏委发〔2022〕123号.txt", NEW_DOC.encode("utf-8"), "text/plain"),
        ("../evil.pdf", b"%PDF-1.4\n", "application/pdf"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "application/pdf"),
        ("tool.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("fake.pdf", b"<html>not a pdf</html>", "application/pdf"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a readable pdf\n", "application/pdf"),
        ("blank.pdf", blank_pdf(), "application/pdf"),
    ])
    at.run()
    at.button(key="save_upload").click().run()
    assert not at.exception, at.exception
    page = tab(at, "文件库")
    errors = [plain(e) for e in texts(page.error)]  # names are escaped markdown: data, not markup
    assert len(errors) == 5
    assert any("evil.pdf" in e and "路径" in e for e in errors)
    assert any("big.pdf" in e and "文件过大" in e for e in errors)
    assert any("tool.exe" in e and "不支持的文件类型" in e for e in errors)
    assert any("fake.pdf" in e and "不是 PDF" in e for e in errors)
    assert any("broken.pdf" in e and "不是可以打开的 PDF" in e for e in errors)  # checked past the header
    assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == sorted(
        [SEED.name, "苏委发〔2022〕123号.txt", "blank.pdf"])
    assert outside() == set() and not (site.parent / "evil.pdf").exists()  # nothing written outside corpus/
    success = plain(joined(page.success))
    assert "已保存到语料目录" in success and "新增 1" in success and "未变 1" in success and "跳过 1" in success
    assert "以下 1 个文件未收录" in page.warning[-1].value
    skipped = page.dataframe[-1].value
    assert list(skipped["文件"]) == ["blank.pdf"] and "没有可提取的文字" in skipped["原因"][0]
    # Answerable without a restart, and no longer missing from the library.
    assert "苏委发〔2022〕123号） — 缺失" not in joined(page.markdown)
    ask(at, "工业母机验证平台由哪些部门负责？")
    answer = tab(at, "问答")
    assert ":blue-badge[市工信局] :blue-badge[市科技局]" in texts(answer.markdown)
    assert answer.code[0].value == "《苏州市装备制造产业创新集群建设实施方案》（苏委发〔2022〕123号）二、1"
    assert len(read_manifest(index_dir)["documents"]) == 2


def test_only_refused_files_do_not_rebuild(monkeypatch, own_copy):
    index_dir, corpus = own_copy
    built = read_manifest(index_dir)["built_at"]
    at = unlock(start(monkeypatch, index_dir, corpus))
    at.file_uploader[0].set_value(("../../evil.txt", b"x", "text/plain"))
    at.run()
    at.button(key="save_upload").click().run()
    assert "路径" in plain(tab(at, "文件库").error[0].value)
    assert not any("索引已更新" in s.value for s in at.success)
    assert read_manifest(index_dir)["built_at"] == built
    assert not (corpus.parent.parent / "evil.txt").exists()


def test_first_start_builds_the_index_with_progress(monkeypatch, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    at = start(monkeypatch, tmp_path / "index", corpus)
    status = at.get("status")[0]
    assert status.label == "索引已建立" and status.state == "complete"
    bars = status.get("progress")
    assert [(p.value, p.proto.text) for p in bars] == [(100, "解析：完成"), (100, "向量化：完成"), (100, "写入索引：完成")]
    assert read_manifest(tmp_path / "index")["documents"]
    ask(at, "花桥的高新技术企业新增目标是多少")
    assert tab(at, "问答").metric[0].value == "12 家"


def test_no_corpus_and_no_index_explains_what_to_do(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path / "index", tmp_path / "missing")
    assert any("语料目录不存在" in e.value for e in at.error)
    assert at.file_uploader  # documents can still be uploaded from here


def test_index_built_with_another_model_is_explained(monkeypatch, seed_index, small_model):
    index_dir = seed_index[0]
    at = start(monkeypatch, index_dir, index_dir.parent / "corpus", model=small_model)
    assert any("索引是用模型" in plain(e.value) and "use-multilingual-v3" in plain(e.value) for e in at.error)
    assert json.loads((resolve(index_dir) / "manifest.json").read_text())["model"] == "use-multilingual-v3"
