"""Every rule's pass/fail cases (tests/rule_cases/<CODE>.toml), run by one parametrised test, and the
snapshot of every finding they give (tests/rule_cases/snapshots/<CODE>.txt).

A case is a small filing fragment (``tests/support/rulecases.build``); ``expect`` lists the findings of the
rule under test, in order (keys: project, indicator_no, field, severity, cell, message and suggestion =
a substring, suggestion_lacks = substrings the suggestion must not contain, draft = a substring of the
drafted indicator line); ``config`` sets the rule's
options, ``settings`` the workbook overrides, ``department`` and ``no_year = true`` the 基本信息.
The snapshot holds every finding of every rule in full (code, cells, message, 建议): a change of any
finding fails ``test_snapshot`` with the diff until ``make snapshots`` rewrites it and the diff is
committed. No two rules may report the same cell with the same meaning (``test_no_two_rules_say_the_same``).
"""

from __future__ import annotations

import tomllib
from difflib import SequenceMatcher
from itertools import combinations

import pytest

from xl_tools.findings import Finding
from xl_tools.jsonio import load_json
from xl_tools.rules import RULES, check

from .conftest import ROOT
from .support.rulecases import CASES, UPDATE, build, case_files, cases_of, run_case, stale

SEED = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"


def _load_cases():
    return [pytest.param(path.stem, case, id=f"{path.stem}_{case['name']}")
            for path in case_files() for case in cases_of(path)]


ALL_CASES = _load_cases()


@pytest.mark.parametrize(("code", "case"), ALL_CASES)
def test_rule_case(code, case):
    got = [f for f in run_case(code, case) if f.code == code]
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
        if "draft" in e:                       # the ready line for what is missing, as a person reads it
            assert f.draft is not None and e["draft"] in f.draft.line, f.draft
        assert f.message and f.suggestion, f


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_snapshot(path):
    """Every finding of every case, in full, is the committed snapshot; a change is shown as a diff."""
    diff = stale(path)
    assert not diff, f"the findings changed; if that is intended, run `{UPDATE}` and commit:\n{diff}"


def test_every_case_file_has_its_snapshot_and_no_other():
    snaps = {p.stem for p in (CASES / "snapshots").glob("*.txt")}
    assert snaps == {p.stem for p in case_files()}, f"run `{UPDATE}`"


def _norm(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def same_meaning(a: Finding, b: Finding) -> bool:
    """Two findings of different rules that tell the person the same thing about the same cell: nearly
    the same message, or nearly the same advice with a message much alike."""
    if a.code == b.code or a.sheet != b.sheet or not set(a.cells) & set(b.cells):
        return False
    said = SequenceMatcher(None, _norm(a.message), _norm(b.message)).ratio()
    advice = SequenceMatcher(None, _norm(a.suggestion), _norm(b.suggestion)).ratio()
    return said >= 0.8 or (advice >= 0.8 and said >= 0.5)


def said_twice(findings: list[Finding]) -> list[str]:
    return [f"{a.code} and {b.code} on {a.where}: 「{a.message}」 / 「{b.message}」"
            for a, b in combinations(findings, 2) if same_meaning(a, b)]


def _every_case_and_the_sample():
    for param in ALL_CASES:
        code, case = param.values
        yield f"{code} {case['name']}", run_case(code, case)
    yield "sample", check(load_json(SEED))


def test_no_two_rules_say_the_same():
    """All cases (and the bundled sample) through all rules: no cell gets the same finding from two rules."""
    twice = [f"{where}: {d}" for where, findings in _every_case_and_the_sample() for d in said_twice(findings)]
    assert not twice, "\n".join(twice)


def test_a_copied_rule_is_caught(monkeypatch):
    """A copy of VAL006 under another code passes its own cases but is caught saying what VAL006 says."""
    from xl_tools.rules import engine
    from xl_tools.rules.values import SatisfactionFloor

    copy = type("CopiedFloor", (SatisfactionFloor,), {
        "code": "VAL099", "name": "values.copied_floor", "title": SatisfactionFloor.title,
        "default_severity": SatisfactionFloor.default_severity, "basis": SatisfactionFloor.basis})
    monkeypatch.setattr(engine, "RULES", [*engine.RULES, copy])
    twice = [d for _, findings in _every_case_and_the_sample() for d in said_twice(findings)]
    assert twice and all("VAL006 and VAL099" in d for d in twice), twice


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
        for f in run_case(code, case):
            seen.add(f.code)
            assert not f.suggestion.lstrip().startswith("建议"), (f.code, f.suggestion)
    assert seen >= {r.code for r in RULES}
