"""Counts written in ten thousands (a Hunan trial: 「1.2万亩」 read as 1.2 of the unit 「万」): the value
grammar reads 万/亿 before a measure word as part of the unit (万亩, 万头, 万平方米), and the rules that
weigh a standard against the outputs count 1.2万亩 as 12,000 亩 — no false 「没有以亩计的数量」, and a
standard × quantity that matches the money is not flagged, while one that does not match still is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.rulecases import build
from xl_tools.rules import check
from xl_tools.valuegrammar import parse_value


@pytest.mark.parametrize("text, value, unit", [
    ("1.2万亩", "1.2", "万亩"), ("≥30万头（只）", "30", "万头"), ("5万平方米", "5", "万平方米"),
    ("3万人次以上", "3", "万人次"), ("250万元", "250", "万元"), ("2亿元", "2", "亿元"), ("100万以上", "100", "万"),
    ("≥5337.5亩", "5337.5", "亩"),
])
def test_ten_thousands_before_a_measure_word_are_part_of_the_unit(text, value, unit):
    v = parse_value(text)
    assert (v.kind, v.value, v.unit) == ("number", Decimal(value), unit)


def _farmland(area: str, total: str) -> list[tuple[str, str]]:
    filing = build({"year": 2026, "projects": [{"name": "高标准农田建设项目", "total": total, "indicators": [
        ["1-产出指标", "11-数量指标", "高标准农田建设面积", area, area],
        ["1-产出指标", "14-成本指标", "亩均建设成本", "≤1600元/亩", "≤1600元/亩"],
        ["2-效益指标", "22-社会效益", "安全生产事故发生数", "0次", "0次"],
        ["3-满意度指标", "31-服务对象满意度", "服务对象满意度", "≥90%", "≥90%"],
    ]}]})
    return [(f.code, f.message) for f in check(filing) if f.code.startswith("AMT")]


def test_an_area_in_ten_thousand_mu_is_the_quantity_a_per_mu_standard_goes_with():
    assert _farmland("1.2万亩", "1920") == []                     # 12,000 亩 × 1600 元 = 1920 万元
    assert _farmland("12000亩", "1920") == []                     # the same filing written out


def test_a_standard_times_ten_thousand_mu_far_from_the_money_is_still_flagged():
    got = _farmland("1.2万亩", "19200")                            # ten times the money 12,000 亩 need
    assert got == _farmland("12000亩", "19200") != []
    assert got[0][0] == "AMT009" and "12000亩 = 1,920.00 万元" in got[0][1]
    assert _farmland("1.2亩", "1920")[0][0] == "AMT009"             # and 1.2 亩 is not 1.2万亩
