"""One rule of what a cell stores (``celltext.escaped``), in every workbook the tool writes: the package
patcher stores every text (refresh, 公开表, the standard workbook of ``workbook.template``, and the review
and diff workbooks laid out by ``reportbook``, plain or rich text); XlsxWriter, another engine, applies
the same rule (Excel's)."""

from __future__ import annotations

import zipfile

import pytest
import xlsxwriter
from lxml import etree
from openpyxl.utils.escape import unescape

from xl_tools import reportbook
from xl_tools.celltext import escaped, fitted
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


def _by_template(tmp_path, texts):
    """The standard workbook: each text a project's name on 项目 (column B)."""
    from xl_tools.model import Filing, Project
    from xl_tools.workbook import build_workbook
    path = tmp_path / "template.xlsx"
    build_workbook(path, Filing(year=2025, projects=[Project(name=t, unit="") for t in texts]))
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("xl/worksheets/sheet3.xml"))
    cells = root.iter(f"{{{NS}}}c")
    return [c.findtext(f".//{{{NS}}}t") for c in cells if c.get("r")[0] == "B" and c.get("r") != "B1"]


def _by_report(tmp_path, texts, rich=False):
    """A reviewer's workbook (``reportbook``): each text in a cell, or as a marked run of a rich text."""
    path = tmp_path / "report.xlsx"
    book = reportbook.Book()
    ws = book.sheet("甲")
    for text in texts:
        ws.append([reportbook.marked_text([(text, True)], "error") if rich else text])
    reportbook.save(book, path, "review")
    return _stored(path)


def _by_patcher(texts):
    return [etree.fromstring(cell_xml("A1", None, text).replace("<c ", f'<c xmlns="{NS}" ', 1)).findtext(
        f".//{{{NS}}}t") for text in texts]


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_the_two_writers_store_the_same_text(tmp_path):
    want = [escaped(t) for t in HOSTILE]
    assert _by_patcher(HOSTILE) == want
    assert _by_report(tmp_path, HOSTILE) == want            # a literal _x0041_ is protected, as Excel does
    assert _by_report(tmp_path, HOSTILE, rich=True) == want
    assert _by_template(tmp_path, HOSTILE) == want
    assert _by_xlsxwriter(tmp_path, HOSTILE) == want          # another engine: Excel's rule too


@pytest.mark.parametrize("text", HOSTILE)
def test_what_is_stored_reads_back_as_written(text):
    assert unescape(escaped(text)) == text


def test_a_carriage_return_is_kept_by_each_writer_its_own_way(tmp_path):
    """The one difference: XlsxWriter stores CR as _x000D_, the tool's writer as the character (&#13;)."""
    text = "a\r\nb"
    stored = [_by_patcher([text])[0], _by_report(tmp_path, [text])[0], _by_template(tmp_path, [text])[0],
              _by_xlsxwriter(tmp_path, [text])[0]]
    assert [unescape(s) for s in stored] == [text] * 4


def test_fitted_says_where_a_text_too_long_for_a_cell_was_cut(tmp_path):
    cut = fitted("字" * 40_000)
    assert len(cut) == 32_767 and cut.endswith("（以下省略，共 40,000 字）")
    assert fitted("字" * 32_767) == "字" * 32_767
    assert _by_report(tmp_path, ["字" * 40_000]) == [cut]         # a report's cell is cut so, and says so
