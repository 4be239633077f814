"""Region profiles and category frameworks as data (issue 23): each shipped profile loads, names its
framework, money unit and value columns; the rules take categories from the workbook's profile (and its
代码表 where the profile allows additions); ``new --profile`` writes a workbook for it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.test_rules_cases import build
from xl_tools import app
from xl_tools.categories import framework_names, framework_table
from xl_tools.profiles import DEFAULT_PROFILE, load_profile, profile_names
from xl_tools.rules import check, load_config
from xl_tools.rules.engine import check as engine_check
from xl_tools.workbook.versions import read_any_version


def _codes(filing, profile: str | None = None):
    if profile is not None:
        filing.profile = profile
    return [(f.code, f.field, f.message, f.suggestion) for f in check(filing)]


def _only(filing, profile, *codes):
    return [c for c in _codes(filing, profile) if c[0] in codes]


@pytest.mark.parametrize("name", profile_names())
def test_each_shipped_profile_loads(name):
    profile = load_profile(name)
    assert profile.framework in framework_names()
    assert profile.money_unit in ("元", "万元") and profile.value_columns in (1, 2)
    load_config(name)                     # its rule options are valid
    table = profile.table()
    assert {c.role for c in table.level1} >= {"1", "2", "3"}


def test_the_default_profile_comes_first_in_the_dropdown():
    assert profile_names()[0] == DEFAULT_PROFILE
    assert set(profile_names()) >= {"广东", "全国2015", "中央2021", "湘鄂", "四川"}


HUNAN = [["产出指标", "数量指标", "雾炮车配备车辆数", "10辆"],
         ["效益指标", "环境效益指标", "空气质量优良天数", "≥300天"],
         ["效益指标", "社会公众或服务对象满意度指标", "市民满意度", "≥90%"]]


def test_hunan_forms_file_satisfaction_under_benefit():
    filing = build({"projects": [{"indicators": HUNAN}]})
    guangdong = _only(filing, "广东", "STR005", "STR008", "STR013")
    assert {c[0] for c in guangdong} == {"STR008", "STR013"}
    filing = build({"projects": [{"indicators": HUNAN}]})
    assert _only(filing, "湘鄂", "STR005", "STR007", "STR008", "STR013") == []
    table = framework_table("湘鄂申报表")
    res = table.resolve_level2("社会公众或服务对象满意度指标", "2")
    assert res.ok and res.category.parent == "2" and res.category.role == "31"
    assert table.resolve_level2("环境效益指标", "2").category.name == "生态效益"
    assert table.resolve_level2("服务对象满意度指标", "3").category.code == "31"


def test_hunan_advice_on_misfiled_satisfaction_keeps_it_in_the_forms_row():
    """A 湖南 申报表 files satisfaction in the row 社会公众或服务对象满意度指标 inside 效益. A 满意程度 filed
    under 社会效益 is moved there by STR013's advice, not to 3-满意度指标 (which, beside the form's row,
    would print the filing's satisfaction under two categories); followed, it leaves no STR013."""
    misfiled = HUNAN + [["效益指标", "社会效益指标", "市民对空气质量改善的满意程度", "≥85%"]]
    (said,) = _only(build({"projects": [{"indicators": misfiled}]}), "湘鄂", "STR013")
    assert "归在「效益指标；社会效益指标」下" in said[2] and said[3] == "二级指标改为「25-社会公众或服务对象满意度」"
    fixed = HUNAN + [["效益指标", "25-社会公众或服务对象满意度", "市民对空气质量改善的满意程度", "≥85%"]]
    assert _only(build({"projects": [{"indicators": fixed}]}), "湘鄂", "STR013") == []
    said = _only(build({"projects": [{"indicators": misfiled}]}), "广东", "STR013")[-1]
    assert "满意程度" in said[2] and said[3] == "一级指标改为「3-满意度指标」，二级指标「31-服务对象满意度」"


def test_the_2021_framework_makes_cost_a_first_level_category():
    central = [["产出指标", "数量指标", "免费开放天数", "=300天"],
               ["成本指标", "经济成本指标", "项目建设成本", "≤65万元"],
               ["效益指标", "社会效益指标", "接待观众人数", "=30000人次"],
               ["满意度指标", "服务对象满意度", "服务对象满意度", "=99百分比"]]
    filing = build({"projects": [{"total": "65", "indicators": central}]})
    assert _only(filing, "中央2021", "STR007", "STR008", "STR013", "VAL005", "VAL019") == []
    under_output = build({"projects": [{"indicators": [["产出指标", "成本指标", "设备购置成本", "≤5万元"]]}]})
    said = _only(under_output, "中央2021", "STR008")
    assert said and "「成本指标」不在代码表中" in said[0][2]
    assert _only(build({"projects": [{"indicators": [["产出指标", "成本指标", "设备购置成本", "≤5万元"]]}]}),
                 "广东", "STR008") == []


def test_a_one_value_column_profile_asks_for_one_value():
    one = [["产出指标", "数量指标", "培训人数", "", ""], ["产出指标", "质量指标", "合格率", "", "100%"]]
    spec = {"projects": [{"indicators": [dict(zip(("level1", "level2", "name", "period", "annual"), i))
                                         for i in one]}]}
    said = _only(build(spec), "全国2015", "VAL001")
    assert [(c[1], c[2]) for c in said] == [("annual_value", "「培训人数」的指标值为空")]
    assert len(_only(build(spec), "广东", "VAL001")) == 3       # two columns: period and annual, each


