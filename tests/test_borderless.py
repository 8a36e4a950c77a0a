"""Tables in PDFs without rules (issue 7): a district table written by someone who had not seen
the parser (tests/nantong.py), and the geometry the reader relies on (kspolicy/read/pdfgrid.py).

The seed printed with borderless tables, its header repeated mid-page, is compared with the text
in test_parse.py (test_pdfs_give_the_same_facts_and_clauses).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from nantong import expected_facts
from shapes import compare, similar

from kspolicy.models import Target
from kspolicy.read.pdfrows import merged_labels
from kspolicy.read.pdfwords import TextLine, Word, columns_of
from kspolicy.understand.parse import parse_file

EXPECTED = Path(__file__).parent / "fixtures" / "borderless_nantong.tsv"


def expected() -> list[dict]:
    """The fixture author's facts: value None where the table assigns nothing."""
    lines = [ln for ln in EXPECTED.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{**r, "year": int(r["year"]), "value": float(r["value"]) if r["value"] else None} for r in rows]


def matches(t: Target, e: dict) -> bool:
    """Scope, value, unit and year exactly; the indicator's name loosely (character bigrams)."""
    same_value = t.value == e["value"] if e["value"] is None or t.value is None else abs(t.value - e["value"]) < 1e-9
    return (same_value and t.scope == e["scope"] and t.unit == e["unit"] and t.year == e["year"]
            and similar(t.indicator, e["indicator"]) >= 0.5)


def test_fixture_file_is_the_generators_data():
    made = [{k: t[k] for k in ("indicator", "unit", "year", "scope", "value_text")} | {"value": t["value"]}
            for t in expected_facts()["targets"]]
    assert made == [{k: e[k] for k in ("indicator", "unit", "year", "scope", "value_text", "value")}
                    for e in expected()]
    assert len(made) == 308 and sum(e["value"] is None for e in expected()) == 20


@pytest.mark.parametrize("fixture", ["nantong_pdf", "nantong_unrepeated_pdf"])
def test_nantong_borderless_table_gives_the_expected_facts(fixture, request):
    # Two pages, header repeated at the top of page 2 (or not: the page continues the table) and
    # again mid-page, park names wrapped over two header lines, "同口径增长5%" wrapped in its cell,
    # 南通市 (the city itself) as the total.
    parsed = parse_file(request.getfixturevalue(fixture), "nantong", "x")
    facts = [t for t in parsed.targets if t.source == "table"]
    score = compare("nantong", facts, expected(), matches)
    assert score.recall >= 0.98, score.missing[:10]
    assert score.extracted <= score.expected
    by_key = {(t.indicator, t.scope): t for t in facts}
    assert {(e["indicator"], e["scope"]): e["value_text"] for e in expected()} == \
        {key: t.value_text for key, t in by_key.items()}  # verbatim, wrapped cells joined
    assert by_key[("一般公共预算收入增速", "全市")].value == 5
    assert by_key[("新增省级以上专精特新中小企业", "通州湾示范区")].value is None  # blank cell


def words_at(top: float, *spans: tuple[float, float]) -> TextLine:
    return TextLine(top, top + 10, tuple(Word("x", a, b, top, top + 10) for a, b in spans))


def test_columns_survive_a_cell_merged_across_them():
    body = [words_at(20 * i, (0, 20), (40, 60), (80, 100)) for i in range(8)]
    merged = words_at(200, (0, 60), (80, 100))  # one row's first cell spans two columns
    assert columns_of([*body, merged]) == [(0, 20), (40, 60), (80, 100)]
    assert columns_of([body[0], merged]) == [(0, 60), (80, 100)]  # two lines: no evidence of a gap


def test_merged_label_goes_to_the_first_row_it_spans():
    tops = [100.0, 140.0, 180.0, 220.0, 260.0, 300.0]
    # "总体 / 目标" centred on rows 0-4, "创新 / 集群" on row 5
    labels = merged_labels([(170.0, "总体"), (188.0, "目标"), (292.0, "创新"), (308.0, "集群")], tops, 21.0)
    assert labels == [(0, "总体目标"), (5, "创新集群")]
