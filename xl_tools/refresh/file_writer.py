"""The refresh of a file, its two ends: ``opened`` reads the workbook (the view the plan is made from)
and ``write_plan`` applies the plan (``plan.plan_refresh``) through the package patcher
(``xl_tools.ooxml``), which rewrites only the parts the plan touches — the cells of the data sheets,
styles.xml, the notes, the tool's own sheets — and copies every other part byte for byte. Saved
atomically, with a backup when in place. The task itself, read → plan → write, is
``app.refresh_path``."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import replace
from pathlib import Path

from .. import gcpause, memtrim
from ..address import parse_a1
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..ooxml.comments import notes_of
from ..ooxml.patch import Generated, WorkbookPatch
from ..ooxml.sheetgen import Formula, RowCells, SheetSpec
from ..ooxml.sheetgen import PageSetup as SheetPage
from ..ooxml.styles import Format
from ..publish.xlsx import table_sheet
from ..schema import NOTE_AUTHOR, NOTE_PREFIX, SHEET_PUBLIC, SHEET_RESULTS, SHEET_STATE
from ..workbook.reader import resolve_formulas, workbook_view
from ..xlsxfile import reading
from . import seal
from .looks import Look
from .marks import Seen
from .ops import SEVERITY_OF_FILL, ReplacePublic, ReplaceSheet, SetFill, SetNames, SetNote, SetValues, WidenTable
from .plan import RefreshOutcome, already_there, notes_left
from .readback import planned_values, verify
from .results import notes_text, with_notes_line
from .seal import check_paths
from .sheets import insert_index, link_formula
from .state import DATA_SHEETS, note_key, with_looks, without_notes

LINK_COLOUR = "0563C1"


@contextlib.contextmanager
def opened(path: Path, out: Path, *, checked: bool = False):
    """The workbook at ``path``, to be refreshed into ``out``, as the view the plan reads (the tool's
    highlights noted as the cells are read; the plan reads within ``xlsxfile.reading``). Closed on
    leaving. ``checked``: ``seal.check_paths`` was done already."""
    if not checked:
        check_paths(path, out)
    view = workbook_view(path)
    try:
        with reading(path):
            view.watch(view.styles.with_fills(SEVERITY_OF_FILL))      # the tool's highlights, found as read
        yield view
    finally:
        view.close()


def formulas_of(path: Path, view):
    """What ``plan.plan_refresh`` runs on the filing it read (``prepare``): formulas without a cached
    value computed where the reader can (``workbook.reader.resolve_formulas``)."""
    return lambda filing: resolve_formulas(path, filing, view)


def write_plan(view, outcome: RefreshOutcome, path: Path, out: Path, *, backup: bool,
               seal_context: bytes | None = None) -> None:
    """Apply ``outcome.ops`` to the workbook ``view`` shows and save it as ``out`` (temp file + rename;
    ``.bak`` of the bytes read when in place and ``backup``), every value written read back first. A
    plan that changes nothing the file does not already show writes nothing (``already_there``).
    ``seal_context`` (``seal.context``: the tool and the options): the written file is sealed when its
    next refresh will find nothing changed (``seal``)."""
    kept = users_notes_in_file(view)
    if already_there(view, outcome, kept):       # nothing changed since the last refresh
        outcome.notes_kept = len(notes_left(outcome, kept))     # the person's own notes, kept again: said
        view.close()
        if out.resolve() != path.resolve():
            with atomic_target(out) as tmp:
                shutil.copyfile(path, tmp)
        return
    with gcpause.settled():                      # writing makes no reference cycles: no collection in it
        _write(view, outcome, path, out, backup=backup, seal_context=seal_context)


def _write(view, outcome: RefreshOutcome, path: Path, out: Path, *, backup: bool, seal_context: bytes | None) -> None:
    with reading(path):
        view.release_cells()
        patch = WorkbookPatch(view, note_author=NOTE_AUTHOR, note_prefix=NOTE_PREFIX)
        record = seal.record(outcome) if seal_context is not None and outcome.settled else None
        # the writer takes the ops, each let go once written; the outcome keeps the values (the read-back's)
        ops, outcome.ops = outcome.ops, [op for op in outcome.ops if isinstance(op, SetValues)]
        outcome.notes_kept, outcome.notes_skipped = apply_ops(patch, ops, record)
        del ops
    sealer = None
    if record is not None and not outcome.notes_kept and not outcome.notes_skipped:
        sealer = seal.Sealer(seal_context, patch.book.sheet(SHEET_STATE).part)
    with atomic_target(out, backup=backup and out.resolve() == path.resolve()) as tmp:
        try:
            patch.save(tmp, sealer)
        except OSError as exc:
            raise XlToolsError(f"保存失败：{exc.strerror or exc}", file=str(out)) from None
        finally:
            view.close()        # before the rename: Windows cannot replace a file that is open
        read_back(tmp, path, patch, outcome.ops)


def read_back(saved: Path, source: Path, patch: WorkbookPatch, ops: list) -> int:
    """Every value the plan wrote into the person's sheets, read back from the saved file by readers
    that are not the patcher's (``readback.verify``); raises ReadBackError before the saved file takes
    the original's place."""
    planned = planned_values(ops)
    parts = {name: patch.book.sheet(name).part for name in planned}
    skip = {name: set(result.skipped_formulas) for name, result in patch.report.sheets.items()}
    return verify(saved, source, parts, planned, skip)


