"""What the 绩效目标 text promises: quantities no indicator measures (TXT005), and a stated standard
(生均2000元, 5万元/台) that, times the indicator's count, is far from the project's money (AMT009)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import Iterable, Iterator

from ..findings import WARNING, Draft, Finding
from ..model import Indicator, Project
from ..valuegrammar import ParsedValue, Placeholders, quantities
from .base import Context, Rule, num, show
from .drafts import DESCRIBES, draft, promise_draft, subject
from .measures import MONEY_SCALE, base_unit, canonical, in_units, per_part
from .quantify import COST_LEVEL2, is_cost
from .statements import as_written, same_measure, statements, stem
from .text import TargetPlaceholder, numbers_in

# a promised quantity in the text: a number and a unit of things, places, people or time limits
_PROMISE_UNITS = ("平方米", "平米", "㎡", "m²", "公顷", "亩", "公里", "千米", "人次", "户次", "个工作日", "工作日",
                  "小时", "分钟", "台套", "万人", "人", "名", "位", "户", "家", "所", "个", "台", "套", "项", "场", "期",
                  "批", "间", "座", "栋", "辆", "件", "份", "册", "篇", "门", "队", "支", "班", "课时", "学时", "天")
_PROMISE_UNIT = re.compile("(" + "|".join(sorted(map(re.escape, _PROMISE_UNITS), key=len, reverse=True))
                           + r")(?![\d届号条款目期年月日])")


# a date or a period in running text: 6月30日, 2023.07-2024.01, 2024年底, 202001-202012
_DATE_OR_PERIOD = re.compile(r"\d{1,2}月\d{1,2}日|(?:19|20)\d{2}[.\-/]\d{1,2}|(?:19|20)\d{2}年(?:底|末|内|\d{1,2}月)"
                             r"|(?:19|20)\d{4}\s*[-~至到]\s*(?:19|20)\d{4}")
_TARGET_PLACEHOLDERS = TargetPlaceholder.config_keys
HUNDRED = Decimal(100)
# a promise for a later year of a multi-year plan (第二年第三年均各按25%返本): not this year's target
_LATER_YEAR = re.compile("第[二三四五六七八九十]年|次年|明年|以后|此后|今后")


def promises(s: str) -> list[tuple[Decimal, str, int, int]]:
    """(number, unit, position, end of the unit) of each quantity written with a unit of things, people,
    area or time, in a squashed (half-width) text; not an ordinal (第46届), a year, a date or a document
    number."""
    out = []
    for value, tail, at in numbers_in(s):
        m = _PROMISE_UNIT.match(tail)
        if m and value != 0 and not s.startswith("第", at - 1):
            out.append((value, canonical(m.group(1)), at, s.index(m.group(1), at) + len(m.group(1))))
    return out


_CLAUSE = re.compile(r"[,，。;；、：:()（）]")
# what a quoted promise shows after its unit is the noun it counts (28个社区卫生服务中心), up to a verb or
# particle that starts the rest of the sentence, at most NOUN_CHARS characters
NOUN_CHARS = 12
_NOUN_END = re.compile(r"提供|开展|进行|实施|完成|达到|组织|覆盖|参加|参与|接受|获得|用于|以上|以内|左右|不少于|不低于|"
                       r"[的和及与并等共]")


class TargetPromiseUnmeasured(Rule):
    """The 绩效目标 text promises a quantity (a count, an area, a response time, people) that no
    indicator measures.

    为什么：绩效指标是绩效目标的细化和量化。目标文字承诺了“每年交流不少于15队”“改造面积
    668平方米”“2小时内响应”，指标里却没有任何一条衡量它，年底无法评价这项承诺是否兑现。
    指标中有同一单位的数值（即便数值不同，见 TXT004）、同一数值，或目标文字在该数字前写了
    某个指标的名称时，视为已有指标衡量。百分比的承诺（“完成项目主体工程70%”）要有一条百分比指标
    衡量同一件事：数值相同，或名称写在该数字旁边。金额和年份不在此列。

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
        self._shares_said: dict[str, list] = {}
        self._measures: dict[tuple, tuple[set, set]] = {}    # per distinct pair of values, for one check
        self._percents: dict[tuple, set] = {}

    def _measured(self, ctx: Context, p: str, a: str) -> tuple[set, set]:
        """The units and the numbers an indicator's two values measure in."""
        hit = self._measures.get((p, a))
        if hit is None:
            units, numbers = set(), set()
            for value in (p, a):
                t = ctx.parse(value)
                if t.kind == "number" and t.value is not None:
                    units.add(canonical(base_unit(t.unit)))
                    numbers.add(t.value)
                elif t.kind == "range":
                    units.add(canonical(base_unit(t.unit)))
                    numbers.update((t.low, t.high))
            hit = self._measures[(p, a)] = (units, numbers)
        return hit

    def _percentages(self, ctx: Context, p: str, a: str) -> set:
        """The percentages an indicator's two values state (a sentence may state several)."""
        hit = self._percents.get((p, a))
        if hit is None:
            hit = self._percents[(p, a)] = set()
            for value in dict.fromkeys((p, a)):
                t = ctx.parse(value)
                if t.unit == "%" and t.kind == "number" and t.value is not None:
                    hit.add(t.value)
                elif t.unit == "%" and t.kind == "range":
                    hit.update((t.low, t.high))
                elif t.kind == "text":                 # a sentence: 第一年按总投资额返本20%，分红按8%分红
                    hit.update(x.amount for x in statements(ctx.squash(value)) if x.unit == "%")
        return hit

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        text = ctx.squash(project.target)
        if not text or not project.indicators:
            return ()                      # (run on every project: no generator where nothing is promised)
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = promises(text)
        return self._unmeasured(ctx, project, text, found) if found or "%" in text else ()

    def _unmeasured(self, ctx: Context, project: Project, text: str, found: list) -> Iterator[Finding]:
        if "%" in text:
            yield from self._shares(ctx, project, text)
        if not found:
            return
        units, numbers, named = set(), set(), None
        names = [facts.core for facts in ctx.project_facts(project)]
        for ind in project.indicators:
            value_units, value_numbers = self._measured(ctx, ind.period_value, ind.annual_value)
            units |= value_units
            numbers |= value_numbers
        seen = set()
        for value, unit, at, end in found:
            if unit in units or value in numbers or (value, unit) in seen:
                continue
            if named is None:                  # the numbers the names write (防疫室84平米), when needed
                named = {q.value for ind in project.indicators for q in quantities(ctx.squash(ind.name)) if q.unit}
            if value in named:
                continue
            before = text[max(0, at - 24):at]
            if any(len(n) >= 3 and n in before for n in names):
                continue
            if DESCRIBES.search(_CLAUSE.split(before)[-1]):
                continue                       # 常住户26户56人: what is there already, not a promise
            seen.add((value, unit))
            start = max(0, at - 8)
            noun = _NOUN_END.split(_CLAUSE.split(text[end:end + NOUN_CHARS])[0], maxsplit=1)[0]
            quoted = _CLAUSE.split(text[start:at])[-1] + text[at:end] + noun
            st = next((x for x in statements(text) if x.quantity.num_start == at), None)
            yield self.at_project(project, "target",
                                  f"绩效目标写「{quoted}」，但没有指标衡量 {num(value)}{unit}",
                                  f"补充一条以「{unit}」计的指标（如数量或时效指标），或删去目标中不再承诺的内容",
                                  draft=partial(promise_draft, ctx, st, text) if st else None)


    def _shares(self, ctx: Context, project: Project, text: str) -> Iterator[Finding]:
        """Percentages the text promises (完成项目主体工程70%) that no indicator measures: none has the same
        percentage (or its complement), and none is named next to it."""
        said = self._shares_said.get(text)
        if said is None:
            said = self._shares_said[text] = [st for st in statements(text) if st.unit == "%" and st.amount != 0
                                              and not _LATER_YEAR.search(text[st.start:st.quantity.start])]
        if not said:
            return
        values = set()
        for ind in project.indicators:
            values |= self._percentages(ctx, ind.period_value, ind.annual_value)
        candidates = None
        for st in said:
            if st.amount in values or HUNDRED - st.amount in values:
                continue                               # measured, or its complement is (断网 ≤1% / 运行 ≥99%)
            if candidates is None:
                candidates = [(stem(f.core, "%"), ind)
                              for ind, f in zip(project.indicators, ctx.project_facts(project))]
            if candidates and same_measure(candidates, st.words):
                continue
            quoted = as_written(project.target, st.start, st.end)
            yield self.at_project(project, "target",
                                  f"绩效目标写「{quoted}」，但没有指标衡量这个 {num(st.amount)}%",
                                  "补充一条衡量它的百分比指标（写明是什么的比例），或删去目标中不再承诺的内容",
                                  draft=partial(promise_draft, ctx, st, text))
            return


