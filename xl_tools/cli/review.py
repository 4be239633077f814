"""Commands that check a filing and write results: check, refresh, publish."""

from __future__ import annotations

import json
import sys

from .command import FORCE_FILING_HELP, Command, force_arg, output_path
from .output import counts_line, warn_if_open

CONFIG_HELP = "规则配置文件（TOML，格式见 docs/rules.md），覆盖地区配置和「基本信息」中的设置"


def _check_args(p) -> None:
    p.add_argument("file", metavar="文件", help="工作簿 .xlsx/.xlsm、JSON，或公开表 PDF/文本")
    p.add_argument("--json", action="store_true",
                   help="以 JSON 输出（summary 与 findings，字段见 README），供其他程序读取")
    p.add_argument("--config", metavar="TOML", help=CONFIG_HELP)


def _check(args) -> int:
    from .. import app
    from ..findings import summarize
    from .listing import print_findings
    warn_if_open(args.file)
    loaded = app.load_filing(args.file)
    checked = app.review(loaded.filing, args.config, loaded.findings, loaded.reported_fills)
    # checked as refresh will fill it in; a workbook's listed as its refresh's 校验结果 lists it, the fills as
    # FIL… 提示 (JSON and imported tables have no 校验结果: their fills are the workbook's that `load` or
    # `import` writes, which numbers them itself)
    workbook = loaded.kind == app.KIND_WORKBOOK
    fills, findings = checked.fills, checked.rows if workbook else checked.findings
    filing = checked.completed
    summary = {**summarize(findings), "projects": len(filing.projects), "indicators": len(filing.indicators)}
    if args.json:
        sys.stdout.write(json.dumps({"summary": summary, "findings": [f.to_json() for f in findings],
                                     "fills": [fill_json(f) for f in fills],
                                     "pending": [pending_json(i) for i in filing.pending]},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        counts = counts_line(summary, summary["projects"], summary["indicators"])
        if findings:
            print(f"{args.file}：{counts}")
            print_findings(findings)
        else:
            print(f"{args.file}：未发现问题（{counts}）")
        if fills:
            print()
            print(fills_line(fills, listed=workbook))
        elif checked.reported:
            print()
            print(reported_line(checked.reported))
        if filing.pending:
            print()
            print(pending_line(filing.pending))
    return 1 if summary["errors"] else 0


def pending_json(ind) -> dict:
    """A drafted line on 绩效指标 not confirmed yet (序号 「待确认」): where it is and what it says."""
    origin = ind.origin
    return {"sheet": origin.sheet if origin else None, "cell": origin.cell("no") if origin else None,
            "project": ind.project, "level1": ind.level1_label, "level2": ind.level2_label, "name": ind.name,
            "value": ind.annual_value or ind.period_value}


def pending_line(pending) -> str:
    """One line on the drafted lines not confirmed yet, which nothing above counts."""
    rows = [str(i.origin.row) for i in pending if i.origin]
    shown = "、".join(rows[:8]) + ("…" if len(rows) > 8 else "")
    return (f"「绩效指标」中有 {len(pending)} 条序号为「待确认」的起草指标（第 {shown} 行），以上结果不计入它们："
            "核对后删除「待确认」或直接修改该行，再刷新")


def fill_json(fill) -> dict:
    return {"code": fill.code, "sheet": fill.sheet, "cell": fill.finding().cell, "message": fill.message}


def fills_line(fills, *, listed: bool = True) -> str:
    """One line on what refresh fills in: ``listed``, the FIL… 提示 above (as 校验结果 lists them), not
    written by ``check``; the other findings already see those values."""
    cells = [f"{f.sheet}!{f.finding().cell}" for f in fills]
    shown = "、".join(cells[:6]) + ("…" if len(cells) > 6 else "")
    if not listed:
        return (f"刷新时会自动填写 {len(fills)} 个单元格（{shown}）；以上结果已按填写后的内容校验，"
                "与刷新后「校验结果」中的错误和警告一致")
    return (f"以上「已自动填写」提示是刷新时会自动填写的 {len(fills)} 个单元格（{shown}），check 不修改文件；"
            "其余结果已按填写后的内容校验，与刷新后的「校验结果」一致")


def reported_line(reported) -> str:
    """One line on the fills listed above that the last refresh made (its 校验结果 lists them too)."""
    return (f"以上「已自动填写」提示是上次刷新自动填写的 {len(reported)} 个单元格，"
            "与工作簿「校验结果」中列出的相同")


def _refresh_args(p) -> None:
    p.add_argument("file", metavar="工作簿", help="填报工作簿 .xlsx/.xlsm")
    p.add_argument("-o", "--output", metavar="文件",
                   help="另存为此文件（扩展名须与原文件相同）；默认原地更新，并把原文件保留为 .bak")
    p.add_argument("--config", metavar="TOML", help=CONFIG_HELP)
    p.add_argument("--draft", action="store_true",
                   help="把校验建议中起草的指标（缺成本、满意度等指标时按本项目算出的一行）追加到「绩效指标」末尾，"
                        "序号写「待确认」并标浅蓝色；确认（删除「待确认」）或修改后才计入")
    force_arg(p, "用 -o 另存时，替换已存在的文件（原文件保留为 .bak）；默认拒绝覆盖")


def _refresh(args) -> int:
    from .. import app
    outcome = app.refresh_file(args.file, args.output, config_path=args.config, force=args.force,
                               draft=args.draft)
    target = args.output or args.file
    if not outcome.unchanged_since:
        print(f"已刷新：{target}")
    elif args.output:
        print(f"已另存（内容无变化，与原文件相同）：{target}")
    else:
        print(f"未改动：{target}")
    print(outcome.report)
    counts = outcome.counts
    if counts["errors"] or counts["warnings"] or counts["infos"]:
        if outcome.unchanged_since:          # the file is as the last refresh left it: its list stands
            print(f"问题与上次刷新时相同：见工作簿的「校验结果」，或运行 xl-tools check {target} 列出")
        else:
            from .listing import print_findings
            print_findings(outcome.rows)             # as 校验结果 lists them: the counts above
    return 1 if counts["errors"] else 0


def _publish_args(p) -> None:
    p.add_argument("file", metavar="文件", help="填报工作簿 .xlsx/.xlsm（或 JSON）")
    p.add_argument("-o", "--output", required=True, metavar="XLSX", help="公开表 .xlsx（官方版式）")
    p.add_argument("--pdf", metavar="PDF", help="同时生成 PDF（需要安装 LibreOffice）")
    p.add_argument("--allow-errors", action="store_true",
                   help="填报表仍有错误或有项目没有金额时也生成，表头标明「草稿：未通过校验，不得公开」（默认拒绝生成）")
    p.add_argument("--config", metavar="TOML", help=CONFIG_HELP)
    force_arg(p, FORCE_FILING_HELP)


def _publish(args) -> int:
    from .. import app
    out = output_path(args.output, (".xlsx",))
    if args.pdf:
        output_path(args.pdf, (".pdf",))
    warn_if_open(args.file)
    done = app.publish_file(args.file, out, args.pdf, allow_errors=args.allow_errors, config_path=args.config,
                            force=args.force)
    kind = "公开表草稿" if done.draft else "公开表"
    print(f"已生成{kind}：{out}" + (f"，PDF：{args.pdf}" if args.pdf else ""))
    blockers = done.blockers
    if blockers["warnings"]:
        print(f"另有 {blockers['warnings']} 条警告，见 xl-tools check {args.file}")
    if done.draft:
        print(f"注意：填报表还有 {app.blocking_text(blockers['errors'], blockers['no_money'])}，表头已标明草稿，"
              "不得作为正式公开表。", file=sys.stderr)
    for note in done.published.notes:
        print(note, file=sys.stderr)
    return 1 if done.draft else 0


COMMANDS = [
    Command("check", "按审核规则校验填报表（不修改文件）",
            "按审核规则目录（docs/rules.md）校验填报表，在屏幕上列出错误、警告和提示，不修改文件。"
            "退出码：0 没有错误，1 有错误，2 文件无法使用。",
            _check_args, _check),
    Command("refresh", "刷新：校验并把结果写回工作簿",
            "与工作簿中的「刷新」按钮相同：自动填写可推算的内容，校验，把问题标色并加批注，"
            "重写「校验结果」和「公开表」。原地更新时先保存到临时文件再替换，并保留 .bak 备份。",
            _refresh_args, _refresh),
    Command("publish", "生成官方版式的公开表（xlsx，可选 PDF）",
            "按官方版式生成项目支出绩效目标表（公开表）。填报表还有错误、或有项目没有金额时拒绝生成（退出码 1）；"
            "加 --allow-errors 可生成标明「草稿」的版本供核对。生成后说明还有几条警告。"
            "输出位置已有填报工作簿时拒绝覆盖（加 --force 替换，原文件保留为 .bak）。",
            _publish_args, _publish),
]
