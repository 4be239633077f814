"""VAL: each indicator value is present, measurable, plausible and filed in the right place."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..findings import ERROR, INFO, WARNING, Finding
from ..model import Indicator, Project
from ..unitnames import unit_key
from ..valuegrammar import PLACEHOLDERS, ParsedValue, Placeholders, quantities
from .base import ONE_VALUE, VALUE_FIELDS, VALUE_LABELS, Context, Facts, Rule, num, show
from .measures import MONEY_SCALE, base_unit, counted, is_grade, is_money

HUNDRED = Decimal(100)
_NUMBER_IN_NAME = r"(?<![\d.]){}(?![\d.])"
_NAME_LIKE = re.compile(r"(率|数|量|(?<![季年月])度|次数|人数)$")      # 每季度 is a period, not a name
# a rate per a stated base: /10万, /万人, /千人, 每10万人, 每千人
_PER_BASE = re.compile(r"/\d*(?:\.\d+)?[十百千万亿]+|每\d*[十百千万亿]+[人户名例]?|‱")


def unit_for_name(core: str) -> tuple[str, ...]:
    """The units a count's name asks for (培训人次 → 人次; 建设面积 → 平方米; 在校学生数 → 人); 个, 项 when it
    says none."""
    said = counted(core)
    return (said[2],) if said else ("个", "项")


def is_satisfaction(facts: Facts) -> bool:
    return facts.level1_code == "3" or facts.level2_code == "31"


def _number(target: ParsedValue) -> bool:
    return target.kind == "number" and target.value is not None


class ValueMissing(Rule):
    """An indicator lacks its 实施周期指标值 or its 年度指标值.

    为什么：两列指标值都是必填项：实施周期指标值是项目全周期的目标，年度指标值是本预算年度的目标。
    一栏指标值的表式（规则配置如湘鄂）只要求指标值；两栏的表中按一栏表式填报的单位（合并公开表中
    只印「指标值:…」的单位，导入时写入配置项 one_value_units，IMP034）同样只要求指标值。

    错误示例：
        新增监控前端数量；实施周期指标值：291个；年度指标值：（空）

    正确示例：
        新增监控前端数量；实施周期指标值：291个；年度指标值：291个
    """

    code = "VAL001"
    title = "指标值为空"
    default_severity = ERROR
    basis = ("G-ONEYEAR",)
    name = "values.missing"
    # units that filed on a one-value-column form (湘鄂 …) in a filing of two value columns — a department's
    # consolidated table imported: their lines need one 指标值 (the import names them: IMP034)
    config_keys = {"one_value_units": []}

    def setup(self) -> None:
        self.one_value = frozenset(unit_key(u) for u in self.options["one_value_units"])

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return not (facts.period.strip() and facts.annual.strip())

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        # not content_only: the suggestion depends on the project's span
        if ctx.profile.value_columns == 1 or (self.one_value and unit_key(project.unit) in self.one_value):
            if not ctx.squash(ind.annual_value) and not ctx.squash(ind.period_value):
                yield self.at_indicator(project.name, ind, "annual_value", f"「{ind.name}」的指标值为空",
                                        "填写指标值")
            return
        if (ind.period_value or "").strip() and (ind.annual_value or "").strip():
            return                              # the usual case (white space only counts as blank)
        for field in VALUE_FIELDS:
            if not ctx.squash(getattr(ind, field)):
                yield self.at_indicator(project.name, ind, field,
                                        f"「{ind.name}」的{VALUE_LABELS[field]}为空",
                                        f"填写{VALUE_LABELS[field]}{self._hint(ctx, project, ind, field)}")

    @staticmethod
    def _hint(ctx: Context, project: Project, ind: Indicator, field: str) -> str:
        """What the empty column holds, for this project's span."""
        span = ctx.span(project)
        if span is not None:
            period = f"{span[0]}年-{span[1]}年"
            if field == "period_value":
                return f"：跨年度项目写整个实施期（{period}）的目标"
            year = f"（{ctx.year}年）" if ctx.year else ""
            return f"：跨年度项目写本预算年度{year}要完成的部分，不超过实施周期指标值"
        other = ind.annual_value if field == "period_value" else ind.period_value
        return f"；一年期项目通常与另一列相同（{other}）" if ctx.squash(other) else ""


