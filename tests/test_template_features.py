"""What the standard workbook (``workbook.template.build_workbook``: the committed templates, ``xl-tools
new``/``load``/``import``, the rollover target) carries, feature by feature, read back from the file:
Excel tables, data validations (the dependent 二级指标 dropdown: INDIRECT over defined names), column
widths and default formats, cell formats, defined names, frozen panes, print setup, row heights, the
hidden state sheet, the document properties and, in the .xlsm, the VBA project with the sheet code names
its macros use and the 刷新 form button. Written before the template moved from XlsxWriter to the
package patcher and kept green across the move: whichever writer makes it, the workbook is the same."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from tests.conftest import ROOT, needs_soffice, soffice_convert
from xl_tools.schema import TEMPLATE_VERSION, UNITS_TITLE
from xl_tools.workbook import build_workbook
from xl_tools.workbook.vba import BUTTON_MACRO, button_vba_project

SHEETS = [("说明", "visible"), ("基本信息", "visible"), ("项目", "visible"), ("绩效指标", "visible"),
          ("代码表", "visible"), ("_xltools", "hidden")]
NAMES = {
    "一级指标清单": "'代码表'!$A$2:$A$5", "上次刷新": "'说明'!$B$13",
    "二级_1": "'代码表'!$C$2:$C$5", "二级_2": "'代码表'!$D$2:$D$5", "二级_3": "'代码表'!$E$2:$E$2",
    "二级_4": "'代码表'!$F$2:$F$4", "合计": "'基本信息'!$B$7", "模板版本": "'基本信息'!$B$8",
    "规则配置": "'基本信息'!$B$6", "部门名称": "'基本信息'!$B$4", "金额单位": "'基本信息'!$B$5",
    "项目清单": "OFFSET('项目'!$B$2,0,0,MAX(1,COUNTA('项目'!$B:$B)-1),1)", "预算年度": "'基本信息'!$B$3",
}
# column → (width as stored: Excel's characters plus the padding Excel adds, number format of the column)
WIDTHS = {
    "说明": {1: (4.7109375, "General"), 2: (120.7109375, "General")},
    "基本信息": {1: (22.7109375, "General"), 2: (40.7109375, "General"), 3: (16.7109375, "General"),
             4: (16.7109375, "General"), 5: (16.7109375, "General"), 6: (16.7109375, "General")},
    "项目": {1: (6.7109375, "General"), 2: (34.7109375, "General"), 3: (22.7109375, "General"),
           **{c: (13.7109375, "#,##0.00") for c in range(4, 8)}, 8: (70.7109375, "General"),
           9: (20.7109375, "General")},
    "绩效指标": {1: (36.7109375, "General"), 2: (6.7109375, "General"), 3: (14.7109375, "General"),
             4: (18.7109375, "General"), 5: (30.7109375, "General"), 6: (24.7109375, "@"), 7: (24.7109375, "@"),
             **{c: (10.7109375, "General") for c in range(8, 14)}},
    "代码表": {1: (18.85546875, "General"), 3: (29.85546875, "General"), 4: (29.85546875, "General"),
            5: (32.28515625, "General"), 6: (29.85546875, "General")},
}
UNIT_COLUMNS = ("单位名称", "总计", "财政拨款", "财政专户拨款", "其他资金")
PROJECT_COLUMNS = ("序号", "项目名称", "资金使用单位", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "备注")
INDICATOR_COLUMNS = ("项目名称", "序号", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值",
                     "周期运算符", "周期数值", "周期单位", "年度运算符", "年度数值", "年度单位")
EVERY_ROW = "1048576"
VALIDATIONS = {
    "基本信息": [
        ("B3", "whole", "between", "2000", "2100", "stop", "预算年度", "请填写四位数年份，例如 2025"),
        ("B5", "list", None, '"万元,元"', None, "stop", None, None),
        ("B6", "list", None, '"广东,中央2021,全国2015,四川,湘鄂"', None, "warning", None, None)],
    "项目": [("D2:G" + EVERY_ROW, "decimal", "greaterThanOrEqual", "0", None, "warning", "金额",
             "金额应为不小于 0 的数字（万元，两位小数）")],
    "绩效指标": [
        ("A2:A" + EVERY_ROW, "list", None, "项目清单", None, "warning", "项目名称", "项目名称应与「项目」表中的某个项目一致"),
        ("C2:C" + EVERY_ROW, "list", None, "一级指标清单", None, "warning", "一级指标", "请从下拉列表选择，例如 1-产出指标"),
        ("D2:D" + EVERY_ROW, "list", None, 'INDIRECT("二级_"&LEFT($C2,FIND("-",$C2&"-")-1))', None, "warning",
         "二级指标", "请先选择一级指标，再从下拉列表选择对应的二级指标，例如 11-数量指标"),
        ("H2:M" + EVERY_ROW, "custom", None, "FALSE", None, "stop", "自动填写的列",
         "灰色的列由「刷新」自动填写，显示工具如何理解左边的指标值，请不要手工修改")],
}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The empty .xlsx and .xlsm templates and the seed filing's workbook, written once."""
    from tests.conftest import SEED_JSON
    from xl_tools.jsonio import load_json
    folder = tmp_path_factory.mktemp("template")
    paths = {"xlsx": folder / "t.xlsx", "xlsm": folder / "t.xlsm", "seed": folder / "seed.xlsx"}
    build_workbook(paths["xlsx"])
    build_workbook(paths["xlsm"])
    build_workbook(paths["seed"], load_json(SEED_JSON))
    return paths


