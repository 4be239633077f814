"""VAL016–VAL020: each second-level category states its target in its own measurable form.

数量/质量 a number (VAL003), 时效 a time node or a duration, 成本 an amount or a ratio, 效益 a number or
an explicit graded scale, 满意度 a percentage; and a one-year project writes one target one way.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..findings import INFO, WARNING, Finding
from ..model import Indicator, Project
from ..valuegrammar import Placeholders
from .base import Context, Facts, Rule, num
from .measures import base_unit, has_digit, is_duration, is_grade, is_money, is_percent
from .values import ValuePlaceholder, _same, is_satisfaction

COST_LEVEL2 = frozenset({"14", "41", "42", "43"})
# 社会成本, 生态环境成本: a negative effect on society or the environment, which need not be money
IMPACT_COSTS = ("社会成本", "生态环境成本", "生态成本", "环境成本")
_IMPACT_WORDS = ("无", "没有", "不产生", "达标", "符合标准", "无影响", "无负面影响")


def _impact(facts: Facts) -> bool:
    """A 社会成本 or 生态环境成本: a negative effect, which need not be money."""
    level2 = facts.level2.category.name if facts.level2.category else ""
    return level2.endswith(IMPACT_COSTS)


# a cost ratio that says how much is saved or what share it is, not "the money was spent" (控制率, 使用效率)
_COST_RATIO = re.compile("节约|节省|节支|降低|下降|减少|压减|占比|比例|比重|超支|溢价|偏差|差异|增幅|增长")
# 2023.07-2024.01, 202001-202012: a period written with years, not a bare count
_PERIOD = re.compile(r"(?:19|20)\d{2}(?:[.\-/年]?\d{1,2})?")


def is_cost(facts: Facts) -> bool:
    return facts.level2_code in COST_LEVEL2 or facts.level1_code == "4"


class _ValueForm(Rule):
    """Shared loop: the first value cell of a matching indicator whose value is not in the form."""

    content_only = True
    config_keys = {"placeholders": ValuePlaceholder.config_keys["placeholders"]}

    def setup(self) -> None:
        self.matcher = Placeholders(self.options["placeholders"])

    def applies(self, facts: Facts) -> bool:
        raise NotImplementedError

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return self.applies(facts)

    def wrong(self, ctx: Context, ind: Indicator, text: str) -> str | None:
        """Why ``text`` is not in the category's form, or None when it is."""
        raise NotImplementedError

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if not self.applies(facts):
            return
        for field, text, label in facts.columns:
            s = ctx.squash(text)
            if not s or self.matcher(s):               # blank / placeholder: VAL001 / VAL002
                continue
            why = self.wrong(ctx, ind, text)
            if why:
                yield self.at_value(project.name, ind, field, label,
                                        f"{facts.level2.category.label if facts.level2.category else ind.level2_label}"
                                        f"「{ind.name}」的{label}「{text}」{why}", self.advice_on(ctx, facts))
                return

    advice = ""

    def advice_for(self, ctx: Context) -> str:
        """The suggestion for this filing (an example date names its budget year)."""
        return self.advice

    def advice_on(self, ctx: Context, facts: Facts) -> str:
        """The suggestion for this indicator (by default the filing's)."""
        return self.advice_for(ctx)


