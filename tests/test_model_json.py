import json
from decimal import Decimal

import pytest

from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_from_json, filing_to_json, load_json
from xl_tools.money import NotMoney, fmt_money, fmt_thousands, parse_money

from .conftest import SEED_JSON


def test_seed_json_round_trips_losslessly():
    data = json.loads(SEED_JSON.read_text("utf-8"))
    filing = filing_from_json(data)
    assert len(filing.projects) == 13 and len(filing.indicators) == 76
    assert filing.total == Decimal("5138.68")
    assert isinstance(filing.projects[0].total, Decimal)
    assert filing_to_json(filing, with_targets=False) == data


def test_dump_adds_derived_targets_and_reader_ignores_them():
    filing = load_json(SEED_JSON)
    with_targets = filing_to_json(filing)
    ind = with_targets["projects"][0]["indicators"][0]
    assert set(ind) >= {"period_target", "annual_target"}
    again = filing_from_json(with_targets)
    assert filing_to_json(again) == with_targets


@pytest.mark.parametrize("raw,expected", [
    (600, "600.00"), (865.44, "865.44"), (1009.93, "1009.93"), ("1,009.93", "1009.93"),
    ("１００９．９３", "1009.93"), ("5,138.68", "5138.68"), (" 12 ", "12.00"), ("-", "0.00"),
    (Decimal("0.1"), "0.10"), (0.1 + 0.2, "0.30"),
])
def test_money_parsing_is_decimal_exact(raw, expected):
    assert fmt_money(parse_money(raw)) == expected


def test_money_keeps_extra_decimals_for_the_rules():
    assert parse_money("1.005") == Decimal("1.005")
    assert parse_money(1.005) == Decimal("1.005")


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "12万", True, float("nan"), "1,00"])
def test_money_rejects_non_numbers(raw):
    with pytest.raises(NotMoney):
        parse_money(raw)


def test_thousands_format():
    assert fmt_thousands(Decimal("5138.68")) == "5,138.68"
    assert fmt_thousands(None) == "0.00"


@pytest.mark.parametrize("data,needle", [
    ({"schema": "other@9"}, "schema"),
    ({"projects": [{"unit": "x"}]}, "projects[0].name"),
    ({"projects": [{"name": "a", "total": "abc"}]}, "projects[0].total"),
    ({"year": "2024"}, "year"),
    ([], "顶层"),
])
def test_bad_json_names_the_key(data, needle):
    with pytest.raises(XlToolsError) as exc:
        filing_from_json(data, source="f.json")
    assert needle in str(exc.value) and "f.json" in str(exc.value)
