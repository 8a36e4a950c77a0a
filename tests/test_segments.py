"""Issue 11: an index in segments. Builds cost what changed (a no-op reads no document, an added
document leaves the other segments' files as they are), merges keep answers identical to a fresh
build, BM25 over postings equals bm25s, and fact lookups return what loops over every fact did.
The cheap hashing embedder stands in for the encoder: these tests are about the index.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import numpy as np
from conftest import SEED, make_corpus, run_cli, variant

import kspolicy.index.merge as merge
from kspolicy.answer.compose import ask
from kspolicy.answer.search import load_index
from kspolicy.index import bm25, postings, store, vectors
from kspolicy.index.build import build, read_manifest, resolve
from kspolicy.scoring import grams

QUESTIONS = ["花桥的高新技术企业新增目标是多少", "人才引进由哪些部门负责？", "市科技局牵头哪些任务？",
             "周市镇2025年有哪些目标？", "汽车及零部件重点聚焦哪两个细分领域？", "哪个区镇的高新技术企业新增目标最多",
             "“首台（套）”重大装备有什么支持", "昆山市2021年GDP是多少？"]


def answers(index_dir, embedder) -> list:
    index = load_index(index_dir, embedder=embedder)
    out = []
    for question in QUESTIONS:
        answer, hits = ask(index, question, k=8)
        out.append((answer.kind, answer.text, answer.facts, [(h.doc_id, h.clause, h.score) for h in hits]))
    return out


def test_bm25_over_postings_equals_bm25s():
    import bm25s

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    corpus = [list(rng.choice(words, size=int(rng.integers(1, 30)))) for _ in range(300)] + [["∅"]]
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    lists = postings.build(Counter(doc) for doc in corpus)
    ids = {k: i for i, k in enumerate(lists.keys)}
    lengths = np.array([len(doc) for doc in corpus])
    norm = bm25.norms(lengths, lengths.sum() / len(corpus))
    df = lists.counts()
    for query in (["w1"], ["w2", "w7", "w2", "w39"], ["w5", "w6", "w7", "w8", "w9", "w10"]):
        expected = np.asarray(reference.get_scores(query), dtype=np.float32)
        terms = [(ids[t], bm25.idf(int(df[ids[t]]), len(corpus))) for t in query]
        rows, scores = bm25.top_lists(lists, norm, terms, None, len(corpus))
        found = np.zeros(len(corpus), np.float32)
        found[rows] = scores
        assert np.array_equal(found, expected)  # bit for bit
        for k in (1, 3, 10):  # pruned (MaxScore) top k: the exhaustive top k, same order
            everything = np.lexsort((np.arange(len(corpus)), -expected))
            best = [int(r) for r in everything[:k] if expected[r] > 0]
            assert bm25.top_lists(lists, norm, terms, None, k)[0].tolist() == best
        keep = np.arange(len(corpus)) % 3 > 0  # a filter: only kept rows, still exact
        kept = np.where(keep, expected, 0)
        best = [int(r) for r in np.lexsort((np.arange(len(corpus)), -kept))[:5] if kept[r] > 0]
        assert bm25.top_lists(lists, norm, terms, keep, 5)[0].tolist() == best
        ceiling = sum(float(f) for _, f in terms)  # no row can score more than the summed IDF
        assert not len(bm25.top_lists(lists, norm, terms, None, 5, floor=ceiling * 1.01)[0])


def test_postings_merge_drops_deleted_rows_and_renumbers():
    a = postings.build([["x", "y"], ["y"], ["z"]])
    b = postings.build([["y", "q"], ["x"]])
    merged = postings.merge([(a, np.array([0, -1, 1])), (b, np.array([2, 3]))])
    rows = {k: merged.slice(i)[0].tolist() for i, k in enumerate(merged.keys)}
    assert rows == {"x": [0, 3], "y": [0, 2], "z": [1], "q": [2]}


def test_merge_plan_tiers_and_purges():
    small = [merge.State(f"s{i}", 30, 30) for i in range(merge.FANOUT)]
    assert merge.plan(small) == [[s.name for s in small]]
    assert merge.plan(small[:-1]) == []
    big = merge.State("big", merge.MAX_SEGMENT, merge.MAX_SEGMENT)
    assert merge.plan([big, *small[:-1]]) == []  # the large segment is not rewritten for small ones
    assert merge.plan([merge.State("holed", 1000, 500)]) == [["holed"]]  # half deleted: purged
    assert merge.plan([merge.State("gone", 100, 0)]) == []  # nothing live: dropped, not merged


def test_incremental_builds_with_merges_answer_as_a_fresh_build(tmp_path, hashing, monkeypatch):
    monkeypatch.setattr(merge, "LEVEL_BASE", 50)
    monkeypatch.setattr(merge, "FANOUT", 2)
    corpus, index_dir = make_corpus(tmp_path / "corpus", SEED), tmp_path / "index"
    build(corpus, index_dir, hashing)
    for n in range(1, 5):
        (corpus / f"政策{n}.txt").write_text(variant(n), encoding="utf-8")
        build(corpus, index_dir, hashing)
    (corpus / "政策2.txt").write_text(variant(2, "\n附件3\n说明：由市发改委负责解释。\n"), encoding="utf-8")
    assert build(corpus, index_dir, hashing).changed == ["政策2"]
    (corpus / "政策3.txt").unlink()
    assert build(corpus, index_dir, hashing).removed == ["政策3"]
    manifest = read_manifest(index_dir)
    assert manifest["next_segment"] > len(manifest["segments"])  # segments were merged
    fresh = tmp_path / "fresh"
    build(corpus, fresh, hashing)
    incremental, rebuilt = load_index(index_dir, embedder=hashing), load_index(fresh, embedder=hashing)
    assert len(incremental.chunks) == len(rebuilt.chunks) == read_manifest(fresh)["chunks"]
    assert (incremental.idf, incremental.token_idf) == (rebuilt.idf, rebuilt.token_idf)
    assert answers(index_dir, hashing) == answers(fresh, hashing)
    facts = json.loads(run_cli("facts", "--index", str(index_dir), "--json").stdout)
    assert facts == json.loads(run_cli("facts", "--index", str(fresh), "--json").stdout)
    docs = json.loads(run_cli("docs", "--index", str(index_dir), "--json").stdout)
    assert sorted(d["doc_id"] for d in docs) == sorted([SEED.stem, "政策1", "政策2", "政策4"])


def test_a_no_op_build_reads_no_document_and_no_index_file_again(tmp_path, hashing, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    (corpus / "政策1.txt").write_text(variant(1), encoding="utf-8")
    index_dir = tmp_path / "index"
    build(corpus, index_dir, hashing)
    build(corpus, index_dir, hashing)  # verifies every file once and remembers it (checked.json)

    def forbidden(*args, **kwargs):
        raise AssertionError("read during a no-op build")

    for target in ("kspolicy.index.corpus.sha256_of", "kspolicy.index.verify.sha256_of",
                   "kspolicy.index.store.read_parsed", "kspolicy.index.store.read_chunks",
                   "kspolicy.read.worker.Worker.run", "kspolicy.index.segment.Segment.open"):
        monkeypatch.setattr(target, forbidden)
    report = build(corpus, index_dir, hashing)
    assert sorted(report.unchanged) == sorted([SEED.stem, "政策1"]) and report.chunks_embedded == 0


def test_adding_a_document_writes_only_that_document(tmp_path, hashing, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    index_dir = tmp_path / "index"
    build(corpus, index_dir, hashing)
    before = resolve(index_dir)
    written = []
    original = store.write_parsed
    monkeypatch.setattr(store, "write_parsed", lambda db, parsed: written.append(parsed.document.doc_id)
                        or original(db, parsed))
    (corpus / "政策1.txt").write_text(variant(1), encoding="utf-8")
    report = build(corpus, index_dir, hashing)
    after = resolve(index_dir)
    assert report.added == ["政策1"] and written == ["政策1"]
    assert report.chunks_embedded == read_manifest(index_dir)["documents"]["政策1"]["chunks"]
    for name in ("kspolicy.sqlite", "vectors.faiss", "bm25/rows.npy", "grams/rows.npy"):  # hard links
        assert os.stat(after / name).st_ino == os.stat(before / name).st_ino
    segments = read_manifest(index_dir)["segments"]
    assert len(segments) == 2 and (after / "segments" / segments[1]["name"] / "kspolicy.sqlite").is_file()
    answer, hits = ask(load_index(index_dir, embedder=hashing), "花桥的高新技术企业新增目标是多少",
                       doc_id="政策1")
    assert "昆政办发〔2023〕1号" in answer.text and {h.doc_id for h in hits} == {"政策1"}


def test_a_removed_document_is_never_answered_and_leaves_with_a_merge(tmp_path, hashing):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    index_dir = tmp_path / "index"
    for n in (1, 2, 3):
        (corpus / f"政策{n}.txt").write_text(variant(n), encoding="utf-8")
    build(corpus, index_dir, hashing)
    (corpus / "政策1.txt").unlink()
    assert build(corpus, index_dir, hashing).removed == ["政策1"]
    manifest = read_manifest(index_dir)
    assert manifest["segments"][0]["chunks"] * 3 == manifest["chunks"] * 4  # a tombstone, not a rewrite
    index = load_index(index_dir, embedder=hashing)
    assert len(index.chunks) == manifest["chunks"] and "政策1" not in index.documents
    for question in QUESTIONS:
        answer, hits = ask(index, question, k=20)
        assert all(h.doc_id != "政策1" for h in hits) and all(f["doc_id"] != "政策1" for f in answer.facts)
    assert all(t.doc_id != "政策1" for t in index.targets)
    (corpus / "政策2.txt").unlink()
    build(corpus, index_dir, hashing)  # now half of the segment is deleted: it is rewritten without them
    manifest = read_manifest(index_dir)
    assert [s["chunks"] for s in manifest["segments"]] == [manifest["chunks"]]
    assert answers(index_dir, hashing) == answers(index_dir, hashing)


def test_fact_lookups_return_what_loops_over_every_fact_returned(seed_index):
    _, index = seed_index
    targets, responsibilities = list(index.targets), list(index.responsibilities)
    by_indicator: dict[str, list] = {}
    for t in targets:
        by_indicator.setdefault(t.indicator, []).append(t)
    for text in ("高新技术企业新增", "人才引进", "首台套重大装备", "亿元", "石墨烯", ""):
        shared = [(name, ts) for name, ts in by_indicator.items()
                  if grams(text) & (grams(name) | grams(f"{name}（{ts[0].unit}）"))]
        assert [(name, list(ts)) for name, ts in index.indicators_sharing(text)] == shared
        assert index.citywide_sharing(text) == [t for t in targets if t.scope == "全市" and grams(text) & grams(t.indicator)]
    for unit in ("市科技局", "市工信局", "各区镇", "没有的单位"):
        assert index.responsibilities_of_units([unit]) == [
            r for r in responsibilities if unit in (*r.departments, *r.lead, *r.partners, *r.offices, *r.lead_offices)]
        assert index.citywide_of_unit(unit) == [t for t in targets if t.scope == "全市" and t.source == "table"
                                                and unit in t.department.split("、")]
    for scope in ("花桥", "周市", "全市"):
        assert index.targets_in_scope(scope) == [t for t in targets if t.scope == scope]
    assert index.table_scopes() == {t.scope for t in targets if t.source == "table" and t.scope != "全市"}
    r = responsibilities[0]
    assert index.targets_of_clause(r.doc_id, r.clause) == [t for t in targets if (t.doc_id, t.clause) == (r.doc_id, r.clause)]


def test_phrases_and_place_names_are_found_without_reading_every_chunk(seed_index, monkeypatch):
    _, index = seed_index
    texts = [(i, c.text) for i, c in enumerate(index.chunks)]
    from kspolicy.text import fold
    for phrase in ("首台（套）", "昆科贷", "高新技术企业", "花桥", "没有这句话"):
        expected = {i for i, text in texts if fold(phrase) in fold(text)}
        monkeypatch.setattr(type(index.folded), "__iter__", lambda self: (_ for _ in ()).throw(AssertionError))
        assert index.phrase_rows([phrase]) == expected
        assert index.mentions(phrase) == bool(expected)


def test_segments_above_the_threshold_search_an_ivf_index(tmp_path, hashing, monkeypatch):
    monkeypatch.setattr(vectors, "ANN_MIN", 100)
    corpus = make_corpus(tmp_path / "corpus", SEED)
    (corpus / "政策1.txt").write_text(variant(1), encoding="utf-8")
    index_dir = tmp_path / "index"
    build(corpus, index_dir, hashing)
    assert [s["vectors"] for s in read_manifest(index_dir)["segments"]] == ["ivf"]
    monkeypatch.setattr(vectors, "ANN_MIN", 10 ** 9)
    flat = tmp_path / "flat"
    build(corpus, flat, hashing)
    assert [s["vectors"] for s in read_manifest(flat)["segments"]] == ["flat"]
    assert answers(index_dir, hashing) == answers(flat, hashing)  # few lists, all probed: exact


def test_a_unit_or_district_in_many_documents_is_answered_from_the_most_relevant(tmp_path, hashing):
    """Twelve documents give 市科技局 tasks and 张浦镇 targets: the answer lists the ten most relevant
    documents (one table for a district) and counts the rest, instead of growing with the library."""
    from kspolicy.answer.fromfacts import MAX_DOCUMENTS

    corpus = make_corpus(tmp_path / "corpus", SEED)
    for n in range(1, 12):
        (corpus / f"政策{n}.txt").write_text(variant(n), encoding="utf-8")
    index_dir = tmp_path / "index"
    build(corpus, index_dir, hashing)
    index = load_index(index_dir, embedder=hashing)
    answer, _ = ask(index, "市科技局负责哪些工作？")
    assert answer.kind == "department_tasks"
    assert answer.text.count("中市科技局负责的共") == MAX_DOCUMENTS and "另有 2 份文件中也有市科技局的任务" in answer.text
    assert len({f["doc_id"] for f in answer.facts}) == MAX_DOCUMENTS
    answer, _ = ask(index, "张浦镇在目标分解表里承担哪些指标？")
    assert answer.kind == "district_targets" and "另有 11 份文件也为张浦分解了目标" in answer.text
    assert len({f["doc_id"] for f in answer.facts}) == 1 and answer.text.count("昆政办发") == 1


def test_name_lookup_keeps_the_names_sharing_most_when_a_limit_is_set():
    from kspolicy.index.factlookup import NameGrams

    names = NameGrams([("人才引进",), ("人才公寓",), ("人才住房",), ("引进外资",), ("公共服务平台",)])
    assert names.sharing("人才引进工作").tolist() == [0, 1, 2, 3]
    assert names.sharing("人才引进工作", limit=1).tolist() == [0]  # shares 人才, 才引 and 引进
    assert names.sharing("人才引进工作", limit=2).tolist() == [0, 3]  # 引进 is rarer than 人才
