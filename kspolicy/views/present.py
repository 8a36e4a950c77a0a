"""Shape an answer for the ask page: metrics, department tags, lists, highlighted passages.

Pure functions returning strings (Streamlit markdown) and small records, so the
page only places them. Source text is escaped before it is marked up: policy
text may contain characters that markdown would otherwise interpret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from ..models import Answer, Hit
from ..answer.query import Query
from ..answer.search import quoted_phrases
from ..text import number

EXAMPLES = (
    "花桥的高新技术企业新增目标是多少？",
    "人才引进由哪些部门负责？",
    "市科技局牵头哪些任务？",
    "周市镇2025年有哪些目标？",
)
KIND_NAMES = {"responsibility": "责任分工", "target": "目标", "department_tasks": "部门任务",
              "district_targets": "区镇目标", "passage": "条款原文", "none": "未找到"}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>:&=^\"'])")
# GFM turns bare URLs and e-mail addresses into links after escapes are resolved; a word joiner
# (U+2060, invisible) after the scheme, "www" or "@" keeps them text.
AUTOLINK = re.compile(r"(?i)(https?|mailto|xmpp)(?=:)|(www)(?=\.)|(@)(?=[-\w])")
WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Markdown-safe text: ASCII punctuation backslash-escaped, no autolinks, line breaks kept."""
    text = AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def value_text(value: float | int | None, unit: str) -> str:
    if value is None:
        return "未划分"
    return f"{number(value)} {unit}".strip()


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    note: str  # year, scope, department, clause


def target_metrics(answer: Answer) -> list[Metric]:
    """One big number per target fact: '12 家' with what it measures underneath."""
    out = []
    for f in answer.facts:
        if "indicator" not in f:
            continue
        parts = [f"{f['year']}年" if f.get("year") else "", f"范围：{f['scope']}",
                 f"责任单位：{f['department']}" if f.get("department") else "", f"出处：{f['clause']}"]
        out.append(Metric(f"{f['scope']} · {f['indicator']}", value_text(f["value"], f["unit"]),
                          " · ".join(p for p in parts if p)))
    return out


def answer_departments(answer: Answer) -> list[str]:
    """Departments of a responsibility answer, lead first."""
    names: list[str] = []
    for f in answer.facts:
        names += list(f["departments"]) if "departments" in f else \
            [d for d in re.split(r"[、，,；;]", f.get("department", "")) if d]
    return list(dict.fromkeys(names))


def answer_task(answer: Answer) -> str:
    """What a responsibility answer is about: the task, or the indicator."""
    for f in answer.facts:
        return f.get("task") or f.get("indicator", "")
    return ""


def tags(names: list[str], color: str = "blue") -> str:
    """Departments as badges (Streamlit markdown directive)."""
    return " ".join(f":{color}-badge[{escape(n)}]" for n in names)


def unassigned(answer: Answer) -> list[str]:
    """Indicators of a district answer that the table leaves to other districts (--)."""
    return [f["indicator"] for f in answer.facts if "indicator" in f and fact_value(f) == "未划分"]


def highlight_terms(q: Query, places: dict[str, list[str]], departments: dict[str, list[str]],
                    tokens: list[str]) -> list[str]:
    """Words to mark in passages: names the question mentions (all written forms), its content words."""
    terms = [form for name in q.districts for form in places.get(name, [name])]
    terms += [form for name in q.departments for form in departments.get(name, [name])]
    terms += quoted_phrases(q.text) + [t for t in tokens if len(t) >= 2]
    terms += [part for part in q.topic.split() if len(part) >= 2]
    return sorted(set(terms), key=lambda t: (-len(t), t))


def highlight(text: str, terms: list[str]) -> str:
    """Escaped markdown of `text` with the terms in bold orange; adjacent terms form one mark."""
    terms = [t for t in terms if t]
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    spans: list[list[int]] = []
    for m in pattern.finditer(text):
        if spans and m.start() <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], m.end())
        else:
            spans.append([m.start(), m.end()])
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f":orange[**{escape(text[start:end])}**]")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


# --------------------------------------------------------------------------- answers grouped by document

TIMEZONE = "Asia/Shanghai"  # the office's clock: dates on the page are local, never raw UTC
STATUS_COLORS = {"现行有效": "green", "已失效": "red", "被替代": "orange"}  # 未知: no badge
ROLE_NAMES = {"lead": "牵头", "partner": "配合", "listed": "责任单位"}


@dataclass(frozen=True)
class Item:
    """One fact or quoted passage of an answer, with its own citation and verbatim clause."""

    text: str
    citation: str
    clause_text: str = ""


@dataclass(frozen=True)
class DocGroup:
    """The items of an answer that come from one document."""

    doc_id: str
    title: str
    doc_number: str
    date: str
    city: str  # set only when the answer spans documents of several cities
    status: str  # 现行有效 / 已失效 / 被替代 / 未知
    items: tuple[Item, ...]

    @property
    def heading(self) -> str:
        """《标题》（文号） · 2022-09-29 · 昆山 (plain text)."""
        parts = [f"《{self.title}》" + (f"（{self.doc_number}）" if self.doc_number else "")]
        parts += [p for p in (self.date, self.city) if p]
        return " · ".join(parts)


@dataclass(frozen=True)
class Passage:
    """A supporting hit as shown: its rank, a relevance that never rises with the rank (None: weak)."""

    rank: int
    doc_title: str
    clause: str
    citation: str
    text: str
    relevance: float | None
    page: int | None
    status: str


