"""The standard workbook's layout: sheet names, headers, defined names. Code never depends on a cell
address of 基本信息 (defined names) nor on the column order of the tables (headers by name)."""

from __future__ import annotations

from .model import FUNDING_LEVELS, INDICATOR_FIELDS, PROJECT_FIELDS

TEMPLATE_VERSION = 3          # bump when the layout changes; older workbooks are migrated on read

# the colours of errors and warnings in the tool's own workbooks (校验结果, the review and diff
# workbooks): Excel's "Bad" (差) and "Neutral" (适中) styles
RED_FILL, RED_FONT = "FFC7CE", "9C0006"
AMBER_FILL, AMBER_FONT = "FFEB9C", "9C5700"
# the highlights refresh puts on the person's cells (fill, font): the tool's own colours, close to 差 and
# 适中 but not the same, so that the tool knows its marks by their look and a cell the person styled 差 or
# 适中 is never taken for one; refreshes before these colours used RED_FILL and AMBER_FILL
MARK_ERROR = ("FFCCD3", "9E0A14")
MARK_WARNING = ("FFE9A1", "8A5A00")
# the rows refresh --draft appends to 绩效指标 (an indicator line drafted for what a finding says is
# missing): 序号 reads DRAFT_MARK and the row carries this fill and font until the person edits or confirms it
MARK_DRAFT = ("D9E7FB", "1D4B8F")
DRAFT_MARK = "待确认"
NOTE_AUTHOR = "xl-tools"             # the author of every note a refresh writes
NOTE_PREFIX = "xl-tools 校验"          # and how its text begins

SHEET_README = "说明"
SHEET_INFO = "基本信息"
SHEET_PROJECTS = "项目"
SHEET_INDICATORS = "绩效指标"
SHEET_CODES = "代码表"
SHEET_RESULTS = "校验结果"
SHEET_PUBLIC = "公开表"
SHEET_STATE = "_xltools"       # hidden: what the tool coloured, template version
SHEET_ORDER = [SHEET_README, SHEET_INFO, SHEET_PROJECTS, SHEET_INDICATORS, SHEET_CODES]

TABLE_PROJECTS = "Projects"        # Excel table names (ASCII: safest across clients)
TABLE_INDICATORS = "Indicators"
TABLE_UNITS = "Units"
TABLE_SETTINGS = "Settings"
SHEET_XLWINGS_CONF = "xlwings.conf"

# header text -> model field, in template order
PROJECT_HEADERS = {
    "序号": "no", "项目名称": "name", "资金使用单位": "unit", "总计": "total", "财政拨款": "fiscal",
    "财政专户拨款": "special", "其他资金": "other", "绩效目标": "target",
}
PROJECT_OPTIONAL = {"备注": "remark"}
# the columns a region's table prints besides (issue 23), written where the profile has them or a project
# uses them, read wherever they are: header → model field (``funding.<level>``: an amount by level)
PROJECT_COLUMNS = {**{h: f for f, h in PROJECT_FIELDS.items()},
                   **{h: f"funding.{k}" for k, h in FUNDING_LEVELS.items()}}
INDICATOR_COLUMNS = {h: f for f, h in INDICATOR_FIELDS.items()}
INDICATOR_HEADERS = {
    "项目名称": "project", "序号": "no", "一级指标": "level1", "二级指标": "level2", "三级指标": "name",
    "实施周期指标值": "period_value", "年度指标值": "annual_value",
}
# read-only helper columns written by refresh beside the values (how each value was understood)
INDICATOR_HELPERS = {
    "周期运算符": "period_op", "周期数值": "period_num", "周期单位": "period_unit",
    "年度运算符": "annual_op", "年度数值": "annual_num", "年度单位": "annual_unit",
}
UNITS_TITLE = "资金使用单位小计（公开表所列；留空则按项目汇总）"
SETTINGS_TITLE = "规则设置"            # the title of the overrides block on 基本信息 starts with this
UNIT_HEADERS = {"单位名称": "name", "总计": "total", "财政拨款": "fiscal", "财政专户拨款": "special",
                "其他资金": "other"}

DEFAULT_PROFILE = "广东"          # the region profile (规则配置) of a workbook naming none (profiles.py)

# 基本信息: label, defined name, model field
INFO_FIELDS = [
    ("预算年度", "预算年度", "year"),
    ("部门名称", "部门名称", "department"),
    ("金额单位", "金额单位", "money_unit"),
    ("规则配置", "规则配置", "profile"),
    ("合计（公开表所列）", "合计", "total"),
]
NAME_TEMPLATE_VERSION = "模板版本"
NAME_LAST_REFRESH = "上次刷新"
NAME_LEVEL1_LIST = "一级指标清单"   # the 一级指标 dropdown's list: column A of 代码表 (二级_1 … its columns)
NOT_REFRESHED = "尚未刷新"          # what the 上次刷新 cell of a new workbook holds

MONEY_FORMAT = "#,##0.00"
EXCEL_CELL_LIMIT = 32767      # characters in one cell: Excel "repairs" (truncates) a file with more
