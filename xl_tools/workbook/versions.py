"""Read a workbook made with any version of our template (``read_any_version``).

Template versions (``schema.TEMPLATE_VERSION`` is the current one, stored under the defined name
模板版本 on 基本信息):

- **1** (before the defined names): 基本信息 is a list of labels in column A with the value beside
  them in column B (预算年度, 部门名称, 金额单位, 合计); 项目 has no 序号 and starts with 项目名称
  (the other columns in any order); 绩效指标 has no 序号 and writes the categories without codes
  ("产出指标", "数量指标", "社会效益指标"). No 模板版本 name, no unit subtotals, no rule settings.
- **2**: the current layout without the columns a region's table prints (实施期, 项目性质 … on 项目;
  指标性质, 度量单位, 权重 … on 绩效指标); those columns are optional and found by their headers, so
  ``workbook.read_filing`` reads a version-2 workbook as it is (its filing has none of them).
- **3** (current, issue 23): see ``schema.py``; the region's columns where its profile has them
  (``schema.PROJECT_COLUMNS``, ``schema.INDICATOR_COLUMNS``); read by ``workbook.read_filing``.

The version is the 模板版本 name when present, else it is told from the layout (a 序号 column on 项目
means the current layout). A version-1 workbook is read here: indicators are numbered by position
within their project and the category labels are normalised through the code table
(``codes.default_table``), so a filing read from it is the same as one read from the current template.
Writing is always done with the current template (``workbook.build_workbook``).
"""

from __future__ import annotations

from pathlib import Path

from ..categories import CodeTable, default_table, split_label
from ..errors import XlToolsError
from ..model import (
    MONEY_FIELDS,
    MONEY_LABELS,
    PROBLEM_MONEY_INVALID,
    PROBLEM_MONEY_TEXT,
    YEAR_RANGE_ZH,
    Filing,
    Indicator,
    Origin,
    Project,
    ReadProblem,
    is_budget_year,
)
from ..money import ZERO
from ..projectlinks import ProjectLinks
from ..schema import (
    NAME_TEMPLATE_VERSION,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    TEMPLATE_VERSION,
)
from ..textnorm import clean_ws, squash
from ..xlsxfile import open_workbook, reading
from .cells import int_of, money_of, text_of
from .reader import (
    defined_cell,
    find_header,
    nonblank_rows,
    raise_blocking,
    read_filing_from_view,
    workbook_view,
)

VERSION_1 = 1
VERSION_2 = 2               # read by the current reader: the region's columns are optional
HEADER_SCAN_ROWS = 10
BLANK_RUN_LIMIT = 1000

V1_INFO_LABELS = {"预算年度": "year", "部门名称": "department", "金额单位": "money_unit", "合计": "total"}
V1_PROJECT_HEADERS = {"项目名称": "name", "资金使用单位": "unit", "总计": "total", "财政拨款": "fiscal",
                      "财政专户拨款": "special", "其他资金": "other", "绩效目标": "target"}
V1_INDICATOR_HEADERS = {"项目名称": "project", "一级指标": "level1", "二级指标": "level2",
                        "三级指标": "name", "实施周期指标值": "period_value", "年度指标值": "annual_value"}


def read_any_version(path: str | Path, *, strict: bool = True, table: CodeTable | None = None,
                     also=None) -> Filing:
    """Read a workbook of any template version; ``filing.template_version`` tells which it was.

    ``strict`` as in ``workbook.read_filing``: blocking read problems (money that is not a number)
    raise an XlToolsError; otherwise they stay on ``filing.problems`` for the rules. ``also`` as in
    ``read_filing`` (the current template only).
    """
    path = Path(path)
    view = workbook_view(path)                  # the current template is read from the view that told it
    try:
        with reading(path):
            version = _version(view, str(path))
        if version in (VERSION_2, TEMPLATE_VERSION):
            return read_filing_from_view(path, view, strict=strict, also=also)
    finally:
        view.close()
    wb = open_workbook(path, read_only=True, data_only=True)
    try:
        with reading(path):                 # read-only sheets are parsed while they are read
            filing = read_v1(wb, source=str(path), table=table)
    finally:
        wb.close()
    if strict:
        raise_blocking(filing)
    return filing


