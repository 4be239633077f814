"""One range of budget years (``model.FIRST_YEAR``..``LAST_YEAR``) for every way a year comes in: the
command line, a new workbook, a rollover, a workbook read, MODEL.md JSON, and the template's validation."""

from __future__ import annotations

import argparse
import json

import openpyxl
import pytest

from xl_tools.cli import parser
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import load_json
from xl_tools.model import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_ZH, Filing, is_budget_year
from xl_tools.newbook import new_workbook
from xl_tools.rollover import rollover
from xl_tools.workbook import build_workbook, read_filing

from .conftest import SEED_JSON

OUTSIDE = [FIRST_YEAR - 1, LAST_YEAR + 1]
INSIDE = [FIRST_YEAR, LAST_YEAR]


def test_the_range():
    assert [is_budget_year(y) for y in [*OUTSIDE, *INSIDE, True, "2025", None]] == [False] * 2 + [True] * 2 + [False] * 3


def test_the_command_line_takes_the_range():
    for year in INSIDE:
        assert parser.year(str(year)) == year
    for year in OUTSIDE:
        with pytest.raises(argparse.ArgumentTypeError, match=YEAR_RANGE_ZH):
            parser.year(str(year))


def test_new_workbooks_and_rollovers_take_the_range(tmp_path, seed_filing):
    for year in OUTSIDE:
        with pytest.raises(XlToolsError, match=YEAR_RANGE_ZH):
            new_workbook(tmp_path / f"{year}.xlsx", year=year)
        with pytest.raises(XlToolsError, match=YEAR_RANGE_ZH):
            rollover(seed_filing, year)
    assert rollover(seed_filing, LAST_YEAR).filing.year == LAST_YEAR


def test_json_takes_the_range(tmp_path):
    data = json.loads(SEED_JSON.read_text("utf-8"))
    for year, ok in [(FIRST_YEAR - 1, False), (FIRST_YEAR, True), (LAST_YEAR + 1, False)]:
        path = tmp_path / f"{year}.json"
        path.write_text(json.dumps({**data, "year": year}, ensure_ascii=False), "utf-8")
        if ok:
            assert load_json(path).year == year
        else:
            with pytest.raises(XlToolsError, match=YEAR_RANGE_ZH):
                load_json(path)


def test_a_workbook_read_takes_the_range_and_the_template_validates_it(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    sheet, ref = next(iter(wb.defined_names["预算年度"].destinations))
    for year, ok in [(FIRST_YEAR - 1, False), (LAST_YEAR, True), (LAST_YEAR + 1, False)]:
        wb[sheet][ref.replace("$", "")].value = year
        path = tmp_path / f"{year}.xlsx"
        wb.save(path)
        if ok:
            assert read_filing(path).year == year
        else:
            with pytest.raises(XlToolsError, match=YEAR_RANGE_ZH):
                read_filing(path)
    template = tmp_path / "template.xlsx"
    build_workbook(template, Filing())
    validations = openpyxl.load_workbook(template)["基本信息"].data_validations.dataValidation
    year_rule = next(v for v in validations if v.type == "whole")
    assert (int(year_rule.formula1), int(year_rule.formula2)) == (FIRST_YEAR, LAST_YEAR)
