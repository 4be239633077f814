"""After every save of a refresh: every cell the plan wrote into the person's sheets is read back from
the saved file by readers that are not the patcher's own view, before the file takes the place of the
original. A value missing or different fails the save (the original stays as it was; the person gets
the internal-error line and the log).

Two readers, each strict where the other is lenient:

- the values through python-calamine (Rust, its own XML and shared-strings decoding) where it is
  installed, else through openpyxl's read-only reader;
- the place of each cell through lxml by namespace, as Excel reads it: a ``<c>`` must be a SpreadsheetML
  cell in a SpreadsheetML row, whatever prefix the sheet uses (calamine matches local names only, so a
  cell spliced in no namespace — what the patcher once wrote into sheets of the Open XML SDK's
  spelling — reads right there and is invisible to Excel, openpyxl and LibreOffice).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal, InvalidOperation

from .. import xmlsafe
from ..ooxml.cells import col_index, ref
from .ops import SetValues

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _C, _V, _IS, _F = (f"{{{_MAIN}}}{n}" for n in ("row", "c", "v", "is", "f"))
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
    the number of cells checked; raises ReadBackError naming the first differences."""
    skip = skip or {}
    wanted = {sheet: {k: v for k, v in cells.items() if k not in skip.get(sheet, ())}
              for sheet, cells in expected.items() if cells}
    wanted = {s: c for s, c in wanted.items() if c}
    if not wanted:
        return 0
    problems: list[str] = []
    values = _read_values(path, {s: max(r for r, _ in c) for s, c in wanted.items()})
    with zipfile.ZipFile(path) as zf:
        for sheet, cells in wanted.items():
            got = values.get(sheet)
            placed = _placed(zf, parts[sheet], cells)
            for (r, c), value in sorted(cells.items()):
                shown = _get(got, r, c)
                if not _same(shown, value):
                    problems.append(f"{sheet}!{ref(r, c)} reads {shown!r}, the plan wrote {value!r}")
                elif not _blank(value) and (r, c) not in placed:
                    problems.append(f"{sheet}!{ref(r, c)} holds {value!r} outside the SpreadsheetML namespace")
    if problems:
        more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        raise ReadBackError(f"{path}: {len(problems)} cells written do not read back: "
                            + "; ".join(problems[:SHOWN]) + more)
    return sum(len(c) for c in wanted.values())


# ------------------------------------------------------------------------------------ readers

def _read_values(path, last_rows: dict[str, int]) -> dict[str, list]:
    """sheet → rows of values from A1, by python-calamine, else openpyxl read-only."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return _read_openpyxl(path, last_rows)
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for sheet in last_rows:
        if sheet in book.sheet_names:
            out[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return out


def _read_openpyxl(path, last_rows: dict[str, int]) -> dict[str, list]:
    import openpyxl
    with open(path, "rb") as fh:                 # a file object: the saved file's name ends in .tmp
        book = openpyxl.load_workbook(fh, read_only=True, data_only=False)
        try:
            return {sheet: [list(row) for row in book[sheet].iter_rows(max_row=last, values_only=True)]
                    for sheet, last in last_rows.items() if sheet in book.sheetnames}
        finally:
            book.close()


def _placed(zf: zipfile.ZipFile, part: str, cells: dict) -> set[tuple[int, int]]:
    """The cells among `cells` that are SpreadsheetML cells with content in SpreadsheetML rows."""
    rows = {r for r, _ in cells}
    found: set[tuple[int, int]] = set()
    last_r = 0
    with zf.open(part) as fh:
        for _ev, row in xmlsafe.iterparse(fh, part, tag=_ROW):
            stated = row.get("r")
            r = int(stated) if stated and stated.isdigit() else last_r + 1
            last_r = r
            if r in rows:
                col = 0
                for c in row.iterchildren(_C):
                    stated_ref = c.get("r")
                    col = col_index(stated_ref.rstrip("0123456789")) if stated_ref else col + 1
                    if any(child.tag in (_V, _IS, _F) for child in c):
                        found.add((r, col))
            row.clear()
            parent = row.getparent()
            while row.getprevious() is not None:
                del parent[0]
    return found


# ----------------------------------------------------------------------------------- comparing

def _get(rows, r: int, c: int):
    if rows is None or r > len(rows) or c > len(rows[r - 1]):
        return None
    return rows[r - 1][c - 1]


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
