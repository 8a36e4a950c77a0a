"""When to refuse: the retrieved evidence for a question is too weak to quote.

Evidence is the best quote's coverage of the question's key terms (jieba words weighted
by IDF; a word the corpus never has weighs most) and the cosine of the closest chunk.
A question is refused when the coverage is under a threshold, when it asks for a number
(or for materials to hand in) and the quote states none, or — for a question in another
language, which has no words to look up — when the cosine is under a threshold. Thresholds depend on the embedder;
they are calibrated by scripts/calibrate.py on in- and out-of-corpus questions over the
multi-document corpus, kept in index/calibration.toml, and recorded in each index's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..index.embed import calibration
from ..text import fold, is_cjk
from .passages import Quote
from .query import Query, cues
from .search import Scored, quoted_phrases


@dataclass(frozen=True)
class Thresholds:
    coverage: float  # key-term coverage a quote needs
    missing: float  # most a quote's context may lack of the key terms the corpus knows
    dense: float  # cosine the closest chunk needs, for a question in another language
    floor: float = 0.0  # cosine the closest chunk needs, for a Chinese question

    @classmethod
    def of(cls, manifest: dict) -> "Thresholds":
        """As recorded when the index was built, else as calibrated for its embedder now."""
        values = manifest.get("calibration") or calibration(manifest.get("model", ""))
        return cls(float(values["coverage"]), float(values.get("missing", 1.0)), float(values["dense"]),
                   float(values.get("floor", 0.0)))


@dataclass(frozen=True)
class Evidence:
    coverage: float  # key-term coverage of the quoted sentences
    missing: float  # share (by weight) of the key terms the corpus knows that the quote's context lacks
    dense: float  # cosine of the closest chunk
    states: bool  # the quote states the kind of thing asked for (a quantity, a material)
    text: str  # the quote with its context: chunk, heading, document title, issuer, city

    @classmethod
    def of(cls, index, found: Quote | None, scored: Scored, terms) -> "Evidence":
        if found is None:
            return cls(0.0, 1.0, scored.best_dense, False, "")
        chunk = index.chunks[found.row]
        doc = index.documents[chunk.doc_id]
        context = f"{chunk.embed_text} {found.text} {doc.title} {doc.issuer} {doc.city} {doc.doc_number}"
        known = [(forms, w) for forms, w in terms if forms[0] in index.token_idf]
        flat = fold(context)
        lacking = sum(w for forms, w in known if not any(fold(f) in flat for f in forms))
        missing = lacking / sum(w for _, w in known) if known else 0.0
        return cls(found.coverage, missing, scored.best_dense, found.states, context)


def key_terms(index, q: Query) -> list[tuple[tuple[str, ...], float]]:
    """Words of the question that a quote must hold, each with the forms that count for it and its
    weight (IDF; a word the corpus never has weighs most). A name the question uses counts in any
    of its written forms (昆山旅游度假区 = 旅度区); a quoted phrase is one word."""
    forms = {name: tuple(table.get(name, [name])) for table, names in ((index.places, q.districts),
                                                                      (index.departments, q.departments))
             for name in names}
    asking = cues().asking
    terms: dict[tuple[str, ...], float] = {}
    tokens = index.tokenizer.tokens(q.content)
    colloquial = cues().colloquial  # 外地 counts in 非本市
    named = [t for t in tokens if t in forms or t in colloquial or (t in asking and len(t) > 2)]
    particles = "".join(cues().particles)
    for token in tokens:
        if token not in index.token_idf and token not in forms:
            token = token.strip(particles)  # jieba's cut of an unknown phrase: "医保费在哪里交" gives 费在
            if len(token) < 2:
                continue
        if token in asking or (token not in forms and any(token in name and token != name for name in named)):
            continue  # a piece of a name or everyday word counts once, with it ("零花" of 零花钱); none of a
            # word of asking ("第一" of 第一次)
        weight = index.token_idf.get(token, index.token_idf_max)
        terms[forms.get(token, (token, *colloquial.get(token, ())))] = weight
    for phrase in quoted_phrases(q.text):
        terms[(phrase,)] = index.token_idf_max
    return sorted(terms.items(), key=lambda item: -item[1])


def judge(q: Query, evidence: Evidence, limits: Thresholds) -> bool:
    """Whether the evidence supports quoting an answer."""
    if not any(is_cjk(ch) for ch in q.text):
        return evidence.dense >= limits.dense
    if (q.asks == "number" or q.measure == "material") and not evidence.states:
        return False
    if q.year and str(q.year) not in evidence.text:
        return False  # "到2030年…": a quote about another year does not answer it
    return evidence.coverage >= limits.coverage and evidence.missing <= limits.missing and \
        evidence.dense >= limits.floor
