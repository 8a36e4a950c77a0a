"""Issue 9: parsing stays linear on adversarial structure (repeated clause numbers, very long lines)."""

from __future__ import annotations

import time

from kspolicy.models import Line
from kspolicy.read.repair import join_lines
from kspolicy.understand.structure import parse_clauses


def test_ten_thousand_repeated_headings_take_under_a_second():
    lines = [Line("测试文件")] + [Line("一、总体要求", gap_before=True) for _ in range(10_000)]
    started = time.perf_counter()
    clauses = parse_clauses(join_lines(lines), "d", "测试文件")
    elapsed = time.perf_counter() - started
    ids = [c.clause_id for c, _ in clauses]
    assert len(ids) == 10_000 and len(set(ids)) == 10_000
    assert ids[:3] == ["S1", "S1~2", "S1~3"] and ids[-1] == "S1~10000"
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_ids_of_labels_that_do_not_repeat_stay_as_before():
    lines = [Line(t, gap_before=True) for t in ("测试文件", "一、总体要求", "1. 第一项", "二、主要任务",
                                                 "1. 第二项", "一、再次出现", "1. 子项")]
    ids = [c.clause_id for c, _ in parse_clauses(join_lines(lines), "d", "测试文件")]
    assert ids == ["S1", "S1.I1", "S2", "S2.I1", "S1~2", "S1.I1~2"]


def test_a_paragraph_wrapped_over_many_lines_joins_in_linear_time():
    """Every physical line continues the paragraph: the text must not be copied once per line."""
    def seconds(n: int) -> float:
        lines = [Line("推进装备制造业高质量发展推进装备制造业发展") for _ in range(n)]
        started = time.perf_counter()
        [para] = join_lines(lines)
        assert len(para.text) == 21 * n
        return time.perf_counter() - started

    small, large = min(seconds(20_000) for _ in range(2)), min(seconds(80_000) for _ in range(2))
    assert large < 8 * small + 0.5, f"20k lines {small:.2f} s, 80k lines {large:.2f} s"  # quadratic: 16x