class TimelinessNotQuantified(_ValueForm):
    """A 时效 value without a time node or a time limit (及时, 按时, 按期完成).

    为什么：时效指标说明“什么时候完成”或“多长时间内完成”，应写明时间节点（2024年6月30日前）、
    时限（≤2个工作日）或及时率（≥95%）。“及时”“按时”“按计划”无法衡量；只有一个数（服务周期 180）
    也不行：180 天、180 个工作日还是 180 小时，读者无从知道。

    错误示例：
        13-时效指标；设备采购完成时间；按时完成

    正确示例：
        13-时效指标；设备采购完成时间；2024年9月30日前
    """

    code = "VAL016"
    title = "时效指标没有时间节点或时限"
    default_severity = WARNING
    basis = ("G-QUANT", "G-TIME",)
    name = "values.timeliness_not_quantified"
    values_only = True
    def advice_for(self, ctx: Context) -> str:
        node = f"{ctx.year}年6月30日前" if ctx.year else "6月30日前"
        return f"写明时间节点（如 {node}）、时限（如 ≤2个工作日）或及时率（如 ≥95%）"

    def applies(self, facts: Facts) -> bool:
        return facts.level2_code == "13"

    def wrong(self, ctx: Context, ind: Indicator, text: str) -> str | None:
        t = ctx.parse(text)
        if t.kind == "number" and t.value is not None and not t.unit and not _PERIOD.search(ctx.squash(text)):
            return f"只有数字 {num(t.value)}，没有时间单位"
        if _whole_year(t, ctx.squash(text)):
            return "是整个年度，不是完成的时间节点或时限"
        if t.kind == "date" or is_duration(t) or is_percent(t) or has_digit(ctx.squash(text)):
            return None
        return "没有时间节点或时限"


def _whole_year(t, squashed: str) -> bool:
    """「2021年全年」: a calendar year (not 2021 years) and 全年 — when the work runs, not when it is done."""
    return (t.kind == "number" and t.unit == "年" and t.value is not None and 1990 <= t.value <= 2100
            and "全年" in squashed)


class CostNotAmount(_ValueForm):
    """A 成本 value that is not an amount or a ratio (不超预算, 合理, 控制在预算内).

    为什么：成本指标是对“相应的成本控制要求”的描述，应写明金额（≤50万元、≤2000元/生）或
    说明节约、占比的比率（成本节约率 ≥5%）。“不超预算”“控制在预算内”“合理”没有可以核对的数；
    “成本控制率 100%”“资金使用效率 100%”只说钱花了，说不出花多少钱办成什么。社会成本、
    生态环境成本是项目可能带来的负面影响，不必是金额，但要说明影响及其程度（施工影响周边出行
    ≤30天、扬尘排放 达标），“长远”“提升”说不出任何影响。

    错误示例：
        14-成本指标；设备购置成本；控制在预算范围内

    正确示例：
        14-成本指标；单台设备购置成本；≤5万元/台
    """

    code = "VAL017"
    title = "成本指标不是金额或比率"
    default_severity = WARNING
    basis = ("G-COST-VALUE", "G-QUANT", "G-COST-NEGATIVE")
    name = "values.cost_not_amount"
    advice = "写明金额（如 ≤50万元、≤2000元/生），或节约、占比的比率（如 成本节约率 ≥5%）"
    core_only = True

    def advice_on(self, ctx: Context, facts: Facts) -> str:
        if _impact(facts):
            return "写明可能的负面影响及其程度（如 施工影响周边出行 ≤30天、扬尘排放 达标），不必是金额"
        return self.advice

    def applies(self, facts: Facts) -> bool:
        return is_cost(facts)

    def wrong(self, ctx: Context, ind: Indicator, text: str) -> str | None:
        t = ctx.parse(text)
        if _impact(ctx.facts(ind)):               # a negative effect: any measure or grade will do
            s = ctx.squash(text)
            return None if t.kind != "text" or has_digit(s) or is_grade(s) or s in _IMPACT_WORDS else \
                "没有说明负面影响及其程度"
        if is_money(t) or base_unit(t.unit) in ("万", "亿"):   # 250万: a cost's 万 is 万元
            return None
        if is_percent(t):
            return None if _COST_RATIO.search(ctx.core(ind.name)) else "是比率，但说不出花多少钱、节约多少"
        if t.kind in ("number", "range") and t.value == 0:
            return None
        return "不是金额或比率"


