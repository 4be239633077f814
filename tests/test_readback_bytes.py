"""The read-back's first look on a saved sheet's bytes (``refresh.readback_bytes``, issue 27): it accepts a
sheet only when every written cell is there as planned, in the common spelling, and leaves every other
sheet to the full read (python-calamine and the namespace of every cell), which names what is wrong. At
5,000 projects it is what keeps calamine's block of the whole 绩效指标 (+32 MB at the peak) out of a
refresh."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from decimal import Decimal

import pytest

from xl_tools.refresh import readback
from xl_tools.refresh.ops import SetValues
from xl_tools.refresh.readback import ReadBackError, _Planned, verify
from xl_tools.refresh.readback_bytes import NOT_SURE, verified

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PART = "xl/worksheets/sheet1.xml"
ROOT = f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'


PACKAGE = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                           'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                           '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                           'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
                           'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                           'worksheet+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                       '2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                  'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                                  "</Relationships>",
}


def _book(tmp_path, rows: str, root: str = ROOT, tail: str = "", name: str = "a.xlsx"):
    """A package of one sheet ``s`` (calamine and openpyxl read it) holding ``rows``."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}<dimension ref="A1"/>'
             f"<sheetData>{rows}</sheetData>{tail}</worksheet>")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, text in PACKAGE.items():
            zf.writestr(part, text)
        zf.writestr(PART, sheet.encode("utf-8"))
    return path


def _look(path, ops: list[SetValues], passed=frozenset()):
    plan = _Planned(ops)
    columns = {c for op in ops for c in range(op.col, op.col + max(map(len, op.values)))}
    with zipfile.ZipFile(path) as zf:
        return verified(zf, PART, plan.rows, plan.row, columns, passed, plan.line)


HELPERS = [SetValues("s", 2, 2, [["≥", 90, "%"], ["=", Decimal("12.50"), None], ["<", "a&b <c>", ""]])]
GOOD = ('<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>'
        '<row r="2" spans="1:4" x14ac:dyDescent="0.25"><c r="A2" s="1"><v>0</v></c>'
        '<c r="B2" s="2" t="inlineStr"><is><t>≥</t></is></c><c r="C2" s="2"><v>90</v></c>'
        '<c r="D2" s="2" t="inlineStr"><is><t>%</t></is></c></row>'
        '<row r="3"><c r="B3" t="inlineStr"><is><t>=</t></is></c><c r="C3"><v>12.5</v></c><c r="D3" s="2"/></row>'
        '<row r="4"><c r="A4"><v>7</v></c><c r="B4" t="str"><v>&lt;</v></c>'
        '<c r="C4" t="inlineStr"><is><t xml:space="preserve">a&amp;b &lt;c&gt;</t></is></c></row>')


def test_a_sheet_holding_every_written_cell_is_accepted(tmp_path):
    assert _look(_book(tmp_path, GOOD), HELPERS) == 9


@pytest.mark.parametrize("change", [
    ('<c r="C2" s="2"><v>90</v></c>', '<c r="C2" s="2"><v>91</v></c>'),                       # another number
    ('<c r="C2" s="2"><v>90</v></c>', '<c r="C2" s="2" t="inlineStr"><is><t>90</t></is></c>'),  # text, not number
    ('<c r="D2" s="2" t="inlineStr"><is><t>%</t></is></c>', ""),                                # missing
    ('<c r="C2" s="2"><v>90</v></c>', '<c r="C2" s="2"><v>90</v></c><c r="C2"><v>90</v></c>'),  # there twice
    ('<c r="D3" s="2"/>', '<c r="D3" s="2"><v>0</v></c>'),                                      # a blank holds 0
    ('<c r="B2" s="2" t="inlineStr"><is><t>≥</t></is></c>',
     '<c r="B2" s="2" t="s"><v>3</v></c>'),                                                      # a shared string
    ('<c r="C2" s="2"><v>90</v></c>', '<c s="2" r="C2"><v>90</v></c>'),                         # reference not first
    ('<c r="C2" s="2"><v>90</v></c>', '<c s="2"><v>90</v></c>'),                                # no reference
    ('<c r="C2" s="2"><v>90</v></c>', '<x:c r="C2" xmlns:x="urn:other"><x:v>90</x:v></x:c>'),    # another namespace
    ('<c r="C2" s="2"><v>90</v></c>', '<c r="C2" s="2"><v>90</v></c><!-- <c r="C9"/> -->'),     # a comment
    ('<t>≥</t>', "<t><![CDATA[≥]]></t>"),                                                        # CDATA
    ('<t>≥</t>', "<t>&ge;</t>"),                                                                 # an undeclared entity
    ('<t>≥</t>', "<t>&#1114112;</t>"),                                                           # a reference past U+10FFFF
    ('<t>≥</t>', "<r><t>≥</t></r>"),                                                             # rich text
    ('<c r="C3"><v>12.5</v></c>', '<c r="C3"><f>10+2.5</f><v>12.5</v></c>'),                     # a formula
])
def test_any_difference_or_unusual_spelling_is_left_to_the_full_read(tmp_path, change):
    old, new = change
    assert old in GOOD
    assert _look(_book(tmp_path, GOOD.replace(old, new, 1)), HELPERS) is NOT_SURE


