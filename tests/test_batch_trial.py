"""Defects a reviewer found trying the batch on a realistic inbox (issue 18's follow-up): each test here
failed on the code the reviewer tried and passes now."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.support.batch import review, review_one
from tests.support.review_inbox import MAIN, SEED_JSON
from xl_tools import app
from xl_tools.batch import consolidate
from xl_tools.batch.consolidation import NO_UNIT
from xl_tools.jsonio import load_json
from xl_tools.model import MONEY_FIELDS, Unit
from xl_tools.money import ZERO
from xl_tools.workbook import build_workbook


def _seed(n: int = 3):
    f = load_json(SEED_JSON)
    f.projects = f.projects[:n]
    return f


def _cells(findings) -> list[tuple[str, str | None, str | None]]:
    """What a reader compares: codes and cells (fills, FIL…, are what refresh reports writing)."""
    return sorted((f.code, f.sheet, f.cell) for f in findings if not f.code.startswith("FIL"))


# --- 3. check and batch see the filing as refresh sees it ---------------------------------------------

def _unitless(path: Path, units: list[str]) -> Path:
    """A filing whose projects name no unit, while 基本信息 lists ``units`` with blank (0) amounts: the
    reviewer's 技师学院_2024.xlsx."""
    f = _seed()
    for p in f.projects:
        p.unit = ""
    f.units = [Unit(u, **dict.fromkeys(MONEY_FIELDS, ZERO)) for u in units]
    f.total_stated = False
    build_workbook(path, f)
    return path


def test_check_equals_refresh_then_check(tmp_path, capsys):
    from xl_tools.cli import main
    book = _unitless(tmp_path / "技师学院_2024.xlsx", [MAIN])
    before = book.read_bytes()
    loaded = app.load_filing(book)
    done = app.review(loaded.filing)
    assert {f.code for f in done.fills} == {"FIL002"} and len(done.fills) == 3  # the only unit, 3 projects
    assert app.review(done.completed).fills == []                               # completed: nothing left
    assert app.review(loaded.filing).fills == done.fills                        # the filing given: untouched
    checked = _cells(done.findings)
    assert book.read_bytes() == before                                          # nothing written
    refreshed = tmp_path / "refreshed.xlsx"
    outcome = app.refresh_file(book, refreshed)
    assert _cells(outcome.findings) == checked                                  # 校验结果 after refresh
    assert _cells(app.review(app.load_filing(refreshed).filing).findings) == checked     # check after refresh
    assert ("AMT006", "基本信息", "B12") in checked                             # the unit row vs its projects
    assert not any(c[2] == "C2" for c in checked)                               # no 「」 unit on 项目!C2
    row = review_one(book)                                                       # batch sees the same
    assert _cells(row.findings) == checked and row.unit == MAIN
    assert main(["check", str(book)]) == 1
    out = capsys.readouterr().out
    assert "刷新时会自动填写的 3 个单元格（项目!C2、项目!C3、项目!C4）" in out
    assert "项目!C2:C4  已自动填写资金使用单位（3 个单元格，均为" in out          # as 校验结果 lists it


