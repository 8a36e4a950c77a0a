"""Sanity checks for the test-document generators in tests/docgen.py (not product tests)."""

from __future__ import annotations

import codecs
import functools
import logging
import re
import unicodedata
from pathlib import Path

import pytest

try:
    from tests import docgen
except ImportError:  # tests/ itself is on sys.path
    import docgen

SEED = docgen.SEED
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = [b for b in docgen.parse_blocks(SEED_TEXT) if isinstance(b, str) and b.strip()]

# pdfminer logs one "Could not get FontBBox" warning per Type 3 glyph in Chromium PDFs.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def nfkc(text: str | None) -> str:
    """Fold Kangxi radicals (Chromium's ToUnicode maps many ideographs to them) and nothing else.

    Full NFKC would also turn fullwidth （） into ASCII ().
    """
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch for ch in text or "")


@functools.lru_cache(maxsize=None)
def open_pdf(path: Path):
    """One pdfplumber document per path for the whole session (pages cache their layout)."""
    import pdfplumber

    return pdfplumber.open(path)


@functools.lru_cache(maxsize=None)
def page_texts(path: Path) -> tuple[str, ...]:
    return tuple(p.extract_text() or "" for p in open_pdf(path).pages)


def attachment_pages(pdf_path: Path, number: int) -> list:
    """pdfplumber pages from the "附件 N" page up to the next attachment page."""
    starts = {}
    for i, text in enumerate(page_texts(pdf_path)):
        if m := re.search(r"(?m)^附件 ?(\d+)$", text):
            starts[int(m[1])] = i
    pages = open_pdf(pdf_path).pages
    return pages[starts[number] : starts.get(number + 1, len(pages))]


def widest_table(page) -> list[list[str]]:
    tables = page.extract_tables()
    assert tables, f"no ruled table on page {page.page_number}"
    return [[nfkc(c) for c in row] for row in max(tables, key=lambda t: max(len(r) for r in t))]


# --------------------------------------------------------------------------- parsing


def test_parse_finds_both_tables() -> None:
    first, second = docgen.tables_of(SEED)
    assert (len(first.rows), first.ncols) == (25, 13)  # repeated header dropped
    assert sum(row[0] == "任务清单" for row in first.rows) == 1
    assert (0, 1, 5) in first.vspans  # 总体目标 over its five rows
    assert (len(second.rows), second.ncols) == (11, 5)
    assert (1, 1, 5) in second.vspans and (6, 1, 2) in second.hspans and (0, 1, 2) in second.hspans


# --------------------------------------------------------------------------- PDFs


def test_plain_pdf_text(plain_pdf: Path) -> None:
    text = "".join(page_texts(plain_pdf))
    assert "累计高新技术企业新增数" in text
    assert "2022年9月29日印发" in text


@pytest.mark.parametrize("which", ["tables_pdf", "html_pdf"])
def test_attachment1_is_a_wrapped_table_over_pages(which: str, request: pytest.FixtureRequest) -> None:
    pages = attachment_pages(request.getfixturevalue(which), 1)
    assert len(pages) >= 2
    rows = [widest_table(p) for p in pages]
    assert all(len(t[0]) >= 12 for t in rows)
    header = rows[0][0]
    assert "高新\n区" in header and "旅度\n区" in header
    assert all(t[0] == header for t in rows[1:]), "header row not repeated on later pages"
    body = [cell for t in rows for row in t[1:] for cell in row if cell]
    assert "市工信\n局" in body and "市市场\n监管局" in body
    assert "累计高新技术企业新增数（家）" in [c.replace("\n", "") for c in body]
    assert all("\n" in row[1] for t in rows for row in t[1:]), "indicator names should wrap"


@pytest.mark.parametrize("which", ["tables_pdf", "html_pdf"])
def test_attachment2_has_merged_group_cell(which: str, request: pytest.FixtureRequest) -> None:
    pages = attachment_pages(request.getfixturevalue(which), 2)
    table = widest_table(pages[0])
    assert len(table[0]) == 5
    groups = [row[1].replace("\n", "") for row in table[1:] if row[1]]
    assert groups[0] == "实施集群“十个一批行动”"


def test_html_pdf_has_running_header(html_pdf: Path) -> None:
    assert all(docgen.RUNNING_HEADER in text for text in page_texts(html_pdf))


