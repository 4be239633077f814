"""What the tool wrote last time, kept in the hidden sheet ``_xltools``.

The remote xlwings engine cannot read formats back, so the highlights, notes and fills of the last
refresh are recorded here; the next refresh clears exactly what is no longer flagged and leaves the
user's own formatting alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils.cell import range_boundaries

from ..layout import SHEET_STATE, TEMPLATE_VERSION
from .ops import Rect, SheetContent

HEADER = ["kind", "sheet", "range", "value", "text"]


@dataclass
class State:
    highlights: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet,row,col) → severity
    notes: dict[tuple[str, int, int], str] = field(default_factory=dict)       # → note text
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
        elif kind in ("hl", "note", "fill") and sheet and ref:
            try:
                c1, r1, c2, r2 = range_boundaries(str(ref))
            except (ValueError, TypeError):
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    key = (str(sheet), r, c)
                    if kind == "hl":
                        state.highlights[key] = str(value)
                    elif kind == "note":
                        state.notes[key] = "" if text is None else str(text)
                    else:
                        state.fills[key] = ("" if value is None else str(value), str(text or ""))
    return state


def state_sheet(highlight_rects: list[tuple[str, Rect, str]], notes: dict, fills: dict, digest: str,
                stamp: str) -> SheetContent:
    rows: list[list] = [["template_version", TEMPLATE_VERSION, None, None, None],
                        ["digest", digest, None, None, None], ["stamp", stamp, None, None, None], HEADER]
    for sheet, rect, severity in highlight_rects:
        rows.append(["hl", sheet, rect.a1, severity, None])
    for (sheet, r, c), text in sorted(notes.items()):
        rows.append(["note", sheet, Rect(r, c).a1, None, text])
    for (sheet, r, c), (value, message) in sorted(fills.items()):
        rows.append(["fill", sheet, Rect(r, c).a1, value, message])
    return SheetContent(SHEET_STATE, rows, hidden=True)
