"""Generate test documents (PDF, DOCX, Markdown, odd encodings, broken files) from a seed text.

The seed is a UTF-8 text file whose tab-separated line blocks are tables. Every generator
takes explicit output paths, returns the path it wrote and is deterministic in content.

Run `python tests/docgen.py OUTDIR` to write every variant for manual inspection.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "corpus" / "昆政办发2022-98号_装备制造产业创新集群建设实施意见.txt"
TIMEOUT = 120
FIXED_DATE = datetime(2022, 9, 29, tzinfo=timezone.utc)
ZIP_DATE = (2022, 9, 29, 0, 0, 0)
ATTACHMENT = re.compile(r"^附件\s*\d+\s*$")
RUNNING_HEADER = "昆政办发〔2022〕98号"
CJK_FONT_NAME = "Noto Sans CJK SC"
CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)

# Page geometry shared by the DOCX and HTML renderings (A4 portrait, cm).
PAGE_W, PAGE_H, MARGIN_X, MARGIN_Y = 21.0, 29.7, 1.8, 2.0
USABLE_W = PAGE_W - 2 * MARGIN_X
CELL_PAD = 0.08  # left/right cell padding, cm: 1.1 cm columns hold two CJK chars a line
BODY_PT, TABLE_PT = 12.0, 10.5


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Table:
    """A tab-separated block: rows[0] is the header; all rows have the same width.

    hspans are (row, first_col, last_col) horizontal merges, vspans are
    (col, first_row, last_row) vertical merges; covered cells hold "".
    """

    rows: tuple[tuple[str, ...], ...]
    hspans: tuple[tuple[int, int, int], ...]
    vspans: tuple[tuple[int, int, int], ...]

    @property
    def ncols(self) -> int:
        return len(self.rows[0])


Block = str | Table  # a raw text line (possibly empty) or a table


def read_seed(txt: Path) -> str:
    """The seed text, decoded as UTF-8."""
    return Path(txt).read_text(encoding="utf-8")


def parse_blocks(text: str) -> list[Block]:
    """Split the seed into raw lines and tables (blank lines inside a table block are dropped)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            blocks.append(lines[i])
            i += 1
            continue
        end = _table_end(lines, i)
        blocks.append(build_table([ln for ln in lines[i:end] if ln.strip()]))
        i = end
    return blocks


def _table_end(lines: list[str], start: int) -> int:
    """Index after the last tab line of the block starting at `start` (bridging blank lines)."""
    end = j = start
    while j < len(lines) and ("\t" in lines[j] or not lines[j].strip()):
        if "\t" in lines[j]:
            end = j + 1
        j += 1
    return end


def build_table(lines: list[str]) -> Table:
    """Normalise tab lines: drop repeated headers, pad short rows, derive merges."""
    header = lines[0].split("\t")
    raw = [header] + [ln.split("\t") for ln in lines[1:] if ln != lines[0]]
    rows: list[list[str]] = []
    hspans: list[tuple[int, int, int]] = []
    for r, cells in enumerate(raw):
        row, spans = _normalise_row(r, cells, len(header))
        rows.append(row)
        hspans.extend(spans)
    vspans = _vertical_spans(rows, hspans)
    return Table(tuple(tuple(row) for row in rows), tuple(hspans), tuple(vspans))


def _normalise_row(r: int, cells: list[str], ncols: int) -> tuple[list[str], list[tuple[int, int, int]]]:
    """Pad a row to `ncols`; empty header cells and missing group cells become horizontal spans."""
    if r == 0:
        spans, c = [], 1
        while c < ncols:
            if cells[c] == "":
                first = c - 1
                while c < ncols and cells[c] == "":
                    c += 1
                spans.append((0, first, c - 1))
            else:
                c += 1
        return list(cells), spans
    missing = ncols - len(cells)
    if missing <= 0:
        return list(cells[:ncols]), []
    # The group cell is absent: the task name (cells[1]) spans the group and task columns.
    return [cells[0], cells[1]] + [""] * missing + cells[2:], [(r, 1, 1 + missing)]


