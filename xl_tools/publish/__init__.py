"""Publish the official 项目支出绩效目标表: one renderer (``table.render``), one xlsx writer (``xlsx``: the
package patcher's sheet generator) and, through LibreOffice, PDF (``pdf``)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..fileio import probe_writable
from ..model import Filing

if TYPE_CHECKING:
    from .table import TableLayout

__all__ = ["Published", "indicator_text", "publish", "publish_layout", "publish_signed", "publish_xlsx", "render",
           "table_sheet", "to_pdf"]


def __getattr__(name: str):
    """The renderer and the writers, imported when asked for: the plan of a refresh needs only
    ``table``'s page setup, ``check`` nothing of this package."""
    if name == "indicator_text":
        from .indicators import indicator_text
        return indicator_text
    if name == "to_pdf":
        from .pdf import to_pdf
        return to_pdf
    if name == "render":
        from .table import render
        return render
    if name in ("publish_xlsx", "table_sheet"):
        from . import xlsx
        return getattr(xlsx, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Published:
    xlsx: Path
    pdf: Path | None
    layout: TableLayout
    pdf_font: str | None             # the font family the PDF was rendered with

    @property
    def notes(self) -> list[str]:
        return self.layout.notes


def publish(filing: Filing, xlsx_path: str | Path, pdf_path: str | Path | None = None, *,
            draft: bool = False) -> Published:
    """Write the table as a workbook (font 宋体) and, when ``pdf_path`` is given, as a PDF.

    The PDF is converted from a copy that names a Chinese font installed on this machine (宋体 when
    present, else Noto Serif/Sans CJK SC), so LibreOffice on Linux prints a 宋体-like face. ``draft``
    marks the title (a filing with errors, published on request).
    """
    from .table import render
    return publish_layout(render(filing, draft=draft), xlsx_path, pdf_path, filing)


def publish_signed(filing: Filing, xlsx_path: str | Path, pdf_path: str | Path | None = None, *,
                   department: str, coverage: str, draft: bool = False) -> Published:
    """``publish`` of the table a department head signs (``signed.signed_layout``): ``coverage`` below
    it, the signature block of ``department``, page numbers, the tool's page breaks; ``draft``: it does
    not cover every unit it should."""
    from .signed import signed_layout
    return publish_layout(signed_layout(filing, department, coverage, draft=draft), xlsx_path, pdf_path, filing)


def publish_layout(layout: TableLayout, xlsx_path: str | Path, pdf_path: str | Path | None = None,
                   filing: Filing | None = None) -> Published:
    """``publish`` of a table layout already made (``render``'s, or one extended from it: the table to
    sign); ``filing``'s identity goes into the document properties."""
    from .pdf import installed_font, to_pdf
    from .xlsx import write_layout
    xlsx_path = Path(xlsx_path)
    if pdf_path is not None:
        probe_writable(pdf_path)            # before the xlsx: a PDF that cannot be written stops nothing half done
    write_layout(layout, xlsx_path, filing=filing)
    if pdf_path is None:
        return Published(xlsx_path, None, layout, None)
    font = installed_font(layout.fonts)
    if font == layout.font:
        to_pdf(xlsx_path, pdf_path)
    else:
        with tempfile.TemporaryDirectory(prefix="xltools-pub-") as tmp:
            copy = Path(tmp) / xlsx_path.name
            write_layout(layout, copy, font=font, filing=filing)
            to_pdf(copy, pdf_path)
    return Published(xlsx_path, Path(pdf_path), layout, font)
