"""The read-back's look at a saved sheet's cells (``readback._cells``): those spelled outside the
SpreadsheetML namespace, and the area of calamine's block, which it counts over chunks of references
(issue 27: the last column and the last row are carried from chunk to chunk)."""

from __future__ import annotations

from xl_tools.refresh import readback
from xl_tools.refresh.readback import DENSE_CELLS, _cells

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _foreign(data: bytes) -> tuple[int, list[str]]:
    return _cells(data)[:2]


def _sheet(rows: bytes, decls: bytes = b'xmlns="%s"' % MAIN) -> bytes:
    return b'<?xml version="1.0"?><worksheet ' + decls + b"><sheetData>" + rows + b"</sheetData></worksheet>"


def test_default_namespace_without_prefixed_cells_has_none():
    assert _foreign(_sheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>a:c</t>'
                                 b"</is></c></row>")) == (0, [])


def test_a_cell_under_another_prefix_is_counted_beside_the_default_namespace():
    data = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><y:c r="B1"><y:v>2</y:v></y:c></row>',
                  b'xmlns="%s" xmlns:y="urn:other"' % MAIN)
    assert _foreign(data) == (1, ["B1"])


def test_a_prefix_bound_to_the_namespace_is_not_foreign():
    data = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><x:c r="B1"><x:v>2</x:v></x:c></row>',
                  b'xmlns="%s" xmlns:x="%s"' % (MAIN, MAIN))
    assert _foreign(data) == (0, [])


def test_unprefixed_cells_where_the_default_namespace_is_another_are_foreign():
    data = _sheet(b'<x:row r="1"><c r="A1"><v>1</v></c></x:row>', b'xmlns:x="%s"' % MAIN)
    assert _foreign(data) == (1, ["A1"])


def test_the_area_spans_chunks(monkeypatch):
    """A far column in one chunk of references and a far row in another: the block is their product."""
    monkeypatch.setattr(readback, "AREA_CHUNK", 2)
    rows = b'<row r="1"><c r="A1"/><c r="Z1"/></row><row r="9"><c r="B9"/></row><row r="40"><c r="A40"/></row>'
    assert _cells(_sheet(rows))[2] == 26 * 40
    far = b'<row r="1"><c r="A1"/><c r="XFD1"/></row><row r="1048576"><c r="A1048576"/></row>'
    assert _cells(_sheet(far))[2] == 16384 * 1048576 > DENSE_CELLS
    missing = b'<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c><v>1</v></c></row>'
    assert _cells(_sheet(missing))[2] > DENSE_CELLS


def test_a_plain_sheet_is_looked_at_in_a_few_passes():
    """The common sheet (default namespace SpreadsheetML, no prefixed cell, every cell referenced) is
    answered by ``_plain_cells`` without a pass over each cell; anything else goes cell by cell, with
    the same answers."""
    from xl_tools.refresh.readback import _SHEET_DATA, _plain_cells

    def quick(data: bytes):
        return _plain_cells(data, _SHEET_DATA.search(data).end(), {b""})
    plain = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="C1" s="2"/></row><row r="7"><c s="1" r="B7" '
                   b't="inlineStr"><is><t>r="XFD9"</t></is></c></row>')
    assert quick(plain) == _cells(plain) == (0, [], 3 * 7)
    assert quick(_sheet(b"")) == _cells(_sheet(b"")) == (0, [], 0)
    unreferenced = _sheet(b'<row r="1"><c r="A1"/><c><v>1</v></c></row>')
    assert quick(unreferenced) is None and _cells(unreferenced)[2] > DENSE_CELLS
    far = _sheet(b'<row r="1"><c r="XFE1"/></row>')
    assert quick(far) is None and _cells(far)[2] > DENSE_CELLS
    prefixed = _sheet(b'<row r="1"><c r="A1"/><y:c r="B1"/></row>', b'xmlns="%s" xmlns:y="urn:other"' % MAIN)
    assert quick(prefixed) is None and _cells(prefixed)[:2] == (1, ["B1"])
    text_ref = _sheet(b'<row r="1"><c r="A1"><is><t>x</t></is></c><c><is><t>&lt;c r="Z9"</t></is></c></row>')
    assert quick(text_ref) is None and _cells(text_ref)[2] > DENSE_CELLS


def test_a_plain_sheet_is_looked_at_in_chunks(monkeypatch):
    """Chunks of a few bytes, each ending before a tag: the same answers as the whole part at once."""
    from xl_tools.refresh.readback import _SHEET_DATA, _plain_cells
    monkeypatch.setattr(readback, "PLAIN_CHUNK", 5)
    rows = b'<row r="1"><c r="A1"><v>1</v></c><c r="AB1" s="2"/></row><row r="12"><c r="C12"/></row>'
    data = _sheet(rows)
    assert _plain_cells(data, _SHEET_DATA.search(data).end(), {b""}) == (0, [], 28 * 12)
    late = _sheet(rows + b'<row r="13"><c><v>2</v></c></row>')            # unreferenced, in a later chunk
    assert _plain_cells(late, _SHEET_DATA.search(late).end(), {b""}) is None
