"""The 绩效指标 cell of the published table, written exactly as the seed prints it.

Each indicator is one item ``N、一级；二级；名称；实施周期指标值:…；年度指标值:…。`` and the items are
concatenated with no separator, numbered 1..n by position (the published numbering, whatever 序号 the
workbook holds).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Indicator


def indicator_item(position: int, indicator: Indicator) -> str:
    """One numbered item, e.g. ``1、1-产出指标；11-数量指标；新增监控前端数量；实施周期指标值:291个；年度指标值:291个。``"""
    return (f"{position}、{indicator.level1_label}；{indicator.level2_label}；{indicator.name}；"
            f"实施周期指标值:{indicator.period_value}；年度指标值:{indicator.annual_value}。")


def indicator_text(indicators: Iterable[Indicator]) -> str:
    """The whole 绩效指标 cell of one project ("" when it has no indicators)."""
    return "".join(indicator_item(k, ind) for k, ind in enumerate(indicators, start=1))
