"""argparse in Chinese: usage, help headings, every usage error, and value types with Chinese messages.

argparse builds its messages in English; ``ChineseParser.error`` translates each one it can produce
(Python 3.11–3.13 wording) and exits with code 2, like every other usage error of xl-tools.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

USAGE_EXIT = 2

# argparse's messages (after "%(prog)s: error: "), most specific first
_TRANSLATIONS: list[tuple[re.Pattern, str]] = [(re.compile(p), zh) for p, zh in [
    (r"^the following arguments are required: (.+)$", r"缺少必需的参数：\1"),
    (r"^unrecognized arguments: (.+)$", r"无法识别的参数：\1"),
    (r"^argument (\S+): invalid choice: '?(.+?)'? \(choose from (.+)\)$", r"「\2」不是可用的\1，可选：\3"),
    (r"^argument (\S+): expected one argument$", r"选项 \1 后面需要一个值"),
    (r"^argument (\S+): expected at least one argument$", r"选项 \1 后面至少需要一个值"),
    (r"^argument (\S+): expected (\d+) arguments?$", r"选项 \1 后面需要 \2 个值"),
    (r"^argument (\S+): not allowed with argument (\S+)$", r"选项 \1 不能与 \2 同时使用"),
    (r"^argument (\S+): ignored explicit argument (.+)$", r"选项 \1 不接受值 \2"),
    (r"^argument (\S+): invalid \S+ value: (.+)$", r"选项 \1 的值 \2 无效"),
    (r"^ambiguous option: (\S+) could match (.+)$", r"选项 \1 不明确，可能是：\2"),
    (r"^one of the arguments (.+) is required$", r"须指定以下选项之一：\1"),
    (r"^argument (\S+): (.+)$", r"选项 \1：\2"),
]]


def translate(message: str) -> str:
    """argparse's English error message in Chinese (unknown wording is kept, prefixed)."""
    for pattern, zh in _TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(zh, message)
    return f"命令行有误：{message}"


class ChineseFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a subcommand's prog: keep that one
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; errors exit with code 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_EXIT, f"错误：{translate(message)}\n运行 {self.prog} --help 查看说明。\n")


# value types (argparse shows their ArgumentTypeError message after the option's name) -------------

def year(text: str) -> int:
    """A budget year: four digits between 2000 and 2100 (full-width digits accepted)."""
    value = text.strip().translate({0xFF10 + k: 0x30 + k for k in range(10)})
    if not (value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100):
        raise argparse.ArgumentTypeError(f"「{text}」不是有效的预算年度，应为四位数年份，例如 2025")
    return int(value)


def _whole(text: str, low: int, high: int | None, message: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(message.format(text=text))
    return value


def positive_int(text: str) -> int:
    return _whole(text, 1, None, "「{text}」应为正整数")


def port(text: str) -> int:
    return _whole(text, 1, 65535, "「{text}」不是有效的端口，应为 1–65535 之间的整数")


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"「{text}」应为大于 0 的数")
    return value
