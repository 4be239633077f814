"""Strings stay strings, and storable, in every workbook the tool writes.

The one rule of what a cell may store (``escaped``): the characters XML 1.0 cannot hold written as
Excel's own escape ``_xHHHH_``, which Excel shows as the character it stands for, and a text that
already reads like such an escape protected (``_x005F_``), so that Excel shows it as typed. The package
patcher (``ooxml.cells``: refresh, the 公开表, the 合并公开表) stores text through it; XlsxWriter (the
template) applies the same rule itself, byte for byte (``tests/test_celltext.py`` holds the three
writers to it); the openpyxl writers (the review and diff workbooks) go through ``storable``:

- openpyxl takes any string that starts with "=" for a formula, so a project named
  ``=cmd|'/c calc'!A0`` would become a live DDE formula in a report: reports that hold no formulas of
  their own pass their workbook through ``text_only`` before saving (the refresh writers mark the
  tool's own links, ``refresh.sheets.Formula``, instead);
- openpyxl refuses control characters (a form feed from a PDF's text, a backspace in a JSON name) that
  XML 1.0 cannot hold, and writes a text reading like an escape as it is (Excel would show the character
  it names): ``storable`` is ``escaped``, and ``append`` is ``ws.append`` with it;
- openpyxl cuts a text over 32,767 characters without a word: ``storable`` says so in the cell.
"""

from __future__ import annotations

import re

from .schema import EXCEL_CELL_LIMIT

_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escaped(text: str) -> str:
    """``text`` as a cell stores it: control characters (and U+FFFE, U+FFFF) as ``_xHHHH_``, a literal
    ``_xHHHH_`` protected as ``_x005F_xHHHH_``; tab, line feed and carriage return stay."""
    if "_x" not in text and (text.isprintable() or not _NEEDS_ESCAPE.search(text)):
        return text
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def storable(value):
    """``value`` as an openpyxl writer must give it: text ``escaped``; a text longer than a cell holds
    (openpyxl would cut it silently) ends with a note saying how long it was."""
    if not isinstance(value, str):
        return value
    value = escaped(value)
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
