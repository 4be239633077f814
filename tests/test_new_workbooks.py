"""Every workbook the tool creates as a file of its own is a new package of the patcher
(``ooxml.newpackage``) whose sheets ``sheetgen`` generates: valid against the Open XML schemas
(openxml-audit), read the same by openpyxl and by LibreOffice, and saying in its properties that
xl-tools wrote it (no other engine's name in ``docProps/app.xml``)."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from tests.conftest import SEED_JSON, needs_soffice, soffice_convert
from xl_tools.cli import main
from xl_tools.ooxml.newpackage import DocProps, write_new_workbook
from xl_tools.ooxml.patch import Generated
from xl_tools.ooxml.sheetgen import PageSetup, SheetSpec
from xl_tools.ooxml.styles import Format

audit = pytest.importorskip("openxml_audit", reason="openxml-audit (test extra) not installed")


def schema_errors(path) -> list[str]:
    """What the validator finds, less its note that Excel turns inline strings into shared strings on
    its next save (the generator writes text as inline strings, never a formula; not an error)."""
    result = audit.OpenXmlValidator(max_errors=1000).validate(str(path))
    return [str(e) for e in result.errors if "inline-string cell" not in str(e)]


def application(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("docProps/app.xml").decode()


def test_a_new_package_is_valid_and_carries_its_properties(tmp_path):
    bold = Format(bold=True, fill="DDEBF7", border=True)
    spec = SheetSpec(rows=[[("名称", bold), ("金额", bold)], [("=不是公式", None), (Decimal("12.50"), None)]],
                     widths={1: 20, 2: 12}, freeze=(2, 1), autofilter=(1, 1, 2, 2), page=PageSetup())
    out = tmp_path / "new.xlsx"
    write_new_workbook(out, [Generated("甲", spec, print_titles=(1, 1), print_area=True),
                             Generated("乙", SheetSpec(rows=[[("x", None)]]), hidden=True)],
                       DocProps(title="标题", subject="部门", keywords="预算年度=2025",
                                custom=(("预算年度", 2025), ("xl-tools", "review"))))
    assert schema_errors(out) == []
    assert "<Application>xl-tools</Application>" in application(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["甲", "乙"] and wb["乙"].sheet_state == "hidden"
    ws = wb["甲"]
    assert ws["A2"].value == "=不是公式" and ws["A2"].data_type == "s"          # text, never a formula
    assert ws["B2"].value == 12.5 and ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B2" and ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["A"].width == 20
    props = wb.properties
    assert (props.title, props.subject, props.keywords, props.creator) == ("标题", "部门", "预算年度=2025", "xl-tools")
    assert {p.name: p.value for p in wb.custom_doc_props.props} == {"预算年度": 2025, "xl-tools": "review"}


def test_a_new_workbook_needs_a_sheet(tmp_path):
    with pytest.raises(ValueError):
        write_new_workbook(tmp_path / "none.xlsx", [])


@needs_soffice
def test_the_published_table_is_the_patchers_own_package(tmp_path):
    """``publish`` writes its 公开表 into a new package of the patcher (it used XlsxWriter's blank
    workbook): valid, its identity in the properties, and LibreOffice reads the same cells."""
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(SEED_JSON), "-o", str(out)]) == 0
    assert schema_errors(out) == []
    assert "<Application>xl-tools</Application>" in application(out)
    wb = openpyxl.load_workbook(out)
    assert {p.name: p.value for p in wb.custom_doc_props.props}["预算年度"] == 2024
    assert wb.properties.title.startswith("2024年项目支出绩效目标表")
    ours = [[c.value for c in row] for row in wb["公开表"].iter_rows(max_row=6)]
    again = tmp_path / "lo"
    again.mkdir()
    back = openpyxl.load_workbook(soffice_convert(out, "xlsx", again))
    assert back.sheetnames == ["公开表"]
    assert [[c.value for c in row] for row in back["公开表"].iter_rows(max_row=6)] == ours
    assert sorted(map(str, back["公开表"].merged_cells.ranges)) == sorted(map(str, wb["公开表"].merged_cells.ranges))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The reviewer's workbooks as the commands write them: the batch review (with its 合并公开表, the
    chart of 规则统计 and the hidden state sheet), a send-back list, the diff workbook."""
    from tests.support.mail_inbox import make_mail_inbox
    from tests.support.review_inbox import MAIN, variant
    from xl_tools.diff import diff_filings, write_diff_xlsx
    from xl_tools.jsonio import load_json
    root = tmp_path_factory.mktemp("reports")
    inbox = make_mail_inbox(root / "mail")
    review = root / "审核汇总.xlsx"
    main(["batch", str(inbox.folder), "--department", "甲市教育局", "--units", str(inbox.unit_list), "-o", str(review),
          "--jobs", "2", "--sendback", str(root / "退回")])
    old, new = load_json(SEED_JSON), variant(MAIN, 2025, "0.9")
    new.projects[1].target += "\n另：本年度新增实训工位20个，满意度≥95%。"
    diff = root / "DIFF.xlsx"
    write_diff_xlsx(diff_filings(old, new), diff)
    sendback = next((root / "退回").glob("*/退回清单.xlsx"))
    return {"review": review, "sendback": sendback, "diff": diff}


