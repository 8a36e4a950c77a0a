"""Targets and standards: numbers with their unit, year, scope and qualifier.

From breakdown tables (a value column per scope or per year, the unit in its own
column or in parentheses) and from sentences: "2023年达到80%，力争2035年达到95%" is
two facts, each with the year its own words give; "5年内…1万名左右" has a period;
"每人每月400元" is a standard. Dates, 文号, clause numbers and phone numbers are not
quantities. `value` is numeric or None (未划分); `value_text` is verbatim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import Table, Target
from ..text import squash
from .columns import BASELINE, YEAR_HEADER, ValueColumn, is_null, value_column
from .vocab import Vocabulary

NUMBER = re.compile(r"\d+(?:\.\d+)?")
UNIT_SUFFIX = re.compile(r"[（(]([^（）()]{1,8})[)）]$")
MASKS = (  # spans whose digits are not quantities
    r"(?:19|20)\d{2}\s*年(?:度)?(?!\s*[内来]|\s*起)",
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?", r"\d{1,2}\s*月\s*\d{1,2}\s*日", r"\d{1,2}\s*月[初底末中份]",
    r"(?<![个\d])\d{1,2}\s*月(?!\d)",
    r"[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*\d+\s*号", r"第\s*[0-9一二三四五六七八九十百]+\s*[条款项章节次届批号]",
    r"\d{7,}", r"\d+(?:\.\d+){2,}", r"[（(]\s*\d{1,2}\s*[)）]", r"(?<![\d.])\d{1,2}\s*[.．、](?!\d)",
    r"\d+\s*[+＋]\s*[A-ZN]", r"(?:19|20)\d{2}\s*[—\-－~～至到]\s*(?:19|20)?\d{2,4}\s*年",
)
PERIOD = re.compile(r"(?:(?:19|20)\d{2}\s*年起\s*)?\d+\s*年[内来]|分\s*\d+\s*年|(?:19|20)\d{2}\s*[—\-－~～至到]\s*(?:19|20)?\d{2,4}\s*年"
                    r"|每年|每季度|每月|连续\s*\d+\s*年|[一二三四五六七八九十]+五(?:期间|时期)")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?![\d月内来起]|\s*[—\-－~～至到])")
PIECES = re.compile(r"[，,；;。！？\n]")
CONJUNCTION = re.compile(r"[、和及与]")
TRIM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|到|至|截至|截止|力争|并|且|同时|其中[:：]?|全市|全区|以上|"
                  r"以及|累计|共|实现|确保|争取)+")
PER = re.compile(r"每[人户月年次家][每]?[人户月年次]?$")


@lru_cache(maxsize=4)
def quantity_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    before = vocab.alternation(vocab.before)
    after = vocab.alternation(vocab.after)
    return re.compile(rf"(?P<before>(?:{before})\s*)?(?P<num>\d+(?:\.\d+)?)(?:\s*[-~～—至]\s*\d+(?:\.\d+)?)?"
                      rf"\s*(?P<mult>万|亿|千)?\s*(?P<unit>{vocab.unit_pattern})(?P<after>{after})?")


def split_indicator(printed: str) -> tuple[str, str]:
    """('高端装备产业规模', '亿元') from '其中：高端装备产业规模（亿元）'."""
    name = re.sub(r"^(其中[:：]|\d{1,3}\s*[.．、])", "", squash(printed))
    m = UNIT_SUFFIX.search(name)
    if m:
        return name[: m.start()], m.group(1)
    return name, ""


def column_indicator(header: str, year: int | None) -> tuple[str, str]:
    """The indicator and unit a value column names beside its year ("城镇老旧小区改造（个）2026年" of a
    header printed over two rows); a column named by nothing but its year keeps the whole header."""
    named = split_indicator(YEAR_HEADER.sub("", squash(header)).lstrip("度")) if year else ("", "")
    return named if named[0] not in ("", "目标", "目标值", "任务", "计划", "预期值") else split_indicator(header)


def parse_value(cell: str, vocab: Vocabulary) -> tuple[float | None, str, str]:
    """(value, value_text, qualifier) of a table cell: "7左右" -> (7, "7左右", "左右"), "--" -> (None, "--", "")."""
    text = squash(cell)
    if not text or is_null(text):
        return None, text, ""
    number = NUMBER.search(text)
    words = [w for w in (*vocab.before, *vocab.after, "同口径", "持平") if w in text]
    qualifier = max(words, key=len) if words else ""
    return (float(number.group(0)) if number else None), text, qualifier


def table_year(table: Table) -> int | None:
    """The year of the value columns that name none (districts): the year the table's caption names
    ("任务分解表（2025 年）"; not "2023年版"), else its header's; of several, the latest, the end of the
    period ("全市列分别为2025年、2027年目标，各区列为2027年累计目标"; "2025年 | 2027年 | 梁溪区 …")."""
    for text in (table.title, " ".join(h for h in table.header if not BASELINE.search(squash(h)))):
        years = [int(y.group(1)) for y in YEAR_HEADER.finditer(squash(text)) if not squash(text)[y.end():].startswith("版")]
        if years:
            return max(years)
    return None


def table_targets(table: Table, doc_id: str, city: str, vocab: Vocabulary, year: int | None = None) -> list[Target]:
    """One target per row and value column (a district, the total, or a year)."""
    roles = table.roles
    value_cols = [i for i, r in enumerate(roles) if r == "value"]
    if not value_cols:
        return []
    names = [squash(table.header[i]) for i in value_cols]
    # the first column named as a city is no total when most others are cities too, or another one is the total
    city_ends = sum(n.endswith("市") for n in names[1:]) > len(names[1:]) / 2 or \
        any(n in vocab.totals for n in names[1:])
    columns = {i: value_column(table.header[i], city, vocab, n == 0, city_ends) for n, i in enumerate(value_cols)}
    year = table_year(table) or year
    col = {role: i for i, role in reversed(list(enumerate(roles)))}  # first column of each role
    depts = [i for i, r in enumerate(roles) if r in ("lead", "responsible")]
    out = []
    for row in table.rows:
        group = squash(row[col["group"]]) if "group" in col else ""
        dept = "、".join(squash(row[i]) for i in depts if squash(row[i]))
        for i in value_cols:
            meaning = columns[i]
            if "place" in col:  # districts as rows, indicators as columns
                indicator, unit = column_indicator(table.header[i], meaning.year)
                place = squash(row[col["place"]])
                meaning = ValueColumn("全市" if not place or place in vocab.totals else place, meaning.year, meaning.kind)
            else:
                indicator, unit = split_indicator(row[col["indicator"]]) if "indicator" in col else ("", "")
            unit = squash(row[col["unit"]]) if "unit" in col and squash(row[col["unit"]]) else unit
            if not indicator:
                continue
            value, text, qualifier = parse_value(row[i], vocab)
            out.append(Target(indicator, unit, meaning.year or year, meaning.scope, value, dept, table.label, doc_id,
                              group=group, source="table", value_text=text, qualifier=qualifier, kind=meaning.kind))
    return out


def masked(text: str) -> str:
    """The text with dates, 文号, clause numbers and phone numbers blanked out (same length)."""
    for pattern in MASKS:
        text = re.sub(pattern, lambda m: "#" * len(m.group(0)), text)
    return text


def sentence_kind(piece: str, sentence: str, unit: str, vocab: Vocabulary, hinted: bool) -> str:
    """target, standard, or '' (not a fact): money, age and time are standards unless a strong
    cue ("达到", "新增") makes them a target; a condition ("低于", "每人每月") is a standard."""
    def has(words: tuple[str, ...], text: str) -> bool:
        return any(w in text for w in words)

    strong = has(vocab.strong_target_cues, piece)
    if unit in vocab.standard_units and not strong:
        return "standard"
    if has(vocab.standard_cues, piece) and not has(vocab.target_cues, piece):
        return "standard"
    if strong or has(vocab.target_cues, piece) or has(vocab.target_cues, sentence) or YEAR.search(sentence) or hinted:
        return "target"
    return "standard" if has(vocab.standard_cues, sentence) else ""


def indicator_of(piece: str, start: int, end: int, hint: str) -> str:
    """Name of the quantity at piece[start:end]: the words before it and the noun after it
    ("重点引进" + "金融高级管理人才"), without years, periods and verbs of degree."""
    before = TRIM.sub("", PERIOD.sub("", YEAR.sub("", piece[:start])).strip())
    before = re.sub(r"(达到|达|为|至|到|是|超过|突破|不少于|不低于|力争|约|超|增长|提高|提升|要|应)+$", "", before)
    after = piece[end:]
    after = "" if not after[:1] or not ("\u4e00" <= after[0] <= "\u9fff") else re.split(r"[（(“”，,。；;]", after)[0]
    name = squash(before + after).strip("：: ")
    if name.count("“") != name.count("”"):
        name = name.replace("“", "").replace("”", "")
    return name if len(name) >= 2 else hint


LEADING_PLACE = re.compile(r"^(?:[^：:，,。]{0,30}[：:])?\s*(?P<place>[\u4e00-\u9fff]{2,4}?(?:区|县|市|镇|街道))"
                           r"(?=[\u4e00-\u9fff])")  # "各市（区）目标任务如下：海陵区改造…"


def leading_place(sentence: str, city: str, vocab: Vocabulary) -> str:
    """The district, county-level city or town a sentence opens with ("海陵区改造城镇老旧小区不少于18个…"),
    '' for none (names.toml places: 全市, 根据市…) or for the document's own city ("泰州市…")."""
    m = LEADING_PLACE.match(sentence)
    place = m.group("place") if m else ""
    if not place or place.startswith(vocab.not_place_starts) or any(w in place for w in vocab.not_in_place) or \
            (city and place.rstrip("区县市镇") in city):
        return ""
    return place


