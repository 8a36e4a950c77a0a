"""A segment: the documents added by one build (or merged from older segments), in files
that never change once written:

    kspolicy.sqlite   documents, clauses, tables, chunks (row = local row), facts (store.py)
    vectors.faiss     one vector per chunk row (vectors.py: exact, or IVF above a size)
    bm25/             jieba tokens of every chunk, computed once: term -> rows with term
                      frequencies (postings.py), and `lengths.npy` (tokens per row)
    grams/            character keys of every chunk (textgrams.py), `df.npy`: IDF-gram counts

A build folder holds its segments: the first at its top level, the others in
`segments/<name>/`; unchanged segments are hard links to the previous build's files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from . import postings, store, vectors
from .retriever import Batch, Writer
from .textgrams import IDF
from ..models import Chunk
from ..understand.parse import Parsed

DATABASE, VECTORS, BM25, GRAMS = "kspolicy.sqlite", "vectors.faiss", "bm25", "grams"
READ_BATCH = 2048


def segment_path(build_folder: Path, position: int, name: str) -> Path:
    """Where a segment lives in a build: the first at the top, the others under segments/."""
    return build_folder if position == 0 else build_folder / "segments" / name


class SegmentWriter:
    """Writes one new segment: documents as they are parsed, then (with the final user dictionary
    known) the chunks' vectors, tokens and grams, read back from the database in row order."""

    def __init__(self, folder: Path, name: str):
        self.folder, self.name = folder, name
        folder.mkdir(parents=True, exist_ok=True)
        self.db = store.create(folder / DATABASE)
        self.rows = 0
        self.given: dict[int, np.ndarray] = {}  # first row -> vectors kept from an older segment

    def add(self, parsed: Parsed, chunks: list[Chunk], given: np.ndarray | None = None) -> tuple[int, int]:
        """Store one document (with its vectors, if they need not be computed); returns (first row, count)."""
        first = self.rows
        with self.db:
            store.write_chunks(self.db, chunks, first, store.write_parsed(self.db, parsed))
        self.rows += len(chunks)
        if given is not None:
            self.given[first] = np.asarray(given, dtype=np.float32)
        return first, len(chunks)

    def chunks(self) -> Iterator[list[Chunk]]:
        """The stored chunks in row order, in batches."""
        for start in range(0, self.rows, READ_BATCH):
            yield [store.chunk_of(r) for r in self.db.execute(
                f"SELECT {store.CHUNK_COLUMNS} FROM chunks WHERE row >= ? AND row < ? ORDER BY row",
                (start, start + READ_BATCH))]

    @property
    def to_embed(self) -> int:
        return self.rows - sum(len(v) for v in self.given.values())

    def finish(self, tokens: Callable[[str], tuple[str, ...]], embed: Callable[[list[str]], np.ndarray],
               writer: Writer) -> dict:
        """Give the stored chunks, in row order, to a retrieval `writer`: each with its jieba tokens
        (`tokens`, computed here, once) and its vector (kept, or computed by `embed`); returns the
        segment's manifest entry."""
        store.finish(self.db)
        kept = np.zeros((self.rows, writer.dim), dtype=np.float32) if self.given else None
        have = np.zeros(self.rows, dtype=bool)
        for first, given in self.given.items():
            kept[first:first + len(given)] = given
            have[first:first + len(given)] = True
        self.given.clear()
        start = 0
        for batch in self.chunks():
            end = start + len(batch)
            vectors = kept[start:end] if kept is not None else np.zeros((len(batch), writer.dim), dtype=np.float32)
            missing = np.flatnonzero(~have[start:end])
            if len(missing):
                vectors[missing] = embed([batch[i].embed_text for i in missing])
            writer.add(Batch(batch, [tokens(c.embed_text) for c in batch], vectors))
            start = end
        self.db.close()
        return {"name": self.name, **writer.close()}

    def abort(self) -> None:
        self.db.close()


