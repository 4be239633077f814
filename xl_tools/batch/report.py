"""The review workbook and the JSON form of a batch.

Sheets: 汇总 (one row per file), 问题明细 (every finding with its file; a file that could not be read is
one FILE001 error, counted the same way everywhere), 合并公开表YYYY年 (one consolidated table per budget
year, see ``consolidation``; a 来源文件 column names the files behind every unit row), 合并来源 (every file
and unit: counted, duplicate or not counted, and why, with its amounts and a counted total per year) and
规则统计 (findings by rule family with a native bar chart in the tool's colours, by rule, and by unit).
Every sheet prints on A4 landscape, one page wide, with its header rows repeated.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .. import reportbook as rb
from .. import textfit
from ..catalogue import family_name, family_of
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..findings import ERROR, INFO, WARNING
from ..model import MONEY_FIELDS, MONEY_LABELS
from ..money import ZERO
from ..publish.table import NCOLS, render
from ..publish.xlsx import apply_layout
from .consolidation import COUNTED, DUPLICATE, EXCLUDED, Consolidation, consolidate, severity_pivot, unit_family_pivot
from .core import STATUS_BROKEN, STATUS_ERRORS, STATUS_INTERNAL, STATUS_WARNINGS, BatchReport

SHEET_SUMMARY = "汇总"
SHEET_FINDINGS = "问题明细"
SHEET_CONSOLIDATED = "合并公开表"          # + "2024年": one per budget year
SHEET_SOURCES = "合并来源"
SHEET_RULES = "规则统计"
SOURCE_HEADER = "来源文件（审核用）"

KIND_ZH = {"workbook": "工作簿", "import": "公开表"}
MONEY_FORMAT = rb.MONEY_FORMAT
rule_family = family_of                  # AMT001 → AMT (xl_tools.catalogue)


def family_label(family: str) -> str:
    """金额（AMT）: the Chinese name a reader understands, with the code a script can match."""
    return f"{family_name(family)}（{family}）"


def consolidated_sheet_name(year: int) -> str:
    return f"{SHEET_CONSOLIDATED}{year}年"


def year_of(value) -> int | None:
    """A year cell of the slices frame (nullable Int64) as a plain int or None."""
    return None if pd.isna(value) else int(value)


# ------------------------------------------------------------------------------------------------- JSON

def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def consolidation_to_json(cons: Consolidation) -> dict:
    tables = []
    for t in cons.tables:
        tables.append({"year": t.year, "department": t.department, "departments": t.departments,
                       "total": _m(t.filing.total),
                       "units": [{"unit": u.name, **{f: _m(getattr(u, f)) for f in MONEY_FIELDS},
                                  "files": t.sources.get(u.name, []), "mark": t.marked.get(u.name)}
                                 for u in t.filing.units],
                       "projects": len(t.filing.projects)})
    slices = [{"year": year_of(r.year), "department": r.department,
               "unit": r.unit, "file": r.file, "kind": r.kind, "projects": int(r.projects),
               **{f: _m(getattr(r, f)) for f in MONEY_FIELDS}, "decision": r.decision, "reason": r.reason,
               "same_as": r.same_as}
              for r in cons.slices.itertuples()]
    return {"include_errors": cons.include_errors, "tables": tables, "files": slices}


def report_to_json(report: BatchReport, cons: Consolidation | None = None) -> dict:
    cons = cons or consolidate(report)
    return {"summary": {**report.summary(), "failed": report.failed},
            "files": [{"file": r.file, "path": r.path, "kind": r.kind, "status": r.status, "unit": r.unit,
                       "department": r.department, "year": r.year, "projects": r.projects,
                       "indicators": r.indicators, "total": None if r.total is None else str(r.total),
                       "errors": r.errors, "warnings": r.warnings, "infos": r.infos,
                       "worst_rule": r.worst_rule or None, "error": r.error,
                       "findings": [f.to_json() for f in r.findings]}
                      for r in report.results],
            "consolidation": consolidation_to_json(cons)}


# --------------------------------------------------------------------------------------------- sheets

_STATUS_KIND = {STATUS_ERRORS: ERROR, STATUS_BROKEN: ERROR, STATUS_INTERNAL: ERROR, STATUS_WARNINGS: WARNING}
_DECISION_KIND = {EXCLUDED: ERROR, DUPLICATE: WARNING}


def _decisions(cons: Consolidation) -> dict[str, str]:
    """file → what the consolidation did with it (one line per unit slice when they differ)."""
    out: dict[str, list[str]] = {}
    for r in cons.slices.itertuples():
        text = r.decision + (f"：{r.reason}" if r.reason else "")
        out.setdefault(r.file, [])
        if text not in out[r.file]:
            out[r.file].append(text)
    return {f: "\n".join(v) for f, v in out.items()}


def _write_summary(ws, report: BatchReport, cons: Consolidation) -> None:
    rb.header(ws, ("单位", "文件", "项目数", "合计", "错误", "警告", "提示", "最严重规则", "状态", "说明", "部门",
                   "预算年度", "合并情况"), (26, 30, 7, 13, 6, 6, 6, 10, 9, 36, 22, 8, 40))
    decided = _decisions(cons)
    for r in report.results:
        ws.append([r.unit, r.file, r.projects if r.readable else None, r.total, r.errors, r.warnings,
                   r.infos, r.worst_rule, r.status, r.error or "", r.department, r.year, decided.get(r.file, "")])
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = MONEY_FORMAT
        if r.status in _STATUS_KIND:
            rb.paint(ws.cell(row=row, column=9), _STATUS_KIND[r.status])
    rb.fit_rows(ws, 2)
    if report.results:
        ws.auto_filter.ref = ws.dimensions
    rb.print_setup(ws)


def _write_findings(ws, report: BatchReport) -> None:
    rb.header(ws, ("文件", "单位", "级别", "规则", "工作表", "单元格", "项目", "指标序号", "问题", "建议"),
              (26, 22, 6, 8, 10, 8, 28, 6, 60, 40))
    for r in report.results:
        for f in r.findings:
            ws.append([r.file, r.unit, f.severity_zh, f.code, f.sheet, f.cell, f.project, f.indicator_no,
                       f.message, f.suggestion])
            rb.paint(ws.cell(row=ws.max_row, column=3), f.severity)
    rb.fit_rows(ws, 2)
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    rb.print_setup(ws)


def _write_consolidated(ws, table, cons: Consolidation) -> None:
    """The official layout of the year's consolidated filing, plus a 来源文件 column (H)."""
    layout = render(table.filing)
    apply_layout(ws, layout)
    col = NCOLS + 1
    ws.column_dimensions["H"].width = 34
    counted = cons.slices[(cons.slices.year == table.year) & (cons.slices.decision == COUNTED)]
    others = cons.slices[(cons.slices.year == table.year) & (cons.slices.decision != COUNTED)]
    for r, cells in enumerate(layout.rows, start=1):
        style = cells[0].style
        text = None
        if style == "header":
            text = SOURCE_HEADER
        elif style == "total_label":
            text = (f"计入 {counted.file.nunique()} 个文件；本年度另有 {len(others)} 项重复或未计入，"
                    f"见「{SHEET_SOURCES}」")
        elif style == "unit_label":
            unit = cells[0].value
            text = "；".join(table.sources.get(unit, []))
            if unit in table.marked:
                text += f"（{table.marked[unit]}）"
        if text is None:
            if r > 3:                            # the column is boxed like the table it belongs to
                ws.cell(row=r, column=col).border = rb.BOX
            continue
        cell = ws.cell(row=r, column=col, value=text)
        cell.border = rb.BOX
        cell.alignment = rb.HEADER_ALIGN if style == "header" else rb.WRAP
        cell.font = Font(name=layout.font, bold=style == "header", size=10)
        if style == "unit_label" and cells[0].value in table.marked:
            rb.paint(cell, ERROR)
            rb.paint(ws.cell(row=r, column=1), ERROR)
        need = textfit.row_points(textfit.count_lines(text, textfit.text_box_points(34), 10.0), 10.0)
        ws.row_dimensions[r].height = min(textfit.MAX_ROW_PT, max(ws.row_dimensions[r].height or 0, need))
    ws.print_area = f"A1:H{len(layout.rows)}"