# a standard per unit: 生均2000元, 人均500元, 2000元/生, 5万元/台, 每生每年2000元, 800元/人·月
_PER = r"(生|人|名|台|套|个|户|间|所)"
_STANDARD = [
    re.compile(r"(生均|人均|户均|台均)(?:每年|每月)?(\d+(?:\.\d+)?)(元|千元|万元)"),
    re.compile(r"(\d+(?:\.\d+)?)(元|千元|万元)/" + _PER + r"(?:[·.]?(年|月))?"),
    re.compile(r"每" + _PER + r"(?:每(年|月))?(?:补助|资助|补贴|奖励)?(\d+(?:\.\d+)?)(元|千元|万元)"),
]
_MONEY_WORD = re.compile(r"\d(?:千|万)?元")
_AVG = {"生均": "生", "人均": "人", "户均": "户", "台均": "台"}
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


# a money value per something, as written: 1500元/人·学期, ≤475元/亩, 200元/台·天, 23万元/个, 14390元/人/年
_PER_MONEY = re.compile(r"(\d+(?:\.\d+)?)(元|千元|万元|亿元)(?:/|每)([^\d≥≤<>=,，;；。]{1,8})")
_PER_TRAILER = re.compile(r"(?:以内|以下|以上|左右|及以下|及以上)$")
PERIODS = {"年": 1, "学年": 1, "学期": 1, "月": 12, "季度": 4, "季": 4, "天": 0, "日": 0}
_PER_SEP = re.compile(r"[·.・/*×]")
# the units a per-unit standard is counted in (生 → students counted in 人)
_COUNTED_IN = {"生": {"人", "生"}, "人": {"人"}, "名": {"人"}, "人次": {"人次"}, "台": {"台", "套"},
               "套": {"套", "台"}, "个": {"个"}, "户": {"户"}, "间": {"间"}, "所": {"所"}, "亩": {"亩"},
               "平方米": {"平方米"}, "公里": {"公里"}, "米": {"米"}, "辆": {"辆"}, "座": {"座"}, "村": {"村", "个"},
               "校": {"校", "所"}, "场": {"场", "场次"}, "次": {"次"}, "": {"人次"}}


