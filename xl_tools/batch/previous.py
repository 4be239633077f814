"""The last review, read back: the reviewer's own comments and each unit's state then.

A reviewer writes comments into the review workbook (审核汇总.xlsx): the column 审核意见 of 问题明细 (one per
finding) and of 汇总 (one per file: for the unit as a whole). The next batch reads them back — from
``--previous FILE``, else from the review workbook it is about to replace (``-o``, when it is one of
the tool's) — carries them into the new review workbook beside the same findings, and puts them in the
units' send-back lists (``sendback``). The workbook also keeps, in a hidden sheet, each expected unit's
state (status, the file in force, its time, its 合计, its errors), so the next batch can say who
resubmitted and what changed (``since_last``).

A comment is matched to a finding by the unit, the rule, the place (sheet and cell) and the project, so
it follows the finding into a unit's corrected resubmission under another file name; a comment whose
finding is gone (the unit fixed it) is not carried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import XlToolsError
from ..outputmark import REVIEW, workbook_kind
from ..xlsxfile import open_workbook, reading, table_rows
from .scope import Scope

COMMENT = "审核意见"
COLUMNS = 64                # the review workbook's sheets have fewer
STATE_SHEET = "_xltools_batch"
STATE_HEADER = ("unit_key", "unit", "status", "file", "stamp", "total", "errors", "started")


def comment_key(unit_key: str, code: str | None, sheet: str | None, cell: str | None, project: str | None) -> tuple:
    return (unit_key, code or "", sheet or "", cell or "", project or "")


@dataclass
class UnitState:
    unit: str
    status: str
    file: str
    stamp: str
    total: str
    errors: int


@dataclass
class Previous:
    """What a previous review workbook holds (see the module docstring)."""

    path: str
    started: str = ""
    comments: dict[tuple, str] = field(default_factory=dict)      # comment_key → text
    unit_comments: dict[str, str] = field(default_factory=dict)   # unit key → text
    commented_files: dict[str, str] = field(default_factory=dict)  # unit key → the file the comment was on
    states: dict[str, UnitState] = field(default_factory=dict)    # unit key → its state then

    def comment(self, key: tuple) -> str | None:
        return self.comments.get(key)

    def unit_comment(self, unit_key: str, file: str | None) -> str | None:
        """The reviewer's comment on the unit, when it was written on ``file`` (a unit that has sent a
        new file since has answered it: the comment is history, shown as such in 报送情况)."""
        if self.commented_files.get(unit_key) == file:
            return self.unit_comments.get(unit_key)
        return None


def _header_row(rows: list[tuple], first: str, second: str) -> int | None:
    return next((k for k, r in enumerate(rows[:40]) if len(r) > 1 and r[0] == first and r[1] == second), None)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _rows(ws) -> list[tuple]:
    """The values of a sheet of the review workbook, row by row, in its first ``COLUMNS`` columns, until
    1,000 blank rows (the person may have typed anywhere: a value in XFD1048576 is not a bomb)."""
    return [row for _r, row in table_rows(ws, max_col=COLUMNS, values_only=True)]


def read_previous(path: str | Path, scope: Scope) -> Previous:
    """The comments and states of the review workbook at ``path``; XlToolsError when it is not one of
    the tool's review workbooks."""
    path = Path(path)
    if workbook_kind(path) != REVIEW:
        raise XlToolsError("不是 xl-tools 生成的审核结果工作簿，无法读取上次的审核意见", file=str(path))
    prev = Previous(str(path))
    wb = open_workbook(path, read_only=True, data_only=True)
    try:
        with reading(path):
            if "问题明细" in wb.sheetnames:
                rows = _rows(wb["问题明细"])
                if rows and COMMENT in rows[0]:
                    head = list(rows[0])
                    at = {name: head.index(name) for name in ("单位", "规则", "工作表", "单元格", "项目", COMMENT)
                          if name in head}
                    for row in rows[1:]:
                        text = _text(row[at[COMMENT]]) if at[COMMENT] < len(row) else ""
                        if text and "规则" in at:
                            key = comment_key(scope.unit_key(_text(row[at["单位"]])), _text(row[at["规则"]]),
                                              _text(row[at["工作表"]]), _text(row[at["单元格"]]),
                                              _text(row[at["项目"]]))
                            prev.comments[key] = text
            if "汇总" in wb.sheetnames:
                rows = _rows(wb["汇总"])
                top = _header_row(rows, "单位", "文件")
                if top is not None and COMMENT in rows[top]:
                    c = list(rows[top]).index(COMMENT)
                    for row in rows[top + 1:]:
                        text = _text(row[c]) if c < len(row) else ""
                        if text:
                            key = scope.unit_key(_text(row[0]))
                            prev.unit_comments[key] = "；".join(filter(None, [prev.unit_comments.get(key), text]))
                            prev.commented_files[key] = _text(row[1])
            if STATE_SHEET in wb.sheetnames:
                for row in _rows(wb[STATE_SHEET])[1:]:
                    values = dict(zip(STATE_HEADER, row))
                    if values.get("unit_key"):
                        prev.states[str(values["unit_key"])] = UnitState(
                            _text(values["unit"]), _text(values["status"]), _text(values["file"]),
                            _text(values["stamp"]), _text(values["total"]), int(values["errors"] or 0))
                    prev.started = prev.started or _text(values.get("started"))
    finally:
        wb.close()
    return prev


