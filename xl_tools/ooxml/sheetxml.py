"""Patch one worksheet in a single streaming pass: new values and cell formats for the cells the plan
names, every other row re-serialised as it was parsed.

The sheet is read with lxml iterparse row by row; rows are written out in batches (the serialisation of
the ``<sheetData>`` children, so no namespace is redeclared) and dropped, so memory stays bounded by a
batch whatever the size of the sheet. Cells and rows the plan names that the sheet does not have yet
(a blank cell nobody formatted, a row below the table) are created in row and column order, with the
format the row or column gives them. What is before and after ``<sheetData>`` is kept as parsed; a
hook may change the elements after it (e.g. add ``<legacyDrawing>``) before they are written.
"""

from __future__ import annotations

import bisect
import copy
import re
import secrets
from dataclasses import dataclass, field

from ..address import a1, column_index, parse_a1, parse_range
from ..lazyxml import etree
from .cells import (
    ROW,
    C,
    CellDecoder,
    cell_xml,
    has_formula,
    is_blank,
    prefix_of,
    same_value,
    write_value,
)
from .styles import Styles
from .xml import DECLARATION, attr_xml, children_bytes, iterparse, parse, q, split_around

SHEET_DATA = q("sheetData")
BATCH_ROWS = 250
KEEP = object()          # a CellEdit that leaves the value alone


class RowsOutOfOrder(ValueError):
    """The sheet's rows are not in the order of their numbers (Excel writes them in order): patch a copy
    whose rows are sorted (``in_row_order``)."""


def in_row_order(data: bytes, part: str) -> bytes:
    """The worksheet XML `data` with the rows of its sheetData sorted by their numbers (a stable sort:
    rows without a number take the one after the row before them, as Excel reads them)."""
    root = parse(data, part)
    sd = root.find(SHEET_DATA)
    keyed, last = [], 0
    for k, row in enumerate(sd):
        if row.tag == ROW:
            stated = row.get("r")
            last = int(stated) if stated and stated.isdigit() else last + 1
            row.set("r", str(last))
        keyed.append((last, k, row))
    sd[:] = [row for _r, _k, row in sorted(keyed, key=lambda t: (t[0], t[1]))]
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


# A cell's own colours, as the refresh plan describes them: (fill, font colour, inherited, format) with
# the colours as ``Styles.look_of`` gives them (None: no fill / automatic); inherited: the cell had no
# element of its own (it showed its row's or column's format); format: "index:fingerprint" of the cell
# format it had (``Styles.fingerprint``), given back when it still looks the same
OwnLook = tuple[str | None, str | None, bool, str | None]


@dataclass(slots=True)
class CellEdit:
    value: object = KEEP
    colour: tuple[str | None, str | None] | None = None    # highlight: (fill RRGGBB, font RRGGBB)
    clear: frozenset[str] | None = None     # take off a highlight whose fill is one of these (RRGGBB)
    ours: frozenset[str] = frozenset()      # colouring: fills that are a highlight already, not the cell's own
    look: OwnLook | None = None             # the cell's own colours: known from before / to give back

    @property
    def creates(self) -> bool:
        """Whether the edit needs the cell to exist."""
        return self.colour is not None or (self.value is not KEEP and self.value not in (None, ""))


