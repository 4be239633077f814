"""Compare two filings (usually two budget years): ``diff_filings(old, new) -> FilingDiff``.

Projects are matched by name first (same name key); those left over are paired as *renamed* when
their names are similar enough (the Indel ratio of ``similarity``, with the years in the names ignored) and their
indicators overlap, scored ``NAME_WEIGHT * name + (1 - NAME_WEIGHT) * indicators`` against
``RENAME_THRESHOLD``; the rest are added or removed. Within a matched project, indicators are matched
by name (duplicates in order). Money is compared field by field (a blank amount cell is blank, not
0: ``MoneyChange.old_blank``). Texts are compared by character, each change widened to whole numbers
and Latin words (``text_segments``: 「800」→「200」, not 「8」→「2」), and shown in Chinese
(``text_changes``: 「…改造面积「800」改为「200」平方米…」); ``text_diff`` is the same diff in the
machine notation 「…[-删除-]{+新增+}…」 that ``--json`` keeps.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import (
    FUNDING_LEVELS,
    MONEY_FIELDS,
    PROJECT_FIELDS,
    WAN,
    Filing,
    Indicator,
    Project,
    filing_in_unit,
)
from ..model import (
    INDICATOR_FIELDS as PRINTED_FIELDS,
)
from ..money import ZERO, fmt_thousands
from ..similarity import ratio
from ..textnorm import name_core, name_key, squash, without_years
from ..unitnames import unit_key

RENAME_THRESHOLD = 0.6
NAME_WEIGHT = 0.6
CONTEXT_CHARS = 8            # unchanged characters shown around each change of a target text
# the values are compared whole (指标性质 | 95 | 度量单位 as ≥95%), then the other columns a region prints
_BESIDE = ("weight", "direction", "standard", "explanation", "remark")
INDICATOR_FIELDS = ("level1", "level2", "period_value", "annual_value", *_BESIDE)
INDICATOR_LABELS = {"level1": "一级指标", "level2": "二级指标", "period_value": "实施周期指标值",
                    "annual_value": "年度指标值", **{f: PRINTED_FIELDS[f] for f in _BESIDE}}
# what a region's table prints about a project (实施期, 项目性质 …, funding by level ``funding.own``)
PROJECT_LABELS = {**PROJECT_FIELDS, **{f"funding.{k}": h for k, h in FUNDING_LEVELS.items()}}


@dataclass
class MoneyChange:
    field: str
    old: Decimal
    new: Decimal
    old_blank: bool = False               # the cell was left blank (a rolled-over filing): not 0
    new_blank: bool = False

    @property
    def change(self) -> Decimal | None:
        """None when either cell was left blank: a blank amount is unknown, not 0."""
        return None if self.old_blank or self.new_blank else self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        """Change in % of the old amount; None when the old amount is 0 or either cell is blank."""
        return None if self.change is None else percent(self.old, self.new)


@dataclass(frozen=True)
class Total:
    """The 总计 of some projects (a unit, a filing) that knows how many of them were left blank: its
    ``amount`` is None unless every project's 总计 was filled in (a partial sum is never the total)."""

    filled: Decimal = ZERO          # the sum of the projects whose 总计 was filled in
    projects: int = 0
    blank: int = 0

    @classmethod
    def of(cls, projects) -> "Total":
        projects = list(projects)
        blank = [p for p in projects if p.blank("total")]
        return cls(sum((p.total for p in projects if not p.blank("total")), ZERO), len(projects), len(blank))

    def __add__(self, other: "Total") -> "Total":
        return Total(self.filled + other.filled, self.projects + other.projects, self.blank + other.blank)

    @property
    def amount(self) -> Decimal | None:
        return self.filled if not self.blank else None

    def words(self, label: str) -> str | None:
        """「2025年：13 个项目中 12 个金额未填（已填 1 个共 100.00）」, None when none is blank."""
        if not self.blank:
            return None
        if self.blank == self.projects:
            return f"{label}：{self.projects} 个项目金额均未填"
        return (f"{label}：{self.projects} 个项目中 {self.blank} 个金额未填"
                f"（已填 {self.projects - self.blank} 个共 {fmt_thousands(self.filled)}）")


