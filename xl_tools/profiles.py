"""Region profiles: TOML files under ``data/profiles`` (``广东.toml`` …), one per family of published tables.

A profile says what the region's table looks like — its category framework (``categories``), the money
unit, one or two value columns, the optional columns it prints, its publication layout, whether a
workbook's 代码表 may add categories — and carries the rule options (severities, thresholds) that
``rules.config`` applies. The workbook records its profile in 基本信息 (规则配置, a dropdown of
``profile_names``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .categories import CodeTable, framework_names, framework_table
from .errors import XlToolsError
from .schema import DEFAULT_PROFILE, INDICATOR_COLUMNS, PROJECT_COLUMNS

# the keys of a profile that describe the table, not a rule (rules.config skips them)
FORM_KEYS = ("title", "description", "framework", "money_unit", "value_columns", "optional_columns",
             "project_columns", "layout", "code_additions", "provinces")
OPTIONAL_COLUMNS = tuple(INDICATOR_COLUMNS)        # 指标性质, 度量单位, 权重, 指标方向性, 绩效标准, 指标解释, 备注
PROJECT_OPTIONAL_COLUMNS = tuple(PROJECT_COLUMNS)  # 实施期, 实施期目标, 项目类别 … 中央资金 … 上级资金
MONEY_UNITS = ("万元", "元")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    framework: str
    money_unit: str = "万元"
    value_columns: int = 2                 # 2: 实施周期指标值 + 年度指标值; 1: one 指标值 column (年度)
    optional_columns: tuple[str, ...] = ()   # the 绩效指标 sheet's columns beside the values
    layout: str = ""                       # the publication layout the importer reads for it
    code_additions: bool = False           # the workbook's 代码表 may add categories
    provinces: tuple[str, ...] = ()
    project_columns: tuple[str, ...] = ()    # the 项目 sheet's columns besides amounts and 绩效目标

    def table(self, additions: list[tuple[str, str, str | None]] | tuple = ()) -> CodeTable:
        """The category table the rules use: the framework, plus the workbook's 代码表 additions where
        the profile allows them."""
        base = framework_table(self.framework)
        if not self.code_additions or not additions:
            return base
        shipped = _shipped_labels()      # a 代码表 written for another profile lists its framework: not additions
        return base.with_additions([a for a in additions if (a[0], a[1]) not in shipped])


@lru_cache(maxsize=1)
def _shipped_labels() -> frozenset[tuple[str, str]]:
    out = set()
    for name in framework_names():
        table = framework_table(name)
        out |= {(c.code, c.name) for c in table.level1 + table.level2}
    return frozenset(out)


def _folder():
    return resources.files("xl_tools").joinpath("data/profiles")


def profile_names() -> list[str]:
    names = sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))
    return [DEFAULT_PROFILE] + [n for n in names if n != DEFAULT_PROFILE]


def profile_text(name: str) -> str:
    """The TOML text of the profile ``name``; XlToolsError listing the known ones otherwise."""
    if name not in profile_names():
        raise XlToolsError(f"未知的规则配置「{name}」，可选：{'、'.join(profile_names())}")
    return _folder().joinpath(f"{name}.toml").read_text("utf-8")


@lru_cache(maxsize=16)
def load_profile(name: str | None = None) -> Profile:
    """The profile ``name`` (None or "": the default); XlToolsError naming the bad key otherwise."""
    name = name or DEFAULT_PROFILE
    data = tomllib.loads(profile_text(name))
    where = f"规则配置「{name}」"
    framework = data.get("framework", "广东2015")
    if framework not in framework_names():
        raise XlToolsError(f"{where}的指标类别框架「{framework}」不存在，可选：{'、'.join(framework_names())}")
    money = data.get("money_unit", "万元")
    if money not in MONEY_UNITS:
        raise XlToolsError(f"{where}的金额单位「{money}」无效，应为 {'或'.join(MONEY_UNITS)}")
    columns = data.get("value_columns", 2)
    if columns not in (1, 2):
        raise XlToolsError(f"{where}的指标值列数应为 1 或 2：{columns!r}")
    optional = tuple(data.get("optional_columns", ()))
    unknown = [c for c in optional if c not in OPTIONAL_COLUMNS]
    if unknown:
        raise XlToolsError(f"{where}中未知的可选列「{'、'.join(unknown)}」，可选：{'、'.join(OPTIONAL_COLUMNS)}")
    project = tuple(data.get("project_columns", ()))
    unknown = [c for c in project if c not in PROJECT_OPTIONAL_COLUMNS]
    if unknown:
        raise XlToolsError(f"{where}中未知的项目列「{'、'.join(unknown)}」，可选：{'、'.join(PROJECT_OPTIONAL_COLUMNS)}")
    return Profile(name, data.get("title", name), framework, money, columns, optional, data.get("layout", ""),
                   bool(data.get("code_additions", False)), tuple(data.get("provinces", ())), project)
