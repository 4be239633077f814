"""Robustness, round four (issue 22, red team on the integrated main): values far from A1.

A sheet is stored sparsely: one value typed in XFD1048576 (Ctrl+End, then a keystroke) is a few bytes
in a 25 KB file. Every reader that turns the sheet into a rectangle — python-calamine's dense block in
the refresh's read-back, openpyxl's ``iter_rows()`` on a loaded workbook in the importers, a row held
from column A to its last value in the workbook view — pays for the rectangle, not for the cells. Those
attacks run in a child process with a 2 GiB address space and a time-out (a reader that is not bounded
fails the test, it does not take the machine); the bounded ones run in-process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from xl_tools.cli import main

from .inputs import cases

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 2 * 2**30
SECONDS = 120


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(*argv, cwd: Path) -> tuple[int, str, float]:
    """The command in a child process within MEMORY and SECONDS: (exit code, stderr, seconds)."""
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "xl_tools", *map(str, argv)], cwd=cwd, capture_output=True,
                              text=True, timeout=SECONDS, preexec_fn=_limited, env=_env())
    except subprocess.TimeoutExpired:
        pytest.fail(f"{argv}: still running after {SECONDS} s")
    return done.returncode, done.stderr, time.monotonic() - start


def _env() -> dict:
    import os
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("RUST_BACKTRACE", None)
    return env


def _clean(rc: int, err: str, ok=(0, 1)) -> None:
    assert rc in ok, (rc, err[-2000:])
    assert "Traceback" not in err and "stack backtrace" not in err and "memory allocation" not in err, err[-2000:]


@pytest.mark.parametrize("sheet", ["说明", "绩效指标"])
def test_a_value_in_the_last_cell_does_not_abort_the_refresh(tmp_path, sheet):
    """The read-back read the saved sheet with python-calamine, which holds it as one block from A1 to
    its last cell: for XFD1048576, 17 billion cells — its allocation failed and the process aborted
    (SIGABRT, a Rust backtrace, exit 134; through the upload page, the whole server). Such a sheet is
    now read back by openpyxl's streaming reader, as wide as the plan writes."""
    book = cases.value_in_last_cell(tmp_path, sheet)
    rc, err, _s = _run("refresh", book, "-o", tmp_path / "out.xlsx", cwd=tmp_path)
    _clean(rc, err)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)[sheet]
    assert ws["XFD1048576"].value == "x"


def test_the_read_back_still_catches_a_wrong_value_in_a_sheet_read_by_stream(tmp_path, monkeypatch):
    """The streaming read-back is a read-back: a value the plan wrote that the file does not show fails."""
    from xl_tools.refresh import readback
    from xl_tools.refresh.ops import SetValues
    book = cases.value_in_last_cell(tmp_path, "说明")
    assert readback._cells(_part(book, "说明"))[2] > readback.DENSE_CELLS
    planned = {"说明": [SetValues("说明", 1, 1, [["不是这个值"]])]}
    with pytest.raises(readback.ReadBackError, match="说明!A1"):
        readback.verify(book, book, {"说明": _part_name(book, "说明")}, planned)
    assert readback._cells(_part(cases.seed_book(tmp_path), "说明"))[2] < 1000


def _part_name(book: Path, sheet: str) -> str:
    import zipfile

    from xl_tools.xlsxfile import _sheet_parts
    with zipfile.ZipFile(book) as zf:
        return next(part for part, title in _sheet_parts(zf).items() if title == sheet)


def _part(book: Path, sheet: str) -> bytes:
    import zipfile
    with zipfile.ZipFile(book) as zf:
        return zf.read(_part_name(book, sheet))


def test_values_far_to_the_right_on_many_rows_are_bounded(tmp_path, capsys):
    """The workbook view holds each row from column A to its last value: 5,000 rows with a value in A
    and one in XFD (61 KB) held 82 million slots — check ran 36 s at 1.4 GB (50,000 rows, the row
    limit: ten times that). The slots held count against the cell limit: exit 2 naming the sheet."""
    book = cases.values_far_right(tmp_path, "项目", 200)
    rc = main(["check", str(book)])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.startswith("错误：") and len(err.splitlines()) == 1
    assert "工作表「项目」" in err and "XFD 列" in err and "XL_TOOLS_MAX_CELLS" in err
    few = cases.values_far_right(tmp_path, "项目", 100, name="few.xlsx")     # 1.6 million slots: read
    assert main(["check", str(few)]) in (0, 1)


def test_a_published_table_with_a_value_in_the_last_cell_imports(tmp_path):
    """``import`` of a 公开表 xlsx walked ``iter_rows()`` of the loaded sheet, a cell made for every place
    up to XFD1048576: 46 s and 2.7 GB, then exit 3 (MemoryError) under a 3 GB limit, unbounded
    without one. The table's rows are read as wide as its columns, until a long run of blank rows."""
    table = cases.published_table_with_last_cell(tmp_path)
    rc, err, seconds = _run("import", table, "-o", tmp_path / "导入.json", cwd=tmp_path)
    _clean(rc, err, ok=(0,))
    assert len(json.loads((tmp_path / "导入.json").read_text("utf-8"))["projects"]) == 13


def test_a_regional_export_with_a_value_in_the_last_cell_imports(tmp_path):
    """The regional layouts' reader (``importer.regional``, added at the integration) walked every
    sheet's whole rectangle the same way."""
    table = cases.regional_export(tmp_path, ref="XFD1048576")
    rc, err, seconds = _run("import", table, "-o", tmp_path / "导入.json", cwd=tmp_path)
    _clean(rc, err, ok=(0,))
    assert "一体化导出" in err
    assert [p["name"] for p in json.loads((tmp_path / "导入.json").read_text("utf-8"))["projects"]] == ["村组干部报酬"]


