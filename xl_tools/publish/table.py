"""The published 项目支出绩效目标表 as pure data: one renderer, several thin writers.

``render(filing)`` returns a ``TableLayout`` (cells with style keys, merges, column widths, row
heights, print titles, page setup); ``xlsx.layout_spec`` turns it into a sheet for the package patcher and an xlwings
writer can apply the same plan to live Excel. Nothing here imports openpyxl.

Layout (as the department publishes it): title, a line 部门名称：… / 单位：万元, the header row, the 合计
row, then every funding unit's subtotal row followed by its projects, indented. Rows 1–3 repeat on
every printed page; the sheet prints on A4 landscape, fitted to one page wide. The amount columns are
the profile's (``money_columns``: Guangdong's 总计 · 财政拨款 · 财政专户拨款 · 其他资金 by default; 湘鄂's
资金总额 · 资金来源 · 预算级次), each one of the 项目 sheet's columns; where the profile groups them the header
takes two rows (group captions above, merged across their columns) and rows 1–4 repeat.

Zero amounts are written as the number 0 with the format ``#,##0.00;-#,##0.00;""`` rather than as
blank cells: the sheet shows a blank like the printed table, yet the value stays a number (sums,
copy-paste and re-reading the sheet give 0, not "missing"). An amount by level (本级资金, 上级资金) is
different: blank there means "not stated", so one stated as 0 shows 0.00, as the Hunan form prints
「该项目支出上级资金 0」, and the PDF reads back as it was filled.

A project whose text needs more than Excel's 409-point row limit takes several rows whose cells are
merged column by column, so each cell keeps its whole text in one place and the block shows all of it.
A 绩效目标 or 绩效指标 text longer than one Excel cell holds (32,767 characters) is split at the end of
an item (。) into pieces, each in its own cell on the following rows of the block (``_split_long``):
nothing is ever cut off, and the importer joins the pieces back like wrapped lines. Any other cell over
the limit (a project name) stops the command with a message naming the project.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .. import textfit
from ..errors import XlToolsError
from ..model import MONEY_FIELDS, MONEY_LABELS, Filing, Project, Unit
from ..money import ZERO, fmt_thousands
from ..profiles import DEFAULT_PROFILE, MONEY_SOURCES, MoneyColumn, load_profile
from ..schema import EXCEL_CELL_LIMIT
from .indicators import indicator_text

TITLE = "项目支出绩效目标表（含转移支付项目）"
PLAIN_TITLE = "项目支出绩效目标表"          # other regions' tables: 「（含转移支付项目）」 is Guangdong's wording


def title_of(filing: Filing) -> str:
    """The table's title: 「2025年项目支出绩效目标表（含转移支付项目）」 as Guangdong prints it, 「2025年项目支出
    绩效目标表」 for a filing of another region's profile; the budget year first when known (import and
    batch read it back: ``identity.year_in_title``)."""
    title = TITLE if (filing.profile or DEFAULT_PROFILE) == DEFAULT_PROFILE else PLAIN_TITLE
    return f"{filing.year}年{title}" if filing.year else title

DRAFT_MARK = "（草稿：未通过校验，不得公开）"
NAME_HEADER = "项目名称（资金使用单位）"
HEADERS = (NAME_HEADER, *(MONEY_LABELS[f] for f in MONEY_FIELDS), "绩效目标", "绩效指标")   # Guangdong's
TOTAL_LABEL = "合计"
NCOLS = len(HEADERS)
MONEY_FORMAT = '#,##0.00;-#,##0.00;""'                     # blank where zero
STATED_FORMAT = "#,##0.00"            # an amount by level stated as 0: printed 0.00 (blank: not stated)
FONTS = ("宋体", "Noto Serif CJK SC", "Noto Sans CJK SC")    # first choice, then Linux fallbacks
BODY_SIZE = 10.0
TITLE_SIZE = 18.0

# stored column widths (Excel character units): name, money ×4 (minimum), target, indicators
NAME_WIDTH = 26.0
MONEY_MIN_WIDTH = 12.0
TARGET_WIDTH = 44.0
INDICATOR_WIDTH = 62.0
MIN_ROW_PT = 21.0
TITLE_ROW_PT = 36.0
INFO_ROW_PT = 21.0
PROJECT_INDENT = 2
SLICE_LINES = 12          # text lines per row in a block taller than 409 points


@dataclass(frozen=True)
class CellStyle:
    """Everything a writer needs to format a cell; the font family is the layout's."""

    size: float = BODY_SIZE
    bold: bool = False
    horizontal: str = "left"          # left | center | right
    vertical: str = "center"          # top | center
    wrap: bool = True
    indent: int = 0
    border: bool = True
    number_format: str | None = None
    fill: str | None = None           # solid fill RRGGBB: none in the published table; a reviewer's mark
    color: str | None = None          # font colour RRGGBB (None: automatic)