@dataclass(frozen=True)
class TotalRow:
    """One row of a comparison of totals: a project's 总计 (``old`` / ``new`` None when the project is
    absent on that side) or a unit's (a ``Total`` each side)."""

    unit: str
    name: str
    old: Total | None
    new: Total | None
    labels: tuple[str, str]

    def amounts(self) -> tuple[Decimal | None, Decimal | None]:
        return tuple(None if t is None else t.amount for t in (self.old, self.new))

    @property
    def change(self) -> Decimal | None:
        """new − old (an absent side counts 0); None when a side has a blank 总计."""
        if any(t is not None and t.blank for t in (self.old, self.new)):
            return None
        old, new = self.amounts()
        return (new or ZERO) - (old or ZERO)

    @property
    def percent(self) -> Decimal | None:
        return None if self.change is None else percent(*self.amounts())

    def note(self) -> str | None:
        """Why no change is computed, in words (「2025年金额未填，不计增减」 for a project, the count of
        blank projects for a unit); None when it is."""
        said = [t.words(label) for t, label in zip((self.old, self.new), self.labels) if t is not None]
        said = [w for w in said if w]
        if not said:
            return None
        if self.name:                                    # one project: its 总计 is blank
            return blank_reason(*(t is not None and bool(t.blank) for t in (self.old, self.new)), self.labels)
        return "；".join(said) + "，合计和增减不计算"


def blank_reason(old_blank: bool, new_blank: bool, labels: tuple[str, str]) -> str | None:
    """「2025年金额未填，不计增减」: why an amount's change is not computed (None when it is)."""
    if old_blank and new_blank:
        return f"{labels[0]}和{labels[1]}金额均未填，不计增减"
    if old_blank or new_blank:
        return f"{labels[1] if new_blank else labels[0]}金额未填，不计增减"
    return None


@dataclass
class IndicatorChange:
    name: str
    no: int | None                        # number in the new filing
    fields: list[tuple[str, str, str]]    # (field, old, new)


@dataclass
class ProjectDiff:
    """A project present in both filings (possibly renamed) and what changed in it."""

    old: Project
    new: Project
    similarity: Decimal | None = None     # rename score (None: matched by name)
    money: list[MoneyChange] = field(default_factory=list)
    target: str | None = None             # readable diff of the target text, None if unchanged
    indicators_added: list[Indicator] = field(default_factory=list)
    indicators_removed: list[Indicator] = field(default_factory=list)
    indicators_changed: list[IndicatorChange] = field(default_factory=list)
    # (field of PROJECT_LABELS, old, new): 实施期 and the other texts as written, funding amounts (Decimal or None)
    fields: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        return self.similarity is not None

    @property
    def changed(self) -> bool:
        return bool(self.renamed or self.unit_changed or self.money or self.target is not None
                    or self.indicators_added or self.indicators_removed or self.indicators_changed or self.fields)

    @property
    def unit_changed(self) -> bool:
        return unit_key(self.old.unit) != unit_key(self.new.unit)


@dataclass
class Change:
    """One line of the flat list of changes (``FilingDiff.changes``)."""

    kind: str        # project_added | project_removed | project_renamed | unit | money | target |
    #                  indicator_added | indicator_removed | indicator_value
    project: str     # the project's name in the new filing (old name when removed); for money, old/new
    #                  None: the amount cell was left blank
    field: str | None = None
    indicator: str | None = None
    old: object = None
    new: object = None


