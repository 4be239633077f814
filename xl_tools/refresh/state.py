"""What the tool wrote last time, kept in the hidden sheet ``_xltools``.

The remote xlwings engine cannot read formats back, so the highlights, notes and fills of the last
refresh are recorded here, with each highlighted cell's own look (``looks.Look``: its fill and font
colour before the highlight) and a hash of every row of the data sheets (``rows``): when the person
deletes, inserts or sorts rows, the next refresh finds each mark on the row it moved with, clears what is
no longer flagged, gives the cell its own look back and leaves the user's own formatting alone.

The sheet travels with the workbook, so ``read_state`` treats it as untrusted input and validates it
against a schema (``ROW_KINDS``: one reader per kind of row). A row is taken only when it names one of
the tool's own data sheets (基本信息, 项目, 绩效指标, as the workbook spells them), cells inside that
sheet's used area, ranges no larger than the area, and no more cells in all than ``MAX_STATE_CELLS``;
``A1:XFD1048576`` is refused, never expanded cell by cell; a recorded format must name a style the
workbook has. Every other row (an unknown kind, 说明 or
a missing sheet, a bad reference, a fill whose record is not the tool's) is ignored and counted in
``State.ignored``, which the refresh reports as one 提示 (FILE003). To record a new kind of row: write
its reader and add it to ``ROW_KINDS``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from .. import limits
from ..address import column_index
from ..catalogue import codes, family_of, finding
from ..findings import Finding
from ..schema import SHEET_INDICATORS, SHEET_INFO, SHEET_PROJECTS, SHEET_STATE, TEMPLATE_VERSION
from ..textnorm import squash
from .imported import KIND as KIND_FOUND
from .imported import WHOLE, record_of
from .looks import Look
from .ops import Rect, SheetContent, group_rects
from .rows import CELL_CHARS, RUN_ROWS, hashes_of_text, hashes_text

HEADER = ["kind", "sheet", "range", "value", "text"]
NOTES_PER_CELL = 1000          # ~25 characters each: well under Excel's 32,767 per cell
RANGES_PER_CELL = 2000         # "AB12345:AC12399 " at most 16 characters each
DATA_SHEETS = (SHEET_INFO, SHEET_PROJECTS, SHEET_INDICATORS)    # the only sheets state rows may name
MAX_STATE_CELLS = 500_000      # cells all rows together may name (a refresh of 50,000 rows needs far fewer)
MAX_STATE_ROWS = 100_000       # rows of the state sheet that are read at all
MAX_ROW, MAX_COL = 1_048_576, 16_384
SEVERITIES = ("error", "warning", "draft")      # draft: a drafted row not confirmed yet (drafting)
MAX_STYLES = 65_536            # Excel's limit on cell formats, when the view cannot count them
KIND_STYLE, KIND_STYLE_NEW = "xf", "xf+"       # older files: a cell's own format by style index
KIND_LOOK = "look"             # a highlighted cell's own look (looks.Look.text), its ranges
MARKS_VERSION = 2              # the tool's own highlight colours, looks and row hashes
_STYLE_VALUE = re.compile(r"^(\d{1,5}|-):([0-9a-f]{8})$")
_CELLS = re.compile(r"^(?:[0-9a-f]{%d}|)(?:\.(?:[0-9a-f]{%d}|))*$" % (CELL_CHARS, CELL_CHARS))
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")          # when the last refresh was
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def _corners(ref: str) -> tuple[int, int, int, int] | None:
    """Row and column of the first and last cell of an A1 range (one cell: twice the same); None when it
    is not one, a column past XFD included (``address.column_index`` refuses it)."""
    first, _, last = ref.strip().partition(":")
    a, b = _A1.match(first), _A1.match(last or first)
    if not a or not b:
        return None
    try:
        return int(a.group(2)), column_index(a.group(1)), int(b.group(2)), column_index(b.group(1))
    except ValueError:
        return None


def note_key(text: str) -> str:
    """What is kept of a note to know next time whether it changed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class State:
    highlights: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet,row,col) → severity
    notes: dict[tuple[str, int, int], str] = field(default_factory=dict)       # → note_key(text)
    # → (value written, JSON of the fill's finding: code, message, project, field, indicator_no)
    fills: dict[tuple[str, int, int], tuple[str, str]] = field(default_factory=dict)
    looks: dict[tuple[str, int, int], Look] = field(default_factory=dict)     # a highlighted cell's own look
    rows: dict[str, dict[int, str]] = field(default_factory=dict)   # sheet → row → rows.row_hash
    cells: dict[str, dict[int, str]] = field(default_factory=dict)  # sheet → marked row → rows.cell_hashes
    version: int = 1                  # MARKS_VERSION: written by a refresh with the tool's own colours
    digest: str = ""
    stamp: str = ""
    drafted: frozenset[str] = frozenset()   # row hashes of the 绩效指标 rows drafted and still as drafted
    ignored: list[int] = field(default_factory=list)    # rows of the state sheet that were not taken
    # what an import reported, kept (``imported``): (sheet, row, column, hash it is kept by, record);
    # row and column None for a finding about the whole table
    found: list[tuple] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        """One 提示 (FILE003) when rows were ignored."""
        if not self.ignored:
            return []
        rows = "、".join(str(r) for r in self.ignored[:10]) + ("……" if len(self.ignored) > 10 else "")
        return [finding("FILE003", f"隐藏工作表「{SHEET_STATE}」中有 {len(self.ignored)} 行记录无法识别、"
                        f"超出范围或指向工具不管理的位置（第 {rows} 行），已忽略；本次刷新已重写该表",
                        "如果并未手工修改过该表，可能是文件被其他程序改动过，请核对标色和批注")]


