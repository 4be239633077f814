"""The command line speaks Chinese and keeps its exit codes: help, usage errors, internal errors,
refused publishing, file permissions."""

from __future__ import annotations

import argparse
import os
import re
import stat
import subprocess
import sys

import openpyxl
import pytest

from xl_tools import app
from xl_tools.cli import COMMANDS, build_parser, main

from .conftest import ROOT

ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "error:", "invalid",
           "required", "unrecognized", "choose from", "expected one argument")


def _xl(*argv, **kw):
    return subprocess.run([sys.executable, "-m", "xl_tools", *argv], capture_output=True, text=True,
                          cwd=kw.get("cwd", ROOT))


def _no_english(text: str) -> None:
    low = text.lower()
    assert not [w for w in ENGLISH if w in low], text


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_explains_itself_in_chinese(name, capsys):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    _no_english(out)
    assert out.startswith("用法：xl-tools " + name) and "选项：" in out and "显示本帮助并退出" in out
    command = next(c for c in COMMANDS if c.name == name)
    assert command.description[:10] in out.replace("\n", "")
    sub = build_parser()._subparsers._group_actions[0].choices[name]
    for action in sub._actions:
        assert action.help and any("\u4e00" <= ch <= "\u9fff" for ch in action.help), (name, action.dest)


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    _no_english(out)
    assert all(c.name in out and c.summary in out for c in COMMANDS) and "退出码" in out


# --- help and usage errors hold no English of argparse's ----------------------------------------------

# ASCII words the help may hold besides the parser's own option names, metavars and command names, the
# program's name and file names (a word with "." or "/": .xlsx, docs/rules.md, tcp://…): names of
# products, formats and standards the accountant sees in their own tools, and documented JSON keys
NAMES = {"Excel", "WPS", "Office", "LibreOffice", "Python", "xlwings", "Server", "Dask", "pyarrow", "Parquet",
         "PDF", "JSON", "XLSX", "CSV", "TOML", "HTTPS", "UTF-8", "GBK", "CPU", "MB", "README", "X-Forwarded-*",
         "summary", "findings", "xlsx", "xlsm", "pdf", "json", "csv", "txt"}
ASCII_WORD = re.compile(r"[A-Za-z0-9_.:/*+\-]*[A-Za-z][A-Za-z0-9_.:/*+\-]*")


def _parsers():
    """(command name or "", its parser) for the top level and every subcommand."""
    top = build_parser()
    return [("", top), *top._subparsers._group_actions[0].choices.items()]


def _own_words() -> set[str]:
    """Every option string, metavar, choice, default and command name of every parser, and the
    program name."""
    words = {"xl-tools"}
    for name, parser in _parsers():
        words.add(name)
        for action in parser._actions:
            words.update(action.option_strings)
            metavars = action.metavar if isinstance(action.metavar, tuple) else (action.metavar,)
            words.update(m for m in metavars if isinstance(m, str))
            words.update(c for c in (action.choices or ()) if isinstance(c, str))
            if isinstance(action.default, str):
                words.add(action.default)
    return words


def _foreign_words(text: str) -> list[str]:
    own = _own_words() | NAMES
    words = [w.rstrip(":.") for w in ASCII_WORD.findall(text)]         # "usage:" is the word usage
    return [w for w in words if w not in own and not re.search(r"[./]", w)]


def test_the_help_rule_finds_argparse_english():
    """The rule below is binding: argparse's own English help is caught by it."""
    english = argparse.ArgumentParser(prog="xl-tools").format_help()
    assert {"usage", "show", "this", "message", "and", "exit"} <= set(_foreign_words(english))
    assert _foreign_words("选项：\n  --json  以 JSON 输出（字段见 README），存为 .xlsx 或 docs/rules.md") == []


