"""Read-only helper columns beside the indicator values: how each value was understood."""

from __future__ import annotations

from ..schema import INDICATOR_HELPERS
from ..valuegrammar import ParsedValue, dec_str, op_symbol, parse_value


def describe(target: ParsedValue) -> tuple[str, str, str]:
    """(运算符, 数值, 单位) for a parsed target."""
    if target.kind == "number":
        return op_symbol(target.op, "="), dec_str(target.value) or "", target.unit
    if target.kind == "range":
        return "区间", f"{dec_str(target.low)}-{dec_str(target.high)}", target.unit
    if target.kind == "date":
        return f"日期{op_symbol(target.op, '=')}", target.date.isoformat(), ""
    return "定性", "", ""


def helper_row(ind, year: int | None) -> list[str]:
    period_text, annual_text = ind.value_text("period_value"), ind.value_text("annual_value")
    period = describe(parse_value(period_text, year)) if period_text else ("", "", "")
    annual = describe(parse_value(annual_text, year)) if annual_text else ("", "", "")
    row = [*period, *annual]
    assert len(row) == len(INDICATOR_HELPERS)
    return row