# counts that are of the standard's kind though not in its unit (people counted as 人次 for 元/人·年)
_SAME_KIND = {"人": {"人次", "万人", "万人次"}, "生": {"人次"}, "名": {"人次"}}


def per_unit_money(text: str) -> tuple[Decimal, str, str, str] | None:
    """A money value per something in a squashed value text: (万元 per unit, per (canonical), period, as
    written), e.g. 1500元/人·学期 → (0.15, 人, 学期); 1500元/学期 → (0.15, "", 学期); 1600元/亩 → (0.16, 亩, "")."""
    m = _PER_MONEY.search(text)
    if m is None:
        return None
    per, period = "", ""
    for part in _PER_SEP.split(_PER_TRAILER.sub("", m.group(3))):
        if part in PERIODS:
            period = part
        elif part and not per:
            per = canonical(part)
    return Decimal(m.group(1)) * MONEY_SCALE[m.group(2)], per, period, m.group()


def _standard_of(text: str) -> tuple[Decimal, str, str] | None:
    """A cost indicator's per-unit money value (≤5万元/台) as (万元, per, period)."""
    found = per_unit_money(text)
    return found[:3] if found else None


# a count whose value has no unit but whose name says what it counts: 「出差人数 =8」, 「受益户数 120」
_COUNTED_BY_NAME = re.compile(r"(人|户|家|所|个|台|套|辆|件|名|次|场|期|批)数$")


def _counts(ctx: Context, project: Project) -> list[tuple[Indicator, ParsedValue]]:
    """The project's counts of outputs: 数量 indicators with a number in a unit of things, no per-unit (or
    no unit, where the name counts in one: 出差人数 is in 人)."""
    out = []
    for ind, facts in zip(project.indicators, ctx.project_facts(project)):
        if facts.level2_code == "11":
            t = ctx.parse(ind.annual_value)
            if t.kind == "number" and t.value and t.unit and not per_part(t.unit):
                out.append((ind, in_units(t)))          # 1.2万亩: 12000 亩
            elif t.kind == "number" and t.value and not t.unit and (m := _COUNTED_BY_NAME.search(facts.core)):
                out.append((ind, replace(t, unit=m.group(1))))
    return out


