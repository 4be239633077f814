"""Apply a refresh plan to a live workbook through the portable xlwings API.

The calls grow with the number of groups (rectangles, sheets, notes), not with cells: values go in
one 2-D write per block, highlights one call per rectangle (multi-area addresses fail remotely).

Two things differ between the runtimes (xlwings ``main.py`` and xlwings-server's JS client):

- column widths: desktop xlwings takes characters (COM's ColumnWidth), the Office.js client
  (xlwings Server, xlwings Lite) points (``RangeFormat.columnWidth``); the plan is in characters;
- cell notes: the Office.js client writes them only on Excel with ExcelApi 1.18 and says so per
  sheet (``notes_supported``); without it the notes are skipped and the findings reach the user
  through 校验结果 (and the add-in's task pane) alone.

A highlight taken off gives the cell its own look back (``looks.Look``: its fill and font colour, as
the plan carries them from the refresh that put the highlight on, in RGB). Desktop Excel tells the
look of a cell before it is coloured (``Range.color``, ``Font.color``); the remote engine cannot read
formats, so there a cell coloured first in the add-in gets no fill and a black font back, unless a
refresh on the file noted its look before.

What the portable API cannot do, and the file writer does: for the tool's sheets, the page setup (A4
landscape, fit to one page wide), the rows repeated on printed pages and an autofilter (xlwings has no
call for these; Office.js filters need a criterion). Merges, borders, wrapping and widths are applied.
"""

from __future__ import annotations

import re
from importlib import metadata

from .. import limits
from ..address import column_letter
from ..errors import XlToolsError
from ..schema import NOTE_PREFIX, SHEET_PUBLIC, SHEET_RESULTS, SHEET_STATE
from ..textfit import column_points
from .looks import Look
from .ops import ReplacePublic, ReplaceSheet, SetFill, SetNames, SetNote, SetValues, WidenTable
from .results import notes_text, with_notes_line
from .sheets import Formula, insert_index, link_formula
from .state import with_looks, without_notes


def _reads_as_input(text: str) -> bool:
    """Whether Excel would read ``text`` as something else than this text when it is written into a
    General cell (COM's Range.Value and Office.js' Range.values both parse it like typed input):
    "=…", "+x", "-x", "@x" become formulas; "100", "1,000", "95%", "1-3", "2025-06-30", "10:00",
    "TRUE", "Mar-5", full-width "１００" numbers, dates, times or booleans. Anything that starts with
    an ASCII or a full-width character might; text that starts with a CJK character or a symbol such
    as "≥" never does."""
    head = text.lstrip()[:1]
    return bool(head) and (head.isascii() or "\uff00" <= head <= "\uffef")


def _cell_value(value):
    if isinstance(value, str) and _reads_as_input(value) and not isinstance(value, Formula):
        return "'" + value           # Excel keeps what follows a leading apostrophe as text
    return value


def _block(values: list[list]) -> list[list]:
    return [[_cell_value(v) if v is not None else "" for v in row] for row in values]


def _remote_api(book) -> dict | None:
    """The request payload when ``book`` is on xlwings' remote engine, else None (desktop COM)."""
    api = getattr(book, "api", None)
    return api if isinstance(api, dict) else None


def notes_supported(book) -> bool:
    """Whether cell notes can be written: always on desktop Excel; through the Office.js client
    only where every sheet reports ExcelApi 1.18 (``notes_supported``, sent by xlwings-server ≥ 1.x)."""
    api = _remote_api(book)
    if api is None:
        return True
    return api.get("client") == "Office.js" and all(
        isinstance(s.get("notes"), list) and s.get("notes_supported", True) is not False for s in api["sheets"])


def width_converter(book):
    """Characters → the unit ``Range.column_width`` takes on ``book``'s engine."""
    api = _remote_api(book)
    return column_points if api is not None and api.get("client") == "Office.js" else float


MIN_XLWINGS = (0, 37, 5)        # Range.add_note, notes_supported (0.37.5), Range.borders (0.37.1); = setup.cfg
MSG_OLD_XLWINGS = ("这台电脑上的 xlwings 版本过旧（{have}），刷新需要 {need} 或更高："
                   "请在命令行运行 pip install -U \"xlwings>={need}\" 后重试。")


