"""The 公开表's amount columns follow the profile (``money_columns``): a 湘鄂 table prints what Hunan and
Hubei forms print — 资金总额, 资金来源 (财政拨款, 其他资金) and 预算级次 (本级资金, 上级资金) under a two-row
header — from the 项目 sheet's own columns, so what a unit types (上级资金) is printed and read back by
import; Guangdong's layout and every profile printing its four columns are unchanged."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter

from tests.conftest import needs_soffice
from tests.support.mail_inbox import unit_filing
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.errors import XlToolsError
from xl_tools.importer import import_path
from xl_tools.profiles import DEFAULT_MONEY, load_profile, profile_by_money
from xl_tools.publish.table import HEADERS, money_columns, render
from xl_tools.workbook import build_workbook

D = Decimal


def _xiange(levels: bool = True):
    """Two projects of one unit, as a 湘鄂 filing: 40 + 20 = 60 of 财政拨款, one with 其他资金 5; the
    first says which level pays (本级 30, 上级 15), the second does not."""
    f = unit_filing("甲县教育局", "0.1", projects=2)
    f.profile = "湘鄂"
    a, b = f.projects
    a.total, a.fiscal, a.special, a.other = D("45"), D("40"), D("0"), D("5")
    b.total, b.fiscal, b.special, b.other = D("20"), D("20"), D("0"), D("0")
    if levels:
        a.funding = {"own": D("30"), "upper": D("15")}
    for ind in f.indicators:
        ind.period_value = ""
    f.units[0] = dataclasses.replace(f.units[0], total=D("65"), fiscal=D("60"), special=D("0"), other=D("5"))
    f.total = D("65")
    return f


def _values(layout, row: int) -> list:
    return [c.value for c in layout.rows[row - 1]]


def test_a_xiange_table_prints_the_forms_money_columns_under_a_two_row_header():
    layout = render(_xiange())
    assert layout.repeat_rows == (1, 4)
    assert _values(layout, 3) == ["项目名称（资金使用单位）", "资金总额", "资金来源", None, "预算级次", None, "绩效目标", "绩效指标"]
    assert _values(layout, 4) == [None, None, "财政拨款", "其他资金", "本级资金", "上级资金", None, None]
    merges = {(m.first_row, m.first_col, m.last_row, m.last_col) for m in layout.merges}
    assert {(3, 3, 3, 4), (3, 5, 3, 6), (3, 1, 4, 1), (3, 2, 4, 2), (3, 7, 4, 7), (3, 8, 4, 8), (1, 1, 1, 8)} <= merges
    total, unit, first, second = (_values(layout, r)[:6] for r in (5, 6, 7, 8))
    assert total == ["合计", D("65"), D("60"), D("5"), D("30"), D("15")]
    assert unit == ["甲县教育局", D("65"), D("60"), D("5"), D("30"), D("15")]       # by level: its projects' sum
    assert first[1:] == [D("45"), D("40"), D("5"), D("30"), D("15")]
    assert second[1:] == [D("20"), D("20"), D("0"), None, None]     # no level stated: blank, not 0
    for row in (total, unit, first, second):
        assert row[1] == row[2] + row[3]                                # 资金总额 = the sources printed


def test_a_source_the_profile_leaves_out_is_printed_when_a_filing_fills_it():
    """财政专户拨款 is not on Hunan and Hubei forms; a 湘鄂 filing that fills it gets the column, in
    the 资金来源 group after 财政拨款, so no amount goes unprinted and 资金总额 stays the sum of the sources."""
    f = _xiange(levels=False)
    a = f.projects[0]
    a.fiscal, a.special = D("30"), D("10")
    f.units[0] = dataclasses.replace(f.units[0], fiscal=D("50"), special=D("10"))
    assert [c.header for c in money_columns(f)] == ["资金总额", "财政拨款", "财政专户拨款", "其他资金", "本级资金", "上级资金"]
    layout = render(f)
    assert _values(layout, 3)[2:6] == ["资金来源", None, None, "预算级次"]
    assert _values(layout, 4)[2:5] == ["财政拨款", "财政专户拨款", "其他资金"]
    assert _values(layout, 7)[1:5] == [D("45"), D("30"), D("10"), D("5")]


@pytest.mark.parametrize("profile", ["广东", "全国2015", "中央2021", "四川"])
def test_the_other_profiles_keep_guangdongs_four_columns_and_one_header_row(profile):
    f = _xiange()
    f.profile = profile
    layout = render(f)
    assert load_profile(profile).money_columns == DEFAULT_MONEY
    assert layout.repeat_rows == (1, 3) and tuple(_values(layout, 3)) == HEADERS
    assert _values(layout, 4)[:5] == ["合计", D("65"), D("60"), D("0"), D("5")]


def test_the_printed_columns_tell_the_profile_and_a_bad_profile_entry_is_named():
    assert profile_by_money({"total", "fiscal", "other", "funding.own", "funding.upper"}) == "湘鄂"
    assert profile_by_money({"total", "fiscal", "special", "other", "funding.own", "funding.upper"}) == "湘鄂"
    assert profile_by_money({"total", "fiscal", "special", "other"}) is None        # Guangdong's: any profile
    from xl_tools import profiles
    text = profiles.profile_text("湘鄂").replace('{ column = "上级资金", group = "预算级次" }',
                                                '{ column = "省级拨款", group = "预算级次" }')
    with pytest.raises(XlToolsError, match="金额列「省级拨款」无效"):
        profiles._money_columns(__import__("tomllib").loads(text)["money_columns"], "规则配置「湘鄂」")


def test_what_a_unit_types_in_its_workbook_is_printed_and_read_back(tmp_path):
    """The 湘鄂 workbook asks for 本级资金 and 上级资金 (its 项目 sheet); what the accountant types there
    is printed in the 公开表, and importing the 公开表 gives it back, with the 湘鄂 profile its header shows."""
    book = tmp_path / "甲县.xlsx"
    build_workbook(book, _xiange(levels=False))
    typist = Typist(book)
    ws = typist.wb["项目"]
    headers = [c.value for c in ws[1]]
    assert {"总计", "财政拨款", "其他资金", "本级资金", "上级资金"} <= set(headers)
    for header, value in (("本级资金", 30), ("上级资金", 15)):
        typist.type("项目", f"{get_column_letter(headers.index(header) + 1)}2", value)
    typist.save()
    out = tmp_path / "公开表.xlsx"
    app.publish_file(book, out, allow_errors=True)
    table = openpyxl.load_workbook(out).active
    assert [c.value for c in table[4]][2:6] == ["财政拨款", "其他资金", "本级资金", "上级资金"]
    assert [c.value for c in table[7]][4:6] == [30, 15]
    result = import_path(out)
    back = result.filing
    assert (back.profile, result.layout) == ("湘鄂", "湘鄂公开表")
    assert [(p.total, p.fiscal, p.other, p.funding) for p in back.projects] == [
        (D("45"), D("40"), D("5"), {"own": D("30"), "upper": D("15")}), (D("20"), D("20"), D("0"), {})]


@needs_soffice
def test_the_pdf_prints_the_two_row_header_and_is_read_back(tmp_path):
    book = tmp_path / "甲县.xlsx"
    build_workbook(book, _xiange())
    out, pdf = tmp_path / "公开表.xlsx", tmp_path / "公开表.pdf"
    app.publish_file(book, out, pdf, allow_errors=True)
    back = import_path(pdf).filing
    assert back.profile == "湘鄂"
    assert [(p.total, p.fiscal, p.other, p.funding) for p in back.projects] == [
        (D("45"), D("40"), D("5"), {"own": D("30"), "upper": D("15")}), (D("20"), D("20"), D("0"), {})]


def _stated_zero():
    """The first project says that no money comes from the level above (上级资金 0: stated, as the Hunan
    form of 湘潭 prints it, 「该项目支出上级资金 | 0」); the second states no level at all."""
    f = _xiange()
    f.projects[0].funding = {"own": D("45"), "upper": D("0")}
    return f


def test_a_stated_zero_is_printed_as_the_forms_print_it_and_read_back_from_the_xlsx(tmp_path):
    f = _stated_zero()
    layout = render(f)
    project = next(row for row in layout.rows if row[0].value == f.projects[0].name)
    own, upper = project[4:6]
    assert (own.value, upper.value) == (D("45"), D("0"))
    assert layout.styles[upper.style].number_format == "#,##0.00"         # 0.00, as the form prints 0
    assert layout.styles[own.style].number_format == '#,##0.00;-#,##0.00;""'
    book = tmp_path / "甲县.xlsx"
    build_workbook(book, f)
    out = tmp_path / "公开表.xlsx"
    app.publish_file(book, out, allow_errors=True)
    ws = openpyxl.load_workbook(out).active
    upper = [c for c in ws[7]][5]
    assert (upper.value, upper.number_format) == (0, "#,##0.00")        # shows 0.00, not a blank
    back = import_path(out).filing
    assert [p.funding for p in back.projects] == [{"own": D("45"), "upper": D("0")}, {}]


@needs_soffice
def test_a_stated_zero_comes_back_from_the_pdf(tmp_path):
    book = tmp_path / "甲县.xlsx"
    build_workbook(book, _stated_zero())
    out, pdf = tmp_path / "公开表.xlsx", tmp_path / "公开表.pdf"
    app.publish_file(book, out, pdf, allow_errors=True)
    back = import_path(pdf).filing
    assert [(p.total, p.fiscal, p.other, p.funding) for p in back.projects] == [
        (D("45"), D("40"), D("5"), {"own": D("45"), "upper": D("0")}), (D("20"), D("20"), D("0"), {})]
