"""One definition per rule: the class states code, name, title, severity, basis and options; the registry,
the catalogue's rule part, the guidance coverage, docs/rules.md and the README count follow from it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import xl_tools.rules as rules_package
from xl_tools import catalogue
from xl_tools.rules.base import Rule
from xl_tools.rules.docs import CATALOGUE, README, render_catalogue, render_readme
from xl_tools.rules.registry import FAMILY_MODULES, RULES


def test_registry_holds_every_rule_class_of_the_package():
    """A rule class in a module the registry does not read would never run: every module of
    xl_tools.rules that defines a class with a code is one of FAMILY_MODULES."""
    defined = {}
    for info in pkgutil.iter_modules(rules_package.__path__):
        module = importlib.import_module(f"xl_tools.rules.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Rule) and cls.__module__ == module.__name__ and cls.code:
                defined[cls.code] = module
    assert set(defined.values()) <= set(FAMILY_MODULES)
    assert sorted(defined) == sorted(r.code for r in RULES)


def test_registry_order_is_family_then_code():
    order = list(catalogue.families())
    keys = [(order.index(catalogue.family_of(r.code)), r.code) for r in RULES]
    assert keys == sorted(keys)


def test_catalogue_rule_part_is_generated_from_the_rules():
    text = CATALOGUE.read_text("utf-8")
    assert text == render_catalogue(text), "run: make docs"
    for rule in RULES:
        entry = catalogue.info(rule.code)
        assert (entry.title, entry.severity) == (rule.title, rule.default_severity)


def test_catalogue_block_follows_a_changed_rule(monkeypatch):
    """The generator writes what the class says: a changed title shows in the block."""
    rule = RULES[0]
    monkeypatch.setattr(rule, "title", "改过的标题")
    text = render_catalogue(CATALOGUE.read_text("utf-8"))
    assert f'[codes.{rule.code}]\ntitle = "改过的标题"' in text
    assert text.count("[codes.FIL001]") == 1


def test_readme_count_is_generated():
    text = README.read_text("utf-8")
    assert text == render_readme(text), "run: make docs"
    assert f"{len(RULES)} review rules" in render_readme(text.replace(f"{len(RULES)} review rules",
                                                                       "7 review rules"))


def test_no_rule_keeps_the_scaffolds_placeholders():
    from tools.newrule import BASIS_TODO, TITLE_TODO
    assert not [r.code for r in RULES if r.title == TITLE_TODO or BASIS_TODO in r.basis]


def _copy_of_the_repository(tmp_path):
    """The parts of the repository the scaffold writes and the generators read, in a scratch folder."""
    import shutil

    from .conftest import ROOT
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.png", "*.pdf", "*.xlsx", "*.xlsm")
    for part in ("xl_tools", "tools", "docs", "tests/support", "tests/rule_cases"):
        shutil.copytree(ROOT / part, root / part, ignore=ignore)
    for part in ("README.md", "tests/__init__.py", "pyproject.toml"):
        shutil.copy(ROOT / part, root / part)
    return root


def _in(root, code: str) -> dict:
    """What the copy's own code says of the rule ``code`` (run there, in a fresh interpreter)."""
    import json
    import os
    import subprocess
    import sys
    probe = ("import json, tomllib; from xl_tools.rules.registry import RULES; from xl_tools import catalogue; "
             f"r = [x for x in RULES if x.code == '{code}']; "
             "print(json.dumps({'rules': [x.__module__ for x in r], 'count': len(RULES), "
             f"'catalogued': '{code}' in catalogue.codes()}}))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_make_rule_scaffolds_a_rule_that_runs_and_is_listed_everywhere(tmp_path):
    import subprocess
    import sys
    root = _copy_of_the_repository(tmp_path)
    before = _in(root, "VAL099")["count"]
    run = subprocess.run([sys.executable, str(root / "tools" / "newrule.py"), "VAL099", "values.probe_rule",
                          "--title", "探针规则", "--basis", "G-QUANT", "--root", str(root)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = _in(root, "VAL099")
    assert got == {"rules": ["xl_tools.rules.values"], "count": before + 1, "catalogued": True}
    assert "VAL099 探针规则" in (root / "docs" / "rules.md").read_text("utf-8")
    assert f"{before + 1} review rules" in (root / "README.md").read_text("utf-8").replace("\n  ", " ")
    cases = (root / "tests" / "rule_cases" / "VAL099.toml").read_text("utf-8")
    assert 'name = "pass_default"' in cases and 'name = "fail_example"' in cases
    assert "== fail_example" in (root / "tests" / "rule_cases" / "snapshots" / "VAL099.txt").read_text("utf-8")
    again = subprocess.run([sys.executable, str(root / "tools" / "newrule.py"), "VAL099", "values.other",
                            "--root", str(root)], capture_output=True, text=True)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_make_rule_in_a_new_module_registers_it(tmp_path):
    import subprocess
    import sys
    root = _copy_of_the_repository(tmp_path)
    run = subprocess.run([sys.executable, str(root / "tools" / "newrule.py"), "TXT099", "probes.new_family",
                          "--root", str(root)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert _in(root, "TXT099")["rules"] == ["xl_tools.rules.probes"]
    assert "probes" in (root / "xl_tools" / "rules" / "registry.py").read_text("utf-8")
