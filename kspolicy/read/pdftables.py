"""Tables in PDF pages, read as rows of cells (pdfplumber).

Ruled tables come cell by cell from their borders. Tables without borders are
rebuilt from the positions of their words (pdfgrid.py).
"""

from __future__ import annotations

from functools import reduce

from ..text import join_parts
from .pdfgrid import aligned_tables

Rows = list[tuple[float, list[str]]]  # (top of the row, cells)


def cell_text(cell: str | None) -> str:
    """One table cell: its wrapped lines joined back together."""
    if not cell:
        return ""
    return reduce(join_parts, (part.strip() for part in cell.split("\n")), "").strip()


def ruled_tables(page) -> list[tuple[tuple, Rows]]:
    """Tables drawn with cell borders: (bbox, rows of (top, cells))."""
    out = []
    for table in page.find_tables():
        if len(table.rows) >= 2 and len(table.rows[0].cells) >= 3:
            rows = [(row.bbox[1], [cell_text(c) for c in cells]) for row, cells in zip(table.rows, table.extract())]
            out.append((table.bbox, rows))
    return out


def unruled_tables(page) -> list[tuple[tuple, Rows]]:
    """Tables without borders, rebuilt from word positions: (bbox, rows of (top, cells))."""
    return aligned_tables(page)
