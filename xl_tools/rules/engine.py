"""The rule engine: ``check(filing)`` runs the rules of ``registry.RULES`` over one filing.

Each rule's hooks run once per filing, project or indicator; indicator rules that depend only on the
indicator's content run once per distinct content (see ``Rule.content_only``), those whose decision
depends only on its categories and values once per distinct categories and values (``Rule.values_only``),
and those whose decision depends on the name's core besides once per distinct categories, values and core
(``Rule.core_only``); the last two again only where they found something, to word it.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import chain
from operator import attrgetter

from .. import limits
from ..findings import SEVERITY_ORDER, Finding, located
from ..model import Filing
from ..profiles import load_profile
from ..schema import SHEET_ORDER
from .base import Context
from .config import Config, config_for
from .registry import RULES


def _sort_key(filing: Filing):
    sheets = {name: k for k, name in enumerate(SHEET_ORDER)}
    projects = {p.name: k for k, p in enumerate(filing.projects)}

    other, severity, sheet_at, project_at = len(sheets), SEVERITY_ORDER, sheets.get, projects.get

    def key(f: Finding) -> tuple:                  # f.row and f.column, read without their properties
        at = f.at
        if at is None:
            return (severity[f.severity], sheet_at(f.sheet, other) if f.sheet else -1, f.line or 0, 0,
                    project_at(f.project, -1), f.indicator_no or 0, f.code)
        return (severity[f.severity], sheet_at(f.sheet, other) if f.sheet else -1, at[1] or f.line or 0,
                at[2] or 0, project_at(f.project, -1), f.indicator_no or 0, f.code)
    return key


def check(filing: Filing, config: Config | None = None) -> list[Finding]:
    """All findings for ``filing``: errors first, then warnings and infos, each by sheet and row.

    ``config`` None means the filing's own profile and 基本信息 overrides (``config_for(filing)``).
    Filing-level hooks run before project and indicator hooks.
    """
    config = config or config_for(filing)
    rules = [config.make(r) for r in RULES if config.enabled(r.code)]
    by_indicator = [r for r in rules if "check_indicator" in r.hooks()]
    # the fields beyond their content some rules read (Rule.reads_beyond) that an indicator has written:
    # those rules run on every indicator, the others as content_only (and whether values are framed)
    written = _written(filing, _FRAMES | {f for r in by_indicator for f in r.reads_beyond})
    filing = values_as_read(filing, framed=bool(written & _FRAMES))
    profile = load_profile(config.profile)
    ctx = Context(filing, profile.table(filing.code_additions), profile)
    on_filing = [r.check_filing for r in rules if "check_filing" in r.hooks()]
    on_project = [r.check_project for r in rules if "check_project" in r.hooks()]
    by_content_of = [r for r in by_indicator if r.content_only and not written.intersection(r.reads_beyond)]
    by_values = [r.check_indicator for r in by_content_of if r.values_only]
    # (may_find, hook) of the others, each hook bound once (not a new bound method per labels and values)
    by_core = [(r.may_find, r.check_indicator) for r in by_content_of if r.core_only and not r.values_only]
    by_content = [(r.may_find, r.check_indicator) for r in by_content_of if not (r.core_only or r.values_only)]
    on_indicator = [(r.may_find, r.check_indicator) for r in by_indicator if r not in by_content_of]
    # labels and values → (the values-only hooks that found something there; the core-only hooks, the
    # content hooks and the other indicator hooks that may find something there (Rule.may_find); name
    # core → the core-only hooks that found something on those labels, values and core)
    per_values: dict[tuple, tuple[list, list, list, list, dict[str, list]]] = {}
    findings: list[Finding] = []
    add = findings.extend
    project_facts = ctx.project_facts
    ctx.facts_of_projects(filing.projects)       # (each project's facts, all in one walk: project_facts' own)
    for hook in on_filing:
        add(hook(ctx))
    for k, project in enumerate(filing.projects):
        if k % 50 == 0:
            limits.check_time()
        for hook in on_project:
            add(hook(ctx, project))
        for ind, facts in zip(project.indicators, project_facts(project)):   # facts: shared by equal cores
            hooks = facts.hooks                    # per_values' entry, kept on the facts once found
            if hooks is None:
                hooks = facts.hooks = per_values.get(facts.values_key)
            by_name = facts.found                  # the content (these facts and the name) checked already
            said = None if by_name is None else by_name.get(ind.name)
            if said is None:
                if hooks is None:                  # labels and values not seen yet: every values-only rule
                    fresh, found = [], []
                    for hook in by_values:
                        got = list(hook(ctx, project, ind, facts))
                        if got:
                            found.append(hook)
                            fresh += got
                    hooks = facts.hooks = per_values[facts.values_key] = (
                        found, [hook for may, hook in by_core if may(ctx, facts)],
                        [hook for may, hook in by_content if may(ctx, facts)],
                        [hook for may, hook in on_indicator if may(ctx, facts)], {})
                else:                              # only those that found something, to word it for this one
                    fresh = []
                    for hook in hooks[0]:
                        fresh.extend(hook(ctx, project, ind, facts))
                found = hooks[4].get(facts.core)
                if found is None:                  # this core not seen with these values: every core-only rule
                    found = hooks[4][facts.core] = []
                    for hook in hooks[1]:
                        got = list(hook(ctx, project, ind, facts))
                        if got:
                            found.append(hook)
                            fresh += got
                else:
                    for hook in found:
                        fresh.extend(hook(ctx, project, ind, facts))
                for hook in hooks[2]:
                    fresh.extend(hook(ctx, project, ind, facts))
                if by_name is None:
                    by_name = facts.found = {}
                if fresh:
                    by_name[ind.name] = fresh
                    add(fresh)
                else:                              # no list kept per silent content: fewer objects to
                    by_name[ind.name] = ()         # keep, and for the collector to walk, in a long check
            elif said:                             # the same content again: the same findings, on its cells
                add(located(f.code, f.severity, f.message, f.suggestion, ind.origin, f.field, project.name,
                            ind.no, f.also_fields, f.draft) for f in said)
            for hook in hooks[3]:
                add(hook(ctx, project, ind, facts))
    return sort_findings(findings, filing)


def values_as_read(filing: Filing, framed: bool | None = None) -> Filing:
    """The filing the rules see: each value as one text, its 指标性质 and 度量单位 columns joined to the
    value cell (``Indicator.value_text``). The filing itself when no indicator has those columns
    (``framed``: whether one has, when the caller knows)."""
    if not (_framed(filing) if framed is None else framed):
        return filing
    projects = [replace(p, indicators=[replace(i, period_value=i.value_text("period_value"),
                                               annual_value=i.value_text("annual_value"))
                                       if i.nature or i.measure else i for i in p.indicators])
                for p in filing.projects]
    return replace(filing, projects=projects)


def _framed(filing: Filing) -> bool:
    """Whether any indicator has a 指标性质 or 度量单位."""
    return bool(_written(filing, _FRAMES))


def _written(filing: Filing, fields: set[str] | frozenset[str]) -> set[str]:
    """Which of the indicator ``fields`` some indicator of ``filing`` has written: one walk over the
    indicators when none has any (the usual case: 30,000 indicators, no Python loop; each walk over them is
    a first touch of every indicator's cells), then one per field."""
    if not fields:
        return set()
    getter = attrgetter(*fields) if len(fields) > 1 else None
    every = chain.from_iterable(map(_INDICATORS, filing.projects))
    if getter is not None and not any(map(any, map(getter, every))):
        return set()
    return {f for f in fields if any(map(attrgetter(f), chain.from_iterable(map(_INDICATORS, filing.projects))))}


_INDICATORS, _FRAMES = attrgetter("indicators"), frozenset({"nature", "measure"})


def sort_findings(findings: list[Finding], filing: Filing) -> list[Finding]:
    """Errors first, then warnings and infos; within each, by sheet in workbook order, row, column."""
    return sorted(findings, key=_sort_key(filing))
