"""Ready indicator lines for what a finding says is missing, worked out from the filing itself.

A reviewer who writes “没有成本指标” can also say what the line should be: the project's money divided by
what it pays for (330.98 万元 ÷ 230人 → 人均报酬标准 ≤14390.61元/人·年), the standard its target text states
(生均2000元), a promise of the target text turned into the indicator that measures it (完成项目主体工程70% →
项目主体工程完成比例 ≥70%), the profile's standard survey indicator for 满意度. Nothing is invented: when the
filing holds nothing to compute from, there is no draft.

Categories are named as the filing's code table names them (成本 under 产出 as 14, or first-level 4/41).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..findings import Draft
from ..model import Project
from ..money import CENT, YUAN_PER_WAN
from ..textnorm import without_years
from ..valuegrammar import op_symbol
from .base import Context, num
from .measures import MONEY_SCALE, PEOPLE_COUNT, PEOPLE_UNITS, TIME_UNITS, base_unit, canonical, counted, per_part
from .statements import Statement

# the category a drafted line goes under, by role → the codes to try, first found in the table wins
ROLES = {"quantity": ("11",), "quality": ("12",), "time": ("13",), "cost": ("14", "41"), "economic": ("21",),
         "social": ("22",), "ecological": ("23",), "sustainable": ("24",), "satisfaction": ("31",)}
_THINGS = {"台", "套", "辆", "个", "件", "座", "间", "所", "处", "项", "批", "棵", "株", "只", "头", "盏"}
_AREAS = {"亩", "平方米", "公顷", "公里", "米"}
_PROJECT_WORDS = re.compile(r"(?:项目|专项|资金|经费|工作经费|补助资金|财政补助)+$")
_PROJECT_ENDS = ("项目", "专项", "资金", "经费", "补助")
_LEAD = re.compile(r"^[^\d（(]{0,14}?(?:学院|学校|中心|政府|医院|委员会|管理处|局)")
# what the money buys decides what it is divided by: people paid, things bought, area built or kept
PAID = {"报酬", "补助", "资助", "免学费补助", "奖励", "培训", "劳务", "助学金"}
BOUGHT = {"购置", "印刷", "租赁", "研发"}
BUILT = {"建设", "维修", "改造", "运维", "物业", "修缮"}
# a count of goods (what a purchase is divided by), not of tasks or rooms
_GOODS = re.compile("设备|仪器|器材|车|电脑|计算机|终端|前端|摄像|监控|家具|图书|教材|耗材|软件|服务器|机|器|台|套|件")


def labels(ctx: Context, role: str) -> tuple[str, str] | None:
    """(level 1 label, level 2 label) of a role in the filing's code table, None when it has none."""
    for code in ROLES[role]:
        level2 = ctx.table.get(code)
        if level2 is not None and level2.parent:
            level1 = ctx.table.get(level2.parent)
            if level1 is not None:
                return level1.label, level2.label
    return None


def draft(ctx: Context, role: str, name: str, value: str, basis: str = "") -> Draft | None:
    found = ctx.once(f"labels {role}", lambda c: labels(c, role))
    return Draft(found[0], found[1], name, value, basis) if found else None


def subject(project: Project) -> str:
    """What the project is about, for a drafted name: 村组干部报酬 → 村组干部报酬; 广州市机电技师学院专业实训
    设备及教学设施购置项目 → 专业实训设备及教学设施购置."""
    core = without_years(project.name)
    core = _LEAD.sub("", core) or core
    if not core.endswith(_PROJECT_ENDS):                 # every word of _PROJECT_WORDS ends so
        return core
    return _PROJECT_WORDS.sub("", core) or core


def money(amount_yuan: Decimal) -> str:
    """An amount per unit as a value writes it: 元 below 100,000, else 万元 (two decimals, no zeros)."""
    if amount_yuan >= 10 * YUAN_PER_WAN:
        return f"{num((amount_yuan / YUAN_PER_WAN).quantize(CENT, ROUND_HALF_UP))}万元"
    return f"{num(amount_yuan.quantize(CENT, ROUND_HALF_UP))}元"


