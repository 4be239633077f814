"""Start next year's filing from this year's: ``rollover`` (model) and ``rollover_file`` (workbooks).

Projects, targets and indicators are carried over as they are; the budget year is set; money is
kept or cleared. Cleared money is *blank*, never 0: the amount is ``ZERO`` in the model and
``project.raw[field] is None`` marks the cell as blank (the same mark the workbook reader sets for an
empty cell), so ``build_workbook`` leaves it empty and the accountant sees what is still to fill.
Unit subtotals and 合计 are then left blank too (blank means the sum of the projects); the units
themselves are carried over by name.

Nothing is rewritten or dropped silently: what still names the old year (dates, years in names and
targets, finished multi-year projects) is found by the year rules (``rules.years``) and listed in
the notes, and the same findings show up in every later check. The new workbook is built from the
template, so what the person added to the old one's sheets besides values — their own notes, cell
colours, hidden columns and rows — is not carried: ``_not_carried`` lists it in the notes, cell by
cell, so they can set it again where they still need it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .errors import XlToolsError
from .fileio import atomic_target
from .findings import Finding
from .model import MONEY_FIELDS, YEAR_RANGE_ZH, Filing, Indicator, Project, Unit, is_budget_year
from .money import ZERO
from .rules.years import year_findings
from .schema import (
    AMBER_FILL,
    MARK_DRAFT,
    MARK_ERROR,
    MARK_WARNING,
    NOTE_AUTHOR,
    NOTE_PREFIX,
    RED_FILL,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    TEMPLATE_VERSION,
)
from .workbook import build_workbook
from .workbook.versions import read_any_version
from .xlsxfile import check_full_load, table_rows

SUFFIXES = (".xlsx", ".xlsm")
NOTED_COLUMNS = 256         # notes and colours the person added are looked for in these columns


@dataclass
class RolloverResult:
    filing: Filing
    notes: list[str]                                    # Chinese, one line each, for the user
    findings: list[Finding] = field(default_factory=list)   # the year findings on the new filing


def rollover(filing: Filing, new_year: int, keep_amounts: bool = False) -> RolloverResult:
    """A new filing for `new_year` carried over from `filing` (which is not modified)."""
    if not is_budget_year(new_year):
        raise XlToolsError(f"新的预算年度应为{YEAR_RANGE_ZH}，实际为「{new_year}」")
    new = Filing(year=new_year, department=filing.department, money_unit=filing.money_unit or "万元",
                 profile=filing.profile, settings=dict(filing.settings))
    new.projects = [_carry_project(p, keep_amounts) for p in filing.projects]
    if keep_amounts:
        new.total, new.total_stated = filing.total, filing.total_stated
        new.units = [_unit_copy(u) for u in filing.units]
    else:
        new.total, new.total_stated = ZERO, False
        new.units = [Unit.unstated(u.name) for u in filing.units]
    notes = _notes(filing, new, keep_amounts)
    findings = year_findings(new)
    notes.extend(_finding_notes(findings))
    return RolloverResult(new, notes, findings)


def rollover_file(src: str | Path, out: str | Path, new_year: int,
                  keep_amounts: bool = False) -> RolloverResult:
    """Read `src` (any template version), roll it to `new_year`, write `out` from the current template.

    `out` is .xlsx or .xlsm (with the 刷新 button); it is written atomically and may not be `src`.
    """
    src, out = Path(src), Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise XlToolsError("输出文件应为 .xlsx 或 .xlsm", file=str(out))
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise XlToolsError("输出文件不能与原文件相同：请另存为新文件，保留上年的报表", file=str(out))
    old = read_any_version(src, strict=keep_amounts)
    result = rollover(old, new_year, keep_amounts)
    version = getattr(old, "template_version", None)
    if version is not None and version != TEMPLATE_VERSION:
        result.notes.insert(0, f"原文件使用第 {version} 版模板，已转换为当前第 {TEMPLATE_VERSION} 版模板")
    with atomic_target(out) as tmp:
        build_workbook(tmp, result.filing, macro=out.suffix.lower() == ".xlsm", numbered=True)
        result.notes.extend(_not_carried(src, tmp))
    return result


def _listed(cells: list[str], limit: int = 8) -> str:
    return "、".join(cells[:limit]) + (f" 等 {len(cells)} 处" if len(cells) > limit else "")


def _fill_of(cell) -> tuple | None:
    fill = cell.fill
    if fill is None or fill.fill_type in (None, "none"):
        return None
    colour = fill.fgColor
    return fill.fill_type, colour.type, str(colour.value).upper(), round(colour.tint or 0, 6)


def _not_carried(src: Path, built: Path) -> list[str]:
    """What the person added to the old workbook's data sheets besides values, which the new workbook
    `built` from the template does not have: their own notes (not the tool's), cell fill colours (not
    the tool's highlights, nor the template's own), hidden columns and rows — one line each, naming
    the cells."""
    try:
        check_full_load(src)                   # a workbook too big to load whole: nothing said about it
        with open(src, "rb") as a, open(built, "rb") as b:       # by handle: `built` is a temporary name
            wb, new = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    except Exception:                 # read again only to say what is left behind; never a failure
        return []
    # the tool's highlights, and the draft colour of lines it drafted (those are not carried: not the person's)
    ours = {("solid", "rgb", "FF" + fill, 0) for fill in (MARK_ERROR[0], MARK_WARNING[0], MARK_DRAFT[0])}
    # an older refresh highlighted in Excel's 差/适中 colours, always with its note; without one it is the person's
    older = {("solid", "rgb", "FF" + fill, 0) for fill in (RED_FILL, AMBER_FILL)}
    notes, colours, columns, rows = [], [], [], []
    try:
        for name in (SHEET_INFO, SHEET_PROJECTS, SHEET_INDICATORS):
            if name not in wb.sheetnames or name not in new.sheetnames:
                continue
            ws, template = wb[name], new[name]
            # a row at a time, as wide as the sheet's cells reach within NOTED_COLUMNS: iter_rows() alone makes a
            # cell for every place up to the sheet's last one (a value typed in XFD1048576: 17 billion)
            for _r, row in table_rows(ws, max_col=min(ws.max_column, NOTED_COLUMNS)):
                for cell in row:
                    note = cell.comment
                    tools = note is not None and (note.author == NOTE_AUTHOR or note.text.startswith(NOTE_PREFIX))
                    if note is not None and not tools:
                        notes.append(f"{name}!{cell.coordinate}")
                    fill = _fill_of(cell)
                    if fill is not None and fill not in ours and not (tools and fill in older) and \
                            fill != _fill_of(template[cell.coordinate]):
                        colours.append(f"{name}!{cell.coordinate}")
            columns += [f"{name}!{letter}" for letter, dim in ws.column_dimensions.items()
                        if dim.hidden and not template.column_dimensions[letter].hidden]
            rows += [f"{name}!{r}" for r, dim in ws.row_dimensions.items() if dim.hidden]
    finally:
        wb.close()
        new.close()
    out = []
    if notes:
        out.append(f"未带入原表中您自己写的批注 {len(notes)} 个（{_listed(notes)}），如仍需要请在新表中重新添加")
    if colours:
        out.append(f"未带入原表中您设置的单元格底色 {len(colours)} 处（{_listed(colours)}）")
    if columns:
        out.append(f"未带入原表中隐藏的列（{_listed(columns)}）：新表中这些列是显示的")
    if rows:
        out.append(f"未带入原表中隐藏的行（{_listed(rows)}）：新表中所有行都显示（筛选也已取消）")
    return out


def _unit_copy(unit):
    clone = copy.copy(unit)
    clone.origin, clone.raw = None, dict(unit.raw)
    return clone


def _carry_indicator(ind: Indicator) -> Indicator:
    clone = copy.deepcopy(ind)
    clone.origin, clone.raw = None, {}
    return clone


def _carry_project(project: Project, keep_amounts: bool) -> Project:
    clone = copy.copy(project)
    clone.origin = None
    clone.extra = dict(project.extra)
    clone.indicators = [_carry_indicator(i) for i in project.indicators]
    clone.raw = {} if keep_amounts else dict.fromkeys(MONEY_FIELDS)
    clone.funding = dict(project.funding) if keep_amounts else {}      # funding by level: money too
    if not keep_amounts:
        for f in MONEY_FIELDS:
            setattr(clone, f, ZERO)
    return clone


def _notes(old: Filing, new: Filing, keep_amounts: bool) -> list[str]:
    n_ind = sum(len(p.indicators) for p in new.projects)
    notes = [f"预算年度：{old.year or '（未填）'} → {new.year}",
             f"已带入 {len(new.projects)} 个项目、{n_ind} 个绩效指标及全部绩效目标"]
    if old.year and new.year <= old.year:
        notes.append(f"注意：新的预算年度 {new.year} 不晚于原预算年度 {old.year}")
    if keep_amounts:
        notes.append("金额已按上年保留，请按本年度预算修改")
    else:
        notes.append("金额已清空（留空待填）：请按本年度预算填写各项目金额；资金使用单位小计和合计留空即按项目汇总")
    for p in new.projects:                  # a 实施期 still running (an ended one: YR002 below)
        years = p.period_years()
        if years and years[0] < new.year <= years[1]:
            notes.append(f"实施期沿用上年：「{p.name}」的实施期「{p.period}」始于 {years[0]} 年：跨年度延续的项目不用改；"
                         f"新一期请改为 {new.year} 年度的起止时间，绩效目标和指标值中的日期一并修改")
    if old.orphan_indicators:
        names = "、".join(sorted({i.project or "（空）" for i in old.orphan_indicators}))
        notes.append(f"有 {len(old.orphan_indicators)} 个绩效指标找不到所属项目（项目名称：{names}），"
                     "未能带入，请在新表中补填")
    return notes


def _finding_notes(findings: list[Finding]) -> list[str]:
    """One line per finding, in the order: finished projects, names, targets, dates."""
    order = {"YR002": 0, "YR001": 1, "YR003": 2, "VAL010": 3}
    heads = {"YR002": "实施期已结束的项目（未删除，请确认）", "YR001": "项目名称中的年份需要核对",
             "YR003": "绩效目标中的往年年份需要核对", "VAL010": "日期不在新预算年度内的指标值"}
    lines = []
    for f in sorted(findings, key=lambda f: order.get(f.code, 9)):
        where = f"「{f.project}」" + (f"第 {f.indicator_no} 个指标" if f.indicator_no else "")
        lines.append(f"{heads.get(f.code, f.code)}：{where}：{f.message}")
    return lines
