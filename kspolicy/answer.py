"""Exact answers from facts, with the clause to cite; passages and abstention otherwise.

Each question is analysed (districts, departments, intent), scored against the
index once, then answered from the typed facts when the intent asks who or
what target, or with the best sentence of the best passage. A fact is used only
when its name matches the question well enough; otherwise the answer falls back
to a passage, and to `none` when the corpus does not cover the question.
"""

from __future__ import annotations

import re

import numpy as np

from .facts import split_indicator
from .models import Answer, Hit, Responsibility, Target
from .query import Query, analyse
from .scoring import f_score, grams, overlap
from .search import Index, Scored, score, to_hit, top_hits
from .store import fact_dict

FACT_MIN = 0.45  # name match needed to answer from a target fact
RESP_MIN = 0.30  # combined name/retrieval match needed to answer from a responsibility
COVERAGE_MIN = 0.55  # share of the question's terms that the corpus contains
DENSE_MIN = 0.42  # cosine of the best passage when the terms are not in the corpus


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "未划分（表中为“--”）"
    number = int(value) if float(value).is_integer() else value
    return f"{number} {unit}".strip()


def default_idf(index: Index) -> float:
    return max(index.idf.values(), default=1.0)


def name_match(index: Index, topic: str, name: str) -> float:
    p, r = overlap(grams(topic), grams(name), index.idf, default_idf(index))
    return f_score(p, r)


def coverage(index: Index, topic: str) -> float:
    """IDF-weighted share of the question's grams that occur somewhere in the corpus."""
    gs = grams(topic)
    if not gs:
        return 0.0
    top = default_idf(index)
    known = sum(index.idf[g] for g in gs if g in index.idf)
    return known / (known + top * sum(g not in index.idf for g in gs))


def rows_for(index: Index, doc_id: str, labels: set[str], indicator: str | None = None) -> list[int]:
    """Chunk rows that hold a fact: its clauses, or its table row for a breakdown target."""
    out = []
    for i, c in enumerate(index.chunks):
        if c.doc_id != doc_id or c.label not in labels:
            continue
        if indicator is None or (c.kind == "row" and split_indicator(c.ref)[0] == indicator) \
                or (c.kind == "text" and indicator in c.text.replace(" ", "")):
            out.append(i)
    return out


def retrieval(scored: Scored, rows: list[int]) -> float:
    return max((float(scored.fused[i]) for i in rows), default=0.0)


def target_candidates(index: Index, q: Query) -> list[Target]:
    scopes = set(q.districts) or {"全市"}
    return [t for t in index.targets if t.scope in scopes and (q.year is None or t.year in (None, q.year))]


def best_targets(index: Index, q: Query, scored: Scored) -> list[tuple[float, Target, list[int]]]:
    ranked = []
    for t in target_candidates(index, q):
        m = name_match(index, q.topic, t.indicator)
        if m <= 0:
            continue
        rows = rows_for(index, t.doc_id, {t.clause}, t.indicator)
        ranked.append((m + 0.05 * retrieval(scored, rows) + (0.01 if t.source == "table" else 0), t, rows))
    ranked.sort(key=lambda item: -item[0])
    return ranked


def target_sentence(t: Target) -> str:
    year = f"（{t.year}年）" if t.year else ""
    dept = f"，责任单位：{t.department}" if t.department else ""
    return f"{t.scope}：{t.indicator} {fmt(t.value, t.unit)}{year}{dept}"


def answer_target(index: Index, q: Query, scored: Scored):
    ranked = best_targets(index, q, scored)
    if not ranked or ranked[0][0] < FACT_MIN:
        return None
    best = ranked[0]
    chosen = [best]
    for scope in q.districts[1:]:  # one line per district asked about
        chosen += [r for r in ranked if r[1].scope == scope and r[1].indicator == best[1].indicator][:1]
    text = "；".join(target_sentence(t) for _, t, _ in chosen) + "。"
    return Answer("target", text, tuple(fact_dict(t) for _, t, _ in chosen)), best[2]


def answer_responsibility(index: Index, q: Query, scored: Scored):
    candidates: list[tuple[float, object, list[int]]] = []
    for r in index.responsibilities:
        rows = rows_for(index, r.doc_id, set(r.sources))
        candidates.append((0.6 * name_match(index, q.topic, r.task) + 0.4 * retrieval(scored, rows), r, rows))
    for t in index.targets:
        if t.scope == "全市" and t.source == "table" and t.department:
            rows = rows_for(index, t.doc_id, {t.clause}, t.indicator)
            candidates.append((0.6 * name_match(index, q.topic, t.indicator) + 0.4 * retrieval(scored, rows), t, rows))
    if not candidates:
        return None
    value, fact, rows = max(candidates, key=lambda c: c[0])
    if value < RESP_MIN:
        return None
    if isinstance(fact, Responsibility):
        text = f"“{fact.task}”的责任单位：{'、'.join(fact.departments)}（{'；'.join(fact.sources)}）。"
    else:
        text = f"“{fact.indicator}”指标的责任单位：{fact.department}（{fact.clause}）。"
    return Answer("responsibility", text, (fact_dict(fact),)), rows


