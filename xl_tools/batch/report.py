"""The review workbook (汇总, 问题明细, 合并公开表, 规则统计 with a native bar chart) and the JSON form."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from ..catalogue import family_name, family_of
from ..errors import XlToolsError
from ..findings import ERROR, INFO, SEVERITY_ZH, WARNING
from .core import (
    STATUS_BROKEN,
    STATUS_ERRORS,
    STATUS_INTERNAL,
    STATUS_WARNINGS,
    BatchReport,
    consolidated_filing,
)

SHEET_SUMMARY = "汇总"
SHEET_FINDINGS = "问题明细"
SHEET_CONSOLIDATED = "合并公开表"
SHEET_RULES = "规则统计"

MONEY_FORMAT = "#,##0.00"
UNREADABLE = "FILE001"          # the catalogue code of a file that could not be read


def _money(value):
    return float(value) if value is not None else None


def report_to_json(report: BatchReport) -> dict:
    return {"summary": {**report.summary(), "failed": report.failed},
            "files": [{"file": r.file, "path": r.path, "kind": r.kind, "status": r.status, "unit": r.unit,
                       "department": r.department, "year": r.year, "projects": r.projects,
                       "indicators": r.indicators, "total": None if r.total is None else str(r.total),
                       "errors": r.errors, "warnings": r.warnings, "infos": r.infos,
                       "worst_rule": r.worst_rule or None, "error": r.error,
                       "findings": [f.to_json() for f in r.findings]}
                      for r in report.results]}


def family_counts(report: BatchReport) -> dict[str, Counter]:
    """family -> Counter(severity); an unreadable file counts once as FILE001 (error)."""
    out: dict[str, Counter] = {}
    for r in report.results:
        if not r.readable:
            out.setdefault(family_of(UNREADABLE), Counter())[ERROR] += 1
        for f in r.findings:
            out.setdefault(family_of(f.code), Counter())[f.severity] += 1
    return dict(sorted(out.items(), key=lambda kv: -sum(kv[1].values())))


def _header(ws, headers, widths):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    ws.append(list(headers))
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, w in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=c)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"


def _write_summary(ws, report: BatchReport) -> None:
    from openpyxl.styles import PatternFill
    _header(ws, ("单位", "文件", "项目数", "合计", "错误", "警告", "提示", "最严重规则", "状态", "说明"),
            (30, 40, 8, 14, 8, 8, 8, 12, 10, 60))
    colours = {STATUS_ERRORS: "F8CBAD", STATUS_BROKEN: "F4B084", STATUS_INTERNAL: "F4B084",
               STATUS_WARNINGS: "FFE699"}
    for r in report.results:
        ws.append([r.unit, r.file, r.projects if r.readable else None, _money(r.total), r.errors, r.warnings,
                   r.infos, r.worst_rule, r.status, r.error or ""])
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = MONEY_FORMAT
        if r.status in colours:
            ws.cell(row=row, column=9).fill = PatternFill("solid", fgColor=colours[r.status])
    if report.results:
        ws.auto_filter.ref = ws.dimensions


def _write_findings(ws, report: BatchReport) -> None:
    _header(ws, ("文件", "单位", "级别", "规则", "工作表", "单元格", "项目", "指标序号", "问题", "建议"),
            (40, 30, 8, 10, 14, 10, 36, 9, 70, 50))
    for r in report.results:
        if not r.readable:
            ws.append([r.file, r.unit, SEVERITY_ZH[ERROR], UNREADABLE, None, None, None, None, r.error, ""])
        for f in r.findings:
            ws.append([r.file, r.unit, f.severity_zh, f.code, f.sheet, f.cell, f.project, f.indicator_no,
                       f.message, f.suggestion])
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _write_rules(ws, report: BatchReport) -> None:
    from openpyxl.chart import BarChart, Reference
    _header(ws, ("规则类别", "说明", "错误", "警告", "提示", "合计"), (12, 16, 8, 8, 8, 8))
    counts = family_counts(report)
    for fam, c in counts.items():
        row = ws.max_row + 1
        ws.append([fam, family_name(fam), c[ERROR], c[WARNING], c[INFO], f"=SUM(C{row}:E{row})"])
    by_rule = Counter((r_code for r in report.results for r_code in (f.code for f in r.findings)))
    start = ws.max_row + 3
    ws.cell(row=start, column=1, value="规则")
    ws.cell(row=start, column=2, value="条数")
    for k, (code, n) in enumerate(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])), start=1):
        ws.cell(row=start + k, column=1, value=code)
        ws.cell(row=start + k, column=2, value=n)
    if not counts:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "按规则类别的问题数"
    chart.y_axis.title = "条数"
    chart.x_axis.title = "规则类别"
    last = 1 + len(counts)
    chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.height = max(7.5, 1.2 * len(counts) + 3)
    chart.width = 18
    ws.add_chart(chart, "H2")


def write_review_xlsx(report: BatchReport, path: str | Path) -> Path:
    """Write the review workbook atomically; XlToolsError when it cannot be written."""
    from openpyxl import Workbook

    from ..fileio import atomic_target
    from ..publish.table import render
    from ..publish.xlsx import write_table_sheet
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise XlToolsError("审核结果文件的扩展名应为 .xlsx", file=str(path))
    wb = Workbook()
    summary = wb.active
    summary.title = SHEET_SUMMARY
    _write_summary(summary, report)
    _write_findings(wb.create_sheet(SHEET_FINDINGS), report)
    public = wb.create_sheet(SHEET_CONSOLIDATED)      # generated below by the 公开表's own writer
    merged = consolidated_filing(report)
    if not merged.projects:
        public["A1"] = "没有可合并的文件（全部文件都无法读取）"
    _write_rules(wb.create_sheet(SHEET_RULES), report)
    with atomic_target(path) as tmp:
        try:
            if merged.projects:
                buf = io.BytesIO()
                wb.save(buf)
                write_table_sheet(buf, tmp, render(merged), SHEET_CONSOLIDATED)
            else:
                wb.save(tmp)
        except (OSError, ValueError) as exc:
            raise XlToolsError(f"保存失败：{exc}", file=str(path)) from None
    return path
