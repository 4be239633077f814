"""The one catalogue of finding codes: every code xl-tools reports, its family and default severity.

The data is ``data/catalogue.toml``. Rules (AMT, STR, VAL, TXT, RD, YR, FLG) take their title and default
severity from it; refresh fills (FIL), import reports (IMP) and file-level problems (FILE) are made
through ``finding(code, ...)``, which refuses a code the catalogue does not know. Reports group codes by
family (``family_of``) and name families in Chinese (``FAMILIES``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .findings import SEVERITY_ORDER, Finding

OTHER_FAMILY = "其他"
_PREFIX = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class CodeInfo:
    code: str
    family: str          # the letters of the code: AMT, STR, …, FILE
    title: str           # Chinese, one line
    severity: str        # default: error | warning | info
    rechecked_by: str = ""  # an import code whose mismatch a rule reports again on the cell (IMP020 → AMT001)


@cache
def _load() -> tuple[dict[str, str], dict[str, CodeInfo]]:
    data = tomllib.loads(resources.files("xl_tools").joinpath("data/catalogue.toml").read_text("utf-8"))
    families = dict(data["families"])
    codes: dict[str, CodeInfo] = {}
    for code, entry in data["codes"].items():
        family = family_of(code)
        if family not in families:
            raise ValueError(f"catalogue.toml: {code} has no family {family!r}")
        if entry["severity"] not in SEVERITY_ORDER:
            raise ValueError(f"catalogue.toml: {code} has severity {entry['severity']!r}")
        codes[code] = CodeInfo(code, family, entry["title"], entry["severity"], entry.get("rechecked_by", ""))
    return families, codes


def family_of(code: str | None) -> str:
    """AMT001 → AMT; a code without a letter prefix → 其他."""
    m = _PREFIX.match(code or "")
    return m.group(0).upper() if m else OTHER_FAMILY


def families() -> dict[str, str]:
    """Family prefix → Chinese name, in report order."""
    return _load()[0]


def family_name(family: str) -> str:
    return families().get(family, OTHER_FAMILY)


def codes() -> dict[str, CodeInfo]:
    return _load()[1]


def info(code: str) -> CodeInfo:
    """The catalogue entry of ``code``; KeyError names an unknown code."""
    try:
        return codes()[code]
    except KeyError:
        raise KeyError(f"finding code {code} is not in xl_tools/data/catalogue.toml") from None


def beside_check(findings: list[Finding]) -> list[Finding]:
    """Findings (an import's) to report together with a check of the same filing: without those whose
    mismatch a rule reports again on the cell (``rechecked_by``), so each mismatch appears once."""
    known = codes()
    return [f for f in findings if not (f.code in known and known[f.code].rechecked_by)]


def finding(code: str, message: str, suggestion: str = "", *, severity: str | None = None,
            **where) -> Finding:
    """A finding of a catalogued code at its default severity (``where``: sheet, cell, project, …)."""
    return Finding(code, severity or info(code).severity, message, suggestion, **where)