STYLES: dict[str, CellStyle] = {
    "title": CellStyle(size=TITLE_SIZE, bold=True, horizontal="center", wrap=False, border=False),
    "info_left": CellStyle(wrap=False, border=False),
    "info_right": CellStyle(horizontal="right", wrap=False, border=False),
    "header": CellStyle(bold=True, horizontal="center"),
    "total_label": CellStyle(bold=True, horizontal="center"),
    "total_money": CellStyle(bold=True, horizontal="right", wrap=False, number_format=MONEY_FORMAT),
    "unit_label": CellStyle(),
    "unit_money": CellStyle(horizontal="right", wrap=False, number_format=MONEY_FORMAT),
    "project_label": CellStyle(indent=PROJECT_INDENT),
    "money": CellStyle(horizontal="right", wrap=False, number_format=MONEY_FORMAT),
    "text": CellStyle(),
}
# an amount by level (本级资金, 上级资金) stated as 0: shown as 0.00, as the Hunan form prints 「上级资金 0」,
# so that a blank stays "not stated" and the table reads back as it was filled
STYLES.update({f"{key}_stated": replace(STYLES[key], number_format=STATED_FORMAT)
               for key in ("total_money", "unit_money", "money")})
# top-aligned twins for blocks of several rows (see ``_slices``)
STYLES.update({f"{key}_top": replace(STYLES[key], vertical="top")
               for key in ("project_label", "money", "money_stated", "text")})


@dataclass(frozen=True)
class Cell:
    value: str | Decimal | None
    style: str


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class PageSetup:
    paper: str = "A4"
    orientation: str = "landscape"
    fit_to_width: int = 1
    fit_to_height: int = 0            # 0 = as many pages as needed
    margins_in: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)   # left right top bottom
    center_horizontally: bool = True
    footer: str | None = None                    # printed at the foot of every page (&P page, &N pages)


@dataclass
class TableLayout:
    rows: list[list[Cell]]
    row_heights: list[float]                      # points, one per row
    column_widths: list[float]                    # stored width units, one per column
    merges: list[Merge]
    repeat_rows: tuple[int, int]                  # first and last row printed on every page
    styles: dict[str, CellStyle] = field(default_factory=lambda: dict(STYLES))
    fonts: tuple[str, ...] = FONTS
    page: PageSetup = field(default_factory=PageSetup)
    notes: list[str] = field(default_factory=list)  # what the reader of the log should know
    row_breaks: list[int] = field(default_factory=list)   # a printed page ends after each of these rows

    @property
    def font(self) -> str:
        return self.fonts[0]

    def style_of(self, cell: Cell) -> CellStyle:
        return self.styles[cell.style]


