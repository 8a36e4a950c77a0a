"""Character keys of a chunk, indexed once per segment in one inverted list with flags:

- IDF (1): the character grams of the chunk as answer matching weighs them
  (`scoring.grams` of a row's indicator, or of a clause with its heading); their
  document frequencies give `Index.idf` without reading every chunk at load;
- TEXT (2): the grams of the chunk's own text plus every pair of adjacent CJK characters
  of its folded text, so the chunks that may hold a quoted phrase, a place name or all
  of a question's grams are found from a few lists, then checked exactly;
- QUOTED (4): terms the text puts in quotation marks (“专精特新”), for typo correction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..models import Chunk
from ..scoring import grams
from ..text import fold

IDF, TEXT, QUOTED = 1, 2, 4
QUOTED_TERM = re.compile(r"“([\u4e00-\u9fff]{4,8})”")
CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")

_grams = grams.__wrapped__  # uncached: a build's millions of texts would only evict the answers' names


def pairs(text: str) -> set[str]:
    """Adjacent CJK character pairs of folded `text` (what a phrase of two or more characters holds)."""
    return set(CJK_PAIR.findall(fold(text)))


def chunk_keys(chunk: Chunk) -> Counter:
    """{key: flags} of one chunk."""
    keys: Counter = Counter()
    for key in _grams(chunk.ref or chunk.embed_text):
        keys[key] |= IDF
    for key in _grams(chunk.text) | pairs(chunk.text):
        keys[key] |= TEXT
    for term in set(QUOTED_TERM.findall(chunk.text)):
        keys[term] |= QUOTED
    return keys


def phrase_keys(phrase: str) -> set[str]:
    """Keys every chunk whose folded text contains `phrase` must have (empty: any chunk may)."""
    return pairs(phrase)


def rare_first(keys: Iterable[str], frequency) -> list[str]:
    return sorted(keys, key=frequency)
