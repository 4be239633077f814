"""Read a worksheet's rows on their bytes: the values and style ids ``view.WorkbookView`` reads, without
building an element per cell.

The data sheets of a filing hold hundreds of thousands of plain cells (``<c r="C2" s="1" t="s"><v>17</v>
</c>``, the refresh's ``<c … t="inlineStr"><is><t>…</t></is></c>``): here each row's cells are matched
by one regular expression and decoded as ``view._read_row`` decodes them; a row holding anything else
(a formula, rich text, an entity other than XML's five, a cell spelled otherwise) is parsed alone by
lxml, in the sheet's namespaces, and read by ``_read_row`` itself. What comes before and after the rows
is parsed by the hardened parser first (a DTD is refused there, the merged ranges are read there).

``scan`` declines (returns None) whenever the bytes are not what it knows to read exactly as the
streaming lxml pass does — another encoding, a prefixed or redeclared namespace, comments, CDATA or
processing instructions among the rows, text the parser would normalise (carriage returns) or refuse
(control characters, ``]]>``), a row lxml cannot parse alone, rows out of the sheet's order — and the
caller reads the sheet by that pass instead, so every damaged or unusual sheet gets the same values and
the same errors as before. The result is the same as the lxml pass's, value for value.
"""

from __future__ import annotations

import re

from .. import limits
from ..address import column_index, column_letter
from ..textnorm import well_formed
from .cells import CellDecoder, place
from .excelvalues import unescape
from .rowshapes import Shapes, inline_text
from .xml import MAIN, XmlPartError, attr_xml, parse, q, text_of_xml

SHEET_DATA, MERGE_CELL = q("sheetData"), q("mergeCell")
EMPTY = (None, "")
MAX_BYTES = 32 << 20           # a larger part is read as a stream (its bytes are held while scanned: a
#                                sheet formatted down to row 1,048,576 is read no further than its data)

_DECLARED = re.compile(rb'^(?:\xef\xbb\xbf)?<\?xml[^>]*?\bencoding\s*=\s*["\']([^"\']*)["\']')
_OPEN = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_ROW_ATTRS = re.compile(rb'(?:\s+[A-Za-z_][\w.:-]*="[^"<&]*")*\s*')
_ATTR = re.compile(rb'([A-Za-z_][\w.:-]*)="([^"<&]*)"')
_LEADING_R = re.compile(rb'\s+r="([0-9]+)"')
# a plain cell as Excel, LibreOffice, xlsxwriter and the patcher write it: r, s, t in that order; blank,
# a <v> value, or an inline string without runs. A blank cell takes the run of blank cells after it along,
# each with its reference (a column up to XFD) and perhaps a format, matched at once (the helper columns of
# 绩效指标 on every row). The start of every cell is matched once, whatever it holds (a blank cell is not
# tried first as a run and then again as a cell: 0.15 -> 0.12 s CPU of the 5k 绩效指标's matches).
# Groups: 1 letters, 2 digits, 3 s, 4 t; 5 the run of blank cells after a blank one; 6 the text of a <v>
# or 7 of an <is> that has one; 8 an empty <v>, <t/> or <t></t>.
_BLANK_AFTER = rb'<c r="(?:[A-Z]{1,2}|[A-W][A-Z]{2}|X[A-E][A-Z]|XF[A-D])[0-9]+"(?: s="[0-9]+")?/>'
_CELL = (rb'<c(?: r="([A-Z]{1,3})([0-9]+)")?(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
         rb'(?:/>((?:' + _BLANK_AFTER + rb')*)|></c>|><v>([^<]+)</v></c>'
         rb'|><is><t(?: xml:space="preserve")?>([^<]+)</t></is></c>'
         rb'|>(<v></v>|<is><t/></is>|<is><t(?: xml:space="preserve")?></t></is>)</c>)')
