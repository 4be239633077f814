"""The department's consolidated table of the year under review, with the provenance of every number.

Every readable file is cut into *slices*, one per funding unit it reports (``slices``). Then:

1. a file that could not be read, has no projects or no budget year is **not counted** (未计入);
2. the **scope** (``scope``): one department and one budget year — the reviewer's (``--department``,
   ``--year``), else the department and the year most files state (ties: the later year) — and, with a
   list of units, only the listed units (by name or alias). Filings outside it are **范围外** (another
   department, another year, a unit not on the list): listed, never added in;
3. slices of one unit are found through the one normalisation of names (``unitnames.unit_key``: width
   of brackets and digits, bracket kinds, spaces), the reviewer's aliases, and content: a copy under a
   shortened spelling of the unit's name (甲市二中 for 甲市第二中学) whose projects and amounts are the
   same is that unit's (重复), not a second unit; two units whose filings are alike to the cent stay two
   units;
4. among one unit's files, **the later version wins** by the files' own stamps, or the reviewer's choice
   (``--keep``); copies are 重复, earlier versions 已替代 with both dates and what changed (``versions``);
5. the version in force is **counted** (计入) unless it has errors (未计入, or counted with
   ``include_errors``, marked) or projects without any amount (未填, never counted).

The table's units are summed from the projects printed under them, its 合计 from the units, so every
total equals the sum of the rows printed under it. ``submissions`` lists every expected unit's state
(报送情况); a file whose review was interrupted (内部错误) makes the consolidation **incomplete**, which
every output says.

Tabular work is done with pandas (imported only here, in the report and in the exports, never on the
accountant's refresh path).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import pandas as pd

from ..diff import diff_filings
from ..diff.words import changes_text
from ..findings import ERROR, INFO, WARNING
from ..model import MONEY_FIELDS, WAN, Filing, Unit, amounts_in
from ..money import ZERO
from ..schema import DEFAULT_PROFILE
from ..unitnames import unit_key
from .core import STATUS_INTERNAL, BatchReport, FileResult
from .scope import Scope, department_key
from .slices import (
    CAUSES,
    CONFLICT,
    COUNTED,
    DECISIONS,
    DUPLICATE,
    EXCLUDED,
    NO_PROJECTS,
    NO_YEAR,
    NOT_LISTED,
    OTHER_DEPARTMENT,
    OTHER_YEAR,
    OUT_OF_SCOPE,
    SUPERSEDED,
    UNREADABLE,
    Slice,
    projects_by_unit,
    slices_of,
)
from .submissions import Submission, submissions
from .versions import Compare, Conflict, Version, decide_unit

__all__ = ["CONFLICT", "COUNTED", "DECISIONS", "DUPLICATE", "EXCLUDED", "OUT_OF_SCOPE", "SUPERSEDED", "Conflict",
           "Consolidation", "Version", "YearTable", "consolidate"]

NO_UNIT = "（未填单位）"
UNKNOWN_YEAR = "不明"

SLICE_COLUMNS = ["year", "department", "unit", "file", "kind", "status", "projects", "indicators",
                 *MONEY_FIELDS, "errors", "decision", "cause", "reason", "same_as", "stamp", "stamp_source",
                 "fingerprint", "text_fingerprint"]


@dataclass
class YearTable:
    """The consolidated table of the year under review."""

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
class Consolidation:
    tables: list[YearTable]
    slices: pd.DataFrame                    # one row per (file, unit): decision and reason
    include_errors: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    scope: Scope = field(default_factory=Scope)
    notes: list[str] = field(default_factory=list)          # what the reviewer asked that could not apply
    interrupted: list[str] = field(default_factory=list)    # files whose review did not finish

    @property
    def year(self) -> int | None:
        return self.scope.year

    def table(self, year: int) -> YearTable:
        return next(t for t in self.tables if t.year == year)

    def has_table(self, year: int | None) -> bool:
        return any(t.year == year for t in self.tables)

    @property
    def complete(self) -> bool:
        """Every file was reviewed to the end (no worker died, no bug of ours on a file)."""
        return not self.interrupted

    def missing(self) -> list[Submission]:
        """Expected units not counted (未报送, errors, 未填, conflicts, unreadable)."""
        return [s for s in self.submissions if not s.counted]

    def counts(self) -> dict[str, int]:
        """How many slices got each decision."""
        got = self.slices.decision.value_counts()
        return {d: int(got.get(d, 0)) for d in DECISIONS}

    def duplicates_of(self) -> dict[str, str]:
        """file → the file it is a copy of, for files whose every slice is a copy (重复) of one file."""
        out = {}
        for file, group in self.slices.groupby("file", sort=False):
            if (group.decision == DUPLICATE).all() and group.same_as.nunique() == 1:
                out[file] = group.same_as.iloc[0]
        return out


# ------------------------------------------------------------------------------------------- deciding

def _unusable(records: list[Slice], results: dict[str, FileResult]) -> None:
    """Slices that cannot be counted whatever the others are: unreadable, no projects, no year."""
    for s in records:
        r = results[s.file]
        if not r.readable:
            s.decide(EXCLUDED, f"无法读取：{r.error}", UNREADABLE)
        elif s.projects == 0:
            s.decide(EXCLUDED, "文件中没有项目", NO_PROJECTS)
        elif s.year is None:
            s.decide(EXCLUDED, "预算年度不明，不能归入任何年度的合并表", NO_YEAR)


def _fill_departments(records: list[Slice]) -> None:
    """A slice without 部门名称 belongs to the department its unit has in that year's other files."""
    named: dict[tuple, set[str]] = {}
    for s in records:
        s.dept_key = department_key(s.department)
        if s.dept_key:
            named.setdefault((s.year, unit_key(s.unit)), set()).add(s.dept_key)
    for s in records:
        found = named.get((s.year, unit_key(s.unit)))
        if not s.dept_key and found and len(found) == 1:
            s.dept_key = next(iter(found))


