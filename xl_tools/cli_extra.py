"""Subcommands for the annual cycle and for reviewers: rollover, diff, batch, serve."""

from __future__ import annotations

import json
import sys

KIND_ZH = {"project_added": "新增项目", "project_removed": "删除项目", "project_renamed": "项目改名",
           "unit": "资金使用单位变化", "money": "金额变化", "target": "绩效目标变化",
           "indicator_added": "新增指标", "indicator_removed": "删除指标", "indicator_value": "指标值变化"}


def cmd_rollover(args) -> int:
    from .rollover import rollover_file
    result = rollover_file(args.file, args.output, args.year, keep_amounts=args.keep_amounts)
    for note in result.notes:
        print(note, file=sys.stderr)
    print(f"已生成 {args.year} 年度工作簿：{args.output}（{len(result.filing.projects)} 个项目；"
          f"需核对的年份相关问题 {len(result.findings)} 条，刷新后见「校验结果」）")
    return 0


def cmd_diff(args) -> int:
    from .diff import diff_paths, diff_to_json, write_diff_xlsx
    d = diff_paths(args.old, args.new)
    if args.output:
        from pathlib import Path
        from .fileio import atomic_target
        out = Path(args.output)
        with atomic_target(out) as tmp:
            write_diff_xlsx(d, tmp)
    if args.json:
        sys.stdout.write(json.dumps(diff_to_json(d), ensure_ascii=False, indent=2) + "\n")
    else:
        from decimal import Decimal
        from .model import MONEY_LABELS
        from .money import fmt_thousands
        labels = {**MONEY_LABELS, "target": "绩效目标", "name": "项目名称", "unit": "资金使用单位",
                  "period_value": "实施周期指标值", "annual_value": "年度指标值"}
        show = lambda v: fmt_thousands(v) if isinstance(v, Decimal) else str(v)  # noqa: E731
        changes = d.changes()
        for c in changes:
            what = " ".join(x for x in (c.indicator, labels.get(c.field or "", c.field or "")) if x)
            detail = (f"{show(c.old)} → {show(c.new)}" if c.old is not None and c.new is not None
                      else show(c.new if c.new is not None else c.old or ""))
            print(f"{KIND_ZH.get(c.kind, c.kind)}\t{c.project}\t{what}\t{detail}")
        print(f"共 {len(changes)} 处变化" + (f"，明细已写入 {args.output}" if args.output else ""))
    return 0


def cmd_serve(args) -> int:
    from .server.cli import serve
    serve(args.host, args.port, max_body_mb=args.max_body_mb, ssl_certfile=args.ssl_certfile,
          ssl_keyfile=args.ssl_keyfile, forwarded_allow_ips=args.forwarded_allow_ips, insecure=args.insecure)
    return 0


def register(sub) -> None:
    p = sub.add_parser("rollover", help="结转到下一年度：用当前模板生成新年度工作簿，标出带旧年份的内容")
    p.add_argument("file")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="新工作簿 .xlsx/.xlsm")
    p.add_argument("--keep-amounts", action="store_true", help="保留金额（默认清空待填）")
    p.set_defaults(func=cmd_rollover)

    p = sub.add_parser("diff", help="两个年度（或版本）对比：项目增删改名、金额增减、目标与指标变化")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("-o", "--output", help="对比结果 .xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("serve", help="启动 xlwings Server（Office 加载项后端，默认只监听本机 127.0.0.1）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--max-body-mb", type=float, help="单次请求上限（MB，默认 20）")
    p.add_argument("--ssl-certfile")
    p.add_argument("--ssl-keyfile")
    p.add_argument("--forwarded-allow-ips", help="反向代理的地址（代理不在本机时）")
    p.add_argument("--insecure", action="store_true",
                   help="允许在非本机地址上不带身份验证启动（仅限隔离的测试网络）")
    p.set_defaults(func=cmd_serve)

    for module in ("xl_tools.batch",):
        try:
            mod = __import__(module, fromlist=["register_cli"])
        except ImportError:
            continue
        if hasattr(mod, "register_cli"):
            mod.register_cli(sub)
