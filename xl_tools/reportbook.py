"""The reviewer's workbooks (batch review, send-back list, diff): sheets laid out cell by cell in memory
(``Sheet``) and written as a new package of the patcher (``ooxml.newpackage``: ``sheetgen`` generates
every sheet, text stored by ``celltext.escaped`` and never a formula). Shared formatting: a title
line, headers, the tool's colours, wrapped text with row heights that show it, a page setup that
prints (A4 landscape, one page wide, header rows repeated on every page), and saving them marked as
xl-tools' own (``outputmark``), atomically, with one Chinese line naming the file when it cannot be
written."""

from __future__ import annotations

import errno
import numbers
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from . import outputmark, textfit
from .celltext import fitted
from .errors import XlToolsError
from .fileio import atomic_target
from .findings import ERROR, INFO, WARNING
from .ooxml.charts import BarChart
from .ooxml.newpackage import DocProps, write_new_workbook
from .ooxml.patch import Generated
from .ooxml.sheetgen import PageSetup, RichText, Run, SheetSpec
from .ooxml.styles import Format
from .schema import AMBER_FILL, AMBER_FONT, RED_FILL, RED_FONT

GREEN_FILL, GREEN_FONT = "C6EFCE", "006100"     # Excel's "Good" style: an increase in the diff
BLUE_FILL, BLUE_FONT = "DDEBF7", "1F4E78"       # headers and infos
COLOURS = {ERROR: (RED_FILL, RED_FONT), WARNING: (AMBER_FILL, AMBER_FONT), INFO: (BLUE_FILL, BLUE_FONT),
           "rise": (GREEN_FILL, GREEN_FONT)}
FONT_NAME, FONT_SIZE = "Calibri", 11.0          # the workbook's default font (``ooxml.styles.MINIMAL``)
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
BORDER_RGB = "A6A6A6"
DEFAULT_WIDTH = 8.43

PLAIN = Format()
BOXED = Format(wrap=True, vertical="top", border=True, border_color=BORDER_RGB)      # a table's cell
HEADER = Format(bold=True, color=BLUE_FONT, fill=BLUE_FILL, horizontal="center", vertical="center", wrap=True,
                border=True, border_color=BORDER_RGB)


def _value(value):
    """A value as the generator writes it: numbers of any kind (numpy's too) as int, float or Decimal,
    text cut to what a cell holds (``celltext.fitted``)."""
    if value is None or isinstance(value, (str, bool, int, float, Decimal, RichText)):
        return fitted(value) if isinstance(value, str) else value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


class Sheet:
    """One sheet of a report, laid out in memory: values and formats by (row, column), widths,
    heights, merges, frozen panes, an autofilter, the print setup, charts."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._rows: dict[int, dict[int, list]] = {}        # row → column → [value, Format]
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.freeze: tuple[int, int] | None = None
        self.autofilter: tuple[int, int, int, int] | None = None
        self.page: PageSetup | None = None
        self.print_titles: tuple[int, int] | None = None
        self.print_area: tuple[int, int, int, int] | None = None
        self.hidden = False
        self.charts: list[BarChart] = []
        self.max_row = self.max_column = 0

    def _cell(self, row: int, col: int) -> list:
        cells = self._rows.setdefault(row, {})
        cell = cells.get(col)
        if cell is None:
            cell = cells[col] = [None, PLAIN]
            self.max_row, self.max_column = max(self.max_row, row), max(self.max_column, col)
        return cell

    def set(self, row: int, col: int, value, fmt: Format | None = None) -> None:
        cell = self._cell(row, col)
        cell[0] = _value(value)
        if fmt is not None:
            cell[1] = fmt

    def value(self, row: int, col: int):
        cell = self._rows.get(row, {}).get(col)
        return None if cell is None else cell[0]

    def format(self, row: int, col: int) -> Format:
        cell = self._rows.get(row, {}).get(col)
        return PLAIN if cell is None else cell[1]

    def style(self, row: int, col: int, **changes) -> None:
        """Change some of the cell's format (``ooxml.styles.Format`` fields), keeping the rest."""
        cell = self._cell(row, col)
        cell[1] = replace(cell[1], **changes)

    def append(self, values: Iterable) -> int:
        """The values in a new row below the last one (each a cell, None too); returns its number."""
        row = self.max_row + 1
        for col, value in enumerate(values, start=1):
            self.set(row, col, value)
        self.max_row = max(self.max_row, row)
        return row

    def width(self, col: int) -> float:
        return self.widths.get(col, DEFAULT_WIDTH)

    def generated(self) -> Generated:
        """The sheet for ``sheetgen``."""
        rows = []
        for r in range(1, self.max_row + 1):
            cells = self._rows.get(r, {})
            rows.append([tuple(cells[c]) if c in cells else (None, None) for c in range(1, max(cells, default=0) + 1)])
        spec = SheetSpec(rows=rows, widths=dict(self.widths), heights=dict(self.heights), merges=list(self.merges),
                         freeze=self.freeze, autofilter=self.autofilter, page=self.page)
        return Generated(self.name, spec, hidden=self.hidden, print_titles=self.print_titles,
                         print_area=self.print_area or False, charts=list(self.charts))


class Book:
    """The sheets of a report, in order: laid out here (``sheet``) or generated elsewhere (``add``: the
    batch review's 合并公开表, ``publish.xlsx.table_sheet``)."""

    def __init__(self) -> None:
        self.sheets: list[Sheet | Generated] = []

    def sheet(self, name: str) -> Sheet:
        ws = Sheet(name)
        self.sheets.append(ws)
        return ws

    def add(self, gen: Generated) -> None:
        self.sheets.append(gen)

    def generated(self) -> list[Generated]:
        return [s.generated() if isinstance(s, Sheet) else s for s in self.sheets]


