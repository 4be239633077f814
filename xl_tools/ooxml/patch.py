"""``WorkbookPatch``: collect cell edits, notes and generated sheets, then rewrite only those parts.

    patch = WorkbookPatch(view, note_author="xl-tools")
    patch.set_value("项目", 2, 1, 1)
    patch.colour("项目", 4, 4, "FFCCD3", "9E0A14")
    patch.note("项目", 4, 4, "…")
    results = patch.patch_sheets()            # one streaming pass per edited sheet
    patch.replace_sheet("校验结果", spec, index=5)
    patch.save(out_path)                      # every other part copied byte for byte

Cell formats the highlights need are added to styles.xml once and found again afterwards. calcChain
is dropped when a sheet holding formulas is regenerated (Excel rebuilds it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import partial

from ..address import range_a1
from ..errors import XlToolsError
from ..refs import quote_sheet
from . import buttons as button_parts
from . import charts as chart_parts
from . import tables as table_parts
from .book import Book
from .cells import CellDecoder
from .comments import SheetNotes
from .package import read_member
from .rowbytes import patch_sheet_bytes
from .sheetgen import SheetSpec, write_sheet
from .sheetxml import CellEdit, OwnLook, RowsOutOfOrder, SheetEdits, SheetResult, in_row_order, patch_sheet
from .styles import EXCEL_MAX_FORMATS, Styles
from .view import WorkbookView
from .xml import CT_STYLES, RT_CALC_CHAIN, RT_STYLES

PRINT_TITLES = "_xlnm.Print_Titles"
PRINT_AREA = "_xlnm.Print_Area"
FILTER = "_xlnm._FilterDatabase"


@dataclass
class Generated:
    name: str
    spec: SheetSpec
    hidden: bool = False
    print_titles: tuple[int, int] | None = None     # rows repeated on every printed page
    print_area: bool | tuple[int, int, int, int] = False    # True: the cells; or (r1, c1, r2, c2)
    charts: list[chart_parts.BarChart] = field(default_factory=list)     # over cells of this sheet
    tables: list[table_parts.Table] = field(default_factory=list)        # Excel tables over its cells
    buttons: list[button_parts.FormButton] = field(default_factory=list)  # form buttons running macros


@dataclass
class PatchReport:
    sheets: dict[str, SheetResult] = field(default_factory=dict)
    notes_kept: dict[str, list[tuple[int, int]]] = field(default_factory=dict)   # the user's own notes
    notes_skipped: dict[str, list[tuple[int, int]]] = field(default_factory=dict)   # unreadable drawings

    def notes_unwritten(self) -> set[tuple[str, int, int]]:
        """(sheet, row, column) of the notes not written: kept in the user's place or left out."""
        return {(sheet, r, c) for cells in (self.notes_kept, self.notes_skipped) for sheet, found in cells.items()
                for r, c in found}


