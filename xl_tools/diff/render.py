"""DIFF.xlsx (``reportbook``: a new package of the patcher): the reviewer's view of a ``FilingDiff``.

The first sheet opens with a title line (the two files, their years and departments, the date), the
filings' error counts when they have errors and the warnings of ``warnings_for``. Sheets, in order:
增减情况 (which units cut which projects by how much: one row per project whose
总计 changed, largest cut first), 项目, 绩效指标, 绩效目标, 单位汇总 (with a 合计 row: the sum of the
unit rows, the same number as ``--json``'s ``total`` when the filing leaves 合计 blank). An amount left
blank (a rolled-over filing) is an empty cell, amber, its row's 说明 saying 「2025年金额未填，不计增减」:
no change or percentage is computed against it, and a total over projects of which any is blank is
empty too, its 说明 saying how many are blank. Changed cells are coloured like the rest of the tool: a
cut red, an increase green, any other change amber. Long
texts wrap, with row heights that show them whole (names, every line of a 绩效目标); every sheet prints
on A4 landscape, one page wide, with its header row repeated.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .. import clock, outputmark
from .. import reportbook as rb
from ..model import MONEY_FIELDS, MONEY_LABELS
from ..profiles import load_profile
from ..schema import MONEY_FORMAT
from .compare import (
    INDICATOR_LABELS,
    PROJECT_LABELS,
    FilingDiff,
    ProjectDiff,
    TotalRow,
    text_changes,
    text_segments,
)
from .words import field_text

CUT, RISE, CHANGED = "error", "rise", "warning"          # reportbook colour kinds
FILL_CUT = rb.COLOURS[CUT][0]                             # RRGGBB
FILL_CHANGED = rb.COLOURS[CHANGED][0]
PERCENT_FORMAT = rb.PERCENT_FORMAT
TOTAL_LABEL = "合计（各单位之和）"
STATED_LABEL = "表中填写的合计"

SHEET_CUTS = "增减情况"
SHEET_PROJECTS = "项目"
SHEET_INDICATORS = "绩效指标"
SHEET_TARGETS = "绩效目标"
SHEET_UNITS = "单位汇总"


def _labels(d: FilingDiff) -> tuple[str, str]:
    """Column prefixes for the two filings: 2024年 / 2025年 when the years differ, else 原 / 新."""
    if d.old.year and d.new.year and d.old.year != d.new.year:
        return f"{d.old.year}年", f"{d.new.year}年"
    return "原", "新"


def _amount(project, money_field: str) -> Decimal | None:
    """A project's amount, None (an empty cell) where it was left blank."""
    return None if project.blank(money_field) else getattr(project, money_field)


def _ratio(pct: Decimal | None) -> float | None:
    return None if pct is None else float(pct / 100)


def _kind_for(change: Decimal | None) -> str:
    """A cut red, an increase green, a change not computed (a blank amount) amber."""
    return CHANGED if change is None else CUT if change < 0 else RISE


def diff_title(d: FilingDiff) -> str:
    """The first line of the diff workbook: the two files, their years (and departments), the date."""
    def side(label: str, f) -> str:
        about = "，".join(x for x in (f"{f.year}年" if f.year else "年度不明", f.department) if x)
        return f"{label}：{f.source or '（未记录文件名）'}（{about}）"
    when = d.created or clock.now().strftime("%Y-%m-%d %H:%M")
    return f"xl-tools 对比结果　{side('旧', d.old)} → {side('新', d.new)}　生成时间：{when}"


def page_title(d: FilingDiff) -> str:
    """The short line at the top of every printed page: the two files by name, their years."""
    def side(f) -> str:
        return f"{Path(f.source).name if f.source else '（未记录）'}（{f'{f.year}年' if f.year else '年度不明'}）"
    return f"xl-tools 对比结果　{side(d.old)} → {side(d.new)}"


def diff_lines(d: FilingDiff) -> list[tuple[str, str | None]]:
    """The lines above the first sheet's table: the title, the filings' errors, the warnings."""
    errors = d.errors_line()
    return [(diff_title(d), None), *([(errors, CUT)] if errors else []), *((n, CHANGED) for n in d.notes)]


def _sheet(wb: rb.Book, title: str, headers: list[str], widths: list[int], lines=()):
    """A sheet with ``lines`` above its header (the first sheet's title block); returns the sheet and
    its header row."""
    ws = wb.sheet(title)
    ws.widths.update(enumerate(widths, start=1))
    top = rb.title_block(ws, list(lines), len(widths)) if lines else 1
    rb.header(ws, headers, row=top)
    return ws, top


def _finish(ws, top: int, title: str) -> None:
    """Wrapped rows tall enough for their texts, and the print setup (the header row repeated)."""
    rb.fit_rows(ws, top + 1)
    rb.print_setup(ws, title_rows=top, page_title=title)


def _money_cells(ws, row: int, cols: list[int]) -> None:
    for c in cols:
        ws.style(row, c, number_format=MONEY_FORMAT)