def seen_in_file(view) -> Seen:
    """What a file shows of the tool's marks on the data sheets: cells carrying the tool's highlight
    colours (noted by the view as it read them, blank cells too), notes with the tool's author or
    prefix, and the hidden rows."""
    highlights, notes, hidden = {}, {}, {}
    for name in view.sheetnames:
        if name not in DATA_SHEETS:
            continue
        ws = view[name]
        fills = view.styles.with_fills(SEVERITY_OF_FILL)
        highlights.update({(name, r, c): SEVERITY_OF_FILL[fills[s]] for (r, c), s in ws.watched.items()
                           if s in fills})
        hidden[name] = set(ws.hidden_rows)
        entry = view.book.sheet(name)
        for (r, c), (author, text) in notes_of(view.pkg, entry.part).items() if entry and entry.part else ():
            if author == NOTE_AUTHOR or text.startswith(NOTE_PREFIX):
                notes[(name, r, c)] = note_key(text)
    return Seen(highlights, notes, hidden)


def users_notes_in_file(view):
    """``(sheet, row, col) → bool``: whether the file's note on that cell is the person's own (neither the
    tool's author nor its prefix: the patcher keeps it, ``ooxml.comments``), each sheet's notes read once
    and only when asked."""
    cache: dict[str, set[tuple[int, int]]] = {}

    def kept(sheet: str, row: int, col: int) -> bool:
        if sheet not in cache:
            entry = view.book.sheet(sheet)
            notes = notes_of(view.pkg, entry.part) if entry and entry.part else {}
            cache[sheet] = {rc for rc, (author, text) in notes.items()
                            if not (author == NOTE_AUTHOR or text.startswith(NOTE_PREFIX))}
        return (row, col) in cache[sheet]
    return kept