def require_xlwings(version: str | None) -> None:
    """XlToolsError (Chinese) when ``version`` is older than the xlwings this writer needs (Anaconda
    ships older ones). A version that is not numbers (a source checkout) or unknown passes."""
    parts = re.match(r"(\d+)\.(\d+)\.(\d+)", version or "")
    if parts and tuple(map(int, parts.groups())) < MIN_XLWINGS:
        raise XlToolsError(MSG_OLD_XLWINGS.format(have=version, need=".".join(map(str, MIN_XLWINGS))))


def installed_xlwings() -> str | None:
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return None


def _noted_cells(book) -> dict[str, set[str]] | None:
    """Sheet → cells ("B3") holding a note, when the book says so up front (the remote engine's
    payload): asking each range instead costs a pass over all of its sheet's notes per cell."""
    api = _remote_api(book)
    if api is None:
        return None
    return {s.get("name"): {str(n.get("address", "")).split("!")[-1].replace("$", "").upper()
                            for n in (s.get("notes") or []) if isinstance(n, dict)}
            for s in api.get("sheets", []) if isinstance(s, dict)}


def _hex(colour) -> str | None:
    """"RRGGBB" of a colour as xlwings reads it (an (r, g, b) tuple or "#rrggbb"), None for none."""
    if isinstance(colour, (tuple, list)) and len(colour) == 3:
        return "".join(f"{int(v):02X}" for v in colour)
    if isinstance(colour, str) and re.fullmatch(r"#?[0-9A-Fa-f]{6}", colour):
        return colour.lstrip("#").upper()
    return None


def own_looks(sheet, rect) -> dict[tuple[str, int, int], Look]:
    """The look of each cell of `rect` before it is coloured, where the engine can read formats
    (desktop Excel); {} on the remote engine, which cannot."""
    out = {}
    for r, c in rect.cells():
        cell = sheet.range((r, c))
        try:
            fill, font = cell.color, cell.font.color
        except NotImplementedError:
            return {}
        out[(sheet.name, r, c)] = Look(_hex(fill), _hex(font))
    return out


def apply_ops(book, ops: list) -> tuple[int, int]:
    """Apply the plan to a live book; returns (notes kept in the user's place, notes not written because
    the client cannot write notes), which 校验结果 states under its summary."""
    require_xlwings(installed_xlwings())
    notes_ok = notes_supported(book)
    noted = _noted_cells(book)
    kept = skipped = 0
    unwritten: set[tuple[str, int, int]] = set()        # left out of the state: tried again next time
    found: dict[tuple[str, int, int], Look] = {}
    for k, op in enumerate(ops):
        if k % 100 == 0:
            limits.check_time()
        if isinstance(op, SetValues):
            sheet = book.sheets[op.sheet]
            rng = sheet.range((op.row, op.col)).resize(len(op.values), len(op.values[0]))
            rng.value = _block(op.values)
        elif isinstance(op, SetFill):
            rect = op.rect
            sheet = book.sheets[op.sheet]
            rng = sheet.range((rect.row, rect.col)).resize(rect.nrows, rect.ncols)
            if op.fill:
                if op.look is None:
                    found.update(own_looks(sheet, rect))
                rng.color = "#" + op.fill
                rng.font.color = "#" + op.font if op.font else "#000000"
            else:                      # the cells' own look back (unknown: no fill, automatic = black)
                look = op.look or Look()
                rng.color = "#" + look.fill_rgb if look.fill_rgb else None
                rng.font.color = "#" + (look.font_rgb or "000000")
        elif isinstance(op, SetNote):
            if not notes_ok:
                skipped += op.text is not None
                unwritten.add((op.sheet, op.row, op.col))
                continue
            rng = book.sheets[op.sheet].range((op.row, op.col))
            here = noted.setdefault(op.sheet, set()) if noted is not None else None
            key = f"{column_letter(op.col)}{op.row}"
            if (key in here) if here is not None else (rng.note is not None):
                if op.text is not None and not op.ours and _users_note(rng):
                    kept += op.text is not None          # the user's own note stays; ours is not written
                    unwritten.add((op.sheet, op.row, op.col))
                    continue
                rng.note.delete()
                here is not None and here.discard(key)
            if op.text is not None:
                rng.add_note(op.text)
                here is not None and here.add(key)
        elif isinstance(op, ReplaceSheet):
            content = op.content
            if content.name == SHEET_RESULTS:
                content = with_notes_line(content, notes_text(kept, skipped))
            elif content.name == SHEET_STATE:
                content = without_notes(with_looks(content, found), unwritten)
            _write_content(book, _fresh_sheet(book, content.name), content)
        elif isinstance(op, ReplacePublic):
            _write_layout(_fresh_sheet(book, SHEET_PUBLIC), op.layout, width_converter(book))
        elif isinstance(op, WidenTable):
            _widen(book.sheets[op.sheet], op)
        elif isinstance(op, SetNames):
            _set_names(book, op.names)
    return kept, skipped


