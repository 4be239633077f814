"""The table a department head signs (the batch's ``--publish 合并公开表.xlsx [--pdf 合并公开表.pdf]``).

The official layout of a filing (``table.render``, the one 公开表 renderer) and what a table to sign
needs:

- below the table, one line saying what it covers (「本表汇总甲市教育局 2026 年 8 个单位…；应报 12 个单位，
  未计入 4 个：…」) and a signature block: 编制单位（盖章）, 负责人, 审核人, 日期;
- page numbers in the footer (「第 1 页，共 9 页」) and the header rows on every page;
- page breaks chosen by the tool (``paginate``), so that no page ends with a unit's row whose projects
  start on the next page (nor with the 合计 row), and the signature block never stands alone on a page:
  it keeps at least the table's last row with it. The breaks are computed from the row heights the
  renderer gives, the A4 landscape page and its fit-to-width scale, with a margin to spare; every break
  is written as a manual break, so the printed pages are the ones computed here.

``draft``: the table does not cover every unit it should (the batch decides: ``batch.signed``); its
title then says 草稿.
"""

from __future__ import annotations

from dataclasses import replace

from .. import textfit
from ..model import Filing
from .table import STYLES, Cell, CellStyle, Merge, TableLayout, render

TITLE_DRAFT = "（草稿：未包含全部应报单位，不得作为正式合并表）"
FOOTER = "&C第 &P 页，共 &N 页"
A4_LANDSCAPE_PT = (842.0, 595.0)
PAGE_SAFETY = 0.93                      # keep 7 % of each page free: the applications' rounding differs
SIGN_ROW_PT = 42.0
SPACER_PT = 12.0
SIGNATURE = ("编制单位（盖章）：{department}", "负责人（签字）：", "审核人（签字）：", "日期：　　　　年　　月　　日")
SIGN_ROOM = 6.0                         # columns of blank room after 负责人, 审核人 to sign in
SIGNED_STYLES = {"note": CellStyle(border=False, vertical="top"),
                 "signature": CellStyle(border=False, vertical="top", wrap=True),
                 "spacer": CellStyle(border=False)}
_ORPHANS = ("unit_label", "total_label")


def _page_rows(layout: TableLayout) -> float:
    """How many points of rows one printed page holds (after the fit-to-width scale), with a margin."""
    width, height = A4_LANDSCAPE_PT
    left, right, top, bottom = (m * 72 for m in layout.page.margins_in)
    sheet = sum(textfit.column_points(w) for w in layout.column_widths)
    scale = min(1.0, (width - left - right) / sheet)
    return (height - top - bottom) / scale * PAGE_SAFETY


def paginate(layout: TableLayout, keep_with_last: int = 0) -> list[int]:
    """The rows after which a page ends (1-based), so that every page holds what fits, no page ends
    with a unit's or the 合计 row, and the last ``keep_with_last`` rows (the signature block) share a page
    with at least one row of the table above them."""
    first, last = layout.repeat_rows
    repeated = sum(layout.row_heights[first - 1:last])
    room = _page_rows(layout) - repeated
    heights = layout.row_heights
    n = len(layout.rows)
    tail_start = n - keep_with_last + 1 if keep_with_last else n + 1   # the first row of the kept block
    # a cell merged over several rows (a project too tall for one row) is one block: it moves to the next
    # page whole when it fits on one, never printed in two halves
    spans: dict[int, int] = {}
    for m in layout.merges:
        if m.last_row > m.first_row and sum(heights[m.first_row - 1:m.last_row]) <= room:
            spans[m.first_row] = max(spans.get(m.first_row, m.first_row), m.last_row)
    breaks: list[int] = []
    used = 0.0
    r = last + 1
    while r <= n:
        h = sum(heights[r - 1:spans[r]]) if r in spans else heights[r - 1]
        if r == tail_start:                       # the block and the row before it go together
            h = sum(heights[r - 1:])
        if used + h > room and used > 0:
            end = r - 1
            if r == tail_start:
                end -= 1                          # the table's last row goes with the signatures
            while end > last + 1 and layout.rows[end - 1][0].style in _ORPHANS:
                end -= 1                          # never end a page on a unit's or the 合计 row
            if end <= (breaks[-1] if breaks else last):
                end = r - 1                       # nothing better fits: break where the page is full
            breaks.append(end)
            used = 0.0
            r = end + 1
            continue
        used += h if r in spans else heights[r - 1]
        r = spans.get(r, r) + 1
    return breaks


def signature_spans(texts: list[str], widths: list[float], size: float) -> list[tuple[int, int]]:
    """The columns (first, last; 1-based) of 编制单位, 负责人, 审核人 and 日期 on the signature row: 编制单位 from the
    first column over as many as its text needs (a long department name is not cut by the next label),
    负责人 and 审核人 each over what its label and room to sign need, 日期 in the last column; where the
    columns run out, a label takes one column and wraps there."""
    n = len(widths)
    spans, col = [], 1
    for k, text in enumerate(texts[:3]):
        need = textfit.text_width_chars(text, size) + (SIGN_ROOM if k else 0)
        last, keep = col, n - 1 - (2 - k)          # leave a column for each label after this one and 日期
        while last < keep and sum(widths[col - 1:last]) < need:
            last += 1
        spans.append((col, max(col, min(last, keep))))
        col = spans[-1][1] + 1
    return spans + [(n, n)]


def signed_layout(filing: Filing, department: str, coverage: str, *, draft: bool) -> TableLayout:
    """The official table of ``filing`` with ``coverage`` (what it sums, what it does not) below it, the
    signature block of ``department``, page numbers and the page breaks (see the module docstring)."""
    layout = render(filing)
    rows = [list(r) for r in layout.rows]
    if draft:
        rows[0][0] = Cell(str(rows[0][0].value) + TITLE_DRAFT, rows[0][0].style)
    heights = list(layout.row_heights)
    merges = list(layout.merges)
    widths = layout.column_widths
    ncols = len(widths)                           # 7, or more where the profile prints more amount columns
    rows.append([Cell(None, "spacer")] * ncols)
    heights.append(SPACER_PT)
    note_width = sum(widths)
    rows.append([Cell(coverage, "note"), *[Cell(None, "note")] * (ncols - 1)])
    lines = textfit.count_lines(coverage, textfit.text_box_points(note_width), STYLES["text"].size)
    heights.append(textfit.row_points(lines, STYLES["text"].size))
    merges.append(Merge(len(rows), 1, len(rows), ncols))
    sign = [Cell(None, "signature") for _ in range(ncols)]
    size = SIGNED_STYLES["signature"].size
    lines = 1
    for text, (first, last) in zip(texts := [t.format(department=department) for t in SIGNATURE],
                                   signature_spans(texts, widths, size)):
        sign[first - 1] = Cell(text, "signature")
        if last > first:
            merges.append(Merge(len(rows) + 1, first, len(rows) + 1, last))
        room = textfit.text_box_points(sum(widths[first - 1:last]))
        lines = max(lines, textfit.count_lines(text, room, size))
    rows.append(sign)
    heights.append(max(SIGN_ROW_PT, textfit.row_points(lines, size) + SPACER_PT))
    signed = replace(layout, rows=rows, row_heights=heights, merges=merges,
                     styles={**layout.styles, **SIGNED_STYLES},
                     page=replace(layout.page, footer=FOOTER))
    return replace(signed, row_breaks=paginate(signed, keep_with_last=3))
