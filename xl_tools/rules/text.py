"""TXT: the 绩效目标 text is specific, the project's own, and agrees with its indicators."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from ..findings import Finding, locate
from ..model import Project
from ..valuegrammar import ParsedValue, Placeholders
from .base import Context, Rule, num, show

_STOP = re.compile(r"[,，。;；!！?？]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*\(?\s*")
_MONEY_AFTER = re.compile(r"[千万]?元")
TAIL = 8                 # characters kept after each number: enough for the longest unit


@lru_cache(maxsize=8192)
def numbers_in(text: str) -> tuple[tuple[Decimal, str, int], ...]:
    """Every number in a (squashed, half-width) text with the characters after it (brackets and spaces
    skipped, as in 99(%)) and its position; each distinct text is scanned once."""
    return tuple((Decimal(m.group(1)), text[m.end():m.end() + TAIL], m.start()) for m in _NUMBER.finditer(text))


def _text_numbers(segment: str, unit: str) -> list[Decimal]:
    """Numbers written with ``unit`` in a (squashed, half-width) text: 95%以上 → 95; 99(%) → 99.
    "10万元" is money, not 10 of the unit "万" (as in ≥12万千瓦时); "项目" is not a count of 项."""
    n = len(unit)
    return [value for value, tail, _ in numbers_in(segment)
            if tail.startswith(unit) and not _MONEY_AFTER.match(tail, n)
            and not (unit == "项" and tail.startswith("项目"))]


SHOWN_NAMES = 3          # TXT003 names this many of the other projects with the same target


class TargetTooShort(Rule):
    """The 绩效目标 text is too short to say what the project achieves.

    为什么：绩效目标应说明项目年度要完成的产出和达到的效果，一句口号（“保障运转”）无法审核；
    最少字数可配置（min_length，默认 15 个字）。

    依据：G-TARGET（见“官方要求与规则对照”）；最少字数是本工具的约定（min_length）。

    错误示例：
        绩效目标：保障学院正常运转。

    正确示例：
        绩效目标：完成校园安保和物业服务采购，校园安全事故 0 次，师生满意度 ≥90%。
    """

    code = "TXT001"
    name = "text.target_too_short"
    config_keys = {"min_length": 15}

    def setup(self) -> None:
        self.matcher = Placeholders(TargetPlaceholder.config_keys["placeholders"])

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        text = ctx.squash(project.target)
        if text and len(text) < self.options["min_length"] and not self.matcher(text):
            yield self.at_project(project, "target",
                                  f"绩效目标只有 {len(text)} 个字：「{project.target}」",
                                  f"至少写 {self.options['min_length']} 个字，说明要完成的产出和达到的效果")


class TargetPlaceholder(Rule):
    """The 绩效目标 text is a placeholder (无, 同上, 待定, 见附件).

    为什么：公开表中每个项目的绩效目标都要单独写明，“同上”“见附件”在公开后没有意义。

    依据：G-TARGET（见“官方要求与规则对照”）。

    错误示例：
        绩效目标：同上

    正确示例：
        绩效目标：对符合国家助学金政策的学生给予生均2000元的助学金补助，认定准确率100%。
    """

    code = "TXT002"
    name = "text.target_placeholder"
    config_keys = {"placeholders": ["*", "XXX", "待定", "待补充", "无", "暂无", "略", "同上", "见附件",
                                    "详见附件"]}

    def setup(self) -> None:
        self.matcher = Placeholders(self.options["placeholders"])

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        if self.matcher(ctx.squash(project.target)):
            yield self.at_project(project, "target", f"绩效目标「{project.target}」是占位文字",
                                  "写明本项目的绩效目标")


class TargetDuplicated(Rule):
    """Two projects share exactly the same 绩效目标 text.

    为什么：不同项目的目标应各不相同；完全相同的目标多是从另一项目复制后忘了改，
    常见于跨年度的同类项目。

    依据：G-TARGET（见“官方要求与规则对照”）。

    错误示例：
        「2023年-2024年校园信息化设备运维项目」与「2024年-2025年校园信息化设备运维项目」的绩效目标一字不差

    正确示例：
        每个项目的绩效目标写明本项目自己的产出和效果
    """

    code = "TXT003"
    name = "text.target_duplicated"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        groups: dict[str, list[Project]] = {}
        for project in ctx.filing.projects:
            key = ctx.squash(project.target)
            if key:
                groups.setdefault(key, []).append(project)
        for group in groups.values():
            if len(group) < 2:
                continue
            shown = group[:SHOWN_NAMES + 1]          # linear in the group: name a few, count the rest
            for project in group:
                others = [p.name for p in shown if p is not project][:SHOWN_NAMES]
                more = len(group) - 1 - len(others)
                tail = f"等 {len(group) - 1} 个项目" if more else ""
                yield self.at_project(project, "target", f"绩效目标与项目「{'」「'.join(others)}」{tail}完全相同",
                                      "按本项目的内容改写绩效目标，使其与本项目的指标对应")


class TargetContradictsIndicators(Rule):
    """A number in the 绩效目标 text contradicts an indicator value with the same unit.

    为什么：目标文字与绩效指标应一致。文字写“满意率95%以上”而指标写“90%”，审核人不知道以哪个为准。
    先按指标名称在文字中找对应的数值；名称找不到时，同一单位的数字在文字和指标中完全不重合也报。

    依据：G-MATCH（见“官方要求与规则对照”）。

    错误示例：
        绩效目标：……设备运行维护的满意率95%以上……；指标：设备运行维护的满意率；90%

    正确示例：
        绩效目标：……设备运行维护的满意率95%以上……；指标：设备运行维护的满意率；≥95%
    """

    code = "TXT004"
    name = "text.target_contradicts_indicators"

    def _finding(self, project: Project, ind, message: str) -> Finding:
        return Finding(self.code, self.severity, message,
                       "统一绩效目标文字与指标值（以实际目标为准修改其中一处）",
                       project=project.name, indicator_no=ind.no, field="target",
                       **locate(project.origin, "target"))

    def check_project(self, ctx: Context, project: Project) -> Iterator[Finding]:
        text = ctx.squash(project.target)
        if not text or not _DIGIT.search(text):
            return
        by_unit: dict[str, list[tuple[object, ParsedValue]]] = {}
        for ind in project.indicators:
            for value in dict.fromkeys((ind.period_value, ind.annual_value)):
                t = ctx.parse(value)
                if t.kind == "number" and t.value is not None and t.unit:
                    by_unit.setdefault(t.unit, []).append((ind, t))
        done: set[str] = set()
        for unit, items in by_unit.items():
            for ind, t in items:
                core = ctx.facts(ind).core
                if len(core) < 3 or core not in text:
                    continue
                said = [n for seg in text.split(core)[1:] for n in _text_numbers(
                    _STOP.split(seg, 1)[0], unit)[:1]]
                if said and t.value not in said:
                    done.add(unit)
                    yield self._finding(project, ind,
                                        f"绩效目标写「{core}{num(said[0])}{unit}」，"
                                        f"指标「{ind.name}」为 {show(t)}")
                    break
        for unit, items in by_unit.items():
            if unit in done:
                continue
            said = _text_numbers(text, unit)
            values = {t.value for _, t in items}
            if said and not values & set(said):
                ind, t = items[0]
                shown = "、".join(dict.fromkeys(show(t) for _, t in items))
                written = "、".join(f"{num(n)}{unit}" for n in dict.fromkeys(said))
                yield self._finding(project, ind,
                                    f"绩效目标中写 {written}，而以「{unit}」计的指标值为 "
                                    f"{shown}（{ind.name}）")
