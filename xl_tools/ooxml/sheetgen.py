"""Worksheets generated whole (a tool's own sheets): values (rich text too), formats, merges, widths,
columns' default formats, heights, frozen panes, an autofilter, data validations, print setup with a
page header and footer, a code name (what VBA calls the sheet), a drawing (the charts of ``charts``),
a legacy drawing (the form buttons of ``buttons``) and Excel tables (``tables``), written as Excel
writes them. Rows are written as text in
batches, as the spec makes them, so a sheet of any length needs the memory of one batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ..address import a1, column_letter, range_a1
from ..celltext import escaped
from ..lazyxml import etree
from .cells import cell_xml, inline_xml
from .styles import Format, Styles
from .xml import DECLARATION, MAIN, REL, attr_xml, q, split_around, text_xml

BATCH_ROWS = 250
PAPER_A4 = 9


@dataclass(frozen=True)
class Formula:
    """A formula cell (text without the leading "=") with the value it shows until recalculated."""

    text: str
    cached: str | int | float | Decimal | None = None


class RowCells(NamedTuple):
    """A row of cells as two lists, its values and their formats (``Format`` or None), as a sheet's
    ``rows`` may give it besides a list of (value, format): rows formatted alike share one list of
    formats, which the generator maps to format ids once (a 校验结果 of 20,000 findings has a handful)."""

    values: Sequence
    formats: Sequence


@dataclass(frozen=True)
class Run:
    """A run of a rich-text cell: its text and how it differs from the cell's font (None: as the cell)."""

    text: str
    bold: bool = False
    strike: bool = False
    color: str | None = None          # RRGGBB
    font: str | None = None
    size: float | None = None


@dataclass(frozen=True)
class RichText:
    """A text cell whose runs have fonts of their own (``Run``); ``str()`` is its plain text."""

    runs: tuple[Run, ...]

    def __str__(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class PageSetup:
    paper: int = PAPER_A4
    orientation: str = "landscape"
    fit_width: int = 1
    fit_height: int = 0                       # 0: as many pages as needed
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)    # left right top bottom, inches
    center_horizontally: bool = False
    footer: str | None = None                 # the printed footer (codes: &C centre, &P page, &N pages)
    header: str | None = None                 # the printed header (the same codes; &9 a 9-point font)


@dataclass(frozen=True)
class Validation:
    """A data validation (Excel's 数据验证) over the cells (r1, c1, r2, c2): a `kind` (whole, decimal, list,
    custom …) with its formulas (text without "="; a list's items as one quoted text, "甲,乙"), and the
    message Excel shows when a value breaks it (`error_style`: stop refuses it, warning asks)."""

    ref: tuple[int, int, int, int]
    kind: str
    formula1: str
    formula2: str | None = None
    operator: str | None = None               # None: between (the default), or greaterThanOrEqual …
    error_style: str = "stop"
    error_title: str | None = None
    error: str | None = None


@dataclass
class SheetSpec:
    """A sheet to generate. ``rows`` are lists of (value, Format or None), or ``RowCells``, from row 1: a
    list, or any iterable (rows made as they are written) when ``nrows`` and ``ncols`` give the sheet's
    size."""

    rows: Iterable[Sequence[tuple]]
    widths: dict[int, float] = field(default_factory=dict)           # column → width (characters)
    heights: dict[int, float] = field(default_factory=dict)          # row → points
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2
    freeze: tuple[int, int] | None = None     # the first scrolling (row, column)
    autofilter: tuple[int, int, int, int] | None = None
    page: PageSetup | None = None
    nrows: int | None = None
    ncols: int | None = None
    row_breaks: list[int] = field(default_factory=list)     # a printed page ends after each of these rows
    drawing: str | None = None                # the relationship id of the sheet's drawing (its charts)
    column_formats: dict[int, Format] = field(default_factory=dict)   # column → the format of what is typed there
    validations: list[Validation] = field(default_factory=list)
    code_name: str | None = None              # the sheet's name in VBA (Sheet1 …)
    selected: bool = False                    # the sheet shown when the workbook opens
    legacy_drawing: str | None = None         # the relationship id of its VML drawing (form buttons)
    tables: list[str] = field(default_factory=list)    # the relationship ids of its tables
    hidden_columns: frozenset[int] = frozenset()       # columns hidden (a click on 取消隐藏 shows them)

    def size(self) -> tuple[int, int]:
        """(rows, columns) of the cells."""
        if self.nrows is not None and self.ncols is not None:
            return self.nrows, self.ncols
        rows = self.rows if isinstance(self.rows, list) else None
        if rows is None:
            raise ValueError("a sheet whose rows are made as they are written needs nrows and ncols")
        return len(rows), max((len(r.values) if type(r) is RowCells else len(r) for r in rows), default=0)


