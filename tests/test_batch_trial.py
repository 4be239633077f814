"""Defects a reviewer found trying the batch on a realistic inbox (issue 18's follow-up): each test here
failed on the code the reviewer tried and passes now."""

from __future__ import annotations

from pathlib import Path

from tests.support.review_inbox import MAIN, SEED_JSON
from xl_tools import app
from xl_tools.batch import consolidate, review, review_one
from xl_tools.batch.consolidation import NO_UNIT
from xl_tools.jsonio import load_json
from xl_tools.model import MONEY_FIELDS, Unit
from xl_tools.money import ZERO
from xl_tools.rules.amounts import row_ranges
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
    fills = app.complete(loaded.filing)
    assert {f.code for f in fills} == {"FIL002"} and len(fills) == 3           # the only unit, 3 projects
    assert app.complete(loaded.filing) == []                                    # completed: nothing left
    checked = _cells(app.review(app.load_filing(book).filing))
    assert book.read_bytes() == before                                          # nothing written
    refreshed = tmp_path / "refreshed.xlsx"
    outcome = app.refresh_file(book, refreshed)
    assert _cells(outcome.findings) == checked                                  # 校验结果 after refresh
    assert _cells(app.review(app.load_filing(refreshed).filing)) == checked     # check after refresh
    assert ("AMT006", "基本信息", "B12") in checked                             # the unit row vs its projects
    assert not any(c[2] == "C2" for c in checked)                               # no 「」 unit on 项目!C2
    row = review_one(book)                                                       # batch sees the same
    assert _cells(row.findings) == checked and row.unit == MAIN
    assert main(["check", str(book)]) == 1
    out = capsys.readouterr().out
    assert "刷新时会自动填写 3 个单元格（项目!C2、项目!C3、项目!C4）" in out


def test_batch_annotated_copy_and_consolidation_agree(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _unitless(inbox / "技师学院_2024.xlsx", [MAIN])
    report = review([inbox], jobs=1, annotate=tmp_path / "退回")
    row = report.results[0]
    copy_findings = app.review(app.load_filing(row.annotated).filing)
    assert _cells(copy_findings) == _cells(row.findings)
    cons = consolidate(report, include_errors=True)
    units = [u.name for u in cons.table(2024).filing.units]
    assert units == [MAIN] and NO_UNIT not in units


def test_projects_without_unit_are_named_by_row(tmp_path):
    book = _unitless(tmp_path / "两个单位.xlsx", [MAIN, "示例市乙单位"])      # which unit: not derivable
    findings = app.review(app.load_filing(book).filing)
    amt = [f for f in findings if f.code == "AMT006" and f.cell == "C2"]
    assert len(amt) == 1
    assert amt[0].message.startswith("第 2–4 行的项目未填资金使用单位")
    assert "「」" not in amt[0].message
    assert row_ranges([7, 2, 3, 4, 9, 10]) == "2–4、7、9–10" and row_ranges([5]) == "5"
