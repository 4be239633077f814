"""What the 绩效目标 text promises: quantities no indicator measures (TXT005), and a stated standard
(生均2000元, 5万元/台) that, times the indicator's count, is far from the project's money (AMT009)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..findings import WARNING, Finding
from ..model import Project
from ..valuegrammar import ParsedValue
from .base import Context, Rule, num
from .measures import MONEY_SCALE, base_unit, canonical, per_part
from .quantify import is_cost
from .text import numbers_in

# a promised quantity in the text: a number and a unit of things, places, people or time limits
_PROMISE_UNITS = ("平方米", "平米", "㎡", "m²", "公顷", "亩", "公里", "千米", "人次", "户次", "个工作日", "工作日",
                  "小时", "分钟", "台套", "万人", "人", "名", "位", "户", "家", "所", "个", "台", "套", "项", "场", "期",
                  "批", "间", "座", "栋", "辆", "件", "份", "册", "篇", "门", "队", "支", "班", "课时", "学时", "天")
_PROMISE_UNIT = re.compile("(" + "|".join(sorted(map(re.escape, _PROMISE_UNITS), key=len, reverse=True))
                           + r")(?![\d届号条款目期年月日])")


def promises(s: str) -> list[tuple[Decimal, str, int]]:
    """(number, unit, position) of each quantity written with a unit of things, people, area or time,
    in a squashed (half-width) text; not an ordinal (第46届), a year, a date or a document number."""
    out = []
    for value, tail, at in numbers_in(s):
        m = _PROMISE_UNIT.match(tail)
        if m and value != 0 and not s.startswith("第", at - 1):
            out.append((value, canonical(m.group(1)), at))
    return out


class TargetPromiseUnmeasured(Rule):
    """The 绩效目标 text promises a quantity (a count, an area, a response time, people) that no
    indicator measures.

    为什么：绩效指标是绩效目标的细化和量化。目标文字承诺了“每年交流不少于15队”“改造面积
    668平方米”“2小时内响应”，指标里却没有任何一条衡量它，年底无法评价这项承诺是否兑现。
    指标中有同一单位的数值（即便数值不同，见 TXT004）、同一数值，或目标文字在该数字前写了
    某个指标的名称时，视为已有指标衡量。百分比、金额和年份不在此列。

    错误示例：
        绩效目标：……每年交流人数不少于15队……；指标中没有以“队”计的指标

    正确示例：
        另加 1-产出指标；11-数量指标；来院交流训练队伍数；≥15队
    """

    code = "TXT005"
    title = "绩效目标中的承诺没有指标衡量"
    default_severity = WARNING
    basis = ("G-MATCH",)
    name = "text.target_promise_unmeasured"

    def setup(self) -> None:
        self._found: dict[str, list] = {}         # per distinct target text, for one check

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        text = ctx.squash(project.target)
        if not text or not project.indicators:
            return
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = promises(text)
        if not found:
            return
        units, numbers, names = set(), set(), []
        for ind in project.indicators:
            names.append(ctx.facts(ind).core)
            for value in (ind.period_value, ind.annual_value):
                t = ctx.parse(value)
                if t.kind == "number" and t.value is not None:
                    units.add(canonical(base_unit(t.unit)))
                    numbers.add(t.value)
                elif t.kind == "range":
                    units.add(canonical(base_unit(t.unit)))
                    numbers.update((t.low, t.high))
        seen = set()
        for value, unit, at in found:
            if unit in units or value in numbers or (value, unit) in seen:
                continue
            before = text[max(0, at - 24):at]
            if any(len(n) >= 3 and n in before for n in names):
                continue
            seen.add((value, unit))
            start = max(0, at - 8)
            quoted = re.split(r"[,，。;；、]", text[start:at])[-1] + f"{num(value)}{unit}"
            yield self.at_project(project, "target",
                                  f"绩效目标写「{quoted}」，但没有指标衡量 {num(value)}{unit}",
                                  f"补充一条以「{unit}」计的指标（如数量或时效指标），或删去目标中不再承诺的内容")


# a standard per unit: 生均2000元, 人均500元, 2000元/生, 5万元/台, 每生每年2000元, 800元/人·月
_PER = r"(生|人|名|台|套|个|户|间|所)"
_STANDARD = [
    re.compile(r"(生均|人均|户均|台均)(?:每年|每月)?(\d+(?:\.\d+)?)(元|千元|万元)"),
    re.compile(r"(\d+(?:\.\d+)?)(元|千元|万元)/" + _PER + r"(?:[·.]?(年|月))?"),
    re.compile(r"每" + _PER + r"(?:每(年|月))?(?:补助|资助|补贴|奖励)?(\d+(?:\.\d+)?)(元|千元|万元)"),
]
_MONEY_WORD = re.compile(r"\d(?:千|万)?元")
_AVG = {"生均": "生", "人均": "人", "户均": "户", "台均": "台"}
# which count units stand for the standard's "per" (生 → students counted in 人/名)
_COUNTED_IN = {"生": {"人", "生"}, "人": {"人"}, "名": {"人"}, "台": {"台", "套"}, "套": {"套", "台"},
               "个": {"个"}, "户": {"户"}, "间": {"间"}, "所": {"所"}}
# a count of people fits a per-person standard only when its name says who is paid for
_WHOSE = {"生": re.compile("生|资助|补助|受助|享受"),
          "人": re.compile("人数|人员|人次|资助|补助|受助|享受|聘用|对象"),
          "名": re.compile("人数|人员|人次|资助|补助|受助|享受|聘用|对象")}


def standards(s: str) -> list[tuple[Decimal, str, str, str]]:
    """(万元 per unit, per, per-period 年/月/"", as written) for each standard in a squashed text."""
    if "元" not in s or not _MONEY_WORD.search(s):
        return []
    out = []
    for m in _STANDARD[0].finditer(s):
        out.append((Decimal(m.group(2)) * MONEY_SCALE[m.group(3)], _AVG[m.group(1)], "", m.group()))
    for m in _STANDARD[1].finditer(s):
        out.append((Decimal(m.group(1)) * MONEY_SCALE[m.group(2)], m.group(3), m.group(4) or "", m.group()))
    for m in _STANDARD[2].finditer(s):
        out.append((Decimal(m.group(3)) * MONEY_SCALE[m.group(4)], m.group(1), m.group(2) or "", m.group()))
    return out


def _standard_of(t: ParsedValue) -> tuple[Decimal, str, str] | None:
    """A cost indicator's per-unit money value (≤5万元/台) as (万元, per, period)."""
    if t.kind != "number" or t.value is None or base_unit(t.unit) not in MONEY_SCALE or not per_part(t.unit):
        return None
    per = per_part(t.unit)
    period = ""
    for sep in ("·", ".", "/"):
        if sep in per:
            per, _, period = per.partition(sep)
    return t.value * MONEY_SCALE[base_unit(t.unit)], per, period


