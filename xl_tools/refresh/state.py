"""What the tool wrote last time, kept in the hidden sheet ``_xltools``.

The remote xlwings engine cannot read formats back, so the highlights, notes and fills of the last
refresh are recorded here; the next refresh clears exactly what is no longer flagged and leaves the
user's own formatting alone. A file refresh also records each highlighted cell's own format (its
style index and what that style looks like), so taking the highlight off restores the cell exactly.

The sheet is user-editable, so ``read_state`` treats it as untrusted input: every row is checked
(known kind, an existing sheet, references inside the sheet, a bounded number of cells, style indexes
below the workbook's count) and a row that fails is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from ..ooxml.cells import MAX_COL, MAX_ROW, col_index
from ..ooxml.sheetxml import Original
from ..schema import SHEET_STATE, TEMPLATE_VERSION
from .ops import Rect, SheetContent, group_rects

HEADER = ["kind", "sheet", "range", "value", "text"]
NOTES_PER_CELL = 1000          # ~25 characters each: well under Excel's 32,767 per cell
RANGES_PER_CELL = 2000         # "AB12345:AC12399 " at most 16 characters each
MAX_STATE_CELLS = 500_000      # cells all state rows together may name (bounds memory and time)
MAX_STYLES = 65_536            # Excel's limit on cell formats, when the view cannot count them
KIND_STYLE, KIND_STYLE_NEW = "xf", "xf+"       # cells that had an element / that the tool created
_STYLE_VALUE = re.compile(r"^(\d{1,5}|-):([0-9a-f]{8})$")
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def note_key(text: str) -> str:
    """What is kept of a note to know next time whether it changed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class State:
    highlights: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet,row,col) → severity
    notes: dict[tuple[str, int, int], str] = field(default_factory=dict)       # → note_key(text)
    # → (value written, JSON of the fill's finding: code, message, project, field, indicator_no)
    fills: dict[tuple[str, int, int], tuple[str, str]] = field(default_factory=dict)
    styles: dict[tuple[str, int, int], Original] = field(default_factory=dict)  # a cell's own format
    digest: str = ""
    stamp: str = ""


# ------------------------------------------------------------------------------------------ reading

def _cells(ref, budget: list[int]):
    """The (row, col) cells of "B3" or "B3:C9", within the sheet and the remaining budget; else []."""
    if not isinstance(ref, str):
        return []
    first, _, last = ref.strip().partition(":")
    a, b = _A1.match(first), _A1.match(last or first)
    if not a or not b:
        return []
    r1, c1, r2, c2 = int(a.group(2)), col_index(a.group(1)), int(b.group(2)), col_index(b.group(1))
    if not (0 < r1 <= r2 <= MAX_ROW and 0 < c1 <= c2 <= MAX_COL):
        return []
    count = (r2 - r1 + 1) * (c2 - c1 + 1)
    if count > budget[0]:
        return []
    budget[0] -= count
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _original(kind: str, value, style_count: int) -> Original | None:
    m = _STYLE_VALUE.match(str(value or ""))
    if not m:
        return None
    style = None if m.group(1) == "-" else int(m.group(1))
    if style is not None and style >= style_count:
        return None
    return Original(style, m.group(2), existed=kind == KIND_STYLE)


