"""Infer the budget year of a table from its text when ``--year`` is not given — the last resort: the
year the file's properties state (``identity``: written by ``xl-tools publish``) comes first, then the
year its title names (「2025年项目支出绩效目标表」), and only then this vote.

Every "20xx年" is a vote, weighted by how surely it names the budget year: a full date
("2024年6月30日", the deadlines of 时效 targets) or "2024年度" counts 3, a year that starts a project
name ("2024年智慧校园…") counts 2, any other mention 1. A range "2023年-2024年" votes for both ends
at 1. The year with the most weight wins; ties go to the later year (a table is published for the
coming year, and older years are usually history in the target text).
"""

from __future__ import annotations

import re
from collections import Counter

from ..textnorm import to_halfwidth

_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_DATE = re.compile(r"(?<!\d)(20\d\d)\s*年\s*\d{1,2}\s*月")
_ANNUAL = re.compile(r"(?<!\d)(20\d\d)\s*年度")
_RANGE = re.compile(r"(?<!\d)(20\d\d)\s*年?\s*[-~至到]\s*(20\d\d)\s*年")


def infer_year(text: str, project_names: list[str]) -> tuple[int | None, str]:
    """(year or None, Chinese sentence saying how)."""
    norm = to_halfwidth(text)
    votes: Counter[int] = Counter()
    in_range: set[int] = set()
    for m in _RANGE.finditer(norm):
        in_range.update((m.start(1), m.start(2)))
        votes[int(m.group(1))] += 1
        votes[int(m.group(2))] += 1
    for m in _YEAR.finditer(norm):
        if m.start(1) not in in_range:
            votes[int(m.group(1))] += 1
    for m in _DATE.finditer(norm):
        votes[int(m.group(1))] += 2
    for m in _ANNUAL.finditer(norm):
        votes[int(m.group(1))] += 2
    for name in project_names:
        m = re.match(r"\D{0,12}?(20\d\d)\s*年(?!\s*[-~至到])", to_halfwidth(name))
        if m:
            votes[int(m.group(1))] += 1
    votes = Counter({y: w for y, w in votes.items() if w > 0})
    if not votes:
        return None, "正文中没有可用于推断年度的“20xx年”，年度未定（请用 --year 指定）"
    year, weight = max(votes.items(), key=lambda t: (t[1], t[0]))
    others = "、".join(f"{y}年（{w}）" for y, w in sorted(votes.items()) if y != year)
    detail = f"，其他年份：{others}" if others else ""
    return year, (f"由正文中的“{year}年”推断（按日期、年度字样和项目名称中的年份加权计票，"
                  f"{year}年得 {weight} 票{detail}）")
