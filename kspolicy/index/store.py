"""SQLite storage of documents, clauses, tables, chunks and facts (one file per segment, plain tables).

Chunk `row` is the chunk's row in its segment: its id in the segment's FAISS index and
inverted lists. Every table has an index on doc_id (a document is read or copied without
scanning the others), and the lookups a question makes have theirs: targets by indicator,
scope and clause, facts by the units they name (`units`), responsibilities by the clause
labels they were read from (`sources`), chunks by label and by the indicator of a row.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import asdict
from datetime import date
from pathlib import Path

from ..models import Chunk, Clause, Document, Responsibility, Table, Target
from ..understand.parse import Parsed
from ..text import number
from ..understand.validity import names, status

SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, doc_number TEXT, issuer TEXT, date TEXT,
    source TEXT, sha256 TEXT, pages INTEGER, refs TEXT, effective TEXT, expires TEXT, repeals TEXT, city TEXT,
    signers TEXT, places TEXT, departments TEXT);
CREATE TABLE clauses (doc_id TEXT, ord INTEGER, clause_id TEXT, label TEXT, heading TEXT, text TEXT,
    page INTEGER, parent TEXT, kind TEXT, PRIMARY KEY (doc_id, clause_id));
CREATE TABLE tables (doc_id TEXT, ord INTEGER, label TEXT, title TEXT, kind TEXT, page INTEGER,
    header TEXT, rows TEXT, roles TEXT);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_id TEXT, clause_id TEXT,
    label TEXT, heading TEXT, text TEXT, page INTEGER, kind TEXT, ref TEXT, record TEXT, indicator TEXT);
CREATE TABLE responsibilities (doc_id TEXT, ord INTEGER, task TEXT, departments TEXT, clause TEXT,
    sources TEXT, lead TEXT, partners TEXT, leaders TEXT, deadline TEXT, content TEXT, offices TEXT, lead_offices TEXT);
CREATE TABLE targets (doc_id TEXT, ord INTEGER, indicator TEXT, unit TEXT, year INTEGER, scope TEXT,
    value REAL, department TEXT, clause TEXT, grp TEXT, source TEXT, value_text TEXT, qualifier TEXT, period TEXT,
    kind TEXT, ikey INTEGER);
CREATE TABLE spans (doc_id TEXT PRIMARY KEY, first INTEGER, count INTEGER, responsibilities INTEGER,
    targets INTEGER);
CREATE TABLE units (kind TEXT, unit TEXT, doc_id TEXT, ord INTEGER);
CREATE TABLE sources (doc_id TEXT, label TEXT, ord INTEGER);
"""
# spans: a document's chunk rows (first, count) and the rowid of its first responsibility and target
# (a document's facts are consecutive rows, in their order); ikey: indicator_key(indicator).

INDEXES = """
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX tables_doc ON tables (doc_id);
CREATE INDEX responsibilities_doc ON responsibilities (doc_id);
CREATE INDEX targets_doc ON targets (doc_id);
CREATE INDEX targets_indicator ON targets (ikey);
CREATE INDEX targets_scope ON targets (scope);
CREATE INDEX units_unit ON units (kind, unit);
CREATE INDEX sources_label ON sources (doc_id, label);
"""

CHUNK_COLUMNS = "row, chunk_id, doc_id, clause_id, label, heading, text, page, kind, ref, record"
TARGET_COLUMNS = ("doc_id, ord, indicator, unit, year, scope, value, department, clause, grp, source, value_text, "
                  "qualifier, period, kind")


def indicator_key(indicator: str) -> int:
    """A short integer standing for an indicator name in the index (the name is compared as well)."""
    return zlib.crc32(indicator.encode("utf-8"))


def create(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)  # a new file: fsync'd once
    return db


