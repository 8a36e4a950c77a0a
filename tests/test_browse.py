"""Issue 4: tables and texts the browsing and ask pages show (kspolicy.views.browse, kspolicy.views.present)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pandas as pd
import pytest

from kspolicy.views import browse, export, library as catalogue, matrix, present
from kspolicy.answer.compose import ask
from kspolicy.understand.check import check
from kspolicy.index.build import resolve
from kspolicy.models import Answer, Clause, Document
from kspolicy.answer.query import analyse

DOC = "昆政办发2022-98号_装备制造产业创新集群建设实施意见"
CITE = "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号）"


@pytest.fixture(scope="module")
def library(seed_index) -> browse.Library:
    return browse.load_library(resolve(seed_index[0]))


def test_responsibility_matrix_marks_the_lead_unit(library):
    table = matrix.responsibility_matrix(library.facts["responsibilities"])
    assert len(table) == 10
    assert list(table.columns[:2]) == ["条款", "任务"] and list(table.columns[-2:]) == ["出处", "引用"]
    talent = table[table["条款"] == "五、8"].iloc[0]
    assert talent["任务"] == "引培一批产业优秀人才"
    # the seed prints a plain 责任单位 list: every unit is 责任, none is made the lead
    assert (talent["市委人才办"], talent["市人社局"], talent["市科技局"], talent["市工信局"]) == ("责任", "责任", "责任", "")
    assert talent["出处"] == "五、8；附件2 第8项" and talent["引用"] == CITE + "五、8"


def test_responsibility_matrix_filtered_by_department(library):
    facts = library.facts["responsibilities"]
    rows = matrix.filter_responsibilities(facts, {}, units=("市金融办",))
    table = matrix.responsibility_matrix(rows)
    assert list(table["条款"]) == ["五、1", "五、10"]
    assert list(table["市金融办"]) == ["责任", "责任"]
    assert "工研院" in table.columns and "市委人才办" not in table.columns  # the units of these tasks only
    assert matrix.departments_of(facts)[:2] == ["市工信局", "市科技局"]
    assert [r["clause"] for r in matrix.filter_responsibilities(facts, {}, text="优秀人才")] == ["五、8"]


def test_target_table_has_city_districts_and_department(library):
    table = browse.target_table(library.facts["targets"])
    assert len(table) == 24
    assert list(table.columns[:5]) == ["分组", "指标", "单位", "年份", "全市"]
    assert list(table.columns[5:14]) == ["开发区", "高新区", "花桥", "旅度区", "张浦", "周市", "陆家", "巴城", "千灯"]
    row = table[table["指标"] == "累计高新技术企业新增数"].iloc[0]
    assert (row["全市"], row["花桥"], row["单位"], row["年份"], row["责任单位"]) == (300, 12, "家", 2025, "市科技局")
    assert row["引用"] == CITE + "附件1"
    listed = table[table["指标"] == "累计上市装备制造企业数"].iloc[0]
    assert pd.isna(listed["花桥"])  # "--" in the table: 未划分, not zero
    assert pd.api.types.is_numeric_dtype(table["花桥"])  # sorts as numbers


def test_district_values_for_a_bar_chart(library):
    table = browse.target_table(library.facts["targets"])
    position = int(table.index[table["指标"] == "累计高新技术企业新增数"][0])
    values = browse.district_values(table, position)
    assert list(values.columns) == ["区镇", "目标值"]
    assert dict(zip(values["区镇"], values["目标值"]))["花桥"] == 12
    assert values["目标值"].sum() == 300
    assert browse.indicator_label(table.iloc[position]) == "累计高新技术企业新增数（家）"


def test_text_targets_and_findings(library):
    text = browse.text_targets(library.facts["targets"])
    assert len(text) > 0 and set(text["范围"]) == {"全市"}
    assert ((text["指标"] == "新增高新技术企业") & (text["目标值"] == 300)).any()
    rows = browse.finding_rows(library.findings)
    assert len(rows) == len(check(library.facts))
    assert all(kind in browse.FINDING_NAMES.values() and message and cites for kind, message, cites in rows)


def test_document_rows_count_clauses_and_facts(library):
    rows = catalogue.document_frame(library)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["标题"], row["文号"], row["发文机关"], row["日期"], row["年份"], row["类型"], row["状态"]) == (
        "昆山市装备制造产业创新集群建设实施意见", "昆政办发〔2022〕98号", "昆山市人民政府办公室", "2022-09-29", "2022",
        "意见", "未知")
    n_facts = len(library.facts["responsibilities"]) + len(library.facts["targets"])
    assert row["事实数"] == n_facts and row["条款数"] >= 30


def test_clause_tree_nests_items_under_sections(library):
    tree = browse.clause_tree(library.clauses[DOC])
    labels = [(depth, label) for depth, label, _ in tree]
    assert (0, "五") in labels and (1, "五、8") in labels and (0, "附件1") in labels
    assert labels.index((0, "五")) < labels.index((1, "五、8"))
    titles = {label: title for _, label, title in tree}
    assert titles["五、8"] == "引培一批产业优秀人才"
    assert titles["附件1"].startswith("装备制造产业创新集群建设实施意见任务分解表")
    assert not any(label in ("通知", "版记") for _, label in labels)  # notice and footer are not clauses


def test_label_text_reads_clauses_and_task_rows(library, seed_index):
    index = seed_index[1]
    clause = browse.label_text(library.clauses[DOC], index.chunks, DOC, "五、8")
    assert clause.startswith("8. 引培一批产业优秀人才") and "市委人才办" in clause
    row = browse.label_text(library.clauses[DOC], index.chunks, DOC, "附件2 第8项")
    assert row.startswith("8\t实施集群“十个一批行动”\t引培一批产业优秀人才") and "市人社局" in row  # the row as printed
    assert browse.label_text(library.clauses[DOC], index.chunks, DOC, "附件2 第8项", index.rows) == row


def document(title: str, number: str, refs: tuple[str, ...] = ()) -> Document:
    return Document(title, title, number, "", "", f"{title}.txt", "", None, refs)


def test_missing_references_by_number_or_title(library):
    missing = browse.missing_references(library.documents)
    assert [m.doc_number for m in missing] == ["苏委发〔2022〕1号", "苏委发〔2022〕123号"]
    assert missing[0].title == "苏州市推进数字经济时代产业创新集群发展指导意见"
    assert missing[0].cited_by == ("昆山市装备制造产业创新集群建设实施意见",)
    refs = ("《甲方案》（苏委发〔2022〕1号）", "《乙办法》", "《丙意见》（苏委发〔2022〕9号）")
    docs = [document("本文件", "昆政发〔2023〕1号", refs), document("甲方案(修订)", "苏委发〔2022〕1号"),
            document("乙办法", ""), document("另一文件", "", ("《丙意见》（苏委发〔2022〕9号）",))]
    missing = browse.missing_references(docs)
    assert [(m.title, m.cited_by) for m in missing] == [("丙意见", ("本文件", "另一文件"))]


def test_csv_and_excel_downloads_round_trip(library):
    table = browse.target_table(library.facts["targets"])
    text = browse.csv_bytes(table).decode("utf-8")
    assert text.startswith("\ufeff分组,指标,单位,年份,全市")  # BOM: Excel reads the Chinese correctly
    assert re.search(r"累计上市装备制造企业数,家,2025,[^\n]*--", text)  # 未划分 written as --
    sheet = openpyxl.load_workbook(io.BytesIO(browse.excel_bytes(table, "目标分解"))).active
    assert sheet.title == "目标分解"
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "累计高新技术企业新增数")
    assert row[header.index("花桥")] == 12 and row[header.index("全市")] == 300
    table = matrix.responsibility_matrix(library.facts["responsibilities"])
    assert openpyxl.load_workbook(io.BytesIO(browse.excel_bytes(table, "责任分工"))).active.max_row == 11


def test_empty_facts_give_empty_tables():
    assert browse.target_table([]).empty and browse.text_targets([]).empty
    assert matrix.responsibility_matrix([]).empty
    assert browse.clause_depths(()) == []


def test_clause_depth_survives_a_parent_cycle():
    a = Clause("d", "a", "一", "一、甲", "一、甲", parent="b")
    b = Clause("d", "b", "二", "二、乙", "二、乙", parent="a")
    assert [d for d, _ in browse.clause_depths((a, b))] == [2, 2]


# --------------------------------------------------------------------------- present (ask page)


def test_target_metric_is_number_and_unit(seed_index):
    answer, _ = ask(seed_index[1], "花桥的高新技术企业新增目标是多少")
    [metric] = present.target_metrics(answer)
    assert metric.value == "12 家" and metric.label == "花桥 · 累计高新技术企业新增数"
    assert metric.note == "2025年 · 范围：花桥 · 责任单位：市科技局 · 出处：附件1"
    assert present.value_text(None, "家") == "未划分" and present.value_text(1.5, "亿元") == "1.5 亿元"


def test_responsibility_tags(seed_index):
    answer, _ = ask(seed_index[1], "人才引进由哪些部门负责？")
    assert present.answer_departments(answer) == ["市委人才办", "市人社局", "市科技局", "各区镇"]
    assert present.answer_task(answer) == "引培一批产业优秀人才"
    assert present.tags(["市科技局", "a[b]"]) == r":blue-badge[市科技局] :blue-badge[a\[b\]]"
    from_indicator = Answer("responsibility", "", ({"indicator": "x", "department": "市工信局、市科技局"},))
    assert present.answer_departments(from_indicator) == ["市工信局", "市科技局"]


def test_department_and_district_answers_grouped_by_document(seed_index):
    index = seed_index[1]
    answer, hits = ask(index, "市科技局牵头哪些任务？")
    view = present.answer_view("市科技局牵头哪些任务？", answer, hits, index.documents, {}, lambda d, l: "",
                               {"市科技局"})
    [group] = view.groups
    assert group.heading == "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号） · 2022-09-29"
    texts = [i.text for i in group.items]
    assert "突破一批关键核心技术（责任单位）" in texts  # a plain list: listed, not made the lead
    assert "全市：累计高新技术企业新增数 300 家（2025年），责任单位：市科技局" in texts
    assert {i.citation for i in group.items} >= {CITE + "五、3", CITE + "附件1"}
    answer, _ = ask(index, "周市镇2025年有哪些目标？")
    assert "累计上市装备制造企业数" in present.unassigned(answer)


def test_highlight_marks_query_terms_and_escapes_markdown(seed_index):
    index = seed_index[1]
    q = analyse("周市镇的高新技术企业新增目标是多少", index.places, index.departments)
    terms = present.highlight_terms(q, index.places, index.departments, index.tokenizer.tokens(q.content))
    assert {"周市", "周市镇", "高新技术"} <= set(terms)
    marked = present.highlight("累计高新技术企业新增数（家）｜周市：14", terms)
    assert ":orange[**高新技术企业新增**]" in marked and ":orange[**周市**]" in marked
    assert present.highlight("1. a*b_c [x](y) $5 <b>", []) == r"1\. a\*b\_c \[x\]\(y\) \$5 \<b\>"
    assert present.escape("甲\n乙") == "甲  \n乙"


# --------------------------------------------------------------------------- issue 10: relevance, dates, exports


def test_relevance_never_rises_with_the_rank():
    assert present.relevance([0.888, 0.935, 0.766, 0.9, 1.2, -0.1]) == [0.89, 0.89, 0.77, 0.77, 0.77, 0.0]
    assert present.relevance([]) == []


def test_answer_view_ranks_passages_and_weak_ones_have_no_number(seed_index):
    index = seed_index[1]
    answer, hits = ask(index, "花桥的高新技术企业新增目标是多少")
    view = present.answer_view("q", answer, hits, index.documents, {}, lambda d, l: "")
    shown = [p.relevance for p in view.passages]
    assert [p.rank for p in view.passages] == list(range(1, len(hits) + 1))
    assert shown == sorted(shown, reverse=True) and all(0 <= s <= 1 for s in shown)
    weak = present.answer_view("q", present.Answer("none", "没有找到"), hits, index.documents, {}, lambda d, l: "")
    assert weak.weak and all(p.relevance is None for p in weak.passages) and weak.groups == ()


def test_local_time_is_beijing_time():
    assert present.local_time("2026-11-27T19:57:27+00:00") == "2026-11-28 03:57"
    assert present.local_time("2026-11-27T19:57:27Z") == "2026-11-28 03:57"
    assert present.local_time("2026-11-27T19:57:27") == "2026-11-28 03:57"  # naive: UTC, as the manifest writes
    assert present.local_time("不是时间") == "不是时间"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", present.local_time())


def test_status_badges():
    assert present.status_badge("已失效") == ":red-badge[已失效]"
    assert present.status_badge("现行有效") == ":green-badge[现行有效]"
    assert present.status_badge("未知") == ""


def drafting_view(seed_index, library) -> present.AnswerView:
    index = seed_index[1]
    answer, hits = ask(index, "人才引进由哪些部门负责？")

    def clause_text(doc_id: str, label: str) -> str:
        return browse.label_text(library.clauses.get(doc_id, ()), index.chunks, doc_id, label, index.rows)

    return present.answer_view("人才引进由哪些部门负责？", answer, hits, index.documents, browse.statuses(library),
                               clause_text)


def test_word_export_has_citation_and_clause(seed_index, library):
    import docx

    view = drafting_view(seed_index, library)
    document = docx.Document(io.BytesIO(export.to_docx([view, view])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("人才引进由哪些部门负责？") >= 2  # a selection of answers: one section each
    assert CITE + "五、8" in text and "深化“头雁人才”工程" in text  # citation, then the verbatim clause
    assert "第 1 名 · 相关度" in text


def test_markdown_and_print_exports_keep_document_text_inert(seed_index, library):
    view = drafting_view(seed_index, library)
    hostile = present.AnswerView("![x](http://127.0.0.1:9/x.png)？", "2026-11-28 03:57", "", "passage",
                                 "见[点此](http://127.0.0.1:9/)", "《甲》一", "```\n<img src=x>", "", (), ())
    markdown = export.to_markdown([view, hostile])
    assert f"```text\n{CITE}五、8\n8. 引培一批产业优秀人才" in markdown
    outside = re.sub(r"(`{3,})text\n.*?\n\1", "", markdown, flags=re.S)  # document text outside the fences
    assert "![x](" not in outside and "](http" not in outside and "\\!\\[x\\]" in outside
    assert "````text\n《甲》一\n```\n<img src=x>\n````" in markdown  # a longer fence around a fence
    html = export.to_html([view, hostile])
    assert "<img" not in html and "&lt;img src=x&gt;" in html and "<script" not in html
    assert f"{CITE}五、8" in html
    history = json.loads(export.history_json([view]))
    assert history[0]["question"] == "人才引进由哪些部门负责？" and history[0]["groups"][0]["items"][0]["citation"]
    assert export.file_stem([view]) == "问答_人才引进由哪些部门负责"


def test_share_link_carries_question_and_filter():
    link = export.share_link("http://127.0.0.1:8501/?page=x", "花桥的目标是多少？", "doc/1")
    assert link == "http://127.0.0.1:8501/?q=%E8%8A%B1%E6%A1%A5%E7%9A%84%E7%9B%AE%E6%A0%87%E6%98%AF%E5%A4%9A%E5%B0%91%EF%BC%9F&doc=doc%2F1"
    assert export.share_link("", "a b") == "?q=a+b"


# --------------------------------------------------------------------------- issue 10: library and matrix


def test_document_kind_and_year():
    assert catalogue.document_kind("昆山市装备制造产业创新集群建设实施意见") == "意见"
    assert catalogue.document_kind("广州市引进人才入户管理办法实施细则") == "细则"
    assert catalogue.document_kind("广州市公共租赁住房管理办法（试行）") == "办法"
    assert catalogue.document_kind("本月起，这笔钱直接发放至个人！") == "其他"
    doc = Document("d", "t", "苏委发〔2022〕1号", "", "", "d.txt", "", None)
    assert catalogue.document_year(doc) == "2022"
    assert catalogue.issuers_of("广州市医疗保障局、广州市财政局 广州市卫生健康委员会") == [
        "广州市医疗保障局", "广州市财政局", "广州市卫生健康委员会"]


def test_attachment_table_from_its_rows(library):
    [table] = catalogue.tables_at(library.tables[DOC], "附件1")
    frame = catalogue.table_frame(table)
    assert len(frame) == 24 and list(frame.columns[:3]) == ["任务清单", "指标名称", "2025 年"]
    [tasks] = catalogue.tables_at(library.tables[DOC], "附件2")
    assert "列3" in catalogue.table_frame(tasks).columns  # a blank header cell gets a name
    assert catalogue.column_names(("a", "a", ""), 4) == ["a", "a（2）", "列3", "列4"]


def test_clause_nodes_are_indented_by_depth(library):
    nodes = catalogue.clause_nodes(library.clauses[DOC])
    shown = {n.label: n.shown for n in nodes}
    assert shown["五"] == "五　主要任务" and shown["五、8"] == "\u3000五、8　引培一批产业优秀人才"
    assert "通知" not in shown and "版记" not in shown


def test_same_unit_name_in_two_cities_is_qualified():
    facts = [{"doc_id": "a", "task": "甲", "clause": "一", "departments": ["市财政局", "市科技局"], "citation": "c1"},
             {"doc_id": "b", "task": "乙", "clause": "二", "departments": ["市财政局"], "citation": "c2"}]
    cities = {"a": "昆山", "b": "苏州"}
    labels = matrix.unit_labels(facts, cities)
    assert labels[("市财政局", "昆山")] == "市财政局（昆山）" and labels[("市科技局", "昆山")] == "市科技局"
    only = matrix.filter_responsibilities(facts, cities, units=("市财政局（苏州）",))
    assert [r["task"] for r in only] == ["乙"]
    table = matrix.responsibility_matrix(only, cities, {"b": "苏财〔2018〕1号"}, labels)
    assert list(table.columns) == ["文件", "条款", "任务", "市财政局（苏州）", "出处", "引用"]
    layout = matrix.matrix_layout(table)
    assert layout.pinned == ("文件", "条款", "任务") and layout.widths["市财政局（苏州）"] == 64
    assert layout.order(list(table.columns)) == ["文件", "条款", "任务", "市财政局（苏州）", "引用"]


def test_matrix_of_the_real_library_stays_usable(real_index):
    lib = browse.load_library(resolve(real_index[0]))
    facts = lib.facts["responsibilities"]
    cities = {d.doc_id: d.city for d in lib.documents}
    assert len(facts) >= 100 and len(matrix.departments_of(facts)) >= 40
    labels = matrix.unit_labels(facts, cities)
    everything = matrix.responsibility_matrix(facts, cities, None, labels)
    assert len(everything) == len(facts) and everything.shape[1] >= 40
    one = next(label for label in labels.values() if "（" in label and label.endswith("）"))  # named with its city
    rows = matrix.filter_responsibilities(facts, cities, units=(one,))
    narrowed = matrix.responsibility_matrix(rows, cities, None, labels)
    assert 0 < len(narrowed) < len(facts) and narrowed.shape[1] < everything.shape[1] / 2
    assert one in narrowed.columns
    frame = catalogue.document_frame(lib)
    options = catalogue.filter_options(frame)
    assert {"现行有效", "已失效"} <= set(options["statuses"]) and len(options["years"]) >= 5
    expired = catalogue.filter_documents(frame, catalogue.DocumentFilter(statuses=("已失效",)))
    assert len(expired) >= 3 and set(expired["状态"]) == {"已失效"}


def test_bar_chart_has_integer_ticks_and_flat_labels():
    spec = matrix.bar_chart(pd.DataFrame({"区镇": ["花桥", "周市"], "目标值": [12.0, 14.0]}), "家").to_dict()
    assert spec["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert spec["encoding"]["y"]["axis"]["format"] == "d" and spec["encoding"]["y"]["axis"]["tickMinStep"] == 1
    spec = matrix.bar_chart(pd.DataFrame({"区镇": ["花桥"], "目标值": [1.5]}), "%").to_dict()
    assert spec["encoding"]["y"]["axis"]["format"] == "~g"
