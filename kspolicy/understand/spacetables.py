"""Rows of tables printed as space-separated text (PDF pages without rulings) aligned to columns.

Cells there are whitespace tokens: a district breakdown row is anchored on its run of
value tokens ("100 40 20 -- 10"), a numbered task row on its row number; a header whose
district names ran together ("陆家巴城千灯") is split by the place names the document knows.
The result is a grid (header, rows of the header's width) like any other table.
"""

from __future__ import annotations

import re
from collections import Counter

from ..models import Para
from ..read.repair import ROW_NUMBER, VALUE
from ..text import has_inner_punct, squash

DEPT_HEADER = re.compile(r"(责任|牵头|实施|承办|主管)(单位|部门)")
TEXT_HEADER = re.compile(r"任务|指标|名称|项目|类别|分类|序号|编号|内容|清单|领域")
TASK_HEADER = re.compile(r"任务|项目|工作|名称|事项")
CONTENT_HEADER = re.compile(r"目标|内容|措施|要求|举措|进度")
GLUED_VALUE = re.compile(r"^(.*[^\x00-\x7f])(\d+(?:\.\d+)?|--)$")


def cells_of(para: Para) -> list[str]:
    """Cells of a row: tab-separated as printed, else whitespace tokens ("（家）6" split in two)."""
    if para.table:
        return [c.strip() for c in para.text.split("\t")]
    tokens: list[str] = []
    for token in para.text.split():
        m = GLUED_VALUE.match(token)
        tokens.extend([m.group(1), m.group(2)] if m and not token.startswith("（") else [token])
    return tokens


def value_run(cells: list[str]) -> tuple[int, int]:
    """(start, length) of the last run of value cells that is followed only by text."""
    end = len(cells)
    while end > 0 and not VALUE.match(cells[end - 1]):
        end -= 1
    start = end
    while start > 0 and VALUE.match(cells[start - 1]):
        start -= 1
    return start, end - start


def split_scopes(names: list[str], k: int, places: list[str]) -> list[str]:
    """Header scope names, splitting cells run together ("陆家巴城千灯") by known places."""
    if len(names) >= k:
        return names
    out: list[str] = []
    for name in names:
        out.extend(segment(name, places) or [name])
    return out


def segment(text: str, places: list[str]) -> list[str] | None:
    """Split `text` entirely into known place names, longest match first."""
    if not text:
        return []
    for place in sorted(places, key=len, reverse=True):
        if text.startswith(place):
            rest = segment(text[len(place):], places)
            if rest is not None:
                return [place, *rest]
    return None


def parse_breakdown(header: list[str], rows: list[list[str]], places: list[str]) -> tuple | None:
    """Rows as (group, indicator, values…, department) when rows end in K values + department."""
    runs = [value_run(r) for r in rows]
    lengths = Counter(n for _, n in runs if n >= 3)
    if not lengths:
        return None
    k = lengths.most_common(1)[0][0]
    dept_col = max(i for i, h in enumerate(header) if DEPT_HEADER.search(h))
    first_scope = next((i for i, h in enumerate(header[:dept_col]) if not TEXT_HEADER.search(h)), dept_col)
    scopes = split_scopes([squash(h) for h in header[first_scope:dept_col]], k, places)
    if len(scopes) != k:
        return None
    text_cols = header[:first_scope] or ["指标名称"]
    has_group = len(text_cols) >= 2
    out, group = [], ""
    for cells, (start, n) in zip(rows, runs):
        if n < k:
            continue
        start = start + n - k
        texts = cells[:start]
        dept = "".join(cells[start + k:])
        if not dept:
            continue
        if has_group and texts and texts[0] == "":
            texts, row_group = texts[1:], ""
        elif has_group and is_group(texts):
            row_group, texts = texts[0], texts[1:]
        else:
            row_group = ""
        group = row_group or group
        indicator = " ".join(t for t in texts if t)
        out.append((group, indicator, *cells[start:start + k], dept))
    header_out = (text_cols[0] if has_group else "", text_cols[-1], *scopes, header[dept_col])
    return header_out, tuple(out)


