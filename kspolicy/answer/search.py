"""Load an index and retrieve passages: BM25 (jieba) + dense (FAISS), scores fused.

`load_index` opens the segments of the current build (memory-mapped vectors and inverted
lists, one read-only SQLite connection per segment) and computes what a question needs
from the vocabularies alone (token and gram IDF, typo patterns, fact names); chunks and
facts are read by row or through indexed lookups as questions need them, so neither
loading nor answering reads every chunk or every fact.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..index.build import FORMAT_VERSION, IndexProblem, resolve
from ..index.catalog import Catalog
from ..index.embed import Embedder, canonical_name, load_embedder
from ..index.factlookup import FactLookup
from ..index.layout import open_segments
from ..index.lazy import ChunkView, FoldedView, LazyList, Lookup
from ..index.local import LocalRetriever
from ..index.milvus import MilvusRetriever, StoreProblem, open_retriever
from ..index.textgrams import pairs
from ..index.tokens import Tokenizer
from ..index.verify import DAMAGED, damaged, describe
from ..models import Document, Hit, Responsibility, Target
from ..scoring import grams
from ..text import fold, is_cjk
from .background import general_idf, general_idf_max
from .query import typo_index

QUOTED = re.compile(r"[\"“”「『‘]([^\"“”「」『』‘’]{1,40})[\"”」』’]")  # not ASCII ' (What's)
BM25_WEIGHT = 1.0  # equal weights: on the evaluation sets 0.3-1.0 for dense changed hit@1 by < 3 points
DENSE_WEIGHT = 1.0
RAREST_KEYS = 3  # rarest character keys intersected to narrow phrase and covering lookups


@dataclass
class Index:
    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: ChunkView  # the live chunks by row, read from SQLite as needed
    responsibilities: Sequence[Responsibility]  # read in full only if iterated
    targets: Sequence[Target]
    places: dict[str, list[str]]
    departments: dict[str, list[str]]
    tokenizer: Tokenizer
    retriever: LocalRetriever | MilvusRetriever  # index/retriever.py; grams and vocabulary always local
    catalog: Catalog
    facts: FactLookup
    embedder: Embedder
    folded: FoldedView  # fold(chunk.text) by row, for quoted phrases
    idf: dict[str, float] = field(default_factory=dict)  # character-gram IDF (a table row counts by its indicator)
    rows: Lookup = None  # (doc, label or "indicator:…") -> chunk rows
    token_idf: dict[str, float] = field(default_factory=dict)  # BM25 vocabulary with IDF, plus known names
    token_idf_max: float = 1.0  # weight of a word the corpus does not contain
    words_per_chunk: float = 1.0  # mean BM25 tokens of a live chunk (background.general_idf)
    idf_unknown: float = 1.0  # weight of a gram the corpus does not contain: a typical gram's
    weights: dict[str, float] = field(default_factory=dict)  # cache: gram weight of fact names
    asked: dict = field(default_factory=dict)  # cache: question -> (its grams, its words with weights)
    by_indicator: Lookup = None  # indicator name -> its targets
    by_indicator_citywide: Sequence[Target] = ()  # the 全市 target of each table row
    doc_rows: Lookup = None  # chunk rows of each document
    cities: tuple[str, ...] = ()  # issuing cities and districts of the documents (昆山, 广州, 吴江区)
    typo_patterns: dict[str, str] = field(default_factory=dict)  # "专精特?" -> "专精特新"
    thresholds: object = None  # evidence.Thresholds of the index's embedder (from the manifest)

    # Lookups for answer/fromfacts.py: each gives what a loop over every fact kept, in the same
    # order, reading only the facts that can match (factlookup.py).
    def indicators_sharing(self, text: str) -> list[tuple[str, Sequence[Target]]]:
        """(indicator, its targets) for the indicators whose name (with its unit) shares a gram with `text`."""
        return self.facts.indicators_sharing(text)

    def citywide_sharing(self, text: str, named: Callable[[str], bool] = bool) -> list[Target]:
        """City-wide targets whose indicator shares a gram with `text` (and passes `named`)."""
        return self.facts.citywide_sharing(text, named)

    def citywide_of_unit(self, unit: str) -> list[Target]:
        """City-wide table targets whose 责任单位 lists `unit`."""
        return self.facts.citywide_of_unit(unit)

    def targets_in_scope(self, scope: str) -> list[Target]:
        return self.facts.in_scope(scope)

    def targets_of_clause(self, doc_id: str, clause: str) -> list[Target]:
        return self.facts.of_clause(doc_id, clause)

    def table_scopes(self, doc_id: str = "", cities: Sequence[str] = ()) -> set[str]:
        """Districts (not 全市) of the table targets in the documents a question covers."""
        return self.facts.table_scopes(doc_id, cities)

    def responsibilities_of_units(self, names: Sequence[str]) -> list[Responsibility]:
        """Responsibilities naming any of these units as department, lead, partner or office."""
        return self.facts.of_units(names)

    def responsibilities_near(self, topic: str, scored: "Scored") -> list[Responsibility]:
        """Every responsibility that can score on `topic`: stated by a retrieved chunk, named with a
        gram of the topic, or whose clauses hold all of the topic's grams (or of its words)."""
        keys = set(self.facts.named_like(topic))
        labels = {(c.doc_id, c.label) for c in map(self.chunks.__getitem__, [*scored.by_row, *self.covering_rows(topic)])}
        for doc_id, label in labels:
            keys.update((doc_id, o) for o in self.catalog.by_source(doc_id, label))
        return self.facts.responsibilities_at(keys)

    def covering_rows(self, text: str) -> list[int]:
        """Rows holding the rarest of `text`'s grams (or of its words' character pairs) in the documents
        that hold the rarest few of them."""
        words = [fold(w) for w in self.tokenizer.tokens(text) if any(map(is_cjk, w))]
        opened, found = self.retriever.opened, set()
        for keys in (grams(text), set().union(*map(pairs, words)) if words else set()):
            ranked = sorted(keys, key=self.retriever.key_size)
            if not ranked or not self.retriever.key_size(ranked[0]):
                continue
            rows = self.retriever.key_rows(ranked[0])
            docs = opened.holding(self.responsibility_numbers, rows)
            for key in ranked[1:RAREST_KEYS]:
                if len(docs):
                    docs = opened.holding(docs, self.retriever.key_rows(key))
            found.update(rows[np.isin(opened.document_numbers(rows), docs)].tolist())
        return sorted(found)

    @cached_property
    def responsibility_numbers(self) -> np.ndarray:
        """Numbers (SegmentSet.document_numbers) of the documents with responsibilities."""
        return self.retriever.opened.numbers_of(self.facts.responsibility_docs)

    def phrase_rows(self, phrases: Sequence[str]) -> set[int]:
        """Rows whose folded text contains every phrase (candidates from the rarest character pairs)."""
        keys = sorted(set().union(*(pairs(p) for p in phrases)), key=self.retriever.key_size)
        wanted = [fold(p) for p in phrases]
        if not keys:  # no pair of CJK characters to look up: read every chunk
            return {i for i, text in enumerate(self.folded) if all(w in text for w in wanted)}
        rows = self.retriever.key_rows(keys[0])
        for key in keys[1:RAREST_KEYS]:
            rows = np.intersect1d(rows, self.retriever.key_rows(key), assume_unique=True)
        return {int(i) for i in rows if all(w in self.folded[int(i)] for w in wanted)}

    def quoted(self, question: str) -> list[str]:
        """The quoted phrases of a question that some chunk holds; a phrase none holds paraphrases
        (“居民收入跟经济增长同步”) and is read as words."""
        return [p for p in quoted_phrases(question) if self.mentions(p)]

    def named_documents(self, phrase: str) -> set[str]:
        """Documents a quoted phrase names: in the title, or as the short name a document declares for
        itself or its programme ("（简称“633”人才工程）"); then any clause of theirs may answer."""
        declared = re.compile("简称[“\"]?" + re.escape(fold(phrase)))
        titled = {d for d, doc in self.documents.items() if fold(phrase) in fold(doc.title)}
        return titled | {self.chunks[r].doc_id for r in self.phrase_rows([phrase]) if declared.search(self.folded[r])}

    def phrase_scope(self, phrase: str) -> set[int]:
        """Rows a quoted phrase admits: those holding it, and every row of a document it names."""
        return self.phrase_rows([phrase]).union(*(self.doc_rows.get(d, []) for d in self.named_documents(phrase)))

    def mentions(self, text: str) -> bool:
        """Whether any chunk's folded text contains `text`."""
        return bool(self.phrase_rows([text]))

    def mentions_in(self, doc_id: str, names: Sequence[str]) -> bool:
        """Whether some chunk of the document holds one of the folded `names`."""
        return any(n in self.folded[r] for r in self.doc_rows.get(doc_id, []) for n in names)


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
    except StoreProblem as exc:  # Milvus unreachable or its collection gone
        raise IndexProblem(str(exc)) from None
    except (sqlite3.Error, RuntimeError, OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        cause = type(exc).__name__
    raise IndexProblem(DAMAGED.format(cause=cause, index=index_dir))


def _load(folder: Path, model: str | None, embedder: Embedder | None) -> Index:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    check_model(manifest, model)
    if embedder is None:
        embedder = load_embedder(manifest["model"])
    if embedder.dim != manifest["dimension"]:
        raise IndexProblem(f"模型向量维度 {embedder.dim} 与索引的 {manifest['dimension']} 不一致，请重建索引")
    opened = open_segments(folder, manifest)
    try:
        retriever = open_retriever(opened, manifest)
        catalog = Catalog(opened)
        documents = catalog.documents()
        places: dict[str, list[str]] = {}
        departments: dict[str, list[str]] = {}
        for found in catalog.document_names():
            for target, source in zip((places, departments), found):
                for name, forms in source.items():
                    target[name] = sorted(set(target.get(name, [])) | set(forms), key=len)
        facts = FactLookup(catalog, documents)
    except BaseException:
        opened.close()
        raise
    chunks = ChunkView(catalog, opened.count)
    index = Index(folder, manifest, documents, chunks,
                  LazyList(catalog.responsibilities, lambda: catalog.count("responsibilities")),
                  LazyList(catalog.targets, lambda: catalog.count("targets")), places, departments,
                  Tokenizer(folder / "userdict.txt"), retriever, catalog, facts, embedder, FoldedView(chunks),
                  retriever.idf_table(), Lookup(lambda key: catalog.label_rows(*key)))
    index.token_idf = token_idf(index)
    index.token_idf_max = max(index.token_idf.values(), default=1.0)
    index.words_per_chunk = retriever.avgdl
    index.idf_unknown = float(np.median(list(index.idf.values()))) if index.idf else 1.0
    index.by_indicator = Lookup(facts.by_indicator, lambda: len(facts.indicators), cache=256)
    index.by_indicator_citywide = LazyList(lambda: catalog.targets("scope='全市'"))
    index.doc_rows = Lookup(catalog.doc_rows, lambda: len(documents))
    index.cities = tuple(sorted({d.city for d in documents.values() if d.city}))
    names = {form for table in (places, departments) for forms in table.values() for form in forms}
    index.typo_patterns = typo_index(set(retriever.vocabulary()) | names | retriever.quoted_terms())
    from .evidence import Thresholds  # evidence reads candidates of this module

    index.thresholds = Thresholds.of(manifest)
    return index


def token_idf(index: Index) -> dict[str, float]:
    """IDF of every BM25 token (document frequency over the live chunks); names count as known."""
    n = max(len(index.chunks), 1)
    out = {token: math.log(1 + (n - df + 0.5) / (df + 0.5))
           for token, df in index.retriever.vocabulary().items() if token}
    floor = min(out.values(), default=1.0)
    for forms in (*index.places.values(), *index.departments.values()):
        for form in forms:
            for token in index.tokenizer.tokens(form):
                out.setdefault(token, floor)
    return out


SMALL_CORPUS = 1000  # chunks below which general rarity is read on this many, scaled to the corpus's IDF range


def token_weight(index: Index, token: str) -> float:
    """A question word's weight: its IDF over the chunks (a word they never have weighs most), at most
    the IDF it would have over general text (background.py), so everyday words weigh as such."""
    corpus = index.token_idf.get(token, index.token_idf_max)
    chunks = max(len(index.chunks), SMALL_CORPUS)
    general = general_idf(token, chunks, index.words_per_chunk)
    if general is None:
        return corpus
    return min(corpus, general * index.token_idf_max / general_idf_max(chunks))


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


def score(index: Index, query: str, qvec: np.ndarray, doc_id: str | None = None, k: int = 40) -> Scored:
    """Hybrid retrieval: the top chunks by BM25 and by dense similarity (index.retriever), fused over
    their union (each score scaled by the best one: CombSUM). A document filter and quoted phrases
    restrict which chunks may be returned (a phrase naming a document admits all of its chunks)."""
    phrases = index.quoted(query)
    allowed: set[int] | None = None
    if doc_id:
        allowed = set(index.doc_rows.get(doc_id, []))
    if phrases:
        found = set.intersection(*map(index.phrase_scope, phrases))
        allowed = found if allowed is None else allowed & found
    rows = None if allowed is None else np.array(sorted(allowed), dtype=np.int64)
    found = index.retriever.search(list(index.tokenizer.tokens(query)), qvec, k, rows)
    bm25, dense = found.bm25, found.dense
    union = set(bm25) | set(dense)
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
    """Hybrid retrieval, best first; a quoted phrase must occur in every hit (or name its document)."""
    qvec = index.embedder.encode_query(query)
    return top_hits(index, score(index, query, qvec, doc_id, max(k, 40)), k)
