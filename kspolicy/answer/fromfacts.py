"""Exact answers from typed facts: who is responsible (with roles), targets, a unit's tasks, a district's targets.

Fact names are matched with the question by IDF-weighted character grams (scoring.py);
each function returns (Answer, chunk rows that state the facts) or None when no fact
answers, so the caller can fall back to quoting a passage. Every item of an answer names
its document (文号, else title) and clause, so answers drawn from several documents, or
a unit name shared by several cities, are never mixed up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from ..index.store import fact_dict
from ..models import Answer, Responsibility, Target
from ..scoring import f_score, grams, overlap, weight
from ..text import fold, is_cjk, number, squash
from .passages import split_sentences
from ..understand.validity import VALID_FOR
from .query import Query, cues, does
from .search import Index, Scored, token_weight

ASKED_CACHE = 64  # questions whose grams and weighted words are kept (index.asked)
TARGET_MIN = 0.5  # recall-weighted name match needed to answer from a target
TARGET_RECALL = 0.6  # share of the question a target's name must explain
TARGET_COVERED = 0.9  # …or explain almost all of it, however long the name is
SPECIFIC = 0.6  # an indicator named this precisely answers a "who" question itself
RESP_MIN = 0.3  # task match needed to answer a "who" question
STEP_BONUS = 0.1  # a task named by the step asked about ("谁审核": "…完成审核")
EXACT_CANDIDATES = 64  # responsibilities whose clauses are read to answer "who" (best bounds first)
MAX_DOCUMENTS = 10  # documents listed in answer to "what does this unit do" (most relevant first)


NOT_ASSIGNED = ("", "--", "—", "——", "-", "/", "／")


def fmt(value: float | None, unit: str, text: str = "") -> str:
    """A value as printed: "12 家", "不少于100名", "7左右（增幅(%)）", "未划分（表中为“--”）"."""
    printed = text.strip()
    if printed in NOT_ASSIGNED and value is None:
        return f"未划分（表中为“{printed or '空白'}”）"
    if not printed or (value is not None and printed == str(number(value))):
        return f"{number(value)} {unit}".strip()
    return printed if not unit or printed.endswith(unit) else f"{printed}（{unit}）"


def source(index: Index, doc_id: str, label: str) -> str:
    """Where a fact is printed: "昆政办发〔2022〕98号 附件1", or "《标题》五、8" for a document without 文号."""
    doc = index.documents[doc_id]
    return f"{doc.doc_number} {label}".strip() if doc.doc_number else f"《{doc.title}》{label}"


def sources(index: Index, r: Responsibility) -> str:
    """Where a responsibility is stated: each clause it was read from, cited."""
    return "；".join(source(index, r.doc_id, s) for s in r.sources)


def match(index: Index, question: str, name: str) -> tuple[float, float]:
    """(precision, recall) of a fact name against the question, IDF-weighted.

    Recall is the better of two readings: character bigrams (no segmentation
    needed: "首台套" meets "首台（套）") and whole words contained in the name (a
    bigram across two words, "充电站建设" -> "站建", is not evidence against it).
    """
    target = grams(name)
    if name not in index.weights:  # fact names repeat across questions: weigh each once
        index.weights[name] = weight(target, index.idf, index.idf_unknown)
    asked, words = question_parts(index, question)
    precision, recall = overlap(asked, target, index.idf, index.idf_unknown, index.weights[name])
    if words and precision > 0:
        folded = fold(name)
        total = sum(w for _, w in words)
        recall = max(recall, sum(w for word, w in words if fold(word) in folded) / total)
    return precision, recall


def question_parts(index: Index, question: str) -> tuple[frozenset[str], list[tuple[str, float]]]:
    """The grams and the weighted words of a question, computed once for the many facts matched against it."""
    if question in index.asked:
        return index.asked[question]
    written = in_written_words(question)  # "养老院…床位" meets the fact name "养老机构护理型床位占比"
    parts = (grams(written), [(t, token_weight(index, t)) for t in index.tokenizer.tokens(written)])
    if len(index.asked) >= ASKED_CACHE:
        index.asked.clear()
    index.asked[question] = parts
    return parts


def in_written_words(text: str) -> str:
    """The text with each everyday word of two characters or more in the written form documents use
    for it, where there is only one (cues.toml colloquial: 养老院 -> 养老机构; not 大学生, which is
    高校毕业生 or 在校大学生)."""
    for word, written in sorted(cues().colloquial.items(), key=lambda item: -len(item[0])):
        if len(word) > 1 and len(written) == 1 and word in text:
            text = text.replace(word, written[0])
    return text


def fact_rows(index: Index, fact: Responsibility | Target) -> list[int]:
    """Chunks that state a fact: its clauses, or its table row."""
    if isinstance(fact, Target):
        key = f"indicator:{fact.indicator}" if fact.source == "table" else fact.clause
        return index.rows.get((fact.doc_id, key), [])
    return [i for label in fact.sources for i in index.rows.get((fact.doc_id, label), [])]


def retrieval(scored: Scored, rows: list[int]) -> float:
    return max((scored.score(i) for i in rows), default=0.0)


def in_scope(index: Index, q: Query, fact) -> bool:
    """The document filter, and the city the question names (昆山 vs 广州). A name that is also a
    district of some table ("吴江" in a Suzhou breakdown) narrows unit questions only."""
    named = {d.rstrip("市区县") for d in q.districts}  # "余杭区" is a district of a table and a city of documents
    cities = [c for c in q.cities if c.rstrip("市区县") not in named or q.intent in ("department_tasks", "responsibility")]
    return q.covers(fact) and (not cities or index.documents[fact.doc_id].city in cities)


def stated_in(index: Index, t: Target) -> str:
    """The sentence that states a target from the text, verbatim ("2023年达到80%，力争2035年达到95%")."""
    wanted = squash(t.value_text)
    for row in fact_rows(index, t):
        chunk = index.chunks[row]
        texts = split_sentences(chunk.text.replace("\t", "\n"))
        found = [s for s in texts if wanted and wanted in squash(s)]
        if found:  # the sentence naming the target's place, among several stating the same value ("…8个")
            return max(found, key=lambda s: (t.scope in s, len(grams(s) & grams(t.indicator)))).strip()
    return ""


def target_sentence(index: Index, t: Target) -> str:
    """One target as an answer line; a target read from a sentence is quoted in the document's own words."""
    where = source(index, t.doc_id, t.clause)
    dept = f"，责任单位：{t.department}" if t.department else ""
    sentence = stated_in(index, t) if t.source == "text" else ""
    if sentence:
        return f"{t.indicator}：{sentence.rstrip('。；;')}{dept}（{where}）"
    year = f"（{t.year}年）" if t.year else ""
    return f"{t.scope}：{t.indicator} {fmt(t.value, t.unit, t.value_text)}{year}{dept}（{where}）"


