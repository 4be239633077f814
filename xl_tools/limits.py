"""What one input may cost: file size, rows, cells, pages, decompressed bytes and time.

Each limit has a default that a real filing never comes near (a department's workbook has a few
hundred rows, its published PDF a few dozen pages) and an environment variable to change it; the value
is read when it is used, so a server or a batch picks up a changed environment on the next file.
``docs/robustness.md`` lists every limit and what the user sees when it is reached.

Time is bounded cooperatively: ``deadline()`` opens a budget for one task (a command, one file of a
batch, one server request) and the loops that grow with the input call ``check_time()``, which raises
an ``XlToolsError`` once the budget is spent. A nested ``deadline()`` never extends the one around it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from dataclasses import dataclass

from .errors import XlToolsError


@dataclass(frozen=True)
class Limit:
    env: str            # the environment variable that overrides the default
    default: int
    what: str           # Chinese: what is counted
    unit: str           # Chinese: its unit


FILE_MB = Limit("XL_TOOLS_MAX_FILE_MB", 100, "单个文件的大小", "MB")
ROWS = Limit("XL_TOOLS_MAX_ROWS", 50_000, "每个工作表的数据行数", "行")
CELLS = Limit("XL_TOOLS_MAX_CELLS", 2_000_000, "每个工作表的单元格数", "个")
# a workbook's shared-strings table (its different texts): a filing has a few thousand; every reader holds
# them all (about 100 bytes each), and 20 million in a 52 MB file grew past 3.9 GB
STRINGS = Limit("XL_TOOLS_MAX_STRINGS", 2_000_000, "共享字符串数（工作簿中不同文字的个数）", "个")
# a workbook loaded whole by openpyxl (a 公开表 or a regional form to import, the old workbook of a rollover):
# about 700 bytes a cell
BOOK_CELLS = Limit("XL_TOOLS_MAX_BOOK_CELLS", 2_000_000, "整个工作簿的单元格数（完整读入时）", "个")
PAGES = Limit("XL_TOOLS_MAX_PAGES", 2_000, "PDF 的页数", "页")
UNZIPPED_MB = Limit("XL_TOOLS_MAX_UNZIPPED_MB", 1024, "解压后的总大小", "MB")
PDF_INFLATED_MB = Limit("XL_TOOLS_MAX_PDF_INFLATED_MB", 256, "解压后的大小", "MB")
# per page of a PDF: a published table's page shows 2,000–3,000 glyphs and draws 400 lines; a full A4
# page of 6 pt text, 28,000 glyphs
PDF_GLYPHS = Limit("XL_TOOLS_MAX_PDF_GLYPHS", 100_000, "显示的字符数", "个")
PDF_DRAWS = Limit("XL_TOOLS_MAX_PDF_DRAWS", 50_000, "绘图操作数", "次")
# every operator and operand of a page's content (form XObjects drawn included): a published table's page
# has 5,000–25,000
PDF_OPERATORS = Limit("XL_TOOLS_MAX_PDF_OPERATORS", 1_000_000, "内容指令数（运算符与参数）", "个")
PDF_MEMORY_MB = Limit("XL_TOOLS_MAX_PDF_MEMORY_MB", 2048, "读取 PDF 所用的内存", "MB")
# the ruled table of one page, as pdfplumber's table finder sees it (its lines after joining, their
# crossings): a published table's page has about 15 lines and 50 crossings; the finder's time grows with
# lines × lines and with the square of the crossings (5,000 of them: about 2 s)
PDF_TABLE_LINES = Limit("XL_TOOLS_MAX_PDF_TABLE_LINES", 2_000, "表格线数（横线与竖线）", "条")
PDF_TABLE_POINTS = Limit("XL_TOOLS_MAX_PDF_TABLE_POINTS", 5_000, "表格线的交点数", "个")
# a published table's text: 2,000 pages (PAGES) of 3 KB; 10 MB makes about 45,000 indicator rows, within
# what a workbook sheet may hold (ROWS)
TEXT_MB = Limit("XL_TOOLS_MAX_TEXT_MB", 10, "公开表文本的大小", "MB")
SECONDS = Limit("XL_TOOLS_MAX_SECONDS", 900, "处理一个文件的时间", "秒")
ALL = [FILE_MB, ROWS, CELLS, BOOK_CELLS, STRINGS, PAGES, UNZIPPED_MB, PDF_INFLATED_MB, PDF_GLYPHS, PDF_DRAWS, PDF_OPERATORS, PDF_MEMORY_MB,
       PDF_TABLE_LINES, PDF_TABLE_POINTS, TEXT_MB, SECONDS]

# the xlwings Server's limits per request (``server.app``)
SERVER_BODY_MB = Limit("XL_TOOLS_SERVER_MAX_BODY_MB", 20, "单次请求的工作簿数据大小", "MB")
SERVER_CELLS = Limit("XL_TOOLS_SERVER_MAX_CELLS", 1_000_000, "单次请求的单元格数", "个")
# 5,000 rows of 项目 + 绩效指标 is ten times a large department's filing; the remote engine's cost per
# highlight and per note grows with the sheet (xlwings 0.37), so a request's time grows faster than its rows
SERVER_WORK = Limit("XL_TOOLS_SERVER_MAX_WORK", 5_000 * 60, "单次请求的数据行数 × 规则数", "")
SERVER_SECONDS = Limit("XL_TOOLS_SERVER_MAX_SECONDS", 120, "单次请求的处理时间", "秒")
SERVER = [SERVER_BODY_MB, SERVER_CELLS, SERVER_WORK, SERVER_SECONDS]

_MAX_DIGITS = 15            # beyond any limit anyone means (and int() of 4,301 digits raises)


def parse(env: str, raw: str, what: str = "", unit: str = "") -> int:
    """``raw`` as a limit: a positive whole number written in ASCII digits (``²``, ``５``, ``nan``,
    ``1e3``, ``-1`` and ``2.5`` are not); else XlToolsError, one Chinese line naming the variable."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS and int(text) > 0):
        about = f"（{what}，单位：{unit}）" if what and unit else f"（{what}）" if what else ""
        raise XlToolsError(f"环境变量 {env}={raw[:40]!r} 无效：应为正整数，只用数字 0–9，最多 {_MAX_DIGITS} 位{about}")
    return int(text)


