"""The reviewer's list of the real-table set (tests/realworld/reviewer.toml, issue 24): what a
finance-bureau reviewer sends back on each table, the requirement it rests on and the rule that finds it."""

from __future__ import annotations

import tomllib

from xl_tools.rules import RULES
from xl_tools.rules.guidance import guidance

from .conftest import ROOT

REALWORLD = ROOT / "tests" / "realworld"


def problems() -> list[dict]:
    return tomllib.loads((REALWORLD / "reviewer.toml").read_text("utf-8"))["problem"]


def test_every_problem_names_its_table_requirement_and_rules():
    tables = {t["id"] for t in tomllib.loads((REALWORLD / "corpus.toml").read_text("utf-8"))["table"]}
    requirements = {r.id for r in guidance().requirements}
    codes = {r.code for r in RULES}
    keys = set()
    for p in problems():
        assert p["table"] in tables and p["project"] >= 1 and p["indicator"] >= 0, p
        assert p["guidance"] in requirements, p
        assert set(p["found_by"]) <= codes, p
        assert p["problem"].strip() and p["subject"].strip(), p
        assert p["checkable"] or not p["found_by"], p          # a rule finds only what a rule can check
        keys.add((p["table"], p["project"], p["indicator"], p["problem"]))
    assert len(keys) == len(problems())
