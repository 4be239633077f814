"""Importing other regions' published layouts (issue 23): the 申报表 forms and the 一体化 export, from the
real tables' text (tests/realworld), from xlsx (cells merged over the indicator rows) and through the CLI,
which says which layout it read; an unknown layout gets one line naming the layouts read and the way on."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Side

from tests.conftest import needs_soffice, soffice_convert
from tests.inputs import cases
from tests.support.realworld import ROOT, transcriptions
from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.importer import import_path, import_text
from xl_tools.profiles import profile_names

CORPUS = {t["id"]: t for t in tomllib.loads((ROOT / "corpus.toml").read_text("utf-8"))["table"]}
TRANSCRIBED = {d["table"]: d for d in transcriptions()}
# the stored text of these ran the table's cells together (no line or cell boundaries survive): read by
# the form's labels, the category vocabularies and the value grammar (importer/glued.py)
RUN_TOGETHER = {"03", "09", "11"}
READ = sorted(CORPUS)


def _text(table: str) -> str:
    return (ROOT / CORPUS[table]["file"]).read_text("utf-8")


@pytest.mark.parametrize("table", READ)
def test_each_real_table_is_read_as_published(table):
    result = import_text(_text(table), source=CORPUS[table]["file"])
    data = TRANSCRIBED[table]
    assert result.layout == ("一体化导出" if table == "10" else "申报表")
    assert result.filing.profile in profile_names()
    assert result.filing.year == CORPUS[table]["budget_year"]
    assert result.filing.money_unit == CORPUS[table]["money_unit"]
    got = [(p.name, [(i.level1, i.level2, i.name, i.value_text("annual_value"), i.period_value) for i in p.indicators])
           for p in result.filing.projects]
    want = [(p["name"], [(*i, "") for i in p["indicators"]]) for p in data["project"]]
    assert got == want
    assert [p.total for p in result.filing.projects] == [Decimal(p["total"]) for p in data["project"]]
    # what else the form prints: 年度目标, 实施期, 项目属性, 实施期目标, funding by level
    assert [p.target for p in result.filing.projects] == [p["target"] for p in data["project"]]
    for p, q in zip(result.filing.projects, data["project"]):
        assert (p.period, p.kind, p.long_target) == (q.get("period", ""), q.get("kind", ""), q.get("long_target", ""))
        assert p.funding == {k: Decimal(v) for k, v in q.get("funding", {}).items()}


def test_the_columns_beside_the_value_are_kept_in_their_fields():
    """四川: 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性 stay five cells (read as one value ≥95%);
    湘潭: 绩效标准 beside 指标值及单位; 重庆: 建设周期, 项目分类 and 项目审批 (its basis)."""
    ind = import_text(_text("10")).filing.projects[0].indicators[0]
    assert (ind.nature, ind.annual_value, ind.measure, ind.weight, ind.direction) == ("≥", "95", "%", "10", "正向指标")
    assert [i.standard for i in import_text(_text("01")).filing.indicators][:2] == ["计划标准", "计划标准"]
    p = import_text(_text("07")).filing.projects[0]
    assert (p.period, p.category) == ("2023年4月-2024年2月", "资产资源类--房屋类")
    assert p.basis.startswith("奉节县民族宗教事务委员会《关于下达2023年度少数民族发展资金项目计划的通知》")


@pytest.mark.parametrize("table", sorted(RUN_TOGETHER))
def test_a_run_together_text_without_its_indicator_rows_gets_the_one_line_naming_the_layouts(table):
    """The form's top part alone (cut before 一级指标) is no table: one line naming the layouts."""
    with pytest.raises(XlToolsError) as err:
        import_text(_text(table).split("一级指标")[0], source="t.txt")
    message = str(err.value)
    assert "能读取的格式有 广东公开表" in message and "申报表" in message and "一体化导出" in message
    assert "xl-tools new" in message and "xl-tools load" in message and "\n" not in message


