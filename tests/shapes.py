"""Compare extracted facts with the hand-written expectations of tests/fixtures/shapes.

The fixtures and their `*.expected.json` were written by someone who had not seen the
parser (see tests/fixtures/shapes/README.md). A fact matches an expected one when the
numbers, roles and units agree exactly and the names agree loosely (names in prose
have no canonical form: "申请人年龄" is the fixture author's wording).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kspolicy.models import Responsibility, Target
from kspolicy.scoring import grams

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


def squeeze(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).replace("★", "")


def similar(a: str, b: str) -> float:
    """Share of the shorter name's character bigrams found in the longer one."""
    ga, gb = grams(squeeze(a)), grams(squeeze(b))
    return len(ga & gb) / max(1, min(len(ga), len(gb))) if ga and gb else float(squeeze(a) == squeeze(b))


def units(names) -> list[str]:
    return [squeeze(n) for n in names or ()]


def target_matches(t: Target, e: dict) -> bool:
    same_value = (t.value is None and e["value"] is None) or (
        t.value is not None and e["value"] is not None and abs(t.value - e["value"]) < 1e-9)
    return (same_value and (e["year"] is None or t.year == e["year"])
            and (e["scope"] in (None, "全市", "全区") or squeeze(t.scope) == squeeze(e["scope"]))
            and e.get("kind", "target") == t.kind
            and (not e["unit"] or squeeze(e["unit"]) in squeeze(t.unit) or squeeze(t.unit) in squeeze(e["unit"]))
            and (similar(t.indicator, e["indicator"]) >= 0.5 or t.source == "text"))


def responsibility_matches(r: Responsibility, e: dict) -> bool:
    return (units(r.departments) == units(e["departments"]) and units(r.lead) == units(e["lead"])
            and units(r.partners) == units(e["partners"])
            and [squeeze(n) for n in r.leaders] == [squeeze(n) for n in e.get("leaders") or []])


@dataclass(frozen=True)
class Score:
    name: str
    found: int  # expected facts matched
    expected: int
    extracted: int
    missing: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def compare(name: str, facts, expected: list[dict], matches) -> Score:
    """Greedy one-to-one matching of extracted facts to expected ones (optional ones may be absent)."""
    free = list(facts)
    found, missing = 0, []
    wanted = [e for e in expected if not e.get("optional")]
    for e in wanted:
        hit = next((f for f in free if matches(f, e)), None)
        if hit is None:
            missing.append(json.dumps({k: e.get(k) for k in ("task", "indicator", "departments", "lead", "partners",
                                                            "value", "year", "scope", "unit", "kind") if k in e},
                                      ensure_ascii=False))
            continue
        free.remove(hit)
        found += 1
    return Score(name, found, len(wanted), len(list(facts)), tuple(missing))


def expected(fixture: Path) -> dict:
    return json.loads(fixture.with_suffix(".expected.json").read_text(encoding="utf-8"))
