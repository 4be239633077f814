"""The guidance coverage: requirement data, every rule's basis, the clean variants a reviewer accepts,
and the realistic defects injected into the bundled sample one at a time."""

from __future__ import annotations

import copy
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from xl_tools.categories import split_label
from xl_tools.findings import INFO
from xl_tools.jsonio import load_json
from xl_tools.model import Indicator
from xl_tools.rules import RULES, check
from xl_tools.rules.config import load_config
from xl_tools.rules.docs import sections
from xl_tools.rules.guidance import guidance

from .support.rulecases import build

HERE = Path(__file__).parent / "guidance"
SEED = Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json"
CODES = {r.code for r in RULES}
_IDS = re.compile(r"[GHU]-[A-Z-]+[A-Z]")


def test_requirements_name_known_rules_and_sources():
    g = guidance()
    sources = {s.id for s in g.sources}
    for req in g.requirements:
        assert req.source in sources, req.id
        assert req.quote and req.where, req.id
        assert bool(req.rules) != bool(req.unchecked), req.id      # enforced by rules, or why not
        assert set(req.rules) <= CODES, (req.id, set(req.rules) - CODES)
    assert len({r.id for r in g.requirements}) == len(g.requirements)


def test_every_rule_names_its_basis():
    """Each rule's basis names known requirements, and its docstring names none itself (the ids live in
    the basis only: docs/rules.md writes them out)."""
    g = guidance()
    known = {r.id for r in g.requirements}
    for rule in RULES:
        assert rule.basis and set(rule.basis) <= known, (rule.code, set(rule.basis) - known)
        assert {r.id for r in g.for_rule(rule.code)} == set(rule.basis), rule.code
        assert not _IDS.findall(sections(rule).get("依据", "")), rule.code


def test_guidance_data_lists_no_rules():
    """Which rules enforce a requirement is worked out from the rules' basis, never kept in the data."""
    data = tomllib.loads((Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "guidance.toml")
                         .read_text("utf-8"))
    assert not [r["id"] for r in data["requirement"] if "rules" in r]


def test_house_style_rules_say_so_and_only_inform():
    config = load_config("广东")
    for req in guidance().requirements:
        if not req.house:
            continue
        for code in req.rules:
            rule = next(r for r in RULES if r.code == code)
            assert "约定" in sections(rule).get("依据", "") + req.text, code
            assert not config.enabled(code) or config.severity(rule) == INFO, code


def _cases(name: str, key: str):
    data = tomllib.loads((HERE / name).read_text("utf-8"))
    return [pytest.param(c, id=c["name"]) for c in data[key]]


@pytest.mark.parametrize("case", _cases("clean.toml", "case"))
def test_clean_variants_stay_silent(case):
    assert [(f.code, f.message) for f in check(build(case))] == []


def _inject(filing, defect):
    project = filing.projects[defect["project"] - 1]
    if "add" in defect:
        l1, l2, name, value = defect["add"]
        (c1, n1), (c2, n2) = split_label(l1), split_label(l2)
        project.indicators.append(Indicator(len(project.indicators) + 1, c1, n1, c2, n2, name, value, value,
                                            project.name))
    if "set" in defect:
        change = dict(defect["set"])
        ind = project.indicators[change.pop("no") - 1]
        ind.period_value, ind.annual_value = change["period"], change["annual"]
    if "target" in defect:
        project.target += defect["target"]
    return project.name


def injected(defect) -> list[tuple[str, str | None]]:
    """The findings that the defect adds to the sample's own (code, project)."""
    seed = load_json(SEED)
    base = Counter((f.code, f.project, f.indicator_no) for f in check(seed))
    filing = copy.deepcopy(seed)
    _inject(filing, defect)
    new = Counter((f.code, f.project, f.indicator_no) for f in check(filing)) - base
    return [(code, project) for code, project, _no in new.elements()]


@pytest.mark.parametrize("defect", _cases("defects.toml", "defect"))
def test_each_injected_defect_is_flagged(defect):
    seed_name = load_json(SEED).projects[defect["project"] - 1].name
    got = injected(defect)
    assert (defect["expect"], seed_name) in got, got