def finish(db: sqlite3.Connection) -> None:
    """Create the indexes once every row is in (faster than maintaining them row by row)."""
    db.executescript(INDEXES)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; segments never change once written (`immutable`: no locking)."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"missing {path}")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def write_parsed(db: sqlite3.Connection, parsed: Parsed) -> tuple[int, int]:
    """All records of one document except its chunks; returns the rowids of its first responsibility
    and first target."""
    d = parsed.document
    first = tuple(db.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {t}").fetchone()[0]
                  for t in ("responsibilities", "targets"))
    db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               (d.doc_id, d.title, d.doc_number, d.issuer, d.date, d.source, d.sha256, d.pages, dumps(d.references),
                d.effective, d.expires, dumps(d.repeals), d.city, dumps(d.signers), dumps(parsed.places),
                dumps(parsed.departments)))
    db.executemany("INSERT INTO clauses VALUES (?,?,?,?,?,?,?,?,?)",
                   [(c.doc_id, i, c.clause_id, c.label, c.heading, c.text, c.page, c.parent, c.kind)
                    for i, c in enumerate(parsed.clauses)])
    db.executemany("INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?)",
                   [(d.doc_id, i, t.label, t.title, t.kind, t.page, dumps(t.header), dumps(t.rows), dumps(t.roles))
                    for i, t in enumerate(parsed.tables)])
    db.executemany("INSERT INTO responsibilities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(r.doc_id, i, r.task, dumps(r.departments), r.clause, dumps(r.sources), dumps(r.lead),
                     dumps(r.partners), dumps(r.leaders), r.deadline, r.content, dumps(r.offices), dumps(r.lead_offices))
                    for i, r in enumerate(parsed.responsibilities)])
    db.executemany("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(t.doc_id, i, t.indicator, t.unit, t.year, t.scope, t.value, t.department, t.clause,
                     t.group, t.source, t.value_text, t.qualifier, t.period, t.kind, indicator_key(t.indicator))
                    for i, t in enumerate(parsed.targets)])
    db.executemany("INSERT INTO units VALUES (?,?,?,?)",
                   [("r", unit, d.doc_id, i) for i, r in enumerate(parsed.responsibilities)
                    for unit in dict.fromkeys((*r.departments, *r.lead, *r.partners, *r.offices, *r.lead_offices))]
                   + [("t", unit, d.doc_id, i) for i, t in enumerate(parsed.targets)
                      if t.scope == "全市" and t.source == "table" for unit in dict.fromkeys(t.department.split("、"))])
    db.executemany("INSERT INTO sources VALUES (?,?,?)",
                   [(d.doc_id, label, i) for i, r in enumerate(parsed.responsibilities) for label in dict.fromkeys(r.sources)])
    return first


def write_chunks(db: sqlite3.Connection, chunks: list[Chunk], first: int = 0, facts: tuple[int, int] = (0, 0)) -> None:
    """Chunks of one document at rows first, first + 1, … (`facts`: what write_parsed returned)."""
    from ..understand.targets import split_indicator

    db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(first + i, c.chunk_id, c.doc_id, c.clause_id, c.label, c.heading, c.text, c.page, c.kind, c.ref,
                     c.record, split_indicator(c.ref)[0] if c.kind == "row" and c.ref else None)
                    for i, c in enumerate(chunks)])
    if chunks:
        db.execute("INSERT INTO spans VALUES (?,?,?,?,?)", (chunks[0].doc_id, first, len(chunks), *facts))


def chunk_of(row: tuple) -> Chunk:
    """A Chunk from a row selected as CHUNK_COLUMNS."""
    return Chunk(*row[1:])


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def document_of(row: tuple) -> Document:
    return Document(*row[:8], references=tuple(json.loads(row[8])), effective=row[9], expires=row[10],
                    repeals=tuple(json.loads(row[11])), city=row[12], signers=tuple(json.loads(row[13])))


def read_parsed(db: sqlite3.Connection, doc_id: str) -> Parsed:
    """A document's records as written by `write_parsed` (no re-parsing)."""
    row = db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
    document = document_of(row)
    clauses = tuple(Clause(doc_id, cid, label, heading, text, page, parent, kind)
                    for _, _, cid, label, heading, text, page, parent, kind in
                    db.execute("SELECT * FROM clauses WHERE doc_id=? ORDER BY ord", (doc_id,)))
    return Parsed(document, clauses, read_tables(db, doc_id), read_responsibilities(db, doc_id),
                  read_targets(db, doc_id), json.loads(row[14]), json.loads(row[15]))


def read_tables(db: sqlite3.Connection, doc_id: str) -> tuple[Table, ...]:
    return tuple(Table(title, tuple(json.loads(h)), tuple(tuple(r) for r in json.loads(rows)), kind, label, page,
                       tuple(json.loads(roles)))
                 for _, _, label, title, kind, page, h, rows, roles in
                 db.execute("SELECT * FROM tables WHERE doc_id=? ORDER BY ord", (doc_id,)))


