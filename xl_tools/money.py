"""Money: ``Decimal`` in 万元, two decimals on output, never float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import XlToolsError
from .textnorm import to_halfwidth

CENT = Decimal("0.01")
ZERO = Decimal("0")
# No amount of a filing comes near this (10¹⁵ 万元); sums of 50,000 such amounts still keep every cent
# within Decimal's 28 digits, so money arithmetic can never fail on a stranger's number.
MAX_MONEY = Decimal(10) ** 15

# The money units and how many 万元 one of each is: the one table of them. A table states its amounts in 元 or
# 万元 (``profiles.MONEY_UNITS``; an imported one may say 千元 or 亿元), values write any of the four (生均2000元,
# 1.2亿元), and the rules compare money in 万元 (``in_wan``); a filing is put in another unit by ``rescale``.
WAN = "万元"
WAN_PER = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), WAN: Decimal(1), "亿元": Decimal(10000)}
YUAN_PER_WAN = Decimal(10000)          # 1 / WAN_PER["元"]: 万元 → 元, and 元 → 万元 by dividing
_NUM = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


class NotMoney(ValueError):
    """The value is not a number; ``raw`` keeps it."""

    def __init__(self, raw: object) -> None:
        super().__init__(f"不是数字：{raw!r}")
        self.raw = raw


def parse_money(raw: object) -> Decimal | None:
    """A cell value or text → Decimal (exact, not rounded); None for blank.

    Accepts int, float (via its shortest repr, so 1009.93 stays 1009.93), Decimal, and text with
    thousands separators, full-width digits, a trailing 万元/元 is *not* accepted (ambiguous scale).
    Raises NotMoney for anything else.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NotMoney(raw)
    if isinstance(raw, Decimal):
        return _bounded(raw, raw)
    if isinstance(raw, int):
        return _bounded(Decimal(raw), raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NotMoney(raw)
        return _bounded(Decimal(repr(raw)), raw)
    if isinstance(raw, str):
        text = to_halfwidth(raw).strip().replace(" ", "")
        if text == "":
            return None
        if text in ("-", "--"):  # what published tables print for zero
            return ZERO
        if not _NUM.match(text):
            raise NotMoney(raw)
        try:
            return _bounded(Decimal(text.replace(",", "")), raw)
        except InvalidOperation as exc:  # pragma: no cover - regex guards it
            raise NotMoney(raw) from exc
    raise NotMoney(raw)


def _bounded(value: Decimal, raw: object) -> Decimal:
    """``value`` when it is a finite amount below ``MAX_MONEY``, else NotMoney."""
    if not value.is_finite() or value.copy_abs() >= MAX_MONEY:
        raise NotMoney(raw)
    return value


def fmt_money(value: Decimal | None) -> str:
    """Two-decimal string as in MODEL.md ("0.00" for blank)."""
    return f"{(value or ZERO).quantize(CENT):f}"


def fmt_thousands(value: Decimal | None) -> str:
    """"5,138.68" as the published table prints it."""
    return f"{(value or ZERO).quantize(CENT):,f}"


def money_from_json(text: object, where: str) -> Decimal:
    try:
        value = parse_money(text)
    except NotMoney:
        raise XlToolsError(f"{where} 不是金额：{text!r}") from None
    return value if value is not None else ZERO


def in_wan(amount: Decimal, unit: str) -> Decimal:
    """``amount`` stated in the money ``unit`` (a key of ``WAN_PER``), in 万元."""
    return amount * WAN_PER[unit]


def rescale(amount: Decimal, stated: str, unit: str) -> Decimal:
    """``amount`` stated in the money unit ``stated``, in the money ``unit`` (both keys of ``WAN_PER``); not
    rounded."""
    return amount * WAN_PER[stated] / WAN_PER[unit]
