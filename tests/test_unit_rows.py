"""The units table on 基本信息 (资金使用单位小计): a row holding amounts but no 单位名称 cannot be counted
(a unit's subtotal is matched to its projects by name), so it is said, on the cell where the name is
missing, never dropped without a word (a user trial: 100 typed in B13 with A13 blank was ignored)."""

from __future__ import annotations

import openpyxl

from tests.acceptance.cycle import from_new
from tests.acceptance.filings import type_filing
from tests.support.typist import Typist
from xl_tools import app


def _typed(tmp_path, cells: dict[str, object]):
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    for ref, value in cells.items():
        t.type("基本信息", ref, value)
    t.save()
    return path


def test_amounts_in_a_unit_row_without_a_name_are_reported_on_the_name_cell(tmp_path):
    path = _typed(tmp_path, {"B13": 100, "D13": "20"})
    checked = app.review(app.load_filing(path).filing)
    outcome = app.refresh_file(path)
    said = [f for f in outcome.findings if f.sheet == "基本信息" and f.row == 13]
    assert [(f.code, f.cell) for f in said] == [("RD001", "A13")], said
    message = said[0].message
    assert "「基本信息」第 13 行" in message and "单位名称" in message and "B13" in message and "D13" in message
    assert "未计入" in message
    ws = openpyxl.load_workbook(path)["校验结果"]
    assert any(row[1].value == "RD001" and "第 13 行" in str(row[5].value) for row in ws.iter_rows(min_row=4))
    assert [(f.code, f.cell) for f in checked.findings if f.sheet == "基本信息"] == [("RD001", "A13")]
    assert app.refresh_file(path).unchanged_since           # a second refresh changes nothing


def test_a_row_with_only_a_note_beside_the_table_or_nothing_is_not_a_unit(tmp_path):
    path = _typed(tmp_path, {"F13": "备注：另一单位明年再填"})
    outcome = app.refresh_file(path)
    assert not [f for f in outcome.findings if f.sheet == "基本信息" and f.row == 13]


def test_the_name_typed_makes_it_a_unit_and_the_finding_goes(tmp_path):
    path = _typed(tmp_path, {"B13": 100})
    assert [f.code for f in app.refresh_file(path).findings if f.sheet == "基本信息" and f.row == 13] == ["RD001"]
    t = Typist(path)
    t.type("基本信息", "A13", "某区第二职业学校")
    t.save()
    outcome = app.refresh_file(path)
    assert not [f for f in outcome.findings if f.code == "RD001" and f.row == 13]
    assert "某区第二职业学校" in [u.name for u in outcome.filing.units]
