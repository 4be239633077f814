"""Write a ``TableLayout`` as a worksheet, always with the package patcher's sheet generator
(``ooxml.sheetgen``): the 公开表 a refresh writes into the filing, the standalone 公开表.xlsx of
``xl-tools publish`` (a new package, ``ooxml.newpackage``), and the batch review's 合并公开表 (its layout
widened by a 来源文件 column)."""

from __future__ import annotations

from pathlib import Path

from ..errors import XlToolsError
from ..fileio import atomic_target, oserror_text
from ..identity import DEPARTMENT_KEY, UNITS_KEY, YEAR_KEY, keywords
from ..model import Filing
from ..ooxml.newpackage import DocProps, write_new_workbook
from ..ooxml.patch import Generated
from ..ooxml.sheetgen import PageSetup as SheetPage
from ..ooxml.sheetgen import SheetSpec
from ..ooxml.styles import Format
from ..schema import SHEET_PUBLIC
from .table import TableLayout, render, title_of

TABLE_AUTHOR = "xl-tools"


def layout_spec(layout: TableLayout, font: str | None = None) -> SheetSpec:
    """The layout as a sheet to generate: values, one format per style key (font family `font` or the
    layout's first choice), merges, widths, heights, frozen header, A4 landscape one page wide."""
    family = font or layout.font
    formats = {key: Format(font=family, size=style.size, bold=style.bold, horizontal=style.horizontal,
                           vertical=style.vertical, wrap=style.wrap, indent=style.indent, border=style.border,
                           number_format=style.number_format, fill=style.fill, color=style.color)
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
                       margins=page.margins_in, center_horizontally=page.center_horizontally, footer=page.footer),
        row_breaks=list(layout.row_breaks))


def table_sheet(layout: TableLayout, name: str = SHEET_PUBLIC, font: str | None = None) -> Generated:
    """The sheet `name` of `layout`, with its print titles and print area."""
    return Generated(name, layout_spec(layout, font), print_titles=layout.repeat_rows, print_area=True)


def table_props(filing: Filing | None) -> DocProps:
    """The identity of `filing` as document properties (``identity``: title, subject, keywords; custom
    预算年度, 部门名称, 资金使用单位); none without a filing."""
    if filing is None:
        return DocProps(creator=TABLE_AUTHOR)
    units = filing.unit_names()
    custom = tuple((key, value) for key, value in ((YEAR_KEY, filing.year), (DEPARTMENT_KEY, filing.department),
                                                   (UNITS_KEY, "、".join(units))) if value)
    return DocProps(title=title_of(filing), subject=filing.department or "",
                    keywords=keywords(filing.year, filing.department, units), creator=TABLE_AUTHOR, custom=custom)


def publish_xlsx(filing: Filing, path: str | Path, font: str | None = None, *,
                 draft: bool = False) -> TableLayout:
    """Write the published table of ``filing`` as the only sheet (公开表) of a new workbook, through
    ``fileio.atomic_target`` (temp file beside ``path``, then one rename)."""
    return write_layout(render(filing, draft=draft), path, font, filing)


def write_layout(layout: TableLayout, path: str | Path, font: str | None = None,
                 filing: Filing | None = None) -> TableLayout:
    """Write a table layout (``render``'s, or one a caller extended) as the only sheet (公开表) of a new
    workbook (``ooxml.newpackage``), atomically; with ``filing``, its identity in the document properties
    (``table_props``)."""
    with atomic_target(path) as tmp:
        try:
            write_new_workbook(tmp, [table_sheet(layout, SHEET_PUBLIC, font)], table_props(filing))
        except OSError as exc:
            raise XlToolsError(f"无法写入：{oserror_text(exc)}", file=str(path)) from None
    return layout
