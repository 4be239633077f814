"""A refresh gives 绩效指标 its 项目序号 column when projects come to share a name (``refresh.keycolumn``).

The accountant of 甲市第一中学 has a refreshed filing and types, on 项目, a second project with the name
of one already there (the same work for another unit). Before, every row of that name became nobody's
(STR011 asking the person to add the column by hand). Now the refresh adds the column — inside the
sheet's Excel table, every user value and feature left as it was — fills in the rows that were that
project's at the last refresh, asks (STR011) only for the row typed since, and a second refresh writes
nothing.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tests.conftest import HAS_SOFFICE, soffice_convert
from tests.support.mail_inbox import unit_filing
from xl_tools import app
from xl_tools.cli import main
from xl_tools.projectlinks import PROJECT_NO
from xl_tools.workbook import build_workbook, read_filing

UNIT, OTHER = "甲市第一中学", "甲市第二中学"


def _refreshed(tmp_path):
    f = unit_filing(UNIT, "0.1")
    f.units.append(f.units[0].__class__(OTHER))
    path = tmp_path / "甲市.xlsx"
    build_workbook(path, f)
    app.refresh_file(path, backup=False)
    return path, f


def _typed_twin(path, *, row: bool = True, edit_other: bool = False):
    """A second project named as project 2, for the other unit; with ``row``, one indicator typed for it;
    ``edit_other``: project 1's amount changed in the same sitting."""
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    name = ws["B3"].value
    ws.append([None, name, OTHER, 10, 10, 0, 0, "同一工作在第二中学开展"])
    if edit_other:
        ws["E2"] = ws["E2"].value + 1
        ws["D2"] = ws["D2"].value + 1
    if row:
        wb["绩效指标"].append([name, None, "1-产出指标", "11-数量指标", "第二中学开展次数", "≥2次", "≥2次"])
    wb.save(path)
    return name


def _column(ws) -> int | None:
    return next((c.column for c in ws[1] if c.value == PROJECT_NO), None)


def test_the_refresh_adds_the_column_fills_what_it_is_sure_of_and_asks_for_the_rest(tmp_path, capsys):
    path, f = _refreshed(tmp_path)
    before = openpyxl.load_workbook(path)["绩效指标"]
    last = max(c.column for c in before[1] if c.value is not None)
    name = _typed_twin(path)
    assert main(["check", str(path), "--json"]) == 1        # check says what the refresh will show
    said = [(x["code"], x["cell"]) for x in json.loads(capsys.readouterr().out)["findings"] if x["code"] == "STR011"]
    assert main(["refresh", str(path)]) == 1
    capsys.readouterr()
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    col = _column(ws)
    assert said == [("STR011", f"{openpyxl.utils.get_column_letter(col)}{ws.max_row}")]
    assert col == last + 1                                   # right of every header, the helpers' included
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == name]
    assert [r[col - 1] for r in rows] == [2] * len(f.projects[1].indicators) + [None]
    table = next(iter(ws.tables.values()))
    assert table.ref.split(":")[1].rstrip("0123456789") == openpyxl.utils.get_column_letter(col)
    assert [c.name for c in table.tableColumns][-1] == PROJECT_NO
    results = list(wb["校验结果"].iter_rows(min_row=4, values_only=True))
    codes = [r[1] for r in results]
    assert "FIL008" in codes and "FIL009" in codes
    unclear = [r for r in results if r[1] == "STR011"]
    assert len(unclear) == 1 and f"「{PROJECT_NO}」列" in unclear[0][6] and "在本表右侧加一列" not in unclear[0][6]
    back = read_filing(path)
    assert [len(p.indicators) for p in back.projects] == [len(p.indicators) for p in f.projects] + [0]
    # a second refresh: nothing to write
    data = path.read_bytes()
    assert main(["refresh", str(path)]) == 1
    assert capsys.readouterr().out.startswith("未改动") and path.read_bytes() == data
    full = app.refresh_file(path, full=True)
    assert full.unchanged_since is not None and path.read_bytes() == data
    # the person gives the new row its number: linked, nothing asked any more
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    ws.cell(ws.max_row, col, 4)
    wb.save(path)
    app.refresh_file(path, backup=False)
    back = read_filing(path)
    assert [len(p.indicators) for p in back.projects][-1] == 1 and not back.orphan_indicators