def _settle(scope: Scope, records: list[Slice]) -> tuple[Scope, list[str]]:
    """The scope with its department and year: the reviewer's, else the most frequent among the
    usable slices (see the module docstring), and the lines saying how they were found."""
    usable = [s for s in records if s.open]
    notes = []
    department = scope.department
    if not department:
        keys = Counter(s.dept_key for s in usable if s.dept_key)
        if len(keys) > 1:
            key = keys.most_common(1)[0][0]
            written = Counter(s.department for s in usable if s.dept_key == key)
            department = written.most_common(1)[0][0]
            notes.append(f"本批有 {len(keys)} 个部门的填报，按多数文件审核「{department}」的，其余列为范围外"
                         "（可用 --department 指定部门）")
        elif keys:
            key = next(iter(keys))
            department = Counter(s.department for s in usable if s.dept_key == key).most_common(1)[0][0]
    scope = replace(scope, department=department) if department != scope.department else scope
    year, inferred = scope.year, False
    if year is None:
        years = Counter(s.year for s in usable if scope.in_department(s.department) is not False)
        if years:
            year = max(years.items(), key=lambda t: (t[1], t[0]))[0]
            inferred = len(years) > 1
    return scope.with_year(year, inferred), notes


def _year_note(records: list[Slice], scope: Scope) -> list[str]:
    """The line saying the year was inferred, and which other years were found (after ``_out_of_scope``)."""
    others = Counter(s.year for s in records if s.cause == OTHER_YEAR)
    if not scope.year_inferred or not others:
        return []
    found = "、".join(f"{y} 年 {n} 个" for y, n in sorted(others.items()))
    return [f"按多数文件审核 {scope.year} 年；另有其他年度的填报（{found}）列为范围外（可用 --year 指定年度）"]


def _out_of_scope(records: list[Slice], scope: Scope) -> None:
    """Other departments and other years: 范围外. A published table whose year (read from its text)
    differs but whose money is that of a filing of the year is a copy of it, not another year's."""
    this_year = {s.fingerprint for s in records if s.open and s.year == scope.year and s.fingerprint}
    for s in records:
        if not s.open:
            continue
        if s.kind == "import" and s.year != scope.year and s.fingerprint in this_year:
            s.note = f"（该公开表的预算年度读作 {s.year} 年，金额与 {scope.year} 年的填报相同，按同一份填报处理）"
            s.year = scope.year
        if scope.in_department(s.department) is False:
            s.decide(OUT_OF_SCOPE, f"部门为「{s.department}」，不是本次审核的「{scope.department}」，未计入",
                     OTHER_DEPARTMENT)
        elif scope.year is not None and s.year != scope.year:
            s.decide(OUT_OF_SCOPE, f"预算年度为 {s.year} 年，本次审核 {scope.year} 年，未计入"
                     f"（如为误报，请单位报送 {scope.year} 年的填报）", OTHER_YEAR)


