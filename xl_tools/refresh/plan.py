"""Build the plan of one refresh from a workbook view (`bookview.WorkbookView`: a file's or a live book's)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .. import clock, gcpause
from ..address import parse_a1
from ..catalogue import finding
from ..findings import Finding, blocks_publishing, summarize
from ..model import Filing
from ..ooxml.cells import same_value
from ..profiles import load_profile
from ..publish.table import render
from ..refs import split_reference
from ..rules import check, config_for
from ..rules.engine import sort_findings
from ..schema import (
    INDICATOR_HELPERS,
    NAME_LAST_REFRESH,
    NOT_REFRESHED,
    NOTE_PREFIX,
    SHEET_INDICATORS,
    SHEET_PUBLIC,
    SHEET_README,
    SHEET_RESULTS,
    SHEET_STATE,
)
from ..textfit import clip
from ..workbook.reader import defined_cell, read_filing_from_workbook
from .codesheet import restore_codes
from .drafting import (
    Appended,
    Layout,
    drafted_keys,
    hash_of,
    marked_cells,
    pending_finding,
    pending_key,
    pending_of,
    project_numbers,
    row_values,
    runs,
    settle,
    to_append,
)
from .fills import Fill, derive_fills, latest_fills, older, record
from .helper_columns import helper_row
from .imported import kept_in, located_on, state_rows
from .keycolumn import add_key_column
from .marks import Marks, RowKeys, Seen, current_marks
from .ops import (
    HIGHLIGHT,
    LEGACY_HIGHLIGHT,
    Rect,
    ReplacePublic,
    ReplaceSheet,
    SetFill,
    SetNote,
    SetValues,
    group_rects,
)
from .results import SUMMARY, listed_rows, report_text, results_sheet, summary_text
from .rows import cell_hashes
from .state import note_key, read_state, state_sheet

NOTE_LIMIT = 4000         # characters of one cell note


@dataclass
class RefreshOutcome:
    filing: Filing
    findings: list[Finding]                  # every finding, each fill on its own cell
    ops: list = field(default_factory=list)
    summary: str = ""
    fills: list[Fill] = field(default_factory=list)
    rows: list[Finding] = field(default_factory=list)   # as 校验结果 lists them: fills of a kind in one row
    unchanged_since: str | None = None       # the stamp of the last refresh when nothing changed since
    hidden: int = 0                          # findings (as 校验结果 lists them) in rows hidden by a filter
    notes_kept: int = 0                      # notes not written: the cell has the user's own note
    notes_skipped: int = 0                   # notes not written: the sheet's notes cannot be written
    notes_supported: bool = True             # the client can write notes at all (a live book: ``live.notes_supported``)
    appended: list[Appended] = field(default_factory=list)   # drafted lines this refresh appended
    confirmed: int = 0                       # drafted rows the person edited or confirmed since
    stamp: str = ""                          # the 上次刷新 stamp the workbook carries after this refresh
    # the next refresh of the written file, with the same options, will find nothing changed: no finding
    # came from a state sheet it could not read whole (FILE003, which the rewritten state no longer gives);
    # what an import reported the state keeps (``imported``); what it filled in, the next refresh reports again when
    # nothing else changed (``fills.latest_fills``); the writer adds its own conditions (every note written)
    settled: bool = True
    restored: str = ""                       # what of the tool's own sheets it put back, said (``codesheet``)

    @property
    def pending(self) -> int:
        """Drafted rows on 绩效指标 not confirmed yet (those appended now included)."""
        return len(self.filing.pending)

    @property
    def counts(self) -> dict:
        """The counts the summary line states (of ``rows``)."""
        return summarize(self.rows)

    @property
    def report(self) -> str:
        """The line shown to the person after this refresh: the summary, or, when nothing changed since
        the last refresh, that it did not and when that was (the workbook keeps that stamp, so a
        refresh without changes changes no byte)."""
        return report_text(self.summary, self.unchanged_since, self.hidden, self.notes_kept, self.notes_skipped,
                           sum(not a.replaces for a in self.appended), self.pending,
                           sum(a.replaces for a in self.appended)) + (f"\n{self.restored}" if self.restored else "")


def already_there(view, outcome: RefreshOutcome, unwritable=None) -> bool:
    """Whether the workbook already shows everything the plan would write, so that writing it would
    give the same file: the plan's digest is the state's (the same findings, highlights, notes, fills,
    公开表 and values as the last refresh, which left its stamp), the tool's sheets are there, no
    highlight or note is to be put on or taken off, and every value to write is in its cell already.
    Then the workbook is not written at all: a file in place is not touched (no .bak), a live book gets
    no call (Excel does not even count it as changed). Both writers ask it (``file_writer.write_plan``,
    ``app.refresh_book``); a live book's view has no formats, so there the state is all it goes by.
    ``unwritable(sheet, row, col)`` (the writer's): whether a note of ours would be left unwritten there
    again — the person's own note is on the cell — so that it is no change (``notes_left``)."""
    if outcome.unchanged_since is None or not {SHEET_RESULTS, SHEET_PUBLIC, SHEET_STATE} <= set(view.sheetnames):
        return False
    left = set(notes_left(outcome, unwritable))
    for op in outcome.ops:
        if isinstance(op, SetNote) and id(op) in left:
            continue
        if isinstance(op, (SetFill, SetNote)):
            return False
        if isinstance(op, SetValues):
            ws = view[op.sheet]
            for r, line in enumerate(op.values, start=op.row):
                for c, value in enumerate(line, start=op.col):
                    if not same_value(ws.cell(r, c).value, value):
                        return False
    return True


def notes_left(outcome: RefreshOutcome, unwritable) -> list[int]:
    """The notes of the plan (their ``id``) a writer would leave unwritten again: ours, new on a cell that
    holds the person's own note (``unwritable``), which the state leaves out so that each refresh tries
    them again and says so (``state.without_notes``)."""
    if unwritable is None:
        return []
    return [id(op) for op in outcome.ops if isinstance(op, SetNote) and op.text is not None and not op.ours
            and unwritable(op.sheet, op.row, op.col)]


def _now() -> str:
    return clock.now().strftime("%Y-%m-%d %H:%M")


def plan_refresh(view, *, source: str | None = None, config_path=None, now: str | None = None,
                 prepare=None, extra_findings: list[Finding] | None = None, seen=None,
                 draft: bool = False) -> RefreshOutcome:
    """Everything one refresh writes, as ops for a writer. `prepare(filing)` may complete the read
    (the file path resolves formula cells from cached values); `seen(view)` gives what the writer's
    view shows of the tool's marks (``marks.Seen``: a file's highlights and notes, wherever they are);
    ``draft``: append the drafted line of every finding of something missing to 绩效指标, 待确认
    (``drafting``)."""
    filing = read_filing_from_workbook(view, source=source)
    if prepare:
        prepare(filing)
    state = read_state(view)
    keys = RowKeys.of(filing, view)
    confirmed = _settle(filing, state, keys, view)
    shown = seen(view) if seen is not None else Seen()
    marks = current_marks(state, view, keys, shown)
    config = config_for(filing, config_path)
    profile = load_profile(config.profile)
    table = profile.table(filing.code_additions)
    kept = marks.kept_fills(view)                 # earlier fills the cells still hold: the tool's
    fills, structure = add_key_column(filing, state, keys, view)   # same-named projects: 项目序号
    fills += derive_fills(filing, table, owned=frozenset(kept))
    kept = {k: v for k, v in kept.items() if k not in {(f.sheet, f.row, f.col) for f in fills}}
    readme, distrusted = _summary_cell(view)
    imported = _imported(filing, state, keys, view, extra_findings)  # what an import reported, kept
    with gcpause.settled():          # the rules and the 公开表 make no reference cycles: nothing to collect
        findings = check(filing, config) + imported
    findings += state.findings() + distrusted                       # what was not trusted
    appended = _appended(filing, findings, keys, view) if draft else []
    layout = Layout.of(filing, profile.value_columns)
    cols = layout.cols
    replaced = {a.row for a in appended if a.replaces}
    filing.pending = [i for i in filing.pending if not (i.origin and i.origin.row in replaced)]
    filing.pending.extend(pending_of(a, layout) for a in appended)
    filing.pending.sort(key=lambda i: i.origin.row if i.origin else 0)
    current = drafted_keys(findings, project_numbers(filing, findings))
    findings += [pending_finding(i, pending_key(i) in current) for i in filing.pending]

    ops: list = []
    # 1. fills (values the tool completed), and the lines drafted now
    for f in fills:
        ops.append(SetValues(f.sheet, f.row, f.col, [[f.value]]))
    ops.extend(structure)
    drafted_cells: dict[tuple[str, int, int], object] = {}
    for a in appended:
        values = row_values(layout, a)
        drafted_cells.update({(SHEET_INDICATORS, a.row, c): v for c, v in values.items()})
        ops.extend(SetValues(SHEET_INDICATORS, a.row, c, [vs]) for c, vs in runs(values))
    # 2. helper columns on 绩效指标
    ops.extend(_helper_ops(filing, view))
    # 3. highlights and notes, diffed against what the last refresh wrote
    hl_now = _highlights(findings)
    if cols and filing.pending:
        hl_now.update(marked_cells(cols, [i.origin.row for i in filing.pending if i.origin]))
    ops.extend(_highlight_ops(hl_now, marks))
    notes_now = _notes(findings)
    ops.extend(_note_ops(notes_now, marks))
    # 4. whole sheets the tool owns
    with gcpause.settled():
        public = render(filing, draft=any(blocks_publishing(f) for f in findings))
    fill_keys = {(f.sheet, f.row, f.col) for f in fills}
    values = [o for o in ops if isinstance(o, SetValues) and (o.sheet, o.row, o.col) not in fill_keys
              and (o.sheet, o.row, o.col) not in drafted_cells]

    def reported(listed: list[Fill], fill_state: dict) -> tuple[list[Finding], list[Finding], str]:
        """校验结果's rows, every finding (each fill on its own cell) and the digest, ``listed`` the fills
        reported (the fills themselves are info: no highlight, no note, nothing the 公开表 depends on)."""
        every = sort_findings(findings + [f.finding() for f in listed], filing)
        return (listed_rows(findings, listed, filing), every,
                _digest(every, hl_now, notes_now, fill_state, public, values))

    # nothing filled now: is the workbook as the last refresh left it, the fills it made listed (``fills``)?
    latest = [] if fills else latest_fills(kept)
    if latest:
        rows, every, digest = reported(latest, kept)
    if not latest or digest != state.digest:       # no: this refresh reports what it fills in itself
        fill_state = {k: (v, older(text)) for k, (v, text) in kept.items()}
        fill_state.update({(f.sheet, f.row, f.col): (str(f.value), record(f, latest=True)) for f in fills})
        rows, every, digest = reported(fills, fill_state)
    else:
        fill_state = kept
    findings = every
    restore, restored = restore_codes(view, table, config.profile)      # 代码表 deleted or emptied: put back
    unchanged = digest == state.digest and bool(state.stamp) and not restore
    stamp = state.stamp if unchanged else (now or _now())
    summary = summary_text(rows, len(filing.projects), len(filing.indicators), stamp)
    hidden = {k for k, f in enumerate(rows) if f.sheet and f.row and f.row in shown.hidden.get(f.sheet, ())}
    ops.extend(restore)
    ops.append(ReplaceSheet(lambda: results_sheet(rows, summary, hidden), SHEET_RESULTS))    # made when written
    ops.append(ReplacePublic(public))
    if readme:
        ops.append(SetValues(readme[0], readme[1], readme[2], [[summary]]))
    hl_rects = [(sheet, rect, sev) for (sheet, sev), rects in _rects_by(hl_now).items() for rect in rects]
    looks = {k: look for k, look in marks.looks.items() if k in hl_now}     # still coloured: keep the look
    written = {(f.sheet, f.row, f.col): f.value for f in fills}
    if structure:                                  # a column added: the rows are hashed with it
        keys = RowKeys.of(filing, view)
    sheets = [n for n in keys.columns if n in view.sheetnames]
    marked: dict[str, set[int]] = {}
    new_rows = {(SHEET_INDICATORS, a.row) for a in appended if not a.replaces}   # not in the view: hashed below
    for sheet, r, _c in [*hl_now, *notes_now]:
        if (sheet, r) not in new_rows:
            marked.setdefault(sheet, set()).add(r)
    rows_now = {n: keys.hashes(view, n, written) for n in sheets}
    cells_now = {n: keys.cells(view, n, marked[n], written) for n in sheets if n in marked}
    drafted = _drafted_hashes(filing, appended, layout, keys, rows_now, cells_now)
    ops.append(ReplaceSheet(state_sheet(hl_rects, notes_now, fill_state, digest, stamp, looks,
                                        rows=rows_now, cells=cells_now, drafted=drafted,
                                        found=state_rows(imported, rows_now))))
    return RefreshOutcome(filing, findings, ops, summary, fills, rows, stamp if unchanged else None, len(hidden),
                          appended=appended, confirmed=len(confirmed), stamp=stamp, settled=not state.ignored,
                          restored=restored)


def _imported(filing: Filing, state, keys: RowKeys, view, extra: list[Finding] | None) -> list[Finding]:
    """What an import reported (``extra``: the refresh of the workbook it wrote), on the cells of the
    records they are about, and what it reported that the state still keeps (``imported``)."""
    return located_on(list(extra or []), filing) + kept_in(state, keys, view)


def _settle(filing: Filing, state, keys: RowKeys, view) -> list:
    """The drafted rows the person edited since (``drafting.settle``), now the person's indicators."""
    if not filing.pending or not state.drafted or SHEET_INDICATORS not in keys.columns:
        return []
    return settle(filing, state.drafted, keys.hashes(view, SHEET_INDICATORS))


def _appended(filing: Filing, findings: list[Finding], keys: RowKeys, view) -> list[Appended]:
    """The drafted lines to append, on the rows below the last row of 绩效指标 holding anything; none on a
    sheet without a 序号 column (nowhere to mark them 待确认: they would count as the person's)."""
    if SHEET_INDICATORS not in keys.columns or "no" not in filing.headers[SHEET_INDICATORS][1]:
        return []
    hrow = filing.headers[SHEET_INDICATORS][0]
    used = [i.origin.row for i in filing.indicators + filing.orphan_indicators + filing.pending if i.origin]
    last = max([hrow, *used, *keys.hashes(view, SHEET_INDICATORS)])
    return to_append(filing, sort_findings(findings, filing), last + 1)


def _drafted_hashes(filing: Filing, appended: list[Appended], layout: Layout, keys: RowKeys, rows_now: dict,
                    cells_now: dict) -> list[str]:
    """The row hashes of the rows still as drafted (pending), appended ones included, for the state;
    the appended rows' hashes also go into ``rows_now`` and ``cells_now`` (the view has no such rows yet)."""
    if SHEET_INDICATORS not in keys.columns:
        return []
    key_cols = keys.columns[SHEET_INDICATORS][0]
    hashes = rows_now.get(SHEET_INDICATORS, {})
    new = {a.row: row_values(layout, a) for a in appended}
    for r, values in new.items():
        hashes[r] = hash_of(values, key_cols)
        cells_now.setdefault(SHEET_INDICATORS, {})[r] = cell_hashes([values.get(c) for c in key_cols])
    return [hashes[i.origin.row] for i in filing.pending if i.origin and hashes.get(i.origin.row)]


def _helper_ops(filing: Filing, view) -> list:
    hdr = filing.headers.get(SHEET_INDICATORS)
    if not hdr:
        return []
    hrow, _cols, extra = hdr
    helper_cols = [extra.get(h) for h in INDICATOR_HELPERS]
    ops = []
    if any(c is None for c in helper_cols):
        # an older or trimmed layout: put the helper headers after the last used header
        first = max([*_cols.values(), *extra.values()]) + 1
        helper_cols = list(range(first, first + len(INDICATOR_HELPERS)))
        ops.append(SetValues(SHEET_INDICATORS, hrow, first, [list(INDICATOR_HELPERS)]))
    inds = [i for i in filing.indicators + filing.orphan_indicators if i.origin]
    if not inds:
        return ops
    contiguous = helper_cols == list(range(helper_cols[0], helper_cols[0] + len(helper_cols)))
    described: dict[tuple[str, str], list[str]] = {}      # the same values, described once (one list)
    rows_by = {}
    for i in inds:
        key = (i.value_text("period_value"), i.value_text("annual_value"))
        row = described.get(key)
        if row is None:
            row = described[key] = helper_row(i, filing.year)
        rows_by[i.origin.row] = row
    top, bottom = min(rows_by), max(rows_by)
    block = [rows_by.get(r, [None] * len(INDICATOR_HELPERS)) for r in range(top, bottom + 1)]
    if contiguous:
        ops.append(SetValues(SHEET_INDICATORS, top, helper_cols[0], block))
    else:
        for k, col in enumerate(helper_cols):
            ops.append(SetValues(SHEET_INDICATORS, top, col, [[row[k]] for row in block]))
    return ops


def _cells(f: Finding) -> list[tuple[str, int, int]]:
    """(sheet, row, column) of every cell a highlighted finding concerns (its cell and ``also``)."""
    if f.severity not in HIGHLIGHT or not f.sheet:
        return []
    return [(at.sheet, r, c) for at in f.cells for r, c in at.cells()]


def _highlights(findings: list[Finding]) -> dict[tuple[str, int, int], str]:
    out: dict[tuple[str, int, int], str] = {}
    for f in findings:
        for key in _cells(f):
            if out.get(key) != "error":
                out[key] = f.severity
    return out


def _rects_by(cells: dict) -> dict[tuple[str, str], list[Rect]]:
    groups: dict[tuple[str, str], set] = {}
    for (sheet, r, c), sev in cells.items():
        groups.setdefault((sheet, sev), set()).add((r, c))
    return {k: group_rects(v) for k, v in sorted(groups.items())}


def _grouped(cells: dict) -> list[tuple[str, tuple, Rect]]:
    """(sheet, value, rectangle): the cells of each sheet with the same value in few rectangles."""
    groups: dict[tuple[str, tuple], set] = {}
    for (sheet, r, c), value in cells.items():
        groups.setdefault((sheet, value), set()).add((r, c))
    return [(sheet, value, rect) for (sheet, value), cs in sorted(groups.items(), key=lambda kv: repr(kv[0]))
            for rect in group_rects(cs)]


TOOL_FILLS = tuple(fill for fill, _font in HIGHLIGHT.values())
LEGACY_FILLS = tuple(fill for fill, _font in LEGACY_HIGHLIGHT.values())


def _highlight_ops(now: dict, marks: Marks) -> list:
    """Highlights to take off (every mark no finding claims now, giving each cell its own look back)
    and to put on (with the cell's own look where the cell carries a mark already)."""
    def ours(cell) -> tuple[str, ...]:
        return TOOL_FILLS + (LEGACY_FILLS if cell in marks.legacy else ())

    cleared = {k: (ours(k), marks.looks.get(k)) for k in marks.highlights if k not in now}
    ops = [SetFill(sheet, rect, None, None, was=was, look=look) for sheet, (was, look), rect in _grouped(cleared)]
    changed = {k: (sev, ours(k), marks.looks.get(k)) for k, sev in now.items() if marks.highlights.get(k) != sev}
    for sheet, (sev, was, look), rect in _grouped(changed):
        fill, font = HIGHLIGHT[sev]
        ops.append(SetFill(sheet, rect, fill, font, was=was, look=look))
    return ops


def _notes(findings: list[Finding]) -> dict[tuple[str, int, int], str]:
    texts: dict[tuple[str, int, int], list[str]] = {}
    for f in findings:
        text = f"[{f.code}] {f.message}" + (f"\n建议：{f.suggestion}" if f.suggestion else "")
        for key in _cells(f):
            texts.setdefault(key, []).append(text)
    return {k: clip(f"{NOTE_PREFIX}：\n" + "\n".join(v), NOTE_LIMIT) for k, v in texts.items()}


def _note_ops(now: dict, marks: Marks) -> list:
    ops = [SetNote(sheet, r, c, None, True) for (sheet, r, c) in sorted(marks.notes) if (sheet, r, c) not in now]
    ops += [SetNote(sheet, r, c, text, (sheet, r, c) in marks.notes) for (sheet, r, c), text in sorted(now.items())
            if marks.notes.get((sheet, r, c)) != note_key(text)]
    return ops


def _summary_cell(view) -> tuple[tuple[str, int, int] | None, list[Finding]]:
    """(sheet, row, column) of the cell the 上次刷新 name points at, when it is the tool's own: one
    cell on 说明 holding nothing, 尚未刷新 or an earlier summary. Anything else (another sheet, a
    range, a header the user wrote) is left alone, with a 提示 (FILE003)."""
    dn = view.defined_names.get(NAME_LAST_REFRESH)
    if dn is None:
        return None, []
    hit = defined_cell(view, NAME_LAST_REFRESH)
    ref = split_reference(getattr(dn, "attr_text", None))
    ws = hit[0] if hit else None
    value = ws[hit[1]].value if ws is not None else None
    if ws is not None and ws.title == SHEET_README and ":" not in ref[1] and \
            (value in (None, "", NOT_REFRESHED) or (isinstance(value, str) and SUMMARY.match(value))):
        return (ws.title, *parse_a1(hit[1])), []
    shown = getattr(dn, "attr_text", "")
    return None, [finding("FILE003", f"定义名称「{NAME_LAST_REFRESH}」指向 {str(shown)[:60]}，不是「{SHEET_README}」"
                          "表中工具写入刷新摘要的单元格，本次未写入刷新摘要",
                          f"如需在「{SHEET_README}」表显示刷新摘要，请把该名称改回指向原来的单元格（B13）")]


def _digest(findings, highlights, notes, fills, public, ops) -> str:
    """What the refresh wrote, hashed: the JSON of findings, highlights, notes, fills, the 公开表's
    values and the values written, streamed into the hash item by item (the same bytes as one
    ``json.dumps`` of the whole, without holding them)."""
    parts = {
        "findings": (f.to_json() for f in findings),
        "hl": _in_text_order(highlights),
        "notes": _in_text_order(notes),
        "fills": _in_text_order(fills),
        "public": ([str(c.value) for c in row] for row in public.rows),
        "values": ((o.sheet, o.row, o.col, o.values) for o in ops if isinstance(o, SetValues)),
    }
    return _json_sha256(parts).hexdigest()[:16]


def _in_text_order(cells: dict):
    """The sorted texts ``f"{key}{value}"`` of ``cells``, made one item at a time (the notes' texts of
    5,000 projects are megabytes): the keys are distinct tuples of the same kind — (sheet, row,
    column) — whose texts are never one the beginning of another, so the order of their texts alone
    is the order of the items'."""
    for key in sorted(cells, key=str):
        yield f"{key}{cells[key]}"


def _json_sha256(lists: dict[str, object]):
    """sha256 of ``json.dumps(lists, ensure_ascii=False, default=str)`` for a dict of lists given as
    iterables, encoded one item at a time."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    h = hashlib.sha256()
    for k, (key, items) in enumerate(lists.items()):
        h.update(("{" if k == 0 else ", ").encode() + encode(key).encode() + b": [")
        for n, item in enumerate(items):
            h.update((", " + encode(item) if n else encode(item)).encode())
        h.update(b"]")
    h.update(b"}" if lists else b"{}")
    return h
