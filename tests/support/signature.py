"""A workbook's user-visible content as plain data: compare workbooks at cell/validation level.

Used by the template drift test, the idempotency tests of refresh (a second refresh changes nothing)
and the cross-check of the two writers (openpyxl vs xlwings actions replayed).
"""

from __future__ import annotations

from pathlib import Path

from xl_tools.xlsxfile import open_workbook


def _fill(cell) -> str | None:
    fill = cell.fill
    if fill is None or fill.fill_type in (None, "none"):
        return None
    color = fill.fgColor
    return getattr(color, "rgb", None) if color is not None and color.type == "rgb" else str(color.theme)


def workbook_signature(path: str | Path, *, styles: bool = False) -> dict:
    wb = open_workbook(path)
    try:
        sig: dict = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
                     "names": sorted((n, dn.attr_text) for n, dn in wb.defined_names.items())}
        for ws in wb.worksheets:
            cells = {}
            for row in ws.iter_rows():
                for c in row:
                    entry = {}
                    if c.value not in (None, ""):
                        entry["v"] = c.value
                    if styles:
                        f = _fill(c)
                        if f:
                            entry["fill"] = f
                        if c.comment is not None:
                            entry["note"] = c.comment.text
                        if c.hyperlink is not None:
                            entry["link"] = c.hyperlink.location or c.hyperlink.target
                    if entry:
                        cells[c.coordinate] = entry
            sig[ws.title] = {
                "cells": cells,
                "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.errorStyle)
                                      for dv in ws.data_validations.dataValidation),
                "tables": sorted((t.name, t.ref, tuple(col.name for col in t.tableColumns))
                                 for t in ws.tables.values()),
                "freeze": ws.freeze_panes,
                "widths": {k: round(d.width, 2) for k, d in ws.column_dimensions.items() if d.width},
                "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "print": (ws.page_setup.orientation, ws.page_setup.paperSize, str(ws.print_title_rows or "")),
            }
        return sig
    finally:
        wb.close()
