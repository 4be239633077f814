"""``xl-tools new``: a filing workbook ready for the 刷新 button.

The .xlsm carries xlwings' VBA with a button macro that runs ``xl_tools.desktop.main()`` for whatever
workbook it sits in (``workbook.vba``): the file may be renamed, copied or downloaded, and needs no
``.py`` beside it. It pins no Python: xlwings' VBA takes the interpreter from the user's own xlwings
configuration (``xlwings config create``, once per PC) or ``python`` on the PATH, so a workbook moved to
another PC uses that PC's Python; 说明 says what to run when none is found.
"""

from __future__ import annotations

from pathlib import Path

from .errors import XlToolsError
from .fileio import atomic_target
from .model import YEAR_RANGE_ZH, Filing, Unit, is_budget_year
from .workbook import build_workbook


def new_workbook(out: Path, *, year: int, department: str = "", unit: str = "") -> list[Path]:
    if not is_budget_year(year):
        raise XlToolsError(f"预算年度 {year} 不合理，应为{YEAR_RANGE_ZH}")
    filing = Filing(year=year, department=department, units=[Unit.unstated(unit)] if unit else [])
    filing.total_stated = False
    macro = out.suffix.lower() == ".xlsm"
    with atomic_target(out) as tmp:
        build_workbook(tmp, filing, macro=macro)
    return [out]
