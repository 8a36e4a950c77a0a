"""Who is responsible, and in which role: units read from notes, cells and prose.

- notes: "（牵头单位：市发展改革委，配合单位：市委组织部、各区、县级市）", "（责任单位：…）",
  labels separated by "，" or "；", "★" before the lead unit, and a document-wide
  "列第一位者为牵头单位";
- cells of a task table (see facts.py), split the same way;
- prose in regulations: "市民政部门负责…", "由区人民政府…", "X会同Y制定…".

A plain 责任单位 list has no lead: a lead is only ever read, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import squash
from .vocab import Vocabulary

SEPARATORS = re.compile(r"[、，,；;]+(?![^（(]*[)）])")  # not inside parentheses: 各县（市、区）人民政府
NONE_CELLS = {"", "/", "／", "无", "—", "-", "--", "——", "暂无"}


@dataclass(frozen=True)
class Roles:
    """Units of one task by role, each in printed order; `departments` has them all."""

    departments: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    deadline: str = ""

    def __bool__(self) -> bool:
        return bool(self.departments or self.leaders)


@lru_cache(maxsize=8)
def _patterns(vocab: Vocabulary) -> dict[str, re.Pattern[str]]:
    labels = vocab.alternation(tuple(w for words in vocab.note.values() for w in words))
    endings = vocab.alternation(vocab.dept_endings)
    # a unit's name holds no verb of the sentence around it ("建立由市人社局牵头…", "由X向户籍所在地…",
    # "为深入贯彻落实省委…"), and 委托 / 所在 end no unit
    unit = (rf"(?:各|由)?(?:(?!负责|会同|联合|是|应|按照|(?<!自)由|向|在|贯彻|落实)[\u4e00-\u9fff]){{0,24}}"
            rf"(?:{endings})(?!(?<=委)托)(?!(?<=所)[在属需有])(?:[（(][^（）()]{{2,12}}[)）])?")
    modal = r"(?:应当|应|要|须|必须|可以|可|将|依法|具体|统一|共同)"
    duty = vocab.alternation(vocab.duty_verbs)
    # what follows the subject: "会同Y(负责)", a duty verb, or nothing after a modal ("应当将…")
    units = rf"{unit}(?:[、和及]{unit})*(?:等(?:有关|相关)?(?:部门|单位))?"
    tail = (rf"(?:(?:{vocab.alternation(vocab.together)})(?P<with>{units}|[^，。；]{{2,40}}?(?:{endings}))"
            rf"(?P<verb2>{duty})?"
            rf"|(?P<verb>{duty})|(?<=[当应须要将以]))")
    return {
        "label": re.compile(rf"({labels})\s*[:：]\s*"),
        "note": re.compile(rf"[（(]\s*(?:{labels})\s*[:：](?:[^（）()]|[（(][^（）()]*[)）])*[)）]|"
                           rf"[（(](?P<lead>{units})(?:{vocab.alternation(vocab.note_lead)})"
                           rf"(?:[，,；;、]\s*(?P<partners>[^（）()，,；;]{{2,80}}?)"
                           rf"(?:{vocab.alternation(vocab.note_partner)}))?[)）]|"
                           rf"[（(](?P<responsible>{units})(?:{vocab.alternation(vocab.note_responsible)})[)）]"),
        "level_tail": re.compile(rf"^(?:{vocab.alternation(vocab.levels)})$"),
        # "X负责…", "X是…，负责…", "X应当…", "X会同Y…", "X等部门按照各自职责，协同做好…", "由X对…进行审核",
        # "X自接收到初审意见之日起，应在3个工作日内完成审核"
        "subject": re.compile(rf"^(?P<by>由)?(?P<units>{units})(?(by)(?!主要|领导|负责人|分管|人员|干部|工作人员|有关|相关))"
                              rf"(?:是[^，。；]{{0,40}}，|按照[^，。；]{{0,12}}，|自[^，。；]{{2,30}}之日起[，,]?)?(?P<modal>{modal}*)"
                              rf"(?:{tail}|(?(by)|(?!)))(?P<task>.{{4,}})$"),
        "by": re.compile(rf"(?:具体)?由(?P<units>{units})(?P<verb>牵头负责|负责|牵头)$"),
        "unit": re.compile(rf"^{unit}$"),
        # "初核机构：广州市高校毕业生就业指导中心（以下简称市高指中心）": the label is the task
        "office": re.compile(rf"^(?P<task>[\u4e00-\u9fff]{{2,8}}(?:{vocab.alternation(vocab.office_labels)}))[:：]"
                             rf"(?P<units>{units})(?:[（(][^（）()]*[)）])?$"),
        "after_step": re.compile(rf"^(?:{vocab.alternation(vocab.steps)})(?:通过)?(?:之后|以后|后)[，,]?"),
    }


def note_spans(text: str, vocab: Vocabulary) -> list[re.Match[str]]:
    """Responsibility notes in a clause's text, in order."""
    return list(_patterns(vocab)["note"].finditer(text))


