"""What refresh fills in by itself. A user's cell is touched only when it is empty or unambiguous,
and every fill is reported as a 提示 (FIL…) in 校验结果 by the refresh that wrote it; the cell keeps the
value (the state sheet remembers it was the tool's). 校验结果 is the report of the refresh its stamp
(上次刷新) names: a refresh that finds nothing changed since leaves it as it is, fills listed, and the
stamp with it — the state sheet marks the fills of the refresh that wrote it (``record``: ``latest``),
and the next refresh counts them in again (``latest_fills``) to see whether anything else changed; the
first refresh that changes something lists only what it fills itself. A 序号 the tool filled itself (and the
person has not changed since) is the tool's to renumber: rows inserted, deleted or sorted get 1, 2, 3…
again at the next refresh; a 序号 the person typed is never changed (STR009 lists the wrong ones)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import chain, count
from operator import attrgetter, eq, methodcaller
from typing import Callable

from ..address import CellAddress
from ..catalogue import finding
from ..categories import OK, CodeTable
from ..findings import Finding
from ..model import MONEY_FIELDS, Filing, Project
from ..money import fmt_money
from ..projectlinks import project_number
from .ops import group_rects

FILL_CODES = {
    "no": ("FIL001", "序号"),
    "unit": ("FIL002", "资金使用单位"),
    "total": ("FIL003", "总计"),
    "level": ("FIL004", "指标类别代码"),
    "ind_no": ("FIL005", "指标序号"),
    "project_no": ("FIL007", "项目序号"),
}
# fills that no kind of ``FILL_KINDS`` makes: the 项目序号 column a refresh adds for same-named projects and
# the numbers it is sure of (``refresh.keycolumn``, which needs the last refresh's state); listed, recorded
# and reported again like the others
STRUCTURE_FILLS = {
    "key_column": ("FIL008", "项目序号列"),
    "key_no": ("FIL009", "项目序号"),
}


@dataclass
class Fill:
    sheet: str
    row: int
    col: int
    value: object
    code: str
    message: str
    project: str | None = None
    indicator_no: int | None = None
    field: str | None = None

    def finding(self) -> Finding:
        return finding(self.code, self.message, "已由工具自动填写；如不正确请直接修改该单元格",
                       project=self.project, indicator_no=self.indicator_no, field=self.field, sheet=self.sheet,
                       at=CellAddress(self.sheet, self.row, self.col))


FILL_LABELS = {code: label for code, label in (*FILL_CODES.values(), *STRUCTURE_FILLS.values())}


def fill_rows(fills: list[Fill]) -> list[Finding]:
    """What 校验结果 lists for the fills of one refresh: one row per kind of fill and sheet, at the filled
    ranges (位置 项目!A2:A5, or 绩效指标!B2:B17、B19: the first range is the finding's cell, the others its
    ``also``), so a first refresh of a typed filing is not pages of 提示; a kind filled once on a sheet
    keeps its own row (with the value written)."""
    groups: dict[tuple[str, str], list[Fill]] = {}
    for f in fills:
        groups.setdefault((f.code, f.sheet), []).append(f)
    rows = []
    for (code, sheet), group in groups.items():
        if len(group) == 1:
            rows.append(group[0].finding())
            continue
        rects = sorted(group_rects({(f.row, f.col) for f in group}), key=lambda r: (r.row, r.col))
        values = {str(f.value) for f in group}
        same = f"，均为「{values.pop()}」" if len(values) == 1 and code not in ("FIL001", "FIL005", "FIL007") else ""
        projects = {f.project for f in group}
        first = rects[0]
        rows.append(finding(code, f"已自动填写{FILL_LABELS[code]}（{len(group)} 个单元格{same}）",
                            "已由工具自动填写；如不正确请直接修改这些单元格",
                            project=projects.pop() if len(projects) == 1 else None, sheet=sheet,
                            at=_area(sheet, first), also=tuple(_area(sheet, r) for r in rects[1:])))
    return rows


def _area(sheet: str, rect) -> CellAddress:
    return CellAddress(sheet, rect.row, rect.col, rect.nrows, rect.ncols)


def _fill(origin, field, value, kind, text, **kw) -> Fill | None:
    if origin is None or field not in origin.columns:
        return None
    code, label = FILL_CODES[kind]
    return Fill(origin.sheet, origin.row, origin.columns[field], value, code,
                f"已自动填写{label}：{text}", field=field, **kw)


def _number(record, owned, position: int, kind: str, **kw) -> Fill | None:
    """The 序号 of a project or an indicator at `position`: filled when blank, renumbered when the
    tool filled it itself (its cell in `owned`) and it is not the position any more."""
    origin = record.origin
    if record.no is None and not (kind == "ind_no" and record.raw.get("no") not in (None, "")):
        return _fill(origin, "no", position, kind, str(position), **kw)
    if record.no == position or origin is None or "no" not in origin.columns or \
            (origin.sheet, origin.row, origin.columns["no"]) not in owned:
        return None
    code, label = FILL_CODES[kind]
    return Fill(origin.sheet, origin.row, origin.columns["no"], position, code,
                f"已按顺序重新填写{label}：{position}（原为 {record.no}）", field="no", **kw)


# Each kind of fill is declared once (``FillKind``, in ``FILL_KINDS``): its fast test of whether it may fill
# anything in a filing (``may``: a walk without a copy that changes nothing) beside the fill itself. A kind's
# fill runs only where its own test says it may (``derive_fills``), and ``may_fill`` asks the same tests: a
# filing ``may_fill`` passes over is one ``derive_fills`` fills nothing in, by construction, whatever kind
# is added (``tests/test_fill_kinds.py`` checks each kind's test against its fill run without the test).


class Scan:
    """What the kinds' tests look at: the filing as it is (nothing copied, nothing changed), the cells an
    earlier refresh filled (``owned``), its indicators in one list (made once, for the kinds that walk
    all 30,000 of them without a Python loop per indicator)."""

    def __init__(self, filing: Filing, owned: frozenset = frozenset()) -> None:
        self.filing, self.projects, self.owned = filing, filing.projects, owned
        self._indicators: list | None = None

    @property
    def indicators(self) -> list:
        if self._indicators is None:
            self._indicators = list(chain.from_iterable(map(_INDICATORS, self.projects)))
        return self._indicators


class Walk:
    """What the kinds' fills share in one ``derive_fills``: the code table, the cells an earlier refresh
    filled (``owned``), the list the fills go to (``add``), the only unit (worked out when first asked,
    before any unit is filled)."""

    def __init__(self, filing: Filing, table: CodeTable, owned: frozenset, add) -> None:
        self.filing, self.table, self.owned, self.add = filing, table, owned, add
        self._only_unit: tuple[str | None] | None = None

    @property
    def only_unit(self) -> str | None:
        if self._only_unit is None:
            self._only_unit = (self.filing.only_unit(),)
        return self._only_unit[0]


@dataclass(frozen=True)
class FillKind:
    """One kind of fill. ``may(scan)``: False only where ``fill`` fills nothing and changes nothing in the
    filing (a plain walk of the filing, no copy, fast: a completed filing of 30,000 indicators is passed
    over in a few ms); ``fill(project, position, walk)``: what it fills in one project (in place, each
    fill added to ``walk.add``); ``finish(filing)``: run once after the projects by a ``derive_fills``
    that ran this kind (the sums blank unit cells stand for)."""

    key: str
    codes: tuple[str, ...]          # the FIL codes its fills carry (none: it changes the model only)
    may: Callable[[Scan], bool]
    fill: Callable[[Project, int, Walk], None] | None = None
    finish: Callable[[Filing], None] | None = None


_NO, _INDICATORS, _UNIT = attrgetter("no"), attrgetter("indicators"), attrgetter("unit")
_L1, _L2 = attrgetter("level1_code"), attrgetter("level2_code")
_RAW, _RAW_TOTAL = attrgetter("raw"), methodcaller("get", "total", 0)     # None: 总计 left blank (``blank``)
_POSITIONS: list[list[int]] = []                 # 1..n, for the indicator 序号 of a project of n indicators


def _positions(n: int) -> list[int]:
    while len(_POSITIONS) <= n:
        _POSITIONS.append(list(range(1, len(_POSITIONS) + 1)))
    return _POSITIONS[n]


def _derive_sums(filing: Filing) -> None:
    filing.derive_blank_amounts()           # a filled unit or 总计 changes the sums blank unit cells stand for


# --- 序号 of the projects (FIL001), and the 项目序号 of their indicator rows that follow it (FIL007)

def _may_number_projects(scan: Scan) -> bool:
    if scan.owned:                          # a 序号 the tool filled may be renumbered: any out of place
        return not all(map(eq, map(_NO, scan.projects), count(1)))
    return None in map(_NO, scan.projects)  # else only a blank one is filled


def _number_project(p: Project, k: int, walk: Walk) -> None:
    was = p.no
    if f := _number(p, walk.owned, k, "no", project=p.name):
        p.no = k
        walk.add(f)
        _follow_number(p, was, walk.add)


# --- the only unit, for a project naming none (FIL002)

def _may_fill_unit(scan: Scan) -> bool:
    if all(map(_UNIT, scan.projects)):
        return False
    return any(not p.unit and p.name for p in scan.projects) and bool(scan.filing.only_unit())


def _fill_unit(p: Project, _k: int, walk: Walk) -> None:
    if not p.unit and p.name and (only := walk.only_unit) and \
            (f := _fill(p.origin, "unit", only, "unit", only, project=p.name)):
        p.unit = only
        walk.add(f)


# --- 总计 from its parts, where it is blank and a part is written (FIL003)

def _total_missing(p: Project) -> bool:
    return p.blank("total") and any(not p.blank(m) for m in MONEY_FIELDS[1:])


def _may_fill_total(scan: Scan) -> bool:
    if None not in map(_RAW_TOTAL, map(_RAW, scan.projects)):      # no 总计 left blank (no Python loop)
        return False
    return any(p.raw and _total_missing(p) for p in scan.projects)


def _fill_total(p: Project, _k: int, walk: Walk) -> None:
    if p.raw and _total_missing(p):
        total = p.parts_sum()
        if f := _fill(p.origin, "total", float(total), "total",
                      f"{fmt_money(total)}（= 财政拨款 + 财政专户拨款 + 其他资金）", project=p.name):
            p.total = total
            p.raw.pop("total")
            walk.add(f)


# --- 序号 of the indicators (FIL005)

def _may_number_indicators(scan: Scan) -> bool:
    return not all(list(map(_NO, inds)) == _positions(len(inds)) for inds in map(_INDICATORS, scan.projects))


def _number_indicators(p: Project, _k: int, walk: Walk) -> None:
    for j, ind in enumerate(p.indicators, start=1):
        if ind.no != j and (f := _number(ind, walk.owned, j, "ind_no", project=p.name, indicator_no=j)):
            ind.no = j
            walk.add(f)


# --- the category codes of an indicator, from its labels (FIL004)

def _may_fill_codes(scan: Scan) -> bool:
    inds = scan.indicators
    return not (all(map(_L1, inds)) and all(map(_L2, inds)))


def _fill_codes(p: Project, _k: int, walk: Walk) -> None:
    for ind in p.indicators:
        if not (ind.level1_code and ind.level2_code):
            _fill_indicator_codes(ind, p.name, walk.table, walk.add)


# --- blank unit amounts and a blank 合计: the sums they stand for (no cell written)

def _may_derive_sums(scan: Scan) -> bool:
    return not scan.filing.blank_amounts_derived()


# In the order they fill a project (a project's 序号, its unit, its 总计, its indicators' 序号, then codes).
FILL_KINDS: tuple[FillKind, ...] = (
    FillKind("no", ("FIL001", "FIL007"), _may_number_projects, _number_project),
    FillKind("unit", ("FIL002",), _may_fill_unit, _fill_unit, _derive_sums),
    FillKind("total", ("FIL003",), _may_fill_total, _fill_total, _derive_sums),
    FillKind("ind_no", ("FIL005",), _may_number_indicators, _number_indicators),
    FillKind("level", ("FIL004",), _may_fill_codes, _fill_codes),
    FillKind("sums", (), _may_derive_sums, None, _derive_sums),
)


def kinds_that_may(filing: Filing, owned: frozenset = frozenset()) -> list[FillKind]:
    """The kinds of ``FILL_KINDS`` whose test says they may fill something in ``filing`` (the others
    would fill nothing and change nothing)."""
    scan = Scan(filing, owned)
    return [kind for kind in FILL_KINDS if kind.may(scan)]


def may_fill(filing: Filing, owned: frozenset = frozenset()) -> bool:
    """False when ``derive_fills`` would find nothing to fill and change nothing in ``filing``; True when
    it may: the kinds' own tests (``FillKind.may``), a plain walk without a copy, stopping at the first
    that may. A filing refresh completed already (the usual one) is then checked as it is
    (``app.complete``)."""
    scan = Scan(filing, owned)
    return any(kind.may(scan) for kind in FILL_KINDS)


def _follow_number(project, was, add) -> None:
    """The 项目序号 of the project's indicator rows that named it by the 序号 it had (``was``), made its
    new one: a renumbered project keeps its rows (``projectlinks``), and no row comes to name another."""
    was = project_number(was)
    if was is None:
        return
    for ind in project.indicators:
        if ind.origin is None or "project_no" not in ind.origin.columns or \
                project_number(ind.raw.get("project_no")) != was:
            continue
        ind.raw = {**ind.raw, "project_no": project.no}    # its own: a working copy shares the filing's
        add(Fill(ind.origin.sheet, ind.origin.row, ind.origin.columns["project_no"], project.no, "FIL007",
                 f"已按项目的新序号改写项目序号：{project.no}（原为 {was}）", project=project.name,
                 indicator_no=ind.no, field="project_no"))


def derive_fills(filing: Filing, table: CodeTable, owned: frozenset = frozenset()) -> list[Fill]:
    """Compute the fills and apply them to the model, so the rules see the completed filing. `owned`:
    the cells (sheet, row, column) holding a value an earlier refresh filled in (序号 there is renumbered).
    Only the kinds whose test says they may fill run (``kinds_that_may``: what ``may_fill`` asks)."""
    return fill_kinds(kinds_that_may(filing, owned), filing, table, owned)


def fill_kinds(kinds, filing: Filing, table: CodeTable, owned: frozenset = frozenset()) -> list[Fill]:
    """The fills of ``kinds`` (each run whatever its test says), applied to ``filing``, project by project
    in the order of ``kinds``; then each distinct ``finish`` of them once."""
    fills: list[Fill] = []
    walk = Walk(filing, table, owned, fills.append)
    per_project = [kind.fill for kind in kinds if kind.fill is not None]
    if per_project:
        for k, p in enumerate(filing.projects, start=1):
            for fill in per_project:
                fill(p, k, walk)
    for finish in dict.fromkeys(kind.finish for kind in kinds if kind.finish is not None):
        finish(filing)
    return fills


def _fill_indicator_codes(ind, project: str, table: CodeTable, add) -> None:
    l1 = table.resolve_level1(ind.level1_label)
    l2 = table.resolve_level2(ind.level2_label, l1.category.code if l1.category else None)
    if not ind.level1_code and not ind.level1 and l2.status == OK and l2.category.parent:
        parent = table.get(l2.category.parent)
        l1 = table.resolve_level1(parent.label)
        if f := _fill(ind.origin, "level1", parent.label, "level",
                      f"一级指标 {parent.label}（由二级指标 {l2.category.label} 推出）", project=project,
                      indicator_no=ind.no):
            ind.level1_code, ind.level1 = parent.code, parent.name
            add(f)
    elif not ind.level1_code and l1.status == OK:
        cat = l1.category
        if f := _fill(ind.origin, "level1", cat.label, "level", f"「{ind.level1}」→ {cat.label}",
                      project=project, indicator_no=ind.no):
            ind.level1_code, ind.level1 = cat.code, cat.name
            add(f)
    if not ind.level2_code and l2.status == OK and \
            (l1.category is None or l2.category.parent == l1.category.code):
        cat = l2.category
        if f := _fill(ind.origin, "level2", cat.label, "level", f"「{ind.level2}」→ {cat.label}",
                      project=project, indicator_no=ind.no):
            ind.level2_code, ind.level2 = cat.code, cat.name
            add(f)


LATEST = "latest"            # a fill's record in the state sheet: made by the refresh that wrote the sheet
_MARKED = f'"{LATEST}": true'  # as ``record`` writes it (a record without it is not ``latest``)


def record(f: Fill, *, latest: bool) -> str:
    """A fill's finding as the state sheet keeps it (JSON), ``latest`` when this refresh made it."""
    data = {"code": f.code, "message": f.message, "project": f.project, "field": f.field,
            "indicator_no": f.indicator_no}
    if latest:
        data[LATEST] = True
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def older(text: str) -> str:
    """A fill's record as a refresh after the one that made it keeps it: without ``latest``."""
    if _MARKED not in text:                 # most records (30,000 序号 filled long ago): not parsed at all
        return text
    data = json.loads(text)
    return record(Fill("", 0, 0, None, data["code"], data["message"], data.get("project"), data.get("indicator_no"),
                       data.get("field")), latest=False) if data.get(LATEST) is True else text


def latest_fills(kept: dict[tuple[str, int, int], tuple[str, str]]) -> list[Fill]:
    """The fills the refresh that wrote the state sheet made, the cells still holding them
    (``marks.Marks.kept_fills``: cell → (value written, the fill's record)): as that refresh reported
    them. Records of other kinds are left out (the state sheet's rows are checked as read:
    ``state._fill_record``)."""
    out = []
    for (sheet, row, col), (value, text) in kept.items():
        if _MARKED not in text:
            continue
        data = json.loads(text)
        if data.get(LATEST) is True and data.get("code") in FILL_LABELS:
            out.append(Fill(sheet, row, col, value, data["code"], data["message"], project=data.get("project"),
                            indicator_no=data.get("indicator_no"), field=data.get("field")))
    return out
