"""The ``xl-tools`` command line: one table of commands, Chinese help, one exception boundary.

Each command family lives in its own module (``filing``, ``review``, ``cycle``, ``reviewer``,
``service``) as ``Command`` records; ``COMMANDS`` below is the table, in the order ``--help`` lists
them. To add a command: write its arguments and run function in the family's module, add a
``Command`` to that module's list. Every command runs inside ``boundary.run``: exit 0 clean, 1 the
filing has errors, 2 unusable input or usage error, 3 internal error (with a log).
"""

from __future__ import annotations

import sys

from .. import __version__, limits
from . import cycle, filing, review, reviewer, service
from .boundary import EXIT_USAGE, run
from .command import Command
from .parser import ChineseParser

COMMANDS: list[Command] = [*filing.COMMANDS, *review.COMMANDS, *cycle.COMMANDS, *reviewer.COMMANDS,
                           *service.COMMANDS]

DESCRIPTION = """项目支出绩效目标表：填报、校验、公开（xl-tools %s）

填报人员：new 新建工作簿 → 在 Excel 中填写 → refresh（或工作簿中的「刷新」按钮）→ publish 生成公开表。
审核人员：batch 批量审核各单位的填报表；diff 对比两个年度。
运行 xl-tools 命令 --help 查看每个命令的说明。""" % __version__

EPILOG = "退出码：0 没有错误；1 填报表有错误；2 文件无法使用或命令行有误；3 内部错误（附日志路径）。"


def build_parser() -> ChineseParser:
    parser = ChineseParser(prog="xl-tools", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"xl-tools {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令", parser_class=ChineseParser)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.summary, description=command.description,
                           epilog=EPILOG)
        command.arguments(p)
        p.set_defaults(run=command.run, command_parser=p)    # its errors name its own help
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    return run(lambda: _checked(args), context=f"xl-tools {shown}")


def _checked(args) -> int:
    """The command, once every limit variable holds a whole number (else one line, before any work)."""
    limits.check_all(limits.ALL)
    return args.run(args)


def entry() -> None:  # console_scripts
    sys.exit(main())
