"""Reassemble tables from repaired paragraphs: blocks of rows -> a grid of cells -> column roles.

Rows arrive as tab-separated cells (TXT, DOCX, HTML, ruled PDF tables) or as
space-separated text (PDF without rulings, see spacetables.py). Every table becomes
a grid as wide as its header: header rows repeated on a new page or mid-page are
dropped, a header printed over two rows is merged, short rows (a merged cell left
out) are aligned, merged cells are filled down. Columns then get a role by meaning
(columns.py), and the table a kind:

- breakdown: value columns by scope (district, total) or by year -> targets;
- tasks: role columns (牵头/配合/责任单位, 牵头领导) -> responsibilities;
- indicators: an indicator column and a text column stating its targets -> targets;
- generic: anything else, kept as printed.
"""

from __future__ import annotations

import re

from ..models import Para, Table
from ..read.repair import BLOCK_OPENER, ROW_NUMBER, is_standalone, is_tabular
from ..text import marker, squash
from .columns import column_roles, is_valueish
from .spacetables import DEPT_HEADER, cells_of, parse_breakdown, parse_tasks, segment
from .vocab import Vocabulary, load_vocabulary

YEAR_LABEL = re.compile(r"(?:19|20)\d{2}\s*年(?:度|底|末)?(?:目标|任务|计划)?")

FILL_DOWN = {"seq", "group", "task", "leader", "lead", "lead_office", "place"}
ROLE_COLUMNS = {"lead", "partner", "responsible", "leader"}


def table_blocks(paras: list[Para]) -> list[tuple[str, list[Para]]]:
    """Runs of table rows in a clause, each with the short caption above it.

    In a numbered table every paragraph up to the next row number belongs to the
    current row (a department list the PDF put on a line of its own). A block that
    starts with the previous block's header continues it on a new page.
    """
    blocks: list[tuple[str, list[Para]]] = []
    caption, current = "", []
    for para in paras:
        numbered = bool(current) and any(ROW_NUMBER.match(p.text) for p in current[1:])
        if para.table or is_tabular(para.text) or (current and ROW_NUMBER.match(para.text)) \
                or (numbered and not opens_block(para.text)):
            current.append(para)
            continue
        if current:
            blocks.append((caption, current))
            current = []
        if len(squash(para.text)) <= 60 and "。" not in para.text:
            caption = para.text.strip()
    if current:
        blocks.append((caption, current))
    merged: list[tuple[str, list[Para]]] = []
    for caption, block in blocks:
        if merged and repeats_header(cells_of(block[0]), cells_of(merged[-1][1][0])):
            merged[-1][1].extend(block)
        else:
            merged.append((caption, block))
    return merged


def opens_block(text: str) -> bool:
    """A paragraph that cannot continue a table row: a clause marker, 备注：, 抄送：, a heading."""
    return bool(marker(text) or BLOCK_OPENER.match(text) or is_standalone(text))


def header_cells(para: Para) -> list[str]:
    cells = cells_of(para)
    merged: list[str] = []
    for cell in cells:
        if cell == "年" and merged and merged[-1].isdigit():
            merged[-1] += " 年"
        else:
            merged.append(cell)
    return merged


def key(cells: list[str]) -> str:
    return squash("".join(cells))


def repeats_header(row: list[str], header: list[str], vocab: Vocabulary | None = None) -> bool:
    """A header printed again (on a new page, or mid-page where a table was split): the same
    cells; or, wrapped or cut differently, only the header's own cells (or parts of them) in their
    columns, most of them whole; or, with `vocab`, three or more cells that are all column names."""
    if key(row) == key(header):
        return True
    pairs = [(squash(c), squash(h)) for c, h in zip(row, header) if squash(c)]
    named = sum(bool(squash(h)) for h in header)
    if pairs and all(c in h for c, h in pairs) and sum(c == h for c, h in pairs) >= 0.6 * named:
        return True
    return vocab is not None and len(pairs) >= 3 and all(
        c == h or c in vocab.totals or any(c in words for words in vocab.header.values()) for c, h in pairs)