def write_sheet(dst, spec: SheetSpec, styles: Styles) -> None:
    """Write the worksheet XML of `spec` to the binary stream `dst`. The frame (what is before and
    after the rows) is built with lxml; the rows are written as text (``cells.cell_xml``: the bytes
    lxml would give), in batches, as `spec.rows` yields them."""
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
    if spec.page is not None or spec.code_name:
        pr = etree.SubElement(root, q("sheetPr"), {"codeName": spec.code_name} if spec.code_name else {})
        if spec.page is not None:
            etree.SubElement(pr, q("pageSetUpPr"), fitToPage="1")
    last_row, last_col = spec.size()
    last_col = max([last_col, *spec.widths, 1])
    etree.SubElement(root, q("dimension"), ref=range_a1(1, 1, max(last_row, 1), last_col))
    view = etree.SubElement(etree.SubElement(root, q("sheetViews")), q("sheetView"),
                            {"tabSelected": "1", "workbookViewId": "0"} if spec.selected else {"workbookViewId": "0"})
    if spec.freeze:
        _freeze(view, *spec.freeze)
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="15")
    if spec.widths or spec.column_formats or spec.hidden_columns:
        cols = etree.SubElement(root, q("cols"))
        for col in sorted({*spec.widths, *spec.column_formats, *spec.hidden_columns}):
            attrs = {"min": str(col), "max": str(col)}
            if col in spec.widths:
                attrs["width"] = _num(spec.widths[col])
            style = styles.format_id(spec.column_formats.get(col))
            if style:
                attrs["style"] = str(style)
            if col in spec.hidden_columns:
                attrs["hidden"] = "1"
            if col in spec.widths:
                attrs["customWidth"] = "1"
            etree.SubElement(cols, q("col"), attrs)
    sd = etree.SubElement(root, q("sheetData"))
    _tail(root, spec)
    head, tail = split_around(root, sd)
    dst.write(DECLARATION + head)
    ids: dict[int, str | None] = {}       # id(format) → style index (None for 0): formats are shared objects
    by_list: dict[int, list] = {}         # id(list of formats) → their ``_text_attrs`` (``RowCells``)
    keep = []

    def sid(fmt) -> str | None:
        s = ids.get(id(fmt), "")
        if s == "":
            style = styles.format_id(fmt)
            s = ids[id(fmt)] = str(style) if style else None
            keep.append(fmt)
        return s

    letters = [column_letter(c) for c in range(1, last_col + 1)]
    opens = [f'<c r="{x}' for x in letters]             # a cell's start, its row number follows
    heights = spec.heights
    row_heads: dict[float, str] = {}                      # a height → what follows the row's number
    out: list[str] = []
    r = 0
    for r, cells in enumerate(spec.rows, start=1):
        rs = str(r)
        if r in heights:
            height = heights[r]
            head = row_heads.get(height)
            if head is None:
                head = row_heads[height] = f'" ht="{_num(height)}" customHeight="1">'
            row = [f'<row r="{rs}{head}']
        else:
            row = [f'<row r="{rs}">']
        if type(cells) is RowCells:
            values, fmts = cells
            texts = by_list.get(id(fmts))
            if texts is None:
                texts = by_list[id(fmts)] = [_text_attrs(sid(f)) for f in fmts]
                keep.append(fmts)
            pairs = zip(values, texts)
        else:
            pairs = [(value, _text_attrs(sid(fmt))) for value, fmt in cells]
        for k, (value, (s, text_attrs)) in enumerate(pairs):
            if type(value) is str and value:         # the common case, as cell_xml writes it
                if value.isprintable() and "_x" not in value and "&" not in value and "<" not in value \
                        and ">" not in value and value[0] != " " and value[-1] != " ":
                    # nothing to escape, no space to keep (a printable text's only space is " "): as inline_xml
                    row.append(f"{opens[k]}{rs}{text_attrs}<is><t>{value}</t></is></c>")
                else:
                    row.append(f"{opens[k]}{rs}{text_attrs}{inline_xml(value)}</c>")
            elif value is None and s is None:
                continue
            elif isinstance(value, Formula):
                row.append(_formula_xml(letters[k] + rs, s, value))
            elif isinstance(value, RichText):
                row.append(rich_xml(letters[k] + rs, s, value))
            else:
                row.append(cell_xml(letters[k] + rs, s, value))
        if len(row) == 1:
            out.append(row[0][:-1] + "/>")
        else:
            row.append("</row>")
            out.append("".join(row))
        if r % BATCH_ROWS == 0:
            dst.write("".join(out).encode("utf-8"))
            out.clear()
    if r != last_row:
        raise ValueError(f"the sheet has {r} rows, its size says {last_row}")
    dst.write("".join(out).encode("utf-8"))
    dst.write(tail)


