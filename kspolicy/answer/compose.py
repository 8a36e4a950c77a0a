"""Answer a question: exact facts where they answer it, else the sentences that do, else `none`.

The question is analysed once (query.py), retrieved once (search.py), then routed by
its intent: who is responsible, a unit's tasks, a target, a district's targets — from
facts (fromfacts.py) — and anything else, or a fact-shaped question no fact answers,
from the best sentences of the retrieved clauses (passages.py). The answer is refused
(`none`) only when the evidence is weak: the best quote holds too little of the
question's key terms, or a number is asked and the quote has none (evidence.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import Answer, Hit
from ..scoring import grams
from ..text import fold, is_cjk
from .evidence import Evidence, Thresholds, judge, key_terms
from .fromfacts import (
    answer_department_tasks,
    answer_district_targets,
    answer_responsibility,
    answer_document,
    answer_target,
    source,
)
from .passages import Quote, covered, quote
from .query import Query, analyse, correct_typos, expand_abbreviations
from .search import Index, Scored, quoted_phrases, score, to_hit

PASSAGES = 8  # retrieved chunks whose sentences are read for a quote
ROWS_PER_TABLE = 3  # supporting hits from one table at most (a table's rows crowd out the clauses)
MAX_QUESTION = 500  # characters of a question that are read
UNKNOWN_WORD = 4  # a word this long that the corpus never has names something it does not cover


def best_quote(index: Index, q: Query, scored: Scored, terms) -> Quote | None:
    """The best sentences among the top retrieved chunks (rank breaks near-ties)."""
    best = None
    question = grams(q.content)
    for rank, candidate in enumerate(diverse(index, scored.candidates, PASSAGES)):
        found = quote(index.chunks[candidate.row], candidate.row, q, terms, question)
        if found is None:
            continue
        value = found.score + 0.15 * candidate.score - 0.01 * rank
        if best is None or value > best[0]:
            best = (value, found)
    return best[1] if best else None


def answer_passage(index: Index, found: Quote) -> Answer:
    chunk = index.chunks[found.row]
    doc = index.documents[chunk.doc_id]
    text = f"{found.text}（{source(index, chunk.doc_id, chunk.label)}）"
    return Answer("passage", text, citation=doc.citation(chunk.label), clause_text=chunk.text)


def by_facts(index: Index, q: Query, scored: Scored):
    """(Answer, rows) from facts for the question's intent, or None."""
    if q.intent == "department_tasks" and q.departments:
        return answer_department_tasks(index, q, scored)
    if q.intent == "district_targets" and q.districts:
        return (answer_target(index, q, scored) if q.topic else None) or answer_district_targets(index, q, scored)
    if q.intent == "target" or (q.districts and q.asks == "number"):
        found = answer_target(index, q, scored)
        if found is None and q.districts and not q.topic:  # "张浦镇的目标": all of them
            found = answer_district_targets(index, q, scored)
        return found
    if q.intent == "responsibility" or (q.intent == "department_tasks" and not q.departments):
        return answer_responsibility(index, q, scored)
    return None


def prepare(index: Index, question: str) -> str:
    """The question as matched: cut to MAX_QUESTION, abbreviations expanded, a one-character typo fixed."""
    question = expand_abbreviations(question.strip()[:MAX_QUESTION])
    return correct_typos(question, index.idf, index.typo_patterns) if any(map(is_cjk, question)) else question


@dataclass(frozen=True)
class Options:
    """What could answer a question: facts (with how much of the question their text covers) and
    the best quote (with its evidence). `decide` picks one; scripts/calibrate.py replays it."""

    facts: tuple[Answer, list[int]] | None
    stated: float  # key-term coverage of a fact answer's own text, names aside
    quote: Quote | None
    evidence: Evidence
    unknown: tuple[str, ...]  # words of four characters or more that the corpus never has ("集成电路")