def _abbreviates(short: str, long: str) -> bool:
    """Whether the key ``short`` is written inside ``long`` in order (甲市二中 in 甲市第二中学)."""
    chars = iter(long)
    return bool(short) and all(c in chars for c in short)


def _identify(records: list[Slice], scope: Scope) -> None:
    """Each slice's unit key: the listed unit's (by name or alias), else its own name's. Then a copy of
    a unit's filing under a shortened or otherwise abbreviated spelling of its name (甲市二中 for
    甲市第二中学: every character of one written in the other, in order) with the same money, the same
    year and department, is given the key of the unit it copies — the listed one, else the longer
    name. Two listed units, or two names neither of which abbreviates the other, are never one
    unit however alike their filings are."""
    for s in records:
        s.unit_key = scope.unit_key(s.unit)
    by_money: dict[tuple, list[Slice]] = {}
    for s in records:
        if s.open and s.fingerprint:
            by_money.setdefault((s.year, s.fingerprint), []).append(s)
    for group in by_money.values():
        keys = Counter(s.unit_key for s in group)
        if len(keys) < 2:
            continue
        listed = {s.unit_key for s in group if scope.unit_name(s.unit) is not None}
        ranked = sorted(keys, key=lambda k: (k not in listed, -len(k), -keys[k], k))    # the full name
        merged: dict[str, str] = {}
        for key in ranked[1:]:
            primary = next((p for p in ranked if p != key and p not in merged and not (p in listed and key in listed)
                            and (_abbreviates(key, p) or _abbreviates(p, key))), None)
            if primary is not None and ranked.index(primary) < ranked.index(key):
                merged[key] = primary
        for s in group:
            s.unit_key = merged.get(s.unit_key, s.unit_key)


def _not_listed(records: list[Slice], scope: Scope) -> None:
    if not scope.has_list:
        return
    listed = {unit_key(u) for u in scope.units}
    for s in records:
        if s.open and s.unit_key not in listed:
            s.decide(OUT_OF_SCOPE, f"单位「{s.unit or NO_UNIT}」不在单位名单中（也不是名单中单位的别名），未计入：如属本部门，"
                     "请把它或它的别名加入名单后重新审核", NOT_LISTED)


def _names(records: list[Slice], scope: Scope) -> None:
    """The name each unit has in the consolidation: the list's, else the name its files use most among
    those written as the unit's key (not a shortened copy's)."""
    written: dict[str, Counter] = {}
    listed: dict[str, str] = {}
    for s in records:
        written.setdefault(s.unit_key, Counter())[s.unit] += 1
        if scope.unit_name(s.unit) is not None:
            listed.setdefault(s.unit_key, scope.unit_name(s.unit))
    for s in records:
        own = [name for name, _n in written[s.unit_key].most_common() if unit_key(name) == s.unit_key]
        s.unit_name = listed.get(s.unit_key) or (own or [written[s.unit_key].most_common(1)[0][0]])[0]


def _comparer(results: dict[str, FileResult]) -> Compare:
    """What changed between two files' filings, in words (the diff's comparison, ``diff.diff_filings``)."""
    def compare(old: str, new: str) -> str:
        a, b = results[old], results[new]
        if a.filing is None or b.filing is None:
            return ""
        try:
            return changes_text(diff_filings(a.filing, b.filing))
        except Exception:  # noqa: BLE001 - a comparison that fails must not stop the consolidation
            return "（无法比较两个版本）"
    return compare