def state_rows(cons, started: str) -> list[list]:
    """The hidden sheet's rows: one per expected unit, its state in this review."""
    slices = cons.slices
    rows = [list(STATE_HEADER)]
    for sub in cons.submissions:
        file = sub.files[0] if sub.files else ""
        mine = slices[slices.file == file]
        stamp = "" if mine.empty else str(mine.stamp.iloc[0] or "")
        total = "" if mine.empty or mine.total.iloc[0] is None else str(mine.total.iloc[0])
        errors = 0 if mine.empty else int(mine.errors.iloc[0])
        rows.append([_unit_key(cons, sub.unit), sub.unit, sub.status, file, stamp, total, errors, started])
    return rows


def _unit_key(cons, unit: str) -> str:
    return cons.scope.unit_key(unit)


def since_last(cons, prev: Previous | None) -> dict[str, str]:
    """unit → what changed since the previous review (「已重新报送：…」, 「未重新报送（上次：有错误）」 …);
    only units with something to say."""
    if prev is None or not prev.states:
        return {}
    slices = cons.slices
    out = {}
    for sub in cons.submissions:
        then = prev.states.get(_unit_key(cons, sub.unit))
        file = sub.files[0] if sub.files else ""
        mine = slices[slices.file == file]
        stamp = "" if mine.empty else str(mine.stamp.iloc[0] or "")
        if then is None:
            if sub.files:
                out[sub.unit] = f"新报送（上次审核时没有该单位）：{sub.status}"
            continue
        same = file == then.file and stamp == then.stamp
        if same:
            if then.status != "计入" and sub.status != "计入":      # nothing sent: not a send-back to redo
                out[sub.unit] = f"未重新报送（上次：{then.status}）" if then.file else f"仍未报送（上次：{then.status}）"
            continue
        if not sub.files:
            out[sub.unit] = f"上次的文件已不在本批中（上次：{then.status}「{then.file}」）"
            continue
        was = (f"上次「{then.file}」{then.status}" if then.file else f"上次{then.status}") + \
              (f"，错误 {then.errors} 条" if then.errors else "") + \
              (f"，合计 {then.total}" if then.total else "")
        now = f"本次「{file}」{sub.status}" + (f"（{stamp}）" if stamp else "")
        total = "" if mine.empty or mine.total.iloc[0] is None else str(mine.total.iloc[0])
        money = "，合计未变" if total and total == then.total else (f"，合计 {total}" if total else "")
        out[sub.unit] = f"已重新报送：{was}；{now}{money}"
    return out