def answer_department_tasks(index: Index, q: Query, scored: Scored):
    dept = q.departments[0]
    lead_only = "牵头" in q.text
    tasks = [r for r in index.responsibilities if dept in r.departments]
    tasks.sort(key=lambda r: r.departments[0] != dept)
    if lead_only and any(r.departments[0] == dept for r in tasks):
        tasks = [r for r in tasks if r.departments[0] == dept]
    indicators = [t for t in index.targets if t.scope == "全市" and t.source == "table" and t.department == dept]
    if not tasks and not indicators:
        return None
    parts = []
    if tasks:
        items = "；".join(f"{r.task}（{r.clause}{'，牵头' if r.departments[0] == dept else ''}）" for r in tasks)
        parts.append(f"{dept}{'牵头' if lead_only else '负责（牵头或参与）'}的任务共 {len(tasks)} 项：{items}。")
    if indicators:
        items = "；".join(f"{t.indicator} {fmt(t.value, t.unit)}（{t.clause}）" for t in indicators)
        parts.append(f"负责的目标指标 {len(indicators)} 项：{items}。")
    rows = [i for r in tasks for i in rows_for(index, r.doc_id, {r.clause})]
    return Answer("department_tasks", "".join(parts), tuple(fact_dict(f) for f in (*tasks, *indicators))), rows


def answer_district_targets(index: Index, q: Query, scored: Scored):
    district = q.districts[0]
    facts = [t for t in target_candidates(index, q) if t.scope == district and t.source == "table"]
    if not facts:
        return None
    given = [t for t in facts if t.value is not None]
    years = sorted({t.year for t in facts if t.year})
    when = f"{years[0]}年" if len(years) == 1 else ""
    items = "；".join(f"{t.indicator} {fmt(t.value, t.unit)}" for t in given)
    text = f"{district}{when}目标（{facts[0].clause}，共 {len(given)} 项）：{items}。"
    if len(given) < len(facts):
        text += f"另有 {len(facts) - len(given)} 项未划分到{district}。"
    rows = rows_for(index, facts[0].doc_id, {facts[0].clause})
    return Answer("district_targets", text, tuple(fact_dict(t) for t in facts)), rows


SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


def answer_passage(index: Index, q: Query, scored: Scored, hits: list[Hit]):
    """The best sentence(s) of the best passages, verbatim, with the citation."""
    topic = grams(q.topic)
    best = None
    for rank, hit in enumerate(hits[:3]):
        sentences = [s.strip() for s in SENTENCE.findall(hit.text) if len(s.strip()) > 4]
        for i, sentence in enumerate(sentences):
            p, r = overlap(topic, grams(sentence), index.idf, default_idf(index))
            value = r + 0.2 * p + 0.3 * hit.score - 0.05 * rank
            if best is None or value > best[0]:
                best = (value, hit, sentences, i)
    if best is None:
        return None
    _, hit, sentences, i = best
    picked = sentences[i]
    if len(picked) < 30 and i + 1 < len(sentences):  # a heading-like sentence: add the next one
        picked += sentences[i + 1]
    return Answer("passage", f"{picked}（{hit.clause}）", citation=hit.citation, clause_text=hit.text), []


def supported(index: Index, q: Query, scored: Scored) -> bool:
    """Whether the corpus covers the question: its terms occur, or a passage is semantically close."""
    dense = float(np.max(np.where(scored.allowed, scored.dense, -1.0))) if len(scored.dense) else -1.0
    return coverage(index, q.topic) >= COVERAGE_MIN or dense >= DENSE_MIN


def ask(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question: (answer, supporting hits best first)."""
    q = analyse(question, index.places, index.departments)
    scored = score(index, question, index.embedder.encode_query(question), doc_id)
    hits = top_hits(index, scored, k)
    result = None
    if q.intent == "department_tasks":
        result = answer_department_tasks(index, q, scored)
    elif q.intent == "district_targets":
        result = answer_district_targets(index, q, scored)
    elif q.intent == "target" and supported(index, q, scored):
        result = answer_target(index, q, scored)
    elif q.intent == "responsibility" and supported(index, q, scored):
        result = answer_responsibility(index, q, scored)
    if result is None and supported(index, q, scored):
        result = answer_passage(index, q, scored, hits)
    if result is None:
        return Answer("none", f"知识库中没有找到与“{question.strip()}”相关的内容。"), hits
    answer, rows = result
    lead = [to_hit(index, i, float(scored.fused[i])) for i in sorted(rows, key=lambda i: -scored.fused[i])
            if scored.allowed[i]]
    merged = list({h.chunk_id: h for h in [*lead, *hits]}.values())[:k]
    if not answer.citation and merged:
        answer = Answer(answer.kind, answer.text, answer.facts, merged[0].citation, merged[0].text)
    return answer, merged
