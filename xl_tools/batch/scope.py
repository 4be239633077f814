"""What one reviewer's batch is about: one department, one budget year, the units expected to file.

``batch --department 甲市教育局 [--year 2026] [--units 名单.xlsx] [--alias 甲市二中=甲市第二中学]``:

- **department**: filings of another department are listed and kept out of the consolidation. Names are
  compared through the one normalisation of names (``unitnames.unit_key``: width of brackets and digits,
  spaces), and a department written with its own unit's mark (「甲市教育局（本级）」) is that department;
- **year**: ``--year``, else (with a department) the year most of the department's filings state, ties
  to the later: filings of another year are listed and kept out — a 2025 filing sent by mistake is not a
  2026 table, and its unit is listed as having no 2026 filing;
- **units**: the list of units expected to file (名单.xlsx, .csv or .txt: a column 单位名称 and optionally
  a column 别名 holding other ways the unit's name is written, separated by 、 or ，); ``--alias A=B``
  adds one such way on the command line. A filing is that unit's when its name, normalised, is the
  unit's name or one of its aliases. With a list, a filing of a unit that is not on it is kept out (a
  misspelt name would otherwise be a second unit), and every unit of the list without a filing counted
  for the year is listed.

Everything here is pure: the list is read once in the parent process (``read_unit_list``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import XlToolsError
from ..fileio import read_bytes
from ..unitnames import unit_key
from ..xlsxfile import open_workbook, reading, table_rows

_OWN_UNIT = re.compile(r"[(（]?本级[)）]?$")
_SPLIT = re.compile(r"[、，,；;/|\n]+")
HEADER_ROWS = 10
LIST_COLUMNS = 64           # a unit list's columns are read up to here (a value in XFD1048576 is not a list)
UNIT_CAPTIONS = ("单位名称", "单位", "预算单位", "资金使用单位")
ALIAS_CAPTIONS = ("别名", "其他名称", "简称")
_NOT_A_UNIT = {"合计", "总计", "小计", "序号"}


def department_key(name: str | None) -> str:
    """The key under which two department names are one department: ``unit_key``, without a trailing
    「（本级）」 (a department written as its own unit)."""
    key = unit_key(name)
    stripped = _OWN_UNIT.sub("", key)
    return stripped or key


@dataclass
class Scope:
    """The department, year and units of a batch (see the module docstring); empty: everything."""

    department: str | None = None
    year: int | None = None
    units: list[str] = field(default_factory=list)          # expected units, as the list writes them
    aliases: dict[str, str] = field(default_factory=dict)   # unit_key of another way → the unit's name
    unit_list: str | None = None                            # the list's file, as given
    year_inferred: bool = False                              # the year was inferred, not given

    def __post_init__(self) -> None:
        self._canonical = {unit_key(u): u for u in self.units}

    @property
    def restricted(self) -> bool:
        return bool(self.department or self.year or self.units)

    @property
    def has_list(self) -> bool:
        return bool(self.units)

    def in_department(self, department: str | None) -> bool | None:
        """True / False for a filing's 部门名称; None when the batch names no department or the filing
        states none."""
        if not self.department or not unit_key(department):
            return None
        return department_key(department) == department_key(self.department)

    def unit_name(self, name: str | None) -> str | None:
        """The list's name of the unit a filing names (directly or by an alias); None when not listed."""
        key = unit_key(name)
        if key in self._canonical:
            return self._canonical[key]
        return self.aliases.get(key)

    def unit_key(self, name: str | None) -> str:
        """The key under which filings are one unit's: the listed unit's, else the name's own."""
        listed = self.unit_name(name)
        return unit_key(listed if listed is not None else name)

    def with_year(self, year: int | None, inferred: bool) -> "Scope":
        return Scope(self.department, year, self.units, self.aliases, self.unit_list, inferred)

    def describe(self) -> str:
        """「审核范围：甲市教育局，2026年（按多数文件推断），名单 12 个单位（名单.xlsx）」"""
        parts = []
        if self.department:
            parts.append(self.department)
        if self.year:
            parts.append(f"{self.year}年")
        if self.units:
            parts.append(f"名单 {len(self.units)} 个单位" + (f"（{self.unit_list}）" if self.unit_list else ""))
        return "审核范围：" + "，".join(parts) if parts else ""