@pytest.mark.parametrize("root", [
    f'<x:worksheet xmlns:x="{MAIN}">',                              # the Open XML SDK's prefixed spelling
    '<worksheet xmlns="urn:other">',                                 # cells in another namespace
    f'<worksheet xmlns="{MAIN}"><sheetPr xmlns="urn:other"/>',       # a declaration before the rows
])
def test_a_sheet_not_in_the_common_spelling_is_left_to_the_full_read(tmp_path, root):
    close = "</x:worksheet>" if root.startswith("<x:") else ""
    path = _book(tmp_path, GOOD.replace("<c ", "<x:c ").replace("</c>", "</x:c>") if close else GOOD, root)
    if close:                                                        # the part well formed in its spelling
        data = zipfile.ZipFile(path).read(PART).replace(b"</worksheet>", close.encode())
        data = data.replace(b"<dimension", b"<x:dimension").replace(b"<sheetData>", b"<x:sheetData>")
        data = data.replace(b"</sheetData>", b"</x:sheetData>")
        with zipfile.ZipFile(path, "w") as zf:
            for part, text in PACKAGE.items():
                zf.writestr(part, text)
            zf.writestr(PART, data)
    assert _look(path, HELPERS) is NOT_SURE


def test_what_follows_the_rows_does_not_matter(tmp_path):
    """Excel's extensions after ``</sheetData>`` (prefixed elements, namespace declarations) are not rows."""
    tail = ('<extLst><ext uri="{78C0D931}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/'
            '2009/9/main"><x14:conditionalFormattings/></ext></extLst>')
    assert _look(_book(tmp_path, GOOD, tail=tail), HELPERS) == 9


def test_values_as_every_reader_decodes_them(tmp_path):
    """Excel's escapes, character references, a carriage return, booleans, a date written as its text."""
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>x&#13;y&#x4E2D;</t></is></c><c r="C1" t="b"><v>1</v></c>'
            '<c r="D1" t="inlineStr"><is><t>_x005F_x0001_</t></is></c><c r="E1" t="inlineStr"><is><t>2024-06-30</t>'
            "</is></c><c r=\"F1\"><v>1E2</v></c></row>")
    ops = [SetValues("s", 1, 1, [["a\rb", "x\ry中", True, "_x0001_", dt.date(2024, 6, 30), 100]])]
    assert _look(_book(tmp_path, rows), ops) == 6
    ops = [SetValues("s", 1, 1, [["a\rb", "x\ry中", 1, "_x0001_", dt.date(2024, 6, 30), 100]])]
    assert _look(_book(tmp_path, rows), ops) is NOT_SURE                 # a boolean is not the number 1


def test_rows_out_of_order_are_left_to_the_full_read(tmp_path):
    row2 = GOOD[GOOD.index('<row r="2"'):GOOD.index('<row r="3"')]
    row3 = GOOD[GOOD.index('<row r="3"'):GOOD.index('<row r="4"')]
    assert _look(_book(tmp_path, GOOD.replace(row2 + row3, row3 + row2)), HELPERS) is NOT_SURE


