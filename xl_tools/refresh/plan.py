"""Build the plan of one refresh from a workbook view (openpyxl workbook or xlwings book view)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from ..catalogue import finding
from ..categories import default_table
from ..findings import Finding, blocks_publishing, summarize
from ..model import Filing
from ..publish.table import render
from ..refs import split_reference
from ..rules import check, config_for
from ..rules.engine import sort_findings
from ..schema import INDICATOR_HELPERS, NAME_LAST_REFRESH, NOT_REFRESHED, SHEET_INDICATORS, SHEET_README
from ..textfit import clip
from ..workbook.reader import defined_cell, read_filing_from_workbook
from .fills import Fill, derive_fills, fill_rows
from .helper_columns import helper_row
from .ops import (
    HIGHLIGHT,
    Rect,
    ReplacePublic,
    ReplaceSheet,
    SetFill,
    SetNote,
    SetValues,
    group_rects,
)
from .results import SUMMARY, results_sheet, summary_text
from .state import State, note_key, read_state, state_sheet

NOTE_PREFIX = "xl-tools 校验"
NOTE_LIMIT = 4000         # characters of one cell note
NOTE_AUTHOR = "xl-tools"             # the author of every note a refresh writes


@dataclass
class RefreshOutcome:
    filing: Filing
    findings: list[Finding]                  # every finding, each fill on its own cell
    ops: list = field(default_factory=list)
    summary: str = ""
    fills: list[Fill] = field(default_factory=list)
    rows: list[Finding] = field(default_factory=list)   # as 校验结果 lists them: fills of a kind in one row
    unchanged_since: str | None = None       # the stamp of the last refresh when nothing changed since

    @property
    def counts(self) -> dict:
        """The counts the summary line states (of ``rows``)."""
        return summarize(self.rows)

    @property
    def report(self) -> str:
        """The line shown to the person after this refresh: the summary, or, when nothing changed since
        the last refresh, that it did not and when that was (the workbook keeps that stamp, so a
        refresh without changes changes no byte)."""
        if self.unchanged_since is None:
            return self.summary
        return f"内容无变化，上次刷新于 {self.unchanged_since}：{self.summary.split('刷新：', 1)[-1]}"


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def plan_refresh(view, *, source: str | None = None, config_path=None, now: str | None = None,
                 prepare=None, extra_findings: list[Finding] | None = None) -> RefreshOutcome:
    """Everything one refresh writes, as ops for a writer. `prepare(filing)` may complete the read
    (the file path resolves formula cells from cached values)."""
    filing = read_filing_from_workbook(view, source=source)
    if prepare:
        prepare(filing)
    state = read_state(view)
    table = default_table()
    fills = derive_fills(filing, table)
    config = config_for(filing, config_path)
    readme, distrusted = _summary_cell(view)
    findings = check(filing, config) + list(extra_findings or [])   # e.g. what an import reported
    findings += state.findings() + distrusted                       # what was not trusted
    kept = _kept_fills(state, view, fills)      # earlier fills the cells still hold
    rows = sort_findings(findings + fill_rows(fills), filing)
    findings = sort_findings(findings + [f.finding() for f in fills], filing)   # reported once

    ops: list = []
    # 1. fills (values the tool completed)
    for f in fills:
        ops.append(SetValues(f.sheet, f.row, f.col, [[f.value]]))
    # 2. helper columns on 绩效指标
    ops.extend(_helper_ops(filing, view))
    # 3. highlights and notes, diffed against what the last refresh wrote
    hl_now = _highlights(findings)
    ops.extend(_highlight_ops(hl_now, state))
    notes_now = _notes(findings)
    ops.extend(_note_ops(notes_now, state))
    # 4. whole sheets the tool owns
    public = render(filing, draft=any(blocks_publishing(f) for f in findings))
    fill_state = {(f.sheet, f.row, f.col): (str(f.value), _fill_json(f)) for f in fills}
    fill_state.update(kept)
    fill_keys = {(f.sheet, f.row, f.col) for f in fills}
    digest = _digest(findings, hl_now, notes_now, fill_state, public,
                     [o for o in ops if isinstance(o, SetValues) and (o.sheet, o.row, o.col) not in fill_keys])
    unchanged = digest == state.digest and bool(state.stamp)
    stamp = state.stamp if unchanged else (now or _now())
    summary = summary_text(rows, len(filing.projects), len(filing.indicators), stamp)
    ops.append(ReplaceSheet(results_sheet(rows, summary)))
    ops.append(ReplacePublic(public))
    if readme:
        ops.append(SetValues(readme[0], readme[1], readme[2], [[summary]]))
    hl_rects = [(sheet, rect, sev) for (sheet, sev), rects in _rects_by(hl_now).items() for rect in rects]
    styles = {k: o for k, o in state.styles.items() if k in hl_now}     # still coloured: keep the look
    ops.append(ReplaceSheet(state_sheet(hl_rects, notes_now, fill_state, digest, stamp, styles)))
    return RefreshOutcome(filing, findings, ops, summary, fills, rows, stamp if unchanged else None)


def _fill_json(f: Fill) -> str:
    return json.dumps({"code": f.code, "message": f.message, "project": f.project, "field": f.field,
                       "indicator_no": f.indicator_no}, ensure_ascii=False, sort_keys=True)


def _same(current, stored: str) -> bool:
    if isinstance(current, (int, float)):
        try:
            return float(stored) == float(current)
        except ValueError:
            return False
    return str(current) == stored


def _kept_fills(state: State, view, fills) -> dict:
    keep = {}
    fresh = {(f.sheet, f.row, f.col) for f in fills}
    for key, (value, message) in state.fills.items():
        sheet, r, c = key
        if key in fresh or sheet not in view.sheetnames:
            continue
        current = view[sheet][f"{get_column_letter(c)}{r}"].value
        if current is not None and _same(current, value):
            keep[key] = (value, message)
    return keep


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
        key = (i.period_value, i.annual_value)
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


def _highlight_ops(now: dict, state: State) -> list:
    """Highlights to take off (grouped by the colour they had) and to put on, with each cell's own
    format where an earlier file refresh recorded it."""
    def originals(sheet, rect):
        return {(r, c): state.styles[(sheet, r, c)] for r, c in rect.cells() if (sheet, r, c) in state.styles}

    ops = []
    cleared = {k: sev for k, sev in state.highlights.items() if k not in now}
    for (sheet, sev), rects in _rects_by(cleared).items():
        ops.extend(SetFill(sheet, rect, None, None, was=HIGHLIGHT[sev], originals=originals(sheet, rect))
                   for rect in rects)
    changed = {k: sev for k, sev in now.items() if state.highlights.get(k) != sev}
    for (sheet, sev), rects in _rects_by(changed).items():
        fill, font = HIGHLIGHT[sev]
        ops.extend(SetFill(sheet, rect, fill, font, originals=originals(sheet, rect)) for rect in rects)
    return ops


def _notes(findings: list[Finding]) -> dict[tuple[str, int, int], str]:
    texts: dict[tuple[str, int, int], list[str]] = {}
    for f in findings:
        text = f"[{f.code}] {f.message}" + (f"\n建议：{f.suggestion}" if f.suggestion else "")
        for key in _cells(f):
            texts.setdefault(key, []).append(text)
    return {k: clip(f"{NOTE_PREFIX}：\n" + "\n".join(v), NOTE_LIMIT) for k, v in texts.items()}


def _note_ops(now: dict, state: State) -> list:
    ops = [SetNote(sheet, r, c, None) for (sheet, r, c) in sorted(state.notes) if (sheet, r, c) not in now]
    ops += [SetNote(sheet, r, c, text) for (sheet, r, c), text in sorted(now.items())
            if state.notes.get((sheet, r, c)) != note_key(text)]
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
        letters, row = coordinate_from_string(hit[1])
        return (ws.title, row, column_index_from_string(letters)), []
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
        "hl": sorted(f"{k}{v}" for k, v in highlights.items()),
        "notes": sorted(f"{k}{v}" for k, v in notes.items()),
        "fills": sorted(f"{k}{v}" for k, v in fills.items()),
        "public": ([str(c.value) for c in row] for row in public.rows),
        "values": ((o.sheet, o.row, o.col, o.values) for o in ops if isinstance(o, SetValues)),
    }
    return _json_sha256(parts).hexdigest()[:16]


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
