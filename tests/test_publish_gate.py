"""What may be published: a filing whose projects have no money (a rolled-over filing not filled in yet,
AMT008) is refused like a filing with errors (exit 1, one line; --allow-errors gives the 草稿), and a
published table always says how many warnings it went out with."""

from __future__ import annotations

import openpyxl
import pytest

from xl_tools import app
from xl_tools.cli import main
from xl_tools.findings import WARNING


@pytest.fixture
def rolled(tmp_path, seed_workbook):
    """Next year's workbook with every amount blank, refreshed as the accountant does."""
    out = tmp_path / "2025年绩效目标.xlsx"
    app.rollover(seed_workbook, out, 2025)
    app.refresh_file(out, backup=False)
    return out


def test_a_filing_without_money_is_not_published(rolled, tmp_path, capsys):
    findings = app.review(app.load_filing(rolled).filing).findings
    no_money = sum(f.code == "AMT008" for f in findings)
    assert no_money == 13 and not any(f.severity == "error" for f in findings)
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(rolled), "-o", str(out)]) == 1
    std = capsys.readouterr()
    assert std.err.count("\n") == 1 and "13 个项目没有金额" in std.err and "--allow-errors" in std.err, std.err
    assert not std.out and not out.exists()

    assert main(["publish", str(rolled), "-o", str(out), "--allow-errors"]) == 1
    std = capsys.readouterr()
    assert "13 个项目没有金额" in std.err and "草稿" in std.err
    warnings = sum(f.severity == WARNING for f in findings) - no_money
    assert f"另有 {warnings} 条警告，见 xl-tools check" in std.out, std.out
    assert "草稿" in openpyxl.load_workbook(out)["公开表"]["A1"].value


def test_the_refreshed_public_sheet_of_a_filing_without_money_is_a_draft(rolled):
    assert "草稿" in openpyxl.load_workbook(rolled)["公开表"]["A1"].value


def test_a_clean_publish_names_its_warnings(seed_workbook, tmp_path, capsys):
    warnings = sum(f.severity == WARNING for f in app.review(app.load_filing(seed_workbook).filing).findings)
    assert warnings > 0
    assert main(["publish", str(seed_workbook), "-o", str(tmp_path / "公开表.xlsx")]) == 0
    out = capsys.readouterr().out
    assert f"另有 {warnings} 条警告，见 xl-tools check {seed_workbook}" in out, out


def test_an_amount_with_its_unit_is_an_ordinary_error(tmp_path, capsys):
    """「96.8万元」 in a 总计 cell: check reports AMT004 (exit 1); publish refuses it the same way (exit 1,
    not 2: the file is usable) and --allow-errors gives the 草稿, as for any error."""
    from tests.acceptance.filings import type_filing
    from tests.support.typist import Typist
    path = tmp_path / "填报.xlsx"
    assert main(["new", "-o", str(path), "--year", "2025", "--department", "某区卫生健康局",
                 "--unit", "某区卫生健康局（本级）"]) == 0
    t = Typist(path)
    type_filing(t)
    t.type("项目", "D2", "96.8万元")
    t.save()
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    assert "AMT004" in capsys.readouterr().out
    out = tmp_path / "公开表.xlsx"
    assert main(["publish", str(path), "-o", str(out)]) == 1
    assert "1 条错误" in capsys.readouterr().err and not out.exists()
    assert main(["publish", str(path), "-o", str(out), "--allow-errors"]) == 1
    assert "草稿" in openpyxl.load_workbook(out)["公开表"]["A1"].value
