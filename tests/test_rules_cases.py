"""Every rule's pass/fail cases (tests/rule_cases/<CODE>.toml), run by one parametrised test.

A case is a small filing fragment; whatever it leaves out gets a clean default, so a case only
states what its rule looks at. ``expect`` lists the findings of the rule under test, in order
(keys: project, indicator_no, field, severity, cell, message and suggestion = a substring,
suggestion_lacks = substrings the suggestion must not contain); ``config`` sets the
rule's options, ``settings`` the workbook overrides, ``department`` and ``no_year = true`` the 基本信息.
The filing is placed as ``build_workbook`` writes it (项目 row 2 onwards, 绩效指标 row 2 onwards in project
order), so ``cell`` is the cell a reviewer sees.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from xl_tools.categories import split_label
from xl_tools.model import MONEY_FIELDS, Filing, Indicator, Project, ReadProblem, Unit
from xl_tools.rules import RULES, check, load_config
from xl_tools.rules.config import apply_table
from xl_tools.workbook.template import place_as_written

CASES = Path(__file__).parent / "rule_cases"
NAMES = "甲乙丙丁戊己庚辛"
DEFAULT_TARGET = "按计划完成本年度项目建设任务，保障教学和实训工作安全有序进行，提升服务质量。"
DEFAULT_INDICATORS = [
    ["1-产出指标", "11-数量指标", "新增设备数量", "5台"],
    ["2-效益指标", "22-社会效益", "安全生产事故发生数", "0次"],
    ["3-满意度指标", "31-服务对象满意度", "服务对象满意度", "≥90%"],
]


def _indicator(spec, pos: int, project: str) -> Indicator:
    if isinstance(spec, list):
        spec = dict(zip(("level1", "level2", "name", "period", "annual"), spec))
    l1c, l1 = split_label(spec.get("level1", ""))
    l2c, l2 = split_label(spec.get("level2", ""))
    period = spec.get("period", "")
    no = spec.get("no", pos)
    ind = Indicator(no=None if no == -1 else no, level1_code=l1c, level1=l1, level2_code=l2c,
                    level2=l2, name=spec.get("name", ""), period_value=period,
                    annual_value=spec.get("annual", period), project=spec.get("project", project))
    ind.raw = dict(spec.get("raw", {}))          # cells as typed, e.g. 序号 as text
    return ind


def _project(spec: dict, k: int) -> Project:
    name = spec.get("name", f"项目{NAMES[k]}")
    parts = {f: Decimal(spec[f]) for f in ("fiscal", "special", "other") if f in spec}
    if "total" in spec:
        total = Decimal(spec["total"])
        parts = parts or {"fiscal": total}
    else:
        parts = parts or {"fiscal": Decimal("100.00")}
        total = sum(parts.values(), Decimal(0))
    inds = spec.get("indicators", DEFAULT_INDICATORS)
    return Project(name=name, unit=spec.get("unit", "测试单位"), total=total, **parts,
                   target=spec.get("target", DEFAULT_TARGET),
                   indicators=[_indicator(s, n, name) for n, s in enumerate(inds, 1)],
                   raw=_amount_cells(spec.get("raw", {})))


def _amount_cells(raw: dict) -> dict:
    """A case's cells as typed; an amount written "" is a blank cell, which the reader gives as None."""
    return {f: None if f in MONEY_FIELDS and v == "" else v for f, v in raw.items()}


def build(case: dict) -> Filing:
    """A Filing from a case fragment (defaults fill in everything the case does not state)."""
    projects = [_project(p, k) for k, p in enumerate(case.get("projects", [{}]))]
    units = [Unit(u["name"], **{f: Decimal(u[f]) for f in ("total", "fiscal", "special", "other")
                                if f in u}) for u in case.get("units", [])]
    total = Decimal(case["total"]) if "total" in case else sum((p.total for p in projects),
                                                               Decimal(0))
    problems = [ReadProblem(p["code"], p.get("message", ""), None, p.get("field"), p.get("project"),
                            p.get("value")) for p in case.get("problems", [])]
    orphans = [_indicator(s, n, s.get("project", "")) for n, s in
               enumerate(case.get("orphan_indicators", []), 1)]
    year = None if case.get("no_year") else case.get("year", 2024)
    return place_as_written(Filing(year=year, department=case.get("department", "测试部门"), total=total,
                                   units=units, projects=projects, problems=problems,
                                   orphan_indicators=orphans, settings=dict(case.get("settings", {}))))


def _load_cases():
    out = []
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for case in data.get("case", []):
            out.append(pytest.param(path.stem, case, id=f"{path.stem}_{case['name']}"))
    return out


ALL_CASES = _load_cases()


@pytest.mark.parametrize(("code", "case"), ALL_CASES)
def test_rule_case(code, case):
    filing = build(case)
    config = load_config(settings=filing.settings)
    if "config" in case:
        apply_table(config, {code: case["config"]}, "case")
    got = [f for f in check(filing, config) if f.code == code]
    expect = case["expect"]
    assert len(got) == len(expect), [f.message for f in got]
    for f, e in zip(got, expect):
        for key in ("project", "indicator_no", "field", "severity", "cell"):
            if key in e:
                assert getattr(f, key) == e[key], (key, f)
        if "message" in e:
            assert e["message"] in f.message, f.message
        if "suggestion" in e:
            assert e["suggestion"] in f.suggestion, f.suggestion
        for word in e.get("suggestion_lacks", []):
            assert word not in f.suggestion, f.suggestion
        assert f.message and f.suggestion, f


def test_every_rule_has_passing_and_failing_cases():
    files = {p.stem for p in CASES.glob("*.toml")}
    codes = {r.code for r in RULES}
    assert files == codes, (files - codes, codes - files)
    for code in codes:
        data = tomllib.loads((CASES / f"{code}.toml").read_text("utf-8"))
        names = [c["name"] for c in data["case"]]
        assert any(n.startswith("pass") for n in names), code
        assert any(n.startswith("fail") for n in names), code
        assert len(names) == len(set(names)), code
        fails = [c for c in data["case"] if c["name"].startswith("fail")]
        assert all(c["expect"] for c in fails), code


def test_default_fragment_is_clean():
    assert check(build({})) == []


def test_example_suggestions_do_not_repeat_the_word_the_ui_adds():
    """The note, 校验结果 and the command line print 「建议：」 before a suggestion; a suggestion that starts
    with 建议 reads 「建议：建议改为…」. Checked on every finding of every rule's cases."""
    seen = set()
    for param in ALL_CASES:
        code, case = param.values
        filing = build(case)
        config = load_config(settings=filing.settings)
        if "config" in case:
            apply_table(config, {code: case["config"]}, "case")
        for f in check(filing, config):
            seen.add(f.code)
            assert not f.suggestion.lstrip().startswith("建议"), (f.code, f.suggestion)
    assert seen >= {r.code for r in RULES}
