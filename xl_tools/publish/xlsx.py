"""Write a ``TableLayout`` as a worksheet: with the package patcher's sheet generator
(``ooxml.sheetgen``) for the sheet a refresh writes into the filing and the standalone 公开表.xlsx of
``xl-tools publish``; with openpyxl (``apply_layout``) into a workbook openpyxl builds — the batch
review's 合并公开表, which adds its own 来源文件 column beside the table."""

from __future__ import annotations

import io
from copy import copy
from pathlib import Path

import xlsxwriter
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..celltext import storable
from ..errors import XlToolsError
from ..fileio import atomic_target, oserror_text
from ..model import Filing
from ..ooxml.package import Package
from ..ooxml.patch import Generated, WorkbookPatch
from ..ooxml.sheetgen import PageSetup as SheetPage
from ..ooxml.sheetgen import SheetSpec
from ..ooxml.styles import Format
from ..ooxml.view import WorkbookView
from ..schema import SHEET_PUBLIC
from .table import CellStyle, TableLayout, render

TABLE_AUTHOR = "xl-tools"


def layout_spec(layout: TableLayout, font: str | None = None) -> SheetSpec:
    """The layout as a sheet to generate: values, one format per style key (font family `font` or the
    layout's first choice), merges, widths, heights, frozen header, A4 landscape one page wide."""
    family = font or layout.font
    formats = {key: Format(font=family, size=style.size, bold=style.bold, horizontal=style.horizontal,
                           vertical=style.vertical, wrap=style.wrap, indent=style.indent, border=style.border,
                           number_format=style.number_format)
               for key, style in layout.styles.items()}
    rows = ([(cell.value, formats[cell.style]) for cell in cells] for cells in layout.rows)   # as written
    page = layout.page
    _first, last = layout.repeat_rows
    return SheetSpec(
        rows=rows, nrows=len(layout.rows), ncols=max((len(r) for r in layout.rows), default=0), widths={c: w for c, w in enumerate(layout.column_widths, start=1)},
        heights={r: h for r, h in enumerate(layout.row_heights, start=1)},
        merges=[(m.first_row, m.first_col, m.last_row, m.last_col) for m in layout.merges],
        freeze=(last + 1, 1),
        page=SheetPage(orientation=page.orientation, fit_width=page.fit_to_width, fit_height=page.fit_to_height,
                       margins=page.margins_in, center_horizontally=page.center_horizontally))


def table_sheet(layout: TableLayout, name: str = SHEET_PUBLIC, font: str | None = None) -> Generated:
    """The sheet `name` of `layout`, with its print titles and print area."""
    return Generated(name, layout_spec(layout, font), print_titles=layout.repeat_rows, print_area=True)


def write_table_sheet(source, out, layout: TableLayout, name: str, font: str | None = None) -> None:
    """Copy the workbook `source` (a path or a binary stream) to `out` with the sheet `name`
    (re)generated from `layout`; every other part is copied as it is."""
    with Package(source) as pkg:
        view = WorkbookView(pkg, max_rows=1, blank_run=1)
        patch = WorkbookPatch(view, note_author=TABLE_AUTHOR)
        patch.replace_sheet(table_sheet(layout, name, font), len(view.sheetnames))
        patch.save(out)


def blank_workbook(name: str) -> bytes:
    """A workbook with one empty sheet `name`."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet(name)
    wb.close()
    return buf.getvalue()


def publish_xlsx(filing: Filing, path: str | Path, font: str | None = None, *,
                 draft: bool = False) -> TableLayout:
    """Write the published table of ``filing`` as the only sheet (公开表) of a new workbook, through
    ``fileio.atomic_target`` (temp file beside ``path``, then one rename)."""
    layout = render(filing, draft=draft)
    with atomic_target(path) as tmp:
        try:
            write_table_sheet(io.BytesIO(blank_workbook(SHEET_PUBLIC)), tmp, layout, SHEET_PUBLIC, font)
        except OSError as exc:
            raise XlToolsError(f"无法写入：{oserror_text(exc)}", file=str(path)) from None
    return layout


# ---------------------------------------------------------------------- into an openpyxl worksheet

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _font(style: CellStyle, family: str) -> Font:
    return Font(name=family, size=style.size, bold=style.bold)


def _alignment(style: CellStyle) -> Alignment:
    return Alignment(horizontal=style.horizontal, vertical=style.vertical, wrap_text=style.wrap,
                     indent=style.indent)


def apply_layout(ws: Worksheet, layout: TableLayout, font: str | None = None) -> None:
    """Write ``layout`` into the empty worksheet ``ws`` (values, styles, merges, sizes, printing).

    ``font`` overrides the layout's first-choice family (e.g. a fallback installed on this machine).
    """
    family = font or layout.font
    # Each style key is registered with the workbook once, on the first cell that uses it; later cells
    # copy that cell's style ids (openpyxl would otherwise hash the style objects for every cell).
    first: dict[str, object] = {}
    for r, cells in enumerate(layout.rows, start=1):
        for c, cell in enumerate(cells, start=1):
            target = ws.cell(row=r, column=c, value=storable(cell.value))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                target.data_type = "s"          # a user's text that looks like a formula stays text
            proto = first.get(cell.style)
            if proto is not None:
                target._style = copy(proto._style)
                continue
            style = layout.styles[cell.style]
            target.font = _font(style, family)
            target.alignment = _alignment(style)
            if style.border:
                target.border = _BOX
            if style.number_format is not None:
                target.number_format = style.number_format
            first[cell.style] = target
    for merge in layout.merges:
        _merge(ws, merge)
    for c, width in enumerate(layout.column_widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, height in enumerate(layout.row_heights, start=1):
        ws.row_dimensions[r].height = height
    _page_setup(ws, layout)


def _merge(ws: Worksheet, merge) -> None:
    """``ws.merge_cells`` without its border re-formatting: every cell of the range already carries
    the layout's box border, so the merged placeholders keep the style ids of the cells they replace."""
    rng = MergedCellRange(ws, CellRange(min_col=merge.first_col, min_row=merge.first_row,
                                        max_col=merge.last_col, max_row=merge.last_row).coord)
    ws.merged_cells.add(rng)
    cells = rng.cells
    next(cells)
    for row, col in cells:
        placeholder = MergedCell(ws, row, col)
        old = ws._cells.get((row, col))
        if old is not None:
            placeholder._style = copy(old._style)
        ws._cells[row, col] = placeholder


def _page_setup(ws: Worksheet, layout: TableLayout) -> None:
    page = layout.page
    first, last = layout.repeat_rows
    ws.print_title_rows = f"{first}:{last}"
    ws.freeze_panes = ws.cell(row=last + 1, column=1).coordinate
    ws.page_setup.orientation = page.orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = page.fit_to_width
    ws.page_setup.fitToHeight = page.fit_to_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = page.center_horizontally
    left, right, top, bottom = page.margins_in
    ws.page_margins.left, ws.page_margins.right = left, right
    ws.page_margins.top, ws.page_margins.bottom = top, bottom
    ws.print_area = f"A1:{get_column_letter(len(layout.column_widths))}{len(layout.rows)}"
