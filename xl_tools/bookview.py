"""What the tool reads a workbook through: the one ``WorkbookView`` protocol.

A view is read-only and holds what a spreadsheet shows: sheet names, each sheet's values row by row
and cell by cell (1-based row and column, ``address``), a cell's number format, the text of a
workbook-level defined name. The filing reader (``workbook.reader``), the refresh plan and the
state sheet read through it and through nothing else, so one reading serves every place a workbook
comes from. Two views implement it:

- ``ooxml.view.WorkbookView``: a file, streamed by the package patcher (cached formula results by
  its ``data_only_view``, cell formats for the file writer);
- ``workbook.xlwings_view.XlwingsBookView``: a book open in Excel (desktop, xlwings Server, xlwings
  Lite) through the portable xlwings API.

A test checks that both have every member below with the same parameters.
"""

from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable


@runtime_checkable
class CellView(Protocol):
    """One cell as read: its value (None when blank; numbers as int or float, text, dates as
    datetime) and its number format (None where the view cannot read formats)."""

    value: object
    number_format: str | None


@runtime_checkable
class SheetView(Protocol):
    title: str

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  values_only: bool = False) -> Iterator[tuple]:
        """The rows from ``min_row`` to ``max_row`` (the last row holding a value when None), each a
        tuple from column A: of values with ``values_only``, else of ``CellView``."""
        ...

    def cell(self, row: int, column: int) -> CellView:
        """The cell at (row, column), 1-based; a blank cell outside what was read."""
        ...


@runtime_checkable
class WorkbookView(Protocol):
    sheetnames: list[str]

    def __getitem__(self, name: str) -> SheetView:
        """The sheet called ``name`` (KeyError when there is none)."""
        ...

    def defined_name(self, name: str) -> str | None:
        """The reference text of the workbook-level defined name ``name`` ("'基本信息'!$B$3",
        "=基本信息!$B$3", a constant or a formula as stated), None when the workbook has none."""
        ...

    def close(self) -> None:
        """Let go of what the view holds open (a file)."""
        ...
