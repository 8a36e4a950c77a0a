"""Tables in PDF pages, read as rows of cells (pdfplumber).

Ruled tables come cell by cell from their borders. Tables without borders are
found by text alignment and rebuilt row by row: a wrapped cell spreads over
several text lines centred on its row, so each text line joins the row whose
numbers (or 序号) it sits next to.
"""

from __future__ import annotations

import re
import statistics
from functools import reduce

from ..text import has_inner_punct, join_parts

TEXT_TABLES = {"vertical_strategy": "text", "horizontal_strategy": "text"}
DEPT_CELL = re.compile(r"^(责任|牵头|实施|承办|主管)(单位|部门)$")
FINISHED = ("）", ")", "」", "”", "。", "；", "局", "办", "委", "院")
NUMBER_CELL = re.compile(r"^(-?\d+(?:\.\d+)?%?|--|—|-)$")
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
    """Tables without borders, found by text alignment.

    A wrapped cell spreads over several text rows, centred on its table row. The
    text rows that carry a row's numbers (or its 序号) anchor it; every other text
    row joins the nearer anchor, or, when both are as near, the row whose text in
    that column is still unfinished. Fragments of a first-column label (总体 / 目标)
    are one label. The header is what lies above the first blank band. A
    candidate is kept only when its header has a department column of its own
    (责任单位), which prose and space-separated text never produce.
    """
    out = []
    for table in page.find_tables(TEXT_TABLES):
        physical: list[tuple[float, list[str]]] = []
        header_end = None
        for row, cells in zip(table.rows, table.extract()):
            cells = [(c or "").strip() for c in cells]
            if any(cells):
                physical.append((row.bbox[1], cells))
            elif physical and header_end is None:
                header_end = len(physical)
        if not physical or len(physical[0][1]) < 4:
            continue
        header = [cell_text("\n".join(parts)) for parts in zip(*(c for _, c in physical[:header_end or 0]))]
        bbox = table.bbox
        if not any(DEPT_CELL.match(h) for h in header):  # the header may sit above the aligned block
            (header, top), header_end = header_above(page, table), 0
            bbox = (bbox[0], min(top, bbox[1]), bbox[2], bbox[3])
        body = physical[header_end:]
        anchors = [i for i, (_, cells) in enumerate(body) if is_anchor(cells)]
        if not anchors or not any(DEPT_CELL.match(h) for h in header):
            continue
        parts = {a: [[] for _ in header] for a in anchors}
        labels: list[tuple[float, str]] = []  # first-column fragments, merged below
        for i, (top, cells) in enumerate(body):
            if cells[0] and not re.fullmatch(r"\d{1,3}", cells[0]):  # a row-group label, not a 序号
                labels.append((top, cells[0]))
                cells = ["", *cells[1:]]
            if any(cells):
                owner = i if i in parts else choose_anchor(i, body, anchors, parts, cells)
                for column, cell in zip(parts[owner], cells):
                    if cell:
                        column.append(cell)
        pitch = statistics.median([b[0] - a[0] for a, b in zip(body, body[1:])] or [10.0])
        for top, label in merge_labels(labels, 3 * pitch):
            owner = min(anchors, key=lambda a: abs(body[a][0] - top))
            parts[owner][0].append(label)
        rows = [(body[0][0] - 1, header)]
        rows += [(body[a][0], [cell_text("\n".join(column)) for column in parts[a]]) for a in anchors]
        out.append((bbox, rows))
    return out


def header_above(page, table) -> tuple[list[str], float]:
    """Header cells printed just above a text-aligned table, placed in its columns by x position,
    and the top of the header. Lines are taken upwards while every word fits in one column
    (a caption spans several).
    """
    columns = [(c.bbox[0], c.bbox[2]) for c in table.columns]
    if not columns:
        return [], table.bbox[1]
    lines = page.within_bbox((page.bbox[0], max(page.bbox[1], table.bbox[1] - 80), page.bbox[2], table.bbox[1]),
                             strict=False).extract_words(keep_blank_chars=False)
    cells: list[list[tuple[float, str]]] = [[] for _ in columns]
    for word in sorted(lines, key=lambda w: -w["top"]):
        spanned = [i for i, (x0, x1) in enumerate(columns) if word["x0"] < x1 - 1 and word["x1"] > x0 + 1]
        if len(spanned) > 2 or has_inner_punct(word["text"]):
            break
        centre = (word["x0"] + word["x1"]) / 2
        i = min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - centre))
        cells[i].append((word["top"], word["text"]))
    top = min((t for cell in cells for t, _ in cell), default=table.bbox[1])
    return [cell_text("\n".join(text for _, text in sorted(cell))) for cell in cells], top - 1


def choose_anchor(i: int, body, anchors: list[int], parts, cells: list[str]) -> int:
    """The table row a wrapped text row belongs to: the nearer anchor, else the unfinished cell's."""
    above = max((a for a in anchors if a < i), default=None)
    below = min((a for a in anchors if a > i), default=None)
    if above is None or below is None:
        return above if below is None else below
    up, down = body[i][0] - body[above][0], body[below][0] - body[i][0]
    if abs(up - down) > 0.2 * max(up, down):
        return above if up < down else below
    finished = all(not column or column[-1].endswith(FINISHED)
                   for column, cell in zip(parts[above], cells) if cell)
    return below if finished else above


def merge_labels(labels: list[tuple[float, str]], limit: float) -> list[tuple[float, str]]:
    """Join first-column fragments on consecutive lines ("总体" + "目标") at their mean height."""
    merged: list[list] = []
    for top, text in labels:
        if merged and top - merged[-1][2] < limit:
            merged[-1][1] += text
            merged[-1][2] = top
            merged[-1][3].append(top)
        else:
            merged.append([top, text, top, [top]])
    return [(sum(tops) / len(tops), text) for _, text, _, tops in merged]


def is_anchor(cells: list[str]) -> bool:
    """A text row that carries a table row's values (two numbers or more) or its row number."""
    return sum(bool(NUMBER_CELL.match(c)) for c in cells[1:]) >= 2 or bool(re.fullmatch(r"\d{1,3}", cells[0]))
