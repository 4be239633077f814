"""Formatting shared by the reviewer's workbooks (batch review, diff): a title line, headers, the tool's
colours, wrapped text with row heights that show it, a page setup that prints (A4 landscape, one page
wide, header rows repeated on every page), and saving them marked as xl-tools' own (``outputmark``),
atomically, with one Chinese line naming the file when it cannot be written."""

from __future__ import annotations

import errno
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from . import outputmark, textfit
from .address import column_letter
from .celltext import storable, text_only
from .errors import XlToolsError
from .fileio import atomic_target
from .findings import ERROR, INFO, WARNING
from .schema import AMBER_FILL, AMBER_FONT, RED_FILL, RED_FONT

GREEN_FILL, GREEN_FONT = "C6EFCE", "006100"     # Excel's "Good" style: an increase in the diff
BLUE_FILL, BLUE_FONT = "DDEBF7", "1F4E78"       # headers and infos
COLOURS = {ERROR: (RED_FILL, RED_FONT), WARNING: (AMBER_FILL, AMBER_FONT), INFO: (BLUE_FILL, BLUE_FONT),
           "rise": (GREEN_FILL, GREEN_FONT)}
FONT_NAME, FONT_SIZE = "Calibri", 11.0          # openpyxl's default font: styled cells keep it
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"

_THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def fill(kind: str) -> PatternFill:
    return PatternFill("solid", fgColor=COLOURS[kind][0])


def font(bold: bool = False, color: str | None = None, size: float = FONT_SIZE) -> Font:
    """The workbook's default face, so a styled cell prints in the same font as the others."""
    return Font(name=FONT_NAME, size=size, bold=bold, color=color)


def paint(cell, kind: str, bold: bool = False) -> None:
    """The tool's colour pair: red errors, amber warnings, blue infos, green increases."""
    fill_rgb, font_rgb = COLOURS[kind]
    cell.fill = PatternFill("solid", fgColor=fill_rgb)
    cell.font = font(bold=bold or bool(cell.font.b), color=font_rgb, size=cell.font.sz or FONT_SIZE)


def marked_text(parts: list[tuple[str, bool]], kind: str, *, strike: bool = False) -> CellRichText | str:
    """A cell's text whose marked parts (``(text, True)``) are in the colour of ``kind``, bold, and
    struck through when ``strike`` (what a diff deleted); plain text when nothing is marked."""
    if not any(marked and text for text, marked in parts):
        return storable("".join(text for text, _ in parts))
    style = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, b=True, strike=strike or None, color=COLOURS[kind][1])
    return CellRichText([TextBlock(style, storable(text)) if marked else storable(text)
                         for text, marked in parts if text])


def header(ws: Worksheet, headers, widths=None, row: int = 1, freeze: bool = True, col: int = 1) -> None:
    """A bold, blue, wrapped header row at ``row`` (from column ``col``), tall enough for its captions;
    with ``widths`` the column widths are set, else the columns keep theirs (a second table on a sheet).
    Panes are frozen below it unless ``freeze`` is false."""
    letters = [column_letter(c) for c in range(col, col + len(headers))]
    if widths is not None:
        for letter, width in zip(letters, widths):
            ws.column_dimensions[letter].width = width
    current = [ws.column_dimensions[letter].width or 8.43 for letter in letters]
    for c, text in enumerate(headers, start=col):
        cell = ws.cell(row=row, column=c, value=text)
        cell.font = font(bold=True, color=BLUE_FONT)
        cell.fill = PatternFill("solid", fgColor=BLUE_FILL)
        cell.alignment = HEADER_ALIGN
        cell.border = BOX
    # bold glyphs are a little wider: measure the captions one size up
    height = textfit.fitted_height(list(zip(headers, current)), FONT_SIZE + 1)
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, height)
    if freeze:
        ws.freeze_panes = f"A{row + 1}"