class ValuePlaceholder(Rule):
    """An indicator value is a placeholder (*, _, -, XXX, 待定).

    为什么：占位符说明指标值还没有确定，这样的目标无法衡量，审核时会被退回。

    错误示例：
        设备验收通过率；年度指标值：XXX%

    正确示例：
        设备验收通过率；年度指标值：100%
    """

    code = "VAL002"
    title = "指标值是占位符"
    default_severity = ERROR
    basis = ("G-QUANT",)
    content_only = True
    values_only = True
    name = "values.placeholder"
    config_keys = {"placeholders": sorted(PLACEHOLDERS)}

    def setup(self) -> None:
        self.matcher = Placeholders(self.options["placeholders"])

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        for field, text, label in facts.columns:
            if self.matcher(ctx.squash(text)):
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」的{label}「{text}」是占位符",
                                        "填写确定的指标值（运算符 + 数字 + 单位，如 ≥95%）")


class QuantityNotNumber(Rule):
    """A 数量 or 质量 indicator is written as words, without a number.

    为什么：绩效目标要“尽量进行定量表述”。数量、质量指标写成“按时完成”“显著提升”无法衡量；
    确实只能定性的，写成分级分档的形式（“良好及以上”“A级”）时不报。

    错误示例：
        12-质量指标；项目进度报告；按月提供

    正确示例：
        12-质量指标；项目进度报告提交次数；≥12次
    """

    code = "VAL003"
    title = "数量、质量指标没有数值"
    default_severity = WARNING
    basis = ("G-QUANT",)
    content_only = True
    values_only = True
    name = "values.quantity_not_number"
    config_keys = {"levels": ["11", "12"],
                   "placeholders": ValuePlaceholder.config_keys["placeholders"]}

    def setup(self) -> None:
        self.matcher = Placeholders(self.options["placeholders"])

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if facts.level2_code not in self.options["levels"]:
            return
        level2 = facts.level2.category
        for field, text, label in facts.columns:
            if not ctx.squash(text) or self.matcher(ctx.squash(text)):
                continue
            if (ctx.parse(text).kind == "text" and not is_grade(ctx.squash(text))
                    and not any(q.unit for q in quantities(ctx.squash(text)))):   # 补贴2400平米…5万元: has them
                yield self.at_value(project.name, ind, field, label,
                                        f"{level2.label}「{ind.name}」的{label}「{text}」没有数值",
                                        "改为可衡量的表述：运算符 + 数字 + 单位，例如 ≥12次、100%")
                return


class PercentOver100(Rule):
    """A percentage above 100%.

    为什么：完成率、合格率、满意度等比率不会超过 100%，超过通常是录入错误。增长类指标可以超过，
    配置项 allow_names 中的词出现在指标名称里时不报。

    依据：比率不超过 100% 是常识核对。

    错误示例：
        设备完好率；950%

    正确示例：
        设备完好率；95%
    """

    code = "VAL004"
    title = "百分比超过100%"
    default_severity = WARNING
    basis = ("G-SATISFACTION",)
    content_only = True
    name = "values.percent_over_100"
    config_keys = {"allow_names": ["增长", "增幅", "增速", "提高", "提升"]}

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_over_100(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if any(w in ind.name for w in self.options["allow_names"]):
            return
        for field, text, label in facts.columns:
            if _over_100(ctx.parse(text)):
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」的{label}「{text}」超过 100%",
                                        "比率类指标不超过 100%，请核对数值")


def _over_100(t: ParsedValue) -> bool:
    top = t.value if t.kind == "number" else t.high if t.kind == "range" else None
    return t.unit == "%" and top is not None and top > HUNDRED