def ranked_targets(index: Index, q: Query, scored: Scored, scopes: set[str]) -> list[tuple[float, Target]]:
    out = []
    words = index.tokenizer.tokens(q.topic)
    for indicator, targets in index.indicators_sharing(q.topic):  # one name match per indicator, not per scope
        name = f"{indicator}（{targets[0].unit}）"  # as printed: "规模（亿元）"
        whole = match(index, q.topic, name)
        matched = {}
        for doc_id in dict.fromkeys(t.doc_id for t in targets):
            stripped = beyond_title(q.topic, words, index.documents[doc_id].title, indicator)
            alone = match(index, stripped, name) if stripped != q.topic else whole
            matched[doc_id] = alone if f_score(*alone, beta=2) >= max(TARGET_MIN, f_score(*whole, beta=2)) else whole
        for t in targets:
            p, r = matched[t.doc_id]
            if r < TARGET_RECALL or (f_score(p, r, beta=2) < TARGET_MIN and r < TARGET_COVERED):
                continue
            wrong_year = q.year and t.year not in (None, q.year) and not q.every_year
            if t.scope not in scopes or wrong_year or not in_scope(index, q, t):
                continue
            value = f_score(p, r, beta=2) + 0.05 * retrieval(scored, fact_rows(index, t)) + 0.01 * (t.source == "table")
            out.append((value, t))
    out.sort(key=lambda item: -item[0])
    return out