def money_columns(filing: Filing) -> tuple[MoneyColumn, ...]:
    """The amount columns of ``filing``'s table: its profile's (``Profile.money_columns``: Guangdong's 总计 ·
    财政拨款 · 财政专户拨款 · 其他资金 by default), and a source column the profile leaves out that a project or
    a unit fills (财政专户拨款 in a 湘鄂 filing), in its place among the sources and their group: 总计 is
    the sum of the printed sources on every row and no amount goes unprinted."""
    columns = list(load_profile(filing.profile or None).money_columns)
    for header, f in MONEY_SOURCES.items():
        if any(c.field == f for c in columns) or not any(getattr(r, f) for r in (*filing.projects, *filing.units)):
            continue
        before = MONEY_FIELDS[:MONEY_FIELDS.index(f)]
        at = max(k for k, c in enumerate(columns) if c.field in before) + 1
        group = columns[at].group if at < len(columns) and columns[at].field in MONEY_FIELDS else columns[at - 1].group
        columns.insert(at, MoneyColumn(header, f, header, group))
    return tuple(columns)


def headers_of(columns: tuple[MoneyColumn, ...]) -> tuple[str, ...]:
    return (NAME_HEADER, *(c.header for c in columns), "绩效目标", "绩效指标")


def _money_cells(amounts: dict[str, Decimal | None], style: str, columns: tuple[MoneyColumn, ...]) -> list[Cell]:
    """The row's amount cells; an amount by level stated as 0 in the style that shows it (``_stated``)."""
    return [Cell(v := amounts.get(c.field), f"{style}_stated" if v == 0 and c.field.startswith("funding.") else style)
            for c in columns]


def _amounts(record: Unit | Project) -> dict[str, Decimal | None]:
    """A row's amounts by field: the four sources, and for a project its funding by level as stated
    (``funding.own``; absent: not stated, a blank cell)."""
    out: dict[str, Decimal | None] = {f: getattr(record, f) or ZERO for f in MONEY_FIELDS}
    for level, amount in getattr(record, "funding", {}).items():
        out[f"funding.{level}"] = amount
    return out


def _levels(projects: list[Project]) -> dict[str, Decimal]:
    """Funding by level summed over ``projects``, for the levels at least one of them states."""
    out: dict[str, Decimal] = {}
    for p in projects:
        for level, amount in p.funding.items():
            out[f"funding.{level}"] = out.get(f"funding.{level}", ZERO) + amount
    return out


def _column_widths(amounts: list[dict], columns: tuple[MoneyColumn, ...]) -> list[float]:
    longest = max((fmt_thousands(a[c.field]) for a in amounts for c in columns if a.get(c.field) is not None),
                  key=len, default="")
    money = max(MONEY_MIN_WIDTH, math.ceil(textfit.text_width_chars(longest, BODY_SIZE) + 1))
    return [NAME_WIDTH, *([money] * len(columns)), TARGET_WIDTH, INDICATOR_WIDTH]


def _needed_lines(cells: list[Cell], widths: list[float], styles: dict[str, CellStyle]) -> int:
    """Most lines any wrapped text cell of the row needs (1 for a row without text)."""
    lines = 1
    for cell, width in zip(cells, widths):
        style = styles[cell.style]
        if isinstance(cell.value, str) and style.wrap:
            room = textfit.text_box_points(width, style.indent)
            lines = max(lines, textfit.count_lines(cell.value, room, style.size))
    return lines


def _needed_height(cells: list[Cell], widths: list[float], styles: dict[str, CellStyle]) -> float:
    sizes = [styles[c.style].size for c in cells]
    return max(MIN_ROW_PT, textfit.row_points(_needed_lines(cells, widths, styles), max(sizes)))


def _slices(lines: int) -> list[float]:
    """Heights of the rows of a block taller than one row may be.

    Cells in the block are top-aligned and each row boundary falls between two lines of text (first
    row: top padding + whole lines, then whole lines), so a page break between the rows never cuts
    a line in half. One spare line absorbs the difference between fonts' line pitches.
    """
    pitch = BODY_SIZE * textfit.PDF_LINE_EM
    remaining = lines + 1
    heights = []
    while remaining > 0:
        take = min(SLICE_LINES, remaining)
        heights.append(take * pitch)
        remaining -= take
    heights[0] += textfit.TOP_PADDING_PT
    heights[-1] += textfit.ROW_PADDING_PT - textfit.TOP_PADDING_PT
    return [round(h, 2) for h in heights]


