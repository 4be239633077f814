"""The refresh command on a terminal says what it found, not only how many (a trial: 「刷新 only counts; I had
to run check to see which cells are wrong»): the findings listed as check lists them, and on a refresh that
found the file as the last one left it, one line pointing to that list instead of 「已刷新」."""

from __future__ import annotations

from tests.support.rulecases import build
from xl_tools.cli import main
from xl_tools.workbook import build_workbook


def test_refresh_lists_its_findings_and_an_unchanged_refresh_says_so(tmp_path, capsys):
    filing = build({"year": 2026, "projects": [{"name": "农机购置补贴", "target": ""}, {"name": "动物防疫"}]})
    path = tmp_path / "填报.xlsx"
    build_workbook(path, filing)
    assert main(["refresh", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"已刷新：{path}\n")
    assert "错误 " in out and "STR001 项目没有绩效目标（1 条）" in out and "项目!H2  绩效目标为空" in out
    assert "建议：" in out

    assert main(["refresh", str(path)]) == 1
    again = capsys.readouterr().out.splitlines()
    assert again[0] == f"未改动：{path}" and again[1].startswith("内容无变化，上次刷新于 ")
    assert again[2] == f"问题与上次刷新时相同：见工作簿的「校验结果」，或运行 xl-tools check {path} 列出"
    assert len(again) == 3

    copy = tmp_path / "另存.xlsx"
    assert main(["refresh", str(path), "-o", str(copy)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == f"已另存（内容无变化，与原文件相同）：{copy}"
    assert copy.read_bytes() == path.read_bytes()


def test_a_clean_refresh_lists_nothing(tmp_path, capsys):
    book = tmp_path / "clean.xlsx"
    build_workbook(book, build({}))
    assert main(["refresh", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"已刷新：{book}" and "错误 0 条，警告 0 条，提示 0 条" in out[1]
    assert len(out) == 2


def test_the_listing_counts_what_the_summary_counts(tmp_path, capsys):
    """A walk: the summary said 提示 3 条 and the list 提示 6 条 — the list had each filled 序号 apart, where
    校验结果 and the summary give a fill of a kind one row. The list follows 校验结果."""
    import re
    filing = build({"year": 2026, "projects": [{"name": "农机购置补贴"}]})
    for ind in filing.projects[0].indicators:
        ind.no = None                                   # blank 序号: the refresh fills each of them
    path = tmp_path / "填报.xlsx"
    build_workbook(path, filing)
    main(["refresh", str(path)])
    out = capsys.readouterr().out
    said = dict(re.findall(r"(错误|警告|提示) (\d+) 条，?", out.splitlines()[1]))
    listed = dict(re.findall(r"^(错误|警告|提示) (\d+) 条$", out, re.M))
    assert said.get("提示", "0") != "0" and listed == {k: v for k, v in said.items() if v != "0"}
