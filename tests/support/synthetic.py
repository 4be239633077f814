"""A synthetic filing of any size for timing the rules (``make bench`` and tests use it)."""

from __future__ import annotations

from decimal import Decimal

from xl_tools.model import Filing, Indicator, Project, Unit

_ROWS = [
    ("1", "产出指标", "11", "数量指标", "新增设备数量", "{n}台", "{n}台"),
    ("1", "产出指标", "12", "质量指标", "设备验收通过率", "100%", "100%"),
    ("1", "产出指标", "13", "时效指标", "项目验收时间", "2024年6月30日前", "2024年6月30日前"),
    ("2", "效益指标", "22", "社会效益", "安全生产事故发生数", "0次", "0次"),
    ("2", "效益指标", "24", "可持续影响", "设备正常运行率", "≥{p}%", "≥{p}%"),
    ("3", "满意度指标", "31", "服务对象满意度", "服务对象满意度", "{s}%", "{s}%"),
]


def synthetic_filing(projects: int = 5000, year: int = 2024, units: int = 50) -> Filing:
    """``projects`` projects with six indicators each, spread over ``units`` units; a few faults."""
    plist = []
    for k in range(projects):
        name = f"第{k}号项目" if k % 10 else f"2024年-2025年第{k}号项目"
        fill = {"n": k % 97 + 1, "p": 90 + k % 10, "s": 80 + k % 20}
        inds = [Indicator(no, c1, l1, c2, l2, iname, pv.format(**fill), av.format(**fill),
                          project=name)
                for no, (c1, l1, c2, l2, iname, pv, av) in enumerate(_ROWS, 1)]
        fiscal = Decimal(100 + k % 900) + Decimal("0.25")
        total = fiscal if k % 500 else fiscal + 1
        target = (f"完成第{k}号项目的设备购置与维护，新增设备{k % 97 + 1}台，设备验收通过率100%，"
                  f"服务对象满意度达到{80 + k % 20}%以上。" if k % 250 else "同上")
        plist.append(Project(name=name, unit=f"单位{k % units}", total=total, fiscal=fiscal,
                             target=target, indicators=inds))
    filing = Filing(year=year, department="合成部门", projects=plist)
    filing.units = [Unit(u.name, u.total, u.fiscal, u.special, u.other)
                    for u in filing.derived_units()]
    filing.total = sum((u.total for u in filing.units), Decimal(0))
    return filing
