"""The parts a refresh writes, validated against the Open XML schemas by openxml-audit (a pure-Python
port of the Open XML SDK's validator, issue 22, 11): a refresh adds no schema error to a workbook —
not in the cells it splices into the person's sheets, the formats it adds to styles.xml, the notes,
or the sheets it generates — whichever writer made the workbook; nor does a refresh that takes the
highlights off again.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from xl_tools.cli import main
from xl_tools.schema import SHEET_PROJECTS

from .support.writers import other_writer

audit = pytest.importorskip("openxml_audit", reason="openxml-audit (test extra) not installed")


def _schema_errors(path) -> set[str]:
    """What the validator finds, less its note that Excel turns inline strings into shared strings on
    its next save (the patcher writes text as inline strings, never a formula; not an error)."""
    result = audit.OpenXmlValidator(max_errors=100_000).validate(str(path))
    return {str(e) for e in result.errors if "inline-string cell" not in str(e)}


@pytest.mark.parametrize("writer", ["standard", "sdk", "openpyxl", "xlsxwriter"])
def test_a_refresh_adds_no_schema_error(seed_workbook, tmp_path, writer):
    book = openpyxl.load_workbook(seed_workbook)
    book[SHEET_PROJECTS]["E4"] = 1                              # an error: red, a note
    faulty = tmp_path / "faulty.xlsx"
    book.save(faulty)
    src = faulty if writer == "standard" else other_writer(writer, faulty, tmp_path / f"{writer}.xlsx")
    before = _schema_errors(src)
    refreshed = tmp_path / "refreshed.xlsx"
    shutil.copy(src, refreshed)
    assert main(["refresh", str(refreshed)]) == 1
    added = _schema_errors(refreshed) - before
    assert not added, sorted(added)[:10]
    # the error corrected: highlight and note taken off again, the cell's own format restored
    book = openpyxl.load_workbook(seed_workbook)
    fixed_value = book[SHEET_PROJECTS]["E4"].value
    del book
    cleared = tmp_path / "cleared.xlsx"
    shutil.copy(refreshed, cleared)
    _set_cell(cleared, tmp_path, "E4", fixed_value)
    assert main(["refresh", str(cleared)]) in (0, 1)
    added = _schema_errors(cleared) - before
    assert not added, sorted(added)[:10]


def _set_cell(path, tmp_path, ref: str, value) -> None:
    """Put `value` in 项目!`ref` by the patcher itself (an openpyxl save would respell every part)."""
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.ooxml.view import open_view
    view = open_view(path, max_rows=50_000, blank_run=1_000)
    try:
        patch = WorkbookPatch(view, note_author="test")
        from xl_tools.address import parse_a1
        patch.set_value(SHEET_PROJECTS, *parse_a1(ref), value)
        patch.patch_sheets()
        out = tmp_path / "edited.xlsx"
        patch.save(out)
    finally:
        view.close()
    shutil.move(out, path)


def test_highlights_taken_off_without_a_state_add_no_schema_error(seed_workbook, tmp_path):
    """The state sheet deleted and the workbook saved by openpyxl (which writes a font's children in
    its own order): the refresh takes its colours off by the look of the cells, and the fonts it adds
    for that are in the schema's order."""
    book = openpyxl.load_workbook(seed_workbook)
    value = book[SHEET_PROJECTS]["E4"].value
    book[SHEET_PROJECTS]["E4"] = 1
    book.save(seed_workbook)
    assert main(["refresh", str(seed_workbook)]) == 1
    book = openpyxl.load_workbook(seed_workbook)
    del book["_xltools"]
    book[SHEET_PROJECTS]["E4"] = value
    stateless = tmp_path / "stateless.xlsx"
    book.save(stateless)
    before = _schema_errors(stateless)
    assert main(["refresh", str(stateless)]) == 0
    added = _schema_errors(stateless) - before
    assert not added, sorted(added)[:10]
