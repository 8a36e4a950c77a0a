"""One document through the parsing stages: ingest → repair → structure → tables → facts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import aliases, facts
from ..read.ingest import load_lines
from ..read.limits import Limits
from ..models import Clause, Document, Responsibility, Table, Target
from ..read.repair import join_lines
from .structure import parse_clauses, read_meta
from .tables import parse_block, row_label, table_blocks
from ..text import squash


@dataclass(frozen=True)
class Parsed:
    document: Document
    clauses: tuple[Clause, ...]
    tables: tuple[Table, ...]
    responsibilities: tuple[Responsibility, ...]
    targets: tuple[Target, ...]
    places: dict[str, list[str]]  # district as printed -> written forms
    departments: dict[str, list[str]]  # department -> written forms


def parse_file(path: Path, doc_id: str, sha256: str, limits: Limits | None = None) -> Parsed:
    """Parse one file; raises `IngestError` with a Chinese reason on bad input or over `limits`."""
    loaded = load_lines(path, limits)
    paras = join_lines(loaded.lines)
    meta = read_meta(paras, path.stem, loaded.hints)
    document = Document(doc_id, meta.title, meta.doc_number, meta.issuer, meta.date, str(path),
                        sha256, loaded.pages, meta.references)
    owned = parse_clauses(paras, doc_id, meta.title)
    body_text = "\n".join(c.text for c, _ in owned)
    short = aliases.short_places(body_text)
    tables: list[Table] = []
    clauses: list[Clause] = []
    for clause, own in owned:
        blocks = table_blocks(own)
        tables += [parse_block(caption, block, short, clause.label) for caption, block in blocks]
        in_table = {id(p) for _, block in blocks for p in block}
        clauses.append(replace(clause, text="\n".join(p.text for p in own if id(p) not in in_table)))
    tables, clauses = tuple(tables), tuple(clauses)
    responsibilities, targets = extract_facts(clauses, tables, doc_id)
    return Parsed(document, clauses, tables, responsibilities, targets,
                  *learn_aliases(document, tables, body_text, responsibilities, targets))


def extract_facts(clauses: tuple[Clause, ...], tables: tuple[Table, ...], doc_id: str):
    body = facts.clause_responsibilities([c for c in clauses if c.kind == "text"])
    rows = [r for t in tables if t.kind == "tasks" for r in facts.table_responsibilities(t, doc_id)]
    responsibilities = facts.merge_responsibilities(body, rows)
    by_label = {label: "、".join(r.departments) for r in responsibilities for label in r.sources}
    targets = [t for table in tables if table.kind == "breakdown" for t in facts.table_targets(table, doc_id)]
    for clause in clauses:
        if clause.kind in ("text", "intro", "notice"):
            targets += facts.text_targets(clause.text, clause.label, by_label.get(clause.label, ""), doc_id)
    for table in tables:
        if table.kind == "tasks":
            for seq, _g, _task, content, _d in table.rows:
                label = row_label(table, seq)
                targets += facts.text_targets(content, label, by_label.get(label, ""), doc_id)
    return tuple(responsibilities), tuple(targets)


def learn_aliases(document: Document, tables: tuple[Table, ...], body_text: str,
                  responsibilities: tuple[Responsibility, ...], targets: tuple[Target, ...]) -> tuple[dict, dict]:
    """District forms (from table headers and the text) and department forms (from the facts)."""
    city = aliases.city_of(document.issuer, document.title)
    scopes = [s for t in tables if t.kind == "breakdown" for s in t.header[2:-1] if not facts.is_total_scope(s)]
    places = aliases.place_aliases(dict.fromkeys(squash(s) for s in scopes), body_text, city)
    depts = [d for r in responsibilities for d in r.departments]
    depts += [t.department for t in targets if t.source == "table" and t.department]
    return places, aliases.dept_aliases(dict.fromkeys(depts), city)