def _vertical_spans(rows: list[list[str]], hspans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """An empty data cell not covered by a horizontal span continues the cell above."""
    covered = {(r, c) for r, c0, c1 in hspans for c in range(c0 + 1, c1 + 1)}
    spans = []
    for c in range(len(rows[0])):
        r = 1
        while r < len(rows):
            last = r
            while last + 1 < len(rows) and rows[last + 1][c] == "" and (last + 1, c) not in covered:
                last += 1
            if last > r and rows[r][c]:
                spans.append((c, r, last))
            r = last + 1
    return spans


def tables_of(txt: Path) -> list[Table]:
    """The tables of the seed, in order."""
    return [b for b in parse_blocks(read_seed(txt)) if isinstance(b, Table)]


def column_widths_cm(table: Table) -> list[float]:
    """Narrow columns so that district, department and indicator cells wrap."""
    n = table.ncols
    if n >= 10:  # district breakdown: group, indicator, 2025 + districts, department
        return [1.2, 3.0] + [1.1] * (n - 3) + [1.4]
    fixed = {0: 0.9, 1: 1.5, 2: 2.3, n - 1: 2.2}  # number, group, task, ..., department
    rest = (USABLE_W - 0.4 - sum(fixed.values())) / (n - len(fixed))
    return [fixed.get(c, rest) for c in range(n)]


# --------------------------------------------------------------------------- tools


def available(tool: str) -> bool:
    """True if an executable named `tool` is on PATH."""
    return shutil.which(tool) is not None


def _run(cmd: list[str], what: str) -> str:
    """Run a converter in its own process group; return its output, raise with stderr on failure.

    On timeout the whole group is killed (soffice and chromium fork helper processes).
    """
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"{what} timed out after {TIMEOUT}s") from None
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}): {err.strip()}")
    return f"{out.strip()}\n{err.strip()}".strip()


def soffice_to_pdf(src: Path, out_dir: Path) -> Path:
    """Convert `src` with headless LibreOffice into out_dir/<stem>.pdf (private profile)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (Path(src).stem + ".pdf")
    target.unlink(missing_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="docgen_lo_"))
    cmd = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if Path(src).suffix.lower() == ".txt":
        cmd.append("--infilter=Text (encoded):UTF8,LF,,,")
    cmd += ["--convert-to", "pdf", "--outdir", str(out_dir), str(src)]
    try:
        log = _run(cmd, "soffice")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"soffice wrote no PDF for {src}: {log}")
    return pin_pdf(target)


PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})")
PDF_SUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{32})")
PDF_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]{32})(>\s*<)([0-9A-Fa-f]{32})(>)")


def pin_pdf(path: Path) -> Path:
    """Overwrite converter timestamps, /ID and /DocChecksum in place (same length, offsets intact)."""
    data = PDF_DATE.sub(lambda m: m[1] + FIXED_DATE.strftime("%Y%m%d%H%M%S").encode(), path.read_bytes())
    digest = hashlib.md5(PDF_SUM.sub(b"", PDF_ID.sub(b"", data))).hexdigest().upper().encode()
    data = PDF_ID.sub(lambda m: m[1] + digest + m[3] + digest + m[5], data)
    data = PDF_SUM.sub(lambda m: m[1] + digest, data)
    path.write_bytes(data)
    return path


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection on this machine."""
    for path in CJK_FONT_CANDIDATES:
        if path.is_file():
            return path
    found = sorted(Path("/usr/share/fonts").rglob("NotoSansCJK*Regular*.tt[cf]"))
    if not found:
        raise FileNotFoundError("Noto Sans CJK font not found (install fonts-noto-cjk)")
    return found[0]


# --------------------------------------------------------------------------- DOCX


