"""What each column of a table means, read from its header and its cells, in any order.

A header cell gets a role from the vocabulary (序号 -> seq, 牵头单位 -> lead, 单位 -> unit,
…). Columns whose cells are mostly values ("4000", "7左右", "--") are value columns
whatever their header says; their header names a scope (a district, or the whole area
when it is a total name such as 全市 / 合计 / the city itself) and/or a year
("2023年基数" is a baseline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import squash
from .vocab import Vocabulary

NUMBER = r"\d+(?:\.\d+)?"
NULL_CELLS = {"--", "—", "——", "-", "－", "/", "／", "—-", "-—", "×", "无", "/ /"}
VALUE_CELL = re.compile(rf"^(?:[≥≤><＞＜约超]|不少于|不低于|不超过|力争|同口径)?\s*(?:增长|下降)?\s*[+-]?{NUMBER}"
                        rf"(?:\s*[-~～—至]\s*{NUMBER})?\s*(?:%|‰|万|亿)?\s*(?:左右|以上|以内|以下|及以上|上下)?$")
VALUE_PHRASE = re.compile(rf"^[\u4e00-\u9fff]{{0,6}}{NUMBER}\s*(?:%|‰)?[\u4e00-\u9fff]{{0,4}}$|^与上年持平$|^持平$|^稳步增长$")
YEAR_HEADER = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
BASELINE = re.compile(r"基数|基期|基准|现状|现值|完成值|实际")
VALUE_ROLES = {"value"}
TEXT_ROLES = {"group", "indicator", "task", "content"}


@dataclass(frozen=True)
class ValueColumn:
    """What the cells of a value column measure: scope (全市 for a total), year, kind."""

    scope: str
    year: int | None
    kind: str  # target | baseline


def is_null(cell: str) -> bool:
    return squash(cell) in NULL_CELLS


def is_value(cell: str) -> bool:
    """A value cell: a number with an optional qualifier or unit sign, or a not-assigned mark."""
    text = squash(cell)
    return bool(text) and (text in NULL_CELLS or bool(VALUE_CELL.match(text)))


def is_valueish(cell: str) -> bool:
    """Looser: short phrases that state a value ("同口径增长5%", "与上年持平") count too."""
    text = squash(cell)
    return is_value(text) or (len(text) <= 12 and bool(VALUE_PHRASE.match(text)))


def header_role(cell: str, vocab: Vocabulary) -> str | None:
    """Role named by a header cell, or None (a district, a year, an unknown header)."""
    text = re.sub(r"[\s:：*＊]", "", squash(cell))
    if not text:
        return None
    for role, words in vocab.header.items():  # exact first
        if text in words:
            return role
    if YEAR_HEADER.search(text) or text in vocab.totals:
        return None
    for role, words in vocab.header.items():  # then contained, most specific role first
        if any(len(w) >= 2 and w in text for w in words):
            return role
    return None


def column_roles(header: list[str], rows: list[list[str]], vocab: Vocabulary) -> list[str]:
    """One role per column. Value columns are found by their cells; an empty header cell
    after a group column is the item column of a merged header ("任务清单" over two columns)."""
    named = [header_role(h, vocab) for h in header]
    roles: list[str] = []
    for i, h in enumerate(header):
        cells = [r[i] for r in rows if i < len(r) and squash(r[i])]
        values = sum(is_valueish(c) for c in cells)
        numbers = sum(is_value(c) and not is_null(c) for c in cells)
        mostly_values = bool(cells) and values >= 0.6 * len(cells) and (numbers or values == len(cells))
        role = named[i]
        counted = role in ("group", "task") and bool(cells) and numbers >= 0.6 * len(cells)  # "农村分类示范村（个）"
        # holds 分类, a group's header word, but its cells are counts
        if counted or role in (None, "content") and mostly_values and named[i] not in ("seq",) and (
                YEAR_HEADER.search(squash(h)) or role is None or squash(h) in vocab.totals):
            role = "value"
        elif role is None and not squash(h) and i > 0 and roles and roles[-1] == "group":
            role = "task"
        elif role in (None, "indicator") and names_places(cells, vocab):
            role = "place"  # "东山街道 | 6200 | 4.5": districts as rows, whatever the header says ("街道")
        roles.append(role or "text")
    return promote_text_columns(roles)


def names_places(cells: list[str], vocab: Vocabulary, share: float = 0.8) -> bool:
    """Most cells are short names of districts, towns or streets ("东山街道", "武进区") or a total
    ("全区合计"): the column names places."""
    texts = [squash(c) for c in cells if not is_value(c)]
    places = sum(len(t) <= 10 and (t.endswith(vocab.place_suffixes) or any(w in t for w in vocab.totals)) for t in texts)
    return len(texts) >= 3 and places >= share * len(texts)


def promote_text_columns(roles: list[str]) -> list[str]:
    """Tables without an indicator/task header: the first text column before the values names the row."""
    if "value" in roles and "indicator" not in roles and "place" not in roles:
        first_value = roles.index("value")
        texts = [i for i, r in enumerate(roles[:first_value]) if r in ("text", "task", "content")]
        if texts:
            roles = list(roles)
            roles[texts[-1]] = "indicator"
    return roles


def value_column(header: str, city: str, vocab: Vocabulary, first: bool, others_end_in_city: bool) -> ValueColumn:
    """Scope, year and kind of a value column from its header ("2025年" -> 全市 2025,
    "2023年基数" -> baseline, "全市合计" / "苏州市" -> 全市, "开发区" -> 开发区).

    The first value column named as a city is the total too, unless `others_end_in_city`: most
    other columns are cities as well (peers such as 南京市 / 无锡市 / …) or one of them is the total."""
    text = squash(header)
    year_match = YEAR_HEADER.search(text)
    year = int(year_match.group(1)) if year_match else None
    kind = "baseline" if BASELINE.search(text) else "target"
    scope = YEAR_HEADER.sub("", text)
    scope = BASELINE.sub("", re.sub(r"(目标值?|预期值?|计划|任务)$", "", scope)).strip("（）() ")
    is_city = bool(city) and scope in (city, city + "市")
    if not scope or scope in vocab.totals or is_city or (first and scope.endswith("市") and not others_end_in_city):
        scope = "全市"
    return ValueColumn(scope, year, kind)
