"""The rule engine: the catalogue as an explicit list, and ``check(filing)``.

To add a rule: write the class in its family module (docstring with 为什么 / 错误示例 / 正确示例),
append it to ``RULES``, add ``tests/rule_cases/<CODE>.toml``, and regenerate ``docs/rules.md``
(``python -m xl_tools.rules.docs``).
"""

from __future__ import annotations

from ..findings import SEVERITY_ORDER, Finding, locate
from ..schema import SHEET_ORDER
from ..model import Filing
from . import amounts, fit, promises, quantify, read, structure, text, values, years
from .base import Context, Rule
from .config import Config, config_for

RULES: list[type[Rule]] = [
    amounts.TotalIsSumOfParts,
    amounts.NonNegative,
    amounts.TwoDecimals,
    amounts.MoneyNotNumber,
    amounts.MoneyAsText,
    amounts.UnitIsSumOfProjects,
    amounts.GrandTotalIsSumOfUnits,
    amounts.ProjectWithoutMoney,
    promises.MoneyNotMatchingQuantities,
    structure.TargetMissing,
    structure.IndicatorsMissing,
    structure.OutputMissing,
    structure.OutcomeMissing,
    structure.SatisfactionMissing,
    structure.OutputWithoutQuantityOrQuality,
    structure.CategoryMismatch,
    structure.CategoryUnknown,
    structure.Numbering,
    structure.DuplicateIndicator,
    structure.OrphanIndicator,
    structure.DuplicateProject,
    fit.SatisfactionOutsideCategory,
    fit.OutcomeRestatesOutput,
    fit.CostMissing,
    values.ValueMissing,
    values.ValuePlaceholder,
    values.QuantityNotNumber,
    values.PercentOver100,
    values.RateWithoutPercent,
    values.SatisfactionFloor,
    values.SatisfactionOperator,
    values.OneYearValuesDiffer,
    values.MultiYearAnnualExceeds,
    values.DateOutsideYear,
    values.DateNotTimeliness,
    values.NameValueMixed,
    values.InputAsOutput,
    values.CostAboveBudget,
    values.NumberWithoutUnit,
    quantify.TimelinessNotQuantified,
    quantify.CostNotAmount,
    quantify.OutcomeNotQuantified,
    quantify.SatisfactionNotPercent,
    quantify.OneYearWordingDiffers,
    fit.InputSpent,
    text.TargetTooShort,
    text.TargetPlaceholder,
    text.TargetDuplicated,
    text.TargetContradictsIndicators,
    promises.TargetPromiseUnmeasured,
    read.ReadProblemRule,
    years.NameYearNotBudgetYear,
    years.NameSpanEnded,
    years.TargetOldYear,
]


def rule_by_code(code: str) -> type[Rule]:
    for rule in RULES:
        if rule.code == code:
            return rule
    raise KeyError(code)


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
    for project in filing.projects:
        for hook in on_project:
            add(hook(ctx, project))
        for ind in project.indicators:
            facts = ctx.facts(ind)                 # shared by every indicator with the same content
            key = id(facts)
            said = seen.get(key)
            if said is None:
                fresh = [f for hook in by_content for f in hook(ctx, project, ind, facts)]
                seen[key] = [(f.code, f.severity, f.message, f.suggestion, f.field) for f in fresh]
                add(fresh)
            else:
                add(Finding(code, severity, message, suggestion, project=project.name, indicator_no=ind.no,
                            field=field, **locate(ind.origin, field))
                    for code, severity, message, suggestion, field in said)
            for hook in on_indicator:
                add(hook(ctx, project, ind, facts))
    return sort_findings(findings, filing)


def sort_findings(findings: list[Finding], filing: Filing) -> list[Finding]:
    """Errors first, then warnings and infos; within each, by sheet in workbook order, row, column."""
    return sorted(findings, key=_sort_key(filing))
