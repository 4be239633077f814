"""A read-only view of an ``xlwings.Book`` for the reader: the ``bookview.WorkbookView`` protocol.

Uses only the portable xlwings API (XLWINGS.md): ``used_range.value`` per sheet (one call each) and the
book's names. Number formats cannot be read on the remote engine, so a percentage typed as 0.95 with a
0% format reads as 0.95 there (the file path sees the format); values come through as typed otherwise.
"""

from __future__ import annotations

from ..address import parse_a1
from ..textnorm import well_formed_value


class _Cell:
    __slots__ = ("value",)
    number_format = None

    def __init__(self, value) -> None:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
            value = int(value)          # Office.js sends numbers as doubles
        self.value = None if value == "" else well_formed_value(value)    # half an emoji: U+FFFD


class _Sheet:
    def __init__(self, xw_sheet) -> None:
        self.title = xw_sheet.name
        rng = xw_sheet.used_range
        values = rng.options(ndim=2).value or []
        # used_range may start below/right of A1 on desktop Excel: pad to A1 coordinates
        top, left = rng.row, rng.column
        pad_row = [None] * (left - 1)
        self._rows = [[None] * (left - 1 + len(values[0]) if values else 0) for _ in range(top - 1)] + \
                     [pad_row + list(r) for r in values]

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, values_only: bool = False):
        stop = len(self._rows) if max_row is None else min(max_row, len(self._rows))
        for r in range(min_row, stop + 1):
            cells = tuple(_Cell(v) for v in self._rows[r - 1])
            yield tuple(c.value for c in cells) if values_only else cells

    def cell(self, row: int, column: int) -> _Cell:
        if 0 < row <= len(self._rows) and 0 < column <= len(self._rows[row - 1]):
            return _Cell(self._rows[row - 1][column - 1])
        return _Cell(None)

    def __getitem__(self, ref: str):
        return self.cell(*parse_a1(ref))


class _DefinedName:
    """What the reader asks of a defined name: its reference text, as openpyxl's ``attr_text``."""

    def __init__(self, refers_to: str) -> None:
        self.attr_text = refers_to


class _Names:
    def __init__(self, book) -> None:
        self._names = {}
        api = getattr(book, "api", None)
        # the remote engine's payload has each name's text; xlwings before 0.37.x fails with a
        # TypeError on names that are not a range (a constant such as 模板版本) when asked for it
        sent = {e.get("name"): e.get("refers_to") for e in api.get("names") or []} if isinstance(api, dict) else {}
        for n in book.names:
            try:
                self._names[n.name] = _DefinedName(n.refers_to)
            except (NotImplementedError, AttributeError, KeyError, TypeError):
                if isinstance(sent.get(n.name), str):
                    self._names[n.name] = _DefinedName(sent[n.name])

    def get(self, name):
        return self._names.get(name)

    def __contains__(self, name):
        return name in self._names


class XlwingsBookView:
    """What xl_tools.workbook.reader needs from a workbook, read from a live xlwings Book."""

    def __init__(self, book) -> None:
        self.book = book
        self.sheetnames = [s.name for s in book.sheets]
        self._sheets: dict[str, _Sheet] = {}
        self.defined_names = _Names(book)

    def __getitem__(self, name: str) -> _Sheet:
        if name not in self._sheets:
            self._sheets[name] = _Sheet(self.book.sheets[name])
        return self._sheets[name]

    def defined_name(self, name: str) -> str | None:
        dn = self.defined_names.get(name)
        return dn.attr_text if dn is not None else None

    def close(self) -> None:
        return None
