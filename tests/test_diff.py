"""Year-over-year diff: model, JSON form and DIFF.xlsx (checked by reloading with openpyxl)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock

from tests.conftest import SEED_JSON
from xl_tools.app import diff_files as diff_paths
from xl_tools.diff import diff_filings, diff_to_json, text_changes, text_diff, write_diff_xlsx
from xl_tools.diff.render import FILL_CHANGED, FILL_CUT
from xl_tools.jsonio import dumps
from xl_tools.model import Indicator, Project
from xl_tools.rollover import rollover

OLD_NAME = "市机电技师学院教学信息化设备购置项目"
NEW_NAME = "市机电技师学院教学信息化设备采购项目"
REPAIRS = "市机电技师学院实训设备维修维护工作经费项目"
GRANTS = "市机电技师学院国家助学金补助资金项目"


@pytest.fixture
def three_changes(seed_filing):
    """The seed with one amount, one indicator value and one project name changed."""
    new = copy.deepcopy(seed_filing)
    by_name = {p.name: p for p in new.projects}
    by_name[REPAIRS].fiscal = Decimal("150.00")
    by_name[GRANTS].indicators[1].annual_value = "≥1500人次"
    by_name[OLD_NAME].name = NEW_NAME
    return seed_filing, new


def header_row(ws) -> int:
    """The header row of a diff sheet (增减情况 opens with its title lines)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in ("资金使用单位", "状态", "项目名称"))


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""


def test_exactly_three_changes(three_changes):
    old, new = three_changes
    d = diff_filings(old, new)
    changes = d.changes()
    assert [(c.kind, c.project, c.field) for c in changes] == [
        ("money", REPAIRS, "fiscal"),
        ("indicator_value", GRANTS, "annual_value"),
        ("project_renamed", NEW_NAME, "name"),
    ]
    money, value, renamed = changes
    assert (money.old, money.new) == (Decimal("158.00"), Decimal("150.00"))
    assert d.matched[2].money[0].percent.quantize(Decimal("0.01")) == Decimal("-5.06")
    assert value.indicator == old.projects[3].indicators[1].name and value.new == "≥1500人次"
    assert renamed.old == OLD_NAME
    assert not d.added and not d.removed


def test_json_form(three_changes):
    d = diff_filings(*three_changes)
    data = json.loads(json.dumps(diff_to_json(d), ensure_ascii=False))
    assert data["schema"] == "xl-tools/diff@2"
    assert data["summary"] == {"projects_added": 0, "projects_removed": 0, "projects_renamed": 1,
                               "projects_changed": 3, "changes": 3}
    by_name = {p["name"]: p for p in data["projects_changed"]}
    assert by_name[REPAIRS]["money"] == [{"field": "fiscal", "label": "财政拨款", "old": "158.00",
                                          "new": "150.00", "change": "-8.00", "percent": "-5.06",
                                          "note": None}]
    assert by_name[GRANTS]["indicators_changed"][0]["changes"][0]["new"] == "≥1500人次"
    assert by_name[NEW_NAME]["renamed"] and by_name[NEW_NAME]["old_name"] == OLD_NAME
    assert data["total_changes"] == []              # only 财政拨款 changed, not 总计
    assert [c["kind"] for c in data["changes"]] == ["money", "indicator_value", "project_renamed"]


