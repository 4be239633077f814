"""The findings of ``xl-tools check`` for a person at a terminal: a summary, then the first findings of each
rule on each sheet, grouped, and how many more there are (all of them: ``--json`` or 校验结果).

Plain lines, no table: on a terminal the lines are wrapped to its width (at most ``MAX_WIDTH`` columns,
Chinese characters two columns wide) under a hanging indent and the severities are coloured; into a pipe
or a file each finding is one line, uncoloured, so ``grep`` finds it whole.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from typing import Iterable, TextIO

from ..catalogue import info
from ..findings import SEVERITY_ZH, Finding

SHOWN_PER_GROUP = 3          # findings listed per (severity, sheet, rule)
ALL_WHEN_AT_MOST = 12        # a filing with this many findings or fewer has them all listed
MAX_WIDTH = 100              # lines are wrapped to the terminal's width, never wider than this
MORE = "还有 {n} 条，见 --json 或刷新后的校验结果"
_COLOURS = {"error": "31", "warning": "33", "info": "36"}       # red, yellow, cyan (ANSI SGR)
# never at the start of a line (closing punctuation goes with the character before it)
_NO_LINE_START = set("，。；：、！？）》」』】〉’”%％,.;:!?)]}·…")


def char_columns(ch: str) -> int:
    """Terminal columns of one character: 2 for CJK, full-width and ambiguous-width symbols (≥ “ ” …: two
    columns in a Chinese-locale terminal, so a line fits either way), 0 for combining marks, else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def columns(text: str) -> int:
    return sum(char_columns(c) for c in text)


def _pieces(text: str) -> list[str]:
    """Unbreakable pieces: a CJK character (with the closing punctuation after it), a run of Latin letters,
    digits and ASCII signs (绩效指标!F5、G5 breaks only at 、), a space."""
    out: list[str] = []
    for ch in text:
        narrow = char_columns(ch) < 2 and not ch.isspace()
        if out and (ch in _NO_LINE_START or (narrow and out[-1] and char_columns(out[-1][-1]) < 2
                                             and not out[-1][-1].isspace())):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: int, indent: str = "", hanging: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns (a piece wider than a line is cut): the first line
    starts with ``indent``, the others with ``hanging``; no line starts with a space."""
    lines: list[str] = []
    line, used = indent, columns(indent)
    start = True
    for piece in _pieces(text):
        w = columns(piece)
        if used + w > width and not start:
            lines.append(line.rstrip())
            line, used, start = hanging, columns(hanging), True
        if start and piece.isspace():
            continue
        while used + w > width and len(piece) > 1:       # longer than a whole line: cut it
            room, cut = width - used, 0
            while cut < len(piece) and room - char_columns(piece[cut]) >= 0:
                room -= char_columns(piece[cut])
                cut += 1
            while 1 < cut < len(piece) and piece[cut] in _NO_LINE_START:
                cut -= 1                                   # closing punctuation keeps a character
            cut = max(cut, 1)
            lines.append(line + piece[:cut])
            line, used = hanging, columns(hanging)
            piece = piece[cut:]
            w = columns(piece)
        line += piece
        used += w
        start = False
    lines.append(line.rstrip())
    return lines


def groups(findings: Iterable[Finding]) -> list[tuple[tuple[str, str, str], list[Finding]]]:
    """Findings grouped by (severity, sheet, rule), in the order of each group's first finding (the engine's
    order: errors first, then by sheet in workbook order and row)."""
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        out.setdefault((f.severity, f.sheet or "", f.code), []).append(f)
    return list(out.items())


class Listing:
    """Where the lines go and how: wrapped and coloured on a terminal, one line per item elsewhere."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.colour = self.terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self.width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH) if self.terminal else 0

    def paint(self, text: str, severity: str, bold: bool = False) -> str:
        if not self.colour:
            return text
        return f"\033[{'1;' if bold else ''}{_COLOURS[severity]}m{text}\033[0m"

    def line(self, text: str, indent: str = "", hanging: str | None = None, severity: str | None = None,
             bold: bool = False) -> None:
        hanging = indent if hanging is None else hanging
        lines = wrap(text, self.width, indent, hanging) if self.width else [indent + text]
        if severity is not None:
            lines = [self.paint(line, severity, bold) for line in lines]
        self.stream.write("\n".join(lines) + "\n")


def print_findings(findings: list[Finding], stream: TextIO | None = None) -> None:
    """The findings by severity, then sheet and rule, the first ``SHOWN_PER_GROUP`` of each
    group (all when there are few), each with its cell, message and suggestion; the rest counted."""
    out = Listing(stream)
    shown_each = len(findings) if len(findings) <= ALL_WHEN_AT_MOST else SHOWN_PER_GROUP
    by_severity: dict[str, int] = {}
    for f in findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    hidden = 0
    severity = None
    for (sev, sheet, code), group in groups(findings):
        if sev != severity:
            severity = sev
            out.stream.write("\n")
            out.line(f"{SEVERITY_ZH[sev]} {by_severity[sev]:,} 条", severity=sev, bold=True)
        place = f"{sheet} · " if sheet else ""
        out.line(f"{place}{code} {info(code).title}（{len(group):,} 条）", indent="  ", severity=sev)
        for f in group[:shown_each]:
            where = f.where if f.cell else (f.project or "")
            out.line((f"{where}  " if where else "") + f.message, indent="    ", hanging=" " * 8)
            if f.suggestion:
                out.line(f"建议：{f.suggestion}", indent=" " * 8, hanging=" " * 14)
        rest = len(group) - shown_each
        if rest > 0:
            hidden += rest
            out.line(f"……同类还有 {rest:,} 条", indent="    ")
    if hidden:
        out.stream.write("\n")
        out.line(MORE.format(n=f"{hidden:,}"))

