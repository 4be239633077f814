"""``ooxml.package.read_member``: a part inflated as ``ZipFile.read`` gives it (size and CRC checked),
without its peak of twice the part (issue 27: the 20 MB 绩效指标 of 5,000 projects was held twice over
when the view read it, when the patcher patched it and when the read-back looked at it)."""

from __future__ import annotations

import os
import tracemalloc
import zipfile

import pytest

from xl_tools.ooxml.package import Package, read_member


def _zip(path, name: str, data: bytes, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                           b'content-types"/>')
        zf.writestr(name, data)
    return path


def _part(size: int) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                    % (r, r, os.urandom(6).hex().encode()) for r in range(1, size // 60))
    return b'<worksheet><sheetData>' + rows + b"</sheetData></worksheet>"


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_the_same_bytes_as_zipfile(tmp_path, method):
    data = _part(3_000_000)
    path = _zip(tmp_path / "a.xlsx", "xl/worksheets/sheet1.xml", data, method)
    with zipfile.ZipFile(path) as zf:
        assert read_member(zf, "xl/worksheets/sheet1.xml") == zf.read("xl/worksheets/sheet1.xml") == data
        assert read_member(zf, zf.getinfo("xl/worksheets/sheet1.xml")) == data
        assert read_member(zf, "[Content_Types].xml") == zf.read("[Content_Types].xml")
    with Package(path) as pkg:
        assert pkg.read("xl/worksheets/sheet1.xml") == data


def test_a_part_is_held_once_while_it_is_read(tmp_path):
    """At its peak the read holds the part and a megabyte or so; ``ZipFile.read`` held more than
    twice the part."""
    data = _part(12_000_000)
    path = _zip(tmp_path / "a.xlsx", "xl/worksheets/sheet1.xml", data)
    del data
    with zipfile.ZipFile(path) as zf:
        tracemalloc.start()
        try:
            got = read_member(zf, "xl/worksheets/sheet1.xml")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < len(got) * 1.25 + 3 * 2**20, (peak, len(got))


def test_a_damaged_member_fails_as_zipfile_fails(tmp_path):
    data = _part(200_000)
    path = _zip(tmp_path / "a.xlsx", "xl/worksheets/sheet1.xml", data, zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    at = raw.find(b"<row r=\"5\">")
    raw[at + 1] = ord("R")                                  # one byte changed: the CRC no longer matches
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            read_member(zf, "xl/worksheets/sheet1.xml")
