"""Work a refresh no longer does (issue 27, 2 and 3; issue 22, 11): a refresh that changes nothing does
not rewrite the file, the parts a refresh does not change are copied as their compressed bytes, and
the garbage collector is paused for every task.
"""

from __future__ import annotations

import gc
import os
import struct
import zipfile

import openpyxl

from xl_tools.cli import main
from xl_tools.schema import SHEET_RESULTS


def _refreshed_twice(seed_workbook):
    """The seed after two refreshes (the first one's fills are the user's values by the second)."""
    assert main(["refresh", str(seed_workbook)]) == 0
    assert main(["refresh", str(seed_workbook)]) == 0
    return seed_workbook


def test_an_unchanged_refresh_does_not_touch_the_file(seed_workbook, capsys):
    book = _refreshed_twice(seed_workbook)
    bak = book.with_name(book.name + ".bak")
    before, bak_before = os.stat(book), bak.read_bytes()
    data = book.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(book)]) == 0
    assert "内容无变化" in capsys.readouterr().out
    after = os.stat(book)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert book.read_bytes() == data and bak.read_bytes() == bak_before


def test_an_unchanged_refresh_does_not_lay_out_its_results_sheet(seed_workbook, monkeypatch):
    """校验结果 is made only when a refresh writes it: one that changes nothing does not make it."""
    from xl_tools.refresh import plan
    book = _refreshed_twice(seed_workbook)
    made = []
    real = plan.results_sheet
    monkeypatch.setattr(plan, "results_sheet", lambda *a, **k: made.append(1) or real(*a, **k))
    assert main(["refresh", str(book)]) == 0
    assert made == []
    assert main(["refresh", str(book), "-o", str(book.with_name("other.xlsx"))]) == 0   # a copy: not made either
    assert made == []


def test_an_unchanged_refresh_into_another_file_copies_it(seed_workbook, tmp_path):
    book = _refreshed_twice(seed_workbook)
    out = tmp_path / "copy.xlsx"
    assert main(["refresh", str(book), "-o", str(out)]) == 0
    assert out.read_bytes() == book.read_bytes()


def test_a_missing_tool_sheet_is_written_again(seed_workbook, tmp_path):
    """The same findings, but 校验结果 deleted by hand: the digest alone does not decide."""
    book = _refreshed_twice(seed_workbook)
    wb = openpyxl.load_workbook(book)
    del wb[SHEET_RESULTS]
    wb.save(book)
    assert main(["refresh", str(book)]) == 0
    assert SHEET_RESULTS in openpyxl.load_workbook(book, read_only=True).sheetnames


def test_a_cleared_helper_cell_is_written_again(seed_workbook):
    book = _refreshed_twice(seed_workbook)
    wb = openpyxl.load_workbook(book)
    ws = wb["绩效指标"]
    header = [c.value for c in ws[1]]
    col = header.index("周期数值") + 1
    value = ws.cell(2, col).value
    ws.cell(2, col).value = None
    wb.save(book)
    assert main(["refresh", str(book)]) == 0
    assert openpyxl.load_workbook(book)["绩效指标"].cell(2, col).value == value


