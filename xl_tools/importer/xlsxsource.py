"""Read the official table from an xlsx: the 公开表 ``xl-tools publish`` writes, or the same layout typed by
hand (merged cells, other column widths, a two-row header, a blank 合计, names indented with spaces or
not at all).

The sheet is the one named 公开表, else the first sheet with a header row holding 项目名称 and 总计
(captions in any order; a caption row split over two rows, "资金来源" above 财政拨款…, is joined). The
lines above the header give the 部门名称 and 单位; every row below is a table row by cells, and its
meaning (合计, unit, project, continuation) is decided in ``tablerows`` exactly as for a PDF. A name is
a project's when the cell is indented (alignment or leading spaces) or the row has a target or
indicators. A filing workbook (with a 项目 sheet) is not a published table.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from ..errors import XlToolsError
from ..identity import parse_keywords
from ..outputmark import REVIEW, sheet_names, workbook_kind
from ..profiles import profile_by_money
from ..schema import SHEET_PROJECTS, SHEET_PUBLIC
from ..textnorm import clean_ws, squash
from ..xlsxfile import open_workbook, reading, table_rows
from .blocks import Segmented
from .tablerows import AMOUNT_FIELDS, CAPTIONS, TableRow, rows_to_blocks
from .tokens import HEADER, classify

HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLUMNS = 200           # the captions of a published table are in its first columns
# lines below the table, not rows of it: notes, and the signing table's (``publish.signed``) coverage line
# 「本表汇总…」 and signature block 「编制单位（盖章）：… 负责人（签字）：…」
_NOTE_PREFIXES = ("注", "说明", "备注", "填表人", "制表", "审核", "本表汇总", "编制单位", "单位负责人", "负责人")
_SIGN_LABELS = (*_NOTE_PREFIXES, "日期")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _amount(text: str | None) -> bool:
    """Whether a 总计 cell holds a number (a note's merged cell may spill a word into it)."""
    return bool(text) and re.fullmatch(r"[-+]?[\d,]+(\.\d+)?", text.replace(" ", "")) is not None


def _a_note_row(name: str, cells: dict[str, str]) -> bool:
    """Whether a row below the table is a note or the signature block, not a project: its first cell starts
    with a note's label, no amount cell holds a number, and the 绩效目标 cell is empty or another label — the
    signature row publish writes puts 负责人、审核人、日期 in the columns the department's name leaves free
    (``publish.signed.signature_spans``), over the amount and 绩效目标 columns of a narrow table."""
    if not name.startswith(_NOTE_PREFIXES) or any(_amount(cells.get(f)) for f in AMOUNT_FIELDS):
        return False
    target = cells.get("target", "")
    return not target or target.startswith(_SIGN_LABELS)


def _caption(value) -> str | None:
    key = squash(_text(value))
    if not key:
        return None
    for caption, field in CAPTIONS.items():
        if key.startswith(caption):
            return field
    return None


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    """(index of the last header row, field → 0-based column) from the first rows of a sheet."""
    for k, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {}
        for c, value in enumerate(row):
            field = _caption(value)
            if field and field not in found:
                found[field] = c
        if "name" not in found:
            continue
        last = k
        if k + 1 < len(rows):                    # a caption row split over two rows
            below = {_caption(v): c for c, v in enumerate(rows[k + 1]) if _caption(v)}
            if below and not any(isinstance(v, (int, float, Decimal)) for v in rows[k + 1]):
                for field, c in below.items():
                    found.setdefault(field, c)
                last = k + 1
        if "total" in found:
            return last, found
    return None


_CONSOLIDATED = re.compile(r"合并公开表(\d{4})年")


def find_table_sheet(wb, only: str | None = None):
    """(worksheet, last header row index, columns) of the published table in ``wb`` (in the sheet
    ``only`` when given), or None."""
    names = [only] if only else [SHEET_PUBLIC] + [n for n in wb.sheetnames if n != SHEET_PUBLIC]
    for name in names:
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        width = min(ws.max_column or HEADER_SCAN_COLUMNS, HEADER_SCAN_COLUMNS)   # read-only: None when unsized
        rows = [tuple(c.value for c in row) for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS + 1, max_col=width)]
        found = _header(rows)
        if found is not None:
            return ws, *found
    return None


