"""`facts --check`: findings drafting staff must resolve before publishing."""

from __future__ import annotations

from conftest import SEED, run_cli

from kspolicy.index.catalog import Catalog
from kspolicy.understand.check import check, findings_text
from kspolicy.index.build import build, resolve


def findings_for(text: str, tmp_path, embedder, name: str = "doc.txt"):
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    (corpus / name).write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "index", embedder)
    catalog = Catalog.open(resolve(tmp_path / "index"))
    try:
        return check(catalog.export_facts())
    finally:
        catalog.close()


def test_seed_findings(seed_index):
    index_dir, _ = seed_index
    catalog = Catalog.open(resolve(index_dir))
    findings = check(catalog.export_facts())
    catalog.close()
    messages = {(f.kind, f.message) for f in findings}
    assert messages == {
        ("only_in", "附件2 第1项 有“新增产值规模超100亿元企业 1 家”，五、1 中没有相同的目标"),
        ("unit", "“新增苏州市级以上首台（套）重大装备”单位不一致：正文为“项”，表中为“个”"),
    }
    result = run_cli("facts", "--check", "--index", str(index_dir))
    assert result.returncode == 0 and result.stdout.startswith("发现 2 处需要核对")


def test_district_sum_and_body_table_mismatch(tmp_path, embedder):
    text = SEED.read_text(encoding="utf-8")
    row = "总体目标\t装备制造产业规模（亿元）\t4000\t1800\t910\t165\t"
    assert row in text
    text = text.replace(row, row.replace("\t165\t", "\t166\t"))
    text = text.replace("新增苏州市级以上“专精特新”企业 40 家。（责任单位", "新增苏州市级以上“专精特新”企业 45 家。（责任单位")
    findings = findings_for(text, tmp_path, embedder)
    kinds = {f.kind: f for f in findings}
    assert kinds["sum"].message == "“装备制造产业规模”各区镇之和为 4001，全市为 4000"
    assert kinds["sum"].citations[0].endswith("附件1")
    mismatch = [f for f in findings if f.kind == "mismatch"]
    assert len(mismatch) == 1 and "“专精特新”企业 45 家" in mismatch[0].message and "40 家" in mismatch[0].message
    assert "数值不一致" in findings_text(findings)


CITY_RENEWAL = """<html><head><title>无锡市人民政府办公室关于下达2025—2027年城市更新重点目标任务的通知</title></head><body>
<h1>无锡市人民政府办公室关于下达2025—2027年城市更新重点目标任务的通知</h1>
<p>锡政办发〔2025〕45号</p>
<p>各区人民政府，市各委办局：</p>
<p>一、到2027年底，累计改造城镇老旧小区180个。各区2027年目标任务见附件。</p>
<p>附件</p>
<p>（全市列分别为2025年、2027年目标，各区列为2027年累计目标）</p>
<table>
<tr><th>序号</th><th>指标</th><th>单位</th><th>2025年</th><th>2027年</th><th>梁溪区</th><th>锡山区</th><th>惠山区</th></tr>
<tr><td>1</td><td>改造城镇老旧小区</td><td>个</td><td>60</td><td>180</td><td>70</td><td>60</td><td>50</td></tr>
<tr><td>2</td><td>城市生活垃圾分类小区覆盖率</td><td>%</td><td>95</td><td>100</td><td>100</td><td>100</td><td>100</td></tr>
</table></body></html>
"""


def test_district_columns_after_year_columns_are_the_latest_year_and_rates_are_not_summed(tmp_path, embedder):
    """District columns beside 2025年 / 2027年 columns are the end of the period (2027), so they add up to
    the 2027 total and no sum finding is raised; a rate (覆盖率 %) is never summed over districts."""
    from kspolicy.understand.parse import parse_file
    path = tmp_path / "renewal.html"
    path.write_text(CITY_RENEWAL, encoding="utf-8")
    targets = parse_file(path, "renewal", "x").targets
    years = {(t.indicator, t.scope): t.year for t in targets if t.source == "table"}
    assert years[("改造城镇老旧小区", "梁溪区")] == 2027 and years[("城市生活垃圾分类小区覆盖率", "惠山区")] == 2027
    assert {t.year for t in targets if t.scope == "全市" and t.indicator == "改造城镇老旧小区"} == {2025, 2027}
    findings = findings_for(CITY_RENEWAL, tmp_path, embedder, "renewal.html")
    assert not [f for f in findings if f.kind == "sum"]
    wrong = findings_for(CITY_RENEWAL.replace("<td>70</td>", "<td>71</td>"), tmp_path / "again", embedder, "renewal.html")
    assert [f.message for f in wrong if f.kind == "sum"] == ["“改造城镇老旧小区”各区镇之和为 181，全市为 180"]


TASKS_WITHOUT_TARGETS = """青山区关于促进青年就业创业的实施意见

青山政办发〔2026〕8号

一、主要措施

1. 扩大见习规模。全年募集就业见习岗位2700个，见习补贴标准为每人每月1800元。（区人社局牵头，区财政局配合）

附件：重点任务分工表

序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t扩大见习规模\t区人社局\t区财政局\t2026年12月底
"""


def test_a_task_row_that_states_no_target_disagrees_with_nothing(tmp_path, embedder):
    """A task table with no target column (task, units, deadline) does not restate the body's numbers:
    the body's targets are not reported as missing from the row."""
    findings = findings_for(TASKS_WITHOUT_TARGETS, tmp_path, embedder)
    assert not [f for f in findings if f.kind == "only_in"]


def test_values_per_head_are_not_summed_over_districts():
    """"每千人口拥有3岁以下婴幼儿托位数" and "人均…" are per head: districts' values are no parts of the total."""
    from kspolicy.understand.check import additive

    assert not additive({"indicator": "每千人口拥有3岁以下婴幼儿托位数", "unit": "个"})
    assert not additive({"indicator": "人均公园绿地面积", "unit": "平方米"})
    assert additive({"indicator": "新增普惠性托位", "unit": "个"})