def write_diff_xlsx(d: FilingDiff, path: str | Path) -> None:
    """Write the diff workbook to `path` (atomically, marked as xl-tools' own). Its first sheet opens
    with the title line (files, years, date), the filings' error counts and the warnings."""
    wb = rb.Book()
    title = page_title(d)
    tops = [_write_cuts(wb, d), _write_projects(wb, d), _write_indicators(wb, d), _write_targets(wb, d),
            _write_units(wb, d)]
    for ws, top in tops:
        _finish(ws, top, title)
    rb.save(wb, path, outputmark.DIFF)


def _matched_at(d: FilingDiff, unit: str, name: str) -> ProjectDiff | None:
    return next((m for m in d.matched if m.new.name == name and m.new.unit == unit), None)


def _status(d: FilingDiff, row: TotalRow) -> str:
    notes = ["新增项目"] if row.old is None else ["删除项目"] if row.new is None else []
    m = _matched_at(d, row.unit, row.name)
    if m is not None and m.renamed:
        notes.append(f"改名（原名：{m.old.name}）")
    return "；".join(x for x in (*notes, row.note()) if x)


def _total_cells(ws, row: TotalRow, first: int) -> None:
    """Colour the amounts of a comparison of totals: the new amount and the change red (a cut) or green
    (an increase); where a blank 总计 leaves the change uncomputed, the empty cells amber."""
    r = ws.max_row
    _money_cells(ws, r, [first, first + 1, first + 2])
    ws.style(r, first + 3, number_format=PERCENT_FORMAT)
    old, new = row.amounts()
    if row.change is None:
        cells = [first + k for k, t in enumerate((row.old, row.new)) if t is not None and t.blank]
        for c in (*cells, first + 2, first + 3, first + 4):
            rb.paint(ws, r, c, CHANGED)
    elif row.change or old is None or new is None:
        for c in (first + 1, first + 2, first + 3):
            rb.paint(ws, r, c, _kind_for(row.change))


def _write_cuts(wb: rb.Book, d: FilingDiff) -> tuple:
    a, b = _labels(d)
    ws, top = _sheet(wb, SHEET_CUTS, ["资金使用单位", "项目名称", f"{a}总计", f"{b}总计", "增减", "增减%", "说明"],
                     [24, 40, 13, 13, 13, 11, 30], lines=diff_lines(d))
    for row in d.project_totals():
        ws.append([row.unit, row.name, *row.amounts(), row.change, _ratio(row.percent), _status(d, row)])
        _total_cells(ws, row, 3)
    return ws, top


def _write_projects(wb: rb.Book, d: FilingDiff) -> tuple:
    a, b = _labels(d)
    money_headers = [h for f in MONEY_FIELDS for h in (f"{a}{MONEY_LABELS[f]}", f"{b}{MONEY_LABELS[f]}")]
    headers = ["状态", "资金使用单位", "项目名称", f"{a}项目名称", *money_headers, "绩效目标",
               "新增指标", "删除指标", "修改指标", "说明"]
    ws, top = _sheet(wb, SHEET_PROJECTS, headers, [8, 20, 30, 30] + [11] * len(money_headers) + [8, 7, 7, 7, 16])
    money_cols = list(range(5, 5 + len(money_headers)))
    for m in d.matched:
        _project_row(ws, m, money_cols, "；".join(x for x in (_blank_note(d, m.old, m.new), _fields_note(m)) if x))
    for p, status in [*((p, "新增") for p in d.added), *((p, "删除") for p in d.removed)]:
        amounts = [_amount(p, f) if status == "删除" else None for f in MONEY_FIELDS]
        news = [_amount(p, f) if status == "新增" else None for f in MONEY_FIELDS]
        ws.append([status, p.unit, p.name if status == "新增" else "", p.name if status == "删除" else "",
                   *[v for pair in zip(amounts, news) for v in pair], "", "", "", "",
                   _blank_note(d, *((None, p) if status == "新增" else (p, None)))])
        r = ws.max_row
        _money_cells(ws, r, money_cols)
        for c in range(1, len(headers) + 1):
            rb.paint(ws, r, c, RISE if status == "新增" else CUT)
    return ws, top


def _fields_note(m: ProjectDiff) -> str:
    """「实施期：2019-2021 → 2020-2022」: what a region's table prints about the project that changed."""
    return "；".join(f"{PROJECT_LABELS[f]}：{field_text(o)} → {field_text(n)}" for f, o, n in m.fields)


def _blank_note(d: FilingDiff, old, new) -> str:
    """「2025年金额未填」 (the project's 总计 left blank), or the blank amounts named when 总计 is not."""
    out = []
    for label, p in zip(d.labels(), (old, new)):
        if p is None:
            continue
        if p.blank("total"):
            out.append(f"{label}金额未填")
        elif blank := [MONEY_LABELS[f] for f in MONEY_FIELDS if p.blank(f) and getattr(p, f)]:
            out.append(f"{label}未填：{'、'.join(blank)}")
    return "；".join(out)


