"""What the tool wrote last time, kept in the hidden sheet ``_xltools``.

The remote xlwings engine cannot read formats back, so the highlights, notes and fills of the last
refresh are recorded here; the next refresh clears exactly what is no longer flagged and leaves the
user's own formatting alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from openpyxl.utils.cell import range_boundaries

from ..schema import SHEET_STATE, TEMPLATE_VERSION
from .ops import Rect, SheetContent

HEADER = ["kind", "sheet", "range", "value", "text"]
NOTES_PER_CELL = 1000          # ~25 characters each: well under Excel's 32,767 per cell
RANGES_PER_CELL = 2000         # "AB12345:AC12399 " at most 16 characters each


def note_key(text: str) -> str:
    """What is kept of a note to know next time whether it changed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class State:
    highlights: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet,row,col) → severity
    notes: dict[tuple[str, int, int], str] = field(default_factory=dict)       # → note_key(text)
    # → (value written, JSON of the fill's finding: code, message, project, field, indicator_no)
    fills: dict[tuple[str, int, int], tuple[str, str]] = field(default_factory=dict)
    digest: str = ""
    stamp: str = ""


def read_state(view) -> State:
    state = State()
    if SHEET_STATE not in view.sheetnames:
        return state
    for row in view[SHEET_STATE].iter_rows(min_row=1):
        vals = [c.value for c in row] + [None] * 5
        kind, sheet, ref, value, text = vals[:5]
        if kind == "digest":
            state.digest = str(sheet or "")
        elif kind == "stamp":
            state.stamp = str(sheet or "")
        elif kind == "notes" and sheet and text:
            try:
                for ref_, key in json.loads(str(text)).items():
                    c1, r1, _c2, _r2 = range_boundaries(ref_)
                    state.notes[(str(sheet), r1, c1)] = key
            except (ValueError, TypeError, AttributeError):
                continue
        elif kind == "hls" and sheet and text:          # severity in `value`, ranges in `text`
            for ref_ in str(text).split():
                try:
                    c1, r1, c2, r2 = range_boundaries(ref_)
                except (ValueError, TypeError):
                    continue
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        state.highlights[(str(sheet), r, c)] = str(value)
        elif kind in ("hl", "fill") and sheet and ref:
            try:
                c1, r1, c2, r2 = range_boundaries(str(ref))
            except (ValueError, TypeError):
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    key = (str(sheet), r, c)
                    if kind == "hl":
                        state.highlights[key] = str(value)
                    else:
                        state.fills[key] = ("" if value is None else str(value), str(text or ""))
    return state


def state_sheet(highlight_rects: list[tuple[str, Rect, str]], notes: dict, fills: dict, digest: str,
                stamp: str) -> SheetContent:
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
    return SheetContent(SHEET_STATE, rows, hidden=True)
