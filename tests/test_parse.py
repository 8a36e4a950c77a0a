"""Issue 2: clause tree, tables and facts from the seed text and from PDFs/DOCX/MD made from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED, docgen

from kspolicy.understand.parse import parse_file
from kspolicy.text import squash

DISTRICTS = ("开发区", "高新区", "花桥", "旅度区", "张浦", "周市", "陆家", "巴城", "千灯")
TASKS = {
    "五、1": ("打造一批行业领军企业", ("市工信局", "市科技局", "市财政局", "市金融办", "各区镇")),
    "五、2": ("引育一批行业“小巨人”企业", ("市工信局", "市科技局", "各区镇")),
    "五、3": ("突破一批关键核心技术", ("市科技局", "市工信局", "各区镇")),
    "五、4": ("达成一批首台（套）创新成果", ("市工信局", "各区镇")),
    "五、5": ("培育一批企业创新载体", ("市科技局", "市工信局", "市市场监管局", "各区镇")),
    "五、6": ("打响一批昆山制造品牌", ("市市场监管局", "市工信局", "市科技局", "各区镇")),
    "五、7": ("打造一批绿色低碳标杆", ("市工信局", "市发改委", "昆山生态环境局", "各区镇")),
    "五、8": ("引培一批产业优秀人才", ("市委人才办", "市人社局", "市科技局", "各区镇")),
    "五、9": ("实施一批高价值专利项目", ("市市场监管局", "市科技局", "各区镇")),
    "五、10": ("推出一批科技金融产品", ("市金融办", "市科技局", "市财政局", "工研院", "各区镇")),
}
LABELS = ["通知", "引言", "一", "二", "三", "三、1", "三、2", "三、3", "三、4", "三、5", "四", "四、1", "四、2",
          "四、3", "四、4", "五", *TASKS, "六", "六、1", "六、2", "六、3", "六、4", "附件列表", "附件1", "附件2",
          "版记"]


def oracle_breakdown() -> set[tuple]:
    """附件1 read straight from the seed's tab-separated lines: (indicator, scope, value, department)."""
    rows, out = [], set()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 13 and cells[1] != "指标名称":
            rows.append(cells)
    for cells in rows:
        name = squash(cells[1]).removeprefix("其中：")
        indicator, unit = name[: name.rindex("（")], name[name.rindex("（") + 1: -1]
        for scope, cell in zip(("全市", *DISTRICTS), cells[2:12]):
            out.add((indicator, unit, scope, None if cell == "--" else float(cell), cells[12]))
    return out


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED, "seed", "x")


def table_facts(parsed) -> set[tuple]:
    return {(t.indicator, t.unit, t.scope, t.value, t.department) for t in parsed.targets if t.source == "table"}


def test_metadata(seed):
    d = seed.document
    assert (d.title, d.doc_number, d.issuer, d.date) == (
        "昆山市装备制造产业创新集群建设实施意见", "昆政办发〔2022〕98号", "昆山市人民政府办公室", "2022-09-29")
    assert d.references == ("《苏州市推进数字经济时代产业创新集群发展指导意见》（苏委发〔2022〕1号）",
                            "《苏州市装备制造产业创新集群建设实施方案》（苏委发〔2022〕123号）")
    assert d.citation("五、8") == "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号）五、8"


def test_every_clause_labelled(seed):
    assert [c.label for c in seed.clauses] == LABELS
    by_label = {c.label: c for c in seed.clauses}
    assert by_label["五、8"].heading == "五、主要任务 > 8. 引培一批产业优秀人才"
    assert by_label["四、3"].text.startswith("3. “北联”常熟、太仓发展昆山先进制造临沪增长极。借助昆山高端装备")
    assert len({c.clause_id for c in seed.clauses}) == len(seed.clauses)


def test_artefacts_repaired(seed):
    by_label = {c.label: c.text for c in seed.clauses}
    assert "高档数控机床领域" in by_label["三、1"]  # broken over a blank line in the source
    assert "重点发展焊接、装配" in by_label["三、3"]
    assert "按载重大小对智能电梯用途分类" in by_label["三、5"]
    assert "（责任单位：市科技局、市工信局、市市场监管局)" in by_label["五、5"]  # verbatim, mismatched bracket


