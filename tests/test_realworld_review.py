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


def share_found() -> tuple[int, int, list[dict]]:
    """(problems found, problems listed, the problems no rule finds) on the set as the rules read it now."""
    from tests.support.realworld import current
    said: dict[tuple, set[str]] = {}
    for key in current():
        table, code, project, indicator = key[:4]
        said.setdefault((table, project, indicator), set()).add(code)
    listed = problems()
    missed = [p for p in listed if not set(p["found_by"]) & said.get((p["table"], p["project"], p["indicator"]), set())]
    return len(listed) - len(missed), len(listed), missed


def test_the_rules_find_what_the_reviewer_lists():
    """At least 60 % of the reviewer's problems are found (issue 24), and every problem the list says a
    rule finds is found: a rule that stops finding one fails here."""
    found, listed, missed = share_found()
    claimed = [p for p in missed if p["found_by"]]
    assert not claimed, claimed
    assert found / listed >= 0.6, (found, listed)
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert f"{found} of the {listed} problems ({round(100 * found / listed)} %)" in readme, "README: the share found"