def _docx_base(txt: Path):  # -> docx.document.Document
    """A new A4 portrait document with a CJK Normal style."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
    section.left_margin = section.right_margin = Cm(MARGIN_X)
    section.top_margin = section.bottom_margin = Cm(MARGIN_Y)
    normal = doc.styles["Normal"]
    normal.font.name = CJK_FONT_NAME
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT_NAME)
    normal.paragraph_format.space_after = Pt(0)
    doc.core_properties.title = Path(txt).stem
    doc.core_properties.author = "kspolicy docgen"
    doc.core_properties.created = doc.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    doc.core_properties.last_modified_by = "kspolicy docgen"
    doc.core_properties.revision = 1
    return doc


def _set_table_props(table, borders: bool = True) -> None:
    """Fixed layout, explicit borders (or explicitly none) and narrow cell padding."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if borders:
        table.style = "Table Grid"  # without borders keep "Normal Table": Table Grid brings its own rulings
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    rulings = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        rulings.append(el)
    tbl_pr.append(rulings)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(CELL_PAD / 2.54 * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def _mark_row(row, header: bool) -> None:
    """Keep a row on one page; a header row repeats on every page (w:tblHeader)."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fill_cell(cell, text: str, bold: bool = False) -> None:
    """Write `text` into a cell at table font size."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    if bold:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = para.add_run(text)
        run.font.size = Pt(TABLE_PT)
        run.bold = bold


def add_docx_table(doc, table: Table, merged: bool = True, borders: bool = True,
                   widths: list[float] | None = None, headers: frozenset[int] = frozenset({0}),
                   top: bool = False) -> None:
    """Append `table` as a real Word table (merges and header repeat if `merged`).

    `borders=False` draws no rulings at all; `widths` (cm) overrides the default column widths;
    `headers` are the rows set bold as header rows (row 0 also repeats at each page top); cells
    are centred vertically, or set from the `top` of their rows (Word's default).
    """
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Cm

    if widths is None:
        widths = column_widths_cm(table) if merged else [USABLE_W / table.ncols] * table.ncols
    word = doc.add_table(rows=len(table.rows), cols=table.ncols)
    _set_table_props(word, borders)
    for column, width in zip(word.columns, widths):
        column.width = Cm(width)
    grid = [word_row.cells for word_row in word.rows]  # fetched once: table.cell() is O(table)
    for r, row in enumerate(table.rows):
        _mark_row(word.rows[r], header=merged and r == 0)
        for cell, text, width in zip(grid[r], row, widths):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill_cell(cell, text, bold=r in headers)
    if merged:  # vertical and horizontal spans never overlap, so the cached grid stays valid
        for c, r0, r1 in table.vspans:
            grid[r0][c].merge(grid[r1][c])
        for r, c0, c1 in table.hspans:
            grid[r][c0].merge(grid[r][c1])


def _add_line(doc, line: str) -> None:
    """One text line as a paragraph; attachment labels start a new page."""
    para = doc.add_paragraph(line)
    if ATTACHMENT.match(line):
        para.paragraph_format.page_break_before = True


def _save_docx(doc, out: Path) -> Path:
    """Save with fixed ZIP timestamps so identical input gives identical bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out


def tables_docx(txt: Path, out: Path, borders: bool = True) -> Path:
    """DOCX of the seed: non-empty lines as paragraphs, attachments as merged, wrapped Word tables.

    With `borders=False` the tables have no cell rulings at all.
    """
    doc = _docx_base(txt)
    for block in parse_blocks(read_seed(txt)):
        if isinstance(block, Table):
            add_docx_table(doc, block, merged=True, borders=borders)
        elif block.strip():
            _add_line(doc, block)
    return _save_docx(doc, out)


def plain_docx(txt: Path, out: Path) -> Path:
    """DOCX of the seed: every line (empty ones too) a paragraph; tables as plain equal-width grids."""
    doc = _docx_base(txt)
    for block in parse_blocks(read_seed(txt)):
        if isinstance(block, Table):
            add_docx_table(doc, block, merged=False)
        else:
            doc.add_paragraph(block)
    return _save_docx(doc, out)


# --------------------------------------------------------------------------- PDF via converters


def plain_pdf(txt: Path, out_dir: Path) -> Path:
    """The seed text converted as-is by LibreOffice: out_dir/<stem>.pdf."""
    return soffice_to_pdf(Path(txt), Path(out_dir))


def tables_pdf(txt: Path, out_dir: Path) -> Path:
    """tables_docx rendered by LibreOffice: out_dir/<stem>_tables.pdf."""
    with tempfile.TemporaryDirectory(prefix="docgen_docx_") as work:
        docx = tables_docx(txt, Path(work) / f"{Path(txt).stem}_tables.docx")
        return soffice_to_pdf(docx, Path(out_dir))


def borderless_pdf(txt: Path, out_dir: Path) -> Path:
    """tables_pdf with no table rulings at all (cells still wrap): out_dir/<stem>_borderless.pdf."""
    with tempfile.TemporaryDirectory(prefix="docgen_docx_") as work:
        docx = tables_docx(txt, Path(work) / f"{Path(txt).stem}_borderless.docx", borders=False)
        return soffice_to_pdf(docx, Path(out_dir))


def table_as_printed(lines: list[str]) -> tuple[Table, frozenset[int]]:
    """A tab-separated block with a header repeated inside it kept as a row (a table split in two
    and its header printed again), and the indexes of the header rows. Merges stop at a header."""
    rows: list[tuple[str, ...]] = []
    hspans: list[tuple[int, int, int]] = []
    vspans: list[tuple[int, int, int]] = []
    headers: set[int] = set()
    lines = [ln for ln in lines if ln.strip()]
    starts = [i for i, ln in enumerate(lines) if ln == lines[0]] + [len(lines)]
    for start, end in zip(starts, starts[1:]):
        part, offset = build_table(lines[start:end]), len(rows)
        headers.add(offset)
        rows.extend(part.rows)
        hspans.extend((r + offset, c0, c1) for r, c0, c1 in part.hspans)
        vspans.extend((c, r0 + offset, r1 + offset) for c, r0, r1 in part.vspans)
    return Table(tuple(rows), tuple(hspans), tuple(vspans)), frozenset(headers)


def repeated_header_pdf(txt: Path, out_dir: Path, top: bool = False) -> Path:
    """The seed with borderless attachment tables whose header row is printed again where the text
    repeats it (in the middle of a page of 附件1) as well as at each page top; header cells
    ("2025 年", "责任单位", "高新区") and data cells (indicators, departments) wrap. Cells are
    centred vertically (out_dir/<stem>_repeated_header.pdf), or with `top` set from the top of
    their rows as Word does by default (out_dir/<stem>_top_aligned.pdf)."""
    lines = read_seed(txt).split("\n")
    doc = _docx_base(txt)
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            end = _table_end(lines, i)
            table, headers = table_as_printed(lines[i:end])
            add_docx_table(doc, table, merged=True, borders=False, headers=headers, top=top)
            i = end
            continue
        if lines[i].strip():
            _add_line(doc, lines[i])
        i += 1
    with tempfile.TemporaryDirectory(prefix="docgen_docx_") as work:
        name = f"{Path(txt).stem}_{'top_aligned' if top else 'repeated_header'}.docx"
        docx = _save_docx(doc, Path(work) / name)
        return soffice_to_pdf(docx, Path(out_dir))


def html_document(txt: Path) -> str:
    """An HTML rendering with <p> lines, bordered tables (thead, rowspan/colspan) and @page boxes."""
    body = []
    for block in parse_blocks(read_seed(txt)):
        if isinstance(block, Table):
            body.append(_html_table(block))
        elif block.strip():
            cls = ' class="attachment"' if ATTACHMENT.match(block) else ""
            body.append(f"<p{cls}>{html.escape(block)}</p>")
    return HTML_TEMPLATE.format(title=html.escape(Path(txt).stem), css=_html_css(), body="\n".join(body))


def _html_css() -> str:
    """Print CSS: A4, running header, page numbers, collapsed 0.5pt borders."""
    return textwrap.dedent(f"""\
        @page {{
          size: A4; margin: {MARGIN_Y}cm {MARGIN_X}cm;
          @top-center {{ content: "{RUNNING_HEADER}"; font: 9pt "{CJK_FONT_NAME}"; }}
          @bottom-center {{ content: "— " counter(page) " —"; font: 9pt "{CJK_FONT_NAME}"; }}
        }}
        body {{ font-family: "{CJK_FONT_NAME}", sans-serif; font-size: {BODY_PT}pt; line-height: 1.5; }}
        p {{ margin: 0 0 0.3em 0; }}
        p.attachment {{ break-before: page; }}
        table {{ border-collapse: collapse; table-layout: fixed; font-size: {TABLE_PT}pt; line-height: 1.3; }}
        th, td {{ border: 0.5pt solid #000; padding: 1pt {CELL_PAD}cm; vertical-align: middle;
                 word-break: break-all; overflow-wrap: anywhere; }}
        th {{ font-weight: bold; }}
        thead {{ display: table-header-group; }}
        tr {{ break-inside: avoid; }}
        """)


def _html_table(table: Table) -> str:
    """A <table> with colgroup widths, a repeating thead and rowspan/colspan merges."""
    covered, spans = set(), {}
    for c, r0, r1 in table.vspans:
        spans[(r0, c)] = f' rowspan="{r1 - r0 + 1}"'
        covered |= {(r, c) for r in range(r0 + 1, r1 + 1)}
    for r, c0, c1 in table.hspans:
        spans[(r, c0)] = spans.get((r, c0), "") + f' colspan="{c1 - c0 + 1}"'
        covered |= {(r, c) for c in range(c0 + 1, c1 + 1)}
    cols = "".join(f'<col style="width:{w:.2f}cm">' for w in column_widths_cm(table))
    out = [f"<table>\n<colgroup>{cols}</colgroup>"]
    for r, row in enumerate(table.rows):
        tag = "th" if r == 0 else "td"
        cells = "".join(
            f"<{tag}{spans.get((r, c), '')}>{html.escape(text)}</{tag}>"
            for c, text in enumerate(row)
            if (r, c) not in covered
        )
        out.append(("<thead>" if r == 0 else "") + f"<tr>{cells}</tr>" + ("</thead>\n<tbody>" if r == 0 else ""))
    out.append("</tbody>\n</table>")
    return "\n".join(out)


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
{body}
</body>
</html>
"""


def html_pdf(txt: Path, out_dir: Path) -> Path:
    """html_document printed by headless Chromium: out_dir/<stem>_html.pdf."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{Path(txt).stem}_html.pdf"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen_html_") as work:
        page = Path(work) / "doc.html"
        page.write_text(html_document(txt), encoding="utf-8")
        profile = Path(work) / "profile"
        log = _run(_chromium_cmd(profile, page, target), "chromium")
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {txt}: {log}")
    return pin_pdf(target)


def _chromium_cmd(profile: Path, page: Path, target: Path) -> list[str]:
    """Headless Chromium print-to-PDF command with networking and extras disabled."""
    return [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}", page.as_uri(),
    ]


# --------------------------------------------------------------------------- official (GB/T 9704) layout

# GB/T 9704 page: A4 with a 15.6 x 22.5 cm type area, 22 lines of 3号 (16 pt) serif per page.
GB_TOP, GB_BOTTOM, GB_LEFT, GB_RIGHT = 3.7, 3.5, 2.8, 2.6  # margins, cm
GB_HEADER_DIST, GB_FOOTER_DIST = 2.2, 2.4  # header / footer baseline area from the page edge, cm
SERIF_FONT_NAME = "Noto Serif CJK SC"  # stands in for 仿宋 / 小标宋
GB_BODY_PT, GB_LINE_PT, GB_TITLE_PT = 16.0, 28.9, 22.0
ISSUER = "昆山市人民政府办公室"
OFFICIAL_HEADER = ISSUER  # running header on every page but the first
RED, BLACK = "E60012", "000000"
DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
HEADING = re.compile(r"^[一二三四五六七八九十]+、\S{1,20}$")
TITLE_END = re.compile(r"(通知|意见|办法|方案|决定)$")


@dataclass(frozen=True)
class Look:
    """Paragraph formatting of one layout role; indents are in characters of `size`.

    `first` is the first-line indent relative to `left` (negative: hanging, as after "抄送："),
    `line` an exact line height in pt (None: single spacing); `rules` are paragraph
    borders as (edge, colour, width in eighths of a point).
    """

    font: str = SERIF_FONT_NAME
    size: float = GB_BODY_PT
    bold: bool = False
    color: str | None = None
    align: str = "JUSTIFY"
    first: float = 2.0
    left: float = 0.0
    right: float = 0.0
    line: float | None = GB_LINE_PT
    before: float = 0.0
    after: float = 0.0
    rules: tuple[tuple[str, str, int], ...] = ()


LOOKS: dict[str, Look] = {
    "issuer": Look(size=36.0, bold=True, color=RED, align="CENTER", first=0, line=None, after=2 * GB_LINE_PT),
    "number": Look(align="CENTER", first=0, after=2 * GB_LINE_PT, rules=(("bottom", RED, 12),)),
    "title": Look(size=GB_TITLE_PT, bold=True, align="CENTER", first=0, line=36.0, after=GB_LINE_PT),
    "addressee": Look(first=0),
    "body": Look(),
    "heading": Look(font=CJK_FONT_NAME, bold=True),
    "signature": Look(align="RIGHT", first=0, right=2.0, before=GB_LINE_PT),
    "date": Look(align="RIGHT", first=0, right=3.5),
    "attachment": Look(font=CJK_FONT_NAME, align="LEFT", first=0),
    "table_title": Look(size=18.0, bold=True, align="CENTER", first=0, after=GB_LINE_PT / 2),
    "note": Look(size=TABLE_PT, align="LEFT", first=0, line=None, before=4.0),
    "cc": Look(size=14.0, align="LEFT", first=-3.0, left=4.0, before=GB_LINE_PT, rules=(("top", BLACK, 8),)),
    "cc_more": Look(size=14.0, align="LEFT", first=0, left=4.0),
    "printer": Look(size=14.0, align="LEFT", first=0, left=1.0, rules=(("top", BLACK, 4),)),
    "printed": Look(size=14.0, align="RIGHT", first=0, right=1.0, rules=(("bottom", BLACK, 8),)),
}


def official_roles(lines: list[str]) -> list[str]:
    """The LOOKS role of each non-empty text line of the seed (tables left out), in order."""
    roles: list[str] = []
    state = "head"  # head -> addressee -> body -> cc
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else ""
        if state == "cc":
            role = "printed" if line.endswith("印发") else "printer" if line == ISSUER else "cc_more"
        elif line.startswith("抄送"):
            role, state = "cc", "cc"
        elif line == ISSUER + "文件":
            role = "issuer"
        elif DOC_NUMBER.match(line):
            role = "number"
        elif ATTACHMENT.match(line):
            role = "attachment"
        elif ATTACHMENT.match(prev):
            role = "table_title"
        elif TITLE_END.search(line) and len(line) <= 40 and not re.search(r"[。，；：]", line):
            role = "title"
            state = "addressee" if state == "head" else state
        elif state == "addressee":
            role = "addressee"
            state = "body" if line.endswith("：") else state
        elif line == ISSUER:
            role = "signature"
        elif DATE_LINE.match(line):
            role = "date"
        elif HEADING.match(line):
            role = "heading"
        elif line.startswith("备注"):
            role = "note"
        else:
            role = "body"
        roles.append(role)
    return roles


def _official_base(txt: Path):  # -> docx.document.Document
    """_docx_base with GB/T 9704 margins, serif Normal style and header/footer distances."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = _docx_base(txt)
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(GB_TOP), Cm(GB_BOTTOM)
    section.left_margin, section.right_margin = Cm(GB_LEFT), Cm(GB_RIGHT)
    section.header_distance, section.footer_distance = Cm(GB_HEADER_DIST), Cm(GB_FOOTER_DIST)
    normal = doc.styles["Normal"]
    normal.font.name = SERIF_FONT_NAME
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), SERIF_FONT_NAME)
    return doc