def _bare_number(t: ParsedValue) -> bool:
    """A number other than 0 without %, ‰ or ‱ (VAL005's)."""
    return _number(t) and t.value != 0 and t.unit not in ("%", "‰", "‱")


class RateWithoutPercent(Rule):
    """A rate (…率, …满意度) is given without %.

    为什么：“率”和满意度是百分比，写成“95”或“95个”时读者不知道是 95% 还是 95 件；为 0 的不报。
    写明了基数的比率（孕产妇死亡率 ≤10/10万、每千人口 3‰）本来就不是百分比，不报。

    错误示例：
        维护维修验收合格率；100

    正确示例：
        维护维修验收合格率；100%
    """

    code = "VAL005"
    title = "比率指标没有百分号"
    default_severity = WARNING
    basis = ("G-QUANT",)
    content_only = True
    core_only = True
    name = "values.rate_without_percent"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_bare_number(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        core = facts.core
        if not (core.endswith("率") or core.endswith("满意度")):
            return
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if _PER_BASE.search(ctx.squash(text)):
                continue                       # ≤10/10万, 每千人3‰: a rate per a stated base, not per hundred
            if _bare_number(t):
                yield self.at_value(project.name, ind, field, label,
                                        f"比率指标「{ind.name}」的{label}「{text}」没有百分号",
                                        f"写成百分比，例如 {show(t).removesuffix(t.unit)}%")


class SatisfactionFloor(Rule):
    """A 满意度 target below the floor (default 80%).

    为什么：满意度目标过低（如 60%）通常是笔误，或说明目标设得不够积极。没有官方下限，
    下限可按地区配置（floor）。

    依据：没有官方下限，下限是地区配置（广东 80%，floor）。

    错误示例：
        服务对象满意度；≥60%

    正确示例：
        服务对象满意度；≥90%
    """

    code = "VAL006"
    title = "满意度目标偏低"
    default_severity = WARNING
    basis = ("G-SATISFACTION",)
    content_only = True
    values_only = True
    name = "values.satisfaction_floor"
    config_keys = {"floor": Decimal(80)}

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if not is_satisfaction(facts):
            return
        floor = self.options["floor"]
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            low = t.value if t.kind == "number" else t.low if t.kind == "range" else None
            if t.unit == "%" and low is not None and low < floor:
                yield self.at_value(project.name, ind, field, label,
                                        f"满意度指标「{ind.name}」的{label} {text} 低于 {num(floor)}%",
                                        f"核对数值；满意度目标一般不低于 {num(floor)}%")


class SatisfactionOperator(Rule):
    """A 满意度 target written as a bare number instead of ≥.

    为什么：满意度是下限目标，写成“90%”读起来像“恰好 90%”；写成“≥90%”更准确，也与多数单位的写法一致。

    依据：本工具的填报约定，不是官方要求，默认为提示。

    错误示例：
        服务对象满意度；90%

    正确示例：
        服务对象满意度；≥90%
    """

    code = "VAL007"
    title = "满意度目标没有“≥”"
    default_severity = INFO
    basis = ("H-STYLE",)
    content_only = True
    values_only = True
    name = "values.satisfaction_operator"

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if not is_satisfaction(facts):
            return
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if _number(t) and t.unit == "%" and t.op == "=":
                yield self.at_value(project.name, ind, field, label,
                                        f"满意度指标「{ind.name}」的{label}「{text}」没有“≥”",
                                        f"写成 ≥{num(t.value)}%")


def _same(a: ParsedValue, b: ParsedValue) -> bool:
    if a.kind != b.kind or a.kind == "text":
        return False
    return (a.op, a.value, a.low, a.high, a.unit, a.date) == (b.op, b.value, b.low, b.high, b.unit,
                                                              b.date)


def _differ(ctx: Context, p: str, a: str) -> bool:
    """Both values written, and they say different things (VAL008's)."""
    sp, sa = ctx.squash(p), ctx.squash(a)
    return bool(sp) and bool(sa) and sp != sa and not _same(ctx.parse(p), ctx.parse(a))


class OneYearValuesDiffer(Rule):
    """A one-year project whose 年度 and 实施周期 values differ.

    为什么：项目名称中没有“2023年-2024年”这样的跨年度区间时，视为一年期项目，实施周期就是本年度，
    两列指标值应当相同。

    错误示例：
        新增设备数量；实施周期指标值：5台；年度指标值：3台

    正确示例：
        新增设备数量；实施周期指标值：5台；年度指标值：5台
    """

    code = "VAL008"
    title = "一年期项目年度指标值与实施周期指标值不同"
    default_severity = WARNING
    basis = ("G-ONEYEAR",)
    name = "values.one_year_differ"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return _differ(ctx, facts.period, facts.annual)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if ctx.span(project) is not None:
            return
        p, a = ind.period_value or "", ind.annual_value or ""
        if _differ(ctx, p, a):
            yield self.at_indicator(project.name, ind, "annual_value",
                                    f"一年期项目中「{ind.name}」的年度指标值「{a}」与实施周期指标值「{p}」不同",
                                    "一年期项目两列应相同；如项目跨年度，请在项目名称中写明起止年度")


def _exceeds(p: ParsedValue, a: ParsedValue) -> bool:
    """The annual count is larger than the period's (VAL009's)."""
    return (_number(p) and _number(a) and p.unit == a.unit and a.unit not in ("%", "‰")
            and a.value > p.value)


class MultiYearAnnualExceeds(Rule):
    """In a multi-year project, a count's 年度 value exceeds its 实施周期 value.

    为什么：实施周期指标值是全周期的总目标，某一年的数量不会超过全周期的数量。

    错误示例：
        2024年-2025年……项目；新增工位数；实施周期指标值：30个；年度指标值：40个

    正确示例：
        实施周期指标值：60个；年度指标值：30个
    """

    code = "VAL009"
    title = "跨年度项目年度数量大于实施周期数量"
    default_severity = WARNING
    basis = ("G-ONEYEAR",)
    name = "values.annual_exceeds_period"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return _exceeds(ctx.parse(facts.period), ctx.parse(facts.annual))

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if ctx.span(project) is None:
            return
        p, a = ctx.targets(ind)
        if _exceeds(p, a):
            yield self.at_indicator(project.name, ind, "annual_value",
                                    f"「{ind.name}」的年度指标值 {show(a)} 大于实施周期指标值 {show(p)}",
                                    "年度目标应不超过全周期目标，请核对两列")


def _date(t: ParsedValue) -> bool:
    return t.kind == "date" and t.date is not None


class DateOutsideYear(Rule):
    """A date target falls outside the budget year (or the project's years).

    为什么：年度指标值是本预算年度的目标，日期应在预算年度内；跨年度项目的实施周期日期应在
    项目名称所写的起止年度内。常见原因是沿用上年报表时忘了改年份。

    错误示例：
        2024年预算；项目验收时间；2023年6月30日前

    正确示例：
        2024年预算；项目验收时间；2024年6月30日前
    """

    code = "VAL010"
    title = "日期不在预算年度内"
    default_severity = WARNING
    basis = ("G-TIME", "G-YEAR",)
    name = "values.date_outside_year"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return ctx.year is not None and any(_date(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if ctx.year is None:
            return
        span = ctx.period(project) or (ctx.year, ctx.year)
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if not _date(t):
                continue
            first, last = (ctx.year, ctx.year) if field == "annual_value" else span
            if label.endswith("和年度指标值"):
                first, last = ctx.year, ctx.year
            if label == ONE_VALUE:       # the table's one 指标值 column: the project's 实施期 (项目期 2019-2021)
                first, last = min(span[0], ctx.year), max(span[1], ctx.year)
            if not first <= t.date.year <= last:
                years = f"{first}年" if first == last else f"{first}年至{last}年"
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」的{label}「{text}」不在 {years} 内",
                                        f"核对年份，应为 {years} 内的日期")


class DateNotTimeliness(Rule):
    """A date target filed under a level 2 other than 13-时效指标.

    为什么：“某日前完成”是时效目标，应归入 13-时效指标；放在数量或质量指标下，按类别汇总时会缺项。

    错误示例：
        1-产出指标；12-质量指标；项目验收并交付使用时间；2024年6月30日前

    正确示例：
        1-产出指标；13-时效指标；项目验收并交付使用时间；2024年6月30日前
    """

    code = "VAL011"
    title = "日期目标未归入时效指标"
    default_severity = WARNING
    basis = ("G-CATEGORIES", "G-TIME",)
    content_only = True
    values_only = True
    name = "values.date_not_timeliness"

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        code = facts.level2_code
        if code == "13":
            return
        for field, text, label in facts.columns:
            if ctx.parse(text).kind == "date":
                yield self.at_indicator(project.name, ind, "level2",
                                        f"「{ind.name}」的{label}「{text}」是日期目标，却归在"
                                        f"「{ind.level2_label}」下",
                                        "二级指标改为「13-时效指标」")
                return


def _number_in(shown: str, core: str) -> bool:
    """``shown`` (a number as written by ``num``) stands in ``core`` as a number of its own, not inside
    another (5 in 15, 2.5)."""
    return shown in core and re.search(_NUMBER_IN_NAME.format(re.escape(shown)), core) is not None


class NameValueMixed(Rule):
    """The value repeats an indicator name, or the name holds the value.

    为什么：三级指标写“衡量什么”，指标值写“达到多少”。名称里写了目标值（“……为0”），或指标值里
    又写了一个指标名称，读者就分不清衡量的是什么。

    错误示例：
        三级指标：因工作失误致国家资金流失事件为0；指标值：0

    正确示例：
        三级指标：因工作失误致国家资金流失事件数；指标值：0起
    """

    code = "VAL012"
    title = "指标名称与指标值混写"
    default_severity = WARNING
    basis = ("G-QUANT",)
    content_only = True
    core_only = True
    name = "values.name_value_mixed"

    def setup(self) -> None:
        self._texts: dict[str, tuple[str, str | None, str | None]] = {}     # per distinct value, for one check

    def _read(self, ctx: Context, text: str) -> tuple[str, str | None, str | None]:
        """(the squashed value, its number as ``num`` shows it, the name-like words written with the number)."""
        hit = self._texts.get(text)
        if hit is None:
            t = ctx.parse(text)
            shown = named = None
            if _number(t):
                shown = num(t.value)
                extra = ctx.squash(t.extra)
                # 优（好评率≥90%）: a grade and its criterion
                if len(extra) >= 3 and _NAME_LIKE.search(extra) and not is_grade(extra.split("(", 1)[0]):
                    named = extra
            hit = self._texts[text] = (ctx.squash(text), shown, named)
        return hit

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        core = facts.core
        for field, text, label in facts.columns:
            value, shown, named = self._read(ctx, text)
            if len(core) >= 4 and core in value and value != core:
                msg = f"{label}「{text}」重复了指标名称「{ind.name}」"
                tip = "指标值只写运算符、数字和单位"
            elif shown is not None and _number_in(shown, core) and not _price_of_named_size(ctx.parse(text), core):
                msg = f"指标名称「{ind.name}」中包含了指标值 {shown}"
                tip = "名称只写衡量的内容（如“……事件数”），数值填在指标值中"
                field = "name"                     # the name is what needs the change
            elif named is not None and named not in core:
                t = ctx.parse(text)
                msg = (f"{label}「{text}」中含有指标名称「{t.extra}」，与三级指标「{ind.name}」不一致")
                tip = f"三级指标改为「{t.extra}」，指标值只写 {show(t)}"
            else:
                continue
            yield self.at_value(project.name, ind, field, label, msg, tip)
            return


def _price_of_named_size(t: ParsedValue, core: str) -> bool:
    """围墙300米 at 300元/米: the name's number is a size, the value a price that only happens to be
    the same number."""
    if not is_money(t):
        return False
    sizes = [q for q in quantities(core) if q.value == t.value]
    return bool(sizes) and all(q.unit and base_unit(q.unit) not in MONEY_SCALE for q in sizes)


class InputAsOutput(Rule):
    """An input rate (资金到位率, 预算执行率, 资金使用率) used as a performance indicator.

    为什么：资金到位、预算执行、资金使用是投入和管理过程，不是项目的产出或效益，在任何类别下
    都不应作为绩效指标（词表可配置：words）。投入的金额、人员和工时见 VAL021。

    错误示例：
        1-产出指标；12-质量指标；预算执行率；100%

    正确示例：
        1-产出指标；12-质量指标；设备验收通过率；100%
    """

    code = "VAL013"
    title = "以投入类指标作为绩效指标"
    default_severity = WARNING
    basis = ("G-INPUT",)
    content_only = True
    core_only = True
    name = "values.input_as_output"
    config_keys = {"words": ["资金到位率", "预算执行率", "资金执行率", "资金支付率", "资金拨付率", "支出进度",
                             "资金使用率", "经费使用率", "资金支出率", "预算支出率", "资金下达率", "执行进度",
                             "资金使用进度", "经费执行率", "预算完成率", "下达率"]}

    def setup(self) -> None:
        # whether any of the words is there, in one pass (the loop below names the first of the list)
        self.any_word = re.compile("|".join(map(re.escape, self.options["words"])) or "(?!)")

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        core = facts.core
        if not self.any_word.search(core):
            return
        for word in self.options["words"]:
            if word in core:
                yield self.at_indicator(project.name, ind, "name",
                                        f"「{ind.name}」衡量的是资金投入（{word}），不是产出或效益",
                                        "改为反映项目产出或效益的指标，例如完成数量、质量或服务效果")
                return


def _money(t: ParsedValue) -> bool:
    """A number in 元, 万元 … (VAL014's; a cost's bare 万, as in 250万, is 万元)."""
    return _number(t) and (t.unit in MONEY_SCALE or t.unit == "万")


class CostAboveBudget(Rule):
    """A cost target above the project's 总计.

    为什么：成本指标不得超出预算支出标准。成本目标（换算为万元）大于项目总计时，不是单位写错
    （元与万元），就是目标超出了预算。项目总计还没有填写时不检查（见 AMT008）。

    错误示例：
        项目总计 50.35 万元；14-成本指标；系统建设成本；≤60万元

    正确示例：
        项目总计 50.35 万元；14-成本指标；系统建设成本；≤50.35万元
    """

    code = "VAL014"
    title = "成本指标超出项目预算"
    default_severity = ERROR
    basis = ("G-COST-VALUE", "G-MATCH",)
    name = "values.cost_above_budget"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_money(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if facts.level2_code != "14" and facts.level1_code != "4" and "成本" not in ind.name:
            return
        if not project.total:
            return                  # no budget typed yet (a rolled-over filing): AMT008 says so
        total = ctx.to_wan(project.total)
        multi_year = ctx.span(project) is not None
        for field, text, label in facts.columns:
            if multi_year and field == "period_value" and len(facts.columns) == 2:
                continue                       # the whole period's cost, the total is one year's
            t = ctx.parse(text)
            scale = MONEY_SCALE.get(t.unit, Decimal(1) if t.unit == "万" else None)   # a cost's 250万 is 万元
            if not _number(t) or scale is None:
                continue
            wan = t.value * scale
            if wan > total:
                yield self.at_value(project.name, ind, field, label,
                                        f"成本指标「{ind.name}」的{label}「{text}」（{num(wan)} 万元）"
                                        f"超过项目总计 {ctx.money(project.total)}",
                                        "核对金额单位（元/万元）和数值；成本目标不超过项目预算")
                return


class NumberWithoutUnit(Rule):
    """A 数量 indicator value is a bare number without a unit.

    为什么：定量指标由“运算符 + 数字 + 计量单位”组成。只写“2”时不知道是 2 人、2 个还是 2 项；
    为 0 的（如事故数 0）不报。

    错误示例：
        11-数量指标；国家集训队人数；2

    正确示例：
        11-数量指标；国家集训队人数；≥2人
    """

    code = "VAL015"
    title = "数量指标没有计量单位"
    default_severity = INFO
    basis = ("G-QUANT",)
    content_only = True                      # not values_only: a rate's name (…率) decides too
    core_only = True
    name = "values.number_without_unit"
    config_keys = {"levels": ["11"]}

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_number(t) and t.value != 0 and not t.unit
                   for t in (ctx.parse(text) for _field, text, _label in facts.columns))

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if facts.level2_code not in self.options["levels"]:
            return
        core = facts.core
        if core.endswith("率") or core.endswith("满意度"):
            return                             # a rate without %: VAL005 says it
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if _number(t) and t.value != 0 and not t.unit:
                example = "、".join(f"{show(t)}{u}" for u in unit_for_name(core))
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」的{label}「{text}」没有计量单位",
                                        f"加上名称所数的单位，例如 {example}")
                return


# a date as a period's end points are written: 2023.07, 2023年7月, 2024.1.1, 2024年1月1日
_DAY = r"(?:19|20)\d\d(?:年|[./])\d{1,2}(?:月(?:\d{1,2}日)?|[./]\d{1,2}日?)?"
# a value that is a start-to-end period and nothing else (a deadline such as 「2024年6月前完成」 is not one)
_PERIOD = re.compile(rf"^(?:自|从)?(?P<start>{_DAY})(?:起)?(?:-|—|–|~|～|至|到)(?P<end>{_DAY}|\d{{1,2}}(?:月(?:\d{{1,2}}日)?|[./]\d{{1,2}}日?)?)"
                     r"(?:止|期间|间)?$")


class TimeAsPeriod(Rule):
    """A 时效指标 whose value is a start-to-end period (服务周期 2023.07-2024.01), not a time by which
    something is done.

    为什么：时效指标写“什么时候做完”——完成时间节点（2024年6月30日前）或时限（≤30个工作日）、
    按时完成率；只抄一段服务期间，年底无从判断是否及时。年度指标值的期间止于预算年度之后的，
    还超出了本年度目标的范围。

    错误示例：
        13-时效指标；服务周期；2023.07-2024.01（2023 年预算）

    正确示例：
        13-时效指标；服务按期开展率；100%（或：降尘服务完成时间；2024年1月31日前，写在实施周期指标值）
    """

    code = "VAL027"
    title = "时效指标写的是起止期间，不是完成时限"
    default_severity = WARNING
    basis = ("G-TIME",)
    name = "values.time_as_period"
    content_only = True         # check_indicator reads only the indicator's own cells (and the filing's year)
    values_only = True

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if facts.level2_code != "13":
            return
        for field, text, label in facts.columns:
            m = _PERIOD.match(ctx.squash(text))
            if not m:
                continue
            end = m.group("end")
            last = int(end[:4]) if re.match(r"(?:19|20)\d\d", end) else int(m.group("start")[:4])
            beyond = ""
            annual = field == "annual_value" or label.endswith("年度指标值") or label == ONE_VALUE
            if ctx.year is not None and last > ctx.year and annual:
                beyond = f"，且止于 {last} 年，超出 {ctx.year} 年预算年度"
            yield self.at_value(project.name, ind, field, label,
                                f"时效指标「{ind.name}」的{label}「{text}」是一段起止期间，不是完成时间节点或时限{beyond}",
                                "写成完成时间节点（如「×年×月×日前完成」）、时限（如「≤30个工作日」）"
                                "或按时完成率；起止期间写在项目的实施期中")
            return
