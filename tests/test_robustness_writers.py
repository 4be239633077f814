"""A filing as other writers spell it (issue 22, 1): the Open XML SDK's prefixed spelling (``x:c`` in
``x:row``, no default namespace), openpyxl, LibreOffice, XlsxWriter, exceljs and SheetJS
(tests/support/writers.py). Each holds the seed with cells a refresh must write: a blank 总计, a blank
序号, the helper columns of 绩效指标 emptied, no tool sheets yet.

For every writer: refresh, check and publish run through the command line; every cell the refresh
wrote reads back through openpyxl (which, like Excel, reads cells by namespace) as the refresh of the
standard workbook wrote it; a second refresh changes nothing. And the save's own read-back
(``refresh.readback``) fails a refresh whose written cells do not read back, keeping the original.
"""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest

from xl_tools.cli import main
from xl_tools.schema import INDICATOR_HELPERS, SHEET_INDICATORS, SHEET_PROJECTS, SHEET_PUBLIC, SHEET_RESULTS

from .conftest import HAS_SOFFICE
from .support.writers import WRITERS, has_node_writers, other_writer

TOOL_SHEETS = (SHEET_RESULTS, SHEET_PUBLIC, "_xltools")


def _blanked(src, dst):
    """The seed with cells a refresh writes: 总计 of project 1, 序号 of project 2, every helper cell."""
    book = openpyxl.load_workbook(src)
    ws = book[SHEET_PROJECTS]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("总计") + 1).value = None
    ws.cell(3, header.index("序号") + 1).value = None
    wi = book[SHEET_INDICATORS]
    header = [c.value for c in wi[1]]
    for name in INDICATOR_HELPERS:
        col = header.index(name) + 1
        for r in range(2, wi.max_row + 1):
            wi.cell(r, col).value = None
    for name in TOOL_SHEETS:
        if name in book.sheetnames:
            del book[name]
    book.save(dst)
    return dst


def _written(path):
    """The cells a refresh writes into the data sheets, as openpyxl reads them."""
    book = openpyxl.load_workbook(path)
    ws, wi = book[SHEET_PROJECTS], book[SHEET_INDICATORS]
    header = [c.value for c in ws[1]]
    out = {("总计", 2): ws.cell(2, header.index("总计") + 1).value,
           ("序号", 3): ws.cell(3, header.index("序号") + 1).value}
    header = [c.value for c in wi[1]]
    for name in INDICATOR_HELPERS:
        col = header.index(name) + 1
        for r in range(2, wi.max_row + 1):
            out[(name, r)] = wi.cell(r, col).value
    return out


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _cli(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err
    return rc, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seed_filing):
    from xl_tools.workbook import build_workbook
    work = tmp_path_factory.mktemp("writers")
    build_workbook(work / "seed.xlsx", seed_filing)
    base = _blanked(work / "seed.xlsx", work / "blanked.xlsx")
    reference = work / "reference.xlsx"
    shutil.copy(base, reference)
    assert main(["refresh", str(reference)]) in (0, 1)
    return work, base, _written(reference)


def _available(writer: str) -> None:
    if writer in ("exceljs", "sheetjs") and not has_node_writers():
        pytest.skip("node and tests/js/node_modules (npm ci) needed")
    if writer == "libreoffice" and not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")


@pytest.mark.parametrize("writer", WRITERS)
def test_refresh_check_publish_on_other_writers(corpus, writer, capsys, tmp_path):
    _available(writer)
    work, base, expected = corpus
    book = other_writer(writer, base, tmp_path / f"{writer}.xlsx")
    assert _written(book)[("总计", 2)] is None               # the writer kept the blanks
    rc, err = _cli(capsys, "check", book)
    assert rc in (0, 1) and "内部错误" not in err, err
    rc, err = _cli(capsys, "refresh", book)
    assert rc in (0, 1) and "内部错误" not in err, err
    got = _written(book)
    lost = {k: v for k, v in expected.items() if v not in (None, "") and got.get(k) in (None, "")}
    assert not lost, f"{len(lost)} cells lost, e.g. {list(lost.items())[:3]}"
    assert got == expected
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert all(name in names for name in TOOL_SHEETS)
    assert main(["refresh", str(book)]) in (0, 1)           # the fills of the first are now the user's
    before = _parts(book)
    rc, err = _cli(capsys, "refresh", book)                  # nothing changed since: no part changes
    assert rc in (0, 1) and "内部错误" not in err, err
    assert _parts(book) == before
    rc, err = _cli(capsys, "publish", book, "-o", tmp_path / f"{writer}_公开表.xlsx")
    assert rc in (0, 1) and "内部错误" not in err, err
    assert (tmp_path / f"{writer}_公开表.xlsx").exists()


