"""PDF to physical lines: pypdf checks the file, pdfplumber gives positions.

Tables (pdftables.py) become tab-separated rows, so a wrapped cell ("高新 / 区")
stays one cell. Text outside tables becomes lines that carry the geometry the
repair stage needs: a vertical gap or indent before the line, whether it reaches
the right margin, whether it is a title. Running headers and page numbers are
dropped.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from pathlib import Path

from .ingest import IngestError
from ..models import Line
from .pdftables import ruled_tables, unruled_tables

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


def page_items(page, page_no: int) -> list[tuple[float, dict]]:
    """Text lines and table rows (tab-separated cells) of one page, each with its vertical position."""
    tables = ruled_tables(page) or unruled_tables(page)  # PDF table readers: pdftables.py
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
