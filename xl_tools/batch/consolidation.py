"""The department's consolidated table, one per budget year, with the provenance of every number.

Tabular work on the batch's rows, done with pandas (imported only here and in the exports, never on the
accountant's refresh path). Every readable file is cut into *slices*, one per funding unit it reports
(a department's own table has several units). A slice is identified by (部门, 预算年度, 单位) and carries
a fingerprint of its money (project names and the four amounts, to the cent). Then, per slice:

1. a file that could not be read, has no projects or no budget year is **not counted** (未计入), with
   the reason;
2. slices of the same (部门, 年度, 单位) whose money differs are **conflicting versions** (版本冲突): none
   is counted, whether or not one of them has errors — the reviewer must say which one holds, and the
   batch exits 1 until then;
3. slices of the same (部门, 年度, 单位) with the same fingerprint are **one filing** that arrived
   several times (the workbook and its published PDF, two copies): it is represented by the workbook
   when there is one (else the first file by name); the others are **duplicates** (重复) naming it,
   also when the filing itself is not counted for its errors; a blank 部门 (a text without
   "部门名称：") matches the unit's department;
4. a filing with error findings is **not counted** (未计入) unless ``include_errors``;
5. the rest is **counted** (计入).

Years are never added together: there is one consolidated table per budget year. Its units are summed
from the projects printed under them, and its 合计 from the units, so every total equals the sum of the
rows printed under it (a stated subtotal that disagrees is an error finding of its file, which is then
not counted). The 部门名称 is the one department of the counted slices, or "多个部门：…" when they name
several.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd

from ..findings import ERROR, INFO, WARNING
from ..model import MONEY_FIELDS, Filing, Project, Unit
from ..money import CENT, ZERO
from ..textnorm import name_key, squash
from ..unitnames import UnitNames, unit_key
from .core import BatchReport, FileResult

COUNTED = "计入"
DUPLICATE = "重复"
EXCLUDED = "未计入"
CONFLICT = "版本冲突"
DECISIONS = (COUNTED, DUPLICATE, EXCLUDED, CONFLICT)
NO_UNIT = "（未填单位）"
UNKNOWN_YEAR = "不明"

SLICE_COLUMNS = ["year", "department", "unit", "file", "kind", "status", "projects", "indicators",
                 *MONEY_FIELDS, "errors", "decision", "reason", "same_as", "fingerprint", "text_fingerprint"]


@dataclass
class YearTable:
    """The consolidated table of one budget year."""

    year: int
    filing: Filing                          # units summed from the projects, 合计 from the units
    departments: list[str]                  # distinct 部门名称 of the counted slices
    sources: dict[str, list[str]]           # unit → files counted for it (duplicates after "同见于")
    marked: dict[str, str] = field(default_factory=dict)   # unit → mark (counted with errors)

    @property
    def department(self) -> str:
        return department_label(self.departments)


def department_label(departments: list[str]) -> str:
    """The 部门名称 of a consolidation: the one department, or all of them when several."""
    if len(departments) > 1:
        return "多个部门：" + "、".join(departments)
    return departments[0] if departments else ""


@dataclass
class Conflict:
    """Files of one (部门, 年度, 单位) whose amounts differ: none is counted until the reviewer decides."""

    year: int
    department: str
    unit: str
    files: list[str]

    @property
    def text(self) -> str:
        names = "、".join(f"「{f}」" for f in self.files)
        return (f"{self.year}年 {self.unit or NO_UNIT} 有 {len(self.files)} 个金额不同的版本（{names}），"
                "均未计入：请确认以哪一份为准，把其余的移出后重新审核")


@dataclass
class Consolidation:
    tables: list[YearTable]
    slices: pd.DataFrame                    # one row per (file, unit): decision and reason
    include_errors: bool = False
    conflicts: list[Conflict] = field(default_factory=list)

    def table(self, year: int) -> YearTable:
        return next(t for t in self.tables if t.year == year)

    def has_table(self, year: int | None) -> bool:
        return any(t.year == year for t in self.tables)

    def counts(self) -> dict[str, int]:
        """How many slices got each decision (计入, 重复, 未计入, 版本冲突)."""
        got = self.slices.decision.value_counts()
        return {d: int(got.get(d, 0)) for d in DECISIONS}

    def duplicates_of(self) -> dict[str, str]:
        """file → the file it is a copy of, for files whose every slice is a duplicate of one file."""
        out = {}
        for file, group in self.slices.groupby("file", sort=False):
            if (group.decision == DUPLICATE).all() and group.same_as.nunique() == 1:
                out[file] = group.same_as.iloc[0]
        return out


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


def _slices_of(r: FileResult) -> list[dict]:
    """One row per unit the file reports; a file without any (unreadable, no projects) is one row with
    blank amounts — it has none, not 0.00."""
    base = {"year": r.year, "department": r.department, "file": r.file, "kind": r.kind, "status": r.status,
            "errors": r.errors, "decision": "", "reason": "", "same_as": ""}
    if not r.readable or r.filing is None:
        return [{**base, "unit": r.unit, "projects": 0, "indicators": 0,
                 **dict.fromkeys(MONEY_FIELDS), "fingerprint": "", "text_fingerprint": ""}]
    by_unit: dict[str, list[Project]] = {}       # one slice per unit, whatever its spellings (unit_key)
    for p, unit in zip(r.filing.projects, r.filing.units_of_projects()):
        by_unit.setdefault(unit, []).append(p)
    out = []
    for unit, projects in by_unit.items():
        out.append({**base, "unit": unit, "projects": len(projects),
                    "indicators": sum(len(p.indicators) for p in projects),
                    **{f: sum((getattr(p, f) for p in projects), ZERO) for f in MONEY_FIELDS},
                    "fingerprint": money_fingerprint(projects), "text_fingerprint": text_fingerprint(projects)})
    if not out:                              # a readable file without projects: nothing to count
        out.append({**base, "unit": r.unit, "projects": 0, "indicators": 0,
                    **dict.fromkeys(MONEY_FIELDS), "fingerprint": "", "text_fingerprint": ""})
    return out


def _exclusions(df: pd.DataFrame, results: list[FileResult]) -> None:
    """Slices that cannot be counted whatever the others are: unreadable, no projects, no year."""
    readable = {r.file: r.readable for r in results}
    error_text = {r.file: r.error for r in results}
    for k, row in df.iterrows():
        if not readable[row.file]:
            df.at[k, "reason"] = f"无法读取：{error_text[row.file]}"
        elif row.projects == 0:
            df.at[k, "reason"] = "文件中没有项目"
        elif pd.isna(row.year):
            df.at[k, "reason"] = "预算年度不明，不能归入任何年度的合并表"
        else:
            continue
        df.at[k, "decision"] = EXCLUDED


def _fill_departments(df: pd.DataFrame) -> None:
    """A slice without 部门名称 belongs to the department its unit has in that year's other files."""
    df["dept_key"] = df["department"].map(unit_key)
    df["unit_key"] = df["unit"].map(unit_key)
    named = df[df.dept_key != ""].groupby(["year", "unit_key"])["dept_key"].agg(lambda s: sorted(set(s)))
    for k, row in df[df.dept_key == ""].iterrows():
        found = named.get((row.year, row.unit_key))
        if found is not None and len(found) == 1:
            df.at[k, "dept_key"] = found[0]


