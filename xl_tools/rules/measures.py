"""What a parsed value measures: money, time, counts, grades. Shared by the guidance rules.

Word lists that a region may want to change are the rules' ``config_keys``; what is here is the
grammar of units (which units are money, time or counts), not policy.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from ..money import WAN_PER, in_wan
from ..valuegrammar import SCALE_PREFIXES, ParsedValue

MONEY_SCALE = WAN_PER          # money units → factor to 万元 (the rules compare money in 万元): the one table
TIME_UNITS = frozenset({"秒", "秒钟", "分钟", "小时", "天", "日", "个工作日", "工作日", "周", "个月", "月",
                        "年", "季度", "工日"})
# units that count things, places or people delivered (not %, money, time, grades)
COUNT_UNITS = frozenset({
    "个", "台", "套", "台套", "项", "次", "场", "场次", "期", "批", "批次", "所", "间", "座", "栋", "幢", "辆",
    "件", "份", "册", "本", "篇", "门", "队", "支", "名", "人", "人次", "位", "户", "户次", "家", "课时", "学时",
    "平方米", "㎡", "m²", "m2", "亩", "公顷", "公里", "千米", "km", "米", "班", "班次", "节", "处", "条", "部",
    "张", "块", "棵", "株", "万人", "万人次", "万册", "万份", "万件", "万个", "万次", "万户", "G", "GB", "TB",
})
PEOPLE_UNITS = frozenset({"人", "名", "位", "人次", "万人", "万人次"})
EFFORT_UNITS = frozenset({"工时", "人天", "人日", "工日", "人月", "人年", "小时", "天"})
UNIT_SYNONYMS = {"㎡": "平方米", "m²": "平方米", "m2": "平方米", "平米": "平方米", "名": "人", "位": "人",
                 "km": "公里", "千米": "公里", "台套": "台"}
# a grade on an explicit scale (分级分档): 优/良/中/差, 一级, A级, 甲级 ... (optionally 及以上)
_GRADE = re.compile(r"^(?:达到)?(?:优秀|优良|优|良好|良|中等|中|合格|较好|好|一般|较高|高|[一二三四五]级|[甲乙丙丁]级|[ABCD]{1,3}级?|[1-5]星级?)"
                    r"(?:及以上|以上|等级|档)?$")
_SCALE_WORDS = re.compile(r"分级|分档|等级|档次|级别|[优良中差](?:[/、，,]|及)[优良中差]|好[/、，,]较好")
_DIGIT = re.compile(r"\d")


def base_unit(unit: str) -> str:
    """The unit before any per-part: 元/生 → 元, 万元/台 → 万元."""
    return unit.split("/", 1)[0]


def per_part(unit: str) -> str:
    """What a per-unit is per: 元/生 → 生, 元/人·月 → 人·月, 万元 → ""."""
    return unit.split("/", 1)[1] if "/" in unit else ""


def canonical(unit: str) -> str:
    return UNIT_SYNONYMS.get(unit, unit)


def in_units(t: ParsedValue) -> ParsedValue:
    """A count of ten thousands in single units: 1.2万亩 → 12000 亩, 30万头 → 300000 头 (a copy; money and
    a bare 万 as written)."""
    prefix, rest = t.unit[:1], t.unit[1:]
    if t.kind != "number" or t.value is None or prefix not in SCALE_PREFIXES or not rest or rest.endswith("元") \
            or "/" in rest:
        return t
    return replace(t, value=t.value * SCALE_PREFIXES[prefix], unit=rest)


def is_money(t: ParsedValue) -> bool:
    return t.kind in ("number", "range") and base_unit(t.unit) in MONEY_SCALE


def is_percent(t: ParsedValue) -> bool:
    return t.kind in ("number", "range") and t.unit in ("%", "‰")


def is_duration(t: ParsedValue) -> bool:
    return t.kind in ("number", "range") and base_unit(t.unit) in TIME_UNITS


_COUNTED = frozenset(map(canonical, COUNT_UNITS))


def is_count(t: ParsedValue) -> bool:
    return (t.kind == "number" and t.value is not None and t.value != 0 and "/" not in t.unit
            and canonical(t.unit) in _COUNTED)


def to_wan(value: Decimal, unit: str) -> Decimal:
    """A money value in 万元 (5万元/台 → 5, 2000元/生 → 0.2)."""
    return in_wan(value, base_unit(unit))


def is_grade(squashed: str) -> bool:
    """A qualitative value on an explicit graded scale: 良好, 优, A级, 二级及以上, 优/良/中/差."""
    return bool(_GRADE.match(squashed) or _SCALE_WORDS.search(squashed))


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))


# what the name counts (its last word) → the units that count it
_PEOPLE = {"人", "名", "位", "人次", "万人", "万人次", "人·次"}
PEOPLE_COUNT = _PEOPLE
_HOUSEHOLDS = {"户", "户次", "万户", "家"}
_AREA = {"平方米", "㎡", "m²", "m2", "平米", "亩", "公顷", "平方公里", "平方千米", "km²", "km2", "万平方米", "万亩"}
_LENGTH = {"公里", "千米", "km", "米", "m", "延米", "厘米"}
_DAYS = {"天", "日", "个工作日", "工作日", "个月", "月", "年", "周"}
_TIMES = {"次", "场", "场次", "期", "轮", "批", "批次", "人次", "户次", "次/年", "班次", "课时", "学时"}
COUNTS = [
    ("人数", _PEOPLE, "人", "人"), ("人口数", _PEOPLE, "人", "人"), ("人口", _PEOPLE, "人", "人"),
    ("人次", _PEOPLE, "人次", "人次"), ("户数", _HOUSEHOLDS, "户", "户"), ("面积", _AREA, "面积", "平方米"),
    ("里程", _LENGTH, "长度", "公里"), ("长度", _LENGTH, "长度", "公里"), ("天数", _DAYS, "天数", "天"),
    ("次数", _TIMES, "次数", "次"), ("频次", _TIMES, "次数", "次"),
]
PEOPLE_NOUNS = ["干部", "人员", "学生", "教师", "村民", "群众", "职工", "患者", "学员", "游客", "观众", "选手", "居民",
                "老人", "儿童", "幼儿", "农民", "贫困人口", "脱贫人口", "劳动力", "工人", "医生", "护士", "队员"]
# units whose family is known (a unit outside every family is not judged)
KNOWN_FAMILIES = _PEOPLE | _HOUSEHOLDS | _AREA | _LENGTH | _DAYS | _TIMES | {
    "个", "台", "套", "项", "件", "座", "栋", "辆", "所", "间", "处", "条", "部", "张", "块", "棵", "株", "份", "册", "本",
    "篇", "门", "队", "支", "班", "节", "吨", "公斤", "千克", "%", "‰"} | set(MONEY_SCALE)
_TRAILING_VALUE = re.compile(r"\d+(?:\.\d+)?[^\d]{0,3}$")
_COUNT_SUFFIX = re.compile(r"(?:数量|总数|总量|规模)$")


@lru_cache(maxsize=16384)
def counted(core: str) -> tuple[set[str], str, str] | None:
    """(units that count it, what it counts, the unit to write) from the name's last word; None when the
    name does not say what it counts. Cached: a filing's 30,000 names have a few dozen cores, and three
    rules ask (the answer's sets are the module's own, never changed)."""
    head = _TRAILING_VALUE.sub("", core) if re.search(r"\d", core) else core
    head = _COUNT_SUFFIX.sub("", head) or head
    for word, units, what, unit in COUNTS:
        if head.endswith(word):
            return units, what, unit
    for noun in PEOPLE_NOUNS:
        if head.endswith(noun) or head.endswith(noun + "数"):
            return _PEOPLE, "人", "人"
    if head.endswith("户") and not head.endswith("用户"):
        return _HOUSEHOLDS, "户", "户"
    return None
