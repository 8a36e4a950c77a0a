"""Exact answers from facts, with the clause to cite; passages and abstention otherwise.

A question is analysed (districts, departments, intent) and scored against the
index once. Who/what-target questions are answered from the typed facts when a
fact's name covers the question; otherwise the best sentence of the best
passage is quoted; when the corpus does not cover the question the answer is
`none`. Matching uses character grams weighted by IDF (see scoring.py):
precision = how much of the fact's name the question covers, recall = how much
of the question the name covers.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..models import Answer, Hit, Responsibility, Target
from .query import ASKS_NUMBER, Query, analyse, expand_abbreviations
from ..scoring import f_score, grams, overlap, weight
from .search import Index, Scored, quoted_phrases, score, to_hit, top_hits
from ..index.store import fact_dict
from ..text import fold, is_cjk, number, squash

TARGET_MIN = 0.5  # recall-weighted name match needed to answer from a target
TARGET_RECALL = 0.6  # share of the question a target's name must explain
TARGET_COVERED = 0.9  # …or explain almost all of it, however long the name is
SPECIFIC = 0.6  # an indicator named this precisely answers a "who" question itself
RESP_MIN = 0.3  # task match needed to answer a "who" question
COVERAGE_MIN = 0.6  # share of a Chinese question's words the corpus must contain
DENSE_MIN = 0.31  # cosine of the closest passage for a question in another language
SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "未划分（表中为“--”）"
    return f"{number(value)} {unit}".strip()


def match(index: Index, question: str, name: str) -> tuple[float, float]:
    """(precision, recall) of a fact name against the question, IDF-weighted.

    Recall is the better of two readings: character bigrams (no segmentation
    needed: "首台套" meets "首台（套）") and whole words contained in the name (a
    bigram across two words, "充电站建设" -> "站建", is not evidence against it).
    """
    target = grams(name)
    if name not in index.weights:  # fact names repeat across questions: weigh each once
        index.weights[name] = weight(target, index.idf, index.idf_unknown)
    precision, recall = overlap(grams(question), target, index.idf, index.idf_unknown, index.weights[name])
    words = question_words(index, question)
    if words and precision > 0:
        folded = fold(name)
        total = sum(w for _, w in words)
        recall = max(recall, sum(w for word, w in words if fold(word) in folded) / total)
    return precision, recall


def question_words(index: Index, question: str) -> list[tuple[str, float]]:
    """jieba words of a question with their IDF (a word the corpus lacks weighs most)."""
    return [(t, index.token_idf.get(t, index.token_idf_max)) for t in index.tokenizer.tokens(question)]


def coverage(index: Index, text: str) -> float:
    """IDF-weighted share of the question's words (jieba) that occur somewhere in the corpus."""
    words = question_words(index, text)
    if not words:
        return 0.0
    known = sum(w for t, w in words if t in index.token_idf)
    return known / sum(w for _, w in words)


def fact_rows(index: Index, fact: Responsibility | Target) -> list[int]:
    """Chunks that state a fact: its clauses, or its table row."""
    if isinstance(fact, Target):
        key = f"indicator:{fact.indicator}" if fact.source == "table" else fact.clause
        return index.rows.get((fact.doc_id, key), [])
    return [i for label in fact.sources for i in index.rows.get((fact.doc_id, label), [])]


def retrieval(scored: Scored, rows: list[int]) -> float:
    return max((float(scored.fused[i]) for i in rows), default=0.0)


def target_sentence(t: Target) -> str:
    year = f"（{t.year}年）" if t.year else ""
    dept = f"，责任单位：{t.department}" if t.department else ""
    return f"{t.scope}：{t.indicator} {fmt(t.value, t.unit)}{year}{dept}"