def _preference(df: pd.DataFrame) -> pd.Series:
    """Sort key of the file counted among duplicates: a filing workbook first (not a published table,
    even one saved as xlsx), then by file name."""
    return pd.Series([(0 if kind == "workbook" else 1, f) for kind, f in zip(df["kind"], df["file"])],
                     index=df.index, dtype=object)


def _copies(df: pd.DataFrame, ordered: pd.DataFrame, what: str) -> str:
    """Mark every slice after the first of ``ordered`` (one version) a duplicate of the first; returns
    the file of the first."""
    first = ordered.index[0]
    kept = df.at[first, "file"]
    others = [df.at[k, "file"] for k in ordered.index[1:]]
    if others:
        df.at[first, "same_as"] = "、".join(others)
    for k in ordered.index[1:]:
        df.at[k, "decision"] = DUPLICATE
        df.at[k, "same_as"] = kept
        text = "" if df.at[k, "text_fingerprint"] == df.at[first, "text_fingerprint"] else \
            "；绩效目标或指标文字有差异，以该文件为准"
        df.at[k, "reason"] = f"与「{kept}」是同一份填报（部门、年度、单位和金额相同），{what}{text}"
    return kept


def _deduplicate(df: pd.DataFrame, include_errors: bool) -> list[Conflict]:
    """Per (年度, 部门, 单位): one version (same money fingerprint) → one filing, counted once unless it
    has errors; several versions → a conflict between them, none counted (copies of each version are
    duplicates of it)."""
    open_ = df[df.decision == ""].copy()
    open_["pref"] = _preference(open_)
    conflicts = []
    for _key, group in open_.groupby(["year", "dept_key", "unit_key"], sort=False):
        versions = [v.sort_values("pref") for _fp, v in group.groupby("fingerprint", sort=False)]
        if len(versions) > 1:
            versions.sort(key=lambda v: v.pref.iloc[0])
            files = [_copies(df, v, "该版本与其他版本冲突，未计入") for v in versions]
            conflicts.append(Conflict(int(group.year.iloc[0]), group.department.iloc[0], group.unit.iloc[0], files))
            named = "、".join(f"「{f}」" for f in files)
            for v in versions:
                df.at[v.index[0], "decision"] = CONFLICT
                df.at[v.index[0], "reason"] = (f"同一部门、年度、单位有 {len(files)} 个金额不同的版本（{named}），"
                                               "均未计入：请确认以哪一份为准，把其余的移出后重新审核")
            continue
        first = versions[0].index[0]
        errors = int(df.at[first, "errors"])
        counted = not errors or include_errors
        _copies(df, versions[0], "只计一次" if counted else "按该文件处理（未计入）")
        df.at[first, "decision"] = COUNTED if counted else EXCLUDED
        if errors:
            df.at[first, "reason"] = (f"有错误 {errors} 条，按 --include-errors 计入" if counted else
                                      f"有错误 {errors} 条（修正后重新审核，或用 --include-errors 计入）")
    return sorted(conflicts, key=lambda c: (c.year, c.unit))