def test_borderless_pdf_has_no_rulings(borderless_pdf: Path, tables_pdf: Path) -> None:
    pdf = open_pdf(borderless_pdf)
    assert abs(len(pdf.pages) - len(open_pdf(tables_pdf).pages)) <= 1
    assert not any(p.find_tables() or p.lines or p.rects or p.curves for p in pdf.pages)
    pages = attachment_pages(borderless_pdf, 1)
    assert len(pages) >= 2
    words = {w["text"] for w in pages[0].extract_words()}
    assert {"高新", "旅度"} <= words and "高新区" not in words, "district header cells should still wrap"
    # Without rulings wrapped cells interleave line by line; one-line numeric cells stay in row order.
    assert "4000 1800 910 165 260 170 180 155 210 150" in pages[0].extract_text()


def _official_body(path: Path) -> str:
    """All page text without the running header and the "— N —" footer, whitespace removed."""
    out = []
    for text in page_texts(path):
        lines = text.splitlines()
        if lines and lines[0] == docgen.OFFICIAL_HEADER:
            lines = lines[1:]
        out += lines[:-1] if lines and re.fullmatch(r"— \d+ —", lines[-1]) else lines
    return re.sub(r"\s+", "", "".join(out))


def test_official_pdf_pages_header_footer_text(official_pdf: Path) -> None:
    texts = page_texts(official_pdf)
    assert 15 <= len(texts) <= 30
    for n, text in enumerate(texts, 1):
        lines = text.splitlines()
        assert lines[-1] == f"— {n} —"
        assert (lines[0] == docgen.OFFICIAL_HEADER) == (n > 1), f"running header on page {n}"
    body = _official_body(official_pdf)
    missing = [ln for ln in SEED_LINES if re.sub(r"\s+", "", ln) not in body]
    assert not missing


def test_official_pdf_layout(official_pdf: Path) -> None:
    pdf = open_pdf(official_pdf)
    issuer = [c for c in pdf.pages[0].chars if c["size"] > 30]
    assert "".join(c["text"] for c in issuer) == docgen.ISSUER + "文件"
    assert all(c["non_stroking_color"][0] > 0.8 > c["non_stroking_color"][1] * 4 for c in issuer), "red"
    assert [p.width > p.height for p in attachment_pages(official_pdf, 1)] == [True] * 3
    assert pdf.pages[-1].width < pdf.pages[-1].height
    page = next(p for p in pdf.pages if "为深入贯彻" in (p.extract_text() or ""))
    lines = page.extract_text_lines()
    i = next(k for k, ln in enumerate(lines) if ln["text"].startswith("为深入贯彻"))
    first, second = lines[i], lines[i + 1]
    left = docgen.GB_LEFT / 2.54 * 72
    assert abs(second["x0"] - left) < 1 and abs(first["x0"] - left - 2 * docgen.GB_BODY_PT) < 1
    assert abs(second["top"] - first["top"] - docgen.GB_LINE_PT) < 0.5
    assert "Serif" in first["chars"][0]["fontname"]
    heading = next(ln for ln in lines if ln["text"] == "一、总体要求")
    assert "Sans" in heading["chars"][0]["fontname"] and "Bold" in heading["chars"][0]["fontname"]


def test_official_pdf_tables_are_ruled(official_pdf: Path) -> None:
    pdf = open_pdf(official_pdf)
    start = pdf.pages.index(attachment_pages(official_pdf, 1)[0])
    assert not any(p.find_tables() for p in pdf.pages[:start]), "no table before the attachments"
    rows = [widest_table(p) for p in attachment_pages(official_pdf, 1)]
    assert all(len(t[0]) == 13 and t[0] == rows[0][0] for t in rows)
    body = [cell.replace("\n", "") for t in rows for row in t[1:] for cell in row if cell]
    assert "累计高新技术企业新增数（家）" in body and "市市场监管局" in body
    second = widest_table(attachment_pages(official_pdf, 2)[0])
    assert len(second[0]) == 5 and second[1][1].replace("\n", "") == "实施集群“十个一批行动”"


# --------------------------------------------------------------------------- bad inputs


