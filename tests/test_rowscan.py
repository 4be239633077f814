"""The byte-level read of a worksheet (``ooxml.rowscan``, issue 27): rows of plain cells are matched on
their bytes, a row holding anything else is parsed alone, and a sheet the scan does not know to read
exactly goes the streaming lxml way. Either way the view reads the same values, style ids, cached
formula values, merged ranges, hidden rows and watched cells — and the same errors — as that way does.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xl_tools.errors import XlToolsError
from xl_tools.ooxml import rowscan
from xl_tools.ooxml.package import Package
from xl_tools.ooxml.view import WorkbookView

from .support.writers import other_writer

CORPUS = Path(__file__).parent / "corpus" / "excel_made"
BOOKS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm"))
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WATCH = frozenset(range(1, 40))
REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14AC = b"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _read(path: Path, monkeypatch, *, fast: bool, max_rows: int = 50_000, blank_run: int = 1_000) -> dict:
    """Every sheet of `path` as the view reads it: by the byte scan (where it reads the sheet) or by the
    streaming lxml pass alone; an error as its class and message."""
    scanned: list[str] = []
    real = rowscan.scan

    def scan(data, part, *args):
        got = real(data, part, *args) if fast else None
        if got is not None:
            scanned.append(part)
        return got
    monkeypatch.setattr(rowscan, "scan", scan)
    pkg = Package(path)
    out: dict = {}
    try:
        view = WorkbookView(pkg, max_rows=max_rows, blank_run=blank_run)
        view.watch(WATCH)
        for name in view.sheetnames:
            try:
                ws = view[name]
                out[name] = (ws._rows, ws._styles_by_row, ws._cached, ws.merged, sorted(ws.hidden_rows),
                             dict(ws.watched))
            except (XlToolsError, ValueError, IndexError, TypeError) as exc:    # the lxml pass's own errors too
                out[name] = (type(exc).__name__, str(exc))
    finally:
        pkg.close()
        monkeypatch.setattr(rowscan, "scan", real)
    out["(scanned)"] = scanned
    return out


def _same(path: Path, monkeypatch, **kw) -> list[str]:
    """The parts the scan read; asserts both ways read the same."""
    fast, slow = _read(path, monkeypatch, fast=True, **kw), _read(path, monkeypatch, fast=False, **kw)
    scanned = fast.pop("(scanned)")
    slow.pop("(scanned)")
    assert fast == slow
    return scanned


@pytest.mark.parametrize("name", BOOKS)
def test_excels_files_read_the_same(name, tmp_path, monkeypatch):
    src = tmp_path / name
    shutil.copy(CORPUS / name, src)
    _same(src, monkeypatch)


@pytest.mark.parametrize("writer", ["sdk", "openpyxl", "xlsxwriter", "libreoffice"])
def test_other_writers_read_the_same(seed_workbook, tmp_path, writer, monkeypatch):
    _same(other_writer(writer, seed_workbook, tmp_path / f"{writer}.xlsx"), monkeypatch)


def test_the_standard_workbook_and_its_refresh_are_scanned(seed_workbook, tmp_path, monkeypatch):
    from xl_tools.app import refresh_path as refresh_file
    scanned = _same(seed_workbook, monkeypatch)
    assert {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"} <= set(scanned)      # 项目, 绩效指标
    refreshed = tmp_path / "refreshed.xlsx"
    refresh_file(seed_workbook, refreshed, now="2024-01-01 00:00")
    scanned = _same(refreshed, monkeypatch)
    assert {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"} <= set(scanned)


def _with_shared_strings(src: Path, dst: Path, texts: list[str]) -> Path:
    """`src` with a shared string table of `texts` (the standard workbook stores its texts inline)."""
    from xl_tools.ooxml.book import Book
    from xl_tools.ooxml.xml import RT_SHARED_STRINGS
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{len(texts)}" '
           f'uniqueCount="{len(texts)}">{items}</sst>').encode()
    with Package(src) as pkg:
        pkg.set_bytes("xl/sharedStrings.xml", sst,
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        pkg.add_rel(Book(pkg).part, RT_SHARED_STRINGS, "xl/sharedStrings.xml")
        pkg.save(dst)
    return dst


def _with_sheet(seed_workbook: Path, dst: Path, rows: bytes, *, head: bytes | None = None,
                tail: bytes = b"") -> Path:
    """The seed workbook with the rows of 项目 (sheet3.xml) replaced by `rows` (the prefix Excel gives
    row attributes, x14ac, declared), its beginning by `head`, `tail` after the rows."""
    with zipfile.ZipFile(seed_workbook) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                start = data.index(b"<sheetData>") + len(b"<sheetData>")
                end = data.index(b"</sheetData>")
                head = data[:start].replace(b"<worksheet ", b'<worksheet xmlns:x14ac="%s" ' % X14AC, 1) \
                    if head is None else head
                data = head + rows + data[end:end + 12] + tail + data[end + 12:]
            zout.writestr(info, data)
    return dst


MIXED = (
    b'<row r="1" spans="1:9" x14ac:dyDescent="0.25" hidden="1">'
    b'<c r="A1" s="2" t="s"><v>0</v></c><c r="B1" s="3"><v>12.50</v></c><c r="C1"><v>7</v></c>'
    b'<c r="D1" s="4" t="inlineStr"><is><t xml:space="preserve"> R&amp;D &lt;1&gt; _x000D_ </t></is></c>'
    b'<c r="E1" t="inlineStr"><is><t/></is></c><c r="F1" s="5"/><c r="G1" s="6"></c><c r="H1"><v></v></c>'
    b'<c r="I1" t="inlineStr"><is><t>&quot;&apos;</t></is></c></row>\n'
    b'<row r="2"><c r="A2"><f>B2*2</f><v>4</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" t="e"><v>#N/A</v></c>'
    b'<c r="D2" t="str"><v>text</v></c></row>'
    b'<row r="3"><c r="A3" t="inlineStr"><is><r><t>rich</t></r><r><rPr><b/></rPr><t> text</t></r></is></c>'
    b'<c r="B3" t="inlineStr"><is><t>&#13;&#x4E2D;</t></is></c></row>'
    b'<row r="4"><c r="B4"><v>1</v></c><c r="A4"><v>2</v></c><c><v>3</v></c><c r="E9"><v>4</v></c></row>'
    b'<row r="5" spans="1:3"><c r="A5" s="1" t="s"><v>1</v></c> <c r="B5" s="1"><v>1E3</v></c></row>'
    b'<row r="6"/><row><c r="A7" t="inlineStr"><is><t>no r on the row</t></is></c></row>'
    b'<row r="9" customFormat="1" s="3"><c r="A9" s="2"><v>-0.5</v></c><c r="ZZ9" t="inlineStr"><is><t>far</t></is></c></row>'
)


def test_rows_of_every_kind_read_the_same(seed_workbook, tmp_path, monkeypatch):
    shared = _with_shared_strings(seed_workbook, tmp_path / "shared.xlsx", ["甲", "乙"])     # for t="s"
    path = _with_sheet(shared, tmp_path / "mixed.xlsx", MIXED,
                       tail=b'<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells>')
    assert "xl/worksheets/sheet3.xml" in _same(path, monkeypatch)
    rows = _read(path, monkeypatch, fast=True)["项目"][0]
    assert rows[0][1:5] == (12.5, 7, " R&D <1> \r ", "") and rows[3][0] == 2 and rows[8][-1] == "far"


BLANKS = (   # runs of blank cells (the helper columns of 绩效指标), read at once unless a format is watched
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" s="41"/><c r="C1" s="42"/>'
    b'<c r="D1"/><c r="E1" s="41"/><c r="F1"><v>5</v></c><c r="G1" s="3"/><c r="H1" s="040"/></row>'
    b'<row r="2"><c r="A2" s="41"/><c r="B2" s="7"/><c r="C2"><v>1</v></c><c r="D2" s="41"/><c><v>2</v></c></row>'
    b'<row r="3"><c r="A3"><v>1</v></c><c r="B4" s="41"/><c r="C3"><v>3</v></c></row>'
    b'<row r="4"><c r="A4"><v>1</v></c><c r="B5" s="5"/><c r="C4"><v>3</v></c></row>'
    b'<row r="5"><c r="A5" s="41"></c><c r="B5" s="41"/><c r="C5"></c><c r="D5" s="41" t="n"/><c r="E5"><v>1</v></c></row>'
    b'<row r="6"><c r="A6" t="inlineStr"><is><t></t></is></c><c r="B6" t="inlineStr"><is><t xml:space="preserve"></t></is></c>'
    b'<c r="C6" t="inlineStr"><is><t/></is></c><c r="D6" s="2"><v></v></c><c r="E6"><v>9</v></c></row>'
    b'<row r="7"><c r="A7"><v>1</v></c><c r="WZZ7" s="3"/><c r="XFD7" s="3"/></row>'
    b'<row r="8"><c r="XFD8" s="9"/><c r="A8"><v>1</v></c></row>'
)


@pytest.mark.parametrize("watch", [frozenset(), frozenset({3, 40}), frozenset(range(1, 40))])
def test_runs_of_blank_cells_read_the_same(seed_workbook, tmp_path, monkeypatch, watch):
    """A run of blank cells is passed over at once where it holds no watched format; where it does, and
    where the cell after it has no reference (or one of another row), the row reads as cell by cell."""
    monkeypatch.setattr(sys.modules[__name__], "WATCH", watch)
    path = _with_sheet(seed_workbook, tmp_path / "blanks.xlsx", BLANKS)
    assert "xl/worksheets/sheet3.xml" in _same(path, monkeypatch)
    fast = _read(path, monkeypatch, fast=True)["项目"]
    rows, watched = fast[0], fast[5]
    assert rows[0] == ("a", None, None, None, None, 5) and rows[1][2:] == (1, None, 2)
    assert rows[5] == ("", "", "", None, 9)
    assert ((1, 7) in watched) == (3 in watch) and ((1, 8) in watched) == (40 in watch)


def test_a_run_of_blank_cells_is_one_match_and_looked_into_only_for_a_watched_format():
    row = b'<c r="A1" t="inlineStr"><is><t>a</t></is></c>' + b''.join(b'<c r="%s1" s="12"/>' % c.encode() for c in "BCDEFG") \
        + b'<c r="H1"><v>5</v></c>'
    cells = rowscan._CELLS.findall(row)
    assert len(cells) == 3 and cells[1][0] == b"B" and cells[1][4].count(b"<c ") == 5   # the six blanks: one match
    watched: dict = {}
    got = rowscan._plain_row(cells, 1, "1", [], set(), frozenset(), watched, {}, None)
    assert got == (("a", None, None, None, None, None, None, 5), (0, 0, 0, 0, 0, 0, 0, 0)) and watched == {}
    watch = frozenset({12})
    got = rowscan._plain_row(cells, 1, "1", [], set(), watch, watched, {}, rowscan._watched_style(watch))
    assert got[0][-1] == 5 and watched == {(1, c): 12 for c in range(2, 8)}


@pytest.mark.parametrize("rows, kw", [
    (b'<row r="1"><c r="A1"><v>1</v></c></row><!-- a comment --><row r="2"><c r="A2"><v>2</v></c></row>', {}),
    (b'<row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>', {}),   # out of order
    (b'<row r="1"><c r="A1"><v>1</v></c></row>text between rows<row r="2"/>', {}),
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb</t></is></c></row>', {}),
    (b'<row r="1" r="1"><c r="A1"><v>1</v></c></row>', {}),                           # not well-formed
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t>\x01</t></is></c></row>', {}),         # refused character
    (b'<row r="1"><c r="A1"><v>1</v></row>', {}),                                       # unclosed cell
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row>', {}),       # unknown entity
    (b'<row r="x"><c r="A1"><v>1</v></c></row>', {}),
    (b'<row r="1"><c r="A1"><v>abc</v></c></row>', {}),
    (b'<row r="1"><c r="A1" t="s"><v>99999</v></c></row>', {}),
    (b''.join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 30)), {"max_rows": 20}),
    (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="5000"><c r="A5000"><v>2</v></c></row>', {"blank_run": 100}),
], ids=["comment", "out-of-order", "text", "carriage-return", "duplicate-attribute", "control", "unclosed",
        "entity", "row-number", "number", "shared-index", "row-limit", "blank-run"])
def test_what_the_scan_does_not_read_exactly_reads_as_before(seed_workbook, tmp_path, monkeypatch, rows, kw):
    path = _with_sheet(seed_workbook, tmp_path / "odd.xlsx", rows,
                       tail=b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')
    _same(path, monkeypatch, **kw)


def test_another_encoding_or_a_doctype_goes_the_streaming_way(seed_workbook, tmp_path, monkeypatch):
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>caf\xe9</t></is></c></row>'
    head = (b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="%s"><sheetData>' % REL)
    latin = _with_sheet(seed_workbook, tmp_path / "latin.xlsx", rows, head=head)
    assert "xl/worksheets/sheet3.xml" not in _same(latin, monkeypatch)
    assert _read(latin, monkeypatch, fast=True)["项目"][0][0] == ("café",)
    head = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "x">]><worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="%s"><sheetData>' % REL)
    dtd = _with_sheet(seed_workbook, tmp_path / "dtd.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row>', head=head)
    assert _read(dtd, monkeypatch, fast=True)["项目"][0] == "ForbiddenPart"
    _same(dtd, monkeypatch)


def test_a_part_larger_than_the_scan_takes_is_streamed(seed_workbook, monkeypatch):
    """The scan holds a part's bytes while it reads them; past ``MAX_BYTES`` the sheet is streamed
    (a sheet formatted down to row 1,048,576 is then read no further than its data)."""
    monkeypatch.setattr(rowscan, "MAX_BYTES", 2048)
    scanned = _same(seed_workbook, monkeypatch)
    assert "xl/worksheets/sheet4.xml" not in scanned and "xl/worksheets/sheet6.xml" in scanned   # _xltools


def test_a_text_on_many_rows_is_one_object(seed_workbook):
    """The standard workbook stores its texts inline: the project's name on each of its indicators' rows,
    the same labels on every row. The scan keeps one object per text (issue 27: as many objects as cells
    held 15–20 MB at 5,000 projects; a shared strings table is one object per text already); the values
    are the same either way (the tests above)."""
    pkg = Package(seed_workbook)
    try:
        ws = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)["绩效指标"]
        texts = [v for row in ws._rows for v in row if isinstance(v, str)]
    finally:
        pkg.close()
    by_text: dict[str, set[int]] = {}
    for v in texts:
        by_text.setdefault(v, set()).add(id(v))
    repeated = {t: ids for t, ids in by_text.items() if sum(1 for v in texts if v == t) > 1}
    assert len(repeated) > 10
    assert all(len(ids) == 1 for ids in repeated.values()), [t for t, ids in repeated.items() if len(ids) > 1][:5]



def test_rows_formatted_alike_share_their_style_ids(seed_workbook):
    """The style ids of a row are kept as a tuple per row; rows formatted alike (every indicator row of
    a filing) share one (30,000 tuples held 4–5 MB at 5,000 projects); the ids are the same either way."""
    pkg = Package(seed_workbook)
    try:
        ws = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)["绩效指标"]
        looks = [ids for ids in ws._styles_by_row if ids]
    finally:
        pkg.close()
    assert len(looks) > 20
    assert len({id(ids) for ids in looks}) == len(set(looks)) < len(looks) / 4


def _strings(path: Path, monkeypatch, *, fast: bool):
    pkg = Package(path)
    try:
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(rowscan, "shared_strings", lambda data, part: None)
            return WorkbookView(pkg, max_rows=10, blank_run=10).shared_strings()
    finally:
        pkg.close()


@pytest.mark.parametrize("name", BOOKS)
def test_shared_strings_read_on_their_bytes_are_the_streaming_pass_s(name, monkeypatch):
    assert _strings(CORPUS / name, monkeypatch, fast=True) == _strings(CORPUS / name, monkeypatch, fast=False)


SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="' + MAIN + '" count="9" uniqueCount="9">'
       '<si><t>项目</t></si><si><t xml:space="preserve"> 前后 </t></si><si><t/></si><si><t></t></si>'
       '<si><t>a&amp;b &lt;c&gt; d&gt;e</t></si><si><t>_x000D_回车_x005F_x0041_</t></si>\n  <si><t>≥95%</t></si></sst>')


@pytest.mark.parametrize("change, fast", [
    ("", True),
    ("<si><t>≥95%</t></si>", True),
    ('<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></si>', False),          # rich text
    ('<si><t>ア</t><rPh sb="0" eb="1"><t>ア</t></rPh><phoneticPr fontId="1"/></si>', False),   # phonetic
    ("<si><t>&#13;x&#x4E2D;</t></si>", False),                                     # references
    ("<si><t>a\rb</t></si>", False),                                               # a carriage return
    ("<!-- c --><si><t>x</t></si>", False),                                        # a comment
])
def test_shared_strings_the_bytes_read_or_leave_to_the_parser(tmp_path, monkeypatch, change, fast):
    """Plain items are read on their bytes; anything else (rich text, phonetic guides, references, a
    carriage return, a comment) goes to the streaming pass — the same texts either way."""
    seed = Path(__file__).parent / "corpus" / "excel_made" / "format01.xlsx"
    path = tmp_path / "sst.xlsx"
    with zipfile.ZipFile(seed) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/sharedStrings.xml":
                data = SST.replace("<si><t>≥95%</t></si>", change or "<si><t>≥95%</t></si>").encode()
            zout.writestr(item, data)
    said = []
    real = rowscan.shared_strings
    monkeypatch.setattr(rowscan, "shared_strings", lambda data, part: said.append(real(data, part)) or said[-1])
    got = _strings(path, monkeypatch, fast=True)
    assert (said[0] is not None) == fast
    assert got == _strings(path, monkeypatch, fast=False)
    assert got[:6] == ["项目", " 前后 ", "", "", "a&b <c> d>e", "\r回车_x0041_"]


def _model(obj):
    """Every field of every record of a Filing (origins, raw cells and read problems included), as plain data."""
    if obj is None or isinstance(obj, (str, int, float, Decimal, date)):
        return (type(obj).__name__, obj)
    if isinstance(obj, (list, tuple)):
        return [_model(x) for x in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(repr(_model(x)) for x in obj)
    if isinstance(obj, dict):
        return [(_model(k), _model(v)) for k, v in obj.items()]
    return (type(obj).__name__, {k: _model(v) for k, v in vars(obj).items() if not k.startswith("_")})


@pytest.mark.parametrize("spelling", ["inline", "shared", "libreoffice", "refreshed"])
def test_the_model_read_by_the_scan_is_the_streaming_pass_s(spelling, tmp_path, monkeypatch):
    """The whole model of a filing — in the tool's inline strings, in shared strings as Excel and WPS save
    it, as LibreOffice saves it, and refreshed (helper columns, highlights) — is the same read by the
    byte scan as by the streaming lxml pass alone."""
    from benchmarks.generate import scaled_filing, shared_strings, write_workbook
    from xl_tools.app import refresh_path
    from xl_tools.workbook import read_filing

    path = write_workbook(scaled_filing(6, distinct=True), tmp_path / "inline.xlsx")
    if spelling == "shared":
        shared_strings(path)
    elif spelling == "libreoffice":
        path = other_writer("libreoffice", path, tmp_path / "libreoffice.xlsx")
    elif spelling == "refreshed":
        refresh_path(path, tmp_path / "refreshed.xlsx", now="2024-01-01 00:00")
        path = tmp_path / "refreshed.xlsx"
    scanned: list[str] = []
    real = rowscan.scan

    def scan(data, part, *args):
        got = real(data, part, *args)
        scanned.append(part) if got is not None else None
        return got
    monkeypatch.setattr(rowscan, "scan", scan)
    fast = _model(read_filing(path, strict=False))
    assert {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"} <= set(scanned)
    monkeypatch.setattr(rowscan, "scan", lambda *args: None)
    monkeypatch.setattr(rowscan, "shared_strings", lambda *args: None)
    slow = _model(read_filing(path, strict=False))
    assert fast == slow and len(fast[1]["projects"]) > 1
