"""A read-only view of a package for the filing reader: the ``bookview.WorkbookView`` protocol
(``sheetnames``, ``view[name]`` with ``iter_rows`` and ``cell(row, column)``, cells with ``value`` and
``number_format``, ``defined_name``), plus what only a file has: its cell formats and merged ranges.

A sheet is parsed once, on first use, in one streaming pass (lxml iterparse, rows dropped as they are
read) into compact rows of values and style ids; a long run of blank rows ends it (styles copied down to
row 1,048,576 cost nothing) and more than ``max_rows`` rows with values stops the read early with a
clear message instead of filling the memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..address import a1, column_index, parse_a1
from ..errors import XlToolsError
from ..fileio import read_source
from ..xlsxfile import reading, sniff
from . import rowscan
from .book import Book
from .cells import IS, ROW, C, CellDecoder, F, V, place, text_of
from .package import Package, read_member
from .styles import Styles
from .xml import RT_SHARED_STRINGS, RT_STYLES, iterparse, q

MERGE_CELL = q("mergeCell")


@dataclass(frozen=True)
class DefinedName:
    """A workbook-level defined name, as the readers ask for it (openpyxl's has the same two fields)."""

    name: str
    attr_text: str


class ViewCell:
    __slots__ = ("value", "_style", "_styles")

    def __init__(self, value, style: int, styles: Styles) -> None:
        self.value = value
        self._style = style
        self._styles = styles

    @property
    def number_format(self) -> str:
        return self._styles.number_format(self._style)


class ViewSheet:
    def __init__(self, title: str, rows: list[tuple], styles_by_row: list[tuple], cached: dict,
                 styles: Styles, data_only: bool = False, merged: tuple[str, ...] = (),
                 marks: Marks | None = None) -> None:
        self.title = title
        self.merged = merged                    # "A2:A7" of each merged range (empty when the read stopped early)
        marks = marks or Marks()
        self.watched = marks.cells              # (row, column) → format, for the formats asked for (``watch``)
        self.hidden_rows = marks.hidden         # rows hidden (by a filter or by hand)
        self._rows = rows
        self._styles_by_row = styles_by_row
        self._cached = cached                   # (row, col) → last computed value of a formula
        self._styles = styles
        self._data_only = data_only

    @property
    def max_row(self) -> int:
        return len(self._rows)

    def _value(self, r: int, c: int, value):
        if self._data_only and (r, c) in self._cached:
            return self._cached[(r, c)]
        return value

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, values_only: bool = False):
        stop = len(self._rows) if max_row is None else min(max_row, len(self._rows))
        for r in range(max(min_row, 1), stop + 1):
            values = self._rows[r - 1]
            if self._data_only and self._cached:
                values = tuple(self._value(r, c, v) for c, v in enumerate(values, start=1))
            if values_only:
                yield values
                continue
            styles = self._styles_by_row[r - 1]
            yield tuple(ViewCell(v, s, self._styles) for v, s in zip(values, styles))

    def cell(self, row: int, column: int) -> ViewCell:
        if 0 < row <= len(self._rows) and 0 < column <= len(self._rows[row - 1]):
            value = self._value(row, column, self._rows[row - 1][column - 1])
            return ViewCell(value, self._styles_by_row[row - 1][column - 1], self._styles)
        return ViewCell(None, 0, self._styles)

    def __getitem__(self, ref: str) -> ViewCell:
        row, col = parse_a1(ref)
        return self.cell(row, col)


def open_view(path: str | Path, *, max_rows: int, blank_run: int) -> WorkbookView:
    """A view of the workbook file at `path` after the checks every file gets (``xlsxfile.sniff``:
    missing, encrypted, not a workbook, a zip bomb); closing the view closes the file."""
    path = Path(path)
    sniff(path)
    with reading(path):
        pkg = Package(path, read_source(path))
        try:
            return WorkbookView(pkg, max_rows=max_rows, blank_run=blank_run)
        except BaseException:
            pkg.close()
            raise


class Marks:
    """What a sheet's read noted besides values: cells carrying one of the formats asked for (blank
    ones too) and the hidden rows."""

    __slots__ = ("cells", "hidden")

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], int] = {}
        self.hidden: set[int] = set()


