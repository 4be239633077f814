"""Strings stay strings, and storable, in every workbook the tool writes.

The one rule of what a cell may store (``escaped``): the characters XML 1.0 cannot hold written as
Excel's own escape ``_xHHHH_``, which Excel shows as the character it stands for, and a text that
already reads like such an escape protected (``_x005F_``), so that Excel shows it as typed. The package
patcher, the one writer of the tool's workbooks, stores every text through it (``ooxml.cells``,
``ooxml.sheetgen``: refresh, the standard workbook and templates, the 公开表, the review, diff and
send-back workbooks), as inline strings that are never formulas (a project named ``=cmd|'/c calc'!A0``
stays text); Excel and XlsxWriter apply the same rule (``tests/test_celltext.py``). A text longer than a cell holds
(32,767 characters) is cut by ``fitted``, which says so in the cell.
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


def fitted(value):
    """``value`` as a cell can hold it: a text longer than a cell holds (Excel counts the characters it
    shows) ends with a note saying how long it was; anything else as it is."""
    if not isinstance(value, str) or len(value) <= EXCEL_CELL_LIMIT:
        return value
    tail = f"……（以下省略，共 {len(value):,} 字）"
    return value[:EXCEL_CELL_LIMIT - len(tail)] + tail
