"""When to refuse: the retrieved evidence for a question is too weak to quote.

Evidence is the best quote's coverage of the question's key terms (jieba words weighted
by IDF; a word the corpus never has weighs most) and the cosine of the closest chunk.
A question is refused when the coverage is under a threshold; when it asks for a number (or
for materials to hand in, or whether a fee is due) and the quote states none; when the quote's
context lacks the word whose amount is asked ("租金能减免多少": 减免) or names another kind of the
thing asked about (养老保险 for "失业保险…费率"); or — for a question in another language, which has
no words to look up — when the cosine is under a threshold. Thresholds depend on the embedder;
they are calibrated by scripts/calibrate.py on in- and out-of-corpus questions over the
multi-document corpus, kept in index/calibration.toml, and recorded in each index's manifest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..index.embed import calibration
from ..understand.targets import quantity_pattern
from ..understand.vocab import load_vocabulary
from ..text import fold, is_cjk
from .passages import DATE, MEASURES, QUANTITY_WORDS, Quote, absent
from .query import Query, abbreviations_in, cues
from .search import Scored, token_weight


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
    lacks_asked: bool = False  # the context lacks the word whose amount is asked ("租金能减免多少": 减免)
    other_kind: bool = False  # the context names another kind of what the question names (养老保险, not 失业保险)
    quote: str = ""  # the quoted sentences alone
    year_elsewhere: bool = False  # the quote names no year; the question's year is in its document's text

    @classmethod
    def of(cls, index, q: Query, found: Quote | None, scored: Scored, terms) -> "Evidence":
        if found is None:
            return cls(0.0, 1.0, scored.best_dense, False, "")
        chunk = index.chunks[found.row]
        doc = index.documents[chunk.doc_id]
        context = f"{chunk.embed_text} {found.text} {doc.title} {doc.issuer} {doc.city} {doc.doc_number}"
        known = [(forms, w) for forms, w in terms if forms[0] in index.token_idf]
        flat = fold(context)
        lacking = sum(w for _, w in absent(known, flat))
        missing = lacking / sum(w for _, w in known) if known else 0.0
        written = [(forms, w) for forms, w in terms if any(f in index.token_idf for f in forms)]  # 涨: 上调…
        unknown = tuple(forms[0] for forms, _ in terms if not any(f in index.token_idf for f in forms))
        asked = asked_word(q, written, unknown) if q.asks == "number" else None
        lacks_asked = asked is not None and (not any(fold(f) in flat for f in asked) or
                                             not asked_near_amount(q, found.text, asked))
        if q.asks == "number":
            lacks_asked = lacks_asked or bool(absent(counted_terms(q, written), flat))
        phoned = [f for forms, _ in known for f in forms if any(w in f for w in cues().measure["phone"])]
        topic = [(forms, w) for forms, w in known if not any(f in p for f in forms for p in phoned)]
        if q.measure == "phone" and topic:  # whose number: the question's most specific word ("仲裁…电话"),
            # not a word of asking for it ("咨询电话", 咨询)
            lacks_asked = lacks_asked or bool(absent([max(topic, key=lambda t: t[1])], flat))
        year_elsewhere = bool(q.year) and str(q.year) not in context and not re.search(r"\d{4}\s*年", found.text) \
            and index.mentions_in(chunk.doc_id, [str(q.year)])  # "2012年搞的那个计划": the document's year
        return cls(found.coverage, missing, scored.best_dense, found.states, context, lacks_asked,
                   other_kind(fold(q.text), fold(found.text), fold(f"{chunk.heading} {doc.title}")), found.text, year_elsewhere)


def asked_word(q: Query, terms, unknown: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The forms of the key term right before the words asking for a number: the thing whose amount is
    asked ("租金能减免多少" → 减免; "每月补贴多少" → 补贴; "有效期一般多长" → 有效期). Words the corpus does
    not know (`unknown`) and a modal with a verb of paying ("房租要交多少" → 房租) are passed over ("缴费基数一档多少钱" → 缴费)."""
    text = re.sub("|".join(map(re.escape, cues().hedges)), "", fold(q.text))
    cue_ahead = "(?=(?:" + MODAL_VERB.pattern + ")?(?:" + "|".join(map(re.escape, cues().number)) + "))"
    text = re.sub(RATE + cue_ahead, "", text)  # "补贴一年多少", "一个月能报多少": the rate is not the thing asked
    everyday = {written: word for word, written in cues().colloquial.items()}  # "罚多少": 罚 for 罚款
    for cue in cues().number:
        for m in re.finditer(re.escape(cue), text):
            if counted := counted_after(text, m.end(), terms):
                return counted
            end = m.start()
            first_passed = ""
            while True:
                for forms, _ in terms:
                    if MODAL_VERB.fullmatch(forms[0]):
                        continue  # "能领多少资助": 能领 is a modal and a verb, not the thing whose amount is asked
                    if any(text.endswith(fold(key), 0, end) for key in (forms[0], everyday.get(forms, forms[0]))):
                        return (*forms, *fee_stem(forms[0]))
                passed = max((w for w in unknown if text.endswith(fold(w), 0, end)), key=len, default="") or \
                    modal_verb_before(text, end)
                if not passed:
                    break
                first_passed = first_passed or (passed if passed in unknown and len(passed) > 2 else "")  # a pair
                # is often jieba's miscut ("逾期不改罚多少": 改罚)
                end -= len(passed)
            if first_passed:  # no known word before it: the unknown word is the thing asked ("服务期是几年"),
                # or the known word it holds ("分解成多少项": 分解)
                return next((forms for forms, _ in terms if forms[0] in first_passed), (first_passed,))
    return None


