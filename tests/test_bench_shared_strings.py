"""The benchmark's shared-strings workbook (``benchmarks.generate.shared_strings``): the tool's workbook
with its inline strings moved to a shared-strings table, as Excel and WPS save it — the same cells
and values for openpyxl and for the tool's reader, in the other spelling."""

from __future__ import annotations

import shutil
import zipfile

import openpyxl

from benchmarks.generate import scaled_filing, shared_strings, write_workbook
from xl_tools.jsonio import dumps
from xl_tools.workbook import read_filing


def _values(path):
    wb = openpyxl.load_workbook(path)
    try:
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    finally:
        wb.close()


def test_the_same_workbook_with_shared_strings(tmp_path):
    inline = write_workbook(scaled_filing(26, distinct=True), tmp_path / "inline.xlsx")
    shared = tmp_path / "shared.xlsx"
    shutil.copyfile(inline, shared)
    shared_strings(shared)
    with zipfile.ZipFile(shared) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert "xl/sharedStrings.xml" in zf.namelist()
        assert b"sharedStrings" in zf.read("[Content_Types].xml")
    assert not any(b"inlineStr" in data for data in sheets)
    assert sum(data.count(b' t="s"><v>') for data in sheets) > 26 * 6
    assert _values(shared) == _values(inline)
    assert dumps(read_filing(shared, strict=False)) == dumps(read_filing(inline, strict=False))