def write_bm25(folder: Path, terms: postings.Postings, lengths: np.ndarray) -> None:
    postings.save(terms, folder)
    np.save(folder / "lengths.npy", np.asarray(lengths, dtype=np.int32), allow_pickle=False)


def write_grams(folder: Path, keys: postings.Postings) -> None:
    """Gram postings with their flags, and each key's count of IDF rows (Index.idf)."""
    postings.save(keys, folder)
    idf_rows = (np.asarray(keys.values, dtype=np.int32) & IDF) > 0
    marked = np.concatenate(([0], np.cumsum(idf_rows, dtype=np.int64)))
    np.save(folder / "df.npy", (marked[keys.ptr[1:]] - marked[keys.ptr[:-1]]).astype(np.int32), allow_pickle=False)


@dataclass
class Segment:
    """An opened segment: its database, vectors and inverted lists (memory-mapped)."""

    name: str
    folder: Path
    db: object  # sqlite3.Connection, read-only
    vectors: vectors.Vectors
    terms: postings.Postings
    lengths: np.ndarray
    grams: postings.Postings
    gram_df: np.ndarray
    spans: dict[str, tuple[int, int]]  # doc_id -> (first row, count)
    facts: dict[str, tuple[int, int]]  # doc_id -> rowids of its first responsibility and first target
    span_docs: tuple[str, ...] = ()  # the documents' ids in row order

    def __post_init__(self) -> None:
        self.span_docs = tuple(sorted(self.spans, key=lambda doc: self.spans[doc][0]))

    @classmethod
    def open(cls, folder: Path, name: str, parts: tuple[str, ...] = (VECTORS, BM25, GRAMS)) -> "Segment":
        """Open a segment; only its database and the files named in `parts` (a repair reads no more)."""
        db = store.open_readonly(folder / DATABASE)
        try:
            found_spans = db.execute("SELECT doc_id, first, count, responsibilities, targets FROM spans").fetchall()
            spans = {d: (f, c) for d, f, c, _, _ in found_spans}
            facts = {d: (r, t) for d, _, _, r, t in found_spans}
            for table in ("documents", "clauses", "tables", "responsibilities", "targets", "units", "sources"):
                db.execute(f"SELECT * FROM {table} LIMIT 1").fetchall()  # a damaged page says so now
            rows = sum(c for _, c in spans.values())
            terms = postings.load(folder / BM25) if BM25 in parts else None
            lengths = np.load(folder / BM25 / "lengths.npy", allow_pickle=False) if BM25 in parts \
                else np.zeros(rows, np.int32)
            grams = postings.load(folder / GRAMS) if GRAMS in parts else None
            gram_df = np.load(folder / GRAMS / "df.npy", allow_pickle=False) if GRAMS in parts else None
            found = vectors.Vectors.open(folder / VECTORS) if VECTORS in parts else None
            if (found is not None and found.count != rows) or len(lengths) != rows or \
                    (grams is not None and len(gram_df) != len(grams.keys)):
                raise ValueError(f"segment {folder} is inconsistent")
        except BaseException:
            db.close()
            raise
        return cls(name, folder, db, found, terms, lengths, grams, gram_df, spans, facts)

    @property
    def rows(self) -> int:
        return len(self.lengths)

    def close(self) -> None:
        self.db.close()


