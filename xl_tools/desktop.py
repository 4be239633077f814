"""The 刷新 button of desktop Excel: ``main()``, run by xlwings' VBA (``RunPython``).

It refreshes the calling workbook through ``app.refresh_book`` (the same live refresh as the add-in
and xlwings Lite). Problems are shown in Excel — an alert where the client supports one, else a line
on 说明 — never as a traceback: an unusable workbook gets its Chinese message, a defect of ours the
"内部错误" line naming the log with the traceback.
"""

from __future__ import annotations

import xlwings as xw

from . import app
from .crashlog import internal_error_line
from .errors import XlToolsError
from .workbook.template import README_SUMMARY_ROW


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title="xl-tools")
    except (NotImplementedError, AttributeError):
        first = book.sheets[0]
        first.range((README_SUMMARY_ROW + 1, 2)).value = f"刷新失败：{message}"


def main() -> None:
    """Entry point of the 刷新 button: ``RunPython("import xl_tools.desktop as xl_tools_desktop;
    xl_tools_desktop.main()")`` (workbook/vba.py); xlwings passes the workbook's name, so any file
    name works."""
    book = xw.Book.caller()
    try:
        outcome = app.refresh_book(book)
        if outcome.notes_kept or outcome.notes_skipped:      # said, not only written on 校验结果
            _alert(book, outcome.report)
    except XlToolsError as err:
        _alert(book, str(err))
    except Exception as exc:  # noqa: BLE001 - the boundary of the button: a message, never a traceback
        _alert(book, internal_error_line(exc, f"刷新按钮 {book.name}"))
