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
from collections import Counter
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


SLACK = 1e-5  # relative margin for float32 rounding when comparing a score bound with a reached score


def top_lists(postings: Postings, norm: np.ndarray, terms: Sequence[tuple[int, np.float32]],
              keep: np.ndarray | None, k: int, floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The k best (rows, scores) over the lists of `terms` ((local term id, idf) in query order,
    repeated terms counted again), best first; only rows where `keep` is True when given. Rows
    that cannot reach `floor` (a score k rows elsewhere already have) may be left out.

    MaxScore (Turtle & Flood): a term adds less than its IDF to any row, so lists are read
    rarest first until the IDF left unread is below the k-th best score found; the common
    terms' long lists are then only probed at the rows found. Scores are the exhaustive ones,
    bit for bit (each row's float32 sum in query-token order)."""
    idf_of, times = dict(terms), Counter(term for term, _ in terms)
    bound = {term: n * float(idf_of[term]) for term, n in times.items()}  # what a term adds at most
    unread, reached = sum(bound.values()), floor
    partial = np.zeros(len(norm), dtype=np.float32)  # lower bounds of the scores (pages touched lazily)
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # term -> (rows, weight of one occurrence)

    def add(term: int, rows: np.ndarray, tf: np.ndarray) -> float:
        found[term] = rows, weights(tf, norm[rows], idf_of[term])
        partial[rows] += found[term][1] * np.float32(times[term])
        return unread - bound.pop(term)

    def kth(rows: np.ndarray) -> float:
        return float(np.partition(partial[rows], len(rows) - k)[len(rows) - k]) if len(rows) >= k else 0.0

    def promising(rows: np.ndarray) -> np.ndarray:
        """Which rows can still reach the k-th best score with the terms not yet added."""
        return (partial[rows] + unread) * (1 + SLACK) >= reached * (1 - SLACK)

    for term in sorted(bound, key=lambda t: int(postings.ptr[t + 1] - postings.ptr[t])):
        if unread * (1 + SLACK) < reached * (1 - SLACK):
            break  # a row in none of the lists read cannot reach the k-th best
        listed, tf = postings.slice(term)
        if keep is not None:
            listed, tf = listed[keep[listed]], tf[keep[listed]]
        unread = add(term, listed, tf)
        reached = max(reached, kth(listed))
    rows = np.sort(np.concatenate([r[promising(r)] for r, _ in found.values()] or [np.zeros(0, np.int32)]))
    rows = rows[np.r_[True, rows[1:] != rows[:-1]]] if len(rows) else rows
    for term in sorted(bound, key=bound.__getitem__, reverse=True):  # the common terms: probed at the rows found
        rows = rows[promising(rows)]
        listed, tf = postings.slice(term)
        at = np.minimum(np.searchsorted(listed, rows.astype(listed.dtype)), max(len(listed) - 1, 0))
        hit = listed[at] == rows if len(listed) else np.zeros(len(rows), bool)
        unread = add(term, rows[hit], tf[at[hit]])
        reached = max(reached, kth(rows))
    rows = rows[promising(rows)]
    total = np.zeros(len(norm), dtype=np.float32)
    for term, _ in terms:  # exact scores: each row's float32 sum in query order
        listed, w = found[term]
        total[listed] += w
    return top(rows, total[rows], k)


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
