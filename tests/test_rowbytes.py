"""The byte-level patch of a worksheet (``ooxml.rowbytes``, issue 27, 4): rows the plan does not touch
keep their bytes, values are spliced into rows as text in the sheet's spelling, and only rows that get a
colour on a cell they do not have (or hold cells that are not plain) are parsed, alone. It writes what the streaming lxml pass
writes: the same cells, values and formats, on Excel's own files, the standard workbook and other
writers' spellings.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_tools.ooxml import rowbytes
from xl_tools.ooxml.package import Package
from xl_tools.ooxml.patch import WorkbookPatch
from xl_tools.ooxml.sheetxml import SheetEdits
from xl_tools.ooxml.styles import Styles
from xl_tools.ooxml.view import WorkbookView

from .support.writers import other_writer

CORPUS = Path(__file__).parent / "corpus" / "excel_made"
BOOKS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm"))
RED, RED_FONT = "FFC7CE", "9C0006"


def _edits(patch: WorkbookPatch, sheet: str, last: int) -> None:
    """Values into existing and new cells and rows, a block of values, a colour, a blank written."""
    patch.set_values(sheet, 1, 20, [[f"辅助{r}{c}" if (r + c) % 3 else None for c in range(6)] for r in range(40)])
    patch.set_value(sheet, 1, 1, "改写")
    patch.set_value(sheet, 2, 2, 12.5)
    patch.set_value(sheet, 3, 3, None)
    patch.set_value(sheet, last + 2, 2, "新行")
    patch.colour(sheet, 2, 1, RED, RED_FONT)


def _apply(src: Path, out: Path, bytes_path: bool, monkeypatch, sheet: str | None = None) -> str:
    if not bytes_path:
        monkeypatch.setattr("xl_tools.ooxml.patch.patch_sheet_bytes", lambda *a, **k: None)
    pkg = Package(src)
    view = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)
    entry = next(e for e in view.book.sheets() if e.is_worksheet and e.part and sheet in (None, e.name))
    patch = WorkbookPatch(view, note_author="xl-tools")
    _edits(patch, entry.name, view[entry.name].max_row)
    patch.patch_sheets()
    patch.save(out)
    pkg.close()
    monkeypatch.undo()
    return entry.name


def _value(value):
    return (type(value).__name__, getattr(value, "ref", None), getattr(value, "text", None)) \
        if hasattr(value, "text") else value          # an array formula: an object without ==


def _cells(path: Path, sheet: str) -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: (_value(c.value), c.style_id and (c.fill.fgColor.rgb, c.number_format))
            for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}


def _rows(data: bytes) -> dict[int, bytes]:
    return {int(m.group(2)): m.group(0) for m in
            re.finditer(rb"<(\w+:)?row\b[^>]*?\br=\"(\d+)\"[^>]*?(?:/>|>.*?</\1?row>)", data, re.S)}


@pytest.mark.parametrize("name", BOOKS)
def test_bytes_and_lxml_write_the_same_cells_on_excels_files(name, tmp_path, monkeypatch):
    src = tmp_path / name
    shutil.copy(CORPUS / name, src)
    a, b = tmp_path / "bytes.xlsx", tmp_path / "lxml.xlsx"
    sheet = _apply(src, a, True, monkeypatch)
    _apply(src, b, False, monkeypatch)
    assert _cells(a, sheet) == _cells(b, sheet)


@pytest.mark.parametrize("writer", ["standard", "sdk", "sdk_no_refs", "openpyxl", "xlsxwriter"])
def test_bytes_path_on_other_writers(seed_workbook, tmp_path, writer, monkeypatch):
    src = seed_workbook if writer == "standard" else other_writer(writer, seed_workbook, tmp_path / f"{writer}.xlsx")
    a, b = tmp_path / "bytes.xlsx", tmp_path / "lxml.xlsx"
    sheet = _apply(src, a, True, monkeypatch)
    _apply(src, b, False, monkeypatch)
    assert _cells(a, sheet) == _cells(b, sheet)
    ws = openpyxl.load_workbook(a)[sheet]
    assert ws.cell(1, 21).value == "辅助01" and ws.cell(2, 2).value == 12.5 and ws["A2"].fill.fgColor.rgb == "FF" + RED


def test_rows_without_edits_keep_their_bytes_and_no_row_is_parsed(seed_workbook, tmp_path, monkeypatch):
    parsed = []
    real = rowbytes._Rows._parse

    def counting(self, xml):
        parsed.append(xml[:40])
        return real(self, xml)
    monkeypatch.setattr(rowbytes._Rows, "_parse", counting)
    pkg = Package(seed_workbook)
    view = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)
    sheet = "绩效指标"
    part = view.book.sheet(sheet).part
    before = _rows(pkg.read(part))
    patch = WorkbookPatch(view, note_author="xl-tools")
    patch.set_values(sheet, 2, 8, [["=", 1, "%", "=", 1, "%"] for _ in range(20)])    # 20 rows of values
    patch.colour(sheet, 5, 2, RED, RED_FONT)                                          # one row coloured
    patch.patch_sheets()
    out = tmp_path / "out.xlsx"
    patch.save(out)
    pkg.close()
    after = _rows(zipfile.ZipFile(out).read(part))
    assert [r for r in before if r > 21 and before[r] != after[r]] == []           # untouched rows: same bytes
    assert parsed == []                                 # the coloured row too: its cell's s= spliced
    ws = openpyxl.load_workbook(out)[sheet]
    assert [ws.cell(3, c).value for c in range(8, 14)] == ["=", 1, "%", "=", 1, "%"]
    assert ws["B5"].fill.fgColor.rgb == "FF" + RED and ws["B5"].font.color.rgb == "FF" + RED_FONT


def test_a_sheet_with_comments_in_its_rows_goes_the_streaming_way(seed_workbook, tmp_path):
    pkg = Package(seed_workbook)
    data = pkg.read(pkg_part := WorkbookView(pkg, max_rows=10, blank_run=10).book.sheet("项目").part)
    pkg.close()
    commented = data.replace(b"</row>", b"<!-- a comment --></row>", 1)
    assert rowbytes.patch_sheet_bytes(commented, io.BytesIO(), SheetEdits(), Styles(None), None, pkg_part) is None


@pytest.mark.parametrize("chunk", [7, 100, 4096])
@pytest.mark.parametrize("writer", ["standard", "sdk", "openpyxl", "xlsxwriter"])
def test_a_sheet_read_a_piece_at_a_time_is_patched_as_read_whole(seed_workbook, tmp_path, writer, chunk,
                                                                   monkeypatch):
    """The part is read as a stream, its rows in pieces that end between two rows (never held whole):
    pieces of any size give the bytes one piece gives, and none holds much more than a piece."""
    src = seed_workbook if writer == "standard" else other_writer(writer, seed_workbook, tmp_path / f"{writer}.xlsx")
    whole = tmp_path / "whole.xlsx"
    sheet = _apply(src, whole, True, monkeypatch, "绩效指标")
    monkeypatch.setattr(rowbytes, "CHUNK", chunk)
    pieces = []
    real = rowbytes._pieces

    def windows(*args):
        for piece in real(*args):
            pieces.append(len(piece))
            yield piece
    monkeypatch.setattr(rowbytes, "_pieces", windows)
    small = tmp_path / "small.xlsx"
    _apply(src, small, True, monkeypatch, sheet)
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(small) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    assert len(pieces) > 3 and max(pieces) < chunk + 3000        # a row of the seed is < 3,000 bytes
    assert _cells(small, sheet)["U1"][0] == "辅助01"


@pytest.mark.parametrize("writer", ["standard", "sdk"])
def test_the_part_is_read_once_and_patched_as_when_read_twice(seed_workbook, tmp_path, writer, monkeypatch):
    """The part is inflated once (what precedes the rows read from the part closed after its rows
    element; what follows them as the rows end): the bytes of the pass that reads it twice (``_frame``
    first, as a head of another shape still is: a comment before the root that looks like a tag)."""
    src = seed_workbook if writer == "standard" else other_writer(writer, seed_workbook, tmp_path / f"{writer}.xlsx")
    opened, patching = [], []
    real_open, real_patch = Package.open_original, WorkbookPatch.patch_sheets

    def counted(self, part):
        if patching:                         # the patch's reads, not the view's
            opened.append(part)
        return real_open(self, part)

    def patch_sheets(self):
        patching.append(True)
        return real_patch(self)
    monkeypatch.setattr(Package, "open_original", counted)
    monkeypatch.setattr(WorkbookPatch, "patch_sheets", patch_sheets)
    once = tmp_path / "once.xlsx"
    sheet = _apply(src, once, True, monkeypatch, "绩效指标")
    assert len(opened) == 1
    monkeypatch.setattr(rowbytes, "_before_rows", lambda *a: None)
    twice = tmp_path / "twice.xlsx"
    _apply(src, twice, True, monkeypatch, sheet)
    with zipfile.ZipFile(once) as a, zipfile.ZipFile(twice) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    assert _cells(once, sheet)["U1"][0] == "辅助01"
    monkeypatch.undo()
    pkg = Package(src)
    part = WorkbookView(pkg, max_rows=10, blank_run=10).book.sheet("项目").part
    data = pkg.read(part)
    pkg.close()
    at = data.index(b"?>") + 2
    odd = data[:at] + b"<!-- <a> -->" + data[at:]            # the prolog's comment: not in what is written
    assert rowbytes._before_rows(odd[:re.search(rb"<(\w+:)?sheetData>", odd).end()], b"", part) is None

    def patched(xml: bytes) -> bytes:
        out = io.BytesIO()
        assert rowbytes.patch_sheet_bytes(xml, out, SheetEdits(), Styles(None), None, part) is not None
        return out.getvalue()
    assert patched(odd) == patched(data)


def test_what_the_bytes_path_refuses_is_looked_for_where_a_bang_or_a_question_mark_is():
    """``_refused``: a comment, CDATA or processing instruction before ``end``; "!" and "?" in text are
    not one (the search for the tokens runs only where they occur)."""
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>注意！!? 是否?</t></is></c></row>'.encode()
    assert not rowbytes._refused(row, len(row))
    for token in (b"<!-- x -->", b"<![CDATA[x]]>", b"<?pi x?>"):
        assert rowbytes._refused(row + token, len(row) + len(token))
        assert not rowbytes._refused(row + token, len(row))          # past the end looked at


@pytest.mark.parametrize("token", [b"<!-- a comment -->", b"<![CDATA[x]]>", b"<?pi x?>"])
def test_a_comment_found_across_the_pieces(seed_workbook, token, monkeypatch):
    monkeypatch.setattr(rowbytes, "CHUNK", 5)
    pkg = Package(seed_workbook)
    data = pkg.read(part := WorkbookView(pkg, max_rows=10, blank_run=10).book.sheet("项目").part)
    pkg.close()
    at = data.rfind(b"</row>")
    assert rowbytes.patch_sheet_bytes(data[:at] + token + data[at:], io.BytesIO(), SheetEdits(), Styles(None), None,
                                      part) is None


HELPER_BLOCK = [["=", 100, "%", "≥", 2.5, None] if r % 2 else ["=", 100, "%", "=", 100, "%"] for r in range(20)]


def _seed_and_refreshed(seed_workbook, tmp_path) -> tuple[Path, Path]:
    from xl_tools.app import refresh_path as refresh_file
    refreshed = tmp_path / "refreshed.xlsx"
    refresh_file(seed_workbook, refreshed, now="2024-01-01 00:00")
    return seed_workbook, refreshed


def _both_paths(src: Path, edit, tmp_path, monkeypatch) -> tuple[list[bytes], dict[bool, Path], dict[bool, dict]]:
    """`edit` (a function of the patch) applied to 绩效指标 of `src` on the bytes and by the streaming lxml
    pass: (the rows the bytes path parsed, each path's saved file, each path's looks of 绩效指标)."""
    parsed, outs, looks = [], {}, {}
    real = rowbytes._Rows._parse

    def counting(self, xml):
        parsed.append(xml[:40])
        return real(self, xml)
    for bytes_path in (True, False):
        if bytes_path:
            monkeypatch.setattr(rowbytes._Rows, "_parse", counting)
        else:
            monkeypatch.setattr("xl_tools.ooxml.patch.patch_sheet_bytes", lambda *a, **k: None)
        pkg = Package(src)
        patch = WorkbookPatch(WorkbookView(pkg, max_rows=50_000, blank_run=1_000), note_author="xl-tools")
        edit(patch)
        looks[bytes_path] = patch.patch_sheets()["绩效指标"].looks
        outs[bytes_path] = tmp_path / f"{src.stem}-{bytes_path}.xlsx"
        patch.save(outs[bytes_path])
        pkg.close()
        monkeypatch.undo()
    return parsed, outs, looks


def test_helper_values_go_into_their_run_of_cells_unparsed_before_and_after_a_refresh(seed_workbook, tmp_path,
                                                                                       monkeypatch):
    """The helper columns of the standard template (blank cells, and inline strings once refreshed)
    take their values on the bytes of the run, no cell parsed, and the result is the lxml pass's."""
    for src in _seed_and_refreshed(seed_workbook, tmp_path):
        parsed, outs, _looks = _both_paths(src, lambda patch: patch.set_values("绩效指标", 2, 8, HELPER_BLOCK),
                                           tmp_path, monkeypatch)
        assert parsed == []
        assert _cells(outs[True], "绩效指标") == _cells(outs[False], "绩效指标")
        ws = openpyxl.load_workbook(outs[True])["绩效指标"]
        assert [ws.cell(3, c).value for c in range(8, 14)] == ["=", 100, "%", "≥", 2.5, None]


