"""The filings' clock: every time the tool writes into a filing or a report, or compares between files, is
in the filings' time zone — China's (UTC+8) unless ``XL_TOOLS_TIMEZONE`` names another (an IANA name such
as Asia/Urumqi) — whatever the zone of the machine: a server, a container or xlwings Lite whose clock runs
in UTC would otherwise write times 8 hours early beside the refresh stamps, and order two versions of a
unit's filing the wrong way round."""

from __future__ import annotations

import datetime as dt
import os

from .errors import XlToolsError

TIMEZONE_ENV = "XL_TOOLS_TIMEZONE"
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")    # no daylight saving since 1991


def filing_zone() -> dt.tzinfo:
    """China's time, or the zone ``XL_TOOLS_TIMEZONE`` names; XlToolsError (one Chinese line) for a name
    that is not a zone."""
    name = os.environ.get(TIMEZONE_ENV, "").strip()
    if not name:
        return CHINA_TIME
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise XlToolsError(f"环境变量 {TIMEZONE_ENV}={name[:60]!r} 不是时区名称（应为 Asia/Shanghai 这样的名称）") from None


def now() -> dt.datetime:
    """Now in the filings' zone, naive (as the filings write their times)."""
    return dt.datetime.now(filing_zone()).replace(tzinfo=None)


def from_timestamp(seconds: float) -> dt.datetime:
    """A POSIX time (a file's modification time) in the filings' zone, naive."""
    return dt.datetime.fromtimestamp(seconds, filing_zone()).replace(tzinfo=None)


def in_filing_zone(moment: dt.datetime) -> dt.datetime:
    """An aware time converted to the filings' zone; a naive one (a zip's or a PDF's local time, written
    on the filer's machine) as it is. Naive either way."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(filing_zone()).replace(tzinfo=None)