def apply_ops(patch: WorkbookPatch, ops: list, record: dict | None = None) -> tuple[int, int]:
    """Hand the plan to the patcher: cell edits first (one pass per sheet), then the whole sheets,
    the state sheet last with the cell formats the highlights replaced. Returns (notes kept in the
    user's place, notes left out): 校验结果 says so under its summary, and the state leaves them out
    (the next refresh tries again). ``record`` (``seal.record``): the state sheet gets the seal's
    cells when every note was written (``seal.stamped``). ``ops`` is emptied as it is applied: what
    is written is not held while the rest is (at 5,000 projects the notes' texts, 校验结果 and 公开表
    are 23 MB)."""
    sheets = []
    for op in ops:
        if isinstance(op, SetValues):
            patch.set_values(op.sheet, op.row, op.col, op.values)
        elif isinstance(op, SetFill):
            look = (op.look.fill, op.look.font, op.look.inherited, op.look.native) if op.look else None
            was = frozenset(op.was)          # one set for the rectangle's cells
            for r, c in op.rect.cells():
                if op.fill:
                    patch.colour(op.sheet, r, c, op.fill, op.font, was, look)
                else:
                    patch.clear(op.sheet, r, c, was, look)
        elif isinstance(op, SetNote):
            patch.note(op.sheet, op.row, op.col, op.text)
        elif isinstance(op, WidenTable):
            _widen(patch, op)
        elif isinstance(op, SetNames):
            for name, text in op.names:
                patch.book.set_defined_name(name, text)
        elif isinstance(op, (ReplaceSheet, ReplacePublic)):
            sheets.append(op)
    ops.clear()
    for op in sheets:                        # before anything is patched: the tool's sheets must be its own
        _own_name(patch, SHEET_PUBLIC if isinstance(op, ReplacePublic) else op.name)
    results = patch.patch_sheets()
    memtrim.release()                        # what patching held, freed: given back before the sheets are made
    found = {(sheet, r, c): Look(*o) for sheet, result in results.items() for (r, c), o in result.looks.items()}
    report = patch.report
    kept, skipped = sum(map(len, report.notes_kept.values())), sum(map(len, report.notes_skipped.values()))
    names = [s.name for s in patch.book.sheets()]
    sheets.reverse()
    while sheets:
        gen = _generated(sheets.pop(), found, report, record, not kept and not skipped, notes_text(kept, skipped))
        patch.replace_sheet(gen, insert_index(names, gen.name))
        if gen.name not in names:
            names.insert(insert_index(names, gen.name), gen.name)
        gen = None                           # written: let go before the next sheet is made
    return kept, skipped


def _widen(patch: WorkbookPatch, op: WidenTable) -> None:
    """The column the plan adds beside the sheet's Excel table taken into it (``ooxml.tables.widen``),
    named as the header the plan writes."""
    from ..ooxml.tables import widen
    widen(patch.pkg, patch.book.sheet(op.sheet).part, op.row, op.col, op.header)


def _generated(op, found: dict, report, record: dict | None, all_notes: bool, notes_line: str) -> Generated:
    """The sheet ``op`` writes whole, as the patcher generates it: 公开表 from its layout; 校验结果 with
    the line on the notes not written (``notes_line``); the state with the looks the highlights
    replaced (``found``), without the notes not written, sealed (``record``) when ``all_notes`` were."""
    if isinstance(op, ReplacePublic):
        return table_sheet(op.layout, SHEET_PUBLIC)
    content = op.content
    if content.name == SHEET_STATE:
        content = without_notes(with_looks(content, found), report.notes_unwritten())
        if record is not None and all_notes:
            content = replace(content, rows=seal.stamped(content.rows, record))
    elif content.name == SHEET_RESULTS:
        content = with_notes_line(content, notes_line)
    return Generated(content.name, content_spec(content), hidden=content.hidden, print_titles=content.print_title_rows)


def _own_name(patch: WorkbookPatch, name: str) -> None:
    """XlToolsError when the user's chart sheet (or another sheet that holds no cells) has the name of a
    sheet the refresh writes whole (校验结果, 公开表): it is the user's, so it is neither replaced nor
    taken for damage."""
    entry = patch.book.sheet(name)
    if entry is not None and (entry.part is None or not entry.is_worksheet):
        raise XlToolsError(f"工作簿中名为「{name}」的是一张图表工作表（或其他没有单元格的工作表），不是 xl-tools 生成的；"
                           f"刷新要把{name}写在这个名字的工作表中：请把它改名（例如「{name}图」）后再刷新，"
                           "原文件未改动", sheet=name)


