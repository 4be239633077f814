"""After every save of a refresh: every cell the plan wrote into the person's sheets is read back from
the saved file by readers that are not the patcher's own view, before the file takes the place of the
original. A value missing or different fails the save (the original stays as it was; the person gets
the internal-error line and the log).

First a look on the saved sheet's bytes (``readback_bytes``: the written cells found in the common
spelling, a piece at a time, each compared with the plan); it only ever accepts a sheet whose
written cells are all there as planned, and leaves every other sheet to the full read below, which
decides and names the differences (at 5,000 projects the look takes 0.45 s CPU where the full read took
0.65–0.7 s, and keeps calamine's block of 绩效指标, +32 MB, out of the refresh's peak). The full read:
two readers, each strict where the other is lenient:

- the values through python-calamine (Rust, its own XML and shared-strings decoding) where it is
  installed, else through openpyxl's read-only reader; calamine holds a sheet as one dense block from
  its first to its last cell, so a sheet whose cells span more than ``DENSE_CELLS`` (one typed value in
  XFD1048576 spans 17 billion: calamine's allocation fails and the process aborts) or whose cells are
  not all addressed is read by openpyxl's streaming reader, as wide as the plan writes;
- the place of each cell by namespace, as Excel reads it: a ``<c>`` must be spelled with a prefix the
  part binds to the SpreadsheetML namespace, whatever prefix the sheet uses (calamine matches local
  names only, so a cell spliced in no namespace — what the patcher once wrote into sheets of the Open
  XML SDK's spelling — reads right there and is invisible to Excel, openpyxl and LibreOffice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zipfile
from decimal import Decimal, InvalidOperation

from ..address import a1, column_index
from ..ooxml.package import read_member
from .ops import SetValues
from .readback_bytes import verified

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHOWN = 5                                 # differences named in the error
DENSE_CELLS = 4_000_000                   # calamine's block of a sheet (32 bytes a cell): 128 MB at most


class ReadBackError(RuntimeError):
    """A cell the plan wrote does not read back from the saved file (a defect of the writer)."""


def planned_values(ops) -> dict[str, list[SetValues]]:
    """sheet → the SetValues ops that write into it, in plan order."""
    out: dict[str, list[SetValues]] = {}
    for op in ops:
        if isinstance(op, SetValues) and op.values:
            out.setdefault(op.sheet, []).append(op)
    return out


class _Planned:
    """The values the plan writes into one sheet, row by row, without a cell-by-cell copy (a block
    of 180,000 helper values stays the plan's list): a later op wins where two write one cell."""

    SMALL = 16

    def __init__(self, ops: list[SetValues]) -> None:
        self.small: dict[int, list[tuple[int, SetValues]]] = {}
        self.big: list[tuple[int, SetValues]] = []
        for k, op in enumerate(ops):
            if len(op.values) <= self.SMALL:
                for r in range(op.row, op.row + len(op.values)):
                    self.small.setdefault(r, []).append((k, op))
            else:
                self.big.append((k, op))
        rows = set(self.small)
        for _k, op in self.big:
            rows.update(range(op.row, op.row + len(op.values)))
        self.rows = sorted(rows)

    def row(self, r: int) -> dict[int, object]:
        covering = [t for t in self.big if t[1].row <= r < t[1].row + len(t[1].values)] + self.small.get(r, [])
        if len(covering) > 1:
            covering.sort(key=lambda t: t[0])
        out: dict[int, object] = {}
        for _k, op in covering:
            for c, value in enumerate(op.values[r - op.row], start=op.col):
                out[c] = value
        return out

    def line(self, r: int) -> tuple[int, list] | None:
        """(first column, the plan's own list of values) of row ``r`` when one op alone writes it (rows
        written alike share one list: ``plan._helper_ops``), else None (``row`` says)."""
        if len(self.big) == 1 and r not in self.small:                 # the usual: the helper columns
            op = self.big[0][1]
            return (op.col, op.values[r - op.row]) if op.row <= r < op.row + len(op.values) else None
        covering = [op for _k, op in self.big if op.row <= r < op.row + len(op.values)]
        if len(covering) == 1 and r not in self.small:
            return covering[0].col, covering[0].values[r - covering[0].row]
        if not covering and len(self.small.get(r, ())) == 1:
            op = self.small[r][0][1]
            return op.col, op.values[r - op.row]
        return None


def verify(path, source, parts: dict[str, str], planned: dict[str, list[SetValues]],
           skip: dict[str, set[tuple[int, int]]] | None = None) -> int:
    """Check that the saved file at `path` shows the values `planned` (sheet → SetValues ops) writes
    in the sheets whose parts `parts` names, and that no cell of those parts is spelled outside the
    SpreadsheetML namespace that was not so in `source` (the workbook read); cells in `skip` (a
    user's formula the patcher left alone) are not checked. Returns the number of cells checked;
    raises ReadBackError naming the first differences. The sheets are read as streams of rows."""
    skip = skip or {}
    problems: list[str] = []
    checked = 0
    with contextlib.ExitStack() as stack:
        zf = stack.enter_context(zipfile.ZipFile(path))
        reader = zsrc = None
        for sheet, ops in planned.items():
            plan = _Planned(ops)
            part = parts[sheet]
            passed = skip.get(sheet, ())
            columns = {c for op in ops for c in range(op.col, op.col + max(map(len, op.values)))}
            quick = verified(zf, part, plan.rows, plan.row, columns, passed, plan.line)
            if quick is not None:               # every written cell as planned, in the common spelling
                checked += quick
                continue
            if reader is None:
                reader = stack.enter_context(_Reader(path))
                zsrc = stack.enter_context(zipfile.ZipFile(source))
            reached = set()

            def check(r: int, row) -> None:
                nonlocal checked
                for c, value in plan.row(r).items():
                    if (r, c) in passed:
                        continue
                    checked += 1
                    shown = row[c - 1] if 0 < c <= len(row) else None
                    if not (shown == value if type(value) is str and value else _same(shown, value)):
                        problems.append(f"{sheet}!{a1(r, c)} reads {shown!r}, the plan wrote {value!r}")
            wanted = set(plan.rows)
            width = max(columns)
            data = read_member(zf, part)
            count, examples, area = _cells(data)
            del data                    # 20 MB at 5k, not held while calamine reads the sheet
            for r, row in reader.rows(sheet, plan.rows[-1], width, dense=area <= DENSE_CELLS):
                if r in wanted:
                    reached.add(r)
                    check(r, row)
            for r in plan.rows:
                if r not in reached:                             # a row the reader never came to
                    check(r, ())
            before = _cells(read_member(zsrc, part))[0] if count and part in zsrc.namelist() else 0
            if count > before:
                problems.append(f"{sheet}: {count - before} cells spelled outside the SpreadsheetML namespace, "
                                f"e.g. {', '.join(examples)}")
    if problems:
        more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        raise ReadBackError(f"{path}: {len(problems)} cells written do not read back: "
                            + "; ".join(problems[:SHOWN]) + more)
    return checked


# ------------------------------------------------------------------------------------ readers

class _Reader:
    """Rows of values of a saved workbook: python-calamine, else openpyxl's read-only reader."""

    def __init__(self, path) -> None:
        self.path = path
        self.book = self.fh = self.streamed = None

    def __enter__(self) -> _Reader:
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            import openpyxl
            self.fh = open(self.path, "rb")              # a file object: the saved file's name ends in .tmp
            self.book = openpyxl.load_workbook(self.fh, read_only=True, data_only=False)
            self.calamine = False
        else:
            self.book = CalamineWorkbook.from_path(str(self.path))
            self.calamine = True
        return self

    def __exit__(self, *exc) -> None:
        if not self.calamine:
            self.book.close()
        elif self.streamed is not None:
            self.streamed.close()
        if self.fh is not None:
            self.fh.close()

    def rows(self, sheet: str, last: int, width: int, *, dense: bool = True):
        """(row number, values from column A) of the rows up to `last` that the sheet has (at least
        `width` columns of them); `dense`: the sheet may be read as one block (see ``_cells``)."""
        if self.calamine and dense:
            if sheet not in self.book.sheet_names:
                return
            ws = self.book.get_sheet_by_name(sheet)
            if ws.start is None:
                return
            r0, c0 = ws.start
            pad = [None] * c0
            for k, row in enumerate(ws.iter_rows()):
                if r0 + k + 1 > last:
                    return
                yield r0 + k + 1, pad + row if c0 else row
            return
        book = self.book
        if self.calamine:                                # a sheet too wide or tall for calamine's block
            import openpyxl
            if self.fh is None:
                self.fh = open(self.path, "rb")
                self.streamed = openpyxl.load_workbook(self.fh, read_only=True, data_only=False)
            book = self.streamed
        if sheet not in book.sheetnames:
            return
        yield from enumerate(book[sheet].iter_rows(max_row=last, max_col=width, values_only=True), start=1)


_MAIN_PREFIX = re.compile(rb'xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*["\']' + re.escape(_MAIN.encode()) + rb'["\']')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_CELL = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?c[\s/>](?:[^>]*?\br=[\"']([^\"']*))?")


_LETTERS, _DIGITS = re.compile(rb"[A-Za-z]+"), re.compile(rb"[0-9]+")


def _cells(data: bytes) -> tuple[int, list[str], int]:
    """Of a worksheet part's ``<c>`` elements among its rows: (how many, the first references of) those
    spelled with a prefix the part does not bind to the SpreadsheetML namespace before its rows (or
    without one where the default namespace is another): cells Excel, openpyxl and LibreOffice do not
    see; and the area of calamine's block of the sheet — rows × columns up to its last cell, valued or
    not, or more than ``DENSE_CELLS`` when a cell has no reference (calamine places it by its order)."""
    rows_at = _SHEET_DATA.search(data)
    if rows_at is None:
        return 0, [], 0
    bound = {m.group(1) or b"" for m in _MAIN_PREFIX.finditer(data, 0, rows_at.start())}
    quick = _plain_cells(data, rows_at.end(), bound)
    if quick is not None:
        return quick
    count, examples, refs, columns, rows = 0, [], [], 0, 0
    for m in _CELL.finditer(data, rows_at.end()):
        refs.append(m.group(2))
        if len(refs) == AREA_CHUNK:          # the references a chunk at a time: 390,000 at once were 50 MB at 5k
            columns, rows = _extent(refs, columns, rows)
            refs.clear()
        if (m.group(1) or b"") not in bound:
            count += 1
            if len(examples) < SHOWN:
                examples.append((m.group(2) or b"?").decode(errors="replace"))
    columns, rows = _extent(refs, columns, rows)
    return count, examples, DENSE_CELLS + 1 if columns < 0 else columns * rows


_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_PLAIN_REF = re.compile(rb"<c\s[^>]*?\br=[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"']")


def _plain_cells(data: bytes, start: int, bound: set[bytes]) -> tuple[int, list[str], int] | None:
    """``_cells`` of the common sheet, in a few passes of C code (the cell by cell pass took 0.35 s
    CPU at 5k): the default namespace is SpreadsheetML, no cell has a prefix, and every cell start
    tag has a reference the pattern reads (the tags counted, the references matched must be as many).
    None for any other sheet: ``_cells`` then looks at each cell. The part is looked at a chunk at a
    time, each ending before a ``<`` (no tag spans two): 390,000 references at once were 50 MB."""
    if b"" not in bound or _PREFIXED_CELL.search(data, start) is not None:
        return None
    rows, letters_seen = 0, set()
    pos, end = start, len(data)
    while pos < end:
        stop = data.find(b"<", pos + PLAIN_CHUNK)
        stop = end if stop < 0 else stop
        refs = _PLAIN_REF.findall(data, pos, stop)
        if len(refs) != len(_CELL_TAG.findall(data, pos, stop)):
            return None
        if refs:
            letters_seen.update(letters for letters, _ in refs)
            rows = max(rows, max(map(int, {digits for _, digits in refs})))
        pos = stop
    try:
        columns = max((column_index(c.decode("ascii")) for c in letters_seen), default=0)
    except ValueError:                                  # past XFD: ``_cells`` says how far
        return None
    return 0, [], columns * rows


PLAIN_CHUNK = 1 << 20
AREA_CHUNK = 65536


def _extent(refs: list[bytes | None], columns: int, rows: int) -> tuple[int, int]:
    """(the last column, the last row) of the cell references `refs` and of those seen before them
    (`columns`, `rows`); columns -1 when a reference is missing or past XFD (no block holds it)."""
    if columns < 0 or None in refs or b"" in refs:
        return -1, rows
    joined = b" ".join(refs)
    try:
        columns = max([columns, *(column_index(c.decode("ascii")) for c in set(_LETTERS.findall(joined)))])
        rows = max([rows, *map(int, set(_DIGITS.findall(joined)))])
    except ValueError:                                  # past XFD, or not a reference: no reader takes it
        return -1, rows
    return columns, rows


# ----------------------------------------------------------------------------------- comparing

def _blank(value) -> bool:
    return value is None or value == ""


def _same(shown, value) -> bool:
    """Whether a cell read back as `shown` holds `value` as the patcher writes it."""
    if _blank(value):
        return _blank(shown)
    if isinstance(value, bool) or isinstance(shown, bool):
        return isinstance(shown, bool) and isinstance(value, bool) and shown == value
    if isinstance(value, (int, float, Decimal)):
        if isinstance(shown, (dt.datetime, dt.date, dt.time, dt.timedelta)):   # a number in a date format
            shown = _serial(shown)
        if not isinstance(shown, (int, float)):
            return False
        try:
            return Decimal(repr(shown)) == Decimal(str(value))
        except InvalidOperation:
            return False
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    return isinstance(shown, str) and shown == str(value)


def _serial(shown) -> float:
    from openpyxl.utils.datetime import to_excel
    return to_excel(shown)
