"""After every save of a refresh: every cell the plan wrote into the person's sheets is read back from
the saved file by readers that are not the patcher's own view, before the file takes the place of the
original. A value missing or different fails the save (the original stays as it was; the person gets
the internal-error line and the log).

Two readers, each strict where the other is lenient:

- the values through python-calamine (Rust, its own XML and shared-strings decoding) where it is
  installed, else through openpyxl's read-only reader;
- the place of each cell by namespace, as Excel reads it: a ``<c>`` must be spelled with a prefix the
  part binds to the SpreadsheetML namespace, whatever prefix the sheet uses (calamine matches local
  names only, so a cell spliced in no namespace — what the patcher once wrote into sheets of the Open
  XML SDK's spelling — reads right there and is invisible to Excel, openpyxl and LibreOffice).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal, InvalidOperation

from ..ooxml.cells import ref
from .ops import SetValues

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHOWN = 5                                 # differences named in the error


class ReadBackError(RuntimeError):
    """A cell the plan wrote does not read back from the saved file (a defect of the writer)."""


def planned_values(ops) -> dict[str, dict[tuple[int, int], object]]:
    """sheet → (row, column) → the value the plan writes there (a later op wins, as in the patcher)."""
    out: dict[str, dict[tuple[int, int], object]] = {}
    for op in ops:
        if isinstance(op, SetValues):
            cells = out.setdefault(op.sheet, {})
            for r, line in enumerate(op.values, start=op.row):
                for c, value in enumerate(line, start=op.col):
                    cells[(r, c)] = value
    return out


def verify(path, parts: dict[str, str], expected: dict[str, dict[tuple[int, int], object]],
           skip: dict[str, set[tuple[int, int]]] | None = None) -> int:
    """Check that the file at `path` shows `expected` (sheet → cell → value) in the sheets whose parts
    `parts` names; cells in `skip` (a user's formula the patcher left alone) are not checked. Returns
    the number of cells checked; raises ReadBackError naming the first differences. The sheets are
    read as streams of rows: the check holds one row at a time, besides what it expects."""
    skip = skip or {}
    problems: list[str] = []
    checked = 0
    with _Reader(path) as reader, zipfile.ZipFile(path) as zf:
        for sheet, cells in expected.items():
            by_row: dict[int, list[tuple[int, object]]] = {}
            passed = skip.get(sheet, ())
            for (r, c), value in cells.items():
                if (r, c) not in passed:
                    by_row.setdefault(r, []).append((c, value))
            if not by_row:
                continue
            last = max(by_row)
            for r, row in reader.rows(sheet, last):
                for c, value in by_row.pop(r, ()):
                    checked += 1
                    shown = row[c - 1] if 0 < c <= len(row) else None
                    if not (shown == value if type(value) is str and value else _same(shown, value)):
                        problems.append(f"{sheet}!{ref(r, c)} reads {shown!r}, the plan wrote {value!r}")
            for r, left in by_row.items():                       # rows the reader never reached
                for c, value in left:
                    checked += 1
                    if not _blank(value):
                        problems.append(f"{sheet}!{ref(r, c)} reads None, the plan wrote {value!r}")
            unplaced = _unplaced(zf, parts[sheet], {ref(r, c): v for (r, c), v in cells.items()
                                                    if (r, c) not in passed and not _blank(v)})
            problems += [f"{sheet}!{where} holds {value!r} outside the SpreadsheetML namespace"
                         for where, value in unplaced.items()]
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
        self.book = self.fh = None

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
            self.fh.close()

    def rows(self, sheet: str, last: int):
        """(row number, values from column A) of the rows up to `last` that the sheet has."""
        if self.calamine:
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
        if sheet not in self.book.sheetnames:
            return
        yield from enumerate(self.book[sheet].iter_rows(max_row=last, values_only=True), start=1)


_MAIN_PREFIX = re.compile(rb'xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*["\']' + re.escape(_MAIN.encode()) + rb'["\']')


def _unplaced(zf: zipfile.ZipFile, part: str, wanted: dict[str, object]) -> dict[str, object]:
    """Those of `wanted` (reference → value) that are not SpreadsheetML cells of the worksheet part: a
    ``<c>`` counts when spelled with a prefix the part binds to the SpreadsheetML namespace before its
    rows (the default namespace included), so a cell spliced in another spelling is left over. Nothing
    is left over when the part binds the namespace nowhere before its rows (only values are checked)."""
    if not wanted:
        return {}
    data = zf.read(part)
    rows_at = data.find(b"sheetData")
    prefixes = {m.group(1) or b"" for m in _MAIN_PREFIX.finditer(data, 0, rows_at if rows_at > 0 else len(data))}
    if not prefixes:
        return {}
    left = dict(wanted)
    for prefix in prefixes:
        tag = re.escape(prefix + b":" if prefix else b"")
        for m in re.finditer(rb"<" + tag + rb"c\s[^>]*?\br=\s*[\"']([A-Z]{1,3}[0-9]+)[\"']", data):
            left.pop(m.group(1).decode(), None)
    return left


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
