"""Table reassembly and line repair on small hand-written fixtures (PDF-like artefacts)."""

from __future__ import annotations

from kspolicy.models import Line, Para
from kspolicy.read.repair import join_lines
from kspolicy.understand.tables import parse_block


def test_space_separated_rows_wrapped_over_lines_and_run_together_header():
    # A PDF without rulings: the header wrapped and three names ran together, a row
    # continues on the next physical line, a department wraps ("市工信 / 局"), a value is
    # glued to its label ("（家）6"), and the header repeats on the next page.
    lines = [
        Line("任务清单 指标名称 2025 年 开发区 高新区 花桥 陆家巴城千灯", full=True),
        Line("责任单位", full=False),
        Line("总体目标 装备制造产业规模（亿元） 100 40 20 10 10 10", full=True),
        Line("10 市工信局", full=False),
        Line("累计产值规模超 10 亿元企业新增数（家）6 3 -- 1 1 1 -- 市工信", full=True),
        Line("局", full=False),
        Line("任务清单 指标名称 2025 年 开发区 高新区 花桥 陆家 巴城 千灯 责任单位", full=False),
        Line("创新人才 累计高技能工程师培养数（人） 35 15 8 2 4 3 3 市人社局", full=False),
    ]
    block = join_lines(lines)
    assert [p.text for p in block][1] == "总体目标 装备制造产业规模（亿元） 100 40 20 10 10 10 10 市工信局"
    table = parse_block("任务分解表（2025 年）", block, ["陆家", "巴城", "千灯"], "附件1")
    assert table.kind == "breakdown"
    assert table.header == ("任务清单", "指标名称", "2025年", "开发区", "高新区", "花桥", "陆家", "巴城", "千灯",
                            "责任单位")
    assert table.rows == (
        ("总体目标", "装备制造产业规模（亿元）", "100", "40", "20", "10", "10", "10", "10", "市工信局"),
        ("总体目标", "累计产值规模超 10 亿元企业新增数（家）", "6", "3", "--", "1", "1", "1", "--", "市工信局"),
        ("创新人才", "累计高技能工程师培养数（人）", "35", "15", "8", "2", "4", "3", "3", "市人社局"),
    )


def test_ruled_cells_with_wrapped_text_and_merged_group_cells():
    # What pdf.py emits for a ruled table: one tab-separated line per row, wrapped
    # cells already joined, merged (covered) group cells empty.
    block = [Para(t, table=True) for t in (
        "任务清单\t指标名称\t2025年\t开发区\t高新区\t责任单位",
        "创新企业\t累计高新技术企业新增数（家）\t300\t135\t68\t市科技局",
        "\t累计上市装备制造企业数（家）\t10\t--\t--\t市金融办",
    )]
    table = parse_block("", block, [], "附件1")
    assert table.rows[1] == ("创新企业", "累计上市装备制造企业数（家）", "10", "--", "--", "市金融办")


def test_numbered_task_list_without_rulings():
    lines = [
        Line("序号 任务清单 目标清单 责任单位", full=False),
        Line("1 实施集群“十个一批行动” 打造一批行业领军企业 完善领军企业培育机制，到 2025 年，新增", full=True),
        Line("产值超 10 亿元企业 20 家。 市工信局、市科技局", full=False),
        # the previous row's last line reaches the margin: the row number still starts a row
        Line("2 引育一批行业“小巨人”企业 分梯度培育一批专精特新企业，到 2025 年新增 40 家。市工信局、", full=True),
        Line("各区镇", full=False),
        Line("3 突破一批关键核心技术 揭榜项目力争突破 200 项。", full=True),
        Line("市科技局", full=False),
    ]
    table = parse_block("重点工作清单", join_lines(lines), [], "附件2")
    assert table.kind == "tasks"
    assert [(r[0], r[1], r[2], r[4]) for r in table.rows] == [
        ("1", "实施集群“十个一批行动”", "打造一批行业领军企业", "市工信局、市科技局"),
        ("2", "实施集群“十个一批行动”", "引育一批行业“小巨人”企业", "市工信局、各区镇"),  # merged cell filled down
        ("3", "实施集群“十个一批行动”", "突破一批关键核心技术", "市科技局"),
    ]
    assert table.rows[2][3] == "揭榜项目力争突破 200 项。"


def test_prose_is_rejoined_but_headings_and_blocks_stay_apart():
    lines = [
        Line("一、总体要求"),
        Line("坚持多元发展。聚焦智能装备，高档数控"),
        Line("机床领域，做强精密多轴数控机床。", gap_before=True),  # cut by a page break
        Line("昆山市人民政府办公室文件", gap_before=True),
        Line("昆政办发〔2022〕98号", gap_before=True),
        Line("抄送：市委办公室，"),
        Line("市法院。"),
    ]
    assert [p.text for p in join_lines(lines)] == [
        "一、总体要求", "坚持多元发展。聚焦智能装备，高档数控机床领域，做强精密多轴数控机床。",
        "昆山市人民政府办公室文件", "昆政办发〔2022〕98号", "抄送：市委办公室，市法院。"]


