"""One identity for unit and department names (xl_tools/unitnames.py): width of brackets and digits,
bracket kinds, spaces; an alias list on top; used by check, publish, diff and batch."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_tools.cli import main as cli
from xl_tools.model import Filing, Project, Unit
from xl_tools.unitnames import UnitNames, same_name, unit_key

FULL, HALF = "某区卫生健康局（本级）", "某区卫生健康局(本级)"


@pytest.mark.parametrize("other", [
    HALF, "某区卫生健康局 （本级）", "某区卫生健康局【本级】", "某区卫生健康局〔本级〕", "某区卫生健康局[本级]",
    "某区卫生健康局\u3000(本级)\n", "某区卫生\u200b健康局(本级)", "某区卫生健康局﹙本级﹚",
])
def test_forms_of_one_name_share_a_key(other):
    assert unit_key(other) == unit_key(FULL)
    assert same_name(other, FULL)


def test_digits_and_letters_fold_width_not_case_or_words():
    assert unit_key("第２中学") == unit_key("第2中学") == unit_key("第 2 中学")
    assert unit_key("ＡＢ学校") == unit_key("AB学校") != unit_key("ab学校")
    assert not same_name("某区卫健局", "某区卫生健康局")
    assert not same_name("", "") and unit_key(None) == ""


def test_an_alias_list_names_one_unit_two_ways():
    names = UnitNames(aliases={"某区卫生健康局": ["某区卫健局", "某区卫生和计划生育局"]})
    assert names.same("某区卫健局", "某区卫生健康局")
    assert names.same("某区 卫健局", "某区卫生和计划生育局")      # aliases are compared by their keys too
    assert names.canonical("某区卫健局") == "某区卫生健康局"
    assert not names.same("某区卫健局", "某区教育局")


def test_the_first_spelling_is_shown_and_variants_listed():
    names = UnitNames()
    assert names.add(FULL) == FULL
    assert names.add(HALF) == FULL
    assert names.add("甲单位") == "甲单位"
    assert names.canonical(HALF) == FULL
    assert names.variants() == [[FULL, HALF]]


def test_a_filing_counts_a_unit_once_in_whatever_spelling():
    filing = Filing(year=2026, department="某区卫生健康局", units=[Unit.unstated(FULL)], projects=[
        Project("甲", FULL, total=Decimal(420), fiscal=Decimal(420)),
        Project("乙", HALF, total=Decimal(120), fiscal=Decimal(120))])
    filing.derive_blank_amounts()
    assert filing.units_of_projects() == [FULL, FULL]
    assert filing.unit_names() == [FULL]
    assert [(u.name, u.total) for u in filing.all_units()] == [(FULL, Decimal(540))]
    assert filing.only_unit() == FULL


def test_a_filing_folds_its_unit_names_again_only_when_one_changed():
    """``unit_spellings`` is made once while the names it is made of stay (the 公开表 and the rules
    ask for it twenty times), and made again when a unit or a project names another unit."""
    filing = Filing(year=2026, department="某区卫生健康局", units=[Unit.unstated(FULL)], projects=[
        Project("甲", FULL, total=Decimal(420), fiscal=Decimal(420)),
        Project("乙", HALF, total=Decimal(120), fiscal=Decimal(120))])
    names = filing.unit_spellings()
    assert filing.unit_spellings() is names and filing.working_copy().unit_spellings() is names
    filing.projects[1].unit = "乙单位"
    assert filing.unit_spellings() is not names and filing.units_of_projects() == [FULL, "乙单位"]
    filing.units[0].name = "丙单位"
    assert filing.unit_names() == ["丙单位", FULL, "乙单位"]
    filing.projects.append(Project("丁", "丁单位", total=Decimal(1), fiscal=Decimal(1)))
    assert filing.unit_names()[-1] == "丁单位"


@pytest.fixture
def typed_twice(tmp_path):
    """A filing from ``new --unit 某区卫生健康局（本级）`` whose second project writes 「(本级)」."""
    from tests.support.typist import Typist
    out = tmp_path / "卫健局.xlsx"
    assert cli(["new", "-o", str(out), "--year", "2026", "--department", "某区卫生健康局", "--unit", FULL]) == 0
    t = Typist(out)
    for row, (name, amount, unit) in enumerate([("基层医疗服务项目", 420, FULL), ("健康宣传项目", 120, HALF)], 2):
        t.project(row, name, total=amount, fiscal=amount, unit=unit,
                  target=f"{name}全年开展服务12次，群众满意度达到90%以上，保障基层群众健康。")
        t.indicators(2 * row - 2, name, [("1-产出指标", "11-数量指标", "服务次数", "12次"),
                                         ("3-满意度指标", "31-服务对象满意度", "群众满意度", "≥90%")])
    t.save()
    return out


def test_batch_never_sees_a_file_in_conflict_with_itself(typed_twice, tmp_path):
    pytest.importorskip("pandas")
    from tests.support.batch import review
    from xl_tools.batch import consolidate
    inbox = typed_twice.parent
    report = review([inbox], jobs=1)
    cons = consolidate(report)
    assert cons.conflicts == []
    table = cons.table(2026)
    assert [(u.name, u.total) for u in table.filing.units] == [(FULL, Decimal(540))]
    assert list(cons.slices.decision) == ["计入"]


def test_diff_lists_a_unit_once_when_its_spelling_changed(typed_twice, tmp_path):
    from tests.support.typist import Typist
    from xl_tools import app
    newer = tmp_path / "新.xlsx"
    newer.write_bytes(typed_twice.read_bytes())
    t = Typist(newer)
    t.type("项目", "C3", FULL)
    t.type("项目", "C2", HALF)
    t.save()
    diff = app.diff_files(typed_twice, newer)
    assert [r.unit for r in diff.unit_totals()] == [FULL]
    assert not [c for c in diff.changes() if c.kind == "unit"]


def test_problem_list_names_the_unit_of_each_finding(typed_twice, tmp_path):
    """问题明细's 单位 column: the unit of the finding's project, not every unit of the file."""
    pytest.importorskip("pandas")
    from tests.support.batch import review
    from tests.support.typist import Typist
    from xl_tools.batch import consolidate
    from xl_tools.batch.report import finding_rows
    t = Typist(typed_twice)
    t.type("基本信息", "A13", "某区疾病预防控制中心")
    t.type("项目", "C3", "某区疾病预防控制中心")
    t.type("项目", "H3", "短")                                   # TXT001 on 健康宣传项目
    t.save()
    report = review([typed_twice.parent], jobs=1)
    rows = finding_rows(report, consolidate(report))
    short = [r for r in rows if r[3] == "TXT001"]
    assert short and all(r[1] == "某区疾病预防控制中心" for r in short), short


def test_each_projects_unit_is_looked_up_again_only_when_a_name_changed():
    """``units_of_projects`` is kept beside ``unit_spellings`` (a check asks for it three times) and
    worked out again when a unit or a project names another unit; each caller gets a list of its own."""
    filing = Filing(year=2026, department="某区卫生健康局", units=[Unit.unstated(FULL)], projects=[
        Project("甲", FULL, total=Decimal(420), fiscal=Decimal(420)),
        Project("乙", HALF, total=Decimal(120), fiscal=Decimal(120)),
        Project("丙", "", total=Decimal(1), fiscal=Decimal(1))])
    first = filing.units_of_projects()
    assert first == [FULL, FULL, FULL]
    assert filing.__dict__["_units_of_projects"][0] is filing.unit_spellings()    # kept, by those spellings
    first.clear()
    assert filing.units_of_projects() == [FULL, FULL, FULL]
    filing.projects[1].unit = "乙单位"
    assert filing.units_of_projects() == [FULL, "乙单位", FULL]       # 丙: the one unit 基本信息 states
    filing.units[0].name = "丙单位"
    assert filing.units_of_projects() == [FULL, "乙单位", "丙单位"]
    del filing.__dict__["_units_of_projects"]                        # as worked out afresh
    assert filing.units_of_projects() == [FULL, "乙单位", "丙单位"]