def _column(ws, col: int):
    """The column dimension covering `col` (writers group equal columns differently)."""
    return next((d for d in ws.column_dimensions.values() if d.min and d.min <= col <= d.max), None)


def _validations(ws) -> list[tuple]:
    return sorted((str(dv.sqref), dv.type, dv.operator or ("between" if dv.type in ("whole", "decimal") else None),
                   dv.formula1, dv.formula2, dv.errorStyle or "stop",
                   dv.errorTitle, dv.error) for dv in ws.data_validations.dataValidation)


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_sheets_names_validations_and_print_setup(books, kind):
    wb = openpyxl.load_workbook(books[kind])
    assert [(ws.title, ws.sheet_state) for ws in wb.worksheets] == SHEETS
    assert wb.active.title == "说明"
    assert {n: dn.attr_text for n, dn in wb.defined_names.items()} == NAMES
    for sheet, want in VALIDATIONS.items():
        assert _validations(wb[sheet]) == sorted(want), sheet
        assert all(dv.allow_blank and dv.showErrorMessage for dv in wb[sheet].data_validations.dataValidation)
    assert {ws.title: ws.freeze_panes for ws in wb.worksheets} == {
        "说明": None, "基本信息": None, "项目": "C2", "绩效指标": "B2", "代码表": "A2", "_xltools": None}
    for ws in wb.worksheets[:5]:
        ps, margins = ws.page_setup, ws.page_margins
        assert (ps.orientation, str(ps.paperSize), str(ps.fitToHeight)) == ("landscape", "9", "0"), ws.title
        assert ps.fitToWidth in (None, 1, "1") and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.4, 0.4, 0.5, 0.5)
        assert ws.print_title_rows == (None if ws.title in ("说明", "基本信息") else "$1:$1")
    state = wb["_xltools"]
    assert [[c.value for c in row] for row in state.iter_rows()] == [
        ["template_version", TEMPLATE_VERSION, None], ["sheet", "range", "severity"]]


@pytest.mark.parametrize("kind", ["xlsx", "seed"])
def test_widths_and_column_formats(books, kind):
    wb = openpyxl.load_workbook(books[kind])
    for sheet, columns in WIDTHS.items():
        ws = wb[sheet]
        for col, (width, number_format) in columns.items():
            dim = _column(ws, col)
            assert dim is not None and dim.customWidth, (sheet, col)
            assert (round(dim.width, 4), dim.number_format) == (round(width, 4), number_format), (sheet, col)
        assert _column(ws, max(columns) + 1) is None, sheet
    assert _column(wb["代码表"], 2) is None                  # the gap between 一级 and the 二级 lists
    default = {sheet: {c: _column(wb[sheet], c) for c in cols} for sheet, cols in
               (("说明", (2,)), ("项目", (1, 4, 8)), ("绩效指标", (1, 6, 8)))}
    for sheet, cols in default.items():                       # the look of what is typed in a column
        for col, dim in cols.items():
            assert dim.font.name == "宋体" and dim.alignment.vertical == "top", (sheet, col)
    assert default["说明"][2].alignment.wrap_text and default["项目"][8].alignment.wrap_text
    assert default["绩效指标"][6].alignment.wrap_text and default["绩效指标"][6].number_format == "@"
    helper = default["绩效指标"][8]
    assert helper.fill.fgColor.rgb == "FFF2F2F2" and helper.font.color.rgb == "FF595959"
    assert {_column(wb["说明"], 1).font.name, _column(wb["基本信息"], 2).font.name} == {"Calibri"}   # no format


