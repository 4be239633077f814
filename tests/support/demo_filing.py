"""A generated multi-unit filing with long texts, for tests and demonstrations of page breaks.

Deterministic (no randomness): the same call gives the same filing. Texts are long enough that some
rows break across printed pages and one project needs more than Excel's 409-point row limit.
"""

from __future__ import annotations

from decimal import Decimal

from xl_tools.model import Filing, Indicator, Project, Unit
from xl_tools.money import ZERO

_CATEGORIES = (
    ("1", "产出指标", "11", "数量指标", "完成培训人次", "≥{n}人次"),
    ("1", "产出指标", "12", "质量指标", "验收合格率", "100%"),
    ("1", "产出指标", "13", "时效指标", "项目完成时间", "2025年12月31日前"),
    ("1", "产出指标", "14", "成本指标", "单位培训成本", "≤{n}元"),
    ("2", "效益指标", "22", "社会效益", "服务覆盖人数", "不少于{n}人"),
    ("2", "效益指标", "24", "可持续影响", "设备正常运行率", "99.9%"),
    ("3", "满意度指标", "31", "服务对象满意度", "服务对象满意度", "≥90%"),
)

_SENTENCE = ("围绕年度重点工作任务，组织开展第{k}阶段专项工作，完善管理制度和工作流程，"
             "加强过程监管和绩效跟踪，确保资金使用规范、安全、高效，")


def _indicators(count: int, seed: int) -> list[Indicator]:
    """``count`` indicators of varied categories, in category order (产出, 效益, 满意度: the order a
    published table prints them in), numbered 1..n."""
    out = []
    for k in range(count):
        l1c, l1, l2c, l2, name, value = _CATEGORIES[(k + seed) % len(_CATEGORIES)]
        text = value.format(n=(k + 1) * 10 + seed)
        out.append(Indicator(no=k + 1, level1_code=l1c, level1=l1, level2_code=l2c, level2=l2,
                             name=f"{name}（第{k + 1}项）", period_value=text, annual_value=text))
    out.sort(key=lambda i: (i.level1_code, i.level2_code))
    for k, ind in enumerate(out, start=1):
        ind.no = k
    return out


def _target(sentences: int, seed: int) -> str:
    body = "".join(_SENTENCE.format(k=k + 1) for k in range(sentences))
    return f"项目{seed}：{body}全面完成年度绩效目标。"


def demo_filing(year: int = 2025) -> Filing:
    """Three units, eleven projects; project texts from one line to several pages' worth."""
    plan = {  # unit -> [(sentences in the target, indicators)]
        "示例市第一职业技术学校": [(1, 3), (6, 8), (2, 40), (3, 5)],
        "示例市第二职业技术学校": [(12, 10), (1, 2), (4, 6)],
        "示例市职业技能鉴定指导中心": [(2, 4), (25, 70), (1, 1), (5, 12)],
    }
    projects: list[Project] = []
    units: list[Unit] = []
    seed = 0
    for unit_name, specs in plan.items():
        unit = Unit(unit_name)
        for sentences, indicators in specs:
            seed += 1
            fiscal = Decimal(seed * 123457) / 100
            special = Decimal(seed * 3001) / 100 if seed % 3 == 0 else ZERO
            other = Decimal("12.50") if seed % 4 == 0 else ZERO
            project = Project(name=f"{unit_name}第{seed}号专项经费项目", unit=unit_name,
                              fiscal=fiscal, special=special, other=other,
                              total=fiscal + special + other, target=_target(sentences, seed),
                              indicators=_indicators(indicators, seed))
            for ind in project.indicators:
                ind.project = project.name
            projects.append(project)
            for money in ("total", "fiscal", "special", "other"):
                setattr(unit, money, getattr(unit, money) + getattr(project, money))
        units.append(unit)
    total = sum((u.total for u in units), ZERO)
    return Filing(year=year, department="示例市人力资源和社会保障局", total=total, units=units,
                  projects=projects)
