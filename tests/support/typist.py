"""What a person does to a filing workbook in Excel, written the way Excel stores it (test helper).

A typed cell is a value in a cell with no style of its own: Excel keeps the number format General
unless the person formats the cell (a percentage, a date), stores a number typed as a number, and
text typed into a text-formatted cell (or pasted from a document) as text. A row typed right below
an Excel table grows it (Excel's AutoCorrect default), rows typed after a gap stay outside its range;
a deleted row moves the rows below it up and shrinks the table, an inserted one moves them down and
grows it, a sort moves whole rows with their formats and notes, a filter hides rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import get_column_letter

from xl_tools.schema import INDICATOR_HEADERS, PROJECT_HEADERS

PROJECT_COLUMNS = {f: get_column_letter(k) for k, f in enumerate(PROJECT_HEADERS.values(), start=1)}
INDICATOR_COLUMNS = {f: get_column_letter(k) for k, f in enumerate(INDICATOR_HEADERS.values(), start=1)}
PERCENT = "0%"
DATE = "yyyy/m/d"


def open_book(path: Path):
    return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")


class Typist:
    """Edits one workbook file as a person would; ``save()`` writes it back like Excel's Save."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.wb = open_book(self.path)

    # cells ----------------------------------------------------------------------------------------
    def type(self, sheet: str, ref: str, value, number_format: str | None = None) -> None:
        """A value typed into a cell; ``number_format`` when the person formatted the cell first.
        Typed in the row right below an Excel table, the table grows by that row (Excel's
        AutoCorrect default); a row further down stays outside it."""
        ws = self.wb[sheet]
        cell = ws[ref]
        cell.value = value
        if number_format:
            cell.number_format = number_format
        for table in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(table.ref)
            if cell.row == r2 + 1 and c1 <= cell.column <= c2:
                self._resize(table, r2 + 1)

    @staticmethod
    def _resize(table, last_row: int) -> None:
        c1, r1, c2, _r2 = range_boundaries(table.ref)
        table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last_row}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref

    def table_ref(self, sheet: str) -> str:
        return next(iter(self.wb[sheet].tables.values())).ref

    def percent(self, sheet: str, ref: str, fraction: float) -> None:
        """95% typed into a cell formatted as a percentage: Excel stores 0.95 with the format 0%."""
        self.type(sheet, ref, fraction, PERCENT)

    def date(self, sheet: str, ref: str, day: dt.date) -> None:
        """A date typed as 2025/6/30: Excel stores the date serial with a date format."""
        self.type(sheet, ref, dt.datetime.combine(day, dt.time()), DATE)

    def clear(self, sheet: str, ref: str) -> None:
        """The Delete key: the value goes, the cell's format stays."""
        self.wb[sheet][ref].value = None

    def merge(self, sheet: str, ref: str) -> None:
        """Select a range → 合并后居中: Excel keeps the first cell's value and drops the others'."""
        self.wb[sheet].merge_cells(ref)

    def unmerge(self, sheet: str, ref: str) -> None:
        """取消合并: the first cell keeps the value, the others are empty again."""
        self.wb[sheet].unmerge_cells(ref)

    # rows -----------------------------------------------------------------------------------------
    def project(self, row: int, name: str, *, total=None, fiscal=None, special=None, other=None,
                target: str | None = None, unit: str | None = None, no=None) -> None:
        """One row of 项目 as typed; whatever is None is left blank."""
        values = {"no": no, "name": name, "unit": unit, "total": total, "fiscal": fiscal,
                  "special": special, "other": other, "target": target}
        for field, value in values.items():
            if value is not None:
                self.type("项目", f"{PROJECT_COLUMNS[field]}{row}", value)

    def indicator(self, row: int, project: str, level1: str, level2: str, name: str, period,
                  annual=..., *, no=None) -> None:
        """One row of 绩效指标 as typed; ``annual`` defaults to the period value, None leaves it blank."""
        annual = period if annual is ... else annual
        values = {"project": project, "no": no, "level1": level1, "level2": level2, "name": name,
                  "period_value": period, "annual_value": annual}
        for field, value in values.items():
            if value is not None:
                self.type("绩效指标", f"{INDICATOR_COLUMNS[field]}{row}", value)

    def indicators(self, first_row: int, project: str, rows: list[tuple]) -> int:
        """Several indicators of one project from ``first_row``; returns the next free row."""
        for k, spec in enumerate(rows):
            self.indicator(first_row + k, project, *spec)
        return first_row + len(rows)

    def delete_rows(self, sheet: str, row: int, amount: int = 1) -> None:
        """Right-click → 删除行: the rows below move up (values, styles, notes) and a table that
        spans the rows shrinks."""
        ws = self.wb[sheet]
        ws.delete_rows(row, amount)
        for table in ws.tables.values():
            _c1, r1, _c2, r2 = range_boundaries(table.ref)
            if r1 < row <= r2:
                self._resize(table, max(r1 + 1, r2 - min(amount, r2 - row + 1)))

    def insert_rows(self, sheet: str, row: int, amount: int = 1) -> None:
        """Right-click → 插入行 above `row`: the rows from `row` move down (values, styles, notes); a
        table that spans the row grows."""
        ws = self.wb[sheet]
        ws.insert_rows(row, amount)
        for table in ws.tables.values():
            _c1, r1, _c2, r2 = range_boundaries(table.ref)
            if r1 < row <= r2 + 1:
                self._resize(table, r2 + amount)

    def sort_rows(self, sheet: str, first: int, last: int, column: str, reverse: bool = False) -> None:
        """数据 → 排序 on rows `first`..`last` by `column`: whole rows move, with their values,
        formats and notes (Excel moves a cell's note with it)."""
        ws = self.wb[sheet]
        col = openpyxl.utils.column_index_from_string(column)
        rows = list(range(first, last + 1))
        key = {r: str(ws.cell(r, col).value or "") for r in rows}
        order = sorted(rows, key=lambda r: key[r], reverse=reverse)
        moved = {(r, c): cell for (r, c), cell in list(ws._cells.items()) if first <= r <= last}
        for rc in moved:
            del ws._cells[rc]
        for new_row, old_row in zip(rows, order):
            for (r, c), cell in moved.items():
                if r == old_row:
                    cell.row = new_row
                    ws._cells[(new_row, c)] = cell

    def filter_rows(self, sheet: str, column: str, keep: set[str]) -> None:
        """筛选 on the sheet's table: only rows whose `column` is one of `keep` stay visible (Excel
        stores the criterion on the table and hides the other rows)."""
        from openpyxl.worksheet.filters import FilterColumn, Filters
        ws = self.wb[sheet]
        table = next(iter(ws.tables.values()))
        c1, r1, _c2, r2 = range_boundaries(table.ref)
        col = openpyxl.utils.column_index_from_string(column)
        table.autoFilter.filterColumn = [FilterColumn(colId=col - c1, filters=Filters(filter=sorted(keep)))]
        for r in range(r1 + 1, r2 + 1):
            ws.row_dimensions[r].hidden = str(ws.cell(r, col).value or "") not in keep

    def save(self) -> None:
        self.wb.save(self.path)
        self.wb.close()