@dataclass(frozen=True)
class AnswerView:
    """Everything the page, the exports and the history need about one answered question."""

    question: str
    asked_at: str  # local time, "2026-11-27 20:01"
    scope: str  # title of the document the question was limited to, or ''
    kind: str
    text: str
    citation: str
    clause_text: str
    status: str  # of the document the main citation names
    groups: tuple[DocGroup, ...]
    passages: tuple[Passage, ...]

    @property
    def weak(self) -> bool:
        return self.kind == "none"


def local_time(moment: str | datetime | None = None, zone: str = TIMEZONE) -> str:
    """An ISO timestamp (UTC or with an offset; now when omitted) as local 'YYYY-MM-DD HH:MM'."""
    try:
        value = moment if isinstance(moment, datetime) else \
            datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else datetime.now(timezone.utc)
    except ValueError:
        return str(moment)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def local_date(zone: str = TIMEZONE) -> date:
    """Today in the office's time zone (documents expire by local dates)."""
    return datetime.now(ZoneInfo(zone)).date()


def relevance(scores: list[float]) -> list[float]:
    """Shown relevance: each fused score capped by the one ranked above it, within 0..1.

    Hits come best first, but the chunks an answer rests on lead even when their fused
    score is lower; the running minimum keeps the number monotone with the rank.
    """
    out, cap = [], 1.0
    for s in scores:
        cap = min(cap, max(0.0, float(s)))
        out.append(round(cap, 2))
    return out


def status_badge(status: str) -> str:
    """Markdown badge for a document's status; '' when unknown."""
    color = STATUS_COLORS.get(status)
    return f":{color}-badge[{status}]" if color else ""


def role(fact: dict, names: set[str]) -> str:
    """lead / partner / listed (a plain 责任单位 list) / '' for a unit known by `names`."""
    if names & set(fact.get("lead") or ()):
        return "lead"
    if names & set(fact.get("partners") or ()):
        return "partner"
    return "listed" if names & set(fact.get("departments") or ()) else ""


def fact_value(f: dict) -> str:
    """A target's value as printed ('7左右（%）', '不少于100名') or value + unit; 未划分 for --."""
    printed = (f.get("value_text") or "").strip()
    if f.get("value") is None and printed in ("", "--", "—", "-", "/"):
        return "未划分"
    if not printed or printed == str(number(f["value"])):
        return value_text(f["value"], f.get("unit", ""))
    unit = f.get("unit", "")
    return printed if not unit or printed.endswith(unit) else f"{printed}（{unit}）"


def fact_text(f: dict, kind: str, names: set[str]) -> str:
    """One fact as a line of plain text; a unit's own role when the question named the unit."""
    if "indicator" in f:
        year = f"（{f['year']}年）" if f.get("year") else ""
        dept = f"，责任单位：{f['department']}" if f.get("department") else ""
        return f"{f['scope']}：{f['indicator']} {fact_value(f)}{year}{dept}"
    text = f["task"]
    taken = role(f, names) if kind == "department_tasks" else ""
    if taken:
        text += f"（{ROLE_NAMES[taken]}）"
    else:
        text += f" — 责任单位：{'、'.join(f['departments'])}"
        if f.get("lead"):
            text += f"（牵头：{'、'.join(f['lead'])}；配合：{'、'.join(f.get('partners') or ()) or '无'}）"
    return text + (f"；完成时限：{f['deadline']}" if f.get("deadline") else "")


def group_by_document(items: list[tuple[str, Item]], documents: dict, statuses: dict[str, str]) -> tuple[DocGroup, ...]:
    """(doc_id, item) pairs into one group per document, in order of first appearance."""
    order: dict[str, list[Item]] = {}
    for doc_id, item in items:
        if doc_id in documents and item not in order.setdefault(doc_id, []):
            order[doc_id].append(item)
    cities = {documents[d].city for d in order if documents[d].city}
    return tuple(DocGroup(d, documents[d].title, documents[d].doc_number, documents[d].date,
                          documents[d].city if len(cities) > 1 else "", statuses.get(d, "未知"), tuple(found))
                 for d, found in order.items())


def answer_view(question: str, answer: Answer, hits: list[Hit], documents: dict, statuses: dict[str, str],
                clause_text: Callable[[str, str], str], names: set[str] = frozenset(), scope: str = "",
                asked_at: str = "") -> AnswerView:
    """The answer grouped by document (each fact with its citation and clause), and the ranked passages."""
    items = [(f["doc_id"], Item(fact_text(f, answer.kind, names), documents[f["doc_id"]].citation(f["clause"]),
                                clause_text(f["doc_id"], f["clause"])))
             for f in answer.facts if f.get("doc_id") in documents and ("task" in f or "indicator" in f)
             and not (answer.kind == "district_targets" and fact_value(f) == "未划分")]  # listed apart
    cited = next((h.doc_id for h in hits if h.citation == answer.citation), "")
    if not items and answer.kind != "none" and cited:  # a quoted passage: the quote is the item
        items = [(cited, Item(answer.text, answer.citation, answer.clause_text))]
    weak = answer.kind == "none"
    shown = relevance([h.score for h in hits])
    passages = tuple(Passage(n, h.doc_title, h.clause, h.citation, h.text, None if weak else shown[n - 1], h.page,
                             statuses.get(h.doc_id, "未知")) for n, h in enumerate(hits, 1))
    return AnswerView(question, asked_at or local_time(), scope, answer.kind, answer.text, answer.citation,
                      answer.clause_text, statuses.get(cited, "未知") if cited else "",
                      group_by_document(items, documents, statuses), passages)
