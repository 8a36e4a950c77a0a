"""Query analysis: districts, departments, year and intent, recognised through the alias dictionary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .aliases import TERM_ABBREVIATIONS
from .text import fold

RESPONSIBILITY = re.compile(
    r"(哪些|哪个|哪几个|什么|那些|何)(部门|单位|机构|局)|责任(单位|部门|主体)|牵头(单位|部门)|主管部门|"
    r"由谁(来)?(负责|牵头|主抓|承担|落实)|谁(来)?(负责|牵头|主抓|承担|管)|归(哪|谁)|(负责|承担)(的)?(部门|单位)|"
    r"\b(who|which (department|agency|unit|office)s?|responsible|in charge)\b",
    re.IGNORECASE,
)
DEPT_TASKS = re.compile(r"(负责|牵头|承担|参与|涉及|分管|主抓|有)(了)?(哪些|什么|那些|几项)|(哪些|什么)(任务|工作|事项|职责)|任务有哪些|职责")
LIST_TARGETS = re.compile(r"(哪些|什么|所有|全部|各项|有何)\S{0,4}?(目标|指标|任务)|(目标|指标)(有哪些|是什么|分别)|目标任务")
ASKS_NUMBER = re.compile(r"多少|(?<!哪)几(家|个|项|件|名|座|人|所|台|套)|\b(how many|how much)\b", re.IGNORECASE)
UNKNOWN_PLACE = re.compile(r"[\u4e00-\u9fff]{2,3}(镇|乡|街道)")
NUMBER = re.compile(r"多少|几(家|个|项|件|名|座|人|所|台|套)?|目标|指标|规模|数量|数是|达到|新增|培育数|\b(how many|how much|target|goal)\b",
                    re.IGNORECASE)
YEAR = re.compile(r"(20\d{2})\s*年")
CITY_LEVEL = re.compile(r"全市|全县|市级总|总目标|合计")
QUESTION_WORDS = re.compile(
    r"[？?！!。，,、；;：:“”\"'‘’（）()\s]|请问|是多少|多少[家个项件名座人所台套亿万元]*|有哪些|哪些|哪几个|哪个|哪|"
    r"是什么|什么|是谁|由谁|谁|几[家个项件名座人所台套]?|达到|实现|完成|都|"
    r"(责任|牵头|主管|负责)?(单位|部门)|负责|牵头|承担|归|由|目标|指标|工作|任务|"
    r"要|的|吗|呢|是|有|分别|情况|具体"
)


@dataclass(frozen=True)
class Query:
    text: str
    intent: str  # responsibility | target | department_tasks | district_targets | passage
    districts: tuple[str, ...]
    departments: tuple[str, ...]
    year: int | None
    city_level: bool
    topic: str  # the question without names, years and question words: what a fact must match
    content: str  # the question without question words: what a passage must match
    unknown_place: str  # a town named in the question that the corpus does not know


Aliases = dict[str, list[str]]


@lru_cache(maxsize=64)
def _forms(items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((fold(f), name) for name, fs in items for f in fs if len(f) >= 2),
                        key=lambda item: -len(item[0])))


def written_forms(aliases: Aliases) -> tuple[tuple[str, str], ...]:
    """(folded written form, canonical name) pairs, longest first; cached per alias table."""
    return _forms(tuple((name, tuple(forms)) for name, forms in sorted(aliases.items())))


def find_names(text: str, aliases: Aliases) -> tuple[list[str], str]:
    """Canonical names mentioned in `text` (longest written form wins) and the text without them."""
    found: list[str] = []
    rest = fold(text)
    for form, name in written_forms(aliases):
        if form in rest:
            rest = rest.replace(form, " ")
            if name not in found:
                found.append(name)
    return found, rest


def expand_abbreviations(text: str) -> str:
    """"花桥高企目标" -> "花桥高新技术企业目标" (TERM_ABBREVIATIONS), so names can match."""
    for short, full in TERM_ABBREVIATIONS.items():
        if short in text and full not in text:
            text = text.replace(short, full)
    return text


def strip_question(text: str) -> str:
    return re.sub(r"\s+", " ", QUESTION_WORDS.sub(" ", text)).strip()


def analyse(text: str, places: dict[str, list[str]], departments: dict[str, list[str]]) -> Query:
    districts, rest = find_names(text, places)
    depts, rest = find_names(rest, departments)
    unknown = UNKNOWN_PLACE.search(rest)
    year_match = YEAR.search(rest)
    year = int(year_match.group(1)) if year_match else None
    rest = CITY_LEVEL.sub(" ", YEAR.sub(" ", rest))
    topic = strip_question(rest)
    city_level = bool(CITY_LEVEL.search(text))
    if depts and DEPT_TASKS.search(text) and not RESPONSIBILITY.search(text):
        intent = "department_tasks"
    elif RESPONSIBILITY.search(text) and not ASKS_NUMBER.search(text):
        intent = "responsibility"
    elif districts and LIST_TARGETS.search(text):
        intent = "district_targets"
    elif NUMBER.search(text):
        intent = "target"
    else:
        intent = "passage"
    return Query(text, intent, tuple(districts), tuple(depts), year, city_level, topic,
                 strip_question(fold(text)), unknown.group(0) if unknown else "")