def _table_lines(filing: Filing, columns: tuple[MoneyColumn, ...]) -> tuple[list[list[Cell]], list[dict]]:
    """The body's lines (合计, each unit and its projects) and every row's amounts (for the widths)."""
    units = filing.all_units()      # stated amounts where stated, else summed from the projects
    profile = load_profile(filing.profile or None)
    one_value, table = profile.value_columns == 1, profile.table(filing.code_additions)
    total = filing.grand_amounts()
    if filing.total:
        total["total"] = filing.total          # 合计 as stated; the parts are the units' sums
    total.update(_levels(filing.projects))
    lines = [[Cell(TOTAL_LABEL, "total_label"), *_money_cells(total, "total_money", columns),
              Cell(None, "text"), Cell(None, "text")]]
    amounts = [total]
    by_unit: dict[str, list[Project]] = {}
    for project, unit_name in zip(filing.projects, filing.units_of_projects()):
        by_unit.setdefault(unit_name, []).append(project)
    for unit in units:
        projects = by_unit.pop(unit.name, [])
        amounts.append({**_amounts(unit), **_levels(projects)})
        lines.append([Cell(unit.name, "unit_label"), *_money_cells(amounts[-1], "unit_money", columns),
                      Cell(None, "text"), Cell(None, "text")])
        lines.extend(_project_cells(p, one_value, table, columns) for p in projects)
    for projects in by_unit.values():           # projects naming no unit: listed last
        lines.extend(_project_cells(p, one_value, table, columns) for p in projects)
    amounts.extend(_amounts(p) for p in filing.projects)
    return lines, amounts


def _project_cells(project: Project, one_value: bool = False, table=None,
                   columns: tuple[MoneyColumn, ...] = ()) -> list[Cell]:
    return [Cell(project.name, "project_label"), *_money_cells(_amounts(project), "money", columns),
            Cell(project.target or None, "text"),
            Cell(indicator_text(project.indicators, one_value, table) or None, "text")]


def _header_rows(columns: tuple[MoneyColumn, ...], first: int) -> tuple[list[list[Cell]], list[Merge]]:
    """The header: one row of captions, or two where the profile groups amount columns (the group's
    caption above its columns, merged across them; every other caption merged down both rows)."""
    heads = headers_of(columns)
    if not any(c.group for c in columns):
        return [[Cell(h, "header") for h in heads]], []
    groups = ["", *(c.group for c in columns), "", ""]
    top, bottom, merges = [], [], []
    for k, (head, group) in enumerate(zip(heads, groups), start=1):
        if not group:
            top.append(Cell(head, "header"))
            bottom.append(Cell(None, "header"))
            merges.append(Merge(first, k, first + 1, k))
            continue
        starts = k == 1 or groups[k - 2] != group
        top.append(Cell(group if starts else None, "header"))
        bottom.append(Cell(head, "header"))
        if starts:
            last = k
            while last < len(groups) and groups[last] == group:
                last += 1
            if last > k:
                merges.append(Merge(first, k, first, last))
    return [top, bottom], merges


def _top_style(key: str, styles: dict[str, CellStyle]) -> str:
    return f"{key}_top" if f"{key}_top" in styles else key


