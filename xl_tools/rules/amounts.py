"""AMT: the money columns add up, are numbers, and are plausible."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from ..findings import ERROR, WARNING, Finding
from ..model import FUNDING_LEVELS, MONEY_FIELDS, MONEY_LABELS, PROBLEM_MONEY_INVALID, PROBLEM_MONEY_TEXT, Project
from ..money import CENT, WAN, YUAN_PER_WAN, ZERO, fmt_thousands, rescale
from .base import Context, Rule

TOLERANCE = Decimal("0.005")


def _m(value: Decimal) -> str:
    return fmt_thousands(value)


def _exact(value: Decimal) -> str:
    """An amount as written, even with more than two decimals."""
    return f"{value:,f}" if value == value.quantize(CENT) else f"{value.normalize():f}"


class TotalIsSumOfParts(Rule):
    """Each row's 总计 equals 财政拨款 + 财政专户拨款 + 其他资金.

    为什么：公开表每一行的总计必须等于三个资金来源之和，否则公开后数字对不上，会被退回修改。
    差额不超过 0.005 万元（四舍五入造成）不报。

    错误示例：
        总计 600.00，财政拨款 500.00，财政专户拨款 0.00，其他资金 0.00

    正确示例：
        总计 600.00，财政拨款 500.00，财政专户拨款 0.00，其他资金 100.00
    """

    code = "AMT001"
    title = "总计不等于各资金来源之和"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.total_is_sum"
    config_keys = {"tolerance": TOLERANCE}

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        tol = self.options["tolerance"]
        for unit in ctx.filing.units:
            if any(unit.blank(f) for f in MONEY_FIELDS):
                continue                # blank cells are the projects' sums: the projects are checked
            parts = unit.fiscal + unit.special + unit.other
            if abs(unit.total - parts) > tol:
                yield self.at(unit.origin, "total",
                              f"单位「{unit.name}」总计 {_m(unit.total)} {ctx.unit}，但财政拨款、财政专户拨款、"
                              f"其他资金之和为 {_m(parts)} {ctx.unit}，相差 {_m(unit.total - parts)} {ctx.unit}",
                              "核对单位行的各资金来源，使总计等于三者之和")

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        # (run on every project: a tuple, not a generator, as the other hooks that seldom find)
        parts = project.parts_sum()
        if abs(project.total - parts) <= self.options["tolerance"] or _unreadable(ctx, project):
            return ()                   # an amount that cannot be read is AMT004, not a false difference
        return (self.at_project(
                project, "total",
                f"总计 {_m(project.total)} {ctx.unit}，但财政拨款 {_m(project.fiscal)} + 财政专户拨款 "
                f"{_m(project.special)} + 其他资金 {_m(project.other)} = {_m(parts)} {ctx.unit}，"
                f"相差 {_m(project.total - parts)} {ctx.unit}",
                f"核对各资金来源金额；如来源无误，总计应为 {_m(parts)} {ctx.unit}"),)


class NonNegative(Rule):
    """Amounts are not negative.

    为什么：预算金额不会是负数，负数通常是录入时多打了减号，或把调减数填进了预算表。

    错误示例：
        其他资金 -20.00

    正确示例：
        其他资金 20.00（或 0.00）
    """

    code = "AMT002"
    title = "金额为负数"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.non_negative"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        for unit in ctx.filing.units:
            for f in MONEY_FIELDS:
                value = getattr(unit, f)
                if value < ZERO and not unit.blank(f):
                    yield self.at(unit.origin, f, f"单位「{unit.name}」的{MONEY_LABELS[f]}为负数："
                                  f"{_exact(value)} {ctx.unit}", "预算金额应为 0 或正数")

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        for f in MONEY_FIELDS:
            value = getattr(project, f)
            if value < ZERO:
                yield self.at_project(project, f, f"{MONEY_LABELS[f]}为负数：{_exact(value)} {ctx.unit}",
                                      "预算金额应为 0 或正数，请去掉负号或改正金额")


class TwoDecimals(Rule):
    """Amounts in 万元 have at most two decimals.

    为什么：公开表以万元为单位、保留两位小数。多出的小数位公开时会被四舍五入，合计就可能对不上；
    三位以上小数也常是把“元”当成“万元”填写的信号。

    错误示例：
        财政拨款 865.4371

    正确示例：
        财政拨款 865.44
    """

    code = "AMT003"
    title = "金额超过两位小数"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.two_decimals"

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        for f in MONEY_FIELDS:
            value = getattr(project, f)
            if value != value.quantize(CENT):
                yield self.at_project(project, f, f"{MONEY_LABELS[f]} {_exact(value)} 超过两位小数",
                                      f"金额以{ctx.unit}为单位保留两位小数，例如 {_m(value)}")


def _money_problems(ctx: Context):
    return [p for p in ctx.filing.problems if p.field in MONEY_FIELDS]


def money_as_text(project: Project) -> list[tuple[str, str]]:
    """(field, the text as written) of each money cell of ``project`` that holds text, not blank: a number
    typed as text (AMT005 says so) or a formula kept as text; either way not "no money" (AMT008)."""
    return [(f, raw) for f, raw in project.raw.items()
            if f in MONEY_FIELDS and isinstance(raw, str) and raw.strip()] if project.raw else []


def _unreadable(ctx: Context, project: Project) -> set[str]:
    """The money fields of ``project`` whose cells could not be read as amounts (AMT004's)."""
    return {p.field for p in _money_problems(ctx)
            if p.code != PROBLEM_MONEY_TEXT and p.project == project.name
            and (p.origin is None or project.origin is None or p.origin.row == project.origin.row)}


class MoneyNotNumber(Rule):
    """A money cell holds something that is not a number.

    为什么：金额单元格里是文字、无法计算的公式或乱码时，工具无法读出金额，合计和公开表都会出错。

    错误示例：
        总计：约600万

    正确示例：
        总计：600.00
    """

    code = "AMT004"
    title = "金额不是数字"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.not_a_number"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        for p in _money_problems(ctx):
            if p.code == PROBLEM_MONEY_TEXT:
                continue
            label = MONEY_LABELS[p.field]
            said = f"「{p.value}」" if p.code == PROBLEM_MONEY_INVALID else f"「{p.value}」（{p.message}）"
            yield self.at(p.origin, p.field, f"{label}无法识别为金额：{said}",
                          f"在{label}中只填写数字，以{ctx.unit}为单位，例如 600.00", project=p.project)


class MoneyAsText(Rule):
    """A money cell holds a number typed as text.

    为什么：以文本形式保存的数字（如带千分位逗号的“1,009.93”）在 Excel 中不参与求和，
    单位小计和合计公式会漏算，打印时也不按金额格式显示。

    错误示例：
        总计：'1,009.93（文本）

    正确示例：
        总计：1009.93（数字，格式 #,##0.00）
    """

    code = "AMT005"
    title = "金额以文本形式录入"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "amounts.number_as_text"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        self._seen = set()
        for p in _money_problems(ctx):
            if p.code == PROBLEM_MONEY_TEXT:
                self._seen.add((p.project, p.field))
                yield self.at(p.origin, p.field, f"{MONEY_LABELS[p.field]}是文本「{p.value}」，不是数字",
                              "将单元格改为数字格式后重新输入金额", project=p.project)

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        return self._as_text(ctx, project) if project.raw else ()

    def _as_text(self, ctx: Context, project: Project) -> Iterator[Finding]:
        for f, raw in money_as_text(project):
            if raw.lstrip().startswith("=") or (project.name, f) in self._seen or f in _unreadable(ctx, project):
                continue
            yield self.at_project(project, f, f"{MONEY_LABELS[f]}是文本「{raw}」，不是数字",
                                  "将单元格改为数字格式后重新输入金额")


class UnitIsSumOfProjects(Rule):
    """Each funding unit's row equals the sum of its projects, column by column.

    为什么：单位行是其下各项目的小计。项目金额改了而单位行没改（或反之），公开表就前后矛盾。
    未填写单位行时不检查。

    错误示例：
        单位「广州市机电技师学院」总计 5,000.00，其项目总计之和 5,138.68

    正确示例：
        单位「广州市机电技师学院」总计 5,138.68，其项目总计之和 5,138.68
    """

    code = "AMT006"
    title = "单位金额不等于其项目之和"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.unit_is_sum"
    config_keys = {"tolerance": TOLERANCE}

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        if not filing.units:
            return
        tol = self.options["tolerance"]
        names = filing.unit_spellings()
        sums = filing.sums_by_unit()
        for unit in filing.units:
            got = sums.get(names.canonical(unit.name), dict.fromkeys(MONEY_FIELDS, ZERO))
            for f in MONEY_FIELDS:
                diff = getattr(unit, f) - got[f]
                if abs(diff) > tol:
                    yield self.at(unit.origin, f,
                                  f"单位「{unit.name}」的{MONEY_LABELS[f]} {_m(getattr(unit, f))} {ctx.unit}，"
                                  f"其项目{MONEY_LABELS[f]}之和为 {_m(got[f])} {ctx.unit}，相差 {_m(diff)} {ctx.unit}",
                                  "核对该单位各项目金额，或更正单位行")


class GrandTotalIsSumOfUnits(Rule):
    """合计 equals the sum of the units (or of the projects when no unit rows are given).

    为什么：合计行是公开表第一行，读者最先看到；它必须等于各单位之和。

    错误示例：
        合计 5,100.00，各单位总计之和 5,138.68

    正确示例：
        合计 5,138.68，各单位总计之和 5,138.68
    """

    code = "AMT007"
    title = "合计不等于各单位之和"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "amounts.grand_total"
    config_keys = {"tolerance": TOLERANCE}

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        filing = ctx.filing
        if not filing.total_stated:
            return
        if filing.units:
            parts, what = sum((u.total for u in filing.units), ZERO), "各单位总计之和"
        else:
            parts, what = sum((p.total for p in filing.projects), ZERO), "各项目总计之和"
        diff = filing.total - parts
        if abs(diff) > self.options["tolerance"]:
            yield self.at(filing.total_origin, "total", f"合计 {_m(filing.total)} {ctx.unit}，但{what}为 {_m(parts)} {ctx.unit}，"
                          f"相差 {_m(diff)} {ctx.unit}", f"核对合计，应为 {_m(parts)} {ctx.unit}")


class ProjectWithoutMoney(Rule):
    """A project has no money at all.

    为什么：公开表只列有预算的项目。总计和各资金来源都为 0 的项目，通常是金额漏填，
    或是应当删除的往年项目。

    错误示例：
        项目「校园维护维修项目」总计 0.00，财政拨款 0.00，财政专户拨款 0.00，其他资金 0.00

    正确示例：
        项目「校园维护维修项目」总计 274.96，财政拨款 274.96
    """

    code = "AMT008"
    title = "项目没有金额"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "amounts.project_without_money"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if project.total != ZERO or project.parts_sum() != ZERO or money_as_text(project):
            return ()
        blank = all(project.blank(f) for f in MONEY_FIELDS)
        said = "均未填写" if blank else "均为 0"
        return (self.at_project(project, "total", f"项目总计和各资金来源{said}",
                                "填写项目金额；如本年度没有该项目预算，请删除该项目及其绩效指标"),)


class LevelsAddUp(Rule):
    """A project's funding by level does not add up to its 总计: 本级资金 + 上级资金 differ from it, or the
    levels stated come to more than it.

    为什么：湖南、湖北的申报表以「年度本级预算金额」加「该项目支出上级资金」为项目的资金，湘鄂公开表把本级资金、
    上级资金与资金总额并列印出；两者之和与资金总额不符，公开后数字对不上。只填了一级的（如「其中：上级资金」）
    不能超过总计。差额不超过 0.005 万元（四舍五入造成）不报。

    错误示例：
        总计 250.00，本级资金 200.00，上级资金 100.00

    正确示例：
        总计 250.00，本级资金 200.00，上级资金 50.00
    """

    code = "AMT011"
    title = "分级资金与总计不符"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "amounts.levels_add_up"
    config_keys = {"tolerance": TOLERANCE}

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        # (run on every project: no generator where no level is stated, as in most tables)
        return self._levels(ctx, project) if project.funding else ()

    def _levels(self, ctx: Context, project: Project) -> Iterator[Finding]:
        levels = project.funding
        if _unreadable(ctx, project):
            return
        tol, total = self.options["tolerance"], project.total
        if "own" in levels and "upper" in levels:
            both = levels["own"] + levels["upper"]
            if abs(both - total) > tol:
                yield self.at_project(
                    project, "total",
                    f"本级资金 {_m(levels['own'])} + 上级资金 {_m(levels['upper'])} = {_m(both)} {ctx.unit}，"
                    f"但总计为 {_m(total)} {ctx.unit}，相差 {_m(total - both)} {ctx.unit}",
                    "核对本级资金、上级资金和总计：本级资金与上级资金之和应等于总计")
            return
        stated = sum(levels.values(), ZERO)
        if stated - total > tol:
            named = "、".join(f"{FUNDING_LEVELS[k]} {_m(v)}" for k, v in levels.items() if k in FUNDING_LEVELS)
            yield self.at_project(project, "total",
                                  f"分级资金（{named}）合计 {_m(stated)} {ctx.unit}，超过总计 {_m(total)} {ctx.unit}",
                                  "核对分级资金：各级资金是总计的一部分，不能超过总计")


class YuanInWan(Rule):
    """A project's 总计 in a table in 万元 so large that it reads as an amount in 元 (2,900,000: 290 亿元).

    为什么：预算系统导出的金额以元为单位，复制到以万元为单位的填报表，金额就大了一万倍：公开表印出
    2,900,000.00 万元（290 亿元），成本指标的标准也按它推算。一个项目 100 亿元以上，多半是按元填写的。
    上限可配置（max_wan，单位万元）。

    错误示例：
        金额单位：万元；项目总计 2,900,000.00

    正确示例：
        金额单位：万元；项目总计 290.00
    """

    code = "AMT012"
    title = "金额疑似按元填入万元表"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "amounts.yuan_in_wan"
    config_keys = {"max_wan": Decimal(1_000_000)}

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        if ctx.unit != WAN:
            return
        most = self.options["max_wan"]
        for project in ctx.filing.projects:             # (a filing hook: no call per project)
            if project.total >= most:
                yield self.at_project(
                    project, "total",
                    f"项目总计 {_m(project.total)} 万元，即 {_m(rescale(project.total, WAN, '亿元'))} 亿元：表的金额单位是"
                    "万元，这个金额像是按元填写的",
                    f"金额单位是万元（「基本信息」的金额单位）：按元计的金额除以 {YUAN_PER_WAN} 再填写，"
                    f"如 {_m(rescale(project.total, '元', WAN).quantize(CENT))}")