def split_run_together(header: list[str], places: list[str]) -> list[str]:
    """Header cells whose district names ran together ("陆家巴城千灯") over the empty cells after
    them, split by the place names the document knows."""
    out = list(header)
    for i, cell in enumerate(header):
        empty = 0
        while i + 1 + empty < len(header) and not squash(header[i + 1 + empty]):
            empty += 1
        parts = segment(squash(cell), places) if cell and empty else None
        if parts and 1 < len(parts) <= 1 + empty:
            out[i:i + len(parts)] = parts
    return out


def title_row(cells: list[str]) -> bool:
    """A caption printed as the table's first row: one non-empty text (the others are its span)."""
    texts = {squash(c) for c in cells if squash(c)}
    return len(texts) == 1 and len(cells) >= 2


def grid(block: list[Para], places: list[str] = (), vocab: Vocabulary | None = None
         ) -> tuple[str, list[str], list[list[str]]]:
    """(caption row, header, rows) of tab-separated rows; repeated headers dropped, two header rows merged."""
    rows = [cells_of(p) for p in block]
    caption = ""
    while len(rows) > 1 and title_row(rows[0]):
        caption = squash(next(c for c in rows[0] if squash(c)))
        rows = rows[1:]
    header, rows = split_run_together(rows[0], list(places)), rows[1:]
    rows = [r for r in rows if any(squash(c) for c in r) and not repeats_header(r, header, vocab)]
    if rows and len(rows[0]) == len(header) and sub_header(header, rows[0]):
        header = [merge_header(a, b) for a, b in zip(header, rows[0])]
        second = key(rows[0])
        rows = [r for r in rows[1:] if key(r) != second]
    header, rows = section_column(widen(header, rows), rows)
    return caption, header, [spans_right(align(r, header), header) for r in rows]


