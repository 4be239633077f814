"""Workbooks of an older template version are read and rolled onto the current template."""

from __future__ import annotations

import copy

import openpyxl
import pytest

from tests.fixtures.old_layout import write_v1_workbook
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json
from xl_tools.rollover import rollover, rollover_file
from xl_tools.schema import TEMPLATE_VERSION
from xl_tools.workbook import read_filing
from xl_tools.workbook.versions import detect_version, read_any_version


@pytest.fixture
def v1_workbook(tmp_path, seed_filing):
    return write_v1_workbook(tmp_path / "2024_v1.xlsx", seed_filing)


def test_v1_fixture_is_the_old_layout(v1_workbook):
    wb = openpyxl.load_workbook(v1_workbook)
    assert "模板版本" not in wb.defined_names
    assert [c.value for c in wb["项目"][1]][0] == "项目名称"
    assert "序号" not in [c.value for c in wb["项目"][1]] + [c.value for c in wb["绩效指标"][1]]
    assert wb["绩效指标"]["B2"].value == "产出指标" and not wb["绩效指标"]["C2"].value[0].isdigit()


def test_detect_version(v1_workbook, seed_workbook):
    assert detect_version(v1_workbook) == 1
    assert detect_version(seed_workbook) == TEMPLATE_VERSION


def test_v1_reads_as_the_same_filing(v1_workbook, seed_filing):
    filing = read_any_version(v1_workbook)
    assert filing.template_version == 1
    assert filing_to_json(filing) == filing_to_json(seed_filing)
    ind = filing.projects[0].indicators[0]
    assert (ind.no, ind.level1_label, ind.level2_label) == (1, "1-产出指标", "12-质量指标")
    social = [i for i in filing.indicators if i.level2_code == "22"]
    assert social and all(i.level2 == "社会效益" for i in social)   # 社会效益指标 → 22-社会效益


def test_current_version_is_read_by_the_standard_reader(seed_workbook, seed_filing):
    filing = read_any_version(seed_workbook)
    assert filing.template_version == TEMPLATE_VERSION
    assert filing_to_json(filing) == filing_to_json(seed_filing)


def test_rollover_of_v1_gives_the_current_template(v1_workbook, seed_filing, tmp_path):
    out = tmp_path / "2025.xlsx"
    result = rollover_file(v1_workbook, out, 2025)
    assert "第 1 版模板" in result.notes[0]
    assert detect_version(out) == TEMPLATE_VERSION
    wb = openpyxl.load_workbook(out)
    assert {"说明", "基本信息", "项目", "绩效指标", "代码表"} <= set(wb.sheetnames)
    assert [c.value for c in wb["项目"][1]][:3] == ["序号", "项目名称", "资金使用单位"]
    back = read_filing(out)
    expected = filing_to_json(rollover(seed_filing, 2025).filing)
    assert filing_to_json(back) == expected
    assert back.year == 2025 and len(back.indicators) == 76
    assert [i.no for i in back.projects[1].indicators] == list(range(1, 16))


def test_newer_template_is_refused(seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    sheet, ref = next(iter(wb.defined_names["模板版本"].destinations))
    wb[sheet][ref.replace("$", "")] = TEMPLATE_VERSION + 1
    wb.save(seed_workbook)
    with pytest.raises(XlToolsError, match="升级"):
        read_any_version(seed_workbook)


def test_unknown_layout_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "项目"
    wb.active.append(["名称", "金额"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(XlToolsError, match="模板版本"):
        read_any_version(path)


def test_v1_money_problems(tmp_path, seed_filing):
    filing = copy.deepcopy(seed_filing)
    path = write_v1_workbook(tmp_path / "v1.xlsx", filing)
    wb = openpyxl.load_workbook(path)
    wb["项目"]["E2"] = "600.00"           # 财政拨款 of the first project, typed as text
    wb["项目"]["F2"] = "约600万"          # 财政专户拨款: not a number
    wb.save(path)
    with pytest.raises(XlToolsError, match="不是数字"):
        read_any_version(path)
    lenient = read_any_version(path, strict=False)
    assert {p.code for p in lenient.problems} == {"money_invalid", "money_text"}
    assert lenient.projects[0].fiscal == 600 and lenient.projects[0].special == 0
    # clearing the amounts does not need them: rollover reads leniently
    rollover_file(path, tmp_path / "2025.xlsx", 2025)