def beyond_title(topic: str, words, title: str, indicator: str) -> str:
    """The topic without the words that name the fact's document rather than its indicator ("考核目标分解表
    里靖江市集团化办学覆盖率", "新增…义务教育学位" of 《…义务教育…目标分解表》's 新增学位): words of
    two characters or more that its title holds and the indicator does not, when a word the indicator
    holds is left."""
    flat = fold(title)
    named = [w for w in words if len(w) >= 2 and fold(w) in flat and w not in indicator]
    if not any(len(w) >= 2 and w in indicator for w in words if w not in named):
        return topic  # nothing left that the indicator names: the title words are all there is to match
    for word in named:
        topic = topic.replace(word, " ")
    return topic


def answer_extreme(index: Index, q: Query, scored: Scored):
    """"哪个区镇的高新技术企业新增目标最多": the district with the largest (or smallest) value."""
    scopes = index.table_scopes(q.doc_id, q.cities)
    scopes -= set(q.excluded)
    ranked = ranked_targets(index, q, scored, scopes)
    if not ranked:
        return None
    best = ranked[0][1]
    row = [t for t in index.by_indicator[best.indicator]
           if t.doc_id == best.doc_id and t.clause == best.clause and t.source == "table" and t.value is not None]
    districts = [t for t in row if t.scope in scopes]
    city = next((t for t in row if t.scope == "全市"), None)
    where = source(index, best.doc_id, best.clause)
    if not districts:  # every cell is "--"
        total = f"（全市 {fmt(city.value, city.unit)}）" if city else ""
        return Answer("target", f"{best.indicator}未划分到各区镇{total}（{where}）。", (fact_dict(best),)), \
            fact_rows(index, best)
    value = (max if q.extreme == "max" else min)(t.value for t in districts)
    chosen = [t for t in districts if t.value == value]
    word = re.search(r"最[多高大少低小]", q.text)
    text = (f"{best.indicator}{word.group(0) if word else '最多'}的是{'、'.join(t.scope for t in chosen)}："
            f"{fmt(value, best.unit)}{f'（{best.year}年）' if best.year else ''}")
    text += (f"；全市 {fmt(city.value, city.unit)}" if city else "") + f"，责任单位：{best.department}（{where}）。"
    return Answer("target", text, tuple(fact_dict(t) for t in chosen)), fact_rows(index, best)


def answer_target(index: Index, q: Query, scored: Scored):
    if q.extreme and not q.districts:
        return answer_extreme(index, q, scored)
    ranked = ranked_targets(index, q, scored, set(q.districts) or {"全市"})
    note = ""
    if not ranked and q.districts:  # not broken down to the district: give the city-wide target
        ranked = [(v, t) for v, t in ranked_targets(index, q, scored, {"全市"})
                  if not q.year or q.every_year or t.year == q.year]  # "北仑区2028年…": the city's target of that year
        own = ranked and index.documents[ranked[0][1].doc_id].city in q.districts  # 昆山's own plan: 全市 is 昆山
        note = "" if own else f"{'、'.join(q.districts)}未单列该指标；"
    if not ranked:
        return None
    best = ranked[0][1]
    if q.districts and not note:  # one line per district asked about, in their order
        chosen = [next((t for _, t in ranked if t.scope == s and t.indicator == best.indicator), None) for s in q.districts]
    else:  # every year the document sets for this indicator ("2023年达到80%，力争2035年达到95%")
        chosen = [t for _, t in ranked if t.indicator == best.indicator and t.doc_id == best.doc_id
                  and t.scope == best.scope and t.clause == best.clause]
    chosen = list(dict.fromkeys(t for t in chosen if t)) or [best]
    others = [t for _, t in ranked if t.doc_id != best.doc_id and t.indicator == best.indicator
              and t.scope == best.scope and t.value != best.value]
    text = note + "；".join(dict.fromkeys(target_sentence(index, t) for t in chosen + others)) + "。"
    return Answer("target", text, tuple(fact_dict(t) for t in chosen + others)), fact_rows(index, best)


def full_names(index: Index, r: Responsibility) -> str:
    """"（南方人才市场管委办即中国南方人才市场管理委员会办公室）": the full names of units the facts give by a short
    name their document declares ("以下简称…"), '' when there are none."""
    named = [(d, max((k for k, forms in index.departments.items() if k != d and d in forms and d not in k
                      and len(k) > len(d)), key=len, default="")) for d in r.departments]
    return "".join(f"（{d}即{full}）" for d, full in named if full)


