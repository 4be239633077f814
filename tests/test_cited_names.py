"""What the documents and docstrings name exists: files and modules (``plan.py``, ``xl_tools/ooxml/view.py``,
``refresh.file_writer``), tests (``test_own_layout.py``, ``test_typed_three_projects_left_unit_totals_blank``)
and the attributes a dotted name points at (``registry.RULES``). A renamed module or test makes its
citations fail here instead of going stale."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

from xl_tools.rules import RULES

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGE = ROOT / "xl_tools"
# a code span: `...` in Markdown, ``...`` in a docstring
_SPAN = re.compile(r"``([^`\n]+)``|`([^`\n]+)`")
_FILE = re.compile(r"^[\w/.-]*[\w-]+\.(?:py|mjs|toml)$")
_TEST = re.compile(r"^test_\w+$")
_DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?$")
_NOT_CODE = re.compile(r"\.(?:xml|rels|vml|ini|bin|json|txt|md|xlsx|xlsm|csv|pdf|png)$")   # styles.xml, desktop.ini

FILES = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
         if p.is_file() and ".venv" not in p.parts and "node_modules" not in p.parts and ".git" not in p.parts}
BASENAMES = {f.rsplit("/", 1)[-1] for f in FILES}
MODULES = {p.stem for p in PACKAGE.rglob("*.py")} | {p.name for p in PACKAGE.rglob("*") if p.is_dir()}
TESTS = {node.name for p in (ROOT / "tests").rglob("test_*.py")
         for node in ast.walk(ast.parse(p.read_text("utf-8"))) if isinstance(node, ast.FunctionDef)}


RULE_NAMES = {rule.name for rule in RULES}        # values.missing: a rule's dotted name, not a module


def _spans(text: str) -> list[str]:
    return [a or b for a, b in _SPAN.findall(text)]


def _docstrings(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield doc


EXTERNAL_FILES = {"main.py"}      # xlwings Lite's script in the person's workbook


def _file_exists(name: str) -> bool:
    name = name.removeprefix("./")
    return name in EXTERNAL_FILES or name in FILES or f"xl_tools/{name}" in FILES or ("/" not in name and name in BASENAMES)


def _module_paths(first: str) -> list[str]:
    """Every importable module of the package whose last part is ``first`` (``plan`` → xl_tools.refresh.plan)."""
    out = []
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and parts[-1] == first:
            out.append(".".join(parts))
    return out


def _resolves(dotted: str) -> bool:
    """``refresh.plan.plan_refresh``, ``xl_tools.app.review``, ``registry.RULES``: some module of the package
    named by the first part (or the package itself) has the rest as submodules or attributes."""
    parts = dotted.removesuffix("()").split(".")
    starts = ["xl_tools"] if parts[0] == "xl_tools" else _module_paths(parts[0])
    return any(_walk(start, parts[1:]) for start in starts) or _instance(parts)


def _instance(parts: list[str]) -> bool:
    """``filing.problems``: an attribute of an instance of the model class named by the first part."""
    from xl_tools import model
    cls = getattr(model, parts[0].capitalize(), None)
    return isinstance(cls, type) and len(parts) == 2 and (hasattr(cls, parts[1]) or _has_field(cls, parts[1]))


def _walk(module: str, rest: list[str]) -> bool:
    try:
        obj = importlib.import_module(module)
    except Exception:                 # noqa: BLE001 - cannot load here (xlwings Server without a key): trust the file
        return True
    for k, part in enumerate(rest):
        if importlib.util.find_spec(f"{module}.{part}") if hasattr(obj, "__path__") else False:
            return _walk(f"{module}.{part}", rest[k + 1:])
        if not hasattr(obj, part) and not _has_field(obj, part):
            return False
        obj = getattr(obj, part, None)
    return True


def _has_field(obj, name: str) -> bool:
    """A dataclass field or an annotated attribute (``Facts.values_key``, ``Filing.orphan_indicators``)."""
    return name in getattr(obj, "__annotations__", {}) or name in getattr(obj, "__dataclass_fields__", {})


def _cited(text: str):
    """(kind, name) of every file, test and dotted package name in the code spans of ``text``."""
    for span in _spans(text):
        for token in re.split(r"[\s,;:()]+", span):
            token = token.strip(".'\"")
            if _FILE.match(token):
                yield "file", token
            elif _TEST.match(token):
                yield "test", token
            elif (_DOTTED.match(token) and token.split(".")[0] in MODULES | {"xl_tools"} and token not in RULE_NAMES
                  and not _NOT_CODE.search(token)):
                yield "name", token


def _missing(text: str) -> list[str]:
    out = []
    for kind, name in _cited(text):
        ok = (_file_exists(name) if kind == "file" else name in TESTS if kind == "test" else _resolves(name))
        if not ok:
            out.append(f"{kind} {name}")
    return sorted(set(out))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_documents_name_what_exists(doc):
    assert _missing(doc.read_text("utf-8")) == []


def test_docstrings_name_what_exists():
    missing = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for doc in _docstrings(path):
            found = _missing(doc)
            if found:
                missing.setdefault(path.relative_to(ROOT).as_posix(), []).extend(found)
    assert missing == {}


def test_the_probe_finds_what_is_not_there():
    assert _missing("see ``layout.py`` and ``plan.build_plan``, `test_no_such_test`") == [
        "file layout.py", "name plan.build_plan", "test test_no_such_test"]
    assert _missing("``plan.plan_refresh``, ``registry.RULES``, `tests/test_cli.py`, `test_version_and_help`") == []


def test_every_rule_count_in_the_readme_is_the_registry_s():
    """However the README words it (“62 review rules”, “62 rules now”), the number is ``len(RULES)``."""
    readme = (ROOT / "README.md").read_text("utf-8").replace("\n", " ")
    counts = [int(n) for n in re.findall(r"(\d+)\s+(?:review\s+)?rules\b", readme)]
    assert counts and set(counts) == {len(RULES)}, counts
