"""The rule engine: ``check(filing)`` runs the rules of ``registry.RULES`` over one filing.

Each rule's hooks run once per filing, project or indicator; indicator rules that depend only on the
indicator's content run once per distinct content (see ``Rule.content_only``).
"""

from __future__ import annotations

from .. import limits
from ..findings import SEVERITY_ORDER, Finding, locate
from ..model import Filing
from ..schema import SHEET_ORDER
from .base import Context
from .config import Config, config_for
from .registry import RULES


def _sort_key(filing: Filing):
    sheets = {name: k for k, name in enumerate(SHEET_ORDER)}
    projects = {p.name: k for k, p in enumerate(filing.projects)}

    def key(f: Finding) -> tuple:
        return (SEVERITY_ORDER[f.severity], sheets.get(f.sheet, len(sheets)) if f.sheet else -1,
                f.row or 0, f.column or 0, projects.get(f.project, -1), f.indicator_no or 0, f.code)
    return key


def check(filing: Filing, config: Config | None = None) -> list[Finding]:
    """All findings for ``filing``: errors first, then warnings and infos, each by sheet and row.

    ``config`` None means the filing's own profile and 基本信息 overrides (``config_for(filing)``).
    Filing-level hooks run before project and indicator hooks.
    """
    config = config or config_for(filing)
    ctx = Context(filing)
    rules = [config.make(r) for r in RULES if config.enabled(r.code)]
    on_filing = [r.check_filing for r in rules if "check_filing" in r.hooks()]
    on_project = [r.check_project for r in rules if "check_project" in r.hooks()]
    by_content = [r.check_indicator for r in rules if "check_indicator" in r.hooks() and r.content_only]
    on_indicator = [r.check_indicator for r in rules if "check_indicator" in r.hooks() and not r.content_only]
    seen: dict[int, list[tuple]] = {}         # id(facts), i.e. indicator content → what those rules said
    findings: list[Finding] = []
    add = findings.extend
    for hook in on_filing:
        add(hook(ctx))
    for k, project in enumerate(filing.projects):
        if k % 50 == 0:
            limits.check_time()
        for hook in on_project:
            add(hook(ctx, project))
        for ind in project.indicators:
            facts = ctx.facts(ind)                 # shared by every indicator with the same content
            key = id(facts)
            said = seen.get(key)
            if said is None:
                fresh = [f for hook in by_content for f in hook(ctx, project, ind, facts)]
                seen[key] = [(f.code, f.severity, f.message, f.suggestion, f.field, f.also_fields, f.draft)
                             for f in fresh]
                add(fresh)
            else:
                add(Finding(code, severity, message, suggestion, project=project.name, indicator_no=ind.no,
                            field=field, draft=draft, **locate(ind.origin, field, also))
                    for code, severity, message, suggestion, field, also, draft in said)
            for hook in on_indicator:
                add(hook(ctx, project, ind, facts))
    return sort_findings(findings, filing)


def sort_findings(findings: list[Finding], filing: Filing) -> list[Finding]:
    """Errors first, then warnings and infos; within each, by sheet in workbook order, row, column."""
    return sorted(findings, key=_sort_key(filing))
