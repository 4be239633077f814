"""Generate the standard workbook (template or filled) with the package patcher.

One generator makes the committed templates (``workbook_templates/``), the workbooks of
``xl-tools load`` / ``new`` / ``import`` and the rollover target: a filing is always written into the
*current* template, never into a copy of an old one. Each sheet is a ``sheetgen`` spec (cells, widths,
columns' formats, validations, frozen panes, print setup) with its Excel tables (``ooxml.tables``),
written into a new package (``ooxml.newpackage``), as every other workbook the tool makes.

The ``.xlsm`` variant embeds xlwings' standalone VBA project (taken from the installed xlwings package)
and a 刷新 form button on 说明 (``ooxml.buttons``) that runs its ``SampleCall`` macro, which
``workbook.vba`` points at ``xl_tools.desktop.main()`` whatever the file is called; its sheets carry
the code names (Sheet1 …) that the project's modules name.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from ..address import column_letter
from ..categories import CodeTable
from ..errors import XlToolsError
from ..model import FIRST_YEAR, LAST_YEAR, MONEY_FIELDS, Filing, Origin
from ..ooxml.buttons import FormButton
from ..ooxml.newpackage import DocProps, write_new_workbook
from ..ooxml.patch import Generated
from ..ooxml.sheetgen import PageSetup, SheetSpec, Validation
from ..ooxml.styles import Format
from ..ooxml.tables import Table
from ..profiles import MONEY_UNITS, Profile, load_profile, profile_names
from ..projectlinks import PROJECT_NO, shared_names
from ..schema import (
    EXCEL_CELL_LIMIT,
    INDICATOR_COLUMNS,
    INDICATOR_HEADERS,
    INDICATOR_HELPERS,
    INFO_FIELDS,
    MONEY_FORMAT,
    NAME_LAST_REFRESH,
    NAME_LEVEL1_LIST,
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
LAST_ROW = 1_048_576            # validations cover the whole column below the header (one range: cheap)
TABLE_STYLE = "TableStyleLight9"
CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)       # the same bytes for the same filing

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


BUTTON_ROW_POINTS = 30                      # 40 pixels: the 36-pixel 刷新 button stays inside its row
README_BUTTON_HELP = ("按钮第一次在一台电脑上使用时：这台电脑要先由 IT 用离线安装包安装 xl-tools（make dist 生成，"
                      "py -3.12 -m pip install --no-index --find-links wheelhouse-win_amd64-py312 \"xl-tools[pdf,web,batch]\"），"
                      "再在命令行运行一次 xlwings config create；点击后提示找不到 Python 或 xl_tools 时也是这样处理。"
                      "文件可以改名、复制或另存，按钮照常可用；只有文件名或文件夹名中 ^ 紧挨着 & 、或含 %TEMP% 这类"
                      "写法时 Windows 命令行传不过去，请改名。")


def _money_cell(value: Decimal | None) -> Decimal | None:
    """An amount as the cell stores it: the decimal it is (never a binary float), spelt as Excel spells
    a number (600, 12.5: no trailing zeros), so every reader — the file's and the live book's — reads
    the same value back."""
    return None if value is None else value.normalize()


def _record_money(record, field: str):
    """A project's or unit's money cell; an amount marked blank (``record.blank(field)``) stays empty:
    a blank project amount is still to fill, a blank unit amount is the sum of its projects."""
    if record.blank(field):
        return None
    return _money_cell(getattr(record, field))


def _look(**kw) -> Format:
    """A cell format of the workbook: 宋体 11 pt, top-aligned, unless `kw` says otherwise."""
    return Format(**{"font": FONT, "size": 11, "vertical": "top", **kw})


class _Formats:
    text = _look(wrap=True)
    # the indicator values are words and signs (≥95%, 2025年6月30日前): a Text column keeps what is
    # typed as typed, so Excel does not turn 95% into 0.95, which the button and add-in could not
    # tell from a plain 0.95 (they cannot read number formats)
    value_text = _look(wrap=True, number_format="@")
    plain = _look()
    money = _look(number_format=MONEY_FORMAT)
    header = _look(bold=True, fill="DDEBF7", border=True, wrap=True, vertical="center", horizontal="center")
    helper_header = _look(bold=True, fill="EDEDED", border=True, color="595959", wrap=True, vertical="center",
                          horizontal="center")
    helper = _look(fill="F2F2F2", color="595959")
    title = _look(bold=True, size=16)
    h = _look(bold=True, size=12)
    label = _look(bold=True, fill="DDEBF7", border=True)
    input = _look(border=True, fill="FFFFFF")
    input_money = _look(border=True, number_format=MONEY_FORMAT)
    note = _look(color="7F7F7F", italic=True)
    note_wrapped = _look(color="7F7F7F", italic=True, wrap=True)
    code_header = _look(bold=True, fill="DDEBF7", border=True, vertical="center", horizontal="center")


fmt = _Formats


def _width(chars: float) -> float:
    """The width Excel stores for a column `chars` characters wide (Calibri 11: 7-pixel digits plus
    5 pixels of padding, in 1/256 of a character), so the column shows `chars` in Excel's dialog."""
    pixels = int(chars * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


class _Sheet:
    """The cells of a sheet being laid out (1-based rows and columns), then its ``SheetSpec``."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple] = {}
        self.widths: dict[int, float] = {}
        self.formats: dict[int, Format] = {}
        self.heights: dict[int, float] = {}
        self.validations: list[Validation] = []
        self.tables: list[Table] = []
        self.hidden: set[int] = set()           # columns hidden

    def write(self, row: int, col: int, value, style: Format | None = None) -> None:
        self.cells[row, col] = (value, style)

    def columns(self, first: int, last: int, chars: float, style: Format | None = None) -> None:
        for col in range(first, last + 1):
            self.widths[col] = _width(chars)
            if style is not None:
                self.formats[col] = style

    def table(self, name: str, top: int, headers: list[str], rows: list[list], formats: list[Format],
              header_formats: list[Format | None] | None = None) -> None:
        """An Excel table: its header row at `top`, `rows` below it (at least one row in its range)."""
        for c, h in enumerate(headers, start=1):
            self.write(top, c, h, header_formats[c - 1] if header_formats else None)
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row, start=1):
                self.write(r, c, value, formats[c - 1])
        self.tables.append(Table(name, (top, 1, top + max(len(rows), 1), len(headers)),
                                 tuple(zip(headers, formats))))

    def validate(self, ref: tuple[int, int, int, int], kind: str, formula1: str, **kw) -> None:
        self.validations.append(Validation(ref, kind, formula1, **kw))

    def spec(self, *, freeze: tuple[int, int] | None = None, page: bool = True) -> SheetSpec:
        last_row = max((r for r, _c in self.cells), default=0)
        grid: list[list[tuple]] = [[] for _ in range(last_row)]
        for (r, c), cell in sorted(self.cells.items()):
            row = grid[r - 1]
            row.extend([(None, None)] * (c - 1 - len(row)))
            row.append(cell)
        ncols = max((c for _r, c in self.cells), default=0)
        return SheetSpec(rows=grid, nrows=last_row, ncols=ncols, widths=self.widths, heights=self.heights,
                         column_formats=self.formats, validations=self.validations, freeze=freeze,
                         page=PageSetup() if page else None, hidden_columns=frozenset(self.hidden))


SPECIAL_HEADER = "财政专户拨款"


def _special_unused(profile, filing: Filing) -> bool:
    """Whether 财政专户拨款 is hidden on 项目 and in 基本信息's unit table: the profile's table prints no
    such column (湘鄂: 资金总额 = 财政拨款 + 其他资金) and no project or unit of the filing has any. Hidden,
    not dropped: a unit that does have 财政专户 money unhides it and types it, 总计 = 财政拨款 + 财政专户拨款
    + 其他资金 still holds, and the 公开表 prints the column once it is filled (``publish.table.money_columns``)."""
    return all(c.field != "special" for c in profile.money_columns) and \
        not any(r.special for r in (*filing.projects, *filing.units))


def _listed(items) -> str:
    """A list validation's items, as the one quoted text Excel stores."""
    return '"' + ",".join(items) + '"'


ONE_VALUE_LINE = ("3. 「绩效指标」表每行一个指标：项目名称（下拉选择，与「项目」表一致）、一级指标、二级指标（随一级指标变化的下拉）、"
                  "三级指标（指标名称）、年度指标值。本地区的表只有一个指标值列：填「年度指标值」即可，「实施周期指标值」"
                  "可留空（两列都填且不同时，公开表两项都印）。")


KEYED_NOTE = (f"有同名项目时（如两个单位各有一个同名项目），「{PROJECT_NO}」列填写该指标所属项目在「项目」表中的序号，"
              "以区分指标属于哪一个；项目名称不同的可不填。")


def _write_readme(macro: bool, one_value: bool = False, keyed: bool = False) -> tuple[_Sheet, list[FormButton]]:
    """说明: the lines for the accountant (``one_value``: the profile's table has one 指标值 column, and
    line 3 says which column to fill; ``keyed``: 绩效指标 has a 项目序号 column, and line 3 says what it is
    for), the last-refresh summary, the 刷新 button of a macro workbook."""
    ws = _Sheet()
    ws.columns(1, 1, 4)
    ws.columns(2, 2, 120, fmt.text)
    lines = []
    for text, style in README_LINES:
        if text.startswith("3. "):
            text = (ONE_VALUE_LINE if one_value else text) + (KEYED_NOTE if keyed else "")
        lines.append((text, style))
    for r, (text, style) in enumerate(lines, start=1):
        ws.write(r, 2, text, getattr(fmt, style) if style else fmt.text)
        if not style and text:
            ws.heights[r] = fitted_height([(text, 120)])
    ws.write(README_SUMMARY_ROW + 1, 2, NOT_REFRESHED, fmt.note)
    buttons = []
    if macro:
        button = FormButton("刷新", BUTTON_MACRO, (README_SUMMARY_ROW + 3, 2), 128, 36)
        buttons.append(button)
        ws.heights[README_SUMMARY_ROW + 3] = BUTTON_ROW_POINTS     # the button in its own row, over no text
        ws.write(README_SUMMARY_ROW + 4, 2, README_BUTTON_HELP, fmt.note_wrapped)
        ws.heights[README_SUMMARY_ROW + 4] = fitted_height([(README_BUTTON_HELP, 120)])   # wrapped in B, printed
    else:
        ws.write(README_SUMMARY_ROW + 3, 2,
                 "（本文件为 .xlsx，没有按钮：请用 xl-tools refresh 文件名，或使用 .xlsm 版本 / Office 加载项。）",
                 fmt.note)
    return ws, buttons


def _write_info(filing: Filing) -> _Sheet:
    ws = _Sheet()
    ws.columns(1, 1, 22)
    ws.columns(2, 2, 40)
    ws.columns(3, 6, 16)
    ws.write(1, 1, "基本信息", fmt.title)
    values = {
        "year": filing.year, "department": filing.department, "money_unit": filing.money_unit or "万元",
        "profile": filing.profile or "广东",
        "total": (filing.total if (filing.total_stated and (filing.total or filing.projects)) else None),
    }
    rows = {}
    for k, (label, _name, field) in enumerate(INFO_FIELDS):
        row = rows[field] = INFO_FIRST_ROW + k + 1
        ws.write(row, 1, label, fmt.label)
        val = values[field]
        if field == "total":
            ws.write(row, 2, _money_cell(val), fmt.input_money)
        else:
            ws.write(row, 2, val, fmt.input)
    ws.validate((rows["year"], 2, rows["year"], 2), "whole", str(FIRST_YEAR), formula2=str(LAST_YEAR),
                error_title="预算年度", error="请填写四位数年份，例如 2025")
    ws.validate((rows["money_unit"], 2, rows["money_unit"], 2), "list", _listed(MONEY_UNITS))
    ws.validate((rows["profile"], 2, rows["profile"], 2), "list", _listed(profile_names()), error_style="warning")
    version_row = INFO_FIRST_ROW + len(INFO_FIELDS) + 1
    ws.write(version_row, 1, "模板版本", fmt.label)
    ws.write(version_row, 2, TEMPLATE_VERSION, fmt.plain)

    # stated subtotals per funding unit (as the published table prints them); blank = derived
    top = version_row + UNITS_OFFSET
    ws.write(top - 1, 1, UNITS_TITLE, fmt.h)
    units = [[u.name, *(_record_money(u, f) for f in MONEY_FIELDS)] for u in filing.units]
    units += [[None] * len(UNIT_HEADERS)] * max(0, UNIT_ROWS - len(units))     # room for more units
    ws.table(TABLE_UNITS, top, list(UNIT_HEADERS), units,
             [fmt.input if i == 0 else fmt.input_money for i in range(len(UNIT_HEADERS))])
    # rule overrides (config key → value), read by the rule engine
    stop = top + len(units) + 3
    ws.write(stop - 1, 1, f"{SETTINGS_TITLE}（可选：覆盖规则配置中的阈值、级别或停用规则）", fmt.h)
    settings = sorted(filing.settings.items()) or [(None, None)]
    ws.table(TABLE_SETTINGS, stop, ["配置项", "值"], [list(s) for s in settings], [fmt.input, fmt.input])
    return ws


def _info_names() -> list[tuple[str, str]]:
    names = [(name, f"'{SHEET_INFO}'!$B${INFO_FIRST_ROW + k + 1}") for k, (_l, name, _f) in enumerate(INFO_FIELDS)]
    return names + [(NAME_TEMPLATE_VERSION, f"'{SHEET_INFO}'!$B${INFO_FIRST_ROW + len(INFO_FIELDS) + 1}")]


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

def _write_projects(filing: Filing, region: list[str]) -> _Sheet:
    ws = _Sheet()
    # the person's own columns (经办人, 预算科目 …) follow the template's, as they had them
    own = list(dict.fromkeys(h for p in filing.projects for h in p.extra if h != "备注" and h not in PROJECT_COLUMNS))
    headers = list(PROJECT_HEADERS) + ["备注"] + region + own
    widths = {"序号": 6, "项目名称": 34, "资金使用单位": 22, "总计": 13, "财政拨款": 13, "财政专户拨款": 13,
              "其他资金": 13, "绩效目标": 70, "备注": 20, "实施期": 16, "实施期目标": 40, "立项依据": 30,
              "成本测算": 30, **dict.fromkeys(own, 14)}
    formats = {"总计": fmt.money, "财政拨款": fmt.money, "财政专户拨款": fmt.money, "其他资金": fmt.money,
               **{h: fmt.money for h in region if PROJECT_COLUMNS[h].startswith("funding.")}}
    for c, h in enumerate(headers, start=1):
        ws.columns(c, c, widths.get(h, 14), formats.get(h, fmt.text))
    rows = []
    for k, p in enumerate(filing.projects, start=1):
        no = _written_no(p, k)
        printed = [project_field(p, PROJECT_COLUMNS[h]) for h in region]
        rows.append([no, p.name, p.unit, *(_record_money(p, f) for f in MONEY_FIELDS), p.target,
                     p.extra.get("备注"), *(_money_cell(v) if isinstance(v, Decimal) else v for v in printed), *(_own_value(p.extra.get(h)) for h in own)])
    ws.table(TABLE_PROJECTS, 1, headers, rows, [formats.get(h, fmt.text) for h in headers], [fmt.header] * len(headers))
    for k, p in enumerate(filing.projects, start=2):
        ws.heights[k] = _row_height(p.target, 70, p.name, 34)
    money_cols = [headers.index(h) + 1 for h in ("总计", "财政拨款", "财政专户拨款", "其他资金")]
    ws.validate((2, money_cols[0], LAST_ROW, money_cols[-1]), "decimal", "0", operator="greaterThanOrEqual",
                error_style="warning", error_title="金额", error="金额应为不小于 0 的数字（万元，两位小数）")
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

def _written_no(p, k: int):
    """The 序号 the 项目 sheet shows for the `k`-th project (its own, else its position)."""
    return p.no if p.no not in (None, "") else k


def _write_indicators(filing: Filing, region: list[str], keyed: bool = False) -> _Sheet:
    """绩效指标; ``keyed``: two projects share a name, so each row also gives its project's 序号 (项目序号,
    ``projectlinks``), in a column after the region's."""
    ws = _Sheet()
    key = [PROJECT_NO] if keyed else []
    headers = list(INDICATOR_HEADERS) + region + key + list(INDICATOR_HELPERS)
    widths = {"项目名称": 36, "序号": 6, "一级指标": 14, "二级指标": 18, "三级指标": 30,
              "实施周期指标值": 24, "年度指标值": 24, "指标性质": 8, "度量单位": 10, "权重": 8, "指标方向性": 12,
              "绩效标准": 12, "指标解释": 30, "备注": 20, PROJECT_NO: 10}
    value_headers = [h for h, f in INDICATOR_HEADERS.items() if f in ("period_value", "annual_value")]
    value_headers += [h for h in region if h in ("指标性质", "度量单位", "权重")]       # ≥, %, 10 as typed
    column_format = {**dict.fromkeys(INDICATOR_HELPERS, fmt.helper), **dict.fromkeys(value_headers, fmt.value_text)}
    for c, h in enumerate(headers, start=1):
        ws.columns(c, c, 10 if h in INDICATOR_HELPERS else widths[h], column_format.get(h, fmt.text))
    rows = []
    for k, p in enumerate(filing.projects, start=1):
        number = [_written_no(p, k)] if keyed else []
        for i in p.indicators:
            rows.append([p.name, i.no, i.level1_label or None, i.level2_label or None, i.name,
                         i.period_value, i.annual_value,
                         *(indicator_field(i, INDICATOR_COLUMNS[h]) for h in region), *number]
                        + [None] * len(INDICATOR_HELPERS))
    ws.table(TABLE_INDICATORS, 1, headers, rows, [column_format.get(h, fmt.text) for h in headers],
             [fmt.helper_header if h in INDICATOR_HELPERS else fmt.header for h in headers])
    k = 2
    for p in filing.projects:
        for i in p.indicators:
            h = fitted_height([(i.period_value, 24), (i.annual_value, 24), (i.name, 30), (p.name, 36)])
            if h > 18:
                ws.heights[k] = h
            k += 1
    ws.heights[1] = 30                                  # wrapped helper headers
    first_helper = len(INDICATOR_HEADERS) + len(region) + len(key) + 1
    if keyed:
        ws.validate((2, first_helper - 1, LAST_ROW, first_helper - 1), "whole", "1", operator="greaterThanOrEqual",
                    error_style="warning", error_title=PROJECT_NO,
                    error="填写该指标所属项目在「项目」表中的序号（有同名项目时用来区分）")
    ws.validate((2, first_helper, LAST_ROW, first_helper + len(INDICATOR_HELPERS) - 1), "custom", "FALSE",
                error_title="自动填写的列",
                error="灰色的列由「刷新」自动填写，显示工具如何理解左边的指标值，请不要手工修改")
    ws.validate((2, 1, LAST_ROW, 1), "list", "项目清单", error_style="warning", error_title="项目名称",
                error="项目名称应与「项目」表中的某个项目一致")
    ws.validate((2, 3, LAST_ROW, 3), "list", NAME_LEVEL1_LIST, error_style="warning", error_title="一级指标",
                error="请从下拉列表选择，例如 1-产出指标")
    ws.validate((2, 4, LAST_ROW, 4), "list", 'INDIRECT("二级_"&LEFT($C2,FIND("-",$C2&"-")-1))',
                error_style="warning", error_title="二级指标",
                error="请先选择一级指标，再从下拉列表选择对应的二级指标，例如 11-数量指标")
    return ws


CODES_NOTES = [
    "说明",
    "本表是「绩效指标」表中一级指标、二级指标下拉列表的来源：已有的行请不要修改、移动或删除；本地区另有类别时，"
    "可在列末补充（一级指标写在 A 列，二级指标写在所属一级指标的列下），刷新时按补充后的类别校验。",
    "指标类别写成「编号-名称」，例如 1-产出指标、11-数量指标；只写名称（如“数量指标”）时，"
    "刷新会自动补上编号，并在「校验结果」中提示。",
    "二级指标须属于所选的一级指标，例如 11-数量指标 属于 1-产出指标、31-服务对象满意度 属于 3-满意度指标。",
    "本表按广东省公开表的编号；本地区编号不同时，请以财政部门的要求为准。",
]


def _fit_width(text: str, minimum: float = 10) -> float:
    """A column width (characters) that shows `text` on one line in bold 11 pt, with a margin."""
    return max(minimum, round(text_width_chars(text, 11) * 1.1 + 2, 1))

def _fit_width(text: str, minimum: float = 10) -> float:
    """A column width (characters) that shows `text` on one line in bold 11 pt, with a margin."""
    return max(minimum, round(text_width_chars(text, 11) * 1.1 + 2, 1))


def _write_codes(table: CodeTable) -> tuple[_Sheet, list[tuple[str, str]]]:
    """The code table the category dropdowns list: one-line headers in columns wide enough for them,
    then a few lines for the accountant below the table; and the names the dropdowns list."""
    ws = _Sheet()
    ws.write(1, 1, "一级指标", fmt.code_header)
    ws.columns(1, 1, _fit_width(max((c.label for c in table.level1), key=len)))
    for r, c in enumerate(table.level1, start=2):
        ws.write(r, 1, c.label, fmt.plain)
    names = [(NAME_LEVEL1_LIST, f"'{SHEET_CODES}'!$A$2:$A${len(table.level1) + 1}")]
    longest = len(table.level1)
    for k, l1 in enumerate(table.level1):
        col = 3 + k
        kids = table.children(l1.code)
        header = f"{l1.label} 的二级指标"
        ws.columns(col, col, _fit_width(header))
        ws.write(1, col, header, fmt.code_header)
        for r, c in enumerate(kids, start=2):
            ws.write(r, col, c.label, fmt.plain)
        longest = max(longest, len(kids))
        letter = column_letter(col)
        names.append((f"二级_{l1.code}", f"'{SHEET_CODES}'!${letter}$2:${letter}${max(2, len(kids) + 1)}"))
    top = longest + 3
    ws.write(top, 1, CODES_NOTES[0], fmt.h)
    notes = CODES_NOTES[1:]
    if table.name and table.name != "广东2015":         # the framework the profile chose, not Guangdong's
        notes = notes[:-1] + [f"本表按规则配置的指标类别框架「{table.name}」编号；本地区编号不同时，请以财政部门的要求为准。"]
    for r, text in enumerate(notes, start=top + 1):
        ws.write(r, 1, text, fmt.plain)          # one line each, running over the empty cells
    return ws, names


def codes_layout(table: CodeTable) -> tuple[list[list], dict[int, float], int, list[tuple[str, str]]]:
    """代码表 as ``build_workbook`` writes it, for a refresh that puts it back (``refresh.codesheet``): its
    rows of values, its column widths, how many columns its header row has, and the defined names the
    category dropdowns list."""
    ws, names = _write_codes(table)
    last_row = max(r for r, _c in ws.cells)
    width = max(c for _r, c in ws.cells)
    rows = [[None] * width for _ in range(last_row)]
    for (r, c), (value, _style) in ws.cells.items():
        rows[r - 1][c - 1] = value
    return rows, dict(ws.widths), max(c for (r, c) in ws.cells if r == 1), names


def _write_state(filing: Filing, numbered: bool) -> _Sheet:
    ws = _Sheet()
    for r, row in enumerate([["template_version", TEMPLATE_VERSION], ["sheet", "range", "severity"],
                             *(_numbered(filing) if numbered else [])], start=1):
        for c, value in enumerate(row, start=1):
            ws.write(r, c, value)
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

def _write_xlwings_conf(conf: dict[str, str]) -> _Sheet:
    ws = _Sheet()
    for r, (k, v) in enumerate(conf.items(), start=1):
        ws.write(r, 1, k)
        ws.write(r, 2, v)
    return ws


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
    keyed = bool(shared_names(filing.projects))
    readme, buttons = _write_readme(macro, profile.value_columns == 1, keyed)
    codes, code_names = _write_codes(table)
    laid_out = [readme, _write_info(filing), _write_projects(filing, project_columns),
                _write_indicators(filing, indicator_columns, keyed), codes, _write_state(filing, numbered)]
    if _special_unused(profile, filing):
        laid_out[1].hidden.add(list(UNIT_HEADERS).index(SPECIAL_HEADER) + 1)
        laid_out[2].hidden.add(list(PROJECT_HEADERS).index(SPECIAL_HEADER) + 1)
    freeze = {SHEET_PROJECTS: (2, 3), SHEET_INDICATORS: (2, 2), SHEET_CODES: (2, 1)}
    active = 2 if filing.projects else 0
    sheets = []
    for k, (name, ws) in enumerate(zip((SHEET_README, SHEET_INFO, SHEET_PROJECTS, SHEET_INDICATORS, SHEET_CODES,
                                        SHEET_STATE), laid_out)):
        spec = ws.spec(freeze=freeze.get(name), page=name != SHEET_STATE)
        spec.code_name = f"Sheet{k + 1}" if macro else None
        spec.selected = k == active
        repeat = name in (SHEET_PROJECTS, SHEET_INDICATORS, SHEET_CODES)
        sheets.append(Generated(name, spec, hidden=name == SHEET_STATE, print_titles=(1, 1) if repeat else None,
                                tables=ws.tables, buttons=buttons if name == SHEET_README else []))
    if xlwings_conf:
        sheets.append(Generated(SHEET_XLWINGS_CONF, _write_xlwings_conf(xlwings_conf).spec(page=False), hidden=True))
    names = [(NAME_LAST_REFRESH, f"'{SHEET_README}'!$B${README_SUMMARY_ROW + 1}"), *_info_names(),
             ("项目清单", f"OFFSET('{SHEET_PROJECTS}'!$B$2,0,0,MAX(1,COUNTA('{SHEET_PROJECTS}'!$B:$B)-1),1)"),
             *code_names]
    props = DocProps(title="项目支出绩效目标表", subject="xl-tools 标准模板",
                     description=f"xl-tools template v{TEMPLATE_VERSION}", created=CREATED)
    write_new_workbook(target, sheets, props, names=names, vba=button_vba_project() if macro else None,
                       active=active)
