"""The plan of writes: plain records that either writer applies. Rows and columns are 1-based."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..address import Rect  # the plan's rectangles: the one address type, without a sheet
from ..publish.table import PageSetup
from ..schema import AMBER_FILL, AMBER_FONT, MARK_DRAFT, MARK_ERROR, MARK_WARNING, RED_FILL, RED_FONT
from .looks import Look

# the tool's own marks on the person's cells, and on the rows it drafted (refresh.drafting)
HIGHLIGHT = {"error": MARK_ERROR, "warning": MARK_WARNING, "draft": MARK_DRAFT}
# the highlights of refreshes before the tool had colours of its own (Excel's 差 and 适中): taken off
# only where the state sheet of such a refresh recorded them
LEGACY_HIGHLIGHT = {"error": (RED_FILL, RED_FONT), "warning": (AMBER_FILL, AMBER_FONT)}
SEVERITY_OF_FILL = {fill: severity for severity, (fill, _font) in HIGHLIGHT.items()}


@dataclass
class SetValues:
    sheet: str
    row: int
    col: int
    values: list[list]


@dataclass
class SetFill:
    """Highlight a rectangle (fill and font colour), or take a highlight off (fill None).

    Taking off: ``was`` are the fills that count as the tool's highlight on these cells (a cell
    carrying another fill is not the tool's any more and is left alone); ``look`` is what the cells
    looked like before (None: unknown — no fill, the automatic font colour), each writer gives it back
    its own way. Highlighting: ``look`` is the cells' own look when the cells carry a highlight
    already (a change of colour, a mark that moved with its row), else None and the writer notes the
    look the cells have."""

    sheet: str
    rect: Rect
    fill: str | None          # RRGGBB, None = clear
    font: str | None          # RRGGBB, None = automatic
    was: tuple[str, ...] = ()
    look: Look | None = None


@dataclass
class SetNote:
    sheet: str
    row: int
    col: int
    text: str | None          # None = delete
    ours: bool = False        # the last refresh wrote a note there (any other note there is the user's)


@dataclass
class WidenTable:
    """The Excel table of ``sheet`` whose header row is ``row`` and whose last column is ``col`` - 1 takes
    column ``col`` in, named ``header`` (the header cell the plan writes); no such table: nothing. A column
    the tool adds beside the person's table (``keycolumn``) sorts and filters with it."""

    sheet: str
    row: int
    col: int
    header: str


@dataclass
class SetNames:
    """Workbook-level defined names to point at ``names``' references (name, e.g. ``'代码表'!$A$2:$A$5``):
    the category dropdowns' lists, put back with the 代码表 they list (``codesheet``); written after the
    sheets, so a name may point at a sheet the plan creates."""

    names: list[tuple[str, str]]


@dataclass
class SheetContent:
    """A sheet the tool owns and rewrites whole (校验结果, _xltools)."""

    name: str
    rows: list[list]
    widths: dict[int, float] = field(default_factory=dict)
    fills: list[tuple[Rect, str, str | None]] = field(default_factory=list)   # rect, fill, font
    bold_rows: list[int] = field(default_factory=list)
    links: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # row, col → sheet!cell, text
    wrap_cols: list[int] = field(default_factory=list)
    freeze: str | None = None
    hidden: bool = False
    heights: dict[int, float] = field(default_factory=dict)   # row → points (wrapped text)
    wrap_rows: list[int] = field(default_factory=list)
    borders: list[Rect] = field(default_factory=list)         # thin lines around every cell
    merges: list[Rect] = field(default_factory=list)
    autofilter: Rect | None = None
    page: PageSetup | None = None                             # printing: paper, orientation, fit
    print_title_rows: tuple[int, int] | None = None           # repeated on every printed page


class ReplaceSheet:
    """A sheet the tool writes whole: its ``SheetContent``, or a function making it, called when a
    writer first asks for the content (a refresh that changes nothing writes no sheet, and never makes
    its 校验结果); ``name``: the sheet's name, known without making the content (the file writer checks
    the names before it patches the data sheets and makes the content after: not held meanwhile)."""

    def __init__(self, content: SheetContent | Callable[[], SheetContent], name: str | None = None) -> None:
        self._content = content
        self._name = name

    @property
    def content(self) -> SheetContent:
        if callable(self._content):
            self._content = self._content()
        return self._content

    @property
    def name(self) -> str:
        return self._name if self._name is not None else self.content.name

    def __repr__(self) -> str:
        return f"ReplaceSheet({self._content!r})"


@dataclass
class ReplacePublic:
    """The 公开表 sheet, rendered by xl_tools.publish.table."""

    layout: object            # publish.layout.TableLayout


def group_rects(cells: set[tuple[int, int]]) -> list[Rect]:
    """Cover `cells` with few rectangles: vertical runs per column, then merge equal runs side by side."""
    runs: dict[tuple[int, int], list[int]] = {}
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    for c, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            runs.setdefault((start, prev), []).append(c)
            if r is not None:
                start = prev = r
    rects = []
    for (top, bottom), cols in runs.items():
        cols.sort()
        first = last = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == last + 1:
                last = c
                continue
            rects.append(Rect(top, first, bottom - top + 1, last - first + 1))
            if c is not None:
                first = last = c
    return sorted(rects, key=lambda x: (x.row, x.col))