def count_for(counts, per: str, period: str):
    """The count a standard applies to: same unit (a per-period standard without a "per": 人次), and for
    people a name that says whose."""
    units = _COUNTED_IN.get(per, {per})
    whose = _WHOSE.get(per)
    fits = [(i, t) for i, t in counts if canonical(base_unit(t.unit)) in units
            and (whose is None or whose.search(i.name))]
    return fits[0] if fits else None


def _days(counts) -> Decimal | None:
    for ind, t in counts:
        if canonical(t.unit) in ("天", "日"):
            return t.value
    return None


class MoneyNotMatchingQuantities(Rule):
    """A stated standard (生均2000元, 5万元/台, 800元/人·月, 1500元/学期) times the indicator's count is far
    from the project's money.

    为什么：绩效目标要与预算“相应匹配”：补助标准 × 补助人数、单价 × 数量应与项目金额大致相当。
    2000元/生 × 150人 = 30万元而项目安排 300万元，或 101人次 × 1500元/学期 = 15.15万元而项目只有
    7万元，不是标准或数量写错，就是目标没有反映钱的主要去向。标准的写法各地不同（元/人·年、
    元/人·学期、元/人次、元/亩、元/台·天），都按它计量的东西去找数量指标：按月的标准在一年期
    项目中按 12 个月计，按天的乘以天数指标。一个项目有几项标准时，把各项“标准 × 数量”相加再与
    项目金额比较。标准写成“≤”时只在钱明显多于上限时报，写成“≥”时只在钱明显不够时报。
    比值范围可配置（min_ratio、max_ratio）。

    错误示例：
        项目总计 7.00 万元；成本指标：资助标准 1500元/学期；数量指标：资助学生 101人次

    正确示例：
        项目总计 15.15 万元；成本指标：资助标准 1500元/学期；数量指标：资助学生 101人次
    """

    code = "AMT009"
    title = "金额与标准×数量不相称"
    default_severity = WARNING
    basis = ("G-MATCH",)
    name = "amounts.money_not_matching_quantities"
    config_keys = {"min_ratio": Decimal("0.5"), "max_ratio": Decimal("1.1")}

    def setup(self) -> None:
        self._stated: dict[str, list] = {}        # standards per distinct target text, for one check

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        total = ctx.to_wan(project.total)
        if total <= 0 or not project.indicators:
            return ()                              # (run on every project: a generator only where it may find)
        text = ctx.squash(project.target)
        found = self._stated.get(text)
        if found is None:
            found = self._stated[text] = [(w, per, period, written, "=")
                                          for w, per, period, written in standards(text)]
        level1, level2 = ctx.level_codes(project)
        with_cost = "4" in level1 or bool(level2 & COST_LEVEL2)
        if not found and not with_cost:
            return ()                              # no standard stated anywhere
        return self._unmatched(ctx, project, total, found, with_cost)

    def _unmatched(self, ctx: Context, project: Project, total: Decimal, found: list,
                   with_cost: bool) -> Iterator[Finding]:
        found = list(found)
        if with_cost:
            for ind, facts in zip(project.indicators, ctx.project_facts(project)):
                if is_cost(facts):
                    std = _standard_of(ctx.squash(ind.annual_value))
                    if std:
                        found.append((*std, f"{ind.name} {ind.annual_value}", ctx.parse(ind.annual_value).op or "="))
        counts = _counts(ctx, project)
        products = []
        for w, per, period, written, op in found:
            months = Decimal(PERIODS.get(period, 1))
            if not months:                         # per day: times the days the project counts
                months = _days(counts)
                if months is None:
                    continue
            elif months > 1 and ctx.span(project) is not None:
                continue
            count = count_for(counts, per, period)
            if count is None:
                continue
            ind, t = count
            products.append((w * t.value * months, written, ind, t, months, period, op))
        if not products:
            return
        products = list({id(p[2]): p for p in reversed(products)}.values())[::-1]   # one standard per count: the first
        expected = sum(p[0] for p in products)
        ratio = expected / total
        ops = {p[6] for p in products}
        low = ratio < self.options["min_ratio"] and not ops & {">=", ">"}
        high = ratio > self.options["max_ratio"] and not ops <= {"<=", "<"}
        if not (low or high):
            return
        parts = "＋".join(self._product_text(*p[1:6]) for p in products)
        said = parts if len(products) == 1 else f"{parts}（合计）"
        yield self.at_project(
            project, "total",
            f"{said} = {expected:,.2f} 万元，项目总计 {ctx.money(project.total)}，"
            f"{'钱明显多于' if low else '钱不够'}标准与数量所需",
            "核对补助标准或单价、数量指标和项目金额，使三者相称；钱另有用途的，在绩效目标和指标中写明")

    @staticmethod
    def _product_text(written, ind, t, months, period) -> str:
        times = f" × {num(months)}个月" if period == "月" and months == 12 else \
            f" × {num(months)}天" if period in ("天", "日") else ""
        return f"「{written}」× 「{ind.name}」{num(t.value)}{t.unit}{times}"