def test_breakdown_table_all_rows_and_scopes(seed):
    facts = table_facts(seed)
    assert len(facts) == 24 * 10 == len(oracle_breakdown())
    assert facts == oracle_breakdown()
    by_key = {(t.indicator, t.scope): t for t in seed.targets if t.source == "table"}
    huaqiao = by_key[("累计高新技术企业新增数", "花桥")]
    assert (huaqiao.value, huaqiao.unit, huaqiao.year, huaqiao.department, huaqiao.clause) == (
        12, "家", 2025, "市科技局", "附件1")
    assert by_key[("百亿级、区域型、特色装备制造产业创新集群数", "旅度区")].value is None  # "--"
    assert by_key[("汽车产业规模", "全市")].group == "总体目标"  # row group carried down


def test_responsibilities_merge_body_and_task_list(seed):
    facts = {r.clause: r for r in seed.responsibilities}
    assert set(facts) == set(TASKS)
    for label, (task, departments) in TASKS.items():
        assert (facts[label].task, facts[label].departments) == (task, departments)
        number = label.split("、")[1]
        assert facts[label].sources == (label, f"附件2 第{number}项")


def test_text_targets(seed):
    text = {(t.clause, t.indicator, t.value, t.unit) for t in seed.targets if t.source == "text"}
    assert ("五、5", "工程技术研究中心", 20, "家") in text
    assert ("二", "新增苏州市级以上智能工厂、智能车间", 50, "家") in text
    assert ("五、1", "新增产值规模超50亿元企业", 3, "家") in text  # "超50亿元企业3家" borrows its subject
    assert ("附件2 第1项", "新增产值规模超100亿元企业", 1, "家") in text
    assert not any(c == "五、1" and "超100亿元" in i for c, i, _, _ in text)


def test_aliases_learnt_from_the_document(seed):
    assert {"旅游度假区", "昆山旅游度假区"} <= set(seed.places["旅度区"])
    assert "昆山开发区" in seed.places["开发区"] and "花桥经济开发区" in seed.places["花桥"]
    assert "周市镇" in seed.places["周市"]
    assert "科技局" in seed.departments["市科技局"]


def same_as_seed(seed, other) -> None:
    assert table_facts(other) == table_facts(seed)
    assert set(other.responsibilities) == set(seed.responsibilities)
    assert {(t.clause, t.indicator, t.value) for t in other.targets if t.source == "text"} == \
        {(t.clause, t.indicator, t.value) for t in seed.targets if t.source == "text"}
    assert [c.label for c in other.clauses] == LABELS
    for mine, theirs in zip(seed.clauses, other.clauses):
        if mine.kind != "notice":  # the cover page differs by layout (running header on page 1)
            assert squash(mine.text) == squash(theirs.text), mine.label


@pytest.mark.parametrize("fixture", ["plain_pdf", "tables_pdf", "html_pdf", "official_pdf", "borderless_pdf",
                                     "repeated_header_pdf", "top_aligned_pdf"])
def test_pdfs_give_the_same_facts_and_clauses(seed, fixture, request):
    pdf: Path = request.getfixturevalue(fixture)
    parsed = parse_file(pdf, "seed", "x")
    same_as_seed(seed, parsed)
    mine, theirs = seed.document, parsed.document
    assert (theirs.title, theirs.doc_number, theirs.issuer, theirs.date, theirs.references) == \
        (mine.title, mine.doc_number, mine.issuer, mine.date, mine.references)
    assert parsed.document.pages >= 7
    assert {c.label: c.page for c in parsed.clauses}["附件1"] >= 5


def test_tables_without_borders_give_the_same_district_targets(seed, borderless_pdf):
    # Columns come from text alignment, rows from the lines that carry the numbers;
    # wrapped indicator names and departments are put back together.
    parsed = parse_file(borderless_pdf, "seed", "x")
    assert table_facts(parsed) == table_facts(seed)
    body = {r.clause: r.departments for r in parsed.responsibilities if r.clause.startswith("五")}
    assert body == {label: departments for label, (_, departments) in TASKS.items()}


