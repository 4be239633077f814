"""Cell addresses: one typed address inside the tool, A1 text only at the edges.

Inside xl-tools a cell is a ``CellAddress`` (sheet, row, column; 1-based) or a (row, column) pair on a
known sheet. A1 text ("B3", "A2:C5") is what people read (messages, 校验结果, notes), what JSON carries
and what Excel stores; this module is the one place that turns one into the other (it replaces
openpyxl's ``openpyxl.utils`` helpers and the package patcher's own copy of them). Pure Python: importing
it loads no spreadsheet library.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

MAX_ROW, MAX_COL = 1_048_576, 16_384            # the last row and column of a worksheet (XFD1048576)

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


@lru_cache(maxsize=20_000)
def column_letter(col: int) -> str:
    """The letters of a 1-based column: 1 → "A", 28 → "AB", 16384 → "XFD"."""
    if not 0 < col <= MAX_COL:
        raise ValueError(f"column out of the sheet: {col!r}")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=20_000)
def column_index(letters: str) -> int:
    """The 1-based column of its letters, in either case: "AB" → 28. ValueError for anything else."""
    if not 0 < len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"not column letters: {letters!r}")
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    if n > MAX_COL:
        raise ValueError(f"column out of the sheet: {letters!r}")
    return n


def a1(row: int, col: int) -> str:
    """ "B3" of row 3, column 2."""
    return f"{column_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """(row, column) of "AB12" (``$`` marks and lower case allowed). ValueError for anything else,
    a cell outside the sheet too."""
    m = _A1.fullmatch(ref)
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    row = int(m.group(2))
    if not 0 < row <= MAX_ROW:
        raise ValueError(f"cell reference out of the sheet: {ref!r}")
    return row, column_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of "A2:C5" or of one cell "B3" (a range given
    backwards is put in order). ValueError for anything else."""
    first, sep, last = ref.partition(":")
    r1, c1 = parse_a1(first)
    r2, c2 = parse_a1(last) if sep else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def range_a1(row: int, col: int, last_row: int, last_col: int) -> str:
    """ "A2:C5", or "B3" for a range of one cell."""
    first = a1(row, col)
    if (row, col) == (last_row, last_col):
        return first
    return f"{first}:{a1(last_row, last_col)}"


class Rect(NamedTuple):
    """A rectangle of cells on a sheet not named: from (row, col), ``nrows`` × ``ncols`` (the plan of a
    refresh, ``refresh.ops``, places its fills, borders and merges so; ``CellAddress`` adds the sheet)."""

    row: int
    col: int
    nrows: int = 1
    ncols: int = 1

    @property
    def a1(self) -> str:
        """ "B3", or "A2:C5" for more than one cell."""
        return range_a1(self.row, self.col, self.row + self.nrows - 1, self.col + self.ncols - 1)

    def cells(self) -> list[tuple[int, int]]:
        """(row, column) of every cell, row by row."""
        return [(r, c) for r in range(self.row, self.row + self.nrows) for c in range(self.col, self.col + self.ncols)]


class CellAddress(NamedTuple):
    """A cell of a workbook: its sheet's name, row and column (1-based); with ``nrows``/``ncols`` the
    rectangle of cells from there (findings that name a run of cells at once, 项目!A2:A5). A tuple: a
    value, usable as a key, cheap to make."""

    sheet: str
    row: int
    col: int
    nrows: int = 1
    ncols: int = 1

    @property
    def rect(self) -> Rect:
        """Its cells on the sheet."""
        return Rect(self.row, self.col, self.nrows, self.ncols)

    @property
    def a1(self) -> str:
        """ "B3" (or "A2:A5"): the cell on its sheet, as people and Excel write it."""
        if self.nrows == 1 and self.ncols == 1:
            return a1(self.row, self.col)
        return self.rect.a1

    @classmethod
    def of_a1(cls, sheet: str, ref: str) -> CellAddress:
        """The cell "B3" (``parse_a1``), or the rectangle "A2:A5", of ``sheet``."""
        r1, c1, r2, c2 = parse_range(ref)
        return cls(sheet, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def cells(self) -> list[tuple[int, int]]:
        """(row, column) of every cell, row by row."""
        return self.rect.cells()

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"
