"""``xmlsafe.refuse_doctype``: every part of a workbook is looked at up to its root element before anything
reads it (``xlsxfile.sniff``) — a DTD there refuses the file, wherever in the prolog it stands — and no
further: the body of a part is never fed to the parser (issue 27: a first read of 64 KB made it build the
elements of 600 shared strings or 300 rows for nothing, ~15 ms a workbook)."""

from __future__ import annotations

import io

import pytest

from xl_tools import xmlsafe

ROOT = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9000">'
BODY = b"".join(b"<si><t>\xe7\x94\xb2%d</t></si>" % k for k in range(9000)) + b"</sst>"
DTD = b'<!DOCTYPE sst [<!ENTITY e "x">]>'


class Counted(io.BytesIO):
    """A part's bytes, and how many were asked for at each read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return super().read(size)


def test_a_part_is_read_no_further_than_its_first_few_kilobytes():
    part = Counted(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ROOT + BODY)
    xmlsafe.refuse_doctype(part, "xl/sharedStrings.xml")
    assert part.asked == [xmlsafe.FIRST_BYTES] and part.tell() == xmlsafe.FIRST_BYTES


@pytest.mark.parametrize("before", [b"", b"<!--" + b" " * 10_000 + b"-->", b"\n" * 100_000])
def test_a_dtd_before_the_root_is_refused_however_far_into_the_prolog(before):
    data = b'<?xml version="1.0"?>' + before + DTD + ROOT + BODY
    with pytest.raises(xmlsafe.ForbiddenPart):
        xmlsafe.refuse_doctype(io.BytesIO(data), "xl/sharedStrings.xml")


def test_no_root_within_the_prolog_s_bound_is_a_damaged_part():
    data = b'<?xml version="1.0"?><!--' + b" " * xmlsafe.PROLOG_BYTES + b"-->" + ROOT + BODY
    part = Counted(data)
    with pytest.raises(xmlsafe.DamagedPart):
        xmlsafe.refuse_doctype(part, "xl/sharedStrings.xml")
    assert sum(part.asked) == xmlsafe.PROLOG_BYTES


def test_a_root_element_longer_than_the_first_read_is_read_on():
    root = ROOT.replace(b">", b" " + b" ".join(b'xmlns:n%d="urn:%d"' % (k, k) for k in range(400)) + b">")
    part = Counted(b'<?xml version="1.0"?>' + root + BODY)
    xmlsafe.refuse_doctype(part, "xl/sharedStrings.xml")
    assert len(root) > xmlsafe.FIRST_BYTES and part.asked == [xmlsafe.FIRST_BYTES, xmlsafe.CHUNK]