def test_cell_formats_and_heights(books):
    wb = openpyxl.load_workbook(books["xlsx"])
    readme, info, projects, indicators, codes = (wb[s] for s, _ in SHEETS[:5])
    title, heading, text, note = readme["B1"], readme["B3"], readme["B4"], readme["B13"]
    assert (title.font.name, title.font.b, title.font.sz) == ("宋体", True, 16)
    assert (heading.font.b, heading.font.sz) == (True, 12)
    assert text.alignment.wrap_text and text.alignment.vertical == "top"
    assert note.value == "尚未刷新" and note.font.i and note.font.color.rgb == "FF7F7F7F"
    assert {r: d.height for r, d in readme.row_dimensions.items() if d.height} == {
        4: 36, 5: 36, 6: 36, 7: 84, 8: 84, 9: 36, 10: 36}
    label, entry, money = info["A3"], info["B3"], info["B7"]
    assert label.value == "预算年度" and label.font.b and label.fill.fgColor.rgb == "FFDDEBF7"
    assert label.border.left.style == "thin" and entry.border.bottom.style == "thin"
    assert entry.fill.fgColor.rgb == "FFFFFFFF" and money.number_format == "#,##0.00"
    assert [info.cell(r, 2).value for r in range(3, 9)] == [None, None, "万元", "广东", None, TEMPLATE_VERSION]
    assert info["A10"].value == UNITS_TITLE and info["A10"].font.b
    header = projects["A1"]
    assert (header.font.b, header.fill.fgColor.rgb, header.alignment.horizontal, header.alignment.vertical,
            header.alignment.wrap_text, header.border.top.style) == (True, "FFDDEBF7", "center", "center", True, "thin")
    helper = indicators["H1"]
    assert helper.fill.fgColor.rgb == "FFEDEDED" and helper.font.color.rgb == "FF595959" and helper.font.b
    assert indicators.row_dimensions[1].height == 30
    assert codes["A1"].fill.fgColor.rgb == "FFDDEBF7" and not codes["A1"].alignment.wrap_text
    assert codes["A1"].alignment.horizontal == "center"
    assert [codes.cell(1, c).value for c in range(1, 7)] == [
        "一级指标", None, "1-产出指标 的二级指标", "2-效益指标 的二级指标", "3-满意度指标 的二级指标", "4-成本指标 的二级指标"]
    assert codes["A7"].value == "说明" and codes["A7"].font.b


def test_tables(books):
    wb = openpyxl.load_workbook(books["xlsx"])
    found = {t.name: (ws.title, t.ref, tuple(c.name for c in t.tableColumns), t.tableStyleInfo.name,
                      t.tableStyleInfo.showRowStripes, t.totalsRowShown in (None, False, 0))
             for ws in wb.worksheets for t in ws.tables.values()}
    assert found == {
        "Units": ("基本信息", "A11:E16", UNIT_COLUMNS, "TableStyleLight9", True, True),
        "Settings": ("基本信息", "A19:B20", ("配置项", "值"), "TableStyleLight9", True, True),
        "Projects": ("项目", "A1:I2", PROJECT_COLUMNS, "TableStyleLight9", True, True),
        "Indicators": ("绩效指标", "A1:M2", INDICATOR_COLUMNS, "TableStyleLight9", True, True)}
    # a row the person adds to a table takes the column's format (the table column's data format)
    dxfs = wb._differential_styles
    formats = {t.name: [dxfs[c.dataDxfId].numFmt.formatCode if c.dataDxfId is not None and
                        dxfs[c.dataDxfId].numFmt else None for c in t.tableColumns]
               for ws in wb.worksheets for t in ws.tables.values()}
    assert formats["Units"] == [None] + ["#,##0.00"] * 4
    assert formats["Projects"] == [None] * 3 + ["#,##0.00"] * 4 + [None] * 2
    assert formats["Indicators"] == [None] * 5 + ["@"] * 2 + [None] * 6
    assert [[info.value for info in row] for row in wb["基本信息"]["A11:E12"]] == [list(UNIT_COLUMNS), [None] * 5]
    assert wb["基本信息"]["B12"].number_format == "#,##0.00" and wb["基本信息"]["A12"].border.left.style == "thin"
    with zipfile.ZipFile(books["xlsx"]) as zf:
        tables = [n for n in zf.namelist() if n.startswith("xl/tables/")]
        assert len(tables) == 4
        assert all(b"<autoFilter " in zf.read(n) for n in tables)       # each table's header has its filter