def section_column(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Rows of one cell that head the rows below them ("一、扩大有效投资") become a group column."""
    if not any(len([c for c in r if squash(c)]) == 1 and len(r) < len(header) and marker(r[0]) for r in rows):
        return header, rows
    out, section = [], ""
    for row in rows:
        if len([c for c in row if squash(c)]) == 1 and len(row) < len(header) and marker(row[0]):
            section = squash(row[0])
            continue
        out.append([section, *row])
    return ["类别", *header], out


def widen(header: list[str], rows: list[list[str]]) -> list[str]:
    """A header cell merged across columns comes out once: when most rows are wider than the
    header, the extra columns sit after its first label column (序号 | 任务清单 ⟶ group, item)."""
    wider = [len(r) for r in rows if len(r) > len(header)]
    if len(wider) < max(2, 0.2 * len(rows)):
        return header
    extra = max(set(wider), key=wider.count) - len(header)
    at = 2 if len(header) > 2 and squash(header[0]) in ("序号", "编号", "序") else 1
    return header[:at] + [""] * extra + header[at:]


def spans_right(row: list[str], header: list[str]) -> list[str]:
    """Under a header cell spanning several columns, a row's labels are right-aligned: a single
    label is the item, the group above it is filled down later."""
    out = list(row)
    i = 0
    while i < len(header):
        j = i + 1
        while j < len(header) and not squash(header[j]) and squash(header[i]):
            j += 1
        if j - i > 1:
            labels = [c for c in out[i:j] if squash(c)]
            out[i:j] = [""] * (j - i - len(labels)) + labels
        i = j
    return out


def sub_header(header: list[str], row: list[str]) -> bool:
    """A second header row: no values, and it names columns the first row spans ("2025年" over 全市/A区)."""
    if any(is_valueish(c) and not YEAR_LABEL.fullmatch(squash(c)) for c in row if squash(c)):
        return False  # a year over a column ("2026年") names it, it is not a value
    spans = sum(1 for a, b in zip(header, header[1:]) if squash(a) and squash(a) == squash(b))
    return spans >= 1 and sum(bool(squash(c)) for c in row) >= 2


def merge_header(top: str, bottom: str) -> str:
    top, bottom = squash(top), squash(bottom)
    return top if not bottom or bottom == top else (f"{top}{bottom}" if top else bottom)


def align(row: list[str], header: list[str]) -> list[str]:
    """A row as wide as the header. A short row left out merged cells: they go where the header
    has a merged cell (an empty header cell after a named one), else right after the first cell."""
    width = len(header)
    if len(row) >= width:
        return row[:width - 1] + ["".join(row[width - 1:])] if len(row) > width else list(row)
    missing = width - len(row)
    empty = next((i for i in range(1, width) if not squash(header[i]) and squash(header[i - 1])), None)
    at = empty - 1 if empty is not None and empty - 1 < len(row) else 1
    return row[:at] + [""] * missing + row[at:]


def fill_down(rows: list[list[str]], roles: list[str]) -> list[list[str]]:
    """Merged cells: an empty seq/group/task/lead/leader cell repeats the row above (while a row has content)."""
    out: list[list[str]] = []
    for row in rows:
        row = list(row)
        if out:
            for i, role in enumerate(roles):
                if role in FILL_DOWN and not squash(row[i]) and any(squash(c) for c in row):
                    row[i] = out[-1][i]
        out.append(row)
    return out


def table_kind(roles: list[str]) -> str:
    if "value" in roles and ("indicator" in roles or "place" in roles):
        return "breakdown"
    if ROLE_COLUMNS & set(roles) and {"task", "content", "indicator", "group"} & set(roles):
        return "tasks"
    if "indicator" in roles and "content" in roles:
        return "indicators"
    return "generic"


def space_grid(header: list[str], block: list[Para], places: list[str]) -> tuple[list[str], list[list[str]]] | None:
    """Grid of a table printed as space-separated text: a breakdown (rows anchored on their values)
    or a numbered task list."""
    rows = [cells_of(p) for p in block[1:]]
    rows = [r for r in rows if not repeats_header(r, header)]
    if any(DEPT_HEADER.search(h) for h in header):
        breakdown = parse_breakdown(header, rows, places)
        if breakdown:
            return list(breakdown[0]), [list(r) for r in breakdown[1]]
        if any(h.startswith(("序号", "编号")) for h in header) or any(ROW_NUMBER.match(p.text) for p in block[1:]):
            names, tasks = parse_tasks(header, block[1:])
            if tasks:
                return list(names), [list(r) for r in tasks]
    return None


def parse_block(caption: str, block: list[Para], places: list[str], label: str = "",
                vocab: Vocabulary | None = None) -> Table:
    """One block of rows as a Table with column roles and a kind."""
    vocab = vocab or load_vocabulary()
    page = block[0].page
    spaced = not any(p.table for p in block)
    shaped = space_grid(header_cells(block[0]), block, places) if spaced else None
    if shaped:
        header, rows = shaped
    else:
        title, header, rows = grid(block, places, vocab)
        caption = title or caption
        if spaced:
            header = header_cells(block[0])
    roles = column_roles(header, rows, vocab)
    rows = fill_down(rows, roles)
    return Table(caption, tuple(header), tuple(tuple(r) for r in rows), table_kind(roles), label, page, tuple(roles))


FRONT_LABELS = ("", "引言", "通知")  # a table in the front matter is cited by its row alone
ITEM = re.compile(r"^\s*(\d{1,3})\s*[.．、](?!\d)")


def row_label(table: Table, seq: str) -> str:
    """Citation label of a task-table row: 附件2 第8项 (the table's own label when rows are not numbered)."""
    seq = re.sub(r"[.．、\s]", "", seq or "")
    if not seq.isdigit():
        return table.label
    return f"第{seq}项" if table.label in FRONT_LABELS else f"{table.label} 第{seq}项"


def first_cells(table: Table, row: tuple[str, ...]) -> dict[str, str]:
    """A row's cells by role (the first column of each role)."""
    out: dict[str, str] = {}
    for role, cell in zip(table.roles, row):
        out.setdefault(role, cell)
    return out


def row_citation(table: Table, row: tuple[str, ...]) -> str:
    """The label a row is cited by: its content's own item number where it has one ("2.一般公共预算…"
    under the project "主要预期目标" is 第2项), else its indicator's ("1.重点人群签约服务覆盖率"),
    else its 序号; rows of a breakdown table are cited by the table."""
    if table.kind == "breakdown":
        return table.label
    cells = first_cells(table, row)
    item = ITEM.match(squash(cells.get("content", "")))
    if not item and "seq" not in cells:
        item = ITEM.match(squash(cells.get("indicator", "")))
    return row_label(table, item.group(1) if item else cells.get("seq", ""))
