"""`facts --check`: findings drafting staff must resolve before publishing."""

from __future__ import annotations

from conftest import SEED, run_cli

from kspolicy.index.catalog import Catalog
from kspolicy.understand.check import check, findings_text
from kspolicy.index.build import build, resolve


def findings_for(text: str, tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text(text, encoding="utf-8")
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