# … or any other "<" (group 9) or text that is not white space (group 10): the row is for the parser
_CELLS = re.compile(_CELL + rb"|(<)|([^\s<])")
# the cells of a run of blanks, one by one (letters, digits, s): where a run holds a watched format
_BLANK = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?/>')
# what the parser would normalise (carriage returns) or refuse (control characters, U+FFFE/FFFF, "]]>"),
# and comments, CDATA, processing instructions and namespace declarations among the rows
_CONTROL = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)) + b"\r"
_REFUSED = (b"]]>", b"<!", b"<?", b"xmlns")
_NOT_CHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")
_CONTROL_MARKS = bytes(0 if b in _CONTROL else 1 for b in range(256))     # a control byte → 0, any other → 1
_PROBES = {b"]]>": b"]", b"<!": b"!", b"<?": b"?", b"xmlns": b"x", b"&#": b"#"}


def _not_plain(data: bytes, start: int, end: int, refused) -> bool:
    """Whether ``data[start:end]`` holds one of the tokens ``refused``, U+FFFE/U+FFFF or a character of
    ``_CONTROL``. Each token is looked for only where a byte of it is found first (one ``memchr`` pass of
    22 MB: 1 ms, where a search for "<!" takes 20: "<" starts every tag), the control characters by one
    translation of the bytes (three times as fast as deleting them)."""
    for token in refused:
        probe = _PROBES.get(token)
        if (probe is None or data.find(probe, start, end) >= 0) and data.find(token, start, end) >= 0:
            return True
    return bool(_NOT_CHARACTER.search(data, start, end)) or data.translate(_CONTROL_MARKS).find(b"\0", start, end) >= 0
ROW = q("row")


class SheetRows:
    """What the read of a sheet keeps: the rows with values, each at its number (tuples of values and of
    style ids; a row read twice merged, the later cells winning), and the cached values of formulas."""

    def __init__(self, max_rows: int, refuse) -> None:
        self.rows: list[tuple] = []
        self.styles: list[tuple] = []
        self.cached: dict = {}
        # refuse(limit, found) raises: more than max_rows rows with values, or more cells held than the
        # cell limit (a row is held from column A to its last value)
        self.max_rows, self.max_cells, self.refuse = max_rows, limits.value(limits.CELLS), refuse
        self.valued = self.last_valued = self.held = 0
        self._looks: dict[tuple, tuple] = {}      # rows formatted alike share one tuple of style ids

    def add(self, r: int, values: tuple, ids: tuple, formulas) -> None:
        if values.count(None) + values.count("") == len(values):
            return                                      # nothing but None and "" (``EMPTY``), counted in C
        self.valued += 1
        if self.valued > self.max_rows:
            self.refuse(limits.ROWS)
        self.held += len(values)
        if self.held > self.max_cells:                 # values far out to the right (XFD) on many rows
            self.refuse(limits.CELLS, _WIDE.format(r=r, col=column_letter(len(values))))
        rows, styles = self.rows, self.styles
        if len(self._looks) < 4096:
            ids = self._looks.setdefault(ids, ids)   # one per look: 4–5 MB fewer at 5,000 projects
        else:
            ids = self._looks.get(ids, ids)
        if r <= len(rows):                       # rows out of document order: each at its number
            rows[r - 1], styles[r - 1] = _merged(rows[r - 1], styles[r - 1], values, ids)
        else:
            while len(rows) < r - 1:
                rows.append(())
                styles.append(())
            rows.append(values)
            styles.append(ids)
        for c, value in formulas:
            self.cached[(r, c)] = value
        self.last_valued = max(self.last_valued, r)


_WIDE = "（从 A 列算到每行最后一个有内容的单元格；如第 {r:,} 行有内容的单元格远在 {col} 列，请删除表格右侧无用的内容）"


