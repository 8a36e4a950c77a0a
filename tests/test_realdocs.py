"""Issue 7 on real documents (../shared/realdocs plus the seed in one library).

Every file is read; the talent plan's 44 tasks keep 牵头 and 配合 apart; the
family-doctor plan's 任务分工表 rows carry their own units and its 附件1 indicators
their year targets; titles and 文号 come from the pages.
"""

from __future__ import annotations

from kspolicy.index.catalog import Catalog
from kspolicy.index.build import resolve

TALENT = "guangzhou/gz_talent_633"
DOCTOR = "guangzhou/08_家庭医生实施方案_穗卫函2023-1930号"


def facts(real_index) -> dict:
    catalog = Catalog.open(resolve(real_index[0]))
    try:
        return catalog.export_facts()
    finally:
        catalog.close()


def test_every_real_file_is_indexed(real_index):
    _, index, report = real_index
    assert report.skipped == []
    assert len(index.documents) == 38 + 2 + 1


def test_titles_and_doc_numbers(real_index):
    docs = real_index[1].documents
    assert docs[TALENT].title == "关于推进人才集聚工程的实施意见" and docs[TALENT].doc_number == ""
    assert (docs[DOCTOR].title, docs[DOCTOR].doc_number) == ("推进广州市家庭医生签约服务高质量发展实施方案", "穗卫函〔2023〕1930号")
    housing = docs["guangzhou/11_公共租赁住房保障办法_穗府办规2024-13号"]
    assert (housing.title, housing.doc_number) == ("广州市公共租赁住房管理办法", "穗府办规〔2024〕13号")
    plan = docs["suzhou-excerpts/wj_2024_tasks_partial"]
    assert plan.title == "区政府2024年重点工作目标任务分解落实方案" and plan.city == "吴江区"


def test_talent_plan_leads_and_partners_as_printed(real_index):
    tasks = [r for r in facts(real_index)["responsibilities"] if r["doc_id"] == TALENT]
    assert len(tasks) == 44 and all(r["lead"] for r in tasks)
    first = next(r for r in tasks if r["task"] == "战略性主导产业紧缺人才开发项目")
    assert first["lead"] == ["市发展改革委"]
    assert first["partners"] == ["市委组织部", "市人力资源和社会保障局", "各区、县级市"]  # one placeholder
    housing = next(r for r in tasks if r["task"] == "人才公寓")
    assert (housing["lead"], housing["partners"]) == (["市住房保障办"], ["市规划局", "市国土房管局", "各区、县级市"])
    assert not {"各区", "县级市", "各有关区"} & {u for r in tasks for u in r["departments"]}  # never split in two


def test_family_doctor_task_table_rows_have_their_own_units(real_index):
    rows = [r for r in facts(real_index)["responsibilities"] if r["doc_id"] == DOCTOR and r["clause"].startswith("附件2")]
    assert len(rows) == 39  # one per row of the 任务分工表, merged 序号/工作事项 cells filled down
    third = [r for r in rows if r["clause"] == "附件2 第3项"]
    assert {tuple(r["lead"]) for r in third} == {("各区政府", "市卫生健康委")} and all(not r["partners"] for r in third)
    long_prescription = next(r for r in rows if r["clause"] == "附件2 第6项" and "3个月" in r["content"])
    assert long_prescription["lead"] == ["市医保局", "市卫生健康委", "各区政府"] and long_prescription["partners"] == []
    assert next(r for r in rows if r["clause"] == "附件2 第20项")["partners"] == ["市卫生健康委", "各区政府"]
    review = [r for r in rows if r["clause"] == "附件2 第23项"]
    assert all(r["lead_offices"] == ["考评处"] for r in review)


def test_family_doctor_indicators_have_year_targets(real_index):
    targets = [t for t in facts(real_index)["targets"] if t["doc_id"] == DOCTOR and t["clause"].startswith("附件1")]
    coverage = {(t["year"], t["value"]) for t in targets if t["indicator"] == "重点人群签约服务覆盖率"}
    assert coverage == {(2023, 80), (2035, 95)}
    doctors = {(t["year"], t["value"]) for t in targets if t["indicator"] == "家庭医生人数"}
    assert doctors == {(2023, 4), (2025, 4.66)}


def test_district_table_with_text_values(real_index):
    targets = [t for t in facts(real_index)["targets"] if t["doc_id"] == "suzhou-excerpts/sz_2018_targets_partial"
               and t["source"] == "table"]
    assert len(targets) == 3 * 11
    kunshan = next(t for t in targets if t["indicator"] == "地区生产总值" and t["scope"] == "昆山")
    assert (kunshan["value"], kunshan["value_text"], kunshan["qualifier"], kunshan["year"]) == (7, "7左右", "左右", 2018)
    total = next(t for t in targets if t["indicator"] == "一般公共预算收入" and t["scope"] == "全市")
    assert total["value_text"] == "8以上"  # the 苏州市 column is the total
    flat = next(t for t in targets if t["indicator"] == "全社会固定资产投资" and t["scope"] == "吴中")
    assert (flat["value"], flat["value_text"]) == (None, "与上年持平")


def test_star_marks_the_lead_and_leaders_are_named(real_index):
    rows = [r for r in facts(real_index)["responsibilities"] if r["doc_id"] == "suzhou-excerpts/wj_2024_tasks_partial"]
    gdp = next(r for r in rows if r["task"].startswith("地区生产总值增长"))
    assert (gdp["lead"], gdp["partners"], gdp["leaders"], gdp["clause"]) == (["区发改委"], ["统计局"], ["钱 宇"], "第1项")
    pollution = next(r for r in rows if r["task"].startswith("主要污染物"))
    assert pollution["leaders"] == ["王 嵘", "方 勇"]


def test_docs_json_lists_every_document_with_status(real_index):
    from datetime import date

    catalog = Catalog.open(resolve(real_index[0]))
    docs = {d["doc_id"]: d for d in catalog.export_documents(date(2026, 11, 27))}
    catalog.close()
    assert len(docs) == 41 and all(d["status"] in ("现行有效", "已失效", "被替代", "未知") for d in docs.values())
    housing = docs["guangzhou/11_公共租赁住房保障办法_穗府办规2024-13号"]
    assert housing["doc_number"] == "穗府办规〔2024〕13号" and housing["effective"] and housing["status"] == "现行有效"
