"""FLG: what a filing must state before it can go out, and how it was typed.

A filing names its department, its budget year, at least one project and each project's funding
unit; without them the published table prints an empty 部门名称 or a project under no unit. Numbers
typed with a Chinese input method in full-width form are read as digits, and an info says so.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from operator import attrgetter, methodcaller
from typing import Iterable, Iterator

from ..findings import ERROR, INFO, WARNING, Finding
from ..model import Indicator, Origin, Project
from ..money import ZERO, fmt_money
from ..schema import SHEET_PROJECTS
from ..textnorm import to_halfwidth
from .base import VALUE_FIELDS, VALUE_LABELS, Context, Facts, Rule

# a value with full-width digits is reported; the suggestion also turns the signs typed with them
# half-width (％ ． ＞ …), never Chinese punctuation such as （ ， ：. A full-width ＞ before half-width
# digits (＞144000件) is common typography in published tables and is not reported.
_WIDE_DIGIT = re.compile("[０-９]")
_WIDE = re.compile("[０-９％．＞＜＝＋－]")


class DepartmentMissing(Rule):
    """基本信息 names no department.

    为什么：公开表第二行是「部门名称：…」。没有部门名称的表格无法公开，审核人也无法确认是谁报送的。

    依据：公开表第二行是部门名称。

    错误示例：
        基本信息 部门名称：（空）

    正确示例：
        基本信息 部门名称：广州市人力资源和社会保障局
    """

    code = "FLG001"
    title = "没有填写部门名称"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "filing.department_missing"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        if not ctx.filing.department.strip():
            yield self.at(ctx.filing.info_origins.get("department"), "department", "没有填写部门名称",
                          "在「基本信息」的部门名称中填写本部门的全称（公开表第二行显示）")


class YearMissing(Rule):
    """基本信息 names no budget year.

    为什么：预算年度决定日期类指标值、项目名称中的年份和跨年度项目是否正确，也印在公开表上。

    依据：年度目标是预算年度的目标。

    错误示例：
        基本信息 预算年度：（空）

    正确示例：
        基本信息 预算年度：2025
    """

    code = "FLG002"
    title = "没有填写预算年度"
    default_severity = ERROR
    basis = ("G-YEAR",)
    name = "filing.year_missing"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        if ctx.filing.year is None:
            yield self.at(ctx.filing.info_origins.get("year"), "year", "没有填写预算年度",
                          "在「基本信息」的预算年度中填写四位数年份，例如 2025")


class UnitMissing(Rule):
    """A project names no funding unit, and the filing does not say which one it is.

    为什么：公开表按资金使用单位列出项目。只有一个单位时，项目可以不填（刷新时自动填入该单位）；
    有多个单位，或哪里都没有写单位时，工具无法判断项目属于哪个单位。

    依据：项目列在其资金使用单位之下。

    错误示例：
        基本信息 单位：甲单位、乙单位；项目「设备购置」资金使用单位：（空）

    正确示例：
        项目「设备购置」资金使用单位：乙单位
    """

    code = "FLG003"
    title = "项目没有资金使用单位"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "filing.unit_missing"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        if filing.only_unit() is not None:
            return
        named = filing.unit_names()
        for project in filing.projects:
            if project.unit:
                continue
            if named:
                yield self.at_project(project, "unit", f"有多个资金使用单位（{'、'.join(named)}），"
                                      "本项目没有填写资金使用单位",
                                      f"从 {'、'.join(named)} 中选择本项目的资金使用单位填入")
            else:
                yield self.at_project(project, "unit", "没有填写资金使用单位（项目和「基本信息」的单位表中都没有）",
                                      "填写本项目的资金使用单位；只有一个单位时，也可以只在「基本信息」的单位表中"
                                      "填写单位名称，刷新时自动填入各项目")


class UnitNotListed(Rule):
    """A project names a funding unit that the unit table (基本信息) does not list.

    为什么：公开表的单位行来自单位表，每个项目列在其单位之下。项目写的单位不在单位表中，
    公开表就会多出一个没有小计依据的单位，或把项目放错单位。只是括号、数字的全角半角或空格
    不同的写法算同一单位（见 FLG009），不在此列。

    依据：项目列在其资金使用单位之下。

    错误示例：
        单位表：甲单位；项目「设备购置」资金使用单位：乙单位

    正确示例：
        单位表：甲单位、乙单位；项目「设备购置」资金使用单位：乙单位
    """

    code = "FLG008"
    title = "项目的资金使用单位不在单位表中"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "filing.unit_not_listed"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        if not filing.units:
            return
        names = filing.unit_spellings()
        stated = {names.key(u.name) for u in filing.units}
        totals: dict[str, Decimal] = {}
        first: dict[str, Project] = {}
        for p in filing.projects:
            key = names.key(p.unit)
            if key and key not in stated:      # projects naming no unit: FLG003
                totals[key] = totals.get(key, ZERO) + p.total
                first.setdefault(key, p)
        listed = "、".join(dict.fromkeys(names.canonical(u.name) for u in filing.units if u.name))
        for key, p in first.items():
            yield self.at_project(p, "unit", f"资金使用单位「{p.unit}」有项目（总计 {fmt_money(totals[key])} {ctx.unit}），"
                                  f"但「基本信息」的单位表中没有该单位（单位表：{listed or '空'}）",
                                  "在单位表中补充该单位，或把项目的资金使用单位改为单位表中的单位")


class UnitSpelledTwoWays(Rule):
    """One funding unit is written in two forms that differ only in width, brackets or spaces.

    为什么：「某区卫生健康局（本级）」和「某区卫生健康局(本级)」是同一个单位，工具按同一单位汇总
    （公开表、汇总审核、年度对比都只列一次，采用单位表中的写法）；但表内写法不一，审核人员
    容易误以为是两个单位，复制到其他系统时也可能被当作两个单位。

    依据：项目列在其资金使用单位之下。

    错误示例：
        单位表：某区卫生健康局（本级）；项目「健康宣传」资金使用单位：某区卫生健康局(本级)

    正确示例：
        项目「健康宣传」资金使用单位：某区卫生健康局（本级）
    """

    code = "FLG009"
    title = "同一单位名称写法不一致"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "filing.unit_spelled_two_ways"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        names = filing.unit_spellings()
        for spellings in names.variants():
            shown = names.canonical(spellings[0])
            others = "、".join(f"「{s}」" for s in spellings if s != shown)
            message = (f"资金使用单位{others}与「{shown}」只是括号、数字的全角半角或空格不同，按同一单位"
                       f"「{shown}」处理")
            advice = f"统一写作「{shown}」"
            projects = [p for p in filing.projects if p.unit and p.unit != shown and p.origin
                        and names.same(p.unit, shown)]
            if projects:
                first = self.at_project(projects[0], "unit", message, advice)
                cells = tuple(dict.fromkeys(p.origin.address("unit") for p in projects[1:]
                                            if p.origin.sheet == projects[0].origin.sheet))
                first.also = tuple(c for c in cells if c != first.at)
                first.message += f"（{len(projects)} 个项目）" if len(projects) > 1 else ""
                yield first
            for unit in filing.units:
                if unit.name != shown and names.same(unit.name, shown):
                    yield self.at(unit.origin, "name", message + "；单位表中写了两次", f"{advice}，并删除重复的单位行")


class NoProjects(Rule):
    """The filing has no project.

    为什么：项目支出绩效目标表逐个项目公开绩效目标和指标。一个项目都没有的表格不能报送，
    通常是项目填在了别的工作表，或还没有开始填写。

    依据：每个项目填写绩效目标。

    错误示例：
        「项目」表表头下面没有任何一行

    正确示例：
        「项目」表每行一个项目：项目名称、资金使用单位、金额、绩效目标
    """

    code = "FLG004"
    title = "没有填写任何项目"
    default_severity = ERROR
    basis = ("G-TARGET",)
    name = "filing.no_projects"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        if filing.projects:
            return
        header = filing.headers.get(SHEET_PROJECTS)
        origin = Origin(SHEET_PROJECTS, header[0] + 1, header[1], filing.source) if header else None
        yield self.at(origin, "name", "没有填写任何项目",
                      "在「项目」表每行填写一个项目，在「绩效指标」表填写各项目的绩效指标")


class ProjectNameMissing(Rule):
    """A project row has amounts or a target but no 项目名称.

    为什么：公开表按项目名称列出项目，绩效指标也按项目名称归属。没有名称的项目无法公开，
    它的绩效指标也找不到所属项目。

    依据：表按项目名称（资金使用单位）列出。

    错误示例：
        项目表某行：项目名称（空），总计 50.00，绩效目标 ……

    正确示例：
        项目名称：实训设备购置项目
    """

    code = "FLG006"
    title = "项目没有名称"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "filing.project_name_missing"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if project.name.strip():
            return ()                      # run on every project: a tuple, not a generator
        return (self.at_project(project, "name", "项目没有填写项目名称",
                                "填写项目名称（与批复的预算项目名称一致）；如这一行不是项目，请删除整行"),)


class IndicatorNameMissing(Rule):
    """An indicator has no name (三级指标).

    为什么：三级指标就是指标名称，公开表印作“1-产出指标；11-数量指标；名称；指标值”。没有名称，
    指标值就不知道在衡量什么。

    依据：绩效目标细化为有名称的绩效指标。

    错误示例：
        1-产出指标；12-质量指标；（空）；100%

    正确示例：
        1-产出指标；12-质量指标；安保人员持证上岗率；100%
    """

    code = "FLG007"
    title = "指标没有名称（三级指标）"
    default_severity = ERROR
    basis = ("G-INDICATORS",)
    name = "filing.indicator_name_missing"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if all(map(str.strip, map(_NAME, project.indicators))):
            return ()                      # every name written (the usual case): no call per indicator
        return [self.at_indicator(project.name, ind, "name", "指标没有填写三级指标（指标名称）",
                                  "填写指标名称，说明该指标值衡量的是什么，例如“安保人员持证上岗率”")
                for ind in project.indicators if not ind.name.strip()]


class FullWidthDigits(Rule):
    """A value or 序号 is typed with full-width digits (a Chinese input method).

    为什么：工具按半角读取（≥９５% 读作 ≥95%），公开表则照原样印出全角字符，与其他单位的表格
    不一致，复制到其他系统时也可能不被识别为数字。单元格内容保持原样，建议改为半角。

    依据：本工具的填报约定，不是官方要求，默认提示。

    错误示例：
        年度指标值：≥９５%

    正确示例：
        年度指标值：≥95%
    """

    code = "FLG005"
    title = "数字为全角"
    default_severity = INFO
    basis = ("H-STYLE",)
    name = "filing.full_width_digits"
    content_only = True
    values_only = True

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        """序号 typed as text (the values are checked per distinct content, below), project by project
        while its rows are at hand; an indicator's looked for without a Python loop."""
        if not isinstance(project.raw.get("no"), str) and \
                next(filter(_IS_TEXT, map(_TYPED_NO, map(_RAW, project.indicators))), None) is None:
            return ()                      # nothing typed as text (the usual case): no generator
        return self._typed(project)

    def _typed(self, project: Project) -> Iterator[Finding]:
        typed = project.raw.get("no")
        if isinstance(typed, str) and _WIDE_DIGIT.search(typed):
            yield self.at_project(project, "no", *_texts("序号", typed))
        for ind in project.indicators:
            typed = ind.raw.get("no")
            if isinstance(typed, str) and _WIDE_DIGIT.search(typed):
                yield self.at_indicator(project.name, ind, "no", *_texts("指标序号", typed))

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        for field in VALUE_FIELDS:
            text = getattr(ind, field)
            if text and _WIDE_DIGIT.search(text):
                yield self.at_indicator(project.name, ind, field, *_texts(VALUE_LABELS[field], text))


_IS_TEXT = partial(type.__instancecheck__, str)            # isinstance(x, str)
_TYPED_NO, _RAW, _NAME = methodcaller("get", "no"), attrgetter("raw"), attrgetter("name")


def _texts(label: str, typed: str) -> tuple[str, str]:
    half = _WIDE.sub(lambda m: to_halfwidth(m.group()), typed)
    return (f"{label}「{typed}」中有全角数字或符号，已按「{half}」读取",
            f"改为半角：{half}")
