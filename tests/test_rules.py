"""The rule engine as a whole: the seed's findings, configuration, docs, ordering and speed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.synthetic import synthetic_filing
from xl_tools.errors import XlToolsError
from xl_tools.findings import SEVERITY_ORDER
from xl_tools.jsonio import load_json
from xl_tools.profiles import profile_names
from xl_tools.rules import RULES, check, config_for, load_config
from xl_tools.rules.docs import DEFAULT_OUT, missing_sections, render

from .conftest import SEED_JSON

P = {k: n for k, n in enumerate([
    "市机电技师学院安保和物业管理服务经费",
    "市机电技师学院技能竞赛设备设施购置经费项目",
    "市机电技师学院实训设备维修维护工作经费项目",
    "市机电技师学院国家助学金补助资金项目",
    "市机电技师学院技校实训、竞赛耗材项目购置经费项目",
    "市机电技师学院教学信息化设备购置项目",
    "广州市机电技师学院校园维护维修项目",
    "广州市机电技师学院2023年智慧校园与网络安全信息化建设项目",
    "广州市机电技师学院2023年-2024年校园信息化设备运维项目",
    "广州市机电技师学院专业实训设备及教学设施购置项目",
    "市机电技师学院免学费财政补助项目",
    "广州市机电技师学院2024年-2025年校园信息化设备运维项目",
    "广州市机电技师学院2024年智慧校园管理系统升级改造项目",
], 1)}

# (code, project, indicator_no) — the reasoning for each is in the report / README
SEED_FINDINGS = [
    ("STR015", P[1], None),  # 物业安保服务采购，没有成本指标
    ("VAL012", P[1], 1),    # 值「校园维稳处理率100%」里才是指标名，三级指标写成了目标
    ("STR015", P[2], None),  # 865 万元设备购置，没有成本指标
    ("TXT005", P[2], None),  # 目标写“每年交流人数不少于15队”，没有指标衡量
    ("VAL011", P[2], 10),   # 「2024年6月30日前」是时效目标，却在 12-质量指标 下
    ("STR014", P[2], 11),   # 经济效益「培训不少于10名选手」是产出的数量
    ("STR014", P[2], 12),   # 社会效益「培养不少于5名选手……」是产出的数量
    ("STR015", P[3], None),  # 维修维护，没有成本指标
    ("TXT004", P[3], 4),    # 目标写“满意率95%以上”，指标为 90%
    ("STR015", P[4], None),  # 助学金：目标写生均2000元，却没有成本指标
    ("VAL012", P[4], 2),    # 名称「……事件为0」含有指标值 0
    ("STR005", P[5], None),  # 没有满意度指标
    ("STR015", P[5], None),  # 耗材购置，没有成本指标
    ("TXT006", P[5], None),  # 目标三句“满足……需求”，没有数量、时间或标准
    ("STR015", P[6], None),  # 817 万元设备购置，没有成本指标
    ("STR005", P[7], None),  # 没有满意度指标
    ("STR015", P[7], None),  # 维修改造工程，没有成本指标
    ("TXT004", P[7], 1),    # 目标写 668平方米，指标为 600平方米
    ("STR015", P[8], None),  # 信息化建设，没有成本指标
    ("YR001", P[8], None),  # 名称写 2023年，预算年度 2024
    ("STR015", P[9], None),  # 运维服务，没有成本指标
    ("TXT003", P[9], None),  # 目标与 2024年-2025年 项目一字不差
    ("TXT005", P[9], None),  # 目标写线路运行 99%、断网不超过 1%，没有指标衡量（2024-2025 项目有）
    ("VAL003", P[9], 2),    # 质量指标「按月提供」没有数值
    ("STR015", P[10], None),  # 804 万元设备购置，没有成本指标
    ("STR015", P[11], None),  # 免学费补助，没有成本指标
    ("VAL012", P[11], 1),   # 名称「……事件为0」含有指标值 0
    ("STR015", P[12], None),  # 运维服务，没有成本指标
    ("TXT003", P[12], None),  # 同上，另一方
    ("STR015", P[13], None),  # 系统升级改造，没有成本指标
    ("VAL007", P[1], 3),    # 满意度 90% 没有 ≥（提示，本工具约定）
    ("VAL007", P[1], 4),
    ("VAL007", P[3], 4),
    ("VAL015", P[5], 1),    # 「2」没有计量单位
    ("VAL015", P[5], 3),
    ("VAL007", P[8], 6),
    ("VAL007", P[9], 6),
    ("VAL020", P[10], 6),   # 一年期项目两列写法不同：「新增设备4G」与「4G」（提示）
    ("VAL007", P[11], 4),
    ("VAL007", P[12], 5),
    ("VAL007", P[13], 5),
]


@pytest.fixture(scope="module")
def seed():
    return load_json(SEED_JSON)


def test_seed_findings_are_pinned(seed):
    got = [(f.code, f.project, f.indicator_no) for f in check(seed)]
    assert got == SEED_FINDINGS


def test_seed_has_no_amount_finding_and_no_error(seed):
    findings = check(seed)
    assert not [f for f in findings if f.code.startswith("AMT")]
    assert not [f for f in findings if f.severity == "error"]


def test_findings_carry_fields_messages_and_suggestions(seed):
    fields = {"total", "fiscal", "special", "other", "name", "unit", "target", "no", "level1",
              "level2", "period_value", "annual_value", "project"}
    for f in check(seed):
        assert f.field in fields and f.message and f.suggestion, f
        assert f.sheet is None and f.cell is None  # JSON filings have no origin


def test_order_errors_first(seed):
    seed = load_json(SEED_JSON)
    seed.projects[3].total += Decimal("1")
    findings = check(seed)
    ranks = [SEVERITY_ORDER[f.severity] for f in findings]
    assert ranks == sorted(ranks)
    assert [f.code for f in findings if f.severity == "error"] == ["AMT006", "AMT001"]


def test_rule_metadata_is_complete_and_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    for r in RULES:
        assert r.title and r.default_severity in SEVERITY_ORDER, r
        assert r.code[:-3] in {"AMT", "STR", "VAL", "TXT", "RD", "YR", "FLG"} and r.code[-3:].isdigit(), r
        assert "." in r.name, r


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_docstring_has_examples(rule):
    assert missing_sections(rule) == []


def test_docs_are_current():
    assert DEFAULT_OUT.read_text("utf-8") == render(), "run: python -m xl_tools.rules.docs"


# configuration ------------------------------------------------------------------------------

def test_default_profile_and_names():
    assert "广东" in profile_names()
    config = load_config()
    assert config.profile == "广东"
    assert config.options_for(RULES[0])["tolerance"] == Decimal("0.005")


def test_settings_override_profile_and_file_overrides_settings(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text('[VAL006]\nfloor = "70"\n', "utf-8")
    config = load_config(settings={"VAL006.floor": "90", "disabled": "VAL015、STR005",
                                   "values.satisfaction_operator.enabled": "否"})
    from xl_tools.rules.values import SatisfactionFloor
    assert config.options_for(SatisfactionFloor)["floor"] == Decimal(90)
    assert {"VAL007", "VAL015", "STR005"} <= config.disabled
    config = load_config(settings={"VAL006.floor": "90"}, path=path)
    assert config.options_for(SatisfactionFloor)["floor"] == Decimal(70)


def test_config_for_uses_filing_settings(seed):
    seed = load_json(SEED_JSON)
    seed.settings = {"VAL007.enabled": "否", "VAL015.severity": "警告"}
    codes = {(f.code, f.severity) for f in check(seed, config_for(seed))}
    assert ("VAL015", "warning") in codes and not any(c == "VAL007" for c, _ in codes)


@pytest.mark.parametrize(("settings", "word"), [
    ({"VAL006.flor": "90"}, "VAL006.flor"),
    ({"VAL999.floor": "90"}, "VAL999.floor"),
    ({"floor": "90"}, "floor"),
    ({"disabled": "VAL999"}, "VAL999"),
    ({"VAL006.severity": "严重"}, "VAL006.severity"),
    ({"VAL006.floor": "八十"}, "VAL006.floor"),
])
def test_unknown_or_bad_keys_name_the_key(settings, word):
    with pytest.raises(XlToolsError, match=word.replace(".", r"\.")):
        load_config(settings=settings)


def test_unknown_key_in_file_and_unknown_profile(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('threshold = 3\n', "utf-8")
    with pytest.raises(XlToolsError, match="threshold"):
        load_config(path=path)
    with pytest.raises(XlToolsError, match="火星"):
        load_config("火星")


def test_every_profile_loads():
    for name in profile_names():
        assert load_config(name).profile == name


# speed --------------------------------------------------------------------------------------

def test_five_thousand_projects_find_every_planted_fault():
    """The benchmark's size (speed lives in `make bench`): every 500th synthetic project has 总计 one
    万元 above its parts, and exactly those ten are flagged (plus the unit row they unbalance)."""
    big = synthetic_filing(5000)
    assert len(big.indicators) == 30000
    flagged = [f.project for f in check(big) if f.code == "AMT001" and f.project]
    assert flagged == [big.projects[k].name for k in range(0, 5000, 500)]


def test_content_only_rules_really_ignore_the_project(seed_filing):
    """Rules flagged ``content_only`` run once per distinct indicator content: their findings must not
    depend on the project (name, money, year range) nor on the indicator's position."""
    import copy

    from xl_tools.rules.base import Context
    from xl_tools.rules.config import config_for
    config = config_for(seed_filing)
    ctx = Context(seed_filing)
    other = copy.deepcopy(seed_filing.projects[0])
    other.name, other.total = "2019年-2020年某某项目", Decimal("0.01")
    flagged = [config.make(r) for r in RULES if r.content_only]
    assert len(flagged) >= 10
    keep = []                     # the context caches facts by id(): keep the copies alive
    for project in seed_filing.projects:
        for ind in project.indicators:
            moved = copy.copy(ind)
            moved.no = 99
            keep.append(moved)
            facts = ctx.facts(ind)
            for rule in flagged:
                here = [(f.code, f.message, f.suggestion, f.field) for f in rule.check_indicator(ctx, project, ind, facts)]
                there = [(f.code, f.message, f.suggestion, f.field)
                         for f in rule.check_indicator(ctx, other, moved, ctx.facts(moved))]
                assert here == there, (rule.code, ind.name)


