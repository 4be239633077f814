import pytest

from xl_tools.categories import (
    CONFLICT,
    EMPTY,
    OK,
    UNKNOWN,
    CodeTable,
    default_table,
    split_label,
)


@pytest.mark.parametrize("text", ["11-数量指标", "数量指标", "数量", "１１－数量指标", "11", " 11 - 数量指标 ",
                                  "11数量指标", "11、数量指标"])
def test_level2_forms_resolve(text):
    res = default_table().resolve_level2(text)
    assert res.status == OK and res.category.code == "11" and res.category.name == "数量指标"


@pytest.mark.parametrize("text,code", [("1-产出指标", "1"), ("产出", "1"), ("效益指标", "2"), ("效益", "2"),
                                       ("3-满意度指标", "3"), ("满意度", "3"), ("２－效益指标", "2")])
def test_level1_forms_resolve(text, code):
    res = default_table().resolve_level1(text)
    assert res.status == OK and res.category.code == code


def test_names_compared_without_zhibiao():
    t = default_table()
    assert t.resolve_level2("22-社会效益指标").status == OK     # 效益 names drop 指标 in print
    assert t.resolve_level2("31-服务对象满意度指标").status == OK


def test_unknown_and_conflicting_codes_are_reported_not_dropped():
    t = default_table()
    unknown = t.resolve_level2("99-神秘指标")
    assert unknown.status == UNKNOWN and (unknown.code, unknown.name) == ("99", "神秘指标")
    conflict = t.resolve_level2("12-数量指标")
    assert conflict.status == CONFLICT and conflict.code == "12"
    assert t.resolve_level2("").status == EMPTY


def test_ambiguous_name_uses_level1():
    t = default_table()
    assert t.resolve_level2("成本指标", "1").category.code == "14"
    assert t.resolve_level2("成本", "4").status in (OK, UNKNOWN)


def test_table_is_data():
    t = CodeTable.load('[[level1]]\ncode="7"\nname="试验指标"\n[[level2]]\ncode="71"\nname="甲"\nparent="7"\n')
    assert t.resolve_level2("71-甲").ok and t.children("7")[0].label == "71-甲"


def test_every_seed_category_resolves(seed_filing):
    t = default_table()
    for ind in seed_filing.indicators:
        assert t.resolve_level1(ind.level1_label).ok
        res = t.resolve_level2(ind.level2_label, ind.level1_code)
        assert res.ok and res.category.parent == ind.level1_code


def test_split_label():
    assert split_label("１２－质量指标") == ("12", "质量指标")
    assert split_label("质量指标") == ("", "质量指标")
