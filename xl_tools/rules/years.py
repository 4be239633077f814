"""YR: what still names another year: project names and target texts carried over from last year.

These rules matter most after a rollover (``xl_tools.rollover``), but they run on every check.
A *date* in an indicator value outside the budget year is not a YR rule: ``VAL010``
(``values.date_outside_year``) already flags it, so it is not duplicated here; ``year_findings``
runs both.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..findings import WARNING, Finding
from ..model import Filing, Project
from ..textnorm import to_halfwidth
from .base import Context, Rule
from .values import DateOutsideYear

# a year written as a year: "2024年", "2024 年度"; not 〔2021〕 (a document number) nor 20240630
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
# a document title 《…》 or a quoted name 「…」“…” names a fixed year on purpose
_QUOTED = re.compile(r"《[^》]*》|「[^」]*」|“[^”]*”")


def years_in(text: str | None) -> list[int]:
    """The years written as years (2024年) in a text, sorted, each once."""
    if not text or "年" not in text or ("2" not in text and "２" not in text):
        return []                       # every year it reads starts with a 2 (half- or full-width)
    return sorted({int(y) for y in _YEAR.findall(to_halfwidth(text or ""))})


class NameYearNotBudgetYear(Rule):
    """A project name carries a year that is not the budget year (2024年……项目 in the 2025 filing).

    为什么：沿用上年报表时，项目名称里的年份最容易忘记改。名称写的是上一年，要么是延续项目
    需要改名，要么是上一年已经完成的一次性项目，本年度不应再列。跨年度区间（2023年-2024年）
    已结束的项目见 YR002。

    错误示例：
        预算年度 2025；项目名称：广州市机电技师学院2024年智慧校园管理系统升级改造项目

    正确示例：
        预算年度 2025；项目名称：广州市机电技师学院2025年智慧校园管理系统升级改造项目
        （或：该项目已于 2024 年完成，从 2025 年报表中删除）
    """

    code = "YR001"
    title = "项目名称中的年份不是预算年度"
    default_severity = WARNING
    basis = ("G-YEAR",)
    name = "years.name_year"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        # (run on every project: a tuple, not a generator, as the other year rules)
        if ctx.year is None or ctx.span(project) is not None:
            return ()
        years = years_in(project.name)
        if not years or ctx.year in years:
            return ()
        shown = "、".join(f"{y}年" for y in years)
        if years[-1] < ctx.year:
            message = (f"项目名称写的是「{shown}」，预算年度是 {ctx.year} 年："
                       "可能是沿用上年名称，或是上年已完成的一次性项目")
            suggestion = (f"延续项目请把名称中的年份改为 {ctx.year}年，项目表和绩效指标表中的项目名称一起改"
                          "（只改一处，指标就找不到所属项目）；上年已完成的项目请删除该项目及其绩效指标")
        else:
            message = f"项目名称写的是「{shown}」，晚于预算年度 {ctx.year} 年"
            suggestion = "核对项目名称中的年份或「基本信息」中的预算年度"
        return (self.at_project(project, "name", message, suggestion),)


class NameSpanEnded(Rule):
    """A multi-year project whose 实施期 (the table's column, else the range in the name) does not include
    the budget year.

    为什么：项目名称写明了实施期（2023年-2024年），到预算年度时实施期已经结束（或尚未开始），
    通常是已完成的项目被沿用到了新一年的报表中。工具不会自动删除它，请填报人确认。

    错误示例：
        预算年度 2025；项目名称：广州市机电技师学院2023年-2024年校园信息化设备运维项目

    正确示例：
        预算年度 2025；删除已结束的项目，或改为新一期：2025年-2026年校园信息化设备运维项目
    """

    code = "YR002"
    title = "跨年度项目的实施期不含预算年度"
    default_severity = WARNING
    basis = ("G-YEAR",)
    name = "years.name_span_ended"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        span = ctx.period(project)          # the 实施期 the table states, else the range in the name
        if ctx.year is None or span is None or span[0] <= ctx.year <= span[1]:
            return ()
        first, last = span
        stated = project.period_years() is not None
        where = f"项目的实施期「{project.period}」" if stated else f"项目名称中的实施期「{first}年-{last}年」"
        field, what = ("period", "实施期") if stated else ("name", "名称中的起止年度")
        if last < ctx.year:
            message = f"{where}已于 {last} 年结束，预算年度是 {ctx.year} 年"
            suggestion = ("项目已结束：如本年度没有该项目预算，请删除该项目及其绩效指标；"
                          f"如为新一期项目，请改写{what}")
        else:
            message = f"{where}在预算年度 {ctx.year} 年之后才开始"
            suggestion = f"核对{'实施期' if stated else '项目名称中的起止年度'}或「基本信息」中的预算年度"
        return (self.at_project(project, field, message, suggestion),)


class TargetOldYear(Rule):
    """The 绩效目标 text names a year before the budget year (满足2024年全校……的需求 in 2025).

    为什么：绩效目标说的是预算年度要达到的目标。沿用上年报表时，目标文字里的年份常常没改。
    项目名称所写实施期内的年份、目标中引用的本项目名称（名称中的年份见 YR001）、
    《》书名号和引号内的年份（文件名称）不报。

    错误示例：
        预算年度 2025；绩效目标：满足2024年全校所有专业教学耗材的需求

    正确示例：
        预算年度 2025；绩效目标：满足2025年全校所有专业教学耗材的需求
    """

    code = "YR003"
    title = "绩效目标中的年份早于预算年度"
    default_severity = WARNING
    basis = ("G-YEAR",)
    name = "years.target_old_year"

    def setup(self) -> None:
        self._years: dict[str, list[int]] = {}    # per distinct target text, for one check

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if ctx.year is None or "年" not in (project.target or ""):
            return ()
        span = ctx.span(project)
        first = span[0] if span else ctx.year
        text = ctx.squash(project.target)
        years = self._years.get(text)
        if years is None:
            years = self._years[text] = years_in(text)
        if not years or min(years) >= min(first, ctx.year):
            return ()                              # no earlier year at all (the usual case): done
        text = _QUOTED.sub("", to_halfwidth(project.target.replace(project.name, "") if project.name
                                            else project.target))
        old = [y for y in years_in(text) if y < min(first, ctx.year)]
        if not old:
            return ()
        shown = "、".join(f"{y}年" for y in old)
        return (self.at_project(project, "target", f"绩效目标中写有「{shown}」，早于预算年度 {ctx.year} 年",
                                f"核对绩效目标文字：沿用上年的内容请改为 {ctx.year} 年的目标"),)


YEAR_RULES: list[type[Rule]] = [NameYearNotBudgetYear, NameSpanEnded, TargetOldYear]


def year_findings(filing: Filing) -> list[Finding]:
    """The year findings of a filing: the YR rules and VAL010 (dates outside the budget year).

    Used by rollover to list what names the old year; the full check (``rules.check``) runs the same
    rules with the filing's configuration.
    """
    ctx = Context(filing)
    rules = [r() for r in YEAR_RULES] + [DateOutsideYear()]
    out: list[Finding] = []
    for project in filing.projects:
        for rule in rules:
            out.extend(rule.check_project(ctx, project))
            for ind in project.indicators:
                out.extend(rule.check_indicator(ctx, project, ind, ctx.facts(ind)))
    return out
