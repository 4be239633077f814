"""A 合并公开表 of filings on two forms, imported and checked (a user trial): the department's table is laid
out as most filings are (广东: two value columns), a 湘鄂 unit's projects print their one 指标值 as its
own table does (``指标值:…``). Imported, that unit's indicators have a 年度指标值 and no 实施周期指标值 — and
were checked as 广东 lines: VAL001 「实施周期指标值为空」 on every one of them, an error its own filing
never had. The import now says which units print one value (IMP034) and writes it where the rules and
the person read it (基本信息's 规则设置, ``VAL001.one_value_units``), for the life of the workbook.

Real tables: the seed (广州, 广东) and real table 06 (岳阳, a 湘鄂 form), filed to one department and year."""

from __future__ import annotations

import copy

import openpyxl
import pytest

from tests.support.mail_inbox import write_filing
from tests.support.realworld import to_filing, transcriptions
from xl_tools import app
from xl_tools.cli import main as cli

YUEYANG = "06"


def _yueyang(seed):
    data = next(d for d in transcriptions() if d["table"].startswith(YUEYANG) or d.get("id") == YUEYANG)
    filing = to_filing(data)
    assert filing.profile == "湘鄂"
    filing.year, filing.department = seed.year, seed.department     # filed to the seed's department
    return filing


@pytest.fixture
def imported(tmp_path, seed_filing):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    hunan = _yueyang(seed_filing)
    write_filing(inbox / "岳阳.xlsx", hunan, None)
    write_filing(inbox / "广州.xlsx", copy.deepcopy(seed_filing), None)
    signed = tmp_path / "合并公开表.xlsx"
    assert cli(["batch", str(inbox), "-o", str(tmp_path / "审核汇总.xlsx"), "--department", seed_filing.department,
                "--year", str(seed_filing.year), "--publish", str(signed)]) in (0, 1)
    texts = [c for row in openpyxl.load_workbook(signed).active.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert any("；指标值:" in t for t in texts) and any("实施周期指标值:" in t for t in texts)   # both forms
    return signed, {p.unit for p in hunan.projects}, hunan


def test_a_one_value_units_lines_are_not_checked_for_a_second_value(imported, tmp_path):
    signed, hunan_units, _ = imported
    loaded = app.load_filing(signed)                      # ``check 合并公开表.xlsx``
    assert loaded.filing.profile in ("", "广东")
    said = app.review(loaded.filing, extra=loaded.findings)
    missing = [f for f in said.findings if f.code == "VAL001"]
    assert missing == [], [(f.project, f.message) for f in missing[:5]]
    notes = [f for f in loaded.findings if f.code == "IMP034"]
    assert len(notes) == 1 and all(u in notes[0].message for u in hunan_units) and notes[0].severity == "info"
    assert loaded.filing.settings == {"VAL001.one_value_units": "、".join(sorted(hunan_units))}


def test_the_imported_workbook_keeps_it_in_its_settings_and_a_guangdong_line_still_needs_both(imported, tmp_path):
    signed, hunan_units, _ = imported
    out = tmp_path / "导入.xlsx"
    done = app.import_to_workbook(signed, out)
    assert not [f for f in done.outcome.findings if f.code == "VAL001"]
    info = openpyxl.load_workbook(out)["基本信息"]
    settings = {r[0]: r[1] for r in info.iter_rows(values_only=True) if r[0] == "VAL001.one_value_units"}
    assert settings == {"VAL001.one_value_units": "、".join(sorted(hunan_units))}
    assert app.refresh_file(out).unchanged_since                  # the refresh after the import: nothing changed
    # a 广东 unit's line without its 实施周期指标值 is still an error
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效指标"]
    heads = [c.value for c in ws[1]]
    units = {p.name: p.unit for p in app.load_filing(out).filing.projects}
    row = next(r for r in range(2, ws.max_row + 1) if units.get(ws.cell(r, 1).value) not in hunan_units)
    ws.cell(row, heads.index("实施周期指标值") + 1).value = None
    wb.save(out)
    again = app.review(app.load_filing(out).filing)
    assert [(f.code, f.row) for f in again.findings if f.code == "VAL001"] == [("VAL001", row)]


def test_a_guangdong_filing_with_a_project_of_annual_values_only_is_still_told(tmp_path, seed_filing):
    """No import, no setting: a 广东 accountant who left 实施周期指标值 empty on every line of a project
    gets VAL001 on each, as before."""
    filing = copy.deepcopy(seed_filing)
    for ind in filing.projects[0].indicators:
        ind.period_value = ""
    said = app.review(filing)
    assert len([f for f in said.findings if f.code == "VAL001"]) == len(filing.projects[0].indicators)