@pytest.mark.parametrize("make", [docgen.tables_docx, docgen.plain_docx, docgen.markdown, docgen.gbk_txt,
                                  docgen.bom_txt])
def test_other_formats_give_the_same_facts(seed, make, tmp_path):
    suffix = {"tables_docx": ".docx", "plain_docx": ".docx", "markdown": ".md"}.get(make.__name__, ".txt")
    same_as_seed(seed, parse_file(make(SEED, tmp_path / f"seed{suffix}"), "seed", "x"))


def test_unit_aliases_are_names_not_endings():
    from kspolicy.understand.aliases import dept_aliases
    forms = dept_aliases(["市政府", "市委人才办", "各街道办事处（镇人民政府）", "各区、县级市"], "广州")
    assert "政府" not in forms["市政府"]  # an ending alone names no unit: 镇政府 is not 市政府
    assert "人才办" in forms["市委人才办"] and "委人才办" not in forms["市委人才办"]
    assert {"街道办", "镇政府", "街道办事处"} <= set(forms["各街道办事处（镇人民政府）"])
    assert "各区、县级市" not in forms  # a placeholder of levels is never a unit in a question


def test_city_of_joint_issuers_run_together():
    from kspolicy.understand.aliases import city_of
    assert city_of("苏州市财政局苏州市科学技术局", "") == "苏州"  # not "局苏州"
    assert city_of("苏州市吴江区人民政府", "") == "吴江区"


def test_a_document_number_set_in_title_type_is_no_part_of_the_title():
    """A PDF sets the issuer, the 文号 and the title in large type on three lines: the title lines join,
    the issuer and the 文号 stay lines of their own (the 文号 read is "江宁政规〔2026〕3号")."""
    from kspolicy.models import Line
    from kspolicy.read.repair import join_lines

    lines = [Line("南京市江宁区人民政府", 1, full=False, title=True), Line("江宁政规〔2026〕3号", 1, full=False, title=True),
             Line("南京市江宁区青年人才", 1, gap_before=True, full=False, title=True),
             Line("租房补贴暂行办法", 1, full=False, title=True)]
    assert [p.text for p in join_lines(lines)] == ["南京市江宁区人民政府", "江宁政规〔2026〕3号", "南京市江宁区青年人才租房补贴暂行办法"]


def test_a_front_matter_line_under_the_title_is_no_part_of_it():
    """Under a centred title, a line with the issuer, the 文号 and the date, and the first line of an
    indented paragraph (which the PDF reader also sees as centred) are no part of the title; the 文号 is
    read from the issuer's line."""
    from kspolicy.models import Line
    from kspolicy.read.repair import join_lines
    from kspolicy.understand.structure import read_meta

    lines = [Line("江都区养老服务体系建设2026—2027年度目标任务表", 1, full=False, title=True),
             Line("扬州市江都区民政局 江都民发〔2026〕12号 2026年3月20日印发", 1, full=False, title=True),
             Line("根据《实施方案》确定的目标任务，现将", 1, full=False, title=True),
             Line("目标任务分解如下。", 1, full=False)]
    paras = join_lines(lines)
    assert paras[0].text == "江都区养老服务体系建设2026—2027年度目标任务表"
    meta = read_meta(paras, "jiangdu")
    assert (meta.title, meta.doc_number) == ("江都区养老服务体系建设2026—2027年度目标任务表", "江都民发〔2026〕12号")


