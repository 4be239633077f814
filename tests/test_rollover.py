"""Rollover to the next budget year: model, workbook, and the year findings it leaves for review."""

from __future__ import annotations

import copy
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json
from xl_tools.model import MONEY_FIELDS
from xl_tools.rollover import rollover, rollover_file
from xl_tools.rules import check
from xl_tools.schema import TEMPLATE_VERSION
from xl_tools.workbook import read_filing

ENDED = "广州市机电技师学院2023年-2024年校园信息化设备运维项目"
CONTINUING = "广州市机电技师学院2024年-2025年校园信息化设备运维项目"
NAMED_2023 = "广州市机电技师学院2023年智慧校园与网络安全信息化建设项目"
NAMED_2024 = "广州市机电技师学院2024年智慧校园管理系统升级改造项目"
DATED = "市机电技师学院技能竞赛设备设施购置经费项目"
TARGET_2024 = "市机电技师学院技校实训、竞赛耗材项目购置经费项目"


def _key(f):
    return (f.code, f.project, f.indicator_no, f.field)


def test_rollover_carries_everything_and_clears_money(seed_filing):
    before = filing_to_json(seed_filing)
    result = rollover(seed_filing, 2025)
    new = result.filing
    assert filing_to_json(seed_filing) == before              # the source is not modified
    assert new.year == 2025 and new.department == seed_filing.department
    assert [p.name for p in new.projects] == [p.name for p in seed_filing.projects]
    assert [p.target for p in new.projects] == [p.target for p in seed_filing.projects]
    assert len(new.indicators) == len(seed_filing.indicators) == 76
    for old, p in zip(seed_filing.projects, new.projects):
        assert [(i.level1_label, i.level2_label, i.name, i.period_value, i.annual_value) for i in p.indicators] \
            == [(i.level1_label, i.level2_label, i.name, i.period_value, i.annual_value) for i in old.indicators]
        for f in MONEY_FIELDS:
            assert getattr(p, f) == Decimal(0) and p.raw[f] is None     # blank, not 0
    # the units are carried by name, their amounts blank (the sums of the projects), never 0
    assert [u.name for u in new.units] == [u.name for u in seed_filing.units] and not new.total_stated
    assert all(u.blank(f) for u in new.units for f in MONEY_FIELDS)
    assert any("金额已清空" in n for n in result.notes)


def test_keep_amounts(seed_filing):
    new = rollover(seed_filing, 2025, keep_amounts=True).filing
    assert [p.total for p in new.projects] == [p.total for p in seed_filing.projects]
    assert new.total == seed_filing.total and [u.name for u in new.units] == [u.name for u in seed_filing.units]
    assert all(not p.raw for p in new.projects)


def test_ended_project_is_listed_not_dropped(seed_filing):
    result = rollover(seed_filing, 2025)
    assert ENDED in [p.name for p in result.filing.projects]
    ended = [n for n in result.notes if ENDED in n]
    assert len(ended) == 1 and "已结束" in ended[0]
    assert not any(CONTINUING in n for n in result.notes)
    codes = {(f.code, f.project) for f in result.findings}
    assert ("YR002", ENDED) in codes
    assert ("YR001", NAMED_2023) in codes and ("YR001", NAMED_2024) in codes
    assert ("VAL010", DATED) in codes and ("YR003", TARGET_2024) in codes
    assert not any(p == CONTINUING for _c, p in codes)


def test_orphan_indicators_are_noted(seed_filing):
    filing = copy.deepcopy(seed_filing)
    filing.orphan_indicators.append(copy.deepcopy(filing.projects[0].indicators[0]))
    filing.orphan_indicators[0].project = "不存在的项目"
    notes = rollover(filing, 2025).notes
    assert any("不存在的项目" in n and "未能带入" in n for n in notes)


@pytest.mark.parametrize("year", [1999, 2101, "2025"])
def test_bad_year(seed_filing, year):
    with pytest.raises(XlToolsError):
        rollover(seed_filing, year)


