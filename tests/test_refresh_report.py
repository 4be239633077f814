"""What a refresh and a check tell the accountant: the fills of a first refresh as one row per kind
and sheet in 校验结果 (not pages of 已自动填写序号), headers that fit their columns, "未发现问题" on a
clean file, and "内容无变化" on the terminal when nothing changed (the workbook keeps its stamp)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.acceptance.cycle import from_new
from tests.acceptance.filings import PER_PROJECT, type_filing
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.cli import main
from xl_tools.refresh.results import HEADERS
from xl_tools.textfit import text_width_chars

from .conftest import needs_soffice, soffice_convert


@pytest.fixture
def typed(tmp_path):
    """A new workbook with three projects and their indicators typed without 序号 or 资金使用单位."""
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t)
    t.save()
    return path


def _rows(path, *, reload_with_soffice: bool = False):
    if reload_with_soffice:
        path = soffice_convert(path, "xlsx", path.parent / "lo")
    ws = openpyxl.load_workbook(path)["校验结果"]
    return ws, [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[0].value]


def test_fills_of_a_kind_are_one_row_per_sheet(typed):
    outcome = app.refresh_file(typed, now="2025-03-01 15:29")
    indicators = 3 * PER_PROJECT
    assert len([f for f in outcome.findings if f.code.startswith("FIL")]) == 3 + 3 + indicators   # each cell
    ws, rows = _rows(typed)
    fills = {r[1]: r for r in rows if str(r[1]).startswith("FIL")}
    assert sorted(fills) == ["FIL001", "FIL002", "FIL005"] and len(rows) == 3
    # 位置 links to the filled range and shows it
    assert fills["FIL001"][2] == '=HYPERLINK("#\'项目\'!A2:A4","项目!A2:A4")'
    assert fills["FIL001"][5] == "已自动填写序号（3 个单元格）"
    assert fills["FIL005"][2].endswith(f'"绩效指标!B2:B{1 + indicators}")')
    assert fills["FIL005"][5] == f"已自动填写指标序号（{indicators} 个单元格）"
    assert "均为「某区职业技术学校」" in fills["FIL002"][5]
    assert all(ws.cell(r, 3).alignment.wrap_text for r in range(4, 4 + len(rows)))   # 位置 shown whole
    assert ws["A2"].value.endswith("提示 3 条（项目 3 个，指标 18 个）")      # counts the rows shown


@needs_soffice
def test_headers_of_the_results_sheet_fit_their_columns(typed):
    app.refresh_file(typed)
    for reload in (False, True):
        ws, _rows_ = _rows(typed, reload_with_soffice=reload)
        for k, header in enumerate(HEADERS, start=1):
            assert ws.cell(3, k).value == header
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width
            assert width >= text_width_chars(header, 11) * 1.05, (header, width, reload)


def test_check_of_a_refreshed_file_lists_what_its_results_sheet_lists_and_a_clean_file_says_so(typed, capsys):
    """After the refresh that filled 序号 and 资金使用单位, 校验结果 keeps its FIL rows (a refresh finding nothing
    changed lists them again), and so does ``check``; once the rows are edited the next refresh lists only
    what it fills itself, nothing here, and ``check`` of the clean file says so."""
    app.refresh_file(typed)
    ws, rows = _rows(typed)
    assert main(["check", str(typed)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("：" + ws["A2"].value.split("刷新：")[1])    # 提示 3 条（项目 3 个 …）
    assert "项目!A2:A4  已自动填写序号（3 个单元格）" in out and "上次刷新自动填写的 24 个单元格" in out, out
    assert main(["check", str(typed), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["message"]) for f in data["findings"]] == [(r[1], r[5]) for r in rows]
    assert data["fills"] == []                                        # nothing left for a refresh to fill
    target = openpyxl.load_workbook(typed)["项目"]["H2"].value
    t = Typist(typed)
    t.type("项目", "H2", target.replace("。", "，全年完成。", 1))                  # edited after the refresh
    t.save()
    assert main(["check", str(typed), "--json"]) in (0, 1)
    data = json.loads(capsys.readouterr().out)
    app.refresh_file(typed)
    ws, rows = _rows(typed)
    assert [(f["code"], f["message"]) for f in data["findings"]] == [(r[1], r[5]) for r in rows]
    assert not any(r[1].startswith("FIL") for r in rows)


def test_check_on_a_clean_file_says_so(tmp_path, capsys):
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t, numbered=True, unit="某区职业技术学校")       # 序号 and 资金使用单位 typed: nothing to fill
    t.save()
    app.refresh_file(path)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "未发现问题" in out and "错误 0 条，警告 0 条，提示 0 条" in out and "┏" not in out, out


def test_a_refresh_without_changes_says_so_and_keeps_the_stamp(typed, capsys):
    app.refresh_file(typed, now="2025-03-01 15:29")
    assert main(["refresh", str(typed)]) == 0         # the fills reported once: this one changes the rows
    capsys.readouterr()
    before = typed.read_bytes()
    assert main(["refresh", str(typed)]) == 0
    out = capsys.readouterr().out
    assert "内容无变化，上次刷新于" in out and "刷新：" not in out.split("内容无变化")[1], out
    assert typed.read_bytes() == before


def test_check_lists_the_fills_as_the_refresh_lists_them_in_its_results_sheet(typed, capsys, tmp_path):
    """``check`` of a filing with blank 序号 (and 资金使用单位) lists what the refresh will fill as FIL… 提示, one
    per kind and sheet as 校验结果 does, counted in its summary; ``--json`` the same rows under ``findings``
    (the cells each under ``fills``); the refresh's 校验结果 then holds the very rows ``check`` listed."""
    assert main(["check", str(typed)]) == 0
    out = capsys.readouterr().out
    assert "项目!A2:A4  已自动填写序号（3 个单元格）" in out and "FIL005" in out and "FIL002" in out, out
    assert "以上「已自动填写」提示是刷新时会自动填写的" in out
    assert main(["check", str(typed), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    fil = [f for f in data["findings"] if f["code"].startswith("FIL")]
    assert [(f["code"], f["sheet"], f["cell"]) for f in fil] == \
        [("FIL001", "项目", "A2:A4"), ("FIL002", "项目", "C2:C4"), ("FIL005", "绩效指标", f"B2:B{1 + 3 * PER_PROJECT}")]
    assert all(f["severity"] == "info" for f in fil) and data["summary"]["infos"] == 3
    assert len(data["fills"]) == 3 + 3 + 3 * PER_PROJECT                         # each cell filled
    out_path = tmp_path / f"refreshed{typed.suffix}"
    assert main(["refresh", str(typed), "-o", str(out_path)]) == 0
    capsys.readouterr()
    ws, rows = _rows(out_path)
    assert [(r[1], r[5], r[6]) for r in rows] == [(f["code"], f["message"], f["suggestion"]) for f in data["findings"]]
    s = data["summary"]
    assert ws["A2"].value.endswith(f"错误 {s['errors']} 条，警告 {s['warnings']} 条，提示 {s['infos']} 条"
                                   f"（项目 {s['projects']} 个，指标 {s['indicators']} 个）")
