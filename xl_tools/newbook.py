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
from .profiles import DEFAULT_PROFILE, load_profile
from .unitnames import unit_key
from .workbook import build_workbook


def new_workbook(out: Path, *, year: int, department: str = "", units: list[str] = (),
                 profile: str = DEFAULT_PROFILE) -> list[Path]:
    """A new filing workbook for ``profile``: 基本信息 names it (规则配置), its 金额单位 is the profile's,
    and the 代码表 and the category dropdowns list its framework; the unit table lists ``units``."""
    if not is_budget_year(year):
        raise XlToolsError(f"预算年度 {year} 不合理，应为{YEAR_RANGE_ZH}")
    seen: dict[str, str] = {}
    for unit in (u.strip() for u in units):
        if not unit:
            raise XlToolsError("--unit 后面的单位名称是空的")
        if unit_key(unit) in seen:
            same = "是同一个单位" if seen[unit_key(unit)] == unit else "是同一个单位（只差括号、数字的全角半角或空格）"
            raise XlToolsError(f"--unit「{seen[unit_key(unit)]}」和「{unit}」{same}，请只写一次")
        seen[unit_key(unit)] = unit
    form = load_profile(profile)
    filing = Filing(year=year, department=department, units=[Unit.unstated(u.strip()) for u in units],
                    money_unit=form.money_unit, profile=form.name)
    filing.total_stated = False
    macro = out.suffix.lower() == ".xlsm"
    with atomic_target(out) as tmp:
        build_workbook(tmp, filing, macro=macro)
    return [out]
