"""Refresh inside Excel through xlwings: desktop (RunPython button), xlwings Server, xlwings Lite.

``refresh(book)`` is the one function all three call; it uses only the portable xlwings API
(XLWINGS.md): it reads each sheet's values once, builds the same plan as ``xl-tools refresh`` and
applies it with ``refresh.xlwings_writer``. Errors in the user's workbook are shown in Excel
(an alert where the client supports it), never as a traceback.
"""

from __future__ import annotations

from .errors import XlToolsError
from .refresh.plan import RefreshOutcome, plan_refresh
from .refresh.live import apply_ops
from .workbook.xlwings_view import XlwingsBookView


def refresh(book, *, now: str | None = None) -> RefreshOutcome:
    """Validate the workbook open in Excel and write the results back into it."""
    view = XlwingsBookView(book)
    outcome = plan_refresh(view, source=book.name, now=now)
    apply_ops(book, outcome.ops)
    return outcome


def publish(book) -> None:
    """Regenerate only the 公开表 sheet of the open workbook."""
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
    """Entry point of the 刷新 button (``RunPython("import <book>; <book>.main()")``)."""
    import xlwings as xw
    book = xw.Book.caller()
    try:
        refresh(book)
    except XlToolsError as err:
        _alert(book, str(err))
