"""Consistency report (`facts --check`) for drafting staff, computed from exported facts.

- sum: district values of a breakdown row do not add up to its 全市 value;
- mismatch: the body text and a table give different values for the same target;
- unit: same target and value, different unit (项 vs 个);
- only_in: a target stated in a task's attachment row but not in its body clause, or the reverse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..scoring import grams, overlap
from ..text import number

SAME = 0.75  # share of the shorter name found in the longer one: the same target
SAME_UNIT = ({"人", "名", "位"},)  # units that count the same thing
RATES = ("率", "比重", "占比", "比例", "增幅", "增速")  # names of values that are no parts of a total
PER = re.compile(r"^(?:每|人均|户均|平均)|每[千万百十]")  # "每千人口拥有…托位数", "人均…": per head, no part of a total
FINDING_NAMES = {"sum": "分解值之和", "mismatch": "数值不一致", "unit": "单位不一致", "only_in": "正文与附件不一致"}


@dataclass(frozen=True)
class Finding:
    kind: str  # sum | mismatch | unit | only_in
    message: str  # Chinese, one line
    citations: tuple[str, ...]


def similarity(a: str, b: str) -> float:
    """How much of the shorter name the longer one contains; 0 when their numbers differ (超100 vs 超200)."""
    if re.findall(r"\d+(?:\.\d+)?", a) != re.findall(r"\d+(?:\.\d+)?", b):
        return 0.0
    return max(overlap(grams(a), grams(b), {}, 1.0))


def same_unit(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in SAME_UNIT)


def fmt(value) -> str:
    return "--" if value is None else str(number(value))


def additive(target: dict) -> bool:
    """District values of this kind add up to the total: counts and amounts, not rates or growth
    ("覆盖率 %": each district's 95% is not a part of the city's 95%)."""
    unit, name = target.get("unit") or "", target.get("indicator") or ""
    return not re.search(r"[%‰]|增幅|增长|百分点", unit) and not name.endswith(RATES) and not PER.search(name)


def sum_findings(targets: list[dict]) -> list[Finding]:
    rows: dict[tuple, dict[str, object]] = defaultdict(dict)
    cites: dict[tuple, str] = {}
    for t in targets:
        if t["source"] == "table" and t.get("kind", "target") == "target" and additive(t):
            key = (t["doc_id"], t["clause"], t["indicator"], t["year"])  # a year table's columns are not districts
            rows[key][t["scope"]] = t["value"]
            cites[key] = t["citation"]
    out = []
    for key, scopes in rows.items():
        total = scopes.get("全市")
        parts = [v for s, v in scopes.items() if s != "全市" and v is not None]
        if total is None or not parts or abs(sum(parts) - total) < 1e-9:
            continue
        unassigned = sum(1 for s, v in scopes.items() if s != "全市" and v is None)
        note = f"，{unassigned} 个区镇未划分" if unassigned else ""
        out.append(Finding("sum", f"“{key[2]}”各区镇之和为 {fmt(sum(parts))}，全市为 {fmt(total)}{note}",
                           (cites[key],)))
    return out


def text_table_findings(targets: list[dict]) -> list[Finding]:
    table = [t for t in targets if t["source"] == "table" and t["scope"] == "全市" and t.get("kind", "target") == "target"]
    out = []
    for t in (t for t in targets if t["source"] == "text" and t.get("kind", "target") == "target"):
        scored = [(similarity(t["indicator"], r["indicator"]), r) for r in table if r["doc_id"] == t["doc_id"]
                  and (t["year"] is None or r["year"] is None or t["year"] == r["year"])]
        if not scored:
            continue
        sim, r = max(scored, key=lambda x: x[0])
        if sim < SAME:
            continue
        cites = (t["citation"], r["citation"])
        if r["value"] is not None and abs(r["value"] - t["value"]) > 1e-9:
            out.append(Finding("mismatch", f"正文“{t['indicator']} {fmt(t['value'])} {t['unit']}”与表中"
                                           f"“{r['indicator']} {fmt(r['value'])} {r['unit']}”不一致", cites))
        elif r["unit"] and t["unit"] and not same_unit(r["unit"], t["unit"]):
            out.append(Finding("unit", f"“{t['indicator']}”单位不一致：正文为“{t['unit']}”，表中为“{r['unit']}”",
                               cites))
    return out


def body_attachment_findings(data: dict) -> list[Finding]:
    """Targets of one task that its clause and its task-list row do not both state."""
    by_clause: dict[tuple, list[dict]] = defaultdict(list)
    for t in data["targets"]:
        if t["source"] == "text":
            by_clause[(t["doc_id"], t["clause"])].append(t)
    out = []
    for r in data["responsibilities"]:
        if len(r["sources"]) < 2:
            continue
        body, row = r["sources"][0], r["sources"][1]
        a, b = by_clause[(r["doc_id"], body)], by_clause[(r["doc_id"], row)]
        if not a or not b:
            continue  # a task row that states no target (only the task and its units) disagrees with nothing
        for mine, theirs, here, there in ((a, b, body, row), (b, a, row, body)):
            for t in mine:
                if not any(similarity(t["indicator"], o["indicator"]) >= SAME and o["value"] == t["value"]
                           for o in theirs):
                    out.append(Finding("only_in", f"{here} 有“{t['indicator']} {fmt(t['value'])} {t['unit']}”，"
                                                  f"{there} 中没有相同的目标", (t["citation"],)))
    return out


def check(data: dict) -> list[Finding]:
    """All findings over the exported facts of an index; one per message, citations merged."""
    merged: dict[tuple[str, str], tuple[str, ...]] = {}
    for f in sum_findings(data["targets"]) + text_table_findings(data["targets"]) + body_attachment_findings(data):
        key = (f.kind, f.message)
        merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + f.citations))
    return [Finding(kind, message, cites) for (kind, message), cites in merged.items()]


def findings_text(findings: list[Finding]) -> str:
    if not findings:
        return "一致性检查通过：没有发现问题。"
    lines = [f"发现 {len(findings)} 处需要核对："]
    lines += [f"- [{FINDING_NAMES[f.kind]}] {f.message}（{'；'.join(f.citations)}）" for f in findings]
    return "\n".join(lines)