class SheetEdits:
    """The edits of one sheet. Blocks of values are kept as the caller gave them (a helper column of
    30,000 rows costs no object per cell); a row's ``CellEdit``s are built when the pass reaches it."""

    BLOCK_CELLS = 16          # smaller blocks are split into cell edits at once
    FEW_BLOCKS = 8            # blocks looked through one by one; more get an index of the rows they cover

    def __init__(self) -> None:
        self.cells: dict[int, dict[int, CellEdit]] = {}
        self.blocks: list[tuple[int, int, list[list]]] = []     # (first row, first column, values)
        self._index: dict[int, list[int]] | None = None         # row → indexes of blocks covering it (many)

    def cell(self, row: int, col: int) -> CellEdit:
        return self.cells.setdefault(row, {}).setdefault(col, CellEdit())

    def add_values(self, row: int, col: int, values: list[list]) -> None:
        if sum(len(line) for line in values) <= self.BLOCK_CELLS:
            for r, line in enumerate(values, start=row):
                for c, value in enumerate(line, start=col):
                    self.cell(r, c).value = value
            return
        self.blocks.append((row, col, values))
        self._index = None

    def _covering(self, r: int):
        """Indexes of the blocks covering row `r`, in the order they were given. A few blocks (the
        usual: one of helper values over 30,000 rows) are looked through, not indexed by row (an index
        held 4 MB at 5,000 projects)."""
        if len(self.blocks) == 1:                      # the usual, once a row: no list made
            first, _col, values = self.blocks[0]
            return (0,) if first <= r < first + len(values) else ()
        if len(self.blocks) <= self.FEW_BLOCKS:
            return [k for k, (first, _col, values) in enumerate(self.blocks) if first <= r < first + len(values)]
        if self._index is None:
            self._index = {}
            for k, (first, _col, values) in enumerate(self.blocks):
                for row in range(first, first + len(values)):
                    self._index.setdefault(row, []).append(k)
        return self._index.get(r, ())

    def rows(self) -> list[int]:
        covered = set(self.cells)
        for first, _col, values in self.blocks:
            covered.update(range(first, first + len(values)))
        return sorted(covered)

    def row(self, r: int) -> dict[int, CellEdit]:
        """Column → edit for row `r`: block values, then the cell edits (which win where both write)."""
        out: dict[int, CellEdit] = {}
        for k in self._covering(r):
            first_row, first_col, values = self.blocks[k]
            for c, value in enumerate(values[r - first_row], start=first_col):
                out[c] = CellEdit(value)
        for c, edit in self.cells.get(r, {}).items():
            if c in out and edit.value is KEEP:
                edit = CellEdit(out[c].value, edit.colour, edit.clear, edit.ours, edit.look)
            out[c] = edit
        return out

    def row_line(self, r: int) -> tuple[int, list] | None:
        """(first column, the caller's own list of values) of row `r` when one block of values alone writes
        there (no colour, no single cell edit): rows the caller writes alike share the list (the helper
        columns: ``rowbytes`` splices each spelling of their cells once). None otherwise."""
        if r in self.cells:
            return None
        covering = self._covering(r)
        if len(covering) != 1:
            return None
        first_row, first_col, values = self.blocks[covering[0]]
        return first_col, values[r - first_row]

    def row_values(self, r: int) -> dict[int, object] | None:
        """Column → value for row `r` when only blocks of values write there (no colour, no single
        cell edit): the values as the caller gave them, no ``CellEdit`` made. None otherwise."""
        if r in self.cells:
            return None
        out: dict[int, object] = {}
        for k in self._covering(r):
            first_row, first_col, values = self.blocks[k]
            for c, value in enumerate(values[r - first_row], start=first_col):
                out[c] = value
        return out

    def created_bounds(self) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) of the cells the edits may create."""
        cells = [(r, c) for r, cols in self.cells.items() for c, e in cols.items() if e.creates]
        for row, col, values in self.blocks:
            if any(v not in (None, "") for line in values for v in line):
                width = max(len(line) for line in values)
                cells += [(row, col), (row + len(values) - 1, col + width - 1)]
        if not cells:
            return None
        return (min(r for r, _ in cells), min(c for _, c in cells), max(r for r, _ in cells),
                max(c for _, c in cells))

    def __bool__(self) -> bool:
        return bool(self.cells or self.blocks)


@dataclass
class SheetResult:
    looks: dict[tuple[int, int], OwnLook] = field(default_factory=dict)        # cells coloured: their own
    skipped_formulas: list[tuple[int, int]] = field(default_factory=list)     # values not written
    changed: bool = False


class _Context:
    def __init__(self, styles: Styles, decoder: CellDecoder, result: SheetResult) -> None:
        self.styles, self.decoder, self.result = styles, decoder, result
        self.col_styles: list[tuple[int, int, int]] = []      # (first, last, style) of <cols>
        # cells written as text: a marker comment stands in the tree where the cell goes
        self.mark = f"xl-tools-cell-{secrets.token_hex(4)}-"
        self.marks = re.compile(rb"<!--" + self.mark.encode() + rb"(\d+)-->")
        self.spliced: dict[int, bytes] = {}
        self.count = 0
        self.prefix = ""           # the sheet's spelling of the namespace at its rows ("x:" or "")

    def splice(self, data: bytes) -> bytes:
        """Serialised rows with the cells written as text in place of their markers."""
        if not self.spliced:
            return data
        pieces = self.marks.split(data)
        for k in range(1, len(pieces), 2):
            pieces[k] = self.spliced.pop(int(pieces[k]))
        return b"".join(pieces)

    def read_cols(self, cols_el) -> None:
        for col in cols_el.findall(q("col")) if cols_el is not None else []:
            try:
                self.col_styles.append((int(col.get("min")), int(col.get("max")), int(col.get("style", "0"))))
            except (TypeError, ValueError):
                continue

    def default_style(self, row, col: int) -> int:
        """The format a cell without an element shows: its row's, else its column's, else 0."""
        if row is not None and row.get("customFormat") in ("1", "true") and row.get("s"):
            return int(row.get("s"))
        for first, last, style in self.col_styles:
            if first <= col <= last:
                return style
        return 0


def patch_sheet(src, dst, edits: SheetEdits, styles: Styles, decoder: CellDecoder,
                part: str = "", tail_hook=None) -> SheetResult:
    """Copy the worksheet XML from stream `src` to `dst`, applying `edits`."""
    result = SheetResult()
    ctx = _Context(styles, decoder, result)
    pending = edits.rows()[::-1]            # rows still to visit or to create, the next one last
    root = sd = None
    head = None                 # written with the first rows (an empty sheetData stays <sheetData/>)
    count = 0
    last_r = 0
    for event, el in iterparse(src, part, events=("start", "end"), tag=(SHEET_DATA, ROW)):
        if el.tag == SHEET_DATA:
            if event == "start":
                root, sd = el.getparent(), el
                head = _head(root, sd, edits, ctx)
            continue
        if event != "end" or el.getparent() is not sd:
            continue
        stated = el.get("r")
        r = int(stated) if stated and stated.isdigit() else last_r + 1
        if not stated:
            el.set("r", str(r))
        elif r < last_r:
            raise RowsOutOfOrder(part)
        last_r = r
        while pending and pending[-1] < r:
            new = _new_row(pending.pop(), edits, ctx)
            if new is not None:
                el.addprevious(new)
        if pending and pending[-1] == r:
            pending.pop()
            _apply_row(el, r, edits.row(r), ctx)
        count += 1
        if count >= BATCH_ROWS:
            if head is not None:
                dst.write(DECLARATION + head)
                head = None
            dst.write(ctx.splice(children_bytes(sd, upto=el)))
            _drop_through(sd, el)
            count = 0
    if sd is None:
        raise ValueError(f"{part}: worksheet without <sheetData>")
    for r in reversed(pending):
        new = _new_row(r, edits, ctx)
        if new is not None:
            sd.append(new)
    if head is not None and not len(sd):
        if tail_hook is not None:
            tail_hook(root)
        dst.write(DECLARATION + etree.tostring(root, encoding="UTF-8"))
        return result
    if head is not None:
        dst.write(DECLARATION + head)
    dst.write(ctx.splice(children_bytes(sd)))
    del sd[:]
    return _finish(dst, root, sd, ctx, result, part, tail_hook)


def _finish(dst, root, sd, ctx: _Context, result: SheetResult, part: str, tail_hook) -> SheetResult:
    """The end of a patched sheet, after its rows (both patch paths): every cell written as text placed,
    the caller's hook on the tail, then the tail itself."""
    if ctx.spliced:
        raise ValueError(f"{part}: {len(ctx.spliced)} cells written as text were not placed")
    if tail_hook is not None:
        tail_hook(root)
    dst.write(split_around(root, sd)[1])
    return result