COUNTERS = "个家项件名座人所台套处条"


def counted_phrase(text: str, start: int) -> str:
    """The words after asking words ending at `start` that name the thing counted or paid: after
    "几个"/"多少个", or a bare "多少" before money ("几个农村垃圾分类示范村", "多少建设补助"); '' for none."""
    phrase = re.split(r"[，,。？?；;！!\s]", text[start:], maxsplit=1)[0]
    if text[start - 1] in COUNTERS:
        return phrase
    if phrase and phrase[0] in COUNTERS:
        return phrase[1:]
    paid = text.endswith("多少", 0, start) and phrase.endswith(tuple(cues().measure["money_after"]))
    return phrase if paid else ""  # "多少建设补助", not "多少比例", "多少天内"


def counted_after(text: str, start: int, terms) -> tuple[str, ...] | None:
    """The key term ending the counted phrase ("要建成几个农村垃圾分类示范村" → 示范村, not the verb 建成;
    "政府给多少建设补助" → 补助)."""
    phrase = counted_phrase(text, start)
    return next((forms for forms, _ in terms if any(phrase.endswith(fold(f)) for f in forms)), None) if phrase else None


def counted_terms(q: Query, terms) -> list[tuple[tuple[str, ...], float]]:
    """Every key term of the phrases naming what is counted or paid ("多少高龄津贴": 高龄 and 津贴): a quote
    about another kind of it (岗位津贴) does not answer."""
    text = fold(q.text)
    phrases = [counted_phrase(text, m.end()) for cue in cues().number for m in re.finditer(re.escape(cue), text)]
    return [(forms, w) for forms, w in terms if any(fold(f) in p for p in phrases if p for f in forms)]


def modal_verb_before(text: str, end: int) -> str:
    """A modal and a verb of paying ending at `end` ("房租要交多少": 要交), passed over to the thing paid."""
    return text[end - 2:end] if end >= 4 and MODAL_VERB.fullmatch(text[end - 2:end]) and \
        text[end - 1] in cues().paying else ""


def fee_stem(word: str) -> tuple[str, ...]:
    """The stem of a fee named by a word of two or more characters and a fee suffix (生活费 -> 生活)."""
    return tuple(word[:-len(s)] for s in cues().fee_suffixes if word.endswith(s) and len(word) - len(s) >= 2)


RATE = r"(?:[一每]个?(?:学年|年|季度|月|周|天|日|次|人|户|学期)|全年|年度)"  # "一年" in "补贴一年多少"
MODAL_VERB = re.compile(r"[能可要得会][\u4e00-\u9fff]")


def asked_near_amount(q: Query, quote: str, asked: tuple[str, ...], reach: int = 12) -> bool:
    """The quote names the thing asked about next to an amount it states (of money, or any quantity when the
    question asks no kind), when it names it at all ("每个月要交多少钱" is not answered by "按每人每月300元标准
    给予补贴…实际缴费额", "服务期是几年" not by "服务期满…继续在基层单位工作满1年以上")."""
    pattern = MEASURES.get(q.measure) if q.measure in ("money", "amount") else \
        any_quantity() if not q.measure else None
    flat = fold(quote)
    places = [m.start() for f in asked for m in re.finditer(re.escape(fold(f)), flat)]
    if pattern is None or not places:
        return True
    return any(abs(p - m.start()) <= reach or abs(p - m.end()) <= reach for m in pattern.finditer(flat) for p in places)


