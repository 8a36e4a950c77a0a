"""Tables that fit a screen: who does what across documents, targets of one document, and their chart.

With hundreds of documents there are 100+ departments and hundreds of tasks, so the
task × department matrix only has the columns of the tasks shown, the reader narrows
it by document, unit and words of the task, and a unit name used by several cities
(市财政局 of 昆山 and of 广州) is shown with its city. Pure functions returning
DataFrames, column layouts and an Altair chart; the page only places them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd

LEAD, PARTNER, LISTED = "牵头", "配合", "责任"  # a plain 责任单位 list names no lead
MATRIX, LIST = "任务 × 部门矩阵", "任务列表"
MATRIX_UNITS = 30  # more units than this: the task list is shown first (the matrix is a choice away)
FIRST = ["文件", "条款", "任务"]
LAST = ["出处", "引用"]


def departments_of(responsibilities: list[dict]) -> list[str]:
    """Every department, in order of first mention."""
    return list(dict.fromkeys(d for r in responsibilities for d in r["departments"]))


def role_of(r: dict, name: str) -> str:
    """牵头 / 配合 where the document says so, 责任 for a unit of a plain list, '' when not listed."""
    if name in r.get("lead", ()):
        return LEAD
    if name in r.get("partners", ()):
        return PARTNER
    return LISTED if name in r["departments"] else ""


def unit_labels(responsibilities: list[dict], cities: dict[str, str]) -> dict[tuple[str, str], str]:
    """(unit, city) -> the name shown: the unit, or "unit（city）" when several cities use the name."""
    seen: dict[str, set[str]] = {}
    for r in responsibilities:
        for d in r["departments"]:
            seen.setdefault(d, set()).add(cities.get(r["doc_id"], ""))
    labels = {}
    for r in responsibilities:
        city = cities.get(r["doc_id"], "")
        for d in r["departments"]:
            labels[(d, city)] = f"{d}（{city}）" if len(seen[d]) > 1 and city else d
    return labels


def units_of(r: dict, labels: dict[tuple[str, str], str], cities: dict[str, str]) -> list[str]:
    return [labels[(d, cities.get(r["doc_id"], ""))] for d in r["departments"]]


def filter_responsibilities(responsibilities: list[dict], cities: dict[str, str], doc_ids: tuple[str, ...] = (),
                            units: tuple[str, ...] = (), text: str = "") -> list[dict]:
    """Tasks of the chosen documents that any chosen unit (as labelled) takes part in, whose words match."""
    labels = unit_labels(responsibilities, cities)
    needle = text.strip().casefold()
    return [r for r in responsibilities
            if (not doc_ids or r["doc_id"] in doc_ids)
            and (not units or set(units) & set(units_of(r, labels, cities)))
            and (not needle or needle in f"{r['task']} {r.get('content', '')} {r['clause']}".casefold())]


def short_name(doc_number: str, title: str) -> str:
    """A document in one short cell: its 文号, else its title."""
    return doc_number or title


def responsibility_matrix(rows: list[dict], cities: dict[str, str] | None = None, names: dict[str, str] | None = None,
                          labels: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """Task × unit for the given tasks: 牵头 / 配合 where the document gives roles, 责任 for a plain list.

    Only units of these tasks become columns, named by `labels` (from every task, so a unit keeps
    its city when the rows shown happen to be from one city); `names` (doc_id -> short name) adds 文件.
    """
    cities = cities or {}
    labels = labels or unit_labels(rows, cities)
    columns = list(dict.fromkeys(label for r in rows for label in units_of(r, labels, cities)))
    records = []
    for r in rows:
        record = {"文件": (names or {}).get(r["doc_id"], ""), "条款": r["clause"], "任务": r["task"]}
        for d in r["departments"]:
            record[labels[(d, cities.get(r["doc_id"], ""))]] = role_of(r, d)
        record["出处"] = "；".join(r.get("sources") or (r["clause"],))
        record["引用"] = r["citation"]
        records.append(record)
    frame = pd.DataFrame(records, columns=[*FIRST, *columns, *LAST]).fillna("")
    return frame if names else frame.drop(columns="文件")


def responsibility_list(rows: list[dict], names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per task with its units by role: readable however many units there are."""
    records = [{"文件": (names or {}).get(r["doc_id"], ""), "条款": r["clause"], "任务": r["task"],
                "牵头单位": "、".join(r.get("lead") or ()), "配合单位": "、".join(r.get("partners") or ()),
                "责任单位": "、".join(r["departments"]), "牵头领导": "、".join(r.get("leaders") or ()),
                "完成时限": r.get("deadline", ""), "引用": r["citation"]} for r in rows]
    frame = pd.DataFrame(records, columns=["文件", "条款", "任务", "牵头单位", "配合单位", "责任单位", "牵头领导",
                                           "完成时限", "引用"])
    return frame if names else frame.drop(columns="文件")