def _text_attrs(style: str | None) -> tuple[str | None, str]:
    """(the style index, what follows a text cell's reference up to its ``<is>``) of a cell of format
    ``style``, as ``cell_xml`` writes it."""
    return style, ('" t="inlineStr">' if style is None else f'" s="{style}" t="inlineStr">')


def _formula_xml(ref: str, style: str | None, value: Formula) -> str:
    head = f'<c r="{ref}"' if style is None else f'<c r="{ref}" s="{style}"'
    if isinstance(value.cached, str):
        head += ' t="str"'
    cached = "" if value.cached is None else f"<v>{text_xml(str(value.cached))}</v>"
    return f"{head}><f>{text_xml(value.text)}</f>{cached}</c>"


def rich_xml(ref: str, style: str | None, value: RichText) -> str:
    """An inline rich-text cell: one ``<r>`` per run, its ``<rPr>`` saying what differs from the cell's
    font; the text stored by the one rule (``celltext.escaped``)."""
    head = f'<c r="{ref}"' if style is None else f'<c r="{ref}" s="{style}"'
    runs = []
    for run in value.runs:
        if not run.text:
            continue
        props = []                              # in the order of CT_Font, as Excel writes them
        if run.bold:
            props.append("<b/>")
        if run.strike:
            props.append("<strike/>")
        if run.size:
            props.append(f'<sz val="{_num(run.size)}"/>')
        if run.color:
            props.append(f'<color rgb="FF{run.color.upper()}"/>')
        if run.font:
            props.append(f'<rFont val="{attr_xml(run.font)}"/>')
        text = escaped(run.text)
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() or "\n" in text else ""
        runs.append(f"<r>{'<rPr>' + ''.join(props) + '</rPr>' if props else ''}<t{space}>{text_xml(text)}</t></r>")
    if not runs:
        return head + "/>"
    return f'{head} t="inlineStr"><is>{"".join(runs)}</is></c>'


def _freeze(view, row: int, col: int) -> None:
    attrs = {}
    if col > 1:
        attrs["xSplit"] = str(col - 1)
    if row > 1:
        attrs["ySplit"] = str(row - 1)
    if not attrs:
        return
    pane = "bottomRight" if col > 1 and row > 1 else ("bottomLeft" if row > 1 else "topRight")
    etree.SubElement(view, q("pane"), {**attrs, "topLeftCell": a1(row, col), "activePane": pane,
                                       "state": "frozen"})
    etree.SubElement(view, q("selection"), pane=pane, activeCell=a1(row, col), sqref=a1(row, col))


def _tail(root, spec: SheetSpec) -> None:
    if spec.autofilter:
        etree.SubElement(root, q("autoFilter"), ref=range_a1(*spec.autofilter))
    if spec.merges:
        merges = etree.SubElement(root, q("mergeCells"), count=str(len(spec.merges)))
        for m in spec.merges:
            etree.SubElement(merges, q("mergeCell"), ref=range_a1(*m))
    if spec.validations:
        holder = etree.SubElement(root, q("dataValidations"), count=str(len(spec.validations)))
        for v in spec.validations:
            holder.append(_validation(v))
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
        if page.footer or page.header:
            holder = etree.SubElement(root, q("headerFooter"))
            if page.header:
                etree.SubElement(holder, q("oddHeader")).text = page.header
            if page.footer:
                etree.SubElement(holder, q("oddFooter")).text = page.footer
    if spec.row_breaks:
        breaks = etree.SubElement(root, q("rowBreaks"), count=str(len(spec.row_breaks)),
                                  manualBreakCount=str(len(spec.row_breaks)))
        for row in spec.row_breaks:
            etree.SubElement(breaks, q("brk"), id=str(row), max="16383", man="1")
    if spec.drawing:
        etree.SubElement(root, q("drawing"), {q("id", REL): spec.drawing})
    if spec.legacy_drawing:
        etree.SubElement(root, q("legacyDrawing"), {q("id", REL): spec.legacy_drawing})
    if spec.tables:
        parts = etree.SubElement(root, q("tableParts"), count=str(len(spec.tables)))
        for rid in spec.tables:
            etree.SubElement(parts, q("tablePart"), {q("id", REL): rid})


def _validation(v: Validation):
    attrs = {"type": v.kind}
    if v.operator:
        attrs["operator"] = v.operator
    if v.error_style != "stop":
        attrs["errorStyle"] = v.error_style
    attrs.update(allowBlank="1", showInputMessage="1", showErrorMessage="1")
    if v.error_title:
        attrs["errorTitle"] = v.error_title
    if v.error:
        attrs["error"] = v.error
    attrs["sqref"] = range_a1(*v.ref)
    el = etree.Element(q("dataValidation"), attrs)
    etree.SubElement(el, q("formula1")).text = v.formula1
    if v.formula2 is not None:
        etree.SubElement(el, q("formula2")).text = v.formula2
    return el


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(round(float(x), 4))
