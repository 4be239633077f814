"""A command that creates a workbook never silently replaces a file already there: `new -o F` onto a
filled filing is refused (one Chinese line, exit 2, the file's bytes untouched); `--force` replaces it
and keeps the old file as `.bak`. The official table and the diff workbook replace their own earlier
versions but not a filing."""

from __future__ import annotations

import json

import openpyxl
import pytest

from xl_tools import app
from xl_tools.cli import main
from xl_tools.jsonio import dumps
from xl_tools.outputmark import workbook_kind

from .conftest import SEED_TXT


@pytest.fixture
def filled(tmp_path, seed_workbook):
    """A filled filing where a careless `-o` might land, and its bytes."""
    target = tmp_path / "2025年绩效目标.xlsx"
    target.write_bytes(seed_workbook.read_bytes())
    return target, target.read_bytes()


def _commands(tmp_path, seed_workbook, target):
    source_json = tmp_path / "填报.json"
    filing = app.load_filing(seed_workbook).filing
    filing.year = 2026                                 # not the filing already there
    source_json.write_text(dumps(filing), "utf-8")
    return {
        "new": ["new", "-o", str(target), "--year", "2025"],
        "template": ["template", "-o", str(target)],
        "import": ["import", str(SEED_TXT), "-o", str(target)],
        "load": ["load", str(source_json), "-o", str(target)],
        "rollover": ["rollover", str(seed_workbook), "--year", "2025", "-o", str(target)],
        "refresh -o": ["refresh", str(seed_workbook), "-o", str(target)],
    }


@pytest.mark.parametrize("name", ["new", "template", "import", "load", "rollover", "refresh -o"])
def test_an_existing_file_is_not_replaced_without_force(name, tmp_path, seed_workbook, filled, capsys):
    target, before = filled
    argv = _commands(tmp_path, seed_workbook, target)[name]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and str(target) in err and "已存在" in err and "--force" in err, err
    assert not out
    assert target.read_bytes() == before and not target.with_name(target.name + ".bak").exists()

    assert main([*argv, "--force"]) == 0, capsys.readouterr()
    bak = target.with_name(target.name + ".bak")
    assert bak.read_bytes() == before                  # the replaced filing, not a first draft of ours
    assert target.read_bytes() != before
    openpyxl.load_workbook(target)                     # a whole workbook


def test_json_output_of_import_is_guarded_too(tmp_path, capsys):
    out = tmp_path / "公开表.json"
    out.write_text('{"mine": true}', "utf-8")
    assert main(["import", str(SEED_TXT), "-o", str(out)]) == 2
    assert json.loads(out.read_text("utf-8")) == {"mine": True}
    assert main(["import", str(SEED_TXT), "-o", str(out), "--force"]) == 0
    assert json.loads(out.with_name("公开表.json.bak").read_text("utf-8")) == {"mine": True}
    assert "projects" in json.loads(out.read_text("utf-8"))


def test_outputs_that_are_inputs_stay_refused_even_with_force(seed_workbook, capsys):
    before = seed_workbook.read_bytes()
    assert main(["rollover", str(seed_workbook), "--year", "2025", "-o", str(seed_workbook), "--force"]) == 2
    assert "输出文件就是输入文件" in capsys.readouterr().err and seed_workbook.read_bytes() == before


@pytest.mark.parametrize("command", ["publish", "diff"])
def test_reports_replace_their_own_files_but_not_a_filing(command, tmp_path, seed_workbook, filled, capsys):
    target, before = filled
    argv = (["publish", str(seed_workbook), "-o", str(target)] if command == "publish"
            else ["diff", str(seed_workbook), str(seed_workbook), "-o", str(target)])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "填报工作簿" in err and "--force" in err, err
    assert target.read_bytes() == before
    # an earlier report at the same place is simply replaced (publishing again is the normal case)
    report = tmp_path / "公开表.xlsx"
    argv_report = [report if a == str(target) else a for a in argv]
    argv_report = [str(a) for a in argv_report]
    assert main(argv_report) == 0 and main(argv_report) == 0, capsys.readouterr()
    assert not report.with_name(report.name + ".bak").exists()
    # --force replaces the filing and keeps it
    assert main([*argv, "--force"]) == 0, capsys.readouterr()
    assert target.with_name(target.name + ".bak").read_bytes() == before
    assert workbook_kind(target) == ("diff" if command == "diff" else None)
    assert openpyxl.load_workbook(target).sheetnames[0] == ("增减情况" if command == "diff" else "公开表")


def test_a_batch_run_again_replaces_its_own_annotated_copies(tmp_path, seed_workbook, capsys):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "单位A.xlsx").write_bytes(seed_workbook.read_bytes())
    argv = ["batch", str(inbox), "--json", "--annotate", str(tmp_path / "标注")]
    for _ in range(2):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "未能写出标注副本" not in out and "已存在" not in out, out
    assert [p.name for p in (tmp_path / "标注").iterdir()] == ["单位A.xlsx"]
