"""Commands of the annual cycle: rollover to next year, and the year-over-year diff."""

from __future__ import annotations

import json
import sys

from . import parser as types
from .command import FORCE_FILING_HELP, Command, force_arg, output_path
from .output import warn_if_open


def _rollover_args(p) -> None:
    p.add_argument("file", metavar="上年工作簿", help="上一年度的填报工作簿（任何版本的模板）")
    p.add_argument("--year", type=types.year, required=True, metavar="年份", help="新的预算年度，例如 2026")
    p.add_argument("-o", "--output", required=True, metavar="文件",
                   help="新年度的工作簿 .xlsx/.xlsm（不能与上年文件相同）")
    p.add_argument("--keep-amounts", action="store_true", help="保留上年金额（默认清空，留待填写）")
    force_arg(p)


def _rollover(args) -> int:
    from .. import app
    output_path(args.output, (".xlsx", ".xlsm"))
    warn_if_open(args.file)
    result = app.rollover(args.file, args.output, args.year, keep_amounts=args.keep_amounts,
                          force=args.force)
    for note in result.notes:
        print(note, file=sys.stderr)
    print(f"已生成 {args.year} 年度工作簿：{args.output}（{len(result.filing.projects)} 个项目；"
          f"需核对的年份相关问题 {len(result.findings)} 条，刷新后见「校验结果」）")
    return 0


def _diff_args(p) -> None:
    p.add_argument("old", metavar="旧文件", help="上年（或修改前）的填报表：工作簿、JSON 或公开表 PDF/文本")
    p.add_argument("new", metavar="新文件", help="本年（或修改后）的填报表")
    p.add_argument("-o", "--output", metavar="XLSX", help="把对比结果写成工作簿（增减情况、明细）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出对比结果")
    force_arg(p, FORCE_FILING_HELP)


def _diff(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsx",)) if args.output else None
    warn_if_open(args.old, args.new)
    d = app.diff_files(args.old, args.new, out, force=args.force)
    warnings = [line for line in (d.errors_line(), *d.notes) if line]
    if args.json:
        sys.stdout.write(json.dumps(app.diff_json(d), ensure_ascii=False, indent=2) + "\n")
        for line in warnings:
            print(line, file=sys.stderr)
        return 1 if d.has_errors else 0
    changes = app.change_rows(d)
    for row in changes:
        print("\t".join(row))
    print(f"共 {len(changes)} 处变化" + (f"，明细已写入 {args.output}" if args.output else ""))
    for line in warnings:
        print(line)
    return 1 if d.has_errors else 0


COMMANDS = [
    Command("rollover", "结转到下一年度",
            "用当前模板生成下一年度的工作簿：项目、绩效目标和指标照搬，金额默认清空待填；"
            "带旧年份的日期、项目名称和目标文字列出待核对。上年文件不改动。",
            _rollover_args, _rollover),
    Command("diff", "两个年度（或版本）对比",
            "对比两份填报表：项目增删和改名、金额增减（含百分比）、绩效目标和指标的变化。"
            "两份填报都按审核规则校验：有错误时在屏幕和对比工作簿中注明；部门或单位不同、年度顺序颠倒时提醒。"
            "退出码：0 两份都没有错误，1 至少一份有错误（对比结果仍然给出），2 文件无法使用。",
            _diff_args, _diff),
]
