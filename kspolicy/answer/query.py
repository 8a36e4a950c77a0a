"""Query analysis: districts, departments, year and intent, recognised through the alias dictionary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..understand.vocab import load_vocabulary
from ..text import fold

# Intent cues: the ways users ask "who", "what does this department do", "what are this
# district's targets" and "how much". Facts decide the answer; these only pick the question type.
RESPONSIBILITY = re.compile(
    r"(哪些|哪个|哪几个|哪家|什么|那些|何)(部门|单位|机构|局)|(责任|主责|牵头|主管|归口|负责)(单位|部门|主体)|"
    r"由谁|谁(来)?(负责|牵头|主抓|抓|管|承担|落实|推进)|归(哪|谁)|"
    r"\b(who|which (department|agency|unit|office)s?|responsible|in charge)\b",
    re.IGNORECASE,
)
DEPT_TASKS = re.compile(
    r"(负责|牵头|承担|参与|涉及|分管|主抓|抓|干|做|管|有)(了|的)?(哪些|什么|啥|那些|几项)|"
    r"(哪些|什么|啥)(任务|工作|事|职责)|任务(有哪些|清单)|职责|分工"
)
LIST_TARGETS = re.compile(
    r"(哪些|什么|所有|全部|各项|有何|汇总|一览|列出|列一下)\S{0,6}?(目标|指标|任务)|"
    r"(目标|指标|任务)\S{0,4}?(有哪些|是什么|分别|汇总|一览|清单)"
)
ASKS_NUMBER = re.compile(r"多少|(?<!哪)几(家|个|项|件|名|座|人|所|台|套)|\b(how many|how much)\b", re.IGNORECASE)
NUMBER = re.compile(r"多少|(?<!哪)几(家|个|项|件|名|座|人|所|台|套)|目标|指标|规模|数量|任务数|数是|达到|要到|新增|培育数|"
                    r"\b(how many|how much|target|goal)\b", re.IGNORECASE)
OPEN_QUESTION = re.compile(r"什么|哪些|如何|怎么|怎样|为什么")
EXTREME = re.compile(r"(哪个|哪一个|哪些)?(区镇|区|镇|地方|板块)?(的)?最(多|高|大|少|低|小)")
EXCLUDING = re.compile(r"除(了)?(?P<names>.+?)(以外|之外|外)")
UNKNOWN_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3})(镇|乡|街道)")
YEAR = re.compile(r"(20\d{2})\s*年")
CITY_LEVEL = re.compile(r"全市|全县|市级总|总目标|合计")
QUESTION_WORDS = re.compile(
    r"[？?！!。，,、；;：:“”\"'‘’（）()\s]|请问|是多少|多少[家个项件名座人所台套亿万元]*|有哪些|哪些|哪几个|哪个|哪|"
    r"是什么|什么|是谁|由谁|谁|几[家个项件名座人所台套]?|达到|要到|实现|完成|都|这块|一下|汇总|"
    r"(责任|主责|牵头|主管|归口|负责)?(单位|部门)|负责|牵头|承担|来抓|来管|归|由|目标|指标|工作|任务数?|"
    r"[两三四五六七八九十几各]个?(区镇|镇|区|地)|力争|增加|提高|提升|数量|要|的|吗|呢|是|有|分别|情况|具体"
)


@dataclass(frozen=True)
class Query:
    text: str
    intent: str  # responsibility | target | department_tasks | district_targets | passage
    districts: tuple[str, ...]
    departments: tuple[str, ...]
    year: int | None
    topic: str  # the question without names, years and question words: what a fact must match
    content: str  # the question without question words: what a passage must match
    unknown_place: str  # a town named in the question that the corpus does not know
    extreme: str = ""  # "max" / "min": which district has the most / least
    excluded: tuple[str, ...] = ()  # districts named after 除…外: "除开发区、高新区外，哪个区镇最多"
    doc_id: str = ""  # answer only from this document (the user's document filter)

    def covers(self, fact) -> bool:
        """Whether a fact is in the documents the question is about."""
        return not self.doc_id or fact.doc_id == self.doc_id


Aliases = dict[str, list[str]]


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


def expand_abbreviations(text: str) -> str:
    """"花桥高企目标" -> "花桥高新技术企业目标" (vocab/names.toml [terms]), "超50亿企业" -> "超50亿元企业"."""
    for short, full in load_vocabulary().terms.items():
        if full not in text:  # not inside a longer word: 提高企业 stays
            text = re.sub(rf"(?<!提){short}(?!业)", full, text)
    return re.sub(r"(\d)\s*亿(?![元])", r"\1亿元", text)


def strip_question(text: str) -> str:
    return re.sub(r"\s+", " ", QUESTION_WORDS.sub(" ", text)).strip()


def analyse(text: str, places: dict[str, list[str]], departments: dict[str, list[str]]) -> Query:
    excluding = EXCLUDING.search(text)
    excluded = tuple(find_names(excluding.group("names"), places)[0]) if excluding else ()
    districts, rest = find_names(EXCLUDING.sub(" ", text) if excluded else text, places)
    depts, rest = find_names(rest, departments)
    unknown = next((m.group(0) for m in UNKNOWN_PLACE.finditer(rest)
                    if not re.search(r"[几哪些各个区每全该本在的和与及对乡城]", m.group(1))), "")
    year_match = YEAR.search(rest)
    year = int(year_match.group(1)) if year_match else None
    extreme_match = EXTREME.search(rest)
    extreme = "" if not extreme_match else ("max" if extreme_match.group(4) in "多高大" else "min")
    rest = EXTREME.sub(" ", CITY_LEVEL.sub(" ", YEAR.sub(" ", rest)))
    topic = strip_question(rest)
    if depts and DEPT_TASKS.search(text) and not RESPONSIBILITY.search(text):
        intent = "department_tasks"
    elif RESPONSIBILITY.search(text) and not ASKS_NUMBER.search(text):
        intent = "responsibility"
    elif districts and LIST_TARGETS.search(text):
        intent = "district_targets"
    elif NUMBER.search(text) or extreme or (districts and not OPEN_QUESTION.search(text)):
        # a district named without "什么/如何" ("巴城 充电站", "张浦镇的目标"): its targets are asked
        intent = "target"
    else:
        intent = "passage"
    return Query(text, intent, tuple(districts), tuple(depts), year, topic,
                 strip_question(fold(text)), unknown, extreme, excluded)