def test_a_run_together_form_keeps_what_its_columns_and_money_block_say():
    """鄂州: 「反映……」 is the 绩效标准 cell, the amount is the 合计 of the cost table (its figures run
    together: 合计814662.98794.55); 嘉峪关: 其他资金 20 of 项目总投资 20, 政策依据 wrapped over two lines, and
    the second form on the page (博物馆提升改造项目) is not read into the first; 青山: 项目执行单位 is the unit."""
    ezhou = import_text(_text("09")).filing.projects[0]
    assert [i.standard for i in ezhou.indicators][:2] == ["反映办公大楼全年维修维护情况", "反映大楼保卫巡检情况"]
    assert ezhou.indicators[5].standard == ""                 # 成本控制率 不超预算: no 反映 in its row
    assert (ezhou.total, ezhou.kind, ezhou.category) == (Decimal("814"), "持续性项目", "本级支出项目")
    (museum,) = import_text(_text("03")).filing.projects
    assert (museum.total, museum.fiscal, museum.other) == (Decimal("20"), Decimal("0"), Decimal("20"))
    assert museum.basis == "甘财科[2022]78号"                 # the text wrapped inside the cell: joined
    assert import_text(_text("11")).filing.projects[0].unit == "化工区学校"


def test_any_form_whose_cells_ran_together_is_read_by_its_labels_and_values():
    """Not one of the corpus: a 湘鄂 申报表 as a .docx converts it, every cell glued to the next."""
    text = ("2025年项目支出绩效目标申报表项目名称社区养老服务补助主管部门某县民政局实施单位某县养老服务中心"
            "资金情况(万元)年度资金总额:120其中:财政拨款100其他资金20年度目标为辖区老人提供助餐服务"
            "绩效指标一级指标二级指标三级指标指标值产出指标数量指标助餐服务人次≥20000人次新增助餐点3个"
            "质量指标服务合格率≥95%成本指标每餐补助标准≤5元/餐效益指标社会效益指标老人就餐便利度明显提升"
            "社会公众或服务对象满意度指标老人满意度≥90%填表人:张三")
    result = import_text(text)
    assert result.layout == "申报表" and result.filing.profile == "湘鄂" and result.filing.year == 2025
    (project,) = result.filing.projects
    assert (project.name, project.unit, project.target) == ("社区养老服务补助", "某县养老服务中心", "为辖区老人提供助餐服务")
    assert (project.total, project.fiscal, project.other) == (Decimal("120"), Decimal("100"), Decimal("20"))
    assert [(i.level1, i.level2, i.name, i.annual_value) for i in project.indicators] == [
        ("产出指标", "数量指标", "助餐服务人次", "≥20000人次"), ("产出指标", "数量指标", "新增助餐点", "3个"),
        ("产出指标", "质量指标", "服务合格率", "≥95%"), ("产出指标", "成本指标", "每餐补助标准", "≤5元/餐"),
        ("效益指标", "社会效益指标", "老人就餐便利度", "明显提升"),
        ("效益指标", "社会公众或服务对象满意度指标", "老人满意度", "≥90%")]


def test_a_hunan_forms_amount_is_its_own_budget_plus_the_upper_levels_money():
    """湘潭's form prints 年度本级预算金额 and 该项目支出上级资金 and no 资金总额: the project's money is
    their sum; a form that also prints its 资金总额 keeps the stated one, 0 included."""
    text = _text("01").replace("|\n0 |", "|\n50 |", 1)            # 该项目支出上级资金 50
    (project,) = import_text(text).filing.projects
    assert (project.total, project.funding) == (Decimal("300"), {"own": Decimal("250"), "upper": Decimal("50")})
    stated = text.replace("年度本级 预算金额 |", "资金总额 |\n0 |\n年度本级 预算金额 |", 1)
    assert import_text(stated).filing.projects[0].total == Decimal("0")


# the 申报表 of the corpus that still read whole when every line break, | and space is taken out of their
# text; not 02, 05 (values are sentences: 「按照资金测算控制各项成本。」), 07 (cut in its 分值 column) nor 13
# (a value that repeats its name: 「当年在校学生数」「当年在校学生数4953」); 16 numbers each name 「指标1:」 (a row
# starts there, its value ends the row: 「指标1:清算8个安置小区……(≥**%)。≥95%」) and ends with a footnote 「注:」
GLUED_WHOLE = ["01", "03", "04", "06", "08", "09", "11", "12", "14", "16"]


@pytest.mark.parametrize("table", GLUED_WHOLE)
def test_a_form_read_with_every_cell_boundary_taken_out_reads_the_same(table):
    """The rules for run-together text are the form's, not a file's: each of these real forms, its
    cells glued together on purpose, gives the indicators and the amount it gives as published."""
    result = import_text(re.sub(r"[|\s]+", "", _text(table)))
    data = TRANSCRIBED[table]
    got = [[re.sub(r"\s+", "", v) for v in (i.level1, i.level2, i.name, i.value_text("annual_value"))]
           for p in result.filing.projects for i in p.indicators]
    assert got == [[re.sub(r"\s+", "", v) for v in i] for p in data["project"] for i in p["indicators"]]
    assert [p.total for p in result.filing.projects] == [Decimal(p["total"]) for p in data["project"]]


