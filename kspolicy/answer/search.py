"""Load an index into memory and retrieve passages: BM25 (jieba) + dense (FAISS), scores fused.

Everything a question needs is held in memory after `load_index`, so answering
costs one query encoding plus a few array operations.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..index import store
from ..index.embed import Embedder, canonical_name, load_embedder
from ..index.build import FORMAT_VERSION, IndexProblem, resolve
from ..index.verify import DAMAGED, damaged, describe
from ..models import Chunk, Document, Hit, Responsibility, Target
from ..scoring import combine, idf_table
from ..text import fold
from ..index.tokens import Tokenizer

QUOTED = re.compile(r"[\"“”「『‘]([^\"“”「」『』‘’]{1,40})[\"”」』’]")  # not ASCII ' (What's)
BM25_WEIGHT = 1.0  # equal weights: on the evaluation sets 0.3-1.0 for dense changed hit@1 by < 3 points
DENSE_WEIGHT = 1.0


@dataclass
class Index:
    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    responsibilities: tuple[Responsibility, ...]
    targets: tuple[Target, ...]
    places: dict[str, list[str]]
    departments: dict[str, list[str]]
    tokenizer: Tokenizer
    bm25: object
    vectors: object  # faiss index
    embedder: Embedder
    folded: list[str] = field(default_factory=list)  # fold(chunk.text), for quoted phrases
    idf: dict[str, float] = field(default_factory=dict)  # character-gram IDF (a table row counts by its indicator)
    rows: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (doc, label or indicator) -> chunks
    token_idf: dict[str, float] = field(default_factory=dict)  # BM25 vocabulary with IDF, plus known names
    token_idf_max: float = 1.0  # weight of a word the corpus does not contain
    idf_unknown: float = 1.0  # weight of a gram the corpus does not contain: a typical gram's
    weights: dict[str, float] = field(default_factory=dict)  # cache: gram weight of fact names
    by_indicator: dict[str, list[Target]] = field(default_factory=dict)  # targets grouped by indicator name
    by_indicator_citywide: list[Target] = field(default_factory=list)  # the 全市 target of each table row


def check_model(manifest: dict, requested: str | None) -> None:
    """An index is only queried with the model that built it."""
    built_with = manifest.get("model")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexProblem("索引格式版本与当前程序不一致，请运行 python -m kspolicy build 重建索引")
    if requested is not None and canonical_name(requested) != built_with:
        raise IndexProblem(
            f"索引是用模型“{built_with}”构建的，与当前指定的模型“{canonical_name(requested)}”不一致。"
            f"请用同一模型查询，或运行 python -m kspolicy build --model {requested} 重建索引。"
        )


def load_index(index_dir: Path, model: str | None = None, embedder: Embedder | None = None) -> Index:
    """Read a built index; `model` (if given) must be the one the index was built with."""
    try:
        folder = resolve(index_dir)
        bad = damaged(folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")), checksums=False)
        if not bad:
            return _load(folder, model, embedder)
        cause = "缺失或大小不符：" + describe(bad)
    except (sqlite3.Error, RuntimeError, OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        cause = type(exc).__name__
    raise IndexProblem(DAMAGED.format(cause=cause, index=index_dir))


def _load(folder: Path, model: str | None, embedder: Embedder | None) -> Index:
    import bm25s
    import faiss

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    check_model(manifest, model)
    if embedder is None:
        embedder = load_embedder(manifest["model"])
    if embedder.dim != manifest["dimension"]:
        raise IndexProblem(f"模型向量维度 {embedder.dim} 与索引的 {manifest['dimension']} 不一致，请重建索引")
    db = store.open_readonly(folder / "kspolicy.sqlite")
    try:
        documents = {d.doc_id: d for d in store.read_documents(db)}
        chunks = [c for _, c in store.read_chunks(db)]
        places: dict[str, list[str]] = {}
        departments: dict[str, list[str]] = {}
        for p_json, d_json in db.execute("SELECT places, departments FROM documents"):
            for target, source in ((places, json.loads(p_json)), (departments, json.loads(d_json))):
                for name, forms in source.items():
                    target[name] = sorted(set(target.get(name, [])) | set(forms), key=len)
        index = Index(folder, manifest, documents, chunks, store.read_responsibilities(db),
                      store.read_targets(db), places, departments, Tokenizer(folder / "userdict.txt"),
                      bm25s.BM25.load(str(folder / "bm25")), faiss.read_index(str(folder / "vectors.faiss")),
                      embedder, [fold(c.text) for c in chunks], idf_table(c.ref or c.text for c in chunks),
                      chunk_rows(chunks))
    finally:
        db.close()
    index.token_idf = token_idf(index)
    index.token_idf_max = max(index.token_idf.values(), default=1.0)
    index.idf_unknown = float(np.median(list(index.idf.values()))) if index.idf else 1.0
    for t in index.targets:
        index.by_indicator.setdefault(t.indicator, []).append(t)
    index.by_indicator_citywide = [t for t in index.targets if t.scope == "全市"]
    return index


def token_idf(index: Index) -> dict[str, float]:
    """IDF of every BM25 token (document frequency read from the BM25 matrix); names count as known."""
    df = np.diff(index.bm25.scores["indptr"])
    n = max(len(index.chunks), 1)
    out = {token: math.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5))
           for token, i in index.bm25.vocab_dict.items() if token and i < len(df) and df[i] > 0}
    floor = min(out.values(), default=1.0)
    for forms in (*index.places.values(), *index.departments.values()):
        for form in forms:
            for token in index.tokenizer.tokens(form):
                out.setdefault(token, floor)
    return out


def chunk_rows(chunks: list[Chunk]) -> dict[tuple[str, str], list[int]]:
    """Chunks of each clause label, and the table row of each breakdown indicator."""
    from ..understand.facts import split_indicator

    out: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(chunks):
        out.setdefault((c.doc_id, c.label), []).append(i)
        if c.kind == "row" and c.ref:
            out.setdefault((c.doc_id, "indicator:" + split_indicator(c.ref)[0]), []).append(i)
    return out


def quoted_phrases(query: str) -> list[str]:
    return [p.strip() for p in QUOTED.findall(query) if p.strip()]


def bm25_scores(index: Index, query: str) -> np.ndarray:
    vocab = index.bm25.vocab_dict
    tokens = [t for t in index.tokenizer.tokens(query) if t in vocab]
    if not tokens:
        return np.zeros(len(index.chunks), dtype=np.float32)
    return np.asarray(index.bm25.get_scores(tokens), dtype=np.float32)


def dense_scores(index: Index, qvec: np.ndarray) -> np.ndarray:
    if not len(index.chunks):
        return np.zeros(0, dtype=np.float32)
    scores, ids = index.vectors.search(qvec[None, :].astype(np.float32), len(index.chunks))
    out = np.zeros(len(index.chunks), dtype=np.float32)
    out[ids[0]] = scores[0]
    return out


@dataclass(frozen=True)
class Scored:
    """Per-chunk scores of one query, kept for answer selection and abstention."""

    fused: np.ndarray
    dense: np.ndarray  # cosine per chunk: the support of a question in another language
    allowed: np.ndarray  # bool mask: document filter and quoted phrases


def score(index: Index, query: str, qvec: np.ndarray, doc_id: str | None = None) -> Scored:
    bm25 = bm25_scores(index, query)
    dense = dense_scores(index, qvec)
    allowed = np.ones(len(index.chunks), dtype=bool)
    if doc_id:
        allowed &= np.array([c.doc_id == doc_id for c in index.chunks], dtype=bool)
    for phrase in quoted_phrases(query):
        key = fold(phrase)
        allowed &= np.array([key in text for text in index.folded], dtype=bool)
    fused = combine([bm25, dense], [BM25_WEIGHT, DENSE_WEIGHT])
    return Scored(np.where(allowed, fused, -1.0), dense, allowed)


def top_hits(index: Index, scored: Scored, k: int) -> list[Hit]:
    order = [int(i) for i in np.argsort(-scored.fused, kind="stable") if scored.allowed[i]][:k]
    return [to_hit(index, i, float(scored.fused[i])) for i in order]


def to_hit(index: Index, row: int, value: float) -> Hit:
    chunk = index.chunks[row]
    doc = index.documents[chunk.doc_id]
    return Hit(chunk.doc_id, doc.title, chunk.label, doc.citation(chunk.label), chunk.text,
               round(value, 4), chunk.chunk_id, chunk.page, chunk.kind)


def search(index: Index, query: str, k: int = 5, doc_id: str | None = None) -> list[Hit]:
    """Hybrid retrieval, best first; a quoted phrase must occur in every hit."""
    qvec = index.embedder.encode_query(query)
    return top_hits(index, score(index, query, qvec, doc_id), k)
