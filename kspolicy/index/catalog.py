"""The SQLite side of an index across its segments, read as needed: documents, chunks by row,
the rows of a clause label or table row, and facts through indexed lookups.

Nothing is read per chunk or per fact when an index is loaded; a chunk is one indexed
SELECT by row (recent chunks are cached), a fact lookup one indexed SELECT per segment.
Facts come in the order a single database would give them (doc_id, then order in the
document); deleted documents (still in an older segment until a merge) are skipped.
"""

from __future__ import annotations

import heapq
import json
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import store
from .segment import SegmentSet
from ..models import Chunk, Clause, Document, Responsibility, Table, Target

CHUNK_CACHE = 1 << 15
FACT_CACHE = 1 << 12
COLUMNS = {"responsibilities": "*", "targets": store.TARGET_COLUMNS}


class Catalog:
    @classmethod
    def open(cls, folder: Path) -> "Catalog":
        """The catalog of a build folder alone (its databases, not its vectors or lists): `facts`,
        `docs` and the browsing pages. Close it with `close()`."""
        from .layout import open_segments

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return cls(open_segments(folder, manifest, parts=()))

    def close(self) -> None:
        self.opened.close()

    def __init__(self, opened: SegmentSet):
        self.opened = opened
        self.lock = threading.Lock()  # one connection per segment, shared by the page's sessions
        self.chunk = lru_cache(maxsize=CHUNK_CACHE)(self._chunk)
        self._facts = lru_cache(maxsize=FACT_CACHE)(self._read_facts)  # segments never change: remember
        self.by_source = lru_cache(maxsize=FACT_CACHE)(self._by_source)


    def _query(self, position: int, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.opened.segments[position].db.execute(sql, args).fetchall()

    def _live(self, position: int, doc_id: str) -> bool:
        return doc_id in self.opened.live[position]

    # documents ---------------------------------------------------------------------------
    def documents(self) -> dict[str, Document]:
        found = [store.document_of(row) for p in range(len(self.opened.segments))
                 for row in self._query(p, "SELECT * FROM documents") if self._live(p, row[0])]
        return {d.doc_id: d for d in sorted(found, key=lambda d: d.doc_id)}

    def document_names(self) -> Iterator[tuple[dict, dict]]:
        """(places, departments) alias tables of every live document, in segment order."""
        for p in range(len(self.opened.segments)):
            for doc_id, places, departments in self._query(p, "SELECT doc_id, places, departments FROM documents"):
                if self._live(p, doc_id):
                    yield json.loads(places), json.loads(departments)

    def clauses(self, doc_id: str) -> tuple[Clause, ...]:
        for p in range(len(self.opened.segments)):
            if doc_id in self.opened.segments[p].spans and self._live(p, doc_id):
                return tuple(Clause(doc_id, cid, label, heading, text, page, parent, kind)
                             for cid, label, heading, text, page, parent, kind in self._query(
                                 p, "SELECT clause_id, label, heading, text, page, parent, kind FROM clauses "
                                    "WHERE doc_id=? ORDER BY ord", (doc_id,)))
        return ()

    def tables(self, doc_id: str) -> tuple[Table, ...]:
        for p in range(len(self.opened.segments)):
            if doc_id in self.opened.segments[p].spans and self._live(p, doc_id):
                with self.lock:
                    return store.read_tables(self.opened.segments[p].db, doc_id)
        return ()

    def export_facts(self) -> dict:
        """`facts --json` over every segment (live documents)."""
        return store.facts_json(self.documents(), self.responsibilities(), self.targets())

    def export_documents(self, today: date) -> list[dict]:
        """`docs --json` over every segment (live documents)."""
        counts: dict[str, dict[str, int]] = {t: {} for t in ("clauses", "responsibilities", "targets")}
        for table, found in counts.items():
            for p in range(len(self.opened.segments)):
                found.update((d, n) for d, n in self._query(p, f"SELECT doc_id, count(*) FROM {table} GROUP BY doc_id")
                             if self._live(p, d))
        return store.documents_json(list(self.documents().values()), counts, today)

    # chunks -------------------------------------------------------------------------------
    def _chunk(self, row: int) -> Chunk:
        position, local = self.opened.locate(row)
        found = self._query(position, f"SELECT {store.CHUNK_COLUMNS} FROM chunks WHERE row=?", (local,))
        return store.chunk_of(found[0])

    def chunks(self) -> Iterator[Chunk]:
        for position, part in enumerate(self.opened.parts):
            for row in self._query(position, f"SELECT {store.CHUNK_COLUMNS} FROM chunks ORDER BY row"):
                if self._live(position, row[2]):
                    yield store.chunk_of(row)

    def doc_rows(self, doc_id: str) -> list[int]:
        for position, part in enumerate(self.opened.parts):
            span = self.opened.segments[position].spans.get(doc_id)
            if span and self._live(position, doc_id):
                return [int(r) for r in part.to_global(range(span[0], span[0] + span[1]))]
        return []

    def label_rows(self, doc_id: str, key: str) -> list[int]:
        """Rows of a clause label, or of a table row's indicator ("indicator:…"): read within the
        document's rows."""
        column, value = ("indicator", key[len("indicator:"):]) if key.startswith("indicator:") else ("label", key)
        for position, part in enumerate(self.opened.parts):
            span = self.opened.segments[position].spans.get(doc_id)
            if span and self._live(position, doc_id):
                found = self._query(position, f"SELECT row FROM chunks WHERE row >= ? AND row < ? AND {column}=? "
                                              "ORDER BY row", (span[0], span[0] + span[1], value))
                return [int(r) for r in part.to_global([r for r, in found])]
        return []

    # facts --------------------------------------------------------------------------------
    def _read_facts(self, table: str, where: str, args: tuple) -> list[tuple]:
        """Rows of `table` matching `where` in every segment, live documents only, by (doc_id, ord)."""
        columns = COLUMNS[table]
        runs = [[row for row in self._query(p, f"SELECT {columns} FROM {table} WHERE {where} ORDER BY doc_id, ord", args)
                 if self._live(p, row[0])] for p in range(len(self.opened.segments))]
        return list(heapq.merge(*runs, key=lambda row: (row[0], row[1]))) if len(runs) > 1 else (runs or [[]])[0]

    def targets(self, where: str = "1", args: tuple = ()) -> list[Target]:
        return [store.target_of(r) for r in self._facts("targets", where, args)]

    def responsibilities(self, where: str = "1", args: tuple = ()) -> list[Responsibility]:
        return [store.responsibility_of(r) for r in self._facts("responsibilities", where, args)]

    def by_unit(self, kind: str, names: Sequence[str]) -> list[tuple[str, int]]:
        """(doc_id, ord) of the facts (kind "r": responsibilities, "t": city-wide table targets) naming a unit."""
        marks = ",".join("?" * len(names))
        found = {(d, o) for p in range(len(self.opened.segments))
                 for d, o in self._query(p, f"SELECT doc_id, ord FROM units WHERE kind=? AND unit IN ({marks})",
                                         (kind, *names)) if self._live(p, d)}
        return sorted(found)

    def _by_source(self, doc_id: str, label: str) -> tuple[int, ...]:
        """Order numbers of the responsibilities of a document read from a clause label."""
        for p in range(len(self.opened.segments)):
            if doc_id in self.opened.segments[p].spans and self._live(p, doc_id):
                return tuple(sorted({o for o, in self._query(
                    p, "SELECT ord FROM sources WHERE doc_id=? AND label=?", (doc_id, label))}))
        return ()

    def fact_row(self, table: str, doc_id: str, ord_: int) -> tuple | None:
        which = 0 if table == "responsibilities" else 1
        for p in range(len(self.opened.segments)):
            segment = self.opened.segments[p]
            if doc_id in segment.spans and self._live(p, doc_id):
                found = self._query(p, f"SELECT {COLUMNS[table]} FROM {table} WHERE rowid=?",
                                    (segment.facts[doc_id][which] + ord_,))
                return found[0] if found else None
        return None

    def fact_rows(self, table: str, keys: Sequence[tuple[str, int]]) -> list[tuple]:
        """Rows of `table` for (doc_id, ord) keys, in key order (a document's facts are consecutive rows)."""
        return [row for doc_id, ord_ in keys if (row := self.fact_row(table, doc_id, ord_)) is not None]

    def count(self, table: str) -> int:
        return sum(n for p in range(len(self.opened.segments))
                   for d, n in self._query(p, f"SELECT doc_id, count(*) FROM {table} GROUP BY doc_id")
                   if self._live(p, d))

    def first_targets(self) -> Iterator[tuple[str, int, str, str]]:
        """(doc_id, ord, indicator, unit) of each indicator's first target in each live document."""
        for p in range(len(self.opened.segments)):
            for doc_id, ord_, indicator, unit in self._query(
                    p, "SELECT doc_id, min(ord), indicator, unit FROM targets GROUP BY doc_id, indicator"):
                if self._live(p, doc_id):
                    yield doc_id, ord_, indicator, unit

    def responsibility_names(self) -> list[tuple[str, int, str, str]]:
        """(doc_id, ord, task, content) of every live responsibility, in fact order."""
        runs = [[r for r in self._query(p, "SELECT doc_id, ord, task, content FROM responsibilities ORDER BY doc_id, ord")
                 if self._live(p, r[0])] for p in range(len(self.opened.segments))]
        return list(heapq.merge(*runs, key=lambda r: (r[0], r[1])))

    def table_scopes(self) -> Iterator[tuple[str, str]]:
        for p in range(len(self.opened.segments)):
            for doc_id, scope in self._query(p, "SELECT DISTINCT doc_id, scope FROM targets "
                                                "WHERE source='table' AND scope != '全市'"):
                if self._live(p, doc_id):
                    yield doc_id, scope

    def chunk_labels(self, rows: Sequence[int]) -> list[tuple[str, str]]:
        """(doc_id, label) of index rows."""
        return [(c.doc_id, c.label) for c in map(self.chunk, rows)]
