"""Send-backs, ready to mail: ``batch … --sendback 退回/``.

For each unit whose filing goes back — its version in force has errors, projects without amounts (未填),
its only file could not be read, or the reviewer commented on that file or on one of its findings — one
folder ``退回/<单位>/`` with:

- the **marked-up copy** of the unit's file (``core.marked_copy``: refreshed, problem cells coloured and
  noted, 校验结果), named 「<文件名>（审核标注）.xlsx」; none for a file that could not be read;
- **退回清单.xlsx**: what was reviewed (file, its time, the year, the department), the conclusion, the
  reviewer's comment on the unit, then every finding — errors first — with its place, 建议 and the
  reviewer's own comment (审核意见: the column the reviewer fills in 审核汇总, carried by ``previous``);
- **邮件正文.txt**: a short mail to paste, saying what to do and by when (left blank for the reviewer).

Nothing is written outside the folder given; a unit's name is made safe as a folder name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import catalogue, clock, outputmark
from .. import reportbook as rb
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..findings import SEVERITY_ORDER
from .core import BatchReport, FileResult, FileTasks, marked_copy
from .previous import Previous, comment_key
from .targets import reason

SENT_BACK = ("有错误", "未填", "无法读取")
LIST_NAME = "退回清单.xlsx"
MAIL_NAME = "邮件正文.txt"
HEADERS = ("序号", "级别", "规则", "位置", "项目", "问题", "修改建议", "审核意见")
WIDTHS = (6, 6, 24, 14, 26, 50, 40, 30)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class SendBack:
    unit: str
    status: str
    folder: Path
    files: list[Path] = field(default_factory=list)


def safe_name(name: str) -> str:
    """A unit's name as a folder name on any system."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "未填单位"
    return cleaned[:80]


def _own_folder(unit: str, taken: set[str]) -> str:
    """``safe_name(unit)``, numbered (（2）, （3）…) when another unit's folder has that name: two units
    whose names differ only where a folder name cannot (「甲_」 and 「甲:」, 「甲」 and 「甲.」) shared one
    folder — one unit's 标注副本 (its whole filing) in the folder sent to the other, the first 退回清单
    and 邮件正文 overwritten by the second."""
    base = name = safe_name(unit)
    k = 2
    while name.casefold() in taken:
        name = f"{base}（{k}）"
        k += 1
    taken.add(name.casefold())
    return name


def _conclusion(status: str, r: FileResult | None) -> str:
    if status == "有错误":
        return f"有错误 {r.errors} 条、警告 {r.warnings} 条，未计入合并表"
    if status == "未填":
        return f"有 {r.no_money} 个项目没有填写金额（AMT008），未计入合并表"
    if status == "无法读取":
        return "文件无法读取，未计入合并表"
    if status == "计入":                    # counted, sent back only for the reviewer's comment
        return "已计入合并表；审核人有意见，请核对"
    return f"{status}；审核人有意见，请核对"


def _rows(r: FileResult, unit_key: str, previous: Previous | None) -> list[list]:
    findings = sorted(r.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.sheet or "", f.row or 0,
                                                 f.column or 0, f.code))
    rows = []
    for k, f in enumerate(findings, start=1):
        where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
        said = previous.comment(comment_key(unit_key, f.code, f.sheet, f.cell, f.project)) if previous else None
        rows.append([k, f.severity_zh, f"{f.code} {catalogue.info(f.code).title}", where, f.project, f.message,
                     f.suggestion, said])
    return rows


def _write_list(path: Path, lines: list, rows: list[list]) -> None:
    book = rb.Book()
    ws = book.sheet("退回清单")
    ws.widths.update(enumerate(WIDTHS, start=1))
    top = rb.title_block(ws, lines, len(HEADERS))
    rb.header(ws, HEADERS, row=top)
    for row in rows:
        ws.append(row)
    rb.fit_rows(ws, top + 1)
    rb.print_setup(ws, title_rows=top)
    rb.save(book, path, outputmark.REVIEW)


def _mail(unit: str, year, file: str, stamp: str, conclusion: str, copy: str | None, comment: str | None,
          department: str) -> str:
    attached = f"附件「{LIST_NAME}」" + (f"和标注副本「{copy}」（问题单元格已标色并加批注）" if copy else "")
    lines = [f"{unit}：", "",
             f"    您单位报送的{year}年项目支出绩效目标表（{file}，{stamp}）经审核，{conclusion}。"
             f"请按{attached}逐条修改，在表格中按「刷新」（或运行 xl-tools check）确认没有错误后，于　　月　　日前重新报送。"]
    if comment:
        lines += ["", f"    审核意见：{comment}"]
    lines += ["", f"{department}", clock.now().strftime("%Y年%m月%d日"), ""]
    return "\r\n".join(lines)


def write_sendbacks(tasks: type[FileTasks], report: BatchReport, cons, folder: str | Path,
                    previous: Previous | None = None) -> list[SendBack]:
    """One folder per unit sent back (see the module docstring); XlToolsError naming the file when one
    cannot be written."""
    folder = Path(folder)
    by_file = {r.file: r for r in report.results}
    department = cons.scope.department or ""
    out = []
    taken: set[str] = set()           # folder names given (as Windows compares them)
    for sub in cons.submissions:
        if not sub.files:
            continue
        key = cons.scope.unit_key(sub.unit)
        r = by_file[sub.files[0]]
        comment = previous.unit_comment(key, r.file) if previous else None
        rows = _rows(r, key, previous)
        if sub.status not in SENT_BACK and not comment and not any(row[-1] for row in rows):
            continue
        target = folder / _own_folder(sub.unit, taken)
        back = SendBack(sub.unit, sub.status, target)
        copy_name = None
        if r.readable:
            copy_name = f"{PurePosixPath(r.file).stem}（审核标注）.xlsx"
            back.files.append(marked_copy(tasks, r.path, target / copy_name, r.member))
        stamp = r.stamp.text()
        conclusion = _conclusion(sub.status, r)
        lines = [f"退回清单：{sub.unit}（{cons.year}年项目支出绩效目标表）",
                 f"审核部门：{department}　审核时间：{report.started}　文件：{r.file}（{stamp}）",
                 (f"结论：{conclusion}。请按下列问题修改，刷新确认没有错误后重新报送", "error")]
        if comment:
            lines.append((f"审核意见：{comment}", "warning"))
        back.files.append(target / LIST_NAME)
        target.mkdir(parents=True, exist_ok=True)
        _write_list(target / LIST_NAME, lines, rows)
        mail = target / MAIL_NAME
        try:
            with atomic_target(mail) as tmp:
                tmp.write_text(_mail(sub.unit, cons.year, r.file, stamp, conclusion, copy_name, comment, department),
                               "utf-8-sig")
        except OSError as exc:
            raise XlToolsError(f"无法写入（{reason(exc)}）", file=str(mail)) from None
        back.files.append(mail)
        out.append(back)
    return out
