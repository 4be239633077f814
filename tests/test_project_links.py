"""Projects of the same name (two units' 「安保和物业管理服务经费」, or one unit listing a name twice) keep
their own indicators through the workbook: 绩效指标 then gives each row its project's 序号 (项目序号,
``projectlinks``), and a row whose project cannot be told is reported, never given to the first project of
its name (a trial: the 审核汇总 of two units imported, 46 indicators all on the first unit's 3 projects)."""

from __future__ import annotations

import copy
import re

import openpyxl
import pytest

from tests.conftest import HAS_SOFFICE
from tests.support.mail_inbox import unit_filing, write_filing
from tests.support.typist import Typist
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


def test_projects_renumbered_after_a_sort_keep_their_rows(review, tmp_path):
    """The reviewer sorts 项目 (the second unit first): refresh renumbers the 序号 it wrote and the rows'
    项目序号 with them (FIL007), so no row comes to name the other unit's project of the same name."""
    path, filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    expected = {(p.unit, p.name): _lines(p) for f in filed.values() for p in f.projects}
    typist = Typist(out)
    typist.sort_rows("项目", 2, 7, "C", reverse=True)
    typist.save()
    done = app.refresh_file(out, now="2026-03-01 10:05", backup=False)
    followed = [f for f in done.findings if f.code == "FIL007"]
    assert len(followed) == 46 and followed[0].message == "已按项目的新序号改写项目序号：4（原为 1）"
    back = read_filing(out)
    assert [p.no for p in back.projects] == [1, 2, 3, 4, 5, 6] and back.projects[0].unit == "甲市第二中学"
    assert _by_project(back) == expected
    assert all(i.raw["project_no"] == p.no for p in back.projects for i in p.indicators)
    before = _cells(out)
    app.refresh_file(out, now="2026-03-01 10:09", backup=False)
    assert _cells(out) == before                        # nothing renumbered again: the second refresh keeps them
    assert _by_project(read_filing(out)) == expected


def _cells(path) -> dict[str, list[tuple]]:
    """The values of 项目 and 绩效指标."""
    wb = openpyxl.load_workbook(path)
    return {name: list(wb[name].iter_rows(values_only=True)) for name in ("项目", "绩效指标")}


def test_drafted_lines_name_their_own_project_among_those_of_the_same_name(review, tmp_path):
    """``refresh --draft``: each project of a shared name gets its own drafted lines, with its 项目序号;
    confirmed, each line counts for its own project."""
    path, filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    app.refresh_file(out, now="2026-03-01 10:00", backup=False, draft=True)
    drafted = read_filing(out, strict=False).pending
    numbers = sorted({i.raw.get("project_no") for i in drafted})
    assert numbers == [1, 2, 3, 4, 5, 6] and len(drafted) == 8
    again = app.refresh_file(out, now="2026-03-01 10:01", backup=False, draft=True)
    assert len(read_filing(out, strict=False).pending) == 8 and "补充" not in again.report
    typist = Typist(out)
    for ind in drafted:
        typist.clear("绩效指标", f"B{ind.origin.row}")          # confirmed: 「待确认」 deleted
    typist.save()
    app.refresh_file(out, now="2026-03-01 10:02", backup=False)
    back = read_filing(out)
    assert not back.pending and not back.orphan_indicators
    added = {(p.unit, p.name): len(p.indicators) for p in back.projects}
    mine = {(p.unit, p.name): len(p.indicators) for f in filed.values() for p in f.projects}
    assert {k: added[k] - mine[k] for k in mine} == {
        k: sum(1 for i in drafted if i.raw["project_no"] == no)
        for no, k in enumerate(((p.unit, p.name) for f in filed.values() for p in f.projects), start=1)}


def test_a_batch_of_the_imported_table_gives_each_finding_its_own_unit(review, tmp_path):
    """问题明细 of a department workbook whose two units share project names: a finding on the second
    unit's 「X」 is the second unit's, not whichever unit the name was seen with last."""
    path, _filed = review
    box = tmp_path / "收件箱"
    box.mkdir()
    app.import_to_workbook(path, box / "合并.xlsx")
    main(["batch", str(box), "-o", str(tmp_path / "二次审核.xlsx")])
    rows = list(openpyxl.load_workbook(tmp_path / "二次审核.xlsx")["问题明细"].iter_rows(values_only=True))
    back = read_filing(box / "合并.xlsx")
    unit_at = {("项目", p.origin.row): p.unit for p in back.projects}
    unit_at.update({("绩效指标", i.origin.row): p.unit for p in back.projects for i in p.indicators})
    at = [(r[1], (r[4], int(re.match(r"[A-Z]+(\d+)", r[5]).group(1)))) for r in rows[1:] if r[5]]
    said = [(shown, unit_at[where]) for shown, where in at if where in unit_at]
    assert len(said) >= 20 and {u for u, _ in said} == set(UNITS)
    assert all(shown == own for shown, own in said)


