"""Tables without rules in PDF pages, found by the alignment of their words.

A table without rules is text in columns (pdfwords.py). Its rows are anchored on the lines
that carry a row's values (two or more in the value columns: "4000", "6左右", "≤5", "—") or, in
a numbered list, its row number; the lines around the anchors join their rows (pdfrows.py);
the header is above the first row, and may be printed again between rows (pdfheader.py). A
header printed again is emitted as a header row again (tables.py drops repeats) and the rows
below it are read on their own.

A candidate is kept only when its values line up (no text runs across the value columns, no
anchor has two values in one column, two columns hold values in most anchors, or the rows are
numbered 1, 2, 3 …) and it has a header. Prose and text laid out with tab stops fail these tests.
"""

from __future__ import annotations

import statistics

from .pdfheader import header_above, header_texts, repeated_header
from .pdfrows import ROW_NUMBER, Rows, claim_below, nearer, segment_rows, split_at, top_aligned
from .pdfwords import Column, TextLine, by_column, columns_of, is_caption, is_value, overlaps, page_lines, project, \
    word_height

Table = tuple[tuple[float, float, float, float], Rows]


def aligned_tables(page) -> list[Table]:
    """Tables without rules on a page: (bbox, rows of (top, cells)), header rows included."""
    lines = page_lines(page)
    if not lines:
        return []
    width = max(line.words[-1].x1 for line in lines) - min(line.words[0].x0 for line in lines)
    height, margin = word_height(lines), 0.12 * float(page.height)  # running headers live above `margin`
    return [table for run in anchor_runs(lines, width) if (table := read_table(lines, run, height, margin))]


def is_prose(line: TextLine, width: float) -> bool:
    return any(w.x1 - w.x0 > 0.7 * width for w in line.words)


def anchor_runs(lines: list[TextLine], width: float) -> list[list[int]]:
    """Lines that may anchor a row (two values, or a row number first), in runs that prose or a
    caption (a line across the columns of the rows) does not interrupt."""
    candidates = [i for i, line in enumerate(lines) if not is_prose(line, width) and (
        sum(map(is_value, line.words)) >= 2 or ROW_NUMBER.match(line.words[0].text))]
    runs: list[list[int]] = []
    for i in candidates:
        if runs and not any(is_prose(lines[k], width) for k in range(runs[-1][-1] + 1, i)):
            runs[-1].append(i)
        else:
            runs.append([i])
    out: list[list[int]] = []
    for run in runs:
        columns = project([w for i in run for w in lines[i].words])
        piece = [run[0]]
        for a, b in zip(run, run[1:]):
            if any(is_caption(lines[k], columns) for k in range(a + 1, b)):
                out.append(piece)
                piece = []
            piece.append(b)
        out.append(piece)
    return [piece for piece in out if len(piece) >= 2]


def read_table(lines: list[TextLine], run: list[int], height: float, margin: float) -> Table | None:
    """One table from a run of candidate anchors: rows anchored on their values, else on their numbers."""
    return value_table(lines, run, height, margin) or numbered_table(lines, run, height, margin)


def value_table(lines: list[TextLine], run: list[int], height: float, margin: float) -> Table | None:
    """Rows anchored on the values they carry, or None when the values do not line up."""
    run = [i for i in run if sum(map(is_value, lines[i].words)) >= 2]
    if len(run) < 2:
        return None
    first, last = run[0], run[-1]
    values = project([w for i in run for w in lines[i].words if is_value(w)])
    crossing = sum(any(len(overlaps(w, values)) >= 2 for w in line.words) for line in lines[first:last + 1])
    if crossing > 0.1 * (last - first + 1):
        return None  # text runs across the value columns: prose or tab stops, not a table
    columns = columns_of(lines[first:last + 1], lambda w: len(overlaps(w, values)) >= 2)
    if len(columns) < 3:
        return None
    grid = {i: by_column(lines[i], columns) for i in run}
    if sum(any(sum(map(is_value, ws)) > 1 for ws in grid[i]) for i in run) > 0.2 * len(run):
        return None  # two values in one column: text laid out with tab stops, not a table
    numbered = all(ROW_NUMBER.match(w.text) for i in run for w in grid[i][0])
    data = [c for c in range(int(numbered), len(columns))
            if sum(any(map(is_value, grid[i][c])) for i in run) >= 0.5 * len(run)]
    filled = {i: sum(any(map(is_value, grid[i][c])) for c in data) for i in run}
    anchors = [i for i in run if filled[i] >= 2]
    if len(data) < 2 or len(anchors) < 2 or statistics.median(filled[i] for i in anchors) < 0.7 * len(data):
        return None  # rows fill different columns: not one grid
    return assemble(lines, anchors, columns, data, height, margin)