class _Store:
    """What a view and its data-only twin share: the workbook part, styles, strings, parsed sheets."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.book = Book(pkg)
        styles_part = [t for _r, t in pkg.targets(self.book.part, RT_STYLES)]
        self.entries = {e.name: e for e in self.book.sheets()}
        if styles_part and pkg.has(styles_part[0]):
            self.styles = Styles(pkg.read(styles_part[0]), styles_part[0])
        else:                       # no styles part: every format a cell names shows as the default
            self.styles = Styles(None)
            self.styles.cover(max((_largest_style(pkg, e.part) for e in self.entries.values() if e.part), default=0))
        self.shared: list[str] | None = None
        self.sheets: dict[str, tuple[list, list, dict]] = {}
        self.merged: dict[str, tuple[str, ...]] = {}
        self.marks: dict[str, Marks] = {}
        self.watch: frozenset[int] = frozenset()


_STYLE_ATTR = re.compile(rb"\ss(?:tyle)?=[\"'](\d+)[\"']")


def _largest_style(pkg: Package, part: str) -> int:
    """The largest cell format a worksheet part names (``s`` of cells and rows, ``style`` of columns)."""
    return max((int(m) for m in _STYLE_ATTR.findall(pkg.read(part))), default=0)


class WorkbookView:
    """Cells of a package as the filing reader reads them (see module docstring)."""

    def __init__(self, pkg: Package, *, max_rows: int, blank_run: int, data_only: bool = False,
                 store: _Store | None = None) -> None:
        self.pkg = pkg
        self._store = store or _Store(pkg)
        self.book = self._store.book
        self.styles = self._store.styles
        self.max_rows, self.blank_run, self.data_only = max_rows, blank_run, data_only
        self.sheetnames = list(self._store.entries)
        self.defined_names = {name: DefinedName(name=name, attr_text=text)
                              for name, local, text in self.book.defined_names() if local is None}
        self._views: dict[str, ViewSheet] = {}

    def defined_name(self, name: str) -> str | None:
        dn = self.defined_names.get(name)
        return dn.attr_text if dn is not None else None

    def data_only_view(self) -> WorkbookView:
        """The same workbook read for the last computed values of formulas (shares the parsed sheets;
        closing it does not close the file)."""
        return WorkbookView(self.pkg, max_rows=self.max_rows, blank_run=self.blank_run, data_only=True,
                            store=self._store)

    def watch(self, styles) -> None:
        """Note the cells carrying one of the cell formats `styles` (indexes) in the sheets read from
        now on (``ViewSheet.watched``), blank cells too."""
        self._store.watch = frozenset(styles)

    def release_cells(self) -> None:
        """Forget the cells read so far (they are read again on next use): a refresh drops them once
        the plan is made, before the patcher streams the sheets, so the two never sit in memory together."""
        self._store.sheets.clear()
        self._views.clear()

    def close(self) -> None:
        """Close the file (the view that opened it; a data-only twin leaves it open)."""
        if not self.data_only:
            self.pkg.close()

    def __getitem__(self, name: str) -> ViewSheet:
        if name not in self._views:
            if name not in self._store.sheets:
                self._store.sheets[name] = self._load(name)
            rows, styles, cached = self._store.sheets[name]
            self._views[name] = ViewSheet(name, rows, styles, cached, self.styles, self.data_only,
                                          self._store.merged.get(name, ()), self._store.marks.get(name))
        return self._views[name]

    def shared_strings(self) -> list[str]:
        store = self._store
        if store.shared is None:
            store.shared = []
            parts = [t for _r, t in self.pkg.targets(self.book.part, RT_SHARED_STRINGS)]
            if parts and self.pkg.has(parts[0]):
                most = limits.value(limits.STRINGS)
                if 0 < self.pkg.size(parts[0]) <= rowscan.MAX_BYTES:        # plain texts read on their bytes
                    found = rowscan.shared_strings(read_member(self.pkg.zf, parts[0]), parts[0])
                    if found is not None:
                        if len(found) > most:
                            store.shared = None
                            raise XlToolsError(limits.exceeded(limits.STRINGS), file=str(self.pkg.path))
                        store.shared = found
                        return found
                with self.pkg.open_original(parts[0]) as fh:
                    for _ev, si in iterparse(fh, parts[0], tag=q("si")):
                        store.shared.append(text_of(si))
                        si.clear()
                        while si.getprevious() is not None:        # the parsed table is not kept
                            del si.getparent()[0]
                        if len(store.shared) > most:
                            store.shared = None
                            raise XlToolsError(limits.exceeded(limits.STRINGS), file=str(self.pkg.path))
                        if len(store.shared) % 100_000 == 0:
                            limits.check_time()
        return store.shared

    def _load(self, name: str) -> tuple[list, list, dict]:
        entry = self._store.entries[name]
        if entry.part is None and entry.is_worksheet:
            raise KeyError(f"{name}: worksheet part missing")
        if not entry.is_worksheet:
            return [], [], {}
        dates, spans = self.styles.date_styles()
        decoder = CellDecoder(self.shared_strings(), dates, spans, self.book.date1904)

        def refuse(limit, found=None):
            raise XlToolsError(limits.exceeded(limit, found), file=str(self.pkg.path), sheet=name)
        watch = self._store.watch
        if 0 < self.pkg.size(entry.part) <= rowscan.MAX_BYTES:
            scanned = rowscan.scan(read_member(self.pkg.zf, entry.part), entry.part, decoder, watch, self.blank_run,
                                   self.max_rows, refuse, _read_row)
            if scanned is not None:
                rows, styles, cached, merged, hidden, watched = scanned
                marks = self._store.marks[name] = Marks()
                marks.hidden, marks.cells = hidden, watched
                self._store.merged[name] = merged
                return rows, styles, cached
        read = rowscan.SheetRows(self.max_rows, refuse)
        r = 0
        merged: list[str] = []
        marks = self._store.marks[name] = Marks()
        with self.pkg.open_original(entry.part) as fh:
            for _ev, row in iterparse(fh, entry.part, tag=(ROW, MERGE_CELL)):
                if row.tag == MERGE_CELL:               # after sheetData: the merged ranges
                    if row.get("ref"):
                        merged.append(row.get("ref"))
                    continue
                stated = row.get("r")
                r = int(stated) if stated else r + 1
                if r - read.last_valued > self.blank_run:
                    break                                # a long run of blank rows: the data ended
                if row.get("hidden") in ("1", "true"):
                    marks.hidden.add(r)
                values, ids, formulas = _read_row(row, r, stated, decoder, watch, marks.cells)
                row.clear()
                parent = row.getparent()
                while row.getprevious() is not None:
                    del parent[0]
                read.add(r, values, ids, formulas)
        self._store.merged[name] = tuple(merged)
        return read.rows, read.styles, read.cached


def _read_row(row, r: int, stated: str | None, decoder: CellDecoder, watch: frozenset[int] = frozenset(),
              watched: dict | None = None):
    """(values, style ids, [(column, cached value) of formulas]) of one ``<row>``; cells whose format
    is in `watch` go to `watched` ((row, column) → format)."""
    values: list = []
    ids: list = []
    formulas = []
    col = 0
    number = stated or str(r)
    digits = len(number)
    shared = decoder.shared
    dates = decoder.date_styles
    for c in row.iterchildren(C):
        ref = c.get("r")
        if ref:
            col = column_index(ref[:-digits]) if ref[-digits:] == number else parse_a1(ref)[1]
        else:
            col += 1
        s = c.get("s")
        if watch and s and int(s) in watch:
            watched[(r, col)] = int(s)
        if not len(c):
            continue                                    # a styled empty cell
        style = int(s) if s else 0
        t = c.get("t")
        first = c[0]
        tag = first.tag
        if tag == V and (t is None or t == "n") and style not in dates:
            text = first.text
            value = None if not text else (float(text) if ("." in text or "E" in text or "e" in text)
                                           else int(text))
        elif tag == V and t == "s":
            value = shared[int(first.text)]
        elif tag == IS:
            value = text_of(first)
        elif tag == V or tag == F:
            value, cache = decoder.value(c, style, ref or a1(r, col))
            if c.find(F) is not None:
                formulas.append((col, cache))
        else:
            continue
        place(values, ids, col, value, style)
    return tuple(values), tuple(ids), formulas