def _merged(values: tuple, ids: tuple, later: tuple, later_ids: tuple) -> tuple[tuple, tuple]:
    """A row read twice (two <row> elements with one number): the later one's cells win."""
    width = max(len(values), len(later))
    out, out_ids = list(values) + [None] * (width - len(values)), list(ids) + [0] * (width - len(ids))
    for k, value in enumerate(later):
        if value not in EMPTY:
            out[k], out_ids[k] = value, later_ids[k]
    return tuple(out), tuple(out_ids)


class _Declined(Exception):
    """The sheet is for the streaming lxml pass."""


def scan(data: bytes, part: str, decoder: CellDecoder, watch: frozenset[int], blank_run: int,
         max_rows: int, refuse, read_row):
    """(rows, style ids, cached formula values, merged ranges, hidden rows, watched cells) of the
    worksheet `data`, as ``WorkbookView._load`` reads them by its streaming pass; None when the sheet is
    for that pass (module docstring). ``refuse(limit, found)`` raises at a limit (``SheetRows``);
    ``read_row`` is ``view._read_row`` (for the rows parsed alone)."""
    try:
        return _scan(data, part, decoder, watch, blank_run, max_rows, refuse, read_row)
    except (_Declined, XmlPartError):
        return None


def _scan(data, part, decoder, watch, blank_run, max_rows, refuse, read_row):
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Declined
    m = _OPEN.search(data)
    if m is None or m.group(1) or b"<!" in data[:m.start()]:
        raise _Declined
    start, end = m.end(), data.find(b"</sheetData>", m.end())
    if end < 0 or _not_plain(data, start, end, _REFUSED):
        raise _Declined
    head, tail = data[:start], data[end:]
    if _ROW.search(head) or _ROW.search(tail) or b":row" in head or b":row" in tail:
        raise _Declined
    root = parse(head + tail, part)                   # the hardened parser: no DTD, well-formed
    sd = root.find(SHEET_DATA)
    if root.nsmap.get(None) != MAIN or sd is None or sd.prefix:
        raise _Declined
    prefixes = {k.encode() for k in sd.nsmap if k} | {b"xml"}
    merged = tuple(el.get("ref") for el in root.iter(MERGE_CELL) if el.get("ref"))
    decls = b" ".join((b"xmlns" + (b":" + k.encode() if k else b"") + b'="' + attr_xml(v).encode() + b'"')
                      for k, v in sd.nsmap.items())
    context = (b"<xl-tools-context " + decls + b">", b"</xl-tools-context>")

    shared = decoder.shared
    texts: dict[str, str] = {}               # inline strings, one object per text (see ``_plain_row``)
    watched_style = _watched_style(watch)
    shapes = Shapes(watch, _column_of)       # rows spelled alike: one match each (``rowshapes``)
    looks: dict[bytes, bool] = {}            # a row's attributes after its r → whether they hide it
    read = SheetRows(max_rows, refuse)
    hidden: set[int] = set()
    watched: dict = {}
    r = 0
    pos = start
    stopped = False
    for k, rm in enumerate(_ROW.finditer(data, start, end)):
        if not k & 4095:
            limits.check_time()                     # the task's time budget, inside a large sheet too
        if rm.start() > pos and data[pos:rm.start()].strip():
            raise _Declined                         # something between the rows
        if rm.group(2):
            inner_end = row_end = rm.end()
        else:
            inner_end = data.find(b"</row>", rm.end(), end)
            if inner_end < 0:
                raise _Declined
            row_end = inner_end + 6
        pos = row_end
        attrs = rm.group(1)
        lead = _LEADING_R.match(attrs)
        if lead is not None:                        # r="…" first, as writers put it: the rest checked once
            stated = lead.group(1)                  # per spelling (ht="36" customHeight="1" on every row)
            rest = attrs[lead.end():]
            hide = looks.get(rest)
            if hide is None:
                found = _row_attributes(rest, prefixes)
                if b"r" in found:
                    raise _Declined                 # r twice: not well-formed
                hide = found.get(b"hidden") in (b"1", b"true")
                if len(looks) < 4096:
                    looks[rest] = hide
        else:
            found = _row_attributes(attrs, prefixes) if attrs else {}
            stated = found.get(b"r")
            if stated is not None and not stated.isdigit():
                raise _Declined
            hide = found.get(b"hidden") in (b"1", b"true")
        r = int(stated) if stated else r + 1
        if r - read.last_valued > blank_run:
            stopped = True
            break                                   # a long run of blank rows: the data ended
        if hide:
            hidden.add(r)
        number = stated.decode() if stated else str(r)
        digits = stated or number.encode()
        got = shapes.read(data, rm.end(), inner_end, digits, r, shared, texts, watched)   # a spelling seen before
        if got is None:
            cells = _CELLS.findall(data, rm.end(), inner_end)
            got = _plain_row(cells, r, number, shared, decoder.date_styles, watch, watched, texts, watched_style)
            if got is not None:
                shapes.learn(cells, _BLANK.findall, got, decoder.date_styles, data, rm.end(), inner_end, digits,
                             shared, texts)
        if got is None:                             # parsed alone, read as the streaming pass reads it
            try:
                row = parse(context[0] + data[rm.start():row_end] + context[1], part)[0]
            except XmlPartError:
                raise _Declined from None
            if row.tag != ROW:
                raise _Declined
            values, ids, formulas = read_row(row, r, number if stated else None, decoder, watch, watched)
        else:
            values, ids = got
            formulas = ()
        read.add(r, values, ids, formulas)
    if not stopped and data[pos:end].strip():
        raise _Declined
    return read.rows, read.styles, read.cached, (() if stopped else merged), hidden, watched


