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
from urllib.parse import quote

import pytest
from conftest import ROOT, SEED, make_corpus
from streamlit.testing.v1 import AppTest

from kspolicy.index.catalog import Catalog
from kspolicy.understand.check import check
from kspolicy.index.build import build, read_manifest, resolve

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


# A document of another city whose validity ended: 市财政局 tasks in 苏州 next to 昆山's, status 已失效.
EXPIRED_DOC = """苏州市人民政府办公室

苏府办规〔2018〕5号

关于印发《苏州市科技金融专项资金管理办法》的通知

各市、区人民政府，市各委办局：

现将《苏州市科技金融专项资金管理办法》印发给你们，请遵照执行。

苏州市人民政府办公室

2018年3月1日

苏州市科技金融专项资金管理办法

一、主要任务

1. 设立科技金融风险补偿资金池。对合作银行向科技型中小企业发放的贷款损失给予风险补偿。（责任单位：市财政局、市科技局）

2. 开展科技保险保费补贴。对投保科技保险的高新技术企业给予保费补贴。（责任单位：市财政局）

二、附则

本办法自2018年4月1日起施行，有效期至2020年12月31日。
"""
EXPIRED_CITE = "《苏州市科技金融专项资金管理办法》（苏府办规〔2018〕5号）"


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
    """Open 文件库 and enter the maintainer token, as the operator told the maintainer."""
    if at.session_state["page"] != "文件库":
        goto(at, "文件库")
    at.text_input(key="maintainer_token").input(token).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    if "page" in at.session_state and at.session_state["page"] != "问答":
        goto(at, "问答")
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