def test_coloured_rows_with_helper_values_are_spliced_as_lxml_writes_them(seed_workbook, tmp_path, monkeypatch):
    """Rows that get a highlight and the helper columns (a first refresh and the next: a highlight over
    the tool's own): the cells' s= spliced and the values put into their run, no row parsed; the
    cells, values, formats and looks are the streaming lxml pass's. A highlight on a cell the row does
    not have still goes through lxml."""
    def edit(patch):
        patch.set_values("绩效指标", 2, 8, HELPER_BLOCK)
        for r, c in ((3, 5), (3, 6), (4, 2), (9, 7)):
            patch.colour("绩效指标", r, c, RED, RED_FONT, frozenset({RED}), ("FFFFFF", None, False, None))
        patch.colour("绩效指标", 6, 30, RED, RED_FONT)                 # no such cell: created by lxml
    for src in _seed_and_refreshed(seed_workbook, tmp_path):
        parsed, outs, looks = _both_paths(src, edit, tmp_path, monkeypatch)
        assert len(parsed) == 1 and b'r="6"' in parsed[0]
        assert _cells(outs[True], "绩效指标") == _cells(outs[False], "绩效指标")
        assert looks[True] == looks[False] and len(looks[True]) == 5
        with zipfile.ZipFile(outs[True]) as a, zipfile.ZipFile(outs[False]) as b:
            assert a.read("xl/styles.xml") == b.read("xl/styles.xml")
        ws = openpyxl.load_workbook(outs[True])["绩效指标"]
        assert ws["E3"].fill.fgColor.rgb == ws["AD6"].fill.fgColor.rgb == "FF" + RED
        assert [ws.cell(3, c).value for c in range(8, 14)] == ["=", 100, "%", "≥", 2.5, None]


