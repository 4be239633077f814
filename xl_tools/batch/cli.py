"""``xl-tools batch DIR_OR_FILES... -o REVIEW.xlsx [--jobs N] [--json] [--include-errors] [--csv DIR]
[--parquet DIR]`` (the lead calls ``register_cli``)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _want_progress(args) -> bool:
    return sys.stderr.isatty() and not args.json and not os.environ.get("CI")


def _tabular():
    """The consolidation, workbook and export modules: they need pandas (the ``batch`` extra)."""
    from ..errors import XlToolsError
    try:
        from . import consolidation, exports, report
    except ImportError as exc:   # optional dependency: pandas is only needed by the reviewer's batch
        raise XlToolsError(f'批量审核需要安装 pandas（{exc.name}）：pip install "xl-tools[batch]"') from None
    return consolidation, report, exports


def cmd_batch(args) -> int:
    from ..errors import XlToolsError
    from .core import review
    consolidation, report_mod, exports = _tabular()
    if not (args.output or args.json or args.csv or args.parquet):
        raise XlToolsError("请用 -o 指定审核结果文件（.xlsx），或用 --json 输出到屏幕，或用 --csv/--parquet 导出")
    if args.output and Path(args.output).suffix.lower() != ".xlsx":
        raise XlToolsError("审核结果文件的扩展名应为 .xlsx", file=args.output)
    if args.jobs is not None and args.jobs < 1:
        raise XlToolsError("--jobs 应为正整数")
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
    cons = consolidation.consolidate(report, include_errors=args.include_errors)
    if args.output:
        report_mod.write_review_xlsx(report, args.output, cons)
    exported = []
    for fmt in ("csv", "parquet"):
        if getattr(args, fmt):
            exported += exports.write_exports(report, cons, getattr(args, fmt), fmt)
    if args.json:
        sys.stdout.write(json.dumps(report_mod.report_to_json(report, cons), ensure_ascii=False, indent=2) + "\n")
    else:
        s = report.summary()
        for r in report.results:
            if r.failed:
                print(f"{r.status}  {r.file}  {r.error or f'错误 {r.errors} 条，最严重规则 {r.worst_rule}'}")
        print(f"共 {s['files']} 个文件：通过 {s['passed']}，有警告 {s['with_warnings']}，有错误 {s['with_errors']}，"
              f"无法读取 {s['unreadable'] + s['internal_errors']}（错误 {s['errors']} 条，警告 {s['warnings']} 条）")
        for table in cons.tables:
            print(f"{table.year}年合并：{table.department or '（部门名称未填）'}，{len(table.filing.units)} 个单位，"
                  f"{len(table.filing.projects)} 个项目，合计 {table.filing.total:,.2f} 万元")
        skipped = cons.slices[cons.slices.decision != consolidation.COUNTED]
        if len(skipped):
            print(f"重复或未计入合并的文件 {len(skipped)} 项（见「合并来源」）")
        if args.output:
            print(f"审核结果：{args.output}")
        if exported:
            print("已导出：" + "、".join(str(p) for p in exported))
        if args.annotate:
            written = sum(1 for r in report.results if r.annotated)
            print(f"已在 {args.annotate} 写出 {written} 个标注副本（标色、批注、校验结果、公开表），原文件未改动")
    return 1 if report.failed else 0


def register_cli(sub) -> None:
    p = sub.add_parser("batch", help="批量审核文件夹中的工作簿（及公开表 PDF/文本），生成审核结果工作簿")
    p.add_argument("paths", nargs="+", metavar="DIR_OR_FILES", help="文件夹或文件（.xlsx/.xlsm/.pdf/.txt）")
    p.add_argument("-o", "--output", help="审核结果 .xlsx（汇总、问题明细、合并公开表、规则统计）")
    p.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出审核结果（不显示进度条）")
    p.add_argument("--include-errors", action="store_true",
                   help="有错误的文件也计入合并公开表（默认不计入，并在「合并来源」中说明）")
    p.add_argument("--csv", metavar="DIR", help="把文件、问题、合并情况、项目和指标导出为 CSV 表（UTF-8）")
    p.add_argument("--parquet", metavar="DIR", help="同 --csv，导出为 Parquet（需要 pyarrow）")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="在已有的 Dask 集群上审核（调度器地址，如 tcp://10.0.0.5:8786；各节点须能以相同路径访问文件）")
    p.add_argument("--annotate", metavar="DIR", help="把每个文件刷新后的副本（标色、批注、校验结果）写到此文件夹，"
                                                     "保持原有的子文件夹结构；原文件不改动")
    p.set_defaults(func=cmd_batch)