def sentence_targets(text: str, label: str, department: str, doc_id: str, vocab: Vocabulary,
                     year_hint: int | None = None, indicator_hint: str = "", named: bool = False,
                     city: str = "") -> list[Target]:
    """Targets and standards stated in the sentences of a clause or a table cell.

    A sentence is cut at commas; a piece holding several quantities is cut again at the
    last "、"/"和"/"及" between two of them ("1000套专家公寓和10000套人才公寓"). In each part
    the last quantity is the value and earlier ones describe it ("超200亿元企业1家"). The year
    is the nearest one before the value in its sentence, else the clause's latest. With
    `named`, every value is of `indicator_hint` (the row of an indicator table). In a text that sets
    targets place by place (two or more sentences opening with a district or county-level city
    other than the document's `city`: "海陵区改造城镇老旧小区不少于18个…；高港区…"), each such
    sentence sets that place's targets.
    """
    out: list[Target] = []
    year = year_hint
    sentences = re.split(r"(?<=[。；;！？\n])", text)
    places = [leading_place(squash(s), city, vocab) for s in sentences]
    by_place = len(set(filter(None, places))) >= 2  # "海陵区…；高港区…；姜堰区…": targets set place by place
    for sentence, place in zip(sentences, places):
        flat = squash(sentence)
        hidden = masked(flat)
        periods = list(PERIOD.finditer(flat))
        place = place if by_place else ""
        previous = ""  # a part without a name of its own continues the one before ("…80%，力争2035年达到95%")
        for start, end in parts(hidden, vocab, periods):
            m = [q for q in quantity_pattern(vocab).finditer(hidden, start, end) if not in_period(q, periods)][-1]
            unit = (m.group("mult") or "") + m.group("unit")
            kind = sentence_kind(flat[start:end], flat, unit, vocab, bool(indicator_hint))
            years = list(YEAR.finditer(flat, 0, m.start()))
            name = indicator_hint if named else indicator_of(flat[start:end], m.start() - start, m.end() - start,
                                                             indicator_hint or previous)
            if not kind or not name:
                continue
            previous = name
            period = next((p.group(0) for p in periods if p.start() < m.start()), "")
            qualifier = squash((m.group("before") or "") + (m.group("after") or ""))
            per = PER.search(flat[start:m.start()])  # "每人每月400元" is the standard as printed
            shown = flat[per.start() + start if per else m.start():m.end()].strip()
            if len(name) <= 4 and start > 0:  # "每人600元": the subject is in the piece before
                name = TRIM.sub("", squash(re.split(r"[，,；;。]", flat[:start - 1])[-1])[-20:]) + name
            if place and place in name:  # "海陵区改造城镇老旧小区": the place is the scope, not the indicator
                name = name[name.index(place) + len(place):].strip("：:，, ") or name
            out.append(Target(name, unit, int(years[-1].group(1)) if years else year, place or "全市", float(m.group("num")),
                              department, label, doc_id, source="text", value_text=shown,
                              qualifier=qualifier, period=period, kind=kind))
        latest = list(YEAR.finditer(flat))
        year = int(latest[-1].group(1)) if latest else year
    return out


def parts(hidden: str, vocab: Vocabulary, periods: list[re.Match[str]]) -> list[tuple[int, int]]:
    """(start, end) of the parts of a sentence that each state one quantity."""
    out: list[tuple[int, int]] = []
    start = 0
    for piece_end in [m.start() for m in PIECES.finditer(hidden)] + [len(hidden)]:
        found = [q for q in quantity_pattern(vocab).finditer(hidden, start, piece_end) if not in_period(q, periods)]
        cut = start
        for a, b in zip(found, found[1:]):
            joins = [j.start() for j in CONJUNCTION.finditer(hidden, a.end(), b.start())]
            if joins:
                out.append((cut, joins[-1]))
                cut = joins[-1] + 1
        if found:
            out.append((cut, piece_end))
        start = piece_end + 1
    return out


def in_period(m: re.Match[str], periods: list[re.Match[str]]) -> bool:
    """The quantity is itself a period ("5年内", "连续3年")."""
    return any(p.start() <= m.start("num") < p.end() for p in periods)