def ranked_targets(index: Index, q: Query, scored: Scored, scopes: set[str]) -> list[tuple[float, Target]]:
    out = []
    for indicator, targets in index.by_indicator.items():  # one name match per indicator, not per scope
        p, r = match(index, q.topic, f"{indicator}（{targets[0].unit}）")  # as printed: "规模（亿元）"
        if r < TARGET_RECALL or (f_score(p, r, beta=2) < TARGET_MIN and r < TARGET_COVERED):
            continue
        for t in targets:
            if t.scope not in scopes or (q.year and t.year not in (None, q.year)) or not q.covers(t):
                continue
            value = f_score(p, r, beta=2) + 0.05 * retrieval(scored, fact_rows(index, t)) + 0.01 * (t.source == "table")
            out.append((value, t))
    out.sort(key=lambda item: -item[0])
    return out


def answer_extreme(index: Index, q: Query, scored: Scored):
    """"哪个区镇的高新技术企业新增目标最多": the district with the largest (or smallest) value."""
    scopes = {t.scope for t in index.targets if t.source == "table" and t.scope != "全市" and q.covers(t)}
    scopes -= set(q.excluded)
    ranked = ranked_targets(index, q, scored, scopes)
    if not ranked:
        return None
    best = ranked[0][1]
    row = [t for t in index.by_indicator[best.indicator]
           if t.doc_id == best.doc_id and t.clause == best.clause and t.source == "table" and t.value is not None]
    districts = [t for t in row if t.scope in scopes]
    city = next((t for t in row if t.scope == "全市"), None)
    if not districts:  # every cell is "--"
        total = f"（全市 {fmt(city.value, city.unit)}）" if city else ""
        return Answer("target", f"{best.indicator}未划分到各区镇{total}。", (fact_dict(best),)), fact_rows(index, best)
    value = (max if q.extreme == "max" else min)(t.value for t in districts)
    chosen = [t for t in districts if t.value == value]
    word = re.search(r"最[多高大少低小]", q.text).group(0)  # as asked: 最多, 最大, 最低 …
    text = (f"{best.indicator}{word}的是{'、'.join(t.scope for t in chosen)}：{fmt(value, best.unit)}"
            f"{f'（{best.year}年）' if best.year else ''}")
    text += (f"；全市 {fmt(city.value, city.unit)}" if city else "") + f"，责任单位：{best.department}。"
    return Answer("target", text, tuple(fact_dict(t) for t in chosen)), fact_rows(index, best)


def answer_target(index: Index, q: Query, scored: Scored):
    if q.extreme and not q.districts:
        return answer_extreme(index, q, scored)
    ranked = ranked_targets(index, q, scored, set(q.districts) or {"全市"})
    note = ""
    if not ranked and q.districts:  # not broken down to the district: give the city-wide target
        ranked = ranked_targets(index, q, scored, {"全市"})
        note = f"{'、'.join(q.districts)}未单列该指标；"
    if not ranked:
        return None
    best = ranked[0][1]
    chosen = [next((t for _, t in ranked if t.scope == scope and t.indicator == best.indicator), None)
              for scope in q.districts] if q.districts and not note else [best]
    chosen = [t for t in chosen if t] or [best]  # one line per district asked about, in their order
    text = note + "；".join(target_sentence(t) for t in chosen) + "。"
    others = [t for _, t in ranked if t.doc_id != best.doc_id and t.indicator == best.indicator
              and t.scope == best.scope and t.value != best.value]
    if others:  # another document sets the same target differently: say whose is whose
        text = f"《{index.documents[best.doc_id].title}》：{text}另见" + "；".join(
            f"《{index.documents[t.doc_id].title}》：{target_sentence(t)}" for t in others) + "。"
    return Answer("target", text, tuple(fact_dict(t) for t in chosen + others)), fact_rows(index, best)


