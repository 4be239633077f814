"""The filing model: one budget year's 项目支出绩效目标表 of one department.

Plain dataclasses, ``Decimal`` money, no Excel. Where a value came from (sheet + row + columns, or a
line of an imported text) travels with it as an ``Origin`` so findings can point at the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from openpyxl.utils import get_column_letter

from .money import ZERO

MONEY_FIELDS = ("total", "fiscal", "special", "other")
MONEY_LABELS = {"total": "总计", "fiscal": "财政拨款", "special": "财政专户拨款", "other": "其他资金"}


@dataclass(frozen=True)
class Origin:
    """Where a record lives: a sheet row and the column (1-based) of each field, or a text line."""

    sheet: str
    row: int
    columns: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    file: str | None = None

    def column(self, field_name: str | None = None) -> int:
        """The field's column, or the record's first column when the field has none."""
        col = self.columns.get(field_name) if field_name else None
        if col is None:
            col = min(self.columns.values()) if self.columns else 1
        return col

    def cell(self, field_name: str | None = None) -> str:
        return f"{get_column_letter(self.column(field_name))}{self.row}"


@dataclass
class Indicator:
    no: int | None
    level1_code: str
    level1: str
    level2_code: str
    level2: str
    name: str
    period_value: str
    annual_value: str
    project: str = ""               # the 项目名称 the row names (绩效指标 sheet)
    origin: Origin | None = field(default=None, compare=False, repr=False)
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # cells as read, when unusual

    @property
    def level1_label(self) -> str:
        return f"{self.level1_code}-{self.level1}" if self.level1_code else self.level1

    @property
    def level2_label(self) -> str:
        return f"{self.level2_code}-{self.level2}" if self.level2_code else self.level2


@dataclass
class Project:
    name: str
    unit: str
    total: Decimal = ZERO
    fiscal: Decimal = ZERO
    special: Decimal = ZERO
    other: Decimal = ZERO
    target: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    no: object = None               # 序号 as written
    origin: Origin | None = field(default=None, compare=False, repr=False)
    # money cells that were blank / text / formulas, as read: field -> raw value
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    extra: dict = field(default_factory=dict, compare=False, repr=False)  # user columns

    def parts_sum(self) -> Decimal:
        return self.fiscal + self.special + self.other


@dataclass
class Unit:
    """A funding unit (资金使用单位) with its amounts as stated (subtotal row)."""

    name: str
    total: Decimal = ZERO
    fiscal: Decimal = ZERO
    special: Decimal = ZERO
    other: Decimal = ZERO
    origin: Origin | None = field(default=None, compare=False, repr=False)


# ReadProblem codes (the rule engine maps each to a finding)
PROBLEM_MONEY_TEXT = "money_text"            # a number typed as text ("1,009.93")
PROBLEM_MONEY_INVALID = "money_invalid"      # not a number at all
PROBLEM_FORMULA = "formula_uncomputed"       # a formula without a cached value we cannot evaluate
PROBLEM_NO_INVALID = "no_invalid"            # 序号 that is not a whole number
PROBLEM_TOO_LONG = "cell_too_long"           # over Excel's 32,767 characters
PROBLEM_LIVE_LINK = "live_link"              # a DDE or external-link formula (=cmd|'/c calc'!A0, =[1]S!A1)


@dataclass
class ReadProblem:
    """Something the reader could not take as it was written; rules turn these into findings."""

    code: str
    message: str
    origin: Origin | None
    field: str | None = None
    project: str | None = None
    value: object = None


@dataclass
class Filing:
    year: int | None = None
    department: str = ""
    money_unit: str = "万元"
    total: Decimal = ZERO
    units: list[Unit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    profile: str = ""                               # 规则配置 (region profile)
    orphan_indicators: list[Indicator] = field(default_factory=list, compare=False)
    problems: list[ReadProblem] = field(default_factory=list, compare=False)
    settings: dict = field(default_factory=dict, compare=False)   # rule overrides from the workbook
    source: str | None = field(default=None, compare=False)       # file it was read from
    total_stated: bool = field(default=True, compare=False)        # False when 合计 was derived
    total_origin: Origin | None = field(default=None, compare=False)
    template_version: int | None = field(default=None, compare=False)
    # sheet → (header row, field → column, extra header → column), as found by the reader
    headers: dict = field(default_factory=dict, compare=False)
    formula_cells: list = field(default_factory=list, compare=False)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for p in self.projects for i in p.indicators]

    def unit_names(self) -> list[str]:
        """Units in order: stated ones first, then those only named by projects."""
        names = list(dict.fromkeys(u.name for u in self.units))
        seen = set(names)
        for p in self.projects:
            if p.unit and p.unit not in seen:
                seen.add(p.unit)
                names.append(p.unit)
        return names

    def sums_by_unit(self) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for p in self.projects:
            acc = out.setdefault(p.unit, dict.fromkeys(MONEY_FIELDS, ZERO))
            for f in MONEY_FIELDS:
                acc[f] += getattr(p, f)
        return out

    def derived_units(self) -> list[Unit]:
        """Units with amounts summed from their projects (for a filing that states none)."""
        sums = self.sums_by_unit()
        return [Unit(name, **sums.get(name, dict.fromkeys(MONEY_FIELDS, ZERO)))
                for name in self.unit_names()]
