"""Terminal output (rich) for people; JSON output lives with each command."""

from __future__ import annotations

from .model import Filing
from .money import fmt_thousands


def console(stderr: bool = False):
    from rich.console import Console
    return Console(stderr=stderr, highlight=False)


def print_filing_summary(filing: Filing) -> None:
    from rich.table import Table
    c = console()
    c.print(f"[bold]{filing.department or '（未填部门）'}[/bold]  预算年度 {filing.year or '（未填）'}  "
            f"合计 {fmt_thousands(filing.total)} {filing.money_unit}")
    t = Table("序号", "项目名称", "资金使用单位", "总计", "指标数")
    for k, p in enumerate(filing.projects, 1):
        t.add_row(str(k), p.name, p.unit, fmt_thousands(p.total), str(len(p.indicators)))
    c.print(t)
