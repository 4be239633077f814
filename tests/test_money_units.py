"""The money units (元, 千元, 万元, 亿元) and how many 万元 each is: one table, ``money.WAN_PER``, that the model
(a filing put in another unit), the rules (a table's amounts and a value's money in 万元) and the drafts and
messages that turn 元 into 万元 all use — a unit added or changed there is added or changed everywhere."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import xl_tools
from xl_tools import money
from xl_tools.diff.compare import diff_filings
from xl_tools.model import Filing, Project, Unit, amounts_in, filing_in_unit
from xl_tools.rules import measures
from xl_tools.rules.base import Context
from xl_tools.rules.drafts import money as per_unit_money
from xl_tools.valuegrammar import parse_value

PACKAGE = Path(xl_tools.__file__).parent


def test_the_table_is_the_one_every_layer_reads():
    assert measures.MONEY_SCALE is money.WAN_PER
    assert money.WAN_PER[money.WAN] == 1
    assert money.YUAN_PER_WAN == 1 / money.WAN_PER["元"] == money.WAN_PER["亿元"]


def test_no_module_writes_a_money_factor_of_its_own():
    """A second table, or a literal 10000 turning 元 into 万元, would drift from the one in money.py."""
    own = re.compile(r"""["'](?:千|万|亿)?元["']\s*:\s*Decimal|Decimal\(\s*["']?0\.0001|[*/]\s*10_?000\b(?!\d)"""
                     r"|\b10_?000\s*[*/]|Decimal\(\s*10_?000\s*\)")
    found = [f"{path.relative_to(PACKAGE)}:{k}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py")) if path.name != "money.py"
             for k, line in enumerate(path.read_text("utf-8").splitlines(), 1) if own.search(line)]
    assert found == []


@pytest.mark.parametrize("unit", list(money.WAN_PER))
def test_each_layer_puts_an_amount_of_each_unit_in_wan_alike(unit):
    amount = Decimal("12345.67")
    wan = amount * money.WAN_PER[unit]
    ctx = Context(Filing(2024, "某部门", money_unit=unit))
    assert ctx.to_wan(amount) == wan                                       # the table's amounts (AMT009, STR015)
    assert measures.to_wan(amount, unit) == measures.to_wan(amount, f"{unit}/人") == wan    # a value's money
    project = Project("某项目", "某单位", total=amount, fiscal=amount)
    assert amounts_in(project, unit, money.WAN).total == wan.quantize(money.CENT)    # the model's
    t = parse_value(f"{amount}{unit}")
    assert measures.is_money(t) and measures.to_wan(t.value, t.unit) == wan


def test_a_filing_in_thousands_of_yuan_is_put_in_wan():
    """A table imported with 单位：千元 is compared in 万元 (``diff``: 「均换算为万元比较」), not left as it was."""
    filing = Filing(2024, "某部门", money_unit="千元", total=Decimal("3309.84"),
                    units=[Unit("某单位", total=Decimal("3309.84"))],
                    projects=[Project("某项目", "某单位", total=Decimal("3309.84"), fiscal=Decimal("3309.84"))])
    wan = filing_in_unit(filing, money.WAN)
    assert (wan.money_unit, wan.total, wan.units[0].total, wan.projects[0].total) == \
        ("万元", Decimal("330.98"), Decimal("330.98"), Decimal("330.98"))
    same = Filing(2024, "某部门", money_unit="万元", total=Decimal("330.98"),
                  projects=[Project("某项目", "某单位", total=Decimal("330.98"), fiscal=Decimal("330.98"))])
    compared = diff_filings(filing, same)                # the same money in two units: no change of money
    assert [(m.old.total, m.new.total, m.money) for m in compared.matched] == [(Decimal("330.98"), Decimal("330.98"), [])]


def test_the_drafts_per_unit_money_turns_yuan_into_wan_by_the_table():
    assert per_unit_money(Decimal("2000")) == "2000元"
    assert per_unit_money(Decimal("150000")) == "15万元"
