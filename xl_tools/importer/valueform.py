"""Units whose lines a table of two value columns prints with one value (``…；指标值:≥95%。``).

A department's consolidated table (the batch's 合并公开表) is laid out as most of its filings are; a unit
that filed on a one-value-column form (湘鄂, 全国2015 …) keeps its own way of printing there
(``publish.indicators.annual_only``). Imported, such a unit's indicators have a 年度指标值 and no
实施周期指标值: under the table's profile each would be VAL001 「实施周期指标值为空」, an error its own
filing never had. The import names those units in the rule option that says so (``VAL001.one_value_units``,
written in 基本信息's 规则设置, where the rules and the person read it) and reports it once (IMP034).
"""

from __future__ import annotations

from ..catalogue import finding
from ..findings import Finding
from ..model import Filing
from ..profiles import load_profile
from ..unitnames import unit_key
from .indicatorlist import ONE_VALUE

OPTION = "VAL001.one_value_units"      # rules.values.ValueMissing's option (a list of unit names)
_SEPARATORS = set(",，、;； \t\u3000")   # what would split a name in the option's list


def one_value_units(filing: Filing) -> list[Finding]:
    """Name the units every one of whose lines was printed with one value in the option, in a filing of a
    two-value-column profile; the finding saying so (none when there is no such unit)."""
    if load_profile(filing.profile or None).value_columns != 2:
        return []
    lines: dict[str, list] = {}
    names: dict[str, str] = {}
    for p in filing.projects:
        key = unit_key(p.unit)
        names.setdefault(key, p.unit)
        lines.setdefault(key, []).extend(p.indicators)
    units = sorted(names[k] for k, inds in lines.items() if k and names[k] and inds
                   and all(i.raw.get(ONE_VALUE) for i in inds) and not _SEPARATORS & set(names[k]))
    if not units:
        return []
    listed = "、".join(units)
    filing.settings[OPTION] = listed
    return [finding("IMP034", f"单位「{'」「'.join(units)}」的指标在表中只印一栏指标值（「指标值:…」，湘鄂等地申报表的表式），"
                    "已读作年度指标值，实施周期指标值留空；「基本信息」的规则设置中已写明 "
                    f"{OPTION} = {listed}，这些单位的指标不要求实施周期指标值",
                    "如这些单位应按本表的表式填写两栏指标值，删除该规则设置后刷新")]
