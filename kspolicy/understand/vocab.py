"""The vocabulary of policy documents, read from the TOML files in `vocab/`.

Role words, placeholder units, total-column names, quantity units and other names
are data a newcomer extends without touching code (README: 词表). This module only
loads them into one frozen record and compiles the patterns the parser needs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).with_name("vocab")
# Roles of table columns, most specific first: a header containing "牵头领导" is a leader, not a lead.
HEADER_ORDER = ("seq", "lead_office", "partner_office", "office", "leader", "deadline", "partner", "lead",
                "responsible", "note", "place", "unit", "indicator", "group", "content", "task")


@dataclass(frozen=True, eq=False)  # hashed by identity: one per process, cached patterns
class Vocabulary:
    header: dict[str, tuple[str, ...]]  # column role -> header words
    note: dict[str, tuple[str, ...]]  # role -> labels inside "（牵头单位：…）"
    first_is_lead: tuple[str, ...]
    lead_marks: tuple[str, ...]
    inherit: tuple[str, ...]
    duty_verbs: tuple[str, ...]
    together: tuple[str, ...]
    note_lead: tuple[str, ...]  # "（X牵头，Y配合）": verbs of a note without labels
    note_partner: tuple[str, ...]
    note_responsible: tuple[str, ...]  # "（X、Y按职责分工负责）": responsible units, no lead
    steps: tuple[str, ...]  # "复核后…": a step that may open a duty sentence before its subject
    office_labels: tuple[str, ...]  # "初核机构：X": endings of a label naming who handles a step
    other_actor: tuple[str, ...]  # "经…": a part after "；" that is not one more duty of the unit before
    levels: tuple[str, ...]  # administrative levels in placeholders (各区、县级市)
    fixed_placeholders: tuple[str, ...]
    dept_endings: tuple[str, ...]
    dept_levels: tuple[str, ...]
    totals: tuple[str, ...]
    units: tuple[str, ...]  # longest first
    before: tuple[str, ...]
    after: tuple[str, ...]
    target_cues: tuple[str, ...]
    strong_target_cues: tuple[str, ...]
    standard_cues: tuple[str, ...]
    standard_units: tuple[str, ...]
    other_names: dict[str, tuple[str, ...]]  # 工信局 -> 工业和信息化局, …
    other_endings: dict[str, tuple[str, ...]]  # 人民政府 -> 政府: 镇人民政府 is also 镇政府
    terms: dict[str, str]  # 高企 -> 高新技术企业
    place_suffixes: tuple[str, ...]
    not_place_starts: tuple[str, ...]  # "全" of 全市, "根" of 根据市…: no place a sentence opens with
    not_in_place: tuple[str, ...]  # "本市" of 具有本市…
    place_names: dict[str, tuple[str, ...]]  # 经济技术开发区 -> 经开区
    document_kinds: tuple[str, ...]  # endings of document titles: 方案, 办法, 通知 …

    @property
    def unit_pattern(self) -> str:
        return "|".join(map(re.escape, self.units))

    def alternation(self, words: tuple[str, ...]) -> str:
        return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _read(name: str, folder: Path) -> dict:
    return tomllib.loads((folder / name).read_text(encoding="utf-8"))


def _tuple(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(i) for i in items))


@lru_cache(maxsize=4)
def load_vocabulary(folder: Path = FOLDER) -> Vocabulary:
    """Read the vocabulary files once per process."""
    roles, units, names = _read("roles.toml", folder), _read("units.toml", folder), _read("names.toml", folder)
    cues, quantities = roles["cues"], units["quantities"]
    return Vocabulary(
        header={role: _tuple(roles["header"].get(role, ())) for role in HEADER_ORDER},
        note={role: _tuple(words) for role, words in roles["note"].items()},
        first_is_lead=_tuple(cues["first_is_lead"]), lead_marks=_tuple(cues["lead_marks"]),
        inherit=_tuple(cues["inherit"]), duty_verbs=_tuple(cues["duty_verbs"]), together=_tuple(cues["together"]),
        note_lead=_tuple(cues["note_lead"]), note_partner=_tuple(cues["note_partner"]),
        note_responsible=_tuple(cues["note_responsible"]),
        steps=_tuple(cues["steps"]), office_labels=_tuple(cues["office_labels"]), other_actor=_tuple(cues["other_actor"]),
        levels=_tuple(units["placeholders"]["levels"]), fixed_placeholders=_tuple(units["placeholders"]["fixed"]),
        dept_endings=_tuple(units["departments"]["endings"]), dept_levels=_tuple(units["departments"]["levels"]),
        totals=_tuple(units["totals"]["names"]),
        units=tuple(sorted(_tuple(quantities["units"]), key=len, reverse=True)),
        before=_tuple(quantities["before"]), after=_tuple(quantities["after"]),
        target_cues=_tuple(quantities["target_cues"]), strong_target_cues=_tuple(quantities["strong_target_cues"]),
        standard_cues=_tuple(quantities["standard_cues"]), standard_units=_tuple(quantities["standard_units"]),
        other_names={k: _tuple(v) for k, v in names["departments"].items()},
        other_endings={k: _tuple(v) for k, v in names["endings"].items()},
        terms=dict(names["terms"]), place_suffixes=_tuple(names["places"]["suffixes"]),
        not_place_starts=_tuple(names["places"]["not_place_starts"]), not_in_place=_tuple(names["places"]["not_in_place"]),
        place_names={k: _tuple(v) for k, v in names["place_names"].items()},
        document_kinds=_tuple(units["documents"]["kinds"]),
    )