def test_blank_planned_cells_may_be_absent_and_passed_cells_are_not_looked_at(tmp_path):
    rows = '<row r="5"><c r="B5"><v>1</v></c></row>'
    assert _look(_book(tmp_path, rows), [SetValues("s", 5, 2, [[1, None, ""]])]) == 3
    assert _look(_book(tmp_path, rows), [SetValues("s", 6, 2, [[None]])]) == 1       # a row not in the sheet
    assert _look(_book(tmp_path, rows), [SetValues("s", 6, 2, [[2]])]) is NOT_SURE
    assert _look(_book(tmp_path, rows), [SetValues("s", 5, 2, [[2]])], passed={(5, 2)}) == 0


def test_rows_planned_alike_are_each_looked_at(tmp_path):
    """Rows the plan writes alike (one list of values for all of them, as the helper columns are planned)
    get one verdict for each spelling of their cells: a row that shows another value, or a cell twice or
    out of order, is not taken for the row before it that was right."""
    alike = ["≥", 90, "%"]
    ops = [SetValues("s", 2, 2, [alike, alike, alike])]

    def row(r: int, number: str = "90", extra: str = "") -> str:
        return (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" s="2" t="inlineStr"><is><t>≥</t></is></c>'
                f'<c r="C{r}" s="2"><v>{number}</v></c>{extra}<c r="D{r}" s="2" t="inlineStr"><is><t>%</t></is></c>'
                "</row>")
    assert _look(_book(tmp_path, row(2) + row(3) + row(4)), ops) == 9
    assert _look(_book(tmp_path, row(2) + row(3, "91") + row(4)), ops) is NOT_SURE
    from xl_tools.refresh import readback_bytes
    kept, readback_bytes.VERDICTS_KEPT = readback_bytes.VERDICTS_KEPT, 0     # none kept: each row judged alone
    try:
        assert _look(_book(tmp_path, row(2) + row(3) + row(4)), ops) == 9
        assert _look(_book(tmp_path, row(2) + row(3) + row(4, "9")), ops) is NOT_SURE
    finally:
        readback_bytes.VERDICTS_KEPT = kept
    assert _look(_book(tmp_path, row(2) + row(3) + row(4, "9")), ops) is NOT_SURE
    assert _look(_book(tmp_path, row(2) + row(3, extra='<c r="C3"><v>90</v></c>') + row(4)), ops) is NOT_SURE
    assert _look(_book(tmp_path, row(2) + row(3).replace('<c r="D3"', '<c r="D2"') + row(4)), ops) is NOT_SURE


def test_a_run_of_cells_is_judged_once_only_where_its_row_number_is_its_references_alone(tmp_path):
    """The verdict on a row planned as others is kept for the spelling of its run of cells less the row
    number: a cell of the run that names another row ending in the same digits, or a text holding the
    row number, is never taken for the right one."""
    quote = ['2"', 90]
    ops = [SetValues("s", 2, 2, [quote, quote, quote])]

    def row(r: int, text: str = '2"', ref: str | None = None) -> str:
        return (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" s="2" t="inlineStr"><is><t>{text}</t></is></c>'
                f'<c r="{ref or f"C{r}"}" s="2"><v>90</v></c></row>')
    assert _look(_book(tmp_path, row(2) + row(3) + row(4)), ops) == 6
    assert _look(_book(tmp_path, row(2) + row(3, '3"') + row(4)), ops) is NOT_SURE
    assert _look(_book(tmp_path, row(2) + row(3, ref="C13") + row(4)), ops) is NOT_SURE
    assert _look(_book(tmp_path, row(2) + row(3) + row(4, ref="C14")), ops) is NOT_SURE
    other = [["x", 1]]                       # rows planned alike, each its own list of values: no verdict kept
    assert _look(_book(tmp_path, row(12, "x", "C2")), [SetValues("s", 12, 2, other)]) is NOT_SURE


def test_rows_in_many_chunks(tmp_path, monkeypatch):
    """Pieces of a few bytes, each cut after a row: the same answers as the whole part at once."""
    from xl_tools.refresh import readback_bytes
    monkeypatch.setattr(readback_bytes, "CHUNK", 7)
    assert _look(_book(tmp_path, GOOD), HELPERS) == 9
    assert _look(_book(tmp_path, GOOD.replace("<v>90</v>", "<v>9</v>")), HELPERS) is NOT_SURE
    assert _look(_book(tmp_path, GOOD.replace("</row>", "</row><!---->", 1)), HELPERS) is NOT_SURE