def is_group(texts: list[str]) -> bool:
    """Whether the first text cell of a row is a row-group label (总体目标, 创新企业)."""
    if len(texts) < 2 or not texts[0] or not texts[1]:
        return False
    first, second = texts[0], texts[1]
    return (len(first) <= 8 and not re.search(r"[\d（）()：:“”]", first)
            and not second[0].isdigit() and second[0] not in "（(")


def is_label(cells: list[str], i: int) -> bool:
    """Whether token i of a space-separated task row is a label cell (group or task name).

    At most two label cells follow the row number; a label is short, has no
    punctuation and is not followed by a bare number (that is running text: "突破 200 项").
    """
    return (i <= 2 and len(cells[i]) <= 20 and not has_inner_punct(cells[i])
            and not VALUE.match(cells[i + 1]))


def task_rows(block: list[Para]) -> list[Para]:
    """Rows of a numbered table: a paragraph without a row number continues the row before it."""
    rows: list[Para] = []
    for para in block:
        if rows and not para.table and not ROW_NUMBER.match(para.text):
            rows[-1] = Para(f"{rows[-1].text} {para.text}", rows[-1].page)
        else:
            rows.append(para)
    return rows


def task_columns(header: list[str]) -> tuple[int, int | None, int] | None:
    """(task, content, departments) column indexes named by a task list's header."""
    dept = max((i for i, h in enumerate(header) if DEPT_HEADER.search(h)), default=None)
    if dept is None:
        return None
    task = next((i for i in range(dept) if TASK_HEADER.search(header[i]) and not CONTENT_HEADER.search(header[i])),
                None)
    if task is None:
        return None
    content = next((i for i in range(task + 1, dept) if CONTENT_HEADER.search(header[i])), None)
    return task, content, dept


def parse_tasks(header: list[str], block: list[Para]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Task-list rows as (序号, group, task, content, departments), and the printed column names.

    A row with one cell per header column is read by the header's names (a column
    after 责任单位, such as 完成时限, is not a department); other rows (merged cells,
    PDF text without rulings) by position: 序号 first, departments last.
    """
    roles = task_columns(header)
    out = []
    for para in task_rows(block):
        cells = cells_of(para) if para.table else para.text.split()
        if not cells or not cells[0].strip().isdigit():
            continue
        if para.table and roles and len(cells) == len(header):
            task, content, dept = roles
            labels = [c for c in cells[task:content if content is not None else dept] if c]
            row = (cells[0], labels, cells[content] if content is not None else "", cells[dept])
        elif para.table:
            cells = [c for c in cells if c]
            if len(cells) < 3:
                continue
            row = (cells[0], cells[1:-2], cells[-2], cells[-1]) if len(cells) > 3 else (cells[0], cells[1:2], "", cells[2])
        else:
            row = space_task_row(cells)
        seq, labels, content, depts = row
        if labels:
            out.append((seq, labels[0] if len(labels) >= 2 else "", "".join(labels[1:] or labels), content, depts))
    names = (header[0] if header else "序号", "类别", "任务",
             header[roles[1]] if roles and roles[1] is not None else "内容", header[roles[2]] if roles else "责任单位")
    return names, tuple(out)


def space_task_row(cells: list[str]) -> tuple[str, list[str], str, str]:
    """A task row from PDF text without rulings: 序号, label cells, running text, departments."""
    seq, depts = cells[0], cells[-1]
    cut = next((i for i in range(1, len(cells) - 1) if not is_label(cells, i)), len(cells) - 1)
    labels, content = cells[1:cut], " ".join(cells[cut:-1])
    if "。" in depts:  # a line break hid the cell boundary: "…200 项。市科技局、…"
        end = depts.rindex("。") + 1
        content, depts = content + " " + depts[:end], depts[end:]
    return seq, labels, content, depts