@lru_cache(maxsize=1)
def any_quantity() -> re.Pattern[str]:
    """A number with a unit, a count in words ("三年") or a period ("二十四个月")."""
    return re.compile("|".join(p.pattern for p in (quantity_pattern(load_vocabulary()), QUANTITY_WORDS, CN_PERIOD)))


def other_kind(question: str, quote: str, heading: str) -> bool:
    """The question names kinds of one set (失业保险 of the social insurances) that the quote never
    names, while it names another kind of that set: the quote is about something else. A quote naming
    no kind of the set is read with its heading and document title ("三、失业保险" over "费率为0.5%"),
    not with the other sentences of its clause (an article listing 实习补贴, 住房补贴, 就业补贴)."""
    for kinds in cues().kinds:
        named = kinds_in(question, kinds)
        present = kinds_in(quote, kinds) or kinds_in(heading, kinds)
        if named and not named & present and present - named:
            return True
    return False


def kinds_in(text: str, kinds) -> set[int]:
    """Which kinds of a set `text` names, a longer form first ("博士后" names 博士后, not 博士); a form
    several kinds share ("中学": 初中 and 高中) names each of them."""
    of: dict[str, set[int]] = {}
    for i, forms in enumerate(kinds):
        for f in forms:
            of.setdefault(f, set()).add(i)
    found: set[int] = set()
    for f in sorted(of, key=len, reverse=True):
        if f in text:
            found |= of[f]
            text = text.replace(f, "＃" * len(f))
    return found


ONE_OF = re.compile(r"^[一二两三四五六七八九十几每]+[个张件套份次名位台辆所项条家]$")  # "办一张社保卡": a count, no topic


def key_terms(index, q: Query) -> list[tuple[tuple[str, ...], float]]:
    """Words of the question that a quote must hold, each with the forms that count for it and its
    weight (IDF; a word the corpus never has weighs most). A name the question uses counts in any
    of its written forms (昆山旅游度假区 = 旅度区); a quoted phrase is one word (one that names a document is held by it)."""
    tokens = index.tokenizer.tokens(q.content)
    forms = {name: tuple(table.get(name, [name])) for table, names in ((index.places, q.districts),
                                                                      (index.departments, q.departments))
             for name in (*names, *(t for t in tokens if t in table))}  # a short form two names share (残联) is
    # written as either ("市残联"), whichever the question's names took
    asking = cues().asking
    terms: dict[tuple[str, ...], float] = {}
    colloquial = cues().colloquial  # 外地 counts in 非本市
    content = fold(q.content)
    short = {full: (full, abbr) for abbr, full in abbreviations_in(content)  # 公租房
             if not any(full in fold(name) for name in forms)}  # not in 辅助器具服务中心
    named = [t for t in tokens if t in forms or t in colloquial or (t in asking and len(t) > 2)]
    particles = "".join((*cues().particles, *cues().verb_marks))
    for token in tokens:
        if token not in index.token_idf and token not in forms and token not in colloquial:
            # jieba's cut of an unknown phrase: a pair that broke a known word is that word ("配电动轮椅": 电动);
            # else particles go ("医保费在哪里交" gives 费在, "最多能贷多少" 能贷); "大学毕业" is held by 大学 and 毕业
            token = recut(token, content, tokens, index.token_idf) or token.strip(particles)
            if len(token) < 2 or held_by_pieces(token, tokens, index.token_idf):
                continue
        if token in cues().denials or any(token in d for d in q.denied) or ONE_OF.match(token):
            continue  # "我不是在校学生": not the asker's case; "办一张": a count
        if token in asking or (token not in forms and any(token in name and token != name for name in named)):
            continue  # a piece of a name or everyday word counts once, with it ("零花" of 零花钱); none of a
            # word of asking ("第一" of 第一次)
        weight = token_weight(index, token)
        terms[forms.get(token, (token, *colloquial.get(token, ())))] = weight
    cut = index.tokenizer.words(q.content)
    uncut = [w for w in colloquial if len(w) > 1 and w not in tokens and spans_words(w, cut)
             and any(t in w for t in tokens)]  # 失业金: 失业 / 金 (not 多大: 多 / 大, which only asks)
    for word in (*cut, *uncut):  # "被查到要罚多少": 罚 is 罚款 or 处罚
        written = colloquial.get(word, ()) if len(word) == 1 or word in uncut else ()
        weight = max((index.token_idf.get(f, 0.0) for f in written), default=0.0)
        if weight:
            terms[written] = weight
    for full, written in short.items():  # an abbreviation expanded in the question counts in either form
        terms[written] = max(index.token_idf.get(f, 0.0) for f in (*written, *index.tokenizer.tokens(full)))
    for phrase in index.quoted(q.text):
        if not index.named_documents(phrase):  # a document's name is held by the document, not each quote
            terms[(phrase,)] = index.token_idf_max
    return sorted(terms.items(), key=lambda item: -item[1])


