"""Choose and quote the sentences of retrieved clauses that answer a question.

Each sentence of the best passages is scored by how much of the question's key terms it
holds (IDF-weighted), with the clause's own title as context, plus what the question asks
for: a quantity for "多少/几", a date or period for "什么时候/多久", a list for "哪些
措施/材料/要求" (then the clause's items or consecutive sentences are quoted, not one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Chunk
from ..scoring import grams
from ..text import fold, squash
from ..understand.targets import masked, quantity_pattern
from ..understand.vocab import load_vocabulary
from .query import Query, cues, does

SENTENCE = re.compile(r"[^。；！？!?\n]+[。；！？!?]?")
FIRST_ITEM_INLINE = re.compile(r"[:：]\s*(?:[（(]\s*[一1]\s*[)）]|1\s*[.．、])")
SENTENCE_END = re.compile(r"[。；！？!?：:]$")
QUANTITY_WORDS = re.compile(r"[一二两三四五六七八九十百千万]+(?:个|倍|年|月|日|名|人|家)")
DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月[初底中]|\d+\s*个?(?:工作)?日|\d+\s*个?月|"
                  r"\d{1,2}[:：]\d{2}|次月|当月|每月|每年|前|以前|之日起|期间|时限")
SPAN = re.compile(r"\d\s*[日号月年]\s*(?:[（(][^）)]*[）)])?\s*(?:至|到|—|-|－|~|～)\s*\d")
START = re.compile(r"\d\s*[日号月]\s*(?:起|开始)")
TO_PLACE = re.compile(r"[向到][^，。；]{2,24}?(?:提出|申请|提交|申报|办理)")  # "向…住房保障窗口提出申请"
LISTS = ("list", "items")  # a list of measures, materials or requirements; "哪些X": the things named
MONEY = r"\d[\d.,]*\s*(?:万|亿|千)?元"
SHARE = r"\d+(?:\.\d+)?\s*[%‰]|百分之|[一二三四五六七八九]成|\d+(?:\.\d+)?\s*倍|[一二两三四五六七八九十]+倍"
MEASURES = {  # a quote answers a question about money, a share or an age only if it states one
    "money": re.compile(MONEY),
    "percent": re.compile(SHARE),
    "amount": re.compile(f"{MONEY}|{SHARE}"),  # "能补多少": money or a share of the cost
    "age": re.compile(r"\d+\s*周?岁"),
    "days": re.compile(r"(?<![月\d一二三四五六七八九十])[\d一二三四五六七八九十]+\s*个?(?:工作)?[日天]"),
    "date": re.compile(r"(?<![个\d])\d{1,2}\s*(?:月|[日号](?!内))|[一二三四五六七八九十]{1,3}月(?!内)|[月年][初底]|次月|当月"),
    "phone": re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|\d{5}|\d{7,8}|400-?\d{3}-?\d{4})(?!\d)"),
    "points": re.compile(r"\d+(?:\.\d+)?\s*分(?![之钟别类期配段级])"),
}
PERCENT_UNIT = re.compile(r"[（(]\s*[%％]\s*[)）]")
HEADED_VALUE = re.compile(r"[（(][\u4e00-\u9fff/%％]{1,4}[)）][:：]\s*\d")  # "示范村（个）：40": the unit is the header's
LONG_ROW = 200  # characters of a row read sentence by sentence
NOTE_ONLY = re.compile(r"^[（(][^（）()]*[)）]。?$")
ADDRESSEES = re.compile(r"^[^。！？!?]{6,}[:：]$")  # the list of recipients at the top of a notice
FILE_NAME = re.compile(r"\.(?:xlsx?|docx?|pdf|wps|et|zip|rar)(?![A-Za-z])", re.I)  # "附件2 …招生计划.xls"
LINK = re.compile(r"[\[【]\s*\d{4}-\d{1,2}-\d{1,2}\s*[\]】]\s*$")  # "…网上申请流程[ 2022-04-27 ]": a link to a page
ITEM = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[.．、]|[a-hA-H]\s*[.．、]|[①-⑳]|"
                  r"第[一二三四五六七八九十]+[种类步项])")


@dataclass(frozen=True)
class Quote:
    """Sentences quoted from one chunk, with how well they answer."""

    row: int
    text: str
    score: float  # key-term coverage of the quoted sentences in [0, 1] (with what is asked for)
    coverage: float  # key-term coverage alone
    states: bool  # the quote states the kind of thing asked for (a quantity, a material)
    items: tuple[int, ...] = ()  # rows of the items quoted with the clause that announces them


UNIT_ASKED = re.compile(r"哪家|哪个(?:部门|单位|机构)|哪些(?:部门|单位)")  # a unit is asked for
REPLY = re.compile(r"\s*(?:答|回答|解答)\s*[：:]")  # "答：" opens the reply to the question before it


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith(("？", "?"))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) > 1]


def holds(flat: str, key: str) -> bool:
    """`key` occurs in `flat` other than negated or made into another kind: "非本市户籍" does not hold
    本市户籍, "低保边缘家庭" does not hold 低保."""
    start = flat.find(key)
    while start >= 0:
        if (start == 0 or flat[start - 1] not in cues().negations) and \
                not flat.startswith(cues().other_kinds, start + len(key)):
            return True
        start = flat.find(key, start + 1)
    return False


def names_other_kind(terms, sentence: str, question: str) -> bool:
    """The sentence names another kind of a key term that the question does not ("低保边缘家庭…" for a
    question on 低保): it is about someone else, even where it also holds the term itself."""
    flat, asked = fold(sentence), fold(question)
    return any(any(fold(f) + k in flat for f in forms) and not any(fold(f) + k in asked for f in forms)
               for forms, _ in terms for k in cues().other_kinds)


def absent(terms: list[tuple[tuple[str, ...], float]], flat: str) -> list[tuple[tuple[str, ...], float]]:
    """The key terms none of whose forms the folded text `flat` holds."""
    return [(forms, w) for forms, w in terms if not any(fold(f) in flat for f in forms)]


def covered(terms: list[tuple[tuple[str, ...], float]], text: str) -> float:
    """IDF-weighted share of the key terms found in `text` (any form of a term, or most of its
    character pairs)."""
    if not terms:
        return 0.0
    flat = fold(text)
    total = sum(w for _, w in terms)
    got = 0.0
    for forms, w in terms:
        keys = [fold(f) for f in forms]
        if any(holds(flat, key) for key in keys):
            got += w
        elif len(keys[0]) >= 3:
            pairs = [keys[0][i:i + 2] for i in range(len(keys[0]) - 1)]
            got += w * 0.6 * sum(p in flat for p in pairs) / len(pairs)
    return got / total


def states_asked(q: Query, text: str) -> bool:
    """The text states the kind of thing the question asks for: a document to hand in for "哪些材料",
    a month or day for "几月份", else the kind of quantity (any quantity with a unit when no kind is asked; dates, 文号 and
    clause numbers are not quantities)."""
    if q.measure == "material":
        return any(w in text for w in cues().materials)
    if q.measure == "place":
        return any(w in text for w in cues().place_words)
    if q.measure in ("date", "phone"):  # read before masking, which blanks dates and telephone numbers
        return bool(MEASURES[q.measure].search(squash(text)))
    text = masked(squash(text))
    if q.measure == "money" and not q.asks:  # "要交手续费吗": an amount, or a fee or fund named
        return bool(MEASURES["money"].search(text)) or any(w in text for w in cues().measure["money_after"])
    if q.measure == "percent" and PERCENT_UNIT.search(text) and re.search(r"\d", PERCENT_UNIT.sub("", text)):
        return True  # a row under a header "增幅(%)": its values are shares without the sign
    if q.measure in MEASURES:
        return bool(MEASURES[q.measure].search(text))
    return bool(quantity_pattern(load_vocabulary()).search(text) or QUANTITY_WORDS.search(text)
                or HEADED_VALUE.search(text))


def asks_consequence(q: Query) -> bool:
    return any(w in q.text for w in cues().consequence)


def states_consequence(sentence: str) -> bool:
    return any(w in sentence for w in cues().consequence_words)


def is_yes_no(question: str) -> bool:
    return question.rstrip("？? ").endswith("吗") or any(w in question for w in cues().yes_no)


def lists_materials(q: Query, heading: str) -> bool:
    """A question of materials, and a heading that lists them ("二、申领所需材料", not "4.完成《信息采集表》上传")."""
    return q.measure == "material" and any(w in heading for w in cues().material_kinds)


def wants(q: Query, text: str) -> float:
    """Bonus for a sentence that holds what the question asks for, and for one naming the step a
    question asks who does ("由哪个单位复核")."""
    return ((0.1 if does(text, q.step) else -0.1) if q.step else 0.0) + wanted(q, text)


def wanted(q: Query, text: str) -> float:
    """Bonus for a sentence that holds what the question asks for (for "最多…多少", a limit)."""
    if q.asks == "number":
        bound = 0.1 if q.extreme and any(w in text for w in cues().bounds) else 0.0
        return bound + (0.25 if states_asked(q, text) else -0.2)
    if q.asks == "time":  # "几号到几号": a span of dates ("5月19日至5月22日") answers before one date;
        # "从哪天开始": the date something starts ("2025年12月1日起")
        spanned = (0.1 if SPAN.search(text) else -0.1) if any(w in q.text for w in cues().span) else \
            (0.1 if START.search(text) else 0.0) if any(w in q.text for w in cues().start) else 0.0
        return spanned + (0.25 if DATE.search(text) else -0.1)
    if q.measure in ("money", "age") and not q.asks:  # "要交钱吗": a sentence naming a fee or an amount;
        # "年龄是怎么界定的": one stating an age
        return 0.25 if states_asked(q, text) else -0.2
    if asks_consequence(q):  # "错过了会怎么样": a sentence stating what follows
        return 0.25 if states_consequence(text) else -0.1
    if not q.asks and is_yes_no(q.text):  # "还要办转移吗": a sentence that says yes or no
        return 0.1 if any(w in text for w in cues().yes_no_words) else 0.0
    if q.measure == "place" and q.asks not in LISTS:  # "到哪里申请": a sentence saying where one applies
        return 0.2 if TO_PLACE.search(text) else 0.1 if states_asked(q, text) else -0.05
    named = 0.0 if q.measure != "material" else 0.15 if states_asked(q, text) else -0.1  # "身份证明、租赁合同"
    if q.asks in LISTS or "哪几" in q.text:
        return named + (0.15 if text.count("、") >= 2 or ITEM.match(text) else 0.0)  # an enumeration answers "哪些"
    return named


def quote(chunk: Chunk, row: int, q: Query, terms, question_grams: frozenset[str] = frozenset(),
          document: str = "") -> Quote | None:
    """The best sentence(s) of one chunk for the question.

    Terms the clause's title or the document (its title and city, `document`) already holds (the
    subject: "“三支一扶”基层服务项目", "广州…失业保险") need not be repeated by the sentence, which must
    hold the rest (what is asked about it: "生活补贴…每月").
    """
    if chunk.kind == "row" and (len(chunk.text) <= LONG_ROW or q.asks != "number"):  # a table row answers a
        # number, a list or a sentence is looked for in prose first; a long row (a task described in
        # sentences) answers a number by the sentence that states it
        value = covered(terms, chunk.embed_text)
        penalty = 0.0 if q.asks == "number" else 0.15
        record = chunk.embed_text  # the unit may be in the header: "增幅(%)"
        return Quote(row, chunk.text, value + wants(q, record) - penalty, value, states_asked(q, record))
    path = [p for p in chunk.heading.split(" > ") if p] if chunk.heading else []
    if path and path[-1].endswith("…") and squash(chunk.text).startswith(squash(path[-1]).rstrip("…")):
        path = path[:-1]  # an item's heading is its own long first sentence, cut short: it is no title
    title = squash(" ".join(path))  # the heading path
    sentences = split_sentences(chunk.text)
    if not sentences:
        return None
    title = " ".join([title, *(sentences[j] for j in range(head_lines(sentences)))])
    titled = fold(f"{document} {title} {sentences[0] if len(sentences[0]) <= 40 else ''}")
    rest = absent(terms, titled)
    about = sum(w for _, w in rest) < 0.3 * sum(w for _, w in terms)  # the title is what the question is about
    rest = rest or terms
    scored = []
    asked_back = all(is_question(s) for s in sentences)
    step = 0.045 if is_question(title) else 0.0  # the reply to a question heading comes first
    path = chunk.heading.split(" > ")
    headed = 0.1 if lists_materials(q, " ".join(path[:-1] or path)) else 0.0  # under "二、申领所需材料"
    consequence = asks_consequence(q)
    replies = reply_of(sentences)
    for i, sentence in enumerate(sentences):
        addressees = ADDRESSEES.match(sentence) and not any(w in sentence for w in cues().lead_in)
        if addressees or NOTE_ONLY.match(sentence) or names_a_file(sentence):
            continue  # "各区政府，市各委办局：" addresses the document; "（责任单位：…）" annotates the clause;
            # a title with its date in a list of pages names a page, a file name an attachment: they say nothing
        if is_question(sentence) and not asked_back:
            continue  # "九、…需要个人缴纳医疗保险吗？" heads the answer of a question-and-answer page
        own = 1.0 if about else covered(rest, sentence)
        if i in replies:  # the question a reply answers heads it as a title does: the reply need not repeat it
            unasked = absent(rest, fold(sentences[replies[i]]))
            own = max(own, covered(unasked, sentence) if unasked else 1.0)
        before = sentences[i - 1] if i and len(sentence) < 20 else ""  # "(共118项)" under its heading
        run = with_subject(sentences, [i])[:-1]
        if i in replies:  # "案例2：…主动注销营业执照后申请失业金，是否符合…？答：…。主动注销的情形不属于…":
            before = "".join(sentences[replies[i]:i])  # a reply is read with the question it answers
        elif run:  # "…结论为“能力完好”的，认定为全自理；评定为“重度失能”的，认定为全护理（失能）": a clause after
            before = "".join(sentences[j] for j in run)  # "；" shares the subject of the clauses before it
        if consequence and states_consequence(sentence):  # "…填报志愿。…系统将自动关闭。未按时填报志愿者，视为
            before = "".join(sentences[max(0, i - 2):i])  # 放弃": what follows is read with the rule before it
        context = covered(terms, f"{document} {title} {before} {sentence}")
        focus = len(grams(sentence) & question_grams) / max(1, len(grams(sentence)))  # fewer other words
        value = 0.5 * own + 0.5 * context + 0.2 * focus + wants(q, sentence) + headed - 0.005 * i \
            - 0.1 * names_other_kind(terms, sentence, q.text) - DENIED * any(d in fold(sentence) for d in q.denied)
        scored.append((value - step * i, value, i))
    if not scored:
        return None
    _, best, i = max(scored)
    picked = [i - 1, i] if i and len(sentences[i]) < 20 and q.asks not in LISTS and \
        not names_a_file(sentences[i - 1]) else [i]
    if q.asks in LISTS:
        picked = list_span(sentences, i, paragraph=q.asks == "list")
    elif len(sentences[i]) < 30 and i + 1 < len(sentences) and not ITEM.match(sentences[i + 1]):
        picked = [i, i + 1]  # too short to stand alone: the next sentence completes it
    after = picked[-1] + 1
    if q.asks not in LISTS and after < len(sentences) and sentences[after].startswith(cues().continuing) and \
            len("".join(sentences[j] for j in [*picked, after])) <= QUALIFIED:
        picked = [*picked, after]  # "…原则上一个年度内不得变更。但…确因居住地迁移…可…办理变更手续": the
        # sentence that qualifies the one quoted goes with it
    last = picked[-1]
    if any(w in sentences[last] for w in cues().lead_in) and last + 1 < len(sentences) and ITEM.match(sentences[last + 1]):
        picked = picked + list_span(sentences, last + 1, paragraph=False)  # "以下两种方式" and the items that follow
    picked = with_subject(sentences, picked)
    if picked[-1] in replies:  # the reply to the question of a question-and-answer text goes on while
        # its sentences hold key terms the quote lacks ("…属于非因本人意愿中断就业。主动注销的情形不属于…")
        for j in range(picked[-1] + 1, min(len(sentences), picked[-1] + REPLY_SENTENCES)):
            lacking = absent(terms, fold("".join(sentences[k] for k in picked)))
            if replies.get(j) != replies[picked[-1]] or len(absent(lacking, fold(sentences[j]))) == len(lacking):
                break
            picked = [*picked, j]
    if picked[0] > 0 and (sentences[picked[0]].startswith(cues().continuing) or
                          (ITEM.match(sentences[picked[0]]) and FIRST_ITEM_INLINE.search(sentences[picked[0] - 1]))):
        picked = [picked[0] - 1, *picked]  # "…等待期3个月；其中，…": "其中" refers to the sentence before;
        # "提交下列材料：（一）居民身份证；（二）…": the first item is printed inline with its lead-in
    text = "".join(sentences[j] for j in picked)
    lead_in = path[-2] if len(path) >= 2 else ""
    if (is_yes_no(q.text) or UNIT_ASKED.search(q.text)) and ITEM.match(text) and lead_in.endswith(("：", ":")) \
            and not lead_in.endswith("…"):
        text = f"{lead_in.strip()}{text}"  # "有下列情形之一的，不予发放租房补贴：（二）已享受…的；" says no;
        # "应当向市高校毕业生公共就业服务机构提交下列材料：（一）…" names the unit asked for
    asked = sentences[replies[picked[-1]]] if picked[-1] in replies else ""
    return Quote(row, text, best, covered(terms, f"{document} {title} {asked} {text}"), states_asked(q, text))


DENIED = 0.3  # a sentence about the case the asker says is not theirs ("我不是在校学生": "（一）在校学生：…")
REPLY_SENTENCES = 4  # most sentences of one reply quoted together
QUALIFIED = 300  # longest quote a qualifying next sentence ("但…") is added to


def reply_of(sentences: list[str]) -> dict[int, int]:
    """For each sentence of a reply ("答：…" after a sentence asking "…？", up to the next question),
    the index of that question."""
    out: dict[int, int] = {}
    asked = None
    for i, sentence in enumerate(sentences):
        if is_question(sentence):
            asked = i if i + 1 < len(sentences) and REPLY.match(sentences[i + 1]) else None
        elif asked is not None:
            out[i] = asked
    return out


def head_lines(sentences: list[str], longest: int = 24) -> int:
    """How many of the first sentences are lines that head the chunk's text: short, without a closing
    mark ("小学招生", "5月7日至11日网上报名" of a news release), followed by a sentence that has one."""
    n = 0
    while n + 1 < len(sentences) and len(sentences[n]) <= longest and not SENTENCE_END.search(sentences[n]):
        n += 1
    return n


def names_a_file(sentence: str) -> bool:
    """A link to a page ("…网上申请流程[ 2022-04-27 ]") or an attachment's file name ("…招生计划.xls")."""
    return bool(LINK.search(sentence) or FILE_NAME.search(sentence))