_STANDARD_NAME = re.compile("标准|单价|定额")
_COST_WORDS = re.compile("(?:成本|补助|补贴|标准|单价|资金|费用|经费|定额)$")
# a name that says per what itself: 人均培训成本, 每亩补助, 单台购置成本
_PER_IN_NAME = re.compile("[人户生亩台套村校]均|每[人户生亩台套个村校次]|单[台套个位件座]|平均")


class StandardWithoutQuantity(Rule):
    """A cost standard that no output quantity goes with: 1600元/亩 with no area among the outputs, or a
    standard (补助标准 ≤120万元) that does not say per what.

    为什么：成本标准（元/亩、元/人·年、万元/公里）要乘以产出的数量才是钱的去向。标准按亩计，
    产出指标里却没有以亩计的数量，854 万元能建多少亩农田就无从核对，最主要的产出也没有写；
    名称写着“标准”“单价”却只写一个金额（≤120万元），说不出是每公里、每户还是整个项目的钱。
    数量只写在成本指标名称里的（饲料库120平米）也算没有：数量应单独作为数量指标。

    依据：标准 × 数量与金额相称，先要有标准所乘的数量。

    错误示例：
        项目 854 万元；14-成本指标；财政资金补助；1600元/亩；产出只有道路公里数和供水设施座数

    正确示例：
        另加 11-数量指标；高标准农田建设面积；≥5337.5亩（854 万元 ÷ 1600元/亩）
    """

    code = "AMT010"
    title = "成本标准没有对应的产出数量"
    default_severity = WARNING
    basis = ("G-MATCH", "G-COST-VALUE")
    name = "amounts.standard_without_quantity"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        level1, level2 = ctx.level_codes(project)
        if "4" not in level1 and not level2 & COST_LEVEL2:
            return ()                              # no cost indicator (run on every project: no generator)
        return self._without_quantity(ctx, project)

    def _without_quantity(self, ctx: Context, project: Project) -> Iterator[Finding]:
        counts = None
        for ind in project.indicators:
            facts = ctx.facts(ind)
            if not is_cost(facts):
                continue
            for field, text, label in facts.columns:
                s = ctx.squash(text)
                found = per_unit_money(s)
                if found is None:
                    t = ctx.parse(text)
                    if (_STANDARD_NAME.search(facts.core) and not _PER_IN_NAME.search(facts.core)
                            and t.kind == "number" and t.value
                            and base_unit(t.unit) in MONEY_SCALE and not per_part(t.unit)):
                        yield self.at_value(project.name, ind, field, label,
                                            f"成本指标「{ind.name}」写的是标准，{label}「{text}」却没有写按什么计",
                                            f"写明计量单位，如 {show(t)}/公里、{show(t)}/户、{show(t)}/人·年；"
                                            "整个项目的钱写成“总成本”")
                        break
                    continue
                w, per, period, written = found
                if not per or per in PERIODS:
                    continue                       # per a period only (元/学期): counted in 人次, AMT009
                if counts is None:
                    counts = _counts(ctx, project)
                if count_for(counts, per, period) is not None or any(
                        canonical(base_unit(t.unit)) in _COUNTED_IN.get(per, {per}) | _SAME_KIND.get(per, set())
                        for _, t in counts):
                    continue                       # a count of the same kind: 人次 for a per-person standard
                how, many = self._how_many(ctx, project, facts.core, w, per, written)
                yield self.at_value(project.name, ind, field, label,
                                    f"成本指标「{ind.name}」按「{per}」计（{written}），但产出指标中没有以「{per}」计的"
                                    f"数量，无法核对钱能办多少",
                                    f"补充一条以「{per}」计的数量指标{how}",
                                    draft=self._quantity(ctx, project, facts.core, per, many, how))
                break

    @staticmethod
    def _how_many(ctx: Context, project: Project, core: str, w: Decimal, per: str,
                  written: str) -> tuple[str, Decimal | None]:
        """How many the standard pays for, in words and as a number: the quantity written in the cost
        indicator's name (饲料库120平米), else the project's money ÷ the standard when it is the project's
        only per-unit standard."""
        for value, unit in ((v, canonical(u)) for v, u, _at, _end in promises(core)):
            if unit == per or unit in _COUNTED_IN.get(per, ()):
                return f"（名称中写的 {num(value)}{per}）", value
        standards_here = [i for i in project.indicators
                          if is_cost(ctx.facts(i)) and per_unit_money(ctx.squash(i.annual_value))]
        total = ctx.to_wan(project.total)
        if len(standards_here) != 1 or not w or total <= 0:
            return "", None
        many = (total / w).quantize(Decimal("0.1"))
        return f"，按 {total:,.2f} 万元 ÷ {written} 约为 {num(many)}{per}", many

    @staticmethod
    def _quantity(ctx: Context, project: Project, core: str, per: str, many: Decimal | None,
                  how: str) -> Draft | None:
        """The 数量指标 the standard calls for: what the name or the project builds, in the standard's unit."""
        if many is None:
            return None
        noun = "面积" if per in ("亩", "平方米", "公顷") else "长度" if per in ("公里", "米") else \
            "人数" if per in ("人", "生") else "数量"
        what = re.sub(r"\d+(?:\.\d+)?\D{0,3}$", "", core)
        what = what if what and not _COST_WORDS.search(what) else subject(project)
        return draft(ctx, "quantity", f"{what}{noun}", f"≥{num(many)}{'人' if per == '生' else per}",
                     how.strip("，（）"))