def test_the_code_table_adds_categories_where_the_profile_allows_and_the_advice_says_so():
    spec = {"projects": [{"indicators": [["5-管理指标", "", "制度建设数量", "≥2项"]]}]}
    filing = build(spec)
    said = _only(filing, "广东", "STR008")
    assert said and "在「代码表」中补充该类别" in said[0][3]
    filing = build(spec)
    filing.code_additions = [("5", "管理指标", None)]
    assert [c for c in _only(filing, "广东", "STR008") if c[1] == "level1"] == []
    closed = dataclasses.replace(load_profile("广东"), code_additions=False)
    assert closed.table([("5", "管理指标", None)]).get("5") is None
    assert load_profile("广东").table([("5", "管理指标", None)]).get("5").added
    # a 代码表 written for another profile adds nothing: 14-成本指标 stays out of the 2021 framework
    assert load_profile("中央2021").table([("14", "成本指标", "1")]).get("14") is None


def test_new_writes_the_profiles_categories_and_unit_and_the_code_table_is_read_back(tmp_path):
    out = tmp_path / "甘肃.xlsx"
    app.new_filing(out, year=2025, department="某局", profile="中央2021")
    wb = load_workbook(out)
    codes = [c.value for c in wb["代码表"]["A"] if c.value]
    assert "4-成本指标" in codes and codes.index("4-成本指标") == 2       # after 产出, before 效益
    second = {c.value for row in wb["代码表"].iter_rows(min_row=2) for c in row[2:] if c.value}
    assert "14-成本指标" not in second and "41-经济成本" in second
    assert wb["基本信息"]["B6"].value == "中央2021"
    # the accountant adds a category of their own under 1-产出指标 and one first-level category
    ws = wb["代码表"]
    ws["A6"] = "5-管理指标"
    ws["C5"] = "15-效率指标"
    wb.save(out)
    filing = read_any_version(out)
    assert filing.profile == "中央2021"
    assert ("5", "管理指标", None) in filing.code_additions
    assert ("15", "效率指标", "1") in filing.code_additions
    table = load_profile(filing.profile).table(filing.code_additions)
    assert table.get("15").parent == "1" and table.get("5").added


def test_amount_messages_state_the_tables_unit():
    spec = {"projects": [{"total": "3309840.00", "fiscal": "3309800.00",
                          "indicators": [["产出指标", "成本指标", "村组干部报酬成本", "≤400万元"]]}]}
    filing = build(spec)
    filing.money_unit = "元"
    said = {c[0]: c for c in _codes(filing, "四川")}
    assert "相差 40.00 元" in said["AMT001"][2] and "万元" not in said["AMT001"][2]
    assert "超过项目总计 3,309,840.00 元（330.98 万元）" in said["VAL014"][2]


def test_several_standards_on_several_counts_are_compared_with_the_project_together():
    indicators = [["产出指标", "数量指标", "流转土地", ">=60亩"],
                  ["产出指标", "数量指标", "旅游景点开发数量", ">=4个"],
                  ["产出指标", "数量指标", "基础设施建设工程", ">=20平方米"],
                  ["产出指标", "成本指标", "流转土地补助标准", "<=475元/亩"],
                  ["产出指标", "成本指标", "景观建设成本", "<=2875元/个"],
                  ["产出指标", "成本指标", "基础设施建设工程建设成本", "<=3000元/平方米"]]
    filing = build({"projects": [{"total": "10", "indicators": indicators}]})
    assert [f for f in engine_check(filing, load_config("湘鄂")) if f.code == "AMT009"] == []
    filing = build({"projects": [{"total": "100", "indicators": indicators}]})
    said = [f.message for f in engine_check(filing, load_config("湘鄂")) if f.code == "AMT009"]
    assert len(said) == 1 and "= 10.00 万元，项目总计 100.00 万元" in said[0]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("=99百分比", "99", "%"), ("%=99百分比", "99", "%"), ("≥5000元/人·年", "5000", "元/人·年"),
    ("≥20人次/学期", "20", "人次/学期"), ("≤10/10万", "10", "/10万"), ("490元/平米", "490", "元/平米"),
])
def test_values_as_real_tables_write_them(text, value, unit):
    from xl_tools.valuegrammar import parse_value
    t = parse_value(text, 2023)
    assert (t.kind, t.value, t.unit) == ("number", Decimal(value), unit)


def test_json_carries_the_profile_and_reports_keys_it_does_not_hold(tmp_path, capsys):
    import json

    from xl_tools.cli import main
    from xl_tools.jsonio import filing_from_json, filing_to_json

    filing = build({"projects": [{"indicators": HUNAN}]})
    filing.profile = "湘鄂"
    data = filing_to_json(filing)
    assert data["profile"] == "湘鄂" and filing_from_json(data).profile == "湘鄂"
    data["projects"][0]["实施期"] = "2023.07-2024.01"
    data["projects"][0]["indicators"][0]["权重"] = 10
    back = filing_from_json(data)
    said = [f.message for f in check(back) if f.code == "RD001"]
    assert any("projects[0].实施期" in m for m in said) and any("indicators[0].权重" in m for m in said)
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["load", str(path), "-o", str(tmp_path / "f.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "projects[0].实施期" in err and "没有读取" in err
    assert read_any_version(tmp_path / "f.xlsx").profile == "湘鄂"
