"""Answer a question: exact facts where they answer it, else the sentences that do, else `none`.

The question is analysed once (query.py), retrieved once (search.py), then routed by
its intent: who is responsible, a unit's tasks, a target, a district's targets — from
facts (fromfacts.py) — and anything else, or a fact-shaped question no fact answers,
from the best sentences of the retrieved clauses (passages.py). The answer is refused
(`none`) only when the evidence is weak: the best quote holds too little of the
question's key terms, or a number is asked and the quote has none (evidence.py).
"""

from __future__ import annotations

from dataclasses import replace

from ..models import Answer, Hit
from ..text import fold, is_cjk
from .evidence import Evidence, judge, key_terms
from .fromfacts import (
    answer_department_tasks,
    answer_district_targets,
    answer_responsibility,
    answer_target,
    source,
)
from .passages import Quote, covered, quote
from .query import Query, analyse, correct_typos, expand_abbreviations
from .search import Index, Scored, quoted_phrases, score, to_hit

PASSAGES = 8  # retrieved chunks whose sentences are read for a quote
ROWS_PER_TABLE = 3  # supporting hits from one table at most (a table's rows crowd out the clauses)
MAX_QUESTION = 500  # characters of a question that are read


def best_quote(index: Index, q: Query, scored: Scored, terms) -> Quote | None:
    """The best sentences among the top retrieved chunks (rank breaks near-ties)."""
    best = None
    for rank, candidate in enumerate(scored.candidates[:PASSAGES]):
        found = quote(index.chunks[candidate.row], candidate.row, q, terms)
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


def ask(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question: (answer, supporting hits best first)."""
    asked = question
    question = prepare(index, question)
    q = replace(analyse(question, index.places, index.departments, index.cities, index.token_idf), doc_id=doc_id or "")
    scored = score(index, question, index.embedder.encode_query(question), doc_id)
    terms = key_terms(index, q)
    hits = top_hits(index, scored, k)
    if q.unknown_place and not any(fold(q.unknown_place) in text for text in index.folded):
        return none_answer(asked), hits  # a town the corpus never mentions
    found = best_quote(index, q, scored, terms)
    evidence = Evidence.of(found, scored, index.chunks[found.row].embed_text if found else "")
    quotable = found is not None and judge(index, q, evidence)
    result = by_facts(index, q, scored)
    if result is not None and result[0].kind == "responsibility" and any(map(is_cjk, q.text)):
        answer, rows = result  # a task matched by its name answers only a question its text covers
        stated = covered(terms, answer.text + " " + " ".join(index.chunks[i].embed_text for i in rows[:8]))
        other_year = q.year and not any(f.get("year") in (None, q.year) for f in answer.facts if "year" in f)
        if other_year or (stated < index.thresholds.coverage and not (quotable and evidence.coverage <= stated)):
            result = None
    if result is None:
        if not quotable:
            return none_answer(asked), hits
        result = answer_passage(index, found), [found.row]
    answer, rows = result
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


def top_hits(index: Index, scored: Scored, k: int) -> list[Hit]:
    """The k best chunks, at most ROWS_PER_TABLE rows of one table (the clauses around it are read too)."""
    out, per_table = [], {}
    for c in scored.candidates:
        chunk = index.chunks[c.row]
        if chunk.kind == "row":
            key = (chunk.doc_id, chunk.heading)
            per_table[key] = per_table.get(key, 0) + 1
            if per_table[key] > ROWS_PER_TABLE:
                continue
        out.append(to_hit(index, c.row, c.score))
        if len(out) == k:
            break
    return out


def none_answer(question: str) -> Answer:
    shown = question.strip() if len(question.strip()) <= 60 else question.strip()[:60] + "…"
    return Answer("none", f"知识库中没有找到能回答“{shown}”的内容。")
