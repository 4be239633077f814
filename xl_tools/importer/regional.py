"""The regional layouts (``forms``) from xlsx and PDF: the sheet's or the PDF tables' rows as ``| a | b |``
text lines, which ``forms.read_layouts`` reads like a copied web table."""

from __future__ import annotations

from pathlib import Path

from .. import limits
from ..textnorm import well_formed
from ..xlsxfile import open_workbook, reading, table_rows
from .pdfguard import check_pages, reading_pdf

MAX_COLUMNS = 64        # a regional form or export has at most a few dozen columns


def _line(cells, wrap: str = " ") -> str:
    """One row as ``| a | b |``; a line break inside a cell becomes ``wrap`` (a space between the lines a
    person broke in a workbook cell; nothing in a PDF, where it is where the text wrapped)."""
    texts = ["" if v is None else well_formed(str(v)).replace("\n", wrap).strip() for v in cells]
    while texts and not texts[-1]:
        texts.pop()
    return "| " + " | ".join(texts) + " |" if any(texts) else ""


def xlsx_rows_text(path: str | Path) -> str:
    """Every sheet's rows, one ``| … |`` line each (merged cells give their value in the first cell)."""
    path = Path(path)
    wb = open_workbook(path, data_only=True)
    lines = []
    with reading(path):
        for ws in wb.worksheets:
            for _r, row in table_rows(ws, max_col=min(ws.max_column, MAX_COLUMNS), values_only=True):
                lines.append(_line(row))
    wb.close()
    return "\n".join(line for line in lines if line)


def pdf_rows_text(path: str | Path) -> str:
    """The PDF's ruled tables, one ``| … |`` line per row, each page's text before its tables (the title,
    年度, 金额单位), read within the same bounds as the table reader (``pdfguard.read_pdf_bounded``)."""
    from .pdffence import fenced
    return fenced(_pdf_rows, Path(path), source=str(path))


def _pdf_rows(path: Path) -> str:
    from .pdfpage import lay_out
    from .pdfsource import open_pdf
    from .pdfstreams import budget
    from .pdftables import extract_tables

    lines: list[str] = []
    with reading_pdf(str(path)), budget(str(path)), open_pdf(path) as pdf:
        check_pages(len(pdf.pages), str(path))
        for page in pdf.pages:
            limits.check_time()
            lay_out(page, str(path))
            lines.extend(well_formed(page.extract_text() or "").split("\n")[:3])
            for table in extract_tables(page, str(path)):
                lines.extend(_line(row, wrap="") for row in table)
            page.close()
    return "\n".join(line for line in lines if line)