def roles_text(r: Responsibility, role: str = "") -> str:
    """"责任单位：A、B、C（牵头：A；配合：B、C）" — the list as printed, then the roles the document gives."""
    text = f"责任单位：{'、'.join(r.departments)}"
    others = [d for d in r.departments if d not in r.lead and d not in r.partners]
    if r.lead:  # "牵头单位：X；责任单位：A、B": A and B are responsible with X, not named partners
        text += f"（牵头：{'、'.join(r.lead)}" + (f"；配合：{'、'.join(r.partners)}" if r.partners else "") + \
            (f"；其他责任单位：{'、'.join(others)}" if others else "") + "）"
    elif len(r.departments) > 1 and role in ("lead", "partner"):
        text += "（文件未区分牵头和配合单位）"
    if r.leaders:
        text += f"；牵头领导：{'、'.join(r.leaders)}"
    if r.lead_offices or r.offices:
        text += f"；处室：{'、'.join(r.offices)}"
    if r.deadline:
        text += f"；完成时限：{r.deadline}"
    return text


def responsibility_name(r: Responsibility) -> str:
    return f"{r.task}（{r.content[:60]}…）" if r.content and r.content[:20] not in r.task else r.task


def document_relevance(index: Index, scored: Scored) -> dict[str, float]:
    """Each retrieved document's best candidate score."""
    relevance: dict[str, float] = {}
    for c in scored.candidates:
        relevance.setdefault(index.chunks[c.row].doc_id, c.score)
    return relevance


def best_responsibility(index: Index, q: Query, scored: Scored) -> tuple[float, Responsibility] | None:
    """The responsibility that best answers: 0.5 · its name's match + 0.3 · its clause's recall of the
    question + 0.2 · retrieval. Candidates are scored in order of their upper bound (clause recall 1),
    so the clauses of candidates that cannot win are never read, and at most EXACT_CANDIDATES are
    (one task repeated in hundreds of documents); ties go to the first candidate."""
    candidates = [r for r in index.responsibilities_near(q.topic, scored) if in_scope(index, q, r)]
    at_level = [r for r in candidates if any(d.startswith(q.level) for d in r.departments)] if q.level else []
    candidates = at_level or candidates  # "市里哪个部门": 市民政部门's task, not 区民政部门's
    doing = [r for r in candidates if does(r.task, q.step)] if q.step else []  # "谁审核": tasks named by that
    # step ("完成审核", "审查核实"), when stated
    candidates = doing or [r for r in candidates if q.step and does(r.content, q.step)] or candidates
    bonus = STEP_BONUS if doing else 0.0  # the step named is evidence the question's other words may lack
    if not any(is_cjk(ch) for ch in q.text):  # names cannot be matched across languages
        return max(((retrieval(scored, fact_rows(index, r)), r) for r in candidates), key=lambda item: item[0],
                   default=None)
    seen: dict[str, tuple[float, float]] = {}  # text -> its match (documents of one series repeat their tasks)

    def matched(text: str) -> tuple[float, float]:
        return seen.get(text) or seen.setdefault(text, match(index, q.topic, text))

    retrieved = document_relevance(index, scored)
    bounded = []
    for order, r in enumerate(candidates):
        name = max(f_score(*matched(r.task)), f_score(*matched(r.content)) if r.content else 0)
        base = 0.2 * retrieval(scored, fact_rows(index, r)) if r.doc_id in retrieved else 0.0
        base += bonus
        bounded.append((0.5 * name + 0.3 * 1.0 + base, order, name, base, r))
    best: tuple[float, int, Responsibility] | None = None
    ranked = sorted(bounded, key=lambda item: (-item[0], item[1]))
    for bound, order, name, base, r in ranked[:EXACT_CANDIDATES]:
        if best is not None and bound < best[0]:
            break
        context = index.documents[r.doc_id].title if doing else ""  # "（二）复核机构：…" says what of in its title
        description = f"{r.task} {r.content} {context} " + " ".join(index.chunks[i].text for i in fact_rows(index, r))
        value = 0.5 * name + 0.3 * matched(description)[1] + base
        if best is None or value > best[0] or (value == best[0] and order < best[1]):
            best = (value, order, r)
    return (best[0], best[2]) if best else None


