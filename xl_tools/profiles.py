"""Region profiles: TOML files under ``data/profiles`` (``广东.toml`` …), one per family of published tables.

A profile says what the region's table looks like — its category framework (``categories``), the money
unit, one or two value columns, the optional columns it prints, its publication layout, whether a
workbook's 代码表 may add categories — and carries the rule options (severities, thresholds) that
``rules.config`` applies. The workbook records its profile in 基本信息 (规则配置, a dropdown of
``profile_names``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .categories import CodeTable, framework_names, framework_table
from .errors import XlToolsError
from .schema import DEFAULT_PROFILE, INDICATOR_COLUMNS, PROJECT_COLUMNS

# the keys of a profile that describe the table, not a rule (rules.config skips them)
FORM_KEYS = ("title", "description", "framework", "money_unit", "value_columns", "optional_columns",
             "project_columns", "layout", "code_additions", "provinces", "places", "money_columns")
OPTIONAL_COLUMNS = tuple(INDICATOR_COLUMNS)        # 指标性质, 度量单位, 权重, 指标方向性, 绩效标准, 指标解释, 备注
PROJECT_OPTIONAL_COLUMNS = tuple(PROJECT_COLUMNS)  # 实施期, 实施期目标, 项目类别 … 中央资金 … 上级资金
MONEY_UNITS = ("万元", "元")
# the 项目 sheet's amount columns a 公开表 may print: header → model field (``funding.<level>``: by level)
MONEY_SOURCES = {"总计": "total", "财政拨款": "fiscal", "财政专户拨款": "special", "其他资金": "other"}
MONEY_COLUMN_FIELDS = {**MONEY_SOURCES, **{h: f for h, f in PROJECT_COLUMNS.items() if f.startswith("funding.")}}


@dataclass(frozen=True)
class MoneyColumn:
    """An amount column of the 公开表: the 项目 sheet's column it prints (``column``), the model field
    that holds it, the caption printed over it and the group caption above that (a two-row header,
    「资金来源」 over 财政拨款 and 其他资金); "" for a column standing alone."""

    column: str
    field: str
    header: str
    group: str = ""


# Guangdong's table (the default): 总计 · 财政拨款 · 财政专户拨款 · 其他资金, one header row
DEFAULT_MONEY = tuple(MoneyColumn(h, f, h) for h, f in MONEY_SOURCES.items())


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
    money_columns: tuple[MoneyColumn, ...] = DEFAULT_MONEY    # the amount columns its 公开表 prints
    places: tuple[str, ...] = ()           # its provinces' cities and prefectures (湘潭, 鄂州): ``profile_by_place``

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
                   bool(data.get("code_additions", False)), tuple(data.get("provinces", ())), project,
                   _money_columns(data.get("money_columns"), where), tuple(data.get("places", ())))


def profile_by_money(fields: set[str] | frozenset[str]) -> str | None:
    """The profile whose 公开表 prints the amount columns ``fields`` (model fields a published table's
    header shows: total, fiscal, funding.upper …): the one with the most of its columns there, all of them;
    None where that is Guangdong's four (every profile printing those is as likely) or two tie."""
    profiles = [load_profile(n) for n in profile_names()]
    fits = sorted(((len(p.money_columns), p.name) for p in profiles if p.money_columns != DEFAULT_MONEY
                   and {c.field for c in p.money_columns} <= fields), reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None
    return fits[0][1]


def profile_by_place(text: str, layout: str) -> str | None:
    """The profile of the published ``layout`` (申报表) whose provinces or places ``text`` names — a
    province by its name (湖南省, 宁夏), a city or prefecture followed by 市, 州, 县 or 区 (鄂州市, 岳阳县: 公益阳光
    is no 益阳) —; None where none does, or places of two profiles are named."""
    found = set()
    for name in profile_names():
        p = load_profile(name)
        if p.layout != layout:
            continue
        if any(v in text for v in p.provinces) or \
                any(re.search(re.escape(v) + "[市州县区]", text) for v in p.places):
            found.add(name)
    return found.pop() if len(found) == 1 else None


def _money_columns(data: object, where: str) -> tuple[MoneyColumn, ...]:
    """``money_columns = [{ column = "总计", header = "资金总额" }, { column = "财政拨款", group = "资金来源" } …]``:
    the 公开表's amount columns in order, each one of the 项目 sheet's amount columns (``MONEY_COLUMN_FIELDS``),
    总计 first; absent: Guangdong's four."""
    if data is None:
        return DEFAULT_MONEY
    known = "、".join(MONEY_COLUMN_FIELDS)
    if not isinstance(data, list) or not all(isinstance(d, dict) and isinstance(d.get("column"), str) for d in data):
        raise XlToolsError(f"{where}的 money_columns 应为 {{ column = \"总计\", header = …, group = … }} 的列表")
    out = []
    for d in data:
        unknown = set(d) - {"column", "header", "group"}
        if d["column"] not in MONEY_COLUMN_FIELDS or unknown:
            raise XlToolsError(f"{where}的金额列「{d['column']}」无效（可选：{known}；键：column、header、group）")
        out.append(MoneyColumn(d["column"], MONEY_COLUMN_FIELDS[d["column"]], str(d.get("header") or d["column"]),
                               str(d.get("group", ""))))
    if not out or out[0].field != "total" or len({c.field for c in out}) < len(out):
        raise XlToolsError(f"{where}的 money_columns 应以「总计」开头，每列只出现一次")
    return tuple(out)
