"""Patch a worksheet on its bytes: rows the plan does not touch are copied as they are; values written
into a row (the fills, the helper columns) are spliced into its bytes as text in the sheet's own
spelling (``cells.cell_xml`` with the row's prefix); only a row that gets a colour, or whose cells are
not plain, is parsed — alone, in the namespaces of the sheet — and patched as ``sheetxml`` patches it.

What comes before and after the rows goes through lxml as in ``sheetxml.patch_sheet`` (the used range
widened, the notes' ``legacyDrawing`` added by the hook). A sheet whose rows hold comments, CDATA or
processing instructions is left to the streaming lxml pass (``patch_sheet_bytes`` returns None).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

from .. import limits
from ..address import a1 as make_ref
from ..address import parse_a1
from .cells import cell_xml, same_value
from .sheetxml import (
    KEEP,
    SHEET_DATA,
    CellEdit,
    RowsOutOfOrder,
    SheetEdits,
    SheetResult,
    _apply_row,
    _Context,
    _finish,
    _head,
    _new_row,
    coloured_style,
)
from .styles import Styles
from .xml import DECLARATION, XmlPartError, attr_xml, children_bytes, parse

_NAME = rb"(?:([A-Za-z_][\w.-]*):)?"
_SHEET_DATA = re.compile(rb"<" + _NAME + rb"sheetData\b[^>]*?(/?)>")
_ROW = re.compile(rb"<" + _NAME + rb"row\b([^>]*?)(/?)>")
_UNPREFIXED_ROW = re.compile(rb"<()row\b([^>]*?)(/?)>")       # the same groups; found three times as fast
_CELL = re.compile(rb"<" + _NAME + rb"c\b([^>]*?)(/?)>")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_R = re.compile(rb"\br\s*=\s*[\"']([^\"']*)[\"']")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b")
# the attributes of a plain cell tag after "<c": r, then s and t as Excel writes them; group 2: "/" of <c …/>
_SIMPLE = re.compile(rb'\s+r="[A-Z]{1,3}[0-9]+"(?:\s+s="([0-9]+)")?(?:\s+t="[a-zA-Z]+")?\s*(/?)>')
_PLAIN = {"r", "s", "t", "cm", "vm"}
# a cell of a run the values go into: blank, or a plain inline string (groups: the cell, letters, digits,
# s, t="inlineStr" when it is a string, its text)
_RUN_CELL = re.compile(rb'(<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?:/>|( t="inlineStr">)<is>(?:<t>([^<]*)</t>|<t/>)'
                       rb'</is></c>))')
FLUSH = 1 << 20
CHUNK = 1 << 18
RUNS_KEPT = 4096          # spellings of runs kept (``_Rows._alike``): a sheet of as many distinct ones holds ~2 MB


def _attrs(tag_attrs: bytes) -> dict[str, str]:
    return {m.group(1).decode(): (m.group(2) if m.group(2) is not None else m.group(3)).decode()
            for m in _ATTR.finditer(tag_attrs)}


def patch_sheet_bytes(data, dst, edits: SheetEdits, styles: Styles, decoder, part: str = "",
                      tail_hook=None) -> SheetResult | None:
    """Write the worksheet `data` with `edits` applied to `dst`; None when the sheet is for the
    streaming pass (no rows element, or rows holding comments, CDATA or processing instructions: then
    what was written to `dst` is not the part, the caller writes it anew).
    `data`: the part's bytes, or a function opening them as a stream (a zip member), read once — what
    comes before the rows, the rows a megabyte or so at a time, what follows them — so that the sheet's
    bytes are never held whole (the 14–22 MB 绩效指标 of 5,000 projects, at the peak of a refresh) and
    inflated once."""
    opener = data if callable(data) else (lambda: io.BytesIO(data))
    with opener() as fh:
        opened = _start(fh)
        if opened is None:
            return None
        head, rest, prefix = opened
        ahead = _before_rows(head, prefix, part)         # the part as if it had no rows: what precedes them
        if ahead is None:                                 # a head of another shape: read twice, as it is
            fh.close()
            return _patch_framed(opener, dst, edits, styles, decoder, part, tail_hook)
        sd = ahead.find(SHEET_DATA)
        result = SheetResult()
        ctx = _Context(styles, decoder, result)
        dst.write(DECLARATION + _head(ahead, sd, edits, ctx))
        end_tag = b"</" + prefix + b"row>"
        tail: list[bytes] = []
        try:
            _write_rows(dst, _Rows(sd, edits, ctx, part).patched(_pieces(fh, rest, end_tag, prefix, tail)))
        except _Refused:
            return None
    root = parse(head + tail[0], part)
    return _finish(dst, root, root.find(SHEET_DATA), ctx, result, part, tail_hook)


def _patch_framed(opener, dst, edits: SheetEdits, styles: Styles, decoder, part: str,
                  tail_hook) -> SheetResult | None:
    """``patch_sheet_bytes`` reading the part twice: once for what follows the rows (``_frame``), once
    for the rows."""
    framed = _frame(opener)
    if framed is None:
        return None
    head, tail, length = framed
    root = parse(head + tail, part)
    sd = root.find(SHEET_DATA)
    if sd is None:
        return None
    result = SheetResult()
    ctx = _Context(styles, decoder, result)
    dst.write(DECLARATION + _head(root, sd, edits, ctx))
    end_tag = b"</" + (sd.prefix.encode() + b":" if sd.prefix else b"") + b"row>"
    with opener() as fh:
        _write_rows(dst, _Rows(sd, edits, ctx, part).patched(_windows(fh, len(head), length, end_tag)))
    return _finish(dst, root, sd, ctx, result, part, tail_hook)


def _write_rows(dst, pieces) -> None:
    """The patched rows to `dst`, a megabyte or so at a time."""
    out: list[bytes] = []
    size = 0
    for piece in pieces:
        out.append(piece)
        size += len(piece)
        if size >= FLUSH:
            dst.write(b"".join(out))
            out.clear()
            size = 0
    dst.write(b"".join(out))


class _Refused(Exception):
    """The rows hold a comment, CDATA or a processing instruction: the part is for the streaming pass."""


_ROOT_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s/>]")


def _start(fh) -> tuple[bytes, bytes, bytes] | None:
    """(what comes before the rows, up to and including the sheetData start tag; the bytes read after
    it; the sheet's prefix, b"x:" or b"") of the stream `fh`; None when the part has no rows element."""
    buf = b""
    while (m := _SHEET_DATA.search(buf)) is None:
        more = fh.read(CHUNK)
        if not more:
            return None
        buf += more
    if m.group(2):
        return None
    return buf[:m.end()], buf[m.end():], (m.group(1) + b":" if m.group(1) else b"")


def _before_rows(head: bytes, prefix: bytes, part: str):
    """The part's root as if its rows element were empty and last (``head`` closed: the end tags of the
    rows element and of the root): what ``_head`` and the rows need of it (the elements before the rows,
    the namespaces in scope). None when that is not a well-formed part whose root holds the rows
    element (a comment before the root that looks like a tag, rows nested deeper)."""
    m = _ROOT_TAG.search(head)
    if m is None:
        return None
    try:
        root = parse(head + b"</" + prefix + b"sheetData></" + m.group(1) + b">", part)
    except XmlPartError:
        return None
    sd = root.find(SHEET_DATA)
    return root if sd is not None and sd.getparent() is root and len(sd) == 0 else None


def _pieces(fh, rest: bytes, end_tag: bytes, prefix: bytes, tail: list[bytes]):
    """The rows of the stream `fh` (``rest``: read already) up to the end tag of the rows element, in
    pieces of a megabyte or so, each ending just after a row's end tag (a row is never cut); what follows
    the rows, from that end tag, is put in ``tail``. Raises ``_Refused`` where the rows hold a comment,
    CDATA or a processing instruction, or the part ends before its rows do."""
    close = b"</" + prefix + b"sheetData>"
    buf = rest
    while True:
        at = buf.find(close)
        if at >= 0:
            if _refused(buf, at):
                raise _Refused
            tail.append(buf[at:] + fh.read())
            yield buf[:at]
            return
        cut = buf.rfind(end_tag) + len(end_tag)
        if cut >= len(end_tag):
            if _refused(buf, cut):
                raise _Refused
            yield buf[:cut]
            buf = buf[cut:]
        more = fh.read(CHUNK)
        if not more:
            raise _Refused
        buf += more


_REFUSED = (b"<!--", b"<![CDATA[", b"<?")
_OVERLAP = max(len(t) for t in _REFUSED) + 32      # a token or the end tag cut between two reads is found whole


def _refused(data: bytes, end: int) -> bool:
    """Whether ``data[:end]`` holds a comment, CDATA or a processing instruction: looked for only where a
    "!" or "?" is (a memchr; a search for "<!--" costs a pass over every "<")."""
    return (data.find(b"!", 0, end) >= 0 and (data.find(b"<!--", 0, end) >= 0 or data.find(b"<![CDATA[", 0, end) >= 0)) \
        or (data.find(b"?", 0, end) >= 0 and data.find(b"<?", 0, end) >= 0)


def _frame(opener) -> tuple[bytes, bytes, int] | None:
    """(what comes before the rows, up to and including the sheetData start tag; what follows them, from
    its end tag; the length of the rows between) of the part `opener` opens, read as a stream; None when
    the part has no rows element or its rows hold comments, CDATA or processing instructions."""
    with opener() as fh:
        started = _start(fh)
        if started is None:
            return None
        head, rest, prefix = started
        close = b"</" + prefix + b"sheetData>"
        before = len(head)                                # the bytes of the part ahead of ``rest``
        while True:
            at = rest.find(close)
            if _refused(rest, len(rest) if at < 0 else at):
                return None
            if at >= 0:
                return head, rest[at:] + fh.read(), before + at - len(head)
            more = fh.read(CHUNK)
            if not more:
                return None
            kept = rest[-_OVERLAP:]
            before += len(rest) - len(kept)
            rest = kept + more


def _windows(fh, skip: int, length: int, end_tag: bytes):
    """The ``length`` bytes of the rows in the stream `fh` (``skip`` bytes before them), in pieces of a
    megabyte or so, each ending just after a row's end tag (a row is never cut: a row longer than a piece
    makes its piece longer)."""
    while skip:
        got = fh.read(min(skip, CHUNK))
        if not got:
            raise ValueError("the part ended before its rows")
        skip -= len(got)
    buf = b""
    while length:
        more = fh.read(min(length, CHUNK))
        if not more:
            raise ValueError("the part ended before its rows")
        length -= len(more)
        buf += more
        cut = buf.rfind(end_tag) + len(end_tag)
        if cut >= len(end_tag) and length:
            yield buf[:cut]
            buf = buf[cut:]
    yield buf


def _element_end(data: bytes, m, name: bytes, limit: int) -> int:
    """Where the element whose start tag `m` matched ends (group 1: its prefix, group 3: self-closing),
    looking no further than `limit`; -1 when its end tag is not there."""
    if m.group(3):
        return m.end()
    closing = b"</" + (m.group(1) + b":" if m.group(1) else b"") + name + b">"
    at = data.find(closing, m.end(), limit)
    return at if at < 0 else at + len(closing)


class _Rows:
    def __init__(self, sd, edits: SheetEdits, ctx: _Context, part: str) -> None:
        self.data, self.sd, self.edits, self.ctx, self.part = b"", sd, edits, ctx, part
        decls = b" ".join((b"xmlns" + (b":" + k.encode() if k else b"") + b'="' + attr_xml(v).encode() + b'"')
                          for k, v in sd.nsmap.items())
        self.open, self.close = b"<xl-tools-context " + decls + b">", b"</xl-tools-context>"
        self.runs: dict[tuple, tuple | None] = {}      # ``_alike``: a run's spelling → what is written for it

    def patched(self, windows):
        """The bytes between <sheetData> and </sheetData> (``windows``: in pieces that end between two
        rows), patched, in pieces."""
        edits = self.edits
        pending = edits.rows()[::-1]
        last_r = k = 0
        for data in windows:
            self.data = data
            pos, end = 0, len(data)                    # data[pos:] is not yielded yet: rows copied as they are
            for m in (_ROW if b":row" in data else _UNPREFIXED_ROW).finditer(data):
                if not k & 4095:
                    limits.check_time()                # the task's time budget, inside a large sheet too
                k += 1
                if m.group(3):
                    row_end = m.end()
                else:
                    closing = b"</" + m.group(1) + b":row>" if m.group(1) else b"</row>"
                    row_end = data.find(closing, m.end(), end)
                    if row_end < 0:
                        raise ValueError(f"{self.part}: row without its end tag")
                    row_end += len(closing)
                attrs = m.group(2)
                if attrs[:4] == b' r="' and (q := attrs.find(b'"', 4)) > 4 and (digits := attrs[4:q]).isdigit():
                    stated, r = True, int(digits)      # the usual: the reference first, as Excel writes it
                else:
                    found = _R.search(attrs)
                    stated = found is not None
                    r = int(found.group(1)) if stated and found.group(1).isdigit() else last_r + 1
                if stated and r < last_r:
                    raise RowsOutOfOrder(self.part)
                last_r = r
                if not pending or pending[-1] > r:     # a row the edits leave alone: copied with its neighbours
                    continue
                if pos < m.start():
                    yield data[pos:m.start()]
                pos = m.start()
                while pending and pending[-1] < r:
                    yield self._new(pending.pop())
                if pending and pending[-1] == r:
                    pending.pop()
                    line = edits.row_line(r) if stated else None
                    done = self._alike(m, row_end, r, line) if line is not None else None
                    values = edits.row_values(r) if stated and done is None else None
                    if values is not None:
                        if line is None:                  # (with a line, ``_alike`` tried the run)
                            done = self._into_run(m, row_end, r, values)
                        if done is None:
                            done = self._appended(m, row_end, r, values)
                        if done is None:
                            done = self._found(m, row_end, r, values)
                    yield done if done is not None else self._row(m, row_end, r, edits.row(r), stated)
                    pos = row_end
            if pos < end:
                yield data[pos:end]
        self.data = b""
        for r in reversed(pending):
            yield self._new(r)

    # ------------------------------------------------------------------------------- one row

    def _row(self, m, row_end: int, r: int, cols: dict[int, CellEdit], numbered: bool) -> bytes:
        if numbered and all(e.clear is None for e in cols.values()):
            coloured = any(e.colour is not None for e in cols.values())
            spliced = self._coloured(m, row_end, r, cols) if coloured else self._values(m, row_end, r, cols)
            if spliced is not None:
                return spliced
        row = self._parse(self.data[m.start():row_end])
        if not numbered:
            row.set("r", str(r))
        return self._through_lxml(row, lambda el: _apply_row(el, r, cols, self.ctx))

    def _coloured(self, m, row_end: int, r: int, cols: dict[int, CellEdit]) -> bytes | None:
        """The row with its highlights put on cells it has, each plain and found by its reference
        (``<c r="E5"``, as Excel writes it), their ``s`` spliced, and values written as the rows
        without a highlight get them (``_into_run``, ``_appended``, ``_found``): a row that gets a
        finding's colour and the helper columns, 7,221 of them at 5k. None when the row is not so
        (then ``_values`` or lxml, which write the same)."""
        data = self.data
        if m.group(1) or m.group(3):
            return None
        colours, values = [], {}
        for col, edit in cols.items():
            if edit.colour is not None and edit.value is KEEP:
                colours.append(col)
            elif edit.colour is None and edit.value is not KEEP:
                values[col] = edit.value
            else:
                return None
        colours.sort()
        number, inner_end = str(r).encode(), row_end - 6                         # </row>
        found, pos = [], m.end()
        for col in colours:
            at = data.find(b'<c r="' + _letters(col) + number + b'"', pos, inner_end)
            if at < 0:
                return None
            tag_end = data.find(b">", at, inner_end) + 1
            simple = _SIMPLE.fullmatch(data, at + 2, tag_end) if tag_end else None
            if simple is None:
                return None
            found.append((col, at, tag_end, int(simple.group(1) or 0)))
            pos = tag_end
        pieces, pos = [], m.start()
        for col, at, tag_end, current in found:
            new = coloured_style(current, r, col, cols[col], True, self.ctx)
            if new != current:
                pieces += (data[pos:at], _with_style(data[at:tag_end], new))
                pos = tag_end
        pieces.append(data[pos:row_end])
        row = b"".join(pieces)
        if not values:
            return row
        self.data = row                  # the values go into the coloured row as into any other
        try:
            m, row_end = _ROW.match(row), len(row)
            return self._into_run(m, row_end, r, values) or self._appended(m, row_end, r, values) or \
                self._found(m, row_end, r, values)
        finally:
            self.data = data

    def _new(self, r: int) -> bytes:
        row = _new_row(r, self.edits, self.ctx)
        return b"" if row is None else self._through_lxml(row, lambda el: None)

    def _parse(self, xml: bytes):
        """An element of the sheet's rows parsed alone, in the namespaces of the sheet."""
        holder = parse(self.open + xml + self.close, self.part)
        return holder[0]

    def _through_lxml(self, row, apply) -> bytes:
        sd = self.sd
        sd.append(row)
        try:
            apply(row)
            return self.ctx.splice(children_bytes(sd))
        finally:
            del sd[:]

    def _alike(self, m, row_end: int, r: int, line: tuple[int, list]) -> bytes | None:
        """``_into_run`` of the values ``line`` (first column, the plan's list: rows written alike share
        it), worked out once for each spelling of the run's cells: the run less its row number (every
        ``{r}"`` in it is a cell's reference when there are as many as cells, in the run and in what is
        written for it) is the key of what is written, the row number put back. At 5,000 projects the
        30,000 rows of helper columns have a few hundred spellings."""
        first, values = line
        data = self.data
        if m.group(1) or m.group(3) or not values:
            return None
        number = str(r).encode()
        inner_end = row_end - 6                                                      # </row>
        at = data.find(b'<c r="' + _letters(first) + number + b'"', m.end(), inner_end)
        if at < 0:
            return None
        run, numbered = data[at:inner_end], number + b'"'
        key = (first, id(values), run.replace(numbered, b"\0"))
        try:
            found = self.runs[key]
        except KeyError:
            done = self._into_run(m, row_end, r, dict(enumerate(values, start=first)))
            if done is None:
                if len(self.runs) < RUNS_KEPT:
                    self.runs[key] = None
                return None
            written = done[at - m.start():len(done) - (row_end - inner_end)]
            cells = run.count(b"<c ")
            if run.count(numbered) == cells == written.count(numbered) and len(self.runs) < RUNS_KEPT:
                self.runs[key] = (written.replace(numbered, b"\0"), written != run, values)   # (the list kept: its id)
            return done
        if found is None:
            return None
        template, changed, _values = found
        if changed:
            self.ctx.result.changed = True
        return b"".join((data[m.start():at], template.replace(b"\0", numbered), data[inner_end:row_end]))

    def _into_run(self, m, row_end: int, r: int, values: dict[int, object]) -> bytes | None:
        """The row with `values` written into the run of cells it ends with, one cell per column
        written, in order, each blank or a plain inline string (the helper columns of the standard
        template, before and after a refresh): one match for the run, no cell parsed. None when the
        row is not so (then ``_appended``, ``_found``, ``_values`` or lxml, which write the same)."""
        data = self.data
        if m.group(1) or m.group(3) or not values:
            return None
        cols = sorted(values)
        first, number = cols[0], str(r).encode()
        if cols[-1] - first != len(cols) - 1:
            return None
        inner_start, inner_end = m.end(), row_end - 6                               # </row>
        at = data.find(b'<c r="' + _letters(first) + number + b'"', inner_start, inner_end)
        if at < 0:
            return None
        cells = _RUN_CELL.findall(data, at, inner_end)
        if len(cells) != len(cols) or sum(len(c[0]) for c in cells) != inner_end - at:
            return None                      # not the run alone: the cells found do not make up the rest of the row
        pieces, changed = [data[m.start():at]], False
        for (whole, letters, digits, style, inline, text), col, expected in zip(cells, cols, _run_letters(first, len(cols))):
            if digits != number or letters != expected:
                return None
            value = values[col]
            if inline:                                           # an inline string: its text as read
                current = text.decode()
                if "&" in current or "_x" in current:
                    return None
                if (type(value) is str and current == value) or same_value(current, value):
                    pieces.append(whole)
                    continue
            elif value is None or value == "":                  # a blank cell stays blank
                pieces.append(whole)
                continue
            try:                                                 # a value the cell does not show
                whole = b'<c r="' + letters + digits + b'"' + _cell_tail(style, type(value), value)
            except TypeError:                                    # a value that cannot be a key
                whole = cell_xml((letters + digits).decode(), style.decode() if style else None, value).encode()
            changed = True
            pieces.append(whole)
        if changed:
            self.ctx.result.changed = True
        pieces.append(data[inner_end:row_end])
        return b"".join(pieces)

    def _appended(self, m, row_end: int, r: int, values: dict[int, object]) -> bytes | None:
        """The row with `values` written after its last cell, when every column written lies past it
        (the helper columns of a first refresh): no cell of the row is looked at but the last. None
        when that is not so (then ``_values`` or lxml)."""
        data, ctx = self.data, self.ctx
        if not values:
            return data[m.start():row_end]
        prefix = (m.group(1) + b":") if m.group(1) else b""
        self_closing = bool(m.group(3))
        inner_start = m.end()
        inner_end = row_end if self_closing else row_end - len(prefix) - 6          # </x:row>
        first = min(values)
        last_tag = data.rfind(b"<" + prefix + b"c", inner_start, inner_end)
        while last_tag >= 0 and data[last_tag + len(prefix) + 2:last_tag + len(prefix) + 3] not in b" \t\r\n/>":
            last_tag = data.rfind(b"<" + prefix + b"c", inner_start, last_tag)   # <x:col…> is no cell
        if last_tag >= 0:
            cm = _CELL.match(data, last_tag, inner_end)
            stated = _R.search(cm.group(2)) if cm else None
            if stated is None:
                return None
            try:
                if parse_a1(stated.group(1).decode())[1] >= first:
                    return None
            except ValueError:
                return None
        if data.find(b"extLst", inner_start, inner_end) >= 0:
            return None
        written = [(c, v) for c, v in sorted(values.items()) if v is not None and v != ""]
        if not written:
            return data[m.start():row_end]
        text_prefix = prefix.decode()
        row_attrs = _attrs(m.group(2)) if b"customFormat" in m.group(2) else None
        spans = None
        cells = []
        for col, value in written:
            style = ctx.default_style(row_attrs, col)
            cells.append(cell_xml(make_ref(r, col), str(style) if style else None, value, text_prefix))
        head = data[m.start():m.end()]
        if b"spans" in head:
            spans_m = re.search(rb"\bspans\s*=\s*[\"']([^\"']*)[\"']", head)
            spans = spans_m.group(1).decode() if spans_m else None
            wider = _widened(_widened(spans, written[0][0]), written[-1][0])
            if wider != spans:
                head = head[:spans_m.start(1)] + wider.encode() + head[spans_m.end(1):]
        if self_closing:
            head = head[:-2].rstrip() + b">"
        ctx.result.changed = True
        return b"".join((head, data[inner_start:inner_end], "".join(cells).encode("utf-8"),
                         b"</" + prefix + b"row>"))

    def _found(self, m, row_end: int, r: int, values: dict[int, object]) -> bytes | None:
        """The row with `values` written into cells it has (found by their reference, ``r="H2"``, as
        Excel and every writer spell it), each one plain: the helper columns of a template that formats
        them. None when a cell is missing or not plain (then ``_values`` or lxml)."""
        data, ctx = self.data, self.ctx
        prefix = (m.group(1) + b":") if m.group(1) else b""
        if m.group(3):
            return None
        inner_start, inner_end = m.end(), row_end - len(prefix) - 6
        text_prefix = prefix.decode()
        tag_open = b"<" + prefix + b"c"
        closing = b"</" + prefix + b"c>"
        pieces, pos = [data[m.start():inner_start]], inner_start
        for col, value in sorted(values.items()):
            where = make_ref(r, col)
            at = data.find(b'r="' + where.encode() + b'"', inner_start, inner_end)
            if at < 0:
                return None
            start = data.rfind(b"<", inner_start, at)
            if start < pos or data[start:start + len(tag_open)] != tag_open or \
                    data[start + len(tag_open):start + len(tag_open) + 1] not in b" \t\r\n":
                return None
            tag_end = data.find(b">", at, inner_end)
            if tag_end < 0:
                return None
            simple = _SIMPLE.fullmatch(data, start + len(tag_open), tag_end + 1)
            if simple is None:
                return None
            style = simple.group(1).decode() if simple.group(1) else None
            if simple.group(2):                                  # <c r="H2" s="12"/>: blank
                end, current = tag_end + 1, None
            else:
                end = data.find(closing, tag_end, inner_end)
                if end < 0:
                    return None
                end += len(closing)
                body = data[start:end]
                if _FORMULA.search(body):
                    ctx.result.skipped_formulas.append((r, col))   # a formula stays the user's
                    continue
                current, _cached = ctx.decoder.value(self._parse(body), int(style) if style else 0, where)
            if same_value(current, value):
                continue
            pieces.append(data[pos:start])
            pieces.append(cell_xml(where, style, value, text_prefix).encode("utf-8"))
            pos = end
            ctx.result.changed = True
        if pos == inner_start:
            return data[m.start():row_end]
        pieces.append(data[pos:row_end])
        return b"".join(pieces)

    def _values(self, m, row_end: int, r: int, cols: dict[int, CellEdit]) -> bytes | None:
        """The row with values written into it as text, or None when a cell is not plain (then the
        row goes through lxml)."""
        data, ctx = self.data, self.ctx
        prefix = (m.group(1) + b":").decode() if m.group(1) else ""
        inner_start = m.end()
        inner_end = row_end if m.group(3) else row_end - len(b"</" + prefix.encode() + b"row>")
        cells: dict[int, tuple[int, int, bytes]] = {}            # column → (start, end, attributes)
        order: list[int] = []
        after_cells = inner_start                                # where a cell past the last one goes
        for cm in _CELL.finditer(data, inner_start, inner_end):
            cell_end = _element_end(data, cm, b"c", inner_end)
            if cell_end < 0:
                return None
            stated = _R.search(cm.group(2))
            if not stated:
                return None
            try:
                col = parse_a1(stated.group(1).decode())[1]
            except ValueError:
                return None
            cells[col] = (cm.start(), cell_end, cm.group(2))
            order.append(col)
            after_cells = cell_end
        if order != sorted(order):
            return None
        row_attrs = _attrs(m.group(2))
        edits: list[tuple[int, int, bytes]] = []                  # (start, end, new bytes): replaced or inserted
        spans = row_attrs.get("spans")
        for col in sorted(cols):
            value = cols[col].value
            if value is KEEP:
                continue
            where = make_ref(r, col)
            found = cells.get(col)
            if found is not None:
                cell_start, cell_end, raw = found
                body = data[cell_start:cell_end]
                if _FORMULA.search(body):
                    ctx.result.skipped_formulas.append((r, col))   # a formula stays the user's
                    continue
                attrs = _attrs(raw)
                if not set(attrs) <= _PLAIN:
                    return None
                style = attrs.get("s")
                if body.endswith(b"/>") and body.count(b"<") == 1:
                    current = None
                else:
                    cell = self._parse(body)
                    current, _cached = ctx.decoder.value(cell, int(style) if style and style.isdigit() else 0, where)
                if same_value(current, value):
                    continue
                edits.append((cell_start, cell_end, _cell(where, style, value, prefix)))
            else:
                if value is None or value == "":
                    continue
                style = ctx.default_style(row_attrs, col)
                later = [c for c in order if c > col]
                at = cells[later[0]][0] if later else after_cells
                edits.append((at, at, _cell(where, str(style) if style else None, value, prefix)))
                spans = _widened(spans, col)
            ctx.result.changed = True
        if not edits:
            return data[m.start():row_end]
        head = data[m.start():m.end()]
        if spans != row_attrs.get("spans"):
            head = re.sub(rb"\bspans\s*=\s*[\"'][^\"']*[\"']", b'spans="' + spans.encode() + b'"', head, count=1)
        if m.group(3):                                           # <row …/> gets its cells
            head = head[:-2].rstrip() + b">"
        pieces, pos = [head], inner_start
        for at, until, new in sorted(edits, key=lambda e: (e[0], e[1])):
            pieces.append(data[pos:at])
            pieces.append(new)
            pos = until
        pieces.append(data[pos:inner_end])
        pieces.append(b"</" + prefix.encode() + b"row>")
        return b"".join(pieces)


_LETTERS: dict[int, bytes] = {}


@lru_cache(maxsize=1024)
def _run_letters(first: int, count: int) -> tuple[bytes, ...]:
    return tuple(_letters(col) for col in range(first, first + count))


@lru_cache(maxsize=4096)
def _cell_tail(style: bytes, kind: type, value) -> bytes:
    """What ``cell_xml`` writes after ``<c r="…"`` for a cell of format `style` holding `value` (of type
    `kind`: True and 1 are different cells): a helper column writes a few values many times."""
    return cell_xml("A1", style.decode() if style else None, value).encode()[len(b'<c r="A1"'):]


def _letters(col: int) -> bytes:
    letters = _LETTERS.get(col)
    if letters is None:
        letters = _LETTERS[col] = make_ref(1, col)[:-1].encode()
    return letters


def _cell(where: str, style: str | None, value, prefix: str) -> bytes:
    return cell_xml(where, None if style is None else attr_xml(style), value, prefix).encode("utf-8")


def _with_style(tag: bytes, style: int) -> bytes:
    """The start tag of a cell with its format `style`, as lxml sets the attribute: its value
    replaced where it has one, else added after the others."""
    value = str(style).encode()
    for m in _ATTR.finditer(tag):
        if m.group(1) == b"s":
            k = 2 if m.group(2) is not None else 3
            return tag[:m.start(k)] + value + tag[m.end(k):]
    value = b'"' + value + b'"'
    close = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:close].rstrip() + b" s=" + value + tag[close:]


def _widened(spans: str | None, col: int) -> str | None:
    if not spans or ":" not in spans or " " in spans:
        return spans
    try:
        first, last = (int(x) for x in spans.split(":"))
    except ValueError:
        return spans
    return spans if first <= col <= last else f"{min(first, col)}:{max(last, col)}"

