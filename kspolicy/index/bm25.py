"""BM25 over inverted lists, scoring only the postings of the query's terms.

The formula is bm25s's default ("lucene" variant, k1 = 1.5, b = 0.75) computed the way
bm25s computes it (float32 IDF times a float64 term-frequency part, stored as float32,
summed in float32 in query-token order), so scores equal those of a bm25s index over
the same chunks. Statistics (number of chunks, document frequency, average length)
are the live chunks' of the whole index, not a segment's: a segment's lists are
scored with global statistics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .postings import Postings

K1 = 1.5
B = 0.75
EMPTY = "∅"  # the token of a chunk without any (bm25s cannot index an empty document)


def idf(df: int, n: int) -> np.float32:
    return np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))


def norms(lengths: np.ndarray, avgdl: float) -> np.ndarray:
    """k1 · (1 − b + b · length / avgdl) per chunk, float64 as bm25s computes it."""
    return K1 * ((1 - B) + B * np.asarray(lengths, dtype=np.float64) / np.float64(avgdl))


def weights(tf: np.ndarray, norm: np.ndarray, term_idf: np.float32) -> np.ndarray:
    """float32 score contribution of one term to each of its chunks."""
    tf64 = np.asarray(tf, dtype=np.float64)
    return (np.float64(term_idf) * (tf64 / (norm + tf64))).astype(np.float32)


def score_lists(postings: Postings, norm: np.ndarray, terms: Sequence[tuple[int, np.float32]],
                allowed: np.ndarray | None, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of every row in the lists of `terms` ((local term id, idf) in query order,
    repeated terms counted again); only rows where `allowed` is True when given."""
    parts = []
    for term, term_idf in terms:
        rows, tf = postings.slice(term)
        if allowed is not None:
            keep = allowed[rows]
            rows, tf = rows[keep], tf[keep]
        if len(rows):
            parts.append((rows, weights(tf, norm[rows], term_idf)))
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    if len(parts) == 1:
        return parts[0]
    total = np.zeros(n_rows, dtype=np.float32)  # zero pages are only touched where a list points
    for rows, w in parts:
        total[rows] += w  # rows of one list are distinct: no np.add.at needed
    touched = np.concatenate([rows for rows, _ in parts])
    last = np.zeros(n_rows, dtype=np.int64)
    positions = np.arange(len(touched), dtype=np.int64)
    last[touched] = positions
    touched = touched[last[touched] == positions]  # each row once
    return touched, total[touched]


def top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best positive (rows, scores), best first; equal scores by row."""
    positive = scores > 0
    rows, scores = rows[positive], scores[positive]
    if len(rows) > k:
        kth = -np.partition(-scores, k - 1)[k - 1]
        near = scores >= kth
        rows, scores = rows[near], scores[near]
    order = np.lexsort((rows, -scores))[:k]
    return rows[order], scores[order]
