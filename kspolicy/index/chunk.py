"""Clause-aware chunks: a clause is one chunk; a table row is a self-describing record.

Only clauses longer than `MAX_CHARS` are split, with langchain-text-splitters
at Chinese sentence boundaries. Bare headings ("三、重点领域") with sub-clauses carry
no content of their own and are not chunked; their text is in every child's heading
path. A short clause without sub-clauses ("1、租赁双方当事人身份证明;") is content.
"""

from __future__ import annotations

from ..models import Chunk, Clause, Table
from ..understand.tables import row_citation
from ..text import squash

MAX_CHARS = 600
CHUNK_CHARS = 400
OVERLAP = 60


def split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHARS:
        return [text]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_CHARS, chunk_overlap=OVERLAP, keep_separator="end",
        separators=["\n", "。", "；", "，", ""],
    )
    return [part.strip() for part in splitter.split_text(text) if part.strip()]


def is_bare_heading(text: str) -> bool:
    """"三、重点领域": one short line without a sentence, whose content is in its sub-clauses."""
    return "\n" not in text.strip() and len(squash(text)) <= 30 and not any(p in text for p in "。；！？：")


def clause_chunks(clause: Clause, has_children: bool = False) -> list[Chunk]:
    if clause.kind == "footer" or (has_children and is_bare_heading(clause.text)):
        return []
    parts = split_long(clause.text)
    return [Chunk(f"{clause.doc_id}#{clause.clause_id}" + (f"/{i}" if len(parts) > 1 else ""),
                  clause.doc_id, clause.clause_id, clause.label, clause.heading, part, clause.page)
            for i, part in enumerate(parts)]


def row_record(table: Table, row: tuple[str, ...]) -> str:
    """One row with every header, in printed order:
    '…表｜创新企业｜累计高新技术企业新增数（家）｜2025年：300；开发区：135；…｜责任单位：市科技局'.

    Labels (group, indicator, task) stand bare, the row number as 第N项, value columns
    together as "header：value" pairs, every other cell as "header：cell".
    """
    parts: list[str | list[str]] = [table.title]
    values: list[str] = []
    for header, role, cell in zip(table.header, table.roles or ("text",) * len(row), row):
        cell, header = cell.strip(), squash(header)
        if not cell:
            continue
        if role == "value":
            if not values:
                parts.append(values)  # the values stand together where the first one is printed
            values.append(f"{header}：{cell}")
        elif role == "seq":
            parts.append(f"第{cell}项")
        elif role in ("group", "indicator", "task", "place") or not header:
            parts.append(cell)
        else:
            parts.append(f"{header}：{cell}")
    return "｜".join("；".join(p) if isinstance(p, list) else p for p in parts if p)


def table_chunks(table: Table, doc_id: str, clause_id: str) -> list[Chunk]:
    roles = list(table.roles)
    indicator = roles.index("indicator") if "indicator" in roles and table.kind == "breakdown" else None
    out = []
    for i, row in enumerate(table.rows):
        label = row_citation(table, row)
        ref = row[indicator] if indicator is not None else ""
        out.append(Chunk(f"{doc_id}#{clause_id}.R{i + 1}", doc_id, f"{clause_id}.R{i + 1}", label, table.label,
                         "\t".join(row), table.page, kind="row", ref=ref, record=row_record(table, row)))
    return out


def document_chunks(clauses: tuple[Clause, ...], tables: tuple[Table, ...]) -> list[Chunk]:
    """Every chunk of one document, in document order (rows after their clause)."""
    chunks: list[Chunk] = []
    parents = {clause.parent for clause in clauses}
    for clause in clauses:
        chunks += clause_chunks(clause, clause.clause_id in parents)
        for t_index, table in enumerate(t for t in tables if t.label == clause.label):
            clause_id = clause.clause_id + (f".T{t_index + 1}" if t_index else "")
            chunks += table_chunks(table, clause.doc_id, clause_id)
    return chunks