def test_other_document_shapes_get_unique_labelled_clauses():
    # A regulation: chapters and articles, numbering that restarts, two attachments.
    from kspolicy.understand.structure import parse_clauses

    texts = ["第一章 总则", "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于全市。", "（一）企业；", "（二）机构。",
             "第二章 附则", "第三条 本办法自发布之日起施行。", "1. 说明一。", "1. 又一个一。", "附件 1", "附件 1"]
    clauses = [c for c, _ in parse_clauses([Para(t) for t in texts], "d", "某某管理办法")]
    assert [c.label for c in clauses] == ["第一章", "第一条", "第二条", "第二条（一）", "第二条（二）", "第二章", "第三条",
                                          "第三条、1", "第三条、1", "附件1", "附件1"]
    assert len({c.clause_id for c in clauses}) == len(clauses)


def test_tab_rows_repeated_header_cut_differently_and_run_together_names():
    # A PDF table without rules as pdf.py emits it: three district names ran together in one
    # header cell (its neighbours empty), the header printed again mid-table with "2025 年" split
    # and a cell missing, and a header row in other words (序号 / 指标 / 全市 …) on a later page.
    block = [Para(t, table=True) for t in (
        "任务清单\t指标名称\t2025年\t开发区\t陆家巴城千灯\t\t\t责任单位",
        "创新企业\t累计高新技术企业新增数（家）\t300\t135\t12\t16\t11\t市科技局",
        "任务清单\t指标名称\t2025\t开发区\t陆家\t巴城\t\t责任单位",
        "\t累计上市装备制造企业数（家）\t10\t--\t--\t--\t--\t市金融办",
        "类别\t指标\t全市\t\t\t\t\t单位",
    )]
    table = parse_block("", block, ["开发区", "陆家", "巴城", "千灯"], "附件1")
    assert table.header == ("任务清单", "指标名称", "2025年", "开发区", "陆家", "巴城", "千灯", "责任单位")
    assert [row[1] for row in table.rows] == ["累计高新技术企业新增数（家）", "累计上市装备制造企业数（家）"]
    assert table.rows[1][0] == "创新企业"  # filled down across the repeated header


def test_a_header_over_two_rows_with_years_under_indicators():
    """Districts as rows, an indicator spanning two year columns ("城镇老旧小区改造（个）" over 2026年 |
    2027年): the year row is a header, not a district "地区"; each value has its indicator, unit and year."""
    from kspolicy.understand.targets import table_targets
    from kspolicy.understand.vocab import load_vocabulary

    rows = ["地区\t城镇老旧小区改造（个）\t城镇老旧小区改造（个）\t既有住宅加装电梯（台）\t既有住宅加装电梯（台）",
            "地区\t2026年\t2027年\t2026年\t2027年",
            "海曙区\t35\t30\t120\t130", "鄞州区\t38\t35\t150\t160", "全市合计\t193\t172\t600\t665"]
    table = parse_block("", [Para(r, table=True) for r in rows], ["海曙区", "鄞州区"], "附件")
    targets = {(t.scope, t.indicator, t.unit, t.year): t.value
               for t in table_targets(table, "d", "宁波", load_vocabulary())}
    assert targets[("鄞州区", "城镇老旧小区改造", "个", 2026)] == 38
    assert targets[("海曙区", "既有住宅加装电梯", "台", 2027)] == 130
    assert targets[("全市", "城镇老旧小区改造", "个", 2027)] == 172
    assert not any(scope == "地区" for scope, *_ in targets)


def test_a_count_column_whose_header_holds_a_group_word_is_a_value_column():
    """"农村分类示范村（个）" holds 分类, a group column's header word, but its cells are counts: values."""
    from kspolicy.understand.columns import column_roles
    from kspolicy.understand.vocab import load_vocabulary

    header = ["县区", "省级示范小区（个）", "农村分类示范村（个）", "定时定点投放点（个）"]
    rows = [["海州区", "30", "12", "900"], ["连云区", "12", "6", "320"], ["赣榆区", "15", "25", "450"]]
    assert column_roles(header, rows, load_vocabulary()) == ["place", "value", "value", "value"]
    rows = [["一", "产业升级", "x", "y"], ["二", "科技创新", "x", "y"], ["三", "人才引进", "x", "y"]]
    assert column_roles(["序号", "分类", "任务", "责任单位"], rows, load_vocabulary())[1] == "group"
