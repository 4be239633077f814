"""Generated XML written as text is the XML lxml writes: escaping of text and attribute values
(``ooxml.xml.text_xml``, ``attr_xml``), whole cells (``ooxml.cells.cell_xml``) and new notes
(``Template``s of the comment and VML shape elements) against lxml's own serialisation of the same
elements, for every kind of value and any text; the refresh digest streamed item by item equals the
hash of one ``json.dumps``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xl_tools.address import a1
from xl_tools.ooxml import comments
from xl_tools.ooxml.cells import C, cell_xml, write_value
from xl_tools.ooxml.sheetgen import Formula, SheetSpec, write_sheet
from xl_tools.ooxml.styles import Format, Styles
from xl_tools.ooxml.xml import MAIN, Template, attr_xml, children_bytes, q, text_of_xml, text_xml
from xl_tools.refresh.plan import _in_text_order, _json_sha256

# the characters escaping is about, control characters (stored as _xHHHH_ or refused), XML's
# non-characters, surrogates, wide and combining characters
SPECIAL = "&<>\"'\t\n\r _x005F_x0041_\x01\x0b\x1f\ufffe\uffff\ud800\u0085\u00a0\u2028\u3000中文％≥😀\u0301"
TEXT = st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=40)


def _lxml(build) -> str:
    """What lxml writes for the element `build(parent)` makes under a <sheetData>."""
    root = etree.Element(q("worksheet"), nsmap={None: MAIN})
    holder = etree.SubElement(root, q("sheetData"))
    build(holder)
    return children_bytes(holder).decode("utf-8")


def _same_or_both_refuse(ours, theirs) -> None:
    try:
        expected = theirs()
    except ValueError:
        with pytest.raises(ValueError):
            ours()
        return
    assert ours() == expected


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_text_and_attributes_are_escaped_as_lxml_does(text):
    def text_node(parent):
        etree.SubElement(parent, C).text = text

    def attribute(parent):
        etree.SubElement(parent, C, r=text)

    _same_or_both_refuse(lambda: f"<c>{text_xml(text)}</c>", lambda: _lxml(text_node))
    _same_or_both_refuse(lambda: f'<c r="{attr_xml(text)}"/>', lambda: _lxml(attribute))


ENTITIES = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#13;", "&#x4E2D;", "&#20013;", "&#x1F600;"])


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT.map(lambda t: t.replace("&", "").replace("<", "").replace("\r", "")) | ENTITIES,
                max_size=8).map("".join))
def test_the_text_between_tags_is_read_as_lxml_reads_it(content):
    """``text_of_xml``, the byte-level readers' one decoding of entities, against lxml: the same text for
    XML's five entities and character references; None (the parser's reading) without ``references``
    (a literal carriage return, which the parser reads as a line feed, the callers decline or replace)."""
    try:
        expected = etree.fromstring(f"<t>{content}</t>".encode()).text or ""
    except (etree.XMLSyntaxError, UnicodeEncodeError):
        return                                                      # what the parser refuses: not read here
    assert text_of_xml(content) == expected
    assert text_of_xml(content, references=False) == (None if "&#" in content else expected)


@pytest.mark.parametrize("content", ["&ge;", "&nbsp;", "a & b", "&amp", "&#;", "&#x;", "&#1114112;", "&#xFFFFFF;"])
def test_what_is_not_xml_s_own_entity_is_left_to_the_parser(content):
    assert text_of_xml(content) is None


VALUES = [None, "", "文本", " 前后空格 ", "两行\n文字", "a&b<c>d", "_x0041_", "控制\x01字符", "\r回车", True, False,
          0, -7, 2 ** 60, 1.5, 3.0, float("inf"), float("nan"), 1e-7, Decimal("12.30"), Decimal("-0.00"),
          dt.date(2024, 6, 30), dt.datetime(2024, 6, 30, 8, 5), ["不常见"]]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("style", [None, "7"])
def test_a_cell_is_what_write_value_makes(value, style):
    def build(parent):
        c = etree.SubElement(parent, C, r="B12") if style is None else etree.SubElement(parent, C, r="B12", s=style)
        write_value(c, value)

    assert cell_xml("B12", style, value) == _lxml(build)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_cell_is_what_write_value_makes(text):
    def build(parent):
        write_value(etree.SubElement(parent, C, r="A1", s="3"), text)

    _same_or_both_refuse(lambda: cell_xml("A1", "3", text), lambda: _lxml(build))


def test_a_generated_sheet_is_well_formed_and_holds_its_values(tmp_path):
    fmt = Format(bold=True, border=True)
    rows = [[("标题 & <说明>", fmt), (None, None), (Formula("'项目'!B2", "链接\n"), None)],
            [], [(1.25, None), ("", fmt), (True, Format(wrap=True))]]
    spec = SheetSpec(rows=iter(rows), nrows=3, ncols=3, heights={2: 30})
    out = tmp_path / "sheet.xml"
    with out.open("wb") as fh:
        write_sheet(fh, spec, Styles(None))
    root = etree.parse(str(out)).getroot()
    cells = {c.get("r"): c for c in root.iter(q("c"))}
    assert "".join(cells["A1"].itertext()) == "标题 & <说明>"
    assert cells["C1"].findtext(q("f")) == "'项目'!B2" and cells["C1"].findtext(q("v")) == "链接\n"
    assert [r.get("r") for r in root.iter(q("row"))] == ["1", "2", "3"]
    assert root.find(f"{q('sheetData')}/{q('row')}[2]").get("ht") == "30"
    assert cells["A3"].findtext(q("v")) == "1.25" and cells["C3"].get("t") == "b"


def test_rows_given_as_values_and_a_shared_list_of_formats_are_written_as_pairs_are(tmp_path):
    """``RowCells`` (the values, and a list of formats that rows formatted alike share, as the tool's own
    sheets give them) write the bytes the same rows give as (value, format) pairs; the formats of a
    shared list are looked up once."""
    import io

    from xl_tools.ooxml.sheetgen import RowCells
    bold, wrap = Format(bold=True, border=True), Format(wrap=True)
    shared = [bold, None, wrap]
    values = [["标题 & <说明>", None, Formula("'项目'!B2", "链接")], [None, None, None], [1.25, "", True],
              ["a", "b", "c"]]
    formats = [shared, [None, None, None], [None, bold, wrap], shared]
    pairs = [list(zip(v, f)) for v, f in zip(values, formats)]
    written = []
    for rows in (pairs, [RowCells(v, f) for v, f in zip(values, formats)]):
        styles = Styles(None)
        looked = []
        real = styles.format_id
        styles.format_id = lambda fmt, _real=real: looked.append(fmt) or _real(fmt)
        buf = io.BytesIO()
        write_sheet(buf, SheetSpec(rows=rows, heights={2: 30}), styles)
        written.append(buf.getvalue())
        assert looked.count(wrap) == 1
    assert written[0] == written[1]
    assert SheetSpec(rows=[RowCells(v, f) for v, f in zip(values, formats)]).size() == (4, 3)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.booleans())
def test_a_generated_sheet_s_text_cells_are_what_cell_xml_writes(texts, styled):
    """The generator writes a text with nothing to escape and no space to keep on its own (without
    ``inline_xml``): every text cell it writes is the bytes ``cell_xml`` (and so lxml) gives, for any
    text; one ``cell_xml`` refuses is refused."""
    import io

    from xl_tools.ooxml.sheetgen import RowCells
    fmt = Format(bold=True) if styled else None
    styles = Styles(None)
    style = styles.format_id(fmt) or None
    try:
        expected = "".join(cell_xml(a1(1, k), None if style is None else str(style), text)
                           for k, text in enumerate(texts, start=1))
    except ValueError:
        expected = None
    buf = io.BytesIO()
    try:
        write_sheet(buf, SheetSpec(rows=[RowCells(texts, [fmt] * len(texts))]), styles)
    except ValueError:
        assert expected is None
        return
    assert expected is not None
    xml = buf.getvalue().decode("utf-8")
    assert xml[xml.index("<sheetData>"):].startswith(f'<sheetData><row r="1">{expected}</row>')


def test_a_sheet_made_as_it_is_written_must_say_its_size():
    with pytest.raises(ValueError):
        SheetSpec(rows=iter([])).size()
    with pytest.raises(ValueError):
        write_sheet(open("/dev/null", "wb"), SheetSpec(rows=iter([[("a", None)]]), nrows=2, ncols=1), Styles(None))


@pytest.mark.parametrize("payload", [
    {},
    {"a": []},
    {"findings": [{"code": "AMT001", "message": "总计「1」\n≠", "indicator_no": None}],
     "values": [("绩效指标", 2, 8, [["≥", "95", "%"], [None, Decimal("1.50"), dt.date(2024, 1, 1)]])],
     "public": [["合计", "1,234.00"]]},
])
def test_the_streamed_digest_is_the_digest_of_one_dump(payload):
    expected = hashlib.sha256(json.dumps(payload, ensure_ascii=False, default=str).encode()).hexdigest()
    assert _json_sha256({k: iter(v) for k, v in payload.items()}).hexdigest() == expected


CELL_KEYS = st.tuples(st.sampled_from(["绩效指标", "项目", "a'b", 'a"b', "x)(", "a', 1, 2)"]),
                      st.integers(0, 10 ** 7), st.integers(0, 20_000))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(CELL_KEYS, st.sampled_from(["error", "warning", "", "提示：\n文字", ("1", "{}")]), max_size=40))
def test_the_digest_s_cells_come_in_the_order_of_their_texts(cells):
    """The highlights, notes and fills go into the digest one at a time, in the order the sorted list of
    their texts had (the digest is unchanged: a second refresh of a file the tool wrote before finds
    nothing changed), sheet names with quotes and brackets too."""
    assert list(_in_text_order(cells)) == sorted(f"{k}{v}" for k, v in cells.items())


def test_a_template_puts_values_in_its_holes_in_order():
    xml = f'<a x="{Template.mark(0)}">{Template.mark(1)}<b/>{Template.mark(2)}</a>'
    assert Template(xml, 3).fill("1", "文字", "") == '<a x="1">文字<b/></a>'
    with pytest.raises(ValueError):
        Template(xml, 4)
    with pytest.raises(ValueError):
        Template(xml, 3).fill("1", "2")
    percent = f'<a x="100%">{Template.mark(0)}%s%%</a>'            # filled by one formatting: "%" kept
    assert Template(percent, 1).fill("50% %s") == '<a x="100%">50% %s%s%%</a>'


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(1, 1_048_576), st.integers(1, 16_384))
def test_new_notes_written_as_text_are_what_lxml_writes(text, row, col):
    """The comments and VML of new notes (written as text) against lxml's serialisation of the
    elements the patcher builds when it edits existing notes parts."""
    def comment(parent):
        parent.append(comments._comment(a1(row, col), 0, text))

    _same_or_both_refuse(lambda: comments._comment_xml(a1(row, col), 0, text), lambda: _lxml(comment))
    holder = etree.Element("xml", nsmap=comments.VML_NS)
    holder.append(comments._note_shape("_x0000_s1025", row, col, text))
    assert comments._note_shape_xml("_x0000_s1025", row, col, text) == children_bytes(holder).decode("utf-8")
