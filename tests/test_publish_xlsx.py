"""The renderer's plan and the workbook openpyxl writes from it, reloaded as a reader sees it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.support.demo_filing import demo_filing
from xl_tools import textfit
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import load_json
from xl_tools.model import Filing, Project
from xl_tools.publish import publish_xlsx, render
from xl_tools.publish.indicators import indicator_text
from xl_tools.publish.table import BODY_SIZE, HEADERS, MONEY_FORMAT, TITLE
from xl_tools.schema import SHEET_PUBLIC

SEED = Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json"


@pytest.fixture(scope="module")
def seed() -> Filing:
    return load_json(SEED)


@pytest.fixture(scope="module")
def seed_book(seed, tmp_path_factory):
    path = tmp_path_factory.mktemp("pub") / "公开表.xlsx"
    publish_xlsx(seed, path)
    return openpyxl.load_workbook(path)


def _values(ws, row):
    return [ws.cell(row=row, column=c).value for c in range(1, 8)]


def test_title_info_and_headers(seed_book):
    ws = seed_book[SHEET_PUBLIC]
    assert seed_book.sheetnames == [SHEET_PUBLIC]
    assert ws["A1"].value == "2024年" + TITLE             # the budget year first: import reads it back
    assert ws["A2"].value == "部门名称：广州市人力资源和社会保障局"
    assert ws["G2"].value == "单位：万元"
    assert tuple(_values(ws, 3)) == HEADERS
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:G1", "A2:F2"}


def test_total_unit_and_project_rows(seed, seed_book):
    ws = seed_book[SHEET_PUBLIC]
    assert _values(ws, 4)[:5] == ["合计", 5138.68, 5138.68, 0, 0]
    assert _values(ws, 5)[:3] == ["广州市机电技师学院", 5138.68, 5138.68]
    names = [ws.cell(row=r, column=1).value for r in range(6, ws.max_row + 1)]
    projects = [n for n in names if n is not None]
    assert projects == [p.name for p in seed.projects]
    first = seed.projects[0]
    row = 6
    assert _values(ws, row) == [first.name, 600, 600, 0, 0, first.target, indicator_text(first.indicators)]
    assert ws.cell(row=row, column=1).alignment.indent == 2          # project names indented
    assert ws.cell(row=5, column=1).alignment.indent == 0


def test_money_format_borders_wrap(seed_book):
    ws = seed_book[SHEET_PUBLIC]
    for col in "BCDE":
        assert ws[f"{col}4"].number_format == MONEY_FORMAT == '#,##0.00;-#,##0.00;""'
        assert ws[f"{col}6"].number_format == MONEY_FORMAT
    cell = ws["G6"]
    assert cell.alignment.wrap_text
    assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert cell.font.name == "宋体"
    assert ws["A1"].font.bold and ws["A1"].font.size == 18


def test_print_setup(seed_book):
    ws = seed_book[SHEET_PUBLIC]
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.freeze_panes == "A4"


def test_row_heights_cover_the_text(seed):
    layout = render(seed)
    assert len(layout.row_heights) == len(layout.rows)
    for cells, height in zip(layout.rows, layout.row_heights):
        assert height <= textfit.MAX_ROW_PT
        for cell, width in zip(cells, layout.column_widths):
            style = layout.style_of(cell)
            if isinstance(cell.value, str) and style.wrap and cell.style.startswith(("text", "project")):
                lines = textfit.count_lines(cell.value, textfit.text_box_points(width, style.indent),
                                            style.size)
                if not cell.style.endswith("_top"):      # blocks are checked below
                    assert height >= lines * style.size * 1.44


def test_block_taller_than_excel_allows_is_merged_and_keeps_text_in_one_cell(seed):
    layout = render(seed)
    big = seed.projects[1]                       # 15 indicators: more than 409 points
    row = next(k for k, cells in enumerate(layout.rows, 1) if cells[0].value == big.name)
    merges = [m for m in layout.merges if m.first_row == row]
    assert len(merges) == 7 and all(m.first_col == m.last_col for m in merges)
    last = merges[0].last_row
    assert last > row
    assert layout.rows[row - 1][6].value == indicator_text(big.indicators)
    assert all(c.value is None for r in layout.rows[row:last] for c in r)
    lines = textfit.count_lines(indicator_text(big.indicators),
                                textfit.text_box_points(layout.column_widths[6]), BODY_SIZE)
    assert sum(layout.row_heights[row - 1:last]) >= lines * BODY_SIZE * 1.45
    assert layout.notes and big.name in layout.notes[0]


def test_count_lines_rules():
    assert textfit.count_lines("", 100, 10) == 1
    assert textfit.count_lines("测" * 10, 100, 10) == 2          # 97 % of 100 pt holds 9 glyphs
    assert textfit.count_lines("测" * 9, 100, 10) == 1
    assert textfit.count_lines("a\nb", 100, 10) == 2
    # closing punctuation never starts a line: it takes the previous glyph with it
    assert textfit.count_lines("测" * 9 + "。", 100, 10) == 2
    # a Latin run is not broken unless longer than the line
    assert textfit.count_lines("测" * 8 + "12345", 100, 10) == 2


def test_demo_filing_units_and_money_columns():
    filing = demo_filing()
    layout = render(filing)
    labels = [r[0].value for r in layout.rows]
    for unit in filing.units:
        k = labels.index(unit.name)
        own = [p.name for p in filing.projects if p.unit == unit.name]
        assert [v for v in labels[k + 1:k + 1 + 40] if v in own] == own
    assert layout.rows[3][1].value == filing.total
    assert layout.rows[3][3].value == sum((u.special for u in filing.units), Decimal(0))
    assert len(layout.notes) == 3


def test_projects_without_a_stated_unit_row_get_one_derived():
    filing = Filing(year=2025, department="某局", total=Decimal("3"), projects=[
        Project(name="甲", unit="某单位", total=Decimal("1"), fiscal=Decimal("1")),
        Project(name="乙", unit="某单位", total=Decimal("2"), fiscal=Decimal("2"))])
    rows = render(filing).rows
    assert [c.value for c in rows[4][:3]] == ["某单位", Decimal("3"), Decimal("3")]
    assert [r[0].value for r in rows[5:]] == ["甲", "乙"]


def test_atomic_write_leaves_no_temporary_file(seed, tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    publish_xlsx(seed, path)
    assert openpyxl.load_workbook(path).sheetnames == [SHEET_PUBLIC]
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_missing_folder_is_a_clear_error(seed, tmp_path):
    with pytest.raises(XlToolsError, match="输出文件夹不存在"):
        publish_xlsx(seed, tmp_path / "nope" / "out.xlsx")
