"""The 校验结果 sheet: one row per finding, errors first, with a link to the cell and a summary line."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ..findings import SEVERITY_ZH, Finding, summarize
from ..model import Filing
from ..publish.table import PageSetup
from ..schema import DRAFT_MARK, SHEET_INDICATORS, SHEET_RESULTS
from ..textfit import BOLD_WIDER, RowFitter, clip, fitted_height, text_width_chars
from .fills import Fill, fill_rows
from .ops import HIGHLIGHT, Rect, SheetContent

HEADERS = ["级别", "规则", "位置", "项目", "指标序号", "说明", "建议"]
HEADER_FONT_PT = 11
# wide enough for the texts of each column, and never narrower than its (bold) header on one line
WIDTHS = {k: max(w, math.ceil(text_width_chars(h, HEADER_FONT_PT) * BOLD_WIDER))
          for k, (h, w) in enumerate(zip(HEADERS, [7, 9, 19, 34, 6, 70, 44]), start=1)}
FIRST_ROW = 4
WRAPPED = (3, 4, 6, 7)      # 位置 (a finding of several cells: 绩效指标!B2:B17、B19), 项目, 说明, 建议
TEXT_LIMIT = 2000         # characters of a message shown in one cell (a finding may quote a huge value)
SUMMARY = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 刷新：")    # the start of what ``summary_text`` writes
HEADER_ROW = FIRST_ROW - 1
# printed on A4 landscape, one page wide, as many pages long as needed, the header row on each page
PAGE = PageSetup(orientation="landscape", fit_to_width=1, fit_to_height=0, margins_in=(0.4, 0.4, 0.5, 0.5),
                 center_horizontally=True)


def listed_rows(findings: list[Finding], fills: list[Fill], filing: Filing) -> list[Finding]:
    """The rows of 校验结果 — and what ``xl-tools check`` lists, from ``app.Review.rows``: the findings and,
    for the fills, one 提示 per kind of fill and sheet (``fills.fill_rows``: 已自动填写序号（3 个单元格）),
    errors first, by sheet, row and column."""
    from ..rules.engine import sort_findings  # not at import: a sealed file's refresh loads no rules
    return sort_findings(findings + fill_rows(fills), filing)


def summary_text(findings: list[Finding], projects: int, indicators: int, stamp: str) -> str:
    s = summarize(findings)
    return (f"{stamp} 刷新：错误 {s['errors']} 条，警告 {s['warnings']} 条，提示 {s['infos']} 条"
            f"（项目 {projects} 个，指标 {indicators} 个）")


def notes_text(kept: int, skipped: int) -> str:
    """The line that says which findings did not become cell notes (empty when all did)."""
    parts = []
    if kept:
        parts.append(f"{kept} 处单元格已有您自己的批注，问题说明未写入批注（原批注保留）")
    if skipped:
        parts.append(f"{skipped} 处问题说明未能写成批注（该工作表的批注无法写入）")
    return f"批注：{'；'.join(parts)}；这些问题都列在「{SHEET_RESULTS}」中" if parts else ""


def with_notes_line(content: SheetContent, line: str) -> SheetContent:
    """The 校验结果 content with `line` under the summary (row 2)."""
    if not line:
        return content
    rows = [list(r) for r in content.rows]
    rows[1][0] = f"{rows[1][0]}\n{line}"
    heights = dict(content.heights)
    heights[2] = max(heights.get(2, 0), fitted_height([(rows[1][0], sum(content.widths.values()))]))
    return replace(content, rows=rows, heights=heights)


def drafts_text(appended: int, pending: int, updated: int = 0) -> str:
    """What the person is told of drafted lines: how many were appended (or brought up to date) now, how
    many wait."""
    if not pending:
        return ""
    now = f"已在「{SHEET_INDICATORS}」末尾补充 {appended} 条起草的指标；" if appended else ""
    now += f"已按现在的填报内容更新 {updated} 条待确认指标的数值；" if updated else ""
    return (f"{now}「{SHEET_INDICATORS}」中有 {pending} 条序号为「{DRAFT_MARK}」的起草指标（浅蓝色），"
            "确认前不计入：核对后删除「待确认」或直接修改，再刷新")


def report_text(summary: str, unchanged_since: str | None, hidden: int, notes_kept: int, notes_skipped: int,
                appended: int, pending: int, updated: int) -> str:
    """The line shown to the person after a refresh (``RefreshOutcome.report``): the summary, or, when
    nothing changed since the last refresh, that it did not and when that was; then the findings in
    hidden rows, the notes not written and the drafted lines."""
    notes = notes_text(notes_kept, notes_skipped)
    said = summary if unchanged_since is None else \
        f"内容无变化，上次刷新于 {unchanged_since}：{summary.split('刷新：', 1)[-1]}"
    drafts = drafts_text(appended, pending, updated)
    return said + (f"\n{hidden_hint(hidden)}" if hidden else "") + (f"\n{notes}" if notes else "") + \
        (f"\n{drafts}" if drafts else "")


HIDDEN_MARK = "（所在行已隐藏）"


def hidden_hint(count: int) -> str:
    """What 校验结果 and the refresh's message say when findings lie in rows hidden by a filter."""
    return (f"其中 {count} 条问题所在的行被筛选或隐藏（位置后注明「{HIDDEN_MARK[1:-1]}」），点击链接看不到："
            "请先在该表清除筛选（数据 → 筛选 → 清除）或取消隐藏这些行")


