"""The command line speaks Chinese and keeps its exit codes: help, usage errors, internal errors,
refused publishing, file permissions."""

from __future__ import annotations

import os
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
    assert out.startswith("用法：xl-tools " + name) and "选项:" in out and "显示本帮助并退出" in out
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
    assert title.startswith("项目支出绩效目标表") and "草稿" in title


def test_clean_publish_has_no_draft_mark(tmp_path, seed_workbook):
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(seed_workbook), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out)["公开表"]["A1"].value == "项目支出绩效目标表（含转移支付项目）"


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
