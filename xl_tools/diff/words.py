"""A diff's changes in words, one line each, as the terminal (``xl-tools diff``) and the batch (what
changed between two versions of a unit's filing) say them."""

from __future__ import annotations

from ..model import MONEY_LABELS
from ..money import fmt_thousands
from .compare import PROJECT_LABELS, Change, FilingDiff, blank_reason, change_zh, text_changes

KIND_ZH = {"project_added": "新增项目", "project_removed": "删除项目", "project_renamed": "项目改名",
           "unit": "资金使用单位变化", "money": "金额变化", "target": "绩效目标变化",
           "indicator_added": "新增指标", "indicator_removed": "删除指标", "indicator_value": "指标值变化",
           "project_field": "项目信息变化"}
FIELD_ZH = {**MONEY_LABELS, "target": "绩效目标", "name": "项目名称", "unit": "资金使用单位",
            "level1": "一级指标", "level2": "二级指标",
            "period_value": "实施周期指标值", "annual_value": "年度指标值", **PROJECT_LABELS,
            "weight": "权重", "direction": "指标方向性", "standard": "绩效标准", "explanation": "指标解释", "remark": "备注"}
BLANK = "（空）"


def amount_text(value) -> str:
    return BLANK if value is None else fmt_thousands(value)


def field_text(value) -> str:
    """A project field's value in words: an amount with two decimals, a text as written, （空） when none."""
    if value is None or value == "":
        return BLANK
    return fmt_thousands(value) if not isinstance(value, str) else value


def change_detail(c: Change, labels: tuple[str, str]) -> str:
    """One change as the terminal shows it: amounts 120.00 → （空）（2025年金额未填，不计增减）, texts in
    words (…面积「800」改为「200」平方米…), names old → new."""
    if c.kind == "money":
        why = blank_reason(c.old is None, c.new is None, labels)
        return f"{amount_text(c.old)} → {amount_text(c.new)}" + (f"（{why}）" if why else "")
    if c.kind == "target":
        return text_changes(c.old or "", c.new or "")
    if c.kind == "project_field":
        return f"{field_text(c.old)} → {field_text(c.new)}"
    if c.kind == "indicator_value":
        return change_zh(c.old or "", c.new or "")
    if c.old is not None and c.new is not None:
        return f"{c.old} → {c.new}"
    return str(c.new if c.new is not None else c.old or "")


def change_what(c: Change) -> str:
    """What a change is about: the indicator and the field, in words."""
    return " ".join(x for x in (c.indicator, FIELD_ZH.get(c.field or "", c.field or "")) if x)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes_text(d: FilingDiff, limit: int = 3, width: int = 60) -> str:
    """「改动 4 处：金额变化「项目A」总计：100.00 → 110.00；…等」: the first ``limit`` changes in one line,
    each detail cut to ``width`` characters."""
    changes = d.changes()
    if not changes:
        return "项目、金额、绩效目标和指标均无变化"
    shown = [f"{KIND_ZH.get(c.kind, c.kind)}「{_clip(c.project, 30)}」" + change_what(c)
             + (f"：{_clip(change_detail(c, d.labels()), width)}" if c.kind not in ("project_added", "project_removed")
                else "")
             for c in changes[:limit]]
    return f"改动 {len(changes)} 处：" + "；".join(shown) + ("等" if len(changes) > limit else "")
