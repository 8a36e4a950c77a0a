"""Words of a PDF page grouped into text lines and columns (the geometry of tables without rules).

A table without rules is text aligned in columns: white space runs down the page between
them. Columns are the x ranges that the words of a table body cover; a word belongs to the
column it overlaps most (a header cell merged across columns: the first one it covers).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from ..text import join_parts

VALUE_WORD = re.compile(r"^(?:[≥≤<>＞＜约超]|不少于|不低于|不超过)?[+-]?\d+(?:\.\d+)?%?"
                        r"(?:左右|以上|以下|以内|及以上)?$|^(?:--|—|——|-|－|/|／)$")
Column = tuple[float, float]


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class TextLine:
    """Words printed at one height, left to right."""

    top: float
    bottom: float
    words: tuple[Word, ...]


def is_value(word: Word) -> bool:
    """A value cell as a word: "4000", "6左右", "≤5", "10以上", "5%", "--", "—", "/"."""
    return bool(VALUE_WORD.match(word.text))


def page_lines(page) -> list[TextLine]:
    """The words of a page as text lines, top to bottom (a word joins the line whose top it shares)."""
    words = sorted((Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
                    for w in page.extract_words(x_tolerance=2, keep_blank_chars=False)),
                   key=lambda w: (w.top, w.x0))
    grouped: list[list[Word]] = []
    for word in words:
        if grouped and abs(word.top - grouped[-1][0].top) <= 0.3 * max(word.bottom - word.top, 1.0):
            grouped[-1].append(word)
        else:
            grouped.append([word])
    return [TextLine(min(w.top for w in ws), max(w.bottom for w in ws), tuple(sorted(ws, key=lambda w: w.x0)))
            for ws in grouped]


def word_height(lines: list[TextLine]) -> float:
    return statistics.median([w.bottom - w.top for line in lines for w in line.words] or [10.0])


def project(words: list[Word], gap: float = 1.0) -> list[Column]:
    """x ranges covered by words, merged where they overlap or nearly touch: the columns."""
    spans: list[list[float]] = []
    for word in sorted(words, key=lambda w: w.x0):
        if spans and word.x0 <= spans[-1][1] + gap:
            spans[-1][1] = max(spans[-1][1], word.x1)
        else:
            spans.append([word.x0, word.x1])
    return [(a, b) for a, b in spans]


def columns_of(lines: list[TextLine], skip: Callable[[Word], bool] = lambda w: False) -> list[Column]:
    """The columns of a table body: x ranges that the words of more than one line cover (of any
    line in a short body), so a cell merged across columns in a line or two does not join them."""
    ignore = 1 if len(lines) >= 8 else 0
    events = sorted((x, step) for line in lines for x0, x1 in project([w for w in line.words if not skip(w)])
                    for x, step in ((x0, 1), (x1, -1)))
    ranges: list[list[float]] = []
    depth = 0
    for x, step in events:
        before, depth = depth, depth + step
        if before <= ignore < depth:
            if ranges and x - ranges[-1][1] <= 1.0:
                ranges[-1][1] = x  # reopened right after it closed: one column
            else:
                ranges.append([x, x])
        elif depth <= ignore < before:
            ranges[-1][1] = x
    return [(a, b) for a, b in ranges]


def overlaps(word: Word, columns: list[Column]) -> list[int]:
    """Columns a word covers by more than a sliver."""
    return [i for i, (x0, x1) in enumerate(columns) if min(word.x1, x1) - max(word.x0, x0) > 1.0]


def is_caption(line: TextLine, columns: list[Column]) -> bool:
    """A line printed across the columns (a caption, a note), not in them: most of its text is in
    words that cover three columns or more (a header line may hold one run-together cell)."""
    across = sum(len(w.text) for w in line.words if len(overlaps(w, columns)) >= 3)
    return across > 0.6 * sum(len(w.text) for w in line.words)


def column_of(word: Word, columns: list[Column]) -> int:
    """The column a word belongs to: the first it covers, else the nearest one."""
    covered = overlaps(word, columns)
    if covered:
        return covered[0]
    centre = (word.x0 + word.x1) / 2
    return min(range(len(columns)), key=lambda i: min(abs(columns[i][0] - centre), abs(columns[i][1] - centre)))


def line_cells(line: TextLine, columns: list[Column]) -> list[str]:
    """The text of a line in each column (words of one cell joined, a space where one was printed)."""
    cells = [""] * len(columns)
    last: list[Word | None] = [None] * len(columns)
    for word in line.words:
        i = column_of(word, columns)
        prev = last[i]
        space = " " if prev is not None and word.x0 - prev.x1 > 1.0 else ""
        cells[i] += space + word.text
        last[i] = word
    return cells


def join_cell(parts: list[str]) -> str:
    """One cell wrapped over several lines, joined back together."""
    out = ""
    for part in parts:
        out = join_parts(out, part.strip())
    return out.strip()


def by_column(line: TextLine, columns: list[Column]) -> list[list[Word]]:
    """The words of a line in each column."""
    cells: list[list[Word]] = [[] for _ in columns]
    for word in line.words:
        cells[column_of(word, columns)].append(word)
    return cells


def counts(lines: list[TextLine], indexes: list[int], columns: list[Column]) -> list[int]:
    """How many of the lines have words in each column."""
    out = [0] * len(columns)
    for k in indexes:
        for c, words in enumerate(by_column(lines[k], columns)):
            out[c] += bool(words)
    return out


def column_texts(lines: list[TextLine], indexes: list[int], columns: list[Column]) -> list[str]:
    """The cells that the lines print, column by column (wrapped cells joined)."""
    parts: list[list[str]] = [[] for _ in columns]
    for k in indexes:
        for column, text in zip(parts, line_cells(lines[k], columns)):
            if text:
                column.append(text)
    return [join_cell(p) for p in parts]
