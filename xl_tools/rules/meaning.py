"""What an indicator says makes sense: a percentage has something to be a percentage of, a target points
the way the indicator should go and can be reached, the unit counts what the name counts, the name holds
no template hint, and the indicator sits under the second-level category its meaning belongs to.

These are a reviewer's checks of substance: each value passes the form rules (operator, number, unit) and
still says nothing, or says the opposite of what is meant.
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Iterable, Iterator

from ..findings import WARNING, Finding
from ..model import Indicator, Project
from ..money import WAN_PER
from ..valuegrammar import quantities
from .base import Context, Facts, Rule, num, show
from .measures import KNOWN_FAMILIES, TIME_UNITS, base_unit, canonical, counted, is_duration, is_percent, per_part
from .quantify import is_cost

_NAME = attrgetter("name")


def _words(words: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")


# what makes a name a measure: a rate, a share, a degree, an index, a change
MEASURE_WORDS = ["率", "比例", "比重", "占比", "百分比", "指数", "系数", "份额", "程度", "进度", "满意度", "知晓度",
                 "覆盖面", "增长", "增幅", "增速", "下降", "降幅", "减少", "降低", "提高", "提升", "增加", "节约",
                 "节省", "完成", "达标", "合格", "普及", "覆盖", "完好", "知晓", "参与", "使用", "利用", "到位",
                 "得分", "分值", "评分", "成绩", "考核", "评价", "等级", "时间", "时长", "时限", "天数", "次数",
                 "人数", "数量", "面积", "长度", "里程", "金额", "收入", "产量", "产值", "规模", "个数", "总数",
                 "总成本", "单位成本", "标准", "单价", "费用"]
# what a slogan starts from: a goal or a duty, not a quantity
GOAL_WORDS = ["维护", "促进", "保障", "保护", "推动", "推进", "加强", "确保", "维持", "巩固", "增强", "助力", "带动",
              "加快", "实现", "满足", "发展", "稳定", "和谐", "正常运转", "持续"]


# a name that is only its category's word: 维持时效, 开放质量, 补贴数量
CATEGORY_WORDS = ("时效", "质量", "数量", "成本", "效益", "效果")
# a requirement of timing written as the name of a count (按时发放 ≥1人/年)
_TIMELY = re.compile("按时|及时|按期|准时|如期")
# a rule of budgeting written as the name of a cost (控制在预算成本内 250万): the money, not a standard
MONEY_UNITS = (*WAN_PER, "万")                 # a bare 万 of a cost (250万) is 万元 too
_WITHIN_BUDGET = re.compile("控制在.{0,6}内|不超(?:过|出)?预算|在预算.{0,4}内|不突破预算")


class PercentOfNothing(Rule):
    """A target on a name that states a goal or a duty, not a measure (维护社会稳定 ≥95%, 维持时效 ≥1年,
    按时发放 ≥1人/年).

    为什么：百分比是“某个量占另一个量的比例”。名称写的是目标或职责（维护社会稳定、促进村集体经济发展、
    保障村社区正常运转、项目维持时效），说不出 95% 是什么的 95%，年底无法计算，也就无法评价；
    这样的“指标”每条形式检查都能通过，却什么也没有衡量。同样，名称只有一个类别词（维持时效）、
    或只写了“按时发放”这样的要求，配上一个数（≥1年、≥1人/年），也说不出衡量的是什么。
    名称里有比率、比例、程度、完成、达标等可以计算的量时不报。

    依据：写成数值的目标必须说得出数的是什么；百分比必须算得出分子和分母。

    错误示例：
        22-社会效益；维护社会稳定；≥95%

    正确示例：
        12-质量指标；村组干部报酬按时足额发放率；100%（或：因报酬发放引发的信访事件数；0件）
    """

    code = "VAL022"
    title = "指标值没有可计算的对象"
    default_severity = WARNING
    basis = ("G-EVALUABLE", "G-QUANT")
    name = "meaning.percent_of_nothing"
    content_only = True
    core_only = True
    config_keys = {"goal_words": GOAL_WORDS, "measure_words": MEASURE_WORDS}
    advice = ("改为能算出分子分母的比率（如「……按时足额发放率 100%」「……达标率 ≥95%」），"
              "或改为数量、事件数等可以核对的指标")

    def setup(self) -> None:
        self.goal = _words(self.options["goal_words"])
        self.measure = _words(self.options["measure_words"])

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(ctx.parse(text).kind in ("number", "range") for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        core = facts.core
        if is_cost(facts) and _WITHIN_BUDGET.search(core):
            yield from self._within_budget(ctx, project, ind, facts)
            return
        if self.measure.search(core):
            return
        goal = self.goal.search(core)
        timely = _TIMELY.search(core)
        if not goal and not timely:
            return
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if t.kind not in ("number", "range") or self.measure.search(ctx.squash(t.extra)):
                continue                       # words, or the value names its measure (VAL012)
            if is_percent(t):
                what = f"说不出是什么的 {num(t.value if t.kind == 'number' else t.high)}%"
            elif goal and core.endswith(CATEGORY_WORDS):
                what = f"只写了类别「{core[-2:]}」，说不出 {text} 数的是什么"
            elif timely and not goal and t.unit and not is_duration(t):
                what = f"「{timely.group()}」是要求，不是可以计数的量，{text} 说不出按时的程度"
            else:
                continue
            yield self.at_indicator(project.name, ind, "name",
                                    f"「{ind.name}」写的是目标或要求，不是可以计算的量：{label}「{text}」{what}",
                                    self.advice)
            return

    def _within_budget(self, ctx: Context, project: Project, ind: Indicator, facts: Facts) -> Iterator[Finding]:
        """A cost named by the budgeting rule it obeys, with an amount: the budget again, not a standard
        (an amount that is not money is VAL017's)."""
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if t.kind in ("number", "range") and base_unit(t.unit) in MONEY_UNITS:
                yield self.at_indicator(project.name, ind, "name",
                                        f"成本指标「{ind.name}」写的是预算要求，不是成本：{label}「{text}」只是预算金额，"
                                        "说不出单位成本",
                                        "改为单位成本或补助标准（如 ≤500元/台·天、≤2000元/生），或写明“项目总成本”")
                return


# an event a project means to avoid: its indicator points down (0 or a ceiling)
BAD_WORDS = ["逾期", "事故", "投诉", "差错", "流失", "违规", "违纪", "违法", "失误", "延误", "故障", "返工", "损失",
             "超支", "浪费", "闲置", "纠纷", "上访", "不合格", "安全隐患", "伤亡", "死亡", "发病", "感染", "滞留",
             "积压", "拖欠", "错发", "漏发", "重复发放", "冒领", "挪用", "截留", "失窃", "被盗", "火灾", "污染",
             "超标", "退件", "退回", "驳回", "整改问题"]
# words that turn the event into something to raise (handling it, bringing it down)
HANDLED_WORDS = ["处理", "处置", "办结", "关闭", "修复", "排除", "维修", "回复", "答复", "解决", "整改率", "整改完成", "受理", "查处", "调处", "化解",
                 "下降", "减少", "降低", "压减", "控制", "防范", "排查", "消除", "挽回", "追回", "核查", "回访",
                 "预防", "避免", "杜绝", "零"]
DIRECTION_DOWN = {"反向", "反向指标", "逆向", "逆向指标", "越小越好"}
DIRECTION_UP = {"正向", "正向指标", "越大越好"}
_GROWTH = re.compile("增长|增幅|增速|提高|提升|增加|超额")


class TargetPointsWrongWay(Rule):
    """A target that cannot be reached or points the wrong way: a rate of ≥100%, or a bad event
    (逾期, 事故, 投诉, 差错, 流失 …) aimed upwards.

    为什么：比率最多是 100%，“≥100%”“>100%”的目标要么达不到，要么就是 100%，应写成 100%。
    逾期、事故、投诉、差错、流失这类不希望发生的事件是反向指标，目标应是 0 或一个上限
    （≤2次、≤1%），写成“逾期发放率 ≥100%”等于要求全部逾期。表中有“指标方向”（正向/反向）一列时，
    按该列判断：反向指标的目标用“≤”或“<”，正向指标用“≥”或“>”。名称写明处理、下降、减少的
    （投诉处理率、事故下降率）是正向的，不报。

    依据：反向指标以上限控制；比率不超过 100%。

    错误示例：
        13-时效指标；补助资金逾期发放率；≥100%

    正确示例：
        13-时效指标；补助资金逾期发放率；0%（或：补助资金按时发放率；100%）
    """

    code = "VAL023"
    title = "目标达不到或方向相反"
    default_severity = WARNING
    basis = ("G-DIRECTION", "G-QUANT")
    name = "meaning.target_points_wrong_way"
    config_keys = {"bad_words": BAD_WORDS, "handled_words": HANDLED_WORDS}
    # what it finds depends on the 方向 as written, the name core and the categories and values: core_only
    # where no indicator of the filing has a 方向 written (most tables: the engine then runs it once per
    # categories, values and core), on every indicator where one has
    content_only = True
    core_only = True
    reads_beyond = ("direction",)

    def setup(self) -> None:
        self.bad = _words(self.options["bad_words"])
        self.handled = _words(self.options["handled_words"])
        self._ways: dict[tuple[str, str], tuple[str, str]] = {}    # per 方向 as written and name core
        self._silent: set[tuple] = set()          # 方向, name core, categories and values: nothing found

    def direction(self, ctx: Context, ind: Indicator, core: str) -> tuple[str, str]:
        """("down"|"up"|"", why): from the table's 方向 column where it has one, else from the name."""
        key = (getattr(ind, "direction", "") or "", core)
        hit = self._ways.get(key)
        if hit is None:
            hit = self._ways[key] = self._direction(ctx, *key)
        return hit

    def _direction(self, ctx: Context, written: str, core: str) -> tuple[str, str]:
        stated = ctx.squash(written)
        if stated in DIRECTION_DOWN:
            return "down", f"表中写明是{stated.removesuffix('指标')}指标"
        if stated in DIRECTION_UP:
            return "up", f"表中写明是{stated.removesuffix('指标')}指标"
        m = self.bad.search(core)
        if m and not self.handled.search(core):
            return "down", f"「{m.group()}」是不希望发生的事件"
        return "", ""

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_number(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterable[Finding]:
        # run on nearly every indicator where a 方向 is written: whether it finds depends on the 方向 as
        # written, the name core and the categories and values, so what finds nothing is remembered
        # (the values by their key's identity: one per categories and values in a check, and kept alive by
        # it; a tuple's hash is worked out again each time it is asked for)
        key = (ind.direction or "", facts.core, id(facts.values_key))
        if key in self._silent:
            return ()
        found = list(self._check(ctx, project, ind, facts))
        if not found:
            self._silent.add(key)
        return found

    def _check(self, ctx: Context, project: Project, ind: Indicator, facts: Facts) -> Iterator[Finding]:
        core = facts.core
        way, why = self.direction(ctx, ind, core)
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if t.kind != "number" or t.value is None:
                continue
            if way == "down" and (t.op in (">=", ">") and (t.value > 0 or t.op == ">")
                                  or t.op == "=" and t.unit == "%" and t.value >= 100):
                ceiling = "0%" if t.unit == "%" else f"0{t.unit}"
                yield self.at_value(project.name, ind, field, label,
                                    f"「{ind.name}」的{label}「{text}」要求越多越好，但{why}，目标应是 0 或一个上限",
                                    f"写成 {ceiling} 或 ≤上限（如 ≤{num(t.value)}{t.unit}）；或改为正向的指标"
                                    "（如 按时发放率 100%）")
                return
            if way == "up" and t.op in ("<=", "<") and not is_cost(facts):
                yield self.at_value(project.name, ind, field, label,
                                    f"「{ind.name}」的{label}「{text}」是上限，但{why}，目标应是下限",
                                    f"写成 ≥{num(t.value)}{t.unit}，或把指标方向改为反向")
                return
            if (t.unit == "%" and t.value == 100 and t.op in (">=", ">") and way != "down"
                    and not _GROWTH.search(core)):
                yield self.at_value(project.name, ind, field, label,
                                    f"「{ind.name}」的{label}「{text}」达不到：比率最多是 100%",
                                    "写成 100%（或 ≥95% 等留有余地的下限）")
                return


class UnitNotWhatNameCounts(Rule):
    """The value's unit does not count what the name counts (村组干部 in 个, 人口数 in 户, 户数 in 人次).

    为什么：计量单位要与指标名称衡量的东西一致。名称数的是人（干部、学生、人口），单位却是“个”
    “户”；名称数的是户，单位却是“人次”；面积用“米”、里程用“平方米”——年底统计时分不清
    数的是什么，人和户之间也不能换算。名称最后说的是什么（人数、户数、面积、里程、天数、次数、
    干部、学生……），单位就用什么。

    依据：定量指标由“运算符 + 数字 + 计量单位”组成，计量单位是名称所数的东西的单位。

    错误示例：
        11-数量指标；村组干部人数；≥230个

    正确示例：
        11-数量指标；村组干部人数；230人
    """

    code = "VAL024"
    title = "计量单位与指标名称所数的不符"
    default_severity = WARNING
    basis = ("G-QUANT", "G-EVALUABLE")
    name = "meaning.unit_not_what_name_counts"
    content_only = True
    core_only = True

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return any(_counted_unit(ctx.parse(text)) for _field, text, _label in facts.columns)

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        said = counted(facts.core)
        if said is None:
            return
        units, what, unit = said
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if not _counted_unit(t):
                continue
            written = canonical(base_unit(t.unit))
            if written in units or t.unit in units:
                continue
            value = show(t) if t.kind == "number" else f"{num(t.low)}-{num(t.high)}{t.unit}"
            fixed = value[: len(value) - len(t.unit)] + unit
            yield self.at_value(project.name, ind, field, label,
                                f"「{ind.name}」数的是{what}，{label}「{text}」却以「{t.unit}」计",
                                f"单位改为「{unit}」（{fixed}）；数的确实是{t.unit}的，改写名称")
            return


def _number(t) -> bool:
    return t.kind == "number" and t.value is not None


def _counted_unit(t) -> bool:
    """A number or range in a unit that counts something known, not per something (VAL024's)."""
    return (t.kind in ("number", "range") and bool(t.unit) and not per_part(t.unit)
            and canonical(base_unit(t.unit)) in KNOWN_FAMILIES)


_HINT = re.compile(r"[(（]\s*[≥≤><=]*\s*(?:\*+|[xX×]{2,}|…+)[^()（）]{0,6}[)）]|[≥≤><]?=?\*{2,}[^\s()（）,，、；;]{0,4}"
                   r"|^\s*\*|[xX×]{3,}|[(（](?:目标|指标值|单位|必填|选填)[)）]")
# what every match of _HINT holds (*, x, ×, … or a bracketed word): a name without any is passed over by
# one scan for these characters, where _HINT's alternatives are tried at every character
_HINT_MARKS = ("*", "x", "X", "×", "…", "目标", "指标值", "单位", "必填", "选填")
_HINT_MARK = re.compile("|".join(map(re.escape, _HINT_MARKS)))
# the first characters of _HINT_MARK's alternatives: one set, which a scan tests far faster than the
# alternatives (a tenth of names have one, hardly any a mark)
_HINT_FIRST = re.compile("[*xX×…目指单必选]")


class TemplateHintInName(Rule):
    """A template's hint left in the indicator name (「(≥**株)」, 「(≥**%)」, a leading *).

    为什么：共性指标库和申报模板在名称后用“(≥**个)”“(≥**%)”提示填报人该写什么，用“*”标出核心指标；
    这些提示要换成自己的数值填在指标值里，不应留在公开的指标名称中。

    依据：模板中的提示是给填报人的，公开表只写本单位自己的内容。

    错误示例：
        11-数量指标；贫困地区旅游景点开发数量( ≥**个 )；≥4个

    正确示例：
        11-数量指标；贫困地区旅游景点开发数量；≥4个
    """

    code = "VAL025"
    title = "指标名称中留有模板提示"
    default_severity = WARNING
    basis = ("G-TEMPLATE",)
    name = "meaning.template_hint_in_name"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        # the names of a project's indicators looked at in one text first (a mark in none of them: the
        # usual case, and no call per indicator); then each name that may hold a hint
        names = "\n".join(map(_NAME, project.indicators))
        if not (_HINT_FIRST.search(names) and any(map(names.__contains__, _HINT_MARKS))):
            return ()
        return [f for ind in project.indicators for f in self._hint(project, ind)]

    def _hint(self, project: Project, ind: Indicator) -> Iterable[Finding]:
        name = ind.name or ""
        m = _HINT.search(name) if _HINT_FIRST.search(name) and _HINT_MARK.search(name) else None
        if m is None:
            return ()
        clean = _HINT.sub("", name).strip()
        return (self.at_indicator(project.name, ind, "name",
                                  f"指标名称「{ind.name}」中留有模板提示「{m.group().strip()}」",
                                  f"删去提示，名称写成「{clean}」；数值只写在指标值中"),)


# a rate of quality (how well, not how many) and a specification of what is bought
QUALITY_RATES = ["成活率", "合格率", "达标率", "优良率", "完好率", "通过率", "准确率", "正确率", "优秀率", "及格率",
                 "验收率", "良好率", "存活率", "出栏率", "发芽率", "保存率", "正常率"]
SPECIFICATIONS = ["射程", "功率", "容量", "排量", "高度", "宽度", "厚度", "直径", "精度", "分辨率", "速度", "载重",
                  "续航", "亮度", "像素", "带宽", "扬程", "流量", "吨位", "强度", "等级标准", "配置标准", "规格"]


class MeaningNotCategory(Rule):
    """An indicator whose meaning belongs to another second-level category: a quality rate (成活率,
    合格率) or a specification (射程, 功率) under 数量指标.

    为什么：数量指标数的是“做了多少”（台、人、亩、次）。成活率、合格率说的是做得好不好，是质量；
    射程、功率、容量是所购设备的性能规格，也是质量。归在数量指标下，按类别汇总时数量没有数，
    质量又少了一条。

    依据：指标归入对应类别：质量指标反映产出的标准和水平。

    错误示例：
        11-数量指标；苗木成活率；≥90%

    正确示例：
        12-质量指标；苗木成活率；≥90%
    """

    code = "STR016"
    title = "指标内容与所属二级指标不符"
    default_severity = WARNING
    basis = ("G-CATEGORIES",)
    name = "meaning.not_its_category"
    content_only = True
    core_only = True
    config_keys = {"quality_rates": QUALITY_RATES, "specifications": SPECIFICATIONS}

    def setup(self) -> None:
        self.rates = _words(self.options["quality_rates"])
        self.specs = _words(self.options["specifications"])

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return facts.level2_code == "11"

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if facts.level2_code != "11":
            return
        core = facts.core
        m = self.rates.search(core)
        what = f"「{m.group()}」说的是做得好不好" if m else ""
        if not m:
            m = self.specs.search(core)
            what = f"「{m.group()}」是所购设备或工程的性能规格" if m else ""
        if not m:
            return
        quality = ctx.table.get("12")
        target = quality.label if quality else "质量指标"
        yield self.at_indicator(project.name, ind, "level2",
                                f"「{ind.name}」归在「{ind.level2_label}」下，但{what}，属于质量，不是数量",
                                f"二级指标改为「{target}」；数量指标写做了多少（台、亩、人、次）")


class SeveralNumbersInOneValue(Rule):
    """One value states several quantities in a sentence (第一年返本20%，分红按8%; 2400平米场馆补贴5万元).

    为什么：一条指标只衡量一件事：“运算符 + 数字 + 计量单位”。一个指标值里写了两个数（返本比例和分红
    比例、场馆面积和补贴金额），年底对照哪一个、达到没有都说不清，公开表上也像一句说明。
    每个数各写一条指标；金额是投入，写进成本指标。时间段、日期里的年月不算。

    依据：一条指标衡量一件事，指标值只写运算符、数字和单位。

    错误示例：
        12-质量指标；返本分红比例；第一年按总投资额返本20%，分红按8%分红

    正确示例：
        12-质量指标；第一年返本比例；20%；另加 21-经济效益；分红比例；≥8%
    """

    code = "VAL026"
    title = "一个指标值写了几个数"
    default_severity = WARNING
    basis = ("G-QUANT", "G-EVALUABLE")
    name = "meaning.several_numbers_in_one_value"
    content_only = True
    values_only = True

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        for field, text, label in facts.columns:
            s = ctx.squash(text)
            if ctx.parse(text).kind != "text" or len(s) < 6:
                continue
            said = [q for q in quantities(s) if q.unit and canonical(base_unit(q.unit)) not in TIME_UNITS
                    and not (q.unit == "年" and 1900 <= q.value <= 2100)]
            if len({(q.value, q.unit) for q in said}) < 2:
                continue
            shown = "、".join(dict.fromkeys(f"{num(q.value)}{q.unit}" for q in said))
            yield self.at_value(project.name, ind, field, label,
                                f"「{ind.name}」的{label}「{text}」写了几个数（{shown}）：一条指标只衡量一件事",
                                "每个数各写一条指标（运算符 + 数字 + 单位）；金额是投入，写进成本指标")
            return
