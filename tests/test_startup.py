"""Start-up: ``xl-tools --version`` and the help texts import nothing heavy (the desktop button and every
command pay for what the command line imports before it knows what to do). How long it takes is measured
by ``make bench``; here, what a real process imports (``python -X importtime``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

# libraries and parts of the application a command imports only when it runs
HEAVY = ("openpyxl", "rich", "lxml", "numpy", "pandas", "xlsxwriter", "xlwings", "rapidfuzz", "pdfplumber",
         "xl_tools.app", "xl_tools.rules", "xl_tools.workbook", "xl_tools.ooxml", "xl_tools.refresh",
         "xl_tools.batch", "xl_tools.server")


def imported(*argv: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "xl_tools", *argv], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("check", "--help"), ()])
def test_the_command_line_starts_without_heavy_modules(argv):
    modules = imported(*argv)
    assert "xl_tools.cli" in modules                      # the probe sees the application's imports
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert not heavy, heavy


def test_a_command_that_runs_imports_what_it_needs(seed_workbook):
    """The probe can fail: ``check`` on a workbook does import the reader and the rules."""
    modules = imported("check", str(seed_workbook))
    assert "xl_tools.app" in modules and "xl_tools.rules" in modules


# what reading a workbook and checking it needs none of: openpyxl alone (numpy with it) was half of the
# `check` process on the seed-size workbook
NOT_FOR_CHECK = ("openpyxl", "numpy", "xlsxwriter", "pandas", "rich", "xlwings", "pdfplumber", "pdfminer")


def test_check_of_a_workbook_reads_and_checks_it_without_a_spreadsheet_library(seed_workbook):
    modules = imported("check", str(seed_workbook))
    assert "xl_tools.rules" in modules and "xl_tools.ooxml.view" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in NOT_FOR_CHECK or m.startswith("xl_tools.importer"))
    assert not heavy, heavy


def test_a_refresh_of_a_sealed_file_loads_neither_the_reader_nor_the_rules(seed_workbook):
    """The second refresh of a file nothing changed since (``refresh.seal``) hashes its zip and stops."""
    from xl_tools.cli import main
    assert main(["refresh", str(seed_workbook)]) == 0                # writes and seals
    modules = imported("refresh", str(seed_workbook))
    assert "xl_tools.refresh.seal" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in NOT_FOR_CHECK or m.startswith(
        ("xl_tools.rules", "xl_tools.refresh.plan", "xl_tools.ooxml.view", "xl_tools.workbook")))
    assert not heavy, heavy


# what the value grammar compiles and imports before it reads a value: every command that shows or writes a
# value imports it, `template` reads none; its unit patterns (every known unit, several times over) took 45 ms
# of the import, calendar and its locale 10 ms more
_GRAMMAR_PROBE = """
import re, sys
compiled = []
compile_ = re.compile
re.compile = lambda pattern, flags=0: compiled.append(len(pattern)) or compile_(pattern, flags)
import xl_tools.valuegrammar as grammar
print(max(compiled), "calendar" in sys.modules)
value = grammar.parse_value("不少于10余人次", None)
print(max(compiled), value.op, value.value, value.unit, value.extra)
"""


def test_the_value_grammar_compiles_its_unit_patterns_on_the_first_value_it_reads():
    proc = subprocess.run([sys.executable, "-c", _GRAMMAR_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    at_import, after_a_value = proc.stdout.splitlines()
    longest, calendar = at_import.split()
    assert int(longest) < 1000 and calendar == "False", at_import
    longest, *value = after_a_value.split()
    assert int(longest) > 1000                          # the probe sees the unit pattern when it is compiled
    assert value == [">=", "10", "人次", "余"]
