"""What a command of the command line is: a name, a line and a paragraph of Chinese help, its
arguments and the function that runs it (returning the exit code)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import XlToolsError


@dataclass(frozen=True)
class Command:
    name: str
    summary: str                                     # one line, in the list of commands
    description: str                                 # what `xl-tools NAME --help` explains
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def output_path(path: str, allowed: tuple[str, ...]) -> Path:
    """An output path with one of the ``allowed`` suffixes, else a usage error naming it."""
    p = Path(path)
    if p.suffix.lower() not in allowed:
        raise XlToolsError(f"输出文件的扩展名应为 {' 或 '.join(allowed)}", file=path)
    return p


FORCE_HELP = "输出文件已存在时替换它（原文件保留为 .bak）；默认拒绝覆盖"
FORCE_FILING_HELP = "输出位置已有填报工作簿时也替换它（原文件保留为 .bak）；默认拒绝覆盖填报工作簿"


def force_arg(p: argparse.ArgumentParser, help: str = FORCE_HELP) -> None:
    """The ``--force`` option of a command that writes an output file."""
    p.add_argument("--force", action="store_true", help=help)
