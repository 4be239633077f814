"""Check the amounts of an imported table against each other and report what does not add up.

* every project and unit: 总计 = 财政拨款 + 财政专户拨款 + 其他资金;
* every unit subtotal = the sum of its projects, column by column;
* 合计 = the sum of the units (or of the projects when the table has no unit rows), column by column.

Nothing is corrected: the stated amounts stay in the filing, the differences become findings.
"""

from __future__ import annotations

from decimal import Decimal

from ..catalogue import finding
from ..findings import Finding
from ..model import MONEY_FIELDS, MONEY_LABELS, Filing
from ..money import ZERO, fmt_thousands
from .blocks import describe_line


def _diff_text(stated: dict[str, Decimal], summed: dict[str, Decimal]) -> list[str]:
    return [f"{MONEY_LABELS[f]} 表中为 {fmt_thousands(stated[f])}，加总为 {fmt_thousands(summed[f])}"
            for f in MONEY_FIELDS if stated[f] != summed[f]]


def _amounts(obj) -> dict[str, Decimal]:
    return {f: getattr(obj, f) for f in MONEY_FIELDS}


def reconcile(filing: Filing, grand: dict[str, Decimal] | None, lines: dict[str, int]) -> list[Finding]:
    """Findings for amounts that do not add up; ``lines`` maps "project:NAME"/"unit:NAME"/"total" to
    the line (or page) where the row was read, for the messages."""
    out: list[Finding] = []

    def where(key: str) -> str:
        no = lines.get(key)
        return f"（{describe_line(no)}）" if no else ""

    for p in filing.projects:
        if p.total != p.parts_sum():
            out.append(finding(
                "IMP020", f"项目「{p.name}」{where('project:' + p.name)}总计 {fmt_thousands(p.total)} 不等于"
                f"财政拨款、财政专户拨款、其他资金之和 {fmt_thousands(p.parts_sum())}",
                "核对原表该行的金额", project=p.name, field="total", line=lines.get("project:" + p.name)))
    sums = filing.sums_by_unit()
    for u in filing.units:
        if u.total != u.fiscal + u.special + u.other:
            out.append(finding(
                "IMP020", f"单位「{u.name}」{where('unit:' + u.name)}小计总计 {fmt_thousands(u.total)} 不等于各资金来源之和 "
                f"{fmt_thousands(u.fiscal + u.special + u.other)}", "核对原表该单位小计行",
                field="total", line=lines.get("unit:" + u.name)))
        summed = sums.get(u.name, dict.fromkeys(MONEY_FIELDS, ZERO))
        diffs = _diff_text(_amounts(u), summed)
        if diffs:
            out.append(finding(
                "IMP021", f"单位「{u.name}」{where('unit:' + u.name)}的小计与其项目之和不符：" + "；".join(diffs),
                "核对该单位的小计行和各项目金额，或项目归属的单位是否正确", field="total",
                line=lines.get("unit:" + u.name)))
    if grand is not None:
        if filing.units:
            parts = {f: sum((getattr(u, f) for u in filing.units), ZERO) for f in MONEY_FIELDS}
            what = "各单位小计之和"
        else:
            parts = {f: sum((getattr(p, f) for p in filing.projects), ZERO) for f in MONEY_FIELDS}
            what = "各项目之和"
        diffs = _diff_text(grand, parts)
        if diffs:
            out.append(finding("IMP022", f"合计{where('total')}与{what}不符：" + "；".join(diffs),
                               "核对合计行", field="total", line=lines.get("total")))
    return out
