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
