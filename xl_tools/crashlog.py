"""Internal errors: the traceback goes to a log file, the user gets one Chinese line naming it.

Used at every boundary (command line, batch rows, server answers), so a defect of ours never looks
like a finding and never shows a bare traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__

LOG_DIR_ENV = "XL_TOOLS_LOG_DIR"


def log_dir() -> Path:
    """Where internal-error logs go: ``$XL_TOOLS_LOG_DIR``, else ``<temp>/xl-tools-logs``."""
    return Path(os.environ.get(LOG_DIR_ENV) or Path(tempfile.gettempdir()) / "xl-tools-logs")


def write_log(exc: BaseException, context: str) -> Path | None:
    """Write the traceback of ``exc`` to a new log file; None when no log can be written."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"xl-tools-{stamp}-{os.getpid()}.log"
        text = (f"xl-tools {__version__}\n{context}\nPython {sys.version}\n\n"
                + "".join(traceback.format_exception(exc)))
        path.write_text(text, "utf-8")
        return path
    except OSError:
        return None


def internal_error_line(exc: BaseException, context: str) -> str:
    """One Chinese line for an unexpected exception, naming the log with its traceback."""
    log = write_log(exc, context)
    where = f"详细信息已写入 {log}" if log else "详细信息未能写入日志"
    return (f"内部错误（{type(exc).__name__}）：这是 xl-tools 的缺陷，不是填报表的问题。{where}，"
            "请把该文件发给维护人员。")
