"""Policy documents shaped differently from the seed: regulations, plans, district notices."""

from __future__ import annotations

from pathlib import Path

from kspolicy.index.chunk import document_chunks
from kspolicy.understand.parse import parse_file

REGULATION = """苏州市科技创新促进条例

第一章 总则

第一条 为了促进科技创新，制定本条例。

第二条 市人民政府应当履行下列职责：

（一）制定科技创新规划；

（二）统筹科技资源配置。

第二章 附则

第三条 本条例自2023年1月1日起施行。
"""

PLAN = """昆山市智能制造专项行动方案

为贯彻落实《苏州市智能制造发展规划》（苏府〔2021〕45号）要求，制定本方案。

第一部分 总体要求

一、发展目标

到2025年，新增智能工厂30家；到2030年，新增智能工厂80家。

二、重点任务

1. 实施技改工程。全面推进智能化改造。（牵头单位：市工信局；配合单位：市发改委）
各区镇要结合实际，制定具体方案。

2. 完善制度。（责任单位：市应急局等部门）

附件：重点任务分工表

附件

重点任务分工表

序号\t工作任务\t建设内容\t责任单位\t完成时限
1\t实施技改工程\t改造生产线100条\t市工信局\t2024年底
2\t培育示范工厂\t\t市工信局、市科技局\t2025年底

附件2：名词解释

1. 智能工厂指……
"""

DISTRICT = """吴江区人民政府文件

吴政发〔2023〕12号

区政府关于印发吴江区数字经济发展行动计划的通知

一、目标分解

到2025年，全区数字经济核心产业规模达到1500亿元。各镇目标如下表：

指标\t全区\t盛泽镇\t震泽镇\t牵头单位
数字经济核心产业规模（亿元）\t1500\t600\t300\t区工信局
"""


def parse(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, "d", "x")


def test_regulation_articles_are_clauses_and_searchable(tmp_path):
    parsed = parse(tmp_path, REGULATION)
    assert [c.label for c in parsed.clauses] == ["第一章", "第一条", "第二条", "第二条（一）", "第二条（二）",
                                                 "第二章", "第三条"]
    chunked = {c.label for c in document_chunks(parsed.clauses, parsed.tables)}
    assert chunked == {"第一条", "第二条", "第二条（一）", "第二条（二）", "第三条"}  # one-sentence articles too


def test_plan_with_parts_attachments_and_a_task_table(tmp_path):
    parsed = parse(tmp_path, PLAN)
    doc = parsed.document
    assert doc.doc_number == ""  # the cited 苏府〔2021〕45号 is not this document's number
    assert doc.references == ("《苏州市智能制造发展规划》（苏府〔2021〕45号）",)
    labels = [c.label for c in parsed.clauses]
    assert labels[:5] == ["引言", "第一部分", "第一部分 一", "第一部分 二", "第一部分 二、1"]
    assert "附件" in labels and "附件2" in labels
    task = {c.label: c for c in parsed.clauses}["第一部分 二、1"]
    assert task.text.endswith("（牵头单位：市工信局；配合单位：市发改委）\n各区镇要结合实际，制定具体方案。")
    facts = {r.task: r for r in parsed.responsibilities}
    assert facts["实施技改工程"].departments == ("市工信局", "市发改委")  # merged with 附件 第1项
    assert (facts["实施技改工程"].lead, facts["实施技改工程"].partners) == (("市工信局",), ("市发改委",))
    assert facts["实施技改工程"].sources == ("第一部分 二、1", "附件 第1项")
    assert facts["培育示范工厂"].deadline == "2025年底" and facts["培育示范工厂"].lead == ()
    assert facts["完善制度"].departments == ("市应急局",)
    assert facts["培育示范工厂"].departments == ("市工信局", "市科技局")  # 完成时限 is not a department
    years = {(t.year, t.value) for t in parsed.targets if t.indicator == "新增智能工厂"}
    assert years == {(2025, 30), (2030, 80)}
    table = next(t for t in parsed.tables if t.kind == "tasks")
    assert table.header == ("序号", "工作任务", "建设内容", "责任单位", "完成时限")  # as printed
    assert table.roles == ("seq", "task", "content", "responsible", "deadline")  # by meaning
    assert table.rows[1] == ("2", "培育示范工厂", "", "市工信局、市科技局", "2025年底")


def test_district_document_total_column(tmp_path):
    parsed = parse(tmp_path, DISTRICT)
    assert parsed.document.doc_number == "吴政发〔2023〕12号"
    table = {(t.scope, t.value) for t in parsed.targets if t.source == "table"}
    assert table == {("全市", 1500), ("盛泽镇", 600), ("震泽镇", 300)}
    text = next(t for t in parsed.targets if t.source == "text")
    assert (text.indicator, text.scope, text.value) == ("数字经济核心产业规模", "全市", 1500)
    assert set(parsed.places) == {"盛泽镇", "震泽镇"}


def test_markdown_bold_headings(tmp_path):
    parsed = parse(tmp_path, "测试实施方案\n\n**一、总体要求**\n\n1. 成立专班。（责任单位：市发改委）\n", "doc.md")
    assert [c.label for c in parsed.clauses][-2:] == ["一", "一、1"]
