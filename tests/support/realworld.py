"""The real-table set (tests/realworld): transcriptions into the model, reviewed as an accountant's
refresh would, and the judged findings compared with what the rules say now.

A transcription (``filings/NN.toml``) holds what the published table prints: projects with their
amounts in the published unit, what else they print (``period`` 实施期, ``kind`` 项目属性, ``long_target``,
``funding`` by level: the model's ``PROJECT_FIELDS`` and ``FUNDING_LEVELS``) and each indicator as ``[一级指标, 二级指标, 三级指标, 指标值]`` (one value
column: the value goes to 年度指标值, 实施周期指标值 stays empty). ``judged.toml`` gives every finding a
verdict: ``real`` (the table's own reviewer would send it back), ``false`` (a false alarm) or ``cut``
(an artefact of the stored page being cut or its cells run together — counted as neither).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xl_tools.app import review
from xl_tools.model import FUNDING_LEVELS, PROJECT_FIELDS, Filing, Indicator, Origin, Project, Unit
from xl_tools.profiles import profile_names
from xl_tools.schema import INDICATOR_HEADERS, PROJECT_HEADERS, SHEET_INDICATORS, SHEET_PROJECTS

# the cells of the workbook the transcription stands for: refresh fills what it can (类别 from the
# other level, 序号), as it does in the accountant's workbook
_IND_COLUMNS = {f: k for k, f in enumerate(INDICATOR_HEADERS.values(), 1)}
_PROJECT_COLUMNS = {f: k for k, f in enumerate(PROJECT_HEADERS.values(), 1)}

ROOT = Path(__file__).resolve().parents[1] / "realworld"


def transcriptions() -> list[dict]:
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted((ROOT / "filings").glob("*.toml"))]


def to_filing(data: dict, profile: str | None = None) -> Filing:
    """The transcription as a filing read from a workbook would be (no codes: real tables print names)."""
    projects = []
    row = 1
    for k, p in enumerate(data["project"], 1):
        inds = []
        for no, (l1, l2, name, value) in enumerate(p["indicators"], 1):
            row += 1
            inds.append(Indicator(no=no, level1_code="", level1=l1, level2_code="", level2=l2, name=name,
                                  period_value="", annual_value=value, project=p["name"],
                                  origin=Origin(SHEET_INDICATORS, row, _IND_COLUMNS)))
        money = {f: Decimal(p.get(f, "0")) for f in ("total", "fiscal", "special", "other")}
        printed = {f: p[f] for f in PROJECT_FIELDS if f in p}         # 实施期, 项目属性 … as printed
        funding = {k: Decimal(v) for k, v in p.get("funding", {}).items() if k in FUNDING_LEVELS}
        projects.append(Project(name=p["name"], unit=p["unit"], target=p["target"], indicators=inds, no=k,
                                origin=Origin(SHEET_PROJECTS, k + 1, _PROJECT_COLUMNS), funding=funding,
                                **printed, **money))
    units = []
    for name in dict.fromkeys(p.unit for p in projects):
        mine = [p for p in projects if p.unit == name]
        units.append(Unit(name, **{f: sum((getattr(p, f) for p in mine), Decimal(0))
                                   for f in ("total", "fiscal", "special", "other")}))
    name = profile or data["profile"]
    return Filing(year=data["year"], department=data["department"], money_unit=data["money_unit"],
                  total=sum((u.total for u in units), Decimal(0)), units=units, projects=projects,
                  profile=name if name in profile_names() else "", source=f"realworld/{data['table']}")


@dataclass(frozen=True)
class Said:
    """One finding on a real table, keyed as the judged file keys it."""

    table: str
    code: str
    project: int          # 1-based position of the project (0: the filing)
    indicator: int        # indicator no (0: the project)
    field: str
    subject: str          # the first 「…」 of the message: tells apart findings on the same cell

    @property
    def key(self) -> tuple:
        return (self.table, self.code, self.project, self.indicator, self.field, self.subject)


_QUOTED = re.compile(r"「([^」]*)」")


def subject(message: str) -> str:
    m = _QUOTED.search(message)
    return m.group(1) if m else ""


def findings(data: dict, profile: str | None = None) -> list[tuple[Said, str]]:
    filing = to_filing(data, profile)
    positions = {p.name: k for k, p in enumerate(filing.projects, 1)}
    out = []
    for f in review(filing).findings:
        said = Said(data["table"], f.code, positions.get(f.project or "", 0), f.indicator_no or 0, f.field or "",
                    subject(f.message))
        out.append((said, f.message))
    return out


def judged() -> dict[tuple, dict]:
    data = tomllib.loads((ROOT / "judged.toml").read_text("utf-8"))
    return {(j["table"], j["code"], j["project"], j["indicator"], j["field"], j["subject"]): j
            for j in data["finding"]}


def indicators_by_profile() -> dict[str, int]:
    out: dict[str, int] = {}
    for data in transcriptions():
        n = sum(len(p["indicators"]) for p in data["project"])
        out[data["profile"]] = out.get(data["profile"], 0) + n
    return out


def current() -> dict[tuple, tuple[Said, str]]:
    """Every finding the rules give today on the set, each table under its own profile."""
    out = {}
    for data in transcriptions():
        for said, message in findings(data):
            out[said.key] = (said, message)
    return out


def figures(run: str = "now") -> dict[str, dict]:
    """Per profile and in all (key ""): indicators, findings judged real and false, precision (%) and
    false alarms per 100 indicators, for the run ``before`` or ``now`` as judged.toml records it."""
    profile_of = {d["table"]: d["profile"] for d in transcriptions()}
    counts = {p: {"indicators": n, "real": 0, "false": 0} for p, n in indicators_by_profile().items()}
    counts[""] = {"indicators": sum(c["indicators"] for c in counts.values()), "real": 0, "false": 0}
    for j in judged().values():
        if j[run] and j["verdict"] in ("real", "false"):
            for key in (profile_of[j["table"]], ""):
                counts[key][j["verdict"]] += 1
    for c in counts.values():
        said = c["real"] + c["false"]
        c["precision"] = round(100 * c["real"] / said) if said else 100
        c["per100"] = round(100 * c["false"] / c["indicators"], 1)
    return counts


def figures_table() -> str:
    """The README's table of the figures (tests/test_realworld.py checks the README holds it)."""
    before, now = figures("before"), figures("now")
    tables = {}
    for d in transcriptions():
        tables.setdefault(d["profile"], []).append(d["table"])
    rows = ["| profile | tables | indicators | real findings | false alarms before → now | "
            "per 100 indicators before → now | precision before → now |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for p in sorted(tables, key=lambda p: tables[p][0]) + [""]:
        b, n = before[p], now[p]
        name = p or "all"
        which = "、".join(tables[p]) if p else str(sum(len(t) for t in tables.values()))
        rows.append(f"| {name} | {which} | {n['indicators']} | {n['real']} | {b['false']} → {n['false']} | "
                    f"{b['per100']} → {n['per100']} | {b['precision']} % → {n['precision']} % |")
    return "\n".join(rows)


BEGIN, END = "<!-- realworld figures: make docs -->", "<!-- end of realworld figures -->"


def false_left() -> list[dict]:
    """The findings judged false that the rules still give, in table order."""
    return sorted((j for j in judged().values() if j["now"] and j["verdict"] == "false"),
                  key=lambda j: (j["table"], j["code"], j["project"], j["indicator"]))


def readme_block() -> str:
    """The README's figures on the real-table set, between ``BEGIN`` and ``END``: the table per profile
    and each false alarm left with its table, code and the reason it was judged false."""
    left = false_left()
    lines = [BEGIN, figures_table(), ""]
    if left:
        lines.append(f"False alarms left ({len(left)}):")
        lines += [f"- {j['table']} {j['code']}: {j['message']} — {j['reason']}" for j in left]
    else:
        lines.append("No false alarm left.")
    return "\n".join(lines + [END])


def with_readme_block(readme: str) -> str:
    """``readme`` with its figures block replaced by ``readme_block()``."""
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + readme_block() + tail