class TargetVague(Rule):
    """A short 绩效目标 with nothing to measure: no quantity, time or standard (进一步提高运行效率和服务水平).

    为什么：绩效目标说明本年度“要交付什么、达到什么程度”。一两句只有方向、没有任何数量、时间或标准的
    目标（“进一步提高……水平”“按工作计划完成……预算安排”“以服务对象满意为目标”），字数够了，
    年底却无从判断是否实现。只写了金额的也一样：钱是投入，不是目标。字数少于 min_length 的见 TXT001；
    长于 max_length 的，多是说明了具体内容的描述，不报。

    依据：目标写明可衡量的产出和效果；最短、最长字数是本工具的约定（min_length、max_length）。

    错误示例：
        绩效目标：进一步提高博物馆纪念馆运行效率和免费开放服务水平

    正确示例：
        绩效目标：全年免费开放不少于300天，接待观众3万人次以上，观众满意度不低于95%
    """

    code = "TXT006"
    title = "绩效目标空泛，没有可衡量的内容"
    default_severity = WARNING
    basis = ("G-TARGET", "G-EVALUABLE")
    name = "text.target_vague"
    config_keys = {"min_length": 15, "max_length": 80}

    def setup(self) -> None:
        self.matcher = Placeholders(_TARGET_PLACEHOLDERS["placeholders"])
        self._measured: dict[str, bool] = {}      # per distinct target text, for one check

    def measurable(self, text: str) -> bool:
        """A quantity other than a sum of money (a count, a share, a standard, a date or a period) is written
        in the text."""
        hit = self._measured.get(text)
        if hit is None:
            hit = self._measured[text] = (any(st.unit != "万元/" for st in statements(text))
                                          or bool(_DATE_OR_PERIOD.search(text) or standards(text)))
        return hit

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        text = ctx.squash(project.target)
        if not (self.options["min_length"] <= len(text) <= self.options["max_length"]) or self.matcher(text):
            return ()                              # (run on every project: a tuple, not a generator)
        if self.measurable(text):
            return ()
        money = "只写了金额，" if any(st.unit == "万元/" for st in statements(text)) else ""
        return (self.at_project(project, "target",
                                f"绩效目标「{project.target}」{money}没有数量、时间或标准：看不出本年度要交付什么、"
                                "达到什么程度",
                                "写明本年度要完成的主要产出（数量、完成时间）和预期效果（可衡量的程度）"),)
