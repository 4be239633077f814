"""The value grammar: what an indicator value (实施周期指标值 / 年度指标值) says, as a ``ParsedValue``.

MODEL.md ("Parsed target") is the specification. A value is read in four steps:

1. **Normalise** (never shown to the user): ``textnorm.to_halfwidth`` (full-width digits, ％, ＞, ＜, ＝,
   （）, ～ ...), all white space removed, ``>=``/``=>``/``＞＝`` folded into ``≥`` (likewise ``≤``), the noise
   "（含）" dropped, and brackets around a unit right after a number removed ("100000（次）" → "100000次").
2. **Date** -- the first date-like phrase wins: "2024年6月30日", "2024-06-30", "2024/6/30", "2024.6.30",
   "2024年6月" (end of month), "2024年底/年末/年度内", "2024年上半年", "2024年第三季度", and without a year
   (taken from the ``year`` argument, else the value is text) "6月30日", "6月底", "年底", "上半年", "第三季度".
   The op is "<=" for 前/之前/以前/止/为止/内 after it or 截止/截至/不晚于/不迟于 before it, ">=" for
   后/之后/以后/起 or 不早于/晚于, "=" otherwise. An impossible date ("2024年2月30日") makes the value text.
3. **Range** -- two numbers joined by ``-``, ``~``, 至 or 到, low ≤ high, with one unit: "2-24小时",
   "80%-90%", "2至24小时".
4. **Number** -- every number (``144,000``, ``99.9``, ``-5``; a number glued to a Latin letter, as in
   "ISO9001", is an identifier and ignored) is read with the words around it:

   ``[prefix] [prefix op] NUMBER [unit] [suffix op] [左右] [rest]``

   - prefix ops: ≥ 不少于 不低于 至少 ... → ">=", ≤ 不超过 不高于 至多 ... → "<=", > 大于 超过 → ">",
     < 小于 低于 → "<", = 等于 → "=" (table ``PREFIX_OPS``); suffix ops: (及/或)以上 → ">=", (及/或)以下,
     以内, 之内, 内 → "<=" (``SUFFIX_OPS``). Chinese legal usage: 以上 and 以下 include the number.
     A bare number means "=".
   - unit: the longest known measure word (``KNOWN_UNITS``: %, 人次, 台套, 平方米, 个月, G ...), with
     per-units ("次/年"); else a run of Latin letters or one CJK character that is not a function word.
   - extra: ``prefix + ("…" + text after the number)`` when more than unit + suffix op follows the
     number, else ``prefix`` (+ "左右" when written): "培训不少于10名选手" → "培训…名选手",
     "平均≤6秒" → "平均", "约100人" → "约", "100人左右" → "左右".

   The number governed by an explicit operator wins ("…工业4.0项目…，交流走训不低于2次" → ">=" 2 次); with no
   operator a single number counts if a unit follows it or nothing does. Several numbers without an
   operator, an operator contradicted by the suffix ("≥5个以下"), or no number at all → text.

Anything else is text (定性: 好, 良好, 显著提升, 按月提供, 是 ...). ``parse_value`` never raises; results are
cached per (text, year), and every call returns a fresh ``ParsedValue``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from .textnorm import squash, to_halfwidth

__all__ = [
    "KINDS", "KNOWN_UNITS", "PLACEHOLDERS", "PREFIX_OPS", "SCALE_PREFIXES", "SUFFIX_OPS",
    "OP_SYMBOLS", "ParsedValue", "Placeholders", "dec_str", "op_symbol", "format_value", "is_blank", "is_percent", "is_placeholder", "parse_value",
]


@dataclass(slots=True)
class ParsedValue:
    """Parsed understanding of an indicator value (MODEL.md "parsed target")."""

    kind: str                      # number | range | date | text
    op: str | None = None          # >= <= > < =   (number, date)
    value: Decimal | None = None   # number
    low: Decimal | None = None     # range
    high: Decimal | None = None    # range
    unit: str = ""                 # number, range
    date: dt.date | None = None    # date
    extra: str = ""                # number, range, date

    def to_json(self) -> dict:
        if self.kind == "number":
            return {"kind": "number", "op": self.op, "value": dec_str(self.value), "unit": self.unit,
                    "extra": self.extra}
        if self.kind == "range":
            return {"kind": "range", "low": dec_str(self.low), "high": dec_str(self.high),
                    "unit": self.unit, "extra": self.extra}
        if self.kind == "date":
            return {"kind": "date", "op": self.op, "date": self.date.isoformat(), "extra": self.extra}
        return {"kind": "text"}


KINDS = ("number", "range", "date", "text")

GE, LE, GT, LT, EQ = ">=", "<=", ">", "<", "="

# Operator words written before the number.
PREFIX_OPS: dict[str, str] = {
    "≥": GE, "≮": GE, "不少于": GE, "不低于": GE, "不小于": GE, "至少": GE, "最少": GE, "最低": GE,
    "大于等于": GE, "大于或等于": GE, "高于或等于": GE, "多于或等于": GE, "不得少于": GE, "不得低于": GE,
    "不应少于": GE, "不应低于": GE,
    "≤": LE, "≯": LE, "不超过": LE, "不高于": LE, "不多于": LE, "不大于": LE, "至多": LE, "最多": LE,
    "最高": LE, "小于等于": LE, "小于或等于": LE, "低于或等于": LE, "少于或等于": LE, "不得超过": LE,
    "不得高于": LE, "不应超过": LE, "不应高于": LE,
    ">": GT, "大于": GT, "超过": GT, "高于": GT, "多于": GT, "超出": GT,
    "<": LT, "小于": LT, "低于": LT, "少于": LT, "不足": LT,
    "=": EQ, "等于": EQ,
}

# Operator words written after the number and its unit.
SUFFIX_OPS: dict[str, str] = {
    "以上": GE, "及以上": GE, "或以上": GE,
    "以下": LE, "及以下": LE, "或以下": LE, "以内": LE, "之内": LE, "内": LE,
}

# Measure words recognised after a number; anything else falls back to Latin letters or one CJK char.
KNOWN_UNITS: tuple[str, ...] = (
    "%", "‰", "℃", "°C", "㎡", "m²", "m³", "km²", "m2", "m3", "km2", "km", "kg", "kW", "kWh", "MW",
    "Mbps", "Gbps", "KB", "MB", "GB", "TB", "PB", "G", "M", "T", "K",
    "平方米", "平方公里", "平方千米", "平米", "立方米", "公里", "千米", "厘米", "毫米", "米", "公顷", "亩", "吨", "千克",
    "公斤", "克", "升", "毫升", "千瓦时", "千瓦", "度",
    "亿元", "万元", "千元", "元", "万人次", "万人", "万户", "万册", "万份", "万次", "万件", "万个", "万", "亿",
    "人次", "人天", "人日", "人月", "人年", "人", "名", "位", "户次", "户", "家", "所",
    "个百分点", "百分点", "个工作日", "工作日", "个月", "个", "项", "门", "件次", "件", "台套", "台次", "台班",
    "台", "套", "场次", "场", "批次", "批", "篇", "期", "课时", "学时", "学分", "小时", "分钟", "秒钟", "秒", "学期", "学年",
    "天", "日", "工日", "周", "季度", "月", "年", "支", "份", "间", "张", "本", "册", "条", "部", "辆",
    "架次", "架", "座", "栋", "幢", "处", "宗", "类", "种", "款", "班次", "班", "节", "段", "块", "片", "棵",
    "株", "只", "头", "盏", "根", "组", "队", "级", "星", "分", "倍", "例", "床", "层", "单", "笔", "页",
    "字", "章", "轮", "届", "车次", "趟", "站", "点", "岗", "村", "镇", "园", "校", "所次",
)

# Values that stand for "not filled in" (compared half-width, lower case, without spaces): a text that
# equals one of these words or contains one of two or more characters ("≥XX%", "待定（约90%）"); any run
# of the marks * _ - — / \ . … · ~ 、 x ? ("***", "——", "XXX") counts as well. The review rules VAL002,
# VAL003 and TXT002 use this list as the default of their configurable word list.
PLACEHOLDERS: frozenset[str] = frozenset({
    "*", "_", "-", "—", "/", "\\", "…", "x", "xx", "xxx", "?",
    "待定", "待补充", "待确定", "待填", "待填写", "暂无", "无", "略", "空", "不详", "未定", "n/a",
})
PLACEHOLDER_MARKS = re.compile(r"[*_\-—/\\.…·~、xX?？]+")

_CJK = "\u3400-\u9fff"
# Characters that never start a unit of their own (function words, operator starts, qualifiers).
_NOT_UNIT = "以之内左右及或至到的和与且并等是为每约前后余多上下第其即于在从对将已而也"
_SEPARATORS = " ,，、;；:：。.!！?？()（）[]【】\"'“”‘’"

# How an operator is written for people (helper columns, messages, canonical values); "=" is usually
# left out before a number, so callers choose its symbol (``op_symbol``).
OP_SYMBOLS = {GE: "≥", LE: "≤", GT: ">", LT: "<", EQ: "="}


def op_symbol(op: str | None, eq: str = "") -> str:
    """The symbol of a parsed operator; ``eq`` for "=" (and for no operator)."""
    return eq if op in (None, EQ) else OP_SYMBOLS.get(op, op)


def _alternation(words) -> str:
    """Regex alternation of literal words, longest first (so 不低于 is tried before 低于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _unit_alternation() -> str:
    parts = []
    for unit in sorted(set(KNOWN_UNITS), key=lambda w: (-len(w), w)):
        # A Latin unit must not be the start of a longer Latin word ("5Gxyz" is not 5 G).
        tail = "(?![A-Za-z])" if unit[-1].isascii() and unit[-1].isalpha() else ""
        parts.append(re.escape(unit) + tail)
    return "|".join(parts)


# --- normalisation --------------------------------------------------------------------------------

_WS = re.compile(r"[\s\u200b\ufeff]+")
_INCLUSIVE = re.compile(r"\((?:含|含本数|包含本数|包括本数)\)")
_OP_SPELLING = re.compile(r"≥=|>=|=>|≤=|<=|=<")
_OP_SPELLING_MAP = {"≥=": "≥", ">=": "≥", "=>": "≥", "≤=": "≤", "<=": "≤", "=<": "≤"}
_BRACKET_UNIT = re.compile(r"(?<=[0-9%])[(\[【]([^()\[\]【】0-9]{1,6})[)\]】]")
# 「=99百分比」「%=99百分比」: the unit 百分比 (exported by the budget-integration systems) is %; a % written
# before the operator is the unit column run into the value
_PERCENT_WORD = re.compile(r"(?<=[0-9])百分比")
_LEADING_PERCENT = re.compile(r"^%(?=[≥≤><=]|[0-9])")


def _normalise(text: str) -> str:
    """Parsing form of a value; each step only runs when its trigger characters occur (speed)."""
    s = to_halfwidth(text)                  # which looks for a character to change before changing any
    if " " in s or not s.isprintable():
        s = _WS.sub("", s)
    if "含" in s:
        s = _INCLUSIVE.sub("", s)
    if "=" in s:
        s = _OP_SPELLING.sub(lambda m: _OP_SPELLING_MAP[m.group()], s)
    if "(" in s or "[" in s or "【" in s:
        s = _BRACKET_UNIT.sub(r"\1", s)
    if "百分比" in s:
        s = _PERCENT_WORD.sub("%", s)
    if s.startswith("%"):
        s = _LEADING_PERCENT.sub("", s)
    return s


# --- numbers --------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?=[-0-9])"                           # (where a number can start: lets the scan skip the rest fast)
    r"(?:(?<![0-9A-Za-z%)\]])-)?"          # a minus only right before the digits, not after a number
    r"(?<![0-9A-Za-z.])"                   # not glued to a Latin identifier (ISO9001) or a decimal
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
)
# 万/亿 before a measure word is a count of ten thousands of it: 1.2万亩, 30万头, 5万平方米 (the money
# units 万元/亿元 and the listed 万人次 … read the same way)
SCALE_PREFIXES = {"万": 10_000, "亿": 100_000_000}
_SCALED_UNIT = "[万亿](?:" + "|".join(re.escape(u) for u in sorted(
    {u for u in KNOWN_UNITS if u[0] not in SCALE_PREFIXES and not u.endswith("元") and not u[0].isascii()},
    key=lambda w: (-len(w), w))) + ")"