@pytest.mark.parametrize("name", ["", *(c.name for c in COMMANDS)])
def test_help_is_chinese_but_for_names(name, capsys):
    """Every help page: no ASCII word but option names, metavars, command names, file names and the
    names in NAMES; section headings end in a full-width colon; the commands are listed once."""
    with pytest.raises(SystemExit) as done:
        main([*([name] if name else []), "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert _foreign_words(out) == [], out
    headings = re.findall(r"^(\S[^\n]*?)[:：]$", out, flags=re.M)
    assert headings and all(h in ("位置参数", "选项", "命令") for h in headings), headings
    assert not re.search(r"^\S.*:$", out, flags=re.M), out        # no ASCII colon ends a heading
    assert "选项：" in out and (name or "命令：" in out)
    if not name:
        assert out.count("命令：") == 1 and not re.search(r"^ +命令$", out, flags=re.M), out


def _bad_command_lines():
    """For every subcommand: an unknown option, each option given without its value, each checked
    value given something it refuses, and the command without its required arguments."""
    cases = []
    for name, parser in _parsers()[1:]:
        cases.append([name, "--无此选项"])
        if any(a.required for a in parser._actions):
            cases.append([name])
        for action in parser._actions:
            if not action.option_strings or action.nargs == 0:
                continue
            cases.append([name, action.option_strings[-1]])
            if action.choices or action.type not in (None, str):
                cases.append([name, action.option_strings[-1], "无效值"])
    return cases


@pytest.mark.parametrize("argv", _bad_command_lines(), ids=" ".join)
def test_usage_errors_hold_no_english(argv, capsys):
    """argparse's errors (required, expected one argument, invalid choice, invalid value,
    unrecognized) are one Chinese line, exit 2; parsing only, so no command runs."""
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("错误："), err
    assert _foreign_words(err) == [], err


@pytest.mark.parametrize("argv, help_of, words", [
    (["new", "-o", "x.xlsm", "--year", "abc"], "new", ["abc", "预算年度"]),
    (["new", "-o", "x.xlsm", "--year", "１９"], "new", ["预算年度"]),
    (["new", "-o", "x.xlsm"], "new", ["缺少必需的参数", "--year"]),
    (["frobnicate"], "", ["没有「frobnicate」这个命令", "refresh"]),
    (["refesh", "a.xlsx"], "", ["没有「refesh」这个命令，是否要运行 refresh？"]),
    (["check"], "check", ["缺少必需的参数"]),
    (["check", "a.xlsx", "--bogus"], "check", ["无法识别的参数：--bogus"]),
    (["check", "a.xlsx", "--jsn"], "check", ["无法识别的参数：--jsn，是否是 --json？"]),
    (["refresh", "a.xlsx", "--yaer", "2025"], "refresh", ["无法识别的参数：--yaer 2025"]),
    (["rollover", "a.xlsx", "--yaer", "2025", "-o", "b.xlsx"], "rollover",
     ["缺少必需的参数：--year", "--yaer 是否是 --year？"]),
    (["refresh", "a.xlsx", "-o"], "refresh", ["-o", "需要一个值"]),
    (["batch", ".", "--jobs", "0"], "batch", ["--jobs", "正整数"]),
    (["serve", "--port", "70000"], "serve", ["端口"]),
    (["--bogus"], "", ["无法识别的参数：--bogus"]),
])
def test_usage_errors_are_one_chinese_line_and_exit_2(argv, help_of, words):
    """One line (the brief's standard): what is wrong, and the help of the subcommand that was given
    (`refresh F --yaer` points at refresh's help, not the top level's); a near match is suggested."""
    proc = _xl(*argv)
    assert proc.returncode == 2, proc.stderr
    _no_english(proc.stderr)
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("错误："), proc.stderr
    hint = f"（运行 xl-tools {help_of + ' ' if help_of else ''}--help 查看用法）"
    assert proc.stderr.rstrip("\n").endswith(hint), proc.stderr
    assert all(w in proc.stderr for w in words), proc.stderr
    assert "Traceback" not in proc.stderr and not proc.stdout


def test_full_width_year_is_read(tmp_path):
    out = tmp_path / "f.xlsx"
    assert main(["new", "-o", str(out), "--year", "２０２５"]) == 0
    assert openpyxl.load_workbook(out)["基本信息"]["B3"].value == 2025


def test_internal_error_is_exit_3_with_a_log(tmp_path, monkeypatch, capsys, seed_workbook):
    def broken(*a, **k):
        raise ValueError("a defect of ours")
    monkeypatch.setenv("XL_TOOLS_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(app, "load_filing", broken)
    assert main(["check", str(seed_workbook)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "内部错误" in err and "Traceback" not in err
    logs = list((tmp_path / "logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text("utf-8")
    assert "Traceback" in text and "a defect of ours" in text and "xl-tools check" in text


def _with_errors(path):
    wb = openpyxl.load_workbook(path)
    wb["项目"]["D2"] = 1         # 总计 no longer the sum of its parts (AMT001) nor of its unit (AMT006)
    wb.save(path)


def test_publish_refuses_a_filing_with_errors(tmp_path, capsys, seed_workbook):
    _with_errors(seed_workbook)
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(seed_workbook), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2 条错误" in err and "--allow-errors" in err and "校验结果" in err and not out.exists()
    assert main(["publish", str(seed_workbook), "-o", str(out), "--allow-errors"]) == 1
    assert "草稿" in capsys.readouterr().err
    title = openpyxl.load_workbook(out)["公开表"]["A1"].value
    assert title.startswith("2024年项目支出绩效目标表") and "草稿" in title


def test_clean_publish_has_no_draft_mark(tmp_path, seed_workbook):
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(seed_workbook), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out)["公开表"]["A1"].value == "2024年项目支出绩效目标表（含转移支付项目）"


def test_refreshed_public_sheet_carries_the_draft_mark(seed_workbook):
    _with_errors(seed_workbook)
    app.refresh_file(seed_workbook, backup=False)
    assert "草稿" in openpyxl.load_workbook(seed_workbook)["公开表"]["A1"].value


def test_outputs_get_the_users_permissions(tmp_path, seed_workbook):
    old = os.umask(0o022)
    try:
        out = tmp_path / "公开表.xlsx"
        assert main(["publish", str(seed_workbook), "-o", str(out)]) == 0
        made = tmp_path / "new.xlsm"
        assert main(["new", "-o", str(made), "--year", "2025"]) == 0
    finally:
        os.umask(old)
    for path in (out, made):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_unwritable_outputs_are_one_chinese_line(tmp_path, seed_workbook):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for argv in (["demo", "-o", str(blocker / "sub")],
                 ["publish", str(seed_workbook), "-o", str(tmp_path / "t.xlsx"), "--pdf", str(blocker / "t.pdf")],
                 ["batch", str(tmp_path / "没有这个文件夹"), "-o", str(tmp_path / "r.xlsx")]):
        proc = _xl(*argv)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "不存在" in proc.stderr
