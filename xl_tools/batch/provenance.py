"""Two sheets of the review workbook that explain the consolidation: 合并来源 (every file and unit,
with its time, its amounts and what was decided for it, then the year's counted total) and 报送情况
(every expected unit: counted, not counted and why, or not filed)."""

from __future__ import annotations

import pandas as pd

from .. import reportbook as rb
from ..celltext import append
from ..findings import ERROR, WARNING
from ..model import MONEY_FIELDS, MONEY_LABELS
from ..money import ZERO
from .consolidation import CONFLICT, COUNTED, DUPLICATE, EXCLUDED, OUT_OF_SCOPE, SUPERSEDED, Consolidation
from .core import STATUS_BROKEN, STATUS_INTERNAL
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


def write_sources(ws, cons: Consolidation, table_sheet: str | None, page_title: str) -> None:
    """合并来源: one row per file and unit (the 合并公开表's unit name beside the name the file writes,
    when they differ), then the counted total of the year (= the 合并公开表's 合计)."""
    rb.header(ws, SOURCE_HEADERS, SOURCE_WIDTHS)
    for r in cons.slices.itertuples():
        read = r.status not in (STATUS_BROKEN, STATUS_INTERNAL)
        unit = r.unit if not r.unit_name or r.unit_name == r.unit else f"{r.unit_name}\n（文件中写作「{r.unit}」）"
        append(ws, [_year(r.year), r.department, unit, r.file, KIND_ZH.get(r.kind, r.kind),
                    stamp_text(r.stamp, r.stamp_source), r.projects if read else None,
                    *(None if pd.isna(getattr(r, f)) else getattr(r, f) for f in MONEY_FIELDS),
                    r.decision, r.reason])
        row = ws.max_row
        for c in _MONEY_COLS:
            ws.cell(row=row, column=c).number_format = rb.MONEY_FORMAT
        if r.decision in DECISION_KIND:
            rb.paint(ws.cell(row=row, column=_DECISION_COL), DECISION_KIND[r.decision])
    if cons.year is not None:
        counted = cons.slices[cons.slices.decision == COUNTED]
        where = f"（= {table_sheet} 的合计）" if table_sheet else "：没有计入的文件，未生成合并公开表"
        append(ws, [cons.year, None, f"{cons.year}年计入合计{where}", None, None, None, int(counted.projects.sum()),
                    *(sum(counted[f], ZERO) for f in MONEY_FIELDS), COUNTED, f"{len(counted)} 项计入"])
        row = ws.max_row
        for c in range(1, len(SOURCE_HEADERS) + 1):
            ws.cell(row=row, column=c).font = rb.font(bold=True)
        for c in _MONEY_COLS:
            ws.cell(row=row, column=c).number_format = rb.MONEY_FORMAT
    rb.fit_rows(ws, 2)
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:{chr(ord('A') + len(SOURCE_HEADERS) - 1)}{ws.max_row}"
    rb.print_setup(ws, page_title=page_title)


SUBMISSION_HEADERS = ("预算年度", "单位", "报送情况", "文件", "说明")


def write_submissions(ws, cons: Consolidation, page_title: str) -> None:
    """报送情况: one row per expected unit (the list's, else every unit seen in the batch)."""
    whose = f"单位名单（{cons.scope.unit_list}）" if cons.scope.has_list else "本批出现过的单位（未提供名单，可用 --units 指定）"
    top = rb.title_block(ws, [f"{cons.year}年报送情况：{whose}"], len(SUBMISSION_HEADERS))
    rb.header(ws, SUBMISSION_HEADERS, (8, 28, 12, 40, 50), row=top)
    for sub in cons.submissions:
        append(ws, [sub.year, sub.unit, sub.status, "\n".join(sub.files) or None, sub.note or None])
        if sub.status != FILED:
            rb.paint(ws.cell(row=ws.max_row, column=3), ERROR if sub.status == MISSING else WARNING)
    rb.fit_rows(ws, top + 1)
    rb.print_setup(ws, title_rows=f"{top}:{top}", page_title=page_title)
