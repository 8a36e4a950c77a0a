"""Chunking: a clause is one chunk; only long clauses are split (langchain-text-splitters)."""

from __future__ import annotations

from conftest import SEED

from kspolicy.index.chunk import CHUNK_CHARS, MAX_CHARS, clause_chunks, document_chunks
from kspolicy.models import Clause
from kspolicy.understand.parse import parse_file


def test_long_clause_is_split_at_sentences_into_verbatim_pieces():
    parsed = parse_file(SEED, "seed", "x")
    text = "\n".join(c.text for c in parsed.clauses if c.label in ("三、3", "三、4", "三、5", "四、3"))
    assert len(text) > MAX_CHARS
    clause = Clause("d", "S9.I1", "九、1", "九、保障 > 1. 长条款", text)
    chunks = clause_chunks(clause)
    assert len(chunks) >= 3 and len({c.chunk_id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.text in text and len(chunk.text) <= CHUNK_CHARS
        assert chunk.text.endswith(("。", "；", "，")) or chunk is chunks[-1]
        assert chunk.label == "九、1" and chunk.embed_text.startswith("九、保障 > 1. 长条款\n")
    assert chunks[0].text.startswith(text[:20]) and chunks[-1].text.endswith(text[-20:])


def test_seed_chunks():
    parsed = parse_file(SEED, "seed", "x")
    chunks = document_chunks(parsed.clauses, parsed.tables)
    labels = [c.label for c in chunks]
    assert "五、8" in labels and "三" not in labels  # a bare heading carries no text of its own
    rows = [c for c in chunks if c.kind == "row"]
    assert len(rows) == 24 + 10
    row = next(c for c in rows if c.ref.startswith("累计高新技术企业新增数"))
    assert row.text == "\t".join(("创新企业", "累计高新技术企业新增数（家）", "300", "135", "68", "12", "19", "13", "14", "12",
                                  "16", "11", "市科技局"))  # verbatim cells (the merged group cell filled)
    assert row.record == ("装备制造产业创新集群建设实施意见任务分解表（2025 年）｜创新企业｜累计高新技术企业新增数（家）｜"
                        "2025年：300；开发区：135；高新区：68；花桥：12；旅度区：19；张浦：13；周市：14；陆家：12；巴城：16；"
                        "千灯：11｜责任单位：市科技局")
    assert next(c for c in rows if c.label == "附件2 第8项").record.endswith("责任单位：市委人才办、市人社局、市科技局、各区镇")


def test_a_short_clause_without_sub_clauses_is_content():
    """"三、申请材料" with items under it is a bare heading; the items "1、租赁双方当事人身份证明;" are
    as short, but hold the answer and must be chunked (they were once dropped as headings)."""
    clauses = (Clause("d", "S3", "三", "三、申请材料", "三、申请材料"),
               Clause("d", "S3.I1", "三、1", "三、申请材料 > 1、身份证明", "1、租赁双方当事人身份证明;", parent="S3"),
               Clause("d", "S3.I2", "三、2", "三、申请材料 > 2、权属证明", "2、房屋权属证明;", parent="S3"))
    assert [c.label for c in document_chunks(clauses, ())] == ["三、1", "三、2"]
