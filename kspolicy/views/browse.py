"""Data of the browsing pages: the library read once per build, district targets, clause trees, downloads.

Pure functions over the exported facts (`Catalog.export_facts`) and stored
records, returning pandas DataFrames or plain values, so the Streamlit page
only lays them out. Column names are Chinese because they are shown as is.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..index.catalog import Catalog
from ..understand.check import FINDING_NAMES, Finding, check
from ..models import Chunk, Clause, Document, Table
from ..text import fold, squash

CITY = "全市"
HIDDEN_KINDS = {"notice", "footer", "list"}  # not clauses of the policy itself
REFERENCE = re.compile(r"《(?P<title>[^》]+)》\s*(?:[（(](?P<number>[^）)]+)[）)])?")


@dataclass(frozen=True)
class Library:
    """Everything the browsing pages show, read once per build."""

    folder: Path
    documents: tuple[Document, ...]
    clauses: dict[str, tuple[Clause, ...]]
    facts: dict  # Catalog.export_facts
    findings: tuple[Finding, ...]
    tables: dict[str, tuple[Table, ...]] = field(default_factory=dict)
    status: dict[str, dict] = field(default_factory=dict)  # doc_id -> Catalog.export_documents row


def load_library(folder: Path, today: date | None = None) -> Library:
    """Read the browsing data of one build folder (the one `index.resolve` returns); status as of `today`."""
    catalog = Catalog.open(folder)
    try:
        documents = tuple(catalog.documents().values())
        clauses = {d.doc_id: catalog.clauses(d.doc_id) for d in documents}
        tables = {d.doc_id: catalog.tables(d.doc_id) for d in documents}
        facts = catalog.export_facts()
        status = {row["doc_id"]: row for row in catalog.export_documents(today or date.today())}
    finally:
        catalog.close()
    return Library(folder, documents, clauses, facts, tuple(check(facts)), tables, status)


def statuses(library: Library) -> dict[str, str]:
    """doc_id -> 现行有效 / 已失效 / 被替代 / 未知."""
    return {doc_id: row["status"] for doc_id, row in library.status.items()}


# --------------------------------------------------------------------------- responsibilities


def label_text(clauses: tuple[Clause, ...], chunks: list[Chunk], doc_id: str, label: str,
               rows: dict[tuple[str, str], list[int]] | None = None) -> str:
    """Verbatim text under a label: the clause itself, else its chunks (a task-list row such as 附件2 第8项).

    `rows` (the index's (doc_id, label) -> chunk rows) finds the chunks without reading them all.
    """
    for c in clauses:
        if c.doc_id == doc_id and c.label == label:
            return c.text
    if rows is not None:
        return "\n".join(chunks[i].text for i in rows.get((doc_id, label), []))
    return "\n".join(c.text for c in chunks if c.doc_id == doc_id and c.label == label)


# --------------------------------------------------------------------------- targets


def district_columns(targets: list[dict]) -> list[str]:
    """Districts of breakdown tables in the order printed (全市 excluded)."""
    return list(dict.fromkeys(t["scope"] for t in targets if t["source"] == "table" and t["scope"] != CITY))


def target_table(targets: list[dict]) -> pd.DataFrame:
    """Indicator × district for breakdown tables: 全市, each district, 责任单位; NaN = 未划分."""
    districts = district_columns(targets)
    rows: dict[tuple, dict] = {}
    for t in targets:
        if t["source"] != "table":
            continue
        key = (t["doc_id"], t["clause"], t["group"], t["indicator"], t["unit"], t["year"])
        row = rows.setdefault(key, {"分组": t["group"], "指标": t["indicator"], "单位": t["unit"],
                                    "年份": t["year"], CITY: None, "责任单位": t["department"],
                                    "条款": t["clause"], "引用": t["citation"]})
        row[t["scope"]] = t["value"]
    columns = ["分组", "指标", "单位", "年份", CITY, *districts, "责任单位", "条款", "引用"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    for name in [CITY, *districts]:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    frame["年份"] = frame["年份"].astype("Int64")
    return frame


def text_targets(targets: list[dict]) -> pd.DataFrame:
    """Targets stated in the body text (不在分解表中)."""
    records = [{"指标": t["indicator"], "目标值": t["value"], "单位": t["unit"], "年份": t["year"],
                "范围": t["scope"], "责任单位": t["department"], "条款": t["clause"], "引用": t["citation"]}
               for t in targets if t["source"] == "text"]
    frame = pd.DataFrame(records, columns=["指标", "目标值", "单位", "年份", "范围", "责任单位", "条款", "引用"])
    frame["目标值"] = pd.to_numeric(frame["目标值"], errors="coerce")
    frame["年份"] = frame["年份"].astype("Int64")
    return frame


def indicator_label(row: pd.Series) -> str:
    unit = f"（{row['单位']}）" if row["单位"] else ""
    return f"{row['指标']}{unit}"


def district_values(table: pd.DataFrame, position: int) -> pd.DataFrame:
    """One indicator across districts, for a bar chart: columns 区镇, 目标值 (未划分 left out)."""
    row = table.iloc[position]
    names = [c for c in table.columns[table.columns.get_loc(CITY) + 1: table.columns.get_loc("责任单位")]]
    values = [(name, float(row[name])) for name in names if pd.notna(row[name])]
    return pd.DataFrame(values, columns=["区镇", "目标值"])


def finding_rows(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[str, str, str]]:
    """(kind in Chinese, message, citations) of each consistency finding."""
    return [(FINDING_NAMES.get(f.kind, f.kind), f.message, "；".join(f.citations)) for f in findings]


# --------------------------------------------------------------------------- documents


def fact_counts(facts: dict) -> Counter:
    return Counter(f["doc_id"] for kind in ("responsibilities", "targets") for f in facts[kind])


def clause_count(clauses: tuple[Clause, ...]) -> int:
    return sum(c.kind not in HIDDEN_KINDS for c in clauses)


def clause_depths(clauses: tuple[Clause, ...]) -> list[tuple[int, Clause]]:
    """(depth, clause) in document order; depth counts parents, 0 for top-level clauses."""
    parents = {c.clause_id: c.parent for c in clauses}
    out = []
    for c in clauses:
        depth, parent, seen = 0, c.parent, set()
        while parent and parent in parents and parent not in seen:
            seen.add(parent)
            depth, parent = depth + 1, parents[parent]
        out.append((depth, c))
    return out


def clause_title(clause: Clause) -> str:
    """The clause's own heading (last part of its heading path), without its printed number."""
    title = clause.heading.split(" > ")[-1] if clause.heading else ""
    if not title or squash(title) == squash(clause.label):  # e.g. 附件1: its title is the next line
        lines = [line for line in clause.text.split("\n") if squash(line) != squash(clause.label)]
        title = lines[0] if lines else title
    title = re.sub(r"^\s*(?:[一二三四五六七八九十百]+、|[0-9０-９]+[.．、]|[（(][^）)]{1,3}[）)])\s*", "", title)
    return title[:60]


def clause_tree(clauses: tuple[Clause, ...]) -> list[tuple[int, str, str]]:
    """(depth, label, title) for the outline of a document."""
    return [(depth, c.label, clause_title(c)) for depth, c in clause_depths(clauses)
            if c.kind not in HIDDEN_KINDS]


@dataclass(frozen=True)
class MissingReference:
    reference: str  # as printed: 《标题》（文号）
    title: str
    doc_number: str
    cited_by: tuple[str, ...]  # titles of the documents that cite it


def parse_reference(reference: str) -> tuple[str, str]:
    """(title, 文号) of a reference such as 《苏州市…》（苏委发〔2022〕1号）."""
    m = REFERENCE.search(reference)
    if not m:
        return reference.strip(), ""
    return m.group("title").strip(), (m.group("number") or "").strip()


def missing_references(documents: tuple[Document, ...] | list[Document]) -> list[MissingReference]:
    """Documents cited by the corpus (by 文号, else by title) that it does not contain."""
    numbers = {fold(d.doc_number) for d in documents if d.doc_number}
    titles = {fold(d.title) for d in documents}
    found: dict[str, MissingReference] = {}
    for d in documents:
        for reference in d.references:
            title, number = parse_reference(reference)
            if (number and fold(number) in numbers) or fold(title) in titles:
                continue
            key = fold(number) or fold(title)
            previous = found.get(key)
            cited = (*previous.cited_by, d.title) if previous else (d.title,)
            found[key] = MissingReference(reference, title, number, tuple(dict.fromkeys(cited)))
    return list(found.values())


# --------------------------------------------------------------------------- downloads


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens the Chinese text correctly; 未划分 written as --."""
    return frame.to_csv(index=False, na_rep="--").encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False, na_rep="--")
    return buffer.getvalue()
