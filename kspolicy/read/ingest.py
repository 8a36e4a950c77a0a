"""Load a source file (TXT, Markdown, DOCX, PDF, HTML, DOC/WPS) into physical lines.

Every failure is an `IngestError` whose message is a short Chinese reason that the
build report shows next to the file name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import reduce
from pathlib import Path

from ..models import Line, Loaded
from ..text import join_parts, repair_glyphs
from .limits import Limits, OverLimit, check_lines, check_size, check_text_bytes, check_zip

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps")
SUPPORTED_NAMES = "PDF、DOCX、DOC、WPS、TXT、MD、HTML"


class IngestError(Exception):
    """A file that cannot be read; str(error) is the reason shown to users (Chinese)."""


def unsupported(suffix: str) -> str:
    """The reason shown for a file whose type is not read."""
    return f"不支持的文件类型 {suffix or '（无扩展名）'}，支持 {SUPPORTED_NAMES}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if not data.strip():
        raise IngestError("文件为空")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise IngestError("无法识别文本编码（不是 UTF-8 或 GBK/GB18030）") from None
    readable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if readable < 0.95 * len(text):
        raise IngestError("无法识别文本编码（不是 UTF-8 或 GBK/GB18030）")
    return text


READER_FIELD = re.compile(r"^(Title|URL Source|Published Time|Markdown Content):[ \t]*(.*)$")


def reader_header(text: str) -> tuple[str, dict[str, str]]:
    """A web page saved as Markdown by a reader tool starts "Title: … / URL Source: … /
    Markdown Content:"; the header becomes hints (title, date) and leaves the text."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[:12]):
        m = READER_FIELD.match(line.strip())
        if m:
            fields[m.group(1)] = m.group(2).strip()
            if m.group(1) == "Markdown Content":
                from .htmlmeta import clean_title, iso

                hints = {"title": clean_title(fields.get("Title", "")), "date": iso(fields.get("Published Time", ""))}
                return "\n".join(lines[i + 1:]), {k: v for k, v in hints.items() if v}
        elif line.strip():
            break
    return text, {}


def text_lines(text: str, markdown: bool = False) -> list[Line]:
    """Physical lines of a plain-text file; blank lines become `gap_before`."""
    lines: list[Line] = []
    gap = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if markdown:
            if re.fullmatch(r"\s*\|?\s*:?-{3,}.*", line):
                continue
            if line.lstrip().startswith("|"):
                line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
            line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
            line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)  # **一、总体要求** is a heading, not bold text
        if not line.strip():
            gap = True
            continue
        table = line.count("\t") >= 2 and len([c for c in line.split("\t") if c.strip()]) >= 2
        lines.append(Line(text=line if table else line.strip(), gap_before=gap, table=table))
        gap = False
    return lines


def docx_lines(path: Path) -> list[Line]:
    """Paragraphs and tables in body order; a merged cell is emitted once."""
    try:
        import docx  # python-docx
        from docx.table import Table as DocxTable
        from docx.table import _Cell

        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - any parse failure is a bad file
        raise IngestError(f"无法打开 DOCX 文件（{type(exc).__name__}）") from None
    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            for tr in block._tbl.tr_lst:
                cells = []
                for tc in tr.tc_lst:
                    merged = tc.vMerge == "continue"
                    text = "" if merged else _Cell(tc, block).text
                    cells.append(reduce(join_parts, text.split("\n"), "").strip())
                lines.append(Line(text="\t".join(cells), gap_before=True, table=True))
        elif block.text.strip():
            lines.append(Line(text=block.text.strip(), gap_before=True))
    return lines


def preflight(path: Path, limits: Limits) -> None:
    """Budgets checked before a file is parsed: its size, a DOCX's zip members, a PDF's pages.

    Also what an upload must pass: a .pdf opens as a PDF, a .docx is a sound zip.
    """
    suffix = path.suffix.lower()
    try:
        size = check_size(path, limits)
        if size == 0:
            raise IngestError("文件为空")
        if suffix == ".docx":
            check_zip(path, limits)
        elif suffix == ".pdf":
            from .pdf import open_checked

            pages = open_checked(path)
            if pages > limits.pdf_pages:
                raise OverLimit(f"PDF 页数过多（{pages:,} 页），单个文件上限 {limits.pdf_pages:,} 页")
        else:
            check_text_bytes(size, limits)
    except OverLimit as exc:
        raise IngestError(str(exc)) from None


def load_lines(path: Path, limits: Limits | None = None) -> Loaded:
    """Physical lines of any supported file, its page count (PDF only) and metadata hints.

    The file must fit `limits` (default `Limits()`), checked before and right after reading.
    """
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(unsupported(suffix))
    preflight(path, limits)
    if suffix in (".html", ".htm"):
        from .html import html_lines

        loaded = html_lines(path)
    elif suffix == ".pdf":
        from .pdf import pdf_lines

        lines, pages = pdf_lines(path)
        loaded = Loaded([replace(line, text=repair_glyphs(line.text)) for line in lines], pages)
    elif suffix == ".docx":
        loaded = Loaded(docx_lines(path))
    elif suffix in (".doc", ".wps"):
        from .office import office_lines

        loaded = Loaded(office_lines(path))
    else:
        text, hints = reader_header(decode_text(path.read_bytes()).replace("\r\n", "\n"))
        loaded = Loaded(text_lines(text, markdown=suffix == ".md"), None, hints)
    if not loaded.lines:
        raise IngestError("文件中没有文字")
    try:
        check_lines(loaded.lines, limits)
    except OverLimit as exc:
        raise IngestError(str(exc)) from None
    return loaded
