"""Issue 7: documents in shapes the seed does not have, against independently written expectations.

Each fixture in tests/fixtures/shapes was written, with its expected facts, by someone
who had not seen the parser: a year-column plan, district tables whose total column is
“全市合计” and placed last, a regulation with prose duties and standards, a Markdown task
table with merged cells, ★ lead marks, “列第一位者为牵头单位”, and target sentences with
distractor numbers.
"""

from __future__ import annotations

import pytest
from shapes import FIXTURES, compare, expected, responsibility_matches, target_matches

from kspolicy.models import Responsibility
from kspolicy.understand.parse import parse_file

# Minimum share of the expected facts found, per fixture (measured values in the README).
RECALL = {
    "year_plan.txt": (1.0, 1.0), "district_total.txt": (1.0, 1.0), "regulation.txt": (1.0, 0.95),
    "task_division.md": (1.0, 1.0), "star_lead.txt": (1.0, 1.0), "first_listed.txt": (1.0, 1.0),
    "sentences.txt": (1.0, 1.0),
}  # (responsibilities, targets)


def indicator_duties(targets) -> list[Responsibility]:
    """Breakdown rows name the unit responsible for each indicator on the target itself."""
    pairs = dict.fromkeys((t.indicator, t.department) for t in targets if t.source == "table" and t.department)
    return [Responsibility(name, tuple(dept.split("、")), "", "") for name, dept in pairs]


def loose_duty(r: Responsibility, e: dict) -> bool:
    """An indicator's unit from a table row: the units must agree, roles are not asked of a target."""
    return not r.clause and [u.replace("★", "") for u in r.departments] == e["departments"]


def scores(name: str):
    path = FIXTURES / name
    parsed = parse_file(path, path.stem, "x")
    want = expected(path)
    duties = list(parsed.responsibilities) + indicator_duties(parsed.targets)
    resp = compare(name, duties, want["responsibilities"],
                   lambda r, e: responsibility_matches(r, e) or loose_duty(r, e))
    targets = compare(name, parsed.targets, want["targets"], target_matches)
    return parsed, resp, targets


@pytest.mark.parametrize("name", sorted(RECALL))
def test_fixture_facts_found(name):
    _, resp, targets = scores(name)
    need_resp, need_targets = RECALL[name]
    assert resp.recall >= need_resp, (resp.found, resp.expected, resp.missing)
    assert targets.recall >= need_targets, (targets.found, targets.expected, targets.missing)


def test_year_columns_and_baselines():
    parsed, _, _ = scores("year_plan.txt")
    table = next(t for t in parsed.tables if t.kind == "breakdown")
    assert table.roles[:4] == ("seq", "indicator", "unit", "value") and table.roles[-1] == "responsible"
    bed = {(t.year, t.kind, t.value) for t in parsed.targets if t.indicator == "每千名老年人拥有养老床位数"}
    assert bed == {(2023, "baseline", 38.5), (2024, "target", 39), (2025, "target", 40), (2026, "target", 41)}
    assert all(t.scope == "全市" for t in parsed.targets if t.source == "table")


def test_total_column_last_and_dashes_are_unassigned():
    parsed, _, _ = scores("district_total.txt")
    cells = [t for t in parsed.targets if t.source == "table"]
    assert {t.scope for t in cells} >= {"全市", "海安市", "崇川区"}
    assert any(t.value is None and t.value_text == "—" for t in cells)
    assert all(t.department for t in cells)


def test_star_marks_the_lead_wherever_it_stands():
    parsed, _, _ = scores("star_lead.txt")
    by_task = {r.task[:8]: r for r in parsed.responsibilities}
    second = next(r for task, r in by_task.items() if task.startswith("推进城市更新"))
    assert (second.lead, second.partners) == (("区住建局",), ("区财政局",))
    assert second.departments == ("区财政局", "区住建局")  # printed order, mark removed


def test_plain_responsibility_list_has_no_lead():
    parsed, _, _ = scores("regulation.txt")
    plain = [r for r in parsed.responsibilities if len(r.departments) == 1 and not r.lead]
    assert plain, "prose duties of a single unit carry no lead"
    together = [r for r in parsed.responsibilities if r.partners]
    assert together and all(r.lead for r in together)  # "X会同Y": X leads, Y takes part


def test_a_vocabulary_change_reparses(tmp_path):
    import shutil

    from kspolicy import PARSER_VERSION, parser_version
    from kspolicy.understand.vocab import FOLDER

    copy = tmp_path / "vocab"
    shutil.copytree(FOLDER, copy)
    assert parser_version(copy) == PARSER_VERSION
    roles = copy / "roles.toml"
    roles.write_text(roles.read_text(encoding="utf-8").replace('lead = ["牵头单位"', 'lead = ["主办部门", "牵头单位"', 1),
                     encoding="utf-8")
    assert parser_version(copy) != PARSER_VERSION


def test_district_short_names_and_signature_at_the_end():
    parsed, _, _ = scores("district_total.txt")
    assert "海安" in parsed.places["海安市"] and "崇川" in parsed.places["崇川区"]  # as users write them
    regulation, _, _ = scores("regulation.txt")
    assert regulation.document.expires or regulation.document.effective  # 施行 / 有效期 read from the text


