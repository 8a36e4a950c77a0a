"""Issue 4: tables and texts the browsing and ask pages show (kspolicy.views.browse, kspolicy.views.present)."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from kspolicy.views import browse, present
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
    matrix = browse.responsibility_matrix(library.facts["responsibilities"])
    assert len(matrix) == 10
    assert list(matrix.columns[:2]) == ["条款", "任务"] and list(matrix.columns[-2:]) == ["出处", "引用"]
    talent = matrix[matrix["条款"] == "五、8"].iloc[0]
    assert talent["任务"] == "引培一批产业优秀人才"
    # the seed prints a plain 责任单位 list: every unit is 责任, none is made the lead
    assert (talent["市委人才办"], talent["市人社局"], talent["市科技局"], talent["市工信局"]) == ("责任", "责任", "责任", "")
    assert talent["出处"] == "五、8；附件2 第8项" and talent["引用"] == CITE + "五、8"


def test_responsibility_matrix_filtered_by_department(library):
    facts = library.facts["responsibilities"]
    matrix = browse.responsibility_matrix(facts, "市金融办")
    assert list(matrix["条款"]) == ["五、1", "五、10"]
    assert list(matrix["市金融办"]) == ["责任", "责任"]
    assert "工研院" in matrix.columns  # columns stay the same, so tables can be compared
    assert browse.departments_of(facts)[:2] == ["市工信局", "市科技局"]


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
    rows = browse.document_rows(library)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["标题"], row["文号"], row["发文机关"], row["日期"]) == (
        "昆山市装备制造产业创新集群建设实施意见", "昆政办发〔2022〕98号", "昆山市人民政府办公室", "2022-09-29")
    assert pd.isna(row["页数"])  # a text file has no pages
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
    matrix = browse.responsibility_matrix(library.facts["responsibilities"])
    assert openpyxl.load_workbook(io.BytesIO(browse.excel_bytes(matrix, "责任分工"))).active.max_row == 11


def test_empty_facts_give_empty_tables():
    assert browse.target_table([]).empty and browse.text_targets([]).empty
    assert browse.responsibility_matrix([]).empty
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


def test_department_and_district_lists(seed_index):
    index = seed_index[1]
    answer, _ = ask(index, "市科技局牵头哪些任务？")
    tasks, indicators = present.department_lines(answer, "市科技局")
    assert tasks and all("牵头" in t for t in tasks)
    assert any("突破一批关键核心技术" in t for t in tasks)
    assert any("累计高新技术企业新增数" in i and "300 家" in i for i in indicators)
    answer, _ = ask(index, "周市镇2025年有哪些目标？")
    given, unassigned = present.district_lines(answer)
    assert any("累计高新技术企业新增数：**14 家**" in g for g in given)
    assert "累计上市装备制造企业数" in unassigned


def test_highlight_marks_query_terms_and_escapes_markdown(seed_index):
    index = seed_index[1]
    q = analyse("周市镇的高新技术企业新增目标是多少", index.places, index.departments)
    terms = present.highlight_terms(q, index.places, index.departments, index.tokenizer.tokens(q.content))
    assert {"周市", "周市镇", "高新技术"} <= set(terms)
    marked = present.highlight("累计高新技术企业新增数（家）｜周市：14", terms)
    assert ":orange[**高新技术企业新增**]" in marked and ":orange[**周市**]" in marked
    assert present.highlight("1. a*b_c [x](y) $5 <b>", []) == r"1\. a\*b\_c \[x\]\(y\) \$5 \<b\>"
    assert present.escape("甲\n乙") == "甲  \n乙"
