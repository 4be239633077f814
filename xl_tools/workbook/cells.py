"""Cell values → model values: money, value text, codes. Shared by the openpyxl and xlwings readers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ..address import a1, parse_range
from ..money import NotMoney, parse_money
from ..textnorm import clean_ws
from ..valuegrammar import dec_str

_SIMPLE_FORMULA = re.compile(r"^=\s*(SUM\(\s*[A-Z]{1,3}\d+\s*:\s*[A-Z]{1,3}\d+\s*\)|[A-Z]{1,3}\d+(\s*\+\s*[A-Z]{1,3}\d+)*)\s*$",
                             re.I)


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


_LITERALS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_EXTERNAL_REF = re.compile(r"\[[^\]]*\][^!\[\]]*!")
_LIVE_FUNCTIONS = re.compile(r"\b(?:WEBSERVICE|FILTERXML|RTD|CALL|REGISTER(?:\.ID)?|EXEC|DDE|DDEAUTO|IMAGE)\s*\(",
                             re.I)
_EXTERNAL_LINK = re.compile(r'\bHYPERLINK\s*\(\s*"(?!#)', re.I)


def live_link(value) -> bool:
    """Whether a cell's formula reaches outside the workbook when Excel calculates it: DDE
    (``=cmd|'/c calc'!A0``), a reference into another workbook (``=[1]Sheet1!A1``), a web or
    program call (``=WEBSERVICE(…)``, ``=CALL(…)``) or a hyperlink to somewhere else."""
    if not is_formula(value):
        return False
    bare = _LITERALS.sub("", value)
    return ("|" in bare or bool(_EXTERNAL_REF.search(value)) or bool(_LIVE_FUNCTIONS.search(bare))
            or bool(_EXTERNAL_LINK.search(value)))


def text_of(value, number_format: str | None = None) -> str:
    """A value cell as the accountant meant it: 0.95 formatted 0% → "95%", a date → 2024年6月30日."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float, Decimal)):
        num = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number_format and "%" in number_format:
            return f"{dec_str(num * 100)}%"
        return dec_str(num)
    return clean_ws(str(value))


def money_of(value) -> tuple[Decimal | None, str | None]:
    """(amount, problem) for a money cell; problem is None, 'text' (number typed as text) or 'invalid'."""
    if isinstance(value, str):
        try:
            amount = parse_money(value)
        except NotMoney:
            return None, "invalid"
        return amount, ("text" if amount is not None else None)
    if isinstance(value, (dt.date, dt.datetime, bool)):
        return None, "invalid"
    try:
        return parse_money(value), None
    except NotMoney:
        return None, "invalid"


def int_of(value) -> int | None | str:
    """序号 → int, None for blank, or "invalid"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "invalid"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else "invalid"
    try:
        d = Decimal(str(value).strip().translate({0xFF10 + k: 0x30 + k for k in range(10)}))
    except (InvalidOperation, ValueError):
        return "invalid"
    if not d.is_finite():                      # "Infinity", "NaN" typed into 序号
        return "invalid"
    return int(d) if d == d.to_integral_value() else "invalid"


def simple_formula_refs(formula: str) -> list[str] | None:
    """Cells a simple sum formula adds up (=E2+F2+G2, =SUM(E2:G2)), or None when not simple."""
    if not _SIMPLE_FORMULA.match(formula):
        return None
    body = formula.lstrip("=").strip()
    if body.upper().startswith("SUM"):
        inner = body[body.index("(") + 1: body.rindex(")")]
        try:
            r1, c1, r2, c2 = parse_range(inner.replace(" ", "").upper())
        except ValueError:                      # a cell outside the sheet (A0)
            return None
        return [a1(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return [ref.strip().upper() for ref in body.split("+")]
