"""Two sheets of the review workbook that explain the consolidation: 合并来源 (every file and unit,
with its time, its amounts and what was decided for it, then the year's counted total) and 报送情况
(every expected unit: counted, not counted and why, or not filed)."""

from __future__ import annotations

import pandas as pd

from .. import reportbook as rb
from ..findings import ERROR, WARNING
from ..model import MONEY_FIELDS, MONEY_LABELS
from ..money import ZERO
from .consolidation import CONFLICT, COUNTED, DUPLICATE, EXCLUDED, OUT_OF_SCOPE, SUPERSEDED, Consolidation
from .core import STATUS_BROKEN, STATUS_INTERNAL
from .previous import Previous, since_last
from .submissions import FILED, MISSING

KIND_ZH = {"workbook": "工作簿", "import": "公开表", "other": "其他"}
DECISION_KIND = {EXCLUDED: ERROR, CONFLICT: ERROR, DUPLICATE: WARNING, SUPERSEDED: WARNING, OUT_OF_SCOPE: WARNING}
SOURCE_HEADERS = ("预算年度", "部门", "单位", "文件", "类型", "文件时间", "项目数", *(MONEY_LABELS[f] for f in MONEY_FIELDS),
                  "合并情况", "说明")
SOURCE_WIDTHS = (8, 20, 22, 28, 7, 17, 7, 12, 12, 12, 12, 10, 50)
_MONEY_COLS = range(8, 12)
_DECISION_COL = 12


def _year(value) -> int | None:
    return None if pd.isna(value) else int(value)


def stamp_text(when: str, source: str) -> str | None:
    return f"{when}\n（{source}）" if when else None


def in_unit_format(unit) -> str:
    """An amount's format saying its unit (a 四川 file's 元 beside 万元); 万元 where the file states none."""
    return f'{rb.MONEY_FORMAT}"{unit if isinstance(unit, str) and unit else "万元"}"'


def write_sources(ws, cons: Consolidation, table_sheet: str | None, page_title: str) -> None:
    """合并来源: one row per file and unit (the 合并公开表's unit name beside the name the file writes,
    when they differ), then the counted total of the year (= the 合并公开表's 合计)."""
    rb.header(ws, SOURCE_HEADERS, SOURCE_WIDTHS)
    for r in cons.slices.itertuples():
        read = r.status not in (STATUS_BROKEN, STATUS_INTERNAL)
        unit = r.unit if not r.unit_name or r.unit_name == r.unit else f"{r.unit_name}\n（文件中写作「{r.unit}」）"
        row = ws.append([_year(r.year), r.department, unit, r.file, KIND_ZH.get(r.kind, r.kind),
                         stamp_text(r.stamp, r.stamp_source), r.projects if read else None,
                         *(None if pd.isna(getattr(r, f)) else getattr(r, f) for f in MONEY_FIELDS),
                         r.decision, r.reason])
        for c in _MONEY_COLS:
            ws.style(row, c, number_format=in_unit_format(r.money_unit))
        if r.decision in DECISION_KIND:
            rb.paint(ws, row, _DECISION_COL, DECISION_KIND[r.decision])
    if cons.year is not None:
        counted = cons.slices[cons.slices.decision == COUNTED]
        where = f"（= {table_sheet} 的合计）" if table_sheet else "：没有计入的文件，未生成合并公开表"
        sums, unit = {f: sum(counted[f], ZERO) for f in MONEY_FIELDS}, ""
        if cons.has_table(cons.year):      # the table's own sums: files in 元 and in 万元 are added in 万元
            table = cons.table(cons.year).filing
            sums = {f: sum((getattr(u, f) for u in table.units), ZERO) for f in MONEY_FIELDS}
            unit = table.money_unit
        row = ws.append([cons.year, None, f"{cons.year}年计入合计{where}", None, None, None,
                         int(counted.projects.sum()), *sums.values(), COUNTED, f"{len(counted)} 项计入"])
        for c in range(1, len(SOURCE_HEADERS) + 1):
            ws.style(row, c, bold=True)
        for c in _MONEY_COLS:
            ws.style(row, c, number_format=in_unit_format(unit))
    rb.fit_rows(ws, 2)
    if ws.max_row > 1:
        ws.autofilter = (1, 1, ws.max_row, len(SOURCE_HEADERS))
    rb.print_setup(ws, page_title=page_title)


def _comment(cons: Consolidation, previous: Previous | None, sub) -> str | None:
    """The reviewer's comment on the unit: current (on the file still in force), or marked as the last
    review's when the unit has sent another file since."""
    if previous is None:
        return None
    key = cons.scope.unit_key(sub.unit)
    text = previous.unit_comments.get(key)
    if not text:
        return None
    if previous.unit_comment(key, sub.files[0] if sub.files else None):
        return text
    return f"上次审核意见（对「{previous.commented_files.get(key, '')}」）：{text}"


SUBMISSION_HEADERS = ("预算年度", "单位", "报送情况", "文件", "说明", "与上次审核相比", "审核意见")


def write_submissions(ws, cons: Consolidation, page_title: str, previous: Previous | None = None) -> None:
    """报送情况: one row per expected unit (the list's, else every unit seen in the batch), with what
    changed since the previous review and the reviewer's comment on the unit."""
    whose = f"单位名单（{cons.scope.unit_list}）" if cons.scope.has_list else "本批出现过的单位（未提供名单，可用 --units 指定）"
    ws.widths.update(enumerate((8, 28, 12, 40, 40, 40, 30), start=1))        # first: the title line spans them
    top = rb.title_block(ws, [f"{cons.year}年报送情况：{whose}"], len(SUBMISSION_HEADERS))
    rb.header(ws, SUBMISSION_HEADERS, row=top)
    changes = since_last(cons, previous)
    for sub in cons.submissions:
        row = ws.append([sub.year, sub.unit, sub.status, "\n".join(sub.files) or None, sub.note or None,
                         changes.get(sub.unit), _comment(cons, previous, sub)])
        if sub.status != FILED:
            rb.paint(ws, row, 3, ERROR if sub.status == MISSING else WARNING)
    rb.fit_rows(ws, top + 1)
    rb.print_setup(ws, title_rows=top, page_title=page_title)