def test_a_filled_workbook(books, seed_filing):
    wb = openpyxl.load_workbook(books["seed"])
    assert wb.active.title == "项目"
    projects, indicators, info = wb["项目"], wb["绩效指标"], wb["基本信息"]
    n_projects = len(seed_filing.projects)
    n_indicators = sum(len(p.indicators) for p in seed_filing.projects)
    assert projects.tables["Projects"].ref == f"A1:I{n_projects + 1}"
    assert indicators.tables["Indicators"].ref == f"A1:M{n_indicators + 1}"
    first = seed_filing.projects[0]
    assert projects["B2"].value == first.name and projects["D2"].number_format == "#,##0.00"
    assert float(projects["D2"].value) == float(first.total) and projects["H2"].alignment.wrap_text
    assert projects.row_dimensions[2].height and projects.row_dimensions[2].height > 15    # the target shows whole
    assert indicators["F2"].number_format == "@" and indicators["A2"].value == first.name
    assert indicators["H2"].fill.fgColor.rgb == "FFF2F2F2"
    assert info["B3"].value == seed_filing.year and info["B4"].value == seed_filing.department
    state = [[c.value for c in row] for row in wb["_xltools"].iter_rows(min_row=3)]
    assert state == []                                        # not `numbered`: no fills recorded


def test_numbered_and_xlwings_conf(tmp_path, seed_filing):
    path = tmp_path / "n.xlsx"
    build_workbook(path, seed_filing, numbered=True, xlwings_conf={"INTERPRETER_WIN": "py"})
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in wb.worksheets][-1] == "xlwings.conf" and wb["xlwings.conf"].sheet_state == "hidden"
    assert [[c.value for c in row] for row in wb["xlwings.conf"].iter_rows()] == [["INTERPRETER_WIN", "py"]]
    fills = [[c.value for c in row] for row in wb["_xltools"].iter_rows(min_row=3)]
    assert fills and fills[0][:4] == ["fill", "项目", "A2", 1]


def test_document_properties(books):
    wb = openpyxl.load_workbook(books["xlsx"])
    props = wb.properties
    assert (props.title, props.subject, props.description) == (
        "项目支出绩效目标表", "xl-tools 标准模板", f"xl-tools template v{TEMPLATE_VERSION}")
    assert props.created.year == 2024 and props.created.month == 1 and props.created.day == 1


def test_the_macro_workbook_carries_the_vba_project_code_names_and_button(books):
    with zipfile.ZipFile(books["xlsm"]) as zf:
        names = set(zf.namelist())
        assert zf.read("xl/vbaProject.bin") == button_vba_project()      # xlwings' project, our macro
        types = zf.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert "application/vnd.ms-office.vbaProject" in types
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        assert "relationships/vbaProject" in rels and 'Target="vbaProject.bin"' in rels
        workbook = zf.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook and '<fileVersion appName="xl" ' in workbook
        assert 'codeName="{37E998C4-C9E5-D4B9-71C8-EB1FF731991C}"' in workbook       # the project's, as Excel writes it
        sheet_parts = _sheet_parts(zf)
        for k, (sheet, part) in enumerate(sheet_parts.items(), start=1):
            assert f'<sheetPr codeName="Sheet{k}"' in zf.read(part).decode(), sheet      # the VBA's Sheet1 …
        readme = zf.read(sheet_parts["说明"]).decode()
        assert "<legacyDrawing " in readme
        vml = [n for n in names if n.endswith(".vml")]
        assert len(vml) == 1
        drawing = zf.read(vml[0]).decode()
    assert 'ObjectType="Button"' in drawing and f"<x:FmlaMacro>[0]!{BUTTON_MACRO}</x:FmlaMacro>" in drawing
    assert "刷新" in drawing and "<x:Anchor>1, 0, 14, 0, 1, 128, 14, 36</x:Anchor>" in drawing     # B15, inside its row
    wb = openpyxl.load_workbook(books["xlsm"], keep_vba=True)
    assert wb["说明"]["B16"].value.startswith("按钮第一次在一台电脑上使用时")
    assert wb.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == [f"Sheet{k}" for k in range(1, 7)]