def test_verify_takes_the_full_read_only_when_not_sure(tmp_path, monkeypatch):
    """A sheet in the common spelling holding what was written is not read by calamine (nor openpyxl);
    one that differs still fails the save with the full read's words."""
    source = _book(tmp_path, GOOD, name="source.xlsx")
    good = shutil.copyfile(source, tmp_path / "good.xlsx")

    def refused(self):
        raise AssertionError("the full read was taken")
    monkeypatch.setattr(readback._Reader, "__enter__", refused)
    assert verify(good, source, {"s": PART}, {"s": HELPERS}) == 9
    monkeypatch.undo()
    bad = _book(tmp_path, GOOD.replace("<v>90</v>", "<v>91</v>"), name="bad.xlsx")
    with pytest.raises(ReadBackError, match=r"s!C2 reads 91\b.*the plan wrote 90"):
        verify(bad, source, {"s": PART}, {"s": HELPERS})


CASES = ["seed_book", "percent_cell", "text_numbers", "date_cell", "formula_totals", "padded_names",
         "blank_rows_merged_hidden_filtered", "lone_surrogate", "live_links"]


@pytest.mark.parametrize("case", CASES + ["openpyxl", "libreoffice"])
def test_the_full_read_agrees_on_refreshed_workbooks(tmp_path, monkeypatch, case):
    """On what a refresh wrote (the sample filing, typed filings with percentages, dates, text amounts,
    formulas, padded names, a lone surrogate, live links; the seed saved by openpyxl and by
    LibreOffice): the first look accepts every data sheet written, and the full read, made to run in
    its place, checks the same number of cells and finds nothing."""
    from xl_tools.app import refresh_path
    from xl_tools.refresh import file_writer

    from .conftest import HAS_SOFFICE
    from .inputs import cases
    from .support import writers
    if case == "openpyxl":
        book = writers.openpyxl_resaved(cases.seed_book(tmp_path), tmp_path / "resaved.xlsx")
    elif case == "libreoffice":
        if not HAS_SOFFICE:
            pytest.skip("LibreOffice (soffice) not installed")
        book = writers.libreoffice_resaved(cases.seed_book(tmp_path), tmp_path / "resaved.xlsx")
    else:
        book = getattr(cases, case)(tmp_path)
    looked, checked = [], []
    real_verify = file_writer.verify

    def both(saved, source, parts, planned, skip=None):
        quick = real_verify(saved, source, parts, planned, skip)
        with monkeypatch.context() as m:
            m.setattr(readback, "verified", lambda *a, **k: NOT_SURE)
            assert real_verify(saved, source, parts, planned, skip) == quick
        checked.append(quick)
        return quick

    def look(*args, **kwargs):
        looked.append(verified(*args, **kwargs))
        return looked[-1]
    monkeypatch.setattr(file_writer, "verify", both)
    monkeypatch.setattr(readback, "verified", look)
    refresh_path(book, tmp_path / "out.xlsx", now="2024-01-01 00:00")
    assert checked and checked[0] > 0
    assert looked and NOT_SURE not in looked, looked


def test_the_line_of_a_row_is_the_one_op_writing_it_alone():
    """``_Planned.line``: the plan's own list of a row one op alone writes (the helper columns: one op over
    every row), None where two ops or none write the row."""
    helpers = [["=", 1, "%"], ["≥", 2, ""]]
    block = SetValues("s", 2, 8, [helpers[r % 2] for r in range(10)])
    one = _Planned([block])
    assert [one.line(r) for r in (1, 2, 3, 11, 12)] == [None, (8, helpers[0]), (8, helpers[1]), (8, helpers[1]), None]
    assert one.line(2)[1] is helpers[0]
    two = _Planned([block, SetValues("s", 5, 2, [["改"]]), SetValues("s", 20, 2, [["单"]])])
    assert two.line(5) is None and two.line(6) == (8, helpers[0]) and two.line(20) == (2, ["单"])
    three = _Planned([block, SetValues("s", 9, 8, [helpers[0] * 6 for _ in range(4)])])
    assert three.line(9) is None and three.line(8) == (8, helpers[0]) and three.line(12) == (8, helpers[0] * 6)