@pytest.mark.soffice
def test_libreoffice_shows_what_the_refresh_wrote_in_the_sdk_spelling(corpus, tmp_path, capsys):
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")
    from .conftest import soffice_convert
    work, base, expected = corpus
    book = other_writer("sdk", base, tmp_path / "sdk.xlsx")
    assert main(["refresh", str(book)]) in (0, 1)
    shown = soffice_convert(book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert _written(shown) == expected


def test_cells_that_do_not_read_back_fail_the_save(corpus, tmp_path, monkeypatch, capsys):
    """The patcher made to splice cells in no namespace (the defect of issue 22): the refresh stops
    with exit 3 and a log naming the cells, and the workbook is byte for byte what it was."""
    from xl_tools.ooxml import sheetxml
    work, base, expected = corpus
    book = other_writer("sdk", base, tmp_path / "sdk.xlsx")
    original = book.read_bytes()
    monkeypatch.setattr(sheetxml, "prefix_of", lambda el: "")
    monkeypatch.setenv("XL_TOOLS_LOG_DIR", str(tmp_path / "logs"))
    rc, err = _cli(capsys, "refresh", book)
    assert rc == 3 and "内部错误" in err and err.count("\n") == 1, err
    assert book.read_bytes() == original and not list(tmp_path.glob("*.tmp"))
    log = next((tmp_path / "logs").iterdir()).read_text("utf-8")
    assert "ReadBackError" in log and "项目: 2 cells spelled outside the SpreadsheetML namespace, e.g. " in log and "D2" in log


def test_read_back_without_calamine_uses_openpyxl(corpus, tmp_path, monkeypatch):
    """Where python-calamine is not installed, openpyxl reads the values back (and catches the same)."""
    import builtins

    from xl_tools.app import refresh_path as refresh_file
    from xl_tools.ooxml import sheetxml
    from xl_tools.refresh.readback import ReadBackError
    real_import = builtins.__import__

    def no_calamine(name, *args, **kwargs):
        if name.startswith("python_calamine"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    work, base, expected = corpus
    monkeypatch.setattr(builtins, "__import__", no_calamine)
    good = other_writer("sdk", base, tmp_path / "good.xlsx")
    refresh_file(good)
    assert _written(good) == expected
    bad = other_writer("sdk", base, tmp_path / "bad.xlsx")
    monkeypatch.setattr(sheetxml, "prefix_of", lambda el: "")
    with pytest.raises(ReadBackError, match="项目!D2 reads None"):
        refresh_file(bad)


@pytest.mark.parametrize("command", ["check", "refresh", "publish", "dump"])
def test_strict_open_xml_is_refused_by_its_own_line(corpus, tmp_path, capsys, command):
    from .support.writers import strict_spelling
    work, base, expected = corpus
    book = strict_spelling(base, tmp_path / "strict.xlsx")
    original = book.read_bytes()
    argv = [command, book] + (["-o", tmp_path / "out.xlsx"] if command == "publish" else [])
    rc, err = _cli(capsys, *argv)
    assert rc == 2 and err.count("\n") == 1, err
    assert "Strict Open XML" in err and "另存为" in err and "缺少工作表" not in err and "损坏" not in err, err
    assert book.read_bytes() == original


@pytest.mark.parametrize("writer", ["sdk", "openpyxl"])
def test_values_in_new_rows_are_spelled_as_the_sheet(corpus, tmp_path, writer):
    """A value below the last row (a row the patcher creates) and beside the last cell of a row, in the
    sheet's spelling: openpyxl reads both."""
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.ooxml.view import open_view
    work, base, expected = corpus
    book = other_writer(writer, base, tmp_path / f"{writer}.xlsx")
    view = open_view(book, max_rows=50_000, blank_run=1_000)
    try:
        patch = WorkbookPatch(view, note_author="test")
        patch.set_value(SHEET_PROJECTS, 200, 2, "新的一行")
        patch.set_value(SHEET_PROJECTS, 2, 30, 12.5)
        patch.patch_sheets()
        patch.save(tmp_path / "out.xlsx")
    finally:
        view.close()
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")[SHEET_PROJECTS]
    assert ws.cell(200, 2).value == "新的一行" and ws.cell(2, 30).value == 12.5
