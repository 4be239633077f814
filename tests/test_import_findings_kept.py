"""What an import could not read stays in front of the accountant (``refresh.imported``).

The workbook ``xl-tools import`` writes lists the import's findings (IMP…) in 校验结果. The next refresh
has no import to ask: it reports them from the state sheet, so a refresh right after the import finds
nothing changed (the file not even touched; the desktop button makes no call to Excel). A finding about
a record sits on its cell and goes once the person edits that row; one about the table as a whole (a
fragment of text) stays; an error about the whole table stays only until the data changes.
"""

from __future__ import annotations

import json

import openpyxl

from xl_tools import app
from xl_tools.cli import main
from xl_tools.refresh.state import read_state

from .conftest import SEED_TXT

SPLIT = "2、2-效益指\n\n标；22-社会效益；安全生产事故发生数；实施周期指标值:0次；年度指标"
UNSPLIT = "2、2-效益指\n\n标；22-社会效益；安全生产事故发生数，零次；年度指标"


def _imported(tmp_path, capsys, text_edit=None) -> tuple:
    """The sample table with an indicator the import cannot split (IMP002) and a stray amount (IMP001),
    imported into a workbook."""
    text = SEED_TXT.read_text("utf-8").replace(SPLIT, UNSPLIT, 1)
    text = text.replace("项目支出绩效目标表", "12.34\n项目支出绩效目标表", 1)
    if text_edit:
        text = text_edit(text)
    src = tmp_path / "table.txt"
    src.write_text(text, "utf-8")
    book = tmp_path / "table.xlsx"
    assert main(["import", str(src), "-o", str(book)]) == 1
    capsys.readouterr()
    return book


def _listed(book) -> list[tuple]:
    """校验结果's import rows: (code, 位置, 项目, 指标序号, 说明)."""
    ws = openpyxl.load_workbook(book)["校验结果"]
    return [(r[1], r[2], r[3], r[4], r[5]) for r in ws.iter_rows(min_row=4, values_only=True)
            if isinstance(r[1], str) and r[1].startswith("IMP")]


def _summary(book) -> str:
    return openpyxl.load_workbook(book)["校验结果"]["A2"].value


