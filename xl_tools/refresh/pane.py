"""What the add-in's task pane shows after 刷新: the summary, whether cell notes could be written, and
the first findings with their cells. The server's ``refresh`` script queues it as one xlwings
``runMacro`` action that the add-in's JavaScript (server/project/static/js/main.js) answers."""

from __future__ import annotations

import json

from ..findings import SEVERITY_ZH
from ..schema import SHEET_RESULTS
from .live import notes_supported
from .plan import RefreshOutcome

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
        "notice": "" if notes_supported(book) else MSG_NO_NOTES,
        "findings": [{"severity": f.severity, "level": SEVERITY_ZH[f.severity], "code": f.code,
                      "sheet": f.sheet, "cell": f.cell, "message": f.message, "suggestion": f.suggestion,
                      "draft": f.draft.to_json() if f.draft else None} for f in shown],
        "drafts": sum(1 for f in outcome.findings if f.draft),        # lines refresh --draft would add
        "more": len(outcome.rows) - len(shown),
        "results_sheet": SHEET_RESULTS,
    }


def report_to_pane(book, outcome: RefreshOutcome) -> None:
    """Queue the report for the task pane. Only the xl-tools server's own add-in registers the
    callback, so only its scripts call this."""
    book.app.macro(PANE_CALLBACK)(json.dumps(pane_report(book, outcome), ensure_ascii=False))