def recut(token: str, text: str, tokens, known) -> str:
    """The word the corpus knows that jieba's cut of an unknown pair `token` broke: its last character with the
    next ones, else its first with the ones before, where no known word of the cut holds them ("配电动轮椅" is
    cut 配电/动/轮椅: 电动; "人社审" 人/社审: 人社; "合同一签" keeps 合同; a longer cut such as 月租金 is a word,
    and a rate such as 每月 is no topic)."""
    at = text.find(token)
    if at < 0 or len(token) != 2:
        return ""
    end = at + 2
    taken = {i for t in tokens if len(t) > 1 and t in known for m in re.finditer(re.escape(t), text)
             for i in range(m.start(), m.end())}
    spans = [(end - 1, end + n) for n in (1, 2, 3)] + [(at - n, at + 1) for n in (1, 2, 3) if at >= n]
    return next((text[s:e] for s, e in spans if text[s:e] in known and len(text[s:e]) == e - s
                 and not taken & set(range(s, e)) and not re.fullmatch(RATE, text[s:e])), "")  # "每/月租金": no 每月


def spans_words(word: str, cut: list[str]) -> bool:
    """`word` is made of whole words of the cut ("失业金" of 失业 / 金), not of parts of two ("租房" in 租 / 房子)."""
    text = "".join(cut)
    bounds = {0, *accumulate(len(w) for w in cut)}
    return any(m.start() in bounds and m.end() in bounds for m in re.finditer(re.escape(word), text))


def held_by_pieces(token: str, tokens, known) -> bool:
    """Every character of `token` is in a shorter token of the question that the corpus knows."""
    covered = [False] * len(token)
    for piece in tokens:
        if piece != token and piece in known and piece in token:
            start = token.find(piece)
            covered[start:start + len(piece)] = [True] * len(piece)
    return all(covered)


CN_PERIOD = re.compile(r"[\d一二两三四五六七八九十百]+\s*个?(?:工作日|月|年|日|天|周|星期)")  # "最长为二十四个月"


def answers_when(question: str, quote: str) -> bool:
    """Whether `quote` names a time of the kind asked: how long ("多久") a period, a time limit or an
    immediate time; when, also a date or a recurring time ("每月")."""
    c = cues()
    if CN_PERIOD.search(quote) or any(w in quote for w in (*c.time_limits, *c.immediate)):
        return True
    return not any(w in question for w in c.duration) and bool(DATE.search(quote))


def judge(q: Query, evidence: Evidence, limits: Thresholds) -> bool:
    """Whether the evidence supports quoting an answer."""
    if not any(is_cjk(ch) for ch in q.text):
        return evidence.dense >= limits.dense
    if q.asks == "time" and not answers_when(q.text, evidence.quote):
        return False  # "什么时候截止" is not answered by a sentence naming no date, period or time limit
    if (q.asks == "number" or q.measure in ("material", "date") or (q.measure == "money" and not q.asks)) \
            and not evidence.states:
        return False  # "要交手续费吗" is not answered by a sentence naming no fee or amount, "几月份" by none naming a month
    if evidence.lacks_asked or evidence.other_kind:
        return False
    if q.year and str(q.year) not in evidence.text and not evidence.year_elsewhere:
        return False  # "到2030年…": a quote about another year does not answer it
    return evidence.coverage >= limits.coverage and evidence.missing <= limits.missing and \
        evidence.dense >= limits.floor
