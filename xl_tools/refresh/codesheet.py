"""代码表 is the tool's sheet: the category dropdowns of 绩效指标 list its columns through defined names
(一级指标清单, 二级_1 …). Deleted (Excel turns the names into ``#REF!``) or emptied, the dropdowns list
nothing; a refresh puts it back as the template writes it, with the names, and says so in its report
(``RefreshOutcome.restored``) — a write like any change, after which the next refresh changes nothing.

Renamed, the sheet still works (Excel points the names at the new name): the reader reads the categories
it adds from the sheet 一级指标清单 points at (``workbook.reader``), and nothing is put back."""

from __future__ import annotations

from ..address import Rect
from ..categories import CodeTable, split_label
from ..refs import split_reference
from ..schema import NAME_LEVEL1_LIST, SHEET_CODES
from .ops import ReplaceSheet, SetNames, SheetContent

HEADER_FILL = "DDEBF7"           # the template's header colour on 代码表 (``template._Formats.code_header``)


def restore_codes(view, table: CodeTable, profile: str) -> tuple[list, str]:
    """The ops putting 代码表 back and the line saying so; ``([], "")`` when it is there and lists
    categories, or was renamed and its names follow it."""
    if SHEET_CODES in view.sheetnames:
        if _lists_categories(view[SHEET_CODES]):
            return [], ""
        why = "是空的（没有一级指标）"
    elif _points_at_a_sheet(view, NAME_LEVEL1_LIST):
        return [], ""                       # renamed: the dropdowns follow it
    else:
        why = "已被删除"
    from ..workbook.template import codes_layout
    rows, widths, header_cols, names = codes_layout(table)
    header = Rect(1, 1, 1, header_cols)
    content = SheetContent(SHEET_CODES, rows, widths=widths, bold_rows=[1], fills=[(header, HEADER_FILL, None)],
                           borders=[header], freeze="A2")
    said = (f"「{SHEET_CODES}」工作表{why}，「绩效指标」的一级指标、二级指标下拉列表无法使用：已按规则配置「{profile}」"
            f"的指标类别（{table.name or profile}）重新生成「{SHEET_CODES}」和下拉列表；之前在{SHEET_CODES}中补充的类别请重新补上")
    return [ReplaceSheet(content, SHEET_CODES), SetNames(names)], said


def _lists_categories(ws) -> bool:
    """Whether column A below the header holds a ``编号-名称`` category (the dropdown's list)."""
    for r in range(2, 60):
        value = ws.cell(r, 1).value
        if isinstance(value, str) and all(split_label(value)):
            return True
    return False


def _points_at_a_sheet(view, name: str) -> bool:
    dn = view.defined_names.get(name)
    hit = split_reference(getattr(dn, "attr_text", None))
    return hit is not None and hit[0] in view.sheetnames