_UNIT_ATOM = rf"(?:{_SCALED_UNIT}|{_unit_alternation()}|[A-Za-z]{{1,6}}(?![A-Za-z])|(?![{_NOT_UNIT}])[{_CJK}])"
# a per-part: 元/生, 元/人·年 (· joins units), 人次/学期, 例/10万 (a rate per 100,000: 10万 is the base);
# parts joined by a middle dot before any "/" too (人·次)
_JOIN = "[·・•]"
_PER_ATOM = rf"(?:{_unit_alternation()}|[{_CJK}])"
_PER_PART = rf"(?:[0-9]+(?:\.[0-9]+)?)?{_PER_ATOM}(?:{_JOIN}{_PER_ATOM})*"
_UNIT_PATTERN = (rf"(?:{_UNIT_ATOM}(?:{_JOIN}{_PER_ATOM})*(?:/{_PER_PART})*"
                 rf"|/[0-9]+(?:\.[0-9]+)?{_PER_ATOM}(?:{_JOIN}{_PER_ATOM})*)")


@cache
def _unit() -> re.Pattern:
    """``_UNIT_PATTERN`` compiled on the first number read: 20 ms (every known unit, four times over), which
    a command that imports the grammar and reads no value (``template``) does not pay."""
    return re.compile(_UNIT_PATTERN)


