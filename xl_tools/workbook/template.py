"""Generate the standard workbook (template or filled) with xlsxwriter.

One generator makes the committed templates (``workbook_templates/``), the workbooks of
``xl-tools load`` / ``new`` / ``import`` and the rollover target: a filing is always written into the
*current* template, never into a copy of an old one.

The ``.xlsm`` variant embeds xlwings' standalone VBA project (taken from the installed xlwings package)
and a 刷新 button on 说明 that runs its ``SampleCall`` macro, which ``workbook.vba`` points at
``xl_tools.desktop.main()`` whatever the file is called.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..categories import CodeTable
from ..errors import XlToolsError
from ..model import FIRST_YEAR, LAST_YEAR, MONEY_FIELDS, Filing, Origin
from ..profiles import MONEY_UNITS, Profile, load_profile, profile_names
from ..schema import (
    EXCEL_CELL_LIMIT,
    INDICATOR_COLUMNS,
    INDICATOR_HEADERS,
    INDICATOR_HELPERS,
    INFO_FIELDS,
    MONEY_FORMAT,
    NAME_LAST_REFRESH,
    NAME_TEMPLATE_VERSION,
    NOT_REFRESHED,
    PROJECT_COLUMNS,
    PROJECT_HEADERS,
    SETTINGS_TITLE,
    SHEET_CODES,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    SHEET_README,
    SHEET_STATE,
    SHEET_XLWINGS_CONF,
    TABLE_INDICATORS,
    TABLE_PROJECTS,
    TABLE_SETTINGS,
    TABLE_UNITS,
    TEMPLATE_VERSION,
    UNIT_HEADERS,
    UNITS_TITLE,
)
from ..textfit import fitted_height, text_width_chars
from .vba import BUTTON_MACRO, button_vba_project

FONT = "宋体"
VALIDATION_ROWS = 1_048_575     # validations cover the whole column below the header (one range: cheap)
README_LINES = [
    ("项目支出绩效目标表 填报工作簿", "title"),
    ("", None),
    ("怎么填", "h"),
    ("1. 「基本信息」：填写预算年度（四位数）和部门名称；金额单位为万元；规则配置选择本地区（默认 广东）。"
     "下方「资金使用单位小计」列出各资金使用单位的名称，金额留空即按项目汇总。", None),
    ("2. 「项目」表每行一个项目：项目名称、资金使用单位、总计、财政拨款、财政专户拨款、其他资金（万元，两位小数）、"
     "绩效目标。序号可不填；只有一个资金使用单位时可不填单位；总计留空时按三项资金之和填入。", None),
    ("3. 「绩效指标」表每行一个指标：项目名称（下拉选择，与「项目」表一致）、一级指标、二级指标（随一级指标变化的下拉）、"
     "三级指标（指标名称）、实施周期指标值、年度指标值。", None),
    ("4. 指标值写成“运算符+数值+单位”，按二级指标举例——数量指标：「不少于20台」「2个以上」，不写“若干”；"
     "质量指标：「≥95%」，不写“高质量完成”；时效指标：「6月30日前」「≤2个工作日」，不写“及时”“按时完成”；"
     "成本指标：「≤50万元」「≤2000元/生」，不写“控制在预算范围内”；效益指标：「0次」「≥95%」，确实无法量化的"
     "写成分级分档的目标「良好及以上」「优（好评率≥90%）」，不写“显著提升”“有效改善”；满意度指标：「≥90%」，"
     "不写“满意”。数字和符号请用半角。", None),
    ("5. 刷新：按本页的「刷新」按钮（.xlsm 文件），或在命令行运行 xl-tools refresh 文件名。错误的单元格标红、"
     "警告标黄并加批注；「校验结果」逐条列出级别、位置（点击即跳到该单元格）、说明和建议；"
     "自动填写的内容（序号、单位、总计、指标类别编号）在该次刷新的「校验结果」中列为“提示”。"
     "用 WPS 表格等没有按钮的软件时：另存为 .xlsx，用浏览器打开网页版（单位服务器的 https://服务器地址/web/，"
     "或本机运行 xl-tools web），把文件拖到网页上，下载刷新后的同名文件替换原文件。", None),
    ("6. 按「校验结果」改正后再刷新：已改正的单元格去掉标色和批注，恢复原来的格式；没有改动时再刷新，工作簿不变。"
     "「绩效指标」右侧的灰色列显示每个指标值被读成什么，由刷新填写。", None),
    ("7. 「公开表」是对外公开的表格，每次刷新重新生成，还有错误时标题带“草稿”。没有错误后，用 "
     "xl-tools publish 文件名 -o 公开表.xlsx --pdf 公开表.pdf 生成正式的公开表。", None),
    ("", None),
    ("上次刷新", "h"),
]
INFO_FIRST_ROW = 2          # 0-based row of 预算年度 on 基本信息
UNITS_OFFSET = 3            # the unit table's header row, below the last labelled cell
UNIT_ROWS = 5               # rows of the units table in a new workbook (a department lists its units)
README_SUMMARY_ROW = len(README_LINES)      # 0-based row of the last-refresh summary cell (上次刷新)
README_BUTTON_CELL = f"B{README_SUMMARY_ROW + 3}"


README_BUTTON_HELP = ("按钮第一次在一台电脑上使用时：这台电脑要先由 IT 用离线安装包安装 xl-tools（make dist 生成，"
                      "py -3.12 -m pip install --no-index --find-links wheelhouse-win_amd64-py312 \"xl-tools[pdf,web,batch]\"），"
                      "再在命令行运行一次 xlwings config create；点击后提示找不到 Python 或 xl_tools 时也是这样处理。"
                      "文件可以改名、复制或另存，按钮照常可用；只有文件名或文件夹名中 ^ 紧挨着 & 、或含 %TEMP% 这类"
                      "写法时 Windows 命令行传不过去，请改名。")


def _money_cell(value: Decimal | None):
    return None if value is None else float(value)  # xlsxwriter writes IEEE doubles; 2-dp values are exact enough to round-trip via repr


def _record_money(record, field: str):
    """A project's or unit's money cell; an amount marked blank (``record.blank(field)``) stays empty:
    a blank project amount is still to fill, a blank unit amount is the sum of its projects."""
    if record.blank(field):
        return None
    return _money_cell(getattr(record, field))


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}
        self.text = wb.add_format({**base, "text_wrap": True})
        # the indicator values are words and signs (≥95%, 2025年6月30日前): a Text column keeps what is
        # typed as typed, so Excel does not turn 95% into 0.95, which the button and add-in could not
        # tell from a plain 0.95 (they cannot read number formats)
        self.value_text = wb.add_format({**base, "text_wrap": True, "num_format": "@"})
        self.plain = wb.add_format(base)
        self.money = wb.add_format({**base, "num_format": MONEY_FORMAT})
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                     "text_wrap": True, "valign": "vcenter", "align": "center"})
        self.helper_header = wb.add_format({**base, "bold": True, "bg_color": "#EDEDED", "border": 1,
                                            "font_color": "#595959", "text_wrap": True,
                                            "valign": "vcenter", "align": "center"})
        self.helper = wb.add_format({**base, "bg_color": "#F2F2F2", "font_color": "#595959"})
        self.title = wb.add_format({**base, "bold": True, "font_size": 16})
        self.h = wb.add_format({**base, "bold": True, "font_size": 12})
        self.label = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.input = wb.add_format({**base, "border": 1, "bg_color": "#FFFFFF"})
        self.input_money = wb.add_format({**base, "border": 1, "num_format": MONEY_FORMAT})
        self.note = wb.add_format({**base, "font_color": "#7F7F7F", "italic": True})
        self.code_header = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                          "valign": "vcenter", "align": "center"})


def _print_setup(ws, repeat_row: bool = True) -> None:
    ws.set_landscape()
    ws.set_paper(9)              # A4
    ws.fit_to_pages(1, 0)        # fit all columns on the page width
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if repeat_row:
        ws.repeat_rows(0)


def _write_readme(wb, fmt: _Formats, macro: bool):
    ws = wb.add_worksheet(SHEET_README)
    ws.set_column("A:A", 4)
    ws.set_column("B:B", 120, fmt.text)
    for r, (text, style) in enumerate(README_LINES):
        ws.write(r, 1, text, getattr(fmt, style) if style else fmt.text)
        if not style and text:
            ws.set_row(r, fitted_height([(text, 120)]))
    ws.write(README_SUMMARY_ROW, 1, NOT_REFRESHED, fmt.note)
    wb.define_name(NAME_LAST_REFRESH, f"='{SHEET_README}'!$B${README_SUMMARY_ROW + 1}")
    if macro:
        ws.insert_button(README_BUTTON_CELL, {"macro": BUTTON_MACRO, "caption": "刷新",
                                              "width": 128, "height": 36})
        ws.write(README_SUMMARY_ROW + 3, 1, README_BUTTON_HELP, fmt.note)
    else:
        ws.write(README_SUMMARY_ROW + 2, 1,
                 "（本文件为 .xlsx，没有按钮：请用 xl-tools refresh 文件名，或使用 .xlsm 版本 / Office 加载项。）",
                 fmt.note)
    _print_setup(ws, repeat_row=False)
    return ws


def _write_info(wb, fmt: _Formats, filing: Filing):
    ws = wb.add_worksheet(SHEET_INFO)
    ws.set_column("A:A", 22)
    ws.set_column("B:B", 40)
    ws.set_column("C:F", 16)
    ws.write(0, 0, "基本信息", fmt.title)
    values = {
        "year": filing.year, "department": filing.department, "money_unit": filing.money_unit or "万元",
        "profile": filing.profile or "广东",
        "total": (filing.total if (filing.total_stated and (filing.total or filing.projects)) else None),
    }
    for k, (label, name, field) in enumerate(INFO_FIELDS):
        row = INFO_FIRST_ROW + k
        ws.write(row, 0, label, fmt.label)
        val = values[field]
        if field == "total":
            ws.write(row, 1, _money_cell(val), fmt.input_money)
        else:
            ws.write(row, 1, val, fmt.input)
        wb.define_name(name, f"='{SHEET_INFO}'!$B${row + 1}")
    ws.data_validation(2, 1, 2, 1, {"validate": "integer", "criteria": "between", "minimum": FIRST_YEAR,
                                    "maximum": LAST_YEAR, "error_title": "预算年度",
                                    "error_message": "请填写四位数年份，例如 2025"})
    ws.data_validation(4, 1, 4, 1, {"validate": "list", "source": list(MONEY_UNITS)})
    ws.data_validation(5, 1, 5, 1, {"validate": "list", "source": profile_names(),
                                    "error_type": "warning"})
    r0 = INFO_FIRST_ROW + len(INFO_FIELDS)
    ws.write(r0, 0, "模板版本", fmt.label)
    ws.write(r0, 1, TEMPLATE_VERSION, fmt.plain)
    wb.define_name(NAME_TEMPLATE_VERSION, f"='{SHEET_INFO}'!$B${r0 + 1}")

    # stated subtotals per funding unit (as the published table prints them); blank = derived
    top = r0 + UNITS_OFFSET
    ws.write(top - 1, 0, UNITS_TITLE, fmt.h)
    units = filing.units
    rows = [[u.name, *(_record_money(u, f) for f in MONEY_FIELDS)] for u in units]
    rows += [[None] * len(UNIT_HEADERS)] * max(0, UNIT_ROWS - len(rows))     # room for more units
    ws.add_table(top, 0, top + len(rows), len(UNIT_HEADERS) - 1, {
        "name": TABLE_UNITS, "style": "Table Style Light 9", "data": rows,
        "columns": [{"header": h, "format": fmt.input if i == 0 else fmt.input_money}
                    for i, h in enumerate(UNIT_HEADERS)]})
    # rule overrides (config key → value), read by the rule engine
    stop = top + len(rows) + 3
    ws.write(stop - 1, 0, f"{SETTINGS_TITLE}（可选：覆盖规则配置中的阈值、级别或停用规则）", fmt.h)
    settings = sorted(filing.settings.items()) or [(None, None)]
    ws.add_table(stop, 0, stop + len(settings), 1, {
        "name": TABLE_SETTINGS, "style": "Table Style Light 9", "data": [list(s) for s in settings],
        "columns": [{"header": "配置项", "format": fmt.input}, {"header": "值", "format": fmt.input}]})
    _print_setup(ws, repeat_row=False)
    return ws


def project_field(p, field: str):
    """A project's value of a ``PROJECT_COLUMNS`` field (``funding.own``: the amount, or None)."""
    if field.startswith("funding."):
        return p.funding.get(field.removeprefix("funding."))
    return getattr(p, field) or None