def test_diff_pairs_projects_of_a_shared_name_by_their_unit(review):
    """Next year's filing lists the second unit first: each unit's 「X」 is compared with its own."""
    from xl_tools.diff.compare import diff_filings
    _path, filed = review
    old = copy.deepcopy(filed["甲市第一中学"])
    old.projects += copy.deepcopy(filed["甲市第二中学"].projects)
    old.units += copy.deepcopy(filed["甲市第二中学"].units)
    new = copy.deepcopy(old)
    new.projects = new.projects[3:] + new.projects[:3]
    d = diff_filings(old, new)
    assert all(m.old.unit == m.new.unit for m in d.matched) and len(d.matched) == 6
    assert not any(m.money for m in d.matched)           # the same amounts: nothing changed


def test_the_live_book_links_rows_as_the_file_does(review, tmp_path, monkeypatch):
    """The 刷新 button and the add-in read the book through xlwings (``XlwingsBookView``): the same
    reader, so the same projects get the same rows."""
    pytest.importorskip("xlwings")
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from xl_tools.server.app import enable_remote_engine
    from xl_tools.workbook.reader import read_filing_from_workbook
    from xl_tools.workbook.xlwings_view import XlwingsBookView
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    enable_remote_engine()
    path, filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    book = xw.Book(json=payload_from_xlsx(out))
    live = read_filing_from_workbook(XlwingsBookView(book), source=book.name)
    assert _by_project(live) == {(p.unit, p.name): _lines(p) for f in filed.values() for p in f.projects}
    outcome = app.refresh_book(book, now="2026-03-01 10:00")
    assert not {f.code for f in outcome.findings} & {"STR002", "STR011", "STR012"}


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_the_signed_table_imported_keeps_every_indicator_with_its_own_project(review, tmp_path, kind):
    """The department's table to sign (``batch --publish 合并公开表.xlsx --pdf``), imported again: the same
    indicators per project; its coverage line and signature block are not rows of the table."""
    if kind == "pdf" and not HAS_SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed")
    path, filed = review
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for unit, filing in filed.items():
        write_filing(inbox / f"{unit}.xlsx", filing, None)
    signed = tmp_path / "合并公开表.xlsx"
    args = ["batch", str(inbox), "-o", str(tmp_path / "审核汇总.xlsx"), "--publish", str(signed)]
    main(args + (["--pdf", str(tmp_path / "合并公开表.pdf")] if kind == "pdf" else []))
    out = tmp_path / "导入.xlsx"
    app.import_to_workbook(signed.with_suffix("." + kind), out)
    back = read_filing(out)
    assert _by_project(back) == {(p.unit, p.name): _lines(p) for f in filed.values() for p in f.projects}


def test_a_project_no_merged_over_its_rows_counts_on_each(review, tmp_path):
    """The person merged each project's 项目序号 (as its 项目名称) over its rows: the file holds the number
    in the first cell only, and every row of the range reads it."""
    path, filed = review
    out = tmp_path / "合并.xlsx"
    app.import_to_workbook(path, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效指标"]
    col = [c.value for c in ws[1]].index(PROJECT_NO) + 1
    letter = openpyxl.utils.get_column_letter(col)
    runs: dict[object, list[int]] = {}
    for r in range(2, ws.max_row + 1):
        runs.setdefault(ws.cell(r, col).value, []).append(r)
    for rows in runs.values():
        if len(rows) > 1:
            for r in rows[1:]:
                ws.cell(r, col).value = None
            ws.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    wb.save(out)
    back = read_filing(out)
    assert _by_project(back) == {(p.unit, p.name): _lines(p) for f in filed.values() for p in f.projects}


def test_a_unit_is_not_left_out_for_another_units_project_of_the_same_name(review, tmp_path, capsys):
    """A department's workbook of two units sharing project names, the second unit's 「X」 without any
    amount (AMT008): that unit is 未填, the first is counted — not 未填 for a project it does not have."""
    import json

    from xl_tools.model import MONEY_FIELDS
    _path, filed = review
    dept = copy.deepcopy(filed["甲市第一中学"])
    dept.projects += copy.deepcopy(filed["甲市第二中学"].projects)
    dept.units += copy.deepcopy(filed["甲市第二中学"].units)
    dept.projects[3].raw = dict.fromkeys(MONEY_FIELDS)
    dept.units[1].raw = dict.fromkeys(MONEY_FIELDS)
    dept.total_stated = False
    box = tmp_path / "收件箱"
    box.mkdir()
    write_filing(box / "甲市教育局.xlsx", dept, None)
    capsys.readouterr()
    main(["batch", str(box), "-o", str(tmp_path / "审核汇总.xlsx"), "--json"])
    said = json.loads(capsys.readouterr().out)["consolidation"]["submissions"]
    assert {s["unit"]: s["status"] for s in said} == {"甲市第一中学": "计入", "甲市第二中学": "未填"}
