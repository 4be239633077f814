"""代码表 is the tool's sheet (a user trial: deleted, the refresh said 未改动 and the category dropdowns of
绩效指标 listed nothing). Deleted — Excel turns the dropdowns' names into ``#REF!`` — or emptied, a refresh
puts it back as the template writes it, with its names, after 绩效指标, and says so; the next refresh
changes nothing. Renamed, it still works (Excel points the names at the new name): it is read where the
names point and nothing is put back. On a file and through the xlwings remote engine."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from tests.acceptance.cycle import typed_and_refreshed
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.cli import main as cli

FRESH = {}


def _filing(tmp_path):
    path = typed_and_refreshed(tmp_path)
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


SAID = {"deleted": "已被删除", "emptied": "是空的", "never": "不存在"}


@pytest.mark.parametrize("how", list(SAID))
def test_a_deleted_or_emptied_code_sheet_is_put_back_and_said(tmp_path, capsys, how):
    """``never``: a workbook typed without one — no sheet, no names (another program's copy of the filing)."""
    path = _filing(tmp_path)
    if how == "deleted":
        _delete_codes(path)
    elif how == "never":
        t = Typist(path)
        del t.wb["代码表"]
        for name in [n for n in t.wb.defined_names if n == "一级指标清单" or n.startswith("二级_")]:
            del t.wb.defined_names[name]
        t.save()
    else:
        t = Typist(path)
        for row in t.wb["代码表"].iter_rows():
            for cell in row:
                cell.value = None
        t.save()
    assert cli(["refresh", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    assert "未改动" not in out and "已刷新" in out
    assert "「代码表」工作表" + SAID[how] in out and "重新生成" in out
    assert "补充的类别请重新补上" in out
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


def test_through_the_remote_engine_the_sheet_and_its_names_come_back(tmp_path, licensed):
    from tests.support.payload import payload_from_xlsx
    from tests.support.xlwings_replay import replay
    path = _filing(tmp_path)
    _delete_codes(path)
    import xlwings as xw
    book = xw.Book(json=payload_from_xlsx(path))
    outcome = app.refresh_book(book)
    assert "「代码表」工作表已被删除" in outcome.report
    actions = book.json()["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == "代码表" for a in actions)
    wb = openpyxl.load_workbook(path)
    replay(wb, actions)
    wb.save(path)
    _dropdowns_work(path, frozen=False)


def test_through_the_add_in_and_then_no_call(tmp_path, licensed):
    """The add-in's 刷新 (the xlwings Server route over HTTP): the sheet and its names come back, the pane
    says so; the next 刷新 makes no call to Excel but the pane's report."""
    from fastapi.testclient import TestClient

    from tests.support.payload import payload_from_xlsx
    from tests.support.xlwings_replay import replay
    from xl_tools.server.app import create_app
    path = _filing(tmp_path)
    _delete_codes(path)
    client = TestClient(create_app(), raise_server_exceptions=False)

    def refresh() -> list[dict]:
        resp = client.post("/xlwings/custom-scripts-call/refresh", json=payload_from_xlsx(path))
        assert resp.status_code == 200, resp.text[:500]
        actions = resp.json()["actions"]
        wb = openpyxl.load_workbook(path, keep_vba=True)
        replay(wb, [a for a in actions if a["func"] != "runMacro"])
        wb.save(path)
        return actions

    first = refresh()
    assert any(a["func"] == "addSheet" and a["args"][1] == "代码表" for a in first)
    pane = next(a for a in first if a["func"] == "runMacro")
    assert "「代码表」工作表已被删除" in pane["args"][1]
    _dropdowns_work(path, frozen=False)
    second = refresh()
    assert [a["func"] for a in second] == ["runMacro"] and "代码表" not in second[0]["args"][1]


def test_deleted_and_saved_by_libreoffice(tmp_path):
    """LibreOffice keeps the broken names as ``#ref!$a$2:$a$5``: put back all the same."""
    import shutil
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    from tests.support.writers import libreoffice_resaved
    path = _filing(tmp_path)
    _delete_codes(path)
    (tmp_path / "lo").mkdir()
    saved = libreoffice_resaved(path, tmp_path / "lo" / "填报.xlsx")
    assert "#ref!" in str({n.attr_text for n in openpyxl.load_workbook(saved).defined_names.values()}).lower()
    outcome = app.refresh_file(saved)
    assert "「代码表」工作表已被删除" in outcome.report
    book = openpyxl.load_workbook(saved)
    assert {n: book.defined_names[n].attr_text for n in FRESH["names"]} == FRESH["names"]
    assert app.refresh_file(saved).unchanged_since


def test_the_message_names_the_profile_only(tmp_path):
    """The framework's own name is internal (全国2015's is 广东2015): an Anhui accountant must not read 广东."""
    path = tmp_path / "安徽.xlsx"
    assert cli(["new", "-o", str(path), "--year", "2025", "--department", "金寨县财政局", "--profile", "全国2015"]) == 0
    _delete_codes(path)
    outcome = app.refresh_file(path)
    assert "已按规则配置「全国2015」的指标类别重新生成「代码表」" in outcome.report
    assert "广东" not in outcome.report
