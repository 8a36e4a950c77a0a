"""Inverted lists as CSR arrays: key -> sorted local rows (and a value per row, e.g. a term frequency).

One `Postings` per segment and purpose (BM25 terms, character grams). Stored as plain
files: the keys as a JSON list, `ptr`/`rows`/`values` as .npy (no pickle), read back
memory-mapped, so a question touches only the lists of its own keys.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Postings:
    keys: list[str]  # key id -> key
    ptr: np.ndarray  # int64, len(keys) + 1: rows of key i are rows[ptr[i]:ptr[i+1]]
    rows: np.ndarray  # int32 local rows, ascending within a key
    values: np.ndarray | None = None  # per (key, row): float32 (term frequency) or uint8 (flags), or None

    def slice(self, key_id: int) -> tuple[np.ndarray, np.ndarray | None]:
        start, end = int(self.ptr[key_id]), int(self.ptr[key_id + 1])
        return self.rows[start:end], None if self.values is None else self.values[start:end]

    def counts(self) -> np.ndarray:
        """Rows per key (document frequency)."""
        return np.diff(self.ptr)

    def dead_counts(self, dead: np.ndarray) -> np.ndarray:
        """Rows per key that are marked in the boolean `dead` (deleted rows), without a loop over keys."""
        marked = np.concatenate(([0], np.cumsum(dead[self.rows], dtype=np.int64)))
        return marked[self.ptr[1:]] - marked[self.ptr[:-1]]


class Builder:
    """Collects rows 0, 1, … one at a time (compact arrays, no object per row), then groups them."""

    def __init__(self, values: str = "f") -> None:
        """`values`: array typecode of the values ("f" float32, "B" small flags)."""
        self.vocab: dict[str, int] = {}
        self.key_ids, self.row_ids, self.values = array("i"), array("i"), array(values)
        self.rows = 0

    def add(self, bag: Counter | Sequence[str]) -> None:
        """The next row's keys: a Counter gives each a value, a sequence gives each 1."""
        items = bag.items() if isinstance(bag, Counter) else ((k, 1) for k in dict.fromkeys(bag))
        for key, value in items:
            self.key_ids.append(self.vocab.setdefault(key, len(self.vocab)))
            self.row_ids.append(self.rows)
            self.values.append(value)
        self.rows += 1

    def finish(self) -> Postings:
        dtype = np.float32 if self.values.typecode == "f" else np.uint8
        return _group(list(self.vocab), np.frombuffer(self.key_ids, np.int32), np.frombuffer(self.row_ids, np.int32),
                      np.frombuffer(self.values, dtype))


def build(bags: Iterable[Counter | Sequence[str]]) -> Postings:
    """Postings of rows 0, 1, … given each row's keys."""
    builder = Builder()
    for bag in bags:
        builder.add(bag)
    return builder.finish()


def _group(keys: list[str], key_ids: np.ndarray, rows: np.ndarray, values: np.ndarray | None) -> Postings:
    """CSR from (key id, row, value) triples whose rows ascend (a stable sort keeps them so)."""
    order = np.argsort(key_ids, kind="stable")
    ptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(key_ids, minlength=len(keys)), out=ptr[1:])
    return Postings(keys, ptr, np.ascontiguousarray(rows[order], dtype=np.int32),
                    None if values is None else np.ascontiguousarray(values[order]))


def merge(parts: Sequence[tuple[Postings, np.ndarray]]) -> Postings:
    """One Postings from several, each with `new_rows` (old local row -> new row, -1 where deleted);
    the new rows of a later part must all follow those of an earlier one."""
    if not parts:
        return Postings([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))
    with_values = parts[0][0].values is not None
    vocab: dict[str, int] = {}
    key_ids, rows, values = [], [], []
    for postings, new_rows in parts:
        ids = np.fromiter((vocab.setdefault(k, len(vocab)) for k in postings.keys), np.int32, len(postings.keys))
        owner = np.repeat(ids, postings.counts())
        mapped = new_rows[postings.rows]
        keep = mapped >= 0
        key_ids.append(owner[keep])
        rows.append(mapped[keep])
        if with_values:
            values.append(np.asarray(postings.values)[keep])
    grouped = _group(list(vocab), np.concatenate(key_ids), np.concatenate(rows),
                     np.concatenate(values) if with_values else None)
    counts = grouped.counts()
    if counts.all():
        return grouped
    keep_keys = np.flatnonzero(counts)  # keys whose rows were all deleted are dropped
    ptr = np.concatenate(([0], np.cumsum(counts[keep_keys])))
    return Postings([grouped.keys[i] for i in keep_keys], ptr, grouped.rows, grouped.values)


def save(postings: Postings, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keys.json").write_text(json.dumps(postings.keys, ensure_ascii=False), encoding="utf-8")
    np.save(folder / "ptr.npy", postings.ptr, allow_pickle=False)
    np.save(folder / "rows.npy", postings.rows, allow_pickle=False)
    if postings.values is not None:
        np.save(folder / "values.npy", postings.values, allow_pickle=False)


def load(folder: Path, values: bool = True) -> Postings:
    keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
    ptr = np.load(folder / "ptr.npy", mmap_mode="r", allow_pickle=False)
    if len(ptr) != len(keys) + 1:
        raise ValueError(f"postings of {folder} do not match their keys")
    rows = _mapped(folder / "rows.npy")
    vals = _mapped(folder / "values.npy") if values and (folder / "values.npy").exists() else None
    return Postings(keys, np.asarray(ptr), rows, vals)


def _mapped(path: Path) -> np.ndarray:
    """A memory-mapped array (an empty file cannot be mapped: read it)."""
    array_ = np.load(path, mmap_mode="r", allow_pickle=False)
    return array_ if array_.size else np.load(path, allow_pickle=False)
