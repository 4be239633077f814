"""代码表 is the tool's sheet (a user trial: deleted, the refresh said 未改动 and the category dropdowns of
绩效指标 listed nothing). Deleted — Excel turns the dropdowns' names into ``#REF!`` — or emptied, a refresh
puts it back as the template writes it, with its names, after 绩效指标, and says so; the next refresh
changes nothing. Renamed, it still works (Excel points the names at the new name): it is read where the
names point and nothing is put back. On a file and through the xlwings remote engine."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from tests.acceptance.cycle import from_new
from tests.acceptance.filings import type_filing
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.cli import main as cli

FRESH = {}


def _filing(tmp_path):
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    t.save()
    app.refresh_file(path)
    book = openpyxl.load_workbook(path)
    FRESH.update({"names": {n: book.defined_names[n].attr_text for n in book.defined_names
                            if n == "一级指标清单" or n.startswith("二级_")},
                  "codes": [[c.value for c in row] for row in book["代码表"].iter_rows()]})
    return path


def _delete_codes(path):
    """What Excel does on 删除工作表: the sheet goes, the names that pointed into it read ``#REF!…``."""
    t = Typist(path)
    del t.wb["代码表"]
    for name in list(t.wb.defined_names):
        dn = t.wb.defined_names[name]
        if "代码表" in (dn.attr_text or ""):
            dn.attr_text = "#REF!" + dn.attr_text.split("!", 1)[1]
    t.save()


def _dropdowns_work(path, frozen: bool = True):
    book = openpyxl.load_workbook(path)
    assert book.sheetnames.index("代码表") == book.sheetnames.index("绩效指标") + 1
    assert {n: book.defined_names[n].attr_text for n in FRESH["names"]} == FRESH["names"]
    assert [[c.value for c in row] for row in book["代码表"].iter_rows()] == FRESH["codes"]
    ws = book["代码表"]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == ("A2" if frozen else None)            # the live writer freezes no panes
    formulas = {dv.formula1 for dv in book["绩效指标"].data_validations.dataValidation}
    assert "一级指标清单" in formulas


def _md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_deleted_or_emptied_code_sheet_is_put_back_and_said(tmp_path, capsys, how):
    path = _filing(tmp_path)
    if how == "deleted":
        _delete_codes(path)
    else:
        t = Typist(path)
        for row in t.wb["代码表"].iter_rows():
            for cell in row:
                cell.value = None
        t.save()
    assert cli(["refresh", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    assert "未改动" not in out and "已刷新" in out
    assert "「代码表」工作表" + ("已被删除" if how == "deleted" else "是空的") in out and "重新生成" in out
    _dropdowns_work(path)
    before = _md5(path)
    assert cli(["refresh", str(path)]) in (0, 1)               # the next refresh changes nothing
    out = capsys.readouterr().out
    assert "未改动" in out and "代码表" not in out and _md5(path) == before
    assert app.refresh_file(path, full=True).unchanged_since


def test_a_renamed_code_sheet_is_read_where_its_names_point_and_not_put_back(tmp_path):
    path = _filing(tmp_path)
    t = Typist(path)
    t.wb["代码表"].title = "类别"                      # Excel renames the sheet in every name that names it
    for name in list(t.wb.defined_names):
        dn = t.wb.defined_names[name]
        dn.attr_text = (dn.attr_text or "").replace("'代码表'!", "'类别'!")
    t.wb["类别"]["A6"] = "5-本地指标"                   # a category the region adds, on the renamed sheet
    t.type("绩效指标", "C2", "5-本地指标")
    t.save()
    outcome = app.refresh_file(path)
    assert not outcome.restored
    assert not [f for f in outcome.findings if f.code == "STR008" and f.row == 2 and f.field == "level1"]
    assert "代码表" not in openpyxl.load_workbook(path).sheetnames


@pytest.fixture(scope="module")
def xw():
    from tests.support.servers import licensed_environment
    with licensed_environment():
        from xl_tools.server.app import enable_remote_engine
        yield enable_remote_engine()


def test_through_the_remote_engine_the_sheet_and_its_names_come_back(tmp_path, xw):
    from tests.support.payload import payload_from_xlsx
    from tests.support.xlwings_replay import replay
    path = _filing(tmp_path)
    _delete_codes(path)
    book = xw.Book(json=payload_from_xlsx(path))
    outcome = app.refresh_book(book)
    assert "「代码表」工作表已被删除" in outcome.report
    actions = book.json()["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == "代码表" for a in actions)
    wb = openpyxl.load_workbook(path)
    replay(wb, actions)
    wb.save(path)
    _dropdowns_work(path, frozen=False)
