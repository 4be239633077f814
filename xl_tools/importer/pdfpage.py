"""One page of a PDF laid out within a budget: glyphs, drawing operations and time, counted inside it.

pdfplumber lays a page out by running pdfminer's interpreter over its content to the end: a 12 KB page
that shows two million glyphs, or a 2 KB nest of form XObjects that draws ten million times, runs for
minutes and fills the memory before the page is done. ``lay_out(page)`` runs the same interpreter with
pdfplumber's own device (``PDFPageAggregatorWithMarkedContent``), counting as it goes — each glyph
against ``limits.PDF_GLYPHS``, each path, image, form XObject drawn and graphics state saved against
``limits.PDF_DRAWS``, and every operator and operand the content parser reads (the page's and each form's
it draws) against ``limits.PDF_OPERATORS`` — and looking at the task's clock (``limits.check_time``) every
thousand of them; past a limit the page stops with one Chinese line naming it. The operators count what no
glyph or drawing shows: a path built and never painted, the matrix changed millions of times, operators
nobody knows, operands no operator takes, an array of millions of numbers. The result is handed to pdfplumber as the
page's layout (its ``_layout``, which ``Page.layout`` returns once set; setup.cfg pins the pdfplumber
versions this was checked against), so every pdfplumber call on the page reads what was counted. A glyph whose font maps it to a radical
code point (「⽬」 U+2F6C for 目, 「⻋」 for 车: Chromium's and WPS's PDFs) is read as the ideograph it shows
(``textnorm.fold_radicals``).

The operators are counted by the content parser the interpreter makes for every content stream:
``pdfminer.pdfinterp.PDFContentParser`` is replaced by a subclass that counts its tokens for the page
being laid out (outside ``lay_out`` it counts nothing; setup.cfg pins the pdfminer.six versions).
"""

from __future__ import annotations

import contextvars
import re

from pdfminer import pdfinterp
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from .. import limits
from ..errors import XlToolsError
from ..textnorm import fold_radicals

_CHECK_EVERY = 1000
_LAST_EOL = re.compile(rb"(\x0d\x0a|[\x0d\x0a])$")


class _Count:
    def __init__(self, source: str, page_no: int) -> None:
        self.source, self.page_no = source, page_no
        self.glyphs = self.draws = self.operators = 0
        self.max_glyphs, self.max_draws = limits.value(limits.PDF_GLYPHS), limits.value(limits.PDF_DRAWS)
        self.max_operators = limits.value(limits.PDF_OPERATORS)

    def glyph(self) -> None:
        self.glyphs += 1
        self._check(self.glyphs, self.max_glyphs, limits.PDF_GLYPHS)

    def draw(self) -> None:
        self.draws += 1
        self._check(self.draws, self.max_draws, limits.PDF_DRAWS)

    def operator(self) -> None:
        self.operators += 1
        self._check(self.operators, self.max_operators, limits.PDF_OPERATORS)

    def _check(self, count: int, most: int, limit: limits.Limit) -> None:
        if count > most:
            raise XlToolsError(f"第 {self.page_no} 页" + limits.exceeded(limit), file=self.source)
        if count % _CHECK_EVERY == 0:
            limits.check_time()


class _CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, counting what the page draws."""

    count: _Count

    def render_char(self, *args, **kwargs):
        self.count.glyph()
        advance = super().render_char(*args, **kwargs)
        char = self.cur_item._objs[-1]          # the LTChar just added
        text = getattr(char, "_text", None)
        if text and text >= "\u2e80":
            char._text = fold_radicals(text)    # 「⽬」「⻋」 read as the 目, 车 the page shows
        return advance

    def paint_path(self, *args, **kwargs) -> None:
        self.count.draw()
        super().paint_path(*args, **kwargs)

    def render_image(self, *args, **kwargs) -> None:
        self.count.draw()
        super().render_image(*args, **kwargs)

    def begin_figure(self, *args, **kwargs) -> None:
        self.count.draw()
        super().begin_figure(*args, **kwargs)


class _CountingInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter (also for the form XObjects it draws: ``dup`` makes its own class),
    counting the graphics states saved (``q``: each keeps a copy of the state until ``Q``)."""

    def do_q(self) -> None:
        self.device.count.draw()
        super().do_q()


_PAGE: contextvars.ContextVar[_Count | None] = contextvars.ContextVar("xl_tools_pdf_page", default=None)


class _CountingContentParser(pdfinterp.PDFContentParser):
    """pdfminer's content parser, counting each token (operator or operand) for the page laid out, and
    reading an inline image's data in linear time."""

    def nexttoken(self):
        token = super().nexttoken()
        count = _PAGE.get()
        if count is not None:
            count.operator()
        return token

    def get_inline_data(self, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
        """pdfminer's ``get_inline_data``, byte for byte (tested), into a bytearray: pdfminer adds each
        piece to a bytes object, copying all it has read each time — an inline image whose data never
        ends (a 117 KB file, 120 MB of content) ran past 300 s. The clock is looked at as it reads."""
        self.seek(pos)
        i, data, steps = 0, bytearray(), 0
        while i <= len(target):
            steps += 1
            if steps % _CHECK_EVERY == 0:
                limits.check_time()
            self.fillbuf()
            if i:
                c = self.buf[self.charpos:self.charpos + 1]
                data += c
                self.charpos += 1
                if (len(target) <= i and c.isspace()) or (i < len(target) and c[0] == target[i]):
                    i += 1
                else:
                    i = 0
            else:
                j = self.buf.find(target[0], self.charpos)
                if j < 0:
                    data += self.buf[self.charpos:]
                    self.charpos = len(self.buf)
                else:
                    data += self.buf[self.charpos:j + 1]
                    self.charpos = j + 1
                    i = 1
        data = bytes(data[:-(len(target) + 1)])              # less the target and the white space after it
        return (pos, _LAST_EOL.sub(b"", data))


def lay_out(page, source: str) -> None:
    """Lay ``page`` (a pdfplumber page) out within the page budget; its layout is then pdfplumber's."""
    device = _CountingDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.count = _Count(source, page.page_number)
    token = _PAGE.set(device.count)
    try:
        _CountingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    finally:
        _PAGE.reset(token)
    page._layout = device.get_result()


pdfinterp.PDFContentParser = _CountingContentParser
