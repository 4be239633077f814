"""Apply a refresh plan to a file with openpyxl; save atomically, keeping a backup when in place."""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.cell_style import StyleArray

from ..errors import XlToolsError
from ..fileio import atomic_target
from ..schema import SHEET_PUBLIC
from ..workbook.reader import resolve_formulas
from ..xlsxfile import open_workbook, reading, sniff
from .ops import ReplacePublic, ReplaceSheet, SetFill, SetNote, SetValues
from .plan import RefreshOutcome, plan_refresh
from .sheets import insert_index, link_formula

NO_FILL = PatternFill(fill_type=None)


def refresh_file(path: str | Path, out: str | Path | None = None, *, config_path=None,
                 now: str | None = None, extra_findings=None, backup: bool = True) -> RefreshOutcome:
    path = Path(path)
    out = Path(out) if out else path
    sniff(path)
    if out.suffix.lower() != path.suffix.lower():
        raise XlToolsError(f"输出文件的扩展名须与输入相同（{path.suffix}）", file=str(out))
    wb = open_workbook(path)
    with reading(path):
        outcome = plan_refresh(wb, source=str(path), config_path=config_path, now=now,
                               prepare=lambda filing: resolve_formulas(path, filing),
                               extra_findings=extra_findings)
    apply_ops(wb, outcome.ops)
    with atomic_target(out, backup=backup and out.resolve() == path.resolve()) as tmp:
        try:
            wb.save(tmp)
        except (OSError, ValueError) as exc:
            raise XlToolsError(f"保存失败：{exc}", file=str(out)) from None
    return outcome


def _set(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("=") and not value.startswith("=HYPERLINK(\"#"):
        cell.data_type = "s"          # user text that looks like a formula stays text


def _fill(wb, op: SetFill, recoloured: dict) -> None:
    """Highlight (or clear) a rectangle: the fill is set and the font recoloured, the font's other
    properties (the user's face, size, bold) kept. Each distinct (font, colour) is registered with the
    workbook once and assigned by id; openpyxl would otherwise hash a new Font for every cell."""
    ws = wb[op.sheet]
    fill_id = wb._fills.add(PatternFill("solid", fgColor="FF" + op.fill) if op.fill else NO_FILL)
    colour = ("FF" + op.font) if op.font else None
    for r, c in op.rect.cells():
        cell = ws.cell(row=r, column=c)
        # a cell nobody ever formatted has no style array yet (openpyxl ≥ 3.1.4)
        style = copy(cell._style) if cell._style is not None else StyleArray()
        key = (style.fontId, colour)
        font_id = recoloured.get(key)
        if font_id is None:
            font = copy(wb._fonts[style.fontId])
            font.color = colour
            font_id = recoloured[key] = wb._fonts.add(font)
        style.fontId, style.fillId = font_id, fill_id
        cell._style = style


def apply_ops(wb, ops: list) -> None:
    recoloured: dict = {}
    for op in ops:
        if isinstance(op, SetValues):
            ws = wb[op.sheet]
            for dr, row in enumerate(op.values):
                for dc, value in enumerate(row):
                    _set(ws, op.row + dr, op.col + dc, value)
        elif isinstance(op, SetFill):
            _fill(wb, op, recoloured)
        elif isinstance(op, SetNote):
            cell = wb[op.sheet].cell(row=op.row, column=op.col)
            if op.text is None:
                if cell.comment is not None and cell.comment.text.startswith("xl-tools"):
                    cell.comment = None
            else:
                note = Comment(op.text, "xl-tools")
                note.width, note.height = 320, 40 + 18 * op.text.count("\n") + len(op.text) // 2
                cell.comment = note
        elif isinstance(op, ReplaceSheet):
            _write_content(_fresh_sheet(wb, op.content.name), op.content)
        elif isinstance(op, ReplacePublic):
            from ..publish.xlsx import apply_layout
            apply_layout(_fresh_sheet(wb, SHEET_PUBLIC), op.layout)


def _fresh_sheet(wb, name: str):
    if name in wb.sheetnames:
        idx = wb.sheetnames.index(name)
        wb.remove(wb[name])
    else:
        idx = insert_index(wb.sheetnames, name)
    return wb.create_sheet(name, idx)


def _write_content(ws, content) -> None:
    """A tool-owned sheet, styled per cell from a few distinct styles: each is registered once and
    copied by style ids to the other cells (openpyxl would hash the style objects for every cell)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    links = {(r, c): link_formula(sheet, cell, text) for r, c, sheet, cell, text in content.links}
    fills = {(r, c): (fill, font) for rect, fill, font in content.fills for r, c in rect.cells()}
    bold = set(content.bold_rows)
    wrap_cols = set(content.wrap_cols)
    protos: dict[tuple, object] = {}
    for r, row in enumerate(content.rows, start=1):
        for c, value in enumerate(row, start=1):
            link = links.get((r, c))
            if link is not None:
                value = link
            if value is not None:
                _set(ws, r, c, value)
            key = (c in wrap_cols, r in bold, fills.get((r, c)), link is not None)
            cell = ws.cell(row=r, column=c)
            proto = protos.get(key)
            if proto is not None:
                cell._style = copy(proto._style)
                continue
            wrap, is_bold, fill, is_link = key
            cell.alignment = Alignment(wrap_text=wrap or None, vertical="top")
            if fill:
                cell.fill = PatternFill("solid", fgColor="FF" + fill[0])
            font_color = ("FF" + fill[1]) if fill and fill[1] else ("FF0563C1" if is_link else None)
            cell.font = Font(bold=is_bold or None, color=font_color, underline="single" if is_link else None)
            protos[key] = cell
    for col, width in content.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, h in content.heights.items():
        ws.row_dimensions[r].height = h
    if content.freeze:
        ws.freeze_panes = content.freeze
    if content.hidden:
        ws.sheet_state = "hidden"
