"""The filing model: one budget year's 项目支出绩效目标表 of one department.

Plain dataclasses, ``Decimal`` money, no Excel. Where a value came from (sheet + row + columns, or a
line of an imported text) travels with it as an ``Origin`` so findings can point at the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from .address import CellAddress, a1
from .money import ZERO
from .unitnames import UnitNames

# the budget years the tool reads, writes and rolls over to (commands, readers, JSON, the template's validation)
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_RANGE_ZH = f"{FIRST_YEAR} 至 {LAST_YEAR} 年之间的四位数年份"


def is_budget_year(year: object) -> bool:
    """A budget year the tool works with: an int from FIRST_YEAR to LAST_YEAR."""
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR


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

    def address(self, field_name: str | None = None) -> CellAddress:
        """The cell of the field (``column``) on this record's row."""
        return CellAddress(self.sheet, self.row, self.column(field_name))

    def cell(self, field_name: str | None = None) -> str:
        """The field's cell as people read it ("D2")."""
        return a1(self.row, self.column(field_name))


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


class _StatedAmounts:
    """Amount cells as read: ``raw[field] is None`` marks a cell left blank (a rolled-over filing not
    filled in, a unit subtotal left to the sum), which the model's Decimal fields show as 0."""

    raw: dict

    def blank(self, field_name: str) -> bool:
        """True when the amount cell was left blank (not typed: unknown, not 0)."""
        return field_name in self.raw and self.raw[field_name] is None


@dataclass
class Project(_StatedAmounts):
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
class Unit(_StatedAmounts):
    """A funding unit (资金使用单位) with its amounts as stated (subtotal row).

    A blank amount cell means "the sum of the unit's projects", never 0: ``raw[field] is None`` marks
    it, and ``Filing.derive_blank_amounts`` gives it that sum.
    """

    name: str
    total: Decimal = ZERO
    fiscal: Decimal = ZERO
    special: Decimal = ZERO
    other: Decimal = ZERO
    origin: Origin | None = field(default=None, compare=False, repr=False)
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # field -> None where blank

    @classmethod
    def unstated(cls, name: str) -> "Unit":
        """A unit named without amounts (``xl-tools new --unit``, a rolled-over filing)."""
        return cls(name, raw=dict.fromkeys(MONEY_FIELDS))


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
    info_origins: dict = field(default_factory=dict, compare=False)   # 基本信息 field → Origin
    template_version: int | None = field(default=None, compare=False)
    # sheet → (header row, field → column, extra header → column), as found by the reader
    headers: dict = field(default_factory=dict, compare=False)
    formula_cells: list = field(default_factory=list, compare=False)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for p in self.projects for i in p.indicators]

    def unit_spellings(self) -> UnitNames:
        """The units this filing names, by identity (``unitnames.unit_key``: width, brackets, spaces
        folded): the unit table's spelling first, then the projects'."""
        names = UnitNames()
        for u in self.units:
            names.add(u.name)
        for p in self.projects:
            names.add(p.unit)
        return names

    def only_unit(self) -> str | None:
        """The unit a project naming none belongs to: the one unit stated on 基本信息, or, when none is
        stated, the one unit the projects name. None when there are several or none."""
        names = self.unit_spellings()
        stated = list(dict.fromkeys(names.canonical(u.name) for u in self.units if u.name))
        if stated:
            return stated[0] if len(stated) == 1 else None
        named = {names.canonical(p.unit) for p in self.projects if p.unit}
        return next(iter(named)) if len(named) == 1 else None

    def units_of_projects(self) -> list[str]:
        """Each project's unit, in the spelling of the unit table (a project that writes 「X(本级)」 where
        the table says 「X（本级）」 is X（本级）'s): the one it names, else ``only_unit`` (else "")."""
        names = self.unit_spellings()
        only = self.only_unit() or ""
        return [names.canonical(p.unit) or only for p in self.projects]

    def unit_names(self) -> list[str]:
        """Units in order, one name per unit: stated ones first, then those only named by projects."""
        names = self.unit_spellings()
        out = list(dict.fromkeys(names.canonical(u.name) for u in self.units))
        seen = set(out)
        for name in self.units_of_projects():
            if name and name not in seen:
                seen.add(name)
                out.append(name)
        return out

    def sums_by_unit(self) -> dict[str, dict[str, Decimal]]:
        """Each unit's project amounts, by the unit's shown name (``units_of_projects``)."""
        out: dict[str, dict[str, Decimal]] = {}
        for p, unit in zip(self.projects, self.units_of_projects()):
            acc = out.setdefault(unit, dict.fromkeys(MONEY_FIELDS, ZERO))
            for f in MONEY_FIELDS:
                acc[f] += getattr(p, f)
        return out

    def derived_units(self) -> list[Unit]:
        """Units with amounts summed from their projects (for a filing that states none)."""
        sums = self.sums_by_unit()
        return [Unit(name, **sums.get(name, dict.fromkeys(MONEY_FIELDS, ZERO)))
                for name in self.unit_names()]

    def all_units(self) -> list[Unit]:
        """Every unit with a subtotal row: the stated ones, then those only projects name (summed); a
        unit the table names twice (in two spellings) is listed once, as first stated."""
        names = self.unit_spellings()
        stated: dict[str, Unit] = {}
        for u in self.units:
            stated.setdefault(names.canonical(u.name), u)
        derived = {u.name: u for u in self.derived_units()}
        return [stated.get(name) or derived[name] for name in self.unit_names()]

    def derive_blank_amounts(self) -> None:
        """Blank unit amounts and a blank 合计 mean "the sum of the projects": give them that sum.
        Idempotent; run again after anything changes a project's amount or unit (refresh fills)."""
        if any(u.raw for u in self.units):
            sums = self.sums_by_unit()
            names = self.unit_spellings()
            for u in self.units:
                for f in MONEY_FIELDS:
                    if u.blank(f):
                        setattr(u, f, sums.get(names.canonical(u.name), {}).get(f, ZERO))
        if not self.total_stated:
            self.total = self.grand_amounts()["total"]

    def grand_amounts(self) -> dict[str, Decimal]:
        """The 合计 row by column: every unit's row, plus the projects that belong to no unit."""
        out = dict.fromkeys(MONEY_FIELDS, ZERO)
        for u in self.all_units():
            for f in MONEY_FIELDS:
                out[f] += getattr(u, f)
        for p, unit in zip(self.projects, self.units_of_projects()):
            if not unit:
                for f in MONEY_FIELDS:
                    out[f] += getattr(p, f)
        return out