@pytest.mark.parametrize("sentence, units, task", [
    ("需要开展老年人能力评估的，由区民政部门委托第三方评估机构在15个工作日内完成评估", ("区民政部门",), "委托第三方"),
    ("审核同意的，由区民政部门在申请人所在社区（村）公示5个工作日", ("区民政部门",), "在申请人所在社区"),
    ("建立由市人力资源社会保障局牵头的青年就业创业工作联席会议制度，定期研究解决重大问题", None, ""),
    ("申请补贴，由老年人本人或者其委托的代理人向户籍所在地街道办事处提出书面申请", None, ""),
    ("为深入贯彻落实省委、省政府关于实施城市更新行动的部署要求，持续改善人居环境", None, ""),
])
def test_a_unit_name_takes_no_verb_of_the_sentence(sentence, units, task):
    """委托 and 所在 end no unit (委, 所 are unit endings); 由, 向, 在, 贯彻落实 inside a would-be name
    mean the words before are no unit ("建立由市人社局牵头…" is no duty of a unit "建立由市人社局")."""
    from kspolicy.understand.roles import prose_roles
    from kspolicy.understand.vocab import load_vocabulary
    found = prose_roles(sentence, load_vocabulary())
    if units is None:
        assert found is None or not found[0].departments
    else:
        assert found[0].departments == units and found[1].startswith(task)


def test_a_first_is_lead_cue_inside_a_note_is_no_unit():
    """"（责任单位：A、B、C，列第一位者为牵头单位）" makes A the lead of this task; the cue is no unit."""
    from kspolicy.understand.roles import parse_note
    from kspolicy.understand.vocab import load_vocabulary
    roles = parse_note("（责任单位：市发改委、市商务局、市工信局，列第一位者为牵头单位）", load_vocabulary())
    assert roles.departments == ("市发改委", "市商务局", "市工信局")
    assert roles.lead == ("市发改委",) and roles.partners == ("市商务局", "市工信局")


def test_a_note_of_units_each_responsible_names_no_lead(tmp_path):
    """"（国网镇江供电公司、市自然资源和规划局按职责分工负责）": both units are responsible, neither leads."""
    path = tmp_path / "points.txt"
    path.write_text("某市2026年优化营商环境工作要点\n\n一、降低企业成本\n\n6.降低用能用地成本。对低压小微企业用电"
                    "报装实行“零上门”服务。推行工业用地“标准地”出让。（国网镇江供电公司、市自然资源和规划局按职责分工负责）\n\n"
                    "7.强化融资支持。扩大普惠贷款规模。（市财政局牵头，市地方金融管理局配合）\n", encoding="utf-8")
    parsed = parse_file(path, path.stem, "x")
    roles = {r.departments: (r.lead, r.partners) for r in parsed.responsibilities}
    assert roles[("国网镇江供电公司", "市自然资源和规划局")] == ((), ())
    assert roles[("市财政局", "市地方金融管理局")] == (("市财政局",), ("市地方金融管理局",))


STREET_PLAN = """# 某区2026年就业工作要点

某人社发〔2026〕5号

一、稳定就业

1. 全年新增城镇就业2.8万人，各街道目标任务见附表。（区人社局牵头，区统计局配合）

二、保障措施

各街道要对照附表分解任务。

附表：2026年各街道就业工作主要目标任务

| 街道 | 新增就业人数（人） | 城镇调查失业率（%） | 农村劳动力转移就业（人） |
|---|---|---|---|
| 东山街道 | 6200 | 4.5 | 300 |
| 秣陵街道 | 5100 | 4.5 | 400 |
| 麒麟街道 | 3100 | 4.5 | — |
| 全区合计 | 14400 | 5.0 | 700 |
"""


def test_places_as_rows_are_known_by_their_cells_under_an_附表_heading(tmp_path):
    """A header "街道" names no role the vocabulary knows; the cells (东山街道, 秣陵街道, 全区合计) name
    places, so each row is a place and each value column an indicator with its unit. "附表：2026年…"
    opens an attachment (its text starts with a year, not with a list number)."""
    path = tmp_path / "street_plan.md"
    path.write_text(STREET_PLAN, encoding="utf-8")
    parsed = parse_file(path, path.stem, "x")
    cells = {(t.scope, t.indicator, t.unit, t.value) for t in parsed.targets if t.source == "table"}
    assert ("东山街道", "新增就业人数", "人", 6200) in cells and ("秣陵街道", "城镇调查失业率", "%", 4.5) in cells
    assert ("麒麟街道", "农村劳动力转移就业", "人", None) in cells
    assert {t.clause for t in parsed.targets if t.source == "table"} == {"附表"}
    assert ("全市", "新增就业人数", "人", 14400) in cells  # the total row is the whole area's


def test_a_unit_named_with_its_alias_is_the_unit():
    """"区住房和城乡建设局（以下简称区住建局）负责…": the unit is 区住房和城乡建设局, not the name with its note."""
    from kspolicy.understand.roles import prose_roles
    from kspolicy.understand.vocab import load_vocabulary

    roles, task = prose_roles("区住房和城乡建设局（以下简称区住建局）负责核查申请人的住房情况。", load_vocabulary())
    assert roles.departments == ("区住房和城乡建设局",) and task.startswith("核查申请人")


def test_a_duty_whose_subject_is_followed_by_its_start_date():
    """"区残联自接收到初审意见之日起，应在3个工作日内完成审核": 区残联 reviews, within 3 working days."""
    from kspolicy.understand.roles import prose_roles
    from kspolicy.understand.vocab import load_vocabulary

    roles, task = prose_roles("区残联自接收到初审意见之日起，应在3个工作日内完成审核。", load_vocabulary())
    assert roles.departments == ("区残联",) and roles.deadline == "3个工作日内" and task.endswith("完成审核")