def answer_responsibility(index: Index, q: Query, scored: Scored):
    def precise(indicator: str) -> float:
        p, r = match(index, q.topic, indicator)
        return f_score(p, r, beta=2) if p >= 0.5 else 0.0

    specific = [(precise(t.indicator), t) for t in index.citywide_sharing(q.topic, lambda n: precise(n) >= SPECIFIC)
                if t.source == "table" and t.department and in_scope(index, q, t)]
    best = best_responsibility(index, q, scored)
    if specific and (best is None or max(s for s, _ in specific) >= best[0]):
        _, t = max(specific, key=lambda item: item[0])
        text = f"“{t.indicator}”指标的责任单位：{t.department}（{source(index, t.doc_id, t.clause)}）。"
        return Answer("responsibility", text, (fact_dict(t),)), fact_rows(index, t)
    if best is None or best[0] < RESP_MIN:
        return None
    r = best[1]
    text = f"“{responsibility_name(r)}”的{roles_text(r, q.role)}{full_names(index, r)}（{sources(index, r)}）。"
    return Answer("responsibility", text, (fact_dict(r),)), fact_rows(index, r)


def answer_deadline(index: Index, q: Query, scored: Scored):
    """"这项工作什么时候之前完成": the 完成时限 of the task the question names, with its units."""
    best = best_responsibility(index, q, scored)
    if best is None or best[0] < RESP_MIN or not best[1].deadline:
        return None
    r = best[1]
    text = f"“{responsibility_name(r)}”的完成时限：{r.deadline}；" \
           f"{roles_text(replace(r, deadline=''))}（{sources(index, r)}）。"
    return Answer("responsibility", text, (fact_dict(r),)), fact_rows(index, r)


def task_targets(index: Index, r: Responsibility) -> list[Target]:
    return [t for t in index.targets_of_clause(r.doc_id, r.clause) if t.source == "text"]


def holds(r: Responsibility, dept: str, aliases: list[str]) -> str:
    """How `dept` takes part in a task: 牵头, 配合, 负责 (a plain list), or '' (not at all)."""
    names = set(aliases) | {dept}
    offices = set(r.offices)
    if names & set(r.lead) or names & set(r.lead_offices):
        return "牵头"
    if names & set(r.partners) or names & (offices - set(r.lead_offices)):
        return "配合"
    return "负责" if names & set(r.departments) else ""


def by_document(facts: Iterable, index: Index) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in facts:
        out.setdefault(f.doc_id, []).append(f)
    return out


def answer_department_tasks(index: Index, q: Query, scored: Scored):
    """What a unit leads or takes part in, grouped by document; a name several cities share is
    answered per city, or for the city the question names."""
    dept = q.departments[-1]  # "市卫健委内考评处": the unit named last is the narrowest
    forms = index.departments.get(dept, [dept])
    tasks = [(holds(r, dept, forms), r) for r in index.responsibilities_of_units([*forms, dept]) if in_scope(index, q, r)]
    tasks = [(role, r) for role, r in tasks if role]
    if q.role == "lead" and any(role == "牵头" for role, _ in tasks):
        tasks = [(role, r) for role, r in tasks if role == "牵头"]  # the documents that give roles say who leads
    indicators = [t for t in index.citywide_of_unit(dept)
                  if t.source == "table" and dept in t.department.split("、") and in_scope(index, q, t)]
    if not tasks and not indicators:
        return None
    parts = []
    role_of = {id(r): role for role, r in tasks}
    named = Counter(r.task for _, r in tasks)
    shared = {task for task, n in named.items() if n > 1}
    every = [r for _, r in tasks] + indicators
    groups = by_document(every, index)
    cities = len({index.documents[d].city for d in groups})
    relevance = document_relevance(index, scored)
    topic = grams(q.topic)  # "引进人才入户这块…": the documents whose title names the topic first

    def named(d: str) -> int:
        return -len(topic & grams(index.documents[d].title))

    shown = set(sorted(groups, key=lambda d: (named(d), -relevance.get(d, 0.0)))[:MAX_DOCUMENTS])
    groups = {d: groups[d] for d in sorted(groups, key=named) if d in shown}  # stable sort: ties keep order
    for doc_id, facts in groups.items():
        doc = index.documents[doc_id]
        city = f"{doc.city}：" if cities > 1 and doc.city else ""
        items = []
        for f in facts:
            if isinstance(f, Responsibility):
                goals = "、".join(f"{t.indicator} {fmt(t.value, t.unit, t.value_text)}" for t in task_targets(index, f))
                name = responsibility_name(f) if f.task in shared else f.task  # rows of one task differ by content
                items.append(f"{name}（{f.clause}，{role_of[id(f)]}"
                             f"{'；目标：' + goals if goals else ''}）")
            else:
                items.append(f"{f.indicator} {fmt(f.value, f.unit, f.value_text)}（{f.clause}，分解指标）")
        name = f"《{doc.title}》" + (f"（{doc.doc_number}）" if doc.doc_number else "")
        parts.append(f"{city}{name}中{dept}{'牵头' if q.role == 'lead' and all(role_of.get(id(f)) == '牵头' for f in facts if isinstance(f, Responsibility)) else '负责'}"
                     f"的共 {len(items)} 项：{'；'.join(items)}。")
    facts = [f for d in groups for f in groups[d]]  # in the order shown
    if len(facts) < len(every):
        rest = {f.doc_id for f in every} - shown
        parts.append(f"另有 {len(rest)} 份文件中也有{dept}的任务（共 {len(every) - len(facts)} 项），可在“责任分工”中按单位查看。")
    rows = [i for f in facts for i in fact_rows(index, f)[:1]]  # one hit per fact
    return Answer("department_tasks", "".join(parts), tuple(fact_dict(f) for f in facts)), rows