def test_issuer_above_the_number_and_a_signature_before_the_attachment():
    """The issuer set above the 文号 is the issuer; the signature (unit and date) closes the body, before
    the attachment's table, not at the document's end."""
    from kspolicy.models import Para
    from kspolicy.understand.structure import read_meta

    rows = [Para(f"{n}\t任务{n}\t区人社局\t区财政局\t2026年12月底", table=True) for n in range(1, 15)]
    paras = [Para("南京市江宁区人民政府办公室"), Para("江宁政办发〔2026〕8号"),
             Para("南京市江宁区人民政府办公室关于进一步促进青年就业创业的实施意见"), Para("一、总体要求"),
             Para("本意见自2026年3月1日起施行。"), Para("附件：重点任务分工表"), Para("南京市江宁区人民政府办公室"),
             Para("2026年2月10日"), Para("附件"), Para("重点任务分工表"),
             Para("序号\t重点任务\t牵头单位\t配合单位\t完成时限", table=True), *rows]
    meta = read_meta(paras, "x")
    assert (meta.doc_number, meta.issuer, meta.date) == ("江宁政办发〔2026〕8号", "南京市江宁区人民政府办公室", "2026-02-10")


def test_the_sentence_before_the_signing_units_is_no_issuer():
    """A PDF line that runs the notice's last sentence into the signing units: the issuer is the units."""
    from kspolicy.models import Para
    from kspolicy.understand.structure import read_meta

    paras = [Para("常人社规〔2025〕2号"), Para("关于印发《常州市青年人才安居补贴实施细则》的通知"),
             Para("现将《常州市青年人才安居补贴实施细则》印发给你们，请认真贯彻执行。常州市人力资源和社会保障局常州市财政局"),
             Para("2025年2月10日"), Para("第一条 为吸引青年人才，制定本细则。")]
    meta = read_meta(paras, "x")
    assert (meta.issuer, meta.date) == ("常州市人力资源和社会保障局常州市财政局", "2025-02-10")


def test_a_table_right_after_the_attachment_list_is_the_attachment():
    """"附件：重点任务分工表", the table's title and the table, with no "附件" heading between: the table
    is the attachment (cited "附件 第5项"), not part of the list of attachments."""
    from kspolicy.models import Para
    from kspolicy.understand.structure import parse_clauses

    rows = [Para(f"{n}\t任务{n}\t区人社局\t区财政局\t2026年12月底", table=True) for n in range(1, 6)]
    paras = [Para("一、总体要求"), Para("做好养老服务。"), Para("附件：重点任务分工表"),
             Para("鄞州区2026年养老服务提升行动重点任务分工表"),
             Para("序号\t重点任务\t牵头单位\t配合单位\t完成时限", table=True), *rows]
    owned = {c.label: ps for c, ps in parse_clauses(paras, "d", "某某方案")}
    assert [p.text for p in owned["附件列表"]] == ["附件：重点任务分工表"]
    assert owned["附件"][0].text == "鄞州区2026年养老服务提升行动重点任务分工表" and len(owned["附件"]) == 7


def test_targets_set_place_by_place_in_sentences():
    """"海陵区改造城镇老旧小区不少于18个…；高港区…": a text that sets targets place by place gives each
    place's targets that place as scope (the document's own city and words like 根据市… are no place;
    a single sentence opening with a place is not a list of places)."""
    from kspolicy.understand.targets import leading_place, sentence_targets
    from kspolicy.understand.vocab import load_vocabulary

    text = ("各市（区）目标任务如下：海陵区改造城镇老旧小区不少于18个，新增既有住宅加装电梯不少于40台；"
            "兴化市改造城镇老旧小区不少于9个，新增既有住宅加装电梯不少于12台。")
    found = [(t.scope, t.indicator, t.value) for t in sentence_targets(text, "一", "", "d", load_vocabulary(), city="泰州")]
    assert ("海陵区", "改造城镇老旧小区", 18.0) in found and ("兴化市", "新增既有住宅加装电梯", 12.0) in found
    assert leading_place("泰州市计划开工改造城镇老旧小区62个", "泰州", load_vocabulary()) == ""
    assert leading_place("根据市政府部署，新增学位10800个", "泰州", load_vocabulary()) == ""
    single = sentence_targets("张浦镇新增高新技术企业10家。", "一", "", "d", load_vocabulary(), city="昆山")
    assert [t.scope for t in single] == ["全市"]
