"""The xlwings writer (refresh/live.py) on xlwings' remote engine alone, without xlwings-server: the
actions it emits for an Excel with and without cell notes, the unit of column widths, text kept as text,
and the minimum xlwings version. CI also runs this module against the lowest xlwings setup.cfg allows
(``make test-lowest-xlwings``), so an API used here that is newer than that bound fails there.
"""

from __future__ import annotations

import pytest

from tests.support.servers import licensed_environment


@pytest.fixture(scope="module")
def xw():
    with licensed_environment():
        from xl_tools.server.app import enable_remote_engine
        yield enable_remote_engine()


def _book(xw, tmp_path, seed_filing, *, notes: bool, edit=None):
    from openpyxl import load_workbook

    from tests.support.payload import payload_from_xlsx
    from xl_tools.workbook import build_workbook
    path = tmp_path / "book.xlsx"
    build_workbook(path, seed_filing)
    wb = load_workbook(path)
    wb["项目"]["E3"] = 1                                     # an error on 项目 D3
    if edit:
        edit(wb)
    wb.save(path)
    payload = payload_from_xlsx(path)
    for sheet in payload["sheets"]:
        sheet["notes_supported"] = notes
    return xw.Book(json=payload)


def test_notes_only_where_the_client_supports_them(xw, tmp_path, seed_filing):
    from xl_tools.app import refresh_book as refresh
    from xl_tools.server.pane import MSG_NO_NOTES, pane_report
    with_notes = _book(xw, tmp_path, seed_filing, notes=True)
    outcome = refresh(with_notes, now="2025-01-01 10:00")
    actions = with_notes.json()["actions"]
    assert any(a["func"] == "addNote" and "AMT001" in a["args"][1] for a in actions)
    assert pane_report(with_notes, outcome)["notice"] == ""

    without = _book(xw, tmp_path, seed_filing, notes=False)
    outcome = refresh(without, now="2025-01-01 10:00")
    actions = without.json()["actions"]
    assert not [a for a in actions if a["func"] in ("addNote", "deleteNote")]
    assert any(a["func"] == "setRangeColor" for a in actions)
    report = pane_report(without, outcome)
    assert report["notice"] == MSG_NO_NOTES and report["findings"]
    assert report["counts"]["errors"] >= 1
    # the pane's data carries each finding's 建议 and, where something is missing, the drafted line
    drafted = [f for f in report["findings"] if f["draft"]]
    assert drafted and report["drafts"] >= len(drafted)
    assert all(f["draft"]["name"] in f["suggestion"] and f["draft"]["level2"] for f in drafted)


def test_column_widths_in_points_for_office_js_and_characters_on_the_desktop(xw, tmp_path, seed_filing):
    from xl_tools.app import refresh_book as refresh
    from xl_tools.refresh.live import width_converter
    from xl_tools.refresh.results import WIDTHS
    from xl_tools.textfit import column_points
    book = _book(xw, tmp_path, seed_filing, notes=True)
    refresh(book, now="2025-01-01 10:00")
    widths = [a["args"][0] for a in book.json()["actions"] if a["func"] == "setColumnWidth"]
    assert column_points(max(WIDTHS.values())) in widths                   # 校验结果 column F: 371.25 pt
    assert min(widths) >= column_points(min(WIDTHS.values()))

    class DesktopBook:                                                      # COM: book.api is not the payload
        api = object()
    assert width_converter(DesktopBook())(70) == 70
    assert width_converter(book)(70) == 371.25


def test_text_that_excel_would_convert_is_written_as_text(xw, tmp_path, seed_filing):
    """A range target "90-95%" has the helper 数值 "90-95", Excel's input parsing would make a date
    or a number of such text; the writer marks it with Excel's leading apostrophe. Text that starts
    with a CJK character or "≥" is sent as it is."""
    from xl_tools.app import refresh_book as refresh
    from xl_tools.refresh.live import _cell_value

    def edit(wb):
        wb["绩效指标"]["F2"] = "90-95%"
    book = _book(xw, tmp_path, seed_filing, notes=True, edit=edit)
    refresh(book, now="2025-01-01 10:00")
    written = [v for a in book.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row]
    assert "'90-95" in written and "90-95" not in written
    assert [_cell_value(t) for t in ("100", "1-3", "2025-06-30", "95%", "TRUE", "Mar-5", "１００", "-x")] == \
        ["'100", "'1-3", "'2025-06-30", "'95%", "'TRUE", "'Mar-5", "'１００", "'-x"]
    assert [_cell_value(t) for t in ("校验结果", "≥95%", "错误", 12.5, None)] == ["校验结果", "≥95%", "错误", 12.5, None]


def test_public_sheet_borders_and_merges(xw, tmp_path, seed_filing):
    from xl_tools.app import publish_book as publish
    book = _book(xw, tmp_path, seed_filing, notes=False)
    publish(book)
    funcs = {a["func"] for a in book.json()["actions"]}
    assert {"setBorderProperty", "rangeMerge", "setColumnWidth", "setRowHeight"} <= funcs


def test_too_old_xlwings_is_one_chinese_sentence():
    import xlwings

    from xl_tools.errors import XlToolsError
    from xl_tools.refresh.live import MIN_XLWINGS, require_xlwings
    with pytest.raises(XlToolsError, match=r"xlwings 版本过旧（0\.37\.1）.*pip install -U \"xlwings>=0\.37\.5\""):
        require_xlwings("0.37.1")                              # Range.borders yes, Range.add_note not yet
    require_xlwings("0.37.5")
    require_xlwings("dev")
    require_xlwings(xlwings.__version__)
    assert ".".join(map(str, MIN_XLWINGS)) == "0.37.5"
    from pathlib import Path
    setup = (Path(__file__).resolve().parents[1] / "setup.cfg").read_text("utf-8")
    assert "xlwings>=0.37.5," in setup                         # the same bound as the code's


def test_public_sheet_of_a_xiange_book_formats_its_five_amount_columns(xw, tmp_path, seed_filing):
    """湘鄂 prints 资金总额, 财政拨款, 其他资金, 本级资金, 上级资金: the amount format covers the five (B:F)."""
    import copy

    from xl_tools.app import publish_book as publish
    filing = copy.deepcopy(seed_filing)        # the session's seed stays as it is for the tests after this one
    filing.profile = "湘鄂"
    for ind in filing.indicators:
        ind.period_value = ""
    book = _book(xw, tmp_path, filing, notes=False)
    publish(book)
    formats = [a for a in book.json()["actions"] if a["func"] == "setNumberFormat"]
    assert formats and {(a["start_column"], a["column_count"]) for a in formats} == {(1, 5)}   # 0-based B, 5 wide
    assert {a["start_row"] for a in formats} == {4}                      # below the two header rows
