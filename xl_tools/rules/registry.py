"""The rule catalogue as an explicit, ordered list: what ``check`` runs and ``docs/rules.md`` lists.

To add a rule: write the class in its family module (docstring with 为什么 / 依据 / 错误示例 / 正确示例; 依据 names its requirement in
``data/guidance.toml``), give
its code a title and severity in ``data/catalogue.toml``, append it here, add
``tests/rule_cases/<CODE>.toml``, and regenerate ``docs/rules.md`` (``make docs``).
"""

from __future__ import annotations

from . import amounts, filing, fit, promises, quantify, read, structure, text, values, years
from .base import Rule

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
    read.LiveLinkRule,
    years.NameYearNotBudgetYear,
    years.NameSpanEnded,
    years.TargetOldYear,
    filing.DepartmentMissing,
    filing.YearMissing,
    filing.UnitMissing,
    filing.UnitNotListed,
    filing.UnitSpelledTwoWays,
    filing.NoProjects,
    filing.FullWidthDigits,
    filing.ProjectNameMissing,
    filing.IndicatorNameMissing,
]


def rule_by_code(code: str) -> type[Rule]:
    for rule in RULES:
        if rule.code == code:
            return rule
    raise KeyError(code)