@pytest.mark.parametrize("kind", ["review", "sendback", "diff"])
def test_each_report_is_valid_and_the_tools_own(reports, kind):
    """No schema error (openpyxl's reports had 7 to 10: fonts' children out of order, rich-text runs),
    written by xl-tools, marked as its report."""
    from xl_tools.outputmark import workbook_kind
    path = reports[kind]
    assert schema_errors(path) == []
    assert "<Application>xl-tools</Application>" in application(path)
    assert workbook_kind(path) == ("diff" if kind == "diff" else "review")


def _solid(cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:] if cell.fill is not None and cell.fill.fill_type == "solid" else None


def _seen(ws, rows: int = 40) -> list:
    """What a reader sees of a sheet's first rows: each cell's value (rich text as its plain text,
    whole numbers as numbers) and solid fill."""
    out = []
    for row in ws.iter_rows(max_row=rows):
        for c in row:
            value = str(c.value) if c.value is not None and not isinstance(c.value, (int, float)) else c.value
            if value is not None or _solid(c):
                out.append((c.coordinate, round(value, 6) if isinstance(value, float) else value, _solid(c)))
    return out


def _widths(ws) -> dict[int, float]:
    """Column → width as set (a ``<col>`` may cover several columns: LibreOffice groups equal ones)."""
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth and dim.width:
            for col in range(dim.min, dim.max + 1):
                out[col] = dim.width
    return out


@needs_soffice
@pytest.mark.parametrize("kind", ["review", "sendback", "diff"])
def test_libreoffice_reads_each_report_as_openpyxl_does(reports, kind, tmp_path):
    """LibreOffice opens the report and saves it again: the same sheets (the state sheet still
    hidden), values, colours, merges, repeated header rows and column widths. (Frozen panes are view
    settings, which LibreOffice headless does not keep for any writer's workbook: openpyxl checks them.)"""
    path = reports[kind]
    ours = openpyxl.load_workbook(path)
    back = openpyxl.load_workbook(soffice_convert(path, "xlsx", tmp_path))
    assert back.sheetnames == ours.sheetnames
    for ws in ours.worksheets:
        lo = back[ws.title]
        assert lo.sheet_state == ws.sheet_state
        assert _seen(lo) == _seen(ws), ws.title
        assert sorted(map(str, lo.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges)), ws.title
        assert lo.print_title_rows == ws.print_title_rows, ws.title
        theirs = _widths(lo)
        for col, width in _widths(ws).items():
            assert abs(theirs.get(col, 0) - width) < 1, (ws.title, col)
    if kind == "review":                                            # LibreOffice draws the chart
        import pdfplumber
        with pdfplumber.open(soffice_convert(path, "pdf", tmp_path)) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert "按规则类别的问题数" in text and "条数" in text


@pytest.mark.parametrize("kind", ["review", "sendback", "diff"])
def test_each_reports_sheets_keep_their_print_setup_and_panes(reports, kind):
    """Every visible sheet the report lays out prints as before the move: A4 landscape, one page wide,
    centred, its header row repeated (the row below its title lines, frozen under it), the used range
    as print area, the page numbers in the footer and (batch and diff) what it is in the header."""
    wb = openpyxl.load_workbook(reports[kind])
    laid_out = [ws for ws in wb.worksheets if ws.sheet_state == "visible" and not ws.title.startswith("合并公开表")]
    assert laid_out
    for ws in laid_out:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", "9", 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_options.horizontalCentered
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
        assert ws.print_area and ws.print_area.startswith(f"'{ws.title}'!$A$1:"), ws.title
        if kind != "sendback":
            assert ws.oddHeader.center.text.startswith("xl-tools ") and ws.oddHeader.center.size == 9, ws.title
        if ws.print_title_rows:
            header = int(ws.print_title_rows.split(":")[0].strip("$"))
            assert ws.freeze_panes == f"A{header + 1}", ws.title
            assert ws.cell(header, 1).font.b and ws.cell(header, 1).fill.fgColor.rgb == "FFDDEBF7", ws.title


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_the_standard_workbook_is_the_patchers_own_package(tmp_path, seed_filing, suffix):
    """The template and every workbook ``build_workbook`` writes (it used XlsxWriter): valid with its
    tables, validations, names and, in the .xlsm, the VBA project and the form button's drawing."""
    from xl_tools.workbook import build_workbook
    for name, filing in (("template", None), ("seed", seed_filing)):
        out = tmp_path / (name + suffix)
        build_workbook(out, filing)
        assert schema_errors(out) == [], name
        assert "<Application>xl-tools</Application>" in application(out)
        with zipfile.ZipFile(out) as zf:
            assert ("xl/vbaProject.bin" in zf.namelist()) == (suffix == ".xlsm")


