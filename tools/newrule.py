"""Scaffold a new review rule: ``make rule CODE=VAL022 NAME=values.pseudo_quantified``.

Writes what a rule needs, in the one place each thing lives:

- the rule class, appended to ``xl_tools/rules/<module>.py`` (a new module is created and added to the
  registry's ``FAMILY_MODULES``): code, name, title, severity, basis, the docstring sections and an
  empty ``check_indicator`` hook;
- ``tests/rule_cases/<CODE>.toml`` with a passing and a failing case;
- then regenerates what follows from the rules (``docs/rules.md``, the catalogue's rule part, the README
  count) and the case file's snapshot.

Optional: ``TITLE=…`` (Chinese), ``SEVERITY=error|warning|info`` (default warning), ``BASIS=G-QUANT,G-TIME``
(requirement ids of ``xl_tools/data/guidance.toml``). Left out, the title and basis are placeholders
that the tests refuse, and the failing case fails until the hook finds it: the scaffold is a to-do list.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TITLE_TODO = "待填写：规则标题"
BASIS_TODO = "待填写"
_CODE = re.compile(r"^(AMT|STR|VAL|TXT|RD|YR|FLG)\d{3}$")
_NAME = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")
SEVERITY_NAMES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}

CLASS = '''

class {cls}(Rule):
    """（一句话：这条规则发现什么。）

    为什么：（审核人为什么会退回：一两句，写给会计看。）

    依据：（可选：basis 所列要求之外的说明；不写要求编号，编号只写在 basis 里。）

    错误示例：
        （一行：会被报告的写法）

    正确示例：
        （一行：改正后的写法）
    """

    code = "{code}"
    title = "{title}"
    default_severity = {severity}
    basis = ({basis})
    name = "{name}"
    content_only = True         # check_indicator reads only the indicator's own cells

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        return iter(())
'''

NEW_MODULE = '''"""{module}: （这一组规则核对什么。）"""

from __future__ import annotations

from typing import Iterator

from ..findings import {severity}, Finding
from ..model import Indicator, Project
from .base import Context, Facts, Rule
'''

CASES = '''# {code} {title}
[[case]]
name = "pass_default"
expect = []

[[case]]
name = "fail_example"
projects = [{{ indicators = [
  ["1-产出指标", "11-数量指标", "新增设备数量", "5台"],
  ["2-效益指标", "22-社会效益", "安全生产事故发生数", "0次"],
  ["3-满意度指标", "31-服务对象满意度", "服务对象满意度", "≥90%"],
] }}]
expect = [{{ indicator_no = 1, field = "name", message = "（消息中应有的文字）" }}]
'''

# names a rule class uses, and where each is imported from
NEEDS = {"Iterator": "typing", "Finding": "..findings", "Indicator": "..model", "Project": "..model",
         "Context": ".base", "Facts": ".base", "Rule": ".base"}


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _ensure_import(text: str, module: str, name: str) -> str:
    """``text`` with ``name`` imported from ``module`` (added to an existing ``from module import``)."""
    line = re.search(rf"^from {re.escape(module)} import ([^\n(]+)$", text, re.M)
    if line:
        names = [n.strip() for n in line.group(1).split(",")]
        if name in names:
            return text
        return text[:line.start(1)] + ", ".join([*names, name]) + text[line.end(1):]
    if re.search(rf"^from {re.escape(module)} import \(", text, re.M):
        head = re.search(rf"^from {re.escape(module)} import \(", text, re.M)
        return text[:head.end()] + f"{name}, " + text[head.end():]
    anchor = re.search(r"^from __future__ import annotations\n", text, re.M)
    at = anchor.end() if anchor else 0
    return text[:at] + f"\nfrom {module} import {name}\n" + text[at:]


def _register_module(registry: Path, module: str) -> None:
    text = registry.read_text("utf-8")
    imports = re.search(r"^from \. import ([^\n]+)$", text, re.M)
    names = sorted({*(n.strip() for n in imports.group(1).split(",")), module})
    text = text[:imports.start(1)] + ", ".join(names) + text[imports.end(1):]
    family = re.search(r"^FAMILY_MODULES = \(([^)]*)\)", text, re.M)
    text = text[:family.start(1)] + ", ".join(names) + text[family.end(1):]
    registry.write_text(text, "utf-8")


def _known_codes(root: Path) -> set[str]:
    data = tomllib.loads((root / "xl_tools" / "data" / "catalogue.toml").read_text("utf-8"))
    return set(data["codes"])


def scaffold(root: Path, code: str, name: str, title: str = "", severity: str = "warning",
             basis: list[str] | None = None) -> list[Path]:
    """Write the rule's files under ``root``; returns the paths written. ValueError on a bad request."""
    if not _CODE.match(code):
        raise ValueError(f"CODE {code!r}: a family prefix (AMT STR VAL TXT RD YR FLG) and three digits")
    m = _NAME.match(name)
    if not m:
        raise ValueError(f"NAME {name!r}: module.rule_name in lower case, e.g. values.pseudo_quantified")
    if severity not in SEVERITY_NAMES:
        raise ValueError(f"SEVERITY {severity!r}: error, warning or info")
    module, short = m.groups()
    rules_dir = root / "xl_tools" / "rules"
    cases = root / "tests" / "rule_cases" / f"{code}.toml"
    if code in _known_codes(root) or cases.exists():
        raise ValueError(f"{code} exists already")
    source = "".join(p.read_text("utf-8") for p in rules_dir.glob("*.py"))
    if f'name = "{name}"' in source:
        raise ValueError(f"a rule is named {name} already")
    if module in {"base", "engine", "config", "docs", "guidance", "registry", "measures", "statements"}:
        raise ValueError(f"xl_tools/rules/{module}.py holds no rules: choose a family module")
    cls = _camel(short)
    target = rules_dir / f"{module}.py"
    sev = SEVERITY_NAMES[severity]
    written = []
    if not target.exists():
        target.write_text(NEW_MODULE.format(module=module, severity=sev), "utf-8")
        _register_module(rules_dir / "registry.py", module)
        written.append(rules_dir / "registry.py")
    text = target.read_text("utf-8")
    if re.search(rf"^class {cls}\b", text, re.M):
        raise ValueError(f"{target.name} has a class {cls} already")
    for needed, where in {**NEEDS, sev: "..findings"}.items():
        text = _ensure_import(text, where, needed)
    ids = basis or [BASIS_TODO]
    text = text.rstrip("\n") + "\n" + CLASS.format(
        cls=cls, code=code, title=title or TITLE_TODO, severity=sev, name=name,
        basis=", ".join(f'"{i}"' for i in ids) + ",")
    target.write_text(text, "utf-8")
    written.append(target)
    cases.write_text(CASES.format(code=code, title=title or TITLE_TODO), "utf-8")
    written.append(cases)
    return written


def regenerate(root: Path, code: str) -> None:
    """Import order and the generated files (docs, catalogue, README count, the case's snapshot)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "-q",
                    str(root / "xl_tools" / "rules")], cwd=root, env=env, check=False)
    subprocess.run([sys.executable, "-m", "xl_tools.rules.docs"], cwd=root, env=env, check=True)
    subprocess.run([sys.executable, "-m", "tests.support.rulecases", "--update", code], cwd=root, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scaffold a new review rule (see the module docstring).")
    parser.add_argument("code")
    parser.add_argument("name")
    parser.add_argument("--title", default="")
    parser.add_argument("--severity", default="warning")
    parser.add_argument("--basis", default="", help="requirement ids, comma separated")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    basis = [b for b in re.split(r"[,，\s]+", args.basis) if b]
    try:
        written = scaffold(args.root, args.code, args.name, args.title, args.severity, basis)
    except ValueError as exc:
        print(f"make rule: {exc}", file=sys.stderr)
        return 2
    regenerate(args.root, args.code)
    for path in written:
        print(f"wrote {path.relative_to(args.root)}")
    print("next: fill in the docstring, title and basis, write check_indicator (or another hook), make the "
          "cases say what the rule finds, then `make snapshots` and `make docs`; tests fail until then.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