def goto(at: AppTest, label: str) -> AppTest:
    """Open a tab as a click would: only the open tab is computed."""
    at.session_state["page"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def codes(elements) -> list[str]:
    return [c.value for c in elements]


def test_target_answer_shows_number_unit_and_citation(app):
    ask(app, "花桥的高新技术企业新增目标是多少")
    page = tab(app, "问答")
    metric = page.metric[0]
    assert metric.value == "12 家" and "花桥" in metric.label and "高新技术企业" in metric.label
    assert "市科技局" in joined(page.caption) and "2025年" in joined(page.caption)
    assert codes(page.code)[0] == CITE + "附件1"  # the fact, with its own citation (st.code: copy button)
    both = next(c for c in codes(page.code) if c.startswith(CITE + "附件1\n"))  # one block: citation + row
    assert "累计高新技术企业新增数" in both and "12" in both
    markdown = joined(page.markdown)
    assert "**支持段落**" in markdown and ":orange[**高新技术" in markdown
    assert "**第 1 名**" in markdown and "**第 2 名**" in markdown
    assert [c for c in codes(page.code) if c.startswith("《")], "every passage has its citation"


def test_responsibility_answer_shows_department_tags(app):
    ask(app, "人才引进由哪些部门负责？")
    page = tab(app, "问答")
    markdown = texts(page.markdown)
    assert ":blue-badge[市委人才办] :blue-badge[市人社局] :blue-badge[市科技局] :blue-badge[各区镇]" in markdown
    assert any("引培一批产业优秀人才" in m for m in markdown)
    assert codes(page.code)[0] == CITE + "五、8"
    assert any(c.startswith(CITE + "五、8\n8. 引培一批产业优秀人才") for c in codes(page.code))


def test_example_question_is_asked_when_clicked(app):
    app.button_group(key="example").set_value("市科技局牵头哪些任务？").run()
    assert not app.exception
    page = tab(app, "问答")
    markdown = plain(joined(page.markdown))
    assert "**市科技局** 负责的任务和指标" in markdown and "突破一批关键核心技术（责任单位）" in markdown
    assert "累计高新技术企业新增数 300 家" in markdown
    assert app.button_group(key="example").value is None  # ready to be clicked again


def test_district_question_lists_its_targets(app):
    ask(app, "周市镇2025年有哪些目标？")
    markdown = plain(joined(tab(app, "问答").markdown))
    assert "**周市** 的目标" in markdown
    assert "周市：累计高新技术企业新增数 14 家（2025年），责任单位：市科技局" in markdown
    assert "未划分到周市的指标" in joined(tab(app, "问答").caption)


def test_relevance_follows_the_rank(app):
    ask(app, "花桥的高新技术企业新增目标是多少")
    shown = [float(m.group(1)) for c in tab(app, "问答").caption for m in [re.search(r"相关度 ([\d.]+)", c.value)] if m]
    assert len(shown) == 5 and shown == sorted(shown, reverse=True)


def test_unanswerable_question_says_so_and_marks_passages_weak(app):
    ask(app, "生物医药产业集群的建设由哪个部门负责？")
    page = tab(app, "问答")
    assert "没有找到" in page.warning[0].value
    assert not page.metric or all("·" not in m.label for m in page.metric)
    markdown = joined(page.markdown)
    assert "最接近的段落（弱相关，仅供参考）" in markdown and ":gray-badge[弱相关]" in markdown
    assert not any(re.search(r"相关度 \d", c.value) for c in page.caption)  # no number contradicts "weak"


def test_history_and_document_filter(app, seed_index):
    doc_id = next(iter(seed_index[1].documents))
    app.selectbox(key="doc_filter").set_value(doc_id).run()
    assert app.query_params["doc"] in (doc_id, [doc_id])
    ask(app, "花桥的高新技术企业新增目标是多少")
    ask(app, "人才引进由哪些部门负责？")
    page = tab(app, "问答")
    assert page.metric[0].value == "12 家"  # inside the history expander
    assert [e.label.split("　")[-1] for e in page.expander if "　" in e.label] == ["花桥的高新技术企业新增目标是多少"]
    assert "限定文件：昆山市装备制造产业创新集群建设实施意见" in joined(page.chat_message[0].markdown)
    assert app.query_params["q"] in ("人才引进由哪些部门负责？", ["人才引进由哪些部门负责？"])  # the latest question
    assert app.multiselect(key="export_pick").value == [0]
    share = next(c for c in codes(page.code) if "q=" in c)
    assert share.endswith("?q=" + quote("人才引进由哪些部门负责？", safe="").replace("%20", "+") + "&doc=" + quote(doc_id))
    assert {b.key for b in page.get("download_button")} >= {"latest-docx", "latest-md", "latest-html",
                                                             "pick-docx", "history-json"}


def test_a_question_in_the_url_is_answered(seed_index, monkeypatch):
    index_dir = seed_index[0]
    monkeypatch.setenv("KSPOLICY_INDEX", str(index_dir))
    monkeypatch.setenv("KSPOLICY_CORPUS", str(index_dir.parent / "corpus"))
    doc_id = next(iter(seed_index[1].documents))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["q"] = "花桥的高新技术企业新增目标是多少"
    at.query_params["doc"] = doc_id
    at.run()
    assert not at.exception, at.exception
    assert tab(at, "问答").metric[0].value == "12 家"
    assert at.selectbox(key="doc_filter").value == doc_id
    at.run()  # a rerun in the same session does not ask again
    assert len(at.session_state.history) == 1


def test_print_view_shows_the_chosen_answers(app):
    ask(app, "人才引进由哪些部门负责？")
    app.toggle(key="print_view").set_value(True).run()
    assert not app.exception, app.exception
    html = joined(app.get("html"))
    assert "@media print" in html and "人才引进由哪些部门负责？" in html and CITE + "五、8" in html
    assert not app.chat_message and not app.code  # only the chosen answers, as a document
    assert {b.key for b in app.get("download_button")} == {"pick-docx", "pick-md", "pick-html"}


# --------------------------------------------------------------------------- 责任分工 / 目标分解


def test_responsibility_page_matrix_filter_and_clause_text(app):
    page = tab(goto(app, "责任分工"), "责任分工")
    matrix = page.dataframe[0].value
    assert len(matrix) == 10 and matrix.set_index("条款").loc["五、8", "市委人才办"] == "责任"
    assert len(page.expander) == 10
    app.multiselect(key="resp_units").set_value(["市金融办"]).run()
    page = tab(app, "责任分工")
    matrix = page.dataframe[0].value
    assert list(matrix["条款"]) == ["五、1", "五、10"]
    assert "市委人才办" not in matrix.columns  # only the units of the tasks shown
    labels = [e.label for e in page.expander]
    assert len(labels) == 2 and "推出一批科技金融产品" in labels[1]
    finance = page.expander[1]
    assert [c.split("\n")[0] for c in codes(finance.code)] == [CITE + "五、10", CITE + "附件2 第10项"]
    assert "工研院" in finance.code[0].value
    assert {b.label for b in page.get("download_button")} == {"下载 CSV", "下载 Excel"}
    app.text_input(key="resp_text").input("金融").run()
    assert list(tab(app, "责任分工").dataframe[0].value["条款"]) == ["五、10"]
    app.segmented_control(key="resp_shape").set_value("任务列表").run()
    listed = tab(app, "责任分工").dataframe[0].value
    assert list(listed.columns[:2]) == ["条款", "任务"] and "市金融办" in listed["责任单位"][0]


def test_target_page_table_chart_and_findings(app, seed_index):
    page = tab(goto(app, "目标分解"), "目标分解")
    table = page.dataframe[0].value
    row = table.set_index("指标").loc["累计高新技术企业新增数"]
    assert (row["全市"], row["花桥"], row["责任单位"]) == (300, 12, "市科技局")
    shown = page.dataframe[0].proto.column_order
    assert "千灯" in shown and "责任单位" in shown and "引用" not in shown  # all districts, no long citation
    app.selectbox(key="indicator").set_value(int(table.index[table["指标"] == "累计高新技术企业新增数"][0])).run()
    page = tab(app, "目标分解")
    metrics = {m.label: m.value for m in page.metric}
    assert metrics == {"全市目标": "300 家", "各区镇合计": "300 家"}
    catalog = Catalog.open(resolve(seed_index[0]))
    findings = check(catalog.export_facts())
    catalog.close()
    if findings:
        assert f"发现 {len(findings)} 处需要核对" in page.warning[0].value
        assert findings[0].message.split("“")[0] in joined(page.markdown).replace("\\", "")
    else:
        assert "一致性检查通过" in page.success[0].value
    assert [b.key for b in page.get("download_button")] == [  # CSV + Excel of the breakdown and the text targets
        "target-csv", "target-xlsx", "text-targets-csv", "text-targets-xlsx"]
    app.text_input(key="target_text").input("高新技术").run()
    assert set(tab(app, "目标分解").dataframe[0].value["指标"]) == {"累计高新技术企业新增数"}


# --------------------------------------------------------------------------- 文件库


def test_library_page_documents_missing_references_and_tree(app):
    page = tab(goto(app, "文件库"), "文件库")
    documents = page.dataframe[0].value
    assert list(documents["文号"]) == ["昆政办发〔2022〕98号"] and documents["条款数"][0] >= 30
    assert list(documents["状态"]) == ["未知"]  # the seed states no validity
    assert "有 2 个被引用的文件还不在语料库中" in page.warning[0].value
    markdown = joined(page.markdown)
    assert "苏委发〔2022〕1号） — 缺失" in markdown and "苏委发〔2022〕123号） — 缺失" in markdown
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
    assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == sorted([SEED.name, "uploads"])
    uploads = corpus / "uploads"  # git-ignored: uploads never show up as untracked files
    assert sorted(p.name for p in uploads.iterdir() if not p.name.startswith(".")) == sorted(
        ["苏委发〔2022〕123号.txt", "blank.pdf"])
    assert outside() == set() and not (site.parent / "evil.pdf").exists()  # nothing written outside corpus/
    success = plain(joined(page.success))
    assert "已保存到语料目录" in success and "新增 1" in success and "未变 1" in success and "跳过 1" in success
    assert "以下 1 个文件未收录" in page.warning[-1].value
    skipped = page.dataframe[-1].value
    assert list(skipped["文件"]) == ["uploads/blank.pdf"] and "没有可提取的文字" in skipped["原因"][0]
    # Answerable without a restart, and no longer missing from the library.
    assert "苏委发〔2022〕123号） — 缺失" not in joined(page.markdown)
    ask(at, "工业母机验证平台由哪些部门负责？")
    answer = tab(at, "问答")
    assert ":blue-badge[市工信局] :blue-badge[市科技局]" in texts(answer.markdown)
    assert answer.code[0].value == "《苏州市装备制造产业创新集群建设实施方案》（苏委发〔2022〕123号）二、1"
    assert len(read_manifest(index_dir)["documents"]) == 2
    # The same file again, without ticking 覆盖: nothing changed, and the page says so.
    goto(at, "文件库")  # still a maintainer in this session
    at.file_uploader[0].set_value(("苏委发〔2022〕123号.txt", NEW_DOC.encode("utf-8"), "text/plain"))
    at.run()
    at.button(key="save_upload").click().run()
    page = tab(at, "文件库")
    assert any("内容完全相同，没有任何改动" in plain(i.value) for i in page.info)
    assert not page.success and not page.error  # not "已保存", and no rebuild
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


# --------------------------------------------------------------------------- two cities, one expired document


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """(index_dir, corpus): the seed (昆山) and an expired 苏州 document, both with 市财政局 tasks."""
    base = tmp_path_factory.mktemp("two-cities")
    corpus = make_corpus(base / "corpus", SEED)
    (corpus / "苏府办规2018-5号.txt").write_text(EXPIRED_DOC, encoding="utf-8")
    build(corpus, base / "index", embedder)
    return base / "index", corpus


def test_an_answer_across_documents_is_grouped_with_citations_and_status(monkeypatch, two_cities):
    at = start(monkeypatch, *two_cities)
    ask(at, "市财政局负责哪些任务？")
    page = tab(at, "问答")
    markdown = plain(joined(page.markdown))
    assert "来自 2 个文件" in markdown
    assert "见于 2 个城市的文件（昆山、苏州）" in plain(joined(page.caption))
    assert "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号） · 2022-09-29 · 昆山" in markdown
    assert "《苏州市科技金融专项资金管理办法》（苏府办规〔2018〕5号） · 2018-03-01 · 苏州" in markdown
    assert ":red-badge[已失效]" in joined(page.markdown)  # the expired document says so where it is cited
    cited = codes(page.code)
    assert CITE + "五、1" in cited and CITE + "五、10" in cited  # every item with its own citation
    assert EXPIRED_CITE + "一、1" in cited and EXPIRED_CITE + "一、2" in cited


def test_library_status_filters_tree_and_attachment_table(monkeypatch, two_cities):
    at = goto(start(monkeypatch, *two_cities), "文件库")
    documents = tab(at, "文件库").dataframe[0].value
    status = dict(zip(documents["文号"], documents["状态"]))
    assert status == {"昆政办发〔2022〕98号": "未知", "苏府办规〔2018〕5号": "已失效"}
    row = documents.set_index("文号").loc["苏府办规〔2018〕5号"]
    assert (row["有效期至"], row["年份"], row["类型"]) == ("2020-12-31", "2018", "办法")
    for key, chosen, shown in (("lib_statuses", "已失效", "苏府办规〔2018〕5号"), ("lib_years", "2022", "昆政办发〔2022〕98号"),
                               ("lib_issuers", "苏州市人民政府办公室", "苏府办规〔2018〕5号"),
                               ("lib_kinds", "意见", "昆政办发〔2022〕98号")):
        at.multiselect(key=key).set_value([chosen]).run()
        assert list(tab(at, "文件库").dataframe[0].value["文号"]) == [shown], key
        at.multiselect(key=key).set_value([]).run()
    at.text_input(key="lib_text").input("科技金融").run()
    assert list(tab(at, "文件库").dataframe[0].value["文号"]) == ["苏府办规〔2018〕5号"]
    at.text_input(key="lib_text").input("").run()
    # The clause tree: click 五、8, read its text; click 附件1, read its table from the stored rows.
    titles = at.selectbox(key="tree_doc").options
    at.selectbox(key="tree_doc").select_index(titles.index("昆山市装备制造产业创新集群建设实施意见")).run()
    tree = next(r for r in at.radio if r.key.startswith("tree-"))
    options = [plain(o) for o in tree.options]
    assert "\u3000五、8　引培一批产业优秀人才" in options and "五　主要任务" in options  # nested by depth
    tree.set_value(options.index("\u3000五、8　引培一批产业优秀人才")).run()
    page = tab(at, "文件库")
    assert any(c.startswith(CITE + "五、8\n8. 引培一批产业优秀人才") for c in codes(page.code))
    tree = next(r for r in at.radio if r.key.startswith("tree-"))
    tree.set_value(next(i for i, o in enumerate(tree.options) if plain(o).startswith("附件1"))).run()
    page = tab(at, "文件库")
    table = page.dataframe[-1].value
    assert len(table) == 24 and "花桥" in table.columns and "责任单位" in table.columns
    row = table[table["指标名称"].str.contains("累计高新技术企业新增数")].iloc[0]
    assert (row["花桥"], row["责任单位"]) == ("12", "市科技局")
    assert "表格：" in joined(page.markdown)