def detect_version(path: str | Path) -> int:
    """The template version of the workbook at `path` (the 模板版本 name, else told from the layout)."""
    path = Path(path)
    view = workbook_view(path)
    try:
        with reading(path):
            return _version(view, str(path))
    finally:
        view.close()


def _version(wb, source: str) -> int:
    stated = _stated_version(wb)
    headers = _header_texts(_sheet(wb, SHEET_PROJECTS, source)) if stated is None else set()
    if stated is not None:
        if stated > TEMPLATE_VERSION:
            raise XlToolsError(f"工作簿使用第 {stated} 版模板，比本工具支持的第 {TEMPLATE_VERSION} 版新："
                               "请升级 xl-tools", file=source)
        if stated not in (VERSION_1, VERSION_2, TEMPLATE_VERSION):
            raise XlToolsError(f"无法识别的模板版本「{stated}」", file=source)
        return stated
    if "序号" in headers:
        return TEMPLATE_VERSION          # current layout whose 模板版本 name was lost
    if {squash(h) for h in V1_PROJECT_HEADERS} <= headers:
        return VERSION_1
    raise XlToolsError("无法识别工作簿的模板版本：「项目」表缺少标准表头（项目名称、资金使用单位、总计……）",
                       file=source, sheet=SHEET_PROJECTS)


def _stated_version(wb) -> int | None:
    hit = defined_cell(wb, NAME_TEMPLATE_VERSION)
    if hit is None:
        return None
    ws, ref = hit
    value = int_of(ws[ref].value)
    return value if isinstance(value, int) else None


def _sheet(wb, name: str, source: str | None):
    by_key = {squash(n): n for n in wb.sheetnames}
    if squash(name) not in by_key:
        raise XlToolsError(f"缺少工作表「{name}」", file=source)
    return wb[by_key[squash(name)]]


def _header_texts(ws) -> set[str]:
    out: set[str] = set()
    for row in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True):
        out |= {squash(v) for v in row if isinstance(v, str) and v.strip()}
    return out


def _cell(row: tuple, col: int | None):
    return row[col - 1] if col is not None and col - 1 < len(row) else None


# version 1 ----------------------------------------------------------------------------------------

def read_v1(wb, source: str | None = None, table: CodeTable | None = None) -> Filing:
    """A Filing from a version-1 workbook (opened by the caller, values only)."""
    filing = Filing(source=source)
    filing.template_version = VERSION_1
    _read_info_v1(_sheet(wb, SHEET_INFO, source), filing, source)
    _read_projects_v1(_sheet(wb, SHEET_PROJECTS, source), filing, source)
    _read_indicators_v1(_sheet(wb, SHEET_INDICATORS, source), filing, source)
    normalise_categories(filing, table)
    for k, project in enumerate(filing.projects, start=1):
        project.no = k
    return filing


def _read_info_v1(ws, filing: Filing, source: str | None) -> None:
    labels = {squash(k): f for k, f in V1_INFO_LABELS.items()}
    filing.total_stated = False
    for r, row in nonblank_rows(ws, values_only=True):
        label = squash(row[0]) if row and isinstance(row[0], str) else ""
        field = labels.get(label)
        if field is None:
            continue
        value = _cell(row, 2)
        origin = Origin(ws.title, r, {field: 2}, source)
        if field == "year":
            year = int_of(value)
            if year == "invalid" or (isinstance(year, int) and not is_budget_year(year)):
                raise XlToolsError(f"预算年度应为{YEAR_RANGE_ZH}，实际为「{value}」", file=source,
                                   sheet=ws.title, cell=origin.cell(field))
            filing.year = year
        elif field == "total":
            amount, problem = money_of(value)
            if problem == "invalid":
                filing.problems.append(ReadProblem(PROBLEM_MONEY_INVALID, f"合计不是数字：「{value}」",
                                                   origin, field, None, value))
            filing.total_stated = amount is not None
            filing.total = amount or ZERO
        else:
            setattr(filing, field, clean_ws(str(value)) if value is not None else "")
    filing.money_unit = filing.money_unit or "万元"


