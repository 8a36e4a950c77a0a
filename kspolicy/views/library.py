"""The 文件库 page for hundreds of documents: a catalogue with status, filters, the clause tree, attachment tables.

Pure functions over the stored records. Status (现行有效 / 已失效 / 被替代 / 未知) is the
one `Catalog.export_documents` computes for `docs --json`, so the page and the CLI agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..models import Clause, Document, Table
from ..understand.vocab import load_vocabulary
from .browse import HIDDEN_KINDS, Library, clause_count, clause_depths, clause_title, fact_counts

OTHER_KIND = "其他"
UNKNOWN = "未知"
SEPARATORS = re.compile(r"[、，,；;\s]+")
YEAR_IN_NUMBER = re.compile(r"[〔\[（(](\d{4})[〕\]）)]")
COLUMNS = ["标题", "状态", "文号", "发文机关", "日期", "年份", "类型", "施行日期", "有效期至", "条款数", "事实数",
           "来源文件", "doc_id"]


def document_kind(title: str) -> str:
    """What kind of document a title names, coarsely: 意见, 方案, 办法, 通知 … (else 其他).

    The longest title ending of the vocabulary wins; compound endings fold to their
    last word (实施意见 -> 意见, 管理办法 -> 办法), so the filter stays short.
    """
    title = re.sub(r"[（(](?:试行|暂行|修订|\d{4}年[^）)]*)[）)]$", "", title.strip())
    endings = sorted((k for k in load_vocabulary().document_kinds if not k.startswith("（")), key=len, reverse=True)
    found = next((k for k in endings if title.endswith(k)), "")
    if not found:
        return OTHER_KIND
    return re.sub(r"[（(].*$", "", found)[-2:] if len(found) > 2 else found


def document_year(document: Document) -> str:
    """The year a document was issued: from its date, else from its 文号 (〔2022〕), else ''."""
    if document.date[:4].isdigit():
        return document.date[:4]
    m = YEAR_IN_NUMBER.search(document.doc_number)
    return m.group(1) if m else ""


def issuers_of(issuer: str) -> list[str]:
    """Every issuing unit of a joint document ("广州市医疗保障局、广州市财政局" -> two)."""
    return [p for p in SEPARATORS.split(issuer or "") if len(p) >= 2]


def document_frame(library: Library) -> pd.DataFrame:
    """One row per document with year, kind and status, for the catalogue and its filters."""
    facts = fact_counts(library.facts)
    records = []
    for d in library.documents:
        status = library.status.get(d.doc_id, {})
        records.append({"标题": d.title, "文号": d.doc_number, "发文机关": d.issuer, "日期": d.date,
                        "年份": document_year(d), "类型": document_kind(d.title),
                        "状态": status.get("status") or UNKNOWN, "施行日期": d.effective, "有效期至": d.expires,
                        "条款数": clause_count(library.clauses.get(d.doc_id, ())), "事实数": facts[d.doc_id],
                        "来源文件": Path(d.source).as_posix(), "doc_id": d.doc_id})
    return pd.DataFrame(records, columns=COLUMNS)


@dataclass(frozen=True)
class DocumentFilter:
    """What the reader narrowed the catalogue to; empty means everything."""

    issuers: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""  # searched in title, 文号 and issuer


def filter_documents(frame: pd.DataFrame, chosen: DocumentFilter) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if chosen.issuers:
        wanted = set(chosen.issuers)
        keep &= frame["发文机关"].map(lambda s: bool(wanted & set(issuers_of(s))))
    if chosen.years:
        keep &= frame["年份"].isin(chosen.years)
    if chosen.kinds:
        keep &= frame["类型"].isin(chosen.kinds)
    if chosen.statuses:
        keep &= frame["状态"].isin(chosen.statuses)
    if chosen.text.strip():
        needle = chosen.text.strip().casefold()
        keep &= (frame["标题"] + " " + frame["文号"] + " " + frame["发文机关"]).str.casefold().str.contains(
            needle, regex=False)
    return frame[keep]


def filter_options(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Choices of each filter, most common issuers first, newest years first."""
    issuers = pd.Series([i for s in frame["发文机关"] for i in issuers_of(s)], dtype=object)
    return {"issuers": list(issuers.value_counts().index),
            "years": sorted({y for y in frame["年份"] if y}, reverse=True),
            "kinds": sorted(set(frame["类型"]), key=lambda k: (k == OTHER_KIND, k)),
            "statuses": [s for s in ("现行有效", "已失效", "被替代", UNKNOWN) if s in set(frame["状态"])]}


@dataclass(frozen=True)
class TreeNode:
    clause_id: str
    label: str
    title: str
    depth: int

    @property
    def shown(self) -> str:
        """The node as a line of the tree: indented by depth (ideographic spaces), label, title."""
        return "\u3000" * self.depth + f"{self.label}　{self.title}".strip()


def clause_nodes(clauses: tuple[Clause, ...]) -> list[TreeNode]:
    """The outline of a document (its notice, list of attachments and footer left out)."""
    return [TreeNode(c.clause_id, c.label, clause_title(c), depth) for depth, c in clause_depths(clauses)
            if c.kind not in HIDDEN_KINDS]


def tables_at(tables: tuple[Table, ...], label: str) -> list[Table]:
    """The tables printed under a clause (附件1's target table), in document order."""
    return [t for t in tables if t.label == label and t.rows]


def column_names(header: tuple[str, ...], width: int) -> list[str]:
    """Unique, non-empty column names: a blank header cell is 列N, a repeated one gets （2）."""
    names, seen = [], {}
    for i in range(width):
        name = (header[i] if i < len(header) else "").strip() or f"列{i + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}（{seen[name]}）")
    return names


def table_frame(table: Table) -> pd.DataFrame:
    """A stored table as a DataFrame of its printed cells (text, as in the document)."""
    width = max([len(table.header), *(len(r) for r in table.rows)], default=0)
    rows = [tuple(r) + ("",) * (width - len(r)) for r in table.rows]
    return pd.DataFrame(rows, columns=column_names(table.header, width), dtype=object)
