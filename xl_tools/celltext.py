"""Strings stay strings, and storable, in workbooks written with openpyxl.

- openpyxl takes any string that starts with "=" for a formula, so a project named
  ``=cmd|'/c calc'!A0`` would become a live DDE formula in a report: reports that hold no formulas of
  their own pass their workbook through ``text_only`` before saving (the refresh writers mark the
  tool's own links, ``refresh.sheets.Formula``, instead);
- openpyxl refuses control characters (a form feed from a PDF's text, a backspace in a JSON name) that
  XML 1.0 cannot hold: ``storable`` writes them as Excel's own escape ``_xHHHH_``, which Excel shows
  as the character it stands for (xlsxwriter does the same), and ``append`` is ``ws.append`` with it;
- openpyxl cuts a text over 32,767 characters without a word: ``storable`` says so in the cell.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .schema import EXCEL_CELL_LIMIT


def storable(value):
    """``value`` with the characters an xlsx cannot hold written as ``_xHHHH_``; a text longer than
    a cell holds (openpyxl would cut it silently) ends with a note saying how long it was."""
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    if len(value) > EXCEL_CELL_LIMIT:
        tail = f"……（以下省略，共 {len(value):,} 字）"
        value = value[:EXCEL_CELL_LIMIT - len(tail)] + tail
    return value


def append(ws, values) -> None:
    """``ws.append(values)`` with every value ``storable``."""
    ws.append([storable(v) for v in values])


def text_only(wb) -> None:
    """Mark every cell of the openpyxl workbook ``wb`` that openpyxl took for a formula as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
