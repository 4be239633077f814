"""What openpyxl's small helpers say about cell values, without importing openpyxl.

Importing any part of openpyxl runs its package ``__init__``, which loads the whole library and numpy
(a quarter of a second of CPU): the reader of the data sheets needs only these few functions, so that
``xl-tools check`` starts without it. Each is openpyxl 3.1's own (MIT licence, © openpyxl), kept as it
is there; ``tests/test_excelvalues.py`` holds every one to openpyxl's answers (all built-in formats
and the custom ones Chinese filings use, serial dates in both calendars, ISO dates, escapes, a
workbook's dates read back).

- ``BUILTIN_FORMATS``, ``is_date_format``, ``is_timedelta_format`` (``openpyxl.styles.numbers``);
- ``from_excel``, ``from_ISO8601``, ``CALENDAR_WINDOWS_1900``, ``CALENDAR_MAC_1904``
  (``openpyxl.utils.datetime``);
- ``unescape`` (``openpyxl.utils.escape``: ``_x000D_`` → carriage return).
"""

from __future__ import annotations

import datetime
import re

BUILTIN_FORMATS = {
    0: 'General',
    1: '0',
    2: '0.00',
    3: '#,##0',
    4: '#,##0.00',
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: '0%',
    10: '0.00%',
    11: '0.00E+00',
    12: '# ?/?',
    13: '# ??/??',
    14: 'mm-dd-yy',
    15: 'd-mmm-yy',
    16: 'd-mmm',
    17: 'mmm-yy',
    18: 'h:mm AM/PM',
    19: 'h:mm:ss AM/PM',
    20: 'h:mm',
    21: 'h:mm:ss',
    22: 'm/d/yy h:mm',

    37: '#,##0_);(#,##0)',
    38: '#,##0_);[Red](#,##0)',
    39: '#,##0.00_);(#,##0.00)',
    40: '#,##0.00_);[Red](#,##0.00)',

    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',

    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: 'mm:ss',
    46: '[h]:mm:ss',
    47: 'mmss.0',
    48: '##0.0E+0',
    49: '@',
}

_LITERAL_GROUP = r'".*?"'                                 # anything in quotes
_LOCALE_GROUP = r'\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]'        # anything in brackets but hours, minutes, seconds
_STRIP_RE = re.compile(f"{_LITERAL_GROUP}|{_LOCALE_GROUP}")
_TIMEDELTA_RE = re.compile(r'\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?', re.I)
_DATE_RE = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    fmt = fmt.split(";")[0]                 # only the first section
    fmt = _STRIP_RE.sub("", fmt)
    return _DATE_RE.search(fmt) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    fmt = fmt.split(";")[0]
    return _TIMEDELTA_RE.search(fmt) is not None


MAC_EPOCH = datetime.datetime(1904, 1, 1)
WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
CALENDAR_WINDOWS_1900 = WINDOWS_EPOCH
CALENDAR_MAC_1904 = MAC_EPOCH
SECS_PER_DAY = 86400

_ISO_REGEX = re.compile(r'''
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?''',
                        re.VERBOSE)
_ISO_DURATION = re.compile(r'PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?')


def from_ISO8601(formatted_string):  # noqa: N802 - openpyxl's name
    """A cell of type ``d``: a date, time, datetime or (Excel's strict mode) a duration."""
    if not formatted_string:
        return None
    match = _ISO_REGEX.match(formatted_string)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key in ["year", "month", "day", "hour", "minute", "second"]:
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts['microsecond']) * 1_000_000)
        if not parts["date"]:
            return datetime.time(parts['hour'], parts['minute'], parts['second'], parts["microsecond"])
        if not parts["time"]:
            return datetime.date(parts['year'], parts['month'], parts['day'])
        del parts["time"]
        del parts["date"]
        return datetime.datetime(**parts)
    match = _ISO_DURATION.match(formatted_string)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key, val in parts.items():
            if val:
                parts[key] = float(val)
        return datetime.timedelta(**parts)
    raise ValueError("Invalid datetime value {}".format(formatted_string))


def from_excel(value, epoch=WINDOWS_EPOCH, timedelta=False):
    """An Excel serial number as a datetime (or time, or timedelta)."""
    if value is None:
        return None
    if timedelta:
        td = datetime.timedelta(days=value)
        if td.microseconds:                 # rounded to the millisecond
            td = datetime.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return datetime.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + datetime.timedelta(days=day) + diff


_ESCAPED_REGEX = re.compile("_x([0-9A-Fa-f]{4})_")


def _char(match) -> str:
    return chr(int(match.group(1), 16))


def unescape(value: str) -> str:
    """Excel's escapes of characters XML cannot hold: ``_x000a_`` → newline."""
    if "_x" in value:
        value = _ESCAPED_REGEX.sub(_char, value)
    return value