def _pins(keep: list[str], results: list[FileResult]) -> tuple[set[str], list[str]]:
    """The files the reviewer pinned (``--keep``: the name shown, the path, or a unique file name), and
    a line for each that names no file of the batch."""
    pins, notes = set(), []
    for wanted in keep:
        exact = [r.file for r in results if wanted in (r.file, r.path)]
        by_name = [r.file for r in results if r.file.rsplit("/", 1)[-1] == wanted.replace("\\", "/").rsplit("/", 1)[-1]]
        found = exact or (by_name if len(by_name) == 1 else [])
        if found:
            pins.add(found[0])
        elif len(by_name) > 1:
            notes.append(f"--keep「{wanted}」对应多个文件（{'、'.join(by_name)}），未采用：请写出文件在汇总中的名称")
        else:
            notes.append(f"--keep「{wanted}」不是本批审核的文件，未采用")
    return pins, notes


def consolidate(report: BatchReport, *, include_errors: bool = False, scope: Scope | None = None,
                keep: list[str] = (), compare: Compare | None = None) -> Consolidation:
    """Decide for every (file, unit) whether it is counted (see the module docstring) and build the
    table of the year under review."""
    results = report.results
    by_file = {r.file: r for r in results}
    records = [s for r in results if not r.skipped for s in slices_of(r)]     # our own reports: never
    _unusable(records, by_file)
    _fill_departments(records)
    scope, notes = _settle(scope or Scope(), records)
    _out_of_scope(records, scope)
    notes += _year_note(records, scope)
    _identify(records, scope)
    _not_listed(records, scope)
    _names(records, scope)
    pins, pin_notes = _pins(list(keep), results)
    compare = compare or _comparer(by_file)
    groups: dict[tuple, list[Slice]] = {}
    for s in records:
        if s.open:
            groups.setdefault((s.year, s.unit_key), []).append(s)
    versions, conflicts = [], []
    for (_year, _key), group in groups.items():
        version, conflict = decide_unit(group, pins, compare, include_errors, group[0].unit_name or NO_UNIT)
        versions += [version] if version else []
        conflicts += [conflict] if conflict else []
    for s in records:
        if s.note:
            s.reason += s.note
    unused = [p for p in pins if not any(s.file == p and s.decision in (COUNTED, EXCLUDED) for s in records)]
    pin_notes += [f"--keep「{p}」不是所在单位被采用的版本（{_why(p, records)}）" for p in sorted(unused)]
    counted = [s for s in records if s.decision == COUNTED]
    tables = [_year_table(scope.year, counted, by_file, scope.department)] if counted and scope.year is not None else []
    if tables:
        notes += profile_note(_filings(counted, by_file), tables[0].filing.profile)
    subs = submissions(records, scope, scope.year) if scope.year is not None else []
    interrupted = [r.file for r in results if r.status == STATUS_INTERNAL]
    return Consolidation(tables, _frame(records), include_errors, sorted(conflicts, key=lambda c: c.unit),
                         sorted(versions, key=lambda v: v.unit), subs, scope, notes + pin_notes, interrupted)


def _why(pin: str, records: list[Slice]) -> str:
    found = [s for s in records if s.file == pin]
    return "；".join(f"{s.decision}：{s.reason}" for s in found) or "没有读到该文件的填报"