class SegmentRows:
    """The live rows of one segment and where they sit among the index's rows."""

    def __init__(self, segment: Segment, live_docs: set[str], base: int):
        self.base = base
        spans = segment.spans
        dead_docs = [d for d in spans if d not in live_docs]
        self.dead: np.ndarray | None = None
        self.global_of: np.ndarray | None = None  # local row -> index row (-1: deleted), None: base + local
        self.local_of: np.ndarray | None = None  # index row - base -> local row
        if dead_docs:
            self.dead = np.zeros(segment.rows, dtype=bool)
            for d in dead_docs:
                first, count = spans[d]
                self.dead[first:first + count] = True
            self.local_of = np.flatnonzero(~self.dead).astype(np.int64)
            self.global_of = np.full(segment.rows, -1, dtype=np.int64)
            self.global_of[self.local_of] = base + np.arange(len(self.local_of))
        self.count = segment.rows if self.dead is None else len(self.local_of)
        self.dead_rows = np.flatnonzero(self.dead) if self.dead is not None else None

    def to_global(self, local: np.ndarray) -> np.ndarray:
        local = np.asarray(local, dtype=np.int64)
        return self.base + local if self.global_of is None else self.global_of[local]

    def to_local(self, rows: np.ndarray) -> np.ndarray:
        offset = np.asarray(rows, dtype=np.int64) - self.base
        return offset if self.local_of is None else self.local_of[offset]


class SegmentSet:
    """The opened segments of a build with their live documents; rows 0 … count-1 run over the
    live chunks in segment order."""

    def __init__(self, segments: list[Segment], live: list[set[str]]):
        self.segments = segments
        self.live = live
        self.parts: list[SegmentRows] = []
        base = 0
        for segment, docs in zip(segments, live):
            self.parts.append(SegmentRows(segment, docs, base))
            base += self.parts[-1].count
        self.count = base
        self.bases = np.array([p.base for p in self.parts], dtype=np.int64)

    def locate(self, row: int) -> tuple[int, int]:
        """(segment position, local row) of an index row."""
        if not 0 <= row < self.count:
            raise IndexError(row)
        position = int(np.searchsorted(self.bases, row, side="right")) - 1
        while self.parts[position].count == 0 or row >= self.parts[position].base + self.parts[position].count:
            position += 1  # segments without live rows share their base with the next one
        return position, int(self.parts[position].to_local(np.array([row]))[0])

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """Segment position of each index row."""
        ends = self.bases + np.array([p.count for p in self.parts], dtype=np.int64)
        return np.searchsorted(ends, np.asarray(rows, dtype=np.int64), side="right")

    def close(self) -> None:
        for segment in self.segments:
            segment.close()

    @cached_property
    def documents(self) -> "DocumentRows":
        """The live documents with chunks in row order (a document's chunks are consecutive rows)."""
        found: list[tuple[int, str]] = []
        for segment, part, live in zip(self.segments, self.parts, self.live):
            docs = [(first, d) for d, (first, n) in segment.spans.items() if n and d in live]
            firsts = part.to_global(np.array([f for f, _ in docs], np.int64)).tolist()
            found += zip(firsts, (d for _, d in docs))
        found.sort()
        starts = np.array([f for f, _ in found] + [self.count], np.int64)
        return DocumentRows(starts[:-1], starts[1:], tuple(d for _, d in found))

    def document_numbers(self, rows: np.ndarray) -> np.ndarray:
        """Number of the document of each index row (its place in `documents`)."""
        return np.searchsorted(self.documents.starts, np.asarray(rows, dtype=np.int64), side="right") - 1

    def holding(self, numbers: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The document numbers (of `numbers`) with at least one of `rows` (ascending index rows)."""
        if not len(rows):
            return numbers[:0]
        at = np.searchsorted(rows, self.documents.starts[numbers])
        return numbers[(at < len(rows)) & (rows[np.minimum(at, len(rows) - 1)] < self.documents.ends[numbers])]

    def numbers_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Numbers (ascending) of the live documents with chunks among `doc_ids`."""
        number = self.documents.number
        return np.array(sorted(number[d] for d in doc_ids if d in number), dtype=np.int64)


@dataclass(frozen=True)
class DocumentRows:
    """Document number i (of a SegmentSet) holds index rows starts[i] … ends[i] - 1."""

    starts: np.ndarray
    ends: np.ndarray
    ids: tuple[str, ...]

    @cached_property
    def number(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self.ids)}
