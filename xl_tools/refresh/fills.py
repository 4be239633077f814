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
from operator import attrgetter, eq

from ..address import CellAddress
from ..catalogue import finding
from ..categories import OK, CodeTable
from ..findings import Finding
from ..model import MONEY_FIELDS, Filing
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
    "key_column": ("FIL008", "项目序号列"),      # refresh.keycolumn
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


FILL_LABELS = {code: label for code, label in FILL_CODES.values()}


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


# (walked without a Python loop per indicator: 30,000 of them)
_NO, _INDICATORS, _CODES = attrgetter("no"), attrgetter("indicators"), attrgetter("level1_code", "level2_code")


def may_fill(filing: Filing, owned: frozenset = frozenset()) -> bool:
    """False when ``derive_fills`` would find nothing to fill and change nothing in ``filing`` (every
    序号 in place, every unit and 总计 written, both category codes of every indicator written, no blank
    unit amount or 合计 that is not the sum it stands for); True when it may. A plain walk without a copy: a
    filing refresh completed already (the usual one) is then checked as it is (``app.complete``)."""
    only_unit = None
    for k, p in enumerate(filing.projects, start=1):
        if p.no != k and (p.no is None or owned):
            return True
        if not p.unit and p.name:
            if only_unit is None:
                only_unit = filing.only_unit() or ""
            if only_unit:
                return True
        if p.raw and p.blank("total"):
            return True
        if not all(map(eq, map(_NO, p.indicators), count(1))):      # an indicator's 序号 not its position
            return True
    if not all(map(all, map(_CODES, chain.from_iterable(map(_INDICATORS, filing.projects))))):
        return True                                                 # a category code not written
    return not filing.blank_amounts_derived()


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
        ind.raw["project_no"] = project.no
        add(Fill(ind.origin.sheet, ind.origin.row, ind.origin.columns["project_no"], project.no, "FIL007",
                 f"已按项目的新序号改写项目序号：{project.no}（原为 {was}）", project=project.name,
                 indicator_no=ind.no, field="project_no"))


def derive_fills(filing: Filing, table: CodeTable, owned: frozenset = frozenset()) -> list[Fill]:
    """Compute the fills and apply them to the model, so the rules see the completed filing. `owned`:
    the cells (sheet, row, column) holding a value an earlier refresh filled in (序号 there is renumbered)."""
    fills: list[Fill] = []
    add = fills.append
    only_unit = filing.only_unit()
    for k, p in enumerate(filing.projects, start=1):
        was = p.no
        if f := _number(p, owned, k, "no", project=p.name):
            p.no = k
            add(f)
            _follow_number(p, was, add)
        if not p.unit and only_unit and p.name and \
                (f := _fill(p.origin, "unit", only_unit, "unit", only_unit, project=p.name)):
            p.unit = only_unit
            add(f)
        parts_written = any(not p.blank(m) for m in MONEY_FIELDS[1:])
        if p.blank("total") and parts_written:
            total = p.parts_sum()
            if f := _fill(p.origin, "total", float(total), "total",
                          f"{fmt_money(total)}（= 财政拨款 + 财政专户拨款 + 其他资金）", project=p.name):
                p.total = total
                p.raw.pop("total")
                add(f)
        for j, ind in enumerate(p.indicators, start=1):
            if ind.no != j or not (ind.level1_code and ind.level2_code):    # else numbered, both codes written
                _fill_indicator(ind, j, p.name, table, add, owned)
    filing.derive_blank_amounts()           # a filled 总计 changes the sums blank unit cells stand for
    return fills


def _fill_indicator(ind, position: int, project: str, table: CodeTable, add, owned=frozenset()) -> None:
    if f := _number(ind, owned, position, "ind_no", project=project, indicator_no=position):
        ind.no = position
        add(f)
    if ind.level1_code and ind.level2_code:
        return                          # both codes written: nothing below fills anything (derive_fills
                                        # does not call this for an indicator numbered in place as well)
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
