"""Rows of a table without rules: the lines around each anchor line joined into its cells.

A wrapped cell spreads over lines centred on its row, so a line between two anchors joins the
nearer one, or, when both are as near, the row whose text in that column is unfinished. The
last row claims as many lines below its anchor as it has above (more while its text is
unfinished). A first-column label merged over several rows ("总体 / 目标") is centred on them and
goes to the first of them, so that filling down repeats it over the rest. Cells set from the top
of their rows (Word's default) are recognised, and then every line continues the row above it.
"""

from __future__ import annotations

import re
import statistics

from .pdfwords import Column, TextLine, by_column, column_texts, counts, join_cell, line_cells, overlaps

ROW_NUMBER = re.compile(r"^\d{1,3}$")
FINISHED = ("）", ")", "」", "”", "。", "；", "局", "办", "委", "院")
Rows = list[tuple[float, list[str]]]


def nearer(lines: list[TextLine], k: int, a: int, b: int, owner: dict[int, int], columns: list[Column]) -> int:
    """The row a wrapped line between anchors a and b belongs to: the nearer anchor, else the one
    whose text in the line's columns is still unfinished."""
    up, down = lines[k].top - lines[a].top, lines[b].top - lines[k].top
    if abs(up - down) > 0.2 * max(up, down):
        return a if up < down else b
    used = [c for c, words in enumerate(by_column(lines[k], columns)) if words]
    previous = [j for j in range(a, k) if owner.get(j) == a]
    for c in used:
        texts = [t for j in previous if (t := line_cells(lines[j], columns)[c])]
        if texts and not texts[-1].endswith(FINISHED):
            return a
    return b


def top_aligned(lines: list[TextLine], anchors: list[int], columns: list[Column], skip: set[int]) -> bool:
    """Whether cells are printed from the top of their rows (Word's default) rather than centred.

    Under top alignment a line between two anchors continues the upper row, so the upper anchor
    line has text in each of the line's columns; a centred cell of two lines leaves its anchor
    line empty in its column. Top alignment is assumed only with continuation lines and no such
    centred cell anywhere (lines in `skip`, a header printed again, do not count)."""
    continued = False
    for a, b in zip(anchors, anchors[1:]):
        started = {c for c, words in enumerate(by_column(lines[a], columns)) if words}
        for k in (k for k in range(a + 1, b) if k not in skip):
            if {c for c, words in enumerate(by_column(lines[k], columns)) if words} - started:
                return False
            continued = True
    return continued


def claim_below(lines: list[TextLine], a: int, columns: list[Column], owner: dict[int, int], height: float,
                top: bool = False) -> None:
    """Lines below the last anchor that its row claims: as many per column as it has above it (more
    while its text is unfinished); with cells aligned to the `top`, the lines that continue its cells."""
    above = counts(lines, [k for k, o in owner.items() if o == a and k < a], columns)
    started = {c for c, words in enumerate(by_column(lines[a], columns)) if words}
    below = [0] * len(columns)
    k = a + 1
    while k < len(lines) and lines[k].top - lines[k - 1].bottom < (1.0 if top else 2.0) * height:
        used = [c for c, words in enumerate(by_column(lines[k], columns)) if words]
        texts = column_texts(lines, [j for j, o in owner.items() if o == a], columns)
        if any(len(overlaps(w, columns)) >= 2 for w in lines[k].words) or (top and set(used) - started) or \
                (not top and any(below[c] >= above[c] and (not texts[c] or texts[c].endswith(FINISHED))
                                 for c in used)):
            break
        for c in used:
            below[c] += 1
        owner[k] = a
        k += 1


def split_at(anchors: list[int], bands: list[list[int]]) -> list[list[int]]:
    """The anchors in runs between repeated header bands."""
    segments: list[list[int]] = [[] for _ in range(len(bands) + 1)]
    for a in anchors:
        segments[sum(band[0] < a for band in bands)].append(a)
    return segments


def segment_rows(lines: list[TextLine], anchors: list[int], owner: dict[int, int], columns: list[Column],
                 data: list[int], height: float, top: bool = False) -> Rows:
    """Rows of one run of anchors between headers: each anchor's lines joined column by column. A
    label merged down several rows is printed on the first of them when cells are aligned to the
    `top`, and centred on them otherwise."""
    mine = {a: sorted(k for k, o in owner.items() if o == a) for a in anchors}
    rows = {a: column_texts(lines, mine[a], columns) for a in anchors}
    numbered = all(ROW_NUMBER.fullmatch(rows[a][0]) for a in anchors)
    label = int(numbered)  # the first column after 序号: a group label merged down its rows
    sparse = sum(not rows[a][label] for a in anchors) >= 0.3 * len(anchors)
    if not top and label + 1 < min(data, default=len(columns)) and sparse:
        fragments = [(lines[k].top, text) for a in anchors for k in mine[a]
                     if (text := line_cells(lines[k], columns)[label])]
        for a in anchors:
            rows[a][label] = ""
        tops = [lines[a].top for a in anchors]
        for n, text in merged_labels(sorted(fragments), tops, 2.0 * height):
            rows[anchors[n]][label] = join_cell([rows[anchors[n]][label], text])
    return [(lines[a].top, rows[a]) for a in anchors]


def merged_labels(fragments: list[tuple[float, str]], tops: list[float], limit: float) -> list[tuple[int, str]]:
    """Labels of cells merged down several rows: fragments on consecutive lines joined, each label
    given to the first row of the run of rows it is centred on (rows as wide as the gaps allow)."""
    labels: list[tuple[float, str]] = []
    run: list[tuple[float, str]] = []
    for top, text in fragments:
        if run and top - run[-1][0] >= limit:
            labels.append((statistics.mean(t for t, _ in run), join_cell([t for _, t in run])))
            run = []
        run.append((top, text))
    if run:
        labels.append((statistics.mean(t for t, _ in run), join_cell([t for _, t in run])))
    mids = [(x + y) / 2 for x, y in zip(tops, tops[1:])]
    edges = [2 * tops[0] - (mids[0] if mids else tops[0]), *mids, 2 * tops[-1] - (mids[-1] if mids else tops[-1])]
    tolerance = 0.3 * statistics.median([b - a for a, b in zip(edges, edges[1:])] or [10.0])
    nearest = [min(range(len(tops)), key=lambda i: abs(tops[i] - y)) for y, _ in labels]
    out: list[tuple[int, str]] = []
    low = 0
    for j, (y, text) in enumerate(labels):
        m = nearest[j]
        high = nearest[j + 1] - 1 if j + 1 < len(labels) else len(tops) - 1
        spans = [(s, e) for s in range(min(low, m), m + 1) for e in range(m, max(high, m) + 1)]
        best = min(abs((edges[s] + edges[e + 1]) / 2 - y) for s, e in spans)
        s, e = max((span for span in spans if abs((edges[span[0]] + edges[span[1] + 1]) / 2 - y) <= best + tolerance),
                   key=lambda span: span[1] - span[0])
        out.append((s, text))
        low = e + 1
    return out