def role_of_label(label: str, vocab: Vocabulary) -> str:
    return next((role for role, words in vocab.note.items() if label in words), "responsible")


def split_units(text: str, vocab: Vocabulary) -> list[str]:
    """"市工信局、市科技局，各区、县级市" -> units; a placeholder such as 各区、县级市 stays one unit.

    Leading marks (★) stay on the unit, so the caller can see which one is the lead;
    "等部门" endings and "以下均涉及…" remarks are dropped.
    """
    text = squash(text).strip("。.；;，,")
    for cue in vocab.inherit:
        text = text.split(cue)[0]
    text = re.sub(r"(不再一一列出|按职责分工负责|按职责负责)$", "", text)
    out: list[str] = []
    level_tail = _patterns(vocab)["level_tail"]
    for part in SEPARATORS.split(text):
        part = re.sub(r"等(?:相关|有关)?(?:部门|单位)?$", "", part.strip())
        if part in NONE_CELLS:
            continue
        if out and out[-1].lstrip("".join(vocab.lead_marks)).startswith("各") and level_tail.match(part) \
                and not out[-1].endswith(tuple(vocab.fixed_placeholders)):
            out[-1] += "、" + part  # 各区、县级市 / 各镇、区: one placeholder
            continue
        out.append(part)
    return out


def strip_mark(unit: str, vocab: Vocabulary) -> tuple[str, bool]:
    """("区发改委", True) from "★区发改委"."""
    marked = unit.startswith(vocab.lead_marks)
    return unit.lstrip("".join(vocab.lead_marks)).strip(), marked


def assign(units: list[str], role: str, vocab: Vocabulary, first_is_lead: bool) -> tuple[list, list, list]:
    """(all, lead, partners) of one list of units printed under `role`."""
    names, marks = zip(*(strip_mark(u, vocab) for u in units)) if units else ((), ())
    names = [n for n in names if n]
    if role == "lead":
        return names, names, []
    if role == "partner":
        return names, [], names
    if any(marks):
        lead = [n for n, m in zip(names, marks) if m]
        return names, lead, [n for n in names if n not in lead]
    if first_is_lead and names:
        return names, names[:1], names[1:]
    return names, [], []


def parse_note(note: str, vocab: Vocabulary, first_is_lead: bool = False) -> Roles:
    """Roles in one note: "（牵头单位：X，配合单位：A、B，各区、县级市）" (parentheses optional)."""
    inner = squash(note).strip("（）()")
    if declares_first_lead(inner, vocab):  # "（责任单位：A、B、C，列第一位者为牵头单位）": for this note, no unit
        first_is_lead = True
        for cue in vocab.first_is_lead:
            inner = inner.replace(cue, "")
    labels = list(_patterns(vocab)["label"].finditer(inner))
    if not labels:  # "（市商务局牵头，市财政局、各辖市区配合）"
        verbs = _patterns(vocab)["note"].fullmatch(f"（{inner}）")
        if verbs and verbs.group("responsible"):  # "（X、Y按职责分工负责）": a plain list, no lead
            return Roles(tuple(dict.fromkeys(split_units(verbs.group("responsible"), vocab))))
        if not verbs or not verbs.group("lead"):
            return Roles()
        lead = split_units(verbs.group("lead"), vocab)
        partners = split_units(verbs.group("partners") or "", vocab)
        if not all(is_unit(u, vocab) or u.startswith("各") for u in partners):
            return Roles()  # "（市发改委牵头，做好…配合）" names no units after the lead
        return Roles(tuple(dict.fromkeys(lead + partners)), tuple(lead), tuple(partners))
    everyone: list[str] = []
    lead: list[str] = []
    partners: list[str] = []
    leaders: list[str] = []
    deadline = ""
    for n, m in enumerate(labels):
        end = labels[n + 1].start() if n + 1 < len(labels) else len(inner)
        role, value = role_of_label(m.group(1), vocab), inner[m.end():end]
        if role == "deadline":
            deadline = value.strip("，,；;。 ")
            continue
        if role == "leader":
            leaders += split_persons(value)
            continue
        names, role_lead, role_partners = assign(split_units(value, vocab), role, vocab, first_is_lead)
        everyone += names
        lead += role_lead
        partners += role_partners
    return Roles(tuple(dict.fromkeys(everyone)), tuple(dict.fromkeys(lead)), tuple(dict.fromkeys(partners)),
                 tuple(leaders), deadline)


