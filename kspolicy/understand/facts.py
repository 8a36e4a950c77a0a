"""Typed facts: who is responsible for a task, and which target a district has.

Responsibilities come from "（责任单位：…）" in clauses and from task-list
tables; the two sources of one task are merged. Targets come from district
breakdown tables (one per row and scope) and from target sentences such as
"到2025年，新增省级以上企业技术中心力争达到35家".
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..models import Clause, Responsibility, Table, Target
from ..read.repair import VALUE
from .tables import row_label
from ..text import fold, marker, squash

RESPONSIBLE = re.compile(r"[（(]\s*(?:责任|牵头|主责|负责)(?:单位|部门)\s*[:：]\s*([^（）()]+?)\s*[)）]")
TOTAL_SCOPE = re.compile(r"^(全[市区县]|合计|总计|目标值?|\d{4}\s*年?)$")
INHERIT = re.compile(r"以下均涉及([^，。,；;）)]+)")
YEAR = re.compile(r"到\s*(\d{4})\s*年[底末]?\s*[，,]?")
UNIT = r"亿元|万元|元|家|个|项|件|名|人|座|台|套|所|户|条|平方米|亩|公里|%|倍|次|万人"
TARGET_END = re.compile(rf"(\d+(?:\.\d+)?)\s*({UNIT})$")
TARGET_VERB = re.compile(r"^(新增|累计|建成|培育|引育|培养|打造|形成|实现|完成|全市)|力争|达到|不少于|突破|超过")
TRAILING_VERBS = re.compile(r"(力争|达到|达|突破|超过|不少于|超|为|共|约)+$")
UNIT_SUFFIX = re.compile(r"[（(]([^（）()]{1,6})[)）]$")


def split_departments(text: str) -> list[str]:
    """"市工信局、市科技局，各区镇" -> names; "配合单位：" labels and "等部门" go."""
    out = []
    for part in re.split(r"[、，,；;\s]+", text):
        part = re.sub(r"^[\u4e00-\u9fff]{0,4}(单位|部门)[:：]", "", part)
        part = re.sub(r"等(部门|单位)?$", "", part)
        if part and not re.search(r"以下|不再|列出|涉及", part):
            out.append(part)
    return out


def is_total_scope(name: str) -> bool:
    """The column or phrase for the whole area: 2025 年, 全市, 全区, 合计."""
    return bool(TOTAL_SCOPE.match(squash(name)))


def task_name(clause: Clause) -> str:
    """'打造一批行业领军企业' from '1. 打造一批行业领军企业。完善…'."""
    text = clause.text
    mk = marker(text)
    if mk:
        text = re.sub(r"^\s*\S*?[.．、）)]\s*", "", text, count=1)
    return squash(re.split(r"[。；\n]", text, maxsplit=1)[0])


def clause_responsibilities(clauses: list[Clause]) -> list[Responsibility]:
    """One fact per clause that names its responsible units; inherited units appended."""
    out: list[Responsibility] = []
    inherited: list[str] = []
    for clause in clauses:
        m = RESPONSIBLE.search(clause.text)
        if not m:
            continue
        depts = split_departments(m.group(1))
        depts += [d for d in inherited if d not in depts]
        out.append(Responsibility(task_name(clause), tuple(depts), clause.label, clause.doc_id,
                                  (clause.label,)))
        inherit = INHERIT.search(m.group(1))
        if inherit:
            inherited += [d for d in split_departments(inherit.group(1)) if d not in inherited]
    return out


def table_responsibilities(table: Table, doc_id: str) -> list[Responsibility]:
    return [Responsibility(squash(task), tuple(split_departments(depts)), row_label(table, seq), doc_id,
                           (row_label(table, seq),))
            for seq, _group, task, _content, depts in table.rows]


def same_task(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, fold(a), fold(b))  # cheap upper bounds first: many pairs on long lists
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def merge_responsibilities(body: list[Responsibility], rows: list[Responsibility]) -> list[Responsibility]:
    """The clause and the task-list row of one task become one fact with all units."""
    merged, used = [], set()
    for fact in body:
        match = next((i for i, r in enumerate(rows) if i not in used and same_task(fact.task, r.task)), None)
        if match is None:
            merged.append(fact)
            continue
        used.add(match)
        row = rows[match]
        depts = fact.departments + tuple(d for d in row.departments if d not in fact.departments)
        merged.append(Responsibility(fact.task, depts, fact.clause, fact.doc_id, fact.sources + row.sources))
    return merged + [r for i, r in enumerate(rows) if i not in used]


def parse_value(cell: str) -> float | None:
    cell = cell.strip()
    if not VALUE.match(cell) or cell in ("--", "—", "-", "／", "/"):
        return None
    return float(cell.rstrip("%"))


def split_indicator(printed: str) -> tuple[str, str]:
    """('高端装备产业规模', '亿元') from '其中：高端装备产业规模（亿元）'."""
    name = squash(printed)
    name = re.sub(r"^其中[:：]", "", name)
    m = UNIT_SUFFIX.search(name)
    if m:
        return name[: m.start()], m.group(1)
    return name, ""


def table_year(table: Table) -> int | None:
    for text in (table.header[2] if len(table.header) > 2 else "", table.title):
        m = re.search(r"(\d{4})\s*年", text)
        if m:
            return int(m.group(1))
    return None


def table_targets(table: Table, doc_id: str) -> list[Target]:
    """One target per row and scope; the year/total column becomes scope 全市."""
    scopes = list(table.header[2:-1])
    year = table_year(table)
    if scopes and is_total_scope(scopes[0]):
        scopes[0] = "全市"
    out = []
    for row in table.rows:
        indicator, unit = split_indicator(row[1])
        for scope, cell in zip(scopes, row[2:-1]):
            out.append(Target(indicator, unit, year, scope, parse_value(cell), squash(row[-1]),
                              table.label, doc_id, group=squash(row[0]), source="table"))
    return out


def text_targets(text: str, label: str, department: str, doc_id: str) -> list[Target]:
    """Targets stated in the sentences of a text that sets a year ("到2025年…"); scope 全市."""
    out: list[Target] = []
    year_match = YEAR.search(text)
    if not year_match:
        return out
    year = int(year_match.group(1))  # sentences before the first 到YYYY年 share its year
    for sentence in re.split(r"[。；\n]", text):
        in_sentence = YEAR.search(sentence)
        year = int(in_sentence.group(1)) if in_sentence else year
        sentence = YEAR.sub("", sentence)
        previous = ""
        for clause in re.split(r"[，,]", sentence):
            for piece in merge_pieces(clause.split("、")):
                piece = squash(piece)
                m = TARGET_END.search(piece)
                continued = bool(previous) and piece.startswith("超")
                if not m or not (TARGET_VERB.search(piece) or continued):
                    continue
                name = TRAILING_VERBS.sub("", piece[: m.start()]).strip()
                if continued and "超" in previous[1:]:
                    name = previous[: previous.index("超", 1)] + name
                scope = "全市"
                name = re.sub(r"^全[市区县]", "", name)
                if len(name) < 2:
                    continue
                previous = name
                out.append(Target(name, m.group(2), year, scope, float(m.group(1)), department,
                                  label, doc_id, source="text"))
    return out


def merge_pieces(pieces: list[str]) -> list[str]:
    """Re-join '、'-separated fragments that have no number of their own."""
    out, pending = [], ""
    for piece in pieces:
        pending = f"{pending}、{piece}" if pending else piece
        if TARGET_END.search(squash(pending)):
            out.append(pending)
            pending = ""
    return out