def _year_table(year: int, counted: pd.DataFrame, results: dict[str, FileResult]) -> YearTable:
    wanted = {(f, unit_key(u)) for f, u in zip(counted.file, counted.unit)}
    names = UnitNames()                     # one unit row per unit, in the first counted file's spelling
    projects = []
    for f in dict.fromkeys(counted.file):
        filing = results[f].filing
        for p, unit in zip(filing.projects, filing.units_of_projects()):
            if (f, unit_key(unit)) in wanted:
                projects.append(p if p.unit == names.add(unit) else replace(p, unit=names.add(unit)))
    frame = pd.DataFrame([{"unit": p.unit, **{f: getattr(p, f) for f in MONEY_FIELDS}} for p in projects])
    sums = frame.groupby("unit", sort=False)[list(MONEY_FIELDS)].sum()
    units = [Unit(name or NO_UNIT, **{f: row[f] for f in MONEY_FIELDS}) for name, row in sums.iterrows()]
    if any(not p.unit for p in projects):   # the renderer lists projects under their unit's name
        projects = [p if p.unit else replace(p, unit=NO_UNIT) for p in projects]
    first = results[counted.file.iloc[0]].filing
    filing = Filing(year=year, money_unit=first.money_unit, units=units, projects=projects)
    filing.total = sum((u.total for u in units), ZERO)
    spelled = UnitNames()                   # one department however its name is written
    departments = sorted({spelled.add(d) for d in counted.department if d})
    sources: dict[str, list[str]] = {}
    marked: dict[str, str] = {}
    for row in counted.itertuples():
        unit = names.canonical(row.unit) or NO_UNIT
        sources.setdefault(unit, []).append(row.file + (f"（同见于 {row.same_as}）" if row.same_as else ""))
        if row.errors:
            marked[unit] = "有错误，按 --include-errors 计入"
    filing.department = department_label(departments)
    return YearTable(year, filing, departments, sources, marked)