def _raw(path, name: str) -> bytes:
    """The compressed bytes of a member as they stand in the file."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        skip = sum(struct.unpack("<HH", header[26:30]))
        fh.seek(info.header_offset + 30 + skip)
        return fh.read(info.compress_size)


def test_unchanged_parts_are_copied_raw(seed_workbook, tmp_path):
    """A part the refresh does not change keeps its compressed bytes (it is not inflated and deflated
    again), whatever compression level its writer used; the file stays a valid zip."""
    src = tmp_path / "level1.xlsx"
    with zipfile.ZipFile(seed_workbook) as zin, \
            zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    out = tmp_path / "out.xlsx"
    assert main(["refresh", str(src), "-o", str(out)]) == 0
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert b.testzip() is None
        unchanged = [n for n in a.namelist() if n in b.namelist() and a.read(n) == b.read(n)]
    assert "xl/tables/table1.xml" in unchanged and "xl/theme/theme1.xml" in unchanged
    for name in unchanged:
        assert _raw(out, name) == _raw(src, name), name


def test_the_garbage_collector_is_held_back_for_each_task(seed_workbook, monkeypatch):
    from xl_tools.gcpause import THRESHOLDS
    from xl_tools.refresh import plan as plan_module
    from xl_tools.workbook import versions
    seen = []
    plan = plan_module.plan_refresh

    def watching(*args, **kwargs):
        seen.append(gc.get_threshold())
        return plan(*args, **kwargs)
    monkeypatch.setattr(plan_module, "plan_refresh", watching)
    load = versions.read_any_version

    def loading(*args, **kwargs):
        seen.append(gc.get_threshold())
        return load(*args, **kwargs)
    monkeypatch.setattr(versions, "read_any_version", loading)
    default = gc.get_threshold()
    assert main(["refresh", str(seed_workbook)]) == 0
    assert main(["check", str(seed_workbook)]) == 0
    assert len(seen) >= 2 and all(t == THRESHOLDS for t in seen), seen
    assert gc.get_threshold() == default


def test_paused_tasks_nest_and_leave_the_collector_as_they_found_it():
    from xl_tools.gcpause import THRESHOLDS, paused
    default = gc.get_threshold()
    with paused():
        with paused():
            assert gc.get_threshold() == THRESHOLDS
        assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold() == default


def _rewritten(seed_workbook, out):
    """The members of the refresh ``out`` of ``seed_workbook`` whose bytes it wrote."""
    assert main(["refresh", str(seed_workbook), "-o", str(out)]) == 0
    with zipfile.ZipFile(seed_workbook) as a, zipfile.ZipFile(out) as b:
        assert b.testzip() is None
        written = [i for i in b.infolist() if i.filename not in a.namelist() or a.read(i.filename) != b.read(i)]
        assert any(i.filename.startswith("xl/worksheets/") for i in written)
        return [(info, b.read(info)) for info in written]


def test_rewritten_parts_are_deflated_by_the_saving_compressor(seed_workbook, tmp_path):
    """The parts a refresh writes are deflated by ``deflate.compressor``: ISA-L's level 2 where isal is
    installed (a quarter of zlib's CPU time for as many bytes: zlib's default level 6 spent more than
    half a second of a 5k refresh on 65 MB of XML), zlib's level 2 otherwise; still deflate, as Excel
    writes it."""
    from xl_tools.ooxml import deflate
    out = tmp_path / "out.xlsx"
    for info, data in _rewritten(seed_workbook, out):
        assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
        assert _raw(out, info.filename) == deflate.deflated(data), info.filename


def test_isal_deflates_where_installed():
    """The project installs isal beside the tool (not under Pyodide): the save deflates with it."""
    import importlib.util
    import sys

    from xl_tools.ooxml import deflate
    if sys.platform == "emscripten":
        return
    assert importlib.util.find_spec("isal") is not None and deflate.isal_zlib is not None
    data = b"<row>" * 10_000
    assert deflate.deflated(data) != zlib_level_2(data)


def zlib_level_2(data: bytes) -> bytes:
    import zlib
    c = zlib.compressobj(2, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def test_without_isal_the_parts_are_deflated_by_zlib(seed_workbook, tmp_path, monkeypatch):
    """Where isal is not installed (xlwings Lite's Pyodide) the save deflates with zlib's level 2, and the
    file reads in openpyxl as with isal."""
    from xl_tools.ooxml import deflate
    monkeypatch.setattr(deflate, "isal_zlib", None)
    out = tmp_path / "out.xlsx"
    for info, data in _rewritten(seed_workbook, out):
        assert _raw(out, info.filename) == zlib_level_2(data), info.filename
    assert SHEET_RESULTS in openpyxl.load_workbook(out).sheetnames


def test_parts_are_inflated_by_isal_as_zipfile_reads_them(seed_workbook, tmp_path):
    """A package's parts are read through zipfile's reader inflating with ISA-L where isal is installed:
    the same bytes as zipfile's own read; a damaged deflate stream raises zlib's error, as zlib's
    inflate does (the refresh names the damaged part: exit 2)."""
    import io
    import sys
    import zlib

    from xl_tools.ooxml import deflate
    from xl_tools.ooxml.package import Package
    with Package(seed_workbook) as pkg:
        for name in pkg.names():
            with pkg.open(name) as fh:
                if sys.platform != "emscripten" and pkg.infos[name].compress_type == zipfile.ZIP_DEFLATED:
                    assert type(fh._decompressor) is deflate._Inflater
                assert fh.read() == pkg.zf.read(name) == pkg.read(name)
    data = bytearray(seed_workbook.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet4.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        try:
            with deflate.opened(zf, info.filename) as fh:
                fh.read()
        except zlib.error:
            pass
        else:
            raise AssertionError("a damaged member read")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    assert main(["refresh", str(damaged), "-o", str(tmp_path / "out.xlsx")]) == 2
