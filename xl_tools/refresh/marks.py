"""The tool's marks as they are now, before a refresh decides what to clear and what to put on.

Two sources, combined:

- what the last refresh recorded (the state sheet: highlights, notes, each highlighted cell's own look,
  the fills), each moved to the row it is on now (``rows.relocate``: the person deleted, inserted or
  sorted rows since);
- what the writer's view shows (``Seen``): on a file, every cell carrying the tool's own highlight
  colours and every note with the tool's author or prefix, wherever it is — so a mark no finding claims
  any more is found even when the state could not follow it. Live Excel cannot read formats or note
  texts (the remote engine), so there the state is the only source.

The tool's marks are its own colours (``schema.MARK_ERROR``/``MARK_WARNING``), never Excel's 差/适中:
a cell the person styled 差 is not a mark. Highlights of refreshes made before the tool had its own
colours (Excel's 差/适中) count as marks only where such a refresh's state recorded them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..address import column_letter
from ..model import Filing
from ..schema import INDICATOR_HELPERS, SHEET_INDICATORS, SHEET_INFO
from .drafting import settle
from .fills import Fill, latest_fills
from .imported import kept_in
from .keycolumn import add_key_column
from .looks import Look
from .rows import cell_hashes, relocate, row_hash
from .state import MARKS_VERSION, State, read_state

Cell = tuple[str, int, int]
INFO_COLUMNS = 8                 # 基本信息: the label, the value and the unit table's columns


@dataclass
class Seen:
    """What a writer's view shows of the tool's marks now (None: the view cannot tell)."""

    highlights: dict[Cell, str] | None = None     # cell → severity, by the tool's own colours
    notes: dict[Cell, str] | None = None          # cell → state.note_key of the tool's note there
    hidden: dict[str, set[int]] = field(default_factory=dict)    # sheet → rows hidden (a filter)


@dataclass
class Marks:
    highlights: dict[Cell, str] = field(default_factory=dict)    # cell → severity
    legacy: set[Cell] = field(default_factory=set)               # may carry an older refresh's 差/适中
    looks: dict[Cell, Look] = field(default_factory=dict)        # a highlighted cell's own look
    notes: dict[Cell, str] = field(default_factory=dict)         # cell → note key
    fills: dict[Cell, tuple[str, str]] = field(default_factory=dict)
    moved: int = 0                                               # marks found on another row

    def kept_fills(self, view) -> dict[Cell, tuple[str, str]]:
        """The earlier fills the cells still hold (value, record): the tool's values, which it may
        write again (序号 renumbered); a value the person changed since is theirs. 序号 the tool wrote
        that its cells hold in another order — rows moved and edited in one go, which the state could
        not follow — are still its own: renumbered as rows moved alone are (``_permuted``)."""
        keep = {}
        missed: dict[tuple[str, int], list] = {}
        for key, (value, message) in self.fills.items():
            sheet, r, c = key
            if sheet not in view.sheetnames:
                continue
            current = view[sheet][f"{column_letter(c)}{r}"].value
            if current is not None and _same(current, value):
                keep[key] = (value, message)
            elif current is not None and _NUMBERED in message:
                missed.setdefault((sheet, c), []).append((key, value, message, current))
        for cells in missed.values():
            keep.update(_permuted(cells))
        return keep


@dataclass
class RowKeys:
    """How the rows of the data sheets are told apart: per sheet the columns hashed (the cells the
    person types; not 序号, which the tool renumbers, nor the helper columns it writes) and the first
    data row."""

    columns: dict[str, tuple[list[int], int]]
    _hashes: dict[str, dict[int, str]] = field(default_factory=dict)     # per sheet, as read (no overrides)

    @classmethod
    def of(cls, filing: Filing, view) -> RowKeys:
        out: dict[str, tuple[list[int], int]] = {}
        for sheet, (hrow, cols, extra) in filing.headers.items():
            keep = sorted({c for f, c in cols.items() if f != "no"} |
                          {c for h, c in extra.items() if h not in INDICATOR_HELPERS})
            out[sheet] = (keep, hrow + 1)
        info = next((n for n in view.sheetnames if n == SHEET_INFO), None)
        if info is not None:
            out[info] = (list(range(1, INFO_COLUMNS + 1)), 1)
        return cls(out)

    def _values(self, view, sheet: str, overrides: dict[Cell, object], last: int | None = None,
                only: set[int] | None = None):
        """(row, its values in the key columns, `overrides` applied) of the rows from the first under
        the header to `last`; of the rows in `only` alone, when given."""
        cols, first = self.columns[sheet]
        changed = {r for (s, r, _c) in overrides if s == sheet}
        for r, values in enumerate(view[sheet].iter_rows(min_row=first, max_row=last, values_only=True),
                                   start=first):
            if only is not None and r not in only:
                continue
            row = [values[c - 1] if c <= len(values) else None for c in cols]
            if r in changed:
                for k, c in enumerate(cols):
                    if (sheet, r, c) in overrides:
                        row[k] = overrides[(sheet, r, c)]
            yield r, row

    def hashes(self, view, sheet: str, overrides: dict[Cell, object] | None = None) -> dict[int, str]:
        """Row → ``rows.row_hash`` of every row of `sheet` with something in it (with `overrides`:
        the values a refresh writes). The rows as read are hashed once per refresh."""
        if sheet not in self._hashes:
            hashed = self._hashes[sheet] = {}
            for r, row in self._values(view, sheet, {}):
                h = row_hash(row)
                if h:
                    hashed[r] = h
        out = dict(self._hashes[sheet])
        changed = {r for (s, r, _c) in (overrides or {}) if s == sheet}
        if changed:
            for r, row in self._values(view, sheet, overrides, max(changed), changed):
                h = row_hash(row)
                if h:
                    out[r] = h
                else:
                    out.pop(r, None)
        return out

    def cells(self, view, sheet: str, rows: set[int], overrides: dict[Cell, object] | None = None) -> dict[int, str]:
        """Row → ``rows.cell_hashes`` of the given rows of `sheet`."""
        if not rows:
            return {}
        return {r: cell_hashes(row) for r, row in self._values(view, sheet, overrides or {}, max(rows), rows)}


def current_marks(state: State, view, keys: RowKeys, seen: Seen) -> Marks:
    """The marks of the last refresh where they are now, and those the view shows (module docstring)."""
    moves = _moves(state, view, keys)
    marks = Marks()

    def moved(cell: Cell) -> Cell | None:
        sheet, r, c = cell
        if sheet not in moves:
            return cell
        to = moves[sheet].get(r, r)
        return None if to is None else (sheet, to, c)

    for source, into in ((state.highlights, marks.highlights), (state.looks, marks.looks),
                         (state.notes, marks.notes), (state.fills, marks.fills)):
        for cell, value in source.items():
            to = moved(cell)
            if to is not None:
                into[to] = value
                marks.moved += source is state.highlights and to != cell
    if state.version < MARKS_VERSION:
        marks.legacy = set(marks.highlights)          # an older refresh's 差/适中, where it recorded them
    if seen.highlights is not None:      # and every mark the view shows (a recorded one the person
        marks.highlights.update(seen.highlights)    # restyled since stays theirs: no colour put back)
    if seen.notes is not None:
        marks.notes = dict(seen.notes)
    return marks


_NUMBERED = '"field": "no"'      # a 序号 fill's record (``fills.record``: JSON with sorted keys)


def _permuted(cells: list) -> dict[Cell, tuple[str, str]]:
    """The 序号 fills of one column whose cells no longer hold the number written there, kept when
    together they hold exactly the numbers written, in another order (the tool's numbers on rows that
    moved); a number the person typed over one of them breaks the match, and all stay theirs."""
    if sorted(_number_text(v) for _k, v, _m, _c in cells) != sorted(_number_text(c) for _k, _v, _m, c in cells):
        return {}
    return {key: (value, message) for key, value, message, _c in cells}


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _same(current, stored: str) -> bool:
    if isinstance(current, (int, float)):
        try:
            return float(stored) == float(current)
        except ValueError:
            return False
    return str(current) == stored


def _moves(state: State, view, keys: RowKeys) -> dict[str, dict[int, int | None]]:
    """Per data sheet the state recorded rows of: old row → row now, for the rows the state names."""
    out = {}
    for sheet, old in state.rows.items():
        if sheet not in keys.columns or sheet not in view.sheetnames:
            continue
        named = {r for cells in (state.highlights, state.looks, state.notes, state.fills)
                 for (s, r, _c) in cells if s == sheet}
        if not named:
            continue
        now = keys.hashes(view, sheet)
        recorded = state.cells.get(sheet, {})
        cache: dict[int, str] = {}

        def now_cells(r: int, sheet=sheet, cache=cache, rows=set(now)) -> str:
            if not cache:                              # asked only when rows changed: all at once
                cache.update(keys.cells(view, sheet, rows) or {0: ""})
            return cache.get(r, "")

        out[sheet] = relocate(old, now, {r: recorded.get(r, "") for r in named}, now_cells)
    return out


def note_filled_by_tool(view, filing, *, since_refresh: bool = False, found: list | None = None) -> list[Fill]:
    """The 项目序号 column the next refresh adds for same-named projects, as it will be (``keycolumn``:
    the rows it is sure of linked, the others asked for in that column); ``filing.tool_filled``: the
    cells of the workbook (read through `view`) holding a value an earlier refresh filled in, where they
    are now (rows moved since): a 序号 there is the tool's to renumber (``fills.derive_fills``), as the
    next refresh will; the drafted rows the person edited since are theirs (``drafting.settle``), as the
    next refresh will count them; with ``since_refresh`` also whether the data rows are still as the last
    refresh left them (``filing.changed_since_refresh``: ``changed_since``; every row hashed, so only when
    asked: the batch's versions); into ``found``, what an import reported that the state still keeps
    (``imported.kept_in``), as the next refresh reports it.

    Returns the fills the last refresh reported (the FIL rows its 校验结果 lists: ``fills.latest_fills``
    of the cells still holding them) when the data rows are as it left them — a refresh now finds nothing
    changed and leaves them listed —, else none (the rows are hashed only for a workbook that has some)."""
    state = read_state(view)
    keys = RowKeys.of(filing, view)
    add_key_column(filing, state, keys, view)   # same-named projects: read as the refresh will add 项目序号
    if found is not None:
        found.extend(kept_in(state, keys, view))
    kept: dict = {}
    if state.fills:
        marks = current_marks(state, view, keys, Seen())
        kept = marks.kept_fills(view)
        filing.tool_filled = frozenset(kept)
    if filing.pending and state.drafted and SHEET_INDICATORS in keys.columns:   # drafted rows edited since
        settle(filing, state.drafted, keys.hashes(view, SHEET_INDICATORS))
    reported = latest_fills(kept)
    if since_refresh or reported:               # after the above: the rows they hashed are hashed once
        changed = changed_since(state, view, keys)
        if since_refresh:
            filing.changed_since_refresh = changed
        if changed is not False:
            reported = []
    return reported


def changed_since(state: State, view, keys: RowKeys) -> bool | None:
    """Whether the data sheets' rows (the cells the person types: ``RowKeys``) differ from the hashes the
    last refresh recorded of them (``State.rows``, taken after its own writes): True — edited since and
    not refreshed again; False — as it left them (opened and saved again, by any program, changes
    nothing here); None — no refresh recorded them (never refreshed, a refresh before row hashes), or
    the record is incomplete (state rows ignored as read) and the rows differ."""
    if not state.stamp or not state.rows:
        return None
    for sheet in keys.columns:
        recorded = state.rows.get(sheet, {})
        now = keys.hashes(view, sheet) if sheet in view.sheetnames else {}
        if now != recorded:
            return None if state.ignored else True
    return False
