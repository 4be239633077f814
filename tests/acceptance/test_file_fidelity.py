"""A typed filing refreshed on file, at the level of the file itself: what the accountant's copy
looks like after refresh — to the byte, to the style — and that LibreOffice reads it. (These were strict
xfails until the package patcher, issue 15, landed; they fail with the openpyxl writer it replaced.)
"""

from __future__ import annotations

import re
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

from tests.conftest import needs_soffice, soffice_convert
from tests.support.typist import Typist
from xl_tools import app

from .cycle import NOW, _look, _parts, assert_public_table, from_new, from_template
from .filings import TOTAL, type_filing


def _typed(tmp_path: Path, **kw) -> Path:
    path = from_new()(tmp_path)
    t = Typist(path)
    type_filing(t, **kw)
    t.clear("绩效指标", "G3")                     # one error, so there is a highlight and a note
    t.save()
    return path


def _style_counts(path: Path) -> dict[str, int]:
    xml = _parts(path)["xl/styles.xml"].decode("utf-8")
    return {tag: int(re.search(rf'<{tag} count="(\d+)"', xml).group(1)) for tag in ("fonts", "fills", "cellXfs")}


def test_third_refresh_leaves_the_files_xml_unchanged(tmp_path):
    path = _typed(tmp_path)
    app.refresh_file(path, now=NOW)
    app.refresh_file(path, now=NOW)
    second = _parts(path)
    app.refresh_file(path, now=NOW)
    third = _parts(path)
    assert third.keys() == second.keys()
    assert [name for name in second if second[name] != third[name]] == []


def test_refreshes_do_not_add_styles(tmp_path):
    path = _typed(tmp_path)
    app.refresh_file(path, now=NOW)
    app.refresh_file(path, now=NOW)
    counts = _style_counts(path)
    for _ in range(2):
        app.refresh_file(path, now=NOW)
        assert _style_counts(path) == counts


def _style(cell) -> tuple:
    """Everything of a cell's format, as plain style objects (which compare by value; openpyxl's
    proxies do not compare with each other)."""
    return (copy(cell.font), copy(cell.fill), copy(cell.border), cell.number_format, copy(cell.alignment),
            copy(cell.protection))


def test_clearing_a_highlight_restores_the_cells_own_style(tmp_path):
    """The person had formatted 总计 of a project (their font, colour, fill and number format); a
    wrong amount there is highlighted, then corrected: the cell looks exactly as before."""
    path = _typed(tmp_path, numbered=True)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    cell = wb["项目"]["D3"]
    cell.value = 60                                                  # 财政拨款 50: AMT001
    cell.font = Font(name="楷体", sz=12, b=True, color="FF1F4E79")
    cell.fill = PatternFill("solid", fgColor="FFE2EFDA")
    cell.number_format = "#,##0.00"
    own = _style(cell)
    wb.save(path)
    outcome = app.refresh_file(path, now=NOW)
    assert "AMT001" in {f.code for f in outcome.findings}
    assert openpyxl.load_workbook(path)["项目"]["D3"].fill.fgColor.rgb == "FFFFCCD3"   # highlighted
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["项目"]["D3"].value = 50
    wb.save(path)
    app.refresh_file(path, now=NOW)
    assert _style(openpyxl.load_workbook(path)["项目"]["D3"]) == own


def test_a_blank_cell_gets_its_columns_look_back(tmp_path):
    """A blank 年度指标值 nobody typed into shows its column's format (宋体, Text). Highlighted as
    missing, then typed: it looks like its neighbours again, not like a cell of the default style."""
    path = _typed(tmp_path)                       # G3 left blank
    assert _look(openpyxl.load_workbook(path)["绩效指标"], "G3") == {"number_format": "@",
                                                                     "font": ("宋体", 11.0, False, False)}
    app.refresh_file(path, now=NOW)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["绩效指标"]["G3"].value = "100%"
    wb.save(path)
    app.refresh_file(path, now=NOW)
    after = openpyxl.load_workbook(path)["绩效指标"]["G3"]
    assert after.fill.fill_type is None and after.comment is None
    assert (after.number_format, after.font.name) == ("@", "宋体")


@needs_soffice
def test_libreoffice_reads_the_refreshed_typed_filing(tmp_path):
    """The refreshed workbook of a typed filing, opened and saved by LibreOffice: the highlight, the
    note, 校验结果 and a 公开表 that adds up are all still there."""
    path = from_template(tmp_path)
    t = Typist(path)
    t.type("基本信息", "B3", 2025)
    t.type("基本信息", "B4", "某区教育局")
    type_filing(t, unit="某区职业技术学校")
    t.clear("绩效指标", "G3")
    t.save()
    outcome = app.refresh_file(path, now=NOW)
    out = tmp_path / "calc"
    out.mkdir()
    copy = soffice_convert(path, "xlsx", out)
    wb = openpyxl.load_workbook(copy)
    assert wb["绩效指标"]["G3"].fill.fgColor.rgb == "FFFFCCD3"
    assert "VAL001" in wb["绩效指标"]["G3"].comment.text
    assert [r[1].value for r in wb["校验结果"].iter_rows(min_row=4) if r[1].value] == \
        [f.code for f in outcome.rows]                  # the fills of a kind in one row per sheet
    assert_public_table(wb["公开表"], outcome.filing, TOTAL, draft=True)
