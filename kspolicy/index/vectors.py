"""A segment's vectors in one FAISS file: exact (flat inner product) below `ANN_MIN` chunks,
approximate above it (IVF-Flat, its lists memory-mapped, with a direct map so vectors can
still be read back by row).

Vectors are float32 and L2-normalised, so inner product is cosine similarity. Files are
read with IO_FLAG_MMAP_IFC: the vectors stay on disk and pages are read as searched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ANN_MIN = 8_192  # chunks in a segment from which search is approximate (IVF)
TRAIN_PER_LIST = 40  # training vectors per IVF list (faiss warns below 39)
NPROBE = 48  # lists probed per question: recall@10 about 0.96 on real embeddings (scripts/bench_recall.py)


def nlist_for(n: int) -> int:
    """IVF lists for n vectors: about 4·√n, with enough vectors per list to train on."""
    return max(1, min(int(4 * math.sqrt(n)), n // TRAIN_PER_LIST))


def nprobe_for(nlist: int) -> int:
    return min(nlist, NPROBE)


def write(path: Path, vectors: np.ndarray, dim: int, ann_min: int | None = None) -> str:
    """Write `vectors` as a FAISS index (IVF from `ann_min` vectors, default ANN_MIN); returns its
    kind ("flat" or "ivf")."""
    import faiss

    ann_min = ANN_MIN if ann_min is None else ann_min

    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    if len(vectors) < ann_min:
        index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(vectors)
        faiss.write_index(index, str(path))
        return "flat"
    nlist = nlist_for(len(vectors))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), nlist * TRAIN_PER_LIST), replace=False)
    index.cp.niter = 10
    index.train(vectors[np.sort(sample)])
    for start in range(0, len(vectors), 65536):
        index.add(vectors[start:start + 65536])
    index.make_direct_map()
    faiss.write_index(index, str(path))
    return "ivf"


@dataclass
class Vectors:
    """An opened vector file: search (optionally excluding or restricting rows) and read back."""

    index: object
    approximate: bool

    @classmethod
    def open(cls, path: Path) -> "Vectors":
        import faiss

        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        ivf = faiss.try_extract_index_ivf(index)
        if ivf is not None:
            ivf.nprobe = nprobe_for(ivf.nlist)
        return cls(index, ivf is not None)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def search(self, query: np.ndarray, k: int, exclude: np.ndarray | None = None,
               only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(local rows, cosines) of the k nearest, best first; rows in `exclude` never, only rows in
        `only` when given."""
        import faiss

        k = min(k, self.count)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        selector = None
        if only is not None:
            selector = faiss.IDSelectorBatch(np.asarray(only, dtype=np.int64))
        elif exclude is not None and len(exclude):
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.asarray(exclude, dtype=np.int64)))
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if selector is None:
            scores, ids = self.index.search(query, k)
        elif self.approximate:
            nprobe = faiss.try_extract_index_ivf(self.index).nprobe
            scores, ids = self.index.search(query, k, params=faiss.SearchParametersIVF(sel=selector, nprobe=nprobe))
        else:
            scores, ids = self.index.search(query, k, params=faiss.SearchParameters(sel=selector))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def read(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of local `rows`."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros((0, self.dim), np.float32)
        return self.index.reconstruct_batch(rows)
