"""The consolidation's unit of decision: one unit of one file (a *slice*), with its amounts, a
fingerprint of its money and of its texts, the file's stamp, and what the consolidation decides for it.

Decisions (``decision``) and, for those not counted, the short cause (``cause``):

- 计入 (counted in the year's 合并公开表);
- 重复 (the same filing as the one counted or decided for the unit: another copy, the published PDF of a
  workbook, a copy under a differently written unit name);
- 已替代 (an earlier version of the unit's filing, replaced by a later one or by the reviewer's choice);
- 版本冲突 (versions of one unit with the same time: none counted until the reviewer keeps one);
- 未计入, cause 无法读取 / 没有项目 / 年度不明 / 有错误 / 未填 (projects without any amount);
- 范围外, cause 其他部门 / 其他年度 / 名单外 (``scope``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import MONEY_FIELDS, Project
from ..money import CENT, ZERO
from ..textnorm import name_key, squash
from ..unitnames import unit_key
from .core import FileResult
from .stamps import Stamp

COUNTED = "计入"
DUPLICATE = "重复"
SUPERSEDED = "已替代"
CONFLICT = "版本冲突"
EXCLUDED = "未计入"
OUT_OF_SCOPE = "范围外"
DECISIONS = (COUNTED, DUPLICATE, SUPERSEDED, CONFLICT, EXCLUDED, OUT_OF_SCOPE)

UNREADABLE, NO_PROJECTS, NO_YEAR, ERRORS, UNFILLED = "无法读取", "没有项目", "年度不明", "有错误", "未填"
OTHER_DEPARTMENT, OTHER_YEAR, NOT_LISTED = "其他部门", "其他年度", "名单外"
CAUSES = (UNREADABLE, NO_PROJECTS, NO_YEAR, ERRORS, UNFILLED, OTHER_DEPARTMENT, OTHER_YEAR, NOT_LISTED)


@dataclass
class Slice:
    year: int | None
    department: str
    unit: str                                   # as the file writes it
    file: str
    kind: str
    status: str
    projects: int
    indicators: int
    amounts: dict[str, Decimal | None]
    errors: int
    no_money: int                               # projects without any amount (AMT008)
    fingerprint: str                            # project names and amounts, to the cent
    text_fingerprint: str                       # targets and indicators
    stamp: Stamp = field(default_factory=Stamp)
    decision: str = ""
    cause: str = ""
    reason: str = ""
    same_as: str = ""
    dept_key: str = ""
    unit_key: str = ""
    unit_name: str = ""                         # the unit's name in the consolidation (the list's, if any)
    note: str = ""                              # said after the reason (a year read from the text)
    money_unit: str = ""                        # the unit its amounts are in (the file's: 万元, 元)

    @property
    def open(self) -> bool:
        return not self.decision

    def decide(self, decision: str, reason: str, cause: str = "", same_as: str = "") -> None:
        self.decision, self.reason, self.cause = decision, reason, cause
        if same_as:
            self.same_as = same_as

    @property
    def content(self) -> tuple[str, str]:
        """What makes two slices one filing: the same money and the same texts."""
        return self.fingerprint, self.text_fingerprint


def _cents(value: Decimal) -> str:
    return str((value or ZERO).quantize(CENT))


def _digest(parts: list) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


def money_fingerprint(projects: list[Project]) -> str:
    """Same value for the same projects and amounts, whatever the order, spacing or file format."""
    return _digest(sorted((name_key(p.name), *(_cents(getattr(p, f)) for f in MONEY_FIELDS))
                          for p in projects))


def text_fingerprint(projects: list[Project]) -> str:
    """Fingerprint of the targets and indicators (white space and full-width forms ignored)."""
    return _digest(sorted((name_key(p.name), squash(p.target),
                           tuple((squash(i.name), squash(i.period_value), squash(i.annual_value))
                                 for i in p.indicators)) for p in projects))


def slices_of(r: FileResult) -> list[Slice]:
    """One slice per unit the file reports; a file without any (unreadable, no projects) is one slice
    with blank amounts — it has none, not 0.00."""
    def make(unit: str, projects: list[Project]) -> Slice:
        about = _about(projects)
        no_money = sum(1 for f in r.findings if f.code == "AMT008" and f.severity != "error"
                       and about(f)) if projects else 0
        amounts = ({f: sum((getattr(p, f) for p in projects), ZERO) for f in MONEY_FIELDS} if projects
                   else dict.fromkeys(MONEY_FIELDS))
        return Slice(r.year, r.department, unit, r.file, r.kind, r.status, len(projects),
                     sum(len(p.indicators) for p in projects), amounts, r.errors, no_money,
                     money_fingerprint(projects) if projects else "", text_fingerprint(projects) if projects else "",
                     r.stamp, money_unit=(r.filing.money_unit if r.filing is not None else "") or "")
    if not r.readable or r.filing is None or not r.filing.projects:
        return [make(r.unit, [])]
    return [make(unit, projects) for unit, projects in projects_by_unit(r.filing).items()]


def _about(projects: list[Project]):
    """Whether a finding is about one of ``projects``: by its row on their sheet, else by the project's
    name (another unit's project may have the same name)."""
    rows = {(p.origin.sheet, p.origin.row) for p in projects if p.origin is not None}
    sheets = {sheet for sheet, _row in rows}
    names = {p.name for p in projects}

    def about(f) -> bool:
        if f.at is not None and f.sheet in sheets:
            return (f.sheet, f.at.row) in rows
        return f.project in names
    return about


def projects_by_unit(filing) -> dict[str, list[Project]]:
    """The projects of each unit of a filing, by the unit's name (its first spelling in the filing):
    a project naming no unit is the filing's only unit's, and spellings of one unit are one unit."""
    spelled: dict[str, str] = {}
    out: dict[str, list[Project]] = {}
    for p, unit in zip(filing.projects, filing.units_of_projects()):
        name = spelled.setdefault(unit_key(unit), unit)
        out.setdefault(name, []).append(p)
    return out