def _drop_through(sd, el) -> None:
    """Remove the children of `sd` up to and including `el` (rows already written)."""
    k = sd.index(el)
    del sd[: k + 1]


def _head(root, sd, edits, ctx: _Context) -> bytes:
    """Everything before the rows, with the used range widened to cells the edits create."""
    skeleton = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    for child in root:
        if child is sd:
            break
        skeleton.append(copy.deepcopy(child))
    holder = etree.SubElement(skeleton, sd.tag, dict(sd.attrib))
    ctx.prefix = prefix_of(sd)
    ctx.read_cols(skeleton.find(q("cols")))
    _widen_dimension(skeleton.find(q("dimension")), edits)
    return split_around(skeleton, holder)[0]


def _widen_dimension(dim, edits: SheetEdits) -> None:
    bounds = edits.created_bounds()
    if dim is None or bounds is None:
        return
    top, left, bottom, right = bounds
    current = dim.get("ref", "A1").replace("$", "")
    try:
        r1, c1, r2, c2 = parse_range(current)
    except ValueError:
        return
    nr1, nc1, nr2, nc2 = min(r1, top), min(c1, left), max(r2, bottom), max(c2, right)
    if (nr1, nc1, nr2, nc2) != (r1, c1, r2, c2):
        dim.set("ref", f"{a1(nr1, nc1)}:{a1(nr2, nc2)}")


