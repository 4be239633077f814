"""One rule of what a cell stores (``celltext.escaped``), whichever writer stores it: the package patcher
(refresh, 公开表), openpyxl (the review and diff workbooks, through ``celltext.storable``) and XlsxWriter
(the template, which applies the same rule itself)."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from openpyxl.utils.escape import unescape

from xl_tools.celltext import append, escaped, storable
from xl_tools.ooxml.cells import cell_xml

HOSTILE = ["a\x0cb", "_x0041_", "_x005F_", "\ufffe", "\x00\x1f", "tab\tline\nfeed", "x_x12g_", "_X004a_",
           "名称_x4E2D_文", "plain 中文"]


def _stored(path) -> list[str]:
    """The texts of the workbook's cells as stored (shared strings, else inline), XML decoded."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        part = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else "xl/worksheets/sheet1.xml"
        root = etree.fromstring(z.read(part))
    return [t.text for t in root.iter("{*}t")]


def _by_xlsxwriter(tmp_path, texts):
    path = tmp_path / "xlsxwriter.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, text in enumerate(texts):
        ws.write_string(r, 0, text)
    wb.close()
    return _stored(path)


def _by_openpyxl(tmp_path, texts):
    path = tmp_path / "openpyxl.xlsx"
    wb = openpyxl.Workbook()
    for text in texts:
        append(wb.active, [text])
    wb.save(path)
    return _stored(path)


def _by_patcher(texts):
    return [etree.fromstring(cell_xml("A1", None, text).replace("<c ", f'<c xmlns="{NS}" ', 1)).findtext(
        f".//{{{NS}}}t") for text in texts]


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_the_three_writers_store_the_same_text(tmp_path):
    want = [escaped(t) for t in HOSTILE]
    assert _by_patcher(HOSTILE) == want
    assert _by_openpyxl(tmp_path, HOSTILE) == want          # a literal _x0041_ is protected, as Excel does
    assert _by_xlsxwriter(tmp_path, HOSTILE) == want


@pytest.mark.parametrize("text", HOSTILE)
def test_what_is_stored_reads_back_as_written(text):
    assert unescape(escaped(text)) == text


def test_a_carriage_return_is_kept_by_each_writer_its_own_way(tmp_path):
    """The one difference: XlsxWriter stores CR as _x000D_, the others as the character (&#13;)."""
    text = "a\r\nb"
    stored = [_by_patcher([text])[0], _by_openpyxl(tmp_path, [text])[0], _by_xlsxwriter(tmp_path, [text])[0]]
    assert [unescape(s) for s in stored] == [text, text, text]


def test_storable_says_where_a_text_too_long_for_a_cell_was_cut():
    cut = storable("字" * 40_000)
    assert len(cut) == 32_767 and cut.endswith("（以下省略，共 40,000 字）")