class WorkbookPatch:
    def __init__(self, view: WorkbookView, note_author: str, note_prefix: str | None = None) -> None:
        self.view = view
        self.pkg = view.pkg
        self.book: Book = view.book
        self.styles: Styles = view.styles
        self.author, self.prefix = note_author, note_prefix
        self.edits: dict[str, SheetEdits] = {}
        self.notes: dict[str, SheetNotes] = {}
        self.report = PatchReport()
        self._regenerated = False
        self._names: list[tuple[str, str, str | None, bool]] = []    # name, sheet, text, hidden

    # ------------------------------------------------------------------------------ collecting

    def _edit(self, sheet: str, row: int, col: int) -> CellEdit:
        return self.edits.setdefault(sheet, SheetEdits()).cell(row, col)

    def set_value(self, sheet: str, row: int, col: int, value) -> None:
        self._edit(sheet, row, col).value = value

    def set_values(self, sheet: str, row: int, col: int, values: list[list]) -> None:
        """A block of values from (row, col) (kept as given: a long block costs nothing per cell)."""
        self.edits.setdefault(sheet, SheetEdits()).add_values(row, col, values)

    def colour(self, sheet: str, row: int, col: int, fill: str | None, font: str | None,
               ours: frozenset[str] = frozenset(), look: OwnLook | None = None) -> None:
        """Highlight a cell. `ours`: fills that are a highlight already (the cell's own look is then
        `look`, when known), not the cell's own; the cell's own look is reported in the sheet's
        ``SheetResult.looks``."""
        edit = self._edit(sheet, row, col)
        edit.colour, edit.clear, edit.ours, edit.look = (fill, font), None, frozenset(ours), look

    def clear(self, sheet: str, row: int, col: int, fills: frozenset[str], look: OwnLook | None = None) -> None:
        """Take a highlight off a cell whose fill is one of `fills`, giving it back `look` (None: no
        fill, automatic font colour); a cell that does not carry such a fill is left alone."""
        edit = self._edit(sheet, row, col)
        edit.colour, edit.clear, edit.ours, edit.look = None, frozenset(fills), frozenset(), look

    def note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        entry = self.book.sheet(sheet)
        if entry is None or entry.part is None:
            raise KeyError(sheet)
        if sheet not in self.notes:
            self.notes[sheet] = SheetNotes(self.pkg, entry.part, self.author, self.prefix)
        self.notes[sheet].set(row, col, text)

    # ---------------------------------------------------------------------------------- writing

    def patch_sheets(self) -> dict[str, SheetResult]:
        """Stream every sheet with cell edits or notes once; returns what each pass found. A sheet's
        edits and notes are let go once it is written (at 5,000 projects 18 MB of them were held to the
        end of a refresh)."""
        dates, spans = self.styles.date_styles()
        for name in dict.fromkeys([*self.edits, *self.notes]):
            entry = self.book.sheet(name)
            if entry is None or entry.part is None or not entry.is_worksheet:
                raise KeyError(name)
            notes = self.notes.pop(name, None)
            edits = self.edits.pop(name, None) or SheetEdits()
            hook = notes.apply if notes else None
            try:                            # the part read as a stream: never held whole
                result = self._patch(partial(self.pkg.open_original, entry.part), entry.part, edits, dates, spans,
                                     hook)
            except RowsOutOfOrder:          # rare: a writer that put rows out of order; patched sorted
                sorted_rows = in_row_order(read_member(self.pkg.zf, entry.part), entry.part)
                result = self._patch(sorted_rows, entry.part, edits, dates, spans, hook)
                del sorted_rows
            self.report.sheets[name] = result
            if notes is not None:
                if notes.kept_users:
                    self.report.notes_kept[name] = notes.kept_users
                if notes.skipped:
                    self.report.notes_skipped[name] = notes.skipped
        return self.report.sheets

    def _patch(self, data, part: str, edits: SheetEdits, dates, spans, hook) -> SheetResult:
        """One sheet patched on its bytes (``rowbytes``), or in a streaming lxml pass where the bytes
        path declines; ``data``: the part's bytes or a function opening them as a stream."""
        result = patch_sheet_bytes(data, self.pkg.spool(part), edits, self.styles, self._decoder(dates, spans),
                                   part, tail_hook=hook)
        if result is None:
            with (data() if callable(data) else io.BytesIO(data)) as src:
                result = patch_sheet(src, self.pkg.spool(part), edits, self.styles, self._decoder(dates, spans),
                                     part, tail_hook=hook)
        return result

    def _decoder(self, dates, spans) -> CellDecoder:
        return CellDecoder(self.view.shared_strings(), dates, spans, self.book.date1904)

    def replace_sheet(self, gen: Generated, index: int) -> None:
        """Write the sheet `gen.name` whole: its part is regenerated (created at `index` if new)."""
        entry = self.book.sheet(gen.name)
        if entry is not None and (entry.part is None or not entry.is_worksheet):
            raise ValueError(f"{gen.name}: not a worksheet")
        if entry is None:
            part = self.book.add_sheet(gen.name, index)
        else:
            part = entry.part
            rels = self.pkg.rels(part)                       # printer settings, old drawings …
            targets = [self.pkg.target(part, r.id) for r in rels if not r.external]
            for rel in rels:
                self.pkg.remove_rel(part, rel.id)
            for target in targets:
                if target and self.pkg.has(target) and not self.pkg.referenced(target):
                    self.pkg.drop_tree(target)
            self._regenerated = True
        spec = gen.spec
        if gen.charts:
            spec = replace(spec, drawing=chart_parts.attach(self.pkg, part, gen.name, gen.charts))
        if gen.buttons:
            spec = replace(spec, legacy_drawing=button_parts.attach(self.pkg, part, gen.buttons, spec.widths,
                                                                    spec.heights))
        if gen.tables:
            spec = replace(spec, tables=table_parts.attach(self.pkg, part, gen.tables, self.styles))
        write_sheet(self.pkg.spool(part), spec, self.styles)
        self.book.set_state(gen.name, "hidden" if gen.hidden else "visible")
        titles = f"{quote_sheet(gen.name)}!${gen.print_titles[0]}:${gen.print_titles[1]}" \
            if gen.print_titles else None
        self._names.append((PRINT_TITLES, gen.name, titles, False))
        area = None
        height, width = spec.size()
        if isinstance(gen.print_area, tuple):
            area = f"{quote_sheet(gen.name)}!{_absolute(range_a1(*gen.print_area))}"
        elif gen.print_area and height:
            area = f"{quote_sheet(gen.name)}!{_absolute(range_a1(1, 1, height, width))}"
        self._names.append((PRINT_AREA, gen.name, area, False))
        flt = f"{quote_sheet(gen.name)}!{_absolute(range_a1(*spec.autofilter))}" if spec.autofilter else None
        self._names.append((FILTER, gen.name, flt, True))

    def save(self, out, sealer=None) -> None:
        """Write the patched workbook to `out`; ``sealer``: see ``package.Package.save``."""
        for name, sheet, text, hidden in self._names:        # sheet positions are final now
            self.book.set_defined_name(name, text, local_to=sheet, hidden=hidden)
        if self.styles.over_limit():
            raise XlToolsError(
                f"本次刷新需为突出显示新增 {len(self.styles) - self.styles.loaded:,} 种单元格格式，工作簿将有 "
                f"{len(self.styles):,} 种，超过 Excel 的上限 {EXCEL_MAX_FORMATS:,} 种（超过后 Excel 会“修复”文件并丢失格式），"
                f"已停止，原文件未改动：请在 Excel 中清除多余的单元格格式（如整行整列设置的格式、复制来的大量不同格式）后再试",
                file=str(self.pkg.path))
        if self.styles.changed:
            parts = [t for _r, t in self.pkg.targets(self.book.part, RT_STYLES)]
            if parts:
                self.pkg.set_bytes(parts[0], self.styles.to_bytes())
            else:
                self.pkg.set_bytes("xl/styles.xml", self.styles.to_bytes(), CT_STYLES)
                self.pkg.add_rel(self.book.part, RT_STYLES, "xl/styles.xml")
        if self._regenerated:
            for rid, target in self.pkg.targets(self.book.part, RT_CALC_CHAIN):
                self.pkg.remove_rel(self.book.part, rid)
                self.pkg.delete(target)
        self.pkg.save(out, sealer)


def _absolute(rng: str) -> str:
    """A1:B2 → $A$1:$B$2."""
    out = []
    for cell in rng.split(":"):
        letters = "".join(ch for ch in cell if ch.isalpha())
        out.append(f"${letters}${cell[len(letters):]}")
    return ":".join(out)
