"""Replay the actions of the xlwings remote engine onto an xlsx with openpyxl (test helper).

This is what Excel would do with ``book.json()["actions"]``, for the subset our writer emits; it lets a
test compare the live-Excel path with the file path cell by cell.
"""

from __future__ import annotations

from copy import copy

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple


def _cell(ws, row: int, column: int):
    """The cell, created as Excel creates it when a value or a format first lands on an empty cell:
    with its column's format (openpyxl alone would give it the workbook's default style)."""
    if (row, column) not in ws._cells:
        cell = ws.cell(row=row, column=column)
        dim = next((d for d in ws.column_dimensions.values()
                    if d.min and d.min <= column <= d.max and d.has_style), None)
        if dim is not None:
            cell._style = copy(dim._style)
        return cell
    return ws.cell(row=row, column=column)


def _rng(ws, a):
    for r in range(a["start_row"] + 1, a["start_row"] + a["row_count"] + 1):
        for c in range(a["start_column"] + 1, a["start_column"] + a["column_count"] + 1):
            yield _cell(ws, r, c)


def replay(wb, actions: list[dict]) -> None:
    handled = set()
    for a in actions:
        func = a["func"]
        handled.add(func)
        if func == "addSheet":
            index, name = a["args"]
            wb.create_sheet(name, index)
            continue
        if func in ("namesAdd", "setNameRefersTo"):        # a workbook-level name: (name, …, "=reference")
            from openpyxl.workbook.defined_name import DefinedName
            name, refers_to = a["args"][0], a["args"][-1]
            wb.defined_names[name] = DefinedName(name, attr_text=refers_to.removeprefix("="))
            continue
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        if func == "setValues":
            for dr, row in enumerate(a["values"]):
                for dc, value in enumerate(row):
                    cell = _cell(ws, a["start_row"] + 1 + dr, a["start_column"] + 1 + dc)
                    if isinstance(value, str) and value.startswith("'"):
                        cell.value = value[1:]
                        cell.data_type = "s"
                    else:
                        cell.value = None if value == "" else value
        elif func == "setRangeColor":
            color = a["args"][0]
            for cell in _rng(ws, a):
                cell.fill = PatternFill("solid", fgColor="FF" + color[1:].upper()) if color else PatternFill()
        elif func == "setFontProperty":
            prop, value = a["args"]
            for cell in _rng(ws, a):
                font = copy(cell.font)
                if prop == "color":
                    font.color = "FF" + value[1:].upper() if value and value.upper() != "#000000" else None
                elif prop == "bold":
                    font.bold = value
                elif prop == "name":
                    font.name = value
                cell.font = font
        elif func == "addNote":
            address, text = a["args"]
            _cell(ws, *coordinate_to_tuple(address.replace("$", ""))).comment = Comment(text, "xl-tools")
        elif func == "deleteNote":
            ws[a["args"][0].replace("$", "")].comment = None
        elif func == "sheetClear":
            for merged in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(merged))
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
                    cell.style = "Normal"
                    cell.comment = None
        elif func == "setSheetVisibility":
            ws.sheet_state = {"Hidden": "hidden", "VeryHidden": "veryHidden"}.get(a["args"][0], "visible") \
                if isinstance(a["args"][0], str) else ("visible" if a["args"][0] else "hidden")
        elif func == "setWrapText":
            for cell in _rng(ws, a):
                cell.alignment = Alignment(wrap_text=bool(a["args"]), vertical="top")
        elif func == "rangeMerge":
            ws.merge_cells(start_row=a["start_row"] + 1, start_column=a["start_column"] + 1,
                           end_row=a["start_row"] + a["row_count"], end_column=a["start_column"] + a["column_count"])
        elif func == "setNumberFormat":
            for cell in _rng(ws, a):
                cell.number_format = a["args"][0] if isinstance(a["args"], list) else a["args"]
        elif func in ("setColumnWidth", "setRowHeight", "setSheetAutofit", "setAutofit", "setBorderProperty"):
            pass                                   # geometry: compared elsewhere
        else:
            raise AssertionError(f"replay does not know the action {func}")