def test_batch_annotated_copy_and_consolidation_agree(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _unitless(inbox / "技师学院_2024.xlsx", [MAIN])
    report = review([inbox], jobs=1, annotate=tmp_path / "退回")
    row = report.results[0]
    copy_findings = app.review(app.load_filing(row.annotated).filing).findings
    assert _cells(copy_findings) == _cells(row.findings)
    cons = consolidate(report, include_errors=True)
    units = [u.name for u in cons.table(2024).filing.units]
    assert units == [MAIN] and NO_UNIT not in units


def test_projects_without_unit_are_named_one_by_one(tmp_path):
    book = _unitless(tmp_path / "两个单位.xlsx", [MAIN, "示例市乙单位"])      # which unit: not derivable
    findings = app.review(app.load_filing(book).filing).findings
    missing = [f for f in findings if f.code == "FLG003"]
    assert [f.cell for f in missing] == ["C2", "C3", "C4"]              # each project, on its row
    assert all("本项目没有填写资金使用单位" in f.message for f in missing)
    assert not any("「」" in f.message for f in findings)               # never an empty unit name


# --- 1. the tool's own outputs in an inbox are recognised and skipped ----------------------------------

def _run(argv, capsys) -> tuple[int, str, str]:
    from xl_tools.cli import main
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def filing_inbox(tmp_path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    build_workbook(inbox / "机电学院_2024.xlsx", load_json(SEED_JSON))
    return inbox


def test_own_outputs_in_the_inbox_are_skipped_never_consolidated(filing_inbox, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, _ = _run(["batch", filing_inbox, "-o", out / "审核汇总.xlsx", "--csv", out / "csv",
                            "--parquet", out / "pq", "--json"], capsys)
    assert code == 0
    (filing_inbox / "上次的审核结果.json").write_text(stdout, "utf-8")
    shutil.copy(out / "审核汇总.xlsx", filing_inbox / "审核汇总.xlsx")
    old = openpyxl.load_workbook(out / "审核汇总.xlsx")          # a report written before the mark
    old.custom_doc_props.props.clear()
    old.save(filing_inbox / "旧审核汇总.xlsx")
    assert _run(["diff", SEED_JSON, filing_inbox / "机电学院_2024.xlsx", "-o", out / "对比.xlsx"], capsys)[0] == 0
    shutil.copy(out / "对比.xlsx", filing_inbox / "对比.xlsx")
    shutil.copytree(out / "csv", filing_inbox / "csv")
    shutil.copytree(out / "pq", filing_inbox / "pq")
    report = review([filing_inbox], jobs=2)
    rows = {r.file: r for r in report.results}
    skipped = {f: r.error for f, r in rows.items() if r.skipped}
    assert skipped == {"审核汇总.xlsx": "xl-tools 生成的审核结果，已跳过",
                       "旧审核汇总.xlsx": "xl-tools 生成的审核结果，已跳过",
                       "对比.xlsx": "xl-tools 生成的对比结果，已跳过",
                       "上次的审核结果.json": "xl-tools 生成的JSON 输出，已跳过",
                       **{f"{d}/{n}.{d if d == 'csv' else 'parquet'}": "xl-tools 生成的导出表，已跳过"
                          for d in ("csv", "pq") for n in ("files", "findings", "consolidation", "projects",
                                                           "indicators")}}
    assert all(r.errors == 0 and not r.findings for r in rows.values() if r.skipped)
    assert not report.failed
    cons = consolidate(report)
    assert set(cons.slices.file) == {"机电学院_2024.xlsx"}
    assert list(cons.slices.decision) == ["计入"]
    assert cons.table(2024).filing.total == Decimal("5138.68")
    assert not any(f.code.startswith("FILE") for r in rows.values() for f in r.findings)
    # a single-file command says what the file is, instead of reading it as a table
    code, _, err = _run(["check", filing_inbox / "审核汇总.xlsx"], capsys)
    assert code == 2 and "xl-tools 生成的审核结果，不是填报表" in err


@pytest.mark.parametrize("option", ["-o", "--csv", "--parquet", "--annotate"])
def test_outputs_inside_an_input_folder_are_refused(filing_inbox, capsys, option):
    target = filing_inbox / ("结果.xlsx" if option == "-o" else "导出")
    code, _, err = _run(["batch", filing_inbox, option, target, *(["--json"] if option == "--annotate" else [])],
                        capsys)
    assert code == 2 and "不能位于被审核的文件夹" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


# --- 2. no submission vanishes: every unsupported file is a row ------------------------------------------

def test_unsupported_files_are_rows_with_the_fix(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    build_workbook(inbox / "甲.xlsx", load_json(SEED_JSON))
    (inbox / "旧格式报表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (inbox / "说明.docx").write_bytes(b"PK\x03\x04")
    (inbox / "材料.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (inbox / "没有扩展名").write_bytes(b"x")
    (inbox / "表.et").write_bytes(b"x")
    for noise in ("~$甲.xlsx", ".DS_Store", "Thumbs.db", "desktop.ini", "~WRL0001.tmp", "甲.xlsx.bak"):
        (inbox / noise).write_bytes(b"x")
    (inbox / "__MACOSX").mkdir()
    (inbox / "__MACOSX" / "._甲.xlsx").write_bytes(b"x")
    report = review([inbox], jobs=1)
    rows = {r.file: r for r in report.results}
    assert sorted(rows) == sorted(["甲.xlsx", "旧格式报表.xls", "说明.docx", "材料.zip", "没有扩展名", "表.et"])
    for name, why, fix in (("旧格式报表.xls", "旧版 Excel 97-2003 文件（.xls）", "请在 Excel 中「另存为」Excel 工作簿"),
                           ("说明.docx", "Word 文档", "请使用填报工作簿"),
                           ("材料.zip", "压缩包", "请先解压"),
                           ("没有扩展名", "没有扩展名", "请在 Excel 中另存为 .xlsx"),
                           ("表.et", "WPS 表格", "请在 WPS 表格中「另存为」Excel 工作簿")):
        row = rows[name]
        assert [f.code for f in row.findings] == ["FILE001"] and row.status == "无法读取"
        assert why in row.findings[0].message and fix in row.findings[0].suggestion
        assert why in row.error and fix in row.error                 # 汇总 说明 and the terminal say both
    cons = consolidate(report)
    assert (cons.slices[cons.slices.file == "旧格式报表.xls"].decision == "未计入").all()


# --- 4. outputs are checked before the batch runs; a failed write is one line naming the file ----------

@pytest.mark.parametrize("option, target", [("-o", "/proc/xl-tools-test/审核.xlsx"), ("-o", "/sys/审核.xlsx"),
                                            ("--csv", "/sys/xl-tools-test"), ("--parquet", "/proc/xl-tools-test"),
                                            ("--annotate", "/sys/xl-tools-test")])
def test_unwritable_targets_are_refused_before_the_batch(filing_inbox, tmp_path, capsys, option, target):
    csv = tmp_path / "导出"
    code, _, err = _run(["batch", filing_inbox, option, target, "--csv" if option != "--csv" else "--json",
                         *([csv] if option != "--csv" else [])], capsys)
    assert code == 2, err
    assert err.strip().count("\n") == 0 and target in err and "内部错误" not in err
    assert not csv.exists() or not any(csv.iterdir())            # nothing was written


def test_an_output_below_a_file_is_refused(filing_inbox, tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    code, _, err = _run(["batch", filing_inbox, "-o", tmp_path / "a_file" / "r.xlsx"], capsys)
    assert code == 2 and "不存在" in err
    code, _, err = _run(["batch", filing_inbox, "--csv", tmp_path / "a_file" / "csv"], capsys)
    assert code == 2 and "路径中有一部分是文件" in err


def test_two_outputs_on_one_path_are_refused(filing_inbox, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = _run(["batch", filing_inbox, "--annotate", out / "a.xlsx", "-o", out / "a.xlsx"], capsys)
    assert code == 2 and "同一个位置" in err and not out.exists()
    code, _, err = _run(["batch", filing_inbox, "--annotate", out, "-o", out / "审核.xlsx"], capsys)
    assert code == 2 and "--annotate 文件夹之内" in err
    code, _, err = _run(["batch", filing_inbox, "--csv", out / "x", "--annotate", out / "x"], capsys)
    assert code == 2 and "同一个位置" in err


def test_a_failed_write_names_the_file(filing_inbox, tmp_path):
    from xl_tools.batch import write_exports, write_review_xlsx
    from xl_tools.errors import XlToolsError
    report = review([filing_inbox], jobs=1)
    cons = consolidate(report)
    with pytest.raises(XlToolsError) as err:
        write_review_xlsx(report, "/proc/xl-tools-test.xlsx", cons)
    assert "/proc/xl-tools-test.xlsx" in str(err.value)
    with pytest.raises(XlToolsError) as err:
        write_exports(report, cons, "/sys/xl-tools-test", "csv")
    assert "/sys/xl-tools-test" in str(err.value)
    row = review_one(filing_inbox / "机电学院_2024.xlsx", annotate="/sys/xl-tools-test")
    assert row.error.startswith("未能写出标注副本") and "内部错误" not in row.error and row.errors == 0


# --- 8. diff: errors, unlike filings and reversed years are said; both workbooks carry a title line -----

@pytest.fixture
def two_years(tmp_path) -> tuple[Path, Path, Path]:
    from tests.support.review_inbox import variant
    old = tmp_path / "机电学院_2024.xlsx"
    build_workbook(old, load_json(SEED_JSON))
    new_filing = variant(MAIN, 2025, "1.1")
    new_filing.projects[2].total += Decimal("12")                 # 总计 ≠ its parts: an error
    new = tmp_path / "机电学院_2025.xlsx"
    build_workbook(new, new_filing)
    other = tmp_path / "教育局_2025.xlsx"
    build_workbook(other, variant("示例市乙单位", 2025, "0.5", "示例市教育局"))
    return old, new, other


def _diff_lines(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["增减情况"]
    lines = []
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "资金使用单位":
            return lines
        lines.append(ws.cell(r, 1).value)
    raise AssertionError("no header row")


def test_diff_says_when_a_filing_has_errors(two_years, tmp_path, capsys):
    import json
    old, new, _other = two_years
    out = tmp_path / "对比.xlsx"
    code, stdout, _ = _run(["diff", old, new, "-o", out], capsys)
    assert code == 1                                              # the new filing has errors
    errors = sum(f.severity == "error" for f in app.review(app.load_filing(new).filing).findings)
    assert errors and f"注意：新文件有 {errors} 条错误" in stdout and "旧文件" not in stdout
    lines = _diff_lines(out)
    assert lines[0].startswith("xl-tools 对比结果　旧：") and f"{old}（2024年，" in lines[0]
    assert f"新：{new}（2025年，" in lines[0] and re.search(r"生成时间：\d{4}-\d\d-\d\d \d\d:\d\d", lines[0])
    assert lines[1].startswith(f"注意：新文件有 {errors} 条错误")
    code, stdout, err = _run(["diff", old, new, "--json"], capsys)
    data = json.loads(stdout)
    assert code == 1 and data["new"]["errors"] == errors and data["old"]["errors"] == 0
    assert data["notes"][0].startswith(f"注意：新文件有 {errors} 条错误") and f"新文件有 {errors} 条错误" in err
    code, stdout, _ = _run(["diff", old, old, "-o", tmp_path / "same.xlsx"], capsys)
    assert code == 0 and "注意" not in stdout and len(_diff_lines(tmp_path / "same.xlsx")) == 1


def test_diff_warns_on_other_units_and_reversed_years(two_years, capsys):
    old, new, other = two_years
    code, stdout, _ = _run(["diff", new, old], capsys)
    assert code == 1 and "旧文件的预算年度（2025年）晚于新文件（2024年）" in stdout
    code, stdout, _ = _run(["diff", old, other], capsys)
    assert code == 0
    assert "两份填报的部门不同（旧：广州市人力资源和社会保障局；新：示例市教育局）" in stdout
    assert "资金使用单位完全不同" in stdout


def test_review_workbook_has_a_title_line(filing_inbox, tmp_path):
    out = tmp_path / "审核.xlsx"
    report = review([filing_inbox], jobs=1)
    from xl_tools.batch import write_review_xlsx
    write_review_xlsx(report, out, consolidate(report))
    first = openpyxl.load_workbook(out)["汇总"]["A1"].value
    assert first.startswith(f"xl-tools 批量审核结果　审核对象：{filing_inbox}（1 个文件）")
    assert "预算年度：2024年" in first and re.search(r"审核时间：\d{4}-\d\d-\d\d \d\d:\d\d", first)
