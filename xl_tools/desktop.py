"""Refresh inside Excel through xlwings: desktop (RunPython button), xlwings Server, xlwings Lite.

``refresh(book)`` is the one function all three call; it uses only the portable xlwings API
(XLWINGS.md): it reads each sheet's values once, builds the same plan as ``xl-tools refresh`` and
applies it with ``refresh.xlwings_writer``. Errors in the user's workbook are shown in Excel
(an alert where the client supports it), never as a traceback.
"""

from __future__ import annotations

import json
import re

from .errors import XlToolsError
from .findings import SEVERITY_ZH
from .refresh.plan import RefreshOutcome, plan_refresh
from .refresh.live import apply_ops, notes_supported
from .schema import SHEET_RESULTS
from .workbook.xlwings_view import XlwingsBookView

MIN_XLWINGS = (0, 37, 5)        # Range.add_note and notes_supported (0.37.5), Range.borders (0.37.1); = setup.cfg
MSG_OLD_XLWINGS = ("这台电脑上的 xlwings 版本过旧（{have}），刷新需要 {need} 或更高："
                   "请在命令行运行 pip install -U \"xlwings>={need}\" 后重试。")
PANE_CALLBACK = "xltoolsReport"        # registered by the add-in's static/js/main.js
PANE_MAX_FINDINGS = 50
MSG_NO_NOTES = (f"此版本 Excel 的加载项不能写单元格批注（需要 Microsoft 365 版本 2501 及以上或 Excel 网页版；"
                f"Office 2021/2024 等永久版不支持），问题说明只列在「{SHEET_RESULTS}」工作表和这里。")


def require_xlwings(version: str) -> None:
    """XlToolsError (Chinese) when ``version`` is older than the xlwings this module needs. A
    version that is not numbers (a source checkout) passes."""
    parts = re.match(r"(\d+)\.(\d+)\.(\d+)", version or "")
    if parts and tuple(map(int, parts.groups())) < MIN_XLWINGS:
        raise XlToolsError(MSG_OLD_XLWINGS.format(have=version, need=".".join(map(str, MIN_XLWINGS))))


def _check_xlwings() -> None:
    import xlwings
    require_xlwings(xlwings.__version__)


def refresh(book, *, now: str | None = None) -> RefreshOutcome:
    """Validate the workbook open in Excel and write the results back into it."""
    _check_xlwings()
    view = XlwingsBookView(book)
    outcome = plan_refresh(view, source=book.name, now=now)
    apply_ops(book, outcome.ops)
    return outcome


def pane_report(book, outcome: RefreshOutcome) -> dict:
    """What the add-in's task pane shows after a refresh: the summary, whether notes were written,
    and the first findings (errors first) with the cell each one points at."""
    shown = outcome.findings[:PANE_MAX_FINDINGS]
    return {
        "summary": outcome.summary,
        "counts": outcome.counts,
        "notice": "" if notes_supported(book) else MSG_NO_NOTES,
        "findings": [{"severity": f.severity, "level": SEVERITY_ZH[f.severity], "code": f.code,
                      "sheet": f.sheet, "cell": f.cell, "message": f.message} for f in shown],
        "more": len(outcome.findings) - len(shown),
        "results_sheet": SHEET_RESULTS,
    }


def report_to_pane(book, outcome: RefreshOutcome) -> None:
    """Queue the report for the add-in's task pane (an xlwings ``runMacro`` action the add-in's
    JavaScript answers). Only the xl-tools server's own add-in registers that callback."""
    book.app.macro(PANE_CALLBACK)(json.dumps(pane_report(book, outcome), ensure_ascii=False))


def publish(book) -> None:
    """Regenerate only the 公开表 sheet of the open workbook."""
    _check_xlwings()
    from .publish.table import render
    from .refresh.ops import ReplacePublic
    from .workbook.reader import read_filing_from_workbook
    filing = read_filing_from_workbook(XlwingsBookView(book), source=book.name)
    apply_ops(book, [ReplacePublic(render(filing))])


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title="xl-tools")
    except (NotImplementedError, AttributeError):
        first = book.sheets[0]
        from .workbook.template import README_SUMMARY_ROW
        first.range((README_SUMMARY_ROW + 1, 2)).value = f"刷新失败：{message}"


def main() -> None:
    """Entry point of the 刷新 button (``RunPython("import xl_tools.desktop as xl_tools_desktop; xl_tools_desktop.main()")``,
    see workbook/vba.py): xlwings passes the workbook's name, so any file name works."""
    import xlwings as xw
    book = xw.Book.caller()
    try:
        refresh(book)
    except XlToolsError as err:
        _alert(book, str(err))
