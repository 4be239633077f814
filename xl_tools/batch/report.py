"""The review workbook and the JSON form of a batch.

Sheets: 汇总 (a title line — folders, files, years, run date — the consolidation of each year and every
version conflict, then one row per file), 问题明细 (every finding with its file, errors first, then by
unit, file and cell; a copy of a counted filing lists only what differs and one row "同「…」"; a file that
could not be read is one FILE001 error, counted the same way everywhere), 合并公开表YYYY年 (one
consolidated table per budget year, see ``consolidation``; a 来源文件 column names the files behind every
unit row; a placeholder 合并公开表 says why there is none), 合并来源 (every file and unit: counted,
duplicate, conflicting or not counted, and why, with its amounts and a counted total per year), 规则统计
(findings by rule with its Chinese title, and by rule family with a native bar chart in the tool's
colours) and 单位统计 (by year and unit × family); the statistics count each filing once. A text names a
sheet only when it exists. Every sheet prints on A4 landscape, one page wide, with its header row
repeated; the workbook carries xl-tools' mark (``outputmark``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .. import catalogue, outputmark
from .. import reportbook as rb
from ..catalogue import family_name, family_of
from ..errors import XlToolsError
from ..findings import ERROR, INFO, SEVERITY_ORDER, SEVERITY_ZH, WARNING
from ..model import MONEY_FIELDS
from ..money import fmt_money
from ..ooxml.charts import BarChart, Series
from ..publish import render, table_sheet
from ..publish.table import TableLayout, with_column
from .columns import JSON_SCHEMA
from .consolidation import (
    CONFLICT,
    COUNTED,
    Consolidation,
    causes_text,
    consolidate,
    counted_once,
    rule_pivot,
    severity_pivot,
    unit_family_pivot,
)
from .core import STATUS_BROKEN, STATUS_ERRORS, STATUS_INTERNAL, STATUS_SKIPPED, STATUS_WARNINGS, BatchReport
from .previous import COMMENT, STATE_SHEET, Previous, comment_key, since_last, state_rows
from .provenance import in_unit_format, write_sources, write_submissions
from .submissions import summary_line

SHEET_SUMMARY = "汇总"
SHEET_FINDINGS = "问题明细"
SHEET_CONSOLIDATED = "合并公开表"          # + "2024年": one per budget year
SHEET_SOURCES = "合并来源"
SHEET_RULES = "规则统计"
SHEET_UNITS = "单位统计"
SHEET_SUBMISSIONS = "报送情况"
SOURCE_HEADER = "来源文件（审核用）"

MONEY_FORMAT = rb.MONEY_FORMAT
rule_family = family_of                  # AMT001 → AMT (xl_tools.catalogue)


def consolidated_sheet_name(year: int) -> str:
    return f"{SHEET_CONSOLIDATED}{year}年"


def year_of(value) -> int | None:
    """A year cell of the slices frame (nullable Int64) as a plain int or None."""
    return None if pd.isna(value) else int(value)


# ------------------------------------------------------------------------------------------------- texts

def page_title(report: BatchReport) -> str:
    """The short line at the top of every printed page."""
    return f"xl-tools 批量审核结果　{len(report.results)} 个文件　审核时间：{report.started or '（未记录）'}"


def review_title(report: BatchReport) -> str:
    """The first line of the review workbook: what was reviewed, which years, when."""
    years = sorted({r.year for r in report.results if r.year})
    inputs = "、".join(report.inputs) or "（未记录）"
    return (f"xl-tools 批量审核结果　审核对象：{inputs}（{len(report.results)} 个文件）　"
            f"预算年度：{'、'.join(f'{y}年' for y in years) or '不明'}　审核时间：{report.started or '（未记录）'}")


def consolidation_lines(cons: Consolidation, previous: Previous | None = None) -> list[tuple[str, str | None]]:
    """What the consolidation did, each line with a colour kind (None, warning, error): the scope, how
    it was found, the table of the year under review, what was not counted, whether every file was
    reviewed, who filed (报送情况), the versions replaced and every version conflict. The terminal prints
    the same lines as the 汇总 sheet; a sheet is named only when it exists."""
    lines: list[tuple[str, str | None]] = []
    if cons.scope.describe():
        lines.append((cons.scope.describe(), None))
    lines.extend((note, WARNING) for note in cons.notes)
    year = cons.year
    rest = causes_text(cons.slices)
    where = f"（见「{SHEET_SOURCES}」）"
    if year is None:
        lines.append(("没有可归入任何年度的填报，未生成合并公开表" + (f"：{rest}{where}" if rest else ""), ERROR))
    elif cons.has_table(year):
        t = cons.table(year)
        lines.append((f"{year}年合并：{t.department or '（部门名称未填）'}，{len(t.filing.units)} 个单位，"
                      f"{len(t.filing.projects)} 个项目，合计 {t.filing.total:,.2f} {t.filing.money_unit or '万元'}（见「{consolidated_sheet_name(year)}」）"
                      + (f"；未计入：{rest}{where}" if rest else ""), None))
    else:
        lines.append((f"{year}年没有计入的文件，未生成合并公开表" + (f"；{rest}{where}" if rest else ""), ERROR))
    if cons.interrupted:
        lines.append((f"注意：{len(cons.interrupted)} 个文件未能审核完毕（内部错误：{'、'.join(cons.interrupted[:5])}"
                      + ("等" if len(cons.interrupted) > 5 else "") + "），合并结果不完整，不能作为正式合并表", ERROR))
    if cons.submissions:
        line = summary_line(cons.submissions, year, cons.scope.has_list) + f"（见「{SHEET_SUBMISSIONS}」）"
        lines.append((line, ERROR if cons.missing() else None))
    changes = since_last(cons, previous)
    if changes:
        again = [u for u, t in changes.items() if t.startswith("已重新报送")]
        waiting = [u for u, t in changes.items() if t.startswith("未重新报送")]
        absent = [u for u, t in changes.items() if t.startswith("仍未报送")]      # never sent: nothing sent back
        lines.append((f"与上次审核（{previous.started or previous.path}）相比：重新报送 {len(again)} 个单位"
                      + (f"（{'、'.join(again)}）" if again else "") + f"，退回后尚未重新报送 {len(waiting)} 个"
                      + (f"（{'、'.join(waiting)}）" if waiting else "")
                      + (f"，仍未报送 {len(absent)} 个（{'、'.join(absent)}）" if absent else "")
                      + f"（见「{SHEET_SUBMISSIONS}」）", WARNING if waiting or absent else None))
    if cons.versions:
        lines.append((f"版本：{len(cons.versions)} 个单位报送了多个版本，"
                      + ("按审核人指定或" if any(v.pinned for v in cons.versions) else "")
                      + f"按文件时间采用最新的（见「{SHEET_SOURCES}」）", None))
    lines.extend((f"{CONFLICT}：{c.text}", ERROR) for c in cons.conflicts)
    return lines


def version_lines(cons: Consolidation, limit: int = 20) -> list[str]:
    """One line per unit whose versions were decided (for the terminal): which file, which replaced."""
    out = [f"版本：{v.text}" for v in cons.versions[:limit]]
    if len(cons.versions) > limit:
        out.append(f"……另有 {len(cons.versions) - limit} 个单位有多个版本，见「{SHEET_SOURCES}」")
    return out


# ------------------------------------------------------------------------------------------------- JSON

def _m(value: Decimal | None) -> str | None:
    """Money in JSON: a string with exactly two decimals (docs/MODEL.md), None when there is none."""
    return None if value is None or pd.isna(value) else fmt_money(value)


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
               "unit": r.unit, "unit_name": r.unit_name, "file": r.file, "kind": r.kind, "projects": int(r.projects),
               **{f: _m(getattr(r, f)) for f in MONEY_FIELDS}, "decision": r.decision, "cause": r.cause or None,
               "reason": r.reason, "same_as": r.same_as, "stamp": r.stamp or None, "stamp_source": r.stamp_source or None}
              for r in cons.slices.itertuples()]
    conflicts = [{"year": c.year, "department": c.department, "unit": c.unit, "files": c.files,
                  "message": c.text} for c in cons.conflicts]
    versions = [{"year": v.year, "unit": v.unit, "kept": v.kept, "kept_stamp": v.kept_stamp, "pinned": v.pinned,
                 "replaced": [{"file": f, "stamp": t, "changes": c} for f, t, c in v.replaced], "message": v.text}
                for v in cons.versions]
    scope = cons.scope
    return {"scope": {"department": scope.department, "year": scope.year, "year_inferred": scope.year_inferred,
                      "units": scope.units, "unit_list": scope.unit_list},
            "notes": cons.notes, "complete": cons.complete, "interrupted": cons.interrupted,
            "include_errors": cons.include_errors, "counts": cons.counts(), "conflicts": conflicts,
            "versions": versions,
            "submissions": [{"year": sub.year, "unit": sub.unit, "status": sub.status, "files": sub.files,
                             "note": sub.note or None} for sub in cons.submissions],
            "tables": tables, "files": slices}


def failed(report: BatchReport, cons: Consolidation) -> bool:
    """The batch exits 1: a file has errors or could not be read, versions of a unit conflict, or an
    expected unit is not counted."""
    return report.failed or bool(cons.conflicts) or bool(cons.missing())


def report_to_json(report: BatchReport, cons: Consolidation | None = None) -> dict:
    cons = cons or consolidate(report)
    return {"schema": JSON_SCHEMA, "title": review_title(report),
            "summary": {**report.summary(), "conflicts": len(cons.conflicts), "failed": failed(report, cons)},
            "files": [{"file": r.file, "path": r.path, "kind": r.kind, "status": r.status, "unit": r.unit,
                       "department": r.department, "year": r.year, "projects": r.projects,
                       "indicators": r.indicators, "total": _m(r.total),
                       "money_unit": (r.filing.money_unit or "万元") if r.filing is not None else None,
                       "errors": r.errors, "warnings": r.warnings, "infos": r.infos,
                       "worst_rule": r.worst_rule or None, "error": r.error,
                       "findings": [f.to_json() for f in r.findings]}
                      for r in report.results],
            "consolidation": consolidation_to_json(cons)}


# --------------------------------------------------------------------------------------------- sheets

_STATUS_KIND = {STATUS_ERRORS: ERROR, STATUS_BROKEN: ERROR, STATUS_INTERNAL: ERROR, STATUS_WARNINGS: WARNING,
                STATUS_SKIPPED: INFO}
NOT_CONSOLIDATED = "不参与合并（xl-tools 自己的输出）"
SUMMARY_HEADERS = ("单位", "文件", "项目数", "合计", "错误", "警告", "提示", "最严重规则", "状态", "说明", "部门",
                   "预算年度", "合并情况", COMMENT)
FINDING_HEADERS = ("文件", "单位", "级别", "规则", "工作表", "单元格", "项目", "指标序号", "问题", "建议", COMMENT)


def _decisions(cons: Consolidation) -> dict[str, str]:
    """file → what the consolidation did with it (one line per unit slice when they differ)."""
    out: dict[str, list[str]] = {}
    for r in cons.slices.itertuples():
        text = r.decision + (f"：{r.reason}" if r.reason else "")
        out.setdefault(r.file, [])
        if text not in out[r.file]:
            out[r.file].append(text)
    return {f: "\n".join(v) for f, v in out.items()}


def _unit_comments(cons: Consolidation, previous: Previous | None) -> dict[str, str]:
    """file → the reviewer's comment on its unit, carried from the previous review onto the row of the
    file it was written on."""
    if previous is None or not previous.unit_comments:
        return {}
    return {previous.commented_files[key]: text for key, text in previous.unit_comments.items()
            if key in previous.commented_files}


def _money_format(r) -> str:
    """合计 as the file states it, with its unit: a 四川 filing's 元 beside others' 万元 is not read as 万元."""
    return in_unit_format(r.filing.money_unit if r.filing is not None else "")


def _write_summary(ws, report: BatchReport, cons: Consolidation, previous: Previous | None) -> None:
    """A title line (files, years, date), the consolidation per year and every version conflict, then
    one row per file, with a column 审核意见 the reviewer fills in (carried from the previous review)."""
    widths = (26, 30, 7, 17, 6, 6, 6, 10, 9, 36, 22, 8, 40, 30)
    ws.widths.update(enumerate(widths, start=1))
    top = rb.title_block(ws, [review_title(report), *consolidation_lines(cons, previous)], len(widths))
    rb.header(ws, SUMMARY_HEADERS, row=top)
    decided = _decisions(cons)
    comments = _unit_comments(cons, previous)
    for row, r in enumerate(report.results, start=top + 1):
        ws.append([r.unit, r.file, r.projects if r.readable else None, r.total, r.errors, r.warnings,
                   r.infos, r.worst_rule, r.status, r.error or "", r.department, r.year,
                   NOT_CONSOLIDATED if r.skipped else decided.get(r.file, ""), comments.get(r.file)])
        ws.style(row, 4, number_format=_money_format(r))
        if r.status in _STATUS_KIND:
            rb.paint(ws, row, 9, _STATUS_KIND[r.status])
    rb.fit_rows(ws, top + 1)
    if report.results:
        ws.autofilter = (top, 1, ws.max_row, len(widths))
    rb.print_setup(ws, title_rows=top, page_title=page_title(report))


def _same(f) -> tuple:
    return (f.code, f.sheet, f.cell, f.message)


def finding_rows(report: BatchReport, cons: Consolidation, previous: Previous | None = None) -> list[list]:
    """The rows of 问题明细: every finding once per filing — a copy of a counted file (重复) lists only
    what differs from it, then one row "同「…」" — sorted errors first (then warnings, infos), then by
    unit, file and cell; the copies' rows last. The last column is the reviewer's comment carried from
    the previous review (``previous``), matched by unit, rule, place and project."""
    copies = cons.duplicates_of()
    by_file = {r.file: r for r in report.results}
    rows, notes = [], []
    for r in report.results:
        findings = r.findings
        if r.file in copies:
            kept = by_file[copies[r.file]]
            seen = {_same(f) for f in kept.findings}
            findings = [f for f in r.findings if _same(f) not in seen]
            same = len(r.findings) - len(findings)
            notes.append(((r.unit, r.file), [r.file, r.unit, None, None, None, None, None, None,
                                             f"同「{kept.file}」：同一份填报，只计一次"
                                             + (f"；其余 {same} 条问题与该文件相同，不再重复列出" if same else ""),
                                             None, None]))
        unit_of = _units_of_projects(r)
        for f in findings:
            unit = unit_of(f) or r.unit                 # the finding's own unit
            key = (SEVERITY_ORDER[f.severity], unit, r.file, f.sheet or "", f.row or f.line or 0, f.column or 0, f.code)
            said = (previous.comment(comment_key(cons.scope.unit_key(unit), f.code, f.sheet, f.cell, f.project))
                    if previous else None)
            rows.append((key, [r.file, unit, f.severity_zh, f.code, f.sheet, f.cell, f.project, f.indicator_no,
                               f.message, f.suggestion, said]))
    rows.sort(key=lambda kv: kv[0])
    notes.sort(key=lambda kv: kv[0])
    return [v for _k, v in rows] + [v for _k, v in notes]


def _units_of_projects(r):
    """finding → the unit of the project it is about (as the filing's unit table spells it), or None: told
    by the finding's row on 项目 or 绩效指标, else by the project's name when one project has it (two
    units may each have a project of that name)."""
    if r.filing is None:
        return lambda f: None
    by_name: dict[str, set[str]] = {}
    by_row: dict[tuple[str, int], str] = {}
    for p, unit in zip(r.filing.projects, r.filing.units_of_projects()):
        by_name.setdefault(p.name, set()).add(unit)
        rows = [p.origin, *(i.origin for i in p.indicators)]
        by_row.update({(o.sheet, o.row): unit for o in rows if o is not None})

    def unit_of(f) -> str | None:
        if not f.project:
            return None
        if f.at is not None and (f.sheet, f.at.row) in by_row:
            return by_row[(f.sheet, f.at.row)] or None
        units = by_name.get(f.project, set())
        return next(iter(units)) or None if len(units) == 1 else None
    return unit_of


_ZH_SEVERITY = {v: k for k, v in SEVERITY_ZH.items()}


def _write_findings(ws, report: BatchReport, cons: Consolidation, previous: Previous | None) -> None:
    rb.header(ws, FINDING_HEADERS, (26, 22, 6, 8, 10, 8, 28, 6, 60, 40, 30))
    for values in finding_rows(report, cons, previous):
        row = ws.append(values)
        if values[2] in _ZH_SEVERITY:
            rb.paint(ws, row, 3, _ZH_SEVERITY[values[2]])
        else:
            rb.paint(ws, row, 9, WARNING)
    rb.fit_rows(ws, 2)
    if ws.max_row > 1:
        ws.autofilter = (1, 1, ws.max_row, ws.max_column)
    rb.print_setup(ws, page_title=page_title(report))


SOURCE_WIDTH = 34.0                        # column H, beside the official table's seven columns


def _source_text(kind: str, unit, table, year_slices) -> str | None:
    """What column H says on a row of the given kind (``publish.table.with_column``): its caption, the
    files counted, each unit's files (and its mark)."""
    if kind == "header":
        return SOURCE_HEADER
    if kind == "total":
        counted = year_slices[year_slices.decision == COUNTED]
        rest = causes_text(year_slices)
        return f"计入 {counted.file.nunique()} 个文件" + (f"；本年度另有{rest}，见「{SHEET_SOURCES}」" if rest else "")
    if kind == "unit":
        return "；".join(table.sources.get(unit, [])) + (f"（{table.marked[unit]}）" if unit in table.marked else "")
    return None


def consolidated_layout(table, cons: Consolidation) -> TableLayout:
    """The official layout of the year's consolidated filing (``publish.table.render``, the one 公开表
    renderer) widened by a 来源文件 column (H, ``publish.table.with_column``): the files behind the table
    and behind each unit row; a unit counted only on request (``--include-errors``) is marked red with
    its reason."""
    year_slices = cons.slices[cons.slices.year == table.year]
    return with_column(render(table.filing), lambda kind, unit: _source_text(kind, unit, table, year_slices),
                       SOURCE_WIDTH, marked=table.marked, mark=rb.COLOURS[ERROR])


def _write_no_table(ws, report: BatchReport, cons: Consolidation) -> None:
    """The placeholder when no year has a counted filing: why, and every conflict, by name."""
    ws.widths[1] = 120
    lines = [(f"没有可合并的文件：{causes_text(cons.slices) or '没有读到任何填报'}"
              f"（每个文件的情况见「{SHEET_SOURCES}」）", None),
             *((f"{CONFLICT}：{c.text}", ERROR) for c in cons.conflicts)]
    rb.title_block(ws, lines, 1)
    rb.print_setup(ws, title_rows=None, page_title=page_title(report))


RULE_WIDTHS = (11, 34, 7, 7, 7, 7)        # A code, B Chinese title, C..F counts by severity
FAMILY_COL = 8                            # H: the family table, right of the rule table
FAMILY_WIDTHS = (8, 14, 7, 7, 7, 7)
CHART_COLS = 11                           # columns of default width the chart covers
ROW_CM = 0.53                             # a default 15-point row

ONCE_NOTE = "按填报统计：同一份填报的重复文件（见「合并来源」）只计一次，xl-tools 自己的输出不计"


def _counts(ws, row: int, col: int, first: list, table_row) -> None:
    values = [*first, *(int(table_row[k]) for k in (ERROR, WARNING, INFO, "all"))]
    for c, value in enumerate(values, start=col):
        ws.set(row, c, value, rb.BOXED)


def _write_rules(ws, report: BatchReport, cons: Consolidation) -> None:
    """Each filing counted once. Findings by rule (code, Chinese title, counts by severity: errors first)
    — the sheet's table, its header repeated on every printed page — and, beside it, by rule family
    (Chinese name and code) with a stacked bar chart in the tool's colours."""
    results = counted_once(report, cons)
    ws.widths.update(enumerate(RULE_WIDTHS, start=1))
    top = rb.title_block(ws, [ONCE_NOTE], len(RULE_WIDTHS))
    rb.header(ws, ("规则", "名称", "错误", "警告", "提示", "合计"), row=top)
    for k, (code, row) in enumerate(rule_pivot(results).iterrows(), start=top + 1):
        _counts(ws, k, 1, [code, catalogue.info(code).title], row)
    rb.fit_rows(ws, top + 1, ncols=len(RULE_WIDTHS))
    families = severity_pivot(results, rule_family)
    rb.header(ws, ("代码", "规则类别", "错误", "警告", "提示", "合计"), FAMILY_WIDTHS, row=top, freeze=False,
              col=FAMILY_COL)
    for k, (fam, row) in enumerate(families.iterrows(), start=top + 1):
        _counts(ws, k, FAMILY_COL, [fam, family_name(fam)], row)
    ncols = FAMILY_COL + len(FAMILY_WIDTHS) - 1
    below = ws.max_row
    if not families.empty:
        last = top + len(families)
        chart = _chart(top, last, len(families))
        ws.charts.append(chart)
        ncols = max(ncols, FAMILY_COL + CHART_COLS - 1)
        below = max(below, last + 2 + int(chart.height_cm / ROW_CM) + 1)   # the chart's last row, on the safe side
    rb.print_setup(ws, title_rows=top, ncols=ncols, page_title=page_title(report))
    ws.print_area = (1, 1, below, ncols)                          # the print area reaches below the chart


def _write_units(ws, report: BatchReport, cons: Consolidation) -> None:
    """Findings by budget year and unit × rule family, each filing counted once: one row per unit and
    year (years are never mixed), its header repeated on every printed page."""
    results = counted_once(report, cons)
    pivot = unit_family_pivot(results, rule_family)
    fams = list(pivot.columns)
    widths = (8, 30, *(8 for _ in fams), 8)
    ws.widths.update(enumerate(widths, start=1))
    top = rb.title_block(ws, [ONCE_NOTE], len(widths))
    rb.header(ws, ("预算年度", "单位", *(family_name(f) for f in fams), "合计"), row=top)
    for (year, unit), row in pivot.iterrows():
        ws.append([year, unit, *(int(row[f]) or None for f in fams), int(row.sum())])
    rb.fit_rows(ws, top + 1, ncols=len(widths))
    rb.print_setup(ws, title_rows=top, ncols=len(widths), page_title=page_title(report))


def _chart(top: int, last: int, families: int) -> BarChart:
    """Findings by rule family as stacked bars in the tool's colours (errors, warnings, infos), the
    families' Chinese names on the category axis, below the family table."""
    first = FAMILY_COL + 2                                   # the 错误, 警告, 提示 columns
    series = tuple(Series((top, first + k), (top + 1, first + k, last), *rb.COLOURS[kind])
                   for k, kind in enumerate((ERROR, WARNING, INFO)))
    return BarChart("按规则类别的问题数", categories=(top + 1, FAMILY_COL + 1, last), series=series,
                    anchor=(last + 2, FAMILY_COL), width_cm=18, height_cm=max(7.5, 1.2 * families + 3),
                    x_title="规则类别", y_title="条数")


def write_review_xlsx(report: BatchReport, path: str | Path, cons: Consolidation | None = None,
                      previous: Previous | None = None) -> Path:
    """Write the review workbook atomically, marked as xl-tools' own; XlToolsError when it cannot be
    written. ``previous``: the last review, whose comments are carried and against which 报送情况 says
    what changed; the units' states are kept in a hidden sheet for the next review."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise XlToolsError("审核结果文件的扩展名应为 .xlsx", file=str(path))
    cons = cons or consolidate(report)
    book = rb.Book()
    _write_summary(book.sheet(SHEET_SUMMARY), report, cons, previous)
    _write_findings(book.sheet(SHEET_FINDINGS), report, cons, previous)
    for table in cons.tables:
        book.add(table_sheet(consolidated_layout(table, cons), consolidated_sheet_name(table.year)))
    if not cons.tables:
        _write_no_table(book.sheet(SHEET_CONSOLIDATED), report, cons)
    table_sheet_name = consolidated_sheet_name(cons.year) if cons.has_table(cons.year) else None
    if cons.submissions:
        write_submissions(book.sheet(SHEET_SUBMISSIONS), cons, page_title(report), previous)
    write_sources(book.sheet(SHEET_SOURCES), cons, table_sheet_name, page_title(report))
    _write_rules(book.sheet(SHEET_RULES), report, cons)
    _write_units(book.sheet(SHEET_UNITS), report, cons)
    state = book.sheet(STATE_SHEET)
    state.hidden = True
    for row in state_rows(cons, report.started):
        state.append(row)
    return rb.save(book, path, outputmark.REVIEW)
