"""The workbook spec for tests/js/excel_model.mjs (the in-memory Excel behind xlwings' JS client),
read from a real .xlsx/.xlsm with openpyxl, and helpers to read the model back after the client ran.

A cell's value is what Excel shows (the cached value; a simple sum when a script wrote the formula
without one, as tests/support/payload.py does), with its formula, number format, fill, font and
wrap; columns widths are converted to points, the unit Office.js reports; notes, merges, names
(book and sheet scope), tables and the print area come along.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter

from tests.support.payload import VISIBILITY, _formula_fallback

DEFAULT_WIDTH_POINTS = 48.0        # Excel's 8.43 characters


def _excel_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(value, dt.date):
        return (value - dt.date(1899, 12, 30)).days
    return str(value)


def _color(rgb) -> str | None:
    if isinstance(rgb, str) and len(rgb) in (6, 8) and rgb not in ("00000000",):
        return "#" + rgb[-6:].upper()
    return None


def workbook_spec(path: str | Path, *, selection: tuple[str, str] | None = None, year: int = 2025) -> dict:
    """The model's initial state for the workbook file at ``path``."""
    path = Path(path)
    wb = load_workbook(path, data_only=False)
    cached = load_workbook(path, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            cws = cached[ws.title]
            cells = {}
            for row in ws.iter_rows():
                for cell in row:
                    ccell = cws[cell.coordinate]
                    spec = {}
                    value = ccell.value
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        spec["f"] = cell.value
                        if value is None:
                            value = _formula_fallback(cell.value, cws)
                    value = _excel_value(value)
                    if value not in (None, ""):
                        spec["v"] = value
                    if cell.number_format and cell.number_format != "General":
                        spec["nf"] = cell.number_format
                    if cell.fill is not None and cell.fill.fill_type == "solid":
                        fill = _color(cell.fill.fgColor.rgb)
                        if fill:
                            spec["fill"] = fill
                    font = {}
                    if cell.font is not None:
                        if cell.font.b:
                            font["bold"] = True
                        color = _color(cell.font.color.rgb) if cell.font.color is not None else None
                        if color and color != "#000000":
                            font["color"] = color
                        if cell.font.name and cell.font.name != "宋体":
                            font["name"] = cell.font.name
                    if font:
                        spec["font"] = font
                    if cell.alignment is not None and cell.alignment.wrap_text:
                        spec["wrap"] = True
                    if spec:
                        cells[cell.coordinate] = spec
            widths = {letter: round(dim.width * 7 * 0.75, 2) for letter, dim in ws.column_dimensions.items()
                      if dim.width}
            heights = {str(r): dim.height for r, dim in ws.row_dimensions.items() if dim.height}
            sheets.append({
                "name": ws.title,
                "visibility": VISIBILITY.get(ws.sheet_state, "Visible"),
                "cells": cells,
                "columnWidths": widths,
                "rowHeights": heights,
                "notes": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
                "merges": [str(m) for m in ws.merged_cells.ranges],
                "tables": [{"name": t.name, "address": t.ref,
                            "columns": [col.name for col in t.tableColumns]} for t in ws.tables.values()],
                "names": [{"name": n, "formula": "=" + dn.attr_text.lstrip("=")} for n, dn in ws.defined_names.items()],
                "printArea": ws.print_area.replace("$", "").split("!")[-1] if ws.print_area else None,
            })
        names = [{"name": n, "formula": "=" + dn.attr_text.lstrip("=")} for n, dn in wb.defined_names.items()]
        active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    finally:
        wb.close()
        cached.close()
    sel_sheet, sel_address = selection or (sheets[active]["name"], "A1")
    return {"name": path.name, "sheets": sheets, "names": names, "active": active, "year": year,
            "selection": {"sheet": sel_sheet, "address": sel_address}}


def sheet(dump: dict, name: str) -> dict:
    """One sheet of the model dump run_client.mjs writes."""
    for s in dump["sheets"]:
        if s["name"] == name:
            return s
    raise KeyError(f"no sheet {name!r} in {[s['name'] for s in dump['sheets']]}")


def column_letter(col: int) -> str:
    return get_column_letter(col)
