"""Refresh on files, at the level of the file's XML: highlights come and go without leaving a trace.

- a fixed cell gets back exactly its own format (the original ``s``: number format, font, borders);
- cells nobody wrote (a blank 绩效目标, a row below the table) are highlighted and noted in row and
  column order, and go back to what they were;
- styles are found again: the second and third refresh add nothing, the third changes no byte;
- the hidden state sheet is read as untrusted input;
- a sheet with too many rows stops the read early with a clear message.
"""

from __future__ import annotations

import re
import time
import zipfile

import openpyxl
import pytest
from lxml import etree

from xl_tools.app import refresh_path as refresh_file
from xl_tools.cli import main
from xl_tools.errors import XlToolsError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RED = "FFFFCCD3"


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _cell_xml(path, sheet_part: str, ref: str) -> bytes | None:
    root = etree.fromstring(_parts(path)[sheet_part])
    for c in root.iter(MAIN + "c"):
        if c.get("r") == ref:
            return etree.tostring(c)
    return None


def _xf_count(path) -> int:
    return int(re.search(rb'<cellXfs count="(\d+)"', _parts(path)["xl/styles.xml"]).group(1))


def _without_value(xml: bytes) -> bytes:
    el = etree.fromstring(xml)
    for child in list(el):
        el.remove(child)
    el.attrib.pop("t", None)
    return etree.tostring(el)


def test_three_refreshes_add_styles_once_and_the_third_changes_nothing(seed_workbook):
    counts = []
    for k in range(3):
        refresh_file(seed_workbook, now=f"2026-11-2{k} 09:00")
        counts.append(_xf_count(seed_workbook))
        if k == 1:
            second = _parts(seed_workbook)
    assert counts[0] == counts[1] == counts[2]
    assert _parts(seed_workbook) == second


def test_a_fixed_cell_gets_back_its_own_format_exactly(seed_workbook):
    sheet = "xl/worksheets/sheet3.xml"                        # 项目
    original = _cell_xml(seed_workbook, sheet, "D2")          # 总计: money format, 宋体, borders
    wb = openpyxl.load_workbook(seed_workbook)
    number_format, font = wb["项目"]["D2"].number_format, wb["项目"]["D2"].font.name
    colour = wb["项目"]["D2"].font.color
    wb["项目"]["D2"] = 700                                     # ≠ 财政拨款 + 财政专户拨款 + 其他资金
    wb.save(seed_workbook)
    saved = _without_value(_cell_xml(seed_workbook, sheet, "D2"))
    refresh_file(seed_workbook)
    ws = openpyxl.load_workbook(seed_workbook)["项目"]
    assert ws["D2"].fill.fgColor.rgb == RED
    assert ws["D2"].number_format == number_format and ws["D2"].font.name == font   # kept under the red
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D2"] = 600
    wb.save(seed_workbook)
    refresh_file(seed_workbook)
    assert _without_value(_cell_xml(seed_workbook, sheet, "D2")) == saved
    ws = openpyxl.load_workbook(seed_workbook)["项目"]
    assert ws["D2"].fill.fill_type is None and ws["D2"].number_format == number_format
    assert ws["D2"].font.name == font and ws["D2"].font.color == colour
    assert original is not None


