"""Terminal output for people; JSON output lives with each command. rich and the application are imported
where they are used, so that ``xl-tools --version`` and ``--help`` start without them."""

from __future__ import annotations

import sys

from ..model import Filing
from ..money import fmt_thousands


def warn_if_open(*paths) -> None:
    """One line on stderr per input workbook open in Excel (its last saved version is what is read)."""
    from .. import app
    for line in app.open_in_excel(*paths):
        print(line, file=sys.stderr)


def print_filing_summary(filing: Filing) -> None:
    from rich.console import Console
    from rich.table import Table
    c = Console(highlight=False)
    c.print(f"[bold]{filing.department or '（未填部门）'}[/bold]  预算年度 {filing.year or '（未填）'}  "
            f"合计 {fmt_thousands(filing.total)} {filing.money_unit}")
    t = Table("序号", "项目名称", "资金使用单位", "总计", "指标数")
    for k, p in enumerate(filing.projects, 1):
        t.add_row(str(k), p.name, p.unit, fmt_thousands(p.total), str(len(p.indicators)))
    c.print(t)


def counts_line(counts: dict, projects: int | None = None, indicators: int | None = None) -> str:
    line = f"错误 {counts['errors']} 条，警告 {counts['warnings']} 条，提示 {counts['infos']} 条"
    if projects is not None:
        line += f"（项目 {projects} 个，指标 {indicators} 个）"
    return line
