"""Typed facts of one document: who is responsible for what (with roles), and which targets it sets.

Responsibilities come from notes in clauses ("（牵头单位：…，配合单位：…）"), from
task tables (one per row, roles by column) and from prose ("市民政部门负责…"); a
clause and its task-table row describe one task and are merged. Targets come from
breakdown tables (targets.table_targets) and from sentences in clauses and in the
text cells of task and indicator tables (targets.sentence_targets).
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from ..models import Clause, Responsibility, Table, Target
from ..text import fold, marker, squash
from .roles import Roles, cell_roles, inherited_units, note_spans, parse_note, prose_roles
from .tables import ITEM, row_citation
from .targets import sentence_targets, split_indicator, table_targets, table_year
from .vocab import Vocabulary

OFFICE_ROLES = ("lead_office", "office", "partner_office")
TASK_CHARS = 60


def task_name(text: str) -> str:
    """'打造一批行业领军企业' from '1. 打造一批行业领军企业。完善…'."""
    if marker(text):
        text = re.sub(r"^\s*\S*?[.．、）)]\s*", "", text, count=1)
    name = squash(re.split(r"[。；\n]", text, maxsplit=1)[0])
    return name if len(name) <= TASK_CHARS else name[:TASK_CHARS] + "…"


def strip_marker(text: str) -> str:
    """Clause text without its own number ("第三条 市民政部门负责…" -> "市民政部门负责…")."""
    return re.sub(r"^\s*(?:第[一二三四五六七八九十百零\d]+条|[（(]?[一二三四五六七八九十\d]+[)）.．、])\s*", "", text)


def fact(task: str, roles: Roles, label: str, doc_id: str, **extra) -> Responsibility:
    return Responsibility(task, roles.departments, label, doc_id, (label,), roles.lead, roles.partners, roles.leaders,
                          roles.deadline, **extra)


def clause_responsibilities(clauses: list[Clause], vocab: Vocabulary, first_is_lead: bool) -> list[Responsibility]:
    """Responsibilities stated in clauses: notes (units inherited from "以下均涉及…" appended), else prose."""
    out: list[Responsibility] = []
    inherited: list[str] = []
    for clause in clauses:
        notes = note_spans(clause.text, vocab)
        for n, note in enumerate(notes):
            roles = parse_note(note.group(0), vocab, first_is_lead)
            if not roles:
                continue
            extra = tuple(u for u in inherited if u not in roles.departments)
            roles = Roles(roles.departments + extra, roles.lead, roles.partners + (extra if roles.lead else ()),
                          roles.leaders, roles.deadline)
            before = clause.text[notes[n - 1].end() if n else 0:note.start()]
            out.append(fact(task_name(before if n else clause.text), roles, clause.label, clause.doc_id))
            inherited += [u for u in inherited_units(note.group(0), vocab) if u not in inherited]
        if not notes:
            out += prose_responsibilities(strip_marker(clause.text), clause.label, clause.doc_id, vocab)
    return out


def prose_responsibilities(text: str, label: str, doc_id: str, vocab: Vocabulary) -> list[Responsibility]:
    """Duties stated in sentences ("市民政部门负责…"); in a sentence that lists a unit's duties after
    "；" ("X负责统筹协调…；审核确认本市高技能人才；…"), a part without a subject of its own is X's too."""
    out = []
    for sentence in re.split(r"[。\n]", text):
        subject: Roles | None = None
        for part in re.split(r"[；;]", sentence):
            found = prose_roles(part, vocab)
            if not (found and found[0]) and subject and len(squash(part)) >= 6 \
                    and not squash(part).startswith(vocab.other_actor):
                units = "、".join(subject.lead or subject.departments)
                found = prose_roles(units + part, vocab) or (Roles(subject.lead or subject.departments), squash(part))
                part = units + part  # "…；会同市发展改革部门制定…": X leads and Y partners; "…；审核确认…": X's
            if found and found[0]:
                subject = found[0]
                out.append(fact(task_name(found[1]), found[0], label, doc_id, content=squash(part)))
    return out


def row_cells(table: Table, row: tuple[str, ...]) -> dict[str, str]:
    """A row's cells by role; two columns of one role are joined ("配合单位" over two columns)."""
    cells: dict[str, str] = {}
    for role, cell in zip(table.roles, row):
        cells[role] = f"{cells[role]}、{cell}" if cells.get(role) and cell else cells.get(role) or cell
    return cells


def row_item(table: Table, row: tuple[str, ...], cells: dict[str, str]) -> tuple[str, str]:
    """(citation label, task) of a task-table row: a content cell numbered on its own is the item."""
    content = squash(cells.get("content", ""))
    if ITEM.match(content):
        return row_citation(table, row), task_name(content)
    task = squash(cells.get("task") or cells.get("indicator") or cells.get("group") or "")
    return row_citation(table, row), task_name(task or content)


