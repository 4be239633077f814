"""The commands in README.md and docs/使用说明.md run as written.

Every ```sh block of a document is run line by line, in order, in one folder per document, after the
files a reader brings have been made there (the bundled sample, last year's published PDF, a unit's
workbook, an inbox folder, a rule configuration). An ``xl-tools`` line runs the installed command and
must exit 0 — or 1 where a filing it names still has errors (the batch's inbox holds a unit's new,
empty workbook) — never 2 (a usage error, a file the documents did not make) or 3 (an internal error);
what it says it writes (``-o``, ``--pdf``, ``--annotate``) exists afterwards. A ``make`` line must name a target of the Makefile (``make -n``;
the suite does not run itself); ``mkdir -p`` makes its folders; ``pip install "xl-tools[x]"`` must name
an extra of setup.cfg (the test environment has them installed).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xl_tools import app

from .conftest import ROOT, SEED_TXT, needs_soffice

BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
OUTPUT_OPTIONS = ("-o", "--output", "--pdf", "--annotate")
XL_TOOLS = Path(sys.executable).with_name("xl-tools")


def sh_lines(doc: Path) -> list[str]:
    """The command lines of a document's ```sh blocks, comments dropped."""
    lines = []
    for block in BLOCK.findall(doc.read_text("utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(shlex.join(words))
    return lines


def _reader_files(folder: Path) -> None:
    """What a reader of the documents has at hand before the first command."""
    (folder / "xl_tools" / "data").mkdir(parents=True)
    shutil.copy(SEED_TXT, folder / "xl_tools" / "data" / SEED_TXT.name)
    work = folder / ".made"
    work.mkdir()
    unit = folder / "单位A.xlsx"
    app.import_to_workbook(SEED_TXT, unit)
    app.publish_file(unit, work / "去年公开表.xlsx", folder / "去年公开表.pdf")
    inbox = folder / "收件箱"
    inbox.mkdir()
    shutil.copy(unit, inbox / "单位A.xlsx")
    app.new_filing(inbox / "单位B.xlsx", year=2024, department="某区教育局", unit="单位B")
    (folder / "本地规则.toml").write_text('profile = "广东"\n\n[VAL006]\nfloor = "85"\n', "utf-8")


def _run(line: str, folder: Path) -> None:
    words = shlex.split(line)
    if words[0] == "make":
        proc = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, (line, proc.stderr)
        return
    if words[:2] == ["pip", "install"]:      # the test environment has the extras: they must exist
        extras = (ROOT / "setup.cfg").read_text("utf-8").split("[options.extras_require]")[1]
        for spec in words[2:]:
            for extra in re.findall(r"xl-tools\[([^\]]+)\]", spec):
                for name in extra.split(","):
                    assert re.search(rf"^{re.escape(name)} =", extras, re.M), (line, name)
        return
    if words[:2] == ["mkdir", "-p"]:
        for folder_name in words[2:]:
            (folder / folder_name).mkdir(parents=True, exist_ok=True)
        return
    assert words[0] == "xl-tools", f"a command the documents do not explain: {line}"
    command = [str(XL_TOOLS)] if XL_TOOLS.exists() else [sys.executable, "-m", "xl_tools"]
    proc = subprocess.run(command + words[1:], cwd=folder, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), (line, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "内部错误" not in proc.stderr and "用法" not in proc.stderr, (line, proc.stderr)
    if proc.returncode == 1:
        assert "错误" in proc.stdout + proc.stderr, (line, proc.stdout, proc.stderr)
        if words[1] == "publish":           # refused: the filing has errors, nothing written
            return
    for option, value in zip(words, words[1:]):
        if option in OUTPUT_OPTIONS:
            assert (folder / value).exists(), (line, value)


@needs_soffice
@pytest.mark.parametrize("doc", ["README.md", "docs/使用说明.md"])
def test_documented_commands_run(doc, tmp_path):
    lines = sh_lines(ROOT / doc)
    assert lines, f"{doc} has no ```sh block"
    _reader_files(tmp_path)
    for line in lines:
        _run(line, tmp_path)


# placeholders of a command template (FILE, F.xlsx, […], …) and what needs a service the reader runs
TEMPLATE = re.compile(r"文件名|[A-Z]{2,}|\bF\.|\bT\.|…|\[|--scheduler")


def test_every_command_line_in_the_docs_is_in_a_sh_block():
    """A whole command shown inline (`xl-tools new -o … --year 2025 …` in a sentence) is also in a
    ```sh block of the same document, so the test above runs what a reader copies; command names
    (`xl-tools refresh`) and templates with placeholders (FILE, F.xlsx, […]) are not commands to copy."""
    for doc in ("README.md", "docs/使用说明.md"):
        text = (ROOT / doc).read_text("utf-8")
        blocks = set(sh_lines(ROOT / doc))
        for inline in re.findall(r"`(xl-tools [^`]+)`", text):
            if len(inline.split()) < 3 or TEMPLATE.search(inline):
                continue
            assert shlex.join(shlex.split(inline)) in blocks, (doc, inline)
