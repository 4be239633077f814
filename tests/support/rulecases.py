"""Rule cases (tests/rule_cases/<CODE>.toml): the filing fragment a case describes, and the snapshot of
every finding every case gives through all rules (tests/rule_cases/snapshots/<CODE>.txt).

A case is a small filing fragment; whatever it leaves out gets a clean default, so a case only states what
its rule looks at. The filing is placed as ``build_workbook`` writes it (项目 row 2 onwards, 绩效指标 row 2
onwards in project order), so a finding's cell is the cell a reviewer sees.

The snapshot records each finding's code, severity, cells, message and 建议 in full, so any change of any
finding shows as a diff of a committed file. It is rewritten only on request::

    make snapshots            # .venv/bin/python -m tests.support.rulecases --update [CODE ...]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

from xl_tools.categories import split_label
from xl_tools.findings import SEVERITY_ZH, Finding
from xl_tools.model import INDICATOR_FIELDS, MONEY_FIELDS, Filing, Indicator, Project, ReadProblem, Unit
from xl_tools.rules import check, load_config
from xl_tools.rules.config import apply_table
from xl_tools.workbook.template import place_as_written

CASES = Path(__file__).resolve().parents[1] / "rule_cases"
SNAPSHOTS = CASES / "snapshots"
NAMES = "甲乙丙丁戊己庚辛"
DEFAULT_TARGET = "12月31日前完成实训场地整理并投入使用，保障教学和实训工作安全有序进行。"
DEFAULT_INDICATORS = [
    ["1-产出指标", "11-数量指标", "新增设备数量", "5台"],
    ["2-效益指标", "22-社会效益", "安全生产事故发生数", "0次"],
    ["3-满意度指标", "31-服务对象满意度", "服务对象满意度", "≥90%"],
]
UPDATE = "make snapshots"


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
    for field in INDICATOR_FIELDS:                # a region's columns: direction = "反向指标", measure = "%" …
        if field in spec:
            setattr(ind, field, spec[field])
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
                   target=spec.get("target", DEFAULT_TARGET), period=spec.get("period", ""),
                   indicators=[_indicator(s, n, name) for n, s in enumerate(inds, 1)],
                   raw=_amount_cells(spec.get("raw", {})),
                   funding={k: Decimal(v) for k, v in spec.get("funding", {}).items()})


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


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.toml"))


def cases_of(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text("utf-8")).get("case", [])


def run_case(code: str, case: dict) -> list[Finding]:
    """Every finding of every rule on the case's filing (the case's ``config`` sets options of ``code``)."""
    filing = build(case)
    config = load_config(settings=filing.settings)
    if "config" in case:
        apply_table(config, {code: case["config"]}, "case")
    return check(filing, config)


def describe(f: Finding) -> str:
    """One finding as the snapshot records it: code, severity, where, message, 建议."""
    where = f.where or "（无单元格）"
    about = " ".join(str(x) for x in (f.project, f"#{f.indicator_no}" if f.indicator_no else None, f.field)
                     if x)
    lines = [f"{f.code} {SEVERITY_ZH[f.severity]} {where}" + (f" [{about}]" if about else ""),
             f"  {f.message}"]
    if f.suggestion:
        lines.append(f"  建议：{f.suggestion}")
    if f.draft:
        lines.append(f"  起草：{f.draft.level1}；{f.draft.level2}；{f.draft.name}；{f.draft.value}"
                     + (f"（{f.draft.basis}）" if f.draft.basis else ""))
    return "\n".join(lines)


def snapshot(path: Path) -> str:
    """The snapshot text of one case file: each case by name, then each of its findings."""
    code = path.stem
    out = [f"# {code}: every finding of each case of {path.name}, through all rules. "
           f"Written by `{UPDATE}`; a change shows as a diff.", ""]
    for case in cases_of(path):
        out.append(f"== {case['name']}")
        findings = run_case(code, case)
        out += [describe(f) for f in findings] or ["（没有发现）"]
        out.append("")
    return "\n".join(out)


def snapshot_path(path: Path) -> Path:
    return SNAPSHOTS / f"{path.stem}.txt"


def stale(path: Path) -> str:
    """The unified diff between the committed snapshot of ``path`` and what the rules give now ("" when
    current)."""
    target = snapshot_path(path)
    old = target.read_text("utf-8") if target.exists() else ""
    new = snapshot(path)
    if old == new:
        return ""
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"{target.name} (committed)", f"{target.name} (now)"))


def update(codes: list[str]) -> list[Path]:
    """Rewrite the snapshots of the given codes (all when empty) and drop those without a case file;
    returns the files written."""
    SNAPSHOTS.mkdir(exist_ok=True)
    files = [p for p in case_files() if not codes or p.stem in codes]
    written = []
    for path in files:
        target = snapshot_path(path)
        text = snapshot(path)
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
            written.append(target)
    if not codes:
        known = {p.stem for p in case_files()}
        for old in SNAPSHOTS.glob("*.txt"):
            if old.stem not in known:
                old.unlink()
                written.append(old)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rule-case snapshots (tests/rule_cases/snapshots).")
    parser.add_argument("--update", action="store_true", help="rewrite the snapshots from the rules")
    parser.add_argument("codes", nargs="*", help="only these case files (codes), default all")
    args = parser.parse_args(argv)
    if args.update:
        for path in update(args.codes):
            print(f"wrote {path}")
        return 0
    diffs = [d for p in case_files() if (not args.codes or p.stem in args.codes) and (d := stale(p))]
    sys.stdout.write("".join(diffs))
    return 1 if diffs else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def _case_filings():
    out = []
    for path in case_files():
        for case in cases_of(path):
            out.append((f"{path.stem}_{case['name']}", build(case)))
    return out


ALL_CASE_FILINGS = _case_filings()     # (label, filing) of every rule case