def answer_district_targets(index: Index, q: Query, scored: Scored):
    district = q.districts[0]
    facts = [t for t in index.targets_in_scope(district) if t.source == "table" and in_scope(index, q, t)
             and (q.year is None or t.year in (None, q.year))]
    if not facts:
        return None
    documents = list(dict.fromkeys(t.doc_id for t in facts))
    if len(documents) > 1:  # one table answers: the most relevant document's
        relevance = document_relevance(index, scored)
        chosen = max(documents, key=lambda d: relevance.get(d, 0.0))
        facts = [t for t in facts if t.doc_id == chosen]
    given = [t for t in facts if t.value is not None or t.value_text not in ("", "--", "—", "/", "-")]
    years = sorted({t.year for t in facts if t.year})
    when = f"{years[0]}年" if len(years) == 1 else ""
    items = "；".join(f"{t.indicator} {fmt(t.value, t.unit, t.value_text)}" for t in given)
    text = f"{district}{when}目标（{source(index, facts[0].doc_id, facts[0].clause)}，共 {len(given)} 项）：{items}。"
    if len(given) < len(facts):
        text += f"另有 {len(facts) - len(given)} 项未划分到{district}。"
    if len(documents) > 1:
        text += f"另有 {len(documents) - 1} 份文件也为{district}分解了目标。"
    return Answer("district_targets", text, tuple(fact_dict(t) for t in facts)), \
        [i for t in given for i in fact_rows(index, t)]


def answer_document(index: Index, q: Query, doc_id: str):
    """What a question asks about a document itself — who issued it and when (signers above its
    date, else its issuer), its 文号, when it takes effect, how long it is valid — from its
    metadata; None when the document does not state what is asked."""
    doc = index.documents[doc_id]
    span = VALID_FOR.search(" ".join(index.chunks[r].text for r in index.doc_rows.get(doc_id, [])[-6:]))
    asked = {"valid": any(w in q.text for w in ("有效期", "失效", "到期", "废止")),
             "effective": any(w in q.text for w in ("施行", "生效", "实施日期", "起实施"))}
    if (asked["valid"] and not (doc.expires or span)) or (asked["effective"] and not doc.effective):
        return None
    by = "、".join(doc.signers) or doc.issuer
    parts = [f"《{doc.title}》" + (f"（{doc.doc_number}）" if doc.doc_number else "")]
    if by:
        parts.append(f"由{by}印发")
    if doc.date:
        y, m, d = doc.date.split("-")
        parts.append(f"成文日期{int(y)}年{int(m)}月{int(d)}日")
    if doc.effective:
        parts.append(f"施行日期{doc.effective}")
    if doc.expires:
        parts.append(f"有效期至{doc.expires}")
    if span:
        parts.append(f"“{span.group(0)}”")
    if len(parts) == 1:
        return None
    return Answer("passage", "，".join(parts) + "。", citation=doc.citation("")), index.doc_rows.get(doc_id, [])[:1]