def test_rollover_of_a_workbook_with_a_value_in_the_last_cell(tmp_path):
    """``rollover`` looked through the old workbook's data sheets for the notes and colours it does not
    carry with ``iter_rows()`` of the loaded sheet: Z100000 took 37 s and 930 MB, XFD1048576 grew past
    2.8 GB until killed at 120 s. It now reads as wide as the cells reach (256 columns at most), until
    1,000 blank rows."""
    book = cases.value_in_last_cell(tmp_path, "项目")
    rc, err, _s = _run("rollover", "--year", "2025", "-o", tmp_path / "2025.xlsx", book, cwd=tmp_path)
    _clean(rc, err, ok=(0, 1))
    assert main(["dump", str(tmp_path / "2025.xlsx"), "--json"]) == 0


def test_a_reviewers_lists_with_a_value_in_the_last_cell(tmp_path):
    """``batch --units`` read the unit list's sheet, and ``--previous`` the last review workbook's, with
    ``iter_rows()`` from A1 to the last cell: a list with a value in XFD1048576 ran 47 s to 2.7 GB,
    then exit 3. They are read in their first 64 columns until 1,000 blank rows."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    cases.seed_book(inbox, "单位甲.xlsx")
    units = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称"])
    wb.active.append(["广州市机电技师学院"])
    wb.active["XFD1048576"] = "x"
    wb.save(units)
    rc, err, _s = _run("batch", inbox, "-o", tmp_path / "审核.xlsx", "--units", units, cwd=tmp_path)
    _clean(rc, err)
    review = openpyxl.load_workbook(tmp_path / "审核.xlsx")
    review["问题明细"]["XFD1048576"] = "x"
    review.save(tmp_path / "上次.xlsx")
    rc, err, _s = _run("batch", inbox, "-o", tmp_path / "本次.xlsx", "--previous", tmp_path / "上次.xlsx", cwd=tmp_path)
    _clean(rc, err)


def test_a_workbook_loaded_whole_is_bounded_in_all_its_cells(tmp_path, capsys, monkeypatch):
    """``import`` loads a 公开表's workbook whole with openpyxl (about 700 bytes a cell); each sheet was
    bounded, the workbook not: four sheets of 1.9 million cells (a 15 MB file) grew past 5.5 GB and ran
    past 300 s. All the sheets' cells count against ``XL_TOOLS_MAX_BOOK_CELLS`` before the load (here
    lowered: three sheets of 30,000 cells)."""
    table = cases.published_table_with_sheets(tmp_path, 3, 30_000)
    monkeypatch.setenv("XL_TOOLS_MAX_BOOK_CELLS", "50000")
    rc = main(["import", str(table), "-o", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.splitlines()) == 1, err
    assert "整个工作簿的单元格数（完整读入时）为 90," in err and "XL_TOOLS_MAX_BOOK_CELLS" in err
    monkeypatch.delenv("XL_TOOLS_MAX_BOOK_CELLS")
    assert main(["import", str(table), "-o", str(tmp_path / "x.json")]) == 0


def test_a_published_table_without_its_size_is_found_in_a_batch(tmp_path, capsys):
    """A sheet without ``<dimension>`` (some writers leave it out) is unsized to openpyxl's read-only
    reader: the header's search as wide as the sheet must not take its size for granted."""
    import re
    import zipfile
    table = cases.published_table_with_last_cell(tmp_path, ref="A1000")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    with zipfile.ZipFile(table) as zin, zipfile.ZipFile(inbox / "公开表.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b"", data)
            zout.writestr(item, data)
    assert main(["batch", str(inbox), "-o", str(tmp_path / "审核.xlsx")]) in (0, 1)
    capsys.readouterr()
    ws = openpyxl.load_workbook(tmp_path / "审核.xlsx", read_only=True)["汇总"]
    row = next(r for r in ws.iter_rows(values_only=True) if r and r[1] == "公开表.xlsx")
    assert row[2] == 13, row


def test_the_shared_strings_table_is_bounded(tmp_path, capsys, monkeypatch):
    """Every reader holds a workbook's whole shared-strings table (about 100 bytes a text; the view kept
    the parsed table besides): 20 million short texts in a 52 MB file took check 81 s to 3.9 GB, then
    「sharedStrings.xml 已损坏」. They count against ``XL_TOOLS_MAX_STRINGS`` as they are read, by the
    workbook view and before openpyxl loads a workbook (here lowered below the seed's)."""
    from tests.support.writers import written_by
    book = cases.seed_book(tmp_path, shared=True)         # as Excel saves it
    table = written_by("xlsxwriter", cases.regional_export(tmp_path), tmp_path / "导出_共享字符串.xlsx")
    monkeypatch.setenv("XL_TOOLS_MAX_STRINGS", "20")
    for argv in (["check", book], ["import", table, "-o", tmp_path / "x.json"]):
        rc = main([str(a) for a in argv])
        err = capsys.readouterr().err
        assert rc == 2 and "共享字符串数（工作簿中不同文字的个数）超过上限 20 个" in err, (argv, err)
    monkeypatch.delenv("XL_TOOLS_MAX_STRINGS")
    assert main(["check", str(book)]) in (0, 1)
    assert main(["import", str(table), "-o", str(tmp_path / "y.json")]) == 0
