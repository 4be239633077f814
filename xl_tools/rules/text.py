"""TXT: the 绩效目标 text is specific, the project's own, and agrees with its indicators."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Iterator

from ..findings import ERROR, WARNING, Finding, located
from ..model import Project
from ..valuegrammar import ParsedValue, Placeholders
from .base import Context, Rule, show
from .statements import as_written, same_measure, statements, stem, unit_key

_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?=\d)(?<![\d.])(\d+(?:\.\d+)?)\s*\(?\s*")     # (?=\d): the scan skips the rest fast
TAIL = 8                 # characters kept after each number: enough for the longest unit


@lru_cache(maxsize=8192)
def numbers_in(text: str) -> tuple[tuple[Decimal, str, int], ...]:
    """Every number in a (squashed, half-width) text with the characters after it (brackets and spaces
    skipped, as in 99(%)) and its position; each distinct text is scanned once."""
    return tuple((Decimal(m.group(1)), text[m.end():m.end() + TAIL], m.start()) for m in _NUMBER.finditer(text))


SHOWN_NAMES = 3          # TXT003 names this many of the other projects with the same target


class TargetTooShort(Rule):
    """The 绩效目标 text is too short to say what the project achieves.

    为什么：绩效目标应说明项目年度要完成的产出和达到的效果，一句口号（“保障运转”）无法审核；
    最少字数可配置（min_length，默认 15 个字）。

    依据：最少字数是本工具的约定（min_length）。

    错误示例：
        绩效目标：保障学院正常运转。

    正确示例：
        绩效目标：完成校园安保和物业服务采购，校园安全事故 0 次，师生满意度 ≥90%。
    """

    code = "TXT001"
    title = "绩效目标过于简短"
    default_severity = WARNING
    basis = ("G-TARGET",)
    name = "text.target_too_short"
    config_keys = {"min_length": 15}

    def setup(self) -> None:
        self.matcher = Placeholders(TargetPlaceholder.config_keys["placeholders"])

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        text = ctx.squash(project.target)           # (run on every project: a tuple, not a generator)
        if not text or len(text) >= self.options["min_length"] or self.matcher(text):
            return ()
        return (self.at_project(project, "target", f"绩效目标只有 {len(text)} 个字：「{project.target}」",
                                f"至少写 {self.options['min_length']} 个字，说明要完成的产出和达到的效果"),)


class TargetPlaceholder(Rule):
    """The 绩效目标 text is a placeholder (无, 同上, 待定, 见附件).

    为什么：公开表中每个项目的绩效目标都要单独写明，“同上”“见附件”在公开后没有意义。

    错误示例：
        绩效目标：同上

    正确示例：
        绩效目标：对符合国家助学金政策的学生给予生均2000元的助学金补助，认定准确率100%。
    """

    code = "TXT002"
    title = "绩效目标是占位文字"
    default_severity = ERROR
    basis = ("G-TARGET",)
    name = "text.target_placeholder"
    config_keys = {"placeholders": ["*", "XXX", "待定", "待补充", "无", "暂无", "略", "同上", "见附件",
                                    "详见附件"]}

    def setup(self) -> None:
        self.matcher = Placeholders(self.options["placeholders"])
        self._said: dict[str, bool] = {}          # per distinct target text, for one check

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        text = ctx.squash(project.target)
        said = self._said.get(text)
        if said is None:
            said = self._said[text] = self.matcher(text)
        if not said:
            return ()
        return (self.at_project(project, "target", f"绩效目标「{project.target}」是占位文字", "写明本项目的绩效目标"),)


class TargetDuplicated(Rule):
    """Two projects share exactly the same 绩效目标 text.

    为什么：不同项目的目标应各不相同；完全相同的目标多是从另一项目复制后忘了改，
    常见于跨年度的同类项目。

    错误示例：
        「2023年-2024年校园信息化设备运维项目」与「2024年-2025年校园信息化设备运维项目」的绩效目标一字不差

    正确示例：
        每个项目的绩效目标写明本项目自己的产出和效果
    """

    code = "TXT003"
    title = "绩效目标与其他项目完全相同"
    default_severity = WARNING
    basis = ("G-TARGET",)
    name = "text.target_duplicated"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        groups: dict[str, list[Project]] = {}
        for project in ctx.filing.projects:
            key = ctx.squash(project.target)
            if key:
                groups.setdefault(key, []).append(project)
        named: Counter | None = None                 # how many projects have each name (when first needed)
        for group in groups.values():
            if len(group) < 2:
                continue
            if named is None:
                named = Counter(p.name for p in ctx.filing.projects)
            shown = group[:SHOWN_NAMES + 1]          # linear in the group: name a few, count the rest
            for project in group:
                others = [_told_apart(p, named) for p in shown if p is not project][:SHOWN_NAMES]
                more = len(group) - 1 - len(others)
                tail = f"等 {len(group) - 1} 个项目" if more else ""
                yield self.at_project(project, "target", f"绩效目标与项目{''.join(others)}{tail}完全相同",
                                      "按本项目的内容改写绩效目标，使其与本项目的指标对应")


def _told_apart(project: Project, named: Counter) -> str:
    """「name」 of a project, with its unit and 序号 when another project of the filing has the same name (two
    units' 「校园安保服务项目」): the person can tell which one is meant."""
    if named[project.name] < 2:
        return f"「{project.name}」"
    tags = [t for t in (project.unit, f"序号 {project.no}" if project.no is not None else "") if t]
    return f"「{project.name}」（{'，'.join(tags)}）" if tags else f"「{project.name}」"


class TargetContradictsIndicators(Rule):
    """A number in the 绩效目标 text contradicts the value of the indicator that measures the same thing.

    为什么：目标文字与绩效指标应一致。文字写“满意率95%以上”而指标写“90%”，审核人不知道以哪个为准。
    数字按它前后写的名称对应到指标：指标名称（去掉“人次”“数量”等单位词）写在数字旁边，或名称的
    末尾（面积、满意度）写在旁边且名称的大部分字也在；单位要完全相同（人次不是人，万元与元换算后比较）。
    文字中的数字没有对应的指标时不报（目标承诺的数量没有指标衡量，见 TXT005）。

    错误示例：
        绩效目标：……设备运行维护的满意率95%以上……；指标：设备运行维护的满意率；90%

    正确示例：
        绩效目标：……设备运行维护的满意率95%以上……；指标：设备运行维护的满意率；≥95%
    """

    code = "TXT004"
    title = "绩效目标中的数字与指标值不一致"
    default_severity = WARNING
    basis = ("G-MATCH",)
    name = "text.target_contradicts_indicators"

    def setup(self) -> None:
        self._numbers: dict[tuple[str, str], list] = {}   # per distinct pair of values, for one check
        self._said: dict[str, tuple] = {}         # per distinct target text: its statements and their units

    def _measured(self, ctx: Context, p: str, a: str) -> list[tuple[str, list[tuple[Decimal, ParsedValue]]]]:
        """The numbers of an indicator's values by the unit they are compared in: [(unit, [(amount, value)])]."""
        hit = self._numbers.get((p, a))
        if hit is None:
            measured: dict[str, list[tuple[Decimal, ParsedValue]]] = {}
            for value in ((p,) if p == a else (p, a)):
                t = ctx.parse(value)
                if t.kind == "number" and t.value is not None and t.unit:
                    unit, amount = unit_key(t.value, t.unit)
                    measured.setdefault(unit, []).append((amount, t))
            hit = self._numbers[(p, a)] = list(measured.items())
        return hit

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        text = ctx.squash(project.target)
        hit = self._said.get(text)
        if hit is None:
            said = statements(text) if text and _DIGIT.search(text) else ()
            hit = self._said[text] = (said, {st.unit for st in said})
        return self._contradicted(ctx, project, *hit) if hit[0] else ()

    def _contradicted(self, ctx: Context, project: Project, said: tuple, wanted: set) -> Iterator[Finding]:
        # the indicators' numbers in those units: unit → [(stem of its name, (ind, [(amount, value)]))]
        by_unit: dict[str, list[tuple[str, tuple]]] = {}
        numbers = self._numbers
        for ind, facts in zip(project.indicators, ctx.project_facts(project)):
            measured = numbers.get((ind.period_value, ind.annual_value))     # _measured's, without its call
            if measured is None:
                measured = self._measured(ctx, ind.period_value, ind.annual_value)
            for unit, values in measured:
                if unit in wanted:
                    by_unit.setdefault(unit, []).append((stem(facts.core, values[0][1].unit), (ind, values)))
        if not by_unit:
            return
        # the statements that name each indicator; it agrees when any of them states its value
        named: dict[tuple[int, str], tuple[tuple, list[tuple[float, object]]]] = {}
        for st in said:
            candidates = by_unit.get(st.unit)
            hit = same_measure(candidates, st.words) if candidates else None
            if hit is not None:
                (ind, values), score = hit
                named.setdefault((id(ind), st.unit), ((ind, values), []))[1].append((score, st))
        for (ind, values), stated in named.values():
            if any(st.amount == a for _, st in stated for a, _ in values):
                continue
            st = max(stated, key=lambda pair: pair[0])[1]       # the surest, the first of equals
            shown = "、".join(dict.fromkeys(show(t) for _, t in values))
            yield located(self.code, self.severity,
                          f"绩效目标写「{as_written(project.target, st.start, st.end)}」，"
                          f"指标「{ind.name}」为 {shown}",
                          "统一绩效目标文字与指标值（以实际目标为准修改其中一处）",
                          project.origin, "target", project.name, ind.no)