def numbered_table(lines: list[TextLine], run: list[int], height: float, margin: float) -> Table | None:
    """Rows anchored on their row numbers (序号 1, 2, 3 … alone in the first column), or None."""
    run = [i for i in run if ROW_NUMBER.match(lines[i].words[0].text)]
    left = min((lines[i].words[0].x0 for i in run), default=0.0)
    run = [i for i in run if lines[i].words[0].x0 <= left + height]  # "350 名，…" wrapped in a text cell
    numbers = [int(lines[i].words[0].text) for i in run]
    if len(run) < 2 or sum(b == a + 1 for a, b in zip(numbers, numbers[1:])) < 0.8 * (len(run) - 1):
        return None
    first, last = run[0], run[-1]
    columns = columns_of(lines[first:last + 1])
    if len(columns) < 3 or any(len(by_column(lines[i], columns)[0]) != 1 for i in run) or \
            any(by_column(lines[k], columns)[0] for k in range(first, last + 1) if k not in run):
        return None
    return assemble(lines, run, columns, [], height, margin)


def assemble(lines: list[TextLine], anchors: list[int], columns: list[Column], data: list[int],
             height: float, margin: float) -> Table | None:
    """Rows around the anchors, the header above them, header bands repeated between them.

    Which way cells are aligned is judged without the header bands, whose own words are found
    with the header read as if cells were centred (it is the same either way unless the first
    row has more lines below its anchor than the header has lines). Rows with no header above
    them are kept at the top of a page (nothing above them but a running header, above `margin`):
    the page continues a table whose header is not repeated."""
    header = header_texts(lines, header_above(lines, anchors, columns, {a: a for a in anchors}, height), columns)
    header = header if sum(bool(h) for h in header) >= 2 else []
    pairs = list(zip(anchors, anchors[1:]))
    bands = [repeated_header(lines, list(range(a + 1, b)), columns, header, data) for a, b in pairs]
    top = top_aligned(lines, anchors, columns, {k for band in bands for k in band})
    owner: dict[int, int] = {a: a for a in anchors}
    header_lines = header_above(lines, anchors, columns, owner, height, top)
    header = header_texts(lines, header_lines, columns)
    if sum(bool(h) for h in header) < 2:
        if not all(line.bottom < margin for line in lines[:min(owner)]):
            return None  # no header, and not at the top of a page that continues a table
        header_lines, header = [], []
    for (a, b), band in zip(pairs, bands):
        for k in range(a + 1, b):
            if band and k < band[0]:
                owner[k] = a
            elif band and k > band[-1]:
                owner[k] = b
            elif not band:
                owner[k] = a if top else nearer(lines, k, a, b, owner, columns)
    bands = [band for band in bands if band]
    claim_below(lines, anchors[-1], columns, owner, height, top)
    rows: Rows = [(lines[header_lines[0]].top, header)] if header else []
    for n, segment in enumerate(split_at(anchors, bands)):
        if n:
            rows.append((lines[bands[n - 1][0]].top, header_texts(lines, bands[n - 1], columns)))
        rows += segment_rows(lines, segment, owner, columns, data, height, top)
    first, bottom = lines[min([*header_lines, *owner])].top, max(lines[k].bottom for k in owner)
    return (columns[0][0] - 1, first - 1, columns[-1][1] + 1, bottom + 1), rows
