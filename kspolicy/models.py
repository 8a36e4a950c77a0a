"""Typed records passed between pipeline stages (frozen dataclasses, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One physical line of a source file, before artefact repair."""

    text: str
    page: int | None = None
    gap_before: bool = False  # a blank line (or a large vertical gap) precedes it
    full: bool | None = None  # PDF only: the line reaches the right margin (it wraps)
    table: bool = False  # cells separated by tabs
    title: bool = False  # PDF only: set larger than the body text, or centred
    paragraph: bool = False  # HTML: the source ends a paragraph here (a block), never joined to the next line


@dataclass(frozen=True)
class Loaded:
    """A file read into physical lines, with what the container itself says about the document.

    `hints` carries metadata a format states outside the text (a web page's title, 文号,
    发布机构, 成文日期): keys title, doc_number, issuer, date (ISO); they win over what
    the text suggests. A page may also state effective and expires (ISO, 实施日期/失效日期).
    """

    lines: list[Line]
    pages: int | None = None
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Para:
    """A logical line after repair: a paragraph, a heading or one table row."""

    text: str
    page: int | None = None
    table: bool = False


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    doc_number: str  # 文号, e.g. 昆政办发〔2022〕98号
    issuer: str
    date: str  # ISO date, '' when unknown
    source: str
    sha256: str
    pages: int | None
    references: tuple[str, ...] = ()  # 《标题》（文号） of documents it cites
    effective: str = ""  # ISO date the document takes effect (施行日期), '' when not stated
    expires: str = ""  # ISO date it stops being valid (有效期至 / 有效期N年), '' when not stated
    repeals: tuple[str, ...] = ()  # documents it repeals or replaces (“…同时废止”), as printed
    city: str = ""  # the issuing city or district (昆山, 广州, 吴江区): qualifies its unit names
    signers: tuple[str, ...] = ()  # units signing above the date (a joint document has several)

    def citation(self, label: str) -> str:
        """`《标题》（文号）LABEL`, the form drafting staff paste into documents."""
        number = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.title}》{number}{label}"


@dataclass(frozen=True)
class Clause:
    doc_id: str
    clause_id: str  # stable within the document, e.g. "s5.8", "att1"
    label: str  # as printed: 五、8 / 附件1 / 附件2 第8项
    heading: str  # heading path, e.g. "五、主要任务 > 8. 引培一批产业优秀人才"
    text: str  # verbatim after artefact repair
    page: int | None = None
    parent: str = ""
    kind: str = "text"  # text | heading | table | row | notice | footer


@dataclass(frozen=True)
class Table:
    """A reassembled table: header cells and data rows as printed, one role per column.

    Rows have the header's width; merged cells are filled (down a column, across a span).
    `roles` says what each column means (see understand/columns.py): seq, group,
    indicator, task, content, unit, value, lead, partner, responsible, leader, deadline,
    office, lead_office, partner_office, place, note or text.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = "generic"  # breakdown (targets by scope or year) | tasks (responsibilities) | generic
    label: str = ""  # label of the clause that holds the table, e.g. 附件1
    page: int | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Responsibility:
    """Who does a task. `departments` is every unit in printed order; `lead` and `partners`
    only where the document distinguishes roles (a plain 责任单位 list leaves `lead` empty)."""

    task: str
    departments: tuple[str, ...]
    clause: str  # label of the main clause
    doc_id: str
    sources: tuple[str, ...] = ()  # every clause label it was read from
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()  # named persons (牵头领导)
    deadline: str = ""  # 完成时限 as printed
    content: str = ""  # what the task involves (主要内容), when a table row says it
    offices: tuple[str, ...] = ()  # internal divisions (处室), lead offices first
    lead_offices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    indicator: str
    unit: str
    year: int | None
    scope: str  # 全市 or a district as printed in the table header
    value: float | None  # None where the table says -- (未划分)
    department: str
    clause: str
    doc_id: str
    group: str = ""  # row group of the table (总体目标, 创新企业, …)
    source: str = "table"  # table | text
    value_text: str = ""  # as printed: "7左右", "同口径增长5%", "不少于100名"
    qualifier: str = ""  # 左右 / 以上 / 不少于 / 力争 …
    period: str = ""  # "5年内", "2024—2026年", "每年"
    kind: str = "target"  # target | baseline (基数) | standard (每人每月400元, ages, deadlines)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    clause_id: str
    label: str
    heading: str
    text: str  # verbatim text shown and cited (a table row: its cells as printed, tab-separated)
    page: int | None = None
    kind: str = "text"  # text | row (a table row)
    ref: str = ""  # rows of a breakdown table: the indicator as printed
    record: str = ""  # rows: the row with every header ("指标｜2025年：300；开发区：135｜责任单位：…")

    @property
    def embed_text(self) -> str:
        """What the embedder and BM25 see: a clause with its heading path, a row as its record."""
        if self.kind == "row":
            return self.record or self.text
        return f"{self.heading}\n{self.text}" if self.heading else self.text


@dataclass(frozen=True)
class Hit:
    doc_id: str
    doc_title: str
    clause: str
    citation: str
    text: str
    score: float
    chunk_id: str = ""
    page: int | None = None
    kind: str = "text"


@dataclass(frozen=True)
class Answer:
    kind: str  # responsibility | target | department_tasks | district_targets | passage | none
    text: str
    facts: tuple[dict, ...] = ()
    citation: str = ""
    clause_text: str = ""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    note: str = ""  # why everything was reprocessed, when it was