# What may follow a number, each optional, read in this order: 余/多 (only before a unit), the unit, a
# suffix operator, 左右 (one pattern of the four cost another 23 ms to compile; read one by one they need
# only ``_unit``: a unit never starts with 余, 多 or "/", so 余/多 is taken when a unit, not a "/…" part,
# follows it)
_SUFFIX_OP = re.compile(_alternation(SUFFIX_OPS))
_PREFIX_OP = re.compile(rf"(?:{_alternation(PREFIX_OPS)})$")
_PREFIX_OP_MAXLEN = max(map(len, PREFIX_OPS))
_APPROX = ("余", "多")
_RANGE_JOIN = re.compile(r"-|~|至(?![少多今])|到")


class _Number:
    """One number in the text with what is written right around it."""

    __slots__ = ("start", "num_start", "num_end", "end", "value", "unit", "pre_op", "suf_op", "qualifier")

    def __init__(self, s: str, match: re.Match) -> None:
        self.num_start, self.num_end = match.span()
        self.value = _decimal(match.group())
        end, approx, unit = self.num_end, "", None
        if s[end:end + 1] in _APPROX and not s.startswith("/", end + 1):
            unit = _unit().match(s, end + 1)
            if unit is not None:
                approx, end = s[end], end + 1
        if unit is None:
            unit = _unit().match(s, end)
        if unit is not None:
            end = unit.end()
        suffix = _SUFFIX_OP.match(s, end)
        if suffix is not None:
            end = suffix.end()
        qualifier = "左右" if s.startswith("左右", end) else ""
        self.unit = unit.group() if unit is not None else ""
        self.suf_op = SUFFIX_OPS[suffix.group()] if suffix is not None else None
        self.qualifier = approx + qualifier                   # 10余人 / 100人左右: kept in extra
        self.end = end + len(qualifier)
        prefix = (_PREFIX_OP.search(s, max(0, self.num_start - _PREFIX_OP_MAXLEN), self.num_start)
                  if self.num_start else None)
        self.pre_op = PREFIX_OPS[prefix.group()] if prefix else None
        self.start = prefix.start() if prefix else self.num_start

    @property
    def governed(self) -> bool:
        return self.pre_op is not None or self.suf_op is not None

    def op(self) -> str | None:
        """The operator, or None when the prefix and suffix contradict each other."""
        pre, suf = self.pre_op, self.suf_op
        if pre is None or suf is None or pre == suf:
            return pre or suf or EQ
        if {pre, suf} in ({GT, GE}, {LT, LE}):    # 超过100人以上: the prefix is the more precise
            return pre
        return None


