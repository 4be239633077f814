"""The 绩效指标 cell of the published table, written exactly as the seed prints it.

Each indicator is one item ``N、一级；二级；名称；实施周期指标值:…；年度指标值:…。`` and the items are
concatenated with no separator, in the order of the categories (产出 before 效益 before 满意度 …, as the
code table lists them; an indicator the person added at the bottom is printed with its category, the
others of a category keep their order) and numbered 1..n in that order (the published numbering,
whatever 序号 the workbook holds).

A region's table prints what its profile has (issue 23): one value column gives ``指标值:…`` alone (so does
a project whose indicators give 年度指标值 alone in a table of two: a one-value form's project in a
consolidated table, ``annual_only``); the
value is written whole (指标性质 | 95 | 度量单位 → ≥95%); 权重, 指标方向性, 绩效标准, 指标解释 and 备注
follow the value as ``；权重:10`` when filled (``PRINTED``, read back by ``importer.indicatorlist``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..categories import CodeTable, default_table
from ..model import INDICATOR_FIELDS, Indicator
from ..textnorm import squash

# the indicator's own columns printed after its value, in this order (指标性质 and 度量单位 are in the value)
PRINTED = {f: INDICATOR_FIELDS[f] for f in ("weight", "direction", "standard", "explanation", "remark")}


def indicator_item(position: int, indicator: Indicator, one_value: bool = False) -> str:
    """One numbered item, e.g. ``1、1-产出指标；11-数量指标；新增监控前端数量；实施周期指标值:291个；年度指标值:291个。``
    (``one_value``: a one-value-column table's ``…；指标值:≥95%；权重:10。`` when one of the two value cells
    is empty — the person may have typed the value into either — or both say the same)."""
    period, annual = indicator.value_text("period_value"), indicator.value_text("annual_value")
    if one_value and (not period.strip() or not annual.strip() or squash(period) == squash(annual)):
        values = f"指标值:{annual if annual.strip() else period}"     # whichever of the two cells holds it
    else:
        values = f"实施周期指标值:{period}；年度指标值:{annual}"
    extras = "".join(f"；{label}:{getattr(indicator, f)}" for f, label in PRINTED.items() if getattr(indicator, f))
    return f"{position}、{indicator.level1_label}；{indicator.level2_label}；{indicator.name}；{values}{extras}。"


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


def annual_only(indicators: list[Indicator]) -> bool:
    """Whether the project's indicators give their values in 年度指标值 alone: a one-value-column form's
    project (湘鄂, 全国2015 …) in a table of two value columns — a consolidated table laid out as most of
    its filings are. Printed as its own table prints it (``指标值:…``), not with an empty 实施周期指标值 on
    every line."""
    return bool(indicators) and all(not i.value_text("period_value").strip() for i in indicators) and \
        any(i.value_text("annual_value").strip() for i in indicators)


def indicator_text(indicators: Iterable[Indicator], one_value: bool = False, table: CodeTable | None = None) -> str:
    """The whole 绩效指标 cell of one project ("" when it has no indicators), in category order (``table``:
    the filing's code table; None: the default framework's); a project whose indicators give 年度指标值
    alone in the one-value form (``annual_only``)."""
    ordered = in_category_order(indicators, table)
    one_value = one_value or annual_only(ordered)
    return "".join(indicator_item(k, ind, one_value) for k, ind in enumerate(ordered, start=1))