def _set_names(book, names: list[tuple[str, str]]) -> None:
    """Point the workbook-level names at their references, adding those the book lacks."""
    there = {n.name: n for n in book.names}
    for name, text in names:
        if name in there:
            there[name].refers_to = f"={text}"
        else:
            book.names.add(name, f"={text}")


def _widen(sheet, op: WidenTable) -> None:
    """The sheet's Excel table whose header row is ``op.row`` and whose last column is ``op.col`` - 1,
    resized to take ``op.col`` in (Excel names the column by its header cell, written before). An engine that
    cannot list tables: the column stays beside the table."""
    try:
        tables = list(sheet.tables)
    except NotImplementedError:
        return
    for table in tables:
        rng = table.range
        if rng is None or table.header_row_range is None:
            continue
        last = rng.last_cell
        if rng.row == op.row and last.column == op.col - 1:
            table.resize(sheet.range((rng.row, rng.column), (last.row, op.col)))
            return


def users_note(book):
    """``(sheet, row, col) → bool``: whether ``apply_ops`` would leave a note of ours unwritten on that cell
    again — the person's own note is there (not ours), or the client writes no notes at all — asked only
    of the cells a note of ours is new on."""
    if not notes_supported(book):
        return lambda sheet, row, col: True
    noted = _noted_cells(book)

    def kept(sheet: str, row: int, col: int) -> bool:
        rng = book.sheets[sheet].range((row, col))
        if noted is not None:
            if f"{column_letter(col)}{row}" not in noted.get(sheet, set()):
                return False
        elif rng.note is None:
            return False
        return _users_note(rng)
    return kept


def _users_note(rng) -> bool:
    """Whether the note on `rng` (a cell the last refresh did not note) is the user's: not one of ours by
    its text where the engine can read it (desktop Excel); on the remote engine, which sends which cells
    have notes but not their text, any note there."""
    try:
        text = rng.note.text
    except NotImplementedError:
        return True
    return not str(text or "").startswith(NOTE_PREFIX)


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
    for r, c, sheet_name, cell, text in content.links:
        rows[r - 1][c - 1] = link_formula(sheet_name, cell, text)
    if rows:
        sheet.range((1, 1)).resize(len(rows), width).value = _block(rows)
    _set_widths(sheet, content.widths, width_converter(book))
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


def _set_widths(sheet, widths: dict[int, float], to_unit) -> None:
    """Column widths, one call per run of neighbouring columns of the same width."""
    cols = sorted(widths)
    k = 0
    while k < len(cols):
        j = k
        while j + 1 < len(cols) and cols[j + 1] == cols[j] + 1 and widths[cols[j + 1]] == widths[cols[k]]:
            j += 1
        sheet.range((1, cols[k])).resize(1, j - k + 1).column_width = to_unit(widths[cols[k]])
        k = j + 1


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


def _write_layout(sheet, layout, to_unit=float) -> None:
    """The 公开表 from the publisher's TableLayout, in calls that grow with its groups, not its cells:
    values in one call, borders on the table in one, bold rows and number formats by runs, merges one
    each; row heights are left to Excel's autofit except where a block is merged over several rows
    (Excel does not autofit merged cells)."""
    ncols = max(len(r) for r in layout.rows)
    nrows = len(layout.rows)
    values = [[(float(c.value) if hasattr(c.value, "as_tuple") else c.value) for c in row] +
              [None] * (ncols - len(row)) for row in layout.rows]
    _set_widths(sheet, dict(enumerate(layout.column_widths, start=1)), to_unit)
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
        row = layout.rows[top - 1]
        fmt = layout.styles[row[1].style].number_format
        width = sum(1 for c in row[1:] if layout.styles[c.style].number_format)    # the amount columns
        sheet.range((top, 2)).resize(count, width).number_format = fmt
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