def _decimal(text: str) -> Decimal:
    """The number as written, without separators, leading or trailing zeros ("007" → 7, "1.50" → 1.5)."""
    if "," in text:
        text = text.replace(",", "")
    if text.isdigit() and (text[0] != "0" or len(text) == 1):
        return Decimal(text)
    return Decimal(dec_str(Decimal(text)))


def _strip(text: str) -> str:
    return text.strip(_SEPARATORS)


def _extra(s: str, start: int, num_end: int, end: int, qualifier: str) -> str:
    """prefix + "…" + rest after the number, or prefix (+ qualifier) when only unit/op follow it."""
    prefix = _strip(s[:start])
    if _strip(s[end:]):
        return prefix + "…" + s[num_end:].rstrip(_SEPARATORS)
    return prefix + qualifier


def _parse_numbers(s: str) -> tuple | None:
    numbers = [_Number(s, m) for m in _NUMBER.finditer(s)]
    if not numbers:
        return None
    found = _find_range(s, numbers)
    if found:
        return found
    governed = [n for n in numbers if n.governed]
    if governed:
        chosen = governed[0]
    elif len(numbers) == 1 and (numbers[0].unit or not _strip(s[numbers[0].end:])):
        chosen = numbers[0]
    else:
        return None
    op = chosen.op()
    if op is None:
        return None
    extra = _extra(s, chosen.start, chosen.num_end, chosen.end, chosen.qualifier)
    return ("number", op, chosen.value, None, None, chosen.unit, None, extra)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number in a running text (a 绩效目标), read as a value is: operator, number, whole unit."""

    value: Decimal
    unit: str           # the longest known measure word: 人次 (not 人), 万元 (not 万), 平方米; "" if none
    op: str | None      # None when a prefix and a suffix operator contradict each other
    start: int          # where the prefix operator (or the number) starts
    num_start: int
    end: int            # after the unit and any suffix operator


@lru_cache(maxsize=8192)
def quantities(s: str) -> tuple[Quantity, ...]:
    """Every number in a normalised text (``textnorm.squash``) with its operator and unit, in order."""
    out = []
    for m in _NUMBER.finditer(s):
        n = _Number(s, m)
        out.append(Quantity(n.value, n.unit, n.op(), n.start, n.num_start, n.end))
    return tuple(out)


def _find_range(s: str, numbers: list[_Number]) -> tuple | None:
    for low, high in zip(numbers, numbers[1:]):
        between = s[low.num_end:high.num_start]
        high_value = high.value
        if s.startswith("-", high.num_start) and not _RANGE_JOIN.search(between):
            between, high_value = between + "-", -high_value     # "2小时-24小时": the minus is the join
        unit = _unit().match(between)
        low_unit = unit.group() if unit else ""
        if not _RANGE_JOIN.fullmatch(between, len(low_unit)) or low.value > high_value:
            continue
        if low_unit and high.unit and low_unit != high.unit:
            continue
        extra = _extra(s, low.num_start, high.num_end, high.end, high.qualifier)
        return ("range", None, None, low.value, high_value, high.unit or low_unit, None, extra)
    return None


# --- dates ----------------------------------------------------------------------------------------

def _days_in(year: int, month: int) -> int:
    """The days of a month (``calendar.monthrange`` without importing calendar and locale: 10 ms)."""
    return ((dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.date(year, month, 1)).days


_Y = r"(?<![0-9])(?P<{}>(?:19|20|21)[0-9]{{2}})"
_DATE = re.compile("|".join((
    _Y.format("y1") + r"年(?P<m1>[0-9]{1,2})月(?P<d1>[0-9]{1,2})(?:[日号]|(?![0-9]))",
    _Y.format("y2") + r"(?P<s2>[-/.])(?P<m2>[0-9]{1,2})(?P=s2)(?P<d2>[0-9]{1,2})(?:[日号]|(?![0-9]))",
    _Y.format("y3") + r"年(?P<m3>[0-9]{1,2})月份?(?:[底末]|(?![0-9]))",
    _Y.format("y4") + r"[-/.](?P<m4>[0-9]{1,2})(?:[底末]|(?=之前|以前|前|之后|以后|后|止|为止))",
    _Y.format("y5") + r"年度?(?:年?[底末]|(?=内|以内|之内))",
    _Y.format("y6") + r"年?度?(?P<h6>[上下])半年度?(?:[底末])?",
    _Y.format("y7") + r"年?度?第?(?P<q7>[一二三四1-4])季度(?:[底末])?",
    r"(?<![0-9年])(?P<m8>[0-9]{1,2})月(?P<d8>[0-9]{1,2})(?:[日号]|(?![0-9]))",
    r"(?<![0-9年])(?P<m9>[0-9]{1,2})月份?(?:[底末]|(?=之前|以前|前|之后|以后|后|内|止|为止))",
    r"(?<![0-9一二两三四五六七八九十百千半几多])(?P<y10>)年度?(?:年?[底末]|(?=内|以内|之内))",
    r"(?P<h11>[上下])半年度?(?:[底末])?",
    r"(?<![0-9])第?(?P<q12>[一二三四1-4])季度(?:[底末])?",
)))
_DATE_PREFIX_OPS = {
    "截止到": LE, "截至到": LE, "截止至": LE, "截止": LE, "截至": LE, "不晚于": LE, "不迟于": LE,
    "最迟于": LE, "最迟": LE, "最晚": LE, "早于": LE, "不早于": GE, "晚于": GE,
}
_DATE_SUFFIX_OPS = {
    "之前": LE, "以前": LE, "前": LE, "为止": LE, "止": LE, "以内": LE, "之内": LE, "内": LE,
    "之后": GE, "以后": GE, "后": GE, "起": GE,
}
_DATE_PREFIX_OP = re.compile(rf"(?:{_alternation(_DATE_PREFIX_OPS)})$")
_DATE_SUFFIX_OP = re.compile(_alternation(_DATE_SUFFIX_OPS))
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _period(g: dict, year: int | None) -> tuple[int | None, int, int, int | None]:
    """(year, first month, last month, day) of the matched date phrase; day None = a whole period."""
    for y, m, d in (("y1", "m1", "d1"), ("y2", "m2", "d2"), ("y3", "m3", None), ("y4", "m4", None),
                    (None, "m8", "d8"), (None, "m9", None)):
        if g[m] is not None:
            month = int(g[m])
            return (int(g[y]) if y else year), month, month, (int(g[d]) if d else None)
    if g["h6"] or g["h11"]:
        first = 1 if (g["h6"] or g["h11"]) == "上" else 7
        return (int(g["y6"]) if g["y6"] else year), first, first + 5, None
    if g["q7"] or g["q12"]:
        quarter = _QUARTERS[g["q7"] or g["q12"]]
        return (int(g["y7"]) if g["y7"] else year), 3 * quarter - 2, 3 * quarter, None
    return (int(g["y5"]) if g["y5"] else year), 1, 12, None


_DATE_HINT = re.compile(r"[年月季]|[0-9]{4}[-/.][0-9]")


def _parse_date(s: str, year: int | None) -> tuple | None:
    """("date", ...) for a date phrase, ("text", ...) for an impossible one, None when there is none."""
    match = _DATE.search(s) if _DATE_HINT.search(s) else None
    if match is None:
        return None
    y, first_month, last_month, day = _period(match.groupdict(), year)
    start, end = match.span()
    prefix = _DATE_PREFIX_OP.search(s, max(0, start - 3), start)
    suffix = _DATE_SUFFIX_OP.match(s, end)
    op = (_DATE_PREFIX_OPS[prefix.group()] if prefix else
          _DATE_SUFFIX_OPS[suffix.group()] if suffix else EQ)
    if y is None or not 1 <= first_month <= last_month <= 12:
        return _TEXT
    if day is None:
        month = first_month if op == GE else last_month
        day = 1 if op == GE else _days_in(y, month)
    else:
        month = first_month
    try:
        date = dt.date(y, month, day)
    except ValueError:
        return _TEXT
    rest_start = suffix.end() if suffix else end
    prefix_text = _strip(s[:prefix.start() if prefix else start])
    rest = _strip(s[rest_start:])
    extra = prefix_text + ("…" + rest if rest else "")
    return ("date", op, None, None, None, "", date, extra)


# --- public API -----------------------------------------------------------------------------------

_TEXT = ("text", None, None, None, None, "", None, "")


def is_blank(text: object) -> bool:
    """True for None and for text that is only white space (full-width spaces included)."""
    return text is None or (isinstance(text, str) and not squash(text))


class Placeholders:
    """The placeholder test for a word list (default ``PLACEHOLDERS``) on squashed text: only marks
    (``***``, ``——``), equal to a word, or containing a word of two or more characters — a Latin word
    only where it stands apart ("≥XX%" is a placeholder, "xx率100%" names a measure)."""

    def __init__(self, words) -> None:
        norm = sorted({squash(w).lower() for w in words if squash(w)}, key=len, reverse=True)
        self.exact = frozenset(norm)
        inside = [re.escape(w) for w in norm if len(w) >= 2 and not w.isascii()]
        latin = [re.escape(w) for w in norm if len(w) >= 2 and w.isascii()]
        # the words alone (a scan for their first characters, then the words where one stands), and the Latin
        # ones guarded apart, looked for only where one of them is written: one expression of both tries every
        # alternative at every character (a 200-character 绩效目标: 10 µs)
        self._inside = [("|".join(inside), "")] if inside else []
        if latin:                          # one guard for all of them: a character class of every CJK
            self._inside.append((f"(?:{'|'.join(latin)})",                                    # one costs 3 ms
                                 rf"(?<![a-z{_CJK}])(?:{'|'.join(latin)})(?![a-z{_CJK}])"))
        self._search = None                # compiled on the first text that is not only marks or a word

    def __call__(self, squashed: str) -> bool:
        s = squashed.lower()
        if not s:
            return False
        if PLACEHOLDER_MARKS.fullmatch(s) or s in self.exact:
            return True
        if self._search is None:
            self._search = [(re.compile(words).search, re.compile(guarded).search if guarded else None)
                            for words, guarded in self._inside]
        for words, guarded in self._search:
            if words(s) is not None and (guarded is None or guarded(s) is not None):
                return True
        return False


_DEFAULT_PLACEHOLDERS = Placeholders(PLACEHOLDERS)


def is_placeholder(text: object) -> bool:
    """True for a stand-in instead of a value: *, _, -, —, /, …, XXX, xx, 待定, 无, 略, N/A ... (not blank)."""
    return isinstance(text, str) and _DEFAULT_PLACEHOLDERS(squash(text))


def is_percent(target: ParsedValue) -> bool:
    """True for a number or range target in percent."""
    return target.kind in ("number", "range") and target.unit == "%"


@lru_cache(maxsize=65536)
def _parse(text: str, year: int | None) -> tuple:
    s = _normalise(text)
    if not s or _DEFAULT_PLACEHOLDERS(squash(s)):
        return _TEXT
    found = _parse_date(s, year) or _parse_numbers(s)
    return found or _TEXT


def parse_value(text: str | None, year: int | None = None) -> ParsedValue:
    """The parsed understanding of an indicator value (MODEL.md "Parsed target"); never raises.

    ``year`` is the budget year, used for dates written without one ("12月31日前", "年底前").
    Blank values, placeholders and prose give ``ParsedValue("text")`` (see ``is_blank``, ``is_placeholder``).
    A non-str value (a number read from a cell) is parsed as ``str(value)``.
    """
    if text is None:
        return ParsedValue("text")
    if not isinstance(text, str):
        text = str(text)
    if not isinstance(year, int) or isinstance(year, bool):
        year = None
    return ParsedValue(*_parse(text, year))


def dec_str(value: Decimal | None) -> str | None:
    """Plain decimal string: no exponent, no thousands separator, no trailing zeros ("144000", "99.9")."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        return "0"
    return text


