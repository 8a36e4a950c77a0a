"""Scoring maths as small pure functions: score fusion and character n-gram similarity.

Answer selection compares short Chinese strings (indicator names, task names,
sentences) with a question. Character bigrams need no segmentation, so
"首台套重大装备" matches "首台（套）重大装备新增数" whatever jieba does; digit
runs stay whole so "超100亿元" does not match "超10亿元".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from .text import fold

GRAM_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[\u4e00-\u9fff]")


@lru_cache(maxsize=8192)
def grams(text: str) -> frozenset[str]:
    """Character bigrams of CJK runs plus whole numbers and ASCII words (cached: names repeat)."""
    out: set[str] = set()
    segments = text.split()
    for segment in segments:  # no bigram spans a gap left by removed words
        units = GRAM_TOKEN.findall(fold(segment).lower())
        for a, b in zip(units, units[1:]):
            if len(a) == 1 and len(b) == 1 and not a.isascii() and not b.isascii():
                out.add(a + b)
        out.update(u for u in units if u.isascii())
        if len(units) == 1 and len(segments) == 1:  # a stray character left between removed words is noise
            out.add(units[0])
    return frozenset(out)


def idf_table(texts: Iterable[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of every gram in `texts`."""
    docs = [grams(t) for t in texts]
    df = Counter(g for d in docs for g in d)
    n = len(docs)
    return {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in df.items()}


def weight(gs: frozenset[str], idf: dict[str, float], default: float) -> float:
    return sum(idf.get(g, default) for g in gs)


def overlap(query: frozenset[str], target: frozenset[str], idf: dict[str, float], default: float,
            target_weight: float | None = None) -> tuple[float, float]:
    """(precision, recall): share of the target's and of the query's weight they have in common."""
    if not query or not target:
        return 0.0, 0.0
    common = weight(query & target, idf, default)
    t_weight = weight(target, idf, default) if target_weight is None else target_weight
    return common / t_weight, common / weight(query, idf, default)


def f_score(precision: float, recall: float, beta: float = 1.0) -> float:
    if precision <= 0 or recall <= 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] over the corpus for one query (all-equal scores give zeros)."""
    if not len(scores):
        return scores
    low, high = float(scores.min()), float(scores.max())
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def combine(scores: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of min-max normalised scores (CombSUM), in [0, 1]."""
    total = sum(w * minmax(s.astype(np.float64)) for s, w in zip(scores, weights))
    return total / sum(weights)
