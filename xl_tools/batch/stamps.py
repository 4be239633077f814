"""When a filing was made, as the file itself says: what decides which of two versions of one unit's
filing is the later one.

A file's own stamp is the first of these it has:

1. **刷新时间** — the time of the last refresh that changed the workbook, which xl-tools keeps in the hidden
   sheet ``_xltools`` (``refresh.state``: ``stamp``). It moves only when the unit refreshed a changed
   filing, never when someone merely opens and saves a copy (a LibreOffice copy, a copy saved from mail);
2. **保存时间** — the time the application that saved the file wrote into it: ``dcterms:modified`` of an
   xlsx (ignored when it equals ``dcterms:created``: a file generated in one go, such as the template, was
   never saved by a person), ``/ModDate`` (else ``/CreationDate``) of a PDF;
3. **文件时间** — the file's modification time on disk (for a member of a zip, the time the zip records
   for it), which mail and copying may change: the last resort.

A workbook edited after its last refresh and saved without refreshing again keeps that refresh's time
(the tool did not run), but its rows are no longer what that refresh recorded (``refresh.marks.changed_since``,
read with the filing: ``Filing.changed_since_refresh``): it is **刷新后改过**, later than any file still as
that refresh left it — at its 保存时间 when that is later than the refresh (the edit was saved then), else
just after the refresh. So of two versions with one 刷新时间, the one edited since is the later one, and
only two versions both edited after one refresh and saved at the same time (or with no 保存时间) tie.

Each stamp is text ``YYYY-MM-DD HH:MM:SS`` in the filings' time zone (``clock``: China's unless
``XL_TOOLS_TIMEZONE`` says otherwise; UTC times in a file and the disk's times are converted, a zip's or PDF's
own local time is kept), the zone of the refresh stamps, so two stamps compare as strings whatever the
machine's zone. ``Stamp.key`` orders versions: the file's own stamp (an edit after the refresh later
than the refresh), else the file time.
Reading a stamp never raises: a part that cannot be read gives no stamp of that kind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .. import clock
from ..errors import XlToolsError
from ..ooxml.book import Book
from ..ooxml.package import Package
from ..ooxml.xml import MAIN, RT_SHARED_STRINGS, iterparse, q
from ..schema import SHEET_STATE
from ..xmlsafe import parse

REFRESHED, SAVED, FILE_TIME = "刷新时间", "保存时间", "文件时间"
EDITED = "刷新后改过"
_STATE_ROWS = 20                          # the stamp row is among the first rows of the state sheet
_CORE_LIMIT = 1 << 20
_PDF_DATE = re.compile(rb"/(ModDate|CreationDate)\s*\(D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
                       rb"(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?\)")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_NS_DCTERMS = "{http://purl.org/dc/terms/}"


@dataclass(frozen=True)
class Stamp:
    """The file's own stamp (``when``, of kind ``source``) and its time on disk (``file_time``)."""

    when: str | None = None
    source: str | None = None
    file_time: str | None = None
    edited: bool = False             # a refreshed workbook changed since that refresh (module docstring)
    saved: str | None = None         # then: its 保存时间, when later than the refresh

    @property
    def key(self) -> tuple[str, int]:
        """Sort key of versions: later is greater (the file's own stamp, else its time; "" unknown). A
        workbook edited after its refresh: its 保存时间 when later, else just after the refresh."""
        if self.edited and self.when:
            return (self.saved or self.when, 1)
        return (self.when or self.file_time or "", 0)

    @property
    def shown(self) -> tuple[str, str]:
        """(time, what it is) as the consolidation lists it: the time ``key`` goes by."""
        if self.edited and self.when:
            return (self.saved, f"{SAVED}（{EDITED}）") if self.saved else (self.when, f"{REFRESHED}（{EDITED}）")
        if self.when:
            return self.when, self.source or ""
        return (self.file_time, FILE_TIME) if self.file_time else ("", "")

    def text(self) -> str:
        """「刷新时间 2026-03-05 09:12」; 「刷新时间 2026-03-05 09:12，刷新后改过（保存时间 2026-03-05 10:30:05）」;
        「时间不明」 when there is none."""
        if self.when:
            shown = self.when[:16] if self.source == REFRESHED else self.when
            if self.edited:
                after = f"{SAVED} {self.saved}" if self.saved else "改后未再刷新，没有保存时间"
                return f"{self.source} {shown}，{EDITED}（{after}）"
            return f"{self.source} {shown}"
        if self.file_time:
            return f"{FILE_TIME} {self.file_time}"
        return "时间不明"


def _local(moment: dt.datetime) -> str:
    """An aware time (converted) or a naive one (a zip's or PDF's own local time, kept) as
    ``YYYY-MM-DD HH:MM:SS`` in the filings' time zone (``clock``), the zone of the refresh stamps."""
    return clock.in_filing_zone(moment).strftime("%Y-%m-%d %H:%M:%S")


def file_time(path: str | Path) -> str | None:
    try:
        return _local(clock.from_timestamp(os.stat(path).st_mtime))
    except (OSError, ValueError, OverflowError):
        return None


def zip_time(info: zipfile.ZipInfo) -> str | None:
    """The local time a zip records for a member."""
    try:
        return _local(dt.datetime(*info.date_time))
    except (ValueError, TypeError):
        return None