class MoneyNotMatchingQuantities(Rule):
    """A stated standard (生均2000元, 5万元/台, 800元/人·月) times the indicator's count is far from the
    project's money.

    为什么：绩效目标要与预算“相应匹配”：补助标准 × 补助人数、单价 × 数量应与项目金额大致相当。
    2000元/生 × 150人 = 30万元而项目安排 300万元，或 5万元/台 × 3台 = 15万元而项目 865万元，
    不是标准或数量写错，就是目标没有反映钱的主要去向。按月的标准在一年期项目中按 12 个月计；
    标准写成“≤”时只在钱明显多于上限时报，写成“≥”时只在钱明显不够时报。比值范围可配置
    （min_ratio、max_ratio）。

    错误示例：
        项目总计 300.00 万元；绩效目标：……给予生均2000元的助学金补助；资助学生人数 150人

    正确示例：
        项目总计 30.00 万元；绩效目标：……给予生均2000元的助学金补助；资助学生人数 150人
    """

    code = "AMT009"
    title = "金额与标准×数量不相称"
    default_severity = WARNING
    basis = ("G-MATCH",)
    name = "amounts.money_not_matching_quantities"
    config_keys = {"min_ratio": Decimal("0.5"), "max_ratio": Decimal("1.1")}

    def setup(self) -> None:
        self._stated: dict[str, list] = {}        # standards per distinct target text, for one check

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        if project.total <= 0 or not project.indicators:
            return
        text = ctx.squash(project.target)
        found = self._stated.get(text)
        if found is None:
            found = self._stated[text] = [(w, per, period, written, "=")
                                          for w, per, period, written in standards(text)]
        level1, level2 = ctx.level_codes(project)
        with_cost = "4" in level1 or bool(level2 & {"14", "41", "42", "43"})
        if not found and not with_cost:
            return                                 # no standard stated anywhere
        found = list(found)
        counts = []
        for ind in project.indicators:
            facts = ctx.facts(ind)
            t = ctx.parse(ind.annual_value)
            if with_cost and is_cost(facts):
                std = _standard_of(t)
                if std:
                    found.append((*std, f"{ind.name} {ind.annual_value}", t.op or "="))
            elif facts.level2_code == "11" and t.kind == "number" and t.value and not per_part(t.unit):
                counts.append((ind, t))
        for wan, per, period, written, op in found:
            months = 12 if period == "月" else 1
            if months == 12 and ctx.span(project) is not None:
                continue
            count = self._count(counts, per)
            if count is None:
                continue
            ind, t = count
            expected = wan * t.value * months
            ratio = expected / project.total
            low = ratio < self.options["min_ratio"] and op not in (">=", ">")
            high = ratio > self.options["max_ratio"] and op not in ("<=", "<")
            if not (low or high):
                continue
            months_text = " × 12个月" if months == 12 else ""
            yield self.at_project(
                project, "total",
                f"「{written}」× 「{ind.name}」{num(t.value)}{t.unit}{months_text} = {expected:,.2f} 万元，"
                f"项目总计 {project.total:,.2f} 万元，{'钱明显多于' if low else '钱不够'}标准与数量所需",
                "核对补助标准或单价、数量指标和项目金额，使三者相称；钱另有用途的，在绩效目标和指标中写明")

    @staticmethod
    def _count(counts, per: str):
        """The count the standard applies to: same unit, and for people a name that says whose."""
        units = _COUNTED_IN.get(per, {per})
        whose = _WHOSE.get(per)
        fits = [(i, t) for i, t in counts if canonical(base_unit(t.unit)) in units
                and (whose is None or whose.search(i.name))]
        return fits[0] if fits else None
