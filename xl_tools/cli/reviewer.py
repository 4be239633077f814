"""The reviewer's command: batch review of many units' filings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..errors import XlToolsError
from . import parser as types
from .command import Command, output_path


def _tabular():
    """The consolidation, review workbook and exports: they need pandas (the ``batch`` extra), so they
    are imported here, when the command runs, not when the command line starts."""
    try:
        from ..batch import consolidation, exports, report
    except ImportError as exc:   # optional dependency: only the reviewer's batch needs pandas
        raise XlToolsError(f'批量审核需要安装 pandas（缺少 {exc.name}）：pip install "xl-tools[batch]"') from None
    return consolidation, report, exports


def _want_progress(args) -> bool:
    return sys.stderr.isatty() and not args.json and not os.environ.get("CI")


def _batch_args(p) -> None:
    p.add_argument("paths", nargs="+", metavar="文件夹或文件",
                   help="要审核的文件夹（含子文件夹）或文件：.xlsx/.xlsm 工作簿，公开表 .pdf/.txt/.xlsx")
    p.add_argument("-o", "--output", metavar="XLSX",
                   help="审核结果工作簿（汇总、问题明细、各年度合并公开表、合并来源、规则统计）")
    p.add_argument("--jobs", type=types.positive_int, default=None, metavar="N",
                   help="同时审核的进程数（默认：CPU 核数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出审核结果（不显示进度条）")
    p.add_argument("--include-errors", action="store_true",
                   help="有错误的文件也计入合并公开表（默认不计入，并在「合并来源」中说明）")
    p.add_argument("--csv", metavar="文件夹", help="把文件、问题、合并情况、项目和指标导出为 CSV 表（UTF-8）")
    p.add_argument("--parquet", metavar="文件夹", help="同 --csv，导出为 Parquet 表（需要 pyarrow）")
    p.add_argument("--scheduler", metavar="地址",
                   help="在已有的 Dask 集群上审核（调度器地址，如 tcp://10.0.0.5:8786；各节点须能以相同路径访问文件）")
    p.add_argument("--annotate", metavar="文件夹",
                   help="把每个文件刷新后的副本（标色、批注、校验结果）写到此文件夹，保持原有的子文件夹结构；原文件不改动")


def _targets(args, exports) -> list:
    """The outputs asked for, as ``batch.targets.Target`` records (checked before the batch runs)."""
    from ..batch.targets import Target
    out = []
    if args.output:
        out.append(Target("-o", output_path(args.output, (".xlsx",)), folder=False))
    for fmt in exports.FORMATS:
        if getattr(args, fmt):
            out.append(Target(f"--{fmt}", Path(getattr(args, fmt)), folder=True,
                              files=tuple(f"{name}.{fmt}" for name in exports.COLUMNS)))
    if args.annotate:
        out.append(Target("--annotate", Path(args.annotate), folder=True))
    return out


def _batch(args) -> int:
    from ..batch import review
    from ..batch.targets import check_targets
    consolidation, report_mod, exports = _tabular()
    if not (args.output or args.json or args.csv or args.parquet):
        raise XlToolsError("请用 -o 指定审核结果文件（.xlsx），或用 --json 输出到屏幕，或用 --csv/--parquet 导出")
    for raw in args.paths:
        if not Path(raw).exists():
            raise XlToolsError("文件或文件夹不存在", file=raw)
    if args.parquet:
        exports.require("parquet")
    check_targets(args.paths, _targets(args, exports))      # before anything is read
    report = review([Path(p) for p in args.paths], jobs=args.jobs, progress=_want_progress(args),
                    exclude=[args.output] if args.output else [], annotate=args.annotate,
                    scheduler=args.scheduler)
    cons = consolidation.consolidate(report, include_errors=args.include_errors)
    if args.output:
        report_mod.write_review_xlsx(report, args.output, cons)
    exported = []
    for fmt in exports.FORMATS:
        if getattr(args, fmt):
            exported += exports.write_exports(report, cons, getattr(args, fmt), fmt)
    if args.json:
        sys.stdout.write(json.dumps(report_mod.report_to_json(report, cons), ensure_ascii=False, indent=2) + "\n")
    else:
        s = report.summary()
        for r in report.results:
            if r.failed or r.skipped:
                print(f"{r.status}  {r.file}  {r.error or f'错误 {r.errors} 条，最严重规则 {r.worst_rule}'}")
        print(f"共 {s['files']} 个文件：通过 {s['passed']}，有警告 {s['with_warnings']}，有错误 {s['with_errors']}，"
              f"无法读取 {s['unreadable'] + s['internal_errors']}"
              + (f"，已跳过 {s['skipped']}" if s["skipped"] else "")
              + f"（错误 {s['errors']} 条，警告 {s['warnings']} 条）")
        for text, _kind in report_mod.consolidation_lines(cons):
            print(text)
        if args.output:
            print(f"审核结果：{args.output}")
        if exported:
            print("已导出：" + "、".join(str(p) for p in exported))
        if args.annotate:
            written = sum(1 for r in report.results if r.annotated)
            print(f"已在 {args.annotate} 写出 {written} 个标注副本（标色、批注、校验结果、公开表），原文件未改动")
    return 1 if report_mod.failed(report, cons) else 0


COMMANDS = [
    Command("batch", "批量审核多个单位的填报表",
            "审核文件夹中的全部填报表（工作簿，以及公开表 PDF/文本/xlsx），生成一个审核结果工作簿："
            "各文件的汇总、问题明细、每个预算年度一张合并公开表（同一份填报只计一次，不同年度从不相加，"
            "有错误的文件不计入）、合并来源（每个文件计入、重复或未计入及原因）和规则统计。任何原文件都不会被修改。"
            "xl-tools 自己生成的审核结果、对比结果和导出表会被识别并跳过；输出位置在审核开始前检查，"
            "不能位于被审核的文件夹之内。"
            "退出码：0 全部通过，1 有文件存在错误或无法读取，或同一单位同一年度有金额不同的版本（版本冲突），"
            "2 参数或输出位置不可用。",
            _batch_args, _batch),
]
