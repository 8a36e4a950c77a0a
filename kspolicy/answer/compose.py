"""Answer a question: exact facts where they answer it, else the sentences that do, else `none`.

The question is analysed once (query.py), retrieved once (search.py), then routed by
its intent: who is responsible, a unit's tasks, a target, a district's targets — from
facts (fromfacts.py) — and anything else, or a fact-shaped question no fact answers,
from the best sentences of the retrieved clauses (passages.py). The answer is refused
(`none`) only when the evidence is weak: the best quote holds too little of the
question's key terms, or a number is asked and the quote has none (evidence.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..models import Answer, Chunk, Hit
from ..understand.vocab import load_vocabulary
from ..scoring import grams
from ..text import fold, is_cjk
from .evidence import Evidence, Thresholds, held_by_pieces, judge, key_terms
from .fromfacts import (
    answer_deadline,
    answer_department_tasks,
    answer_district_targets,
    answer_responsibility,
    answer_document,
    answer_target,
    document_relevance,
    source,
)
from .passages import LISTS, UNIT_ASKED, Quote, absent, covered, lists_materials, quote, split_sentences, states_asked
from .query import Query, abbreviations_in, analyse, asked, correct_typos, cues, expand_abbreviations
from .search import Candidate, Index, Scored, score, to_hit

PASSAGES = 16  # retrieved chunks whose sentences are read for a quote (12 missed a short clause ranked 15th)
ROWS_PER_TABLE = 3  # supporting hits from one table at most (a table's rows crowd out the clauses)
MAX_QUESTION = 500  # characters of a question that are read
WHO = re.compile(r"谁|哪家|哪个(?:部门|单位|机构)|哪些(?:部门|单位)")
ASKING = re.compile(r"谁|多少|几|哪|什么|啥|吗|呢|是否|怎么|如何|何时|多久|多大|还是")
FULL_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
EACH = re.compile(r"(?P<a>[\u4e00-\u9fff]{2,6})[和与](?P<b>[\u4e00-\u9fff]{2,6}?)(?:分别|各自)")
STATES = 0.5  # how much a clause of the named document that states the number asked counts as holding terms
PREVIEW = 0.2  # how much less an introduction's sentence answers a question of detail than the body's
FRONT_MATTER = ("引言", "通知")  # labels of what precedes the first numbered clause (structure.py)
ATTACHMENT = re.compile(r"附件\s*([一二三四五六七八九\d]+)")  # "附件2任务分解表里…": the question names an attachment
COUNTED_THING = re.compile(r"多少[个家套名项人]?(?![个家套名项人元钱])([\u4e00-\u9fff]{2,6})")  # "多少押金": what is
# counted ("多少钱专门用于…": money, and what follows is no thing)
WHETHER = re.compile(r"(?:要不要|需不需要|用不用|能不能|可不可以)(?:去|再|先)?([\u4e00-\u9fff]{2,6})")  # "要不要找人做反担保"
DISTRICT = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2}[区县]|(?<=[在是到从给])[\u4e00-\u9fff]{2}[区县]")  # "海珠区…"
HOW = re.compile(r"(?:怎么|如何|怎样)(?!个[\u4e00-\u9fff]{1,2}法)(?:才能|才可以|去|来)?([\u4e00-\u9fff]{2,6})")  # "怎么挂失":
# what is asked how to do ("怎么个分法" asks how it is done, it names no act)
RRF_K = 10  # reciprocal-rank fusion of the hits' retrieval and quote ranks
UNKNOWN_WORD = 4  # a word this long that the corpus never has names something it does not cover
CODE = re.compile(r"[a-z]+\d+(?:\.\d+)?")  # "pm10", "h7n9": a code names one thing, whatever its length
COUNTED = re.compile(r"^[零一二两三四五六七八九十百千万几多半]+[个多余]?[年月天日周岁人次]?$")  # "二十多年": a count, no thing


def best_quote(index: Index, q: Query, scored: Scored, terms) -> tuple[Quote | None, tuple[int, ...]]:
    """The best sentences among the top retrieved chunks (rank breaks near-ties), and the rows read,
    best quote first (they order the hits after the answer's own)."""
    best = None
    values: dict[int, float] = {}
    question = grams(q.content)
    pool = diverse(index, scored.candidates, PASSAGES)
    announced = announced_items(index, pool)
    for rank, candidate in with_parallel_items(index, pool) + in_named_document(index, q, terms, scored, pool) + \
            [(rank, c) for rank, c, _ in announced.values()]:
        chunk = index.chunks[candidate.row]
        doc = index.documents[chunk.doc_id]
        listed = with_items(index, chunk) if q.asks in LISTS else chunk
        found = quote(listed, candidate.row, q, terms, question, f"{doc.city} {doc.title}")
        if found is None:
            continue
        if listed is chunk and found.text.rstrip().endswith(("：", ":")):
            listed = with_items(index, chunk)  # the quote announces what follows ("请按以下步骤操作：")
        if listed is not chunk:  # the announced list is the answer, whichever item matched best
            found = replace(found, text="".join(split_sentences(listed.text)),
                            items=tuple(children(index, chunk.doc_id, chunk.clause_id)))
        elif candidate.row in announced and announced[candidate.row][2] not in found.text:
            found = replace(found, text=announced[candidate.row][2] + found.text)  # "…涉嫌以下法律责任：2.…"
        value = found.score + 0.15 * candidate.score - 0.01 * rank
        if chunk.label in FRONT_MATTER and q.asks in (*LISTS, "number", "time"):
            value -= PREVIEW  # an introduction names what the body sets out ("申请渠道、办理流程")
        values[candidate.row] = value
        if best is None or value > best[0]:
            best = (value, found)
    ranked = tuple(sorted(values, key=lambda r: -values[r]))
    if best is None:
        return None, ranked
    found = best[1]
    return (with_siblings(index, found, terms, q) if q.asks in LISTS else found), ranked


def in_named_document(index: Index, q: Query, terms, scored: Scored, pool: list, most: int = 6,
                      discount: float = 0.6) -> list[tuple[int, Candidate]]:
    """(rank, candidate) of the chunks of the document whose title the question names ("2026年度城乡居民
    医保…学生要交多少钱") that hold most of the question's other terms: a clause of it need not repeat
    its title ("（一）在校学生：个人缴费标准为每人413元"), which retrieval weighs most."""
    doc_id = named_document(index, terms, scored)
    if doc_id is None:
        return []
    doc = index.documents[doc_id]
    rest = absent(terms, fold(f"{doc.title} {doc.doc_number}"))
    if not rest:
        return []
    seen = {c.row for c in pool}
    stating = q.asks == "number"  # a number asked: the clauses that state one count too
    held = [(covered(rest, chunk.embed_text) + STATES * (stating and states_asked(q, chunk.text)), r)
            for r in index.doc_rows.get(doc_id, []) if r not in seen for chunk in [index.chunks[r]]]
    best = max((c.score for c in pool), default=1.0)
    return [(len(pool), Candidate(r, best * discount, 0.0, 0.0))
            for value, r in sorted(held, reverse=True)[:most] if value > 0]


def with_parallel_items(index: Index, pool: list) -> list[tuple[int, Candidate]]:
    """(rank, candidate) of the retrieved chunks, plus the sibling items of the best few at their rank:
    parallel items differ by a qualifier ("（一）本市户籍…可凭…；（二）非本市户籍…可凭…") that
    retrieval may not weigh."""
    def siblings(chunk) -> list[int]:
        return children(index, chunk.doc_id, chunk.clause_id.rpartition(".")[0]) if "." in chunk.clause_id else []
    return list(enumerate(pool)) + [(rank, c) for rank, c, _ in near_items(index, pool, siblings)]


def announced_items(index: Index, pool: list) -> dict[int, tuple[int, Candidate, str]]:
    """The items the best few chunks announce ("违规补缴涉嫌以下法律责任："), which continue them: row ->
    (rank, candidate, the announcing sentence an item is quoted after)."""
    def announced(chunk) -> list[int]:
        return children(index, chunk.doc_id, chunk.clause_id) if chunk.text.rstrip().endswith(("：", ":")) else []
    return {c.row: (rank, c, split_sentences(parent.text)[-1]) for rank, c, parent in near_items(index, pool, announced)}


def near_items(index: Index, pool: list, rows_of, top: int = 3, discount: float = 0.6) -> list[tuple[int, Candidate, Chunk]]:
    """(rank, candidate, the chunk they come from) of the text rows `rows_of` gives for each of the best few
    text chunks, at that chunk's rank and a discount of its score; rows already read are left out."""
    seen = {c.row for c in pool}
    out = []
    for rank, c in enumerate(pool[:top]):
        chunk = index.chunks[c.row]
        if chunk.kind != "text":
            continue
        for row in rows_of(chunk):
            if row not in seen:
                seen.add(row)
                out.append((rank, Candidate(row, c.score * discount, c.bm25, c.dense), chunk))
    return out


def children(index: Index, doc_id: str, clause_id: str) -> list[int]:
    """Text chunk rows of the clauses directly under `clause_id` (clause ids "S2.I1", "S2.I2")."""
    return [r for r in index.doc_rows.get(doc_id, []) if index.chunks[r].kind == "text"
            and index.chunks[r].clause_id.rpartition(".")[0] == clause_id]


def first_sentences(index: Index, rows: list[int]) -> list[str]:
    """Each item's first full sentence, to its first 。 (an item may hold "；": "（四）申请租房补贴的，提供…；
    申请购房补贴的，提供…。"); items without one left out."""
    firsts = (FULL_SENTENCE.match(index.chunks[r].text.strip()) for r in rows)
    return [m.group(0).strip() for m in firsts if m and len(m.group(0).strip()) > 1]


def with_items(index: Index, chunk):
    """A clause that announces a list ("需要申请材料如下：") with its items (each a clause of its own,
    in its first sentence), read as one text for a list question."""
    if chunk.kind != "text" or not chunk.text.rstrip().endswith(("：", ":")):
        return chunk
    items = first_sentences(index, children(index, chunk.doc_id, chunk.clause_id))
    return replace(chunk, text="\n".join([chunk.text, *items])) if items else chunk


def with_siblings(index: Index, found: Quote, terms, q: Query, levels: int = 2) -> Quote:
    """A list question answered by one item gets every item under a heading above it (its own, or
    the one above that), each in its first sentence, when the heading announces a list ("不得有下列
    行为：", or, for a question of materials, names one: "二、申领所需材料", the highest that does), or,
    for a list of measures, materials or channels, when the heading, not the item, is what was asked
    about ("二、申报渠道" over "2.“穗好办”APP…"; "三、申请材料" over "3、房屋租赁合同 > （2）…"). The
    clause tree gives the items, not the heading text, which may hold the separator."""
    chunk = index.chunks[found.row]
    if chunk.kind != "text":
        return found
    parts = chunk.clause_id.split(".")
    lists = []
    for depth in range(1, min(levels, len(parts) - 1) + 1):
        parent_id = ".".join(parts[:-depth])
        rows = children(index, chunk.doc_id, parent_id)
        parent = os.path.commonprefix([index.chunks[r].heading for r in rows]).rsplit(" > ", 1)[0]
        if not 2 <= len(rows) <= 12 or not parent:
            continue
        title, item = parent.split(" > ")[-1], chunk.heading[len(parent):]
        lead_in = title.endswith(("：", ":")) or any(w in title for w in cues().lead_in)
        materials = lists_materials(q, title)
        if lead_in or materials or (q.asks == "list" and covered(terms, f"{title} {item}") > covered(terms, item)):
            lists.append((materials, parent_id, title, rows))
    if not lists:
        return found  # "哪些载体" under "三、重点领域 > 2. 工程机械" asks about this item's clause
    _, parent_id, title, rows = next((x for x in reversed(lists) if x[0]), lists[0])
    items = first_sentences(index, rows)
    whole = next((r for r in index.doc_rows.get(chunk.doc_id, []) if index.chunks[r].clause_id == parent_id
                  and index.chunks[r].kind == "text"), found.row)  # cited as the clause holding the items
    return Quote(whole, f"{title.rstrip('：:')}：" + "".join(items), found.score, found.coverage, found.states,
                 tuple(rows))


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
        own = found is not None and any(f["scope"] in q.districts for f in found[0].facts)
        every = any(w in q.text for w in cues().every_item)  # "各项目标", "都有哪些"
        if q.districts and (every or not own) and names_only_documents(index, q):  # "张浦镇的目标", "兴化市义务
            found = answer_district_targets(index, q, scored) or found  # 教育优质均衡的各项考核目标": all of them
        return found
    if q.intent == "responsibility" or (q.intent == "department_tasks" and not q.departments):
        return answer_responsibility(index, q, scored)
    if q.asks == "time" and any(w in q.text for w in cues().completion):  # "这项工作什么时候之前完成": a
        # task's 完成时限 (not "申请截止到什么时候", which a sentence of the rules answers)
        return answer_deadline(index, q, scored)
    return None


def names_only_documents(index: Index, q: Query) -> bool:
    """The question's topic holds no word but those naming a document that breaks targets down to
    its district ("义务教育优质均衡 各项考核" of 《…义务教育优质均衡发展考核目标分解表》), if any."""
    titles = [fold(index.documents[d].title) for d in
              dict.fromkeys(t.doc_id for t in index.targets_in_scope(q.districts[0]) if t.source == "table")]
    return all(any(fold(w) in title for title in titles) for w in index.tokenizer.tokens(q.topic) if len(w) >= 2)


@lru_cache(maxsize=1)
def asking_words() -> frozenset[str]:
    """Particles, the words of asking and everyday words (cues.toml): never corrected as typos ("签完合同"
    is 签完 = 订立, not the corpus word 签订合同)."""
    c = cues()
    lists = (c.particles, c.number, c.time, c.list, c.lead, c.partner, c.leader, c.most, c.least, c.later,
             *c.measure.values(), *c.document.values(), [w for w in c.colloquial if len(w) > 1])
    return frozenset(w for words in lists for w in words) | c.asking


def prepare(index: Index, question: str) -> str:
    """The question as matched: cut to MAX_QUESTION, abbreviations expanded, a one-character typo fixed."""
    question = expand_abbreviations(question.strip()[:MAX_QUESTION])
    if not any(map(is_cjk, question)):
        return question
    return correct_typos(question, index.idf, index.typo_patterns, asking_words())


@dataclass(frozen=True)
class Options:
    """What could answer a question: facts (with how much of the question their text covers) and
    the best quote (with its evidence). `decide` picks one; scripts/calibrate.py replays it."""

    facts: tuple[Answer, list[int]] | None
    stated: float  # key-term coverage of a fact answer's own text, names aside
    quote: Quote | None
    evidence: Evidence
    unknown: tuple[str, ...]  # words of four characters or more that the corpus never has ("集成电路")
    read: tuple[int, ...] = ()  # the chunks read for a quote, best quote first
    unitless: bool = False  # "由哪个单位初核" asks a unit and the quote names none


def options(index: Index, q: Query, scored: Scored) -> Options:
    terms = key_terms(index, q)
    found, read = best_quote(index, q, scored, terms)
    result = by_facts(index, q, scored)
    if result is not None and result[0].kind in ("target", "district_targets") and q.asks == "number" and \
            q.measure in ("money", "percent", "age") and not states_asked(q, result[0].text):
        result = None  # "岗位补贴每月发多少钱" is not answered by the target "公益性岗位安置不少于150人", nor
        # "要多大年纪才能申请" by "…每人每月400元"
    stated = 1.0
    topic = [(forms, w) for forms, w in terms  # names aside, and words no document has (no fact could hold them)
             if not set(forms) & names_of(index, q) and forms[0] in index.token_idf]
    if result is not None and topic and any(map(is_cjk, q.text)):
        answer, rows = result  # facts answer only a question their own text covers (names aside)
        titles = {index.documents[f["doc_id"]].title for f in answer.facts if f.get("doc_id") in index.documents}
        # the question may name the facts' document by its title ("义务教育优质均衡…考核目标")
        stated = covered(topic, " ".join([answer.text, *(index.chunks[i].embed_text for i in rows[:8]), *titles]))
    evidence = Evidence.of(index, q, found, scored, terms)
    tokens = index.tokenizer.tokens(q.content)
    unknown = tuple(t for t in tokens if (len(t) >= UNKNOWN_WORD and all(map(is_cjk, t)) or CODE.fullmatch(t))
                    and not COUNTED.match(t) and t not in cues().asking and t not in index.token_idf
                    and not in_parts(t, fold(evidence.text))  # "多长时间" asks, names nothing
                    and not held_by_pieces(t, tokens, index.token_idf)  # "本科毕业": 本科 and 毕业
                    and not any(map(index.mentions, cues().colloquial.get(t, ()))))  # 上班时间: 工作时间
    unit = UNIT_ASKED.search(q.text)
    unitless = bool(found and unit) and not names_unit(index, found.text) and \
        not re.search(r"[\u4e00-\u9fff]{2}" + unit.group()[-2:], found.text)  # "哪个机构": "…公共就业服务机构"
    return Options(result, stated, found, evidence, unknown + unknown_action(index, q.text), read, unitless)


def unknown_action(index: Index, question: str) -> tuple[str, ...]:
    """What a "怎么/如何…" question asks how to do, a "多少…" question counts or a "要不要…" question asks
    whether to do, when no document has its word ("社保卡丢了怎么挂失", "要交多少押金", "要不要找人做反担保"):
    documents that never name it cannot state it."""
    how = HOW.search(question) or COUNTED_THING.search(question) or WHETHER.search(question)
    if not how:
        return ()
    word = next((w for w in index.tokenizer.words(how.group(1)) if len(w) >= 2), "")
    if not word or not all(map(is_cjk, word)) or word in index.token_idf or word in asking_words():
        return ()
    official = cues().colloquial.get(word, ())
    return () if any(f in index.token_idf for f in official) else (word,)


def in_parts(word: str, text: str) -> bool:
    """A word the corpus never has whole is in `text` in parts ("取消资格" in "取消其见习基地资格") or
    all but its first or last character ("利用外资" in "实际使用外资量")."""
    halves = {word[:len(word) // 2], word[len(word) // 2:]}
    return all(h in text for h in halves) or word[1:] in text or word[:-1] in text


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
    quotable = quotable and not o.unitless  # "由哪个单位初核" is not answered by "《…申报表》"
    if o.facts is not None and (o.stated >= limits.coverage or (quotable and o.evidence.coverage <= o.stated)):
        return "facts"
    return "passage" if quotable else "none"


def ask(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question: (answer, supporting hits best first). A question of two parts
    ("…归哪个部门查？住房困难情况又是谁核实") gets both answers, each with its source; when the corpus
    answers only one part, the question is not answered (`partly_found`)."""
    parts = split_question(question)
    if len(parts) == 1:
        return ask_one(index, question, k, doc_id)
    first = ask_one(index, parts[0], k, doc_id)
    answers = [first, ask_following(index, parts[0], first, parts[1], k, doc_id)]
    given = [(a, h) for a, h in answers if a.kind != "none"]
    if len(given) == 1:  # "…积分怎么算？买了房能加几分": one part is not in the corpus, unless the other
        missing = next(p for p, (a, _) in zip(parts, answers) if a.kind == "none")  # part's answer states it
        return given[0] if answered_by(index, missing, given[0][0]) else (partly_found(missing, given[0][0]), given[0][1])
    if len(given) < 2 or given[0][0].text == given[1][0].text:
        whole = ask_one(index, question, k, doc_id)
        return whole if whole[0].kind != "none" or not given else given[0]
    first, hits = given[0]
    text = "；另：".join(dict.fromkeys(a.text.rstrip("。") for a, _ in given)) + "。"
    merged = list({h.chunk_id: h for _, hs in given for h in hs[:2]}.values())
    merged += [h for _, hs in given for h in hs if h.chunk_id not in {m.chunk_id for m in merged}]
    facts = tuple(f for a, _ in given for f in a.facts)
    return Answer(first.kind, text, facts, first.citation, first.clause_text), merged[:k]


def ask_following(index: Index, first: str, answered: tuple[Answer, list[Hit]], part: str, k: int,
                  doc_id: str | None) -> tuple[Answer, list[Hit]]:
    """The second part of a question, which names no place, unit or city of its own ("姑苏区…增幅目标是多少？
    一般公共预算收入增幅又定的多少"), asked about the first part's subject: within the document that answered
    the first part and with the districts it named; alone when that finds nothing."""
    answer, hits = answered
    second = analyse(prepare(index, part), index.places, index.departments, index.cities, index.token_idf)
    earlier = analyse(prepare(index, first), index.places, index.departments, index.cities, index.token_idf)
    own = [set(a) - set(b) for a, b in ((second.districts, earlier.districts),
                                         (second.departments, earlier.departments), (second.cities, earlier.cities))]
    if doc_id or answer.kind == "none" or not hits or any(own):  # names of its own, beyond the subject it shares
        return ask_one(index, part, k, doc_id)
    named = "".join(d for d in earlier.districts if d not in second.districts)
    asking = ASKING.search(first)
    subject = first[:asking.start()] if asking else ""
    bare = part[len(subject):] if subject and part.startswith(subject) else ""  # "要带哪些资料" without the
    # situation of the first part ("在天河租了套房，合同签完以后"), which its document already answered
    for asked_part in (part, bare):
        within = ask_one(index, named + asked_part, k, hits[0].doc_id) if asked_part else None
        if within and within[0].kind != "none":
            return within
    return ask_one(index, part, k, doc_id)


def answered_by(index: Index, part: str, answer: Answer) -> bool:
    """The answer to one part of a question answers `part` too: a responsibility names lead and partners
    ("谁牵头？还有哪个单位一起负责"); a quote states the kind of thing `part` asks for and holds its key
    terms ("每月能领多少住房补贴？最多领多久": "每人每月1500元…最长为2年")."""
    q = analyse(prepare(index, part), index.places, index.departments, index.cities, index.token_idf,
                index.tokenizer.words)
    if answer.kind == "responsibility":  # unless the part asks who does another step ("再由哪家复核")
        step = who_asked(part)
        return q.intent == "responsibility" and (step not in index.token_idf or step in answer.text)
    known = [(forms, w) for forms, w in key_terms(index, q) if forms[0] in index.token_idf]
    return bool(q.asks or q.measure) and states_asked(q, answer.text) and \
        covered(known, answer.text) >= 1 - index.thresholds.missing


def partly_found(missing: str, found: Answer) -> Answer:
    """A question of two parts only one of which the corpus answers is not answered: the reply says
    which part was not found and gives the other part's answer as a pointer, not as the answer."""
    return Answer("none", f"{none_answer(missing).text}另一问的相关内容：{found.text}")


def about_city(index: Index, doc_id: str, cities: tuple[str, ...]) -> bool:
    """A document is about a city the question names: issued there, or naming it in its text."""
    doc = index.documents[doc_id]
    if not doc.city or doc.city in cities:
        return True
    return index.mentions_in(doc_id, [fold(c.rstrip("市区县")) for c in cities])


def another_district(index: Index, q: Query, row: int) -> bool:
    """The answer comes from a district's own document (天河区), and the question names another district
    ("海珠区…") that the document never mentions and not the document's own."""
    doc = index.documents[index.chunks[row].doc_id]
    if not doc.city.endswith(("区", "县")) or doc.city[:-1] in q.text:  # "住在海珠区，想在天河区…": 天河's own
        return False
    named = [m.group(0) for m in DISTRICT.finditer(q.text) if m.group(0) != doc.city
             and not set(m.group(0)[:2]) & set(cues().not_in_district_names)]  # "哪个区", "一个区" name none
    return any(not names_place(index, index.chunks[row].doc_id, d) for d in named)


def names_place(index: Index, doc_id: str, place: str) -> bool:
    """The document names a place ("海珠区", or "海珠" without its 区) in its title or text."""
    short = fold(place[:-1])
    return short in fold(index.documents[doc_id].title) or index.mentions_in(doc_id, [short])


def named_document(index: Index, terms, scored: Scored) -> str | None:
    """The document a question names by its title or 文号: of the documents retrieved, the one whose
    title and number hold most of the question's key terms (at least half of their weight)."""
    retrieved = sorted(document_relevance(index, scored))
    best = max(((covered(terms, f"{d.title} {d.doc_number}"), doc_id) for doc_id in retrieved
                for d in [index.documents[doc_id]]), default=(0.0, None))
    return best[1] if best[0] >= 0.5 else None


def only_about_document(index: Index, terms, doc_id: str) -> bool:
    """Nothing but the document is asked about ("家庭医生签约服务实施方案是什么时候印发的"): every key
    term is in its title or 文号, or is a word about documents (印发, 联合, 部门)."""
    doc = index.documents[doc_id]
    named = fold(f"{doc.title} {doc.doc_number}")
    words = (*cues().document["about"], *cues().document["refers"], *load_vocabulary().document_kinds, "联合", "部门")
    return all(any(fold(f) in named or f in words for f in forms) for forms, _ in terms)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks two things; a part without a subject of its own ("远期目标呢")
    is asked about the first part's subject."""
    each = EACH.search(question)
    if each and each.group("a")[-1] == each.group("b")[-1]:  # "初核和复核分别是哪个机构": two of a kind,
        # each asked alone (not "单位和个人缴费费率分别", whose shared noun follows the second)
        head, ask_rest = question[:each.start("a")], question[each.end():]
        return [f"{head}{each.group('a')}{ask_rest}", f"{head}{each.group('b')}{ask_rest}"]
    parts = [p.strip(" ，,") for p in re.split(r"[？?；;]+", question) if len(p.strip(" ，,")) >= 4]
    parts = [p for p in parts if ASKING.search(p)]
    if len(parts) == 1:  # "推进会是哪天开的，来了多少人", "谁审核、谁审定": two clauses that each ask for
        # something; the clauses before them that ask nothing ("广州灵活就业交养老保险，") are the subject of both
        clauses = [p.strip() for p in re.split(r"[，,]", parts[0]) if p.strip()]
        pair = re.split(r"、", clauses[-1])  # "谁审核、谁审定": two who-clauses listed
        if len(pair) == 2 and all(who_asked(c) for c in pair):
            clauses[-1:] = pair
        lead = "，".join(clauses[:-2])
        if len(clauses) < 2 or ASKING.search(lead):
            return [question]
        parts = [f"{lead}，{c}" if lead else c for c in clauses[-2:]]
        kinds = [asked(c)[0] or who_asked(c) for c in clauses[-2:]]  # "先由哪个单位初核，再由哪个单位复核"
        if not all(kinds) or kinds[0] == kinds[1]:
            return [question]
    if len(parts) != 2:
        return [question]
    first, second = parts
    if len(second) < 10 and not re.search(r"[\u4e00-\u9fff]{2,}(?:局|委|办|区|镇|率|费|额|数)", second):
        if asked(second)[0]:
            second = f"{first[:ASKING.search(first).start()]}{second}"  # the first's subject, asked otherwise
        else:
            second = f"{first}，{second}"
    return [first, second]


def names_unit(index: Index, text: str) -> bool:
    """The text names a unit: one the documents name (区残联), or a word ending as units do (units.toml
    endings of two characters or more, and 局; 办, 所, 处 end ordinary words too: 办理, 所以, 处理)."""
    return bool(unit_name().search(text)) or any(f in text for forms in index.departments.values() for f in forms)


@lru_cache(maxsize=1)
def unit_name() -> re.Pattern[str]:
    endings = sorted({*(e for e in load_vocabulary().dept_endings if len(e) >= 2), "局"}, key=len, reverse=True)
    return re.compile(r"[\u4e00-\u9fff](?:" + "|".join(map(re.escape, endings)) + ")")


def who_asked(clause: str) -> str:
    """What a clause asks who does ("再由哪个单位复核" -> 复核), '' for no such clause or for a role
    ("谁牵头", which a responsibility answers with the other roles)."""
    m = WHO.search(clause)
    return "" if m is None or asked(clause)[1] else clause[m.end():].strip("？?")


def reranked(scored: Scored, read: tuple[int, ...], k: int = RRF_K) -> list[int]:
    """The chunks read for a quote in the order of their reciprocal-rank fusion of retrieval rank and
    how well they answer (a second stage: a chunk retrieval put first stays near the top)."""
    retrieved = {c.row: n for n, c in enumerate(scored.candidates)}
    answers = {row: n for n, row in enumerate(read)}
    return sorted(read, key=lambda r: -(1 / (k + retrieved.get(r, len(retrieved))) + 1 / (k + answers[r])))


def in_attachment(label: str, number: str) -> bool:
    """A clause label ("附件2 第3项", "附件二") is in attachment `number` ("2" or "二")."""
    named = ATTACHMENT.match(label)
    return bool(named) and cn_number(named.group(1)) == cn_number(number)


def cn_number(text: str) -> str:
    digits = "一二三四五六七八九"
    return str(digits.index(text) + 1) if text in digits else text


def ask_one(index: Index, question: str, k: int = 5, doc_id: str | None = None) -> tuple[Answer, list[Hit]]:
    """Answer one question of one part."""
    asked = question
    question = prepare(index, question)
    q = replace(analyse(question, index.places, index.departments, index.cities, index.token_idf,
                        index.tokenizer.words), doc_id=doc_id or "")
    searched = question + "".join(f" {abbr}" for abbr, _ in abbreviations_in(question)
                                  if abbr not in question)  # documents may use either form
    scored = score(index, searched, index.embedder.encode_query(question), doc_id)
    if q.unknown_place and not index.mentions(q.unknown_place):
        return none_answer(asked), top_hits(index, scored, k)  # a town the corpus never mentions
    o = options(index, q, scored)
    held = [index.phrase_scope(p) for p in index.quoted(question)]  # a quoted phrase is in every hit, read ones too
    read = tuple(r for r in o.read if all(r in rows for rows in held))
    hits = top_hits(index, scored, k, reranked(scored, read))  # the chunks that answer best first
    choice = decide(q, o, index.thresholds)
    if choice == "passage" and q.cities and not about_city(index, index.chunks[o.quote.row].doc_id, q.cities):
        choice = "none"  # a quote from another city's document does not answer "苏州…"
    if choice == "passage" and q.districts and not any(
            fold(form) in fold(o.evidence.text) for d in q.districts for form in index.places.get(d, [d])):
        choice = "none"  # "溧阳…再就业目标" is not answered by a sentence about no district
    rows = [] if choice == "none" else o.facts[1] if choice == "facts" else [o.quote.row]  # what the answer rests on
    if rows and another_district(index, q, rows[0]):
        choice = "none"  # "海珠区…积分入学" is not answered by a 天河区 document's "我区…"
    attachment = ATTACHMENT.search(question)
    if choice != "none" and attachment:
        if not any(in_attachment(index.chunks[r].label, attachment.group(1)) for r in rows):
            choice = "none"  # "附件2任务分解表里…": an answer from outside that attachment does not answer
    about_doc = doc_id or (named_document(index, key_terms(index, q), scored) or (o.quote and index.chunks[o.quote.row].doc_id)
                           if q.about_document else None)
    if choice == "none":
        about = answer_document(index, q, about_doc) if q.about_document and about_doc else None
        if about:  # "这个办法有效期几年": the document's own metadata answers it
            return answer_with_citation(index, about[0], about[1], hits, scored, doc_id, k)
        return none_answer(asked), hits
    answer, rows = o.facts if choice == "facts" else (answer_passage(index, o.quote), [o.quote.row, *o.quote.items])
    if q.about_document and about_doc:  # "这个方案是什么时候、由谁印发的": its metadata first
        about = answer_document(index, q, about_doc)
        if about and only_about_document(index, key_terms(index, q), about_doc):  # the metadata is the answer
            return answer_with_citation(index, about[0], about[1], hits, scored, doc_id, k)
        if about:
            answer = Answer(answer.kind, f"{about[0].text}{answer.text}", answer.facts, answer.citation, answer.clause_text)
    return answer_with_citation(index, answer, rows, hits, scored, doc_id, k)


def answer_with_citation(index: Index, answer: Answer, rows: list[int], hits: list[Hit], scored: Scored,
                         doc_id: str | None, k: int) -> tuple[Answer, list[Hit]]:
    """The chunks the answer rests on come first among the hits (a quoted phrase that filters the other
    hits may be in their clause's heading or document, not in them); the answer cites the first."""
    top = max((h.score for h in hits), default=0.0)  # what the answer rests on ranks first: its score is the top one
    rows = [i for i in rows if not doc_id or index.chunks[i].doc_id == doc_id]
    lead = [to_hit(index, i, max(scored.score(i), top)) for i in rows]
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


def top_hits(index: Index, scored: Scored, k: int, first: list[int] | tuple[int, ...] = ()) -> list[Hit]:
    """The k best hits: the rows `first` (reranked), then the retrieved chunks (diverse)."""
    rows = dict.fromkeys([*first, *(c.row for c in diverse(index, scored.candidates, k))])
    return [to_hit(index, r, scored.score(r)) for r in list(rows)[:k]]


def none_answer(question: str) -> Answer:
    shown = question.strip() if len(question.strip()) <= 60 else question.strip()[:60] + "…"
    return Answer("none", f"知识库中没有找到能回答“{shown}”的内容。")
