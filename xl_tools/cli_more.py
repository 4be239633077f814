"""Subcommands beyond the foundation: import, check, refresh, publish, new, demo, rollover, diff, ..."""

from __future__ import annotations

import json
import sys
from pathlib import Path



def _print_findings_table(findings, title: str) -> None:
    from rich.table import Table
    from .findings import SEVERITY_ZH
    from .report import console
    colour = {"error": "red", "warning": "yellow", "info": "cyan"}
    t = Table(title=title, show_lines=False)
    for h in ("级别", "规则", "位置", "项目", "说明"):
        t.add_column(h, overflow="fold")
    for f in findings:
        where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else ""
        t.add_row(f"[{colour[f.severity]}]{SEVERITY_ZH[f.severity]}[/]", f.code, where, f.project or "",
                  f.message + (f"\n建议：{f.suggestion}" if f.suggestion else ""))
    console().print(t)


def cmd_check(args) -> int:
    from .cli import _read_any
    from .findings import summarize
    from .rules import check
    from .rules.config import config_for
    filing = _read_any(args.file, strict=False)
    findings = check(filing, config_for(filing, args.config))
    summary = {**summarize(findings), "projects": len(filing.projects), "indicators": len(filing.indicators)}
    if args.json:
        sys.stdout.write(json.dumps({"summary": summary, "findings": [f.to_json() for f in findings]},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        _print_findings_table(findings, f"{args.file} 校验结果")
        print(f"错误 {summary['errors']} 条，警告 {summary['warnings']} 条，提示 {summary['infos']} 条"
              f"（项目 {summary['projects']} 个，指标 {summary['indicators']} 个）")
    return 1 if summary["errors"] else 0


def cmd_refresh(args) -> int:
    from .refresh.file_writer import refresh_file
    outcome = refresh_file(args.file, args.output, config_path=args.config)
    out = args.output or args.file
    print(f"已刷新：{out}")
    print(outcome.summary)
    return 1 if outcome.counts["errors"] else 0


def cmd_import(args) -> int:
    from .cli import _out_path, _write_filing
    from .importer import import_path
    out = _out_path(args.output, (".xlsx", ".xlsm", ".json"))
    result = import_path(args.input, year=args.year, department=args.department)
    for f in result.findings:
        print(f"{f.severity_zh} {f.code} {f.project or ''} {f.message}", file=sys.stderr)
    print(f"预算年度 {result.filing.year}：{result.year_source}", file=sys.stderr)
    if out.suffix.lower() == ".json":
        from .fileio import atomic_target
        from .jsonio import dumps
        with atomic_target(out) as tmp:
            tmp.write_text(dumps(result.filing) + "\n", "utf-8")
    else:
        from .refresh.file_writer import refresh_file
        _write_filing(result.filing, out)
        # 校验结果 lists what the import reported; no backup of the file we just wrote
        refresh_file(out, extra_findings=result.findings, backup=False)
    print(f"已导入：{out}（{len(result.filing.projects)} 个项目，{len(result.filing.indicators)} 个指标，"
          f"{len(result.findings)} 条导入提示）")
    return 0


def cmd_publish(args) -> int:
    from .cli import _out_path, _read_any
    from .publish import publish
    out = _out_path(args.output, (".xlsx",))
    filing = _read_any(args.file)
    published = publish(filing, out, args.pdf)
    print(f"已生成公开表：{out}" + (f"，PDF：{args.pdf}" if args.pdf else ""))
    for note in getattr(published, "notes", []) or []:
        print(note, file=sys.stderr)
    return 0


def cmd_new(args) -> int:
    from .cli import _out_path
    from .newbook import new_workbook
    out = _out_path(args.output, (".xlsm", ".xlsx"))
    written = new_workbook(out, year=args.year, department=args.department, unit=args.unit)
    for p in written:
        print(f"已生成：{p}")
    return 0


def cmd_repair(args) -> int:
    from .workbook.repair import repair_button_workbook
    changes = repair_button_workbook(Path(args.file))
    for line in changes or ["无需修复：按钮已可在任何文件名下使用，也没有固定其他电脑的 Python。"]:
        print(line)
    return 0


def cmd_demo(args) -> int:
    from .demo import run_demo
    run_demo(Path(args.output))
    return 0


def register(sub) -> None:
    p = sub.add_parser("check", help="按规则目录校验工作簿（或 JSON），--json 输出机器可读结果")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--config", help="规则配置 TOML 文件")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("refresh", help="刷新：校验并把结果写回工作簿（标色、批注、校验结果、公开表）")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="另存为（默认原地更新并保留 .bak 备份）")
    p.add_argument("--config", help="规则配置 TOML 文件")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("import", help="导入已公开的绩效目标表（PDF 或其提取文本）为标准工作簿")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True, help=".xlsx/.xlsm，或 .json")
    p.add_argument("--year", type=int)
    p.add_argument("--department")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("publish", help="生成公开表（xlsx，可选 PDF）")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--pdf")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("new", help="新建填报工作簿（.xlsm 带刷新按钮）")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--department", default="")
    p.add_argument("--unit", default="")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("repair", help="修复旧版 .xlsm 的刷新按钮（改名、复制后不能用，或固定了别的电脑的 Python）")
    p.add_argument("file")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("demo", help="示例：导入随附的样例 → 刷新 → 公开表")
    p.add_argument("-o", "--output", default="out")
    p.set_defaults(func=cmd_demo)

    try:
        from . import cli_extra
    except ImportError:
        return
    cli_extra.register(sub)
