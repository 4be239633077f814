"""The ``xl-tools`` command line. Every subcommand turns XlToolsError into one Chinese line and exit 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import XlToolsError


def _out_path(path: str, allowed: tuple[str, ...]) -> Path:
    p = Path(path)
    if p.suffix.lower() not in allowed:
        raise XlToolsError(f"输出文件扩展名应为 {' 或 '.join(allowed)}", file=path)
    return p


def _write_filing(filing, out: Path, **kwargs) -> None:
    from .fileio import atomic_target
    from .workbook import build_workbook
    with atomic_target(out) as tmp:
        build_workbook(tmp, filing, macro=out.suffix.lower() == ".xlsm", **kwargs)


def cmd_template(args) -> int:
    out = _out_path(args.output, (".xlsx", ".xlsm"))
    _write_filing(None, out)
    print(f"已生成标准模板：{out}")
    return 0


def _read_any(path: str, strict: bool = True):
    """A filing from a workbook, or from MODEL.md JSON."""
    if path.lower().endswith(".json"):
        from .jsonio import load_json
        from .workbook.template import place_as_written
        return place_as_written(load_json(path))
    from .workbook.versions import read_any_version
    return read_any_version(path, strict=strict)


def cmd_dump(args) -> int:
    from .jsonio import dumps
    filing = _read_any(args.file)
    if args.json:
        sys.stdout.write(dumps(filing) + "\n")
    else:
        from .report import print_filing_summary
        print_filing_summary(filing)
    return 0


def cmd_load(args) -> int:
    from .jsonio import load_json
    out = _out_path(args.output, (".xlsx", ".xlsm"))
    filing = load_json(args.file)
    _write_filing(filing, out)
    print(f"已写入：{out}（{len(filing.projects)} 个项目，{len(filing.indicators)} 个指标）")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xl-tools", description="项目支出绩效目标表：填报模板、校验、公开表（xl-tools）")
    parser.add_argument("--version", action="version", version=f"xl-tools {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("template", help="生成标准模板（.xlsx 或带刷新按钮的 .xlsm）")
    p.add_argument("-o", "--output", required=True, help="输出文件 .xlsx/.xlsm")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("dump", help="读取工作簿，输出填报数据（--json 为 MODEL.md 格式）")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("load", help="由 JSON（MODEL.md 格式）生成填好的标准工作簿")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_load)

    from . import cli_more
    cli_more.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except XlToolsError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:  # console_scripts
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