@pytest.mark.parametrize("blocks", [1, 3, 12])
def test_blocks_of_values_are_found_by_row_without_a_row_index(blocks):
    """Blocks of values (the helper columns: one block of 30,000 rows) are found by looking through them
    while they are few, indexed by row when many (an index of every row held 4 MB at 5k): the same
    values either way, later blocks and single cells winning."""
    from xl_tools.ooxml.sheetxml import KEEP, SheetEdits
    edits = SheetEdits()
    for k in range(blocks):
        edits.add_values(2 + 3 * k, 4 + k, [[f"v{k}{r}", r, None] for r in range(10)])
    edits.cell(5, 5).value = "单"
    edits.cell(40, 1).colour = (RED, RED_FONT)
    expected: dict[int, dict[int, object]] = {}
    for k in range(blocks):
        for r in range(10):
            expected.setdefault(2 + 3 * k + r, {}).update({4 + k + c: v for c, v in enumerate([f"v{k}{r}", r, None])})
    expected[5][5] = "单"
    assert edits.rows() == sorted({*expected, 40})
    for r in edits.rows():
        assert {c: e.value for c, e in edits.row(r).items() if e.value is not KEEP} == expected.get(r, {})
        assert edits.row_values(r) == (None if r in (5, 40) else expected[r])
    assert (edits._index is None) == (blocks <= SheetEdits.FEW_BLOCKS)


