"""Recall@10 of the approximate vector index (IVF, vectors.py) against exact search, on real
embeddings: every chunk of the real library, its sentences, clauses and runs of two or three
sentences (distinct texts, about 18,000), encoded with the default encoder; the queries are the
evaluation questions, encoded the same way.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def pieces(index_dir: Path) -> list[str]:
    """Distinct real texts from an index's chunks."""
    from kspolicy.index.build import resolve
    from kspolicy.index.catalog import Catalog

    catalog = Catalog.open(resolve(index_dir))
    out = []
    for chunk in catalog.chunks():
        text = chunk.text
        sentences = [s.strip() for s in re.split(r"(?<=[。；！？\n])", text) if len(s.strip()) >= 8]
        clauses = [p.strip() for p in re.split(r"[，；。]", text) if len(p.strip()) >= 4]
        out += [chunk.embed_text, *sentences, *(a + b for a, b in zip(sentences, sentences[1:])),
                *(a + b + c for a, b, c in zip(sentences, sentences[1:], sentences[2:])),
                *(p.strip() for p in re.split(r"[，、；。：]", text) if len(p.strip()) >= 6),
                *(a + "，" + b for a, b in zip(clauses, clauses[1:]))]
    catalog.close()
    return list(dict.fromkeys(out))


def recall_at(base: np.ndarray, queries: np.ndarray, folder: Path, k: int = 10) -> list[tuple[int, int, float, float]]:
    """(nlist, nprobe, recall@k, ms per query) of the IVF index vectors.py writes, at its nprobe and others."""
    import faiss

    from kspolicy.index import vectors

    exact = faiss.IndexFlatIP(base.shape[1])
    exact.add(base)
    _, truth = exact.search(queries, k)
    vectors.write(folder / "ivf.faiss", base, base.shape[1], ann_min=0)
    ivf = faiss.read_index(str(folder / "ivf.faiss"), faiss.IO_FLAG_MMAP_IFC)
    chosen = vectors.nprobe_for(ivf.nlist)
    out = []
    for nprobe in sorted({max(1, chosen // 4), max(1, chosen // 2), chosen, min(ivf.nlist, chosen * 2)}):
        ivf.nprobe = nprobe
        started = time.perf_counter()
        _, found = ivf.search(queries, k)
        ms = 1000 * (time.perf_counter() - started) / len(queries)
        hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth))
        out.append((ivf.nlist, nprobe, hits / truth.size, ms))
    return out


def recall_report(work: Path) -> str:
    from bench import questions as read_questions
    from kspolicy.index.embed import load_embedder
    from kspolicy.index.vectors import nprobe_for

    encoder = load_embedder(None)
    texts = pieces(work / "chunks-idx")
    questions = read_questions((ROOT / "tests" / "eval").rglob("*_questions.jsonl"))
    base, queries = encoder.encode(texts), encoder.encode(questions)
    lines = [f"Recall@10 of the IVF index against exact search: {len(texts):,} real texts of the real library, "
             f"{len(questions)} evaluation questions, default encoder ({encoder.name}, {encoder.dim}-d).",
             "| nlist | nprobe | recall@10 | ms per query |", "|---|---|---|---|"]
    for nlist, nprobe, recall, ms in recall_at(base, queries, work):
        chosen = " (used)" if nprobe == nprobe_for(nlist) else ""
        lines.append(f"| {nlist} | {nprobe}{chosen} | {recall:.3f} | {ms:.2f} |")
    return "\n".join(lines)