def _pieces(text: str, limit: int = EXCEL_CELL_LIMIT) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, each ending at an item's 。 where
    there is one (a single item longer than a cell is cut inside)."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind("。", 0, limit) + 1 or limit
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def _split_long(cells: list[Cell], heads: tuple[str, ...] = HEADERS) -> list[list[Cell]]:
    """A table line whose 绩效目标 / 绩效指标 exceed one cell → sub-lines: the first holds the name,
    the amounts and the first pieces, each next one the next pieces (empty elsewhere)."""
    split = (len(cells) - 2, len(cells) - 1)      # 0-based: 绩效目标, 绩效指标 may continue on further rows
    long = [k for k, c in enumerate(cells) if isinstance(c.value, str) and len(c.value) > EXCEL_CELL_LIMIT]
    if not long:
        return [cells]                          # the usual line: nothing to cut
    for k in long:
        if k not in split:
            raise XlToolsError(f"「{str(cells[0].value)[:30]}…」的{heads[k]}有 {len(cells[k].value):,} 个字符，超过 "
                               f"Excel 单元格上限 {EXCEL_CELL_LIMIT:,}：请精简后再生成公开表（未写入任何文件）")
    pieces = [_pieces(c.value) if k in split and isinstance(c.value, str) else [c.value]
              for k, c in enumerate(cells)]
    count = max(len(p) for p in pieces)
    return [[Cell(p[n] if n < len(p) else None, c.style) for c, p in zip(cells, pieces)] for n in range(count)]


def _place(cells: list[Cell], widths: list[float], styles: dict[str, CellStyle], rows: list, heights: list,
           top_aligned: bool) -> tuple[int, int, float]:
    """Append one table line: one row, or a block of rows (``_slices``) when its text needs more than
    Excel's row limit. (first row, last row, height the text needs)."""
    first = len(rows) + 1
    need = _needed_height(cells, widths, styles)
    if need <= textfit.MAX_ROW_PT:
        rows.append([Cell(c.value, _top_style(c.style, styles)) for c in cells] if top_aligned else cells)
        heights.append(need)
        return first, first, need
    slices = _slices(_needed_lines(cells, widths, styles))
    top = [Cell(c.value, _top_style(c.style, styles)) for c in cells]
    rows.append(top)
    rows.extend([Cell(None, c.style) for c in top] for _ in slices[1:])
    heights.extend(slices)
    return first, first + len(slices) - 1, need


ROW_KINDS = {"header": "header", "unit_label": "unit", "total_label": "total"}     # else "other"


def with_column(layout: TableLayout, text_of, width: float, *, marked=(), mark: tuple[str, str] | None = None
                ) -> TableLayout:
    """``layout`` widened by one column on the right (``width``), holding ``text_of(kind, label)`` beside
    each row: ``kind`` is "header" (the column headers), "unit" (a unit's row; ``label`` its name),
    "total" (the 合计 row) or "other" (title lines, projects; ``label`` the row's first value). The new
    column has the headers' style on the header row, top-aligned bordered text below it and no border
    beside the title lines; rows grow to show its text whole (a line to spare: 「」 never start a
    line); a block of rows merged in column A (a long project) is merged beside it too. The units named
    in ``marked`` are coloured ``mark`` (fill, font colour: RRGGBB) in their name cell and beside it."""
    fill, color = mark or (None, None)
    side = {"side_header": STYLES["header"], "side_none": CellStyle(border=False), "side": CellStyle(vertical="top"),
            "side_marked": CellStyle(vertical="top", fill=fill, color=color),
            "unit_label_marked": replace(STYLES["unit_label"], fill=fill, color=color)}
    body = layout.repeat_rows[1]                        # the rows down to the header's are not the table's body
    old = len(layout.column_widths)
    rows, heights = [], list(layout.row_heights)
    covered = {r for m in layout.merges if m.first_col == m.last_col == 1 for r in range(m.first_row, m.last_row)}
    for r, cells in enumerate(layout.rows):
        style, label = cells[0].style, cells[0].value
        if r < body - 1 and cells[-1].style == "info_right":    # 「单位：万元」 stays at the right edge
            rows.append([*cells[:-1], Cell(None, cells[0].style), cells[-1]])
            continue
        text = None if r in covered else text_of(ROW_KINDS.get(style, "other"), label)   # under a merge: nothing
        key = "side_header" if style == "header" else "side" if r >= body else "side_none"
        if style == "unit_label" and label in marked:
            cells, key = [Cell(label, "unit_label_marked"), *cells[1:]], "side_marked"
        rows.append([*cells, Cell(text, key)])
        if text:
            lines = textfit.count_lines(text, textfit.text_box_points(width), BODY_SIZE)
            need = textfit.row_points(lines + (lines > 1), BODY_SIZE)
            heights[r] = min(textfit.MAX_ROW_PT, max(heights[r], need))
    col = old + 1
    blocks = [Merge(m.first_row, col, m.last_row, col) for m in layout.merges
              if m.first_col == m.last_col == 1 and m.last_row > m.first_row]
    merges = [_widened(m, rows[m.first_row - 1], old) if m.last_row < body else m for m in layout.merges]
    return replace(layout, rows=rows, row_heights=heights, column_widths=[*layout.column_widths, width],
                   styles={**layout.styles, **side}, merges=[*merges, *blocks])


