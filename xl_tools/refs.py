"""Cell references as written in defined names and formulas: ``='基本信息'!$B$3``, ``Sheet1!A1:B2``.

One parser for every reader (openpyxl workbooks, live xlwings books, payloads): sheet names may be
quoted, with ``''`` for a quote inside; ``$`` marks are dropped. Anything else (a formula, a constant,
an external or DDE link) is not a cell reference and gives None.
"""

from __future__ import annotations

import re

_REF = re.compile(r"""^=?\s*(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!=\[\]]+))!
                      (?P<ref>\$?[A-Z]{1,3}\$?[0-9]{1,7}(?::\$?[A-Z]{1,3}\$?[0-9]{1,7})?)\s*$""",
                  re.X | re.I)


def split_reference(text: object) -> tuple[str, str] | None:
    """(sheet, "B3:C4") of a one-area reference, without ``$``; None for anything else."""
    if not isinstance(text, str):
        return None
    m = _REF.match(text)
    if m is None:
        return None
    sheet = m.group("quoted").replace("''", "'") if m.group("quoted") else m.group("plain").strip()
    return sheet, m.group("ref").replace("$", "").upper()


def first_cell(ref: str) -> str:
    """"B3:C4" → "B3"."""
    return ref.split(":")[0]


def quote_sheet(name: str) -> str:
    """A sheet name as a reference writes it: always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"
