"""The reviewer's command: batch review of many units' filings (the task is ``app.review_batch``)."""

from __future__ import annotations

import json
import os
import sys

from . import parser as types
from .command import Command


def _want_progress(args) -> bool:
    return sys.stderr.isatty() and not args.json and not os.environ.get("CI")


def _batch_args(p) -> None:
    p.add_argument("paths", nargs="+", metavar="文件夹或文件",
                   help="要审核的文件夹（含子文件夹）或文件：.xlsx/.xlsm 工作簿，公开表 .pdf/.txt/.xlsx，以及其中的 .zip 压缩包")
    p.add_argument("-o", "--output", metavar="XLSX",
                   help="审核结果工作簿（汇总、问题明细、合并公开表、报送情况、合并来源、规则统计）")
    p.add_argument("--department", metavar="部门",
                   help="本次审核的部门（如 甲市教育局）：其他部门的填报列为范围外，不计入；默认按多数文件推断")
    p.add_argument("--year", type=types.year, metavar="年份",
                   help="本次审核的预算年度（如 2026）：其他年度的填报列为范围外，不计入；默认按多数文件推断")
    p.add_argument("--units", metavar="名单",
                   help="应报单位名单（.xlsx/.csv/.txt：一列「单位名称」，可另有一列「别名」）：列出未报送的单位，"
                        "名单外的单位不计入")
    p.add_argument("--alias", action="append", default=[], metavar="别名=单位名称",
                   help="单位名称的另一种写法，如 甲市二中=甲市第二中学（可多次使用）")
    p.add_argument("--keep", action="append", default=[], metavar="文件",
                   help="同一单位有多个版本时，以该文件为准（默认以文件时间最新的为准；可多次使用）")
    p.add_argument("--publish", metavar="XLSX",
                   help="把本部门本年度的合并公开表写成供签字的工作簿（不含来源文件列，有页码和签字栏）；"
                        "应报单位未全部计入时不生成，除非加 --allow-incomplete（标为草稿）")
    p.add_argument("--pdf", metavar="PDF", help="同时把 --publish 的合并公开表写成 PDF（需要 LibreOffice）")
    p.add_argument("--allow-incomplete", action="store_true",
                   help="应报单位未全部计入时也生成 --publish 的合并公开表，标题标为草稿并写明缺少哪些单位")
    p.add_argument("--sendback", metavar="文件夹",
                   help="为每个需退回的单位（有错误、未填金额、文件无法读取，或审核人写了意见）写一个文件夹："
                        "标注副本、退回清单（含审核意见）和邮件正文")
    p.add_argument("--previous", metavar="XLSX",
                   help="上次的审核结果工作簿：沿用其中「审核意见」列的意见，并列出哪些单位重新报送、改了什么"
                        "（默认：-o 指定的审核结果工作簿已存在时读取它）")
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


def _options(args) -> dict:
    """The batch's options (``app.review_batch``) from the command line."""
    return dict(output=args.output, json=args.json, jobs=args.jobs,
                        include_errors=args.include_errors, csv=args.csv, parquet=args.parquet,
                        scheduler=args.scheduler, annotate=args.annotate, department=args.department,
                        year=args.year, units=args.units, aliases=args.alias, keep=args.keep,
                        publish=args.publish, pdf=args.pdf, allow_incomplete=args.allow_incomplete,
                        sendback=args.sendback, previous=args.previous,
                        progress=_want_progress(args))


def _not_published(outcome) -> str | None:
    """Why the table to sign was not written, and how to ask for a draft on the command line."""
    if outcome.not_published and outcome.draft_possible:
        return outcome.not_published + "；如需先打印草稿，请加 --allow-incomplete"
    return outcome.not_published


def _batch(args) -> int:
    from .. import app
    outcome = app.review_batch(args.paths, **_options(args))
    report = outcome.report
    if args.json:
        data = outcome.to_json()
        if args.publish:
            done = outcome.published
            data["publish"] = {"xlsx": str(done.xlsx) if done else None,
                               "pdf": str(done.pdf) if done and done.pdf else None,
                               "draft": outcome.draft, "not_published": _not_published(outcome)}
        if args.sendback:
            data["sendbacks"] = [{"unit": b.unit, "status": b.status, "folder": str(b.folder),
                                  "files": [str(f) for f in b.files]} for b in outcome.sendbacks]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 1 if outcome.failed else 0
    s = report.summary()
    for r in report.results:
        if r.failed or r.skipped:
            print(f"{r.status}  {r.file}  {r.error or f'错误 {r.errors} 条，最严重规则 {r.worst_rule}'}")
    print(f"共 {s['files']} 个文件：通过 {s['passed']}，有警告 {s['with_warnings']}，有错误 {s['with_errors']}，"
          f"无法读取 {s['unreadable'] + s['internal_errors']}"
          + (f"，已跳过 {s['skipped']}" if s["skipped"] else "")
          + f"（错误 {s['errors']} 条，警告 {s['warnings']} 条）")
    for text, _kind in outcome.consolidation_lines():
        print(text)
    for line in outcome.version_lines():
        print(line)
    if args.output:
        print(f"审核结果：{args.output}")
    if outcome.exported:
        print("已导出：" + "、".join(str(p) for p in outcome.exported))
    if outcome.sendbacks:
        print(f"已在 {args.sendback} 写出 {len(outcome.sendbacks)} 个单位的退回材料（标注副本、退回清单、邮件正文）："
              + "、".join(f"{b.unit}（{b.status}）" for b in outcome.sendbacks))
    if outcome.published is not None:
        written = "、".join(str(p) for p in (outcome.published.xlsx, outcome.published.pdf) if p)
        print(("合并公开表（草稿）：" if outcome.draft else "供签字的合并公开表：") + written)
    elif outcome.not_published:
        print(_not_published(outcome))
    if args.annotate:
        written = sum(1 for r in report.results if r.annotated)
        print(f"已在 {args.annotate} 写出 {written} 个标注副本（标色、批注、校验结果、公开表），原文件未改动")
    return 1 if outcome.failed else 0


COMMANDS = [
    Command("batch", "批量审核多个单位的填报表",
            "审核文件夹中的全部填报表（工作簿，公开表 PDF/文本/xlsx，以及 .zip 压缩包中的这些文件），生成一个审核结果工作簿："
            "各文件的汇总、问题明细、本部门本年度的合并公开表（同一份填报只计一次；同一单位的多个版本以文件时间最新的为准，"
            "或用 --keep 指定；其他部门、其他年度和名单外的填报列为范围外；有错误或未填金额的不计入）、"
            "报送情况（应报单位中谁已计入、谁未报送）、合并来源（每个文件计入、重复、已替代或未计入及原因）和规则统计。"
            "任何原文件都不会被修改。xl-tools 自己生成的审核结果、对比结果和导出表会被识别并跳过；输出位置在审核开始前检查，"
            "不能位于被审核的文件夹之内。"
            "退出码：0 全部通过，1 有文件存在错误或无法读取、有版本冲突或有应报单位未计入，2 参数或输出位置不可用，"
            "3 审核进程反复意外退出或 Dask 集群没有工作节点（未写出结果）。",
            _batch_args, _batch),
]
