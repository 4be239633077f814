"""The 项目序号 column a refresh adds to 绩效指标 when projects come to share a name.

A workbook made from a filing with same-named projects has the column from the start (``template``).
One whose filing gets such names later — the accountant types a second 「校园安保经费」 on 项目 — has
not: its rows of that name can no longer be told apart (``projectlinks``). The column is the tool's
structure, so the refresh adds it (a header in the first column to the right of everything on the sheet,
inside the sheet's Excel table when the table ends just before it, so sorting the table keeps each row's
number with it) and fills in the numbers it can be sure of:

- the rows of a shared name that were there, unchanged, at the last refresh, when every project row of
  that refresh is still there unchanged and exactly one of them has the name (the others were added
  since, none a copy of its row): those rows belonged to that project then, by their name alone, and
  still do;
- nothing else: a row typed since, or any row when the projects were edited as well, stays blank and
  STR011 asks the person for its number (never given to the first project of the name).

Both are reported as fills (FIL008 the column, FIL009 each number), which the state keeps: the next
refresh finds the column and writes nothing. Nothing here knows Excel: values come from any view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import chain
from typing import TYPE_CHECKING

from ..model import Filing, Indicator, Project
from ..projectlinks import PROJECT_NO, SHARED, ProjectLinks, project_number, shared_names
from ..schema import SHEET_INDICATORS, SHEET_PROJECTS
from ..textnorm import name_key, squash
from .fills import STRUCTURE_FILLS, Fill
from .ops import WidenTable

if TYPE_CHECKING:
    from .marks import RowKeys

COLUMN, NUMBER = STRUCTURE_FILLS["key_column"][0], STRUCTURE_FILLS["key_no"][0]


def _sheet(filing: Filing, name: str) -> str | None:
    return next((n for n in filing.headers if squash(n) == squash(name)), None)


def add_key_column(filing: Filing, state, keys: RowKeys, view) -> tuple[list[Fill], list]:
    """The fills (the header, the numbers it is sure of) and ops (``WidenTable``) that give 绩效指标 its
    项目序号 column, when ``filing`` has same-named projects and the sheet has no such column; ``filing``
    then reads as it will once they are written: every row's origin has the column, the rows filled are
    their projects'. (``state``: the last refresh's, ``keys``: its rows told apart as they are read.)"""
    sheet = _sheet(filing, SHEET_INDICATORS)
    shared = shared_names(filing.projects)
    if sheet is None or not shared:
        return [], []
    hrow, cols, extra = filing.headers[sheet]
    if any(squash(h) == PROJECT_NO for h in extra):
        return [], []
    col = _free_column(view[sheet], [*cols.values(), *extra.values()])
    extra[PROJECT_NO] = col
    for ind in chain(filing.indicators, filing.orphan_indicators, filing.pending):
        if ind.origin is not None and ind.origin.sheet == sheet:
            ind.origin = replace(ind.origin, columns={**ind.origin.columns, "project_no": col})
    owners = _owners(filing, state, keys, view, sheet, shared)
    fills = []
    for ind, project in owners:
        ind.raw["project_no"] = project.no
        project.indicators.append(ind)
        fills.append(Fill(sheet, ind.origin.row, col, project.no, NUMBER,
                          f"已自动填写项目序号：{project.no}（该行在上次刷新时属于「{project.name}」，"
                          "其后才有同名项目）", project=project.name, indicator_no=ind.no, field="project_no"))
    taken = {id(ind) for ind, _ in owners}
    filing.orphan_indicators[:] = [i for i in filing.orphan_indicators if id(i) not in taken]
    for project in {id(p): p for _, p in owners}.values():     # each project given rows: once, in sheet order
        project.indicators.sort(key=lambda i: i.origin.row if i.origin else 0)
    names = "、".join(dict.fromkeys(f"「{p.name}」" for p in filing.projects if name_key(p.name) in shared))
    left = sum(1 for i in filing.orphan_indicators if name_key(i.project) in shared)
    said = f"已填写能确定所属项目的 {len(owners)} 行" + (f"，其余 {left} 行请填写（见 STR011）" if left else "")
    fills.insert(0, Fill(sheet, hrow, col, PROJECT_NO, COLUMN,
                         f"「项目」表中有同名项目（{names}），已在本表添加「{PROJECT_NO}」列，填写指标所属项目的序号"
                         f"以区分；{said}", field="project_no"))
    return fills, [WidenTable(sheet, hrow, col, PROJECT_NO)]


def _free_column(ws, headers: list[int]) -> int:
    """The first column right of every header and of every cell holding something (a note the person
    typed to the right of the table stays where it is)."""
    last = max(headers, default=0)
    for row in ws.iter_rows(values_only=True):
        for c in range(len(row), last, -1):
            if row[c - 1] not in (None, ""):
                last = c
                break
    return last + 1


def _owners(filing: Filing, state, keys: RowKeys, view, sheet: str,
            shared: set[str]) -> list[tuple[Indicator, Project]]:
    """The rows of a shared name whose project is sure (module docstring), with it."""
    projects_sheet = _sheet(filing, SHEET_PROJECTS)
    old_projects, old_rows = state.rows.get(projects_sheet or ""), state.rows.get(sheet)
    if not old_projects or not old_rows or state.ignored or projects_sheet not in keys.columns:
        return []
    now = keys.hashes(view, projects_sheet)
    then, counted = Counter(old_projects.values()), Counter(now.values())
    if any(counted[h] < n for h, n in then.items()):
        return []                               # a project row of the last refresh edited or gone: unsure
    before: dict[str, list[Project]] = {}       # per shared name, the projects whose row was there (a row
    for p in filing.projects:                   # copied since counts as both: which was first is unsure)
        if p.origin is not None and then[now.get(p.origin.row, "")] and name_key(p.name) in shared:
            before.setdefault(name_key(p.name), []).append(p)
    rows_now = keys.hashes(view, sheet)
    unchanged = Counter(old_rows.values())
    links = ProjectLinks(filing.projects)
    out = []
    for ind in list(filing.orphan_indicators):
        owner = before.get(name_key(ind.project), [])
        if len(owner) != 1 or ind.origin is None or ind.raw.get("project_no") not in (None, ""):
            continue
        no = project_number(owner[0].no)
        if links.link(ind.project).how != SHARED or no is None or len(links.by_no.get(no, ())) != 1:
            continue                            # a 序号 that names no single project: nothing sure to write
        h = rows_now.get(ind.origin.row)
        if h and unchanged[h]:
            unchanged[h] -= 1
            out.append((ind, owner[0]))
    return out