def _split_extra(extra: str, unit: str) -> tuple[str, str, str, str]:
    """(prefix, rest after the number, approximation, qualifier) of an ``extra`` built by the parser."""
    if "…" in extra:
        prefix, _, rest = extra.partition("…")
        return prefix, rest, "", ""
    qualifier = approx = ""
    if extra.endswith("左右"):
        extra, qualifier = extra[:-2], "左右"
    if unit and extra.endswith(("余", "多")):       # 10余人: only read so before a unit
        extra, approx = extra[:-1], extra[-1]
    return extra, "", approx, qualifier


def _lead(prefix: str) -> str:
    """The prefix, with ":" added when it would otherwise glue onto the number ("G" + "0" → "G:0")."""
    if prefix and (prefix[-1].isascii() and prefix[-1].isalnum() or prefix[-1] in ".-,"):
        return prefix + ":"
    return prefix


def format_value(target: ParsedValue) -> str:
    """Canonical text for a target, which parses back to an equal target: "≥95%", "2-24小时",
    "2024年6月30日前", "培训≥10名选手". Text targets render as ""; a date op "<" / ">" as 前 / 后."""
    if target.kind == "date" and target.date is not None:
        prefix, _, rest = target.extra.partition("…")
        d = target.date
        word = {LE: "前", LT: "前", GE: "后", GT: "后"}.get(target.op or EQ, "")
        return f"{_lead(prefix)}{d.year}年{d.month}月{d.day}日{word}{rest}"
    prefix, rest, approx, qualifier = _split_extra(target.extra, target.unit)
    tail = rest or approx + target.unit + qualifier
    if target.kind == "number" and target.value is not None:
        symbol = op_symbol(target.op)
        if target.op == EQ and (any(c.isdigit() for c in prefix + rest) or (rest and not target.unit)):
            symbol = "="      # only an explicit "=" makes such a number the target
        return (prefix + symbol if symbol else _lead(prefix)) + dec_str(target.value) + tail
    if target.kind == "range" and target.low is not None and target.high is not None:
        low_unit = target.unit if rest and not rest.startswith(target.unit) else ""
        join = "~" if target.high < 0 else "-"
        return _lead(prefix) + dec_str(target.low) + low_unit + join + dec_str(target.high) + tail
    return ""
