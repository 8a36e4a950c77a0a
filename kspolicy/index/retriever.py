"""The retrieval interface: where chunks' tokens and vectors live and how the best are found.

`answer/search.py` fuses what a `Retriever` returns (BM25 scores and cosines of the
candidates) into ranked passages; facts, clauses and documents are read from the
segments' SQLite files whatever the retriever. The embedded default is `local.LocalRetriever`
(segment files in the index folder); a second backend (Milvus, issue 12) implements the
same protocols: `Retriever.search` answers a question, `Writer.add`/`delete` take a build's changes.

Rows are the index's chunk rows (0 … n-1 over the live chunks, in segment order, as
`Index.chunks` numbers them); a backend that keeps its own ids maps them to rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..models import Chunk


@dataclass(frozen=True)
class Candidates:
    """What retrieval found for one question.

    `bm25`: row -> BM25 score of the k best rows by BM25 (best first, positive scores only);
    `dense`: row -> cosine of the k nearest rows, best first, then of every `bm25` row the k
    nearest did not reach (so each candidate has both readings).
    """

    bm25: dict[int, float]
    dense: dict[int, float]


@dataclass(frozen=True)
class Batch:
    """Chunks to add, each with its tokens (computed once, stored) and its vector."""

    chunks: Sequence[Chunk]
    tokens: Sequence[Sequence[str]]
    vectors: np.ndarray


class Writer(Protocol):
    """Takes a build's changes (local.LocalWriter: one segment's files; Milvus: upserts and deletes)."""

    dim: int

    def add(self, batch: Batch) -> None:
        """New chunks (of added and changed documents), in row order."""
        ...

    def delete(self, doc_ids: Collection[str]) -> None:
        """Documents removed, or replaced by a changed version."""
        ...

    def close(self) -> dict:
        """Make the additions durable; returns what the manifest records about them."""
        ...


class Retriever(Protocol):
    def search(self, tokens: Sequence[str], vector: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> Candidates:
        """The k best rows by BM25 over `tokens` (in question order, repeats count) and the k nearest
        to `vector`; only rows in `allowed` (sorted row numbers) when given."""
        ...

    def vocabulary(self) -> dict[str, int]:
        """Every token of the live chunks with its document frequency."""
        ...
