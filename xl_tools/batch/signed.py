"""Whether the batch's consolidated table may be signed, and what it says it covers (the table itself:
``publish.signed``, written by ``publish.publish_signed``).

A table that does not cover every expected unit (未报送, errors, 未填, a version conflict, a file whose
review did not finish) is not written unless the reviewer asks for a draft (``--allow-incomplete``): then
its title says 草稿 and the line below names what is missing.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from .slices import UNREADABLE
from .submissions import whose_file

# what a unit's filing comes as: a workbook, a PDF or its text; a covering letter (.docx), a picture is none
FILING_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".pdf", ".txt")


def unread_filings(cons) -> list[str]:
    """Files that could not be read, may hold a filing (``FILING_SUFFIXES``) and are no expected unit's (their
    name names none, as 报送情况 matches them: ``submissions.whose_file``): the table may lack whoever sent them."""
    claimed = {f for s in cons.submissions for f in s.files}
    frame = cons.slices
    files = frame.file[frame.cause == UNREADABLE] if len(frame) else []
    return [f for f in dict.fromkeys(files)
            if f not in claimed and PurePosixPath(str(f)).suffix.lower() in FILING_SUFFIXES
            and whose_file(str(f), cons.submissions, cons.scope) is None]


def _names(files: list[str]) -> str:
    return "、".join(PurePosixPath(str(f)).name for f in files[:8]) + ("等" if len(files) > 8 else "")


def incomplete(cons) -> list[str]:
    """Why the consolidation does not cover the department's year completely (empty: it does)."""
    why = []
    missing = cons.missing()
    if missing:
        why.append(f"应报单位中 {len(missing)} 个未计入（" + "；".join(
            f"{s.unit}：{s.status}" for s in missing[:8]) + ("等" if len(missing) > 8 else "") + "）")
    if cons.conflicts:
        why.append(f"{len(cons.conflicts)} 个单位有版本冲突（" + "、".join(c.unit for c in cons.conflicts) + "）")
    if cons.interrupted:
        why.append(f"{len(cons.interrupted)} 个文件未能审核完毕")
    unread = unread_filings(cons)
    if unread:
        why.append(f"{len(unread)} 个文件无法读取（{_names(unread)}），可能是某个单位的填报")
    return why


def coverage_line(cons, table) -> str:
    """The line under the table: what it sums, and what it does not."""
    units = len(table.filing.units)
    expected = len(cons.submissions)
    head = f"本表汇总{table.department}{table.year}年 {units} 个单位、{len(table.filing.projects)} 个项目的项目支出绩效目标"
    missing = cons.missing()
    unread = unread_filings(cons)
    tail = f"；另有 {len(unread)} 个文件无法读取，未计入：{_names(unread)}。" if unread else "。"
    if not missing:
        return head + (f"（应报 {expected} 个单位，{'均已计入' if unread else '全部计入'}）" if expected else "") + tail
    names = "、".join(f"{s.unit}（{s.status}）" for s in missing)
    return head + f"；应报 {expected} 个单位，未计入 {len(missing)} 个：{names}" + tail
