"""Year-over-year comparison of two filings: model diff, JSON form (``--json``) and DIFF.xlsx.

The JSON form (schema ``xl-tools/diff@2``): money as two-decimal strings, ``null`` for an amount cell
left blank, and then ``change`` and ``percent`` are ``null`` too and ``note`` says why in words
(「2025年金额未填，不计增减」): a blank amount is unknown, never 0. A total over projects of which any is
blank is ``null``, with the count of blank projects beside it (never a partial sum as the total); ``target.diff`` in the machine notation
「…[-删除-]{+新增+}…」 (``compare.text_diff``), ``target.changes`` the same in words
（…「800」改为「200」…）.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import MONEY_FIELDS, MONEY_LABELS, Filing, Indicator, Project
from ..money import CENT, fmt_money
from .compare import (
    INDICATOR_LABELS,
    PROJECT_LABELS,
    Change,
    FilingDiff,
    ProjectDiff,
    Total,
    TotalRow,
    blank_reason,
    change_zh,
    diff_filings,
    text_changes,
    text_diff,
    warnings_for,
)
from .render import diff_title, write_diff_xlsx

SCHEMA = "xl-tools/diff@2"

__all__ = ["Change", "FilingDiff", "ProjectDiff", "Total", "TotalRow", "blank_reason", "change_zh", "diff_filings", "diff_title", "diff_to_json",
           "text_changes", "text_diff", "warnings_for", "write_diff_xlsx"]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else fmt_money(value)


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _header(f: Filing, errors: int | None) -> dict:
    """``total``: the 合计 as the filing states it, or, when it is left blank, the sum of the units (the
    单位汇总 sheet's 合计 row); ``units_total`` is always that sum, null when any project's 总计 is blank
    (``blank_projects`` of ``projects``; ``filled_total`` the sum of those filled in, null when none is); ``errors``: its
    error findings (null when the diff was made without checking the filings)."""
    units = Total.of(f.projects)
    return {"year": f.year, "department": f.department,
            "total": _money(f.total if f.total_stated else units.amount), "total_stated": f.total_stated,
            "units_total": _money(units.amount), "projects": units.projects, "blank_projects": units.blank,
            "filled_total": _money(units.filled) if units.blank < units.projects else None, "source": f.source, "errors": errors}


def _total_row(r: TotalRow, **names: str) -> dict:
    old, new = r.amounts()
    return {**names, "old_total": _money(old), "new_total": _money(new), "change": _money(r.change),
            "percent": _pct(r.percent)}


def _project(p: Project) -> dict:
    return {"name": p.name, "unit": p.unit, **{f: None if p.blank(f) else _money(getattr(p, f)) for f in MONEY_FIELDS},
            "indicators": len(p.indicators)}


def _indicator(i: Indicator) -> dict:
    return {"no": i.no, "name": i.name, "level1": i.level1_label, "level2": i.level2_label,
            "period_value": i.period_value, "annual_value": i.annual_value}


def _matched(d: FilingDiff, m: ProjectDiff) -> dict:
    return {
        "name": m.new.name, "old_name": m.old.name, "unit": m.new.unit, "old_unit": m.old.unit,
        "renamed": m.renamed, "similarity": None if m.similarity is None else str(m.similarity),
        "money": [{"field": c.field, "label": MONEY_LABELS[c.field], "old": None if c.old_blank else _money(c.old),
                   "new": None if c.new_blank else _money(c.new), "change": _money(c.change),
                   "percent": _pct(c.percent), "note": d.money_note(c)} for c in m.money],
        "target": None if m.target is None else {"old": m.old.target, "new": m.new.target,
                                                 "diff": m.target, "changes": text_changes(m.old.target, m.new.target)},
        "indicators_added": [_indicator(i) for i in m.indicators_added],
        "indicators_removed": [_indicator(i) for i in m.indicators_removed],
        "indicators_changed": [
            {"no": c.no, "name": c.name,
             "changes": [{"field": f, "label": INDICATOR_LABELS[f], "old": o, "new": n}
                         for f, o, n in c.fields]}
            for c in m.indicators_changed],
        "fields": [{"field": f, "label": PROJECT_LABELS[f], "old": _plain(o) if o != "" else None,
                    "new": _plain(n) if n != "" else None} for f, o, n in m.fields],
    }


def _plain(value: object) -> object:
    return _money(value) if isinstance(value, Decimal) else value


def diff_to_json(d: FilingDiff) -> dict:
    """The JSON form of a diff (schema ``xl-tools/diff@2``); money as two-decimal strings."""
    changes = d.changes()
    return {
        "schema": SCHEMA,
        "title": diff_title(d),
        "old": _header(d.old, d.errors[0]),
        "new": _header(d.new, d.errors[1]),
        "notes": [*([d.errors_line()] if d.errors_line() else []), *d.notes],
        "summary": {"projects_added": len(d.added), "projects_removed": len(d.removed),
                    "projects_renamed": len(d.renamed), "projects_changed": len(d.changed),
                    "changes": len(changes)},
        "projects_added": [_project(p) for p in d.added],
        "projects_removed": [_project(p) for p in d.removed],
        "projects_changed": [_matched(d, m) for m in d.changed],
        "total_changes": [{**_total_row(r, unit=r.unit, project=r.name), "note": r.note()}
                          for r in d.project_totals()],
        "units": [{**_total_row(r, unit=r.unit), "old_blank_projects": r.old.blank,
                   "new_blank_projects": r.new.blank, "note": r.note()} for r in d.unit_totals()],
        "changes": [{"kind": c.kind, "project": c.project, "field": c.field, "indicator": c.indicator,
                     "old": _plain(c.old), "new": _plain(c.new)} for c in changes],
    }
