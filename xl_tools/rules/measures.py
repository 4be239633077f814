"""What a parsed value measures: money, time, counts, grades. Shared by the guidance rules.

Word lists that a region may want to change are the rules' ``config_keys``; what is here is the
grammar of units (which units are money, time or counts), not policy.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..valuegrammar import ParsedValue

# money units → factor to 万元 (the table's unit)
MONEY_SCALE = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}
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
    return value * MONEY_SCALE[base_unit(unit)]


def is_grade(squashed: str) -> bool:
    """A qualitative value on an explicit graded scale: 良好, 优, A级, 二级及以上, 优/良/中/差."""
    return bool(_GRADE.match(squashed) or _SCALE_WORDS.search(squashed))


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))