def test_repeated_indicator_content_is_reported_for_every_copy(seed_filing):
    import copy
    filing = copy.deepcopy(seed_filing)
    twin = copy.deepcopy(filing.projects[0])
    twin.name = "复制的项目"
    filing.projects.append(twin)
    findings = check(filing)
    first = sorted((f.code, f.indicator_no, f.message) for f in findings
                   if f.project == filing.projects[0].name and f.indicator_no)
    second = sorted((f.code, f.indicator_no, f.message) for f in findings
                    if f.project == "复制的项目" and f.indicator_no)
    assert first and first == second


def test_every_code_in_the_source_is_catalogued():
    """Every finding code written anywhere in the product (rules, fills, imports, batch) is in the one
    catalogue, and the catalogue's rule entries say what the rule classes say."""
    import re
    from pathlib import Path

    from xl_tools import catalogue
    from xl_tools.rules.registry import RULES
    root = Path(__file__).resolve().parents[1] / "xl_tools"
    source = "".join(p.read_text("utf-8") for p in root.rglob("*.py"))
    used = set(re.findall(r'"((?:AMT|STR|VAL|TXT|RD|YR|FIL|IMP|FILE)\d{3})"', source))
    assert used and used <= set(catalogue.codes()), used - set(catalogue.codes())
    for rule in RULES:
        entry = catalogue.info(rule.code)
        assert (rule.title, rule.default_severity) == (entry.title, entry.severity)
    rule_families = {catalogue.family_of(r.code) for r in RULES}
    assert {c.code for c in catalogue.codes().values() if c.family in rule_families} == {r.code for r in RULES}


def test_unknown_code_is_refused():
    from xl_tools import catalogue
    with pytest.raises(KeyError, match="IMP999"):
        catalogue.finding("IMP999", "x")


def test_rule_class_states_its_whole_definition():
    """A rule without its title, severity or basis is refused when the class is made."""
    from xl_tools.rules.base import Rule
    with pytest.raises(TypeError, match="default_severity, basis"):
        type("Stray", (Rule,), {"code": "AMT099", "name": "amounts.stray", "title": "别的标题"})
    with pytest.raises(TypeError, match="severity 'fatal'"):
        type("Stray", (Rule,), {"code": "AMT099", "name": "amounts.stray", "title": "标题",
                                "default_severity": "fatal", "basis": ("G-FORM",)})
