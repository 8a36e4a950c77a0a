"""Facts found through lookups instead of loops over every fact.

Answer matching (answer/fromfacts.py) scores a fact only when its name shares a character
gram with the question: any other fact scores zero there. `NameGrams` keeps, for the
names of the facts (indicator names, task names), which names hold each gram, so the
facts worth scoring are read from a few lists. The other lookups go through SQLite
indexes (catalog.py): targets by indicator, scope or clause, facts by the units they
name, responsibilities by the clause labels they were read from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np

from . import store
from .catalog import Catalog
from .store import indicator_key
from .lazy import LazyList
from ..models import Document, Responsibility, Target
from ..scoring import grams

NAMED_LIMIT = 1000  # responsibilities scored by name for one question, at most


class NameGrams:
    """Items (facts) described by one or more names; which items share a gram with a text."""

    def __init__(self, names: Iterable[Sequence[str]]):
        lists: dict[str, list[int]] = defaultdict(list)
        for item, texts in enumerate(names):
            for gram in set().union(*(grams(t) for t in texts if t)):
                lists[gram].append(item)
        self.lists = {g: np.asarray(items, dtype=np.int32) for g, items in lists.items()}

    def sharing(self, text: str, limit: int | None = None) -> np.ndarray:
        """Items (ascending) with a name that shares at least one gram with `text`; with `limit`, when
        more share one, the `limit` sharing the most (grams weighted by rarity; ties: first items)."""
        found = [self.lists[g] for g in sorted(grams(text)) if g in self.lists]
        if not found:
            return np.zeros(0, dtype=np.int32)
        items = np.unique(np.concatenate(found))
        if limit is None or len(items) <= limit:
            return items
        weight = np.concatenate([np.full(len(f), 1.0 / len(f)) for f in found])
        shared = np.bincount(np.concatenate(found), weights=weight)[items]
        return np.sort(items[np.lexsort((items, -shared))[:limit]])


class FactLookup:
    """Lookups the answer code asks of an index (through `Index` helpers)."""

    def __init__(self, catalog: Catalog, documents: dict[str, Document]):
        self.catalog = catalog
        self.documents = documents
        self._fact = lru_cache(maxsize=1 << 15)(self._read_fact)  # facts never change within a build
        self.by_indicator = lru_cache(maxsize=1 << 12)(self._by_indicator)
        first: dict[str, tuple] = {}
        for doc_id, ord_, indicator, unit in sorted(catalog.first_targets()):
            first.setdefault(indicator, (doc_id, ord_, unit))
        order = sorted(first.items(), key=lambda item: item[1][:2])  # as by_indicator was filled: (doc_id, ord)
        self.first = {name: key[:2] for name, key in order}
        self.indicators = [name for name, _ in order]
        self.units = [unit for _, (_, _, unit) in order]
        self.indicator_grams = NameGrams((name, f"{name}（{unit}）") for name, unit in zip(self.indicators, self.units))
        self.responsibility_keys: list[tuple[str, int]] = []
        names = []
        for doc_id, ord_, task, content in catalog.responsibility_names():
            self.responsibility_keys.append((doc_id, ord_))
            names.append((task, content))
        self.responsibility_grams = NameGrams(names)
        self.responsibility_docs = {doc_id for doc_id, _ in self.responsibility_keys}
        self.scopes: dict[str, set[str]] = defaultdict(set)  # doc_id -> scopes of its table targets (not 全市)
        for doc_id, scope in catalog.table_scopes():
            self.scopes[doc_id].add(scope)

    # targets -----------------------------------------------------------------------------
    def _by_indicator(self, indicator: str) -> list[Target]:
        return self.catalog.targets("ikey=? AND indicator=?", (indicator_key(indicator), indicator))

    def first_of(self, indicator: str) -> Target:
        doc_id, ord_ = self.first[indicator]
        return self._targets_at([(doc_id, ord_)])[0][1]

    def indicators_sharing(self, text: str) -> list[tuple[str, LazyList]]:
        """(indicator, its targets) for every indicator sharing a gram with `text`, in first-seen order."""
        return [(name, LazyList(lambda name=name: self.by_indicator(name), first=lambda name=name: self.first_of(name)))
                for name in (self.indicators[i] for i in self.indicator_grams.sharing(text))]

    def citywide_sharing(self, text: str, named: Callable[[str], bool] = bool) -> list[Target]:
        """City-wide (全市) targets whose indicator shares a gram with `text` (and passes `named`), in fact order."""
        wanted = grams(text)
        names = [name for i in self.indicator_grams.sharing(text)
                 if grams(name := self.indicators[i]) & wanted and named(name)]
        if not names:
            return []
        keys = sorted({indicator_key(n) for n in names})
        found = self.catalog.targets(f"ikey IN ({','.join('?' * len(keys))}) AND scope='全市'", tuple(keys))
        names = set(names)
        return [t for t in found if t.indicator in names]

    def citywide_of_unit(self, unit: str) -> list[Target]:
        """City-wide table targets whose 责任单位 lists `unit`."""
        return [t for _, t in self._targets_at(self.catalog.by_unit("t", [unit]))]

    def in_scope(self, scope: str) -> list[Target]:
        return self.catalog.targets("scope=?", (scope,))

    def of_clause(self, doc_id: str, clause: str) -> list[Target]:
        return self.catalog.targets("doc_id=? AND clause=?", (doc_id, clause))

    def table_scopes(self, doc_id: str = "", cities: Sequence[str] = ()) -> set[str]:
        """Districts of the table targets of the documents a question covers."""
        docs = [doc_id] if doc_id else list(self.scopes)
        return {s for d in docs if d in self.documents and (not cities or self.documents[d].city in cities)
                for s in self.scopes.get(d, ())}

    def _targets_at(self, keys: Sequence[tuple[str, int]]) -> list[tuple[tuple[str, int], Target]]:
        return [(key, found) for key in keys if (found := self._fact("targets", *key)) is not None]

    # responsibilities --------------------------------------------------------------------
    def responsibilities_at(self, keys: Iterable[tuple[str, int]]) -> list[Responsibility]:
        return [found for key in sorted(set(keys)) if (found := self._fact("responsibilities", *key)) is not None]

    def _read_fact(self, table: str, doc_id: str, ord_: int) -> Responsibility | Target | None:
        row = self.catalog.fact_row(table, doc_id, ord_)
        return None if row is None else (store.responsibility_of if table == "responsibilities" else store.target_of)(row)

    def of_units(self, names: Iterable[str]) -> list[Responsibility]:
        """Responsibilities naming any of these units (as department, lead, partner or office)."""
        return self.responsibilities_at(self.catalog.by_unit("r", sorted(set(names))))

    def named_like(self, text: str) -> list[tuple[str, int]]:
        """Keys of the responsibilities whose task or content shares a gram with `text` (the NAMED_LIMIT
        sharing most, in a library where more do)."""
        return [self.responsibility_keys[i] for i in self.responsibility_grams.sharing(text, NAMED_LIMIT)]