@dataclass
class FilingDiff:
    old: Filing
    new: Filing
    added: list[Project] = field(default_factory=list)
    removed: list[Project] = field(default_factory=list)
    matched: list[ProjectDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # why the comparison may mislead (``warnings_for``)
    errors: tuple[int | None, int | None] = (None, None)   # error findings of old / new (None: not checked)
    created: str = ""                                   # when the comparison was made (YYYY-MM-DD HH:MM)

    @property
    def has_errors(self) -> bool:
        return any(self.errors)

    def errors_line(self) -> str | None:
        """One Chinese line when either filing has errors (the diff compares them as they are)."""
        parts = [f"{label}文件有 {n} 条错误" for label, n in zip(("旧", "新"), self.errors) if n]
        if not parts:
            return None
        return ("注意：" + "，".join(parts) + "（用 xl-tools check 查看）：对比的是带错误的数据，"
                "金额增减可能随改正而变化")

    @property
    def renamed(self) -> list[ProjectDiff]:
        return [m for m in self.matched if m.renamed]

    @property
    def changed(self) -> list[ProjectDiff]:
        return [m for m in self.matched if m.changed]

    def changes(self) -> list[Change]:
        """Every change as one flat list (a money field, a target, an indicator value ...)."""
        out = [Change("project_added", p.name, new=p.name) for p in self.added]
        out += [Change("project_removed", p.name, old=p.name) for p in self.removed]
        for m in self.matched:
            name = m.new.name
            if m.renamed:
                out.append(Change("project_renamed", name, "name", old=m.old.name, new=name))
            if m.unit_changed:
                out.append(Change("unit", name, "unit", old=m.old.unit, new=m.new.unit))
            out += [Change("money", name, c.field, old=None if c.old_blank else c.old,
                           new=None if c.new_blank else c.new) for c in m.money]
            if m.target is not None:
                out.append(Change("target", name, "target", old=m.old.target, new=m.new.target))
            out += [Change("project_field", name, f, old=o, new=n) for f, o, n in m.fields]
            out += [Change("indicator_added", name, indicator=i.name, new=i.name) for i in m.indicators_added]
            out += [Change("indicator_removed", name, indicator=i.name, old=i.name)
                    for i in m.indicators_removed]
            out += [Change("indicator_value", name, f, c.name, o, n)
                    for c in m.indicators_changed for f, o, n in c.fields]
        return out

    def labels(self) -> tuple[str, str]:
        """The two filings in words: 2024年 / 2025年 when the years differ, else 旧文件 / 新文件."""
        if self.old.year and self.new.year and self.old.year != self.new.year:
            return f"{self.old.year}年", f"{self.new.year}年"
        return "旧文件", "新文件"

    def money_note(self, c: MoneyChange) -> str | None:
        """Why the change of one amount is not computed (「2025年金额未填，不计增减」), None when it is."""
        return blank_reason(c.old_blank, c.new_blank, self.labels())

    def project_totals(self) -> list[TotalRow]:
        """Every project whose 总计 changed (or was left blank on one side) or that was added / removed,
        largest cut first, then those whose change is not computed (a blank 总计)."""
        rows = [TotalRow(m.new.unit, m.new.name, Total.of([m.old]), Total.of([m.new]), self.labels())
                for m in self.matched
                if m.old.total != m.new.total or m.old.blank("total") != m.new.blank("total")]
        rows += [TotalRow(p.unit, p.name, None, Total.of([p]), self.labels()) for p in self.added]
        rows += [TotalRow(p.unit, p.name, Total.of([p]), None, self.labels()) for p in self.removed]
        return sorted(rows, key=lambda r: (r.change is None, r.change or ZERO, r.unit, r.name))

    def unit_totals(self) -> list[TotalRow]:
        """One row per funding unit, its 总计 summed from its projects (a ``Total`` each side)."""
        old, new = _totals_by_unit(self.old), _totals_by_unit(self.new)
        shown = {**{unit_key(u): u for u in old}, **{unit_key(u): u for u in new}}   # the new spelling
        old = {unit_key(u): t for u, t in old.items()}
        new = {unit_key(u): t for u, t in new.items()}
        return [TotalRow(shown[k], "", old.get(k, Total()), new.get(k, Total()), self.labels())
                for k in dict.fromkeys([*old, *new])]

    def grand_total(self) -> TotalRow:
        """The sum of the unit rows (the 单位汇总 sheet's 合计 row)."""
        rows = self.unit_totals()
        return TotalRow("", "", sum((r.old for r in rows), Total()), sum((r.new for r in rows), Total()),
                        self.labels())

    def blank_line(self) -> str | None:
        """One line when either filing has projects whose 总计 was left blank (a rolled-over filing not
        filled in yet): how many, and that totals and their changes are not computed."""
        return self.grand_total().note()


def _totals_by_unit(f: Filing) -> dict[str, Total]:
    out: dict[str, list[Project]] = {}
    for p, unit in zip(f.projects, f.units_of_projects()):
        out.setdefault(unit, []).append(p)
    return {u: Total.of(ps) for u, ps in out.items()}


def percent(old: Decimal | None, new: Decimal | None) -> Decimal | None:
    if not old:
        return None
    return ((new or ZERO) - old) * 100 / old


def _names(names) -> str:
    return "、".join(n for n in names if n) or "（未填）"


def warnings_for(old: Filing, new: Filing) -> list[str]:
    """Why comparing ``old`` with ``new`` may mislead, one Chinese line each: filings of different
    departments, of units that have nothing in common, or the years reversed (old later than new)."""
    out = []
    if old.department and new.department and unit_key(old.department) != unit_key(new.department):
        out.append(f"两份填报的部门不同（旧：{old.department}；新：{new.department}），请确认对比的是同一部门")
    old_units = {unit_key(u): u for u in old.unit_names() if u}
    new_units = {unit_key(u): u for u in new.unit_names() if u}
    if old_units and new_units and not old_units.keys() & new_units.keys():
        out.append(f"两份填报的资金使用单位完全不同（旧：{_names(old_units.values())}；"
                   f"新：{_names(new_units.values())}），请确认对比的是同一单位")
    if old.year and new.year and old.year > new.year:
        out.append(f"旧文件的预算年度（{old.year}年）晚于新文件（{new.year}年）：两个文件的顺序可能弄反了，"
                   "增减方向也随之相反")
    return out


def diff_filings(old: Filing, new: Filing) -> FilingDiff:
    """What changed from `old` to `new` (see module docstring for the matching)."""
    notes = warnings_for(old, new)
    stated = (old.money_unit or WAN, new.money_unit or WAN)
    unit = stated[0] if stated[0] == stated[1] else WAN
    if stated[0] != stated[1]:
        notes.append(f"两份填报的金额单位不同（旧：{stated[0]}；新：{stated[1]}），均换算为万元比较")
    elif unit != WAN:
        notes.append(f"金额单位：{unit}")
    old, new = filing_in_unit(old, unit), filing_in_unit(new, unit)
    result = FilingDiff(old, new, notes=notes)
    pairs, rest_old, rest_new = _match_by_name(old.projects, new.projects)
    renames, rest_old, rest_new = _match_renamed(rest_old, rest_new)
    for o, n in pairs:
        result.matched.append(_compare_project(o, n, None))
    for o, n, score in renames:
        result.matched.append(_compare_project(o, n, score))
    order = {id(p): k for k, p in enumerate(new.projects)}
    result.matched.sort(key=lambda m: order[id(m.new)])
    result.added = rest_new
    result.removed = rest_old
    if line := result.blank_line():
        result.notes.append(line)
    return result


def _match_by_name(old: list[Project], new: list[Project]):
    """Projects of the same name paired, in order; among several of one name (two units' 「校园安保经费」)
    the one of the same unit first."""
    waiting: dict[str, list[Project]] = {}
    for p in old:
        waiting.setdefault(name_key(p.name), []).append(p)
    pairs, rest_new = [], []
    for p in new:
        queue = waiting.get(name_key(p.name))
        if queue:
            own = next((o for o in queue if unit_key(o.unit) == unit_key(p.unit)), queue[0])
            queue.remove(own)
            pairs.append((own, p))
        else:
            rest_new.append(p)
    matched_old = {id(o) for o, _n in pairs}
    return pairs, [p for p in old if id(p) not in matched_old], rest_new


def _name_similarity(a: str, b: str) -> float:
    return ratio(without_years(a), without_years(b)) / 100


def _indicator_overlap(a: Project, b: Project) -> float:
    sa = {name_core(i.name) for i in a.indicators}
    sb = {name_core(i.name) for i in b.indicators}
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def rename_score(a: Project, b: Project) -> float:
    return NAME_WEIGHT * _name_similarity(a.name, b.name) + (1 - NAME_WEIGHT) * _indicator_overlap(a, b)


def _match_renamed(old: list[Project], new: list[Project]):
    scored = sorted(((rename_score(o, n), k, j) for k, o in enumerate(old) for j, n in enumerate(new)),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_old, used_new, renames = set(), set(), []
    for score, k, j in scored:
        if score < RENAME_THRESHOLD:
            break
        if k in used_old or j in used_new:
            continue
        used_old.add(k)
        used_new.add(j)
        renames.append((old[k], new[j], Decimal(str(round(score, 2)))))
    return (renames, [p for k, p in enumerate(old) if k not in used_old],
            [p for j, p in enumerate(new) if j not in used_new])


def _compare_project(old: Project, new: Project, score: Decimal | None) -> ProjectDiff:
    d = ProjectDiff(old, new, score)
    d.money = [MoneyChange(f, getattr(old, f), getattr(new, f), old.blank(f), new.blank(f))
               for f in MONEY_FIELDS if getattr(old, f) != getattr(new, f)]
    if squash(old.target) != squash(new.target):
        d.target = text_diff(old.target, new.target)
    d.fields = [(f, o, n) for f, o, n in ((f, project_value(old, f), project_value(new, f)) for f in PROJECT_LABELS)
                if (squash(o) != squash(n) if isinstance(o, str) else o != n)]
    _compare_indicators(d)
    return d


def project_value(p: Project, f: str):
    """A project's 实施期, 项目性质 … as written, or its funding amount of a level (None when not stated)."""
    if f.startswith("funding."):
        return p.funding.get(f.removeprefix("funding."))
    return getattr(p, f) or ""


def _indicator_value(ind: Indicator, f: str) -> str:
    if f == "level1":
        return ind.level1_label
    if f == "level2":
        return ind.level2_label
    if f in ("period_value", "annual_value"):
        return ind.value_text(f)
    return getattr(ind, f) or ""


def _compare_indicators(d: ProjectDiff) -> None:
    waiting: dict[str, list[Indicator]] = {}
    for i in d.old.indicators:
        waiting.setdefault(name_core(i.name), []).append(i)
    for n in d.new.indicators:
        queue = waiting.get(name_core(n.name))
        if not queue:
            d.indicators_added.append(n)
            continue
        o = queue.pop(0)
        fields = [(f, _indicator_value(o, f), _indicator_value(n, f)) for f in INDICATOR_FIELDS
                  if squash(_indicator_value(o, f)) != squash(_indicator_value(n, f))]
        if fields:
            d.indicators_changed.append(IndicatorChange(n.name, n.no, fields))
    d.indicators_removed = [i for queue in waiting.values() for i in queue]
    order = {id(i): k for k, i in enumerate(d.old.indicators)}
    d.indicators_removed.sort(key=lambda i: order[id(i)])


# characters of one number or Latin word: a change inside one is widened to all of it
_WORD_CHARS = re.compile(r"[0-9A-Za-z.%]")


def _word_run(text: str, *, at_end: bool) -> int:
    """Length of the run of word characters at the end (or start) of ``text``."""
    k = 0
    chars = reversed(text) if at_end else iter(text)
    for ch in chars:
        if not _WORD_CHARS.match(ch):
            break
        k += 1
    return k


def text_segments(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` → ``new`` as (old part, new part) segments, equal where old part == new part: a
    character diff (difflib) whose changes are widened to whole numbers and Latin words, so
    「改造面积800平方米」→「…200…」 changes 「800」 to 「200」, not 「8」 to 「2」."""
    segs: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        segs.append([old[i1:i2], new[j1:j2], tag == "equal"])
    for k, (o, n, same) in enumerate(segs):
        if same:
            continue
        if k > 0 and segs[k - 1][2] and (_WORD_CHARS.match(o[:1] or " ") or _WORD_CHARS.match(n[:1] or " ")):
            take = _word_run(segs[k - 1][0], at_end=True)
            if take:
                moved = segs[k - 1][0][-take:]
                segs[k - 1][0] = segs[k - 1][1] = segs[k - 1][0][:-take]
                o, n = moved + o, moved + n
        if k + 1 < len(segs) and segs[k + 1][2] and (_WORD_CHARS.match(o[-1:] or " ")
                                                     or _WORD_CHARS.match(n[-1:] or " ")):
            take = _word_run(segs[k + 1][0], at_end=False)
            if take:
                moved = segs[k + 1][0][:take]
                segs[k + 1][0] = segs[k + 1][1] = segs[k + 1][0][take:]
                o, n = o + moved, n + moved
        segs[k][0], segs[k][1] = o, n
    out: list[tuple[str, str]] = []
    for o, n, same in segs:
        if same and not o:
            continue
        if out and not same and out[-1][0] != out[-1][1]:
            out[-1] = (out[-1][0] + o, out[-1][1] + n)        # two changes now side by side: one
        else:
            out.append((o, n))
    return out


def _shortened(same: str, first: bool, last: bool, context: int) -> str:
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(same) > keep_head + keep_tail + 1:
        return same[:keep_head] + "…" + (same[-keep_tail:] if keep_tail else "")
    return same


def _render(old: str, new: str, context: int, change) -> str:
    segs = text_segments(old, new)
    out = []
    for k, (o, n) in enumerate(segs):
        out.append(_shortened(o, k == 0, k == len(segs) - 1, context) if o == n else change(o, n))
    return "".join(out)


def text_diff(old: str, new: str, context: int = CONTEXT_CHARS) -> str:
    """The diff in machine notation: 「…不变[-删除-]{+新增+}不变…」, long unchanged runs shortened to
    ``context`` characters (``--json``'s ``target.diff``)."""
    return f"「{_render(old, new, context, lambda o, n: (f'[-{o}-]' if o else '') + (f'{{+{n}+}}' if n else ''))}」"


def change_zh(old: str, new: str) -> str:
    """One change in words: 「800」改为「200」, 删去「…」, 增加「…」."""
    if old and new:
        return f"「{old}」改为「{new}」"
    return f"删去「{old}」" if old else f"增加「{new}」"


def text_changes(old: str, new: str, context: int = CONTEXT_CHARS) -> str:
    """The diff as a reader of a cell or a terminal reads it: 「…改造面积「800」改为「200」平方米，
    「2025」改为「2026」年12月31日前…」 (unchanged runs shortened to ``context`` characters)."""
    return _render(old, new, context, change_zh)