def test_scanned_pdf_has_no_text(docs: Path) -> None:
    import pdfplumber

    path = docgen.scanned_pdf(docs / "scanned.pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1 and not pdf.pages[0].chars and len(pdf.pages[0].images) == 1


def test_encrypted_pdf(plain_pdf: Path, docs: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(docgen.encrypted_pdf(plain_pdf, docs / "encrypted.pdf"))
    assert reader.is_encrypted
    assert reader.decrypt("secret")
    assert "累计高新技术企业新增数" in "".join(p.extract_text() for p in reader.pages)


def test_corrupt_pdf(plain_pdf: Path, docs: Path) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = docgen.corrupt_pdf(plain_pdf, docs / "corrupt.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" not in data[-1024:]
    assert len(data) < plain_pdf.stat().st_size / 2
    with pytest.raises(PdfReadError):
        PdfReader(path, strict=True)


def test_empty_and_blank_pdf(docs: Path) -> None:
    from pypdf import PdfReader

    assert docgen.empty_pdf(docs / "empty.pdf").stat().st_size == 0
    reader = PdfReader(docgen.blank_pdf(docs / "blank.pdf"))
    assert len(reader.pages) == 1 and reader.pages[0].extract_text() == ""


def test_text_encodings(docs: Path) -> None:
    gbk = docgen.gbk_txt(SEED, docs / "gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert gbk.decode("gb18030") == SEED_TEXT
    bom = docgen.bom_txt(SEED, docs / "bom.txt").read_bytes()
    assert bom.startswith(codecs.BOM_UTF8) and bom.decode("utf-8-sig") == SEED_TEXT
    junk = docgen.undecodable_txt(docs / "junk.txt").read_bytes()
    for codec in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            junk.decode(codec)


# --------------------------------------------------------------------------- DOCX and Markdown


def test_tables_docx_structure(docs: Path) -> None:
    import docx

    path = docgen.tables_docx(SEED, docs / "tables.docx")
    doc = docx.Document(path)
    first, second = doc.tables
    assert (len(first.rows), len(first.columns)) == (25, 13)
    assert first.cell(5, 0)._tc is first.cell(1, 0)._tc and first.cell(1, 0).text == "总体目标"
    assert first.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert second.cell(5, 1)._tc is second.cell(1, 1)._tc
    assert second.cell(6, 1)._tc is second.cell(6, 2)._tc and second.cell(6, 1).text == "打响一批昆山制造品牌"
    lines = [b for b in docgen.parse_blocks(SEED_TEXT) if isinstance(b, str) and b.strip()]
    assert [p.text for p in doc.paragraphs] == lines


def test_official_docx_structure(docs: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT

    doc = docx.Document(docgen.official_docx(SEED, docs / "official.docx"))
    assert [p.text for p in doc.paragraphs] == SEED_LINES, "one paragraph per non-empty line, no blank ones"
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert [len(t.columns) for t in doc.tables] == [13, 5]
    assert doc.sections[0].different_first_page_header_footer
    assert doc.sections[0].header.paragraphs[0].text == docgen.OFFICIAL_HEADER


def test_plain_docx_keeps_every_line(docs: Path) -> None:
    import docx

    doc = docx.Document(docgen.plain_docx(SEED, docs / "plain.docx"))
    lines = [b for b in docgen.parse_blocks(SEED_TEXT) if isinstance(b, str)]
    assert [p.text for p in doc.paragraphs] == lines
    assert [len(t.columns) for t in doc.tables] == [13, 5]


def test_markdown_pipe_tables(docs: Path) -> None:
    text = docgen.markdown(SEED, docs / "seed.md").read_text(encoding="utf-8")
    assert text.count("\n|---|") == 2
    assert "| 任务清单 | 指标名称 | 2025 年 | 开发区 |" in text
    assert sum(ln.startswith("| ") for ln in text.splitlines()) == 25 + 11
    assert "累计高新技术企业新增数（家） | 300 |" in text


def test_generators_are_deterministic(tmp_path: Path) -> None:
    for make in (docgen.tables_docx, docgen.markdown):
        a, b = make(SEED, tmp_path / "a"), make(SEED, tmp_path / "b")
        assert a.read_bytes() == b.read_bytes()


def test_repeated_header_pdf_prints_the_header_mid_page(repeated_header_pdf: Path) -> None:
    pdf = open_pdf(repeated_header_pdf)
    assert not any(p.find_tables() or p.lines or p.rects for p in pdf.pages)
    pages = attachment_pages(repeated_header_pdf, 1)
    tops = [[w["top"] for w in p.extract_words() if w["text"] == "指标名称"] for p in pages]
    assert sum(map(len, tops)) >= 3  # first header, once mid-page, once at a page top
    numbers = [[w["top"] for w in p.extract_words() if w["text"] in ("1800", "350", "--")] for p in pages]
    assert any(min(n) < t < max(n) for ts, n in zip(tops, numbers) for t in ts), "no header between data rows"
    words = {w["text"] for p in pages for w in p.extract_words()}
    assert {"高新", "责任单", "2025"} <= words and "2025年" not in words, "header cells should wrap"


def test_top_aligned_pdf_starts_cells_on_the_first_line_of_their_row(top_aligned_pdf: Path) -> None:
    page = attachment_pages(top_aligned_pdf, 1)[0]
    lines = [line["text"] for line in page.extract_text_lines()]
    assert any(text.startswith("总体 装备制造产业规 4000") for text in lines), lines[:8]