def responsibility_of(row: tuple) -> Responsibility:
    """A Responsibility from a `responsibilities` row (SELECT *)."""
    did, _, task, depts, clause, src, lead, partners, leaders, deadline, content, offices, lead_offices = row
    return Responsibility(task, tuple(json.loads(depts)), clause, did, tuple(json.loads(src)),
                          tuple(json.loads(lead)), tuple(json.loads(partners)), tuple(json.loads(leaders)),
                          deadline, content, tuple(json.loads(offices)), tuple(json.loads(lead_offices)))


def target_of(row: tuple) -> Target:
    """A Target from a `targets` row (TARGET_COLUMNS)."""
    did, _, ind, unit, year, scope, value, dept, clause, grp, source, value_text, qualifier, period, kind = row
    return Target(ind, unit, year, scope, value, dept, clause, did, grp, source, value_text, qualifier, period, kind)


def read_responsibilities(db: sqlite3.Connection, doc_id: str | None = None) -> tuple[Responsibility, ...]:
    where, args = ("WHERE doc_id=?", (doc_id,)) if doc_id else ("", ())
    return tuple(map(responsibility_of, db.execute(f"SELECT * FROM responsibilities {where} ORDER BY doc_id, ord", args)))


def read_targets(db: sqlite3.Connection, doc_id: str | None = None) -> tuple[Target, ...]:
    where, args = ("WHERE doc_id=?", (doc_id,)) if doc_id else ("", ())
    return tuple(map(target_of, db.execute(f"SELECT {TARGET_COLUMNS} FROM targets {where} ORDER BY doc_id, ord", args)))


def read_chunks(db: sqlite3.Connection, doc_id: str | None = None) -> list[tuple[int, Chunk]]:
    where, args = ("WHERE doc_id=?", (doc_id,)) if doc_id else ("", ())
    return [(row[0], chunk_of(row)) for row in db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks {where} ORDER BY row", args)]


def read_documents(db: sqlite3.Connection) -> list[Document]:
    return [document_of(row) for row in db.execute("SELECT * FROM documents ORDER BY doc_id")]


def fact_dict(fact: Responsibility | Target) -> dict:
    """JSON form of a fact (DESIGN.md contract); integral values print as integers."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(fact).items()}
    if isinstance(fact, Target) and fact.value is not None:
        data["value"] = number(fact.value)
    return data


def export_documents(db: sqlite3.Connection, today: date) -> list[dict]:
    """`docs --json` of one database (DESIGN.md contract)."""
    counts = {table: dict(db.execute(f"SELECT doc_id, count(*) FROM {table} GROUP BY doc_id").fetchall())
              for table in ("clauses", "responsibilities", "targets")}
    return documents_json(read_documents(db), counts, today)


def documents_json(documents: list[Document], counts: dict[str, dict[str, int]], today: date) -> list[dict]:
    """Every document with its counts and whether it is in force."""
    out = []
    for d in documents:
        replaced = any(names(ref, d.doc_number, d.title) for other in documents if other is not d
                       for ref in other.repeals)
        out.append({"doc_id": d.doc_id, "title": d.title, "doc_number": d.doc_number or None, "issuer": d.issuer,
                    "date": d.date or None, "path": d.source, "clauses": counts["clauses"].get(d.doc_id, 0),
                    "responsibilities": counts["responsibilities"].get(d.doc_id, 0),
                    "targets": counts["targets"].get(d.doc_id, 0), "effective": d.effective or None,
                    "expires": d.expires or None, "status": status(d.expires, replaced, bool(d.effective or d.expires),
                                                                   today),
                    "city": d.city, "repeals": list(d.repeals)})
    return out


def export_facts(db: sqlite3.Connection) -> dict:
    """`facts --json` of one database (DESIGN.md contract)."""
    return facts_json({d.doc_id: d for d in read_documents(db)}, read_responsibilities(db), read_targets(db))


def facts_json(documents: dict[str, Document], responsibilities, targets) -> dict:
    """Every fact with its citation."""
    return {"responsibilities": [{**fact_dict(r), "citation": documents[r.doc_id].citation(r.clause)}
                                 for r in responsibilities],
            "targets": [{**fact_dict(t), "citation": documents[t.doc_id].citation(t.clause)} for t in targets]}