def title_block(ws: Worksheet, lines, ncols: int) -> int:
    """Lines above a sheet's table, each merged across its ``ncols`` columns: the first one bold (what
    the workbook is: files, years, date), the others plain or in a colour (``(text, kind)`` pairs, kind
    ``error`` / ``warning`` / None). Returns the row for the table's header."""
    width = sum(column_widths(ws, ncols))
    for r, line in enumerate(lines, start=1):
        text, kind = line if isinstance(line, tuple) else (line, None)
        cell = ws.cell(row=r, column=1, value=storable(text))
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = font(bold=r == 1, size=FONT_SIZE + (1 if r == 1 else 0))
        if kind:
            paint(cell, kind, bold=True)
        if ncols > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.row_dimensions[r].height = textfit.fitted_height([(text, width)], FONT_SIZE + 1)
    return len(lines) + 1


def column_widths(ws: Worksheet, ncols: int) -> list[float]:
    return [ws.column_dimensions[column_letter(c)].width or 8.43 for c in range(1, ncols + 1)]


_TOP_WRAP: dict[str | None, Alignment] = {}


def _top_wrap(horizontal: str | None) -> Alignment:
    """Wrapped, top-aligned, keeping the cell's horizontal alignment (one object per kind: thousands of
    cells share it)."""
    if horizontal not in _TOP_WRAP:
        _TOP_WRAP[horizontal] = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
    return _TOP_WRAP[horizontal]


def fit_rows(ws: Worksheet, first: int, last: int | None = None, ncols: int | None = None) -> None:
    """Wrap every cell of rows ``first..last`` (top-aligned, thin border) and give each row the height
    that shows its longest text in full (``textfit``, on the safe side)."""
    last = ws.max_row if last is None else last
    ncols = ws.max_column if ncols is None else ncols
    widths = column_widths(ws, ncols)
    for r in range(first, last + 1):
        texts = []
        for c in range(1, ncols + 1):
            cell = ws.cell(row=r, column=c)
            cell.alignment = _top_wrap(cell.alignment.horizontal)
            cell.border = BOX
            if isinstance(cell.value, (str, CellRichText)):
                texts.append((str(cell.value), widths[c - 1]))
        ws.row_dimensions[r].height = textfit.fitted_height(texts, FONT_SIZE)


def print_setup(ws: Worksheet, title_rows: str | None = "1:1", ncols: int | None = None,
                page_title: str | None = None) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as needed), ``title_rows`` repeated on
    every page (None: a sheet of several tables repeats nothing), the used range as print area, grid
    lines off (the cells have borders); ``page_title`` at the top of every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    ncols = ws.max_column if ncols is None else ncols
    ws.print_area = f"A1:{column_letter(ncols)}{max(ws.max_row, 1)}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if page_title:
        ws.page_margins.top = 0.7
        ws.oddHeader.center.text = page_title.replace("&", "&&")
        ws.oddHeader.center.size = 9


_WRITE_ERRORS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "磁盘或文件夹是只读的",
                 errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "路径不存在或不能在此创建文件"}


def save(wb, path: str | Path, kind: str, finish: Callable[[io.BytesIO, Path], None] | None = None) -> Path:
    """Save a reviewer's workbook: marked as xl-tools' ``kind`` of output (so a batch never reads it back
    as a filing), atomically; XlToolsError naming the file when it cannot be written. ``finish(saved,
    tmp)``, when given, writes the final file ``tmp`` from the workbook openpyxl ``saved`` (the batch
    review generates its 合并公开表 sheets into it with the package patcher)."""
    path = Path(path)
    outputmark.mark(wb, kind)
    text_only(wb)                   # file, unit and project names: never formulas
    try:
        with atomic_target(path) as tmp:
            if finish is None:
                wb.save(tmp)
            else:
                saved = io.BytesIO()
                wb.save(saved)
                saved.seek(0)
                finish(saved, tmp)
    except OSError as exc:
        why = _WRITE_ERRORS.get(exc.errno, exc.strerror or type(exc).__name__)
        raise XlToolsError(f"无法写入（{why}）", file=str(path)) from None
    return path