def _project_row(ws, m: ProjectDiff, money_cols: list[int], note: str) -> None:
    changes = {c.field: c.change for c in m.money}
    status = "改名" if m.renamed else ("修改" if m.changed else "未变化")
    values = [v for f in MONEY_FIELDS for v in (_amount(m.old, f), _amount(m.new, f))]
    ws.append([status, m.new.unit, m.new.name, m.old.name, *values,
               "修改" if m.target is not None else "", len(m.indicators_added) or "",
               len(m.indicators_removed) or "", len(m.indicators_changed) or "", note])
    r = ws.max_row
    _money_cells(ws, r, money_cols)
    if m.changed:
        rb.paint(ws, r, 1, CHANGED)
    if m.renamed:
        rb.paint(ws, r, 3, CHANGED)
    if m.unit_changed:
        rb.paint(ws, r, 2, CHANGED)
    for k, f in enumerate(MONEY_FIELDS):
        if f in changes:
            rb.paint(ws, r, money_cols[2 * k + 1], _kind_for(changes[f]))
    first_extra = money_cols[-1] + 1
    for c in range(first_extra, first_extra + 4):
        if ws.value(r, c) not in (None, ""):
            rb.paint(ws, r, c, CHANGED)


def old_and_new(old: str, new: str) -> tuple:
    """The old text with what was deleted or replaced in red, struck through, and the new text with
    what was added or put in its place in green (rich text in one cell each)."""
    segs = text_segments(old or "", new or "")
    return (rb.marked_text([(o, o != n) for o, n in segs], CUT, strike=True),
            rb.marked_text([(n, o != n) for o, n in segs], RISE))


def _indicator_line(ind, filing) -> str:
    """An added or removed indicator as its filing's table prints it: 「二级；指标值:≥95%」 where the profile
    has one value column (from whichever value cell holds it), else both values."""
    period, annual = ind.period_value or "", ind.annual_value or ""
    if load_profile(filing.profile or None).value_columns == 1 and not (period.strip() and annual.strip()):
        return f"{ind.level2_label}；指标值:{annual if annual.strip() else period}"
    return f"{ind.level2_label}；实施周期指标值:{period}；年度指标值:{annual}"


def _write_indicators(wb: rb.Book, d: FilingDiff) -> tuple:
    a, b = _labels(d)
    ws, top = _sheet(wb, SHEET_INDICATORS, ["项目名称", "序号", "三级指标", "变化", "栏目", a, b],
                     [30, 6, 28, 7, 14, 36, 36])
    for m in d.matched:
        for i in m.indicators_changed:
            for f, old, new in i.fields:
                row = ws.append([m.new.name, i.no, i.name, "修改", INDICATOR_LABELS[f], *old_and_new(old, new)])
                rb.paint(ws, row, 4, CHANGED)
        for i in m.indicators_added:
            row = ws.append([m.new.name, i.no, i.name, "新增", "", "", _indicator_line(i, d.new)])
            rb.paint(ws, row, 4, RISE)
        for i in m.indicators_removed:
            row = ws.append([m.new.name, i.no, i.name, "删除", "", _indicator_line(i, d.old), ""])
            rb.paint(ws, row, 4, CUT)
    return ws, top


def _write_targets(wb: rb.Book, d: FilingDiff) -> tuple:
    a, b = _labels(d)
    ws, top = _sheet(wb, SHEET_TARGETS, ["项目名称", f"{a}绩效目标（删去的部分标红）", f"{b}绩效目标（新增的部分标绿）",
                                         "改动"], [24, 50, 50, 50])
    for m in d.matched:
        if m.target is None:
            continue
        row = ws.append([m.new.name, *old_and_new(m.old.target, m.new.target),
                         text_changes(m.old.target, m.new.target)])
        rb.paint(ws, row, 4, CHANGED)
    return ws, top


def _write_units(wb: rb.Book, d: FilingDiff) -> tuple:
    """One row per unit (总计 summed from its projects), then 合计 = the sum of those rows, and the 合计
    each filing states when it differs from that sum. A total over blank projects is an empty cell whose
    说明 says how many are blank."""
    a, b = _labels(d)
    ws, top = _sheet(wb, SHEET_UNITS, ["资金使用单位", f"{a}总计", f"{b}总计", "增减", "增减%", "说明"],
                     [30, 14, 14, 14, 11, 40])
    for row in d.unit_totals():
        ws.append([row.unit, *row.amounts(), row.change, _ratio(row.percent), row.note()])
        _total_cells(ws, row, 2)
    grand = d.grand_total()
    ws.append([TOTAL_LABEL, *grand.amounts(), grand.change, _ratio(grand.percent), grand.note()])
    _total_cells(ws, grand, 2)
    r = ws.max_row
    for c in range(1, 7):
        ws.style(r, c, bold=True)
    stated = [f.total if f.total_stated else None for f in (d.old, d.new)]
    sums = grand.amounts()
    if any(s is not None and s != t for s, t in zip(stated, sums)):
        ws.append([STATED_LABEL, *stated, None, None])
        _money_cells(ws, ws.max_row, [2, 3])
        for c, (s, t) in zip((2, 3), zip(stated, sums)):
            if s is not None and s != t:
                rb.paint(ws, ws.max_row, c, CHANGED)
    return ws, top
