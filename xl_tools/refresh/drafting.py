"""Drafted indicator lines on 绩效指标: what ``refresh --draft`` (and the add-in's 补充待确认指标) appends.

A finding that something is missing carries a ready line (``findings.Draft``: category, name, value,
worked out from the filing). With ``draft`` the refresh appends each such line below the last row of
绩效指标: 项目名称, 序号 「待确认」, the categories, the name and the value in both value columns, the row
in the tool's draft colour (``schema.MARK_DRAFT``). Such a row is *pending*: the reader keeps it apart
(``Filing.pending``), so no rule, total or table counts it, and the finding it answers stays until the
person acts:

- **confirms** it: deletes 「待确认」 from 序号 (or types a number) — the next refresh numbers it and takes
  the colour off, and from then on it is the person's indicator;
- **edits** it (any cell but 序号): the row's hash is no longer one the tool drafted (the state sheet
  records them, ``drafted``), so it is the person's now — confirmed as above;
- deletes the row: nothing is left of it.

A second refresh (with or without ``draft``) never appends a line its project already has pending, and
keeps every pending row coloured and listed in 校验结果 (FIL006). Nothing here knows Excel: the rows are
written by the plan's ops (``SetValues``, the highlight ``draft``) through either writer.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..address import CellAddress
from ..catalogue import finding
from ..findings import Draft, Finding
from ..model import Filing, Indicator, Origin
from ..projectlinks import PROJECT_NO, ProjectLinks, project_number, shared_names
from ..schema import DRAFT_MARK, SHEET_INDICATORS, SHEET_PROJECTS
from ..textnorm import name_key, squash
from .rows import row_hash

DRAFT_CODE = "FIL006"
DRAFT = "draft"                 # the highlight a pending row's cells carry (ops.HIGHLIGHT)


@dataclass(frozen=True)
class Appended:
    """A drafted line this refresh writes: its project and row, and the finding it answers; ``replaces``:
    written over a pending row of the same project, 二级指标 and name that no finding drafts any more (its
    value is out of date: the amount changed since), not appended."""

    project: str
    draft: Draft
    row: int
    code: str
    replaces: bool = False
    project_no: object = None        # the project's 序号, when its name is shared (the row's 项目序号)


def settle(filing: Filing, drafted: frozenset[str], hashes: dict[int, str]) -> list[Indicator]:
    """The pending rows the person edited since a refresh drafted them (their row hash, ``hashes``, is
    not among the ``drafted`` ones the state recorded), moved into their project's indicators in sheet
    order: the person's from now on. Without a record (``drafted`` empty: no refresh drafted anything
    here, or the state was lost) every 「待确认」 row stays pending — never counted unasked."""
    if not drafted or not filing.pending:
        return []
    edited = [i for i in filing.pending if i.origin is not None and hashes.get(i.origin.row) not in drafted]
    if not edited:
        return []
    links = ProjectLinks(filing.projects)
    for ind in edited:
        filing.pending.remove(ind)
        owner = links.link(ind.project, ind.raw.get("project_no")).project
        rows = owner.indicators if owner is not None else filing.orphan_indicators
        at = bisect.bisect([i.origin.row if i.origin else 0 for i in rows], ind.origin.row)
        rows.insert(at, ind)
    return edited


def _key(project: str, level2: str, name: str, value: str, number=None) -> tuple:
    return (name_key(project), project_number(number)), squash(level2), squash(name), squash(value)


def pending_key(ind: Indicator) -> tuple:
    """What tells a pending row's line apart: project (its name, and its 项目序号 when the row gives one),
    二级指标, name, value."""
    return _key(ind.project, ind.level2_label, ind.name, ind.period_value or ind.annual_value,
                ind.raw.get("project_no"))


def drafted_keys(findings: list[Finding], numbers: dict | None = None) -> set[tuple]:
    """The lines ``findings`` draft now, as ``pending_key`` says them (``numbers``: ``project_numbers``)."""
    numbers = numbers or {}
    return {_key(f.project, f.draft.level2, f.draft.name, f.draft.value, numbers.get(id(f)))
            for f in findings if f.draft and f.project}


def project_numbers(filing: Filing, findings: list[Finding]) -> dict[int, object]:
    """id(finding) → the 序号 of the project a drafting finding is about, for the findings whose project
    name several projects share (its drafted row must say which: 项目序号); told by the finding's row on
    项目 or 绩效指标. Most filings name every project once: then there is nothing to look at (at 5,000
    projects and 20,060 findings 0.10 s CPU of folding every drafting finding's project name)."""
    shared = shared_names(filing.projects)
    if not shared:
        return {}
    folded: dict[str, bool] = {}             # a project's name → whether several projects have it

    def is_shared(name: str) -> bool:
        if name not in folded:
            folded[name] = name_key(name) in shared
        return folded[name]
    wanted = [f for f in findings if f.draft and f.project and f.at is not None and is_shared(f.project)]
    if not wanted:
        return {}
    rows = {(SHEET_PROJECTS, p.origin.row): p for p in filing.projects if p.origin}
    rows.update({(SHEET_INDICATORS, i.origin.row): p for p in filing.projects for i in p.indicators if i.origin})
    out = {}
    for f in wanted:
        p = rows.get((f.sheet, f.at.row))
        if p is not None and p.no not in (None, ""):
            out[id(f)] = p.no
    return out


def to_append(filing: Filing, findings: list[Finding], first_row: int) -> list[Appended]:
    """The drafted lines of ``findings`` that no pending row of their project already holds (the same
    二级指标, name and value; two findings drafting the same line add it once), on the rows from
    ``first_row`` — or over a pending row of the same 二级指标 and name whose value no finding drafts any
    more (the tool's own row, not edited: ``settle`` took the edited ones), so an out-of-date line is
    brought up to date instead of standing beside its successor."""
    numbers = project_numbers(filing, findings)
    current = drafted_keys(findings, numbers)
    have = {pending_key(i) for i in filing.pending}
    stale = {}
    for i in filing.pending:
        if pending_key(i) not in current and i.origin is not None:
            stale.setdefault(pending_key(i)[:3], i)
    out: list[Appended] = []
    new = 0
    for f in findings:
        if f.draft is None or not f.project:
            continue
        number = numbers.get(id(f))
        key = _key(f.project, f.draft.level2, f.draft.name, f.draft.value, number)
        if key in have:
            continue
        have.add(key)
        old = stale.pop(key[:3], None)
        if old is not None:
            out.append(Appended(f.project, f.draft, old.origin.row, f.code, replaces=True, project_no=number))
            continue
        out.append(Appended(f.project, f.draft, first_row + new, f.code, project_no=number))
        new += 1
    return out


@dataclass(frozen=True)
class Layout:
    """Where an appended row's values go: the standard columns (field → column), whether the profile
    has one value column (年度指标值 only: 湘鄂, 中央2021 …), and the 指标方向性 column with the words the
    filing's own rows use for it (正向指标 or 正向), when the sheet has one."""

    cols: dict[str, int]
    one_value: bool = False
    direction_col: int | None = None
    direction_words: tuple[str, str] = ("正向指标", "反向指标")
    key_col: int | None = None          # 项目序号, when the sheet has it

    @classmethod
    def of(cls, filing: Filing, value_columns: int) -> Layout:
        _hrow, cols, extra = filing.headers.get(SHEET_INDICATORS, (0, {}, {}))
        col = next((c for h, c in extra.items() if squash(h) == "指标方向性"), None)
        said = [i.direction for i in filing.indicators if i.direction] if col is not None else []
        words = ("正向", "反向") if said and not any("指标" in w for w in said) else ("正向指标", "反向指标")
        key = next((c for h, c in extra.items() if squash(h) == PROJECT_NO), None)
        return cls(dict(cols), value_columns == 1, col, words, key)


def direction(value: str) -> int:
    """0 when a value aims high (≥95%), 1 when it caps (≤600万元: a cost, a bad event)."""
    return 1 if value.lstrip().startswith(("≤", "<", "＜", "<=")) else 0


def row_values(layout: Layout, line: Appended) -> dict[int, object]:
    """Column → value of an appended row (the standard headers the sheet has; the one value column of a
    one-column profile; 指标方向性 where the sheet has it)."""
    d = line.draft
    fields = {"project": line.project, "no": DRAFT_MARK, "level1": d.level1, "level2": d.level2,
              "name": d.name, "period_value": None if layout.one_value else d.value, "annual_value": d.value}
    out = {layout.cols[f]: v for f, v in fields.items() if f in layout.cols and v is not None}
    if layout.direction_col is not None:
        out[layout.direction_col] = layout.direction_words[direction(d.value)]
    if layout.key_col is not None and line.project_no is not None:
        out[layout.key_col] = line.project_no
    return out


def runs(values: dict[int, object]) -> list[tuple[int, list]]:
    """(first column, values) of each run of consecutive columns of ``values``."""
    out: list[tuple[int, list]] = []
    for c in sorted(values):
        if out and out[-1][0] + len(out[-1][1]) == c:
            out[-1][1].append(values[c])
        else:
            out.append((c, [values[c]]))
    return out


def hash_of(values: dict[int, object], key_columns: list[int]) -> str:
    """The row hash (``rows.row_hash`` over the columns the state hashes) of a row holding ``values``."""
    return row_hash([values.get(c) for c in key_columns])


def marked_cells(cols: dict[str, int], rows) -> dict[tuple[str, int, int], str]:
    """The cells a pending row's draft colour covers: its standard columns, first to last."""
    first, last = min(cols.values()), max(cols.values())
    return {(SHEET_INDICATORS, r, c): DRAFT for r in rows for c in range(first, last + 1)}


def pending_finding(ind: Indicator, current: bool = True) -> Finding:
    """FIL006 on the 序号 cell of a pending row: drafted, not counted until the person confirms it (the
    same words whether drafted now or before: a second refresh changes nothing). ``current``: a finding
    still drafts this line; else what it answered is gone or the line would read otherwise now (the
    project's amount changed since)."""
    line = f"{ind.level2_label}「{ind.name}」{ind.period_value or ind.annual_value}"
    origin = ind.origin or Origin(SHEET_INDICATORS, 0)
    stale = "" if current else "；按现在的填报内容已不再起草这一行（问题已解决，或金额、数量已改）"
    return finding(DRAFT_CODE, f"工具起草的指标待确认：{line}（项目「{ind.project}」），确认前不计入该项目的指标{stale}",
                   f"核对后删除序号列的「{DRAFT_MARK}」（或直接修改该行）再刷新，即计入；不需要请删除整行",
                   project=ind.project or None, field="no", sheet=origin.sheet,
                   at=CellAddress(origin.sheet, origin.row, origin.column("no")))


def pending_of(line: Appended, layout: Layout) -> Indicator:
    """The appended line as the next read will see it: a pending row."""
    d = line.draft
    l1c, _, l1 = d.level1.partition("-")
    l2c, _, l2 = d.level2.partition("-")
    cols = layout.cols if layout.key_col is None else {**layout.cols, "project_no": layout.key_col}
    ind = Indicator(None, l1c, l1, l2c, l2, d.name, "" if layout.one_value else d.value, d.value,
                    project=line.project, origin=Origin(SHEET_INDICATORS, line.row, cols))
    if layout.key_col is not None and line.project_no is not None:
        ind.raw["project_no"] = line.project_no
    return ind