def test_the_plain_workbook_has_no_macro_parts(books):
    with zipfile.ZipFile(books["xlsx"]) as zf:
        names = zf.namelist()
        assert not [n for n in names if n.endswith((".bin", ".vml"))]
        assert "macroEnabled" not in zf.read("[Content_Types].xml").decode()
    wb = openpyxl.load_workbook(books["xlsx"])
    assert wb["说明"]["B15"].value.startswith("（本文件为 .xlsx，没有按钮")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part, in workbook order."""
    import re
    workbook = zf.read("xl/workbook.xml").decode()
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', zf.read("xl/_rels/workbook.xml.rels").decode()))
    rels.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"',
                                             zf.read("xl/_rels/workbook.xml.rels").decode())})
    sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook)
    return {name: "xl/" + rels[rid].lstrip("/").removeprefix("xl/") for name, rid in sheets}


@needs_soffice
def test_libreoffice_reads_the_features_back(books, tmp_path):
    """LibreOffice, an independent reader, finds the same validations, names and tables."""
    resaved = soffice_convert(books["xlsm"], "xlsx:Calc MS Excel 2007 XML", tmp_path)
    wb = openpyxl.load_workbook(resaved)
    assert [ws.title for ws in wb.worksheets] == [s for s, _ in SHEETS]
    for name in ("预算年度", "项目清单", "一级指标清单", "二级_1", "二级_4"):
        assert name in wb.defined_names, name
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in wb["绩效指标"].data_validations.dataValidation}
    assert dvs["D2"].type == "list" and "INDIRECT" in dvs["D2"].formula1
    assert dvs["A2"].formula1 == "项目清单"
    assert {t.name for ws in wb.worksheets for t in ws.tables.values()} >= {"Projects", "Indicators"}
    assert wb["基本信息"]["B5"].value == "万元" and wb["说明"]["B13"].value == "尚未刷新"


def test_the_vba_project_is_read_from_the_installed_xlwings():
    from xl_tools.workbook.vba import module_source, xlwings_vba_project
    project = button_vba_project()
    assert len(project) == len(xlwings_vba_project())
    assert "xl_tools_desktop.main()" in module_source(project)
    assert io.BytesIO(project).read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"         # a compound file


def test_the_buttons_help_wraps_below_the_button():
    """A trial: the long help line under the 刷新 button ran off to the right in one line (printing 说明
    shrank the page until it could not be read) and the button covered its start. It now wraps in B, in
    a row high enough for its lines, below the button's own row."""
    from xl_tools.workbook.template import BUTTON_ROW_POINTS, README_BUTTON_HELP, README_SUMMARY_ROW
    ws = openpyxl.load_workbook(ROOT / "workbook_templates" / "performance_targets.xlsm")["说明"]
    help_row = README_SUMMARY_ROW + 4
    assert ws.cell(help_row, 2).value == README_BUTTON_HELP and ws.cell(help_row, 2).alignment.wrap_text
    assert ws.row_dimensions[help_row].height >= 45                  # three lines or more at width 120
    assert ws.row_dimensions[help_row - 1].height == BUTTON_ROW_POINTS >= 36 * 0.75


@pytest.mark.parametrize("profile", ["广东", "湘鄂"])
def test_the_code_tables_note_says_how_to_add_categories(tmp_path, profile):
    """A trial: 代码表 said 「请不要修改、移动或删除」 where the guide (and every profile: ``code_additions``)
    let a unit add its region's categories. The note says how, and keeps the shipped rows fixed."""
    from xl_tools.model import Filing
    from xl_tools.profiles import load_profile
    assert load_profile(profile).code_additions
    path = tmp_path / f"{profile}.xlsx"
    build_workbook(path, Filing(year=2026, profile=profile))
    texts = [c.value for row in openpyxl.load_workbook(path)["代码表"].iter_rows() for c in row
             if isinstance(c.value, str)]
    said = [t for t in texts if t.startswith("本表是「绩效指标」表中")]
    assert len(said) == 1 and "已有的行请不要修改" in said[0] and "可在列末补充" in said[0]


@pytest.mark.parametrize("profile, one_value", [("广东", False), ("湘鄂", True)])
def test_the_guide_says_which_value_column_a_one_value_region_fills(tmp_path, profile, one_value):
    """A trial: a 湘鄂 user saw 实施周期指标值 and 年度指标值 and no word on which to fill, while the guide says
    the region's table has one 指标值 column. 说明 line 3 says so for such a profile, on the same row."""
    from xl_tools.model import Filing
    from xl_tools.workbook.template import README_LINES
    path = tmp_path / f"{profile}.xlsx"
    build_workbook(path, Filing(year=2026, profile=profile))
    column = [c.value for c in openpyxl.load_workbook(path)["说明"]["B"]][:len(README_LINES)]
    line3 = [t for t in column if isinstance(t, str) and t.startswith("3. ")]
    assert len(line3) == 1 and column.index(line3[0]) == [t for t, _s in README_LINES].index(
        next(t for t, _s in README_LINES if t.startswith("3. ")))
    assert ("填「年度指标值」即可" in line3[0]) is one_value
