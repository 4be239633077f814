"""Commands that run the product as a whole: the add-in server and the worked example."""

from __future__ import annotations

from ..money import fmt_thousands
from . import parser as types
from .command import Command
from .output import counts_line


def _serve_args(p) -> None:
    p.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1，只有本机能访问；对外服务请在前面配置 HTTPS 反向代理）")
    p.add_argument("--port", type=types.port, default=8000, metavar="端口", help="监听端口（默认 8000）")
    p.add_argument("--max-body-mb", type=types.positive_number, metavar="MB",
                   help="单次请求（整个工作簿的数据）的上限，单位 MB（默认 20）")
    p.add_argument("--ssl-certfile", metavar="文件", help="HTTPS 证书文件（直接提供 HTTPS 时）")
    p.add_argument("--ssl-keyfile", metavar="文件", help="HTTPS 私钥文件")
    p.add_argument("--forwarded-allow-ips", metavar="地址",
                   help="信任其 X-Forwarded-* 头的反向代理地址（代理不在本机时）")
    p.add_argument("--insecure", action="store_true",
                   help="允许在非本机地址上不带身份验证启动（仅限隔离的测试网络；默认拒绝）")


def _serve(args) -> int:
    from ..server.cli import serve
    serve(args.host, args.port, max_body_mb=args.max_body_mb, ssl_certfile=args.ssl_certfile,
          ssl_keyfile=args.ssl_keyfile, forwarded_allow_ips=args.forwarded_allow_ips, insecure=args.insecure)
    return 0


def _demo_args(p) -> None:
    p.add_argument("-o", "--output", default="out", metavar="文件夹", help="输出文件夹（默认 out）")


def _demo(args) -> int:
    from .. import app
    done = app.demo(args.output)
    result, outcome = done.imported.result, done.imported.outcome
    filing, ms = result.filing, done.timings_ms
    print(f"样例：{filing.department}，{filing.year} 年，{len(filing.projects)} 个项目，"
          f"{len(filing.indicators)} 个指标，合计 {fmt_thousands(filing.total)} {filing.money_unit}"
          f"（{result.year_source}）")
    print(f"导入 {ms['import']:.0f} ms，导入提示 {len(result.findings)} 条")
    print(f"刷新 {ms['refresh']:.0f} ms：{counts_line(outcome.counts)}")
    for f in outcome.findings:
        if f.severity != "info":
            print(f"  {f.severity_zh} {f.code} {f.sheet}!{f.cell} {f.message}")
    print(f"公开表 {ms['publish']:.0f} ms")
    print("已写入：")
    for p in (done.imported.out, done.table.xlsx, done.table.pdf):
        if p is not None:
            print(f"  {p}")
    if done.table.pdf is None:
        print("  （未安装 LibreOffice，未生成 PDF；安装方法见 README）")
    return 0


COMMANDS = [
    Command("demo", "示例：导入随附的样例 → 刷新 → 公开表",
            "用随附的真实样例（广州市人力资源和社会保障局 2024 年公开表的文本）演示完整流程："
            "导入为标准工作簿、刷新校验、生成公开表 xlsx 和 PDF，并列出发现的问题。",
            _demo_args, _demo),
    Command("serve", "启动 Office 加载项的后端（xlwings Server）",
            "启动 xlwings Server，供 Excel 网页版和桌面版的 Office 加载项使用（任务窗格、刷新、生成公开表）。"
            "部署方法见 docs/服务器部署.md。",
            _serve_args, _serve),
]
