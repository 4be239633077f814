"""Strings stay strings in workbooks written with openpyxl: openpyxl takes any string that starts with
"=" for a formula, so a project named ``=cmd|'/c calc'!A0`` would become a live DDE formula in a
report. Reports that hold no formulas of their own pass their workbook through ``text_only`` before
saving; the refresh writers mark the tool's own links (``refresh.sheets.Formula``) instead."""

from __future__ import annotations


def text_only(wb) -> None:
    """Mark every cell of the openpyxl workbook ``wb`` that openpyxl took for a formula as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
