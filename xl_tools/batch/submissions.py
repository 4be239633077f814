"""Who filed for the year under review, and who did not (报送情况).

The units expected are the reviewer's list (``--units``), else every unit of the department that
appears in the batch in any year. For each, one line: 计入 (with its file), 有错误 / 未填 / 版本冲突 (not
counted, with the file in force), 无法读取 (only files that could not be read, matched to the unit by their
file name), or 未报送 (nothing for the year; a filing of another year is named: 「只收到2025年的…」).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..unitnames import unit_key
from .scope import Scope
from .slices import (
    CONFLICT,
    COUNTED,
    DUPLICATE,
    EXCLUDED,
    NOT_LISTED,
    OTHER_DEPARTMENT,
    OTHER_YEAR,
    SUPERSEDED,
    UNREADABLE,
    Slice,
)

FILED = "计入"
MISSING = "未报送"
STATUS_ORDER = (FILED, "有错误", "未填", CONFLICT, "没有项目", UNREADABLE, MISSING)


@dataclass
class Submission:
    year: int
    unit: str
    status: str                               # one of STATUS_ORDER
    files: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def counted(self) -> bool:
        return self.status == FILED

    @property
    def text(self) -> str:
        files = "、".join(f"「{f}」" for f in self.files)
        return f"{self.unit}：{self.status}" + (f"（{files}）" if files else "") + (f"，{self.note}" if self.note else "")


def _expected(slices: list[Slice], scope: Scope) -> list[tuple[str, str]]:
    """(name, key) of every unit expected to file."""
    if scope.has_list:
        return [(u, unit_key(u)) for u in scope.units]
    seen: dict[str, str] = {}
    for s in slices:
        if s.unit_key and s.cause not in (OTHER_DEPARTMENT, NOT_LISTED):
            seen.setdefault(s.unit_key, s.unit_name or s.unit)
    return sorted(((name, key) for key, name in seen.items()), key=lambda t: t[0])


def _guess(file: str, keys: list[str]) -> str | None:
    """The expected unit whose name (or alias) the file's name contains, the longest such."""
    stem = unit_key(PurePosixPath(file).stem)
    hits = [k for k in keys if k and k in stem]
    return max(hits, key=len) if hits else None


def whose_file(file: str, subs: list[Submission], scope: Scope) -> str | None:
    """The key of the expected unit (one of ``subs``) whose name or alias the file's name holds, as an
    unreadable file is matched to its unit (``submissions``); None: no expected unit's."""
    lookup = {unit_key(s.unit): unit_key(s.unit) for s in subs} | {a: unit_key(u) for a, u in scope.aliases.items()}
    hit = _guess(file, list(lookup))
    return lookup[hit] if hit is not None else None


def submissions(slices: list[Slice], scope: Scope, year: int) -> list[Submission]:
    """One ``Submission`` per expected unit for ``year`` (see the module docstring)."""
    expected = _expected(slices, scope)
    alias_keys = {a: unit_key(u) for a, u in scope.aliases.items()}
    lookup = {key: key for _n, key in expected} | {a: u for a, u in alias_keys.items()}
    unreadable: dict[str, list[str]] = {}
    for s in slices:
        if s.cause == UNREADABLE:
            hit = _guess(s.file, list(lookup))
            if hit is not None:
                unreadable.setdefault(lookup[hit], []).append(s.file)
    out = []
    for name, key in expected:
        mine = [s for s in slices if s.unit_key == key]
        this_year = [s for s in mine if s.year == year and s.cause != OTHER_YEAR]
        counted = [s.file for s in this_year if s.decision == COUNTED]
        in_force = [s for s in this_year if s.decision in (EXCLUDED, CONFLICT)]
        if counted:
            out.append(Submission(year, name, FILED, counted))
        elif in_force:
            status = CONFLICT if in_force[0].decision == CONFLICT else in_force[0].cause
            out.append(Submission(year, name, status, [s.file for s in in_force]))
        elif unreadable.get(key):
            out.append(Submission(year, name, UNREADABLE, unreadable[key], "请单位重新保存后报送"))
        else:
            others = sorted({(s.year, s.file) for s in mine if s.year != year and s.year is not None
                             and s.decision not in (DUPLICATE, SUPERSEDED)})
            note = "；".join(f"只收到{y}年的「{f}」" for y, f in others)
            out.append(Submission(year, name, MISSING, [], note))
    return sorted(out, key=lambda s: (STATUS_ORDER.index(s.status) if s.status in STATUS_ORDER else 9, s.unit))


def summary_line(subs: list[Submission], year: int, listed: bool) -> str:
    """「2026年应报 12 个单位（名单）：计入 8，有错误 1，未填 1，未报送 2（甲市实验小学：只收到2025年的…；…）」"""
    counts = {status: sum(s.status == status for s in subs) for status in STATUS_ORDER}
    parts = "，".join(f"{status} {n}" for status, n in counts.items() if n)
    missing = [s for s in subs if s.status in (MISSING, UNREADABLE)]
    detail = "；".join(s.text for s in missing[:10]) + ("……" if len(missing) > 10 else "")
    whose = "名单中" if listed else "本批出现过的"
    return f"{year}年报送情况：{whose} {len(subs)} 个单位，{parts}" + (f"（{detail}）" if detail else "")
