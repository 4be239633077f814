"""The columns real tables print beside the ones every table has (issue 23): 指标性质 and 度量单位 in their
own cells read as one value, 权重, 方向, 绩效标准, 实施期, 项目类别/性质, 立项依据, 成本测算, funding by level —
held by the model, carried by the JSON (schema @2, @1 still read) and used where they change a finding."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from xl_tools.app import review
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import SCHEMA, filing_from_json, filing_to_json, load_json
from xl_tools.model import Filing, Indicator, Project, Unit, period_years
from xl_tools.workbook.template import place_as_written


def _filing(profile="四川", **project_fields) -> Filing:
    inds = project_fields.pop("indicators")
    p = Project("村组干部报酬", "马踏镇人民政府", total=Decimal("3309840.00"), fiscal=Decimal("3309840.00"),
                target="按时发放村组干部报酬，维护社会稳定", indicators=inds, **project_fields)
    for k, i in enumerate(inds, 1):
        i.no, i.project = k, p.name
    unit = Unit("马踏镇人民政府", p.total, p.fiscal)
    f = Filing(year=2023, department="井研县马踏镇人民政府", money_unit="元", total=p.total, units=[unit],
               projects=[p], profile=profile)
    return place_as_written(f)


def _sichuan(value="95", nature="≥", measure="%"):
    return Indicator(None, "", "满意度指标", "", "服务对象满意度指标", "人民群众满意度", "", value,
                     nature=nature, measure=measure, weight="10", direction="正向指标")


def test_the_three_cells_are_one_value_for_the_rules():
    assert _sichuan().value_text("annual_value") == "≥95%"
    assert _sichuan("≥95%").value_text("annual_value") == "≥95%"        # not said twice
    assert _sichuan("好", "定性", "").value_text("annual_value") == "好"
    assert _sichuan("", "≥", "%").value_text("annual_value") == ""       # a blank value stays blank
    split = review(_filing(indicators=[_sichuan()])).findings
    bare = review(_filing(indicators=[_sichuan(nature="", measure="")])).findings
    assert not [f for f in split if f.code.startswith("VAL")], split
    assert [f for f in bare if f.code.startswith("VAL")], "95 without its 指标性质 and 度量单位 says no rate"


def test_json_carries_the_new_fields_and_the_parsed_value_joins_the_cells():
    f = _filing(indicators=[_sichuan()], period="2023", kind="持续性项目", category="本级支出项目",
                basis="三定方案", costing="人数×标准", long_target="三年目标",
                funding={"central": Decimal("0"), "own": Decimal("3309840.00")})
    data = filing_to_json(f)
    assert data["schema"] == SCHEMA == "xl-tools/filing@2"
    p = data["projects"][0]
    assert p["period"] == "2023" and p["kind"] == "持续性项目" and p["basis"] == "三定方案"
    assert p["funding"] == {"central": "0.00", "own": "3309840.00"}
    ind = p["indicators"][0]
    assert (ind["annual_value"], ind["nature"], ind["measure"], ind["weight"], ind["direction"]) == \
        ("95", "≥", "%", "10", "正向指标")
    assert ind["annual_target"] == {"kind": "number", "op": ">=", "value": "95", "unit": "%", "extra": ""}
    again = filing_from_json(json.loads(json.dumps(data)))
    assert filing_to_json(again) == data
    assert not again.problems


def test_an_empty_field_is_not_written():
    data = filing_to_json(_filing(profile="", indicators=[_sichuan(nature="", measure="")]))
    ind = data["projects"][0]["indicators"][0]
    assert "nature" not in ind and "measure" not in ind and "funding" not in data["projects"][0]


def test_a_schema_1_file_is_still_read(tmp_path):
    old = {"schema": "xl-tools/filing@1", "year": 2024, "department": "部门", "money_unit": "万元",
           "total": "1.00", "units": [], "projects": [{"name": "项目", "unit": "单位", "total": "1.00",
                                                      "fiscal": "1.00", "target": "目标", "indicators": [
                                                          {"no": 1, "name": "满意度", "annual_value": "≥90%"}]}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    filing = load_json(path)
    assert filing.indicators[0].annual_value == "≥90%" and not filing.problems
    assert filing_to_json(filing)["schema"] == SCHEMA


def test_unknown_funding_level_is_reported_and_bad_amounts_name_the_key():
    data = filing_to_json(_filing(indicators=[_sichuan()], funding={"own": Decimal("1")}))
    data["projects"][0]["funding"]["乡镇"] = "1.00"
    filing = filing_from_json(data)
    assert [p.message for p in filing.problems if "funding.乡镇" in p.message]
    data["projects"][0]["funding"] = {"own": "abc"}
    with pytest.raises(XlToolsError) as err:
        filing_from_json(data, source="f.json")
    assert "projects[0].funding.own" in str(err.value)


@pytest.mark.parametrize("text,years", [
    ("2019-2021", (2019, 2021)), ("2023.07-2024.01", (2023, 2024)), ("202001-202012", (2020, 2020)),
    ("2023年4月-2024年2月", (2023, 2024)), ("2023", (2023, 2023)), ("三年", None), ("", None),
])
def test_the_period_as_tables_write_it(text, years):
    assert period_years(text) == years


def test_a_date_within_the_project_period_is_no_false_alarm_in_a_one_column_table():
    """宁夏 2019 (tests/realworld 02): 项目期 2019-2021, one 指标值 column, 「2021年12月底完成」."""
    def val010(period):
        ind = Indicator(None, "", "产出指标", "", "时效指标", "完成时限", "", "2021年12月底完成项目规划相关工作。")
        f = _filing(profile="全国2015", indicators=[ind], period=period)
        f.year = 2019
        return [x for x in review(f).findings if x.code == "VAL010"]
    assert val010("") and not val010("2019-2021")
    assert val010("2019-2020")           # outside the period it still is


def test_the_published_table_prints_the_value_whole_and_the_columns_beside_it(tmp_path):
    """四川 published: 「指标值:≥95%；权重:10；指标方向性:正向指标」 (one value column, the three cells as one
    value); importing the published xlsx gives the same value, 权重 and 方向 back."""
    from xl_tools.app import complete
    from xl_tools.importer import import_path
    from xl_tools.publish import publish
    filing, _fills = complete(_filing(indicators=[_sichuan()]))     # the category codes, as refresh fills them
    result = publish(filing, tmp_path / "t.xlsx")
    cell = next(c.value for row in result.layout.rows for c in row if isinstance(c.value, str) and "权重" in c.value)
    assert cell == "1、3-满意度指标；31-服务对象满意度；人民群众满意度；指标值:≥95%；权重:10；指标方向性:正向指标。"
    back = import_path(tmp_path / "t.xlsx", year=2023).filing.indicators[0]
    assert (back.value_text("annual_value"), back.weight, back.direction) == ("≥95%", "10", "正向指标")


def test_a_working_copy_copies_every_field_of_records_of_slots():
    """Indicator and Project keep their fields in slots (the rules read them many times over); the working
    copy's records are new ones with every field, changing one leaves the filing's as it was."""
    import dataclasses

    from xl_tools.model import Origin
    ind = Indicator(1, "1", "产出指标", "11", "数量指标", "培训人次", "≥100人次", "≥100人次", project="培训项目",
                    origin=Origin("绩效指标", 4, {"name": 5}), raw={"no": "一"}, nature="≥", remark="备注")
    project = Project("培训项目", "某单位", total=Decimal("12.50"), indicators=[ind], raw={"total": "12.5"},
                      origin=Origin("项目", 3, {"name": 3}), period="2024", funding={"own": Decimal("12.50")})
    filing = Filing(2024, "某部门", projects=[project], pending=[ind])
    assert not hasattr(ind, "__dict__") and not hasattr(project, "__dict__")
    done = filing.working_copy()
    q, i = done.projects[0], done.projects[0].indicators[0]
    assert (q, i, done.pending[0]) == (project, ind, ind) and q is not project and i is not ind
    for a, b in ((q, project), (i, ind)):
        assert all(getattr(a, f.name) is getattr(b, f.name) for f in dataclasses.fields(b)
                   if f.name not in ("raw", "indicators"))
    i.annual_value, q.total, q.raw["total"] = "≥120人次", Decimal("13"), None
    assert (ind.annual_value, project.total, project.raw) == ("≥100人次", Decimal("12.50"), {"total": "12.5"})