def test_xlsx_output(three_changes, tmp_path):
    old, new = three_changes
    new.projects[2].total = Decimal("150.00")       # a cut in 总计 too
    path = tmp_path / "DIFF.xlsx"
    write_diff_xlsx(diff_filings(old, new), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["增减情况", "项目", "绩效指标", "绩效目标", "单位汇总"]
    ws = wb["增减情况"]
    top = header_row(ws)
    assert [c.value for c in ws[top]][:6] == ["资金使用单位", "项目名称", "原总计", "新总计", "增减", "增减%"]
    row = [c.value for c in ws[top + 1]]
    assert row[:5] == ["广州市机电技师学院", REPAIRS, 158, 150, -8]
    assert round(row[5], 4) == -0.0506 and ws.cell(top + 1, 6).number_format == "0.00%"
    assert _fill(ws.cell(top + 1, 5)) == FILL_CUT
    projects = wb["项目"]
    rows = {projects.cell(r, 3).value: r for r in range(2, projects.max_row + 1)}
    assert projects.cell(rows[NEW_NAME], 1).value == "改名"
    assert projects.cell(rows[NEW_NAME], 4).value == OLD_NAME
    assert _fill(projects.cell(rows[NEW_NAME], 3)) == FILL_CHANGED
    assert projects.cell(rows["市机电技师学院安保和物业管理服务经费"], 1).value == "未变化"
    assert _fill(projects.cell(rows["市机电技师学院安保和物业管理服务经费"], 3)) == ""
    inds = wb["绩效指标"]
    assert [c.value for c in inds[2]][3:] == ["修改", "年度指标值", "0", "≥1500人次"]
    assert _fill(inds.cell(2, 4)) == FILL_CHANGED
    assert wb["绩效目标"].max_row == 1
    units = wb["单位汇总"]
    assert [c.value for c in units[2]][:4] == ["广州市机电技师学院", 5138.68, 5130.68, -8]


def test_added_removed_and_target(seed_filing):
    new = copy.deepcopy(seed_filing)
    removed = new.projects.pop(0)
    new.projects.append(Project(name="市机电技师学院图书馆数字资源采购项目", unit="广州市机电技师学院",
                                total=Decimal("20.00"), fiscal=Decimal("20.00"), target="采购数字资源",
                                indicators=[Indicator(1, "1", "产出指标", "11", "数量指标", "数据库数量",
                                                      "3个", "3个")]))
    new.projects[0].target = new.projects[0].target.replace("不少于15队", "不少于18队")
    d = diff_filings(seed_filing, new)
    assert [p.name for p in d.added] == ["市机电技师学院图书馆数字资源采购项目"]
    assert [p.name for p in d.removed] == [removed.name]
    assert not d.renamed
    assert d.matched[0].target == "「…年交流人数不少于[-15-]{+18+}队。通过该项目建…」"
    rows = d.project_totals()
    assert rows[0].name == removed.name and rows[0].new is None      # largest cut first
    assert rows[-1].name == "市机电技师学院图书馆数字资源采购项目" and rows[-1].old is None


def test_successor_project_is_a_rename(seed_filing):
    """Next year's 2025年-2026年 运维 project is the successor of 2023年-2024年 (years ignored)."""
    new = copy.deepcopy(seed_filing)
    ended = next(p for p in new.projects if "2023年-2024年" in p.name)
    ended.name = ended.name.replace("2023年-2024年", "2025年-2026年")
    d = diff_filings(seed_filing, new)
    assert [(m.old.name, m.new.name) for m in d.renamed] == [
        ("广州市机电技师学院2023年-2024年校园信息化设备运维项目",
         "广州市机电技师学院2025年-2026年校园信息化设备运维项目")]


def test_text_diff():
    """A change inside a number or a Latin word is the whole number or word; the machine notation for
    --json, the same diff in words for the terminal and the diff workbook."""
    assert text_diff("abc", "abd") == "「[-abc-]{+abd+}」"
    assert text_diff("满足2024年全校需求", "满足2025年全校需求") == "「满足[-2024-]{+2025+}年全校需求」"
    old = "对中心办公场地进行维修改造，改造面积800平方米，2025年12月31日前完工，消除安全隐患。"
    new = "对中心办公场地进行维修改造，改造面积200平方米，2026年12月31日前完工，消除安全隐患。"
    assert text_changes(old, new) == "…修改造，改造面积「800」改为「200」平方米，「2025」改为「2026」年12月31日前…"
    assert text_changes("保障安全", "保障校园安全") == "保障增加「校园」安全"
    assert text_changes("保障校园安全", "保障安全") == "保障删去「校园」安全"
    assert "[" not in text_changes(old, new) and "{" not in text_changes(old, new)


def test_diff_paths_accepts_json_and_workbooks(seed_workbook, tmp_path, seed_filing):
    d = diff_paths(SEED_JSON, seed_workbook)
    assert d.changes() == []
    rolled = tmp_path / "2025.json"
    rolled.write_text(dumps(rollover(seed_filing, 2025).filing), encoding="utf-8")
    d = diff_paths(seed_workbook, rolled)
    kinds = {c.kind for c in d.changes()}
    assert kinds == {"money"}
    data = diff_to_json(d)
    assert data["old"]["year"] == 2024 and data["new"]["year"] == 2025
    assert len(data["total_changes"]) == 13
    cuts = [Decimal(r["change"]) for r in data["total_changes"]]
    assert cuts == sorted(cuts) and cuts[0] == Decimal("-1009.93")
    path = tmp_path / "DIFF.xlsx"
    write_diff_xlsx(d, path)
    ws = openpyxl.load_workbook(path)["增减情况"]
    top = header_row(ws)
    assert ws.cell(top, 3).value == "2024年总计" and ws.cell(top, 4).value == "2025年总计"
    assert ws.cell(top + 1, 2).value == "市机电技师学院免学费财政补助项目" and ws.cell(top + 1, 5).value == -1009.93


# --- the workbook agrees with --json, and prints ---------------------------------------------------------

def test_blank_total_json_agrees_with_the_units_sheet(seed_filing, tmp_path):
    """合计 left blank (and a unit row typed as zeros): --json's new.total is the units' sum, the number
    the 单位汇总 sheet shows in its 合计 row, which is the sum of the unit rows above it."""
    from xl_tools.model import Unit
    from xl_tools.workbook import build_workbook
    blank = copy.deepcopy(seed_filing)
    blank.total_stated = False
    blank.units = [Unit(seed_filing.units[0].name)]
    blank.projects[0].total -= Decimal("8.00")
    blank.projects[0].fiscal -= Decimal("8.00")
    build_workbook(tmp_path / "old.xlsx", seed_filing)
    build_workbook(tmp_path / "new.xlsx", blank)
    d = diff_paths(tmp_path / "old.xlsx", tmp_path / "new.xlsx")
    data = json.loads(json.dumps(diff_to_json(d), ensure_ascii=False))
    assert data["new"]["total"] == data["new"]["units_total"] == "5130.68" and not data["new"]["total_stated"]
    write_diff_xlsx(d, tmp_path / "DIFF.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "DIFF.xlsx")["单位汇总"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "合计（各单位之和）")
    units = rows[:rows.index(total)]
    assert Decimal(str(total[2])) == sum((Decimal(str(r[2])) for r in units), Decimal(0))
    assert Decimal(data["new"]["total"]) == Decimal(str(total[2]))
    assert Decimal(data["old"]["total"]) == Decimal(str(total[1]))
    assert [Decimal(u["new_total"]) for u in data["units"]] == [Decimal(str(r[2])) for r in units]


def test_diff_workbook_prints_and_shows_whole_texts(seed_filing, tmp_path):
    from xl_tools import textfit
    old = copy.deepcopy(seed_filing)
    new = copy.deepcopy(seed_filing)
    long_name = "市机电技师学院" + "教学实训与技能竞赛设备购置及配套改造" * 3 + "项目"
    new.projects[0].name = long_name
    new.projects[0].total += Decimal("12.00")
    new.projects[0].fiscal += Decimal("12.00")
    new.projects[1].target = "第一行：完成全部采购。\n第二行：验收合格率100%。\n第三行：满意度≥90%。\n" + "第四行" * 40
    path = tmp_path / "DIFF.xlsx"
    write_diff_xlsx(diff_filings(old, new), path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        top = header_row(ws)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == f"${top}:${top}"
    cuts = wb["增减情况"]
    row = next(r for r in range(header_row(cuts) + 1, cuts.max_row + 1) if cuts.cell(r, 2).value == long_name)
    width = cuts.column_dimensions["B"].width
    lines = textfit.count_lines(long_name, textfit.text_box_points(width), 11)
    assert lines > 1 and cuts.cell(row, 2).alignment.wrap_text
    assert cuts.row_dimensions[row].height >= textfit.row_points(lines, 11)
    targets = wb["绩效目标"]
    cell = targets.cell(2, 3)
    assert cell.value == new.projects[1].target and cell.alignment.wrap_text       # every line, whole
    lines = textfit.count_lines(cell.value, textfit.text_box_points(targets.column_dimensions["C"].width), 11)
    assert lines >= 5 and targets.row_dimensions[2].height >= textfit.row_points(lines, 11)
    runs = openpyxl.load_workbook(path, rich_text=True)["绩效目标"].cell(2, 3).value
    assert isinstance(runs, CellRichText) and str(runs) == new.projects[1].target
    assert any(isinstance(r, TextBlock) and r.font.color.rgb[-6:] == "006100" for r in runs)   # added: green


def test_a_table_in_yuan_is_compared_with_one_in_wan_in_wan():
    from decimal import Decimal

    from tests.test_rules_cases import build
    from xl_tools.diff import diff_filings

    old = build({"projects": [{"name": "村组干部报酬", "total": "3309840.00"}]})
    old.money_unit, old.year = "元", 2023
    new = build({"projects": [{"name": "村组干部报酬", "total": "340.00"}]})
    d = diff_filings(old, new)
    assert any("金额单位不同（旧：元；新：万元），均换算为万元比较" in n for n in d.notes)
    (m,) = d.matched
    assert m.old.total == Decimal("330.98") and m.new.total == Decimal("340.00")
    assert old.projects[0].total == Decimal("3309840.00")          # the filing read is not changed


def test_the_columns_a_region_prints_are_compared(seed_filing, tmp_path):
    """Issue 23: 实施期 and funding by level changes are listed; a value split into 指标性质 | 95 | % is the
    same value as 「≥95%」 written in one cell, while a changed 权重 is a change."""
    old = copy.deepcopy(seed_filing)
    old.money_unit = "元"
    new = copy.deepcopy(old)
    p_old, p_new = old.projects[0], new.projects[0]
    p_old.period, p_new.period = "2023-2024", "2024-2025"
    p_old.funding, p_new.funding = {"own": Decimal("6000000")}, {"own": Decimal("5000000")}
    i_old, i_new = p_old.indicators[0], p_new.indicators[0]
    i_old.annual_value, i_old.period_value = "≥95%", "≥95%"
    i_new.annual_value, i_new.period_value, i_new.nature, i_new.measure = "95", "95", "≥", "%"
    i_old.weight, i_new.weight = "10", "20"
    d = diff_filings(old, new)
    (m,) = d.changed
    assert m.fields == [("period", "2023-2024", "2024-2025"),
                        ("funding.own", Decimal("6000000.00"), Decimal("5000000.00"))]
    assert [(f, o, n) for c in m.indicators_changed for f, o, n in c.fields] == [("weight", "10", "20")]
    data = diff_to_json(d)
    assert data["projects_changed"][0]["fields"][1] == {"field": "funding.own", "label": "本级资金",
                                                        "old": "6000000.00", "new": "5000000.00"}
    write_diff_xlsx(d, tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx")["项目"]
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "实施期" in c.value]
    assert notes == ["实施期：2023-2024 → 2024-2025；本级资金：6,000,000.00 → 5,000,000.00"]