def test_a_form_named_only_by_its_heading_is_read_as_its_own_project():
    """浙江 (table 15): no 项目名称 field — the project is the heading 「……项目项目绩效目标」 nearest above its
    indicator rows, whatever the heading's form (「……项目支出绩效目标表」, cells between |); the next
    project's heading ends its rows; a sentence that starts with a field's label (「项目单位按……指标如下:」)
    is no unit's name; a 三级指标 named like a category (「社会公众满意度」 ≥90%) is an indicator; 效益 rows
    after 时效指标 have lost their level-1 cell (left blank for refresh to derive, not 产出指标)."""
    text = _text("15")
    for variant in (text, text.replace("3岁以下婴幼儿照护服务项目项目绩效目标", "3岁以下婴幼儿照护服务项目支出绩效目标表"),
                    " | ".join(line for line in text.split("\n") if line.strip())):
        (project,) = import_text(variant).filing.projects
        assert project.name == "3岁以下婴幼儿照护服务项目" and project.unit == ""
        assert len(project.indicators) == 11
        assert [(i.level1, i.level2) for i in project.indicators][4:7] == \
            [("产出指标", "时效指标"), ("", "社会效益"), ("", "社会效益")]
        assert (project.indicators[-1].name, project.indicators[-1].annual_value) == ("社会公众满意度", "≥90%")
    result = import_text(text)
    assert {f.code for f in result.findings} == {"IMP033", "IMP031"}       # no amount, no department: said
    for value in ("全面完成年度绩效目标", "实现项目绩效目标"):          # a value like a heading ends nothing
        (project,) = import_text(text.replace("及时发放", value)).filing.projects
        assert len(project.indicators) == 11 and project.indicators[4].annual_value == value


@pytest.mark.parametrize("table", READ)
def test_each_real_table_is_read_under_the_profile_it_was_transcribed_with(table):
    """鄂州 09's page lost its 一级指标 column and 南岳, 岳阳 and 青山 2020 print the national categories:
    their categories do not tell the Hunan/Hubei form, their 鄂州市, 衡阳市, 岳阳县, 湖南省, 武汉市 do."""
    assert import_text(_text(table)).filing.profile == TRANSCRIBED[table]["profile"]


def test_a_form_tells_its_profile_by_its_levels_and_its_places():
    """Where the categories say nothing: the amounts by level a form states (本级资金, 上级资金: the 湘鄂
    form's 预算级次), then the province or city its fields name; a city's name inside a word is no place."""
    from xl_tools.importer.forms import _profile
    from xl_tools.model import Indicator
    national = [Indicator(1, "", "产出指标", "", "数量指标", "培训人数", "", "100人")]
    assert _profile(national, {}, "项目名称 培训 主管部门 鄂州市机关事务服务中心") == "湘鄂"
    assert _profile(national, {"upper": Decimal("0")}, "项目名称 培训") == "湘鄂"
    assert _profile(national, {}, "主管部门 宁夏长庆初级中学") == "全国2015"
    assert _profile(national, {}, "项目名称 公益阳光工程 主管部门 某某中心") == "全国2015"     # 益阳 inside a word
    assert _profile(national, {}, "主管部门 宁夏某局 实施单位 武汉市某校") == "全国2015"       # two provinces' places


def test_the_profile_follows_what_the_form_prints():
    assert import_text(_text("01")).filing.profile == "湘鄂"        # 满意度 inside 效益
    assert import_text(_text("07")).filing.profile == "中央2021"    # 成本指标 over 经济成本
    assert import_text(_text("02")).filing.profile == "全国2015"
    assert import_text(_text("10")).filing.profile == "四川"


def test_the_export_as_xlsx_with_merged_project_cells(tmp_path):
    path = cases.regional_export(tmp_path, merged=True)
    result = import_path(path)
    assert result.layout == "一体化导出" and result.filing.money_unit == "元"
    (project,) = result.filing.projects
    assert project.name == "村组干部报酬" and project.total == Decimal("3309840.00")
    assert [i.value_text("annual_value") for i in project.indicators] == ["≥95%", "≥230人", "≥95%"]
    assert project.indicators[1].weight == "10"