def options(index: Index, q: Query, scored: Scored) -> Options:
    terms = key_terms(index, q)
    found = best_quote(index, q, scored, terms)
    result = by_facts(index, q, scored)
    stated = 1.0
    topic = [(forms, w) for forms, w in terms if not set(forms) & names_of(index, q)]
    if result is not None and topic and any(map(is_cjk, q.text)):
        answer, rows = result  # facts answer only a question their own text covers (names aside)
        stated = covered(topic, answer.text + " " + " ".join(index.chunks[i].embed_text for i in rows[:8]))
    unknown = tuple(t for t in index.tokenizer.tokens(q.content) if len(t) >= UNKNOWN_WORD
                    and all(map(is_cjk, t)) and t not in index.token_idf)
    return Options(result, stated, found, Evidence.of(index, found, scored, terms), unknown)


def names_of(index: Index, q: Query) -> set[str]:
    """Every written form of the districts and departments the question names."""
    return {f for table, names in ((index.places, q.districts), (index.departments, q.departments))
            for name in names for f in (*table.get(name, []), name)}


def decide(q: Query, o: Options, limits: Thresholds) -> str:
    """facts, passage or none: facts unless a weakly matched task is outdone by a quote; a quote
    only on enough evidence (evidence.judge)."""
    if o.unknown:
        return "none"  # the question is about something no document mentions
    quotable = o.quote is not None and judge(q, o.evidence, limits)
    if o.facts is not None and (o.stated >= limits.coverage or (quotable and o.evidence.coverage <= o.stated)):
        return "facts"
    return "passage" if quotable else "none"


def ask(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question: (answer, supporting hits best first)."""
    asked = question
    question = prepare(index, question)
    q = replace(analyse(question, index.places, index.departments, index.cities, index.token_idf), doc_id=doc_id or "")
    scored = score(index, question, index.embedder.encode_query(question), doc_id)
    hits = top_hits(index, scored, k)
    if q.unknown_place and not index.mentions(q.unknown_place):
        return none_answer(asked), hits  # a town the corpus never mentions
    o = options(index, q, scored)
    choice = decide(q, o, index.thresholds)
    if choice == "none":
        return none_answer(asked), hits
    answer, rows = o.facts if choice == "facts" else (answer_passage(index, o.quote), [o.quote.row])
    if q.about_document and (doc_id or o.quote):  # "这个方案是什么时候、由谁印发的": its metadata first
        about = answer_document(index, q, doc_id or index.chunks[o.quote.row].doc_id)
        if about:
            answer = Answer(answer.kind, f"{about[0].text}{answer.text}", answer.facts, answer.citation, answer.clause_text)
    return answer_with_citation(index, answer, rows, hits, scored, doc_id, question, k)


def answer_with_citation(index: Index, answer: Answer, rows: list[int], hits: list[Hit], scored: Scored,
                         doc_id: str | None, question: str, k: int) -> tuple[Answer, list[Hit]]:
    """The chunks the answer rests on come first among the hits; the answer cites the first."""
    phrases = [fold(p) for p in quoted_phrases(question)]
    lead = [to_hit(index, i, scored.score(i)) for i in rows
            if (not doc_id or index.chunks[i].doc_id == doc_id) and all(p in index.folded[i] for p in phrases)]
    merged = list({h.chunk_id: h for h in [*lead, *hits]}.values())[:k]
    if not answer.citation and merged:
        answer = Answer(answer.kind, answer.text, answer.facts, merged[0].citation, merged[0].text)
    return answer, merged


def diverse(index: Index, candidates, k: int) -> list:
    """The k best candidates, at most ROWS_PER_TABLE rows of one table (the clauses around it count too)."""
    out, per_table = [], {}
    for c in candidates:
        chunk = index.chunks[c.row]
        if chunk.kind == "row":
            key = (chunk.doc_id, chunk.heading)
            per_table[key] = per_table.get(key, 0) + 1
            if per_table[key] > ROWS_PER_TABLE:
                continue
        out.append(c)
        if len(out) == k:
            break
    return out


def top_hits(index: Index, scored: Scored, k: int) -> list[Hit]:
    return [to_hit(index, c.row, c.score) for c in diverse(index, scored.candidates, k)]


def none_answer(question: str) -> Answer:
    shown = question.strip() if len(question.strip()) <= 60 else question.strip()[:60] + "…"
    return Answer("none", f"知识库中没有找到能回答“{shown}”的内容。")