def _write_sources(ws, cons: Consolidation) -> None:
    money = [MONEY_LABELS[f] for f in MONEY_FIELDS]
    rb.header(ws, ("预算年度", "部门", "单位", "文件", "类型", "项目数", *money, "合并情况", "说明"),
              (8, 22, 24, 28, 7, 7, 12, 12, 12, 12, 8, 50))
    df = cons.slices
    for year, group in df.groupby("year", dropna=False, sort=False):
        year = year_of(year)
        for r in group.itertuples():
            ws.append([year, r.department, r.unit,
                       r.file, KIND_ZH.get(r.kind, r.kind), r.projects,
                       *(getattr(r, f) for f in MONEY_FIELDS), r.decision, r.reason])
            row = ws.max_row
            for c in range(7, 11):
                ws.cell(row=row, column=c).number_format = MONEY_FORMAT
            if r.decision in _DECISION_KIND:
                rb.paint(ws.cell(row=row, column=11), _DECISION_KIND[r.decision])
        if year is None:
            continue
        counted = group[group.decision == COUNTED]
        ws.append([year, None, f"{year}年计入合计（= {consolidated_sheet_name(year)} 的合计）", None,
                   None, int(counted.projects.sum()), *(sum(counted[f], ZERO) for f in MONEY_FIELDS),
                   COUNTED, f"{len(counted)} 项计入"])
        row = ws.max_row
        for c in range(1, 13):
            ws.cell(row=row, column=c).font = rb.font(bold=True)
        for c in range(7, 11):
            ws.cell(row=row, column=c).number_format = MONEY_FORMAT
    rb.fit_rows(ws, 2)
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:L{ws.max_row}"
    rb.print_setup(ws)