def _read_projects_v1(ws, filing: Filing, source: str | None) -> None:
    hrow, cols, _extra = find_header(ws, V1_PROJECT_HEADERS, source)
    for r, row in nonblank_rows(ws, hrow + 1, values_only=True):
        values = {f: _cell(row, c) for f, c in cols.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        origin = Origin(ws.title, r, cols, source)
        name = clean_ws(str(values["name"] or ""))
        project = Project(name=name, unit=clean_ws(str(values["unit"] or "")),
                          target=clean_ws(str(values["target"] or "")), origin=origin)
        for f in MONEY_FIELDS:
            value = values[f]
            amount, problem = money_of(value)
            if value is None or (isinstance(value, str) and not value.strip()):
                project.raw[f] = None
            elif problem is not None:
                project.raw[f] = value
                code = PROBLEM_MONEY_TEXT if problem == "text" else PROBLEM_MONEY_INVALID
                what = f"是文本「{value}」，已按数字 {amount} 读取" if problem == "text" else f"不是数字：「{value}」"
                filing.problems.append(ReadProblem(code, f"项目「{name}」的{MONEY_LABELS[f]}{what}",
                                                   origin, f, name, value))
            setattr(project, f, amount if amount is not None else ZERO)
        filing.projects.append(project)
    if not filing.total_stated:
        filing.total = sum((p.total for p in filing.projects), ZERO)


def _read_indicators_v1(ws, filing: Filing, source: str | None) -> None:
    hrow, cols, _extra = find_header(ws, V1_INDICATOR_HEADERS, source)
    links = ProjectLinks(filing.projects)          # a name two projects share names neither (projectlinks)
    for r, row in nonblank_rows(ws, hrow + 1, values_only=True):
        values = {f: _cell(row, c) for f, c in cols.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        l1c, l1 = split_label(str(values["level1"] or ""))
        l2c, l2 = split_label(str(values["level2"] or ""))
        project_name = clean_ws(str(values["project"] or ""))
        ind = Indicator(no=None, level1_code=l1c, level1=l1, level2_code=l2c, level2=l2,
                        name=clean_ws(str(values["name"] or "")),
                        period_value=text_of(values["period_value"]),
                        annual_value=text_of(values["annual_value"]),
                        project=project_name, origin=Origin(ws.title, r, cols, source))
        ind.raw = {"level1": values["level1"], "level2": values["level2"]}
        owner = links.link(project_name).project
        if owner is None:
            filing.orphan_indicators.append(ind)
        else:
            ind.no = len(owner.indicators) + 1
            owner.indicators.append(ind)


def normalise_categories(filing: Filing, table: CodeTable | None = None) -> None:
    """Give every indicator the code table's code and name ("数量指标" → 11-数量指标).

    Labels the table cannot resolve are left as written (the STR rules report them).
    """
    table = table or default_table()
    for ind in [*filing.indicators, *filing.orphan_indicators]:
        l1 = table.resolve_level1(ind.level1_label)
        if l1.category is not None:
            ind.level1_code, ind.level1 = l1.category.code, l1.category.name
        parent = l1.category.code if l1.category else None
        l2 = table.resolve_level2(ind.level2_label, parent)
        if l2.category is not None and (parent is None or l2.category.parent == parent):
            ind.level2_code, ind.level2 = l2.category.code, l2.category.name
