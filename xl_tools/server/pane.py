"""What the add-in's task pane shows after 刷新 (the summary, whether cell notes could be written, the
first findings with their cells) and after 生成公开表 (done, or a 草稿 and why). The server's scripts
queue it as one xlwings ``runMacro`` action that the add-in's JavaScript (server/project/static/js/main.js)
answers; another script reports the same way (a dict: summary, notice, findings, more).

The action goes on the request's own book, so it travels in that request's answer only. Never through
``xlwings.App.macro`` on the book's App: on xlwings' remote engine every request's book belongs to one ``App`` per process,
and ``App.macro`` queues on the book opened last — with two accountants refreshing at once, one unit's
report went to the other's pane."""

from __future__ import annotations

import json

from ..app import RefreshOutcome
from ..findings import SEVERITY_ZH
from ..schema import SHEET_PUBLIC, SHEET_RESULTS

PANE_CALLBACK = "xltoolsReport"        # registered by the add-in's static/js/main.js
PANE_MAX_FINDINGS = 50
MSG_NO_NOTES = (f"此版本 Excel 的加载项不能写单元格批注（需要 Microsoft 365 版本 2501 及以上或 Excel 网页版；"
                f"Office 2021/2024 等永久版不支持），问题说明只列在「{SHEET_RESULTS}」工作表和这里。")


def pane_report(book, outcome: RefreshOutcome) -> dict:
    """The report for ``book`` (an xlwings Book on the remote engine) after ``outcome``."""
    shown = outcome.rows[:PANE_MAX_FINDINGS]
    return {
        "summary": outcome.report,
        "counts": outcome.counts,
        "notes_kept": outcome.notes_kept,        # findings whose cell has the user's own note (kept)
        "notes_skipped": outcome.notes_skipped,  # findings not written as notes (the client cannot)
        "notice": "" if outcome.notes_supported else MSG_NO_NOTES,
        "findings": [{"severity": f.severity, "level": SEVERITY_ZH[f.severity], "code": f.code,
                      "sheet": f.sheet, "cell": f.cell, "message": f.message, "suggestion": f.suggestion,
                      "draft": f.draft.to_json() if f.draft else None} for f in shown],
        "drafts": sum(1 for f in outcome.findings if f.draft),        # lines 补充待确认指标 would add
        "appended": len(outcome.appended),       # lines this refresh appended to 绩效指标 (待确认)
        "pending": outcome.pending,              # drafted lines on 绩效指标 not confirmed yet
        "more": len(outcome.rows) - len(shown),
        "results_sheet": SHEET_RESULTS,
    }


def publish_report(draft: bool, blocking: str) -> dict:
    """The report after 生成公开表: regenerated, or regenerated as a 草稿 and why (``blocking``: what keeps
    the filing from being published, e.g. 「2 条错误」)."""
    if not draft:
        return {"summary": f"已重新生成「{SHEET_PUBLIC}」工作表，可打印或另存为 PDF 公开。", "notice": ""}
    return {"summary": f"已重新生成「{SHEET_PUBLIC}」工作表，标题带“草稿”：填报表还有 {blocking}。",
            "notice": f"草稿不得公开：请按「{SHEET_RESULTS}」改正后点“刷新”，再生成公开表。", "results_sheet": SHEET_RESULTS}


def queue_on_book(book, func: str, args: list) -> None:
    """Queue one client action (``runMacro``, ``alert``) in ``book``'s own answer: the action list of
    this Book object (xlwings' remote engine), which only this request's response carries."""
    book.impl.append_json_action(func=func, args=list(args))


def report_to_pane(book, report: dict | RefreshOutcome) -> None:
    """Queue ``report`` (a refresh's outcome, or a report dict: summary, notice, findings, more) for the
    task pane of the request ``book`` came with. Only the xl-tools server's own add-in registers the
    callback, so only its scripts call this."""
    if isinstance(report, RefreshOutcome):
        report = pane_report(book, report)
    queue_on_book(book, "runMacro", [PANE_CALLBACK, json.dumps(report, ensure_ascii=False)])
