"""The filing model: one budget year's 项目支出绩效目标表 of one department.

Plain dataclasses, ``Decimal`` money, no Excel. Where a value came from (sheet + row + columns, or a
line of an imported text) travels with it as an ``Origin`` so findings can point at the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Mapping

from .address import CellAddress, a1
from .money import CENT, WAN, WAN_PER, ZERO, rescale
from .textnorm import to_halfwidth
from .unitnames import UnitNames


def _shallow(record):
    """A new record of the same class holding the same field values (``copy.copy`` without its
    protocol: a fifth of its time, which counts for 30,000 indicators)."""
    new = object.__new__(record.__class__)
    new.__dict__ = record.__dict__.copy()
    return new


# the budget years the tool reads, writes and rolls over to (commands, readers, JSON, the template's validation)
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_RANGE_ZH = f"{FIRST_YEAR} 至 {LAST_YEAR} 年之间的四位数年份"


def is_budget_year(year: object) -> bool:
    """A budget year the tool works with: an int from FIRST_YEAR to LAST_YEAR."""
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR


MONEY_FIELDS = ("total", "fiscal", "special", "other")
MONEY_LABELS = {"total": "总计", "fiscal": "财政拨款", "special": "财政专户拨款", "other": "其他资金"}

# what real tables print beside an indicator's value (issue 23): field → the column's header. Text as
# written; 指标性质 and 度量单位 frame the value cell, and the rules read the three as one value
# (``Indicator.value_text``)
INDICATOR_FIELDS = {"nature": "指标性质", "measure": "度量单位", "weight": "权重", "direction": "指标方向性",
                    "standard": "绩效标准", "explanation": "指标解释", "remark": "备注"}
# what real tables print about a project besides its amounts and 年度目标: field → header
PROJECT_FIELDS = {"period": "实施期", "long_target": "实施期目标", "category": "项目类别", "kind": "项目性质",
                  "basis": "立项依据", "costing": "成本测算"}
# funding by level (中央/省/市/县/本级/上级): key → header; amounts in the table's money unit
FUNDING_LEVELS = {"central": "中央资金", "province": "省级资金", "city": "市级资金", "county": "县级资金",
                  "own": "本级资金", "upper": "上级资金"}
NATURE_OPS = ("≥", "≤", "=", ">", "<", "＞", "＜", "＝", ">=", "<=")   # 指标性质 that is an operator
_NAME, _UNIT = attrgetter("name"), attrgetter("unit")     # the names Filing.unit_spellings() is made of


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
    nature: str = ""                # 指标性质: ≥ ≤ = 定性 (the export's own column)
    measure: str = ""               # 度量单位: % 个 人/年
    weight: str = ""                # 权重 / 分值, as written
    direction: str = ""             # 指标方向性: 正向指标 / 反向指标
    standard: str = ""              # 绩效标准: 计划标准 / 行业标准 / 历史标准
    explanation: str = ""           # 指标解释
    remark: str = ""                # 备注

    def value_text(self, field_name: str) -> str:
        """The value the rules read from the value cell ``field_name``: the cell as written, framed by
        its 指标性质 (an operator) and 度量单位 when the table gives those in their own columns
        (≥ | 95 | % → ≥95%); a blank value cell stays blank, and what the cell already says is not
        said twice (≥95% with ≥ and % → ≥95%)."""
        value = getattr(self, field_name) or ""
        if not value.strip() or not (self.nature or self.measure):
            return value
        text = value.strip()
        op = self.nature.strip()
        if op in NATURE_OPS and not text.startswith(NATURE_OPS):
            text = op + text
        unit = self.measure.strip()
        if unit and not text.endswith(unit):
            text += unit
        return text

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
    period: str = ""                # 实施期 / 项目期 / 项目起止时间, as written (2023.07-2024.01)
    long_target: str = ""           # 实施期（中长期）绩效目标, beside the 年度 target
    category: str = ""              # 项目类别 (本级支出项目, 基础建设、修缮类)
    kind: str = ""                  # 项目性质 / 属性 / 类型 (持续性项目, 上年延续性项目, 新增项目)
    basis: str = ""                 # 立项依据
    costing: str = ""               # 成本测算
    funding: dict = field(default_factory=dict)   # FUNDING_LEVELS key → Decimal (中央, 省级 … 本级)

    def period_years(self) -> tuple[int, int] | None:
        """(first, last) budget year of the 实施期 (2019-2021, 2023.07-2024.01, 202001-202012), or None."""
        return period_years(self.period)

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


_PERIOD_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[.\-/年]?\d{1,2}(?:[.\-/月]\d{1,2})?)?(?!\d)")


def period_years(text: str | None) -> tuple[int, int] | None:
    """(first, last) year of a 实施期 as tables write it: 2019-2021, 2023.07-2024.01, 202001-202012,
    2023年1月至2025年12月; None when it names no year."""
    if not text:
        return None                     # (most tables have no 实施期: asked for every project)
    years = [int(m.group(1)) for m in _PERIOD_YEAR.finditer(to_halfwidth(text))]
    return (min(years), max(years)) if years else None


# ReadProblem codes (the rule engine maps each to a finding)
PROBLEM_MONEY_TEXT = "money_text"            # a number typed as text ("1,009.93")
PROBLEM_MONEY_INVALID = "money_invalid"      # not a number at all
PROBLEM_FORMULA = "formula_uncomputed"       # a formula without a cached value we cannot evaluate
PROBLEM_NO_INVALID = "no_invalid"            # 序号 that is not a whole number
PROBLEM_TOO_LONG = "cell_too_long"           # over Excel's 32,767 characters
PROBLEM_JSON_KEY = "json_key"               # a JSON key the model does not hold (``load``, ``check F.json``)
PROBLEM_LIVE_LINK = "live_link"              # a DDE or external-link formula (=cmd|'/c calc'!A0, =[1]S!A1)
PROBLEM_TOTAL_ROW = "total_row"              # a 合计 row typed under the projects: not read as a project
PROBLEM_UNIT_UNNAMED = "unit_unnamed"        # amounts in a row of the units table with no 单位名称: not counted


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
    # categories the workbook's 代码表 adds to its profile's framework: (code, name, parent code or None)
    code_additions: list = field(default_factory=list, compare=False)
    orphan_indicators: list[Indicator] = field(default_factory=list, compare=False)
    # rows of 绩效指标 a refresh drafted (序号 「待确认」) that the person has not edited or confirmed yet:
    # not the person's indicators, so no rule, total or table counts them
    pending: list[Indicator] = field(default_factory=list, compare=False)
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
    # cells (sheet, row, column) holding a value an earlier refresh filled in (a 序号 the tool may renumber)
    tool_filled: frozenset = field(default=frozenset(), compare=False)
    # a workbook's data rows against the hashes its last refresh recorded (``refresh.marks``): True when
    # they differ (edited after that refresh, not refreshed since), False when they are as it left them,
    # None when no refresh recorded them (never refreshed, an older tool's refresh, a damaged record) or
    # when not asked (``app.load_filing(since_refresh=True)``: the batch, to tell two versions apart)
    changed_since_refresh: bool | None = field(default=None, compare=False)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for p in self.projects for i in p.indicators]

    def working_copy(self, records: bool = True) -> Filing:
        """A copy whose records may be completed (their values set, a project's raw cells changed: what
        ``refresh.fills.derive_fills`` does) without touching this filing; what completing never changes
        (origins, texts, settings) is shared. 30,000 indicators: 0.06 s, where ``copy.deepcopy`` takes
        1.3 s and the rules 2.7 s (best of several runs on a loaded 2-core machine).

        ``records`` False: the projects and units themselves are shared (in lists of the copy's own), for
        a filing with nothing to complete (``refresh.fills.may_fill``); the filing's own fields and the
        rows kept apart are still the copy's."""
        if records:
            projects = []
            for p in self.projects:
                q = _shallow(p)
                q.raw, q.indicators = dict(p.raw), [_shallow(i) for i in p.indicators]
                projects.append(q)
            units = []
            for u in self.units:
                v = _shallow(u)
                v.raw = dict(u.raw)
                units.append(v)
        else:
            projects, units = list(self.projects), list(self.units)
        done = _shallow(self)
        done.projects, done.units = projects, units
        # the rows kept apart (drafted lines not confirmed, indicators without a project): lists and records
        # of their own, so a caller that settles or numbers them on the copy leaves this filing as it was
        done.pending = [_shallow(i) for i in self.pending]
        done.orphan_indicators = [_shallow(i) for i in self.orphan_indicators]
        return done

    def unit_spellings(self) -> UnitNames:
        """The units this filing names, by identity (``unitnames.unit_key``: width, brackets, spaces
        folded): the unit table's spelling first, then the projects'. Made again only when a name it
        is made of changed since (the 公开表 and the rules ask twenty times; at 5,000 projects each
        asking folded 5,000 names); the caller only reads it."""
        key = (tuple(map(_NAME, self.units)), tuple(map(_UNIT, self.projects)))   # 0.3 ms at 5,000 projects
        made = self.__dict__.get("_unit_spellings")
        if made is not None and made[0] == key:
            return made[1]
        names = UnitNames()
        for u in self.units:
            names.add(u.name)
        for p in self.projects:
            names.add(p.unit)
        self.__dict__["_unit_spellings"] = (key, names)
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
        the table says 「X（本级）」 is X（本级）'s): the one it names, else ``only_unit`` (else ""). Worked out
        again only when ``unit_spellings`` is (a check asks three times: 5,000 names looked up each time)."""
        names = self.unit_spellings()
        made = self.__dict__.get("_units_of_projects")
        if made is not None and made[0] is names:
            return list(made[1])
        only = self.only_unit() or ""
        out = [names.canonical(p.unit) or only for p in self.projects]
        self.__dict__["_units_of_projects"] = (names, out)
        return list(out)

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
        for u, f, amount in self._blank_unit_sums():
            setattr(u, f, amount)
        if not self.total_stated:
            self.total = self.grand_amounts()["total"]

    def blank_amounts_derived(self) -> bool:
        """Whether ``derive_blank_amounts`` would change nothing (it ran since the projects last changed)."""
        return all(getattr(u, f) == amount for u, f, amount in self._blank_unit_sums()) and \
            (self.total_stated or self.total == self.grand_amounts()["total"])

    def _blank_unit_sums(self):
        """(unit, field, the sum of its projects) of each blank unit amount."""
        if not any(u.raw for u in self.units):
            return
        sums = self.sums_by_unit()
        names = self.unit_spellings()
        for u in self.units:
            for f in MONEY_FIELDS:
                if u.blank(f):
                    yield u, f, sums.get(names.canonical(u.name), {}).get(f, ZERO)

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


def amounts_in(record, stated: str, unit: str):
    """A Project or Unit with its amounts in ``unit`` (元 → 万元 to two decimals: 3,309,840.00 元 →
    330.98 万元); the record itself when the units are the same or either is not a money unit
    (``money.WAN_PER``)."""
    if stated == unit or stated not in WAN_PER or unit not in WAN_PER:
        return record
    scale = rescale(Decimal(1), stated, unit)
    scaled = {f: (getattr(record, f) * scale).quantize(CENT, ROUND_HALF_UP) for f in MONEY_FIELDS}
    if getattr(record, "funding", None):
        scaled["funding"] = {k: (v * scale).quantize(CENT, ROUND_HALF_UP) for k, v in record.funding.items()}
    return replace(record, **scaled)


def filing_in_unit(filing: Filing, unit: str) -> Filing:
    """``filing`` with every amount in ``unit`` (a copy; the filing itself when it is in that unit)."""
    stated = filing.money_unit or WAN
    if stated == unit or stated not in WAN_PER or unit not in WAN_PER:
        return filing
    scale = rescale(Decimal(1), stated, unit)
    return replace(filing, money_unit=unit, total=(filing.total * scale).quantize(CENT, ROUND_HALF_UP),
                   units=[amounts_in(u, stated, unit) for u in filing.units],
                   projects=[amounts_in(p, stated, unit) for p in filing.projects])
