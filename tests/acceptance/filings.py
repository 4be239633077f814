"""What the accountant of 某区职业技术学校 types: three projects (180.50 万元 in all) with their
indicators, clean under the review rules, so that each scenario's findings are only what the person
did differently."""

from __future__ import annotations

from decimal import Decimal

from tests.support.typist import Typist

SECURITY, EQUIPMENT, TRAINING = "校园安保服务项目", "实训设备购置项目", "教师培训项目"
TOTAL = Decimal("180.50")

PROJECTS = [
    # name, 总计, 财政拨款, 绩效目标
    (SECURITY, 100.5, 100.5, "全年为三个校区提供安保服务，保障校园安全稳定，安全事故发生数为0次，师生满意度达到95%以上。"),
    (EQUIPMENT, 50, 50, "购置数控实训设备20台，设备验收合格率100%，满足学生实训需要，学生满意度达到90%以上。"),
    (TRAINING, 30, 30, "组织教师专业技能培训100人次，培训合格率95%以上，提升教师教学能力，参训教师满意度达到90%以上。"),
]

INDICATORS = {
    SECURITY: [
        ("1-产出指标", "11-数量指标", "安保服务覆盖校区数", "3个"),
        ("1-产出指标", "12-质量指标", "安保人员持证上岗率", "100%"),
        ("1-产出指标", "13-时效指标", "安保服务完成时间", "2025年12月31日前"),
        ("2-效益指标", "22-社会效益", "安全事故发生数", "0次"),
        ("3-满意度指标", "31-服务对象满意度", "师生满意度", "≥95%"),
        ("4-成本指标", "41-经济成本", "安保服务成本", "≤100.5万元"),
    ],
    EQUIPMENT: [
        ("1-产出指标", "11-数量指标", "购置设备数量", "20台"),
        ("1-产出指标", "12-质量指标", "设备验收合格率", "100%"),
        ("1-产出指标", "13-时效指标", "设备交付时间", "2025年9月30日前"),
        ("2-效益指标", "22-社会效益", "受益学生人数", "≥600人"),
        ("3-满意度指标", "31-服务对象满意度", "学生满意度", "≥90%"),
        ("4-成本指标", "41-经济成本", "设备购置成本", "≤50万元"),
    ],
    TRAINING: [
        ("1-产出指标", "11-数量指标", "培训人次", "100人次"),
        ("1-产出指标", "12-质量指标", "培训合格率", "≥95%"),
        ("1-产出指标", "13-时效指标", "培训完成时间", "2025年11月30日前"),
        ("2-效益指标", "22-社会效益", "参训教师考核合格率", "≥90%"),
        ("3-满意度指标", "31-服务对象满意度", "参训教师满意度", "≥90%"),
        ("4-成本指标", "41-经济成本", "人均培训成本", "≤3000元"),
    ],
}
PER_PROJECT = 6
# next year's workbook (rows as the rollover writes them): amounts still to fill, this year's dates
ROLLED = ["AMT008 项目!D2", "AMT008 项目!D3", "AMT008 项目!D4",
          "VAL010 绩效指标!F4", "VAL010 绩效指标!F10", "VAL010 绩效指标!F16"]


def indicator_row(project: int, k: int) -> int:
    """The 绩效指标 row of the k-th (1-based) indicator of the project-th (0-based) project."""
    return 2 + project * PER_PROJECT + k - 1


def type_projects(t: Typist, *, first_row: int = 2, numbered: bool = False, unit: str | None = None,
                  only: list[int] | None = None) -> None:
    """The projects as a person types them: 序号 and 资金使用单位 left blank unless asked."""
    for k, (name, total, fiscal, target) in enumerate(PROJECTS):
        if only is not None and k not in only:
            continue
        row = first_row + (k if only is None else only.index(k))
        t.project(row, name, total=total, fiscal=fiscal, target=target, unit=unit, no=k + 1 if numbered else None)


def type_indicators(t: Typist, *, numbered: bool = False, only: list[int] | None = None) -> None:
    """Each project's six indicators, one per row, 序号 left blank unless asked."""
    row = 2
    for k, (name, *_rest) in enumerate(PROJECTS):
        if only is not None and k not in only:
            continue
        for j, spec in enumerate(INDICATORS[name], start=1):
            t.indicator(row, name, *spec, no=j if numbered else None)
            row += 1


def type_filing(t: Typist, **kw) -> None:
    type_projects(t, **{k: v for k, v in kw.items() if k in ("numbered", "unit")})
    type_indicators(t, numbered=kw.get("numbered", False))


def fills(projects: int = 3, indicators: int = PER_PROJECT * 3, unit: bool = True) -> list[str]:
    """The 提示 of a first refresh on rows typed without 序号 (and 资金使用单位)."""
    out = [f"FIL001 项目!A{r}" for r in range(2, 2 + projects)]
    if unit:
        out += [f"FIL002 项目!C{r}" for r in range(2, 2 + projects)]
    out += [f"FIL005 绩效指标!B{r}" for r in range(2, 2 + indicators)]
    return out
