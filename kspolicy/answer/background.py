"""How common a word is in general Chinese: jieba's dictionary frequencies as a background.

A question's everyday words ("打算", "一直", "儿子") are rare in policy documents, so their IDF
over the corpus is as high as a topic word's, and a quote that rightly lacks them looks weak.
A word's weight is therefore at most the IDF it would have if the chunks were general text of
the same length: a word general text uses often cannot be what singles out a clause.
"""

from __future__ import annotations

import math
from functools import lru_cache

import jieba


@lru_cache(maxsize=1)
def frequencies() -> tuple[dict[str, int], int]:
    """jieba's own dictionary (not an index's user dictionary): word -> frequency, and their total."""
    table: dict[str, int] = {}
    with jieba.get_dict_file() as f:
        for line in f:
            parts = line.decode("utf-8").split() if isinstance(line, bytes) else line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                table[parts[0]] = int(parts[1])
    return table, max(sum(table.values()), 1)


def general_idf(word: str, chunks: int, words_per_chunk: float) -> float | None:
    """The smoothed IDF `word` would have over `chunks` chunks of general text of `words_per_chunk`
    words each; None for a word the dictionary does not know (no evidence that it is common)."""
    table, total = frequencies()
    freq = table.get(word)
    if not freq or chunks <= 0:
        return None
    df = chunks * -math.expm1(-freq / total * max(words_per_chunk, 1.0))  # chunks holding it at least once
    return math.log(1 + (chunks - df + 0.5) / (df + 0.5))


def general_idf_max(chunks: int) -> float:
    """The smoothed IDF of a word in one chunk of `chunks`: the largest a corpus word has."""
    return math.log(1 + (chunks - 1 + 0.5) / (1 + 0.5))
