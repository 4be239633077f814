"""The read-back's first look at a saved sheet (``readback.verify``): the cells the plan wrote, found on
the sheet's bytes a quarter of a megabyte at a time (the matches of a megabyte held 12 MB at 5k), without
reading the rest of the sheet into memory.

It only ever says "every written cell is there, as planned" or "not sure": the full read-back
(python-calamine, the namespace of every cell) then decides, and names what is wrong. So it is strict
where calamine is lenient and never the other way round:

- the sheet must be the common spelling: SpreadsheetML the default namespace of the part, no element
  with a prefix, no namespace declared, no comment, CDATA section or processing instruction among its
  rows (so every ``<c>`` it finds is a cell Excel, openpyxl, LibreOffice and calamine see, and no other
  cell hides one);
- a cell is found by its reference written first (``<c r="H12" …>``, as Excel, LibreOffice, openpyxl
  and the patcher write it), each written cell exactly once;
- its value only in the plain forms: ``<v>`` of a number, a boolean or a formula's text result, an
  inline string of one ``<t>``, nothing (a blank); entities XML predefines and character references,
  Excel's ``_xHHHH_`` escapes decoded as every reader decodes them; a number equal to the planned one as
  a decimal (calamine compares its float).

What this look costs at 5,000 projects (the 180,000 helper cells of a 20 MB 绩效指标): a pass of
regular expressions over the part and a comparison per row of cells (the rows the plan writes alike —
the 637 distinct lines of the helper columns — judged once per spelling of their cells), a few megabytes
of memory; calamine held the whole sheet as one block (+32 MB at the peak of a refresh) and its cells
were compared one by one."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ..address import column_letter
from ..ooxml import deflate
from ..ooxml.excelvalues import unescape
from ..ooxml.xml import text_of_xml
from ..textnorm import well_formed

CHUNK = 1 << 18
VERDICTS_KEPT = 4096                     # spellings of rows written alike kept (a few hundred at 5k)
HEAD = 16 << 20                          # what comes before the rows (columns, views …) is never near this

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROOT = re.compile(rb"<worksheet\b[^>]*>")
_DEFAULT_MAIN = re.compile(rb'\sxmlns\s*=\s*(["\'])' + re.escape(_MAIN) + rb"\1")
_SHEET_DATA = re.compile(rb"<sheetData\s*>")
_SHEET_DATA_END = b"</sheetData>"
# what the common spelling does not hold among the rows: a prefixed element, a namespace declaration,
# a comment, CDATA section, DOCTYPE or processing instruction, a cell whose reference is not its first
# attribute or that has none (calamine places it by its order); searched for one by one, each a fast
# scan (one pattern of them all took 0.5 s over the 20 MB of 绩效指标 at 5k)
# (a search for "<!" costs what a pass over the chunk for every "<" costs; one for "!" is a memchr: a
# chunk without "!" has no "<!", without ":" no prefixed element)
_PREFIXED = re.compile(rb"<[\w.-]+:")
_CELL_NO_REF = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')


def _unusual(chunk: bytes) -> bool:
    return (b"!" in chunk and b"<!" in chunk) or (b"?" in chunk and b"<?" in chunk) or b"xmlns" in chunk \
        or (b":" in chunk and _PREFIXED.search(chunk) is not None) or _CELL_NO_REF.search(chunk) is not None
_ATTRS_OK = re.compile(rb'(?:\s+(?:s|t|cm|vm|ph)="[^"<>]*")*\s*')
_TYPE = re.compile(rb'\st="([a-zA-Z]+)"')
_V = re.compile(rb"<v>([^<]*)</v>")
_INLINE = re.compile(rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_BLANK = ("blank", None)

NOT_SURE = None


def _text(raw: bytes) -> str | None:
    """The text of a ``<t>`` or ``<v>`` as a reader gives it; None where it holds an entity XML does
    not predefine (the full read decides)."""
    text = raw.decode("utf-8")
    if "\r" in text:                     # a literal carriage return reads as a line feed (XML's line ends)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text_of_xml(text)             # &#13; is a carriage return
    if text is None:
        return None
    return well_formed(unescape(text)) if "_x" in text else text


def _shown(attrs: bytes, inner: bytes | None):
    """(kind, value) of a cell's attributes after its reference and its content: ("blank", None),
    ("text", str), ("number", Decimal), ("bool", bool); None when the cell is in any other form."""
    if _ATTRS_OK.fullmatch(attrs) is None:
        return None
    m = _TYPE.search(attrs)
    kind = m.group(1) if m else b"n"
    if not inner:
        return _BLANK if kind in (b"n", b"s", b"str", b"inlineStr") else None
    if kind == b"inlineStr" or kind == b"str":
        m = (_INLINE if kind == b"inlineStr" else _V).fullmatch(inner)
        text = _text(m.group(1)) if m else None
        return None if text is None else ("text", text) if text else _BLANK
    m = _V.fullmatch(inner)
    if m is None:
        return None
    if kind == b"n":
        try:
            number = Decimal(m.group(1).decode("ascii").strip())
        except (InvalidOperation, UnicodeDecodeError):
            return None
        return ("number", number) if number.is_finite() else None
    if kind == b"b" and m.group(1) in (b"0", b"1"):
        return ("bool", m.group(1) == b"1")
    return None                          # a shared string, an error, an ISO date: the full read decides


def _as_planned(value):
    """(kind, value) a cell holding the planned ``value`` shows; None for a value of another type."""
    if value is None or value == "":
        return _BLANK
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return ("number", number) if number.is_finite() else None
    if isinstance(value, (dt.date, dt.datetime)):
        return ("text", value.isoformat())
    if isinstance(value, str):
        return ("text", value)
    return None


def _chunks(fh, first: bytes):
    """The rows of a part from ``first`` (what follows ``<sheetData>``) to ``</sheetData>``, in pieces
    that end after a ``</row>`` (no cell spans two); None last when the part ends before it."""
    buf = first
    while True:
        end = buf.find(_SHEET_DATA_END)
        if end >= 0:
            yield buf[:end]
            return
        more = fh.read(CHUNK)
        if not more:
            yield None
            return
        buf += more
        cut = buf.rfind(b"</row>")
        if cut >= 0 and buf.find(_SHEET_DATA_END, max(0, cut - len(_SHEET_DATA_END))) < 0:
            cut += len(b"</row>")
            yield buf[:cut]
            buf = buf[cut:]


def verified(zf: zipfile.ZipFile, part: str, rows: list[int], row_of: Callable[[int], dict[int, object]],
             columns: set[int], passed=frozenset(), line_of: Callable[[int], tuple[int, list] | None] | None = None,
             ) -> int | None:
    """The number of cells the plan wrote into the part ``part`` of the saved package ``zf`` — the rows
    ``rows`` (ascending), ``row_of(r)`` the values of row ``r`` by column, in ``columns``; the cells
    ``passed`` left out — when the part shows every one as planned (a blank planned may have no cell
    at all); None (``NOT_SURE``) when a cell differs, is missing, is there twice, is spelled in a form
    this look does not read, or the sheet is not in the common spelling or its rows not in order.
    ``line_of(r)``: (first column, list of values) of a row one op writes, the list shared by the rows
    written alike: what they are planned as is worked out once per list."""
    if not rows:
        return 0
    letters_of = {c: column_letter(c).encode("ascii") for c in columns}
    pattern = b"|".join(re.escape(k) for k in sorted(letters_of.values(), key=len, reverse=True))
    cell = re.compile(rb'<c r="(' + pattern + rb')([0-9]{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
    # a run of cells of the planned columns side by side (its first one's row number: group 2), as
    # ``cell`` reads each: one match a row of helper cells, not one a cell (the attributes taken whole,
    # a tag ending "/>" closing the cell: what ``cell``'s lazy attributes find, at half its cost)
    one = rb'[0-9]{1,7}"[^>]*(?:(?<=/)>|>.*?</c>)'
    run = re.compile(rb'(<c r="(?:' + pattern + rb')([0-9]{1,7})"[^>]*(?:(?<=/)>|>.*?</c>)(?:<c r="(?:' + pattern +
                     rb')' + one + rb')*)', re.S)
    planned_as: dict = {}
    shown_as: dict[tuple[bytes, bytes], tuple | None] = {}   # the helper cells repeat a few spellings
    by_line: dict[tuple[int, int], tuple[list, tuple | None]] = {}
    checked = 0

    def planned(r: int) -> tuple[dict[bytes, tuple[int, tuple]], int, object] | None:
        """Row ``r``'s cells: column letters → (column, (kind, value) planned), how many of them are not
        blank, and what rows planned alike share (None for a row of its own): the verdict on a row's
        cells is worked out once for them (``verdicts``); None when a value is of a type this look
        leaves to the full read."""
        nonlocal checked
        line = line_of(r) if line_of is not None and not passed else None
        if line is not None:
            key = (line[0], id(line[1]))
            got = by_line.get(key)
            if got is None:                          # the list is kept with it: its id stays its own
                found = kinds(enumerate(line[1], start=line[0]), r)
                got = by_line[key] = (line[1], None if found is None else (*found, key))
            found = got[1]
        else:
            found = kinds(row_of(r).items(), r)
            found = None if found is None else (*found, None)
        if found is not None:
            checked += len(found[0])
        return found

    def kinds(cells, r: int) -> tuple[dict[bytes, tuple[int, tuple]], int] | None:
        out, need = {}, 0
        for c, value in cells:
            if (r, c) in passed:
                continue
            key = (value.__class__, value)
            try:
                kind = planned_as[key]
            except KeyError:
                kind = planned_as[key] = _as_planned(value)
            except TypeError:                        # not hashable
                kind = _as_planned(value)
            if kind is None:
                return None
            out[letters_of[c]] = (c, kind)
            need += kind != _BLANK
        return out, need

    def shown_in(row: dict, cells, last_c: int) -> tuple[int, int] | None:
        """(the cells of ``cells`` — the row's, in the order of the sheet — that show a planned value not
        blank, the last planned column among them) when each planned one shows its value, in order and
        once; None (not sure) when not."""
        shown_count = 0
        for letters, _digits, attrs, inner in cells:
            planned_cell = row.get(letters)
            if planned_cell is None:
                continue
            c, kind = planned_cell
            if c <= last_c:                          # a cell there twice, or cells out of order
                return None
            last_c = c
            try:
                shown = shown_as[attrs, inner]
            except KeyError:
                shown = shown_as[attrs, inner] = _shown(attrs, inner)
            if shown != kind:
                return None
            if kind != _BLANK:
                shown_count += 1
        return shown_count, last_c

    def judged(row: dict, whole: bytes, digits: bytes, last_c: int) -> tuple[int, int] | None:
        """``shown_in`` of the cells of the run ``whole``, each of row ``digits``; None (not sure) when a
        cell of the run is of another row, or the run is not its cells alone."""
        cells = cell.findall(whole)
        if any(c[1] != digits for c in cells) or len(cells) != whole.count(b"<c "):
            return None
        return shown_in(row, cells, last_c)

    n_rows = len(rows)
    verdicts: dict = {}                      # (rows planned alike, their cells less the row number) → verdict
    k, at_r, row, need, last_c, alike = 0, -1, None, 0, 0, None
    with deflate.opened(zf, part) as fh:
        head = b""
        while (at := _SHEET_DATA.search(head)) is None:
            more = fh.read(CHUNK)
            if not more or len(head) > HEAD:
                return NOT_SURE
            head += more
        root = _ROOT.search(head, 0, at.start())
        if root is None or _DEFAULT_MAIN.search(root.group()) is None \
                or b"xmlns" in head[root.end():at.start()]:
            return NOT_SURE
        for chunk in _chunks(fh, head[at.end():]):
            if chunk is None or _unusual(chunk):
                return NOT_SURE
            for whole, digits in run.findall(chunk):         # the runs of planned cells, in order
                r = int(digits)
                if r != at_r:
                    # the row before has shown every cell not blank; rows in order, as Excel needs them
                    if r < at_r or need:
                        return NOT_SURE
                    while k < n_rows and rows[k] < r:        # planned rows the sheet has no cell of
                        skipped = planned(rows[k])
                        if skipped is None or skipped[1]:
                            return NOT_SURE
                        k += 1
                    row, need, alike = None, 0, None
                    if k < n_rows and rows[k] == r:
                        got = planned(r)
                        if got is None:
                            return NOT_SURE
                        row, need, alike = got
                        k += 1
                    at_r, last_c = r, 0
                if row is None:
                    continue
                if alike is not None and last_c == 0:       # a row planned as others: its verdict once
                    # the run less its row number, when the number is there once a cell (the end of each
                    # reference: every cell of the run is of this row, ``judged`` says): rows alike whose
                    # runs read the same but for it show the same
                    numbered = digits + b'"'
                    key = (alike, whole.replace(numbered, b"\0")) \
                        if whole.count(numbered) == whole.count(b"<c ") else None
                    verdict = verdicts.get(key, False) if key is not None else False
                    if verdict is False:
                        verdict = judged(row, whole, digits, 0)
                        if key is not None and len(verdicts) < VERDICTS_KEPT:
                            verdicts[key] = verdict
                else:
                    verdict = judged(row, whole, digits, last_c)
                if verdict is None:
                    return NOT_SURE
                need -= verdict[0]
                last_c = verdict[1]
    if need:
        return NOT_SURE
    for r in rows[k:]:
        rest = planned(r)
        if rest is None or rest[1]:
            return NOT_SURE
    return checked
