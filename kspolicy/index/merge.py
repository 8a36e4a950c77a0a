"""When segments pile up, merge them (tiers, as Lucene does); drop what deleted documents left.

Each build adds at most a few small segments. Segments are grouped in tiers by their live
chunks (below LEVEL_BASE: tier 0; each further tier FANOUT times larger); when FANOUT
segments share a tier they are merged into one of the next, so there are never more than
about FANOUT segments per tier and a chunk is rewritten about log(n) times over its life.
A segment more than PURGE deleted is rewritten without its deleted rows. Segments of
MAX_SEGMENT / 2 live chunks or more are not merged further (a full build writes segments
of at most MAX_SEGMENT chunks): the memory a merge or a build needs stays bounded.

A merge copies rows, never re-parses, re-tokenises or re-embeds: SQLite rows with
INSERT … SELECT, vectors read back from FAISS, inverted lists renumbered (postings.merge).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import postings, store, vectors
from .segment import BM25, DATABASE, GRAMS, VECTORS, Segment, write_bm25, write_grams

LEVEL_BASE = 2_000
FANOUT = 4
PURGE = 0.3
MAX_SEGMENT = 200_000
TABLES = ("documents", "clauses", "tables", "responsibilities", "targets", "units", "sources")


@dataclass(frozen=True)
class State:
    name: str
    rows: int  # rows written
    live: int  # rows of live documents


def level(live: int) -> int:
    return 0 if live < LEVEL_BASE else int(math.log(live / LEVEL_BASE, FANOUT)) + 1


def plan(states: list[State]) -> list[list[str]]:
    """Groups of segment names to merge, each into one segment (a group of one: a purge)."""
    purged = [s for s in states if s.live and s.rows and (s.rows - s.live) / s.rows > PURGE]
    groups = [[s.name] for s in purged]
    pool: list[tuple[list[str], int]] = [([s.name], s.live) for s in states
                                         if s.live and s not in purged and s.live < MAX_SEGMENT // 2]
    while True:
        tiers: dict[int, list[int]] = {}
        for i, (_, live) in enumerate(pool):
            tiers.setdefault(level(live), []).append(i)
        full = sorted(t for t, members in tiers.items() if len(members) >= FANOUT)
        if not full:
            break
        members = tiers[full[0]]
        merged = ([n for i in members for n in pool[i][0]], sum(pool[i][1] for i in members))
        pool = [p for i, p in enumerate(pool) if i not in members] + [merged]
    return groups + [names for names, _ in pool if len(names) > 1]


def merge(out: Path, sources: list[Segment], live: list[set[str]], dim: int, ann_min: int | None = None) -> dict:
    """Write the live documents of `sources` as one segment in `out`; returns its manifest entry."""
    out.mkdir(parents=True, exist_ok=True)
    new_rows, spans, base = [], [], 0
    for segment, docs in zip(sources, live):
        mapping = np.full(segment.rows, -1, dtype=np.int64)
        for doc_id in segment.span_docs:  # in row order
            if doc_id in docs:
                first, count = segment.spans[doc_id]
                mapping[first:first + count] = np.arange(base, base + count)
                spans.append((segment, doc_id, first, count, base))
                base += count
        new_rows.append(mapping)
    _copy_rows(out / DATABASE, sources, spans)
    matrix = np.zeros((base, dim), dtype=np.float32)
    for segment, mapping in zip(sources, new_rows):
        kept = np.flatnonzero(mapping >= 0)
        for start in range(0, len(kept), 65536):
            part = kept[start:start + 65536]
            matrix[mapping[part]] = segment.vectors.read(part)
    kind = vectors.write(out / VECTORS, matrix, dim, ann_min)
    del matrix
    lengths = np.zeros(base, dtype=np.int32)
    for segment, mapping in zip(sources, new_rows):
        kept = mapping >= 0
        lengths[mapping[kept]] = segment.lengths[kept]
    write_bm25(out / BM25, postings.merge([(s.terms, m) for s, m in zip(sources, new_rows)]), lengths)
    write_grams(out / GRAMS, postings.merge([(s.grams, m) for s, m in zip(sources, new_rows)]))
    return {"chunks": base, "vectors": kind}


def _copy_rows(path: Path, sources: list[Segment], spans: list[tuple]) -> None:
    """SQLite rows of the live documents, chunk rows renumbered."""
    db = store.create(path)
    try:
        db.execute("CREATE TEMP TABLE moved (doc_id TEXT PRIMARY KEY, old INTEGER, new INTEGER)")
        for n, segment in enumerate(sources):
            db.execute("ATTACH DATABASE ? AS src", (str(segment.folder / DATABASE),))
            db.execute("DELETE FROM moved")
            db.executemany("INSERT INTO moved VALUES (?,?,?)",
                           [(d, first, new) for s, d, first, _, new in spans if s is segment])
            with db:
                for table in TABLES:
                    db.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table} WHERE doc_id IN "
                               f"(SELECT doc_id FROM moved)")
                db.execute(f"INSERT INTO main.chunks SELECT c.row - m.old + m.new, {_columns()} "
                           f"FROM src.chunks c JOIN moved m ON c.doc_id = m.doc_id ORDER BY c.row")
                firsts = [dict(db.execute(f"SELECT doc_id, min(rowid) FROM main.{t} WHERE doc_id IN "
                                          f"(SELECT doc_id FROM moved) GROUP BY doc_id"))
                          for t in ("responsibilities", "targets")]
                db.executemany("INSERT INTO spans VALUES (?,?,?,?,?)",
                               [(d, new, count, firsts[0].get(d), firsts[1].get(d))
                                for s, d, _, count, new in spans if s is segment])
            db.execute("DETACH DATABASE src")
        store.finish(db)
    except sqlite3.Error:
        db.close()
        raise
    db.close()


def _columns() -> str:
    """The chunk columns after `row`, read from the source rows."""
    return ", ".join(f"c.{c}" for c in ("chunk_id", "doc_id", "clause_id", "label", "heading", "text", "page", "kind",
                                        "ref", "record", "indicator"))
