"""One clock for the filings (a trial on a UTC machine): the batch's own times — when the review ran, a
file's time on disk, the time another program saved it — are in the filings' zone (China's, or
XL_TOOLS_TIMEZONE), as the refresh stamps are, so a version saved after a refresh is the later one
whatever the machine's zone (on a UTC server it looked 8 hours older, and the older version was counted)."""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile

import pytest

from tests.support.mail_inbox import unit_filing, write_filing
from xl_tools import app, clock
from xl_tools.batch import stamps

UTC_MOMENT = dt.datetime(2026, 3, 5, 1, 12, tzinfo=dt.timezone.utc)      # 09:12 in China, 07:12 in Urumqi


@pytest.fixture
def utc_machine(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv(clock.TIMEZONE_ENV, raising=False)
    time.tzset()
    yield monkeypatch
    monkeypatch.undo()
    time.tzset()


def test_a_files_time_on_disk_is_china_time_on_a_utc_machine(utc_machine, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    os.utime(path, (UTC_MOMENT.timestamp(), UTC_MOMENT.timestamp()))
    assert stamps.file_time(path) == "2026-03-05 09:12:00"
    utc_machine.setenv(clock.TIMEZONE_ENV, "Asia/Urumqi")
    assert stamps.file_time(path) == "2026-03-05 07:12:00"


def test_a_saved_time_in_utc_is_read_in_china_time_and_a_zips_local_time_is_kept(utc_machine):
    assert stamps._local(UTC_MOMENT) == "2026-03-05 09:12:00"
    assert stamps.pdf_time(b"/ModDate (D:20260305011200Z)") == "2026-03-05 09:12:00"
    assert stamps.pdf_time(b"/ModDate (D:20260305091200+08'00')") == "2026-03-05 09:12:00"
    info = zipfile.ZipInfo("单位.xlsx", date_time=(2026, 3, 5, 9, 12, 0))   # written on the filer's PC
    assert stamps.zip_time(info) == "2026-03-05 09:12:00"


def _saved_by_another_program(src, dst, modified: str) -> None:
    """``src`` as another program saves it: dcterms:modified set to ``modified``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>") + len("</dcterms:modified>")
                data = (text[:start] + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
                        + text[end:]).encode("utf-8")
            zout.writestr(item, data)


def test_a_version_saved_after_the_refresh_is_the_later_one_on_a_utc_machine(utc_machine, tmp_path):
    refreshed = write_filing(tmp_path / "已刷新.xlsx", unit_filing("甲市单位", "0.11"), "2026-03-05 09:30")
    assert stamps.stamp_of(refreshed) == stamps.Stamp("2026-03-05 09:30:00", stamps.REFRESHED,
                                                      stamps.file_time(refreshed))
    # the same unit's later version, saved at 09:40 China time (01:40 UTC) by a program without the stamp
    saved = tmp_path / "另存.xlsx"
    _saved_by_another_program(refreshed, saved, "2026-03-05T01:40:00Z")
    assert stamps.saved_time(saved) == "2026-03-05 09:40:00"
    edited = stamps.stamp_of(saved, changed=True)       # its rows changed after that refresh (batch.stamps)
    assert edited.saved == "2026-03-05 09:40:00" and edited.key > stamps.stamp_of(refreshed).key   # it wins


def test_the_batchs_own_times_are_in_the_filings_zone(utc_machine):
    china = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    assert abs(clock.now() - china) < dt.timedelta(minutes=1)
    assert abs(dt.datetime.strptime(app.refresh_stamp(), "%Y-%m-%d %H:%M") - china) < dt.timedelta(minutes=2)