def test_a_refresh_right_after_the_import_keeps_them_and_writes_nothing(tmp_path, capsys):
    book = _imported(tmp_path, capsys)
    listed = _listed(book)
    assert [r[0] for r in listed] == ["IMP001", "IMP002"]
    imp002 = listed[1]
    assert "绩效指标!E3" in imp002[1] and imp002[3] == 2        # on the cell holding the unsplit text
    assert main(["check", str(book), "--json"]) == 1            # check lists them too
    said = [(x["code"], x["cell"]) for x in json.loads(capsys.readouterr().out)["findings"]]
    assert ("IMP001", None) in said and ("IMP002", "E3") in said
    data, mtime = book.read_bytes(), book.stat().st_mtime_ns
    assert main(["refresh", str(book)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("未改动")
    assert book.read_bytes() == data and book.stat().st_mtime_ns == mtime
    # the full path (not the seal) finds the same: nothing to write, the same findings
    outcome = app.refresh_file(book, full=True)
    assert outcome.unchanged_since is not None
    assert book.read_bytes() == data
    assert [f.code for f in outcome.rows if f.code.startswith("IMP")] == ["IMP001", "IMP002"]


def test_a_finding_on_a_row_goes_when_the_person_edits_that_row(tmp_path, capsys):
    book = _imported(tmp_path, capsys)
    wb = openpyxl.load_workbook(book)
    ws = wb["绩效指标"]
    assert "零次" in ws["E3"].value
    ws["E3"], ws["F3"], ws["G3"] = "安全生产事故发生数", "0次", "0次"        # split by hand
    wb.save(book)
    assert main(["check", str(book), "--json"]) in (0, 1)           # check says what the refresh will
    assert [x["code"] for x in json.loads(capsys.readouterr().out)["findings"] if x["code"].startswith("IMP")] == \
        ["IMP001"]
    assert main(["refresh", str(book)]) in (0, 1)
    capsys.readouterr()
    assert [r[0] for r in _listed(book)] == ["IMP001"]                  # the fragment of text stays
    assert main(["refresh", str(book)]) in (0, 1)
    assert capsys.readouterr().out.startswith("未改动")


def test_a_finding_follows_its_row_when_rows_move(tmp_path, capsys):
    book = _imported(tmp_path, capsys)
    wb = openpyxl.load_workbook(book)
    ws = wb["绩效指标"]
    ws.insert_rows(2, 2)                          # two rows inserted above it: the row is now 5
    ws["A2"], ws["B2"] = 99, ws["B4"].value
    ws["C2"], ws["D2"], ws["E2"], ws["F2"], ws["G2"] = ws["C4"].value, ws["D4"].value, "新增指标", "1个", "1个"
    wb.save(book)
    assert main(["refresh", str(book)]) in (0, 1)
    capsys.readouterr()
    listed = _listed(book)
    assert [r[0] for r in listed] == ["IMP001", "IMP002"]
    assert "绩效指标!E5" in listed[1][1]
    assert "零次" in openpyxl.load_workbook(book)["绩效指标"]["E5"].value


def test_an_error_about_the_whole_table_stays_until_the_data_changes(tmp_path, capsys):
    def orphan(text: str) -> str:             # the last project's name and amounts gone: its content orphaned
        lines = text.split("\n")
        k = next(i for i, ln in enumerate(lines) if ln.strip() == "50.35 50.35")
        del lines[k - 2:k + 1]
        return "\n".join(lines)

    book = _imported(tmp_path, capsys, orphan)
    assert "IMP013" in [r[0] for r in _listed(book)]
    assert main(["refresh", str(book)]) == 1
    assert capsys.readouterr().out.startswith("未改动")
    wb = openpyxl.load_workbook(book)
    wb["项目"]["H2"] = wb["项目"]["H2"].value + "（已核对）"
    wb.save(book)
    assert main(["refresh", str(book)]) == 1
    capsys.readouterr()
    codes = [r[0] for r in _listed(book)]
    assert "IMP013" not in codes and "IMP001" in codes


def test_a_record_that_is_not_an_import_finding_is_ignored(tmp_path, capsys):
    book = _imported(tmp_path, capsys)
    wb = openpyxl.load_workbook(book)
    ws = wb["_xltools"]
    for row in ws.iter_rows():
        if row[0].value == "found" and row[2].value is None:
            row[4].value = row[4].value.replace("IMP001", "VAL001")      # not an import's code
    wb.save(book)
    assert len(read_state(openpyxl.load_workbook(book)).found) == 1
    assert main(["refresh", str(book)]) == 1
    capsys.readouterr()
    rows = openpyxl.load_workbook(book)["校验结果"].iter_rows(min_row=4, values_only=True)
    codes = [r[1] for r in rows]
    assert "FILE003" in codes and "IMP001" not in codes and "IMP002" in codes


def test_the_desktop_button_right_after_the_import_makes_no_call(tmp_path, capsys, licensed):
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from xl_tools import desktop
    book = _imported(tmp_path, capsys)
    xbook = xw.Book(json=payload_from_xlsx(book))
    xbook.set_mock_caller()
    desktop.main()
    assert xbook.json()["actions"] == []


def test_a_finding_is_located_on_its_project_whatever_the_spacing_or_width_of_the_name():
    """The import's finding names the project as its table spelled it; the workbook's project may differ
    from it in spacing or width only (「校园　安保经费」, 「校园安保经费 」): the same project (``name_key``, as
    ``projectlinks`` links rows), so the finding sits on its cell."""
    from xl_tools.findings import WARNING, Finding
    from xl_tools.model import Filing, Indicator, Origin, Project
    from xl_tools.refresh.imported import located_on
    ind = Indicator(2, "1", "产出指标", "11", "数量指标", "巡逻次数", "≥365次", "≥365次", project="校园安保经费",
                    origin=Origin("绩效指标", 7, {"name": 5, "annual_value": 7}))
    project = Project("校园安保经费", "某单位", indicators=[ind], origin=Origin("项目", 5, {"name": 3, "total": 4}))
    other = Project("食堂经费", "某单位", origin=Origin("项目", 6, {"name": 3, "total": 4}))
    filing = Filing(2024, "某部门", projects=[project, other])
    found = [Finding("IMP001", WARNING, "金额无法识别", project="校园　安保经费", field="total"),
             Finding("IMP002", WARNING, "指标无法拆分", project="校园安保经费 ", indicator_no=2, field="name"),
             Finding("IMP003", WARNING, "另一个", project="食堂 经费", field="basis")]
    placed = located_on(found, filing)
    assert [(f.code, f.sheet, f.cell, f.project) for f in placed] == [
        ("IMP001", "项目", "D5", "校园　安保经费"),
        ("IMP002", "绩效指标", "E7", "校园安保经费 "),
        ("IMP003", "项目", "C6", "食堂 经费")]          # a field with no column: the project's name cell
    # two projects the same by name_key: which one is not known, the finding stays where it was
    twin = Project("校园 安保经费", "另一单位", origin=Origin("项目", 8, {"name": 3, "total": 4}))
    filing.projects.append(twin)
    assert located_on(found[:1], filing)[0].sheet is None
