"""Header rows of a table without rules: above its first row, and printed again between rows.

The header is the lines above the first row that the row cannot claim (a cell centred on its
row has no more lines above its anchor than below it), up to a caption across the columns or a
wider gap. A header printed again further down (a table split in two and its header repeated,
mid-page) is a band of consecutive lines between two rows made of the first header's own words,
that prints most of it again; on a page that continues a table without repeating its header, a
band with words where the values belong. Header cells wrapped over several lines are joined by
column.
"""

from __future__ import annotations

from ..text import squash
from .pdfrows import nearer
from .pdfwords import Column, TextLine, by_column, column_of, column_texts, counts, is_caption, is_value


def header_above(lines: list[TextLine], anchors: list[int], columns: list[Column], owner: dict[int, int],
                 height: float, top: bool = False) -> list[int]:
    """Lines of the header above the first row (the row claims as many lines above its anchor as
    it has below it, column by column, none when cells are aligned to the `top`); the first row's
    claimed lines go into `owner`."""
    a, b = anchors[0], anchors[1]
    trial = dict(owner)
    for k in range(a + 1, b):
        trial[k] = nearer(lines, k, a, b, trial, columns)
    below = [0] * len(columns) if top else counts(lines, [k for k in range(a + 1, b) if trial[k] == a], columns)
    above = [0] * len(columns)
    k = a - 1
    while k >= 0:
        used = [c for c, words in enumerate(by_column(lines[k], columns)) if words]
        if not used or any(above[c] >= below[c] for c in used):
            break
        for c in used:
            above[c] += 1
        owner[k] = a
        k -= 1
    header: list[int] = []
    while k >= 0 and len(header) < 8:
        line = lines[k]
        gap = lines[k + 1].top - line.bottom
        outside = line.words[0].x0 < columns[0][0] - 2 * height or line.words[-1].x1 > columns[-1][1] + 2 * height
        if is_caption(line, columns) or outside or (header and gap > 0.8 * height) or gap > 3 * height:
            break
        header.insert(0, k)
        k -= 1
    return header


def header_texts(lines: list[TextLine], indexes: list[int], columns: list[Column]) -> list[str]:
    """Header cells by column; a cell centred over its column and an empty one to its left is
    one cell merged across both, and is given to the first (as a ruled table gives it)."""
    texts = column_texts(lines, indexes, columns)
    words = [w for k in indexes for w in lines[k].words]
    for c in range(1, len(columns)):
        mine = [w for w in words if column_of(w, columns) == c]
        if texts[c] and not texts[c - 1] and mine:
            centre = (min(w.x0 for w in mine) + max(w.x1 for w in mine)) / 2
            if abs(centre - (columns[c - 1][0] + columns[c][1]) / 2) < abs(centre - sum(columns[c]) / 2):
                texts[c - 1], texts[c] = texts[c], ""
    return texts


def repeated_header(lines: list[TextLine], between: list[int], columns: list[Column], header: list[str],
                    data: list[int]) -> list[int]:
    """The lines between two rows that print a header again, or []: consecutive lines made of the
    header's own words in their columns and printing most of it again; without a header (a page
    that continues a table), consecutive lines with words where most value columns hold values."""
    keys = [squash(h) for h in header]

    def header_like(k: int) -> bool:
        cells = by_column(lines[k], columns)
        if any(keys):
            return all(squash(w.text) in keys[c] for c, words in enumerate(cells) for w in words)
        return any(not is_value(w) for c in data for w in cells[c])

    runs: list[list[int]] = []
    for k in between:
        if header_like(k):
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    named = [c for c, key in enumerate(keys) if key]
    for band in sorted(runs, key=len, reverse=True):
        printed = column_texts(lines, band, columns)
        if named and sum(squash(printed[c]) == keys[c] for c in named) >= 0.6 * len(named):
            return band
        if data and sum(bool(printed[c]) for c in data) >= 0.6 * len(data):
            return band
    return []
