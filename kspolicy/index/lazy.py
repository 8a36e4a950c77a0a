"""Read-as-needed views with the shapes the answer code has always used: `index.chunks[row]`,
`index.folded[row]`, `index.rows.get((doc_id, label), [])`, `index.doc_rows.get(doc_id, [])`,
`index.by_indicator[name]`, `len(index.targets)`. Each reads the catalog (SQLite) on use;
only iterating over every item reads everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache

from .catalog import Catalog
from ..models import Chunk
from ..text import fold


class ChunkView(Sequence):
    """index.chunks: the live chunks by row."""

    def __init__(self, catalog: Catalog, count: int):
        self.catalog, self.count = catalog, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self.catalog.chunk(r) for r in range(*row.indices(self.count))]
        row = int(row)
        if row < 0:
            row += self.count
        return self.catalog.chunk(row)

    def __iter__(self) -> Iterator[Chunk]:
        return self.catalog.chunks()


class FoldedView(Sequence):
    """index.folded: fold(chunk.text) by row."""

    def __init__(self, chunks: ChunkView):
        self.chunks = chunks
        self._fold = lru_cache(maxsize=1 << 14)(lambda row: fold(chunks[row].text))

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        return self._fold(int(row) + len(self) if int(row) < 0 else int(row))

    def __iter__(self) -> Iterator[str]:
        return (fold(c.text) for c in self.chunks)


class Lookup(Mapping):
    """A read-only mapping computed per key (and remembered): index.rows, index.doc_rows."""

    def __init__(self, find: Callable, size: Callable[[], int] = lambda: 0, cache: int = 1 << 14):
        self._find = lru_cache(maxsize=cache)(find)
        self._size = size

    def __getitem__(self, key):
        found = self._find(key)
        if not found:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        found = self._find(key)
        return found if found else default

    def __contains__(self, key) -> bool:
        return bool(self._find(key))

    def __iter__(self):
        raise TypeError("a lookup is read key by key, not listed")

    def __len__(self) -> int:
        return self._size()


class LazyList(Sequence):
    """A list read on first use (len(index.targets), iterating over every fact); `first` reads
    item 0 alone (a fact's name is matched before its list is needed)."""

    def __init__(self, load: Callable[[], list], size: Callable[[], int] | None = None,
                 first: Callable[[], object] | None = None):
        self._load, self._size, self._first, self._items = load, size, first, None

    def _all(self) -> list:
        if self._items is None:
            self._items = self._load()
        return self._items

    def __len__(self) -> int:
        return self._size() if self._size is not None and self._items is None else len(self._all())

    def __getitem__(self, i):
        if i == 0 and self._items is None and self._first is not None:
            return self._first()
        return self._all()[i]

    def __iter__(self):
        return iter(self._all())