def _row_attributes(attrs: bytes, prefixes: set[bytes]) -> dict[bytes, bytes]:
    """The attributes of a ``<row>`` start tag (its bytes after "row"); ``_Declined`` unless each is
    written name="value" once (no "<" or "&" in a value), with no prefix the sheet does not declare."""
    listed = _ATTR.findall(attrs)
    found = dict(listed)
    if not _ROW_ATTRS.fullmatch(attrs) or len(found) != len(listed):
        raise _Declined
    if b":" in attrs:                               # Excel's x14ac:dyDescent: a prefix the sheet declares
        for key in found:
            if b":" in key and key.split(b":", 1)[0] not in prefixes:
                raise _Declined
    return found


def _plain_row(cells, r: int, number: str, shared, dates, watch, watched, texts: dict[str, str],
               watched_style=None):
    """(values, style ids) of a row of plain cells (``_CELLS.findall``), as ``view._read_row`` reads
    them; None when the row is for the parser (something but plain cells and white space in it, an
    entity, a value read otherwise, one it refuses). ``texts``: the inline strings read so far, each
    text one object (a sheet of inline strings repeats its project names and labels on every row, as
    many objects as cells: at 5,000 projects 15–20 MB; shared strings are one object each already).
    ``watched_style``: finds a format of ``watch`` in a run of blank cells (``_watched_style``); a run
    without one is passed over whole: a blank cell gives nothing but its place, and the cell after the
    run has a reference of its own (or the row is for the parser)."""
    values: list = []
    ids: list = []
    col = 0
    digits = number.encode()
    columns, styles = _COLUMNS, _STYLES
    try:
        for letters, ref_digits, s, t, blanks, v_text, text, empty, other, stray in cells:
            if other or stray:
                return None
            if letters:
                if ref_digits != digits:
                    return None                     # another row's reference: the parser's reading
                col = columns.get(letters) or _column(letters)
            else:
                col += 1                            # (TypeError after a run of blanks: the parser's reading)
            style = styles.get(s)
            if style is None:
                style = int(s)
                if len(styles) < 65536:
                    styles[s] = style
            if watch and s and style in watch:
                watched[(r, col)] = style
            if text:                                # <is>: its text, whatever t says
                value = inline_text(text, texts)
                if value is None:
                    return None                     # a reference: the parser's reading
            elif v_text:
                if t == b"s":
                    value = shared[int(v_text)]
                elif t and t != b"n" or style in dates:
                    return None                     # booleans, errors, strings, dates: the parser's reading
                else:
                    value = float(v_text) if (b"." in v_text or b"E" in v_text or b"e" in v_text) else int(v_text)
            elif empty:
                if empty[1] != 118:                 # <is><t/></is>: an empty text
                    value = ""
                elif t == b"s" or t and t != b"n" or style in dates:
                    return None                     # an empty <v>: read as the parser reads it
                else:
                    value = None
            else:                                   # a styled empty cell …
                if blanks:                          # … and the blank cells after it
                    if watch and watched_style(blanks):
                        for letters, ref_digits, s in _BLANK.findall(blanks):
                            if ref_digits != digits:
                                return None
                            style = int(s) if s else 0
                            if style in watch and s:
                                watched[(r, columns.get(letters) or _column(letters))] = style
                    col = None                      # the next cell names its column, or TypeError: the parser
                continue
            if col == len(values) + 1:              # the next cell: the usual case
                values.append(value)
                ids.append(style)
            else:
                place(values, ids, col, value, style)
    except (ValueError, IndexError, TypeError):
        return None
    return tuple(values), tuple(ids)