def value(limit: Limit) -> int:
    """The limit in force: its environment variable when set (a positive whole number), else the default."""
    raw = os.environ.get(limit.env, "")
    if not raw.strip():
        return limit.default
    return parse(limit.env, raw, limit.what, limit.unit)


def check_all(which: list[Limit]) -> None:
    """XlToolsError for the first limit variable of ``which`` that is set to something other than a
    positive whole number: checked when a command (``ALL``) or the server (``SERVER``) starts, so a
    bad value is one line up front, not a failure in the middle of the work (or of every file)."""
    for limit in which:
        value(limit)


def exceeded(limit: Limit, found: str | None = None) -> str:
    """The Chinese sentence for a limit that was reached: what (and how much, when known), the limit,
    and how to raise it."""
    amount = f"{found}，" if found else ""
    return (f"{limit.what}{amount}超过上限 {value(limit):,} {limit.unit}，已停止处理"
            f"（如确属正常文件，可设置环境变量 {limit.env} 调高上限）")


# ------------------------------------------------------------------------------------------- time

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("xl_tools_deadline", default=None)
_BUDGET: contextvars.ContextVar[int] = contextvars.ContextVar("xl_tools_budget", default=0)


class TimeLimitExceeded(XlToolsError):
    """The task ran past its time budget (``deadline``)."""


@contextlib.contextmanager
def deadline(seconds: float | None = None):
    """A time budget for the task inside; ``seconds`` defaults to ``XL_TOOLS_MAX_SECONDS``."""
    budget = value(SECONDS) if seconds is None else seconds
    end = time.monotonic() + budget
    outer = _DEADLINE.get()
    if outer is not None and outer <= end:
        yield
        return
    token, token_budget = _DEADLINE.set(end), _BUDGET.set(int(budget))
    try:
        yield
    finally:
        _DEADLINE.reset(token)
        _BUDGET.reset(token_budget)


def remaining() -> float | None:
    """Seconds left in the current task's budget (None outside ``deadline``)."""
    end = _DEADLINE.get()
    return None if end is None else max(0.0, end - time.monotonic())


def time_exceeded() -> TimeLimitExceeded:
    """The error of a task past its budget (raised by ``check_time``, or by whoever stopped it)."""
    return TimeLimitExceeded(
        f"处理时间超过上限 {_BUDGET.get() or value(SECONDS)} 秒，已停止（文件异常大或异常复杂；如确属正常文件，"
        f"可设置环境变量 {SECONDS.env} 调高上限）")


def check_time() -> None:
    """Raise TimeLimitExceeded when the current task's budget is spent (no-op outside ``deadline``)."""
    end = _DEADLINE.get()
    if end is not None and time.monotonic() > end:
        raise time_exceeded()
