"""The embedded retrieval backend: segment files in the index folder (segment.py).

Rows: the live chunks of the segments, in segment order (a deleted document's rows are
skipped), numbered 0 … n-1. BM25 statistics (live chunks, document frequency, average
length) are those of the whole index; a deleted document's postings stay in its
segment's lists until a merge and are subtracted from the counts when loading.
A question reads only the lists of its own terms and asks each segment's FAISS index
for its k nearest; the per-segment results are merged into one top k.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from . import bm25, postings, vectors
from .retriever import Batch, Candidates
from .segment import BM25, GRAMS, VECTORS, SegmentSet, write_bm25, write_grams
from .textgrams import IDF, QUOTED, QUOTED_TERM, TEXT, chunk_keys

EXACT_ALLOWED = 4096  # a document filter up to this many chunks: cosines of all of them, exactly
DENSE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense")  # dense search beside BM25


class LocalRetriever:
    """Search over the opened segments of a build."""

    def __init__(self, opened: SegmentSet):
        self.opened = opened
        self.segments, self.parts, self.count = opened.segments, opened.parts, opened.count
        self.term_ids: dict[str, int] = {}
        local_ids, counts = [], []
        for segment, part in zip(self.segments, self.parts):
            ids = np.fromiter((self.term_ids.setdefault(t, len(self.term_ids)) for t in segment.terms.keys),
                              np.int64, len(segment.terms.keys))
            df = segment.terms.counts()
            if part.dead is not None:
                df = df - segment.terms.dead_counts(part.dead)
            local_ids.append(ids)
            counts.append(df)
        self.df = np.zeros(len(self.term_ids), dtype=np.int64)
        self.local_term: list[np.ndarray] = []  # per segment: index term id -> segment term id (-1: absent)
        for ids, df in zip(local_ids, counts):
            np.add.at(self.df, ids, df)
            table = np.full(len(self.term_ids), -1, dtype=np.int32)
            table[ids] = np.arange(len(ids), dtype=np.int32)
            self.local_term.append(table)
        self._grams()
        live_length = sum(int(s.lengths.sum()) if p.dead is None else int(s.lengths[~p.dead].sum())
                          for s, p in zip(self.segments, self.parts))
        self.avgdl = live_length / self.count if self.count else 1.0
        self.norms = [bm25.norms(s.lengths, self.avgdl) for s in self.segments]
        self.alive = [None if p.dead is None else ~p.dead for p in self.parts]  # per segment: rows not deleted

    def _grams(self) -> None:
        """The segments' character keys under one numbering, with live counts of IDF rows."""
        self.gram_ids: dict[str, int] = {}
        local_ids, counts = [], []
        for segment, part in zip(self.segments, self.parts):
            ids = np.fromiter((self.gram_ids.setdefault(g, len(self.gram_ids)) for g in segment.grams.keys),
                              np.int64, len(segment.grams.keys))
            df = np.asarray(segment.gram_df, dtype=np.int64)
            if part.dead is not None:
                idf_rows = (np.asarray(segment.grams.values, dtype=np.int32) & IDF) > 0
                dead = part.dead[segment.grams.rows] & idf_rows
                marked = np.concatenate(([0], np.cumsum(dead, dtype=np.int64)))
                df = df - (marked[segment.grams.ptr[1:]] - marked[segment.grams.ptr[:-1]])
            local_ids.append(ids)
            counts.append(df)
        self.gram_df = np.zeros(len(self.gram_ids), dtype=np.int64)
        self.gram_local: list[np.ndarray] = []
        for ids, df in zip(local_ids, counts):
            np.add.at(self.gram_df, ids, df)
            table = np.full(len(self.gram_ids), -1, dtype=np.int32)
            table[ids] = np.arange(len(ids), dtype=np.int32)
            self.gram_local.append(table)

    def idf_table(self) -> dict[str, float]:
        """Smoothed IDF of every character gram of the live chunks (scoring.idf_table, without the chunks)."""
        n = self.count
        return {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in
                ((g, int(self.gram_df[i])) for g, i in self.gram_ids.items()) if c > 0}

    def key_rows(self, key: str, flag: int = TEXT) -> np.ndarray:
        """Index rows (ascending) of live chunks holding a character key."""
        gid = self.gram_ids.get(key)
        if gid is None:
            return np.zeros(0, np.int64)
        found = []
        for position, (segment, part) in enumerate(zip(self.segments, self.parts)):
            local = int(self.gram_local[position][gid])
            if local < 0:
                continue
            rows, flags = segment.grams.slice(local)
            rows = rows[(np.asarray(flags, dtype=np.int32) & flag) > 0]
            if part.dead is not None:
                rows = rows[~part.dead[rows]]
            found.append(part.to_global(rows))
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def key_size(self, key: str) -> int:
        """Postings of a key over all segments (live or not): how rare it is."""
        gid = self.gram_ids.get(key)
        if gid is None:
            return 0
        return sum(int(s.grams.ptr[t + 1] - s.grams.ptr[t]) for s, table in zip(self.segments, self.gram_local)
                   if (t := int(table[gid])) >= 0)

    def quoted_terms(self) -> set[str]:
        """Terms put in quotation marks by live chunks."""
        return {g for g in self.gram_ids if QUOTED_TERM.fullmatch(f"“{g}”") and len(self.key_rows(g, QUOTED))}

    def vocabulary(self) -> dict[str, int]:
        return {t: int(self.df[i]) for t, i in self.term_ids.items() if self.df[i] > 0}

    def search(self, tokens: Sequence[str], vector: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> Candidates:
        nearest = DENSE_POOL.submit(self.dense_top, vector, k, allowed)  # FAISS releases the GIL: both at once
        b_rows, b_scores = self.bm25_top(tokens, k, allowed)
        d_rows, d_cos = nearest.result()
        lexical = {int(r): float(s) for r, s in zip(b_rows, b_scores)}
        dense = {int(r): float(c) for r, c in zip(d_rows, d_cos)}
        missing = [r for r in lexical if r not in dense]
        if missing:  # BM25 candidates the dense top k did not reach: their cosines, computed directly
            dense.update({r: float(c) for r, c in zip(missing, self.read(missing) @ vector.astype(np.float32))})
        return Candidates(lexical, dense)

    def bm25_top(self, tokens: Sequence[str], k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        ids = [self.term_ids[t] for t in tokens if t in self.term_ids and self.df[self.term_ids[t]] > 0]
        if not ids or not self.count:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        idfs = [bm25.idf(int(self.df[i]), self.count) for i in ids]
        found_rows, found_scores, floor = [], [], 0.0
        for position, (segment, part) in enumerate(zip(self.segments, self.parts)):
            table = self.local_term[position]
            terms = [(int(table[i]), f) for i, f in zip(ids, idfs) if table[i] >= 0]
            keep, alive = self._mask(position, allowed), self.alive[position]
            if alive is not None:
                keep = alive if keep is None else keep & alive
            if not terms or (keep is not None and not keep.any()):
                continue
            rows, scores = bm25.top_lists(segment.terms, self.norms[position], terms, keep, k, floor)
            found_rows.append(part.to_global(rows))
            found_scores.append(scores)
            if len(found_rows) > 1:
                rows, scores = bm25.top(np.concatenate(found_rows), np.concatenate(found_scores), k)
                found_rows, found_scores = [rows], [scores]
            if len(scores) >= k:
                floor = float(scores[k - 1])  # k rows already reach it: a later segment needs more
        if not found_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return found_rows[0], found_scores[0]

    def dense_top(self, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosines) of the k nearest; among `allowed` rows exactly when they are few."""
        if not self.count:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if allowed is not None and len(allowed) <= EXACT_ALLOWED:
            rows = np.asarray(allowed, dtype=np.int64)
            stored = self.read(rows) if len(rows) else np.zeros((0, len(vector)), np.float32)
            cos = stored @ vector.astype(np.float32)
            order = np.argsort(-cos)[:k]
            return rows[order], cos[order]
        found_rows, found_cos = [], []
        for position, (segment, part) in enumerate(zip(self.segments, self.parts)):
            only = None
            if allowed is not None:
                only = self._local_allowed(position, allowed)
                if not len(only):
                    continue
            local, cos = segment.vectors.search(vector, k, exclude=part.dead_rows, only=only)
            found_rows.append(part.to_global(local))
            found_cos.append(cos)
        if len(found_rows) == 1:
            return found_rows[0], found_cos[0]
        rows, cos = np.concatenate(found_rows), np.concatenate(found_cos)
        order = np.lexsort((rows, -cos))[:k]
        return rows[order], cos[order]

    def read(self, rows: Sequence[int]) -> np.ndarray:
        """Stored vectors of index rows, in the order given."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), self.segments[0].vectors.dim if self.segments else 0), dtype=np.float32)
        where = self.opened.positions(rows)
        for position in np.unique(where):
            pick = np.flatnonzero(where == position)
            part = self.parts[position]
            out[pick] = self.segments[position].vectors.read(part.to_local(rows[pick]))
        return out

    def _local_allowed(self, position: int, allowed: np.ndarray) -> np.ndarray:
        part = self.parts[position]
        inside = allowed[(allowed >= part.base) & (allowed < part.base + part.count)]
        return part.to_local(inside)

    def _mask(self, position: int, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        mask = np.zeros(self.segments[position].rows, dtype=bool)
        mask[self._local_allowed(position, allowed)] = True
        return mask


class LocalWriter:
    """Writes the retrieval files of one segment: vectors.faiss, bm25/ (the chunks' tokens as
    postings, with their lengths) and grams/ (textgrams.py). Deleting is recording: the manifest's
    document map is the local backend's list of tombstones (merge.py drops their rows)."""

    def __init__(self, folder: Path, dim: int, ann_min: int | None = None):
        self.folder, self.dim, self.ann_min = folder, dim, ann_min
        self.terms, self.keys = postings.Builder(), postings.Builder("B")
        self.lengths = array("i")
        self.parts: list[np.ndarray] = []
        self.deleted: set[str] = set()

    def add(self, batch: Batch) -> None:
        for chunk, tokens in zip(batch.chunks, batch.tokens):
            bag = Counter(tokens or (bm25.EMPTY,))
            self.lengths.append(sum(bag.values()))
            self.terms.add(bag)
            self.keys.add(chunk_keys(chunk))
        self.parts.append(np.asarray(batch.vectors, dtype=np.float32))

    def delete(self, doc_ids: Collection[str]) -> None:
        self.deleted.update(doc_ids)

    def close(self) -> dict:
        matrix = np.vstack(self.parts) if self.parts else np.zeros((0, self.dim), np.float32)
        self.parts = []
        kind = vectors.write(self.folder / VECTORS, matrix, self.dim, self.ann_min)
        del matrix
        write_bm25(self.folder / BM25, self.terms.finish(), np.frombuffer(self.lengths, np.int32))
        write_grams(self.folder / GRAMS, self.keys.finish())
        return {"chunks": len(self.lengths), "vectors": kind}
