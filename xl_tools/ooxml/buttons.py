"""Form buttons (开发工具 → 插入 → 按钮(窗体控件)) on a generated sheet: each a shape of the sheet's legacy
VML drawing that runs a macro of the workbook's VBA project when clicked, placed over cells as Excel
places it (``attach``; ``patch.WorkbookPatch.replace_sheet`` does it for a ``Generated`` with buttons).
The notes a refresh adds later go into the same drawing, beside the buttons (``comments``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..lazyxml import etree
from .comments import BLOCK, OFFICE, VML_NS, V, X, vml_blocks_in_use
from .package import Package
from .xml import CT_VML, RT_VML, serialize

BUTTON_SHAPETYPE = "_x0000_t201"
DEFAULT_COLUMN_PX = 64                 # a column of Excel's default width (8.43 characters of Calibri 11)
DEFAULT_ROW_PX = 20                    # a row of the default height (15 points)


@dataclass(frozen=True)
class FormButton:
    caption: str
    macro: str                         # the macro it runs (a Sub of a standard module)
    anchor: tuple[int, int]            # (row, column) of the cell at its top-left corner
    width_px: int = 128
    height_px: int = 36


def column_px(width: float | None) -> int:
    """Pixels of a column whose width is stored as `width` (characters with Excel's padding; None: default)."""
    return DEFAULT_COLUMN_PX if width is None else int(width * 7 + 0.5)


def row_px(height: float | None) -> int:
    """Pixels of a row `height` points high (None: the default)."""
    return DEFAULT_ROW_PX if height is None else int(height * 4 / 3)


def _span(start: int, size: int, length) -> tuple[int, int]:
    """(index, offset in pixels) where a run of `size` pixels from the start of index `start` ends."""
    k = start
    while size > length(k):
        size -= length(k)
        k += 1
    return k, size


def anchor_text(button: FormButton, widths: dict[int, float], heights: dict[int, float]) -> tuple[str, str]:
    """(the ``x:Anchor`` of the button: from column, offset, row, offset, to column, offset, row, offset,
    0-based, in pixels; the CSS position of its shape in points)."""
    row, col = button.anchor
    col_len = lambda c: column_px(widths.get(c + 1))             # noqa: E731 (0-based index → pixels)
    row_len = lambda r: row_px(heights.get(r + 1))               # noqa: E731
    to_col, col_off = _span(col - 1, button.width_px, col_len)
    to_row, row_off = _span(row - 1, button.height_px, row_len)
    anchor = f"{col - 1}, 0, {row - 1}, 0, {to_col}, {col_off}, {to_row}, {row_off}"
    left = sum(col_len(c) for c in range(col - 1)) * 0.75
    top = sum(row_len(r) for r in range(row - 1)) * 0.75
    style = (f"position:absolute;margin-left:{_pt(left)}pt;margin-top:{_pt(top)}pt;width:{_pt(button.width_px * 0.75)}pt;"
             f"height:{_pt(button.height_px * 0.75)}pt;z-index:1;mso-wrap-style:tight")
    return anchor, style


def _pt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(round(x, 2))


def _el(parent, ns: str, local: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{local}" if ns else local, attrs)
    if text is not None:
        el.text = text
    return el


def vml_xml(buttons: Sequence[FormButton], block: int, widths: dict[int, float], heights: dict[int, float]) -> bytes:
    """The VML drawing of `buttons` (shape ids in the o:idmap `block`), as Excel writes a form button."""
    vml = etree.Element("xml", nsmap=VML_NS)
    layout = _el(vml, OFFICE, "shapelayout", **{f"{{{V}}}ext": "edit"})
    _el(layout, OFFICE, "idmap", **{f"{{{V}}}ext": "edit", "data": str(block)})
    st = _el(vml, V, "shapetype", id=BUTTON_SHAPETYPE, coordsize="21600,21600",
             **{f"{{{OFFICE}}}spt": "201"}, path="m,l,21600r21600,l21600,xe")
    _el(st, V, "stroke", joinstyle="miter")
    _el(st, V, "path", shadowok="f", **{f"{{{OFFICE}}}extrusionok": "f"}, strokeok="f", fillok="f",
        **{f"{{{OFFICE}}}connecttype": "rect"})
    _el(st, OFFICE, "lock", **{f"{{{V}}}ext": "edit"}, shapetype="t")
    for k, button in enumerate(buttons, start=1):
        anchor, style = anchor_text(button, widths, heights)
        shape = _el(vml, V, "shape", id=f"_x0000_s{block * BLOCK + k}", type="#" + BUTTON_SHAPETYPE, style=style,
                    **{f"{{{OFFICE}}}button": "t"}, fillcolor="buttonFace [67]", strokecolor="windowText [64]",
                    **{f"{{{OFFICE}}}insetmode": "auto"})
        _el(shape, V, "fill", color2="buttonFace [67]", **{f"{{{OFFICE}}}detectmouseclick": "t"})
        _el(shape, OFFICE, "lock", **{f"{{{V}}}ext": "edit"}, rotation="t")
        box = _el(shape, V, "textbox", style="mso-direction-alt:auto", **{f"{{{OFFICE}}}singleclick": "f"})
        _el(_el(box, "", "div", style="text-align:center"), "", "font", button.caption, face="Calibri", size="220",
            color="#000000")
        data = _el(shape, X, "ClientData", ObjectType="Button")
        for local, text in (("Anchor", anchor), ("PrintObject", "False"), ("AutoFill", "False"),
                            ("FmlaMacro", f"[0]!{button.macro}"), ("TextHAlign", "Center"), ("TextVAlign", "Center")):
            _el(data, X, local, text)
    return serialize(vml, declaration=False)          # as Excel writes VML


def attach(pkg: Package, sheet_part: str, buttons: Sequence[FormButton], widths: dict[int, float],
           heights: dict[int, float]) -> str:
    """Add a VML drawing holding `buttons` to the sheet part `sheet_part` (whose column `widths` and row
    `heights` place them); returns the relationship id its ``<legacyDrawing>`` names
    (``sheetgen.SheetSpec.legacy_drawing``)."""
    block = max(vml_blocks_in_use(pkg), default=0) + 1
    part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
    pkg.ensure_default("vml", CT_VML)
    pkg.set_bytes(part, vml_xml(buttons, block, widths, heights))
    return pkg.add_rel(sheet_part, RT_VML, part)