def _frame(records: list[Slice]) -> pd.DataFrame:
    order = {d: k for k, d in enumerate((COUNTED, DUPLICATE, SUPERSEDED, CONFLICT, EXCLUDED, OUT_OF_SCOPE))}
    rows = [{"year": s.year, "department": s.department, "unit": s.unit, "file": s.file, "kind": s.kind,
             "status": s.status, "projects": s.projects, "indicators": s.indicators, **s.amounts,
             "errors": s.errors, "decision": s.decision, "cause": s.cause, "reason": s.reason,
             "same_as": s.same_as, "stamp": s.stamp.shown[0], "stamp_source": s.stamp.shown[1],
             "fingerprint": s.fingerprint, "text_fingerprint": s.text_fingerprint, "unit_name": s.unit_name,
             "money_unit": s.money_unit, "_o": order.get(s.decision, 9)} for s in records]
    df = pd.DataFrame(rows, columns=[*SLICE_COLUMNS, "unit_name", "money_unit", "_o"])
    df["year"] = df["year"].astype("Int64")
    df = df.sort_values(["_o", "year", "unit_name", "file"], na_position="last", kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def _year_table(year: int, counted: list[Slice], results: dict[str, FileResult],
                department: str | None = None) -> YearTable:
    stated = {results[s.file].filing.money_unit or WAN for s in counted}
    money_unit = stated.pop() if len(stated) == 1 else WAN    # filings in 元 and in 万元: the table in 万元
    projects = []
    for s in counted:
        name = s.unit_name or NO_UNIT
        filing = results[s.file].filing
        its = filing.money_unit or WAN
        projects += [replace(amounts_in(p, its, money_unit), unit=name)
                     for p in projects_by_unit(filing).get(s.unit, [])]
    frame = pd.DataFrame([{"unit": p.unit, **{f: getattr(p, f) for f in MONEY_FIELDS}} for p in projects])
    sums = frame.groupby("unit", sort=False)[list(MONEY_FIELDS)].sum()
    units = [Unit(name, **{f: row[f] for f in MONEY_FIELDS}) for name, row in sums.iterrows()]
    filing = Filing(year=year, money_unit=money_unit, units=units, projects=projects)
    filing.total = sum((u.total for u in units), ZERO)
    filing.profile, filing.code_additions = table_profile(_filings(counted, results))
    departments = sorted({s.department for s in counted if s.department}, key=department_key)
    if department and all(department_key(d) == department_key(department) for d in departments):
        departments = [department]                 # the scope's name (the reviewer's, else the most used)
    elif len({department_key(d) for d in departments}) == 1:
        departments = [Counter(s.department for s in counted if s.department).most_common(1)[0][0]]
    sources: dict[str, list[str]] = {}
    marked: dict[str, str] = {}
    for s in counted:
        unit = s.unit_name or NO_UNIT
        sources.setdefault(unit, []).append(s.file + (f"（同见于 {s.same_as}）" if s.same_as else ""))
        if s.errors:
            marked[unit] = "有错误，按 --include-errors 计入"
    filing.department = department_label(departments)
    return YearTable(year, filing, departments, sources, marked)


def _filings(counted: list[Slice], results: dict[str, FileResult]) -> list[Filing]:
    """The filings of the counted slices, each once (a file may hold several counted units)."""
    return [results[f].filing for f in dict.fromkeys(s.file for s in counted)]


def table_profile(filings: list[Filing]) -> tuple[str, list]:
    """The profile the consolidated table is laid out in — its title, one or two value columns, its
    categories — and the local categories (代码表 additions) of the filings in it: the counted filings'
    one profile; when they differ, the one most of them use (``profile_note`` says so)."""
    used = Counter(f.profile or DEFAULT_PROFILE for f in filings)
    if not used:
        return DEFAULT_PROFILE, []
    profile = max(used, key=lambda name: (used[name], name == DEFAULT_PROFILE))
    additions = list(dict.fromkeys(tuple(a) for f in filings if (f.profile or DEFAULT_PROFILE) == profile
                                   for a in f.code_additions))
    return profile, additions


def profile_note(filings: list[Filing], chosen: str) -> list[str]:
    """One line when the counted filings use more than one profile, naming them and ``chosen``, the one
    the table follows (``table_profile``)."""
    used = Counter(f.profile or DEFAULT_PROFILE for f in filings)
    if len(used) < 2:
        return []
    listed = "、".join(f"「{name}」{n} 个文件" for name, n in used.most_common())
    return [f"计入的填报使用了不同的规则配置（{listed}），合并公开表按「{chosen}」的格式排版"]


def causes_text(slices: pd.DataFrame) -> str:
    """"重复 2 项、已替代 1 项、有错误 1 项、其他部门 1 项": what became of the slices not counted."""
    order = [DUPLICATE, SUPERSEDED, CONFLICT, *CAUSES]
    got = pd.Series([c or d for d, c in zip(slices.decision, slices.cause)], dtype=object)
    counts = got[got != COUNTED].value_counts()
    conflicting = slices[slices.decision == CONFLICT]
    unit = "unit_name" if "unit_name" in slices.columns else "unit"
    units = conflicting.groupby(["year", unit], dropna=False).ngroups if len(conflicting) else 0

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
