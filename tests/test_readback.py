"""The read-back's count of cells spelled outside the SpreadsheetML namespace (the first two of ``readback._cells``),
also where it takes its short way (issue 27: a sheet under the default namespace with no prefixed
element named ``c`` has none, without a look at each of its cells)."""

from __future__ import annotations

from xl_tools.refresh.readback import _cells


def _foreign_cells(data: bytes) -> tuple[int, list[str]]:
    return _cells(data)[:2]

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(rows: bytes, decls: bytes = b'xmlns="%s"' % MAIN) -> bytes:
    return b'<?xml version="1.0"?><worksheet ' + decls + b"><sheetData>" + rows + b"</sheetData></worksheet>"


def test_default_namespace_without_prefixed_cells_has_none():
    assert _foreign_cells(_sheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>a:c</t>'
                                 b"</is></c></row>")) == (0, [])


def test_a_cell_under_another_prefix_is_counted_beside_the_default_namespace():
    data = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><y:c r="B1"><y:v>2</y:v></y:c></row>',
                  b'xmlns="%s" xmlns:y="urn:other"' % MAIN)
    assert _foreign_cells(data) == (1, ["B1"])


def test_a_prefix_bound_to_the_namespace_is_not_foreign():
    data = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><x:c r="B1"><x:v>2</x:v></x:c></row>',
                  b'xmlns="%s" xmlns:x="%s"' % (MAIN, MAIN))
    assert _foreign_cells(data) == (0, [])


def test_unprefixed_cells_where_the_default_namespace_is_another_are_foreign():
    data = _sheet(b'<x:row r="1"><c r="A1"><v>1</v></c></x:row>', b'xmlns:x="%s"' % MAIN)
    assert _foreign_cells(data) == (1, ["A1"])