def answer_responsibility(index: Index, q: Query, scored: Scored):
    specific = []
    for t in index.by_indicator_citywide:
        if t.source == "table" and t.department and q.covers(t):
            p, r = match(index, q.topic, t.indicator)
            if p >= 0.5 and f_score(p, r, beta=2) >= SPECIFIC:
                specific.append((f_score(p, r, beta=2), t))
    if specific:
        _, t = max(specific, key=lambda item: item[0])
        text = f"“{t.indicator}”指标的责任单位：{t.department}（{t.clause}）。"
        return Answer("responsibility", text, (fact_dict(t),)), fact_rows(index, t)
    lexical = any(is_cjk(ch) for ch in q.text)  # names cannot be matched across languages
    ranked = []
    for r in filter(q.covers, index.responsibilities):
        rows = fact_rows(index, r)
        if not lexical:
            ranked.append((retrieval(scored, rows), r))
            continue
        description = r.task + " ".join(index.chunks[i].text for i in rows)
        name = f_score(*match(index, q.topic, r.task))
        ranked.append((0.5 * name + 0.3 * match(index, q.topic, description)[1] + 0.2 * retrieval(scored, rows), r))
    if not ranked:
        return None
    value, r = max(ranked, key=lambda item: item[0])
    if value < RESP_MIN:
        return None
    text = f"“{r.task}”的责任单位：{'、'.join(r.departments)}（{'；'.join(r.sources)}）。"
    return Answer("responsibility", text, (fact_dict(r),)), fact_rows(index, r)


def task_targets(index: Index, r: Responsibility) -> list[Target]:
    return [t for t in index.targets if t.doc_id == r.doc_id and t.clause == r.clause and t.source == "text"]


def answer_department_tasks(index: Index, q: Query, scored: Scored):
    dept = q.departments[0]
    tasks = sorted((r for r in index.responsibilities if dept in r.departments and q.covers(r)),
                   key=lambda r: r.departments[0] != dept)
    lead_only = "牵头" in q.text and any(r.departments[0] == dept for r in tasks)
    if lead_only:
        tasks = [r for r in tasks if r.departments[0] == dept]
    indicators = [t for t in index.by_indicator_citywide
                  if t.source == "table" and t.department == dept and q.covers(t)]
    if not tasks and not indicators:
        return None
    parts = []
    if tasks:
        items = []
        for r in tasks:
            goals = "、".join(f"{t.indicator} {fmt(t.value, t.unit)}" for t in task_targets(index, r))
            lead = "，牵头" if r.departments[0] == dept else ""
            items.append(f"{r.task}（{r.clause}{lead}{'；目标：' + goals if goals else ''}）")
        parts.append(f"{dept}{'牵头' if lead_only else '负责（牵头或参与）'}的任务共 {len(tasks)} 项：{'；'.join(items)}。")
    if indicators:
        items = "；".join(f"{t.indicator} {fmt(t.value, t.unit)}" for t in indicators)
        parts.append(f"负责的分解指标 {len(indicators)} 项（{indicators[0].clause}）：{items}。")
    rows = [i for r in tasks for i in fact_rows(index, r)] + [i for t in indicators for i in fact_rows(index, t)]
    return Answer("department_tasks", "".join(parts), tuple(fact_dict(f) for f in (*tasks, *indicators))), rows


def answer_district_targets(index: Index, q: Query, scored: Scored):
    district = q.districts[0]
    facts = [t for t in index.targets if t.scope == district and t.source == "table" and q.covers(t)
             and (q.year is None or t.year in (None, q.year))]
    if not facts:
        return None
    given = [t for t in facts if t.value is not None]
    years = sorted({t.year for t in facts if t.year})
    when = f"{years[0]}年" if len(years) == 1 else ""
    items = "；".join(f"{t.indicator} {fmt(t.value, t.unit)}" for t in given)
    text = f"{district}{when}目标（{facts[0].clause}，共 {len(given)} 项）：{items}。"
    if len(given) < len(facts):
        text += f"另有 {len(facts) - len(given)} 项未划分到{district}。"
    return Answer("district_targets", text, tuple(fact_dict(t) for t in facts)), \
        [i for t in given for i in fact_rows(index, t)]


