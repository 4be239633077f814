"""The workbook holds the columns a region's table prints (issue 23, template version 3): the profile's
(四川: 指标性质, 度量单位, 权重, 指标方向性; 湘鄂: 实施期, 实施期目标, 本级资金, 上级资金, 绩效标准 …) and any
a filing fills; they are read back by header wherever they stand, the refresh's helper columns show the
three value cells as one value, and a version-2 workbook (without them) is still read."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from tests.conftest import needs_soffice, soffice_convert
from tests.support.signature import workbook_signature
from xl_tools.app import new_filing, refresh_file
from xl_tools.jsonio import filing_to_json
from xl_tools.model import Filing, Indicator, Project, Unit
from xl_tools.workbook import build_workbook, read_filing
from xl_tools.workbook.versions import detect_version, read_any_version


def _headers(ws) -> list:
    return [c.value for c in ws[1] if c.value is not None]


def _sichuan() -> Filing:
    inds = [Indicator(1, "", "满意度指标", "", "服务对象满意度指标", "人民群众满意度", "", "95", nature="≥", measure="%",
                      weight="10", direction="正向指标"),
            Indicator(2, "", "产出指标", "", "数量指标", "行政村数量", "", "11", nature="=", measure="个",
                      weight="20", direction="正向指标")]
    p = Project("基层组织活动经费", "井研县马踏镇人民政府", total=Decimal("660000.00"), fiscal=Decimal("660000.00"),
                target="保障村社区正常运转，基层党组织开展组织活动", indicators=inds)
    for i in inds:
        i.project = p.name
    return Filing(year=2023, department="井研县马踏镇人民政府", money_unit="元", total=p.total,
                  units=[Unit(p.unit, p.total, p.fiscal)], projects=[p], profile="四川")


def _xiang_e() -> Filing:
    ind = Indicator(1, "", "产出指标", "", "时效指标", "服务周期", "", "2023.07-2024.01", standard="计划标准")
    p = Project("雾炮车降尘抑尘服务", "湘潭市环境卫生管理处", total=Decimal("250.00"), fiscal=Decimal("250.00"),
                target="通过采购雾炮车降尘抑尘服务，全市空气质量达到优良", indicators=[ind], period="2023.07-2024.01",
                long_target="服务周期内全市空气质量达到优良", basis="市政府常务会议纪要",
                funding={"own": Decimal("250.00"), "upper": Decimal("0.00")})
    ind.project = p.name
    return Filing(year=2023, department="湘潭市环境卫生管理处", total=p.total, units=[Unit(p.unit, p.total, p.fiscal)],
                  projects=[p], profile="湘鄂")


@pytest.mark.parametrize("make", [_sichuan, _xiang_e])
def test_the_region_columns_are_written_and_read_back(tmp_path, make):
    filing = make()
    path = tmp_path / "f.xlsx"
    build_workbook(path, filing)
    back = read_filing(path)
    assert filing_to_json(back) == filing_to_json(filing)
    assert back.template_version == 3 == detect_version(path)


def test_the_profile_names_the_columns_and_the_filing_adds_what_it_uses(tmp_path):
    build_workbook(tmp_path / "s.xlsx", _sichuan())
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert _headers(wb["绩效指标"])[7:11] == ["指标性质", "度量单位", "权重", "指标方向性"]
    assert "实施期" not in _headers(wb["项目"])
    build_workbook(tmp_path / "x.xlsx", _xiang_e())
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert _headers(wb["项目"])[9:14] == ["实施期", "实施期目标", "立项依据", "本级资金", "上级资金"]   # 立项依据: used
    assert wb["项目"]["M2"].value == 250 and wb["项目"]["M2"].number_format == "#,##0.00"
    assert _headers(wb["绩效指标"])[7:9] == ["绩效标准", "备注"]
    guangdong = Filing(year=2024, profile="广东")
    build_workbook(tmp_path / "g.xlsx", guangdong)
    wb = openpyxl.load_workbook(tmp_path / "g.xlsx")
    assert _headers(wb["项目"])[-1] == "备注" and _headers(wb["绩效指标"])[6:8] == ["年度指标值", "周期运算符"]


def test_new_with_a_profile_has_its_columns(tmp_path):
    new_filing(tmp_path / "n.xlsx", year=2024, department="部门", profile="四川")
    headers = _headers(openpyxl.load_workbook(tmp_path / "n.xlsx")["绩效指标"])
    assert {"指标性质", "度量单位", "权重", "指标方向性"} <= set(headers)


def test_refresh_shows_the_three_cells_as_one_value_and_changes_nothing_the_second_time(tmp_path):
    path = tmp_path / "s.xlsx"
    build_workbook(path, _sichuan())
    refresh_file(path, now="2024-01-01 00:00")
    ws = openpyxl.load_workbook(path)["绩效指标"]
    headers = _headers(ws)
    row = {h: ws.cell(2, headers.index(h) + 1).value for h in ("年度指标值", "年度运算符", "年度数值", "年度单位")}
    assert row == {"年度指标值": "95", "年度运算符": "≥", "年度数值": "95", "年度单位": "%"}
    refresh_file(path, now="2024-01-01 00:00")           # the fills of the first are reported once
    before = workbook_signature(path, styles=True)
    refresh_file(path, now="2024-01-01 00:00")
    assert workbook_signature(path, styles=True) == before


def test_columns_moved_or_typed_by_hand_are_read_by_header(tmp_path):
    path = tmp_path / "f.xlsx"
    build_workbook(path, Filing(year=2023, profile="广东", units=[Unit("单位")],
                                projects=[Project("项目", "单位", total=Decimal(1), fiscal=Decimal(1), target="目标")]))
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    ws["K1"], ws["K2"], ws["L1"], ws["L2"] = "项目性质", "新增项目", "中央资金", "1"
    wb.save(path)
    p = read_filing(path).projects[0]
    assert (p.kind, p.funding, p.extra) == ("新增项目", {"central": Decimal("1")}, {})
    ws["L2"] = "一百万"
    wb.save(path)
    problems = read_filing(path, strict=False).problems
    assert [(x.code, x.origin.cell(x.field)) for x in problems] == [("money_invalid", "L2")]


def test_a_version_2_workbook_is_read_as_it_is(tmp_path, seed_filing):
    path = tmp_path / "v2.xlsx"
    build_workbook(path, seed_filing)
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["模板版本"].destinations))
    wb[sheet][ref.replace("$", "")] = 2
    wb.save(path)
    assert detect_version(path) == 2
    filing = read_any_version(path)
    assert filing.template_version == 2 and filing_to_json(filing) == filing_to_json(seed_filing)


@needs_soffice
def test_libreoffice_keeps_the_columns(tmp_path):
    path = tmp_path / "s.xlsx"
    build_workbook(path, _xiang_e())
    outdir = tmp_path / "lo"
    outdir.mkdir()
    again = soffice_convert(path, "xlsx", outdir)
    assert filing_to_json(read_filing(again)) == filing_to_json(_xiang_e())


def test_the_xiange_workbook_hides_the_special_account_column_unless_the_filing_has_such_money(tmp_path, capsys):
    """The Hunan and Hubei forms have no 财政专户拨款 (资金总额 = 财政拨款 + 其他资金): a 湘鄂 workbook hides
    that column on 项目 and in 基本信息's unit table (not dropped: 总计 = 财政拨款 + 财政专户拨款 + 其他资金 still
    holds, and a unit that has such money unhides it); a 湘鄂 filing that has such money shows it, and
    every other profile shows it as before."""
    def hidden(path) -> tuple[bool, bool]:
        wb = openpyxl.load_workbook(path)
        assert wb["项目"]["F1"].value == "财政专户拨款" and wb["基本信息"].cell(_units_header(wb), 4).value == "财政专户拨款"
        return wb["项目"].column_dimensions["F"].hidden, wb["基本信息"].column_dimensions["D"].hidden

    new_filing(tmp_path / "x.xlsx", year=2024, department="部门", profile="湘鄂")
    assert hidden(tmp_path / "x.xlsx") == (True, True)
    new_filing(tmp_path / "g.xlsx", year=2024, department="部门", profile="广东")
    assert hidden(tmp_path / "g.xlsx") == (False, False)
    xe = _xiang_e()
    build_workbook(tmp_path / "x1.xlsx", xe)
    assert hidden(tmp_path / "x1.xlsx") == (True, True)
    xe.projects[0].special, xe.projects[0].total = Decimal("10"), xe.projects[0].total + Decimal("10")
    build_workbook(tmp_path / "x2.xlsx", xe)
    assert hidden(tmp_path / "x2.xlsx") == (False, False)
    # typed into the hidden column, the money counts in 总计's rule and is printed
    wb = openpyxl.load_workbook(tmp_path / "x1.xlsx")
    wb["项目"]["F2"] = 5
    wb.save(tmp_path / "x1.xlsx")
    refresh_file(tmp_path / "x1.xlsx")
    codes = [r[1] for r in openpyxl.load_workbook(tmp_path / "x1.xlsx")["校验结果"].iter_rows(min_row=4, values_only=True)]
    assert "AMT001" in codes                                     # 总计 no longer the sum of its parts
    public = openpyxl.load_workbook(tmp_path / "x1.xlsx")["公开表"]
    assert "财政专户拨款" in [c.value for row in public.iter_rows(max_row=5) for c in row]


def _units_header(wb) -> int:
    ws = wb["基本信息"]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "单位名称")
