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
from .text import join_parts

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


def page_items(page, page_no: int) -> list[tuple[float, dict]]:
    """Text lines and ruled table rows of one page, each with its vertical position."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 3]
    items: list[tuple[float, dict]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            text = "\t".join(cell_text(c) for c in cells)
            if text.strip():
                items.append((row.bbox[1], {"text": text, "table": True, "page": page_no}))
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    for line in outside.extract_text_lines(strip=True, return_chars=False):
        if line["text"].strip():
            items.append((line["top"], {**line, "table": False, "page": page_no}))
    items.sort(key=lambda item: item[0])
    return items


def running_lines(pages: list[list[tuple[float, dict]]], height: float) -> set[str]:
    """Texts in the top/bottom band that repeat on several pages (running headers)."""
    counts: Counter[str] = Counter()
    for items in pages:
        seen = {re.sub(r"\d+", "#", d["text"]) for top, d in items
                if not d["table"] and (top < 0.1 * height or top > 0.9 * height)}
        counts.update(seen)
    return {text for text, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2)}


def pdf_lines(path: Path) -> tuple[list[Line], int]:
    """Physical lines of a PDF with page numbers, gaps and right-margin flags."""
    import pdfplumber

    n_pages = open_checked(path)
    try:
        with pdfplumber.open(path) as pdf:
            height = float(pdf.pages[0].height)
            pages = [page_items(page, i + 1) for i, page in enumerate(pdf.pages)]
            has_images = any(page.images for page in pdf.pages)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise IngestError(f"PDF 文件已损坏，无法解析（{type(exc).__name__}）") from None
    running = running_lines(pages, height)
    texts = [d for items in pages for top, d in items if not d["table"]]
    if not texts and not any(d["table"] for items in pages for _, d in items):
        if has_images:
            raise IngestError("扫描件：PDF 只有图像、没有文字层，请先做文字识别（OCR）后再放入")
        raise IngestError("PDF 中没有可提取的文字")
    right = sorted(d["x1"] for d in texts)[int(0.95 * (len(texts) - 1))] if texts else 0.0
    char_w = statistics.median([(d["bottom"] - d["top"]) for d in texts]) if texts else 10.0
    lines: list[Line] = []
    for items in pages:
        prev_bottom = None
        pitches = [b[0] - a[0] for a, b in zip(items, items[1:]) if not a[1]["table"]]
        pitch = statistics.median(pitches) if pitches else char_w * 1.5
        for top, d in items:
            band = top < 0.1 * height or top > 0.9 * height
            if not d["table"] and band and (re.sub(r"\d+", "#", d["text"]) in running
                                           or PAGE_NUMBER.match(d["text"])):
                continue
            gap = prev_bottom is not None and top - prev_bottom > max(pitch, char_w * 1.2) * 0.9
            if d["table"]:
                lines.append(Line(d["text"], d["page"], gap_before=gap, table=True))
                prev_bottom = top + char_w
                continue
            full = d["x1"] >= right - 2.0 * char_w
            lines.append(Line(d["text"], d["page"], gap_before=gap, full=full))
            prev_bottom = d["bottom"]
    return lines, n_pages