def indicator_field(ind, field: str):
    return getattr(ind, field) or None


def region_columns(profile: Profile, filing: Filing) -> tuple[list[str], list[str]]:
    """The 项目 and 绩效指标 columns a region's table prints (``PROJECT_COLUMNS``, ``INDICATOR_COLUMNS``)
    that the workbook has: the profile's, and any a project or indicator of the filing fills (never lost)."""
    projects = [h for h, f in PROJECT_COLUMNS.items()
                if h in profile.project_columns or any(project_field(p, f) is not None for p in filing.projects)]
    indicators = [h for h, f in INDICATOR_COLUMNS.items()
                  if h in profile.optional_columns or any(indicator_field(i, f) for i in filing.indicators)]
    return projects, indicators


def _write_projects(wb, fmt: _Formats, filing: Filing, region: list[str]):
    ws = wb.add_worksheet(SHEET_PROJECTS)
    # the person's own columns (经办人, 预算科目 …) follow the template's, as they had them
    own = list(dict.fromkeys(h for p in filing.projects for h in p.extra if h != "备注" and h not in PROJECT_COLUMNS))
    headers = list(PROJECT_HEADERS) + ["备注"] + region + own
    widths = {"序号": 6, "项目名称": 34, "资金使用单位": 22, "总计": 13, "财政拨款": 13, "财政专户拨款": 13,
              "其他资金": 13, "绩效目标": 70, "备注": 20, "实施期": 16, "实施期目标": 40, "立项依据": 30,
              "成本测算": 30, **dict.fromkeys(own, 14)}
    formats = {"总计": fmt.money, "财政拨款": fmt.money, "财政专户拨款": fmt.money, "其他资金": fmt.money,
               **{h: fmt.money for h in region if PROJECT_COLUMNS[h].startswith("funding.")}}
    for c, h in enumerate(headers):
        ws.set_column(c, c, widths.get(h, 14), formats.get(h, fmt.text))
    rows = []
    for k, p in enumerate(filing.projects, start=1):
        no = p.no if p.no not in (None, "") else k
        printed = [project_field(p, PROJECT_COLUMNS[h]) for h in region]
        rows.append([no, p.name, p.unit, *(_record_money(p, f) for f in MONEY_FIELDS), p.target,
                     p.extra.get("备注"), *(_money_cell(v) if isinstance(v, Decimal) else v for v in printed),
                     *(_own_value(p.extra.get(h)) for h in own)])
    ws.add_table(0, 0, max(len(rows), 1), len(headers) - 1, {
        "name": TABLE_PROJECTS, "style": "Table Style Light 9", "data": rows,
        "columns": [{"header": h, "header_format": fmt.header, "format": formats.get(h, fmt.text)}
                    for h in headers]})
    for k, p in enumerate(filing.projects, start=1):
        ws.set_row(k, _row_height(p.target, 70, p.name, 34))
    money_cols = [headers.index(h) for h in ("总计", "财政拨款", "财政专户拨款", "其他资金")]
    ws.data_validation(1, money_cols[0], VALIDATION_ROWS, money_cols[-1], {
        "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
        "error_title": "金额", "error_message": "金额应为不小于 0 的数字（万元，两位小数）"})
    ws.freeze_panes(1, 2)
    _print_setup(ws)
    wb.define_name("项目清单", f"=OFFSET('{SHEET_PROJECTS}'!$B$2,0,0,MAX(1,COUNTA('{SHEET_PROJECTS}'!$B:$B)-1),1)")
    return ws


