"""What a PDF may cost before pdfminer (through pdfplumber) reads it, and what its errors become.

pdfminer inflates each compressed stream whole, so a few kilobytes of crafted Flate data (a "flate
bomb") would fill the memory. ``check_streams`` therefore inflates every stream of the file first,
in bounded chunks and keeping nothing, and refuses the file once the inflated total passes
``limits.PDF_INFLATED_MB``; a stream compressed twice is followed into its inner layer. Image
streams are skipped (pdfminer never inflates them for text). The page count is checked once the
document is open (``check_pages``), and ``reading_pdf`` turns whatever a damaged PDF makes pdfminer
raise into one XlToolsError naming the file.
"""

from __future__ import annotations

import contextlib
import logging
import re
import struct
import zlib

from .. import limits
from ..errors import XlToolsError

# pdfminer and pdfplumber log what they repair (an invalid MediaBox…) in English: not for the user's screen
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_STREAM = re.compile(rb"\bobj\b(?P<dict>.{0,8192}?)\bstream(?:\r\n|\n|\r)", re.S)
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 64 * 1024
_OUT = 1 << 20


def _looks_zlib(head: bytes) -> bool:
    return len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _inflated(data: bytes, start: int, budget: int) -> int:
    """Bytes the zlib stream at ``data[start:]`` inflates to (its inner layer too, when it holds one),
    counting at most a little past ``budget``; 0 when it is not zlib data."""
    outer, inner = zlib.decompressobj(), None
    total, pos, head = 0, start, b""
    while pos < len(data) and total <= budget:
        pending = data[pos:pos + _CHUNK]
        pos += len(pending)
        while pending and total <= budget:
            try:
                out = outer.decompress(pending, _OUT)
            except zlib.error:
                return total
            pending = outer.unconsumed_tail
            total += len(out)
            if len(head) < 2:
                head += out[:2 - len(head)]
                if len(head) == 2 and _looks_zlib(head):
                    inner = zlib.decompressobj()
            if inner is not None and not inner.eof:
                total += _drain(inner, out, budget - total)
            if outer.eof:
                return total
    return total


def _drain(d, data: bytes, budget: int) -> int:
    total = 0
    while data and total <= budget:
        try:
            out = d.decompress(data, _OUT)
        except zlib.error:
            return total
        total += len(out)
        data = d.unconsumed_tail
    return total


def check_streams(data: bytes, source: str) -> None:
    """XlToolsError when the PDF's compressed streams inflate past ``limits.PDF_INFLATED_MB``."""
    budget = limits.value(limits.PDF_INFLATED_MB) * 2**20
    total = 0
    for k, m in enumerate(_STREAM.finditer(data)):
        if _IMAGE.search(m.group("dict")):
            continue
        total += _inflated(data, m.end(), budget - total)
        if total > budget:
            raise XlToolsError("PDF 中的压缩内容" + limits.exceeded(limits.PDF_INFLATED_MB, "解压后") +
                               "；疑似压缩炸弹", file=source)
        if k % 100 == 0:
            limits.check_time()


def check_pages(count: int, source: str) -> None:
    if count > limits.value(limits.PAGES):
        raise XlToolsError(limits.exceeded(limits.PAGES, f"为 {count:,} 页"), file=source)


@contextlib.contextmanager
def reading_pdf(source: str):
    """What pdfminer raises on a damaged PDF → one XlToolsError naming the file."""
    from pdfminer.pdfparser import PDFSyntaxError  # optional dependency (the pdf extra)
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    try:
        yield
    except XlToolsError:
        raise
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PSException, KeyError, IndexError, TypeError, ValueError,
            AttributeError, AssertionError, RecursionError, struct.error, zlib.error, EOFError) as exc:
        raise XlToolsError(f"PDF 文件已损坏或结构异常，无法读取（{type(exc).__name__}）：请重新导出 PDF 后再试",
                           file=source) from None