def read_state(view) -> State:
    """The state rows of `view`'s ``_xltools`` sheet that pass the checks (module docstring)."""
    state = State()
    if SHEET_STATE not in view.sheetnames:
        return state
    sheets = set(view.sheetnames)
    styles = getattr(view, "styles", None)
    style_count = len(styles) if styles is not None else MAX_STYLES
    budget = [MAX_STATE_CELLS]
    for row in view[SHEET_STATE].iter_rows(min_row=1, values_only=True):
        kind, sheet, ref, value, text = (list(row) + [None] * 5)[:5]
        if kind == "digest":
            state.digest = str(sheet or "")[:64]
            continue
        if kind == "stamp":
            state.stamp = str(sheet or "")[:64]
            continue
        if not isinstance(sheet, str) or sheet not in sheets:
            continue
        if kind == "notes":
            try:
                keys = json.loads(str(text))
            except ValueError:
                continue
            for ref_, key in keys.items() if isinstance(keys, dict) else ():
                for r, c in _cells(ref_, budget)[:1]:
                    state.notes[(sheet, r, c)] = str(key)
        elif kind == "hls":                                  # severity in `value`, ranges in `text`
            if value not in ("error", "warning"):
                continue
            for ref_ in str(text or "").split():
                for r, c in _cells(ref_, budget):
                    state.highlights[(sheet, r, c)] = value
        elif kind in (KIND_STYLE, KIND_STYLE_NEW):           # "index:fingerprint" in `value`
            original = _original(kind, value, style_count)
            for ref_ in str(text or "").split() if original else ():
                for r, c in _cells(ref_, budget):
                    state.styles[(sheet, r, c)] = original
        elif kind in ("hl", "fill"):
            for r, c in _cells(ref, budget):
                if kind == "hl" and value in ("error", "warning"):
                    state.highlights[(sheet, r, c)] = value
                elif kind == "fill":
                    state.fills[(sheet, r, c)] = ("" if value is None else str(value), str(text or ""))
    return state


# ------------------------------------------------------------------------------------------ writing

def state_sheet(highlight_rects: list[tuple[str, Rect, str]], notes: dict, fills: dict, digest: str,
                stamp: str, styles: dict | None = None) -> SheetContent:
    rows: list[list] = [["template_version", TEMPLATE_VERSION, None, None, None],
                        ["digest", digest, None, None, None], ["stamp", stamp, None, None, None], HEADER]
    grouped: dict[tuple[str, str], list[str]] = {}
    for sheet, rect, severity in highlight_rects:
        grouped.setdefault((sheet, severity), []).append(rect.a1)
    for (sheet, severity), refs in grouped.items():   # space-separated ranges, a few cells in all
        for k in range(0, len(refs), RANGES_PER_CELL):
            rows.append(["hls", sheet, None, severity, " ".join(refs[k:k + RANGES_PER_CELL])])
    by_sheet: dict[str, dict[str, str]] = {}
    for (sheet, r, c), text in sorted(notes.items()):
        by_sheet.setdefault(sheet, {})[Rect(r, c).a1] = note_key(text)
    for sheet, keys in by_sheet.items():            # a few cells of JSON, not one row per note
        items = list(keys.items())
        for k in range(0, len(items), NOTES_PER_CELL):
            rows.append(["notes", sheet, None, None, json.dumps(dict(items[k:k + NOTES_PER_CELL]))])
    for (sheet, r, c), (value, message) in sorted(fills.items()):
        rows.append(["fill", sheet, Rect(r, c).a1, value, message])
    rows.extend(_style_rows(styles or {}))
    return SheetContent(SHEET_STATE, rows, hidden=True)


def _style_rows(styles: dict[tuple[str, int, int], Original]) -> list[list]:
    groups: dict[tuple[str, str, str], set] = {}
    for (sheet, r, c), o in styles.items():
        kind = KIND_STYLE if o.existed else KIND_STYLE_NEW
        value = f"{'-' if o.style is None else o.style}:{o.fingerprint}"
        groups.setdefault((sheet, kind, value), set()).add((r, c))
    rows = []
    for (sheet, kind, value), cells in sorted(groups.items()):
        refs = [rect.a1 for rect in group_rects(cells)]
        for k in range(0, len(refs), RANGES_PER_CELL):
            rows.append([kind, sheet, None, value, " ".join(refs[k:k + RANGES_PER_CELL])])
    return rows


def with_styles(content: SheetContent, found: dict[tuple[str, int, int], Original]) -> SheetContent:
    """The state sheet `content` with the cell formats a writer found while colouring (`found`)
    added to the ones it already records."""
    if not found:
        return content
    kept: dict[tuple[str, int, int], Original] = {}
    rows = []
    budget = [MAX_STATE_CELLS]
    for row in content.rows:
        kind = row[0]
        if kind in (KIND_STYLE, KIND_STYLE_NEW):
            original = _original(kind, row[3], MAX_STYLES)
            for ref_ in str(row[4]).split():
                for r, c in _cells(ref_, budget):
                    kept[(row[1], r, c)] = original
        else:
            rows.append(row)
    kept.update(found)
    return SheetContent(content.name, rows + _style_rows(kept), hidden=content.hidden)
