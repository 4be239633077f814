"""The 绩效指标 cell of the published table, written exactly as the seed prints it.

Each indicator is one item ``N、一级；二级；名称；实施周期指标值:…；年度指标值:…。`` and the items are
concatenated with no separator, in the order of the categories (产出 before 效益 before 满意度 …, as the
code table lists them; an indicator the person added at the bottom is printed with its category, the
others of a category keep their order) and numbered 1..n in that order (the published numbering,
whatever 序号 the workbook holds).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..categories import CodeTable, default_table
from ..model import Indicator


def indicator_item(position: int, indicator: Indicator) -> str:
    """One numbered item, e.g. ``1、1-产出指标；11-数量指标；新增监控前端数量；实施周期指标值:291个；年度指标值:291个。``"""
    return (f"{position}、{indicator.level1_label}；{indicator.level2_label}；{indicator.name}；"
            f"实施周期指标值:{indicator.period_value}；年度指标值:{indicator.annual_value}。")


def in_category_order(indicators: Iterable[Indicator], table: CodeTable | None = None) -> list[Indicator]:
    """The indicators by category (一级, then 二级, in the code table's order; a category not in the table
    after the known ones), those of one category in the order written."""
    table = table or default_table()
    rank1 = {c.code: k for k, c in enumerate(table.level1)}
    rank2 = {c.code: k for k, c in enumerate(table.level2)}
    parent = {c.code: c.parent for c in table.level2}
    unknown = len(rank1) + len(rank2)

    def key(ind: Indicator) -> tuple[int, int]:
        l1 = ind.level1_code or parent.get(ind.level2_code) or ""
        return rank1.get(l1, unknown), rank2.get(ind.level2_code, unknown)

    return sorted(indicators, key=key)


def indicator_text(indicators: Iterable[Indicator]) -> str:
    """The whole 绩效指标 cell of one project ("" when it has no indicators), in category order."""
    return "".join(indicator_item(k, ind) for k, ind in enumerate(in_category_order(indicators), start=1))