def test_the_cli_says_which_layout_it_read(tmp_path, capsys):
    source = tmp_path / "申报表.txt"
    source.write_text(_text("06"), "utf-8")
    assert main(["import", str(source), "-o", str(tmp_path / "岳阳.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "按申报表格式读取；规则配置：湘鄂" in err             # 岳阳县: a Hunan form
    assert main(["check", str(tmp_path / "岳阳.xlsx"), "--json"]) in (0, 1)


@needs_soffice
def test_a_form_printed_to_pdf_is_read_from_its_ruled_table(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["2024年项目支出绩效目标申报表"])
    for row in (["项目名称", "社区养老服务补助", "", ""], ["主管部门", "某县民政局", "实施单位", "某县养老服务中心"],
                ["年度资金总额", "120万元", "", ""], ["年度目标", "为辖区老人提供助餐服务", "", ""],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "助餐服务人次", "≥20000人次"], ["", "质量指标", "服务合格率", "≥95%"],
                ["效益指标", "社会效益指标", "老人就餐便利度", "提高"],
                ["", "社会公众或服务对象满意度指标", "老人满意度", "≥90%"]):
        ws.append(row)
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=4):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, width in zip("ABCD", (16, 30, 30, 20)):
        ws.column_dimensions[col].width = width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.orientation = 1, 0, "landscape"
    wb.save(tmp_path / "申报表.xlsx")
    pdf = soffice_convert(tmp_path / "申报表.xlsx", "pdf", tmp_path)
    result = import_path(pdf)
    assert result.layout == "申报表" and result.filing.profile == "湘鄂" and result.filing.year == 2024
    (project,) = result.filing.projects
    assert (project.name, project.unit, project.total) == ("社区养老服务补助", "某县养老服务中心", Decimal("120"))
    assert [(i.level1, i.level2, i.name, i.annual_value) for i in project.indicators] == [
        ("产出指标", "数量指标", "助餐服务人次", "≥20000人次"), ("产出指标", "质量指标", "服务合格率", "≥95%"),
        ("效益指标", "社会效益指标", "老人就餐便利度", "提高"),
        ("效益指标", "社会公众或服务对象满意度指标", "老人满意度", "≥90%")]


ACCEPTANCE_DATA = ROOT.parent / "acceptance" / "data"


def last_years_text(table: str = "01", year: int = 2025) -> str:
    """A real table's stored text moved to ``year`` (its year and the next one shifted): last year's
    published table of the accountant's walkthrough (tests/acceptance/test_trial_three.py)."""
    first = CORPUS[table]["budget_year"]
    return _text(table).replace(str(first + 1), str(year + 1)).replace(str(first), str(year))


def test_a_form_a_browser_printed_to_pdf_reads_as_its_text():
    """湘潭's 申报表 (the 2025 edition of real table 01) as a browser prints the page to PDF: the glyphs of
    目, 支, 金, 车, 门 … are mapped to radicals (⽬ U+2F6C, ⻋ U+2ECB), cells wrap inside, and the text
    outside the table reads like projects to the 广东 reader. It is read as the 申报表 it is, exactly as
    its text is read."""
    pdf = ACCEPTANCE_DATA / "湘潭_2025_申报表.pdf"
    from xl_tools.importer.regional import pdf_rows_text
    raw = pdf_rows_text(pdf)
    assert "项目支出" in raw and not any("\u2e80" <= ch <= "\u2fdf" for ch in raw)
    got, want = import_path(pdf), import_text(last_years_text())
    assert (got.layout, got.filing.profile, got.filing.year, got.findings) == ("申报表", "湘鄂", 2025, [])
    for field in ("name", "unit", "total", "fiscal", "target", "period", "long_target", "funding"):
        assert [getattr(p, field) for p in got.filing.projects] == [getattr(p, field) for p in want.filing.projects]
    assert [(i.level1, i.level2, i.name, i.annual_value, i.standard) for i in got.filing.indicators] == \
        [(i.level1, i.level2, i.name, i.annual_value, i.standard) for i in want.filing.indicators]


def test_radicals_a_pdf_font_maps_to_are_read_as_the_ideographs_shown():
    from xl_tools.textnorm import fold_radicals
    assert fold_radicals("项⽬⽀出 雾炮⻋ 预算部⻔ 市⺠ 意⻅ ⻛炮 ⻓期") == "项目支出 雾炮车 预算部门 市民 意见 风炮 长期"
    assert fold_radicals("⻊ ⺮ 〇 项目") == "⻊ ⺮ 〇 项目"          # radicals that are only a component stay