def content_spec(content) -> SheetSpec:
    """A tool-owned sheet (``ops.SheetContent``) as a sheet to generate; its rows are made as the
    generator writes them (one row of cells at a time in memory)."""
    links = {(r, c): (sheet, cell, text) for r, c, sheet, cell, text in content.links}
    bold, wrap_cols, wrap_rows = set(content.bold_rows), set(content.wrap_cols), set(content.wrap_rows)
    formats: dict[tuple, Format] = {}            # one Format object per look: the generator maps them once
    width = max([len(r) for r in content.rows] + [rect.col + rect.ncols - 1 for rect in content.borders] + [0])

    def look(key: tuple) -> Format:
        fmt = formats.get(key)
        if fmt is None:
            fmt = formats[key] = Format(bold=key[0], wrap=key[1], vertical="top", fill=key[2],
                                        color=key[3] or (LINK_COLOUR if key[4] else None), underline=key[4],
                                        border=key[5])
        return fmt

    def row_formats(r: int, link_cols: frozenset) -> list[Format]:
        fills = [(x.col, x.col + x.ncols, fill, font) for x, fill, font in content.fills
                 if x.row <= r < x.row + x.nrows]
        boxes = [(x.col, x.col + x.ncols) for x in content.borders if x.row <= r < x.row + x.nrows]
        is_bold, wrap_row = r in bold, r in wrap_rows
        out = []
        for c in range(1, width + 1):
            fill = font = None
            for first, stop, f, t in fills:          # the last rectangle naming the cell wins
                if first <= c < stop:
                    fill, font = f, t
            boxed = any(first <= c < stop for first, stop in boxes) if boxes else False
            out.append(look((is_bold, c in wrap_cols or wrap_row, fill, font, c in link_cols, boxed)))
        return out

    def rows():
        by_row: dict[int, list[tuple[int, tuple]]] = {}
        for (r, c), link in links.items():
            by_row.setdefault(r, []).append((c, link))
        shared: dict[tuple, list[Format]] = {}      # rows covered alike share their list of formats
        # the rectangles of fills and borders covering a row change only where one starts or ends
        edges = sorted({x.row for x, *_ in content.fills} | {x.row + x.nrows for x, *_ in content.fills}
                       | {x.row for x in content.borders} | {x.row + x.nrows for x in content.borders})
        edge, covered = 0, ((), ())
        for r, values in enumerate(content.rows, start=1):
            if edge < len(edges) and r >= edges[edge]:
                while edge < len(edges) and r >= edges[edge]:
                    edge += 1
                covered = (tuple(k for k, (x, _f, _t) in enumerate(content.fills) if x.row <= r < x.row + x.nrows),
                           tuple(k for k, x in enumerate(content.borders) if x.row <= r < x.row + x.nrows))
            row_links = by_row.get(r)
            key = (r in bold, r in wrap_rows, *covered,
                   frozenset(c for c, _link in row_links) if row_links else frozenset())
            fmts = shared.get(key)
            if fmts is None:
                fmts = shared[key] = row_formats(r, key[4])
            line = list(values[:width])
            if len(line) < width:
                line += [None] * (width - len(line))
            if row_links:
                for c, link in row_links:
                    line[c - 1] = Formula(link_formula(*link)[1:], link[2])
            yield RowCells(line, fmts)

    page = content.page
    return SheetSpec(
        rows=rows(), nrows=len(content.rows), ncols=width, widths=dict(content.widths),
        heights=dict(content.heights),
        merges=[(m.row, m.col, m.row + m.nrows - 1, m.col + m.ncols - 1) for m in content.merges],
        freeze=_freeze(content.freeze),
        autofilter=(content.autofilter.row, content.autofilter.col,
                    content.autofilter.row + content.autofilter.nrows - 1,
                    content.autofilter.col + content.autofilter.ncols - 1) if content.autofilter else None,
        page=SheetPage(orientation=page.orientation, fit_width=page.fit_to_width, fit_height=page.fit_to_height,
                       margins=page.margins_in, center_horizontally=page.center_horizontally) if page else None)


def _freeze(cell: str | None):
    return parse_a1(cell) if cell else None