def is_published_table(path: str | Path) -> bool:
    """True when ``path`` is an xlsx holding the official table and not a filing workbook."""
    if SHEET_PROJECTS in sheet_names(path):
        return False                # a filing: told from workbook.xml alone, no cell read
    wb = open_workbook(path, read_only=True, data_only=True)
    try:
        with reading(path):
            if SHEET_PROJECTS in wb.sheetnames:
                return False
            return find_table_sheet(wb) is not None
    finally:
        wb.close()


def _indented(cell) -> bool:
    value = cell.value
    if isinstance(value, str) and value[:1] in (" ", "\u3000", "\t", "\u00a0"):
        return True
    return bool(cell.alignment is not None and (cell.alignment.indent or 0) > 0)


def _review_sheet(wb, path: Path, year: int | None) -> tuple[str, int]:
    """The 合并公开表YYYY年 sheet of a batch review workbook to import, and its year: the one of ``year``
    (XlToolsError naming the years there are when it has none), else the only one there is."""
    years = {int(m.group(1)): name for name in wb.sheetnames if (m := _CONSOLIDATED.fullmatch(name))}
    shown = "、".join(f"{y}年" for y in sorted(years))
    if not years:
        raise XlToolsError("这是 xl-tools 的审核结果工作簿，其中没有合并公开表（没有计入的文件）", file=str(path))
    if year is not None and year not in years:
        raise XlToolsError(f"审核结果中没有 {year} 年的合并公开表（只有 {shown} 的）：请导入 {year} 年的审核结果，"
                           f"或改用 --year {max(years)}", file=str(path))
    if year is None and len(years) > 1:
        raise XlToolsError(f"审核结果中有 {shown} 的合并公开表，请用 --year 指定导入哪一年", file=str(path))
    chosen = year if year is not None else next(iter(years))
    return years[chosen], chosen


def read_xlsx(path: str | Path, year: int | None = None) -> tuple[Segmented, str]:
    """The table's rows as blocks, and all its text (for the year inference). In a batch review
    workbook, the 合并公开表 of ``year`` (or its only one), whose sheet name gives the year."""
    path = Path(path)
    review = workbook_kind(path) == REVIEW
    wb = open_workbook(path, data_only=True)
    with reading(path):
        if SHEET_PROJECTS in wb.sheetnames and not review:
            raise XlToolsError("这是填报工作簿（有「项目」工作表），不是公开表：请直接审核或刷新它", file=str(path))
        only, sheet_year = _review_sheet(wb, path, year) if review else (None, None)
        found = find_table_sheet(wb, only)
        if found is None:
            raise XlToolsError("工作簿中没有找到项目支出绩效目标表（没有带表头“项目名称、总计…”的工作表）",
                               file=str(path))
        ws, last_header, columns = found
        seg = Segmented(from_text=False, pages=1, identity=parse_keywords(wb.properties.keywords),
                        profile=profile_by_money(set(columns)))
        if sheet_year is not None:
            seg.year, seg.year_source = sheet_year, f"由审核结果的工作表名「{only}」得出"
        texts = []
        width = max(columns.values()) + 1
        for row in ws.iter_rows(max_row=last_header + 1, max_col=width):
            line = " ".join(_text(c.value).strip() for c in row if _text(c.value).strip())
            texts.append(line)
            for ln in classify(line):
                if ln.kind == HEADER:
                    seg.department = seg.department or ln.department
                    seg.money_unit = seg.money_unit or ln.money_unit
        table: list[TableRow] = []
        for r, row in table_rows(ws, min_row=last_header + 2, max_col=width):
            cells = {}
            for field, c in columns.items():
                raw = _text(row[c].value) if c < len(row) else ""
                cells[field] = raw.strip() if field == "target" else clean_ws(raw)
            texts.append(" ".join(v for v in cells.values() if v))
            name = cells.get("name", "")
            if _a_note_row(name, cells):
                continue                          # a note or the signature block below the table
            indented = columns["name"] < len(row) and _indented(row[columns["name"]])
            table.append(TableRow(line=r, where=f"工作表「{ws.title}」第 {r} 行", page=1, cells=cells,
                                  indented=indented))
        rows_to_blocks(table, seg, str(path))
    return seg, "\n".join(texts)
