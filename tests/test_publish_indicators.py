"""The 绩效指标 cell, character for character as the seed PDF prints it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xl_tools.jsonio import load_json
from xl_tools.model import Indicator
from xl_tools.publish.indicators import indicator_item, indicator_text

DATA = Path(__file__).resolve().parents[1] / "xl_tools" / "data"
_ITEM_START = re.compile(r"^\d+(、|$)")


def seed_indicator_strings(text: str) -> list[str]:
    """Each project's 绩效指标 text from the PDF extract, with the PDF's line wraps removed.

    A block starts at a line beginning "1、1-" and takes the following lines while it has not
    reached its final "。" — i.e. while the text so far does not end with "。", or the next line
    starts another numbered item ("4、1-…", or a lone "3" whose "、" wrapped to the line after).
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    blocks, k = [], 0
    while k < len(lines):
        if not lines[k].startswith("1、1-"):
            k += 1
            continue
        block = lines[k]
        k += 1
        while k < len(lines) and (not block.endswith("。") or _ITEM_START.match(lines[k])):
            block += lines[k]
            k += 1
        blocks.append(block)
    return blocks


def _names(block: str) -> list[str]:
    return re.findall(r"\d+、[^；]+；[^；]+；(.+?)；实施周期指标值", block)


@pytest.fixture(scope="module")
def seed():
    return load_json(DATA / "sample_2024.expected.json"), (DATA / "sample_2024.txt").read_text("utf-8")


def test_every_seed_project_matches_the_published_string(seed):
    filing, text = seed
    blocks = seed_indicator_strings(text)
    assert len(blocks) == len(filing.projects) == 13
    matched = {}
    for block in blocks:
        names = _names(block)
        candidates = [p for p in filing.projects if [i.name for i in p.indicators] == names]
        assert len(candidates) == 1, f"no unique project for indicators {names}"
        project = candidates[0]
        assert project.name not in matched
        matched[project.name] = block
        assert indicator_text(project.indicators) == block
    assert set(matched) == {p.name for p in filing.projects}
    assert sum(len(p.indicators) for p in filing.projects) == 76


def test_item_form_and_numbering_by_position():
    ind = Indicator(no=7, level1_code="1", level1="产出指标", level2_code="11", level2="数量指标",
                    name="新增监控前端数量", period_value="291个", annual_value="291个")
    assert indicator_item(1, ind) == \
        "1、1-产出指标；11-数量指标；新增监控前端数量；实施周期指标值:291个；年度指标值:291个。"
    assert indicator_text([ind, ind]).startswith(indicator_item(1, ind) + "2、1-产出指标")
    assert indicator_text([]) == ""


def test_a_one_value_table_prints_the_value_from_whichever_cell_holds_it():
    """A 湘鄂 (one 指标值 column) workbook still has both value columns: the person may type into the
    first (实施周期指标值) — the rules take it as the one value, and so does the 公开表: 「指标值:7个月」,
    never 「实施周期指标值:7个月；年度指标值:」. Two different values are both printed."""
    def ind(period, annual):
        return Indicator(no=1, level1_code="2", level1="效益指标", level2_code="24", level2="可持续影响",
                         name="雾炮车服务持续运行月数", period_value=period, annual_value=annual)
    item = "1、2-效益指标；24-可持续影响；雾炮车服务持续运行月数；指标值:7个月。"
    assert indicator_item(1, ind("7个月", ""), one_value=True) == item
    assert indicator_item(1, ind("", "7个月"), one_value=True) == item
    assert indicator_item(1, ind("7个月", "7个月"), one_value=True) == item
    assert indicator_item(1, ind("12个月", "7个月"), one_value=True).endswith("实施周期指标值:12个月；年度指标值:7个月。")
    assert indicator_item(1, ind("7个月", "")) .endswith("实施周期指标值:7个月；年度指标值:。")   # two columns: as typed
