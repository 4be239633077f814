"""Worksheets generated whole (a tool's own sheets): values, formats, merges, widths, heights, frozen
panes, an autofilter and print setup, written as Excel writes them. Rows are built and serialised in
batches, so a sheet of any length needs the memory of one batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from .cells import ROW, C, F, V, col_letter, ref, write_text, write_value
from .styles import Styles
from .xml import DECLARATION, MAIN, REL, children_bytes, q, split_around

BATCH_ROWS = 250
PAPER_A4 = 9


@dataclass(frozen=True)
class Formula:
    """A formula cell (text without the leading "=") with the value it shows until recalculated."""

    text: str
    cached: str | int | float | Decimal | None = None


@dataclass(frozen=True)
class PageSetup:
    paper: int = PAPER_A4
    orientation: str = "landscape"
    fit_width: int = 1
    fit_height: int = 0                       # 0: as many pages as needed
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)    # left right top bottom, inches
    center_horizontally: bool = False


@dataclass
class SheetSpec:
    """A sheet to generate. ``rows`` are lists of (value, Format or None), from row 1."""

    rows: list[list[tuple]]
    widths: dict[int, float] = field(default_factory=dict)           # column → width (characters)
    heights: dict[int, float] = field(default_factory=dict)          # row → points
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2
    freeze: tuple[int, int] | None = None     # the first scrolling (row, column)
    autofilter: tuple[int, int, int, int] | None = None
    page: PageSetup | None = None


def range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    first, last = ref(r1, c1), ref(r2, c2)
    return first if first == last else f"{first}:{last}"


def write_sheet(dst, spec: SheetSpec, styles: Styles) -> None:
    """Write the worksheet XML of `spec` to the binary stream `dst`."""
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
    if spec.page is not None:
        etree.SubElement(etree.SubElement(root, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
    last_row = len(spec.rows)
    last_col = max([len(r) for r in spec.rows] + list(spec.widths) + [1])
    etree.SubElement(root, q("dimension"), ref=range_ref(1, 1, max(last_row, 1), last_col))
    view = etree.SubElement(etree.SubElement(root, q("sheetViews")), q("sheetView"), workbookViewId="0")
    if spec.freeze:
        _freeze(view, *spec.freeze)
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="15")
    if spec.widths:
        cols = etree.SubElement(root, q("cols"))
        for col in sorted(spec.widths):
            etree.SubElement(cols, q("col"), min=str(col), max=str(col), width=_num(spec.widths[col]),
                             customWidth="1")
    sd = etree.SubElement(root, q("sheetData"))
    _tail(root, spec)
    head, tail = split_around(root, sd)
    dst.write(DECLARATION + head)
    ids: dict[int, str] = {}              # id(format) → style index: formats are shared objects
    keep = []
    letters = [col_letter(c) for c in range(1, last_col + 1)]
    heights = spec.heights
    for r, cells in enumerate(spec.rows, start=1):
        rs = str(r)
        row = etree.SubElement(sd, ROW, r=rs)
        if r in heights:
            row.set("ht", _num(heights[r]))
            row.set("customHeight", "1")
        for k, (value, fmt) in enumerate(cells):
            s = ids.get(id(fmt))
            if s is None:
                s = ids[id(fmt)] = str(styles.format_id(fmt))
                keep.append(fmt)
            if value is None and s == "0":
                continue
            c = etree.SubElement(row, C, r=letters[k] + rs) if s == "0" else \
                etree.SubElement(row, C, r=letters[k] + rs, s=s)
            if type(value) is str:
                if value:
                    write_text(c, value)
            elif isinstance(value, Formula):
                etree.SubElement(c, F).text = value.text
                if isinstance(value.cached, str):
                    c.set("t", "str")
                if value.cached is not None:
                    etree.SubElement(c, V).text = str(value.cached)
            else:
                write_value(c, value)
        if r % BATCH_ROWS == 0:
            dst.write(children_bytes(sd))
            del sd[:]
    dst.write(children_bytes(sd))
    del sd[:]
    dst.write(tail)


def _freeze(view, row: int, col: int) -> None:
    attrs = {}
    if col > 1:
        attrs["xSplit"] = str(col - 1)
    if row > 1:
        attrs["ySplit"] = str(row - 1)
    if not attrs:
        return
    pane = "bottomRight" if col > 1 and row > 1 else ("bottomLeft" if row > 1 else "topRight")
    etree.SubElement(view, q("pane"), {**attrs, "topLeftCell": ref(row, col), "activePane": pane,
                                       "state": "frozen"})
    etree.SubElement(view, q("selection"), pane=pane, activeCell=ref(row, col), sqref=ref(row, col))


def _tail(root, spec: SheetSpec) -> None:
    if spec.autofilter:
        etree.SubElement(root, q("autoFilter"), ref=range_ref(*spec.autofilter))
    if spec.merges:
        merges = etree.SubElement(root, q("mergeCells"), count=str(len(spec.merges)))
        for m in spec.merges:
            etree.SubElement(merges, q("mergeCell"), ref=range_ref(*m))
    page = spec.page
    if page is not None and page.center_horizontally:
        etree.SubElement(root, q("printOptions"), horizontalCentered="1")
    left, right, top, bottom = page.margins if page is not None else (0.7, 0.7, 0.75, 0.75)
    etree.SubElement(root, q("pageMargins"), left=_num(left), right=_num(right), top=_num(top),
                     bottom=_num(bottom), header="0.3", footer="0.3")
    if page is not None:
        attrs = {"paperSize": str(page.paper), "fitToWidth": str(page.fit_width),
                 "fitToHeight": str(page.fit_height)}
        attrs["orientation"] = page.orientation
        etree.SubElement(root, q("pageSetup"), attrs)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(round(float(x), 4))