def with_subject(sentences: list[str], picked: list[int], limit: int = 2) -> list[int]:
    """A sentence that continues its predecessor after "；" shares its subject ("区级残联组织会同…负责…；
    制定…，组织开展…"), which is quoted with it (a numbered item starts afresh)."""
    first = picked[0]
    while first > 0 and picked[0] - first < limit and sentences[first - 1].endswith("；") \
            and not ITEM.match(sentences[first]):
        first -= 1
    return list(range(first, picked[0])) + picked


def list_span(sentences: list[str], i: int, limit: int = 8, paragraph: bool = True) -> list[int]:
    """A list answer: from the item that holds the best sentence (an item may run over several
    sentences: "a.病历资料：…；…。b.…") to the last item that follows within `limit` sentences; else,
    for a list of measures or materials (`paragraph`), the sentence with its next ones while they
    continue the same paragraph, and for "哪些技术" the sentence alone (it enumerates them)."""
    first = next((j for j in range(i, max(-1, i - limit), -1) if ITEM.match(sentences[j])), i)
    items = [j for j in range(first + 1, min(len(sentences), first + limit + 1)) if ITEM.match(sentences[j])]
    if items:
        return list(range(first, items[-1] + 1))
    if not paragraph:
        return [i]
    following = [j for j in range(i, min(len(sentences), i + 4))]
    return following if len("".join(sentences[j] for j in following)) <= 400 else [i, i + 1][: len(sentences) - i]