def cost_draft(ctx: Context, project: Project, word: str, counts, stated) -> Draft | None:
    """The 成本指标 a project without one would state, from its money and what it pays for.

    ``word``: what the money buys (报酬, 购置 …, may be ""); ``counts``: a callable giving the project's
    数量 indicators with their parsed values (asked for only when ``word`` divides by a count);
    ``stated``: the standards its target text writes (promises.standards)."""
    total = ctx.to_wan(project.total)
    what = word or "成本"
    if stated:
        w, per, period, written = stated[0]
        unit = f"/{per}" + (f"·{period}" if period else "")
        return draft(ctx, "cost", f"{'生均' if per == '生' else '单位'}{what}标准", f"≤{money(w * YUAN_PER_WAN)}{unit}",
                     f"绩效目标写明「{written}」")
    if total <= 0:
        return None
    paid, bought, built = word in PAID, word in BOUGHT, word in BUILT
    kinds = ctx.once("cost draft counts", lambda _ctx: {})
    for ind, t in counts() if paid or bought or built else ():
        key = (ctx.core(ind.name), t.unit)
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _count_kind(*key)
        unit, people = kind
        if unit is None or not t.value:
            continue
        if paid and people:
            name, per = f"人均{what}标准", "人次" if unit == "人次" else "人·年"
        elif bought and unit in _THINGS and not people and _GOODS.search(ind.name):
            name, per = f"单位{what}成本", unit
        elif built and unit in _AREAS:
            name, per = f"每{unit}{what}成本", unit
        else:
            continue
        amount = f"{total:,.2f} 万元 ÷ {num(t.value)}{'人' if people and unit not in PEOPLE_UNITS else t.unit}（{ind.name}）"
        return draft(ctx, "cost", name, f"≤{money(total * YUAN_PER_WAN / t.value)}/{per}", amount)
    return draft(ctx, "cost", f"{subject(project)}总成本", f"≤{num(total.quantize(CENT, ROUND_DOWN))}万元",
                 f"项目总计 {total:,.2f} 万元")


def _count_kind(core: str, written: str) -> tuple[str | None, bool]:
    """(unit, whether it counts people) of a count ``cost_draft`` may divide by, unit None when it is per
    something or of time; per distinct name core and unit in a check (5,000 drafts walk 10,000 counts)."""
    unit = canonical(base_unit(written))
    if per_part(written) or unit in TIME_UNITS:
        return None, False
    return unit, unit in PEOPLE_UNITS or (counted(core) or (set(),))[0] == PEOPLE_COUNT


# what a promised number measures, by its unit and the words next to it
_EFFECT = re.compile("提高|提升|增加|增长|降低|减少|下降|改善|带动|增收|收入|节约|就业|受益|惠及|游客|满意")
_OUTPUT_VERB = re.compile("^(?:完成|新增|新建|建设|建成|购置|采购|购买|培训|开展|举办|发放|改造|维修|安装|印制|组织|提供|资助|补助)")


# (项目区, 项目村, 项目县 … are places the project serves: 项目区灌溉保证率 keeps its 项目)
_LEADING = re.compile(r"^(?:通过|为|使|让|确保|保障|实现|达到|力争|预计|全年|本年度|年度|每年|本?项目(?![区村县乡镇点地户组])|"
                      r"其中|共|计|实施后|建成后|完成后)+")
_TRAILING = re.compile(r"(?:不少于|不低于|至少|达到|达|约|大约|共|合计|总计|超过|不超过|不得超过|为|在|有)+$")


# words that measure something without naming it (占地300平方米, 长4.5米): the thing is named before
_GENERIC = {"占地", "面积", "占地面积", "建筑面积", "长", "宽", "高", "长度", "宽度", "高度", "规模", "容量", "容积"}
_COUNTED = re.compile(r"(?:[\d.]+|[一二两三四五六七八九十])[个座栋间处台套项条辆所]$")


def _object_before(text: str, at: int) -> str:
    """What the nearest clause before ``at`` in the same sentence says is built or bought (新建中药材晾晒房
    一座 → 中药材晾晒房; 新建厕所1个 → 厕所), "" when none does."""
    clauses = re.split(r"[,，、:：]", re.split(r"[。;；]", text[:at])[-1])[:-1]
    for clause in reversed(clauses):
        m = _OUTPUT_VERB.match(clause)
        if m:
            thing = _COUNTED.sub("", clause[m.end():])
            return thing if 2 <= len(thing) <= 12 else ""
    return ""


