"""What every rule stands on: the ``Rule`` base class and the per-check ``Context``.

A rule is a small class that is the one definition of everything about it: a stable ``code``, a
dotted ``name``, a Chinese ``title``, a ``default_severity``, its ``basis`` (the ids of the requirements
in ``data/guidance.toml`` it enforces), its configuration keys (with defaults) and a docstring whose
sections 为什么 / 依据 (a note beside the basis, optional) / 错误示例 / 正确示例 feed ``docs/rules.md``.
The registry, the rule part of ``data/catalogue.toml``, the guidance coverage and ``docs/rules.md`` are
generated from these classes (``make docs``; ``make rule CODE=… NAME=…`` scaffolds a new one). It
overrides one or more hooks that yield findings:

- ``check_filing(ctx)``: once per check (sums, duplicates across projects, read problems);
- ``check_project(ctx, project)``: once per project;
- ``check_indicator(ctx, project, indicator)``: once per indicator.

The engine walks the filing once and calls only the hooks a rule overrides. Everything costly
(parsing a value, resolving a category label) is cached on the ``Context`` for one check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Callable, Iterable

from .. import valuegrammar as _targets
from ..categories import CodeTable, Resolution
from ..findings import ERROR, INFO, WARNING, Draft, Finding, drafted_later, located, with_draft
from ..model import Filing, Indicator, Origin, Project
from ..money import WAN, WAN_PER
from ..profiles import Profile, load_profile
from ..textnorm import name_core, squash
from ..valuegrammar import ParsedValue, op_symbol

SEVERITIES = (ERROR, WARNING, INFO)
VALUE_FIELDS = ("period_value", "annual_value")
VALUE_LABELS = {"period_value": "实施周期指标值", "annual_value": "年度指标值"}
BOTH_VALUES = "实施周期指标值和年度指标值"     # the label of the two value cells holding the same text
ONE_VALUE = "指标值"                           # the label of a one-value-column profile's value

# "2023年-2024年", "2023-2024年", "2023至2024年度": a project running over several budget years
_SPAN = re.compile(r"(20\d{2})\s*年?\s*(?:度)?\s*[-~至到]\s*(20\d{2})\s*年?")


class Rule:
    """Base of every rule. Subclasses set the class attributes and override hooks."""

    code: str = ""
    name: str = ""
    title: str = ""                 # Chinese, one line (the rule part of data/catalogue.toml is generated)
    default_severity: str = WARNING  # error | warning | info
    basis: tuple[str, ...] = ()     # ids of the requirements in data/guidance.toml the rule enforces
    config_keys: dict[str, object] = {}
    # True when check_indicator depends only on the indicator's own cells (categories, name, values),
    # the budget year and the options — not on its project or position. The engine then runs it once
    # per distinct indicator content in a check and re-locates the findings for the repeats.
    content_only: bool = False
    # True (with content_only) when whether check_indicator finds something, and on which cells, depends only
    # on the two category labels and the two value texts, not on the name (its message may still name the
    # indicator). The engine then runs it once per distinct labels and values, and again for each indicator
    # with those labels and values only where it found something, to word the finding for that indicator.
    values_only: bool = False
    # True (with content_only) when whether check_indicator finds something, and on which cells, depends only
    # on the two category labels, the two value texts and the name's core (``Facts.core``: the name without
    # its bracketed asides, width and spaces folded), not on how else the name is written. The engine then
    # runs it once per distinct labels, values and core, and again for each indicator with those only where
    # it found something, to word the finding for that indicator (a values_only rule, which decides on less,
    # does not say it too).
    core_only: bool = False
    # the indicator fields besides its content (categories, name, values) that check_indicator reads (a
    # region's 指标方向性 column: ``direction``): the engine takes such a rule as content_only (values_only,
    # core_only) on a filing where no indicator has any of them written, and runs it on every indicator of
    # one where some indicator has (``engine.check``)
    reads_beyond: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.code:
            return
        own = vars(cls)
        missing = [k for k in ("code", "name", "title", "default_severity", "basis") if not own.get(k)]
        if missing:
            raise TypeError(f"{cls.__name__}: a rule states its own {', '.join(missing)} "
                            "(one definition per rule, see xl_tools/rules/base.py)")
        if cls.default_severity not in SEVERITIES:
            raise TypeError(f"{cls.__name__}: severity {cls.default_severity!r} is not one of {SEVERITIES}")
        if not isinstance(cls.basis, tuple):
            raise TypeError(f"{cls.__name__}: basis is a tuple of requirement ids")

    def __init__(self, severity: str | None = None, options: dict | None = None) -> None:
        self.severity = severity or self.default_severity
        self.options = {**self.config_keys, **(options or {})}
        self.setup()

    def setup(self) -> None:
        """Prepare what depends on the options (compiled word lists ...), once per check."""

    # hooks ------------------------------------------------------------------------------------
    def check_filing(self, ctx: "Context") -> Iterable[Finding]:
        return ()

    def check_project(self, ctx: "Context", project: Project) -> Iterable[Finding]:
        return ()

    def check_indicator(self, ctx: "Context", project: Project, ind: Indicator,
                        facts: "Facts") -> Iterable[Finding]:
        return ()

    def may_find(self, ctx: "Context", facts: "Facts") -> bool:
        """False when check_indicator cannot find anything on an indicator with these labels and values,
        whatever its name, project or place: the engine then does not call it for them (worked out once per
        distinct labels and values; not asked of values_only rules). The default: it may."""
        return True

    @classmethod
    def hooks(cls) -> set[str]:
        """The hooks this rule overrides (the engine calls only these)."""
        return {h for h in ("check_filing", "check_project", "check_indicator")
                if getattr(cls, h) is not getattr(Rule, h)}

    # findings ---------------------------------------------------------------------------------
    def at_project(self, project: Project, field: str | None, message: str,
                   suggestion: str = "", draft: Draft | Callable[[], Draft | None] | None = None) -> Finding:
        """A finding on a project's cell; ``draft``: the indicator line that would supply what is missing
        (named in the suggestion as well), or what gives it (or None) when the finding's draft or suggestion
        is first read (``findings.DraftedLater``: worked out from the filing as checked, which a caller
        does not change while it holds the findings)."""
        if callable(draft):
            return drafted_later(self.code, self.severity, message, suggestion, project.origin, field, project.name,
                                 draft)
        return located(self.code, self.severity, message, with_draft(suggestion, draft), project.origin, field,
                       project.name, draft=draft)

    def at_indicator(self, project_name: str | None, ind: Indicator, field: str | None,
                     message: str, suggestion: str = "") -> Finding:
        return located(self.code, self.severity, message, suggestion, ind.origin, field, project_name, ind.no)

    def at_value(self, project_name: str | None, ind: Indicator, field: str, label: str, message: str,
                 suggestion: str = "", draft: Draft | None = None) -> Finding:
        """A finding on a value column of ``Facts.columns``: when both value cells hold the same text
        (label ``BOTH_VALUES``) it concerns both, so both are highlighted and noted."""
        also = ("annual_value",) if field == "period_value" and label == BOTH_VALUES else ()
        return located(self.code, self.severity, message, with_draft(suggestion, draft), ind.origin, field,
                       project_name, ind.no, also, draft=draft)

    def at(self, origin: Origin | None, field: str | None, message: str, suggestion: str = "",
           project: str | None = None) -> Finding:
        return located(self.code, self.severity, message, suggestion, origin, field, project)


@dataclass(slots=True)
class Facts:
    """What the rules need of one indicator, worked out once per check."""

    columns: tuple[tuple[str, str, str], ...]   # (field, text, label), identical columns once
    level1: Resolution
    level2: Resolution
    level1_code: str | None                     # the categories' roles (categories.Category.role)
    level2_code: str | None
    core: str                                   # name_core(name)
    values_key: tuple                           # (level 1 label, level 2 label, 实施周期指标值, 年度指标值)
    # what the content rules found on each content with these facts in this check, by the indicator's name
    # (the engine's, ``engine.check``): None until they ran on one
    found: dict | None = field(default=None, compare=False, repr=False)
    hooks: tuple | None = field(default=None, compare=False, repr=False)   # the engine's, per categories and values

    @property
    def period(self) -> str:
        """The 实施周期指标值 as written ("" when blank)."""
        return self.values_key[2]

    @property
    def annual(self) -> str:
        """The 年度指标值 as written ("" when blank)."""
        return self.values_key[3]


class Context:
    """One check of one filing: the filing, the year, and caches shared by all rules."""

    def __init__(self, filing: Filing, table: CodeTable | None = None, profile: Profile | None = None) -> None:
        self.filing = filing
        self.year = filing.year
        self.profile = profile or load_profile(filing.profile or None)
        self.table = table or self.profile.table(filing.code_additions)
        self._parsed: dict[str, ParsedValue] = {}
        self._squashed: dict[str, str] = {}
        self._cores: dict[str, str] = {}
        self._levels: dict[tuple[str, str], tuple[Resolution, Resolution, str | None, str | None]] = {}
        self._columns: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {}
        # categories and values as written → (what facts of them share, name core → the facts: one object per
        # categories, values and core, which names of one core share)
        self._by_values: dict[tuple, tuple[tuple, dict[str, Facts]]] = {}
        self._project_levels: dict[int, tuple[frozenset, frozenset]] = {}
        self._level_sets: dict[tuple, tuple[frozenset, frozenset]] = {}
        self._project_facts: dict[int, list[Facts]] = {}
        self._projects_seen: list[Project] = []
        self._spans: dict[str, tuple[int, int] | None] = {}
        self._memo: dict[str, object] = {}

    @property
    def unit(self) -> str:
        """The table's 金额单位 (元 or 万元), stated with every amount a message names."""
        return self.filing.money_unit or "万元"

    def to_wan(self, amount: Decimal) -> Decimal:
        """An amount of the table (in its 金额单位, 元 or 万元) in 万元, the unit values are compared in."""
        return amount * WAN_PER.get(self.filing.money_unit or WAN, _ONE)

    def money(self, amount: Decimal) -> str:
        """An amount of the table as messages state it: in the table's unit, and in 万元 when that differs."""
        unit = self.filing.money_unit or WAN
        if unit == WAN or unit not in WAN_PER:
            return f"{amount:,.2f} {unit}"
        return f"{amount:,.2f} {unit}（{self.to_wan(amount):,.2f} 万元）"

    def once(self, key: str, make):
        """``make(self)``, worked out once per check and shared by the rules that need it."""
        if key not in self._memo:
            self._memo[key] = make(self)
        return self._memo[key]

    def squash(self, text: str | None) -> str:
        """``textnorm.squash`` cached per distinct text."""
        key = text or ""
        hit = self._squashed.get(key)
        if hit is None:
            hit = self._squashed[key] = squash(key)
        return hit

    def core(self, name: str | None) -> str:
        """``name_core`` cached per distinct name."""
        key = name or ""
        hit = self._cores.get(key)
        if hit is None:
            hit = self._cores[key] = name_core(key)
        return hit

    def parse(self, text: str | None) -> ParsedValue:
        """The parsed understanding of a value; each distinct text is parsed once per check."""
        key = text or ""
        hit = self._parsed.get(key)
        if hit is None:
            hit = self._parsed[key] = _targets.parse_value(key, self.year)
        return hit

    def targets(self, ind: Indicator) -> tuple[ParsedValue, ParsedValue]:
        return self.parse(ind.period_value), self.parse(ind.annual_value)

    def facts(self, ind: Indicator) -> Facts:
        """What the rules need of one indicator. Facts depend only on the indicator's categories, values
        and name core, so they are shared by every indicator with those (a filing repeats them a lot): one
        object per categories, values and core in a check; what depends on the categories and values alone
        is shared by every indicator with those."""
        return self._facts_of((ind,))[0]

    def _values_facts(self, c1: str, l1: str, c2: str, l2: str, period: str | None, annual: str | None) -> tuple:
        """(columns, level 1, level 2, their roles, values key) of an indicator's categories and values."""
        period, annual = period or "", annual or ""
        labels = (f"{c1}-{l1}" if c1 else l1, f"{c2}-{l2}" if c2 else l2)     # Indicator.level*_label
        levels = self._levels.get(labels)
        if levels is None:
            r1 = self.table.resolve_level1(labels[0])
            parent = r1.category.code if r1.category else None
            r2 = self.table.resolve_level2(labels[1], parent)
            levels = self._levels[labels] = (r1, r2, r1.category.role if r1.category else None,
                                             r2.category.role if r2.category else None)
        cols = self._columns.get((period, annual))
        if cols is None:
            cols = self._columns[(period, annual)] = self._columns_of(period, annual)
        return (cols, *levels, (*labels, period, annual))

    def _columns_of(self, period: str, annual: str) -> tuple[tuple[str, str, str], ...]:
        if self.profile.value_columns == 1 and not self.squash(period):
            return (("annual_value", annual, ONE_VALUE),)      # the table's one 指标值 column
        if self.squash(period) == self.squash(annual):
            return (("period_value", period, BOTH_VALUES),)
        return (("period_value", period, VALUE_LABELS["period_value"]),
                ("annual_value", annual, VALUE_LABELS["annual_value"]))

    def levels(self, ind: Indicator) -> tuple[Resolution, Resolution]:
        """Resolved level 1 and level 2 of an indicator (cached per distinct label pair)."""
        f = self.facts(ind)
        return f.level1, f.level2

    def level1_code(self, ind: Indicator) -> str | None:
        return self.facts(ind).level1_code

    def level2_code(self, ind: Indicator) -> str | None:
        return self.facts(ind).level2_code

    def columns(self, ind: Indicator) -> tuple[tuple[str, str, str], ...]:
        """(field, text, label) of the value cells to check; identical columns are checked once."""
        return self.facts(ind).columns

    def project_facts(self, project: Project) -> list[Facts]:
        """The facts of each of a project's indicators, in order (cached per project): what the project
        rules walk, ``zip(project.indicators, ctx.project_facts(project))``."""
        hit = self._project_facts.get(id(project))
        if hit is None:
            hit = self._project_facts[id(project)] = self._facts_of(project.indicators)
            self._projects_seen.append(project)       # kept alive: its id is not given to another one
        return hit

    def _facts_of(self, indicators: list[Indicator] | tuple[Indicator, ...]) -> list[Facts]:
        """``facts`` of each indicator, written out (30,000 indicators: a method call each was a tenth of
        what working them out costs)."""
        out = []
        add = out.append
        by_values, cores = self._by_values, self._cores
        for key, name in zip(map(_CONTENT, indicators), map(_NAME, indicators)):    # (tuples made in C)
            shared = by_values.get(key)
            if shared is None:
                shared = by_values[key] = (self._values_facts(*key), {})
            core = cores.get(name)                 # (one look-up per name: 30,000 distinct names are as
            if core is None:                       # common as a few hundred repeated)
                core = cores[name] = name_core(name)
            hit = shared[1].get(core)
            if hit is None:
                cols, l1, l2, c1, c2, values_key = shared[0]
                hit = shared[1][core] = Facts(cols, l1, l2, c1, c2, core, values_key)
            add(hit)
        return out

    def level_codes(self, project: Project) -> tuple[frozenset[str | None], frozenset[str | None]]:
        """The resolved level-1 and level-2 codes used in a project (cached per project; projects with the
        same codes in the same order share the two sets: 5,000 projects, a few dozen pairs)."""
        hit = self._project_levels.get(id(project))
        if hit is None:
            facts = self.project_facts(project)
            key = (tuple(map(_LEVEL1_CODE, facts)), tuple(map(_LEVEL2_CODE, facts)))
            hit = self._level_sets.get(key)
            if hit is None:
                hit = self._level_sets[key] = (frozenset(key[0]), frozenset(key[1]))
            self._project_levels[id(project)] = hit
        return hit

    def span(self, project: Project) -> tuple[int, int] | None:
        """(first, last) budget year when the project name carries a range like 2023年-2024年."""
        name = project.name
        hit = self._spans.get(name, ())
        if hit == ():
            m = _SPAN.search(name)
            first, last = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
            hit = self._spans[name] = (first, last) if m and last > first else None
        return hit

    def period(self, project: Project) -> tuple[int, int] | None:
        """(first, last) budget year of the project's 实施期 as its table states it (项目期 2019-2021),
        else the range its name carries (``span``)."""
        return project.period_years() or self.span(project)


_ONE = Decimal(1)
_LEVEL1_CODE, _LEVEL2_CODE = attrgetter("level1_code"), attrgetter("level2_code")
# what facts are worked out from (the values as written: None and "" alike, in _values_facts)
_CONTENT = attrgetter("level1_code", "level1", "level2_code", "level2", "period_value", "annual_value")
_NAME = attrgetter("name")


# small shared helpers ----------------------------------------------------------------------------

def num(value: Decimal | None) -> str:
    """A decimal for a message: no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def show(target: ParsedValue) -> str:
    """A parsed number target as an accountant writes it: ≥95%, 600平方米."""
    return f"{op_symbol(target.op)}{num(target.value)}{target.unit}"
