"""RD: what the workbook reader could not take as written (other than money, see AMT004/AMT005)."""

from __future__ import annotations

from typing import Iterator

from ..findings import WARNING, Finding
from ..model import MONEY_FIELDS, PROBLEM_LIVE_LINK
from .base import Context, Rule


class ReadProblemRule(Rule):
    """A cell the reader could not take as written (序号 not a number, text too long, a formula).

    为什么：工具读表时发现的异常单元格：内容可能被截断、忽略或按默认值处理，应当核对。
    金额单元格的问题见 AMT004、AMT005。

    错误示例：
        绩效指标表 序号：第一

    正确示例：
        绩效指标表 序号：1
    """

    code = "RD001"
    title = "单元格无法按原样读取"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "read.problem"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        for p in ctx.filing.problems:
            if p.field in MONEY_FIELDS or p.code == PROBLEM_LIVE_LINK:
                continue
            shown = f"：{p.value!r}" if p.value not in (None, "") else ""
            yield self.at(p.origin, p.field, f"{p.message}{shown}", "核对并改正该单元格",
                          project=p.project)


class LiveLinkRule(Rule):
    """A cell holds a formula that reaches outside the workbook: DDE, another workbook, the web.

    为什么：DDE 公式（如 =cmd|'/c calc'!A0）在 Excel 计算时会运行其他程序，外部引用和 WEBSERVICE
    会读取其他文件或网址：填报表中不应有这类公式，其结果也无法核对。工具不计算、不复制这类公式，
    「公开表」和「校验结果」中只以文字出现。

    依据：表中的金额和文字应当直接填写，而不是来自其他文件或程序。

    错误示例：
        项目表 总计：=[1]Sheet1!D2

    正确示例：
        项目表 总计：600.00
    """

    code = "RD002"
    title = "单元格中是外部链接或 DDE 公式"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "read.live_link"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        for p in ctx.filing.problems:
            if p.code == PROBLEM_LIVE_LINK:
                yield self.at(p.origin, p.field, p.message, "删除该公式，直接填写内容或数值", project=p.project)