CHART_ANCHOR_COL = 8                      # H: right of the family table
CHART_COLS = 11                           # columns H..R the chart covers (default widths)
ROW_CM = 0.53                             # a default 15-point row


def _write_rules(ws, report: BatchReport) -> None:
    """Findings by family (Chinese name and code), a stacked bar chart of it in the tool's colours,
    then findings by rule and the unit × family pivot, below the chart."""
    rb.header(ws, ("规则类别", "代码", "错误", "警告", "提示", "合计"), (16, 8, 8, 8, 8, 8))
    counts = severity_pivot(report, rule_family)
    for fam, row in counts.iterrows():
        ws.append([family_name(fam), fam, int(row[ERROR]), int(row[WARNING]), int(row[INFO]), int(row["all"])])
    last = ws.max_row
    chart_rows = 0
    if not counts.empty:
        chart = _chart(ws, last, len(counts))
        chart_rows = int(chart.height / ROW_CM) + 3
        ws.add_chart(chart, f"{get_column_letter(CHART_ANCHOR_COL)}2")
    by_rule = Counter(f.code for r in report.results for f in r.findings)
    start = max(last, chart_rows) + 3
    for c, text in enumerate(("规则", "条数"), start=1):
        ws.cell(row=start, column=c, value=text).font = rb.font(bold=True)
    for k, (code, n) in enumerate(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])), start=1):
        ws.cell(row=start + k, column=1, value=code)
        ws.cell(row=start + k, column=2, value=n)
    pivot = unit_family_pivot(report, rule_family)
    if not pivot.empty:
        top = ws.max_row + 3
        ws.cell(row=top, column=1, value="单位").font = rb.font(bold=True)
        for c, fam in enumerate(pivot.columns, start=2):
            ws.cell(row=top, column=c, value=family_label(fam)).font = rb.font(bold=True)
            ws.cell(row=top, column=c).alignment = Alignment(wrap_text=True)
        for k, (unit, row) in enumerate(pivot.iterrows(), start=1):
            ws.cell(row=top + k, column=1, value=unit).alignment = rb.WRAP
            for c, fam in enumerate(pivot.columns, start=2):
                ws.cell(row=top + k, column=c, value=int(row[fam]) or None)
    ncols = CHART_ANCHOR_COL + CHART_COLS - 1 if chart_rows else ws.max_column
    rb.print_setup(ws, ncols=max(ncols, ws.max_column))


def _chart(ws, last: int, families: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "按规则类别的问题数"
    chart.y_axis.title = "条数"
    chart.x_axis.title = "规则类别"
    chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))     # the Chinese names
    for series, kind in zip(chart.series, (ERROR, WARNING, INFO)):
        fill_rgb, line_rgb = rb.COLOURS[kind]
        series.graphicalProperties.solidFill = fill_rgb
        series.graphicalProperties.line.solidFill = line_rgb
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height = max(7.5, 1.2 * families + 3)
    chart.width = 18
    return chart


def write_review_xlsx(report: BatchReport, path: str | Path, cons: Consolidation | None = None) -> Path:
    """Write the review workbook atomically; XlToolsError when it cannot be written."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise XlToolsError("审核结果文件的扩展名应为 .xlsx", file=str(path))
    cons = cons or consolidate(report)
    wb = Workbook()
    summary = wb.active
    summary.title = SHEET_SUMMARY
    _write_summary(summary, report, cons)
    _write_findings(wb.create_sheet(SHEET_FINDINGS), report)
    for table in cons.tables:
        _write_consolidated(wb.create_sheet(consolidated_sheet_name(table.year)), table, cons)
    if not cons.tables:
        wb.create_sheet(SHEET_CONSOLIDATED)["A1"] = "没有可合并的文件（见「合并来源」：无法读取、年度不明或有错误）"
    _write_sources(wb.create_sheet(SHEET_SOURCES), cons)
    _write_rules(wb.create_sheet(SHEET_RULES), report)
    with atomic_target(path) as tmp:
        try:
            wb.save(tmp)
        except (OSError, ValueError) as exc:
            raise XlToolsError(f"保存失败：{exc}", file=str(path)) from None
    return path