def test_rollover_file_writes_the_current_template(seed_workbook, tmp_path):
    out = tmp_path / "2025.xlsx"
    result = rollover_file(seed_workbook, out, 2025)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:5] == ["说明", "基本信息", "项目", "绩效指标", "代码表"]
    sheet, ref = next(iter(wb.defined_names["预算年度"].destinations))
    assert wb[sheet][ref.replace("$", "")].value == 2025
    sheet, ref = next(iter(wb.defined_names["模板版本"].destinations))
    assert wb[sheet][ref.replace("$", "")].value == TEMPLATE_VERSION
    ws = wb["项目"]
    headers = [c.value for c in ws[1]]
    money_cols = [headers.index(h) + 1 for h in ("总计", "财政拨款", "财政专户拨款", "其他资金")]
    for r in range(2, 2 + 13):
        assert all(ws.cell(r, c).value is None for c in money_cols)      # blank, never 0
    back = read_filing(out)
    assert back.year == 2025
    assert filing_to_json(back)["projects"] == filing_to_json(result.filing)["projects"]


def test_rollover_file_xlsm_keeps_the_macro(seed_workbook, tmp_path):
    out = tmp_path / "2025.xlsm"
    rollover_file(seed_workbook, out, 2025, keep_amounts=True)
    with zipfile.ZipFile(out) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    back = read_filing(out)
    assert back.total == Decimal("5138.68") and back.year == 2025


def test_rollover_file_refuses_bad_targets(seed_workbook, tmp_path):
    with pytest.raises(XlToolsError, match="相同"):
        rollover_file(seed_workbook, seed_workbook, 2025)
    with pytest.raises(XlToolsError, match=".xlsx"):
        rollover_file(seed_workbook, tmp_path / "out.csv", 2025)


def test_seed_rolled_to_2025_flags_the_old_year_and_nothing_else(seed_workbook, tmp_path):
    """Done-when: each 2024-specific date and year-bearing name is flagged; nothing else is new
    apart from the amounts still to be entered (AMT)."""
    out = tmp_path / "2025.xlsx"
    rollover_file(seed_workbook, out, 2025)
    before = {_key(f) for f in check(read_filing(seed_workbook))}
    after = check(read_filing(out))
    keys = {_key(f) for f in after}
    date = [f for f in after if f.code == "VAL010"]
    assert [(f.project, f.indicator_no) for f in date] == [(DATED, 10)]
    assert "2024年6月30日前" in date[0].message
    names = {(f.code, f.project) for f in after if f.field == "name" and f.code.startswith("YR")}
    assert names == {("YR001", NAMED_2023), ("YR002", ENDED), ("YR001", NAMED_2024)}
    new = {k for k in keys - before if not k[0].startswith("AMT")}
    assert new == {("VAL010", DATED, 10, "period_value"), ("YR002", ENDED, None, "name"),
                   ("YR001", NAMED_2024, None, "name"), ("YR003", TARGET_2024, None, "target")}


def test_the_fields_real_tables_print_are_carried_and_funding_by_level_is_money(seed_filing):
    """Issue 23: 实施期, 项目性质, 立项依据, 指标性质/度量单位/权重 … are carried; funding by level is cleared
    with the other amounts (blank, not 0) or kept with them."""
    old = copy.deepcopy(seed_filing)
    p, i = old.projects[0], old.projects[0].indicators[0]
    p.period, p.kind, p.basis, p.funding = "2024-2026", "持续性项目", "三定方案", {"own": Decimal("600.00")}
    i.nature, i.measure, i.weight, i.direction = "=", "%", "10", "正向指标"
    new = rollover(old, 2025).filing
    q, j = new.projects[0], new.projects[0].indicators[0]
    assert (q.period, q.kind, q.basis, q.funding) == ("2024-2026", "持续性项目", "三定方案", {})
    assert (j.nature, j.measure, j.weight, j.direction) == ("=", "%", "10", "正向指标")
    assert rollover(old, 2025, keep_amounts=True).filing.projects[0].funding == {"own": Decimal("600.00")}
    assert old.projects[0].funding == {"own": Decimal("600.00")}


def test_a_stated_implementation_period_is_listed_for_review(tmp_path):
    """湘潭's 2025 申报表 (实施期 2025.07-2026.01, the same dates in its target and 时效 indicator) rolled
    over to 2026: nothing in it names a year as 「2025年」, so the year rules are silent; the notes say the
    实施期 began last year and what to change for a new period. A 实施期 that has ended is YR002."""
    from tests.test_import_regional import last_years_text
    from xl_tools.importer import import_text
    old = import_text(last_years_text()).filing
    notes = rollover(old, 2026).notes
    assert any(n.startswith("实施期沿用上年：「雾炮车降尘抑尘服务」的实施期「2025.07-2026.01」始于 2025 年") for n in notes)
    assert [f.code for f in rollover(old, 2027).findings] == ["YR002"]
