"""Commands that create or convert a filing: template, new, import, dump, load."""

from __future__ import annotations

import sys

from ..model import PROBLEM_JSON_KEY
from ..profiles import DEFAULT_PROFILE, profile_names
from . import parser as types
from .command import Command, force_arg, output_path
from .output import print_filing_summary, warn_if_open


def _template_args(p) -> None:
    p.add_argument("-o", "--output", required=True, metavar="文件",
                   help="输出文件：.xlsx（无按钮）或 .xlsm（带「刷新」按钮）")
    force_arg(p)


def _template(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsx", ".xlsm"))
    app.write_template(out, force=args.force)
    print(f"已生成标准模板：{out}")
    return 0


def _new_args(p) -> None:
    p.add_argument("-o", "--output", required=True, metavar="文件",
                   help="新工作簿：.xlsm 带「刷新」按钮（文件可以随意命名、改名、复制），.xlsx 不带按钮")
    p.add_argument("--year", required=True, type=types.year, metavar="年份", help="预算年度，四位数，例如 2025")
    p.add_argument("--department", default="", metavar="名称", help="部门名称（可以以后在「基本信息」中填写）")
    p.add_argument("--unit", action="append", default=[], metavar="名称",
                   help="资金使用单位；有几个单位就写几次（--unit 甲单位 --unit 乙单位）。只有一个单位时，"
                        "刷新时自动填入各项目")
    p.add_argument("--profile", default=None, choices=profile_names(), metavar="配置",
                   help=f"本地区的表式（规则配置）：{'、'.join(profile_names())}；默认 {DEFAULT_PROFILE}。"
                        "决定指标类别、金额单位和指标值列数，以后可在「基本信息」中更改")
    force_arg(p)


def _new(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsm", ".xlsx"))
    for p in app.new_filing(out, year=args.year, department=args.department, units=args.unit,
                            profile=args.profile, force=args.force):
        print(f"已生成：{p}")
    return 0


def _repair_args(p) -> None:
    p.add_argument("file", metavar="文件", help="旧版 xl-tools 生成的带按钮工作簿（.xlsm）")


def _repair(args) -> int:
    from .. import app
    changes = app.repair_button(args.file)
    for line in changes or ["无需修复：按钮已可在任何文件名下使用，也没有固定其他电脑的 Python。"]:
        print(line)
    return 0


def _import_args(p) -> None:
    p.add_argument("input", metavar="公开表", help="已公开的绩效目标表：PDF 文件，或从 PDF 提取的文本（UTF-8/GBK）")
    p.add_argument("-o", "--output", required=True, metavar="文件",
                   help="输出：标准工作簿 .xlsx/.xlsm（已刷新，校验结果中列出导入提示），或 .json（MODEL.md 格式）")
    p.add_argument("--year", type=types.year, metavar="年份", help="预算年度（默认从表中的日期和年份推断）")
    p.add_argument("--department", metavar="名称", help="部门名称（表中没有“部门名称：…”时使用）")
    force_arg(p)


def _import(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsx", ".xlsm", ".json"))
    warn_if_open(args.input)
    done = app.import_to_workbook(args.input, out, year=args.year, department=args.department,
                                  force=args.force)
    result = done.result
    for f in result.findings:
        print(f"{f.severity_zh} {f.code} {f.project or ''} {f.message}", file=sys.stderr)
    print(f"按{result.layout}格式读取；规则配置：{result.filing.profile or DEFAULT_PROFILE}", file=sys.stderr)
    print(f"预算年度 {result.filing.year}：{result.year_source}", file=sys.stderr)
    print(f"已导入：{out}（{len(result.filing.projects)} 个项目，{len(result.filing.indicators)} 个指标，"
          f"{len(result.findings)} 条导入提示）")
    errors = done.outcome.counts["errors"] if done.outcome else sum(f.severity == "error" for f in result.findings)
    if errors:                      # what was read has errors: exit 1, as the help says (and check would)
        print(f"导入的填报表有 {errors} 条错误，见「校验结果」（xl-tools check {out}）", file=sys.stderr)
    return 1 if errors else 0


def _dump_args(p) -> None:
    p.add_argument("file", metavar="文件", help="工作簿（任何版本的模板）、JSON，或公开表 PDF/文本")
    p.add_argument("--json", action="store_true", help="输出 docs/MODEL.md 规定的 JSON（默认输出一张项目简表）")


def _dump(args) -> int:
    from .. import app
    from ..jsonio import dumps
    warn_if_open(args.file)
    filing = app.load_filing(args.file, strict=True).filing
    if args.json:
        sys.stdout.write(dumps(filing) + "\n")
    else:
        print_filing_summary(filing)
    return 0


def _load_args(p) -> None:
    p.add_argument("file", metavar="JSON", help="docs/MODEL.md 格式的填报数据")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的标准工作簿 .xlsx/.xlsm")
    force_arg(p)


def _load(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsx", ".xlsm"))
    filing = app.json_to_workbook(args.file, out, force=args.force)
    for problem in filing.problems:
        if problem.code == PROBLEM_JSON_KEY:
            print(f"警告 {problem.message}", file=sys.stderr)
    print(f"已写入：{out}（{len(filing.projects)} 个项目，{len(filing.indicators)} 个指标）")
    return 0


COMMANDS = [
    Command("new", "新建填报工作簿（.xlsm 带「刷新」按钮）",
            "从标准模板新建本年度的填报工作簿，写好预算年度、部门名称和资金使用单位。"
            "在「项目」「绩效指标」表中填写后，按「刷新」按钮或运行 xl-tools refresh 校验。",
            _new_args, _new),
    Command("repair", "修复旧版 .xlsm 的「刷新」按钮",
            "旧版 xl-tools 生成的 .xlsm 改名、复制或下载后按钮不能用，或固定了生成它的那台电脑上的 Python："
            "把按钮的宏换成不依赖文件名的版本，并删除固定的 Python 路径（改用每台电脑自己的 xlwings 配置）。"
            "其余内容不变；无需修复时不改动文件。",
            _repair_args, _repair),
    Command("template", "生成空白的标准模板",
            "生成空白的标准模板（说明、基本信息、项目、绩效指标、代码表），可分发给各单位填写。",
            _template_args, _template),
    Command("import", "导入已公开的绩效目标表（PDF 或其文本）",
            "把已公开的项目支出绩效目标表（PDF，或从 PDF 提取的文本）导入为标准工作簿，"
            "方便以上年度的公开表为起点填报；对不上的金额和无法识别的内容列在标准错误输出和「校验结果」中。",
            _import_args, _import),
    Command("dump", "读取工作簿，显示或输出填报数据",
            "读取一个填报文件，显示项目简表；加 --json 输出 docs/MODEL.md 规定格式的完整数据。",
            _dump_args, _dump),
    Command("load", "由 JSON 数据生成标准工作簿",
            "由 docs/MODEL.md 格式的 JSON 生成填好的标准工作簿（与 dump --json 互逆）。",
            _load_args, _load),
]
