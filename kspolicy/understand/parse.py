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
from .columns import YEAR_HEADER
from .roles import declares_first_lead
from .tables import parse_block, table_blocks
from .validity import read_validity
from .vocab import Vocabulary, load_vocabulary
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


def parse_file(path: Path, doc_id: str, sha256: str, limits: Limits | None = None,
               vocab: Vocabulary | None = None) -> Parsed:
    """Parse one file; raises `IngestError` with a Chinese reason on bad input or over `limits`."""
    vocab = vocab or load_vocabulary()
    loaded = load_lines(path, limits)
    paras = join_lines(loaded.lines)
    meta = read_meta(paras, path.stem, loaded.hints)
    owned = parse_clauses(paras, doc_id, meta.title)
    body_text = "\n".join(c.text for c, _ in owned)
    city = aliases.city_of(meta.issuer, meta.title, body_text)
    validity = read_validity(body_text, meta.date, meta.title)
    effective = validity.effective or loaded.hints.get("effective", "")  # a page's 实施日期 / 失效日期
    expires = validity.expires or loaded.hints.get("expires", "")
    document = Document(doc_id, meta.title, meta.doc_number, meta.issuer, meta.date, str(path), sha256, loaded.pages,
                        meta.references, effective, expires, validity.repeals, city, meta.signers)
    short = aliases.short_places(body_text)
    tables: list[Table] = []
    clauses: list[Clause] = []
    for clause, own in owned:
        blocks = table_blocks(own)
        tables += [parse_block(caption, block, short, clause.label, vocab) for caption, block in blocks]
        in_table = {id(p) for _, block in blocks for p in block}
        clauses.append(replace(clause, text="\n".join(p.text for p in own if id(p) not in in_table)))
    tables, clauses = tuple(tables), tuple(clauses)
    first_is_lead = declares_first_lead(body_text, vocab)
    years = set(YEAR_HEADER.findall(meta.title))
    year = int(years.pop()) if len(years) == 1 else None  # "2025年重点工作任务分解方案": its tables' year
    responsibilities, targets = facts.extract(clauses, tables, doc_id, city, vocab, first_is_lead, year)
    return Parsed(document, clauses, tables, responsibilities, targets,
                  *learn_aliases(document, body_text, responsibilities, targets))


def learn_aliases(document: Document, body_text: str, responsibilities: tuple[Responsibility, ...],
                  targets: tuple[Target, ...]) -> tuple[dict, dict]:
    """District forms (scopes of table targets, found in the text) and department forms (from the facts)."""
    scopes = [t.scope for t in targets if t.source == "table" and t.scope != "全市"]
    places = aliases.place_aliases(dict.fromkeys(squash(s) for s in scopes), body_text, document.city)
    depts = [d for r in responsibilities for d in r.departments]
    depts += [d for t in targets if t.source == "table" and t.department for d in t.department.split("、")]
    units = aliases.dept_aliases(dict.fromkeys(depts), document.city)
    for full, shorts in aliases.declared_short_names(body_text, depts).items():  # "（以下简称南方人才市场管委办）"
        units[full] = sorted({*units.get(full, [full]), *shorts}, key=lambda f: (len(f), f))
    return places, units
