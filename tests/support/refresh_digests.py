"""Digests of every part the file refresh writes for the benchmark's 100× workbook, in a few steps that
use every path of the writer: a first refresh (helper columns, highlights, notes, 校验结果, 公开表 and the
state sheet all new), a refresh after the person broke some cells (new highlights and notes beside the
tool's earlier ones, a note changed, the state sheet read back) and one after they put the cells back
(highlights taken off with each cell's own format restored, notes deleted).

The committed digests (``tests/fixtures/refresh_100x.json``) pin the output byte for byte, so work on
the writer's speed cannot change what it writes. After an intended change of output, regenerate them:

    .venv/bin/python -m tests.support.refresh_digests
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path

from benchmarks.generate import sized_filing, write_workbook
from xl_tools.app import refresh_path as refresh_file
from xl_tools.ooxml.patch import WorkbookPatch
from xl_tools.refresh import seal
from xl_tools.schema import SHEET_INDICATORS, SHEET_PROJECTS
from xl_tools.workbook.reader import workbook_view

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "refresh_100x.json"
SIZE = "100x"
# (sheet, column, every n-th row from row 2, value written) — values the rules flag
BREAKS = [(SHEET_INDICATORS, 6, 11, ""), (SHEET_INDICATORS, 7, 13, "很好"), (SHEET_PROJECTS, 4, 17, 1),
          (SHEET_PROJECTS, 8, 19, "")]


def part_digests(path: Path) -> dict[str, str]:
    """Part name → sha256 of its bytes, in the package's order; the seal of the state sheet
    (``refresh.seal``: a digest of the tool's own files, which every change of the code changes) as
    its placeholder."""
    with zipfile.ZipFile(path) as zf:
        return {name: hashlib.sha256(_unsealed(zf.read(name))).hexdigest() for name in zf.namelist()}


def _unsealed(data: bytes) -> bytes:
    return seal._SEAL.sub(lambda m: m.group(0).replace(m.group(1), seal.PLACEHOLDER.encode()), data, count=1)


def _set_cells(src: Path, out: Path, values: dict[tuple[str, int, int], object]) -> None:
    """Copy `src` to `out` with `values` written into the cells (as a person typing would)."""
    view = workbook_view(src)
    try:
        patch = WorkbookPatch(view, note_author="tester")
        for (sheet, row, col), value in values.items():
            patch.set_value(sheet, row, col, value)
        patch.patch_sheets()
        patch.save(out)
    finally:
        view.close()


def _breaks(path: Path) -> tuple[dict, dict]:
    """(the cells to break with their bad values, the same cells with their values now)."""
    view = workbook_view(path)
    try:
        bad, good = {}, {}
        for sheet, col, step, value in BREAKS:
            ws = view[sheet]
            for row in range(2, ws.max_row + 1, step):
                bad[(sheet, row, col)] = value
                good[(sheet, row, col)] = ws.cell(row, col).value
        return bad, good
    finally:
        view.close()


def run(folder: Path) -> dict[str, dict[str, str]]:
    """Step name → part digests of its output."""
    source = write_workbook(sized_filing(SIZE), folder / f"{SIZE}.xlsx")
    first = folder / "first.xlsx"
    refresh_file(source, first, now="2024-01-01 00:00")
    bad, good = _breaks(first)
    _set_cells(first, folder / "broken_in.xlsx", bad)
    broken = folder / "broken.xlsx"
    refresh_file(folder / "broken_in.xlsx", broken, now="2024-02-02 00:00")
    _set_cells(broken, folder / "mended_in.xlsx", good)
    mended = folder / "mended.xlsx"
    refresh_file(folder / "mended_in.xlsx", mended, now="2024-03-03 00:00")
    return {"first": part_digests(first), "broken": part_digests(broken), "mended": part_digests(mended)}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="xltools-digests-") as tmp:
        digests = run(Path(tmp))
    EXPECTED.write_text(json.dumps(digests, indent=1, sort_keys=False) + "\n", "utf-8")
    print(f"written {EXPECTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