def test_rows_written_alike_are_spliced_once_per_spelling_as_each_alone():
    """Rows the plan writes alike (one list of values, as the helper columns are planned) have their run
    of cells worked out once per spelling (``_Rows._alike``), the row number put back: the bytes are
    those of each row worked out alone — also where a row's number appears in the run other than in the
    cells' references (a text, a format index), where the run is not the row's end, and where a cell of
    the run is not the row's."""
    from xl_tools.ooxml.sheetxml import SheetEdits
    from xl_tools.ooxml.styles import Styles
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def run(r: int, kind: int) -> str:
        blank = "".join(f'<c r="{col}{r}" s="{7 if kind == 1 else 3}"/>' for col in "DEF")
        if kind == 2:                                           # already holds the values
            return (f'<c r="D{r}" s="3" t="inlineStr"><is><t>=</t></is></c><c r="E{r}" s="3" t="inlineStr">'
                    f'<is><t>100</t></is></c><c r="F{r}" s="3"/>')
        if kind == 3:                                           # the row's number in a text of the run
            return (f'<c r="D{r}" s="3" t="inlineStr"><is><t>{r}"</t></is></c><c r="E{r}" s="3"/>'
                    f'<c r="F{r}" s="3"/>')
        if kind == 4:                                           # a cell that is not the row's
            return f'<c r="D{r}" s="3"/><c r="E{r + 1}" s="3"/><c r="F{r}" s="3"/>'
        if kind == 5:                                           # more after the run
            return blank + f'<c r="G{r}"><v>1</v></c>'
        return blank
    kinds = [0, 0, 1, 2, 0, 3, 1, 4, 5, 2, 0, 3, 0, 1, 7]
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>项目{r}</t></is></c>{run(r, k)}</row>'
                   for r, k in enumerate(kinds, start=2))
    data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}">'
            f'<dimension ref="A1:G16"/><sheetData>{rows}</sheetData></worksheet>').encode()
    alike = ["=", "100", ""]
    out = {}
    for cached in (True, False):
        edits = SheetEdits()
        edits.add_values(2, 4, [alike for _ in kinds])
        real, into_run = rowbytes._Rows._alike, rowbytes._Rows._into_run
        calls = []

        def alone(self, m, row_end, r, line):
            return self._into_run(m, row_end, r, dict(enumerate(line[1], start=line[0])))

        def counted(self, m, row_end, r, values):
            calls.append(r)
            return into_run(self, m, row_end, r, values)
        rowbytes._Rows._into_run = counted
        if not cached:
            rowbytes._Rows._alike = alone
        try:
            dst = io.BytesIO()
            result = rowbytes.patch_sheet_bytes(data, dst, edits, Styles(None), None, "xl/worksheets/sheet1.xml")
        finally:
            rowbytes._Rows._alike, rowbytes._Rows._into_run = real, into_run
        out[cached] = (dst.getvalue(), result.changed)
        if cached:                                   # the others spelled as a row before them
            assert sorted(calls) == [2, 3, 4, 5, 7, 9, 10, 13]     # row 3: its number in s="3"
    assert out[True] == out[False]
    kept = rowbytes.RUNS_KEPT
    rowbytes.RUNS_KEPT = 1                          # the spellings kept are bounded: the others worked out alone
    try:
        edits = SheetEdits()
        edits.add_values(2, 4, [alike for _ in kinds])
        dst = io.BytesIO()
        result = rowbytes.patch_sheet_bytes(data, dst, edits, Styles(None), None, "xl/worksheets/sheet1.xml")
        assert (dst.getvalue(), result.changed) == out[True]
    finally:
        rowbytes.RUNS_KEPT = kept
    written = out[True][0]
    for r, kind in enumerate(kinds, start=2):
        assert (f'<c r="D{r}" s="3" t="inlineStr"><is><t>=</t></is></c>'.encode() in written) == (kind != 1)
    assert b'<c r="E9" s="3" t="inlineStr"><is><t>100</t></is></c>' in written   # its own E9 was not there


@pytest.mark.parametrize("row", ['<row r="3" spans="1:2">', '<row spans="1:2" r="3">', "<row  r='3'>", '<row r="3"  >'])
def test_a_row_s_number_is_read_wherever_its_reference_stands(row):
    """The number of a row read off its start tag as the reference first (as Excel writes it) or
    anywhere else in it: the value spliced into that row, the rows around it copied as they are."""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main"><sheetData><row r="2"><c r="A2"><v>1</v></c></row>'
           f'{row}<c r="A3"><v>2</v></c></row><row r="4"><c r="A4"><v>3</v></c></row></sheetData></worksheet>').encode()
    edits = SheetEdits()
    edits.add_values(3, 2, [["x"]])
    out = io.BytesIO()
    assert rowbytes.patch_sheet_bytes(xml, out, edits, Styles(None), None, "p") is not None
    written = out.getvalue()
    assert written.count(b'<c r="B3" t="inlineStr"><is><t>x</t></is></c></row>') == 1
    assert b'<row r="2"><c r="A2"><v>1</v></c></row>' in written and b'<row r="4"><c r="A4"><v>3</v></c></row>' in written
