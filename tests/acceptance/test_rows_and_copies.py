"""Rows added and deleted, and a copy saved by LibreOffice. Each test is one thing a person did, run
through the whole cycle (``cycle.run_cycle``) with the file writer and with the xlwings remote
engine."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import needs_soffice, soffice_convert
from tests.support.typist import Typist

from .cycle import DEPARTMENT, UNIT, YEAR, Scenario, from_new, from_template, run_cycle
from .filings import (
    INDICATORS,
    PER_PROJECT,
    PROJECTS,
    TOTAL,
    type_filing,
    type_indicators,
    type_projects,
)


def test_added_a_project_below_the_table_after_an_empty_row(engine, tmp_path):
    """Two projects typed into the table, the third after an empty row (outside the Excel table),
    without its 绩效目标 and before its indicators: the new row's cells were never formatted."""
    def typed(t: Typist):
        type_projects(t, numbered=True, only=[0, 1])
        name, total, fiscal, _target = PROJECTS[2]
        t.project(5, name, total=total, fiscal=fiscal, no=3)
        type_indicators(t, numbered=True, only=[0, 1])
        assert t.table_ref("项目") == "A1:I3"            # row 5 is outside the table

    def fix(t: Typist):
        t.type("项目", "H5", PROJECTS[2][3])
        row = 2 + 2 * PER_PROJECT
        for k, spec in enumerate(INDICATORS[PROJECTS[2][0]], start=1):
            t.indicator(row + k - 1, PROJECTS[2][0], *spec, no=k)

    run_cycle(Scenario(
        start=from_new(), typed=typed,
        first=[f"FIL002 项目!C{r}" for r in (2, 3, 5)] + ["STR001 项目!H5", "STR002 项目!B5"], fix=fix,
        second=[], fixed=["项目!H5", "项目!B5"], total=TOTAL), engine, tmp_path)


def test_deleted_a_stray_project_row_after_the_first_refresh(engine, tmp_path):
    """A half-typed row (a name only) between two projects is flagged; the person deletes the whole
    row, the rows below move up, and the cells that move into its place are not left coloured."""
    def typed(t: Typist):
        type_projects(t, numbered=True, unit=UNIT, only=[0])
        t.project(3, "待定项目", no=2)
        type_projects(t, first_row=4, numbered=True, unit=UNIT, only=[1, 2])
        type_indicators(t, numbered=True)

    def fix(t: Typist):
        t.delete_rows("项目", 3)
        for r, no in ((3, 2), (4, 3)):
            t.type("项目", f"A{r}", no)

    stray = ["FIL002 项目!C3", "STR001 项目!H3", "STR002 项目!B3", "AMT008 项目!D3"]
    run_cycle(Scenario(
        start=from_new(), typed=typed, first=stray, fix=fix, second=[],
        fixed=["项目!H3", "项目!B3", "项目!D3"], moved_from={f"项目!{c}3": f"项目!{c}4" for c in "HBD"},
        total=TOTAL), engine, tmp_path)


def test_deleted_a_project_but_kept_its_indicators(engine, tmp_path):
    """The equipment project's row deleted (it moved to next year), its six indicator rows left
    behind: each is an indicator of no project. The person then deletes them too."""
    first_ind = 2 + PER_PROJECT                      # the equipment project's indicators

    def typed(t: Typist):
        type_filing(t, numbered=True, unit=UNIT)
        t.delete_rows("项目", 3)
        t.type("项目", "A3", 2)

    def fix(t: Typist):
        t.delete_rows("绩效指标", first_ind, PER_PROJECT)

    orphans = [f"绩效指标!A{r}" for r in range(first_ind, first_ind + PER_PROJECT)]
    remaining = TOTAL - Decimal(str(PROJECTS[1][1]))
    rolled = ["AMT008 项目!D2", "AMT008 项目!D3", "VAL010 绩效指标!F4", f"VAL010 绩效指标!F{4 + PER_PROJECT}"]
    run_cycle(Scenario(
        start=from_new(), typed=typed, first=[f"STR011 {c}" for c in orphans], fix=fix, second=[],
        fixed=orphans, total=remaining, rolled=rolled), engine, tmp_path)


@needs_soffice
def test_saved_a_copy_with_libreoffice(engine, tmp_path):
    """The template filled in and saved by LibreOffice Calc (its own styles, table and names), with a
    总计 that does not add up; corrected in that copy."""
    def typed(t: Typist):
        t.type("基本信息", "B3", YEAR)
        t.type("基本信息", "B4", DEPARTMENT)
        type_filing(t, numbered=True, unit=UNIT)
        t.type("项目", "D3", 60)                       # 财政拨款 50

    def saved_by_libreoffice(path):
        out = tmp_path / "calc"
        out.mkdir()
        return soffice_convert(path, "xlsx", out)

    def fix(t: Typist):
        t.type("项目", "D3", 50)

    run_cycle(Scenario(
        start=from_template, typed=typed, prepare=saved_by_libreoffice, first=["AMT001 项目!D3"], fix=fix,
        second=[], fixed=["项目!D3"], total=TOTAL, first_total=TOTAL + 10), engine, tmp_path)