def _typed_filing(tmp_path):
    path = tmp_path / "filing_2025.xlsx"
    assert main(["new", "-o", str(path), "--year", "2025", "--department", "某部门", "--unit", "某单位"]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    ws.append([None, "项目甲", None, 100.5, 100.5, None, None, None])      # no 绩效目标
    ws.append([None, "项目乙", "某单位", 80, 50, None, None, "完成某某工作"])  # 总计 ≠ its parts
    wb.save(path)
    return path


def test_cells_nobody_wrote_are_highlighted_noted_and_restored(tmp_path):
    path = _typed_filing(tmp_path)
    before = _parts(path)
    outcome = refresh_file(path, now="2026-11-30 09:00")
    flagged = {f.cell: f for f in outcome.findings if f.severity in ("error", "warning") and f.sheet == "项目"}
    assert "H2" in flagged                                    # the blank 绩效目标 of 项目甲
    ws = openpyxl.load_workbook(path)["项目"]
    for ref, f in flagged.items():
        assert ws[ref].fill.fgColor.rgb in (RED, "FFFFE9A1"), ref
        assert f.code in ws[ref].comment.text and "建议" in ws[ref].comment.text, ref
    root = etree.fromstring(_parts(path)["xl/worksheets/sheet3.xml"])
    for row in root.iter(MAIN + "row"):
        cols = [c.get("r").rstrip("0123456789") for c in row.iter(MAIN + "c")]
        assert cols == sorted(cols, key=lambda s: (len(s), s)), cols
    # the person types the target and fixes the total: the cells go back to their own look
    looks = _looks(before, ("H2", "D3"))
    wb = openpyxl.load_workbook(path)
    wb["项目"]["H2"] = "完成项目甲全部建设内容，设备完好率不低于95%，师生满意度达到90%以上"
    wb["项目"]["D3"] = 50
    wb.save(path)
    again = refresh_file(path)
    assert not {f.cell for f in again.findings if f.sheet == "项目" and f.severity != "info"} & {"H2", "D3"}
    ws = openpyxl.load_workbook(path)["项目"]
    for ref in ("H2", "D3"):
        assert ws[ref].fill.fill_type is None and ws[ref].comment is None, ref
    assert _looks(_parts(path), ("H2", "D3")) == looks       # the column's format, as before


def _looks(parts: dict[str, bytes], refs) -> dict:
    """Font and number format of cells of 项目 as Excel shows them (a cell without an element shows its
    column's format)."""
    import io
    wb = openpyxl.load_workbook(io.BytesIO(_zip(parts)))
    ws = wb["项目"]
    out = {}
    for ref in refs:
        c = ws[ref]
        col = ws.column_dimensions[ref.rstrip("0123456789")]
        if c.has_style:
            out[ref] = (c.font.name, c.font.sz, c.number_format, c.alignment.wrap_text)
        else:
            out[ref] = (col.font.name, col.font.sz, col.number_format, col.alignment.wrap_text)
    return out


def _zip(parts: dict[str, bytes]) -> bytes:
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_row_below_the_table_is_highlighted_then_removed_again(tmp_path):
    """A highlight on a cell with no <row>: the row is created, then removed when the finding goes."""
    path = _typed_filing(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["绩效指标"]["A40"] = "不存在的项目"        # an indicator of no project, far below the table
    wb["绩效指标"]["E40"] = "某指标"
    wb.save(path)
    outcome = refresh_file(path)
    cells = {f.cell for f in outcome.findings if f.sheet == "绩效指标" and f.severity in ("error", "warning")}
    assert any(c.endswith("40") for c in cells)
    wb = openpyxl.load_workbook(path)
    wb["绩效指标"]["A40"] = None
    wb["绩效指标"]["E40"] = None
    wb.save(path)
    refresh_file(path)
    ws = openpyxl.load_workbook(path)["绩效指标"]
    assert all(ws[c].fill.fill_type is None and ws[c].comment is None for c in cells)


def test_notes_carry_the_suggestion(seed_workbook):
    outcome = refresh_file(seed_workbook)
    ws = openpyxl.load_workbook(seed_workbook)["绩效指标"]
    f = next(f for f in outcome.findings if f.code == "VAL011")
    assert f.suggestion and f"建议：{f.suggestion}" in ws[f.cell].comment.text


def test_results_sheet_is_print_ready(seed_workbook):
    outcome = refresh_file(seed_workbook)
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["校验结果"]
    last = 3 + len(outcome.findings)
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert ws.auto_filter.ref == f"A3:G{last}"
    assert "A2:G2" in {str(r) for r in ws.merged_cells.ranges} and ws["A2"].alignment.wrap_text
    for ref in ("A3", "G3", f"A{last}", f"G{last}"):
        assert ws[ref].border.left.style == "thin" and ws[ref].border.bottom.style == "thin", ref
    assert ws["G3"].value == "建议" and all(ws.cell(r, 7).value for r in range(4, last + 1)
                                          if outcome.findings[r - 4].suggestion)


@pytest.mark.parametrize("rows", [
    [["hls", "项目", None, "error", "A1:XFD1048576"]],                 # the whole sheet
    [["hls", "项目", None, "error", "XFE1 A1:ZZZ3"], ["hls", "项目", None, "warning", "D2"]],   # past column XFD
    [["xf", "项目", None, "99999:0123abcd", "D2"]],                     # a style the file does not have
    [["xf", "项目", None, "5:zz", "D2:D9"], ["hls", "不存在", None, "error", "A1"]],
    [["notes", "项目", None, None, "{not json"], ["fill", "项目", "A0", 1, "x"]],
    [["hls", "项目", None, "error", "D2:D3 " * 5000]],
    [["rows", "项目", "2", None, "zz" * 9], ["rows", "说明", "1", None, "0" * 8], ["cells", "项目", "x", None, "."],
     ["look", "项目", None, "red|blue", "D2"], ["look", "项目", None, "-|-|@<script>", "D2"],
     ["rows", "项目", "1", None, "0" * 8 * 600_000]],                     # hashes past the cell budget
])
def test_a_hostile_state_sheet_is_ignored_row_by_row(seed_workbook, rows):
    refresh_file(seed_workbook)
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["_xltools"]
    for row in rows:
        ws.append(row)
    wb.save(seed_workbook)
    started = time.monotonic()
    refresh_file(seed_workbook)
    assert time.monotonic() - started < 60
    ws = openpyxl.load_workbook(seed_workbook)["项目"]
    assert ws["A1"].value == "序号" and ws["A1"].fill.fgColor.rgb != RED


def test_too_many_rows_stop_the_read_early_with_a_message(seed_workbook, monkeypatch, capsys):
    monkeypatch.setenv("XL_TOOLS_MAX_ROWS", "50")
    before = seed_workbook.read_bytes()
    with pytest.raises(XlToolsError) as err:
        refresh_file(seed_workbook)
    assert "上限 50 行" in str(err.value) and "绩效指标" in str(err.value)
    assert main(["refresh", str(seed_workbook)]) == 2
    assert "XL_TOOLS_MAX_ROWS" in capsys.readouterr().err
    assert seed_workbook.read_bytes() == before


@pytest.mark.soffice
def test_a_highlight_comes_off_after_libreoffice_renumbered_the_styles(seed_workbook, tmp_path):
    """LibreOffice rewrites styles.xml in its own order: the recorded format is found again by what
    it looks like, and the fixed cell gets back its number format, font and borders."""
    from .conftest import HAS_SOFFICE, soffice_convert
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")
    wb = openpyxl.load_workbook(seed_workbook)
    before = wb["项目"]["D2"]
    look = (before.number_format, before.font.name, before.border.left.style)
    wb["项目"]["D2"] = 700
    wb.save(seed_workbook)
    refresh_file(seed_workbook)
    out = tmp_path / "lo"
    out.mkdir()
    saved = soffice_convert(seed_workbook, "xlsx:Calc MS Excel 2007 XML", out)
    wb = openpyxl.load_workbook(saved)
    assert wb["项目"]["D2"].fill.fgColor.rgb == RED
    wb["项目"]["D2"] = 600
    wb.save(saved)
    refresh_file(saved)
    cell = openpyxl.load_workbook(saved)["项目"]["D2"]
    assert cell.fill.fill_type is None and cell.comment is None
    assert (cell.number_format, cell.font.name, cell.border.left.style) == look