def paint(ws: Sheet, row: int, col: int, kind: str, bold: bool = False) -> None:
    """The tool's colour pair: red errors, amber warnings, blue infos, green increases."""
    fill_rgb, font_rgb = COLOURS[kind]
    ws.style(row, col, fill=fill_rgb, color=font_rgb, bold=bold or ws.format(row, col).bold)


def marked_text(parts: list[tuple[str, bool]], kind: str, *, strike: bool = False) -> RichText | str:
    """A cell's text whose marked parts (``(text, True)``) are in the colour of ``kind``, bold, and
    struck through when ``strike`` (what a diff deleted); plain text when nothing is marked."""
    if not any(marked and text for text, marked in parts):
        return "".join(text for text, _ in parts)
    colour = COLOURS[kind][1]
    return RichText(tuple(Run(text, bold=True, strike=strike, color=colour, font=FONT_NAME, size=FONT_SIZE)
                          if marked else Run(text) for text, marked in parts if text))


def header(ws: Sheet, headers, widths=None, row: int = 1, freeze: bool = True, col: int = 1) -> None:
    """A bold, blue, wrapped header row at ``row`` (from column ``col``), tall enough for its captions;
    with ``widths`` the column widths are set, else the columns keep theirs (a second table on a sheet).
    Panes are frozen below it unless ``freeze`` is false."""
    cols = range(col, col + len(headers))
    if widths is not None:
        for c, width in zip(cols, widths):
            ws.widths[c] = width
    for c, text in zip(cols, headers):
        ws.set(row, c, text, HEADER)
    # bold glyphs are a little wider: measure the captions one size up
    height = textfit.fitted_height(list(zip(headers, [ws.width(c) for c in cols])), FONT_SIZE + 1)
    ws.heights[row] = max(ws.heights.get(row, 0), height)
    if freeze:
        ws.freeze = (row + 1, 1)


def title_block(ws: Sheet, lines, ncols: int) -> int:
    """Lines above a sheet's table, each merged across its ``ncols`` columns: the first one bold (what
    the workbook is: files, years, date), the others plain or in a colour (``(text, kind)`` pairs, kind
    ``error`` / ``warning`` / None). Returns the row for the table's header."""
    width = sum(column_widths(ws, ncols))
    for r, line in enumerate(lines, start=1):
        text, kind = line if isinstance(line, tuple) else (line, None)
        ws.set(r, 1, text, Format(wrap=True, vertical="center", bold=r == 1,
                                  size=FONT_SIZE + (1 if r == 1 else 0)))
        if kind:
            paint(ws, r, 1, kind, bold=True)
        if ncols > 1:
            ws.merges.append((r, 1, r, ncols))
        ws.heights[r] = textfit.fitted_height([(text, width)], FONT_SIZE + 1)
    return len(lines) + 1


def column_widths(ws: Sheet, ncols: int) -> list[float]:
    return [ws.width(c) for c in range(1, ncols + 1)]


def fit_rows(ws: Sheet, first: int, last: int | None = None, ncols: int | None = None) -> None:
    """Wrap every cell of rows ``first..last`` (top-aligned, thin border) and give each row the height
    that shows its longest text in full (``textfit``, on the safe side)."""
    last = ws.max_row if last is None else last
    ncols = ws.max_column if ncols is None else ncols
    widths = column_widths(ws, ncols)
    for r in range(first, last + 1):
        texts = []
        for c in range(1, ncols + 1):
            ws.style(r, c, wrap=True, vertical="top", border=True, border_color=BORDER_RGB)
            value = ws.value(r, c)
            if isinstance(value, (str, RichText)):
                texts.append((str(value), widths[c - 1]))
        ws.heights[r] = textfit.fitted_height(texts, FONT_SIZE)


def print_setup(ws: Sheet, title_rows: int | None = 1, ncols: int | None = None,
                page_title: str | None = None) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as needed), row ``title_rows``
    repeated on every page (None: a sheet of several tables repeats nothing), the used range as print
    area, grid lines off (the cells have borders); ``page_title`` at the top of every printed page."""
    ws.page = PageSetup(orientation="landscape", fit_width=1, fit_height=0, center_horizontally=True,
                        margins=(0.4, 0.4, 0.7 if page_title else 0.5, 0.5), footer="&C第 &P 页，共 &N 页",
                        header=f"&C&9 {page_title.replace('&', '&&')}" if page_title else None)
    if title_rows:
        ws.print_titles = (title_rows, title_rows)
    ncols = ws.max_column if ncols is None else ncols
    ws.print_area = (1, 1, max(ws.max_row, 1), max(ncols, 1))


_WRITE_ERRORS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "磁盘或文件夹是只读的",
                 errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "路径不存在或不能在此创建文件"}


def save(book: Book, path: str | Path, kind: str) -> Path:
    """Save a reviewer's workbook: marked as xl-tools' ``kind`` of output (so a batch never reads it back
    as a filing), atomically; XlToolsError naming the file when it cannot be written."""
    path = Path(path)
    try:
        with atomic_target(path) as tmp:
            write_new_workbook(tmp, book.generated(), DocProps(custom=((outputmark.PROPERTY, kind),)))
    except OSError as exc:
        why = _WRITE_ERRORS.get(exc.errno, exc.strerror or type(exc).__name__)
        raise XlToolsError(f"无法写入（{why}）", file=str(path)) from None
    return path