def _widened(m: Merge, cells: list[Cell], old: int) -> Merge:
    """A title line's merge over the table's width, over the widened table's: the title across every
    column, 部门名称 up to the 单位 cell that moved to the new right edge."""
    if m.last_col == old:
        return replace(m, last_col=old + 1)
    if m.last_col == old - 1 and cells[-1].style == "info_right":
        return replace(m, last_col=old)
    return m


def render(filing: Filing, *, draft: bool = False) -> TableLayout:
    """The published table of ``filing`` as a writer-independent plan; ``draft`` marks the title of a
    filing that still has errors (it must not go out as the official table)."""
    columns = money_columns(filing)
    heads, ncols = headers_of(columns), len(columns) + 3
    body, amounts = _table_lines(filing, columns)
    widths = _column_widths(amounts, columns)
    styles = dict(STYLES)
    header, merges = _header_rows(columns, 3)
    rows: list[list[Cell]] = [
        [Cell(title_of(filing) + (DRAFT_MARK if draft else ""), "title"), *[Cell(None, "title")] * (ncols - 1)],
        [Cell(f"部门名称：{filing.department}", "info_left"), *[Cell(None, "info_left")] * (ncols - 2),
         Cell(f"单位：{filing.money_unit}", "info_right")],
        *header,
    ]
    heights = [TITLE_ROW_PT, INFO_ROW_PT, *(_needed_height(row, widths, styles) for row in header)]
    merges = [Merge(1, 1, 1, ncols), Merge(2, 1, 2, ncols - 1), *merges]
    notes: list[str] = []
    for cells in body:
        subs = _split_long(cells, heads)
        spans = [_place(sub, widths, styles, rows, heights, top_aligned=len(subs) > 1) for sub in subs]
        first, last = spans[0][0], spans[-1][1]
        for col in range(ncols):
            filled = max(1, sum(1 for sub in subs if sub[col].value not in (None, "")))
            for n in range(filled):       # a column's n-th piece spans its sub-line; the last one to the end
                top, bottom = spans[n][0], spans[n][1] if n < filled - 1 else last
                if bottom > top:
                    merges.append(Merge(top, col + 1, bottom, col + 1))
        if len(subs) > 1:
            notes.append(f"「{cells[0].value}」的文字超过 Excel 单元格上限 {EXCEL_CELL_LIMIT:,} 字，已分成 {len(subs)} 段，"
                         f"占用第 {first}–{last} 行（续写在下方的单元格中，内容完整）")
        elif last > first:
            notes.append(f"「{cells[0].value}」的文字需要约 {spans[0][2]:.0f} 磅高，超过 Excel 单行上限 "
                         f"{textfit.MAX_ROW_PT:.0f} 磅，已占用第 {first}–{last} 行（各列纵向合并）")
    return TableLayout(rows=rows, row_heights=heights, column_widths=widths, merges=merges,
                       repeat_rows=(1, 2 + len(header)), styles=styles, notes=notes)
