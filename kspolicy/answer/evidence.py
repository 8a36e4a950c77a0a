"""When to refuse: the retrieved evidence for a question is too weak to quote.

Evidence is the best quote's coverage of the question's key terms (jieba words weighted
by IDF; a word the corpus never has weighs most) and the cosine of the closest chunk.
A question is refused when the coverage is under a threshold, when it asks for a number
and the quote states none, or — for a question in another language, which has no words
to look up — when the cosine is under a threshold. Thresholds depend on the embedder;
they are calibrated by scripts/calibrate.py on in- and out-of-corpus questions over the
multi-document corpus, kept in index/calibration.toml, and recorded in each index's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..index.embed import calibration
from ..text import is_cjk
from .passages import Quote
from .query import Query
from .search import Scored, quoted_phrases


@dataclass(frozen=True)
class Thresholds:
    coverage: float  # key-term coverage a quote needs
    dense: float  # cosine the closest chunk needs, for a question in another language

    @classmethod
    def of(cls, manifest: dict) -> "Thresholds":
        """As recorded when the index was built, else as calibrated for its embedder now."""
        values = manifest.get("calibration") or calibration(manifest.get("model", ""))
        return cls(float(values["coverage"]), float(values["dense"]))


@dataclass(frozen=True)
class Evidence:
    coverage: float
    dense: float
    numbered: bool
    text: str  # the quote, with its chunk

    @classmethod
    def of(cls, found: Quote | None, scored: Scored, context: str = "") -> "Evidence":
        if found is None:
            return cls(0.0, scored.best_dense, False, "")
        return cls(found.coverage, scored.best_dense, found.numbered, f"{found.text} {context}")


def key_terms(index, q: Query) -> list[tuple[str, float]]:
    """Words of the question that a quote must hold, with their weight (IDF; unknown words weigh most).
    Names the question uses (districts, departments) and quoted phrases count as one word each."""
    terms = {t: index.token_idf.get(t, index.token_idf_max) for t in index.tokenizer.tokens(q.content)}
    for phrase in quoted_phrases(q.text):
        terms[phrase] = index.token_idf_max
    return sorted(terms.items(), key=lambda item: -item[1])


def judge(index, q: Query, evidence: Evidence) -> bool:
    """Whether the evidence supports quoting an answer."""
    limits: Thresholds = index.thresholds
    if not any(is_cjk(ch) for ch in q.text):
        return evidence.dense >= limits.dense
    if q.asks == "number" and not evidence.numbered:
        return False
    if q.year and str(q.year) not in evidence.text:
        return False  # "到2030年…": a quote about another year does not answer it
    return evidence.coverage >= limits.coverage
