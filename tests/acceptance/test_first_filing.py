"""A first filing typed by a person: what 基本信息 and the project rows are left without.

Each test is one thing a person did, run through the whole cycle (``cycle.run_cycle``) with the file
writer and with the xlwings remote engine.
"""

from __future__ import annotations

from decimal import Decimal

from tests.support.typist import Typist

from .cycle import DEPARTMENT, UNIT, YEAR, Scenario, from_new, from_template, run_cycle
from .filings import TOTAL, fills, indicator_row, type_filing, type_indicators, type_projects


def test_typed_three_projects_left_unit_totals_blank(engine, tmp_path):
    """``new --unit``: the unit's subtotal cells stay blank and mean the sum of the projects (no
    false AMT006); a blank 年度指标值 is the one error, fixed by typing it."""
    blank = f"绩效指标!G{indicator_row(2, 5)}"

    def typed(t: Typist):
        type_filing(t)
        t.clear(*blank.split("!"))

    def fix(t: Typist):
        t.type(*blank.split("!"), "≥90%")

    run_cycle(Scenario(
        start=from_new(), typed=typed, first=fills() + [f"VAL001 {blank}"], fix=fix, second=[],
        fixed=[blank], total=TOTAL), engine, tmp_path)


INFO_CELLS = {"year": ("基本信息!B3", YEAR, "FLG002"), "department": ("基本信息!B4", DEPARTMENT, "FLG001")}


def _template_without(field: str) -> Scenario:
    """The committed template filled in (units named on each project) except one cell of 基本信息,
    which the person types after the first refresh."""
    missing, value, code = INFO_CELLS[field]

    def typed(t: Typist):
        for ref, typed_value, _code in (v for k, v in INFO_CELLS.items() if k != field):
            t.type(*ref.split("!"), typed_value)
        type_filing(t, unit=UNIT)

    return Scenario(start=from_template, typed=typed, first=fills(unit=False) + [f"{code} {missing}"],
                    fix=lambda t: t.type(*missing.split("!"), value), second=[], fixed=[missing], total=TOTAL)


def test_left_the_department_blank(engine, tmp_path):
    """From the committed template: year typed, 部门名称 forgotten (公开表 would print an empty
    部门名称)."""
    run_cycle(_template_without("department"), engine, tmp_path)


def test_started_from_the_template_without_a_year(engine, tmp_path):
    """From the committed template: 部门名称 typed, 预算年度 forgotten."""
    run_cycle(_template_without("year"), engine, tmp_path)


def test_refreshed_before_typing_any_project(engine, tmp_path):
    """``new`` then 刷新 straight away: no project is an error (the table would go out empty); then
    the person types the whole filing, numbered and with its unit."""
    def fix(t: Typist):
        type_filing(t, numbered=True, unit=UNIT)

    run_cycle(Scenario(
        start=from_new(), typed=lambda t: None, first=["FLG004 项目!B2"], fix=fix, second=[],
        fixed=["项目!B2"], total=TOTAL, first_total=Decimal("0.00")), engine, tmp_path)


def test_named_two_units_but_left_a_project_without_one(engine, tmp_path):
    """Two funding units listed on 基本信息 with an empty row between them, their subtotals left
    blank; one project names no unit: the tool cannot guess which."""
    school, centre = UNIT, "某区教师发展中心"

    def typed(t: Typist):
        t.type("基本信息", "A12", school)
        t.type("基本信息", "A14", centre)
        type_projects(t)
        t.type("项目", "C2", school)
        t.type("项目", "C3", school)
        type_indicators(t)

    def fix(t: Typist):
        t.type("项目", "C4", centre)

    run_cycle(Scenario(
        start=from_new(unit=None), typed=typed,
        first=fills(unit=False) + ["FLG003 项目!C4"], fix=fix, second=[], fixed=["项目!C4"],
        total=TOTAL), engine, tmp_path)


def test_typed_unit_subtotals_that_do_not_add_up(engine, tmp_path):
    """The unit's 总计 typed from an old draft (150) while the projects add up to 180.50: a true
    AMT006; the person clears it and the blank cell means the sum again."""
    def typed(t: Typist):
        type_filing(t, numbered=True)
        t.type("基本信息", "B12", 150)

    def fix(t: Typist):
        t.clear("基本信息", "B12")

    run_cycle(Scenario(
        start=from_new(), typed=typed,
        first=[f"FIL002 项目!C{r}" for r in (2, 3, 4)] + ["AMT006 基本信息!B12"], fix=fix, second=[],
        fixed=["基本信息!B12"], total=TOTAL), engine, tmp_path)