def test_with_the_projects_edited_too_no_number_is_guessed(tmp_path, capsys):
    path, f = _refreshed(tmp_path)
    name = _typed_twin(path, row=False, edit_other=True)
    assert main(["refresh", str(path)]) == 1
    capsys.readouterr()
    ws = openpyxl.load_workbook(path)["绩效指标"]
    col = _column(ws)
    assert col is not None
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == name]
    assert rows and all(r[col - 1] is None for r in rows)
    codes = [r[1] for r in openpyxl.load_workbook(path)["校验结果"].iter_rows(min_row=4, values_only=True)]
    assert codes.count("STR011") == len(rows) and "FIL009" not in codes and "FIL008" in codes


def test_what_the_person_put_on_the_sheet_survives(tmp_path, capsys):
    """绩效指标 with what Excel users add — a comment, a conditional format, a data validation of their
    own, a value typed to the right of the table — keeps all of it when the column is added."""
    path, f = _refreshed(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    right = max(c.column for c in ws[1] if c.value is not None) + 2
    ws.cell(3, right, "请王老师核对")                              # beyond the table, one column apart
    ws["E2"].comment = Comment("核对过", "王老师")
    ws.conditional_formatting.add("F2:G40", CellIsRule(operator="equal", formula=['"0"'],
                                                        fill=PatternFill("solid", bgColor="FFFF00")))
    dv = DataValidation(type="textLength", operator="lessThan", formula1="200")
    dv.add("E2:E40")
    ws.add_data_validation(dv)
    wb.save(path)
    before = openpyxl.load_workbook(path)["绩效指标"]
    values = [[c.value for c in row] for row in before.iter_rows(max_col=right)]
    validations = len(before.data_validations.dataValidation)
    _typed_twin(path, row=False)
    assert main(["refresh", str(path)]) == 1
    capsys.readouterr()
    ws = openpyxl.load_workbook(path)["绩效指标"]
    assert _column(ws) == right + 1                                # right of the person's note
    assert ws.cell(3, right).value == "请王老师核对"
    assert ws["E2"].comment is not None and "核对过" in ws["E2"].comment.text
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["F2:G40"]
    assert len(ws.data_validations.dataValidation) == validations
    after = [[c.value for c in row] for row in ws.iter_rows(max_row=len(values), max_col=right)]
    helpers = {c.column - 1 for c in ws[1] if isinstance(c.value, str) and c.value.startswith(("周期", "年度")) and
               c.column > 7}
    assert [[v for k, v in enumerate(r) if k not in helpers] for r in after] == \
        [[v for k, v in enumerate(r) if k not in helpers] for r in values]
    table = next(iter(ws.tables.values()))
    assert [c.name for c in table.tableColumns][-1] != PROJECT_NO      # not adjacent: the table left alone


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice")
def test_libreoffice_opens_the_widened_table(tmp_path, capsys):
    path, f = _refreshed(tmp_path)
    name = _typed_twin(path)
    assert main(["refresh", str(path)]) == 1
    capsys.readouterr()
    (tmp_path / "lo").mkdir()
    saved = soffice_convert(path, "xlsx", tmp_path / "lo")
    ws = openpyxl.load_workbook(saved)["绩效指标"]
    col = _column(ws)
    assert col is not None
    assert [r[col - 1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == name][0] == 2


def test_the_desktop_button_adds_the_column_into_the_table(tmp_path, capsys, licensed):
    """The same in a live book (``desktop.main`` on the xlwings remote engine, the sheet's Excel table
    sent as the add-in sends it): the header and the numbers written, the table resized to take the
    column in; replayed onto the file, the second press makes no call."""
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from tests.support.xlwings_replay import replay
    from xl_tools import desktop
    path, f = _refreshed(tmp_path)
    name = _typed_twin(path)
    table = next(iter(openpyxl.load_workbook(path)["绩效指标"].tables.values()))

    def press() -> list[dict]:
        payload = payload_from_xlsx(path)
        sheet = next(s for s in payload["sheets"] if s["name"] == "绩效指标")
        ref = next(iter(openpyxl.load_workbook(path)["绩效指标"].tables.values())).ref
        first, last = ref.split(":")
        sheet["tables"] = [{"name": table.displayName, "range_address": ref,
                            "header_row_range_address": f"{first}:{last.rstrip('0123456789')}1",
                            "data_body_range_address": f"{first.rstrip('1')}2:{last}",
                            "total_row_range_address": None, "show_headers": True, "show_totals": False,
                            "table_style": "TableStyleLight9", "show_autofilter": True}]
        book = xw.Book(json=payload)
        book.set_mock_caller()
        desktop.main()
        return book.json()["actions"]

    actions = press()
    resized = [a for a in actions if a["func"] == "resizeTable"]
    wb = openpyxl.load_workbook(path)
    replay(wb, [a for a in actions if a["func"] not in ("runMacro", "resizeTable")])
    ws = wb["绩效指标"]
    col = _column(ws)
    assert col is not None
    bottom = table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert [a["args"][1] for a in resized] == [f"$A$1:${openpyxl.utils.get_column_letter(col)}${bottom}"]
    assert [r[col - 1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == name] == \
        [2] * len(f.projects[1].indicators) + [None]
    ws.tables[table.displayName].ref = resized[0]["args"][1].replace("$", "")
    wb.save(path)
    assert press() == []


@pytest.mark.parametrize("name", ["table01.xlsx", "table10.xlsx", "table30.xlsx"])
def test_an_excel_saved_table_takes_the_column(tmp_path, name):
    """``ooxml.tables.widen`` on the table XML Excel itself writes (tests/corpus/excel_made): range,
    autofilter (above a totals row) and one more column; every other part and attribute as it was;
    openpyxl and LibreOffice read the result."""
    import zipfile
    from pathlib import Path

    from openpyxl.utils.cell import range_boundaries

    from xl_tools.ooxml.package import Package
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.ooxml.tables import widen
    from xl_tools.ooxml.view import WorkbookView
    src = Path(__file__).parent / "corpus" / "excel_made" / name
    before = openpyxl.load_workbook(src)
    ws = before.worksheets[0]
    old = next(iter(ws.tables.values()))
    c1, r1, c2, r2 = range_boundaries(old.ref)
    pkg = Package(src)
    view = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)
    patch = WorkbookPatch(view, note_author="xl-tools")
    patch.set_value(ws.title, r1, c2 + 1, PROJECT_NO)
    patch.patch_sheets()
    part = patch.book.sheet(ws.title).part
    assert not widen(patch.pkg, part, r1 + 1, c2 + 1, PROJECT_NO)         # not its header row
    assert not widen(patch.pkg, part, r1, c2 + 2, PROJECT_NO)             # not beside it
    assert widen(patch.pkg, part, r1, c2 + 1, PROJECT_NO)
    out = tmp_path / name
    patch.save(out)
    after = openpyxl.load_workbook(out)
    new = next(iter(after.worksheets[0].tables.values()))
    assert range_boundaries(new.ref) == (c1, r1, c2 + 1, r2)
    assert [c.name for c in new.tableColumns] == [c.name for c in old.tableColumns] + [PROJECT_NO]
    assert [c.totalsRowFunction for c in new.tableColumns][:-1] == [c.totalsRowFunction for c in old.tableColumns]
    assert range_boundaries(new.autoFilter.ref)[2:] == (c2 + 1, range_boundaries(old.autoFilter.ref)[3])
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    assert changed <= {part, "xl/tables/table1.xml", "docProps/app.xml", "docProps/core.xml", "xl/styles.xml",
                       "xl/sharedStrings.xml", "[Content_Types].xml", "xl/workbook.xml"}, changed
    if HAS_SOFFICE:
        (tmp_path / "lo").mkdir()
        saved = soffice_convert(out, "xlsx", tmp_path / "lo")
        assert openpyxl.load_workbook(saved).worksheets[0].cell(r1, c2 + 1).value == PROJECT_NO


def test_a_project_row_copied_is_no_sure_owner(tmp_path, capsys):
    """The second project is a copy of the first's row (same name, unit, amounts): either may be the one
    the rows were for, so no number is written."""
    path, f = _refreshed(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    ws.append([None, *[c.value for c in ws[3]][1:]])
    wb.save(path)
    assert main(["refresh", str(path)]) == 1
    capsys.readouterr()
    ws = openpyxl.load_workbook(path)["绩效指标"]
    col = _column(ws)
    name = f.projects[1].name
    assert [r[col - 1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == name] == \
        [None] * len(f.projects[1].indicators)