def _watched_style(watch: frozenset[int]):
    """The search for a cell format of ``watch`` in a run of blank cells (``s="12"``, ``s="012"``)."""
    if not watch:
        return None
    return re.compile(rb's="0*(?:%s)"' % b"|".join(str(w).encode() for w in sorted(watch))).search


_COLUMNS: dict[bytes, int] = {}
_STYLES: dict[bytes, int] = {b"": 0}


def _column_of(letters: bytes) -> int:
    return _COLUMNS.get(letters) or _column(letters)


def _column(letters: bytes) -> int:
    col = _COLUMNS[letters] = column_index(letters.decode())      # ValueError past the last column
    return col


# ------------------------------------------------------------------------------ the shared strings

_SST_OPEN = re.compile(rb"<sst\b[^>]*>")
# an item of plain text, as Excel, WPS, LibreOffice and xlsxwriter write nearly all of them (group 1: its
# text; group 2: an empty one) — or any other "<" (group 3: runs, phonetic guides …) or text (group 4)
_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t/>()</si>|(<)|([^\s<])')


def shared_strings(data: bytes, part: str) -> list[str] | None:
    """The texts of the shared-strings part ``data``, as ``view.WorkbookView.shared_strings`` reads them
    by its streaming pass (``cells.text_of`` of each ``<si>``) — or None when an item is anything but
    one plain ``<t>`` (rich text, phonetic guides), or the part is not what this reads exactly as that
    pass does (another encoding, another namespace, a character reference, text the parser would
    normalise or refuse): then the pass reads it, with its errors. 37,534 texts at 5,000 projects:
    one regular expression instead of an element each."""
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    m = _SST_OPEN.search(data)
    if m is None or b"<!" in data[:m.start()]:
        return None
    start, end = m.end(), data.rfind(b"</sst>")
    if end < start or _not_plain(data, start, end, (*_REFUSED, b"&#")):
        return None
    try:
        root = parse(data[:start] + data[end:], part)        # the hardened parser: no DTD, well-formed
    except XmlPartError:
        return None
    if root.tag != q("sst") or root.nsmap.get(None) != MAIN:
        return None
    out: list[str] = []
    try:
        for k, item in enumerate(_SI.finditer(data, start, end)):
            if item.lastindex > 2:
                return None
            raw = item.group(1)
            text = raw.decode() if raw else ""
            if "&" in text:
                text = text_of_xml(text, references=False)
                if text is None:
                    return None
            if "_x" in text:
                text = well_formed(unescape(text))
            out.append(text)
            if not k & 65535:
                limits.check_time()
    except UnicodeDecodeError:
        return None
    return out

