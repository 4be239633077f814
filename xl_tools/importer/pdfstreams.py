"""Every stream pdfminer decodes, decoded within a budget: what a PDF may cost in memory.

pdfminer decodes a stream (``PDFStream.decode``) whenever it needs its bytes — a page's content, a form
XObject, an object stream, a cross-reference stream, a font's ToUnicode map — whatever the stream's
/Subtype or the size of its dictionary, through its whole /Filter chain at once. A few kilobytes can so
decode to gigabytes (a Flate bomb, the same behind /ASCII85Decode, LZW or RunLength, or tagged as an
image). Inside ``budget(source)`` the decoding is ours: the same filter chain, in the same order with
the same parameters and predictors as pdfminer's, each filter decoding in bounded steps that count
their output, and the file refused (XlToolsError naming the limit) once the document's decoded bytes
pass ``limits.PDF_INFLATED_MB``. pdfminer's own decoders are used where their output is bounded by
their input (ASCII85, ASCIIHex, predictors) or streamed (LZW); Flate and RunLength are decoded here
(pdfminer inflates Flate whole, retries a damaged one byte by byte with a quadratic copy, and holds
RunLength output as a list of ints); the output is byte for byte pdfminer's
(``tests/test_robustness_pdf.py`` compares them). Outside ``budget`` pdfminer decodes as it always did.

This replaces ``pdfminer.pdftypes.PDFStream.decode`` (its one decoding method; setup.cfg pins the
pdfminer.six versions this was checked against).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import zlib
from dataclasses import dataclass

from pdfminer import pdftypes
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.ccitt import ccittfaxdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfexceptions import PDFNotImplementedError
from pdfminer.pdftypes import PDFStream, int_value
from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

from .. import limits
from ..errors import XlToolsError

_STEP = 1 << 20                 # bytes decoded between two looks at the budget and the clock


@dataclass
class _Budget:
    source: str
    left: int

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise XlToolsError("PDF 中的压缩内容" + limits.exceeded(limits.PDF_INFLATED_MB) + "；疑似压缩炸弹",
                               file=self.source)
        limits.check_time()


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("xl_tools_pdf_budget", default=None)


@contextlib.contextmanager
def budget(source: str):
    """Decode every stream pdfminer decodes inside within ``limits.PDF_INFLATED_MB`` in all."""
    token = _BUDGET.set(_Budget(source, limits.value(limits.PDF_INFLATED_MB) * 2**20))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _inflate(data: bytes, spent: _Budget) -> bytes:
    """pdfminer's Flate: the whole stream; a stream damaged within its last three bytes (the checksum)
    keeps what inflated before; damaged earlier, nothing."""
    d, out, pos = zlib.decompressobj(), bytearray(), 0
    while pos < len(data) and not d.eof:
        chunk, before, mark = data[pos:pos + _STEP], d.copy(), len(out)
        try:
            piece = d.decompress(chunk, _STEP)
            while True:
                out += piece
                spent.spend(len(piece))
                if not d.unconsumed_tail:
                    break
                piece = d.decompress(d.unconsumed_tail, _STEP)
        except zlib.error:
            del out[mark:]
            return _salvage(data, pos, before, out, spent)
        pos += len(chunk)
    return bytes(out)


def _salvage(data: bytes, pos: int, d, out: bytearray, spent: _Budget) -> bytes:
    """The damaged chunk at ``pos`` again byte by byte (pdfminer's ``decompress_corrupted``)."""
    for i in range(pos, min(len(data), pos + _STEP)):
        try:
            piece = d.decompress(data[i:i + 1])
        except zlib.error:
            return bytes(out) if i >= len(data) - 3 else b""
        out += piece
        spent.spend(len(piece))
    return bytes(out)


def _collect(pieces, spent: _Budget) -> bytes:
    """The pieces a decoder yields, joined, the budget charged every ``_STEP`` bytes."""
    out, pending = bytearray(), 0
    for piece in pieces:
        out += piece
        pending += len(piece)
        if pending >= _STEP:
            spent.spend(pending)
            pending = 0
    spent.spend(pending)
    return bytes(out)


def _runs(data: bytes):
    """pdfminer's RunLength decoding, a run at a time (a damaged stream raises as pdfminer's does)."""
    k = 0
    while k < len(data) and data[k] != 128:
        length = data[k]
        if length < 128:
            piece = data[k + 1:k + length + 2]
            if len(piece) < length + 1:
                raise ValueError("RunLengthDecode: data ends inside a literal run")
            k += length + 2
        else:
            if k + 1 >= len(data):
                raise ValueError("RunLengthDecode: data ends inside a repeated run")
            piece = data[k + 1:k + 2] * (257 - length)
            k += 2
        yield piece


def _ccitt(data: bytes, params, spent: _Budget) -> bytes:
    """pdfminer's CCITT decoding, once the most it could produce fits the budget (one row per bit of
    input at most, two working rows of ``Columns`` bytes)."""
    cols = params.get("Columns") if isinstance(params, dict) else None
    if isinstance(cols, int) and cols > 0:
        spent.spend(2 * cols + (8 * len(data) + 1) * ((cols + 7) // 8))
    return ccittfaxdecode(data, params)


def _predicted(data: bytes, params) -> bytes:
    if not params or "Predictor" not in params:
        return data
    pred = int_value(params["Predictor"])
    if pred == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    if pred == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if pred >= 10:
        return apply_png_predictor(pred, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {pred!r}")


def _decode_within(stream: PDFStream, spent: _Budget) -> None:
    """``PDFStream.decode`` with every filter's output counted (pdfminer's order, parameters and
    predictors; DCT, JBIG2 and JPX images are left encoded, as pdfminer leaves them)."""
    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for f, params in stream.get_filters():
        if f in pdftypes.LITERALS_FLATE_DECODE:
            data = _inflate(data, spent)
        elif f in pdftypes.LITERALS_LZW_DECODE:
            data = _collect(LZWDecoder(io.BytesIO(data)).run(), spent)
        elif f in pdftypes.LITERALS_ASCII85_DECODE:     # 5 characters → 4 bytes, 'z' → 4: counted first
            spent.spend(4 * data.count(b"z") + 4 * len(data) // 5 + 4)
            data = ascii85decode(data)
        elif f in pdftypes.LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
            spent.spend(len(data))
        elif f in pdftypes.LITERALS_RUNLENGTH_DECODE:
            data = _collect(_runs(data), spent)
        elif f in pdftypes.LITERALS_CCITTFAX_DECODE:
            data = _ccitt(data, params, spent)
        elif f in pdftypes.LITERALS_DCT_DECODE or f in pdftypes.LITERALS_JBIG2_DECODE \
                or f in pdftypes.LITERALS_JPX_DECODE:
            pass
        elif f == pdftypes.LITERAL_CRYPT:
            raise PDFNotImplementedError("/Crypt filter is unsupported")
        else:
            raise PDFNotImplementedError(f"Unsupported filter: {f!r}")
        data = _predicted(data, params)
    stream.data = data
    stream.rawdata = None


_PDFMINER_DECODE = PDFStream.decode


def _decode(self: PDFStream) -> None:
    spent = _BUDGET.get()
    if spent is None:
        _PDFMINER_DECODE(self)
        return
    assert self.data is None and self.rawdata is not None
    _decode_within(self, spent)


PDFStream.decode = _decode
