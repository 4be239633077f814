"""The deflate of the parts a save writes, and the inflate of the parts read: ISA-L's (``isal``, Intel's
assembly deflate) where it is installed, zlib's otherwise (xlwings Lite: Pyodide has no isal). Both write the raw deflate every zip
reader inflates, as Excel writes it; ISA-L at its level 2 deflates the 76 MB of XML a refresh of 5,000
projects writes in 0.045 s CPU for 7.09 MB, zlib at its fast level 2 in 0.19 s for 6.91 MB.

A member is written through ``zipfile``'s own writer (``ZipFile.open(zinfo, "w")``: its header, CRC and
sizes as zipfile writes them) with its compressor replaced (``member``): the writer's ``_compressor``,
an attribute of ``zipfile._ZipWriteFile`` unchanged from Python 3.6 to 3.13
(``test_refresh_work_saved.py`` holds it to that: the parts a save writes are ISA-L's bytes). A member
is read through zipfile's reader (its checks of size and CRC) inflating with ISA-L (``opened``: the
reader's ``_decompressor``, unchanged from Python 3.6 to 3.13; 0.021 s CPU for the 22 MB 绩效指标 of
5,000 projects where zlib took 0.036 s, and a refresh inflates it four times)."""

from __future__ import annotations

import contextlib
import zipfile
import zlib

try:
    from isal import isal_zlib
except ImportError:                      # Pyodide, or an install without it: zlib's deflate
    isal_zlib = None

ZLIB_LEVEL = 2            # zlib's fast strategy (level 6, its default, took 0.55 s at 5k; level 3 0.25 s)
ISAL_LEVEL = 2            # ISA-L's levels are 0–3: 2 deflates as small as zlib's 2 at a quarter of its time
WBITS = -15               # a raw deflate stream, as a zip member holds it


def compressor():
    """A new compressor of a raw deflate stream (``compress``, ``flush``): ISA-L's where installed."""
    if isal_zlib is not None:
        return isal_zlib.compressobj(ISAL_LEVEL, zlib.DEFLATED, WBITS)
    return zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, WBITS)


def opened(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo):
    """``zf.open(name)``, inflating with ISA-L where it is installed."""
    fh = zf.open(name)
    if isal_zlib is not None and getattr(fh, "_compress_type", None) == zipfile.ZIP_DEFLATED \
            and getattr(fh, "_decompressor", None) is not None:
        fh._decompressor = _Inflater()
    return fh


class _Inflater:
    """ISA-L's inflate of a raw deflate stream as zipfile's reader uses zlib's; a damaged stream raises
    ``zlib.error`` as zlib's does (what a damaged workbook raises is known by its type:
    ``xlsxfile.reading``; ISA-L raises an ``IsalError`` of its own)."""

    __slots__ = ("_d",)

    def __init__(self) -> None:
        self._d = isal_zlib.decompressobj(WBITS)

    def decompress(self, data, max_length: int = 0) -> bytes:
        try:
            return self._d.decompress(data, max_length)
        except isal_zlib.error as exc:
            raise zlib.error(f"Error while decompressing data: {exc}") from None

    def flush(self, *length) -> bytes:
        try:
            return self._d.flush(*length)
        except isal_zlib.error as exc:
            raise zlib.error(f"Error while flushing: {exc}") from None

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unconsumed_tail(self) -> bytes:
        return self._d.unconsumed_tail

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data


def deflated(data: bytes) -> bytes:
    """`data` as ``compressor`` deflates it, whole."""
    c = compressor()
    return c.compress(data) + c.flush()


@contextlib.contextmanager
def member(zout: zipfile.ZipFile, zinfo: zipfile.ZipInfo):
    """``zout.open(zinfo, "w")`` deflating with ``compressor`` (a ``ZIP_DEFLATED`` ``zinfo``)."""
    with zout.open(zinfo, "w") as dst:
        if zinfo.compress_type == zipfile.ZIP_DEFLATED and getattr(dst, "_compressor", None) is not None:
            dst._compressor = compressor()
        yield dst


def write(zout: zipfile.ZipFile, zinfo: zipfile.ZipInfo, data: bytes) -> None:
    """``zout.writestr(zinfo, data)`` deflating with ``compressor``."""
    zinfo.file_size = len(data)          # as writestr sets it: zipfile judges ZIP64 by it
    with member(zout, zinfo) as dst:
        dst.write(data)
