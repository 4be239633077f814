"""Messy, broken and hostile input (issue 9): one test per case of tests/inputs/cases.py.

docs/robustness.md lists the same cases and the behaviour users get.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json, load_json
from xl_tools.refresh.file_writer import refresh_file
from xl_tools.rules import check
from xl_tools.workbook import build_workbook, read_filing

from .conftest import ROOT, SEED_JSON, SEED_TXT
from .inputs import cases


def _codes(findings):
    return {f.code for f in findings}


@pytest.fixture(scope="module")
def seed_codes():
    return _codes(check(load_json(SEED_JSON)))


# --- messy but valid: read as meant, no false finding ---------------------------------------------

def test_percent_cell_is_a_percentage(tmp_path, seed_codes):
    filing = read_filing(cases.percent_cell(tmp_path))
    ind = next(i for i in filing.indicators if i.name == "服务对象满意度")
    assert (ind.period_value, ind.annual_value) == ("95%", "95%")
    assert _codes(check(filing)) <= seed_codes


def test_text_numbers_are_numbers(tmp_path):
    filing = read_filing(cases.text_numbers(tmp_path))
    p = filing.projects[10]
    assert p.total == Decimal("1009.93") and p.fiscal == Decimal("1009.93")
    findings = check(filing)
    assert not [f for f in findings if f.code.startswith("AMT") and f.severity == "error"]
    # stored as text, Excel's SUM would skip them: a warning that says so, on those two cells only
    assert sorted(f.cell for f in findings if f.code == "AMT005") == ["D12", "E12"]


def test_date_cell_is_that_date(tmp_path):
    filing = read_filing(cases.date_cell(tmp_path))
    ind = next(i for i in filing.indicators if i.name == "项目验收并交付使用时间")
    assert ind.period_value == "2024年6月30日"
    from xl_tools.valuegrammar import parse_value
    t = parse_value(ind.period_value, 2024)
    assert t.kind == "date" and t.date.isoformat() == "2024-06-30"


def test_formula_totals_without_cache_are_computed(tmp_path, seed_codes):
    filing = read_filing(cases.formula_totals(tmp_path))
    assert [p.total for p in filing.projects] == [p.total for p in load_json(SEED_JSON).projects]
    assert _codes(check(filing)) <= seed_codes


@pytest.mark.soffice
def test_formula_totals_use_cached_values_after_a_spreadsheet_saved_them(tmp_path):
    from .conftest import HAS_SOFFICE, soffice_convert
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")
    src = cases.complex_formula(tmp_path)
    out = tmp_path / "lo"
    out.mkdir()
    saved = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", out)
    wb = openpyxl.load_workbook(saved, data_only=True)
    cached = wb["项目"]["D2"].value
    filing = read_filing(saved)                 # no error: the cached value is used
    assert filing.projects[0].total == Decimal(str(cached))


def test_complex_formula_without_cache_says_open_in_excel(tmp_path, capsys):
    path = cases.complex_formula(tmp_path)
    assert main(["dump", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "D2" in err and "Excel 中打开并保存" in err


def test_padded_names_match(tmp_path):
    filing = read_filing(cases.padded_names(tmp_path))
    assert not filing.orphan_indicators and len(filing.indicators) == 76


def test_blank_rows_merged_hidden_filtered_extra_columns(tmp_path, seed_codes):
    path = cases.blank_rows_merged_hidden_filtered(tmp_path)
    filing = read_filing(path)
    assert filing_to_json(filing, False)["projects"] == filing_to_json(load_json(SEED_JSON), False)["projects"]
    assert filing.projects[0].extra["经办人"] == "张三"
    assert _codes(check(filing)) <= seed_codes
    refresh_file(path)                               # and a refresh keeps the user's sheet and column
    wb = openpyxl.load_workbook(path)
    assert wb["我的草稿"]["A1"].value == "草稿，不参与校验" and wb["项目"]["J2"].value == "张三"


def test_styles_to_the_last_row_do_not_walk_a_million_rows(tmp_path, monkeypatch):
    path = cases.styles_to_last_row(tmp_path)
    seen = []
    import xl_tools.workbook.reader as reader
    original = reader.nonblank_rows

    def counting(ws, min_row=1, values_only=False):
        for r, row in original(ws, min_row, values_only):
            seen.append(r)
            yield r, row
    monkeypatch.setattr(reader, "nonblank_rows", counting)
    filing = read_filing(path)
    assert len(filing.projects) == 13
    assert max(seen) < 2000              # stopped after the blank run, not at row 1,048,576


# --- broken: exit 2, one Chinese line naming the file, nothing written ----------------------------

@pytest.mark.parametrize("case,needle", [
    ("empty_file", "空的"), ("not_a_zip", "不是 Excel 工作簿"), ("truncated_zip", "已损坏"),
    ("foreign_zip", "不是 Excel 工作簿"), ("encrypted", "加密"), ("legacy_xls", ".xls"),
    ("ods", ".ods"), ("missing_sheet", "绩效指标"), ("missing_header", "总计"),
])
def test_broken_input(tmp_path, capsys, case, needle):
    path = getattr(cases, case)(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out.xlsx"
    for argv in (["check", str(path)], ["refresh", str(path), "-o", str(out)], ["dump", str(path), "--json"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("错误：") and str(path) in err and needle in err
        assert "Traceback" not in err
    assert path.read_bytes() == before and not out.exists()


# --- hostile: bounded and safe ---------------------------------------------------------------------

@pytest.mark.parametrize("case", ["billion_laughs", "external_entity"])
def test_xml_attacks_are_refused(tmp_path, capsys, case):
    path = getattr(cases, case)(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "XML" in err and "root:" not in err


def test_zip_bomb_is_refused_before_inflating(tmp_path, capsys):
    path = cases.zip_bomb(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "压缩比" in err and "padding.bin" in err


def test_formula_like_text_is_stored_as_text_by_every_writer(tmp_path):
    data = cases.formula_injection_json()
    src = tmp_path / "inj.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    book = tmp_path / "inj.xlsx"
    assert main(["load", str(src), "-o", str(book)]) == 0
    refresh_file(book)
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert str(c.value).startswith('=HYPERLINK("#'), (ws.title, c.coordinate, c.value)
    assert wb["项目"]["H2"].value == cases.FORMULA_TEXTS[0] and wb["项目"]["H2"].data_type == "s"
    assert filing_to_json(read_filing(book), False)["projects"][2]["target"] == cases.FORMULA_TEXTS[2]
    # the xlwings writer marks such text with Excel's leading apostrophe
    from xl_tools.refresh.live import _cell_value
    assert [_cell_value(t) for t in cases.FORMULA_TEXTS] == ["'" + t for t in cases.FORMULA_TEXTS]


def test_overlong_cells_are_reported_not_written(tmp_path, capsys):
    src = tmp_path / "long.json"
    src.write_text(json.dumps(cases.too_long_cell_json(), ensure_ascii=False), "utf-8")
    out = tmp_path / "long.xlsx"
    assert main(["load", str(src), "-o", str(out)]) == 2
    assert "32767" in capsys.readouterr().err and not out.exists()
    book = cases.too_long_cell_book(tmp_path)
    findings = check(read_filing(book, strict=False))
    assert any(f.cell == "H3" and "32767" in f.message for f in findings)


# --- nothing lost ----------------------------------------------------------------------------------

def test_failure_leaves_input_byte_identical(tmp_path, monkeypatch):
    book = cases.seed_book(tmp_path)
    before = book.read_bytes()
    import xl_tools.refresh.file_writer as fw

    def boom(wb, ops):
        raise XlToolsError("模拟写入失败")
    monkeypatch.setattr(fw, "apply_ops", boom)
    with pytest.raises(XlToolsError):
        fw.refresh_file(book)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.xlsx"]


@pytest.mark.slow
def test_sigkill_in_the_middle_of_a_save_leaves_the_original(tmp_path):
    from tests.support.synthetic import synthetic_filing
    book = tmp_path / "big.xlsx"
    build_workbook(book, synthetic_filing(3000))
    before = book.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "xl_tools", "refresh", str(book)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    killed_in_save = False
    while time.monotonic() < deadline and proc.poll() is None:
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        if temps and temps[0].stat().st_size > 0:        # openpyxl is writing the new file
            proc.send_signal(signal.SIGKILL)
            killed_in_save = True
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed_in_save, "the save finished before it could be interrupted"
    assert proc.returncode == -signal.SIGKILL
    assert book.read_bytes() == before


# --- fuzzing: the only exception that escapes is XlToolsError -------------------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
SEED_LINES = SEED_TXT.read_text("utf-8").splitlines()


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(SEED_LINES) - 1), st.sampled_from(["del", "dup", "cut", "junk"]),
                          st.text(max_size=8)), max_size=12))
def test_fuzz_text_importer(edits):
    from xl_tools.importer import import_text
    lines = list(SEED_LINES)
    for pos, op, junk in edits:
        pos %= max(1, len(lines))
        if not lines:
            break
        if op == "del":
            del lines[pos]
        elif op == "dup":
            lines.insert(pos, lines[pos])
        elif op == "cut":
            lines[pos] = lines[pos][: len(lines[pos]) // 2]
        else:
            lines.insert(pos, junk)
    try:
        result = import_text("\n".join(lines), year=2024)
    except XlToolsError:
        return
    filing_to_json(result.filing)          # what was imported is a valid model


@pytest.fixture(scope="module")
def seed_bytes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    return cases.seed_book(folder).read_bytes()


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=6))
def test_fuzz_workbook_reader(seed_bytes, tmp_path_factory, flips):
    data = bytearray(seed_bytes)
    for pos, byte in flips:
        data[pos % len(data)] = byte
    path = tmp_path_factory.mktemp("f") / "x.xlsx"
    path.write_bytes(bytes(data))
    try:
        filing = read_filing(path, strict=False)
    except XlToolsError:
        return
    check(filing)


def test_zip_entry_claiming_an_unknown_zip_version_is_a_damaged_workbook(seed_workbook, tmp_path):
    """zipfile raises NotImplementedError (not BadZipFile) for a directory entry that needs zip 6.4."""
    data = bytearray(seed_workbook.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6:entry + 8] = (64).to_bytes(2, "little")        # version needed to extract: 6.4
    path = tmp_path / "odd.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(XlToolsError, match="已损坏"):
        read_filing(path, strict=False)
