"""Question analysis: names (districts, departments, cities), year, what is asked, and the intent.

Names are found through the alias tables learnt from the documents (full and short
forms: 昆山开发区 = 开发区, 市人社局 = 市人力资源和社会保障局), a one-character typo in a
known word is corrected, and the intent comes from the classifier in intent.py. What the
question asks for (a number, a time, a list, a role) is read from the cue words in
cues.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

from ..text import fold
from ..understand.vocab import load_vocabulary
from .intent import default_classifier, normalise

CUES = Path(__file__).with_name("cues.toml")
EXCLUDING = re.compile(r"除(了)?(?P<names>.+?)(以外|之外|外)")
UNKNOWN_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3})(镇|乡|街道)")
YEAR = re.compile(r"(20\d{2})\s*年")
CITY_LEVEL = re.compile(r"全市|全县|市级总|总目标|合计")
PUNCTUATION = re.compile(r"[？?！!。，,、；;：:“”\"'‘’（）()\s]+")

Aliases = dict[str, list[str]]


@dataclass(frozen=True)
class Cues:
    number: tuple[str, ...]
    time: tuple[str, ...]
    period: tuple[str, ...]
    list: tuple[str, ...]
    list_not: tuple[str, ...]
    materials: tuple[str, ...]
    material_kinds: tuple[str, ...]
    lead_in: tuple[str, ...]
    lead: tuple[str, ...]
    partner: tuple[str, ...]
    leader: tuple[str, ...]
    most: tuple[str, ...]
    least: tuple[str, ...]
    bounds: tuple[str, ...]
    filler: re.Pattern[str]  # words of two or more characters that carry no topic
    filler_chars: frozenset[str]  # one-character ones, removed only where they stand alone
    measure: dict[str, tuple[str, ...]]
    asking: frozenset[str]  # words of asking: never key terms
    document: dict[str, tuple[str, ...]]
    colloquial: dict[str, tuple[str, ...]]  # everyday word -> the official words documents use
    spoken: dict[str, str]  # spoken form -> written form ("啥" -> "什么")
    later: tuple[str, ...]
    completion: tuple[str, ...]  # "…什么时候前完成": a task's 完成时限 is asked
    continuing: tuple[str, ...]
    particles: tuple[str, ...]
    verb_marks: tuple[str, ...]  # "完" of 生完, "没" of 没交: stripped with particles from a cut the corpus lacks
    ways: tuple[str, ...]  # "什么办法": a way is asked (after a number, the number is the situation)
    time_limits: tuple[str, ...]  # "剩余租赁期限": words that bound a time without a date
    duration: tuple[str, ...]  # "多久": how long something takes is asked
    fee_suffixes: tuple[str, ...]  # "费" of 生活费: a fee's amount may be stated as its stem's (生活标准)
    paying: tuple[str, ...]  # "交" of 要交: "房租要交多少" asks the amount of 房租
    immediate: tuple[str, ...]  # "当场", "次月": words that answer how long without a period
    span: tuple[str, ...]  # "几号到几号": a span of dates is asked for
    start: tuple[str, ...]  # "从哪天开始": the day something starts is asked for
    yes_no: tuple[str, ...]  # "是否", "要不要": a yes-or-no question
    yes_no_words: tuple[str, ...]  # "不再", "无需": a sentence that says yes or no
    every_item: tuple[str, ...]  # "各项目标": every target of a district is asked for
    time_nouns: tuple[str, ...]  # "时间": words of `time` that name a time rather than ask for one
    consequence: tuple[str, ...]  # "后果", "会怎么样": what follows from an act or an omission is asked
    consequence_words: tuple[str, ...]  # "视为放弃", "停发": a sentence stating a consequence
    place_words: tuple[str, ...]  # "窗口", "APP": a sentence naming where one applies
    cities: tuple[str, ...]  # cities a question may name ("深圳"): one no document mentions is not covered
    hedges: tuple[str, ...]  # "一般" in "有效期一般多长": between the thing asked about and the asking words
    kinds: tuple[tuple[tuple[str, ...], ...], ...]  # sets of kinds of one thing, each kind with its forms
    negations: tuple[str, ...]  # "非" in 非本市户籍: a prefix that turns a word into its opposite
    denials: tuple[str, ...]  # "不是" in "我不是在校学生": what follows is not the asker's case
    other_kinds: tuple[str, ...]  # "边缘" in 低保边缘家庭: a suffix that makes a word name another kind
    levels: dict[str, tuple[str, ...]]  # level of government -> words naming it ("市" <- 市里, 市级)
    general_duties: tuple[str, ...]  # "负责", "组织": verbs of responsibility in general, not a step ("审核")
    not_in_district_names: tuple[str, ...]  # "哪", "小": characters that make "X区" no district's name


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = tomllib.loads(CUES.read_text(encoding="utf-8"))
    measure = {k: tuple(v) for k, v in data.pop("measure").items()}
    document = {k: tuple(v) for k, v in data.pop("document").items()}
    colloquial = {k: tuple(v) for k, v in data.pop("colloquial").items()}
    spoken = data.pop("spoken")
    levels = {k: tuple(v) for k, v in data.pop("levels").items()}
    kinds = tuple(tuple(tuple(forms) for forms in group) for group in data.pop("kinds"))
    words = {k: tuple(v) for k, v in data.items()}
    fillers = words.pop("filler")
    filler = re.compile("|".join(map(re.escape, sorted((w for w in fillers if len(w) > 1), key=len, reverse=True))))
    filler_chars = frozenset(w for w in fillers if len(w) == 1)
    asking = frozenset(words.pop("asking")) | set(fillers) | set(words["time"])
    return Cues(**words, filler=filler, filler_chars=filler_chars, measure=measure, colloquial=colloquial, spoken=spoken,
                kinds=kinds, levels=levels, asking=frozenset(w.replace("\\", "") for w in asking), document=document)


@dataclass(frozen=True)
class Query:
    text: str
    intent: str  # responsibility | target | department_tasks | district_targets | passage
    districts: tuple[str, ...]
    departments: tuple[str, ...]
    year: int | None
    topic: str  # the question without names, years and question words: what a fact must match
    content: str  # the question without question words: what a passage must match
    unknown_place: str  # a town or city named in the question that the corpus may not know
    extreme: str = ""  # "max" / "min": which district has the most / least
    excluded: tuple[str, ...] = ()  # districts named after 除…外: "除开发区、高新区外，哪个区镇最多"
    doc_id: str = ""  # answer only from this document (the user's document filter)
    asks: str = ""  # number | time | list | items | '' (what the answer must hold; items: "哪些技术")
    role: str = ""  # lead | partner | leader | '' (which role of a responsibility is asked about)
    measure: str = ""  # money | percent | age | material | '' (the kind of thing the answer must state)
    about_document: bool = False  # who issued the document, when, its 文号: answered from its metadata
    every_year: bool = False  # "…2023年要达到多少？远期目标呢": every year of the target
    cities: tuple[str, ...] = ()  # cities or districts the question names (昆山, 广州)
    level: str = ""  # the level of government asked about ("市里哪个部门": 市), its units answer first
    step: str = ""  # the step asked who does ("谁审核": 审核), step_asked
    denied: tuple[str, ...] = ()  # what the asker says they are not ("我不是在校学生": 在校学生), denied_in

    def covers(self, fact) -> bool:
        """Whether a fact is in the documents the question is about."""
        return not self.doc_id or fact.doc_id == self.doc_id


@lru_cache(maxsize=64)
def _forms(items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((fold(f), name) for name, fs in items for f in fs if len(f) >= 2),
                        key=lambda item: -len(item[0])))


def written_forms(aliases: Aliases) -> tuple[tuple[str, str], ...]:
    """(folded written form, canonical name) pairs, longest first; cached per alias table."""
    return _forms(tuple((name, tuple(forms)) for name, forms in sorted(aliases.items())))


def find_names(text: str, aliases: Aliases) -> tuple[list[str], str]:
    """Canonical names mentioned in `text`, in the order they appear (the longest written form
    wins where forms overlap), and the text without them."""
    found: dict[str, int] = {}
    rest = fold(text)
    for form, name in written_forms(aliases):
        position = rest.find(form)
        if position >= 0:
            rest = rest.replace(form, " " * len(form))  # keep positions of the other names
            found[name] = min(found.get(name, position), position)
    return sorted(found, key=found.get), re.sub(r" +", " ", rest)


@lru_cache(maxsize=16)
def _form_pattern(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names = dict(items)
    if not names:
        return None, names
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))), names


def canonical(text: str, *tables: Aliases) -> str:
    """The text with every written form of a known name replaced, once, by its canonical name
    ("陆家镇" -> "陆家", "市卫健委" -> "市卫生健康委"), as the facts print them."""
    items = tuple(sorted({(form, name) for aliases in tables for form, name in written_forms(aliases)}))
    pattern, names = _form_pattern(tuple(dict(items).items()))
    text = fold(text)
    return pattern.sub(lambda m: f" {names[m.group(0)]} ", text) if pattern else text


def abbreviations_in(text: str) -> list[tuple[str, str]]:
    """(short, full) of the abbreviations (vocab/names.toml [terms]) whose full form `text` holds: after
    expand_abbreviations, a question may say either, and documents may write either."""
    return [(short, full) for short, full in load_vocabulary().terms.items() if full in text]


def expand_abbreviations(text: str) -> str:
    """"花桥高企目标" -> "花桥高新技术企业目标" (vocab/names.toml [terms]), "超50亿企业" -> "超50亿元企业",
    "要带啥" -> "要带什么" (cues.toml [spoken])."""
    for spoken, written in cues().spoken.items():
        text = text.replace(spoken, written)
    for short, full in load_vocabulary().terms.items():
        if full not in text:  # not inside a longer word: 提高企业 stays
            text = re.sub(rf"(?<!提){short}(?!业)", full, text)
    return re.sub(r"(\d)\s*亿(?![元])", r"\1亿元", text)


def typo_index(words) -> dict[str, str]:
    """One-character-substitution patterns of known words ("专精特?" -> "专精特新"); ambiguous ones dropped."""
    out: dict[str, str] = {}
    for word in words:
        if 4 <= len(word) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            for i in range(len(word)):
                key = word[:i] + "?" + word[i + 1:]
                out[key] = word if out.get(key, word) == word else ""
    return {k: v for k, v in out.items() if v}


@lru_cache(maxsize=16)
def kept_pattern(keep: frozenset[str]) -> re.Pattern | None:
    """Finds, at every position, the longest word of `keep` (of two characters or more) starting there."""
    words = sorted((w for w in keep if len(w) > 1), key=len, reverse=True)
    return re.compile("(?=(" + "|".join(map(re.escape, words)) + "))") if words else None


def correct_typos(text: str, seen, patterns: dict[str, str], keep: frozenset[str] = frozenset(),
                  fixes: int = 1) -> str:
    """Replace a run holding a character pair the corpus never has by the known word one
    character away: "专精特信企业" -> "专精特新企业". `seen` holds the corpus's character pairs.
    A particle (`keep`: 里, 的, 和…) or a character of a word of asking (`keep`: 联合印发, 多少钱…)
    is not replaced: it is a word of its own, not a typo ("住房保障里" is not "住房保障办", "联合印发"
    is not "联合开发")."""
    kept_words = kept_pattern(keep)
    for _ in range(fixes):
        fixed = None
        kept = {i for m in kept_words.finditer(text) for i in range(m.start(1), m.end(1))} if kept_words else set()
        for size in (6, 5, 4):
            for start in range(0, max(0, len(text) - size + 1)):
                piece = text[start:start + size]
                if not all("\u4e00" <= ch <= "\u9fff" for ch in piece) or \
                        all(piece[i:i + 2] in seen for i in range(size - 1)):
                    continue
                words = {w for i in range(size) if piece[i] not in keep and start + i not in kept
                         and not (set(piece[max(0, i - 1):i] + piece[i + 1:i + 2]) & keep)  # "娃在广州":
                         # a character next to a particle is a word of its own, no typo of "赢在广州"
                         and (w := patterns.get(piece[:i] + "?" + piece[i + 1:], ""))
                         and all(w[j:j + 2] in seen for j in range(size - 1))}
                if len(words) == 1:
                    fixed = text[:start] + words.pop() + text[start + size:]
                    break
            if fixed:
                break
        if not fixed:
            return text
        text = fixed
    return text


def strip_question(text: str, cut: Callable[[str], list[str]] | None = None) -> str:
    """The question without punctuation and words that carry no topic. A one-character filler goes
    only where jieba (`cut`, the index's own) cuts it as a word of its own: "本" of "本文件", not of
    "基本" or "本市"."""
    c = cues()
    words = (cut or jieba.lcut)(c.filler.sub(" ", PUNCTUATION.sub(" ", text)))
    return re.sub(r"\s+", " ", "".join(" " if w in c.filler_chars else w for w in words)).strip()


A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")  # "算不算", "是不是", "有没有": a question of yes or no
PAY_VERBS = "交缴付发补扣"  # "按市场租金的多少交": a verb of paying after 多少 counts nothing


def says(text: str, cue: str) -> bool:
    """`cue` occurs in `text`; a cue ending in 多少 only where nothing but a verb of paying follows
    ("补贴多少？", "租金的多少交"; not "资助多少青年科技人员", which counts people)."""
    if not cue.endswith("多少"):
        return cue in text
    return any(not ("\u4e00" <= text[m.end():m.end() + 1] <= "\u9fff") or text[m.end():m.end() + 1] in PAY_VERBS
               for m in re.finditer(re.escape(cue), text))


YES_NO_END = re.compile(r"吗(?=[？?。！!]*$)")  # "…，能先办转出吗？"


def asked(text: str) -> tuple[str, str, str]:
    """(what the answer must hold, which role is asked about, which kind of quantity) from the cue words."""
    c = cues()
    flat = fold(text).lower()
    role = next((name for name, words in (("leader", c.leader), ("partner", c.partner), ("lead", c.lead))
                 if any(w in flat for w in words)), "")
    named = [(max(flat.rfind(w) for w in words if says(flat, w)), -i, kind)
             for i, (kind, words) in enumerate(c.measure.items())
             if kind not in ("money_after", "multiple") and any(says(flat, w) for w in words)]
    measure = max(named)[2] if named else ""  # the kind named last, nearest the asking words: "服务费…多大比例"
    if measure == "amount" and any(kind == "money" for *_, kind in named):
        measure = "money"  # "…多少钱，一个月最少交多少": the amount is of money, not a share
    if any(says(flat, w) for w in c.measure["multiple"]):
        measure = "percent"  # "各按几倍工资算": a multiple of the wage
    if not measure and re.search(r"多少\S{0,6}?(" + "|".join(c.measure["money_after"]) + ")", flat):
        measure = "money"
    if not measure and re.search(r"[\u4e00-\u9fff](?:" + "|".join(c.fee_suffixes) + r")[要是得需]{0,2}多少", flat):
        measure = "money"  # "邮费要多少": the amount of a fee
    times = [w for w in c.time if w in re.sub("|".join(c.period), "", flat)]
    if times and not (any(w in flat for w in c.consequence) and set(times) <= set(c.time_nouns)):
        return "time", role, measure  # not "错过了填志愿的时间会怎么样", which asks what follows
    flat = re.sub(r"哪几|哪一|几种", "", flat)  # "哪几个区镇" asks which ones, not how many
    numbers = [flat.rfind(w) for w in c.number if w in flat]
    either = [m.start() for m in A_NOT_A.finditer(flat)] + [flat.rfind(w) for w in (*c.ways, *c.consequence)
                                                            if w in flat] + [m.start() for m in YES_NO_END.finditer(flat)]
    if numbers and not (either and max(either) > max(numbers)):  # "有几个月是补缴的，算不算连续", "还有几个月
        # 欠费没交，能先办转出吗": yes or no; "还差几年没交够，还有什么办法": a way; "前几年的…会被怎么处罚": what follows
        return "number", role, measure
    if any(w in flat for w in c.list):
        return "list", role, measure
    things = any(not flat.startswith(c.list_not, m.end()) for m in re.finditer("哪些", flat))
    return ("items" if things else ""), role, measure


def classify(text: str, districts: list[str], depts: list[str], names: dict[str, str], topic: str,
             known: set[str] | None = None, step: str = "") -> str:
    """The intent by the classifier, kept consistent with the names found: a department's tasks
    need a department, a district's target list a district; a question that names a unit and
    almost nothing else ("团市委在这个文件里牵头干什么") asks for that unit's tasks."""
    normal = normalise(text, names)
    intent = default_classifier().predict(normal)
    if depts and UNIT_DUTIES.search(normal):  # "市留交办牵头的是哪些项目": the unit's tasks
        intent = "department_tasks"
    rest = topic.replace(" ", "")
    plain = not rest or known is None or rest in known or len(rest) == 1 or rest in ("在干", "干", "做")
    if depts and len(rest) <= 3 and intent in ("responsibility", "passage") and plain:
        intent = "department_tasks"
    if intent == "passage" and step:  # "初审过了以后，谁审核": who does a step
        intent = "responsibility"
    if intent == "department_tasks" and not depts:
        intent = "responsibility"
    if intent == "district_targets" and not districts:
        intent = "target"
    return intent


WHO_STEP = re.compile(r"(?:谁|哪家|哪个(?:部门|单位|机构)|哪些(?:部门|单位))(?:来|去|最后|最终|再|又|负责)*"
                      r"(?P<step>(?![来去在最再又的])[\u4e00-\u9fff]{2})")


def step_asked(text: str) -> str:
    """The step a question asks who does ("初审过了以后谁审核" -> 审核, "谁最后审定" -> 审定); '' for a
    role or responsibility in general ("谁负责")."""
    m = WHO_STEP.search(text)
    return m.group("step") if m and m.group("step") not in cues().general_duties else ""


def does(text: str, step: str) -> bool:
    """The text names a step of two characters, whole, spelt out or turned round ("审核" in "审查核实",
    "核查" in "审查核实")."""
    a, b = map(re.escape, step[:2])
    return re.search(f"{a}.?{b}|{b}.?{a}", text) is not None


UNIT_DUTIES = re.compile(r"Ｄ(?:要|都|主要|具体)?(?:牵头|负责|主抓|主管|承担)(?:的|了)?(?:是|有)?(?:哪些|哪几|什么)")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号")


def names_a_document(text: str) -> bool:
    """The question names a document by its 文号 or by a title ending in a kind of document
    ("…实施方案是什么时候印发的")."""
    kinds = load_vocabulary().document_kinds
    return bool(DOC_NUMBER.search(text) or re.search(f"(?:{'|'.join(map(re.escape, kinds))})(?:是|由|在|于|什么|哪)", text))


def analyse(text: str, places: Aliases, departments: Aliases, cities: tuple[str, ...] = (),
            known: set[str] | None = None, cut: Callable[[str], list[str]] | None = None) -> Query:
    """`known`: words of the corpus (a question about an unknown thing is not a unit's task list);
    `cut`: the index's jieba (Tokenizer.words), else jieba's default dictionary is loaded."""
    excluding = EXCLUDING.search(text)
    excluded = tuple(find_names(excluding.group("names"), places)[0]) if excluding else ()
    districts, rest = find_names(EXCLUDING.sub(" ", text) if excluded else text, places)
    depts, rest = find_names(rest, departments)
    named_cities = tuple(c for c in cities if c and (c in text or c.rstrip("市区县") in text))
    unknown = next((m.group(0) for m in UNKNOWN_PLACE.finditer(rest)
                    if not re.search(r"[几哪些各个区每全该本在的和与及对乡城]", m.group(1))), "")
    if not named_cities:  # a city beside a covered one is where the asker goes ("从广州…跳槽去佛山")
        unknown = unknown or next((c for c in cues().cities if c in rest), "")
    year_match = YEAR.search(rest)
    year = int(year_match.group(1)) if year_match else None
    c = cues()
    extreme = "max" if any(w in text for w in c.most) else "min" if any(w in text for w in c.least) else ""
    rest = CITY_LEVEL.sub(" ", YEAR.sub(" ", rest))
    for city in named_cities:  # "苏州市给吴江定的…目标": a city named is a name, not the topic
        rest = re.sub(f"{re.escape(city.rstrip('市区县'))}[市区县]?", " ", rest)
    for word in (*c.most, *c.least):
        rest = rest.replace(word, " ")
    names = {form: "Ｐ" for d in districts for form in places.get(d, [d])}
    names.update({form: "Ｄ" for d in depts for form in departments.get(d, [d])})
    what, role, measure = asked(text)
    about = any(w in text for w in c.document["about"]) and (
        any(w in text for w in c.document["refers"]) or names_a_document(text))
    topic = strip_question(rest, cut)
    step = step_asked(text)
    return Query(text, classify(text, districts, depts, names, topic, known, step), tuple(districts), tuple(depts), year,
                 topic, strip_question(canonical(text, places, departments), cut), unknown, extreme, excluded, asks=what,
                 role=role, cities=named_cities, measure=measure, about_document=about,
                 every_year=any(w in text for w in c.later),
                 level=next((level for level, words in c.levels.items() if any(w in text for w in words)), ""),
                 step=step, denied=denied_in(text))


def denied_in(text: str) -> tuple[str, ...]:
    """The words after a denial, up to the clause's end ("我不是在校学生，个人要交多少" -> 在校学生): a
    sentence about them is about another case than the asker's."""
    pattern = "(?:" + "|".join(f"(?<!{re.escape(d[-1])}){re.escape(d)}" for d in cues().denials) + \
        r")([\u4e00-\u9fff]{2,8})"  # not "是不是真的", which asks
    return tuple(m.group(1) for m in re.finditer(pattern, fold(text)))