def consolidate(report: BatchReport, *, include_errors: bool = False) -> Consolidation:
    """Decide for every (file, unit) whether it is counted, and build one table per budget year."""
    results = report.results
    records = [s for r in results if not r.skipped for s in _slices_of(r)]     # our own reports: never
    df = pd.DataFrame(records, columns=[c for c in SLICE_COLUMNS])
    df["year"] = df["year"].astype("Int64")
    _exclusions(df, results)
    _fill_departments(df)
    conflicts = _deduplicate(df, include_errors)
    by_file = {r.file: r for r in results}
    tables = [_year_table(int(year), group, by_file)
              for year, group in df[df.decision == COUNTED].groupby("year", sort=True)]
    df = df.drop(columns=["dept_key", "unit_key"])
    order = {COUNTED: 0, DUPLICATE: 1, CONFLICT: 2, EXCLUDED: 3}
    df = df.assign(_o=df.decision.map(order)).sort_values(["year", "_o", "unit", "file"], na_position="last",
                                                           kind="stable").drop(columns="_o")
    return Consolidation(tables, df.reset_index(drop=True), include_errors, conflicts)


def cause(decision: str, reason: str) -> str:
    """The short cause of a slice's decision: 计入, 重复, 版本冲突, 有错误, 无法读取, 没有项目, 年度不明."""
    if decision != EXCLUDED:
        return decision
    for prefix, short in (("无法读取", "无法读取"), ("文件中没有项目", "没有项目"), ("预算年度不明", "年度不明"),
                          ("有错误", "有错误")):
        if reason.startswith(prefix):
            return short
    return EXCLUDED


def causes_text(slices: pd.DataFrame) -> str:
    """"重复 2 项、版本冲突 2 项、有错误 1 项": what became of the slices that were not counted."""
    order = [DUPLICATE, CONFLICT, "有错误", "无法读取", "年度不明", "没有项目", EXCLUDED]
    got = pd.Series([cause(d, r) for d, r in zip(slices.decision, slices.reason)], dtype=object)
    counts = got[got != COUNTED].value_counts()
    conflicting = slices[slices.decision == CONFLICT]
    units = conflicting.groupby(["year", "unit"], dropna=False).ngroups if len(conflicting) else 0

    def said(c: str) -> str:            # versions of one unit are one conflict, as the lines list them
        if c == CONFLICT:
            return f"{c} {units} 处共 {int(counts[c])} 个版本"
        return f"{c} {int(counts[c])} 项"
    return "、".join(said(c) for c in order if c in counts)


def counted_once(report: BatchReport, cons: Consolidation) -> list[FileResult]:
    """The files statistics count: each filing once — a file that is a copy of another (重复) is left
    out, and so are xl-tools' own outputs."""
    copies = cons.duplicates_of()
    return [r for r in report.results if not r.skipped and r.file not in copies]


def severity_pivot(results: list[FileResult], family_of) -> pd.DataFrame:
    """Findings by rule family (rows) and severity (columns), most findings first."""
    rows = [(family_of(f.code), f.severity) for r in results for f in r.findings]
    return _by_severity(pd.DataFrame(rows, columns=["key", "severity"]))


def rule_pivot(results: list[FileResult]) -> pd.DataFrame:
    """Findings by rule code (rows) and severity (columns): errors first, then most findings."""
    rows = [(f.code, f.severity) for r in results for f in r.findings]
    table = _by_severity(pd.DataFrame(rows, columns=["key", "severity"]))
    if table.empty:
        return table
    worst = (table[ERROR] == 0).astype(int) + ((table[ERROR] == 0) & (table[WARNING] == 0)).astype(int)
    return table.assign(_w=worst, _k=table.index).sort_values(["_w", "all", "_k"], ascending=[True, False, True],
                                                              kind="stable").drop(columns=["_w", "_k"])


def _by_severity(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[ERROR, WARNING, INFO, "all"])
    table = pd.crosstab(frame.key, frame.severity).reindex(columns=[ERROR, WARNING, INFO], fill_value=0)
    table["all"] = table.sum(axis=1)
    return table.sort_values(["all"], ascending=False, kind="stable")


def unit_family_pivot(results: list[FileResult], family_of) -> pd.DataFrame:
    """Findings by (预算年度, 单位) rows and rule family columns, each filing counted once (pass
    ``counted_once``); years are never mixed: a unit has one row per year."""
    rows = [(str(r.year) if r.year else UNKNOWN_YEAR, r.unit or r.file, family_of(f.code))
            for r in results for f in r.findings]
    frame = pd.DataFrame(rows, columns=["year", "unit", "family"])
    if frame.empty:
        return pd.DataFrame()
    return pd.crosstab([frame.year, frame.unit], frame.family)
