"""What a person does to the layout of the standard workbook: merged cells over a project's rows.
Run through the whole cycle (``cycle.run_cycle``) with the file writer and the xlwings remote engine."""

from __future__ import annotations

import openpyxl
import pytest

from tests.support.payload import payload_from_xlsx
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.cli import main as cli

from .cycle import NOW, UNIT, FileEngine, Scenario, findings_of, from_new, run_cycle
from .filings import PER_PROJECT, PROJECTS, TOTAL, fills, indicator_row, type_filing

SECOND = "某区教师发展中心"


def _merged_as_on_paper(t: Typist) -> None:
    """As in last year's paper table: each project's name (and its 一级指标 产出指标) merged over its
    indicator rows, and the unit over two projects."""
    t.type("基本信息", "A13", SECOND)
    type_filing(t, unit=UNIT)
    t.type("项目", "C4", SECOND)
    t.merge("项目", "C2:C3")
    for p in range(3):
        t.merge("绩效指标", f"A{indicator_row(p, 1)}:A{indicator_row(p, PER_PROJECT)}")
        t.merge("绩效指标", f"C{indicator_row(p, 1)}:C{indicator_row(p, 3)}")


def test_merged_the_project_name_over_its_indicator_rows(tmp_path):
    """The person merges cells as on paper (``_merged_as_on_paper``): the file keeps each value only in
    the first cell of the range, the person sees it on every row. A file refresh reads what the person
    sees. The remote engine reads values only (merged ranges are not in its book JSON): what it does
    there is pinned by ``test_merged_project_name_through_the_remote_engine`` (known limit, README)."""
    engine = FileEngine()
    typed = _merged_as_on_paper

    def fix(t: Typist):       # unmerged again, one value per row: nothing changes
        t.unmerge("项目", "C2:C3")
        t.type("项目", "C3", UNIT)
        for p, (name, *_rest) in enumerate(PROJECTS):
            t.unmerge("绩效指标", f"A{indicator_row(p, 1)}:A{indicator_row(p, PER_PROJECT)}")
            t.unmerge("绩效指标", f"C{indicator_row(p, 1)}:C{indicator_row(p, 3)}")
            for k in range(2, PER_PROJECT + 1):
                t.type("绩效指标", f"A{indicator_row(p, k)}", name)
            for k in (2, 3):
                t.type("绩效指标", f"C{indicator_row(p, k)}", "1-产出指标")

    # what the tool reads is the same: the refresh after the fix changes nothing, 校验结果 (the fills) stays
    run_cycle(Scenario(start=from_new(), typed=typed, first=fills(unit=False), fix=fix, second=fills(unit=False),
                       fixed=[], total=TOTAL), engine, tmp_path)


def test_merged_project_name_through_the_remote_engine(tmp_path, monkeypatch):
    """The known limit, pinned so that it cannot change unnoticed: the remote engine's book JSON holds
    values only, so the indicator rows under a merged project name read as rows without a project.
    Each gets STR011 (and a note) saying a merged name must be unmerged and typed on every row; the
    projects, left without those indicators, get STR004/STR005/STR015 and TXT005 (the rates their targets
    promise are no longer measured); the merged unit, FLG003."""
    xw = pytest.importorskip("xlwings")
    from xl_tools.server.app import enable_remote_engine  # local: the server extra is optional
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    enable_remote_engine()
    path = _typed(from_new()(tmp_path), _merged_as_on_paper)
    book = xw.Book(json=payload_from_xlsx(path))
    outcome = app.refresh_book(book, now=NOW)
    under_merge = [f"绩效指标!A{indicator_row(p, k)}" for p in range(3) for k in range(2, PER_PROJECT + 1)]
    assert findings_of(outcome) == sorted(
        [f"STR011 {ref}" for ref in under_merge]
        + ["FIL001 项目!A2", "FIL001 项目!A3", "FIL001 项目!A4", "FIL005 绩效指标!B2", "FIL005 绩效指标!B8",
           "FIL005 绩效指标!B14", "FLG003 项目!C3", "STR004 项目!B2", "STR004 项目!B3", "STR004 项目!B4",
           "STR005 项目!B2", "STR005 项目!B3", "STR005 项目!B4", "STR015 项目!B2", "STR015 项目!B3",
           "TXT005 项目!H2", "TXT005 项目!H3", "TXT005 项目!H4"])
    unmerge = "项目名称是合并单元格时，请取消合并并在每行填写"
    for f in (f for f in outcome.findings if f.code == "STR011"):
        assert "没有填写项目名称，不会公开" in f.message and unmerge in f.suggestion, f
    notes = {a["args"][0]: a["args"][1] for a in book.json()["actions"] if a["func"] == "addNote"}
    for ref in under_merge:
        cell = "$A$" + ref.split("!A")[1]
        assert "[STR011]" in notes[cell] and unmerge in notes[cell], (cell, notes.get(cell))


def _typed(path, typing):
    t = Typist(path)
    typing(t)
    t.save()
    return path


@pytest.mark.parametrize("sheet, ref, typed, header", [
    ("项目", "H1", "绩效目标（年度）", "绩效目标"),          # a word added to a header
    ("绩效指标", "E1", "指标名称", "三级指标"),              # a header typed in other words
])
def test_renamed_a_column_header(sheet, ref, typed, header, tmp_path, capsys):
    """A header renamed in the person's own words: refresh and check stop with one line naming the
    cell and the header it must say (not A1, not a list of headers to hunt for), exit 2, file unchanged."""
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    t.type(sheet, ref, typed)
    t.save()
    before = path.read_bytes()
    for command in ("refresh", "check"):
        assert cli([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert f"单元格 {ref}" in err and f"「{typed}」应为「{header}」" in err, err
    assert path.read_bytes() == before


def test_added_a_column_of_their_own_and_rolled_over(tmp_path):
    """A column of the person's own right of the table (经办人, one name per project): refresh leaves it,
    next year's workbook has it with its header and each project's value, as for 备注."""
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t, numbered=True)
    t.type("项目", "J1", "经办人")
    for row, who in ((2, "张三"), (3, "李四"), (4, 20250301)):
        t.type("项目", f"J{row}", who)
    t.save()
    assert app.refresh_file(path).filing.projects[0].extra == {"经办人": "张三"}
    rolled = tmp_path / "filing_2026.xlsm"
    app.rollover(path, rolled, 2026)
    ws = openpyxl.load_workbook(rolled)["项目"]
    assert [c.value for c in ws[1]][-2:] == ["备注", "经办人"]
    assert [ws.cell(r, ws.max_column).value for r in (2, 3, 4)] == ["张三", "李四", 20250301]