def cell_roles(cells: dict[str, str], vocab: Vocabulary, first_is_lead: bool = False) -> Roles:
    """Roles of one task-table row, from its role columns (lead/partner/responsible/leader/deadline)."""
    everyone: list[str] = []
    lead: list[str] = []
    partners: list[str] = []
    for role in ("lead", "responsible", "partner"):
        if role in cells:
            names, role_lead, role_partners = assign(split_units(cells[role], vocab), role, vocab, first_is_lead)
            everyone += names
            lead += role_lead
            partners += role_partners
    return Roles(tuple(dict.fromkeys(everyone)), tuple(dict.fromkeys(lead)), tuple(dict.fromkeys(partners)),
                 tuple(split_persons(cells.get("leader", ""))), squash(cells.get("deadline", "")))


def split_persons(text: str) -> list[str]:
    """Named persons in a 牵头领导 cell: "王 嵘 方 勇" -> ["王 嵘", "方 勇"], "周敏、陆建华" -> two.

    Names are kept as printed (a padded two-character name keeps its space).
    """
    text = text.strip()
    if not text or text in NONE_CELLS:
        return []
    parts = [p.strip() for p in SEPARATORS.split(text) if p.strip()]
    out: list[str] = []
    for part in parts:
        tokens = part.split()
        if len(tokens) >= 2 and all(len(t) == 1 for t in tokens) and len(tokens) % 2 == 0:
            out += [f"{tokens[i]} {tokens[i + 1]}" for i in range(0, len(tokens), 2)]  # padded 2-char names
        elif len(tokens) >= 2 and all(len(t) >= 2 for t in tokens):
            out += tokens
        else:
            out.append(part)
    return out


def declares_first_lead(text: str, vocab: Vocabulary) -> bool:
    """The document says the first unit of each list is the lead ("列第一位者为牵头单位")."""
    flat = squash(text)
    return any(cue in flat for cue in vocab.first_is_lead)


def inherited_units(note: str, vocab: Vocabulary) -> list[str]:
    """Units a note adds to every later task: "以下均涉及各区镇，不再一一列出" -> [各区镇]."""
    flat = squash(note)
    for cue in vocab.inherit:
        if cue in flat:
            tail = re.split(r"[，,；;。）)]", flat.split(cue, 1)[1])[0]
            return [u for u in split_units(tail, vocab) if u]
    return []


def prose_roles(sentence: str, vocab: Vocabulary) -> tuple[Roles, str] | None:
    """(roles, task) of a sentence that assigns a duty: "市民政部门负责审查…", "X会同Y制定…",
    "…，具体由市发改委牵头负责"; None for other sentences."""
    patterns = _patterns(vocab)
    sentence = patterns["after_step"].sub("", squash(sentence).strip("。；;"))  # "复核后X将…": X is the subject
    sentence = ALIAS_NOTE.sub("", sentence)  # "区住房和城乡建设局（以下简称区住建局）负责…": the unit without its alias
    office = patterns["office"].match(sentence)
    if office and not any(office.group("task") in words for words in vocab.note.values()):
        return Roles(tuple(split_units(office.group("units"), vocab))), office.group("task")
    by = patterns["by"].search(sentence)
    if by:
        units = split_units(by.group("units"), vocab)
        task = sentence[:by.start()].rstrip("，,") or sentence[by.end():].lstrip("，,")
        lead = tuple(units) if "牵头" in by.group("verb") else ()
        return Roles(tuple(units), lead), task
    for start in [0, *(m.end() for m in re.finditer(r"[，,](?:具体)?(?=由)", sentence))]:
        m = patterns["subject"].match(sentence[start:])
        if m:
            units = split_units(m.group("units"), vocab)
            partners = split_units(m.group("with") or "", vocab)
            task = m.group("task").strip("，,")
            lead = tuple(units) if partners or "牵头" in (m.group("verb") or "") else ()
            return Roles(tuple(units + partners), lead, tuple(partners), deadline=deadline_in(task)), task
    return None


ALIAS_NOTE = re.compile(r"[（(](?:以下)?简称[^（）()]*[)）]")  # "（以下简称市高指中心）" after a unit's name
DEADLINE = re.compile(r"自[^，。；]{2,24}之日起\s*\d+\s*个?(?:工作)?日内|每(?:季度|月|年)[^，。；]{0,6}\d+\s*日前|"
                      r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:底)?前|\d+\s*个?(?:工作)?日内")


def deadline_in(text: str) -> str:
    """The time limit a duty states: "自收到申请材料之日起10个工作日内", "每季度首月15日前"."""
    m = DEADLINE.search(text)
    return squash(m.group(0)) if m else ""


def is_unit(text: str, vocab: Vocabulary) -> bool:
    return bool(_patterns(vocab)["unit"].match(squash(text)))
