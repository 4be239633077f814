"""``ooxml.excelvalues`` is openpyxl's own helpers, copied so that reading a workbook does not load
openpyxl: every answer here is openpyxl's."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from openpyxl.styles import numbers
from openpyxl.utils import datetime as xl_datetime
from openpyxl.utils import escape

from xl_tools.ooxml import excelvalues

# number formats Chinese filings use, and every corner of the date test (quotes, brackets, escapes)
FORMATS = ['yyyy"年"m"月"d"日"', '[$-804]yyyy"年"m"月"', '[DBNum1][$-804]yyyy"年"m"月"d"日"', '#,##0.00_ ',
           '0.00_);[Red]\\(0.00\\)', '"年"0', '\\d0', '_d0', '[h]:mm:ss', '[mm]:ss', '[ss].00', 'mm:ss.0',
           '[Red]0.00', '0.00;[Red]-0.00;"-"', '@', 'General', 'G/通用格式', '#,##0.00"万元"', 'yyyy/m/d h:mm',
           '上午/下午h"时"mm"分"', '[$-F800]dddd, mmmm dd, yyyy', '"s"0', None, '', 'hh:mm;@', '[H]', '[M]:SS']


def test_builtin_formats_are_openpyxls():
    assert excelvalues.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS


@pytest.mark.parametrize("fmt", sorted(set(numbers.BUILTIN_FORMATS.values())) + FORMATS)
def test_date_and_duration_formats_are_told_as_openpyxl_tells_them(fmt):
    assert excelvalues.is_date_format(fmt) == numbers.is_date_format(fmt)
    assert excelvalues.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt)


def test_serial_dates_are_openpyxls_in_both_calendars():
    rnd = random.Random(27)
    values = [0, 0.5, 0.999999, 1, 59, 59.5, 60, 60.25, 61, 366, 45292, 45292.75, 2958465.999, -1.5, 1e-9]
    values += [rnd.uniform(0, 80000) for _ in range(2000)] + [rnd.randint(0, 80000) for _ in range(500)]
    for epoch, theirs in ((excelvalues.CALENDAR_WINDOWS_1900, xl_datetime.CALENDAR_WINDOWS_1900),
                          (excelvalues.CALENDAR_MAC_1904, xl_datetime.CALENDAR_MAC_1904)):
        assert epoch == theirs
        for v in values:
            for delta in (False, True):
                try:
                    expected = xl_datetime.from_excel(v, theirs, timedelta=delta)
                except (OverflowError, ValueError) as exc:
                    with pytest.raises(type(exc)):
                        excelvalues.from_excel(v, epoch, timedelta=delta)
                    continue
                assert excelvalues.from_excel(v, epoch, timedelta=delta) == expected, (v, delta)
    assert excelvalues.from_excel(None) is None


@pytest.mark.parametrize("text", ["2024-06-30", "2024-06-30T12:34:56", "2024-06-30T12:34:56.789Z", "12:34",
                                  "12:34:56.5", "PT1H30M", "PT12.5S", "", None, "2024-13-01", "soon"])
def test_iso_dates_are_openpyxls(text):
    try:
        expected = xl_datetime.from_ISO8601(text)
    except ValueError:
        with pytest.raises(ValueError):
            excelvalues.from_ISO8601(text)
        return
    assert excelvalues.from_ISO8601(text) == expected


@pytest.mark.parametrize("text", ["plain", "a_x000D_b", "_x000a__x0009_", "_x005F_x000D_", "_xD83D_", "_x12_",
                                  "_X000A_", "_x000a", "中文_x0001_"])
def test_escapes_are_undone_as_openpyxl_undoes_them(text):
    assert excelvalues.unescape(text) == escape.unescape(text)


def test_reading_a_workbook_gives_the_values_openpyxl_gives(tmp_path: Path):
    """Dates, times and durations in a workbook read by the view: the values openpyxl reads."""
    import openpyxl

    from xl_tools.workbook.reader import workbook_view
    wb = openpyxl.Workbook()
    ws = wb.active
    cells = [(dt.datetime(2024, 6, 30, 8, 15), "yyyy/m/d h:mm"), (dt.date(1900, 2, 28), 'yyyy"年"m"月"d"日"'),
             (dt.time(13, 45, 30), "h:mm:ss"), (dt.timedelta(hours=30, minutes=5), "[h]:mm:ss"),
             (45292.5, "0.00"), ("文字", "@")]
    for r, (value, fmt) in enumerate(cells, start=1):
        ws.cell(r, 1, value).number_format = fmt
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    theirs = [row[0] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    view = workbook_view(path)
    try:
        ours = [view[ws.title].cell(r, 1).value for r in range(1, len(cells) + 1)]
    finally:
        view.close()
    assert ours == theirs
