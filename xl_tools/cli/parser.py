"""argparse in Chinese: usage, help headings, every usage error, and value types with Chinese messages.

argparse builds its messages in English; ``ChineseParser.error`` translates each one it can produce
(Python 3.11–3.13 wording) into ONE line — 「错误：… （运行 xl-tools 命令 --help 查看用法）」, naming the
help of the subcommand that was given — and exits with code 2, like every other usage error of
xl-tools. A mistyped command or option gets the nearest one suggested (difflib).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from typing import NoReturn

from ..model import YEAR_RANGE_ZH, is_budget_year

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


_INVALID_COMMAND = re.compile(r"^argument 命令: invalid choice: '?(.+?)'? \(choose from (.+)\)$")
_UNRECOGNIZED = re.compile(r"^unrecognized arguments: (.+)$")


def translate(message: str) -> str:
    """argparse's English error message in Chinese (unknown wording is kept, prefixed)."""
    for pattern, zh in _TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(zh, message)
    return f"命令行有误：{message}"


def nearest(word: str, choices) -> str | None:
    """The choice closest to a mistyped ``word`` (difflib), or None when none is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def usage_line(prog: str, what: str) -> str:
    """The one line of every usage error: what is wrong, and whose help to read."""
    return f"错误：{what}（运行 {prog} --help 查看用法）"


class ChineseFormatter(argparse.RawDescriptionHelpFormatter):
    """Help in Chinese typography: 「用法：」, section headings with a full-width colon (「选项：」), and
    the list of commands without argparse's extra line repeating the commands' metavar."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._headings: list[str] = []

    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a subcommand's prog: keep that one
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)

    def start_section(self, heading) -> None:
        if heading:
            self._headings.append(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:         # argparse ends each heading with an ASCII colon
            text = re.sub(rf"^( *){re.escape(heading)}:$", rf"\g<1>{heading}：", text, flags=re.M)
        return text

    def _format_action(self, action) -> str:
        # argparse's private formatter hook (stable across 3.8–3.13): a subparsers action is listed as
        # its commands only, not under a line that repeats its metavar
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(command) for command in action._get_subactions())
        return super()._format_action(action)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; errors exit with code 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_EXIT, usage_line(self.prog, self._explain(message)) + "\n")

    def _explain(self, message: str) -> str:
        """argparse's message in Chinese, with the command or option the user probably meant."""
        if hit := _INVALID_COMMAND.match(message):
            typed, choices = hit.group(1), [c.strip(" '") for c in hit.group(2).split(",")]
            guess = nearest(typed, choices)
            return (f"没有「{typed}」这个命令，是否要运行 {guess}？" if guess
                    else f"没有「{typed}」这个命令，可用的命令：{'、'.join(choices)}")
        if hit := _UNRECOGNIZED.match(message):
            return f"无法识别的参数：{hit.group(1)}{self._guesses(hit.group(1).split())}"
        # a required option reported missing may have been typed wrong: `--yaer 2025`
        return translate(message) + self._guesses(self._typed, missing_only=True)

    def _guesses(self, words: list[str], missing_only: bool = False) -> str:
        """「，是否是 --year？」 for the option words not among this command's options."""
        options = [o for a in self._actions for o in a.option_strings]
        guesses = [(w, g) for w in words if w.startswith("-") and w.split("=", 1)[0] not in options
                   and (g := nearest(w.split("=", 1)[0], options))]
        if missing_only:
            guesses = [(w, g) for w, g in guesses if g not in self._typed]
        if len(guesses) == 1:
            return f"；{guesses[0][0]} 是否是 {guesses[0][1]}？" if missing_only else f"，是否是 {guesses[0][1]}？"
        return f"；是否是：{'、'.join(f'{w} → {g}' for w, g in guesses)}？" if guesses else ""

    _typed: list[str] = []          # the words of the command line being parsed (for suggestions)

    def parse_args(self, args=None, namespace=None):
        """As argparse, but arguments left over after a subcommand are that subcommand's error (its
        help is named, its options are the ones suggested), not the top level's."""
        ChineseParser._typed = list(sys.argv[1:] if args is None else args)
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            owner = getattr(parsed, "command_parser", None) or self
            owner.error("unrecognized arguments: " + " ".join(extras))
        return parsed


# value types (argparse shows their ArgumentTypeError message after the option's name) -------------

def year(text: str) -> int:
    """A budget year: four digits, ``model.is_budget_year`` (full-width digits accepted)."""
    value = text.strip().translate({0xFF10 + k: 0x30 + k for k in range(10)})
    if not (value.isdigit() and len(value) == 4 and is_budget_year(int(value))):
        raise argparse.ArgumentTypeError(f"「{text}」不是有效的预算年度，应为{YEAR_RANGE_ZH}，例如 2025")
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