def _new_row(r: int, edits, ctx: _Context):
    """A row element for edits on a row the sheet does not have (None when nothing is created)."""
    cols = edits.row(r)
    if not any(e.creates for e in cols.values()):
        return None
    row = etree.Element(ROW, r=str(r))
    _apply_row(row, r, cols, ctx)
    return row if len(row) else None


def _apply_row(row, r: int, cols: dict[int, CellEdit], ctx: _Context) -> None:
    cells: dict[int, object] = {}
    col = 0
    digits = str(r)
    width = len(digits)
    for c in row.iterchildren(C):
        stated = c.get("r")
        if stated:
            col = column_index(stated[:-width]) if stated.endswith(digits) else parse_a1(stated)[1]
        else:
            col += 1
            c.set("r", a1(r, col))
        cells[col] = c
    order = None                # the columns of the cells, in order: only when a cell is created
    for col in sorted(cols):
        edit = cols[col]
        c = cells.get(col)
        existed = c is not None
        if c is None:
            if not edit.creates:
                continue
            if order is None:
                order = sorted(cells)
            c = etree.Element(C, r=a1(r, col))
            style = ctx.default_style(row, col)
            if style:
                c.set("s", str(style))
            k = bisect.bisect(order, col)
            if k < len(order):
                cells[order[k]].addprevious(c)
            else:
                _append_cell(row, c)
            order.insert(k, col)
            cells[col] = c
            _widen_spans(row, col)
            ctx.result.changed = True
        if edit.value is not KEEP:
            c = cells[col] = _write(c, r, col, edit.value, ctx, edit.colour is None and edit.clear is None)
        if edit.colour is not None:
            _colour(c, r, col, edit, existed, ctx)
        elif edit.clear is not None:
            if _clear(c, row, col, edit, ctx):
                row.remove(c)
                del cells[col]
                if order is not None:
                    order.remove(col)


def _append_cell(row, c) -> None:
    """Append a cell after the row's last cell (before an extLst, if any)."""
    for child in row:
        if child.tag != C and not _is_mark(child):
            child.addprevious(c)
            return
    row.append(c)


def _is_mark(el) -> bool:
    """Whether `el` is the marker of a cell written as text (it stands for a cell)."""
    return el.tag is etree.Comment and (el.text or "").startswith("xl-tools-cell-")


def _widen_spans(row, col: int) -> None:
    spans = row.get("spans")
    if not spans or ":" not in spans or " " in spans:
        return
    try:
        first, last = (int(x) for x in spans.split(":"))
    except ValueError:
        return
    if not first <= col <= last:
        row.set("spans", f"{min(first, col)}:{max(last, col)}")