def answer_passage(index: Index, q: Query, scored: Scored):
    """The best sentence(s) of the best passages, verbatim, with the citation.

    A sentence is scored together with its clause title, so "“西融”…涉及哪些区镇"
    picks the sentence listing the towns, not the title that repeats the question.
    """
    wanted = frozenset(g for g in grams(q.content) if g in index.idf)  # no sentence has the others
    top = index.idf_unknown
    best = None
    ranked = top_hits(index, scored, 20)
    prose = [h for h in ranked if h.kind == "text"][:5] or ranked[:3]  # table rows are answered as facts
    for rank, hit in enumerate(prose):
        rows = index.rows.get((hit.doc_id, hit.clause), [])
        title = index.chunks[rows[0]].heading.split(" > ")[-1] if rows and hit.kind == "text" else ""
        sentences = [s.strip() for s in SENTENCE.findall(hit.text) if len(s.strip()) > 4]
        body = [i for i, s in enumerate(sentences) if squash(s).rstrip("。") != squash(title)] or [0]
        for i in body:
            p, r = overlap(wanted, grams(title + " " + sentences[i]), index.idf, top)
            value = r + 0.1 * p + 0.3 * hit.score - 0.05 * rank - 0.01 * i  # ties: the earlier sentence
            if best is None or value > best[0]:
                best = (value, hit, sentences, i)
    if best is None:
        return None
    _, hit, sentences, i = best
    picked = sentences[i]
    if len(picked) < 30 and i + 1 < len(sentences):  # too short to stand alone: add the next one
        picked += sentences[i + 1]
    return Answer("passage", f"{picked}（{hit.clause}）", citation=hit.citation, clause_text=hit.text), []


def supported(index: Index, q: Query, scored: Scored) -> bool:
    """Whether the corpus covers the question.

    A Chinese question is supported when the corpus contains most of its words
    (IDF-weighted); a question in another language has no words to look up, so
    the cosine of the closest passage decides. Thresholds are calibrated on the
    out-of-corpus questions in tests/eval (README: 评测).
    """
    if not scored.allowed.any():
        return False
    if quoted_phrases(q.text):
        return True
    if any(is_cjk(ch) for ch in q.text):
        return coverage(index, q.content) >= COVERAGE_MIN
    return float(np.max(np.where(scored.allowed, scored.dense, -1.0))) >= DENSE_MIN


def ask(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question: (answer, supporting hits best first)."""
    asked = question
    question = expand_abbreviations(question)
    q = replace(analyse(question, index.places, index.departments), doc_id=doc_id or "")
    scored = score(index, question, index.embedder.encode_query(question), doc_id)
    hits = top_hits(index, scored, k)
    result = None
    unknown_place = q.unknown_place and not any(fold(q.unknown_place) in text for text in index.folded)
    if unknown_place or (not any(is_cjk(ch) for ch in question) and not supported(index, q, scored)):
        return none_answer(asked), hits  # about a town the corpus never mentions, or unsupported
    if q.intent == "department_tasks":
        result = answer_department_tasks(index, q, scored)
    elif q.intent == "district_targets":  # unless one indicator is named: "周市、陆家的产业规模分别是"
        result = (answer_target(index, q, scored) if q.topic else None) or answer_district_targets(index, q, scored)
    elif q.intent == "target":
        result = answer_target(index, q, scored)
        if result is None and q.districts and not q.topic:  # "张浦镇的目标": all of them
            result = answer_district_targets(index, q, scored)
        if result is None and ASKS_NUMBER.search(question):
            return none_answer(asked), hits  # a number was asked and no fact states it
    elif q.intent == "responsibility":
        result = answer_responsibility(index, q, scored)
    if result is None and supported(index, q, scored):
        result = answer_passage(index, q, scored)
        if result and q.intent == "target" and q.districts and not mentions(index, result[0].clause_text, q):
            result = None  # a passage that never names the district asked about is not its answer
    if result is None:
        return none_answer(asked), hits
    answer, rows = result
    lead = [to_hit(index, i, float(scored.fused[i])) for i in rows if scored.allowed[i]]
    merged = list({h.chunk_id: h for h in [*lead, *hits]}.values())[:k]
    if not answer.citation and merged:
        answer = Answer(answer.kind, answer.text, answer.facts, merged[0].citation, merged[0].text)
    return answer, merged


def mentions(index: Index, text: str, q: Query) -> bool:
    return any(fold(form) in fold(text) for d in q.districts for form in index.places.get(d, [d]))


def none_answer(question: str) -> Answer:
    shown = question.strip() if len(question.strip()) <= 60 else question.strip()[:60] + "…"
    return Answer("none", f"知识库中没有找到能回答“{shown}”的内容。")
