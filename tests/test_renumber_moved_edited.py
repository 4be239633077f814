"""序号 the tool filled are renumbered when rows are moved, also when the rows moved were edited in the
same sitting (a user trial: rows swapped alone got 1, 2; swapped and edited they kept 2, 1 — the edited
rows' hashes were new, so the tool no longer knew the numbers were its own — and nothing said so).

The 序号 a refresh filled are the tool's while the cells hold the numbers it wrote: a cell it numbered
that now holds one of the numbers it wrote in that column (the rows came back in another order) is still
its own, renumbered by position and listed (FIL001 / FIL005). A 序号 the person typed stays as typed."""

from __future__ import annotations

import openpyxl

from tests.acceptance.cycle import from_new
from tests.acceptance.filings import PER_PROJECT, PROJECTS, type_filing
from tests.support.typist import Typist
from xl_tools import app


def _numbers(path, sheet: str, col: int = 1) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    return [ws.cell(r, col).value for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value is not None]


def _swap(t: Typist, sheet: str, a: int, b: int, edit: dict[int, dict[int, object]] | None = None) -> None:
    ws = t.wb[sheet]
    width = ws.max_column
    va = [ws.cell(a, c).value for c in range(1, width + 1)]
    vb = [ws.cell(b, c).value for c in range(1, width + 1)]
    for c in range(1, width + 1):
        ws.cell(a, c).value, ws.cell(b, c).value = vb[c - 1], va[c - 1]
    for r, cells in (edit or {}).items():
        for c, v in cells.items():
            ws.cell(r, c).value = v


def _first_refresh(tmp_path):
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    t.save()
    app.refresh_file(path)
    assert _numbers(path, "项目") == [1, 2, 3]
    return path


def test_projects_swapped_and_edited_are_renumbered_as_swapped_alone(tmp_path):
    path = _first_refresh(tmp_path)
    t = Typist(path)
    _swap(t, "项目", 2, 3, edit={2: {4: 777, 5: 777}, 3: {8: "全年完成改造任务，验收合格率100%。"}})
    t.save()
    outcome = app.refresh_file(path)
    assert _numbers(path, "项目") == [1, 2, 3]
    assert [(f.code, f.cell) for f in outcome.findings if f.code == "FIL001"] == [("FIL001", "A2"), ("FIL001", "A3")]
    assert app.refresh_file(path).unchanged_since                      # and a second refresh changes nothing


def test_indicators_swapped_and_edited_are_renumbered(tmp_path):
    path = _first_refresh(tmp_path)
    t = Typist(path)
    _swap(t, "绩效指标", 2, 3, edit={2: {6: "≥ 12 个", 7: "≥ 12 个"}, 3: {5: "改过名字的指标"}})
    t.save()
    outcome = app.refresh_file(path)
    assert _numbers(path, "绩效指标", 2)[:PER_PROJECT] == list(range(1, PER_PROJECT + 1))
    assert not [f for f in outcome.findings if f.code == "STR009"]
    assert {f.cell for f in outcome.findings if f.code == "FIL005"} == {"B2", "B3"}


def test_numbers_the_person_typed_are_left_as_typed_and_told(tmp_path):
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    for k, row in enumerate(range(2, 2 + PER_PROJECT)):         # the person numbers the first project's lines
        t.type("绩效指标", f"B{row}", k + 1)
    t.save()
    app.refresh_file(path)
    t = Typist(path)
    _swap(t, "绩效指标", 2, 3, edit={2: {6: "≥ 12 个", 7: "≥ 12 个"}})
    t.save()
    outcome = app.refresh_file(path)
    assert _numbers(path, "绩效指标", 2)[:2] == [2, 1]
    assert [f.code for f in outcome.findings if f.code == "STR009"] == ["STR009"]
    assert len(PROJECTS) == 3
