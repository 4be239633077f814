"""RD: what the workbook reader could not take as written (other than money, see AMT004/AMT005)."""

from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..model import MONEY_FIELDS
from .base import Context, Rule


class ReadProblemRule(Rule):
    """A cell the reader could not take as written (序号 not a number, text too long, a formula).

    为什么：工具读表时发现的异常单元格：内容可能被截断、忽略或按默认值处理，应当核对。
    金额单元格的问题见 AMT004、AMT005。

    依据：G-FORM（见“官方要求与规则对照”）。

    错误示例：
        绩效指标表 序号：第一

    正确示例：
        绩效指标表 序号：1
    """

    code = "RD001"
    name = "read.problem"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        for p in ctx.filing.problems:
            if p.field in MONEY_FIELDS:
                continue
            shown = f"：{p.value!r}" if p.value not in (None, "") else ""
            yield self.at(p.origin, p.field, f"{p.message}{shown}", "核对并改正该单元格",
                          project=p.project)
