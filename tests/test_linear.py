"""Issue 9: parsing stays linear on adversarial structure (repeated clause numbers, very long lines)."""

from __future__ import annotations

import time

from kspolicy.models import Line
from kspolicy.read.repair import join_lines
from kspolicy.understand.structure import parse_clauses


def test_ten_thousand_repeated_headings_parse_in_linear_time():
    """Repeated clause numbers once extended ids a character at a time (8k lines took 40 s): the time
    for 10,000 headings stays within 8x that of 2,500 (quadratic would be 16x, cubic 64x)."""
    def seconds(n: int) -> tuple[float, list[str]]:
        lines = [Line("测试文件")] + [Line("一、总体要求", gap_before=True) for _ in range(n)]
        started = time.perf_counter()
        clauses = parse_clauses(join_lines(lines), "d", "测试文件")
        return time.perf_counter() - started, [c.clause_id for c, _ in clauses]

    small = min(seconds(2_500)[0] for _ in range(2))
    large, ids = min((seconds(10_000) for _ in range(2)), key=lambda item: item[0])
    assert len(ids) == 10_000 and len(set(ids)) == 10_000
    assert ids[:3] == ["S1", "S1~2", "S1~3"] and ids[-1] == "S1~10000"
    assert large < 8 * small + 0.5, f"2,500 headings {small:.2f} s, 10,000 headings {large:.2f} s"


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
