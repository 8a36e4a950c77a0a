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
from ..scoring import idf_table
from ..text import fold
from ..index.tokens import Tokenizer
from .query import typo_index

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
    doc_rows: dict[str, list[int]] = field(default_factory=dict)  # chunk rows of each document
    cities: tuple[str, ...] = ()  # issuing cities and districts of the documents (昆山, 广州, 吴江区)
    typo_patterns: dict[str, str] = field(default_factory=dict)  # "专精特?" -> "专精特新"
    thresholds: object = None  # evidence.Thresholds of the index's embedder (from the manifest)


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
                      embedder, [fold(c.text) for c in chunks], idf_table(c.ref or c.embed_text for c in chunks),
                      chunk_rows(chunks))
    finally:
        db.close()
    index.token_idf = token_idf(index)
    index.token_idf_max = max(index.token_idf.values(), default=1.0)
    index.idf_unknown = float(np.median(list(index.idf.values()))) if index.idf else 1.0
    for t in index.targets:
        index.by_indicator.setdefault(t.indicator, []).append(t)
    index.by_indicator_citywide = [t for t in index.targets if t.scope == "全市"]
    for row, chunk in enumerate(index.chunks):
        index.doc_rows.setdefault(chunk.doc_id, []).append(row)
    index.cities = tuple(sorted({d.city for d in documents.values() if d.city}))
    names = {form for table in (places, departments) for forms in table.values() for form in forms}
    quoted = {m for c in chunks for m in re.findall(r"“([\u4e00-\u9fff]{4,8})”", c.text)}  # terms: “专精特新”
    index.typo_patterns = typo_index({w for w in index.bm25.vocab_dict if w} | names | quoted)
    from .evidence import Thresholds  # evidence reads candidates of this module

    index.thresholds = Thresholds.of(manifest)
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
    from ..understand.targets import split_indicator

    out: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(chunks):
        out.setdefault((c.doc_id, c.label), []).append(i)
        if c.kind == "row" and c.ref:
            out.setdefault((c.doc_id, "indicator:" + split_indicator(c.ref)[0]), []).append(i)
    return out


def quoted_phrases(query: str) -> list[str]:
    return [p.strip() for p in QUOTED.findall(query) if p.strip()]


@dataclass(frozen=True)
class Candidate:
    """One retrieved chunk: its fused score (in [0, 1], monotone with rank) and the evidence behind it."""

    row: int
    score: float
    bm25: float  # BM25 relative to the best chunk's (0..1)
    dense: float  # cosine similarity to the question


@dataclass(frozen=True)
class Scored:
    """The candidates of one question, best first, with a lookup by chunk row."""

    candidates: tuple[Candidate, ...]
    by_row: dict[int, Candidate]

    def score(self, row: int) -> float:
        found = self.by_row.get(row)
        return found.score if found else 0.0

    @property
    def best_dense(self) -> float:
        return max((c.dense for c in self.candidates), default=-1.0)


def bm25_top(index: Index, tokens: list[str], k: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the k best chunks by BM25 (only those in `mask` when given)."""
    if not tokens or not len(index.chunks):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores = np.asarray(index.bm25.get_scores(tokens), dtype=np.float32)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(k, len(scores))
    rows = np.argpartition(-scores, k - 1)[:k]
    rows = rows[scores[rows] > 0]
    return rows, scores[rows]


def dense_top(index: Index, qvec: np.ndarray, k: int, rows: list[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosines) of the k nearest chunks (among `rows` when given: a document filter)."""
    if not len(index.chunks):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    if rows is not None:
        vectors = index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64)) if rows else np.zeros((0, len(qvec)))
        cos = vectors @ qvec.astype(np.float32)
        order = np.argsort(-cos)[:k]
        return np.asarray(rows, dtype=np.int64)[order], cos[order]
    scores, ids = index.vectors.search(qvec[None, :].astype(np.float32), min(k, len(index.chunks)))
    keep = ids[0] >= 0
    return ids[0][keep], scores[0][keep]


def phrase_rows(index: Index, phrases: list[str]) -> set[int]:
    keys = [fold(p) for p in phrases]
    return {i for i, text in enumerate(index.folded) if all(key in text for key in keys)}


def score(index: Index, query: str, qvec: np.ndarray, doc_id: str | None = None, k: int = 40) -> Scored:
    """Hybrid retrieval: the top chunks by BM25 and by dense similarity, fused over their union
    (each score scaled by the best one: CombSUM). A document filter and quoted phrases restrict
    which chunks may be returned."""
    phrases = quoted_phrases(query)
    allowed: set[int] | None = None
    if doc_id:
        allowed = set(index.doc_rows.get(doc_id, []))
    if phrases:
        found = phrase_rows(index, phrases)
        allowed = found if allowed is None else allowed & found
    mask = None
    if allowed is not None:
        mask = np.zeros(len(index.chunks), dtype=bool)
        mask[list(allowed)] = True
    tokens = [t for t in index.tokenizer.tokens(query) if t in index.bm25.vocab_dict]
    b_rows, b_scores = bm25_top(index, tokens, k, mask)
    d_rows, d_cos = dense_top(index, qvec, k, sorted(allowed) if allowed is not None else None)
    bm25 = {int(r): float(s) for r, s in zip(b_rows, b_scores)}
    dense = {int(r): float(c) for r, c in zip(d_rows, d_cos)}
    union = set(bm25) | set(dense)
    missing = [r for r in union if r not in dense]
    if missing:  # BM25 candidates the dense top-k did not reach: their cosine, computed directly
        vectors = index.vectors.reconstruct_batch(np.asarray(missing, dtype=np.int64))
        dense.update({r: float(c) for r, c in zip(missing, vectors @ qvec.astype(np.float32))})
    top_b = max(bm25.values(), default=0.0) or 1.0
    cos = [dense[r] for r in union]
    high, low = (max(cos), min(cos)) if cos else (1.0, 0.0)
    span = (high - low) or 1.0
    ranked = sorted((Candidate(r, BM25_WEIGHT * bm25.get(r, 0.0) / top_b + DENSE_WEIGHT * (dense[r] - low) / span,
                               bm25.get(r, 0.0) / top_b, dense[r]) for r in union),
                    key=lambda c: (-c.score, c.row))
    total = BM25_WEIGHT + DENSE_WEIGHT
    ranked = [Candidate(c.row, round(c.score / total, 6), c.bm25, c.dense) for c in ranked]
    return Scored(tuple(ranked), {c.row: c for c in ranked})


def top_hits(index: Index, scored: Scored, k: int) -> list[Hit]:
    return [to_hit(index, c.row, c.score) for c in scored.candidates[:k]]


def to_hit(index: Index, row: int, value: float) -> Hit:
    chunk = index.chunks[row]
    doc = index.documents[chunk.doc_id]
    return Hit(chunk.doc_id, doc.title, chunk.label, doc.citation(chunk.label), chunk.text,
               round(value, 4), chunk.chunk_id, chunk.page, chunk.kind)


def search(index: Index, query: str, k: int = 5, doc_id: str | None = None) -> list[Hit]:
    """Hybrid retrieval, best first; a quoted phrase must occur in every hit."""
    qvec = index.embedder.encode_query(query)
    return top_hits(index, score(index, query, qvec, doc_id, max(k, 40)), k)
