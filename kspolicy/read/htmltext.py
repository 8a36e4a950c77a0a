"""Flatten an HTML element into physical lines: blocks become lines, tables become rows.

Block elements (<p>, <div>, <br>, <h1>…<h6>, <li>, …) end a line; inline elements
(<span>, <strong>, <a>, …) continue it. A data `<table>` becomes one line per row with
tab-separated cells, a merged cell (rowspan/colspan) copied into every slot it covers;
a row holding one cell across the whole table (a caption such as "附件1 …") becomes
ordinary lines. A layout table (one row or one column, or one holding other tables in
a single-row/column grid) is read as blocks, so the tables inside it come out as tables.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Line
from ..text import is_cjk, join_parts

BLOCK = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption".split()
)
MAX_SPAN = 200  # a rowspan/colspan larger than this is a page error, not a table
SOFT_BREAK = "\n"  # whitespace with a line break in the source: dropped between CJK characters


def normalize_space(text: str) -> str:
    """Entities are already decoded; fold the odd spaces and drop zero-width characters."""
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff\xad]", "", text)
    text = re.sub(r"[\xa0\u3000\u2002-\u200a\u202f\u205f\t\r\f\v]", " ", text)
    return re.sub(r" *\n[\s]*| {2,}", lambda m: SOFT_BREAK if "\n" in m.group() else " ", text)


def finish_line(text: str) -> str:
    """A collected line: soft breaks vanish between CJK characters, else become spaces."""
    def soft(m: re.Match[str]) -> str:
        before, after = m.string[m.start() - 1: m.start()], m.string[m.end(): m.end() + 1]
        return "" if (before and is_cjk(before)) or (after and is_cjk(after)) else " "

    return re.sub(r" ?\n ?", soft, text).strip()


def tag_of(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class Collector:
    """Accumulates inline text into lines.

    A line closed by the end of a block is a whole paragraph (`Line.paragraph`: never
    joined to the next); a line closed by <br> may be a wrapped line and is left to the
    repair rules, like a line of a text file.
    """

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.gap = True

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(normalize_space(text))

    def flush(self, paragraph: bool = True) -> None:
        line = finish_line("".join(self.parts))
        self.parts = []
        if line:
            self.lines.append(Line(text=line, gap_before=self.gap, paragraph=paragraph))
            self.gap = paragraph
        elif paragraph and self.lines and not self.lines[-1].table:
            self.lines[-1] = replace(self.lines[-1], paragraph=True)  # "text<br></p>"
            self.gap = True
        else:
            self.gap = True  # <br><br>: a blank line

    def row(self, cells: list[str]) -> None:
        self.flush()
        if any(cells):
            self.lines.append(Line(text="\t".join(cells), gap_before=True, table=True))


def walk(el, out: Collector) -> None:
    """Emit the content of `el` (its tail is the caller's business)."""
    tag = tag_of(el)
    if tag == "br":
        out.flush(paragraph=False)
        return
    if tag == "table":
        out.flush()
        emit_table(el, out)
        return
    block = tag in BLOCK
    if block:
        out.flush()
    out.text(el.text)
    for child in el:
        walk(child, out)
        out.text(child.tail)
    if block:
        out.flush()


def element_lines(el) -> list[Line]:
    out = Collector()
    walk(el, out)
    out.flush()
    return out.lines


def rows_of(table) -> list:
    """The table's own rows (not those of tables nested in its cells)."""
    return [tr for tr in table.iter("tr") if nearest_table(tr) is table]


def nearest_table(el):
    parent = el.getparent()
    while parent is not None and tag_of(parent) != "table":
        parent = parent.getparent()
    return parent


def cells_of(tr) -> list:
    return [c for c in tr if tag_of(c) in ("td", "th")]


def span(cell, name: str) -> int:
    m = re.match(r"\s*(\d+)", cell.get(name) or "")
    return min(max(int(m.group(1)), 1), MAX_SPAN) if m else 1


def cell_text(cell) -> str:
    """A cell's lines joined into one; rows of a table nested in it are separated by "；"."""
    text, prev_row = "", False
    for line in element_lines(cell):
        piece = line.text.replace("\t", " ")
        text = text + "；" + piece if text and (line.table or prev_row) else join_parts(text, piece)
        prev_row = line.table
    return text.strip()


def grid(rows: list) -> list[list[tuple[object, str]]]:
    """Rows of (cell element, text) with rowspan/colspan filled: a merged cell repeats."""
    pending: dict[int, list] = {}  # column -> [rows still covered, cell, text]
    table: list[list[tuple[object, str]]] = []
    for tr in rows:
        row: list[tuple[object, str]] = []
        cells = iter(cells_of(tr))
        while True:
            col = len(row)
            if col in pending:
                slot = pending[col]
                row.append((slot[1], slot[2]))
                slot[0] -= 1
                if slot[0] == 0:
                    del pending[col]
                continue
            cell = next(cells, None)
            if cell is None:
                if pending and max(pending) > col:
                    row.append((None, ""))  # a hole before a cell still spanning down
                    continue
                break
            text, down = cell_text(cell), span(cell, "rowspan")
            for _ in range(span(cell, "colspan")):
                if down > 1:
                    pending[len(row)] = [down - 1, cell, text]
                row.append((cell, text))
        table.append(row)
    return table


def is_layout(table, rows: list) -> bool:
    """One row or one column, or a cell holding a table beside text of its own: the table
    arranges blocks (a page layout), it does not hold data."""
    widths = [sum(span(c, "colspan") for c in cells_of(tr)) for tr in rows]
    return len(rows) < 2 or max(widths, default=0) < 2 or any(
        holds_table_and_text(cell) for tr in rows for cell in cells_of(tr))


def holds_table_and_text(cell) -> bool:
    inner = [t for t in cell.iter("table")]
    if not inner:
        return False
    own = (cell.text_content() or "")
    for t in inner:
        own = own.replace(t.text_content() or "", "", 1)
    return len(re.sub(r"\s", "", own)) >= 20


def emit_table(table, out: Collector) -> None:
    rows = rows_of(table)
    if is_layout(table, rows):
        for tr in rows:
            for cell in cells_of(tr):
                walk(cell, out)
        return
    caption = [c for c in table if tag_of(c) == "caption"]
    for c in caption:
        walk(c, out)
    filled = grid(rows)
    width = max(len(r) for r in filled)
    for tr, row in zip(rows, filled):
        distinct = {id(cell) for cell, _ in row if cell is not None}
        if len(distinct) == 1 and len(row) == width and width > 1 and len(cells_of(tr)) == 1:
            walk(row[0][0], out)  # a caption or note across the whole table
            out.flush()
            continue
        out.row([text for _, text in row] + [""] * (width - len(row)))
