"""The 刷新 button of desktop Excel: ``main()``, run by xlwings' VBA (``RunPython``).

It refreshes the calling workbook through ``app.refresh_book`` (the same live refresh as the add-in
and xlwings Lite). Problems are shown in Excel — an alert where the client supports one, else a line
on 说明 — never as a traceback: an unusable workbook gets its Chinese message, a defect of ours the
"内部错误" line naming the log with the traceback.

Finding the calling workbook is ours too (``caller``), not ``xw.Book.caller()``: xlwings passes the
workbook's name as ``--wb="NAME"`` through ``cmd.exe /C``, and then reads it with ``split("=")[1].strip()``
— a name holding ``=`` or starting with a space is cut, and ``cmd.exe`` has already replaced a part such
as ``%OS%`` by the variable's value. ``workbook_name`` takes everything after ``--wb=``, and ``match``
finds the open workbook whose name, expanded as ``cmd.exe`` expands it, is the one received. When no open
workbook matches, the user gets one Chinese sentence (on the workbook's Excel, or in xlwings' error box).
"""

from __future__ import annotations

import os
import re
import sys

import xlwings as xw

from . import app
from .crashlog import internal_error_line
from .errors import XlToolsError

MSG_NOT_FOUND = ("找不到按「刷新」的工作簿「{name}」：文件名中的 % 或 ^ 等符号可能被 Windows 命令行改动了。"
                 "请把工作簿另存为不含这些符号的文件名后再按「刷新」。")
MSG_NOT_FROM_EXCEL = "请在 Excel 中按工作簿「说明」页上的「刷新」按钮运行（本功能不能直接从命令行调用）。"
_PERCENT = re.compile(r"%([^%]*)%")


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title="xl-tools")
    except (NotImplementedError, AttributeError):
        first = book.sheets[0]
        first.range(app.SUMMARY_CELL).value = f"刷新失败：{message}"


def _to_error_box(line: str) -> None:
    """One line for xlwings' error box, which reads our stderr (a log file) in Windows' ANSI code page."""
    if sys.platform.startswith("win"):
        import ctypes
        data = (line + "\r\n").encode(f"cp{ctypes.windll.kernel32.GetACP()}", "replace")
        sys.stderr.flush()
        sys.stderr.buffer.write(data)
        sys.stderr.flush()
    else:
        sys.stderr.write(line + "\n")


def arguments(argv: list[str]) -> dict[str, str]:
    """``--wb``, ``--from_xl``, ``--hwnd`` as xlwings' VBA passes them, each value whole: everything after
    the first ``=``, spaces kept (xlwings' own ``split("=")[1].strip()`` cuts ``a=b.xlsm`` to ``a``)."""
    out = {}
    for arg in argv:
        for key in ("--wb=", "--from_xl=", "--hwnd="):
            if arg.startswith(key) and key[2:-1] not in out:
                out[key[2:-1]] = arg[len(key):]
    return out


def cmd_expanded(text: str, env: dict[str, str] | None = None) -> str:
    """``text`` after ``cmd.exe /C``'s percent expansion: ``%NAME%`` of a defined variable (any case) is
    replaced by its value; an undefined one stays as written, and its closing ``%`` may open the next."""
    env = {k.upper(): v for k, v in (os.environ if env is None else env).items()}
    out, k = [], 0
    while k < len(text):
        found = _PERCENT.match(text, k) if text[k] == "%" else None
        if found and found.group(1) and found.group(1).upper() in env:
            out.append(env[found.group(1).upper()])
            k = found.end()
        elif found:
            out.append("%" + found.group(1))
            k = found.end() - 1                      # the closing % may start the next %NAME%
        else:
            out.append(text[k])
            k += 1
    return "".join(out)


def match(received: str, names: list[str], env: dict[str, str] | None = None) -> str | None:
    """Which of the open workbooks ``names`` pressed the button, given the name ``received`` through
    ``cmd.exe``: the same name (Excel compares names without case), else the one that expands to it."""
    for name in names:
        if name.lower() == received.lower():
            return name
    expanded = [name for name in names if cmd_expanded(name, env).lower() == received.lower()]
    return expanded[0] if len(expanded) == 1 else None


def caller(argv: list[str] | None = None):
    """The workbook whose 刷新 button ran this (``xw.Book``); XlToolsError (Chinese) when it cannot be told."""
    if hasattr(xw.Book, "_mock_caller"):                # tests and debugging: Book.set_mock_caller()
        return xw.Book.caller()
    args = arguments(sys.argv if argv is None else argv)
    if args.get("from_xl") != "1" or "wb" not in args:
        raise XlToolsError(MSG_NOT_FROM_EXCEL)
    received = args["wb"]
    if sys.platform.startswith("win"):
        import xlwings._xlwindows as xlwindows  # how xlwings' Book.caller() reaches that Excel
        excel = xw.App(impl=xlwindows.App(xl=int(args["hwnd"])))
        books = {b.name: b for b in excel.books}
    else:
        books = {b.name: b for b in xw.books}
    name = match(received, list(books))
    if name is None:
        raise XlToolsError(MSG_NOT_FOUND.format(name=received))
    return books[name]


def main() -> None:
    """Entry point of the 刷新 button: ``RunPython("import xl_tools.desktop as xl_tools_desktop;
    xl_tools_desktop.main()")`` (workbook/vba.py); xlwings passes the workbook's name, so any file
    name works."""
    try:
        book = caller()
    except Exception as exc:  # noqa: BLE001 - no workbook to show it on: xlwings shows stderr in its error box
        _to_error_box(str(exc) if isinstance(exc, XlToolsError) else internal_error_line(exc, "刷新按钮：找工作簿"))
        raise SystemExit(1) from None
    try:
        outcome = app.refresh_book(book)
        if outcome.notes_kept or outcome.notes_skipped:      # said, not only written on 校验结果
            _alert(book, outcome.report)
    except XlToolsError as err:
        _alert(book, str(err))
    except Exception as exc:  # noqa: BLE001 - the boundary of the button: a message, never a traceback
        _alert(book, internal_error_line(exc, f"刷新按钮 {book.name}"))
