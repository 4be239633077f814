"""The reviewer's command: batch review of many units' filings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..batch import report_to_json, review, write_review_xlsx
from ..errors import XlToolsError
from . import parser as types
from .command import Command, output_path


def _want_progress(args) -> bool:
    return sys.stderr.isatty() and not args.json and not os.environ.get("CI")


def _batch_args(p) -> None:
    p.add_argument("paths", nargs="+", metavar="文件夹或文件",
                   help="要审核的文件夹（含子文件夹）或文件：.xlsx/.xlsm 工作簿，公开表 .pdf/.txt")
    p.add_argument("-o", "--output", metavar="XLSX",
                   help="审核结果工作簿（汇总、问题明细、合并公开表、规则统计）")
    p.add_argument("--jobs", type=types.positive_int, default=None, metavar="N",
                   help="同时审核的进程数（默认：CPU 核数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出审核结果（不显示进度条）")
    p.add_argument("--scheduler", metavar="地址",
                   help="在已有的 Dask 集群上审核（调度器地址，如 tcp://10.0.0.5:8786；各节点须能以相同路径访问文件）")
    p.add_argument("--annotate", metavar="文件夹",
                   help="把每个文件刷新后的副本（标色、批注、校验结果）写到此文件夹，保持原有的子文件夹结构；原文件不改动")


def _batch(args) -> int:
    if not args.output and not args.json:
        raise XlToolsError("请用 -o 指定审核结果文件（.xlsx），或用 --json 输出到屏幕")
    if args.output:
        output_path(args.output, (".xlsx",))
    for raw in args.paths:
        if not Path(raw).exists():
            raise XlToolsError("文件或文件夹不存在", file=raw)
    if args.annotate:
        outdir = Path(args.annotate)
        if outdir.exists() and not outdir.is_dir():
            raise XlToolsError("--annotate 应为文件夹", file=args.annotate)
        for raw in args.paths:              # the copies must not land among the inputs
            if Path(raw).is_dir() and outdir.resolve().is_relative_to(Path(raw).resolve()):
                raise XlToolsError("--annotate 文件夹不能位于被审核的文件夹之内", file=args.annotate)
        outdir.mkdir(parents=True, exist_ok=True)
    report = review([Path(p) for p in args.paths], jobs=args.jobs, progress=_want_progress(args),
                    exclude=[args.output] if args.output else [], annotate=args.annotate,
                    scheduler=args.scheduler)
    if args.output:
        write_review_xlsx(report, args.output)
    if args.json:
        sys.stdout.write(json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        s = report.summary()
        for r in report.results:
            if r.failed:
                print(f"{r.status}  {r.file}  {r.error or f'错误 {r.errors} 条，最严重规则 {r.worst_rule}'}")
        print(f"共 {s['files']} 个文件：通过 {s['passed']}，有警告 {s['with_warnings']}，有错误 {s['with_errors']}，"
              f"无法读取 {s['unreadable'] + s['internal_errors']}（错误 {s['errors']} 条，警告 {s['warnings']} 条）")
        if args.output:
            print(f"审核结果：{args.output}")
        if args.annotate:
            written = sum(1 for r in report.results if r.annotated)
            print(f"已在 {args.annotate} 写出 {written} 个标注副本（标色、批注、校验结果、公开表），原文件未改动")
    return 1 if report.failed else 0


COMMANDS = [
    Command("batch", "批量审核多个单位的填报表",
            "审核文件夹中的全部填报表（工作簿，以及公开表 PDF/文本），生成一个审核结果工作簿："
            "各文件的汇总、问题明细、合并公开表和规则统计。任何原文件都不会被修改。"
            "退出码：0 全部通过，1 有文件存在错误或无法读取。",
            _batch_args, _batch),
]
