"""Native charts on a generated sheet: a bar chart over cells of that sheet (the review workbook's
findings by rule family), as a chart part and the drawing part that places it, both related to the
sheet (``attach``; ``patch.WorkbookPatch.replace_sheet`` does it for a ``Generated`` with charts).
The chart reads its numbers from the cells, so Excel and LibreOffice draw what the sheet says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..address import column_letter
from ..lazyxml import etree
from ..refs import quote_sheet
from .package import Package
from .xml import REL, serialize

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_DRAWING, RT_CHART = _OD + "drawing", _OD + "chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
EMU_PER_CM = 360_000
_CAT_AXIS, _VAL_AXIS = "10", "100"


@dataclass(frozen=True)
class Series:
    caption: tuple[int, int]                 # (row, column) of the cell naming the series
    values: tuple[int, int, int]             # first row, column, last row of its numbers
    fill: str                                # RRGGBB of the bars
    line: str                                # RRGGBB of their outline


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: tuple[int, int, int]         # first row, column, last row of the category names
    series: tuple[Series, ...]
    anchor: tuple[int, int]                  # (row, column) of the cell at its top-left corner
    width_cm: float = 15.0
    height_cm: float = 7.5
    x_title: str = ""                        # the category axis
    y_title: str = ""                        # the value axis
    horizontal: bool = True                  # bars (True) or columns
    stacked: bool = True


def _el(parent, ns: str, local: str, **attrs):
    return etree.SubElement(parent, f"{{{ns}}}{local}", {k: str(v) for k, v in attrs.items()})


def _val(parent, local: str, value) -> None:
    _el(parent, C, local, val=value)


def _ref(sheet: str, first_row: int, col: int, last_row: int) -> str:
    letter = column_letter(col)
    return f"{quote_sheet(sheet)}!${letter}${first_row}:${letter}${last_row}"


def _rich_title(parent, text: str) -> None:
    title = _el(parent, C, "title")
    rich = _el(_el(title, C, "tx"), C, "rich")
    _el(rich, A, "bodyPr")
    _el(rich, A, "lstStyle")
    p = _el(rich, A, "p")
    _el(_el(p, A, "pPr"), A, "defRPr")
    _el(_el(p, A, "r"), A, "t").text = text
    _val(title, "overlay", 0)


def _solid(parent, rgb: str) -> None:
    _el(_el(parent, A, "solidFill"), A, "srgbClr", val=rgb.upper())


def chart_xml(chart: BarChart, sheet: str) -> bytes:
    """The chart part of `chart`, its references into `sheet`."""
    root = etree.Element(f"{{{C}}}chartSpace", nsmap={None: C, "a": A, "r": REL})
    body = _el(root, C, "chart")
    _rich_title(body, chart.title)
    _val(body, "autoTitleDeleted", 0)
    plot = _el(body, C, "plotArea")
    bars = _el(plot, C, "barChart")
    _val(bars, "barDir", "bar" if chart.horizontal else "col")
    _val(bars, "grouping", "stacked" if chart.stacked else "clustered")
    _val(bars, "varyColors", 0)
    cat_first, cat_col, cat_last = chart.categories
    for k, series in enumerate(chart.series):
        ser = _el(bars, C, "ser")
        _val(ser, "idx", k)
        _val(ser, "order", k)
        row, col = series.caption
        _el(_el(_el(ser, C, "tx"), C, "strRef"), C, "f").text = _ref(sheet, row, col, row).split(":")[0]
        props = _el(ser, C, "spPr")
        _solid(props, series.fill)
        _solid(_el(props, A, "ln"), series.line)
        _val(ser, "invertIfNegative", 0)
        _el(_el(_el(ser, C, "cat"), C, "strRef"), C, "f").text = _ref(sheet, cat_first, cat_col, cat_last)
        first, vcol, last = series.values
        _el(_el(_el(ser, C, "val"), C, "numRef"), C, "f").text = _ref(sheet, first, vcol, last)
    _val(bars, "gapWidth", 150)
    if chart.stacked:
        _val(bars, "overlap", 100)
    _val(bars, "axId", _CAT_AXIS)
    _val(bars, "axId", _VAL_AXIS)
    for axis, own, other, position, title in (("catAx", _CAT_AXIS, _VAL_AXIS, "l" if chart.horizontal else "b",
                                                chart.x_title),
                                               ("valAx", _VAL_AXIS, _CAT_AXIS, "b" if chart.horizontal else "l",
                                                chart.y_title)):
        ax = _el(plot, C, axis)
        _val(ax, "axId", own)
        _val(_el(ax, C, "scaling"), "orientation", "minMax")
        _val(ax, "delete", 0)
        _val(ax, "axPos", position)
        if axis == "valAx":
            _el(ax, C, "majorGridlines")
        if title:
            _rich_title(ax, title)
        _val(ax, "majorTickMark", "none" if axis == "catAx" else "out")
        _val(ax, "minorTickMark", "none")
        _val(ax, "tickLblPos", "nextTo")
        _val(ax, "crossAx", other)
        _val(ax, "crosses", "autoZero")
        if axis == "catAx":
            _val(ax, "auto", 1)
            _val(ax, "lblAlgn", "ctr")
            _val(ax, "lblOffset", 100)
        else:
            _val(ax, "crossBetween", "between")
    legend = _el(body, C, "legend")
    _val(legend, "legendPos", "r")
    _val(legend, "overlay", 0)
    _val(body, "plotVisOnly", 1)
    _val(body, "dispBlanksAs", "gap")
    return serialize(root)


def drawing_xml(charts: Sequence[BarChart], rids: Sequence[str]) -> bytes:
    """The drawing part placing each chart (its relationship id in `rids`) at its anchor cell."""
    root = etree.Element(f"{{{XDR}}}wsDr", nsmap={"xdr": XDR, "a": A, "r": REL, "c": C})
    for k, (chart, rid) in enumerate(zip(charts, rids, strict=True), start=1):
        anchor = _el(root, XDR, "oneCellAnchor")
        start = _el(anchor, XDR, "from")
        row, col = chart.anchor
        for local, value in (("col", col - 1), ("colOff", 0), ("row", row - 1), ("rowOff", 0)):
            _el(start, XDR, local).text = str(value)
        _el(anchor, XDR, "ext", cx=round(chart.width_cm * EMU_PER_CM), cy=round(chart.height_cm * EMU_PER_CM))
        frame = _el(anchor, XDR, "graphicFrame", macro="")
        names = _el(frame, XDR, "nvGraphicFramePr")
        _el(names, XDR, "cNvPr", id=k + 1, name=f"Chart {k}")
        _el(names, XDR, "cNvGraphicFramePr")
        xfrm = _el(frame, XDR, "xfrm")
        _el(xfrm, A, "off", x=0, y=0)
        _el(xfrm, A, "ext", cx=0, cy=0)
        data = _el(_el(frame, A, "graphic"), A, "graphicData", uri=C)
        _el(data, C, "chart").set(f"{{{REL}}}id", rid)
        _el(anchor, XDR, "clientData")
    return serialize(root)


def attach(pkg: Package, sheet_part: str, sheet: str, charts: Sequence[BarChart]) -> str:
    """Add `charts` (over cells of the sheet `sheet`) to the sheet part `sheet_part`: the chart parts,
    one drawing part placing them, and their relationships. Returns the relationship id the sheet's
    ``<drawing>`` names (``sheetgen.SheetSpec.drawing``)."""
    drawing = pkg.unused_name("xl/drawings/drawing{}.xml")
    pkg.set_bytes(drawing, b"", CT_DRAWING)                  # its name taken before the charts are named
    rids = []
    for chart in charts:
        part = pkg.unused_name("xl/charts/chart{}.xml")
        pkg.set_bytes(part, chart_xml(chart, sheet), CT_CHART)
        rids.append(pkg.add_rel(drawing, RT_CHART, part))
    pkg.set_bytes(drawing, drawing_xml(charts, rids), CT_DRAWING)
    return pkg.add_rel(sheet_part, RT_DRAWING, drawing)