def _cell_text(c, shared: list[str] | None) -> str | None:
    kind = c.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(q("t")))
    v = c.find(q("v"))
    if v is None or v.text is None:
        return None
    if kind == "s":
        if shared is None:
            return None
        k = int(v.text) if v.text.isdigit() else -1
        return shared[k] if 0 <= k < len(shared) else None
    return v.text


def _shared_strings(pkg: Package, book: Book) -> list[str]:
    """The shared strings (after an Excel save the state sheet's texts are among them)."""
    parts = [t for _r, t in pkg.targets(book.part, RT_SHARED_STRINGS)]
    out: list[str] = []
    if not parts or not pkg.has(parts[0]):
        return out
    with pkg.open_original(parts[0]) as fh:
        for _ev, si in iterparse(fh, parts[0], tag=q("si")):
            out.append("".join(t.text or "" for t in si.iter(q("t"))))
            si.clear()
    return out


def refresh_stamp(path: str | Path) -> str | None:
    """The time of the workbook's last refresh (``YYYY-MM-DD HH:MM:00``), from its state sheet."""
    try:
        with Package(path) as pkg:
            book = Book(pkg)
            entry = book.sheet(SHEET_STATE)
            if entry is None or entry.part is None:
                return None
            rows = _state_rows(pkg, entry.part)
            if any(row and row[0] is None for row in rows):     # shared strings (an Excel save): read them
                rows = _state_rows(pkg, entry.part, _shared_strings(pkg, book))
            for row in rows:
                if len(row) >= 2 and row[0] == "stamp" and isinstance(row[1], str) and _STAMP.match(row[1]):
                    return row[1] + ":00"
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, XlToolsError,
            NotImplementedError, RuntimeError):
        return None
    return None


def _state_rows(pkg: Package, part: str, shared: list[str] | None = None) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    with pkg.open_original(part) as fh:
        for _ev, row in iterparse(fh, part, tag=q("row")):
            rows.append([_cell_text(c, shared) for c in row.iter(f"{{{MAIN}}}c")][:2])
            row.clear()
            if len(rows) >= _STATE_ROWS:
                break
    return rows


def saved_time(path: str | Path) -> str | None:
    """``dcterms:modified`` of an xlsx, unless it equals ``dcterms:created`` (generated in one go)."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > _CORE_LIMIT:
                return None
            root = parse(zf.read(info), "docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile, zlib.error, EOFError, XlToolsError, NotImplementedError,
            RuntimeError, ValueError):
        return None
    modified = root.find(f"{_NS_DCTERMS}modified")
    created = root.find(f"{_NS_DCTERMS}created")
    text = (modified.text or "").strip() if modified is not None else ""
    if not text or (created is not None and (created.text or "").strip() == text):
        return None
    try:
        return _local(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def pdf_time(data: bytes) -> str | None:
    """``/ModDate`` (else ``/CreationDate``) of a PDF's information dictionary."""
    found: dict[bytes, str] = {}
    for m in _PDF_DATE.finditer(data):
        kind = m.group(1)
        if kind in found:
            continue
        year, month, day, hour, minute, second = (int(g) if g else d for g, d in zip(m.groups()[1:7],
                                                                                    (0, 1, 1, 0, 0, 0)))
        try:
            moment = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue
        if m.group(8):
            moment = moment.replace(tzinfo=dt.timezone.utc)
        elif m.group(9):
            sign = 1 if m.group(9) == b"+" else -1
            offset = dt.timedelta(hours=int(m.group(10)), minutes=int(m.group(11) or 0))
            moment = moment.replace(tzinfo=dt.timezone(sign * offset))
        found[kind] = _local(moment)
    return found.get(b"ModDate") or found.get(b"CreationDate")


_PDF_HEAD = 8 * 1024 * 1024                  # the information dictionary is near the start or the end


def _pdf_bytes(path: Path) -> bytes:
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size <= 2 * _PDF_HEAD:
            return fh.read()
        head = fh.read(_PDF_HEAD)
        fh.seek(size - _PDF_HEAD)
        return head + fh.read()


def stamp_of(path: str | Path, *, disk_time: str | None = None, changed: bool | None = None) -> Stamp:
    """The stamp of the file at ``path`` (see the module docstring); ``disk_time`` replaces the file's
    time on disk (a zip member's recorded time); ``changed``: the workbook's rows are not what its last
    refresh recorded (``Filing.changed_since_refresh``)."""
    path = Path(path)
    on_disk = disk_time or file_time(path)
    suffix = path.suffix.lower()
    when, source = None, None
    try:
        if suffix in (".xlsx", ".xlsm"):
            when = refresh_stamp(path)
            source = REFRESHED if when else None
            if when is None:
                when = saved_time(path)
                source = SAVED if when else None
        elif suffix == ".pdf":
            when = pdf_time(_pdf_bytes(path))
            source = SAVED if when else None
    except OSError:
        when, source = None, None
    if source == REFRESHED and changed:
        saved = saved_time(path)
        return Stamp(when, source, on_disk, edited=True, saved=saved if saved and saved > when else None)
    return Stamp(when, source, on_disk)