# --------------------------------------------------------------------------- targets


def target_documents(targets: list[dict]) -> list[str]:
    """Documents with breakdown tables, in order of first appearance."""
    return list(dict.fromkeys(t["doc_id"] for t in targets if t["source"] == "table"))


def filter_targets(targets: list[dict], doc_id: str = "", text: str = "", groups: tuple[str, ...] = ()) -> list[dict]:
    """Targets of one document whose indicator (or group) contains the words searched."""
    needle = text.strip().casefold()
    return [t for t in targets if (not doc_id or t["doc_id"] == doc_id)
            and (not groups or t.get("group", "") in groups)
            and (not needle or needle in f"{t['indicator']} {t.get('group', '')}".casefold())]


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """How a wide table is shown: columns pinned on the left, column widths, hidden columns.

    A width is pixels or Streamlit's small / medium / large; unnamed columns size themselves.
    """

    pinned: tuple[str, ...]
    widths: dict[str, int | str] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()

    def order(self, columns: list[str]) -> list[str]:
        return [c for c in columns if c not in self.hidden]


def matrix_layout(frame: pd.DataFrame) -> Layout:
    """Document, clause and task pinned; every unit column narrow, so dozens fit side by side."""
    units = [c for c in frame.columns if c not in (*FIRST, *LAST)]
    widths: dict[str, int | str] = {"文件": 160, "条款": 76, "任务": 300, **{u: 64 for u in units}}
    return Layout(tuple(c for c in FIRST if c in frame.columns), widths, ("出处",))


def list_layout(frame: pd.DataFrame) -> Layout:
    """The task list: task pinned, units by role in wide columns."""
    widths: dict[str, int | str] = {"文件": "medium", "条款": 76, "任务": "large", "牵头单位": "medium",
                                    "配合单位": "medium", "责任单位": "medium"}
    return Layout(tuple(c for c in FIRST if c in frame.columns), widths)


def target_layout(frame: pd.DataFrame, districts: list[str]) -> Layout:
    """Indicator pinned; 全市 and every district narrow, so a row of ten districts fits a laptop screen."""
    widths: dict[str, int | str] = {"指标": 270, "责任单位": 120, "单位": 58, "条款": 58,
                                    **{d: 58 for d in ("全市", *districts)}}
    return Layout(("指标",), widths, ("分组", "年份", "引用"))


def catalogue_layout() -> Layout:
    """The document list: title pinned and wide, status and numbers narrow."""
    return Layout(("标题",), {"标题": 360, "状态": 76, "文号": "medium", "发文机关": "medium", "年份": 58, "类型": 58,
                             "条款数": 64, "事实数": 64}, ("doc_id",))


def bar_chart(values: pd.DataFrame, unit: str) -> alt.Chart:
    """Targets by district: labels horizontal, in table order; integer ticks when every value is whole."""
    whole = bool(len(values)) and all(float(v).is_integer() for v in values["目标值"])
    axis = alt.Axis(title=unit or "目标值", format="d" if whole else "~g", tickMinStep=1 if whole else alt.Undefined,
                    titleAngle=0, titleAlign="left", titleY=-12, titleX=-30)  # the unit above the axis, upright
    return alt.Chart(values).mark_bar().encode(
        x=alt.X("区镇:N", sort=None, axis=alt.Axis(labelAngle=0, title=None)),
        y=alt.Y("目标值:Q", axis=axis),
        tooltip=["区镇", "目标值"],
    )