def _cells_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(rows: list[list[str]], source: str) -> tuple[list[str], dict[str, list[str]]]:
    """(units, unit → its aliases) from the rows of a list: a header row naming 单位名称 (and 别名) in
    the first rows, else the first column (and the second as aliases)."""
    name_col, alias_col, start = 0, None, 0
    for k, row in enumerate(rows[:HEADER_ROWS]):
        keys = [unit_key(c) for c in row]
        found = next((c for c, key in enumerate(keys) if key in UNIT_CAPTIONS), None)
        if found is not None:
            name_col, start = found, k + 1
            alias_col = next((c for c, key in enumerate(keys) if key in ALIAS_CAPTIONS), None)
            break
    else:
        alias_col = 1 if any(len(r) > 1 and r[1] for r in rows) else None
    units: list[str] = []
    aliases: dict[str, list[str]] = {}
    for row in rows[start:]:
        name = row[name_col] if name_col < len(row) else ""
        if not name or unit_key(name) in _NOT_A_UNIT:
            continue
        units.append(name)
        if alias_col is not None and alias_col < len(row) and row[alias_col]:
            aliases[name] = [a.strip() for a in _SPLIT.split(row[alias_col]) if a.strip()]
    if not units:
        raise XlToolsError("单位名单中没有读到任何单位名称（应有一列「单位名称」，可另有一列「别名」）", file=source)
    return units, aliases


def _rows_of_text(data: bytes, source: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise XlToolsError("单位名单无法按 UTF-8 或 GBK 读取", file=source)
    dialect = "excel-tab" if "\t" in text and "," not in text else "excel"
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect=dialect)]


def read_unit_list(path: str | Path) -> tuple[list[str], dict[str, list[str]]]:
    """The units (and their aliases) of a list file: .xlsx (the first sheet), .csv or .txt (one unit
    per line, aliases after a comma or tab). XlToolsError naming the file when it cannot be used."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        wb = open_workbook(path, read_only=True, data_only=True)
        try:
            with reading(path):
                ws = wb.worksheets[0]
                rows = [[_cells_text(v) for v in row]
                        for _r, row in table_rows(ws, max_col=LIST_COLUMNS, values_only=True)]
        finally:
            wb.close()
    elif suffix in (".csv", ".txt"):
        rows = _rows_of_text(read_bytes(path), source)
    else:
        raise XlToolsError("单位名单应为 .xlsx、.csv 或 .txt 文件", file=source)
    return _table(rows, source)


def parse_alias(text: str) -> tuple[str, str]:
    """``甲市二中=甲市第二中学`` → (甲市二中, 甲市第二中学); XlToolsError for anything else."""
    parts = re.split(r"[=＝]", text)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise XlToolsError(f"--alias 应写成「别名=单位名称」，如 甲市二中=甲市第二中学，而不是「{text}」")
    return parts[0].strip(), parts[1].strip()


def make_scope(department: str | None = None, year: int | None = None, unit_list: str | Path | None = None,
               aliases: list[str] = ()) -> Scope:
    """The scope of a batch from the reviewer's options; XlToolsError when the list cannot be read or an
    alias names two units."""
    units: list[str] = []
    listed: dict[str, list[str]] = {}
    if unit_list is not None:
        units, listed = read_unit_list(unit_list)
    names = {unit_key(u): u for u in units}
    mapping: dict[str, str] = {}

    def add(alias: str, unit: str) -> None:
        key = unit_key(alias)
        if key == unit_key(unit) or not key:
            return
        if key in names and names[key] != unit:
            raise XlToolsError(f"别名「{alias}」与名单中的单位「{names[key]}」同名，不能再作为「{unit}」的别名")
        if key in mapping and mapping[key] != unit:
            raise XlToolsError(f"别名「{alias}」同时指向「{mapping[key]}」和「{unit}」，请只保留一个")
        mapping[key] = unit

    for unit, others in listed.items():
        for alias in others:
            add(alias, unit)
    for text in aliases:
        alias, unit = parse_alias(text)
        if unit_key(alias) in names and unit_key(unit) not in names:
            alias, unit = unit, alias                 # written the other way round: 单位名称=别名
        add(alias, names.get(unit_key(unit), unit))
    return Scope(department=department or None, year=year, units=units, aliases=mapping,
                 unit_list=str(unit_list) if unit_list is not None else None)