class OutcomeNotQuantified(_ValueForm):
    """An 效益 value that is neither a number nor a grade on an explicit scale (明显提升, 有效改善).

    为什么：效益指标要能在年底判断是否达到。能量化的写数值（事故数 0次、就业率 ≥95%）；
    确实无法量化的，写成分级分档的定性目标（优/良/中/差 中的“良好及以上”）。“明显提升”
    “有效改善”“进一步提高”无法判断是否实现。

    错误示例：
        22-社会效益；校园安全水平；明显提升

    正确示例：
        22-社会效益；校园安全事故发生数；0次（或：校园安全等级评定；良好及以上）
    """

    code = "VAL018"
    title = "效益指标既无数值也无分级"
    default_severity = WARNING
    basis = ("G-QUANT",)
    name = "values.outcome_not_quantified"
    values_only = True
    config_keys = {**_ValueForm.config_keys, "accept": ["是", "否", "达标", "通过"]}
    advice = "写成数值（运算符 + 数字 + 单位），或写成分级分档的定性目标（如 良好及以上）"

    def applies(self, facts: Facts) -> bool:
        return facts.level1_code == "2"

    def wrong(self, ctx: Context, ind: Indicator, text: str) -> str | None:
        s = ctx.squash(text)
        if ctx.parse(text).kind != "text" or has_digit(s) or is_grade(s) or s in self.options["accept"]:
            return None
        return "既没有数值，也不是分级分档的定性目标"


class SatisfactionNotPercent(_ValueForm):
    """A 满意度 value that is not a percentage (满意, 较满意, 90分).

    为什么：满意度通过问卷等方式测得，目标写成百分比（≥90%）才能与调查结果比较。“满意”
    “较满意”无法核对。名称以“率”“满意度”结尾、只少了 % 的数值见 VAL005。

    错误示例：
        31-服务对象满意度；学生满意度；满意

    正确示例：
        31-服务对象满意度；学生满意度；≥90%
    """

    code = "VAL019"
    title = "满意度指标不是百分比"
    default_severity = WARNING
    basis = ("G-SATISFACTION",)
    name = "values.satisfaction_not_percent"
    advice = "写成百分比，例如 ≥90%"
    core_only = True

    def applies(self, facts: Facts) -> bool:
        return is_satisfaction(facts)

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return self.applies(facts) and not all(is_percent(ctx.parse(text)) for _field, text, _label in facts.columns)

    def wrong(self, ctx: Context, ind: Indicator, text: str) -> str | None:
        t = ctx.parse(text)
        if is_percent(t):
            return None
        if t.kind in ("number", "range"):
            core = ctx.core(ind.name)
            if t.value == 0 or core.endswith("率") or core.endswith("满意度"):
                return None                    # 0, or VAL005 says it (a rate without %)
        return "不是百分比"


class OneYearWordingDiffers(Rule):
    """A one-year project writes the same target two ways in its two value columns (≥95% / 95%以上).

    为什么：一年期项目的实施周期就是预算年度，两列是同一个目标。意思相同而写法不同（“≥95%”
    与“95%以上”，“培训不少于10名选手”与“≥10名”），公开表上看起来像两个目标；应统一为一种写法。
    意思不同的见 VAL008。

    依据：写法统一属本工具的填报约定，默认为提示。

    错误示例：
        实施周期指标值：≥95%；年度指标值：95%以上

    正确示例：
        实施周期指标值：≥95%；年度指标值：≥95%
    """

    code = "VAL020"
    title = "一年期项目两列指标值写法不同"
    default_severity = INFO
    basis = ("G-ONEYEAR", "H-STYLE")
    name = "values.one_year_wording"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return _worded_twice(ctx, facts)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if ctx.span(project) is not None or not _worded_twice(ctx, facts):
            return
        p, a = ind.period_value or "", ind.annual_value or ""
        yield self.at_indicator(project.name, ind, "annual_value",
                                f"一年期项目中「{ind.name}」的两列指标值是同一目标，写法不同："
                                f"实施周期「{p}」，年度「{a}」", f"统一写成「{p}」")


def _worded_twice(ctx: Context, facts: Facts) -> bool:
    """The two value columns differ as written and say the same (VAL020's)."""
    p, a = facts.period, facts.annual
    return (len(facts.columns) == 2 and bool(ctx.squash(p)) and bool(ctx.squash(a))
            and _same(ctx.parse(p), ctx.parse(a)))