def _words_before(text: str, st: Statement) -> str:
    """What the promise's number measures: the words of its clause before the number (else after it);
    a measure that names no thing (占地, 长) takes the thing the sentence built before it."""
    before = re.sub(r"[(（][^)）]*[)）]", "", text[st.start:st.quantity.start])
    after = text[st.quantity.end:st.end]
    words = re.split(r"[,，。;；、:：]", before)[-1] or re.split(r"[,，。;；、]", after)[0]
    words = _TRAILING.sub("", _LEADING.sub("", words.strip()))
    if words in _GENERIC:
        words = _object_before(text, st.quantity.start) + words
    return words if 2 <= len(words) <= 24 else ""


# what follows a count's unit is the noun it counts (28个社区卫生服务中心), up to a verb or particle that
# starts the rest of the sentence
_NOUN_AFTER_END = re.compile(r"提供|开展|进行|实施|完成|达到|组织|覆盖|参加|参与|接受|获得|用于|以上|以内|左右|不少于|"
                             r"不低于|[的和及与并等共]")


def _noun_after(text: str, st: Statement) -> str:
    """The noun written right after the promise's unit (「28个社区卫生服务中心」 → 社区卫生服务中心), "" when
    the clause ends there or goes on with a verb."""
    after = re.split(r"[,，。;；、:：()（）]", text[st.quantity.end:st.quantity.end + 12])[0]
    noun = _NOUN_AFTER_END.split(after, maxsplit=1)[0]
    return noun if len(noun) >= 2 and not noun[0].isdigit() else ""     # 76户174人: a second count, no noun


# words that describe what is there already (户籍人口76户, 现有学生1200人), not what the project promises
DESCRIBES = re.compile("户籍|常住|现有|原有|总人口|辖区|在校生?总数")


def promise_draft(ctx: Context, st: Statement, text: str) -> Draft | None:
    """The indicator a promise of the target text calls for (完成项目主体工程70% → 质量指标「项目主体工程
    完成比例」≥70%; 为水濂村带来观光游客不少于6万人 → 社会效益「观光游客人数」≥6万人). ``text``: the squashed
    target the statement was read from. None when the words or the unit say too little."""
    q = st.quantity
    words = _words_before(text, st)
    unit = canonical(base_unit(q.unit))
    if not words or not q.unit or q.unit in ("万", "亿") or unit in MONEY_SCALE or DESCRIBES.search(words):
        return None
    op = op_symbol(q.op) if q.op and q.op != "=" else "≥"
    if q.unit == "%":
        if "满意" in words:
            return None                                  # the satisfaction indicator is STR005's
        name = words if words.endswith(("率", "比例", "度")) else \
            f"{words[2:]}完成比例" if words.startswith("完成") else f"{words}比例"
        role = "social" if _EFFECT.search(words) else "quality"
        op = "" if q.value == 100 else op_symbol(q.op) if q.op and q.op != "=" else "≥"
        return draft(ctx, role, name, f"{op}{num(q.value)}%", "绩效目标中的承诺")
    if unit in TIME_UNITS:
        if re.search(r"\d月$|\d年$", text[:q.num_start]) or text.startswith(("前", "底", "后"), q.end):
            return None                                  # a date (12月31日前), not a time limit
        name = words if words.endswith(("时间", "时限")) else f"{words}时限"
        return draft(ctx, "time", name, f"{op_symbol(q.op) if q.op and q.op != '=' else '≤'}{num(q.value)}{q.unit}",
                     "绩效目标中的承诺")
    words = _noun_after(text, st) or words
    effect = bool(_EFFECT.search(words)) and not _OUTPUT_VERB.search(words)
    noun = "户数" if unit in ("户", "户次") else "人数" if unit in PEOPLE_UNITS else \
        "面积" if unit in ("平方米", "亩", "公顷") else "长度" if unit in ("公里", "米") else "数量"
    said = counted(words)
    if said is not None and unit not in said[0]:          # 交流人数 … 15队: the unit says what is counted
        words = re.sub(r"(?:人数|人次|户数|次数|天数|面积|长度|里程|数量|数)$", "", words)
    name = words if words.endswith(("数", "量", "面积", "长度", "人次")) else f"{words}{noun}"
    return draft(ctx, "social" if effect else "quantity", name, f"{op}{num(q.value)}{q.unit}", "绩效目标中的承诺")
