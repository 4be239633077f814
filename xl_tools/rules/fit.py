"""What each indicator measures fits its category: inputs are not results, 效益 are not the outputs
again, satisfaction sits under 满意度, and a project that spends on things has a 成本指标."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from typing import Iterable, Iterator

from ..findings import WARNING, Finding
from ..model import Indicator, Project
from .base import Context, Facts, Rule, num, show
from .drafts import cost_draft
from .measures import EFFORT_UNITS, PEOPLE_UNITS, base_unit, canonical, is_count, is_money, to_wan
from .promises import standards
from .quantify import is_cost


def _words(words: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")


class InputSpent(Rule):
    """Money spent or staff and hours put in, used as a performance indicator (any category).

    为什么：绩效指标衡量花钱之后得到的产出和效果，而不是投入本身。“资金投入金额 30万元”
    “投入工作人员 10人”“投入工时 500小时”说的是花了多少钱、用了多少人，做成了什么仍不清楚。
    金额类的成本控制目标应归入成本指标；节约的资金、带动的投资等效益不报。比率类
    （资金到位率、预算执行率）见 VAL013。

    错误示例：
        1-产出指标；11-数量指标；项目资金支出金额；≥30万元

    正确示例：
        1-产出指标；11-数量指标；资助学生人数；≥150人（成本另设：14-成本指标；生均资助标准；2000元/生）
    """

    code = "VAL021"
    title = "以投入的资金或人力作为绩效指标"
    default_severity = WARNING
    basis = ("G-INPUT",)
    content_only = True
    core_only = True
    name = "values.input_spent"
    config_keys = {
        "benefit_words": ["节约", "节省", "节支", "节资", "收益", "收入", "增收", "分红", "产值", "税收", "拉动", "带动",
                          "吸引", "撬动", "融资", "挽回", "减少损失", "经济效益", "降低",
                          "返本", "补偿", "赔偿"],
        "effort_words": ["投入", "配备", "派出", "动用"],
    }

    def setup(self) -> None:
        self.benefit = _words(self.options["benefit_words"])
        self.effort = re.compile("(?:" + _words(self.options["effort_words"]).pattern + ")(?!使用|运行|运营|生产)")

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        if is_cost(facts):
            return False
        for _field, text, _label in facts.columns:
            t = ctx.parse(text)
            if (is_money(t) and t.value) or _effort(t):
                return True
        return False

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if is_cost(facts):
            return
        core = facts.core
        for field, text, label in facts.columns:
            t = ctx.parse(text)
            if is_money(t) and t.value and not self.benefit.search(core + ctx.squash(t.extra)):
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」的{label}「{text}」是金额（{num(to_wan(t.value, t.unit))} 万元"
                                        f"{'' if '/' not in t.unit else '，' + t.unit}）：投入的资金不是产出或效益",
                                        "改为花钱之后完成的数量、质量或效果；金额类的成本控制目标归入 14-成本指标")
                return
            if _effort(t) and self.effort.search(core):
                yield self.at_value(project.name, ind, field, label,
                                        f"「{ind.name}」（{text}）衡量的是投入的人力，不是产出或效益",
                                        "改为这些人力完成的工作量、质量或服务效果")
                return


_EFFORT = EFFORT_UNITS | PEOPLE_UNITS


def _effort(t) -> bool:
    """A number of staff or hours (VAL021 then asks whether the name says they were put in)."""
    return t.kind == "number" and bool(t.value) and base_unit(t.unit) in _EFFORT


_SURVEY = re.compile("调查|测评|问卷")


def satisfaction_misfiled(ctx: Context, facts: Facts) -> bool:
    """A satisfaction measure (…满意度 as a percentage, not the count of a survey) filed outside
    3-满意度指标 (STR013; STR005 then stays silent: the project has one, misfiled)."""
    if facts.level1_code in (None, "3") or facts.level2_code == "31" or "满意" not in facts.core:
        return False                    # 31: where the framework files 满意度 (湘鄂申报表: under 效益)
    return not (_SURVEY.search(facts.core)
                and not any(ctx.parse(t).unit == "%" for _, t, _ in facts.columns))


class SatisfactionOutsideCategory(Rule):
    """A satisfaction indicator (…满意度, …满意率) filed outside 3-满意度指标.

    为什么：满意度是单独的一级指标（3-满意度指标）。放在产出或效益下，按类别汇总时满意度
    会被算作产出或效益；即使项目另有满意度指标，这一条也应移到 3-满意度指标 下。
    满意度调查的次数、覆盖面等（不是百分比的满意度）不报。

    错误示例：
        2-效益指标；22-社会效益；家长满意度；≥90%

    正确示例：
        3-满意度指标；31-服务对象满意度；家长满意度；≥90%
    """

    code = "STR013"
    title = "满意度指标未归入满意度指标"
    default_severity = WARNING
    basis = ("G-SATISFACTION", "G-CATEGORIES",)
    content_only = True
    core_only = True
    name = "structure.satisfaction_outside_category"

    def may_find(self, ctx: Context, facts: Facts) -> bool:
        return facts.level1_code not in (None, "3")

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        if not satisfaction_misfiled(ctx, facts):
            return
        l1, l2 = satisfaction_place(ctx)
        if facts.level1_code == l1[0]:          # 湘鄂申报表: 满意度 is a row of 效益, not 社会效益
            where, advice = f"{ind.level1_label}；{ind.level2_label}", f"二级指标改为「{l2}」"
        else:
            where, advice = ind.level1_label, f"一级指标改为「{l1[1]}」，二级指标「{l2}」"
        yield self.at_indicator(project.name, ind, "level1", f"满意度指标「{ind.name}」归在「{where}」下", advice)


def satisfaction_place(ctx: Context) -> tuple[tuple[str, str], str]:
    """((一级's role, label), 二级's label): where the profile's framework files satisfaction, its first
    category taken for 服务对象满意度 (3-满意度指标；31-服务对象满意度; 湘鄂申报表: 2-效益指标；
    25-社会公众或服务对象满意度, the row its form prints inside 效益, beside which the filing's other
    satisfaction indicators stand: advice to 3-满意度指标 split them over two categories)."""
    l2 = next((c for c in ctx.table.level2 if c.role == "31"), None)
    l1 = next((c for c in ctx.table.level1 if l2 is not None and c.code == l2.parent), None)
    if l1 is None:
        return ("3", "3-满意度指标"), "31-服务对象满意度"
    return (l1.role, l1.label), l2.label


_EFFECT_DEFAULT = ["就业", "受益", "惠及", "带动", "增收", "收入", "节约", "节省", "减少", "降低", "提高", "提升", "改善",
                   "增长", "覆盖", "事故", "投诉", "案件", "发生", "使用率", "利用率", "运行", "获奖", "通过率"]


class OutcomeRestatesOutput(Rule):
    """An 效益 indicator that restates an output: the same measure or count as an 产出 indicator, or an
    output verb (完成, 新增, 采购, 培训 ...) with a count.

    为什么：效益是产出所带来的效果（学生技能水平、就业率、事故减少），不是产出本身再写一遍。
    “培训学生人数 ≥10名”放在经济效益下、与产出指标同一计数的“新增设备 5台”写进效益，
    效益等于没有设置。

    错误示例：
        2-效益指标；21-经济效益；培训学生人数；培训不少于10名选手

    正确示例：
        2-效益指标；22-社会效益；参训选手技能等级证书获取率；≥90%
    """

    code = "STR014"
    title = "效益指标重复产出"
    default_severity = WARNING
    basis = ("G-OUTCOME",)
    name = "structure.outcome_restates_output"
    config_keys = {"output_verbs": ["完成", "新增", "采购", "购置", "购买", "培训", "培养", "建设", "建成", "举办",
                                    "开展", "发放", "安装", "维修", "印制", "制作", "召开", "组织"],
                   "effect_words": _EFFECT_DEFAULT}

    def setup(self) -> None:
        self.verbs = re.compile("^(?:" + _words(self.options["output_verbs"]).pattern + ")")
        self.effect = _words(self.options["effect_words"])

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        outcomes, names = [], {}
        for ind, facts in zip(project.indicators, ctx.project_facts(project)):
            if facts.level1_code == "2":
                outcomes.append((ind, facts.core, ctx.parse(ind.annual_value)))
            elif facts.level1_code == "1":
                names.setdefault(facts.core, ind)
        return self._restated(ctx, project, outcomes, names) if outcomes else ()

    def _restated(self, ctx: Context, project: Project, outcomes: list, names: dict) -> Iterator[Finding]:
        counts = None
        for ind, core, t in outcomes:
            same = names.get(core) if len(core) >= 2 else None
            counted = is_count(t)
            if same is None and counted:
                if counts is None:                 # the outputs' counts, only when an outcome counts
                    counts = {}
                    for out in names.values():
                        o = ctx.parse(out.annual_value)
                        if is_count(o):
                            counts.setdefault((o.value, canonical(o.unit)), out)
                same = counts.get((t.value, canonical(t.unit)))
            if same is not None:
                yield self.at_indicator(project.name, ind, "name",
                                        f"效益指标「{ind.name}」（{ind.annual_value}）与第 {same.no} 个产出指标"
                                        f"「{same.name}」（{same.annual_value}）是同一计量",
                                        "改为这些产出带来的效果（如使用率、受益面、事故减少），或删除重复的一条")
                continue
            said = ctx.squash(t.extra).lstrip("…") if t.kind == "number" else ""
            if (counted and (self.verbs.search(core) or self.verbs.search(said))
                    and not self.effect.search(core)):
                yield self.at_indicator(project.name, ind, "name",
                                        f"效益指标「{ind.name}」（{ind.annual_value}）是产出的数量（{show(t)}），"
                                        "不是效果", "移到 1-产出指标 下，效益改写为这些产出带来的效果")


# what the money buys, as a drafted cost name says it (购置 → 购置 成本; 助学金 → 资助)
_PAID = {"采购": "购置", "购买": "购置", "助学金": "资助", "奖学金": "奖励", "免学费": "免学费补助", "维护": "维修",
         "运维": "运维", "修缮": "维修", "装修": "维修", "工程": "建设", "改造": "建设", "补贴": "补助", "资助": "资助",
         "薪酬": "报酬", "工资": "报酬", "津贴": "补助"}


class CostMissing(Rule):
    """A project without a 成本指标 whose money buys something that has a price: it builds, repairs, buys,
    subsidises or pays people, or its amount is large (min_amount).

    为什么：成本指标说明“花多少钱办成这件事”（总成本、单位成本、补助标准），是控制成本、
    判断钱与事是否相称的依据。工程基建、大型修缮和购置项目应当设置成本指标，并逐步推广到其他
    具备条件的项目：补助、报酬、研发这类钱有明确的标准（人均、户均、每亩），金额较大的项目
    （超过 min_amount 万元，按地区配置）也应说明钱花在哪里、花多少。判断依据是钱的用途
    （项目名称和绩效目标写的内容）和金额，不只是名称里的某个词。

    依据：金额门槛是地区配置（广东 100 万元，min_amount）。

    错误示例：
        项目「村组干部报酬」330.98 万元，只有数量、质量、效益和满意度指标

    正确示例：
        另加 成本指标；村组干部人均报酬标准；≤14,390.61元/人·年
    """

    code = "STR015"
    title = "缺少成本指标"
    default_severity = WARNING
    basis = ("G-COST", "G-COST-SCOPE")
    name = "structure.cost_missing"
    config_keys = {"name_words": ["购置", "采购", "购买", "建设", "改造", "维修", "维护", "运维", "修缮", "装修",
                                  "工程", "补助", "补贴", "资助", "助学金", "奖学金", "免学费", "物业", "报酬", "工资",
                                  "薪酬", "津贴", "劳务", "研发", "租赁", "印刷"],
                   "target_words": ["采购", "购置", "购买", "补助", "补贴", "资助", "报酬", "工资", "薪酬", "研发",
                                    "租赁"],
                   "min_amount": Decimal(100)}

    def setup(self) -> None:
        self.in_name = _words(self.options["name_words"])
        self.in_target = _words(self.options["target_words"])
        self._target: dict[str, re.Match | None] = {}      # per distinct target text, for one check
        self._standards: dict[str, list] = {}

    def why(self, ctx: Context, project: Project) -> tuple[str, str]:
        """What makes a cost standard expected, in words, and what the money buys ("", "" when nothing)."""
        m = self.in_name.search(project.name)
        if m is not None:
            return f"项目涉及「{m.group()}」", m.group()
        text = ctx.squash(project.target)
        m = self._target.get(text, False)
        if m is False:
            m = self._target[text] = self.in_target.search(text)
        if m is not None:
            return f"绩效目标写明钱用于「{m.group()}」", m.group()
        if ctx.to_wan(project.total) > self.options["min_amount"]:
            return f"项目金额 {ctx.money(project.total)}（超过 {num(self.options['min_amount'])} 万元）", ""
        return "", ""

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if not project.indicators:
            return ()                      # (run on every project: a tuple, not a generator)
        level1, level2 = ctx.level_codes(project)
        if "4" in level1 or level2 & _COST_CODES:
            return ()
        why, word = self.why(ctx, project)
        if not why:
            return ()
        text = ctx.squash(project.target)
        stated = self._standards.get(text)
        if stated is None:
            stated = self._standards[text] = standards(text)
        said = f"；绩效目标写明「{stated[0][3]}」，应作为成本指标填报" if stated else ""

        def counts():
            parse = ctx.parse
            return [(i, t) for i, f in zip(project.indicators, ctx.project_facts(project))
                    if f.level2_code == "11" and (t := parse(i.annual_value)).kind == "number" and t.value]
        return (self.at_project(project, "name", f"{why}，但没有成本指标{said}",
                                "补充成本指标：总成本（≤预算金额）、单位成本或补助标准（如 ≤5万元/台、2000元/生）",
                                draft=partial(cost_draft, ctx, project, _PAID.get(word, word), counts, stated)),)


_COST_CODES = frozenset({"14", "41", "42", "43"})
