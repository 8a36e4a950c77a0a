"""PDF to physical lines: pypdf checks the file, pdfplumber gives positions.

Ruled tables (cell borders drawn) are read cell by cell and emitted as
tab-separated rows, so a wrapped cell ("高新\\n区") stays one cell. Text outside
tables becomes lines that carry the geometry the repair stage needs: a vertical
gap before the line, and whether it reaches the right margin. Running headers
and page numbers are dropped.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from functools import reduce
from pathlib import Path

from .ingest import IngestError
from .models import Line
from .text import has_inner_punct, join_parts

TEXT_TABLES = {"vertical_strategy": "text", "horizontal_strategy": "text"}
DEPT_CELL = re.compile(r"^(责任|牵头|实施|承办|主管)(单位|部门)$")
FINISHED = ("）", ")", "」", "”", "。", "；", "局", "办", "委", "院")
NUMBER_CELL = re.compile(r"^(-?\d+(?:\.\d+)?%?|--|—|-)$")
PAGE_NUMBER = re.compile(r"^[-—–―\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4}|\s*共\s*\d+\s*页)?[-—–―\s]*$")
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)


def open_checked(path: Path) -> int:
    """Page count, or an IngestError saying why the PDF cannot be read."""
    import pypdf

    data = path.read_bytes()
    if not data.strip():
        raise IngestError("文件为空")
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError("不是有效的 PDF 文件（文件头缺失）")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError("PDF 文件不完整或已损坏（缺少文件结束标记）")
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("PDF 已加密，需要密码才能打开")
        pages = len(reader.pages)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise IngestError("PDF 已加密，需要密码才能打开") from None
        raise IngestError(f"PDF 文件已损坏，无法解析（{type(exc).__name__}）") from None
    if pages == 0:
        raise IngestError("PDF 没有页面")
    return pages


def cell_text(cell: str | None) -> str:
    """One table cell: its wrapped lines joined back together."""
    if not cell:
        return ""
    return reduce(join_parts, (part.strip() for part in cell.split("\n")), "").strip()


def ruled_tables(page) -> list[tuple[tuple, list[tuple[float, list[str]]]]]:
    """Tables drawn with cell borders: (bbox, rows of (top, cells))."""
    out = []
    for table in page.find_tables():
        if len(table.rows) >= 2 and len(table.rows[0].cells) >= 3:
            rows = [(row.bbox[1], [cell_text(c) for c in cells]) for row, cells in zip(table.rows, table.extract())]
            out.append((table.bbox, rows))
    return out


def unruled_tables(page) -> list[tuple[tuple, list[tuple[float, list[str]]]]]:
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
        out.append((table.bbox, rows))
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


def page_items(page, page_no: int) -> list[tuple[float, dict]]:
    """Text lines and table rows (tab-separated cells) of one page, each with its vertical position."""
    tables = ruled_tables(page) or unruled_tables(page)
    items: list[tuple[float, dict]] = []
    for _, rows in tables:
        for top, cells in rows:
            if any(cells):
                items.append((top, {"text": "\t".join(cells), "table": True, "page": page_no}))
    outside = page
    for bbox, _ in tables:
        outside = outside.outside_bbox(bbox)
    for line in outside.extract_text_lines(strip=True, return_chars=False):
        if line["text"].strip():
            items.append((line["top"], {**line, "table": False, "page": page_no}))
    items.sort(key=lambda item: item[0])
    return items


def running_lines(pages: list[tuple[float, list[tuple[float, dict]]]]) -> set[str]:
    """Texts in the top/bottom band that repeat on several pages (running headers)."""
    counts: Counter[str] = Counter()
    for height, items in pages[1:]:  # the first page often has no running header but the same words
        counts.update({re.sub(r"\d+", "#", d["text"]) for top, d in items if not d["table"] and in_band(top, height)})
    return {text for text, n in counts.items() if len(pages) >= 3 and n >= max(2, (len(pages) - 1) // 2)}


def in_band(top: float, height: float) -> bool:
    """The top and bottom margins, where running headers and page numbers live."""
    return top < 0.12 * height or top > 0.88 * height


def margins(texts: list[dict]) -> tuple[float, float]:
    """Left and right text margins (robust to a few outliers)."""
    x0 = sorted(d["x0"] for d in texts)
    x1 = sorted(d["x1"] for d in texts)
    return x0[int(0.05 * (len(x0) - 1))], x1[int(0.95 * (len(x1) - 1))]


def is_page_furniture(d: dict, position: int, count: int, height: float, top: float, running: set[str]) -> bool:
    """Running headers and page numbers ("— 3 —", "第3页", a bare "3" in the margin)."""
    if d["table"]:
        return False
    text = d["text"].strip()
    edge = position < 2 or position >= count - 2
    decorated = PAGE_NUMBER.match(text) and not text.isdigit()
    return (in_band(top, height) and (re.sub(r"\d+", "#", text) in running or PAGE_NUMBER.match(text))) \
        or bool(edge and decorated)


def geometry(d: dict, left: float, right: float, body: float) -> tuple[bool, bool, bool]:
    """(full, indented, title): the line reaches the right margin / starts a paragraph with an
    indent / is a title (centred, or set larger than the body text `body`).
    """
    size = max(d["bottom"] - d["top"], 1.0)
    lead, trail = d["x0"] - left, right - d["x1"]
    title = size > 1.25 * body or (lead > 0.5 * size and abs(lead - trail) < size)
    return (not title and trail <= 3 * size), (not title and lead >= 1.5 * size), title


def pdf_lines(path: Path) -> tuple[list[Line], int]:
    """Physical lines of a PDF with page numbers, gaps and right-margin flags."""
    import pdfplumber

    n_pages = open_checked(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [(float(page.height), page_items(page, i + 1)) for i, page in enumerate(pdf.pages)]
            widths = [float(page.width) for page in pdf.pages]
            has_images = any(page.images for page in pdf.pages)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise IngestError(f"PDF 文件已损坏，无法解析（{type(exc).__name__}）") from None
    running = running_lines(pages)
    if not any(items for _, items in pages):
        if has_images:
            raise IngestError("扫描件：PDF 只有图像、没有文字层，请先做文字识别（OCR）后再放入")
        raise IngestError("PDF 中没有可提取的文字")
    by_width: dict[float, list[dict]] = {}  # portrait and landscape pages have their own margins
    for width, (_, items) in zip(widths, pages):
        by_width.setdefault(width, []).extend(d for _, d in items if not d["table"])
    edges = {w: margins(texts) for w, texts in by_width.items() if texts}
    body = statistics.median([d["bottom"] - d["top"] for texts in by_width.values() for d in texts] or [10.0])
    lines: list[Line] = []
    for width, (height, items) in zip(widths, pages):
        left, right = edges.get(width, (0.0, width))
        kept = [(top, d) for n, (top, d) in enumerate(items)
                if not is_page_furniture(d, n, len(items), height, top, running if d["page"] > 1 else set())]
        heights = [d["bottom"] - d["top"] for _, d in kept if not d["table"]] or [10.0]
        pitches = [b[0] - a[0] for a, b in zip(kept, kept[1:]) if not a[1]["table"]]
        pitch = statistics.median(pitches) if pitches else statistics.median(heights) * 1.5
        prev_bottom = None
        for top, d in kept:
            gap = prev_bottom is not None and top - prev_bottom > max(pitch, statistics.median(heights) * 1.2) * 0.9
            if d["table"]:
                lines.append(Line(d["text"], d["page"], gap_before=gap, table=True))
                prev_bottom = top + statistics.median(heights)
                continue
            full, indented, title = geometry(d, left, right, body)
            lines.append(Line(d["text"], d["page"], gap_before=gap or indented, full=full, title=title))
            prev_bottom = d["bottom"]
    return lines, n_pages
