"""Projects of the same name (two units' 「安保和物业管理服务经费」, or one unit listing a name twice) keep
their own indicators through the workbook: 绩效指标 then gives each row its project's 序号 (项目序号,
``projectlinks``), and a row whose project cannot be told is reported, never given to the first project of
its name (a trial: the 审核汇总 of two units imported, 46 indicators all on the first unit's 3 projects)."""

from __future__ import annotations

import copy

import openpyxl
import pytest

from tests.support.mail_inbox import unit_filing, write_filing
from xl_tools import app
from xl_tools.cli import main
from xl_tools.projectlinks import PROJECT_NO
from xl_tools.rules import check
from xl_tools.workbook import build_workbook, read_filing
from xl_tools.workbook import template as template_module

UNITS = {"甲市第一中学": "0.1", "甲市第二中学": "0.2"}


def _lines(project) -> list[tuple]:
    return [(i.no, i.level1_label, i.level2_label, i.name, i.period_value, i.annual_value) for i in project.indicators]


def _by_project(filing) -> dict[tuple[str, str], list[tuple]]:
    return {(p.unit, p.name): _lines(p) for p in filing.projects}


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    """The 审核汇总 of two units whose three projects have the same names, and what each unit filed."""
    root = tmp_path_factory.mktemp("two_units")
    inbox = root / "收件箱"
    inbox.mkdir()
    filed = {}
    for unit, factor in UNITS.items():
        filed[unit] = unit_filing(unit, factor, year=2025)
        write_filing(inbox / f"{unit}.xlsx", filed[unit], None)
    assert main(["batch", str(inbox), "-o", str(root / "审核汇总.xlsx")]) in (0, 1)
    return root / "审核汇总.xlsx", filed


def test_the_review_imported_keeps_every_indicator_with_its_own_project(review, tmp_path):
    path, filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    back = read_filing(out)
    expected = {(p.unit, p.name): _lines(p) for f in filed.values() for p in f.projects}
    assert len({name for _unit, name in expected}) == 3 and len(expected) == 6
    assert _by_project(back) == expected
    assert sum(len(v) for v in expected.values()) == 46 and not back.orphan_indicators
    codes = {f.code for f in check(back)}
    assert not codes & {"STR002", "STR011", "STR012"}, codes
    # the rows say which project: 项目序号 beside the region's columns, and the 说明 says what it is for
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效指标"]
    header = [c.value for c in ws[1]]
    col = header.index(PROJECT_NO)
    numbers = {(r[0].value, r[col].value) for r in ws.iter_rows(min_row=2) if r[0].value}
    assert {n for _name, n in numbers} == {1, 2, 3, 4, 5, 6}
    assert any(PROJECT_NO in str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)


def test_a_check_of_the_imported_review_counts_each_units_indicators(review, tmp_path, capsys):
    path, _filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    capsys.readouterr()
    main(["check", str(out)])
    said = capsys.readouterr().out
    assert "STR002" not in said and "STR012" not in said and "（项目 6 个，指标 46 个）" in said


def test_a_filing_without_shared_names_has_no_key_column(seed_workbook):
    header = [c.value for c in openpyxl.load_workbook(seed_workbook)["绩效指标"][1]]
    assert PROJECT_NO not in header


def _one_unit_twice(seed_filing):
    """One unit listing 「X」 twice, each with its own indicators."""
    f = copy.deepcopy(seed_filing)
    f.projects = f.projects[:3]
    f.projects[2].name = f.projects[0].name
    return f


def test_one_unit_listing_a_name_twice_keeps_both_projects_indicators(seed_filing, tmp_path):
    filing = _one_unit_twice(seed_filing)
    build_workbook(tmp_path / "twice.xlsx", filing)
    back = read_filing(tmp_path / "twice.xlsx", strict=False)
    assert [_lines(p) for p in back.projects] == [_lines(p) for p in filing.projects]
    found = [f for f in check(back) if f.code in ("STR002", "STR011", "STR012")]
    assert [(f.code, f.cell) for f in found] == [("STR012", "B4")]     # the name, once: the indicators are fine


def test_a_workbook_of_the_old_layout_reports_rows_it_cannot_tell_apart(seed_filing, tmp_path, monkeypatch):
    """Written as before (no 项目序号): the rows of a shared name belong to no project and say why, never
    to the first project of that name."""
    filing = _one_unit_twice(seed_filing)
    monkeypatch.setattr(template_module, "shared_names", lambda projects: set())
    build_workbook(tmp_path / "old.xlsx", filing)
    back = read_filing(tmp_path / "old.xlsx", strict=False)
    assert [len(p.indicators) for p in back.projects] == [0, len(filing.projects[1].indicators), 0]
    shared = len(filing.projects[0].indicators) + len(filing.projects[2].indicators)
    unclear = [f for f in check(back) if f.code == "STR011"]
    assert len(unclear) == len(back.orphan_indicators) == shared
    assert f"项目表中有 2 个名为「{filing.projects[0].name}」的项目" in unclear[0].message
    assert f"在本表右侧加一列，表头写「{PROJECT_NO}」" in unclear[0].suggestion and "（1或3）" in unclear[0].suggestion


def test_a_row_whose_name_and_number_disagree_is_reported(seed_filing, tmp_path):
    """The second 「X」 renamed on 项目 only: its rows still say 「X」 with its 序号 — reported, not given
    to the first 「X」."""
    filing = _one_unit_twice(seed_filing)
    path = tmp_path / "renamed.xlsx"
    build_workbook(path, filing)
    wb = openpyxl.load_workbook(path)
    wb["项目"]["B4"] = "改名后的项目"
    wb.save(path)
    back = read_filing(path, strict=False)
    assert [len(p.indicators) for p in back.projects] == [len(filing.projects[0].indicators),
                                                          len(filing.projects[1].indicators), 0]
    unclear = [f for f in check(back) if f.code == "STR011"]
    assert len(unclear) == len(filing.projects[2].indicators)
    assert "与项目序号 3（项目「改名后的项目」）不是同一个项目" in unclear[0].message
    assert "把本行项目名称改为「改名后的项目」" in unclear[0].suggestion
