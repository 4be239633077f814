"""``import 审核汇总.xlsx --year 2026`` (issue 29): a batch review workbook is imported from its
合并公开表 of the year asked for, never another year's table labelled with the year asked for."""

from __future__ import annotations

import openpyxl
import pytest

from tests.support.mail_inbox import unit_filing, write_filing
from xl_tools import app
from xl_tools.errors import XlToolsError


@pytest.fixture(scope="module")
def review_2025(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    inbox = root / "收件箱"
    inbox.mkdir()
    write_filing(inbox / "甲市第一中学.xlsx", unit_filing("甲市第一中学", "0.1", year=2025), None)
    from xl_tools.cli import main
    assert main(["batch", str(inbox), "-o", str(root / "审核汇总.xlsx"), "--json"]) in (0, 1)
    return root / "审核汇总.xlsx"


def test_the_year_asked_for_must_be_there(review_2025, tmp_path, capsys):
    from xl_tools.cli import main
    code = main(["import", str(review_2025), "--year", "2026", "-o", str(tmp_path / "out.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out.xlsx").exists()
    assert "审核结果中没有 2026 年的合并公开表（只有 2025年 的）" in err


def test_the_only_table_is_imported_with_the_year_of_its_sheet(review_2025, tmp_path):
    imported = app.import_to_workbook(review_2025, tmp_path / "out.xlsx")
    assert imported.result.filing.year == 2025
    assert "合并公开表2025年" in imported.result.year_source
    assert [u.name for u in imported.result.filing.units] == ["甲市第一中学"]
    with_year = app.import_to_workbook(review_2025, tmp_path / "out2.xlsx", year=2025)
    assert with_year.result.filing.year == 2025


def test_a_review_with_several_years_needs_the_year(review_2025, tmp_path):
    wb = openpyxl.load_workbook(review_2025)
    copy = wb.copy_worksheet(wb["合并公开表2025年"])
    copy.title = "合并公开表2024年"
    wb.save(tmp_path / "两年.xlsx")
    with pytest.raises(XlToolsError, match="请用 --year 指定导入哪一年"):
        app.import_to_workbook(tmp_path / "两年.xlsx", tmp_path / "out.xlsx")
    assert app.import_to_workbook(tmp_path / "两年.xlsx", tmp_path / "out.xlsx", year=2024).result.filing.year == 2024