def _set_font(run, name: str, size: float, bold: bool = False, color: str | None = None) -> None:
    """Direct run font for Latin and CJK text alike."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph_rule(para, edge: str, color: str, eighths: int) -> None:
    """A paragraph border line on `edge` (top or bottom)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = para._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(eighths))
    el.set(qn("w:space"), "6")
    el.set(qn("w:color"), color)
    borders.append(el)


def _format(para, look: Look) -> None:
    """Apply a Look's paragraph properties (not its font) to `para`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    fmt = para.paragraph_format
    fmt.alignment = getattr(WD_ALIGN_PARAGRAPH, look.align)
    fmt.first_line_indent = Pt(look.first * look.size)
    fmt.left_indent = Pt(look.left * look.size)
    fmt.right_indent = Pt(look.right * look.size)
    fmt.space_before, fmt.space_after = Pt(look.before), Pt(look.after)
    if look.line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = Pt(look.line)  # a Length means an exact line height
    for edge, color, eighths in look.rules:
        _paragraph_rule(para, edge, color, eighths)


def _official_paragraph(doc, text: str, look: Look):  # -> docx.text.paragraph.Paragraph
    """One seed line as a paragraph in `look`."""
    para = doc.add_paragraph()
    _format(para, look)
    _set_font(para.add_run(text), look.font, look.size, look.bold, look.color)
    return para


def _new_section(doc, landscape: bool):  # -> docx.section.Section
    """Start a new-page section in A4 portrait or landscape (margins and headers carry over).

    python-docx puts the section break into an extra empty paragraph; it is moved into the
    preceding paragraph, as Word does, so that no blank line is left behind.
    """
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    carrier = doc.element.body.sectPr.getprevious()
    previous = carrier.getprevious()
    if previous is not None and previous.tag == qn("w:p"):
        previous.set_sectPr(carrier.pPr.sectPr)
        carrier.getparent().remove(carrier)
    width, height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    return section


def _fit_widths(table: Table, section) -> list[float]:
    """column_widths_cm scaled to fill the section's type area (cm)."""
    usable = (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU per cm
    widths = column_widths_cm(table)
    return [w * (usable - 0.4) / sum(widths) for w in widths]


def _page_number(paragraph, size: float) -> None:
    """Centre `paragraph` and fill it with "— N —", N a PAGE field."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    parts: list[tuple[str, str]] = [("text", "— "), ("begin", ""), ("instr", " PAGE "), ("separate", ""),
                                    ("text", "1"), ("end", ""), ("text", " —")]
    for kind, value in parts:
        run = paragraph.add_run(value if kind == "text" else "")
        _set_font(run, SERIF_FONT_NAME, size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        elif kind != "text":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _official_header_footer(doc) -> None:
    """Page numbers on every page; the running header on every page but the first.

    Later sections have no header/footer of their own and so inherit these.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first = doc.sections[0]
    first.different_first_page_header_footer = True
    first.first_page_header.is_linked_to_previous = False  # defined, and empty
    header = first.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(header.add_run(OFFICIAL_HEADER), SERIF_FONT_NAME, TABLE_PT)
    _page_number(first.footer.paragraphs[0], 14.0)
    _page_number(first.first_page_footer.paragraphs[0], 14.0)


def official_docx(txt: Path, out: Path) -> Path:
    """DOCX of the seed laid out like a GB/T 9704 government document.

    Red issuer line, red rule under the document number, bold centred titles, serif 16 pt
    body at an exact 28.9 pt line height with a two-character first-line indent and no
    space between paragraphs (every non-empty seed line is a paragraph, artefact breaks
    included), sans headings, right-aligned signature and date, the 实施意见 on a new page,
    each attachment in its own section (landscape for the wide district table) and the
    copy-to colophon between rules.
    """
    doc = _official_base(txt)
    blocks = [b for b in parse_blocks(read_seed(txt)) if isinstance(b, Table) or b.strip()]
    roles = iter(official_roles([b for b in blocks if isinstance(b, str)]))
    titles = 0
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            add_docx_table(doc, block, widths=_fit_widths(block, doc.sections[-1]))
            continue
        role = next(roles)
        if role == "attachment":
            table = next((b for b in blocks[i:] if isinstance(b, Table)), None)
            _new_section(doc, landscape=table is not None and table.ncols >= 10)
        para = _official_paragraph(doc, block, LOOKS[role])
        if role == "title":
            titles += 1
            para.paragraph_format.page_break_before = titles > 1  # the enclosed 实施意见
    _official_header_footer(doc)
    return _save_docx(doc, out)


def official_pdf(txt: Path, out_dir: Path) -> Path:
    """official_docx rendered by LibreOffice: out_dir/<stem>_official.pdf."""
    with tempfile.TemporaryDirectory(prefix="docgen_docx_") as work:
        docx = official_docx(txt, Path(work) / f"{Path(txt).stem}_official.docx")
        return soffice_to_pdf(docx, Path(out_dir))



# --------------------------------------------------------------------------- bad and odd inputs


def corrupt_pdf(src_pdf: Path, out: Path) -> Path:
    """A real PDF truncated to 40 % of its size, followed by 512 seeded garbage bytes."""
    data = Path(src_pdf).read_bytes()
    garbage = random.Random(98).randbytes(512)
    return _write(out, data[: len(data) * 2 // 5] + garbage)


def encrypted_pdf(src_pdf: Path, out: Path) -> Path:
    """`src_pdf` encrypted (RC4-128) with user password "secret"."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    data = Path(src_pdf).read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    file_id = ByteStringObject(hashlib.md5(data).digest())
    writer._ID = ArrayObject((file_id, file_id))  # pinned: pypdf would draw a random /ID
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    writer._ID = ArrayObject((file_id, file_id))  # encrypt() adds a random second half
    return _write_pdf(writer, out)


def empty_pdf(out: Path) -> Path:
    """A zero-byte file named .pdf."""
    return _write(out, b"")


def blank_pdf(out: Path) -> Path:
    """A valid one-page A4 PDF with nothing on the page."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595.28, height=841.89)
    return _write_pdf(writer, out)


def scanned_pdf(out: Path, txt: Path = SEED, lines: int = 10) -> Path:
    """An image-only A4 PDF (150 dpi) showing the first `lines` wrapped text lines of the seed."""
    from PIL import Image, ImageDraw, ImageFont

    dpi, size = 150, 32
    width, height = round(PAGE_W / 2.54 * dpi), round(PAGE_H / 2.54 * dpi)
    font = ImageFont.truetype(str(cjk_font_path()), size, index=2)  # index 2: Noto Sans CJK SC
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    x = y = round(MARGIN_X / 2.54 * dpi)
    for line in _scan_lines(txt, per_line=(width - 2 * x) // size, count=lines):
        draw.text((x, y), line, font=font, fill=0)
        y += round(size * 1.8)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = FIXED_DATE.utctimetuple()
    image.save(out, "PDF", resolution=dpi, creationDate=stamp, modDate=stamp,
               title="scan", producer="kspolicy docgen")
    return out


def _scan_lines(txt: Path, per_line: int, count: int) -> list[str]:
    """The first `count` display lines of the seed's text, wrapped at `per_line` characters."""
    shown: list[str] = []
    for block in parse_blocks(read_seed(txt)):
        if isinstance(block, str) and block.strip():
            shown += [block[i : i + per_line] for i in range(0, len(block), per_line)]
        if len(shown) >= count:
            break
    return shown[:count]


def gbk_txt(txt: Path, out: Path) -> Path:
    """The seed re-encoded as GB18030 (the GBK superset)."""
    return _write(out, read_seed(txt).encode("gb18030"))


def bom_txt(txt: Path, out: Path) -> Path:
    """The seed as UTF-8 with a byte-order mark."""
    return _write(out, read_seed(txt).encode("utf-8-sig"))


def undecodable_txt(out: Path) -> Path:
    """Seeded bytes that decode neither as UTF-8 nor as GB18030."""
    rng = random.Random(2022)
    data = b"".join(rng.randbytes(37) + b"\x80\xff" for _ in range(64))
    for codec in ("utf-8", "gb18030"):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        raise AssertionError(f"undecodable sample decodes as {codec}")
    return _write(out, data)


def markdown(txt: Path, out: Path) -> Path:
    """The seed text verbatim, with each table block replaced by a GitHub pipe table."""
    lines: list[str] = []
    blocks = parse_blocks(read_seed(txt))
    for i, block in enumerate(blocks):
        if not isinstance(block, Table):
            lines.append(block)
            continue
        if lines and lines[-1].strip():
            lines.append("")  # a pipe table needs a blank line before it
        lines += _pipe_table(block)
        if i + 1 < len(blocks) and str(blocks[i + 1]).strip():
            lines.append("")
    return _write(out, "\n".join(lines).encode("utf-8"))


def _pipe_table(table: Table) -> list[str]:
    """GitHub pipe-table lines; cells covered by a merge are left empty."""
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(table.rows[0]), "|" + "---|" * table.ncols] + [line(r) for r in table.rows[1:]]


def _write(out: Path, data: bytes) -> Path:
    """Write bytes, creating parent directories."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def _write_pdf(writer, out: Path) -> Path:
    """Save a pypdf writer with fixed metadata."""
    writer.add_metadata({"/Producer": "kspolicy docgen"})
    buf = io.BytesIO()
    writer.write(buf)
    return _write(out, buf.getvalue())


# --------------------------------------------------------------------------- CLI


def generate_all(txt: Path, out_dir: Path) -> dict[str, Path]:
    """Write every variant into out_dir (converter-based ones only if the tool exists)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    if available("soffice"):
        made["plain_pdf"] = plain_pdf(txt, out_dir)
        made["tables_pdf"] = tables_pdf(txt, out_dir)
        made["borderless_pdf"] = borderless_pdf(txt, out_dir)
        made["repeated_header_pdf"] = repeated_header_pdf(txt, out_dir)
        made["top_aligned_pdf"] = repeated_header_pdf(txt, out_dir, top=True)
        made["official_pdf"] = official_pdf(txt, out_dir)
    if available("chromium"):
        made["html_pdf"] = html_pdf(txt, out_dir)
    made["tables_docx"] = tables_docx(txt, out_dir / "tables.docx")
    made["plain_docx"] = plain_docx(txt, out_dir / "plain.docx")
    made["official_docx"] = official_docx(txt, out_dir / "official.docx")
    made["markdown"] = markdown(txt, out_dir / "seed.md")
    made["gbk_txt"] = gbk_txt(txt, out_dir / "gbk.txt")
    made["bom_txt"] = bom_txt(txt, out_dir / "bom.txt")
    made["undecodable_txt"] = undecodable_txt(out_dir / "undecodable.txt")
    made["empty_pdf"] = empty_pdf(out_dir / "empty.pdf")
    made["blank_pdf"] = blank_pdf(out_dir / "blank.pdf")
    made["scanned_pdf"] = scanned_pdf(out_dir / "scanned.pdf", txt)
    src = made.get("plain_pdf", made["blank_pdf"])
    made["corrupt_pdf"] = corrupt_pdf(src, out_dir / "corrupt.pdf")
    made["encrypted_pdf"] = encrypted_pdf(src, out_dir / "encrypted.pdf")
    return made


def main(argv: list[str] | None = None) -> int:
    """CLI: python tests/docgen.py OUTDIR [SEED_TXT]."""
    import time

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__.strip().splitlines()[0], "\nusage: docgen.py OUTDIR [SEED_TXT]", file=sys.stderr)
        return 2
    txt = Path(args[1]) if len(args) > 1 else SEED
    start = time.perf_counter()
    for name, path in generate_all(txt, Path(args[0])).items():
        print(f"{name:16} {path.stat().st_size:>9} B  {path}")
    print(f"done in {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
