"""What a PDF may cost, and what its errors become: the PDF reader's boundary.

``read_pdf_bounded(path)`` reads a published table from a PDF within every bound at once:

- in a child process with a memory and a wall-clock limit (``pdffence``);
- every stream pdfminer decodes within ``limits.PDF_INFLATED_MB`` (``pdfstreams``);
- each page laid out within ``limits.PDF_GLYPHS`` glyphs, ``limits.PDF_DRAWS`` drawing operations and
  ``limits.PDF_OPERATORS`` operators and operands, the task's clock looked at inside the page (``pdfpage``);
- at most ``limits.PAGES`` pages (``check_pages``, once the document is open);

and ``reading_pdf`` turns whatever a damaged PDF makes pdfminer raise into one XlToolsError naming the
file. pdfminer and pdfplumber log what they repair in English: that goes nowhere near the user.
"""

from __future__ import annotations

import contextlib
import logging
import struct
import zlib
from pathlib import Path

from .. import limits
from ..errors import XlToolsError

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def check_pages(count: int, source: str) -> None:
    if count > limits.value(limits.PAGES):
        raise XlToolsError(limits.exceeded(limits.PAGES, f"为 {count:,} 页"), file=source)


@contextlib.contextmanager
def reading_pdf(source: str):
    """What pdfminer raises on a damaged PDF → one XlToolsError naming the file (a budget's own
    XlToolsError, which pdfplumber wraps, is passed on as it is)."""
    from pdfminer.pdfparser import PDFSyntaxError  # optional dependency (the pdf extra)
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    try:
        yield
    except XlToolsError:
        raise
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PSException, KeyError, IndexError, TypeError,
            ValueError, AttributeError, AssertionError, RecursionError, struct.error, zlib.error, EOFError,
            StopIteration, RuntimeError) as exc:
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, XlToolsError):
            raise inner.located(file=source) from None
        raise XlToolsError(f"PDF 文件已损坏或结构异常，无法读取（{type(exc).__name__}）：请重新导出 PDF 后再试",
                           file=source) from None


def _read(path: Path):
    from .pdfsource import read_pdf  # pdfplumber: the optional pdf extra
    from .pdfstreams import budget
    with reading_pdf(str(path)), budget(str(path)):
        return read_pdf(path)


def read_pdf_bounded(path: Path):
    """``pdfsource.read_pdf(path)`` within every bound (see the module docstring)."""
    from .pdffence import fenced
    return fenced(_read, Path(path), source=str(path))
