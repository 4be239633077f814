"""One page of a PDF laid out within a budget: glyphs, drawing operations and time, counted inside it.

pdfplumber lays a page out by running pdfminer's interpreter over its content to the end: a 12 KB page
that shows two million glyphs, or a 2 KB nest of form XObjects that draws ten million times, runs for
minutes and fills the memory before the page is done. ``lay_out(page)`` runs the same interpreter with
pdfplumber's own device (``PDFPageAggregatorWithMarkedContent``), counting as it goes — each glyph
against ``limits.PDF_GLYPHS``, each path, image, form XObject drawn and graphics state saved against
``limits.PDF_DRAWS`` — and looking at the task's clock (``limits.check_time``) every thousand of them;
past a limit the page stops with one Chinese line naming it. The result is handed to pdfplumber as the
page's layout (its ``_layout``, which ``Page.layout`` returns once set; setup.cfg pins the pdfplumber
versions this was checked against), so every pdfplumber call on the page reads what was counted.
"""

from __future__ import annotations

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from .. import limits
from ..errors import XlToolsError

_CHECK_EVERY = 1000


class _Count:
    def __init__(self, source: str, page_no: int) -> None:
        self.source, self.page_no = source, page_no
        self.glyphs = self.draws = 0
        self.max_glyphs, self.max_draws = limits.value(limits.PDF_GLYPHS), limits.value(limits.PDF_DRAWS)

    def glyph(self) -> None:
        self.glyphs += 1
        self._check(self.glyphs, self.max_glyphs, limits.PDF_GLYPHS)

    def draw(self) -> None:
        self.draws += 1
        self._check(self.draws, self.max_draws, limits.PDF_DRAWS)

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
        return super().render_char(*args, **kwargs)

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


def lay_out(page, source: str) -> None:
    """Lay ``page`` (a pdfplumber page) out within the page budget; its layout is then pdfplumber's."""
    device = _CountingDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.count = _Count(source, page.page_number)
    _CountingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()
