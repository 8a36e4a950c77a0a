"""Repair conversion artefacts: rejoin lines wrapped mid-sentence into paragraphs.

Policy files reach us hard-wrapped (text exported from Word), cut at page breaks
("高档数控 / 机床领域", "借助昆 / 山高端") or wrapped by a PDF renderer. The rules
below decide, for each pair of consecutive physical lines, whether they belong
to one logical line. They are shared by every input format; PDFs add the
geometry (`Line.full`: the line reaches the right margin).
"""

from __future__ import annotations

import re

from ..models import Line, Para
from ..text import DATE, DOC_NUMBER, ends_terminal, has_inner_punct, join_parts, marker

VALUE = re.compile(r"^(?:-?\d+(?:\.\d+)?%?|--|—|-|／|/)$")
ROW_NUMBER = re.compile(r"^(\d{1,3})\s+[^\d\s]")
BLOCK_OPENER = re.compile(r"^\s*[-•·]?\s*(抄\s*送|附\s*件|备\s*注|注)\s*[:：]")


def is_tabular(text: str) -> bool:
    """A table row whose cells are separated by spaces (PDF text without rulings)."""
    tokens = text.split()
    run = best = 0
    for token in tokens:
        run = run + 1 if VALUE.match(token) else 0
        best = max(best, run)
    return best >= 3 or is_header_like(tokens)


def is_header_like(tokens: list[str]) -> bool:
    """Short label cells without sentence punctuation: 序号 任务清单 目标清单 责任单位."""
    if len(tokens) < 4 or any(len(t) > 8 or has_inner_punct(t) for t in tokens):
        return False
    if all(len(t) == 1 for t in tokens):  # letter-spaced text: "昆 山 市 人 民 政 府 文 件"
        return False
    return sum(bool(VALUE.match(t)) for t in tokens) <= 0.4 * len(tokens)


def is_standalone(text: str) -> bool:
    """Lines that are complete on their own: headings, 文号, dates, notes in brackets."""
    t = text.strip()
    mk = marker(t)
    if mk and mk[0] == "attachment":
        return True
    if mk and len(t) <= 30 and "。" not in t and "，" not in t:
        return True
    if DOC_NUMBER.search(t) and len(t) <= 25 and not has_inner_punct(t):
        return True
    if DATE.search(t) and len(t) <= 16:
        return True
    return bool(re.fullmatch(r"[（(][^（）()]{2,20}[)）]", t))


def front_matter(text: str) -> bool:
    """A line that is no part of a title set over several lines: one complete on its own, one holding
    a 文号 or a date ("扬州市江都区民政局 江都民发〔2026〕12号 2026年3月20日印发"), or a sentence."""
    return is_standalone(text) or bool(DOC_NUMBER.search(text) or DATE.search(text)) or any(c in text for c in "，。；")


def is_heading_line(text: str) -> bool:
    """A short line without any punctuation: a title or heading, not a sentence cut by a wrap."""
    t = text.strip()
    return 4 <= len(t) <= 40 and not any(ch in t for ch in "，。、；：！？,.;:!?（）()“”《》") and not t[-1].isdigit()


def should_join(a: Line, b: Line, next_row: int | None = None) -> bool:
    """Whether physical line `b` continues the logical line that ends with `a`.

    `next_row` is the row number expected next in a numbered table (序号), so a
    row that starts right after a full line is still recognised.
    """
    if a.table or b.table or a.paragraph:
        return False
    if a.title or b.title:  # a title set over two lines is one title; a 文号 or a date in the same large
        # type below the issuer's name is none of it ("南京市江宁区人民政府" / "江宁政规〔2026〕3号")
        return a.title and b.title and not b.gap_before and not any(map(front_matter, (a.text, b.text)))
    if is_tabular(a.text) or is_tabular(b.text):
        return bool(a.full)
    if marker(b.text) or BLOCK_OPENER.match(b.text) or is_standalone(a.text) or is_standalone(b.text):
        return False
    if a.full is None and is_heading_line(a.text) and len(b.text) > len(a.text):
        return False  # a title or heading on its own line in a text file ("关于推进…的实施意见")
    row = ROW_NUMBER.match(b.text)
    if row and next_row is not None and int(row.group(1)) == next_row:
        return False
    if ends_terminal(a.text) and (b.gap_before or not a.full):
        return False
    if a.full:
        return True
    if ROW_NUMBER.match(b.text):
        return False
    if b.gap_before or a.full is False:
        # A deliberate line end (blank line, short PDF line): join only where the
        # first line is prose cut mid-sentence, e.g. at a page break.
        return has_inner_punct(a.text)
    return True


def joined(lines: list[Line]) -> str:
    """The lines of one logical line joined with `join_parts`, built once: linear in the text,
    however many physical lines a paragraph has (join_parts only looks at the last character).
    """
    parts, tail = [lines[0].text], lines[0].text[-1:]
    for prev, line in zip(lines, lines[1:]):
        if (is_tabular(prev.text) or is_tabular(line.text)) and tail != " ":
            parts.append(" ")
            tail = " "
        piece = join_parts(tail, line.text)[len(tail):]
        parts.append(piece)
        tail = (tail + piece)[-1:]
    return "".join(parts)


def join_lines(lines: list[Line]) -> list[Para]:
    """Logical lines (paragraphs, headings, table rows) from physical lines."""
    paras: list[Para] = []
    current: list[Line] = []
    next_row: int | None = None

    def flush() -> None:
        if not current:
            return
        text = joined(current)
        paras.append(Para(text=text.strip() if not current[0].table else text,
                          page=current[0].page, table=current[0].table))
        current.clear()

    for line in lines:
        if current and not should_join(current[-1], line, next_row):
            flush()
        if not current:
            row = ROW_NUMBER.match(line.text)
            if row:
                next_row = int(row.group(1)) + 1
            elif "序号" in line.text.split()[:2]:
                next_row = 1
        current.append(line)
    flush()
    return paras
