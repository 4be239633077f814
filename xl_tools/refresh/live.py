"""Apply a refresh plan to a live workbook through the portable xlwings API.

The calls grow with the number of groups (rectangles, sheets, notes), not with cells: values go in
one 2-D write per block, highlights one call per rectangle (multi-area addresses fail remotely).

What the portable API cannot do, and the file writer does: put back a cell's own format when a
highlight goes (Excel cannot tell us the format, so the fill is removed and the font colour set to
automatic), and, for the tool's sheets, the page setup (A4 landscape, fit to one page wide), the rows
repeated on printed pages and an autofilter (xlwings has no call for these; Office.js filters need a
criterion). Merges, borders, wrapping and widths are applied.
"""

from __future__ import annotations

from ..schema import SHEET_PUBLIC
from .ops import ReplacePublic, ReplaceSheet, SetFill, SetNote, SetValues
from .sheets import insert_index, link_formula

FORMULA_LEADS = ("=", "+", "-", "@")


def _cell_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not value.startswith('=HYPERLINK("#'):
        return "'" + value           # Excel stores a leading apostrophe as "this is text"
    return value


def _block(values: list[list]) -> list[list]:
    return [[_cell_value(v) if v is not None else "" for v in row] for row in values]


def _notes_supported(book) -> bool:
    api = getattr(book, "api", None)
    if isinstance(api, dict):                     # remote engine: payload
        return api.get("client") == "Office.js" and all(s.get("notes") is not None for s in api["sheets"])
    return True


def apply_ops(book, ops: list) -> None:
    notes_ok = _notes_supported(book)
    for op in ops:
        if isinstance(op, SetValues):
            sheet = book.sheets[op.sheet]
            rng = sheet.range((op.row, op.col)).resize(len(op.values), len(op.values[0]))
            rng.value = _block(op.values)
        elif isinstance(op, SetFill):
            rect = op.rect
            rng = book.sheets[op.sheet].range((rect.row, rect.col)).resize(rect.nrows, rect.ncols)
            rng.color = ("#" + op.fill) if op.fill else None
            rng.font.color = ("#" + op.font) if op.font else "#000000"
        elif isinstance(op, SetNote):
            if not notes_ok:
                continue
            rng = book.sheets[op.sheet].range((op.row, op.col))
            if rng.note is not None:
                rng.note.delete()
            if op.text is not None:
                rng.add_note(op.text)
        elif isinstance(op, ReplaceSheet):
            _write_content(book, _fresh_sheet(book, op.content.name), op.content)
        elif isinstance(op, ReplacePublic):
            _write_layout(_fresh_sheet(book, SHEET_PUBLIC), op.layout)


def _fresh_sheet(book, name: str):
    names = [s.name for s in book.sheets]
    if name in names:
        sheet = book.sheets[name]
        sheet.clear()
        return sheet
    idx = insert_index(names, name)
    # always `after=`: the remote engine places `before=` one sheet too early (xlwings 0.37)
    return book.sheets.add(name, after=book.sheets[max(idx, 1) - 1])


def _write_content(book, sheet, content) -> None:
    width = max((len(r) for r in content.rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in content.rows]
    for r, c, target, text in content.links:
        rows[r - 1][c - 1] = link_formula(target, text)
    if rows:
        sheet.range((1, 1)).resize(len(rows), width).value = _block(rows)
    for col, w in content.widths.items():
        sheet.range((1, col)).column_width = w
    for rect, fill, font in content.fills:
        rng = sheet.range((rect.row, rect.col)).resize(rect.nrows, rect.ncols)
        rng.color = "#" + fill
        if font:
            rng.font.color = "#" + font
    for r in content.bold_rows:
        sheet.range((r, 1)).resize(1, max(width, 1)).font.bold = True
    for col in content.wrap_cols:
        sheet.range((1, col)).resize(max(len(rows), 1), 1).wrap_text = True
    for r in content.wrap_rows:
        sheet.range((r, 1)).resize(1, max(width, 1)).wrap_text = True
    for rect in content.borders:
        sheet.range((rect.row, rect.col)).resize(rect.nrows, rect.ncols).borders.line_style = "continuous"
    for rect in content.merges:
        sheet.range((rect.row, rect.col)).resize(rect.nrows, rect.ncols).merge()
    if content.heights:
        sheet.autofit("rows")       # Excel fits wrapped text itself: one call instead of one per row
    if content.hidden:
        sheet.visible = False


def _runs(rows: list[int]):
    """Consecutive runs (first, count) of sorted 1-based row numbers."""
    start = prev = None
    for r in rows:
        if start is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            yield start, prev - start + 1
        start = prev = r
    if start is not None:
        yield start, prev - start + 1


def _write_layout(sheet, layout) -> None:
    """The 公开表 from the publisher's TableLayout, in calls that grow with its groups, not its cells:
    values in one call, borders on the table in one, bold rows and number formats by runs, merges one
    each; row heights are left to Excel's autofit except where a block is merged over several rows
    (Excel does not autofit merged cells)."""
    ncols = max(len(r) for r in layout.rows)
    nrows = len(layout.rows)
    values = [[(float(c.value) if hasattr(c.value, "as_tuple") else c.value) for c in row] +
              [None] * (ncols - len(row)) for row in layout.rows]
    for c, w in enumerate(layout.column_widths, start=1):
        sheet.range((1, c)).column_width = w
    body = sheet.range((1, 1)).resize(nrows, ncols)
    body.value = _block(values)
    body.wrap_text = True
    body.font.name = layout.font
    first, last = layout.repeat_rows
    table = sheet.range((last, 1)).resize(nrows - last + 1, ncols)     # header row to the end
    table.borders.line_style = "continuous"
    styles = [row[0].style if row else "" for row in layout.rows]
    bold = [r for r, key in enumerate(styles, start=1) if layout.styles.get(key) and layout.styles[key].bold]
    for top, count in _runs(bold):
        sheet.range((top, 1)).resize(count, ncols).font.bold = True
    money_rows = [r for r, row in enumerate(layout.rows, start=1)
                  if len(row) > 1 and layout.styles[row[1].style].number_format]
    for top, count in _runs(money_rows):
        fmt = layout.styles[layout.rows[top - 1][1].style].number_format
        sheet.range((top, 2)).resize(count, 4).number_format = fmt
    for m in layout.merges:
        sheet.range((m.first_row, m.first_col)).resize(m.last_row - m.first_row + 1,
                                                       m.last_col - m.first_col + 1).merge(False)
    sheet.autofit("rows")
    fixed = sorted({r for m in layout.merges if m.last_row > m.first_row
                    for r in range(m.first_row, m.last_row + 1)} | {1})
    for top, count in _runs(fixed):
        heights = layout.row_heights[top - 1: top - 1 + count]
        k = 0
        while k < count:                      # equal heights in one call
            j = k
            while j + 1 < count and heights[j + 1] == heights[k]:
                j += 1
            sheet.range((top + k, 1)).resize(j - k + 1, 1).row_height = heights[k]
            k = j + 1
