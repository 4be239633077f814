"""The commands in README.md and docs/使用说明.md run as written.

Every ```sh block of a document is run line by line, in order, in one folder per document, after the
files a reader brings have been made there (the bundled sample, last year's published PDF, a unit's
workbook, an inbox folder, a rule configuration). Lines run the way a reader runs them: in a shell whose
PATH has no ``xl-tools`` until the document says how to get it (``. .venv/bin/activate`` after
``make demo``, or ``pip install xl-tools``: this test's environment, activated), or by its path
(``.venv/bin/xl-tools``). An ``xl-tools`` line must exit 0 — or 1 where a filing it names still has errors (the batch's inbox holds a unit's new,
empty workbook) — never 2 (a usage error, a file the documents did not make) or 3 (an internal error);
what it says it writes (``-o``, ``--pdf``, ``--annotate``) exists afterwards. A ``make`` line must name a target of the Makefile (``make -n``;
the suite does not run itself); ``mkdir -p`` makes its folders; ``pip install "xl-tools[x]"`` must name
an extra of setup.cfg (the test environment has them installed).
"""

from __future__ import annotations

import os
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
VENV_BIN = Path(sys.executable).parent            # the environment the tests run in (make test: .venv)
ACTIVATE = VENV_BIN / "activate"
INSTALLS = (["pip", "install", "xl-tools"], ["pip", "install", "-e", "."])


def _shell_path() -> str:
    """PATH as a reader's shell has it before installing: without any folder holding an xl-tools."""
    return os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not (Path(d) / "xl-tools").exists())


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
    (folder / "名单.csv").write_text("单位名称,别名\n广州市机电技师学院,机电技师学院\n单位B,\n", "utf-8-sig")
    _unit_list(folder / "名单.xlsx", ["广州市机电技师学院", "单位B"])
    (folder / "本地规则.toml").write_text('profile = "广东"\n\n[VAL006]\nfloor = "85"\n', "utf-8")


def _unit_list(path: Path, units: list[str]) -> None:
    """A reviewer's list of the units expected to file (a column 单位名称)."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "别名"])
    for unit in units:
        wb.active.append([unit, None])
    wb.save(path)


def _run(line: str, folder: Path, shell: dict) -> None:
    """Run one documented line; ``shell["activated"]``: whether the document has put xl-tools on PATH."""
    words = shlex.split(line)
    if words[0] in (".", "source"):
        assert words[1:] == [".venv/bin/activate"], f"activates something else: {line}"
        shell["activated"] = True
        return
    if words[0] == "make":
        proc = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, (line, proc.stderr)
        return
    if words in INSTALLS:                     # the reader installs xl-tools: this environment, activated
        shell["activated"] = True
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
    assert words[0] in ("xl-tools", ".venv/bin/xl-tools"), f"a command the documents do not explain: {line}"
    if words[0] == "xl-tools":
        assert shell["activated"], f"xl-tools is used before the document says how to get it: {line}"
        script = f". {shlex.quote(str(ACTIVATE))} && {line}"
    else:
        script = shlex.join([str(VENV_BIN / "xl-tools"), *words[1:]])
    proc = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PATH": _shell_path()})
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
    shell = {"activated": False}
    for line in lines:
        _run(line, tmp_path, shell)


def test_xl_tools_is_not_on_the_path_of_a_fresh_shell(tmp_path):
    """The test above would prove nothing if the shell found xl-tools anyway."""
    proc = subprocess.run(["bash", "-c", "xl-tools --version"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PATH": _shell_path()})
    assert proc.returncode == 127, (proc.stdout, proc.stderr)
    assert ACTIVATE.exists(), "the tests run in a virtual environment (make test: .venv)"


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