# ------------------------------------------------------------------------------------------ reading

@dataclass
class _Context:
    """What a row may name: the data sheets as the workbook spells them, with their used area, and
    how many cell formats the workbook has."""

    areas: dict[str, tuple[int, int] | None]  # sheet → (max row, max column); None: not known
    styles: object = None                     # a file view's styles (ooxml.styles.Styles): older rows
    budget: int = MAX_STATE_CELLS

    def cells(self, sheet: object, ref: object) -> list[tuple[int, int]] | None:
        """The cells of "B3" or "B3:C9" on `sheet`; None when the sheet is not a data sheet, the
        reference is not a cell or range, reaches past the used area, or the budget would run out;
        [] when it lies wholly below or right of the used area (rows the user has since deleted)."""
        if not isinstance(sheet, str) or sheet not in self.areas or not isinstance(ref, str):
            return None
        corners = _corners(ref)
        if corners is None:
            return None
        r1, c1, r2, c2 = corners
        if not (0 < r1 <= r2 <= MAX_ROW and 0 < c1 <= c2 <= MAX_COL):
            return None
        area = self.areas[sheet]
        if area is not None:
            max_row, max_col = area
            if r1 > max_row or c1 > max_col:
                return []                   # cells since deleted: nothing there to clear
            if r2 > max_row or c2 > max_col:
                return None
        count = (r2 - r1 + 1) * (c2 - c1 + 1)
        if count > self.budget:
            return None
        self.budget -= count
        return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _area(ws) -> tuple[int, int] | None:
    """The used area of a sheet, formatted cells included (openpyxl: max_row × max_column; the live
    book: its used range), or None when the view cannot tell (the patcher's streaming view keeps only
    the rows holding values: a highlight left on a cleared row below them must still be found)."""
    rows, cols = getattr(ws, "max_row", None), getattr(ws, "max_column", None)
    if isinstance(rows, int) and isinstance(cols, int):
        return min(rows, MAX_ROW), min(cols, MAX_COL)
    rows_ = getattr(ws, "_rows", None)
    if rows is None and isinstance(rows_, list):              # the live-book view: its used range
        return len(rows_), max((len(r) for r in rows_), default=0)
    return None


def _context(view) -> _Context:
    wanted = {squash(n) for n in DATA_SHEETS}
    return _Context({name: _area(view[name]) for name in view.sheetnames if squash(name) in wanted},
                    getattr(view, "styles", None))


def _short(value: object, limit: int = 64) -> str | None:
    return value if isinstance(value, str) and len(value) <= limit else None


