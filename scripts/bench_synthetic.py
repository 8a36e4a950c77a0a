"""Synthetic segments for the scale benchmark: an index grown to N chunks without parsing.

The chunks of a real index are replicated under new document ids (SQLite rows copied with
INSERT … SELECT, jieba-token and gram postings replicated with new row numbers, so every
term's list grows as it would), with random unit vectors (synthetic vectors: they cost what
real ones cost to search). Synthetic documents carry no facts, so answers still come from the
real documents' facts. The grown index is published as a new build beside the real one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kspolicy.index import postings, store, vectors
from kspolicy.index.build import resolve
from kspolicy.index.layout import open_segments
from kspolicy.index.merge import MAX_SEGMENT
from kspolicy.index.publish import NewBuild
from kspolicy.index.segment import BM25, DATABASE, GRAMS, VECTORS, Segment, segment_path, write_bm25, write_grams

COPIED = ("documents", "clauses", "tables")  # facts stay with the real documents


def extend(index_dir: Path, chunks: int) -> int:
    """Grow the index to about `chunks` chunks with copies of its first segment; returns the count."""
    folder = resolve(index_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    opened = open_segments(folder, manifest)
    base = opened.segments[0]
    have = sum(d["chunks"] for d in manifest["documents"].values())
    copies_needed = max(0, -(-(chunks - have) // base.rows))
    per_segment = max(1, MAX_SEGMENT // base.rows)
    rng = np.random.default_rng(11)
    with NewBuild(index_dir) as new:
        segments = list(manifest["segments"])
        known = {}
        for position, entry in enumerate(segments):  # the real segments, linked
            source = segment_path(folder, position, entry["name"])
            for old, placed in new.place(source, segment_path(new.tmp, position, entry["name"]), link=True):
                known[placed.relative_to(new.tmp).as_posix()] = manifest["files"][old.relative_to(folder).as_posix()]
        for name in ("userdict.txt", "names.json"):
            (new.tmp / name).write_bytes((folder / name).read_bytes())
        first = 1 + max((int(d.rsplit("#", 1)[1]) for d in manifest["documents"] if "#" in d), default=-1)
        copy = first  # growing again: new copies get new ids and segment names
        while copy < first + copies_needed:
            count = min(per_segment, first + copies_needed - copy)
            name = f"syn{copy:06d}"
            out = new.tmp / "segments" / name
            _write_copies(out, base, range(copy, copy + count), rng, manifest["dimension"])
            segments.append({"name": name, "chunks": base.rows * count, "vectors": _kind(out)})
            for k in range(copy, copy + count):
                for doc_id, (_, n) in base.spans.items():
                    manifest["documents"][f"{doc_id}#{k}"] = {"sha256": "", "source": "", "title": "",
                                                              "segment": name, "chunks": n}
            copy += count
        manifest["segments"] = segments
        manifest["chunks"] = sum(d["chunks"] for d in manifest["documents"].values())
        new.publish(manifest, known)
    opened.close()
    return manifest["chunks"]


def _kind(out: Path) -> str:
    return "ivf" if vectors.Vectors.open(out / VECTORS).approximate else "flat"


def _write_copies(out: Path, base: Segment, copies: range, rng, dim: int) -> None:
    out.mkdir(parents=True)
    rows = base.rows
    db = store.create(out / DATABASE)
    db.execute("ATTACH DATABASE ? AS src", (str(base.folder / DATABASE),))
    with db:
        for k in copies:
            offset = (k - copies.start) * rows
            suffix = f"#{k}"
            for table in COPIED:
                columns = [c[1] for c in db.execute(f"PRAGMA main.table_info({table})")]
                picked = ", ".join(f"doc_id || '{suffix}'" if c == "doc_id" else c for c in columns)
                db.execute(f"INSERT INTO main.{table} SELECT {picked} FROM src.{table}")
            db.execute(f"INSERT INTO main.chunks SELECT row + {offset}, chunk_id || '{suffix}', doc_id || '{suffix}', "
                       "clause_id, label, heading, text, page, kind, ref, record, indicator FROM src.chunks")
            db.execute(f"INSERT INTO main.spans SELECT doc_id || '{suffix}', first + {offset}, count, NULL, NULL "
                       "FROM src.spans")
    db.execute("DETACH DATABASE src")
    store.finish(db)
    db.close()
    count = len(copies)
    offsets = [np.arange(rows, dtype=np.int64) + i * rows for i in range(count)]
    write_bm25(out / BM25, postings.merge([(base.terms, m) for m in offsets]), np.tile(base.lengths, count))
    write_grams(out / GRAMS, postings.merge([(base.grams, m) for m in offsets]))
    matrix = rng.standard_normal((rows * count, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    vectors.write(out / VECTORS, matrix, dim)
