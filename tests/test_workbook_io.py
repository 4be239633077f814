"""Filing ⇄ workbook with openpyxl: written then read back is equal; headers by name; bad input."""

import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from xl_tools.app import new_filing
from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json
from xl_tools.rules import check
from xl_tools.workbook import build_workbook, read_filing

from .conftest import SEED_JSON


def test_seed_written_then_read_is_equal(seed_filing, seed_workbook):
    again = read_filing(seed_workbook)
    assert filing_to_json(again) == filing_to_json(seed_filing)
    assert again.projects[0].origin.cell("total") == "D2"
    assert again.projects[0].indicators[0].origin.sheet == "绩效指标"


def test_xlsm_round_trip(tmp_path, seed_filing):
    path = tmp_path / "s.xlsm"
    build_workbook(path, seed_filing)
    assert filing_to_json(read_filing(path)) == filing_to_json(seed_filing)


def test_cli_load_then_dump_gives_the_same_json(tmp_path, capsys):
    out = tmp_path / "s.xlsx"
    assert main(["load", str(SEED_JSON), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["dump", str(out), "--json"]) == 0
    dumped = json.loads(capsys.readouterr().out)
    expected = json.loads(SEED_JSON.read_text("utf-8"))
    for p in dumped["projects"]:
        for i in p["indicators"]:
            assert i.pop("period_target")["kind"] in {"number", "range", "date", "text"}
            i.pop("annual_target")
    assert dumped == expected


def test_headers_by_name_and_extra_columns_kept(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["项目"]
    ws.move_range("H1:H14", cols=3)            # 绩效目标 moved right
    ws.insert_cols(1)                           # a user column in front
    ws["A1"] = "我的备注"
    ws["A2"] = "自用"
    ws.insert_rows(1)                           # a title row above the header
    ws["B1"] = "2024 年项目"
    wb.save(seed_workbook)
    filing = read_filing(seed_workbook)
    assert filing.projects[0].target.startswith("按时完成物业管理")
    assert filing.projects[0].extra["我的备注"] == "自用"
    assert filing.projects[0].total == Decimal("600.00")


def test_number_typed_as_text_is_read_and_reported(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D12"] = "1,009.93"
    wb.save(seed_workbook)
    filing = read_filing(seed_workbook)
    p = filing.projects[10]
    assert p.total == Decimal("1009.93")
    assert [pr.code for pr in filing.problems] == ["money_text"]


def test_non_number_in_money_cell_names_the_cell(tmp_path, seed_workbook, capsys):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["E3"] = "八百"
    wb.save(seed_workbook)
    with pytest.raises(XlToolsError) as exc:
        read_filing(seed_workbook)
    assert "项目" in str(exc.value) and "E3" in str(exc.value) and "八百" in str(exc.value)
    assert main(["dump", str(seed_workbook), "--json"]) == 2
    err = capsys.readouterr().err
    assert "E3" in err and "Traceback" not in err
    lenient = read_filing(seed_workbook, strict=False)
    assert lenient.problems[0].code == "money_invalid"


def test_percent_and_date_cells_read_as_meant(tmp_path, seed_workbook):
    import datetime as dt
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["绩效指标"]
    ws["F2"] = 0.95
    ws["F2"].number_format = "0%"
    ws["G2"] = dt.datetime(2024, 6, 30)
    wb.save(seed_workbook)
    ind = read_filing(seed_workbook).projects[0].indicators[0]
    assert ind.period_value == "95%"
    assert ind.annual_value == "2024年6月30日"


def test_formula_total_uses_simple_sum_when_no_cache(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D2"] = "=E2+F2+G2"
    wb["项目"]["D3"] = "=SUM(E3:G3)"
    wb.save(seed_workbook)
    filing = read_filing(seed_workbook)
    assert filing.projects[0].total == Decimal("600.00")
    assert filing.projects[1].total == Decimal("865.44")
    assert not filing.problems


def test_complex_formula_without_cache_asks_for_excel(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D2"] = "=VLOOKUP(B2,Sheet9!A:B,2,0)"
    wb.save(seed_workbook)
    with pytest.raises(XlToolsError) as exc:
        read_filing(seed_workbook)
    assert "D2" in str(exc.value) and "Excel" in str(exc.value)


def test_orphan_indicators_are_kept(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["绩效指标"]["A2"] = "不存在的项目"
    wb.save(seed_workbook)
    filing = read_filing(seed_workbook)
    assert [i.project for i in filing.orphan_indicators] == ["不存在的项目"]
    assert len(filing.indicators) == 75


def test_padded_names_match(tmp_path, seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["绩效指标"]["A2"] = "\u3000" + wb["绩效指标"]["A2"].value + "  "
    wb.save(seed_workbook)
    assert not read_filing(seed_workbook).orphan_indicators


def _zip_without(src, dst, member):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            if item.filename != member:
                zout.writestr(item, zin.read(item.filename))


@pytest.mark.parametrize("case", ["missing", "empty", "text", "truncated", "foreign_zip", "no_sheet",
                                  "no_header", "xls", "ods"])
def test_bad_input_is_one_chinese_line_and_exit_2(tmp_path, seed_workbook, capsys, case):
    path = tmp_path / "bad.xlsx"
    if case == "missing":
        path = tmp_path / "nope.xlsx"
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "text":
        path.write_text("hello")
    elif case == "truncated":
        path.write_bytes(seed_workbook.read_bytes()[:3000])
    elif case == "foreign_zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.txt", "x")
    elif case == "no_sheet":
        wb = openpyxl.load_workbook(seed_workbook)
        del wb["绩效指标"]
        wb.save(path)
    elif case == "no_header":
        wb = openpyxl.load_workbook(seed_workbook)
        wb["项目"]["D1"] = "金额"
        wb.save(path)
    elif case == "xls":
        path = tmp_path / "old.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    elif case == "ods":
        path = tmp_path / "a.ods"
        path.write_bytes(b"PK\x03\x04")
    assert main(["dump", str(path), "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("错误：") and str(path) in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    if case == "no_header":
        assert "总计" in err and "项目" in err
    if case == "no_sheet":
        assert "绩效指标" in err


def test_load_rejects_bad_output_suffix_and_writes_nothing(tmp_path, capsys):
    assert main(["load", str(SEED_JSON), "-o", str(tmp_path / "x.csv")]) == 2
    assert not (tmp_path / "x.csv").exists()
    assert main(["load", str(SEED_JSON), "-o", str(tmp_path / "nodir" / "x.xlsx")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_units_are_read_to_the_settings_block_and_blank_amounts_are_the_project_sums(tmp_path):
    """A unit typed after an empty row or in the spare row below the units table is read; the
    settings block is not; blank unit amounts are the sums of the unit's projects, never 0."""
    path = tmp_path / "f.xlsx"
    new_filing(path, year=2025, department="某部门", units=["甲单位"])
    wb = openpyxl.load_workbook(path)
    info = wb["基本信息"]
    assert [info.cell(12, c).value for c in range(1, 6)] == ["甲单位", None, None, None, None]
    info["A14"] = "乙单位"                 # after an empty table row
    info["A17"] = "丙单位"                 # the spare row below the table, the table not extended
    info["B17"] = 10
    ws = wb["项目"]
    for r, (name, unit, amount) in enumerate([("一", "甲单位", 100.5), ("二", "乙单位", 30), ("三", None, 20)], 2):
        ws.cell(r, 2, name), ws.cell(r, 3, unit), ws.cell(r, 4, amount), ws.cell(r, 5, amount)
    wb.save(path)
    filing = read_filing(path, strict=False)
    assert [u.name for u in filing.units] == ["甲单位", "乙单位", "丙单位"]
    assert [u.total for u in filing.units] == [Decimal("100.50"), Decimal("30"), Decimal("10")]
    assert filing.units[0].blank("total") and not filing.units[2].blank("total")
    assert filing.total == Decimal("160.50") and not filing.total_stated    # projects of no unit too


def test_full_width_digits_are_read_as_digits_and_kept_as_typed(tmp_path):
    """A Chinese input method types ２０２５, １００.５０, ３, ≥９５%: the year, the money, the 序号 and the
    value are read as digits (money typed as text is still reported, AMT005), the cells keep what was
    typed, and the values get an info with the half-width form (FLG005)."""
    path = tmp_path / "f.xlsx"
    new_filing(path, year=2025, department="某部门", units=["甲单位"])
    wb = openpyxl.load_workbook(path)
    wb["基本信息"]["B3"] = "２０２５"
    ws = wb["项目"]
    ws["A2"], ws["B2"], ws["D2"], ws["E2"], ws["H2"] = "３", "项目一", "１００.５０", "１００.５０", "目标"
    ind = wb["绩效指标"]
    ind["A2"], ind["B2"], ind["C2"], ind["D2"], ind["E2"], ind["F2"], ind["G2"] = (
        "项目一", "１", "3-满意度指标", "31-服务对象满意度", "满意度", "≥９５%", "≥９５%")
    wb.save(path)
    filing = read_filing(path, strict=False)
    project = filing.projects[0]
    assert (filing.year, project.no, project.total, project.fiscal) == (2025, 3, Decimal("100.50"), Decimal("100.50"))
    assert project.indicators[0].no == 1 and project.indicators[0].annual_value == "≥９５%"
    codes = {(f.code, f.cell) for f in check(filing)}
    assert {("AMT005", "D2"), ("FLG005", "A2"), ("FLG005", "B2"), ("FLG005", "F2"), ("FLG005", "G2")} <= codes
    assert not {c for c in codes if c[0] in ("RD001", "AMT004", "VAL001", "VAL003")}


def test_the_read_runs_no_garbage_collection(seed_workbook):
    """The reader only makes what it returns (no reference cycles): a collection in it would walk the
    cells and records read so far again and again, for nothing (``gcpause.settled``)."""
    import gc

    from xl_tools.workbook.reader import read_filing_from_workbook, workbook_view

    phases = []

    def note(phase, _info):
        phases.append(phase)

    view = workbook_view(seed_workbook)          # the sheets are read when the reader asks for them
    thresholds = gc.get_threshold()
    gc.set_threshold(10)                          # a young collection every 10 allocations: hundreds in a read
    gc.callbacks.append(note)
    try:
        filing = read_filing_from_workbook(view, source=str(seed_workbook))
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)
        view.close()
    assert filing.projects and filing.indicators
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert phases.count("start") <= 2            # (the young garbage first, and leaving; the read itself, 300 times)


def test_the_garbage_there_is_when_the_read_starts_is_not_kept_to_a_full_collection(seed_workbook):
    """What exists when the read ends goes to the oldest generation unwalked (``gcpause.settled``): the
    young garbage of opening the file (its parsers' trees) is collected before, not held to the next full
    collection (15 MB at the peak of a 5,000-project refresh)."""
    import weakref

    from xl_tools.workbook.reader import read_filing_from_workbook, workbook_view

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    view = workbook_view(seed_workbook)
    try:
        junk = Cycle()
        gone = weakref.ref(junk)
        del junk
        read_filing_from_workbook(view, source=str(seed_workbook))
    finally:
        view.close()
    assert gone() is None


def test_a_total_row_under_the_projects_is_told_and_not_read_as_a_project(tmp_path, seed_workbook):
    """Accountants close the list with a 合计 row (in 项目名称, or in 序号 with no name): the tool sums the
    projects itself, so the row is no project; RD001 says so on its cell, naming 合计."""
    from xl_tools.model import PROBLEM_TOTAL_ROW
    before = read_filing(seed_workbook)
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["项目"]
    last = ws.max_row
    ws.cell(last + 1, 2, "合 计")
    ws.cell(last + 1, 4, f"=SUM(D2:D{last})")
    ws.cell(last + 2, 1, "小计：")
    ws.cell(last + 2, 4, 1)
    ws.cell(last + 3, 2, "合计补助项目")                 # a project whose name starts so is a project
    wb.save(seed_workbook)
    filing = read_filing(seed_workbook, strict=True)
    names = [p.name for p in filing.projects]
    assert names == [p.name for p in before.projects] + ["合计补助项目"]
    told = [p for p in filing.problems if p.code == PROBLEM_TOTAL_ROW]
    assert [(p.origin.cell(p.field), p.value) for p in told] == [(f"B{last + 1}", "合 计"), (f"A{last + 2}", "小计：")]
    found = [f for f in check(filing) if f.code == "RD001"]
    assert [f.cell for f in found] == [f"B{last + 1}", f"A{last + 2}"] and all("合计" in f.message for f in found[:1])
    assert "小计" in found[1].message
