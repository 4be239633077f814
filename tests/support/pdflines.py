"""The lines of a PDF as poppler lays them out (``pdftotext -bbox-layout``): to check how text was
wrapped, e.g. that no line starts with closing punctuation (the Chinese line-breaking rule)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

# what a line must not start with (a wrap before it is against the rule): closing punctuation
CLOSING = "，。；：、）」』”’！？》〉】〕…"
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_WORD = re.compile(r"<word [^>]*>(.*?)</word>")


def pdf_lines(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return ["".join(html.unescape(w) for w in _WORD.findall(line)) for line in _LINE.findall(out)]


def closing_line_starts(pdf: Path) -> list[str]:
    """The lines of ``pdf`` that start with closing punctuation (the first 20 characters of each)."""
    return [line[:20] for line in pdf_lines(pdf) if line and line[0] in CLOSING]
