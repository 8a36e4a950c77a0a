"""Shape an answer for the ask page: metrics, department tags, lists, highlighted passages.

Pure functions returning strings (Streamlit markdown) and small records, so the
page only places them. Source text is escaped before it is marked up: policy
text may contain characters that markdown would otherwise interpret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Answer
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


def department_lines(answer: Answer, department: str) -> tuple[list[str], list[str]]:
    """(tasks, indicators) of a department answer, as markdown list items."""
    tasks, indicators = [], []
    for f in answer.facts:
        if "task" in f:
            role = "牵头" if f["departments"] and f["departments"][0] == department else \
                f"参与（牵头：{escape(f['departments'][0])}）"
            tasks.append(f"**{escape(f['clause'])}** {escape(f['task'])} — {role}")
        elif "indicator" in f:
            indicators.append(f"{escape(f['indicator'])}：**{escape(value_text(f['value'], f['unit']))}**"
                              f"（{escape(f['clause'])}）")
    return tasks, indicators


def district_lines(answer: Answer) -> tuple[list[str], list[str]]:
    """(targets with a value, indicators not assigned to the district) as markdown list items."""
    given, unassigned = [], []
    for f in answer.facts:
        if f.get("value") is None:
            unassigned.append(escape(f["indicator"]))
            continue
        dept = f"（{escape(f['department'])}）" if f.get("department") else ""
        given.append(f"{escape(f['indicator'])}：**{escape(value_text(f['value'], f['unit']))}**{dept}")
    return given, unassigned


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
