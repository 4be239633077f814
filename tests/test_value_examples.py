"""The indicator values the 说明 sheet (of the committed template) and docs/使用说明.md give as examples:
every value they recommend passes the review rules under its category without any finding, every value
they warn against is flagged — the docs must not recommend what the tool then warns about."""

from __future__ import annotations

import re

import openpyxl
import pytest

from xl_tools.rules import check

from .conftest import ROOT
from .support.rulecases import DEFAULT_INDICATORS, build

TEMPLATE = ROOT / "workbook_templates" / "performance_targets.xlsx"
GUIDE = ROOT / "docs" / "使用说明.md"
YEAR = 2025
# the category words the examples are given under → (level 1, level 2, an indicator name to try them on)
CATEGORIES = {
    "数量指标": ("1-产出指标", "11-数量指标", "新增设备数量"),
    "质量指标": ("1-产出指标", "12-质量指标", "设备验收合格率"),
    "时效指标": ("1-产出指标", "13-时效指标", "设备交付时间"),
    "成本指标": ("1-产出指标", "14-成本指标", "设备购置成本"),
    "效益指标": ("2-效益指标", "22-社会效益", "校园安全评价"),
    "满意度指标": ("3-满意度指标", "31-服务对象满意度", "服务对象满意度"),
}


def _readme_examples() -> list[tuple[str, list[str], list[str]]]:
    """(category, recommended 「…」, warned-against “…”) from item 4 of the 说明 sheet."""
    ws = openpyxl.load_workbook(TEMPLATE)["说明"]
    line = next(c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("4. "))
    body = line.split("——", 1)[1].split("。", 1)[0]
    out = []
    for clause in body.split("；"):
        category, _, said = clause.partition("：")
        out.append((category, re.findall("「([^」]+)」", said), re.findall("“([^”]+)”", said)))
    return out


def _guide_examples() -> list[tuple[str, list[str], list[str]]]:
    """(category, recommended, flagged) from the table of values in docs/使用说明.md."""
    lines = GUIDE.read_text("utf-8").splitlines()
    start = next(k for k, line in enumerate(lines) if line.strip() == "| 指标 | 可以这样写 | 刷新时会提示 |")
    out = []
    for line in lines[start + 2:]:
        if not line.strip().startswith("|"):
            break
        category, good, bad = (cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append((category, re.findall("`([^`]+)`", good), re.findall("`([^`]+)`", bad)))
    return out


SOURCES = {"说明": _readme_examples, "使用说明": _guide_examples}


def _findings(category: str, value: str) -> list[tuple[str, str]]:
    """What the rules say about ``value`` as the indicator of ``category`` in an otherwise clean project."""
    level1, level2, name = CATEGORIES[category]
    indicators = [i for i in DEFAULT_INDICATORS if i[1] != level2] + [[level1, level2, name, value]]
    if level2 == "14-成本指标":          # a standard per student goes with the students it pays for (AMT010)
        indicators.append(["1-产出指标", "11-数量指标", "受益学生人数", "500人"])
    filing = build({"year": YEAR, "projects": [{"indicators": indicators}]})
    return [(f.code, f.message) for f in check(filing)]


@pytest.mark.parametrize("source", SOURCES)
def test_every_category_has_examples(source):
    examples = SOURCES[source]()
    assert {c for c, _good, _bad in examples} == set(CATEGORIES), examples
    assert all(good and bad for _c, good, bad in examples), examples


@pytest.mark.parametrize("source", SOURCES)
def test_recommended_values_pass_the_rules(source):
    for category, good, _bad in SOURCES[source]():
        for value in good:
            assert _findings(category, value) == [], (source, category, value)


@pytest.mark.parametrize("source", SOURCES)
def test_values_warned_against_are_flagged(source):
    for category, _good, bad in SOURCES[source]():
        for value in bad:
            assert _findings(category, value), (source, category, value)
