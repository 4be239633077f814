"""The standard workbook's layout: sheet names, headers, defined names. Code never depends on a cell
address of 基本信息 (defined names) nor on the column order of the tables (headers by name)."""

from __future__ import annotations

TEMPLATE_VERSION = 2          # bump when the layout changes; older workbooks are migrated on read

# the highlight colours the tool writes (fill, font): Excel's "Bad" and "Neutral" styles; the review and
# diff workbooks use the same pair
RED_FILL, RED_FONT = "FFC7CE", "9C0006"
AMBER_FILL, AMBER_FONT = "FFEB9C", "9C5700"

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
NOT_REFRESHED = "尚未刷新"          # what the 上次刷新 cell of a new workbook holds

MONEY_FORMAT = "#,##0.00"
EXCEL_CELL_LIMIT = 32767      # characters in one cell: Excel "repairs" (truncates) a file with more