def _own_value(value):
    """A value of the person's own column as it showed (a date as its date: a table column has one format)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, dt.date) else value


def _row_height(text: str, width: float, other: str = "", other_width: float = 30) -> float:
    """Height (points) that shows all of `text` wrapped in a column `width` characters wide
    (LibreOffice does not grow rows for wrapped text a library wrote, so we set it)."""
    return fitted_height([(text, width), (other, other_width)])


def _write_indicators(wb, fmt: _Formats, filing: Filing, region: list[str]):
    ws = wb.add_worksheet(SHEET_INDICATORS)
    headers = list(INDICATOR_HEADERS) + region + list(INDICATOR_HELPERS)
    widths = {"项目名称": 36, "序号": 6, "一级指标": 14, "二级指标": 18, "三级指标": 30,
              "实施周期指标值": 24, "年度指标值": 24, "指标性质": 8, "度量单位": 10, "权重": 8, "指标方向性": 12,
              "绩效标准": 12, "指标解释": 30, "备注": 20}
    value_headers = [h for h, f in INDICATOR_HEADERS.items() if f in ("period_value", "annual_value")]
    value_headers += [h for h in region if h in ("指标性质", "度量单位", "权重")]       # ≥, %, 10 as typed
    column_format = {**dict.fromkeys(INDICATOR_HELPERS, fmt.helper), **dict.fromkeys(value_headers, fmt.value_text)}
    for c, h in enumerate(headers):
        ws.set_column(c, c, 10 if h in INDICATOR_HELPERS else widths[h], column_format.get(h, fmt.text))
    rows = []
    for p in filing.projects:
        for i in p.indicators:
            rows.append([p.name, i.no, i.level1_label or None, i.level2_label or None, i.name,
                         i.period_value, i.annual_value,
                         *(indicator_field(i, INDICATOR_COLUMNS[h]) for h in region)] + [None] * len(INDICATOR_HELPERS))
    ws.add_table(0, 0, max(len(rows), 1), len(headers) - 1, {
        "name": TABLE_INDICATORS, "style": "Table Style Light 9", "data": rows,
        "columns": [{"header": h, "header_format": fmt.helper_header if h in INDICATOR_HELPERS else fmt.header,
                     "format": column_format.get(h, fmt.text)} for h in headers]})
    k = 1
    for p in filing.projects:
        for i in p.indicators:
            h = fitted_height([(i.period_value, 24), (i.annual_value, 24), (i.name, 30), (p.name, 36)])
            if h > 18:
                ws.set_row(k, h)
            k += 1
    ws.set_row(0, 30)                                   # wrapped helper headers
    first_helper = len(INDICATOR_HEADERS) + len(region)
    ws.data_validation(1, first_helper, VALIDATION_ROWS, first_helper + len(INDICATOR_HELPERS) - 1, {
        "validate": "custom", "value": "=FALSE", "error_title": "自动填写的列",
        "error_message": "灰色的列由「刷新」自动填写，显示工具如何理解左边的指标值，请不要手工修改"})
    ws.data_validation(1, 0, VALIDATION_ROWS, 0, {
        "validate": "list", "source": "=项目清单", "error_type": "warning",
        "error_title": "项目名称", "error_message": "项目名称应与「项目」表中的某个项目一致"})
    ws.data_validation(1, 2, VALIDATION_ROWS, 2, {
        "validate": "list", "source": "=一级指标清单", "error_type": "warning",
        "error_title": "一级指标", "error_message": "请从下拉列表选择，例如 1-产出指标"})
    ws.data_validation(1, 3, VALIDATION_ROWS, 3, {
        "validate": "list", "source": '=INDIRECT("二级_"&LEFT($C2,FIND("-",$C2&"-")-1))',
        "error_type": "warning", "error_title": "二级指标",
        "error_message": "请先选择一级指标，再从下拉列表选择对应的二级指标，例如 11-数量指标"})
    ws.freeze_panes(1, 1)
    _print_setup(ws)
    return ws


CODES_NOTES = [
    "说明",
    "本表是「绩效指标」表中一级指标、二级指标下拉列表的来源，请不要修改、移动或删除。",
    "指标类别写成「编号-名称」，例如 1-产出指标、11-数量指标；只写名称（如“数量指标”）时，"
    "刷新会自动补上编号，并在「校验结果」中提示。",
    "二级指标须属于所选的一级指标，例如 11-数量指标 属于 1-产出指标、31-服务对象满意度 属于 3-满意度指标。",
    "本表按广东省公开表的编号；本地区编号不同时，请以财政部门的要求为准。",
]


def _fit_width(text: str, minimum: float = 10) -> float:
    """A column width (characters) that shows `text` on one line in bold 11 pt, with a margin."""
    return max(minimum, round(text_width_chars(text, 11) * 1.1 + 2, 1))


def _write_codes(wb, fmt: _Formats, table: CodeTable):
    """The code table the category dropdowns list: one-line headers in columns wide enough for them,
    then a few lines for the accountant below the table."""
    ws = wb.add_worksheet(SHEET_CODES)
    ws.write(0, 0, "一级指标", fmt.code_header)
    ws.set_column(0, 0, _fit_width(max((c.label for c in table.level1), key=len)))
    for r, c in enumerate(table.level1, start=1):
        ws.write(r, 0, c.label, fmt.plain)
    wb.define_name("一级指标清单", f"='{SHEET_CODES}'!$A$2:$A${len(table.level1) + 1}")
    longest = len(table.level1)
    for k, l1 in enumerate(table.level1):
        col = 2 + k
        kids = table.children(l1.code)
        header = f"{l1.label} 的二级指标"
        ws.set_column(col, col, _fit_width(header))
        ws.write(0, col, header, fmt.code_header)
        for r, c in enumerate(kids, start=1):
            ws.write(r, col, c.label, fmt.plain)
        longest = max(longest, len(kids))
        letter = xl_col_to_name(col)
        wb.define_name(f"二级_{l1.code}", f"='{SHEET_CODES}'!${letter}$2:${letter}${max(2, len(kids) + 1)}")
    top = longest + 2
    ws.write(top, 0, CODES_NOTES[0], fmt.h)
    notes = CODES_NOTES[1:]
    if table.name and table.name != "广东2015":         # the framework the profile chose, not Guangdong's
        notes = notes[:-1] + [f"本表按规则配置的指标类别框架「{table.name}」编号；本地区编号不同时，请以财政部门的要求为准。"]
    for r, text in enumerate(notes, start=top + 1):
        ws.write(r, 0, text, fmt.plain)          # one line each, running over the empty cells
    ws.freeze_panes(1, 0)
    _print_setup(ws)
    return ws


def _write_state(wb, filing: Filing, numbered: bool):
    ws = wb.add_worksheet(SHEET_STATE)
    ws.write_row(0, 0, ["template_version", TEMPLATE_VERSION])
    ws.write_row(1, 0, ["sheet", "range", "severity"])
    for r, row in enumerate(_numbered(filing) if numbered else [], start=2):
        ws.write_row(r, 0, row)
    ws.hide()
    return ws


def _numbered(filing: Filing) -> list[list]:
    """The 序号 this workbook is written with that are the rows' positions (1, 2, 3 … per sheet; an
    indicator's within its project), as the fills a refresh records (``refresh.state``: kind ``fill``):
    the numbers of an imported table or of last year's workbook are the tool's, so the next refresh
    renumbers them when rows are moved, as it renumbers the 序号 it filled itself (not STR009)."""
    rows = []
    for k, p in enumerate(filing.projects, start=1):
        if p.no in (None, "", k):
            rows.append(["fill", SHEET_PROJECTS, f"A{k + 1}", k, json.dumps(
                {"code": "FIL001", "field": "no", "message": f"已自动填写序号：{k}", "project": p.name},
                ensure_ascii=False)])
    r = 1
    for p in filing.projects:
        for j, i in enumerate(p.indicators, start=1):
            r += 1
            if i.no == j:
                rows.append(["fill", SHEET_INDICATORS, f"B{r}", j, json.dumps(
                    {"code": "FIL005", "field": "no", "indicator_no": j, "message": f"已自动填写指标序号：{j}",
                     "project": p.name}, ensure_ascii=False)])
    return rows


def _write_xlwings_conf(wb, conf: dict[str, str]):
    ws = wb.add_worksheet(SHEET_XLWINGS_CONF)
    for r, (k, v) in enumerate(conf.items()):
        ws.write_row(r, 0, [k, v])
    ws.hide()


def place_as_written(filing: Filing) -> Filing:
    """Give a filing without positions (read from JSON) the origins ``build_workbook`` would write it
    at, so findings on a JSON filing name the same cells as on the workbook made from it."""
    proj_cols = {f: c for c, f in enumerate(PROJECT_HEADERS.values(), start=1)}
    ind_cols = {f: c for c, f in enumerate(INDICATOR_HEADERS.values(), start=1)}
    unit_cols = {f: c for c, f in enumerate(UNIT_HEADERS.values(), start=1)}
    for k, (_label, _name, field) in enumerate(INFO_FIELDS):
        filing.info_origins.setdefault(field, Origin(SHEET_INFO, INFO_FIRST_ROW + k + 1, {field: 2}, filing.source))
    filing.total_origin = filing.total_origin or filing.info_origins["total"]
    units_first = INFO_FIRST_ROW + len(INFO_FIELDS) + UNITS_OFFSET + 2     # 1-based first data row
    for k, unit in enumerate(filing.units):
        unit.origin = unit.origin or Origin(SHEET_INFO, units_first + k, unit_cols, filing.source)
    row = 2
    for k, p in enumerate(filing.projects, start=2):
        p.origin = p.origin or Origin(SHEET_PROJECTS, k, proj_cols, filing.source)
        for ind in p.indicators:
            ind.origin = ind.origin or Origin(SHEET_INDICATORS, row, ind_cols, filing.source)
            row += 1
    return filing


def _refuse_overlong(filing: Filing) -> None:
    """Excel repairs (truncates) a file with a cell over 32,767 characters: refuse instead, by name."""
    def check(text: str, what: str) -> None:
        if text and len(text) > EXCEL_CELL_LIMIT:
            raise XlToolsError(f"{what}有 {len(text)} 个字符，超过 Excel 单元格上限 {EXCEL_CELL_LIMIT}，"
                               "请精简后再试（未写入任何文件）")
    for p in filing.projects:
        check(p.name, "项目名称")
        check(p.target, f"项目「{p.name[:30]}」的绩效目标")
        for f, header in ((f, h) for h, f in PROJECT_COLUMNS.items() if not f.startswith("funding.")):
            check(getattr(p, f), f"项目「{p.name[:30]}」的{header}")
        for i in p.indicators:
            for value in (i.name, i.period_value, i.annual_value, *(getattr(i, f) for f in INDICATOR_COLUMNS.values())):
                check(value, f"项目「{p.name[:30]}」第 {i.no} 个指标")


def build_workbook(target: str | Path | io.BytesIO, filing: Filing | None = None, *, macro: bool | None = None,
                   xlwings_conf: dict[str, str] | None = None, table: CodeTable | None = None,
                   numbered: bool = False) -> None:
    """Write the standard workbook (empty template when `filing` is None) to `target`.

    `numbered`: the 序号 that are the rows' positions are the tool's (import, rollover), recorded as the
    fills a refresh records, so rows moved later are renumbered, not reported (``_numbered``).

    `macro` defaults to the target's suffix (.xlsm). The file is written directly; callers that
    replace a user's file go through ``xl_tools.fileio.atomic_target``.
    """
    filing = filing or Filing()
    _refuse_overlong(filing)
    profile = load_profile(filing.profile or None)
    table = table or profile.table()
    project_columns, indicator_columns = region_columns(profile, filing)
    if macro is None:
        macro = str(target).lower().endswith(".xlsm")
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(target, options)
    wb.set_properties({"title": "项目支出绩效目标表", "subject": "xl-tools 标准模板",
                       "comments": f"xl-tools template v{TEMPLATE_VERSION}",
                       "created": datetime(2024, 1, 1)})
    fmt = _Formats(wb)
    if macro:
        wb.add_vba_project(io.BytesIO(button_vba_project()), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    sheets = [_write_readme(wb, fmt, macro), _write_info(wb, fmt, filing),
              _write_projects(wb, fmt, filing, project_columns), _write_indicators(wb, fmt, filing, indicator_columns),
              _write_codes(wb, fmt, table), _write_state(wb, filing, numbered)]
    if macro:
        for k, ws in enumerate(sheets, start=1):
            ws.set_vba_name(f"Sheet{k}")
    if xlwings_conf:
        _write_xlwings_conf(wb, xlwings_conf)
    sheets[2].activate() if filing.projects else sheets[0].activate()
    wb.close()