def test_tables_validations_names_code_names_and_a_button(tmp_path):
    """The parts the standard workbook needed of the patcher, on a workbook of their own: Excel tables
    (ids unique in the workbook, the format an added row takes), a validation, a column's default format,
    a defined name, code names, the VBA project and a form button placed over the cells as Excel places it."""
    from xl_tools.ooxml.buttons import FormButton
    from xl_tools.ooxml.sheetgen import Validation
    from xl_tools.ooxml.tables import Table
    from xl_tools.workbook.vba import button_vba_project
    money = Format(number_format="#,##0.00", italic=True)
    first = SheetSpec(rows=[[("名称", None), ("金额", None)], [("甲", None), (Decimal("1.5"), money)]],
                      widths={1: 10.7109375, 2: 20}, heights={2: 30}, column_formats={2: money},
                      validations=[Validation((2, 2, 10, 2), "decimal", "0", operator="greaterThanOrEqual",
                                              error_style="warning", error="不小于 0")],
                      code_name="Sheet1", selected=True)
    out = tmp_path / "parts.xlsm"
    write_new_workbook(out, [
        Generated("甲", first, tables=[Table("Money", (1, 1, 2, 2), (("名称", None), ("金额", money)))],
                  buttons=[FormButton("运行", "Go", (3, 2))]),
        Generated("乙", SheetSpec(rows=[[("x", None)], [(1, None)]], code_name="Sheet2"),
                  tables=[Table("Other", (1, 1, 2, 1), (("x", None),))])],
        names=[("金额列", "'甲'!$B$2:$B$10")], vba=button_vba_project())
    assert schema_errors(out) == []
    wb = openpyxl.load_workbook(out, keep_vba=True)
    ws = wb["甲"]
    table = ws.tables["Money"]
    assert (table.ref, table.id) == ("A1:B2", 1) and wb["乙"].tables["Other"].id == 2
    assert wb._differential_styles[table.tableColumns[1].dataDxfId].numFmt.formatCode == "#,##0.00"
    dv = ws.data_validations.dataValidation[0]
    assert (str(dv.sqref), dv.type, dv.operator, dv.errorStyle, dv.error) == (
        "B2:B10", "decimal", "greaterThanOrEqual", "warning", "不小于 0")
    assert ws.column_dimensions["B"].number_format == "#,##0.00" and ws["B2"].font.i
    assert wb.defined_names["金额列"].attr_text == "'甲'!$B$2:$B$10"
    assert wb.code_name == "ThisWorkbook" and [s.sheet_properties.codeName for s in wb] == ["Sheet1", "Sheet2"]
    with zipfile.ZipFile(out) as zf:
        vml = zf.read(next(n for n in zf.namelist() if n.endswith(".vml"))).decode()
    assert "<x:Anchor>1, 0, 2, 0, 1, 128, 3, 16</x:Anchor>" in vml          # B3: 128 × 36 px; row 2 is 30 pt
    assert "margin-left:56.25pt;margin-top:45pt;width:96pt;height:27pt" in vml
    assert "<x:FmlaMacro>[0]!Go</x:FmlaMacro>" in vml and "运行" in vml


def test_a_table_added_beside_others_takes_the_next_id(tmp_path):
    """A table's id is unique in the workbook: one past the largest id there (Excel repairs a clash)."""
    from xl_tools.ooxml.package import Package
    from xl_tools.ooxml.styles import Styles
    from xl_tools.ooxml.tables import Table, attach
    from xl_tools.workbook import build_workbook
    book = tmp_path / "t.xlsx"
    build_workbook(book)                                  # four tables, ids 1 … 4
    with Package(book) as pkg:
        pkg.xml("xl/tables/table4.xml").set("id", "9")   # ids need not follow the parts' numbers
        styles = Styles(pkg.read("xl/styles.xml"))
        attach(pkg, "xl/worksheets/sheet5.xml", [Table("More", (20, 1, 21, 1), (("x", None),))], styles)
        part = max((n for n in pkg.names() if n.startswith("xl/tables/")), key=lambda n: int(n[15:-4]))
        assert part == "xl/tables/table5.xml" and pkg.xml(part).get("id") == "10"