def _style(c) -> int:
    s = c.get("s")
    return int(s) if s and s.isdigit() else 0


def _set_style(c, s: int | None) -> None:
    if s is None:
        c.attrib.pop("s", None)
    else:
        c.set("s", str(s))


def _write(c, r: int, col: int, value, ctx: _Context, alone: bool = False):
    """Write `value` into the cell `c`; returns what stands at its place afterwards: `c`, or when
    nothing else is done to the cell (`alone`) and its XML is simple, the marker of its XML as text."""
    if len(c):
        if has_formula(c):
            ctx.result.skipped_formulas.append((r, col))  # a formula stays the user's
            return c
        current, _cached = ctx.decoder.value(c, _style(c), a1(r, col))
        if same_value(current, value):
            return c
    elif value is None or value == "":
        return c
    ctx.result.changed = True
    if alone:
        keys = [k for k in c.keys() if k != "t" and k != "cm" and k != "vm"]     # what write_value keeps
        if keys == ["r", "s"] or keys == ["r"]:
            style = c.get("s")
            n = ctx.count
            ctx.count += 1
            row = c.getparent()         # a row made for the edits goes into <sheetData> afterwards
            prefix = prefix_of(row) if row.getparent() is not None else ctx.prefix
            ctx.spliced[n] = cell_xml(attr_xml(c.get("r")), None if style is None else attr_xml(style),
                                      value, prefix).encode("utf-8")
            mark = etree.Comment(f"{ctx.mark}{n}")
            c.getparent().replace(c, mark)
            return mark
    write_value(c, value)
    return c


def _colour(c, r: int, col: int, edit: CellEdit, existed: bool, ctx: _Context) -> None:
    """Colour `c` with the highlight; what it looked like before goes to ``result.looks`` (the look
    the plan knows when the cell carries a highlight already, else the cell's own)."""
    current = _style(c)
    new = coloured_style(current, r, col, edit, existed, ctx)
    if current != new:
        c.set("s", str(new))


def coloured_style(current: int, r: int, col: int, edit: CellEdit, existed: bool, ctx: _Context) -> int:
    """The format of a cell of format `current` coloured by `edit`; notes the change and the look the
    cell had (``result.changed``, ``result.looks``). Both patch paths colour through it."""
    styles = ctx.styles
    if edit.ours and styles.fill_rgb(current) in edit.ours:
        look = edit.look
        base = styles.restyle(current, *(look[:2] if look else (None, None)))
    else:
        look = (*styles.look_of(current), not existed, f"{current}:{styles.fingerprint(current)}")
        base = current
    new = styles.recolour(base, *edit.colour)
    if current != new:
        ctx.result.changed = True
    if look is not None:
        ctx.result.looks[(r, col)] = look
    return new


def _clear(c, row, col: int, edit: CellEdit, ctx: _Context) -> bool:
    """Take the highlight off `c` (its fill is one of ``edit.clear``) and give it back its own colours
    (``edit.look``; unknown: no fill, automatic font colour), keeping whatever else its format says
    now. True when the cell should go: the tool created it, it is blank and shows its row's or
    column's format again."""
    styles = ctx.styles
    current = _style(c)
    if styles.fill_rgb(current) not in edit.clear:
        return False                                   # not the tool's colour (any more)
    look = edit.look or (None, None, False, None)
    new = styles.restyle(current, look[0], look[1])
    if look[3]:                          # the very format the cell had, when it still looks the same
        index, _, print_ = look[3].partition(":")
        same = styles.resolve(int(index), print_) if index.isdigit() else None
        if same is not None and styles.fingerprint(same) == styles.fingerprint(new):
            new = same
    ctx.result.changed = True
    if look[2] and is_blank(c) and new == ctx.default_style(row, col) and \
            not [k for k in c.keys() if k not in ("r", "s")]:
        return True
    _set_style(c, None if new == 0 else new)
    return False