def results_sheet(findings: list[Finding], summary: str, hidden: set[int] = frozenset()) -> SheetContent:
    """The 校验结果 sheet; `hidden`: the indexes of findings whose cell is in a hidden row (a filter)."""
    if hidden:
        summary = f"{summary}\n{hidden_hint(len(hidden))}"
    rows: list[list] = [["校验结果", None, None, None, None, None, None], [summary] + [None] * 6, HEADERS]
    links, fills = [], []
    for k, f in enumerate(findings):
        r = FIRST_ROW + k
        where = f.where + (HIDDEN_MARK if k in hidden else "")
        rows.append([SEVERITY_ZH[f.severity], f.code, where, clip(f.project or "", TEXT_LIMIT), f.indicator_no,
                     clip(f.message, TEXT_LIMIT), clip(f.suggestion or "", TEXT_LIMIT)])
        if f.sheet and f.cell:
            links.append((r, 3, f.sheet, f.cell, where))
    # colour the 级别 column in runs of equal severity (findings are sorted errors first)
    start = None
    for k in range(len(findings) + 1):
        sev = findings[k].severity if k < len(findings) else None
        if start is not None and (sev != findings[start].severity):
            s = findings[start].severity
            if s in HIGHLIGHT:
                fills.append((Rect(FIRST_ROW + start, 1, k - start, 1), *HIGHLIGHT[s]))
            start = None
        if start is None and sev is not None:
            start = k
    heights = {}
    summary_height = fitted_height([(summary, sum(WIDTHS.values()))])    # merged across the table
    if summary_height > 16:
        heights[2] = summary_height
    # 项目, 说明 and 建议 repeat over the findings (a project's, a rule's): their lines counted once each
    fit = RowFitter([WIDTHS[c] for c in WRAPPED], kept=(1, 2, 3)).height
    for k, row in enumerate(rows[3:], start=FIRST_ROW):
        h = fit((row[2], row[3], row[5], row[6]))                   # the WRAPPED columns' texts
        if h > 16:
            heights[k] = h
    ncols = len(HEADERS)
    table = Rect(HEADER_ROW, 1, len(findings) + 1, ncols)               # header row and findings
    return SheetContent(SHEET_RESULTS, rows, widths=WIDTHS, fills=fills, bold_rows=[1, 3], links=links,
                        wrap_cols=list(WRAPPED), freeze="A4", heights=heights, wrap_rows=[2],
                        borders=[table], merges=[Rect(2, 1, 1, ncols)], autofilter=table, page=PAGE,
                        print_title_rows=(HEADER_ROW, HEADER_ROW))
