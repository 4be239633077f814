"""Apply a refresh plan to a file: the package patcher (``xl_tools.ooxml``) rewrites only the parts the
plan touches — the cells of the data sheets, styles.xml, the notes, the tool's own sheets — and copies
every other part byte for byte. Saved atomically, with a backup when in place."""

from __future__ import annotations

from pathlib import Path

from ..address import parse_a1
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..ooxml.patch import Generated, WorkbookPatch
from ..ooxml.sheetgen import Formula, SheetSpec
from ..ooxml.sheetgen import PageSetup as SheetPage
from ..ooxml.styles import Format
from ..publish.xlsx import table_sheet
from ..schema import SHEET_PUBLIC, SHEET_STATE
from ..workbook.reader import resolve_formulas, workbook_view
from ..xlsxfile import reading, sniff
from .ops import ReplacePublic, ReplaceSheet, SetFill, SetNote, SetValues
from .plan import NOTE_AUTHOR, NOTE_PREFIX, RefreshOutcome, plan_refresh
from .sheets import insert_index, link_formula
from .state import with_styles

LINK_COLOUR = "0563C1"


def refresh_file(path: str | Path, out: str | Path | None = None, *, config_path=None,
                 now: str | None = None, extra_findings=None, backup: bool = True) -> RefreshOutcome:
    path = Path(path)
    out = Path(out) if out else path
    sniff(path)
    if out.suffix.lower() != path.suffix.lower():
        raise XlToolsError(f"输出文件的扩展名须与输入相同（{path.suffix}）", file=str(out))
    view = workbook_view(path)
    try:
        with reading(path):
            outcome = plan_refresh(view, source=str(path), config_path=config_path, now=now,
                                   prepare=lambda filing: resolve_formulas(path, filing, view),
                                   extra_findings=extra_findings)
            view.release_cells()
            patch = WorkbookPatch(view, note_author=NOTE_AUTHOR, note_prefix=NOTE_PREFIX)
            apply_ops(patch, outcome.ops)
        with atomic_target(out, backup=backup and out.resolve() == path.resolve()) as tmp:
            try:
                patch.save(tmp)
            except OSError as exc:
                raise XlToolsError(f"保存失败：{exc.strerror or exc}", file=str(out)) from None
            finally:
                view.close()        # before the rename: Windows cannot replace a file that is open
    finally:
        view.close()
    return outcome


def apply_ops(patch: WorkbookPatch, ops: list) -> None:
    """Hand the plan to the patcher: cell edits first (one pass per sheet), then the whole sheets,
    the state sheet last with the cell formats the highlights replaced."""
    sheets = []
    for op in ops:
        if isinstance(op, SetValues):
            patch.set_values(op.sheet, op.row, op.col, op.values)
        elif isinstance(op, SetFill):
            for r, c in op.rect.cells():
                original = op.originals.get((r, c))
                if op.fill:
                    patch.colour(op.sheet, r, c, op.fill, op.font, original)
                else:
                    patch.clear(op.sheet, r, c, op.was or (None, None), original)
        elif isinstance(op, SetNote):
            patch.note(op.sheet, op.row, op.col, op.text)
        elif isinstance(op, (ReplaceSheet, ReplacePublic)):
            sheets.append(op)
    results = patch.patch_sheets()
    found = {(sheet, r, c): o for sheet, result in results.items() for (r, c), o in result.originals.items()}
    names = [s.name for s in patch.book.sheets()]
    for op in sheets:
        if isinstance(op, ReplacePublic):
            gen = table_sheet(op.layout, SHEET_PUBLIC)
        else:
            content = with_styles(op.content, found) if op.content.name == SHEET_STATE else op.content
            gen = Generated(content.name, content_spec(content), hidden=content.hidden,
                            print_titles=content.print_title_rows)
        patch.replace_sheet(gen, insert_index(names, gen.name))
        if gen.name not in names:
            names.insert(insert_index(names, gen.name), gen.name)


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

    def rows():
        for r, values in enumerate(content.rows, start=1):
            fills = [(x.col, x.col + x.ncols, fill, font) for x, fill, font in content.fills
                     if x.row <= r < x.row + x.nrows]
            boxes = [(x.col, x.col + x.ncols) for x in content.borders if x.row <= r < x.row + x.nrows]
            is_bold, wrap_row = r in bold, r in wrap_rows
            cells = []
            for c in range(1, width + 1):
                value = values[c - 1] if c <= len(values) else None
                link = links.get((r, c))
                fill = font = None
                for first, stop, f, t in fills:          # the last rectangle naming the cell wins
                    if first <= c < stop:
                        fill, font = f, t
                boxed = any(first <= c < stop for first, stop in boxes) if boxes else False
                fmt = look((is_bold, c in wrap_cols or wrap_row, fill, font, link is not None, boxed))
                if link is not None:
                    value = Formula(link_formula(*link)[1:], link[2])
                cells.append((value, fmt))
            yield cells

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