def table_responsibilities(table: Table, vocab: Vocabulary, first_is_lead: bool, doc_id: str) -> list[Responsibility]:
    """One responsibility per row of a task table, each with its own roles."""
    out = []
    for row in table.rows:
        cells = row_cells(table, row)
        found = cell_roles(cells, vocab, first_is_lead)
        label, task = row_item(table, row, cells)
        if not found or not task:
            continue
        lead_offices = tuple(o for o in re.split(r"[、，,；;]", squash(cells.get("lead_office", ""))) if o.strip("/／"))
        offices = lead_offices + tuple(o for role in OFFICE_ROLES[1:] for o in re.split(r"[、，,；;]", squash(cells.get(role, "")))
                                       if o.strip("/／") and o not in lead_offices)
        out.append(fact(task, found, label, doc_id, content=squash(cells.get("content", "")), offices=offices,
                        lead_offices=lead_offices))
    return out


def same_task(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, fold(a), fold(b))  # cheap upper bounds first: many pairs on long lists
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def merge_responsibilities(body: list[Responsibility], rows: list[Responsibility]) -> list[Responsibility]:
    """A clause and the task-table row of the same task become one fact with all units."""
    merged, used = [], set()
    for f in body:
        match = next((i for i, r in enumerate(rows) if i not in used and same_task(f.task, r.task)), None)
        if match is None:
            merged.append(f)
            continue
        used.add(match)
        row = rows[match]

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return a + tuple(x for x in b if x not in a)

        merged.append(Responsibility(f.task, union(f.departments, row.departments), f.clause, f.doc_id,
                                     f.sources + row.sources, union(f.lead, row.lead), union(f.partners, row.partners),
                                     union(f.leaders, row.leaders), f.deadline or row.deadline, row.content or f.content,
                                     union(f.offices, row.offices), union(f.lead_offices, row.lead_offices)))
    return merged + [r for i, r in enumerate(rows) if i not in used]


def extract(clauses: tuple[Clause, ...], tables: tuple[Table, ...], doc_id: str, city: str, vocab: Vocabulary,
            first_is_lead: bool, year: int | None = None) -> tuple[tuple[Responsibility, ...], tuple[Target, ...]]:
    """All responsibilities and targets of one document; `year` (the title's) dates its tables."""
    prose = [c for c in clauses if c.kind in ("text", "intro", "notice")]
    body = clause_responsibilities(prose, vocab, first_is_lead)
    rows = [r for t in tables if t.kind == "tasks" for r in table_responsibilities(t, vocab, first_is_lead, doc_id)]
    responsibilities = merge_responsibilities(body, rows)
    by_label = {label: "、".join(r.departments) for r in responsibilities for label in r.sources}
    targets = [t for table in tables if table.kind == "breakdown"
               for t in table_targets(table, doc_id, city, vocab, year)]
    for clause in prose:
        targets += continued(sentence_targets(clause.text, clause.label, by_label.get(clause.label, ""), doc_id, vocab,
                                              city=city))
    for table in tables:
        targets += cell_targets(table, by_label, doc_id, vocab, year)
    return tuple(responsibilities), tuple(targets)


def cell_targets(table: Table, by_label: dict[str, str], doc_id: str, vocab: Vocabulary,
                 year: int | None) -> list[Target]:
    """Targets stated in the text cells of task and indicator tables ("2023年达到80%")."""
    text_role = next((r for r in ("content", "task") if r in table.roles), None)
    if table.kind not in ("tasks", "indicators") or text_role is None:
        return []
    indicator = table.roles.index("indicator") if "indicator" in table.roles else None
    year = table_year(table) or year
    out = []
    for row in table.rows:
        cells = row_cells(table, row)
        label = row_citation(table, row)
        hint = split_indicator(row[indicator])[0] if indicator is not None else ""
        out += continued(sentence_targets(cells[text_role], label, by_label.get(label, ""), doc_id, vocab, year, hint,
                                          named=table.kind == "indicators"))
    return out


def continued(targets: list[Target]) -> list[Target]:
    """"新增产值规模超200亿元企业1家，超50亿元企业3家": the second name continues the first."""
    out: list[Target] = []
    for t in targets:
        previous = out[-1].indicator if out else ""
        if t.indicator.startswith("超") and "超" in previous[1:] and out[-1].clause == t.clause:
            t = replace(t, indicator=previous[: previous.index("超", 1)] + t.indicator)
        out.append(t)
    return out
