"""Build the JSON an Office.js client would send to xlwings Server, from a real .xlsx/.xlsm file.

Used by tests (and the lead's cross-check test) to drive the remote engine, ``xw.Book(json=...)``,
and the ``/xlwings/custom-scripts-call/{name}`` route without Excel. The shape follows
xlwings-server's ``getBookData`` (static/js/custom-scripts/index.js): values from A1 to the last cell
that holds a value ("" for empty), dates as ISO strings, defined names with their sheet index and
address, note addresses per sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}


def _json_value(value):
    """A cell value as Office.js sends it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, int) and abs(value) >= 2 ** 53 else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def _formula_fallback(formula: str, cached_ws) -> object:
    """A formula cell without a cached value (file written by a script): Excel would have computed
    it; do the same for simple sums, else send an empty cell."""
    from xl_tools.workbook.cells import simple_formula_refs
    refs = simple_formula_refs(formula)
    if refs is None:
        return ""
    total = 0
    for ref in refs:
        v = cached_ws[ref].value
        if isinstance(v, bool) or (v is not None and not isinstance(v, (int, float))):
            return ""
        total += v or 0
    return total


def _sheet_values(ws, cached_ws) -> list[list]:
    rows = []
    last_col = 0
    for formula_row, cached_row in zip(ws.iter_rows(), cached_ws.iter_rows()):
        row = []
        for fcell, ccell in zip(formula_row, cached_row):
            value = ccell.value
            if value is None and isinstance(fcell.value, str) and fcell.value.startswith("="):
                value = _formula_fallback(fcell.value, cached_ws)
            row.append(_json_value(value))
        while row and row[-1] == "":
            row.pop()
        last_col = max(last_col, len(row))
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        return [[""]]
    return [r + [""] * (last_col - len(r)) for r in rows]


def _addresses(ref: str) -> tuple[str, str] | None:
    """'基本信息'!$B$2 -> ('基本信息', 'B2'); None for anything that is not one rectangle."""
    text = ref.lstrip("=")
    if "!" not in text or "," in text:
        return None
    sheet, addr = text.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    try:
        c1, r1, c2, r2 = range_boundaries(addr.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if None in (c1, r1, c2, r2):
        return None
    first = f"{get_column_letter(c1)}{r1}"
    return sheet, first if (c1, r1) == (c2, r2) else f"{first}:{get_column_letter(c2)}{r2}"


def _name_entry(name: str, refers_to: str, sheetnames: list[str], scope: int | None) -> dict:
    target = _addresses(refers_to)
    sheet_index = sheetnames.index(target[0]) if target and target[0] in sheetnames else None
    return {
        "name": name,
        "refers_to": refers_to if refers_to.startswith("=") else "=" + refers_to,
        "type": "Range" if sheet_index is not None else "String",
        "sheet_index": sheet_index,
        "address": target[1] if sheet_index is not None else None,
        "scope_sheet_name": sheetnames[scope] if scope is not None else None,
        "scope_sheet_index": scope,
        "book_scope": scope is None,
    }


def payload_from_xlsx(path: str | Path, *, selection: str = "A1", client: str = "Office.js",
                      version: str | None = None) -> dict:
    """The book JSON for ``xw.Book(json=...)`` / the custom-scripts route, read from ``path``."""
    import xlwings as xw

    path = Path(path)
    wb = load_workbook(path, data_only=False)
    cached = load_workbook(path, data_only=True)
    try:
        sheetnames = wb.sheetnames
        names = [_name_entry(n, dn.attr_text, sheetnames, None) for n, dn in wb.defined_names.items()]
        sheets = []
        for idx, ws in enumerate(wb.worksheets):
            names += [_name_entry(n, dn.attr_text, sheetnames, idx) for n, dn in ws.defined_names.items()]
            values = _sheet_values(ws, cached[ws.title])
            nrows, ncols = len(values), len(values[0])
            used = "A1" if (nrows, ncols) == (1, 1) else f"A1:{get_column_letter(ncols)}{nrows}"
            notes = [{"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment]
            sheets.append({
                "name": ws.title,
                "visibility": VISIBILITY.get(ws.sheet_state, "Visible"),
                "show_gridlines": bool(ws.sheet_view.showGridLines is not False),
                "print_area": None,
                "notes": notes,
                "notes_supported": True,
                "used_range_address": used,
                "used_range_row_count": nrows,
                "used_range_column_count": ncols,
                "values": values,
                "pictures": [],
                "shapes": [],
                "charts": [],
                "tables": [],
                "pivot_tables": [],
            })
        active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    finally:
        wb.close()
        cached.close()
    return {
        "client": client,
        "version": version or xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": selection,
                 "calculation": "Automatic"},
        "names": names,
        "sheets": sheets,
    }
