"""The value grammar (xl_tools.valuegrammar): seed values, written-out cases, and properties."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_tools.valuegrammar import (
    KINDS,
    PLACEHOLDERS,
    ParsedValue,
    dec_str,
    format_value,
    is_blank,
    is_percent,
    is_placeholder,
    parse_value,
)

# ../shared/seeds next to the repository (MODEL.md); the tests that read it skip when it is absent.
SEED_JSON = Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json"  # bundled seed

PROPERTY = settings(max_examples=200, deadline=None)


def summary(t: ParsedValue) -> tuple:
    """(kind, op, value, unit): value is the number, "low..high" for a range, the ISO date for a date."""
    if t.kind == "number":
        return ("number", t.op, dec_str(t.value), t.unit)
    if t.kind == "range":
        return ("range", None, f"{dec_str(t.low)}..{dec_str(t.high)}", t.unit)
    if t.kind == "date":
        return ("date", t.op, t.date.isoformat(), "")
    return ("text", None, None, "")


def num(op: str, value: str, unit: str = "") -> tuple:
    return ("number", op, value, unit)


def rng(low: str, high: str, unit: str = "") -> tuple:
    return ("range", None, f"{low}..{high}", unit)


def date(op: str, iso: str) -> tuple:
    return ("date", op, iso, "")


TEXT = ("text", None, None, "")

# --- the seed: every distinct value of the 152 (76 indicators × 实施周期/年度), written out by hand --------

SEED_VALUES = {
    "校园维稳处理率100%": num("=", "100", "%"),
    "0次": num("=", "0", "次"),
    "90%": num("=", "90", "%"),
    "2位以上": num(">=", "2", "位"),
    "不少于20人": num(">=", "20", "人"),
    "满足工业4.0项目国家队其他地区的选手来我院进行交流训练的需要，交流走训不低于2次": num(">=", "2", "次"),
    "2个以上": num(">=", "2", "个"),
    "4个": num("=", "4", "个"),
    "3台": num("=", "3", "台"),
    "不少于1个": num(">=", "1", "个"),
    "不少于2项": num(">=", "2", "项"),
    "100%": num("=", "100", "%"),
    "2024年6月30日前": date("<=", "2024-06-30"),
    "培训不少于10名选手": num(">=", "10", "名"),
    "培养不少于5名选手参加技能竞赛": num(">=", "5", "名"),
    "满足世赛项目移动机器人国家队3支队伍队员训练需求": num("=", "3", "支"),
    "0": num("=", "0"),
    "≥95%": num(">=", "95", "%"),
    "95%": num("=", "95", "%"),
    "≥90%": num(">=", "90", "%"),
    "2": num("=", "2"),
    "291个": num("=", "291", "个"),
    "90%以上": num(">=", "90", "%"),
    "600平方米": num("=", "600", "平方米"),
    "＞144000件": num(">", "144000", "件"),
    "＞100000（次）": num(">", "100000", "次"),
    "＞1000（个）": num(">", "1000", "个"),
    "平均≤6秒": num("<=", "6", "秒"),
    "2-24小时": rng("2", "24", "小时"),
    "按月提供": TEXT,
    "1门": num("=", "1", "门"),
    "≥200人次": num(">=", "200", "人次"),
    "2人以上": num(">=", "2", "人"),
    "1个": num("=", "1", "个"),
    "30个以上": num(">=", "30", "个"),
    "新增设备4G": num("=", "4", "G"),
    "4G": num("=", "4", "G"),
    "≥5台套": num(">=", "5", "台套"),
    "99%以上": num(">=", "99", "%"),
    "99.9%": num("=", "99.9", "%"),
    "＞9000件": num(">", "9000", "件"),
    "＞300000（次）": num(">", "300000", "次"),
}

SEED_EXTRAS = {
    "校园维稳处理率100%": "校园维稳处理率",
    "培训不少于10名选手": "培训…名选手",
    "培养不少于5名选手参加技能竞赛": "培养…名选手参加技能竞赛",
    "满足世赛项目移动机器人国家队3支队伍队员训练需求": "满足世赛项目移动机器人国家队…支队伍队员训练需求",
    "满足工业4.0项目国家队其他地区的选手来我院进行交流训练的需要，交流走训不低于2次":
        "满足工业4.0项目国家队其他地区的选手来我院进行交流训练的需要,交流走训",
    "平均≤6秒": "平均",
    "新增设备4G": "新增设备",
    "＞100000（次）": "",
    "2-24小时": "",
    "2024年6月30日前": "",
}


def seed_values() -> list[str]:
    filing = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    return [ind[key] for p in filing["projects"] for ind in p["indicators"]
            for key in ("period_value", "annual_value")]


def test_seed_table_covers_every_seed_value():
    values = seed_values()
    assert len(values) == 152
    assert set(values) == set(SEED_VALUES)


def test_all_152_seed_values_parse_as_written_out():
    filing = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    for value in seed_values():
        assert summary(parse_value(value, filing["year"])) == SEED_VALUES[value], value


@pytest.mark.parametrize("text", list(SEED_VALUES))
def test_seed_value(text):
    assert summary(parse_value(text, 2024)) == SEED_VALUES[text]


@pytest.mark.parametrize("text,extra", list(SEED_EXTRAS.items()))
def test_seed_extra(text, extra):
    assert parse_value(text, 2024).extra == extra


def test_model_md_json_example():
    assert parse_value("校园维稳处理率100%", 2024).to_json() == {
        "kind": "number", "op": "=", "value": "100", "unit": "%", "extra": "校园维稳处理率"}
    assert parse_value("2-24小时").to_json() == {
        "kind": "range", "low": "2", "high": "24", "unit": "小时", "extra": ""}
    assert parse_value("2024年6月30日前").to_json() == {
        "kind": "date", "op": "<=", "date": "2024-06-30", "extra": ""}
    assert parse_value("按月提供").to_json() == {"kind": "text"}


# --- what an accountant types: (text, year, expected summary, expected extra or None) ------------------

CASES = [
    # operators written before the number, every spelling
    ("≥95%", None, num(">=", "95", "%"), ""),
    (">=95%", None, num(">=", "95", "%"), ""),
    ("＞=95%", None, num(">=", "95", "%"), ""),
    ("＞＝95％", None, num(">=", "95", "%"), ""),
    ("≧95%", None, num(">=", "95", "%"), ""),
    ("=>95%", None, num(">=", "95", "%"), ""),
    ("不少于20人", None, num(">=", "20", "人"), ""),
    ("不低于95%", None, num(">=", "95", "%"), ""),
    ("至少3次", None, num(">=", "3", "次"), ""),
    ("不小于10个", None, num(">=", "10", "个"), ""),
    ("大于等于90%", None, num(">=", "90", "%"), ""),
    ("大于或等于90%", None, num(">=", "90", "%"), ""),
    ("≤6秒", None, num("<=", "6", "秒"), ""),
    ("<=6秒", None, num("<=", "6", "秒"), ""),
    ("＜＝6秒", None, num("<=", "6", "秒"), ""),
    ("≦6秒", None, num("<=", "6", "秒"), ""),
    ("不超过5天", None, num("<=", "5", "天"), ""),
    ("不高于10%", None, num("<=", "10", "%"), ""),
    ("不多于3次", None, num("<=", "3", "次"), ""),
    ("至多2人", None, num("<=", "2", "人"), ""),
    ("小于等于5%", None, num("<=", "5", "%"), ""),
    (">100人", None, num(">", "100", "人"), ""),
    ("＞100人", None, num(">", "100", "人"), ""),
    ("大于100人", None, num(">", "100", "人"), ""),
    ("超过100人", None, num(">", "100", "人"), ""),
    ("高于80%", None, num(">", "80", "%"), ""),
    ("多于5家", None, num(">", "5", "家"), ""),
    ("<5%", None, num("<", "5", "%"), ""),
    ("＜5%", None, num("<", "5", "%"), ""),
    ("小于5%", None, num("<", "5", "%"), ""),
    ("低于3%", None, num("<", "3", "%"), ""),
    ("少于2次", None, num("<", "2", "次"), ""),
    ("=100%", None, num("=", "100", "%"), ""),
    # operators written after the number and its unit (以上/以下 include the number)
    ("90%以上", None, num(">=", "90", "%"), ""),
    ("2位以上", None, num(">=", "2", "位"), ""),
    ("30个以上", None, num(">=", "30", "个"), ""),
    ("10人及以上", None, num(">=", "10", "人"), ""),
    ("5%以下", None, num("<=", "5", "%"), ""),
    ("6个月以内", None, num("<=", "6", "个月"), ""),
    ("3个工作日内", None, num("<=", "3", "个工作日"), ""),
    ("24小时之内", None, num("<=", "24", "小时"), ""),
    ("100%以内", None, num("<=", "100", "%"), ""),
    ("2以上", None, num(">=", "2"), ""),
    ("90%以上（含）", None, num(">=", "90", "%"), ""),
    ("超过100人以上", None, num(">", "100", "人"), ""),
    ("不少于90%以上", None, num(">=", "90", "%"), ""),
    ("≥5个以下", None, TEXT, None),                       # contradicts itself
    # approximations and qualifiers go to extra, op stays "="
    ("约100人", None, num("=", "100", "人"), "约"),
    ("大约50人", None, num("=", "50", "人"), "大约"),
    ("100人左右", None, num("=", "100", "人"), "左右"),
    ("10余人", None, num("=", "10", "人"), "余"),
    ("平均≤6秒", None, num("<=", "6", "秒"), "平均"),
    ("平均响应时间≤30分钟", None, num("<=", "30", "分钟"), "平均响应时间"),
    ("满意度≥90%", None, num(">=", "90", "%"), "满意度"),
    ("每年不少于2次", None, num(">=", "2", "次"), "每年"),
    ("培训不少于10名选手", None, num(">=", "10", "名"), "培训…名选手"),
    ("3天内完成", None, num("<=", "3", "天"), "…天内完成"),
    # full width, white space, brackets, separators
    ("≥９５％", None, num(">=", "95", "%"), ""),
    ("不低于９５％", None, num(">=", "95", "%"), ""),
    ("≥ 95 %", None, num(">=", "95", "%"), ""),
    ("≥\u300095％\u3000", None, num(">=", "95", "%"), ""),
    ("＞100000（次）", None, num(">", "100000", "次"), ""),
    ("100000(人次/年)", None, num("=", "100000", "人次/年"), ""),
    ("10（万元）", None, num("=", "10", "万元"), ""),
    ("（≥95%）", None, num(">=", "95", "%"), ""),
    ("≥95%。", None, num(">=", "95", "%"), ""),
    ("144,000件", None, num("=", "144000", "件"), ""),
    ("≥1,000人次", None, num(">=", "1000", "人次"), ""),
    ("１４４，０００件", None, num("=", "144000", "件"), ""),
    ("1,234.50元", None, num("=", "1234.5", "元"), ""),
    # plain numbers and units
    ("0", None, num("=", "0"), ""),
    ("0次", None, num("=", "0", "次"), ""),
    ("０", None, num("=", "0"), ""),
    ("0.0%", None, num("=", "0", "%"), ""),
    ("99.90%", None, num("=", "99.9", "%"), ""),
    ("0.5‰", None, num("=", "0.5", "‰"), ""),
    ("600平方米", None, num("=", "600", "平方米"), ""),
    ("600㎡", None, num("=", "600", "㎡"), ""),
    ("600m²", None, num("=", "600", "m²"), ""),
    ("10万人次", None, num("=", "10", "万人次"), ""),
    ("50万元", None, num("=", "50", "万元"), ""),
    ("2次/年", None, num("=", "2", "次/年"), ""),
    ("12个月", None, num("=", "12", "个月"), ""),
    ("3年", None, num("=", "3", "年"), ""),
    ("3年内", None, num("<=", "3", "年"), ""),
    ("40课时", None, num("=", "40", "课时"), ""),
    ("5台套", None, num("=", "5", "台套"), ""),
    ("100Mbps", None, num("=", "100", "Mbps"), ""),
    ("4Ｇ", None, num("=", "4", "G"), ""),
    ("3辆", None, num("=", "3", "辆"), ""),              # not a known unit: one CJK measure word
    ("≥90分", None, num(">=", "90", "分"), ""),
    ("-5%", None, num("=", "-5", "%"), ""),
    ("增长率-5%", None, num("=", "-5", "%"), "增长率"),
    ("≥-5", None, num(">=", "-5"), ""),
    ("合格率100", None, num("=", "100"), "合格率"),
    ("工业4.0项目=3台", None, num("=", "3", "台"), "工业4.0项目"),
    # ranges
    ("2-24小时", None, rng("2", "24", "小时"), ""),
    ("2～24小时", None, rng("2", "24", "小时"), ""),
    ("2~24小时", None, rng("2", "24", "小时"), ""),
    ("2—24小时", None, rng("2", "24", "小时"), ""),
    ("2至24小时", None, rng("2", "24", "小时"), ""),
    ("2到24小时", None, rng("2", "24", "小时"), ""),
    ("2小时-24小时", None, rng("2", "24", "小时"), ""),
    ("80%-90%", None, rng("80", "90", "%"), ""),
    ("80-90%", None, rng("80", "90", "%"), ""),
    ("８０％～９０％", None, rng("80", "90", "%"), ""),
    ("1～3个工作日", None, rng("1", "3", "个工作日"), ""),
    ("3-5家", None, rng("3", "5", "家"), ""),
    ("2021-2025年", None, rng("2021", "2025", "年"), ""),
    ("-5~-3", None, rng("-5", "-3"), ""),
    ("10-5", None, TEXT, None),                           # low above high: not a range
    ("2小时-3天", None, TEXT, None),                      # two different units
    # dates
    ("2024年6月30日前", None, date("<=", "2024-06-30"), ""),
    ("2024年6月30日之前", None, date("<=", "2024-06-30"), ""),
    ("2024年6月30日以前", None, date("<=", "2024-06-30"), ""),
    ("2024年6月30日", None, date("=", "2024-06-30"), ""),
    ("2024年6月30号前", None, date("<=", "2024-06-30"), ""),
    ("２０２４年６月３０日前", None, date("<=", "2024-06-30"), ""),
    ("2024年6月30日后", None, date(">=", "2024-06-30"), ""),
    ("2024年6月30日以后", None, date(">=", "2024-06-30"), ""),
    ("截至2024年12月31日", None, date("<=", "2024-12-31"), ""),
    ("截止2024年12月31日", None, date("<=", "2024-12-31"), ""),
    ("不晚于2024年11月", None, date("<=", "2024-11-30"), ""),
    ("2024年6月30日前完成", None, date("<=", "2024-06-30"), "…完成"),
    ("完成于2024年6月30日前", None, date("<=", "2024-06-30"), "完成于"),
    ("自2024年1月1日起", None, date(">=", "2024-01-01"), "自"),
    ("2024年底前", None, date("<=", "2024-12-31"), ""),
    ("2024年年底前", None, date("<=", "2024-12-31"), ""),
    ("2024年末", None, date("=", "2024-12-31"), ""),
    ("2024年内", None, date("<=", "2024-12-31"), ""),
    ("2024年度内", None, date("<=", "2024-12-31"), ""),
    ("2024-06-30前", None, date("<=", "2024-06-30"), ""),
    ("2024-06-30", None, date("=", "2024-06-30"), ""),
    ("2024/6/30前", None, date("<=", "2024-06-30"), ""),
    ("2024.6.30前", None, date("<=", "2024-06-30"), ""),
    ("2024-06前", None, date("<=", "2024-06-30"), ""),
    ("2024年6月前", None, date("<=", "2024-06-30"), ""),
    ("2024年2月底前", None, date("<=", "2024-02-29"), ""),
    ("2023年2月底前", None, date("<=", "2023-02-28"), ""),
    ("2024年6月", None, date("=", "2024-06-30"), ""),
    ("2024年第三季度前", None, date("<=", "2024-09-30"), ""),
    ("2024年第1季度末", None, date("=", "2024-03-31"), ""),
    ("2024年上半年", None, date("=", "2024-06-30"), ""),
    ("2024年下半年", None, date("=", "2024-12-31"), ""),
    ("6月底前", 2024, date("<=", "2024-06-30"), ""),
    ("12月31日前", 2024, date("<=", "2024-12-31"), ""),
    ("12月前", 2024, date("<=", "2024-12-31"), ""),
    ("年底前", 2024, date("<=", "2024-12-31"), ""),
    ("年内", 2025, date("<=", "2025-12-31"), ""),
    ("上半年", 2024, date("=", "2024-06-30"), ""),
    ("第三季度前", 2024, date("<=", "2024-09-30"), ""),
    ("三季度前", 2024, date("<=", "2024-09-30"), ""),
    ("6月底前", None, TEXT, None),                        # no year known
    ("12月31日前", None, TEXT, None),
    ("年底前", None, TEXT, None),
    ("2024年2月30日", None, TEXT, None),                  # no such day
    ("2024年13月前", None, TEXT, None),
    ("2024-02-30前", None, TEXT, None),
    # not dates
    ("2024-06", None, TEXT, None),
    ("两年内完成", 2024, TEXT, None),
    ("12月", None, num("=", "12", "月"), ""),
    # qualitative (定性) values and prose
    ("按月提供", None, TEXT, None),
    ("好", None, TEXT, None),
    ("较好", None, TEXT, None),
    ("良好", None, TEXT, None),
    ("优", None, TEXT, None),
    ("显著提升", None, TEXT, None),
    ("明显改善", None, TEXT, None),
    ("有所提高", None, TEXT, None),
    ("稳步提升", None, TEXT, None),
    ("逐步提高", None, TEXT, None),
    ("持续改善", None, TEXT, None),
    ("达标", None, TEXT, None),
    ("合格", None, TEXT, None),
    ("完成", None, TEXT, None),
    ("是", None, TEXT, None),
    ("否", None, TEXT, None),
    ("通过ISO9001认证", None, TEXT, None),                # a number glued to letters is an identifier
    ("2024年完成3个项目", None, TEXT, None),              # several numbers, no operator
    ("5G基站30个", None, TEXT, None),
    ("一等奖", None, TEXT, None),
    # placeholders and blanks
    ("", None, TEXT, None),
    ("   ", None, TEXT, None),
    ("\u3000", None, TEXT, None),
    ("-", None, TEXT, None),
    ("—", None, TEXT, None),
    ("*", None, TEXT, None),
    ("XXX", None, TEXT, None),
    ("待定", None, TEXT, None),
    ("无", None, TEXT, None),
    ("/", None, TEXT, None),
]


@pytest.mark.parametrize("text,year,expected,extra", CASES, ids=[f"{i}:{c[0]}" for i, c in enumerate(CASES)])
def test_case(text, year, expected, extra):
    target = parse_value(text, year)
    assert summary(target) == expected
    if extra is not None:
        assert target.extra == extra
    assert target.kind in KINDS


def test_enough_cases():
    assert len(CASES) >= 80


# --- helpers ---------------------------------------------------------------------------------------

def test_none_and_non_str():
    assert parse_value(None) == ParsedValue("text")
    assert summary(parse_value(95)) == num("=", "95")
    assert summary(parse_value(Decimal("99.90"))) == num("=", "99.9")


def test_year_only_matters_for_dates_without_one():
    assert parse_value("2024年底前", 2030).date == dt.date(2024, 12, 31)
    assert parse_value("≥95%", 2024) == parse_value("≥95%")


def test_results_are_fresh_objects():
    first = parse_value("≥95%")
    first.value = Decimal("1")
    first.unit = "changed"
    again = parse_value("≥95%")
    assert again is not first
    assert summary(again) == num(">=", "95", "%")


@pytest.mark.parametrize("text", ["", " ", "\u3000\n", None])
def test_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["0", "-", "无", "好"])
def test_is_not_blank(text):
    assert not is_blank(text)


@pytest.mark.parametrize("text", ["*", "**", "_", "__", "-", "--", "—", "——", "/", "\\", "…", "……",
                                  "XXX", "xx", "x", "待定", "无", "略", "暂无", "N/A", " * ", "？"])
def test_is_placeholder(text):
    assert is_placeholder(text)
    assert parse_value(text).kind == "text"


@pytest.mark.parametrize("word", sorted(PLACEHOLDERS))
def test_every_listed_placeholder_is_one(word):
    assert is_placeholder(word) and is_placeholder(word.upper()) and is_placeholder(f" {word}\u3000")


@pytest.mark.parametrize("text", ["", "  ", None, "0", "好", "≥95%", "无锡", "-5%", "xx率100%"])
def test_is_not_placeholder(text):
    assert not is_placeholder(text)


def test_is_percent():
    assert is_percent(parse_value("≥95%"))
    assert is_percent(parse_value("80%-90%"))
    assert not is_percent(parse_value("95人"))
    assert not is_percent(parse_value("好"))
    assert not is_percent(parse_value("2024年底前"))


@pytest.mark.parametrize("value,text", [
    (Decimal("144000"), "144000"), (Decimal("99.9"), "99.9"), (Decimal("99.90"), "99.9"),
    (Decimal("0"), "0"), (Decimal("0.00"), "0"), (Decimal("-0"), "0"), (Decimal("-0.0"), "0"),
    (Decimal("1E+2"), "100"), (Decimal("1E+2").normalize(), "100"), (Decimal("100").normalize(), "100"),
    (Decimal("1.5E-7"), "0.00000015"), (Decimal("-12.50"), "-12.5"), (Decimal("5138.68"), "5138.68"),
    (None, None),
])
def test_dec_str(value, text):
    assert dec_str(value) == text


@pytest.mark.parametrize("text,canonical", [
    ("≥95%", "≥95%"), ("90%以上", "≥90%"), ("不少于20人", "≥20人"), ("＞100000（次）", ">100000次"),
    ("2～24小时", "2-24小时"), ("2024年6月30日前", "2024年6月30日前"), ("2024年底前", "2024年12月31日前"),
    ("2024年6月30日后", "2024年6月30日后"), ("2024-06-30", "2024年6月30日"),
    ("培训不少于10名选手", "培训≥10名选手"), ("平均≤6秒", "平均≤6秒"), ("100人左右", "100人左右"),
    ("10余人", "10余人"), ("144,000件", "144000件"), ("0次", "0次"), ("好", ""),
])
def test_format_target(text, canonical):
    target = parse_value(text, 2024)
    assert format_value(target) == canonical
    assert parse_value(canonical, 2024) == target


def test_format_target_of_hand_built_targets():
    assert format_value(ParsedValue("number", op="<", value=Decimal("5.00"), unit="%")) == "<5%"
    assert format_value(ParsedValue("range", low=Decimal("1E+1"), high=Decimal("2E+1"), unit="人")) == "10-20人"
    assert format_value(ParsedValue("date", op="<", date=dt.date(2024, 6, 30))) == "2024年6月30日前"
    assert format_value(ParsedValue("text")) == ""


def test_many_distinct_values_parse_quickly():
    """A guard against pathological regex backtracking, not a benchmark (generous on a loaded box)."""
    import time
    values = [f"{prefix}{n}{unit}{suffix}" for n in range(700)
              for prefix, unit, suffix in (("≥", "%", ""), ("不少于", "人", ""), ("", "个", "以上"),
                                           ("培训不少于", "名选手", ""), ("", "-24小时", ""), ("平均≤", "秒", ""),
                                           ("满足工业4.0项目国家队需要，交流走训不低于", "次", ""))]
    start = time.perf_counter()
    for value in values:
        parse_value(value, 2024)
    assert time.perf_counter() - start < 2.5      # ~5,000 values; typically ~0.05 s


# --- properties -----------------------------------------------------------------------------------

UNITS = ["", "%", "‰", "人", "人次", "次", "个", "台", "台套", "项", "门", "名", "位", "件", "平方米", "㎡",
         "小时", "天", "个月", "万元", "元", "公里", "支", "G", "份", "场", "所", "家", "户", "套", "批", "篇",
         "期", "课时", "学时", "间", "秒", "分钟", "个工作日", "次/年"]
PREFIXES = ["", "平均", "约", "合格率", "培训", "新增设备", "满意度", "每年", "工业4.0项目"]
TAIL_WORDS = ["选手", "参加培训", "以上的学员"]
OPS = [">=", "<=", ">", "<", "="]

decimals = st.one_of(
    st.integers(min_value=-10**6, max_value=10**9).map(Decimal),
    st.decimals(min_value=-10**6, max_value=10**9, places=1),
    st.decimals(min_value=0, max_value=1000, places=3),
)


@st.composite
def number_targets(draw) -> ParsedValue:
    unit = draw(st.sampled_from(UNITS))
    prefix = draw(st.sampled_from(PREFIXES))
    op = draw(st.sampled_from(OPS))
    tail = draw(st.sampled_from([""] + TAIL_WORDS)) if unit and unit != "次/年" else ""
    qualifier = draw(st.sampled_from(["", "左右"])) if not tail else ""
    if tail:
        extra = prefix + "…" + unit + tail
    else:
        extra = prefix + qualifier
    if tail.startswith("以上") and op not in (">=", ">"):
        op = ">="
    return ParsedValue("number", op=op, value=draw(decimals), unit=unit, extra=extra)


@st.composite
def range_targets(draw) -> ParsedValue:
    a = draw(st.decimals(min_value=0, max_value=10**6, places=draw(st.integers(0, 2))))
    b = draw(st.decimals(min_value=0, max_value=10**6, places=draw(st.integers(0, 2))))
    unit = draw(st.sampled_from(UNITS))
    prefix = draw(st.sampled_from(["", "平均", "每年", "响应时间"]))
    return ParsedValue("range", low=min(a, b), high=max(a, b), unit=unit, extra=prefix)


@st.composite
def date_targets(draw) -> ParsedValue:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
    op = draw(st.sampled_from(["<=", "=", ">="]))
    prefix = draw(st.sampled_from(["", "完成于", "于", "验收"]))
    rest = draw(st.sampled_from(["", "完成", "交付使用"]))
    return ParsedValue("date", op=op, date=day, extra=prefix + ("…" + rest if rest else ""))


targets = st.one_of(number_targets(), range_targets(), date_targets())


@PROPERTY
@given(targets)
def test_format_then_parse_gives_the_same_target(target):
    text = format_value(target)
    assert parse_value(text) == target, text


FULL_WIDTH_OPS = {"≥": ["≥", ">=", "＞＝", "＞=", "≧", "⩾", "大于等于"], "≤": ["≤", "<=", "＜＝", "≦", "⩽", "小于等于"],
                  "-": ["-", "－", "—", "–", "−"], "~": ["~", "～", "〜"]}


@st.composite
def width_variants(draw) -> tuple[str, str]:
    text = format_value(draw(targets))
    out = []
    for ch in text:
        if ch in FULL_WIDTH_OPS:
            ch = draw(st.sampled_from(FULL_WIDTH_OPS[ch]))
        elif "!" <= ch <= "~" and draw(st.booleans()):
            ch = chr(ord(ch) + 0xFEE0)
        if draw(st.integers(0, 9)) == 0:
            ch += draw(st.sampled_from([" ", "\u3000", "\u00a0"]))
        out.append(ch)
    return text, "".join(out)


@PROPERTY
@given(width_variants())
def test_full_width_and_spaced_variants_parse_identically(pair):
    text, variant = pair
    assert parse_value(variant) == parse_value(text), variant


GRAMMAR_ALPHABET = list("0123456789.,-~%/()（）０５％＞＜＝≥≤><=年月日号前后底末内以上下不少于低超过至到约左右"
                        "平均个次人小时季度第一三半余多含元万G ")


@PROPERTY
@given(st.text(), st.one_of(st.none(), st.integers(min_value=1900, max_value=2199)))
def test_never_raises_on_any_text(text, year):
    target = parse_value(text, year)
    assert target.kind in KINDS
    json.dumps(target.to_json())


@PROPERTY
@given(st.text(alphabet=GRAMMAR_ALPHABET, max_size=16), st.one_of(st.none(), st.just(2024)))
def test_never_raises_on_grammar_soup(text, year):
    target = parse_value(text, year)
    assert target.kind in KINDS
    json.dumps(target.to_json())
    assert isinstance(format_value(target), str)


@PROPERTY
@given(st.decimals(min_value=-10**15, max_value=10**15, allow_nan=False, allow_infinity=False))
def test_dec_str_round_trips(value):
    text = dec_str(value)
    assert Decimal(text) == value
    assert "e" not in text.lower() and "," not in text
    assert not text.endswith(".")
    assert "." not in text or not text.endswith("0")
    assert text != "-0"