def _digest(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    state.digest = _short(sheet) or ""
    return sheet in (None, "") or bool(state.digest)


def _stamp(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    state.stamp = sheet if isinstance(sheet, str) and _STAMP.match(sheet) else ""
    return sheet in (None, "") or bool(state.stamp)


def _known(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    return True                     # template_version, the header row (and the template's older one)


def _ranges(ctx: _Context, sheet, text: str, into: dict, value) -> bool:
    """Record ``value`` for every cell of the space-separated ranges in ``text``; False when one of
    them was refused (the others are kept)."""
    taken = True
    for ref_ in text.split():
        cells = ctx.cells(sheet, ref_)
        if cells is None:
            taken = False
            continue
        for r, c in cells:
            into[(sheet, r, c)] = value
    return taken


def _highlight_ranges(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """hls: severity in `value`, space-separated ranges in `text`."""
    if value not in SEVERITIES or not isinstance(text, str):
        return False
    return _ranges(ctx, sheet, text, state.highlights, value)


def _highlight(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """hl (older files): one range in `ref`."""
    cells = ctx.cells(sheet, ref) if value in SEVERITIES else None
    for r, c in cells or ():
        state.highlights[(sheet, r, c)] = value
    return cells is not None


def _fill_record(text: object) -> str | None:
    """The fill's finding as JSON, when it is one the tool writes (a FIL code and plain fields)."""
    try:
        data = json.loads(text) if isinstance(text, str) and len(text) <= 4000 else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("code") not in codes() or family_of(data["code"]) != "FIL" \
            or not isinstance(data.get("message"), str):
        return None
    for key, kinds in (("project", str), ("field", str), ("indicator_no", int)):
        if data.get(key) is not None and (not isinstance(data[key], kinds) or isinstance(data[key], bool)):
            return None
    return text


def _fill(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """fill: one cell in `ref`, the value written in `value`, the fill's finding in `text`."""
    record = _fill_record(text)
    cells = ctx.cells(sheet, ref) if record is not None and isinstance(value, (str, int, float, type(None))) else None
    if cells is None or len(cells) > 1:
        return False
    for r, c in cells:
        state.fills[(sheet, r, c)] = ("" if value is None else str(value), record)
    return True


def _notes(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """notes: JSON {cell: key of the note's text} in `text`."""
    try:
        keys = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return False
    if not isinstance(keys, dict):
        return False
    taken = True
    for ref_, key in keys.items():
        cells = ctx.cells(sheet, ref_) if _short(key) else None
        if cells is None or len(cells) > 1:
            taken = False
            continue
        for r, c in cells:
            state.notes[(sheet, r, c)] = key
    return taken


def _style(state: State, ctx: _Context, sheet, ref, value, text, kind: str = KIND_STYLE) -> bool:
    """xf / xf+ (refreshes before ``looks``): "index:fingerprint" of a cell's own format in `value`,
    its ranges in `text`; the look of that format where the view can tell (a file), else nothing."""
    m = _STYLE_VALUE.match(str(value or ""))
    if not m or not isinstance(text, str):
        return False
    styles = ctx.styles
    if styles is None:
        return True                                   # live Excel: formats cannot be read
    style = styles.resolve(0 if m.group(1) == "-" else int(m.group(1)), m.group(2))
    if style is None:
        return False
    fill, font = styles.look_of(style)
    look = Look(fill, font, kind == KIND_STYLE_NEW, f"{style}:{styles.fingerprint(style)}")
    return _ranges(ctx, sheet, text, state.looks, look)


def _new_style(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    return _style(state, ctx, sheet, ref, value, text, KIND_STYLE_NEW)


def _look(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """look: a cell's own look (``Look.text``) in `value`, its ranges in `text`."""
    look = Look.of_text(value)
    if look is None or not isinstance(text, str):
        return False
    return _ranges(ctx, sheet, text, state.looks, look)


def _marks(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    state.version = sheet if isinstance(sheet, int) and sheet == MARKS_VERSION else 1
    return state.version == MARKS_VERSION


def _row_number(ctx: _Context, sheet, ref) -> int | None:
    if not isinstance(sheet, str) or sheet not in ctx.areas:
        return None
    try:
        r = int(str(ref))
    except ValueError:
        return None
    return r if 0 < r <= MAX_ROW else None


def _rows(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """rows: the hashes of consecutive rows from row `ref` (``rows.hashes_text``) in `text`."""
    first = _row_number(ctx, sheet, ref)
    found = hashes_of_text(first, text) if first is not None and isinstance(text, str) else None
    if found is None or len(found) > ctx.budget:
        return False
    ctx.budget -= len(found)
    state.rows.setdefault(sheet, {}).update(found)
    return True


def _cells(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """cells: the cell hashes of marked row `ref` (``rows.cell_hashes``) in `text`."""
    r = _row_number(ctx, sheet, ref)
    if r is None or not isinstance(text, str) or len(text) > 2000 or not _CELLS.match(text):
        return False
    state.cells.setdefault(sheet, {})[r] = text
    return True


def _drafted(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """drafted: the row hashes (``rows.hashes_text`` of one run) of the drafted rows in `text`."""
    found = hashes_of_text(1, text) if sheet == SHEET_INDICATORS and isinstance(text, str) else None
    if found is None or len(found) > ctx.budget:
        return False
    ctx.budget -= len(found)
    state.drafted = state.drafted | frozenset(found.values())
    return True


def _found(state: State, ctx: _Context, sheet, ref, value, text) -> bool:
    """found: an import's finding (``imported``) — its cell in `ref` (none: about the whole table, its
    sheet named or not), the hash it is kept by in `value`, the finding as JSON in `text`."""
    record = record_of(text)
    if record is None or not isinstance(value, str) or len(value) > 16:
        return False
    if ref is None:
        if not value.startswith(WHOLE) or (sheet is not None and sheet not in ctx.areas):
            return False
        state.found.append((sheet, None, None, value, record))
        return True
    cells = ctx.cells(sheet, ref)
    if not cells or len(cells) > 1:
        return False
    state.found.append((sheet, *cells[0], value, record))
    return True


# kind (column A) → reader(state, context, sheet, range, value, text) → whether the row was taken
ROW_KINDS: dict[str, Callable[..., bool]] = {
    "template_version": _known, "kind": _known, "sheet": _known, "digest": _digest, "stamp": _stamp,
    "hls": _highlight_ranges, "hl": _highlight, "fill": _fill, "notes": _notes,
    KIND_STYLE: _style, KIND_STYLE_NEW: _new_style, KIND_LOOK: _look, "marks": _marks, "rows": _rows,
    "cells": _cells, "drafted": _drafted, KIND_FOUND: _found,
}


def read_state(view) -> State:
    """The rows of `view`'s ``_xltools`` sheet that pass the schema (see the module docstring)."""
    state = State()
    if SHEET_STATE not in view.sheetnames:
        return state
    ctx = _context(view)
    for number, row in enumerate(view[SHEET_STATE].iter_rows(min_row=1, values_only=True), start=1):
        if number > MAX_STATE_ROWS:
            state.ignored.append(number)
            break
        if number % 1000 == 0:
            limits.check_time()
        kind, sheet, ref, value, text = (list(row) + [None] * 5)[:5]
        if kind is None and sheet is None and ref is None and value is None and text is None:
            continue
        reader = ROW_KINDS.get(kind) if isinstance(kind, str) else None
        if reader is None or not reader(state, ctx, sheet, ref, value, text):
            state.ignored.append(number)
    return state


# ------------------------------------------------------------------------------------------ writing

def state_sheet(highlight_rects: list[tuple[str, Rect, str]], notes: dict, fills: dict, digest: str,
                stamp: str, looks: dict | None = None, rows: dict | None = None,
                cells: dict | None = None, drafted: list[str] | tuple = (), found: list[list] | tuple = ()) -> SheetContent:
    """The state sheet of this refresh: its highlights, notes, fills, the cells' own looks, the hashes
    of the data sheets' rows (``rows``: sheet → row → hash), of the marked rows' cells (``cells``) and of
    the drafted rows still as drafted (``drafted``: row hashes, ``drafting``), and an import's findings
    still kept (``found``: ``imported.state_rows``)."""
    out: list[list] = [["template_version", TEMPLATE_VERSION, None, None, None],
                       ["digest", digest, None, None, None], ["stamp", stamp, None, None, None], HEADER,
                       ["marks", MARKS_VERSION, None, None, None]]
    grouped: dict[tuple[str, str], list[str]] = {}
    for sheet, rect, severity in highlight_rects:
        grouped.setdefault((sheet, severity), []).append(rect.a1)
    for (sheet, severity), refs in grouped.items():   # space-separated ranges, a few cells in all
        for k in range(0, len(refs), RANGES_PER_CELL):
            out.append(["hls", sheet, None, severity, " ".join(refs[k:k + RANGES_PER_CELL])])
    by_sheet: dict[str, dict[str, str]] = {}
    for (sheet, r, c), text in sorted(notes.items()):
        by_sheet.setdefault(sheet, {})[Rect(r, c).a1] = note_key(text)
    for sheet, keys in by_sheet.items():            # a few cells of JSON, not one row per note
        items = list(keys.items())
        for k in range(0, len(items), NOTES_PER_CELL):
            out.append(["notes", sheet, None, None, json.dumps(dict(items[k:k + NOTES_PER_CELL]))])
    for (sheet, r, c), (value, message) in sorted(fills.items()):
        out.append(["fill", sheet, Rect(r, c).a1, value, message])
    out.extend(_look_rows(looks or {}))
    for sheet, hashes in (rows or {}).items():
        out.extend(["rows", sheet, str(first), None, text] for first, text in hashes_text(hashes.items()))
    for sheet, marked in (cells or {}).items():
        out.extend(["cells", sheet, str(r), None, text] for r, text in sorted(marked.items()))
    hashes = sorted(set(drafted))
    for k in range(0, len(hashes), RUN_ROWS):
        out.append(["drafted", SHEET_INDICATORS, None, None, "".join(hashes[k:k + RUN_ROWS])])
    out.extend(found)
    return SheetContent(SHEET_STATE, out, hidden=True)


def _look_rows(looks: dict[tuple[str, int, int], Look]) -> list[list]:
    groups: dict[tuple[str, str], set] = {}
    for (sheet, r, c), look in looks.items():
        groups.setdefault((sheet, look.text()), set()).add((r, c))
    out = []
    for (sheet, text), cells in sorted(groups.items()):
        refs = [rect.a1 for rect in group_rects(cells)]
        for k in range(0, len(refs), RANGES_PER_CELL):
            out.append([KIND_LOOK, sheet, None, text, " ".join(refs[k:k + RANGES_PER_CELL])])
    return out


def with_looks(content: SheetContent, found: dict[tuple[str, int, int], Look]) -> SheetContent:
    """The state sheet `content` with the looks a writer noted while colouring (`found`) added to the
    ones it already records."""
    if not found:
        return content
    kept: dict[tuple[str, int, int], Look] = {}
    rows = []
    for row in content.rows:                     # the tool's own rows (``state_sheet``), not a file's
        if row[0] == KIND_LOOK:
            look = Look.of_text(row[3])
            for ref_ in str(row[4]).split():
                for r, c in _own_cells(ref_):
                    kept[(row[1], r, c)] = look
        else:
            rows.append(row)
    kept.update(found)
    at = next((k for k, row in enumerate(rows) if row[0] in ("rows", "cells")), len(rows))
    return SheetContent(content.name, rows[:at] + _look_rows(kept) + rows[at:], hidden=content.hidden)


def _own_cells(ref: str) -> list[tuple[int, int]]:
    corners = _corners(ref)
    if corners is None:
        return []
    r1, c1, r2, c2 = corners
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def without_notes(content: SheetContent, unwritten: set[tuple[str, int, int]]) -> SheetContent:
    """The state sheet `content` without the notes a writer did not write (a user's own note on the
    cell, a drawing it could not read): the next refresh tries them again, and says so again."""
    if not unwritten:
        return content
    rows = []
    for row in content.rows:
        if row[0] == "notes":
            keys = {k: v for k, v in json.loads(row[4]).items()
                    if not any((row[1], r, c) in unwritten for r, c in _own_cells(k))}
            if not keys:
                continue
            row = [*row[:4], json.dumps(keys)]
        rows.append(row)
    return replace(content, rows=rows)
