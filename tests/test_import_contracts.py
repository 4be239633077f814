"""The import contracts of setup.cfg (``lint-imports`` in ``make lint``) catch what they promise to:
each is broken on a copy of the package with one deliberate violation, and kept on an unchanged copy.
xlwings Lite's script (``lite/main.py``, outside the package) is held to the same door by reading it."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
CONFIG = configparser.ConfigParser()
CONFIG.read(ROOT / "setup.cfg", encoding="utf-8")


def _listed(contract: str, key: str) -> list[str]:
    return CONFIG[f"importlinter:contract:{contract}"][key].split()


@pytest.fixture(scope="module")
def copy_of_package(tmp_path_factory):
    """The package's modules and setup.cfg, in a folder of their own."""
    root = tmp_path_factory.mktemp("contracts")
    shutil.copytree(ROOT / "xl_tools", root / "xl_tools", ignore=shutil.ignore_patterns("data", "static", "templates",
                                                                                       "__pycache__"))
    shutil.copy(ROOT / "setup.cfg", root / "setup.cfg")
    return root


def _lint(root: Path, violation: tuple[str, str] | None = None) -> subprocess.CompletedProcess:
    """lint-imports on ``root``, with ``violation`` (module file, line appended) added for this run only."""
    path = original = None
    if violation is not None:
        path = root / violation[0]
        original = path.read_text("utf-8")
        path.write_text(original + "\n" + violation[1] + "\n", "utf-8")
    try:
        env = {**os.environ, "PYTHONPATH": str(root)}
        return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                              timeout=300)
    finally:
        if path is not None:
            path.write_text(original, "utf-8")


def test_an_unchanged_copy_keeps_every_contract(copy_of_package):
    done = _lint(copy_of_package)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("module, line", [
    ("xl_tools/cli/review.py", "from ..rules.registry import RULES  # noqa"),
    ("xl_tools/web/site.py", "from ..refresh import plan  # noqa"),
    ("xl_tools/server/auth.py", "from ..publish import table  # noqa"),
    ("xl_tools/desktop.py", "from .ooxml import package  # noqa"),
    ("xl_tools/cli/cycle.py", "from ..batch import task  # noqa"),
])
def test_an_interface_reaching_past_app_breaks_the_one_door(copy_of_package, module, line):
    done = _lint(copy_of_package, (module, line))
    assert done.returncode != 0
    assert "interfaces call app, not what is behind it BROKEN" in done.stdout, done.stdout


@pytest.mark.parametrize("line", [
    "import openpyxl  # noqa",
    "import xlwings  # noqa",
    "from ..ooxml import cells  # noqa",
    "from ..workbook import reader  # noqa",
])
def test_a_rule_module_touching_a_workbook_breaks_its_contract(copy_of_package, line):
    done = _lint(copy_of_package, ("xl_tools/rules/text.py", line))
    assert done.returncode != 0
    assert "rules import no workbook, xlwings, openpyxl or ooxml module BROKEN" in done.stdout, done.stdout


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_xlwings_lite_calls_app_only():
    """lite/main.py lies outside the package, where import-linter does not look: the same forbidden
    list, read from setup.cfg, holds for it."""
    forbidden = _listed("one-door", "forbidden_modules")
    used = _imports(ROOT / "lite" / "main.py")
    assert "xl_tools.app" in used or "xl_tools" in used
    assert not [m for m in used for f in forbidden if m == f or m.startswith(f + ".")]


@pytest.mark.parametrize("line", ["from ..ooxml.styles import Format  # noqa", "import xlwings  # noqa",
                                  "from .live import apply_ops  # noqa"])
def test_a_writer_type_in_the_plan_breaks_its_contract(copy_of_package, line):
    done = _lint(copy_of_package, ("xl_tools/refresh/ops.py", line))
    assert done.returncode != 0
    assert "the refresh plan's operations name no writer BROKEN" in done.stdout, done.stdout


@pytest.mark.parametrize("module, line", [("xl_tools/publish/xlsx.py", "import xlsxwriter  # noqa"),
                                          ("xl_tools/workbook/template.py", "import xlsxwriter  # noqa"),
                                          ("xl_tools/ooxml/tables.py", "from openpyxl.worksheet.table import Table  # noqa"),
                                          ("xl_tools/ooxml/newpackage.py", "from openpyxl import Workbook  # noqa"),
                                          ("xl_tools/reportbook.py", "from openpyxl.styles import Font  # noqa"),
                                          ("xl_tools/diff/render.py", "import openpyxl  # noqa")])
def test_a_fifth_engine_in_a_writing_module_breaks_the_one_writer(copy_of_package, module, line):
    done = _lint(copy_of_package, (module, line))
    assert done.returncode != 0
    assert "the tool's workbooks are written by the package patcher only BROKEN" in done.stdout, done.stdout


def test_xlsxwriter_anywhere_in_the_tool_breaks_its_contract(copy_of_package):
    """XlsxWriter wrote the template until the package patcher could (tables, validations, the button):
    no module of the tool may bring it back, writing or not."""
    done = _lint(copy_of_package, ("xl_tools/jsonio.py", "import xlsxwriter  # noqa"))
    assert done.returncode != 0
    assert "no module of the tool imports another xlsx writer BROKEN" in done.stdout, done.stdout
