"""The consolidated table follows the profile of the filings in it (a trial as a 湘鄂 reviewer): one
value column prints 「指标值:」 as the units' own 公开表 do, never an empty 「实施周期指标值:」, and the
title is the region's; filings of several profiles get the one most of them use, and a line saying so."""

from __future__ import annotations

import openpyxl
import pytest

from tests.support.batch import review
from tests.support.mail_inbox import unit_filing, write_filing
from xl_tools.batch import consolidate, write_review_xlsx
from xl_tools.batch.report import consolidated_sheet_name
from xl_tools.publish.table import render


def _filing(unit: str, factor: str, profile: str):
    f = unit_filing(unit, factor)
    f.profile = profile
    if profile == "湘鄂":                       # one value column: the annual value only, as 湘鄂 forms print
        for ind in f.indicators:
            ind.period_value = ""
    return f


def _inbox(tmp_path, profiles: list[str]):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    for k, profile in enumerate(profiles):
        write_filing(folder / f"单位{k}.xlsx", _filing(f"甲市单位{k}", f"0.{k + 11}", profile), None)
    report = review([folder], jobs=1)
    return report, consolidate(report, include_errors=True)


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_a_table_of_xiange_filings_is_laid_out_as_xiange_prints_it(tmp_path):
    report, cons = _inbox(tmp_path, ["湘鄂", "湘鄂", "湘鄂"])
    table = cons.tables[0]
    assert table.filing.profile == "湘鄂"
    unit_layout = render(report.results[0].filing)             # one unit's own 公开表: the reference
    path = write_review_xlsx(report, tmp_path / "审核汇总.xlsx", cons)
    ws = openpyxl.load_workbook(path)[consolidated_sheet_name(2026)]
    texts = _texts(ws)
    indicators = [t for t in texts if t.startswith("1、")]
    assert indicators and all("指标值:" in t for t in indicators)
    assert not any("实施周期指标值" in t or "年度指标值" in t for t in texts)
    assert ws["A1"].value == unit_layout.rows[0][0].value == "2026年项目支出绩效目标表"   # no 「（含转移支付项目）」
    assert not any("规则配置" in n for n in cons.notes)


def test_filings_of_two_profiles_follow_the_most_used_one_and_say_so(tmp_path):
    _report, cons = _inbox(tmp_path, ["湘鄂", "广东", "湘鄂"])
    assert cons.tables[0].filing.profile == "湘鄂"
    assert [n for n in cons.notes if "规则配置" in n] == [
        "计入的填报使用了不同的规则配置（「湘鄂」2 个文件、「广东」1 个文件），合并公开表按「湘鄂」的格式排版"]


@pytest.mark.parametrize("profiles", [["广东", "广东"], ["广东", "湘鄂"]])
def test_guangdong_tables_keep_their_title_and_two_values(tmp_path, profiles):
    _report, cons = _inbox(tmp_path, profiles)
    layout = render(cons.tables[0].filing)
    assert cons.tables[0].filing.profile == "广东"                  # a tie: the default profile
    assert layout.rows[0][0].value == "2026年项目支出绩效目标表（含转移支付项目）"


def test_the_summary_shows_each_files_total_in_its_own_unit(tmp_path):
    """A 四川 filing in 元 beside filings in 万元: 汇总's 合计 column keeps each total as the file states it,
    and says its unit (3,969,840.00元 next to 5,138.68万元 — read without it, as the same unit, it was a
    total 800 times too large)."""
    folder = tmp_path / "收件箱"
    folder.mkdir()
    wan = unit_filing("甲市单位0", "0.11")
    yuan = unit_filing("甲市单位1", "0.12")
    yuan.money_unit = "元"
    for p in yuan.projects:
        for f in ("total", "fiscal", "special", "other"):
            setattr(p, f, getattr(p, f) * 10000)
    for u in yuan.units:
        for f in ("total", "fiscal", "special", "other"):
            setattr(u, f, getattr(u, f) * 10000)
    yuan.total *= 10000
    write_filing(folder / "万元.xlsx", wan, None)
    write_filing(folder / "元.xlsx", yuan, None)
    report = review([folder], jobs=1)
    path = write_review_xlsx(report, tmp_path / "审核汇总.xlsx", consolidate(report, include_errors=True))
    ws = openpyxl.load_workbook(path)["汇总"]
    formats = {row[1].value: row[3].number_format for row in ws.iter_rows() if row[1].value in ("万元.xlsx", "元.xlsx")}
    assert formats["元.xlsx"].endswith('"元"') and formats["万元.xlsx"].endswith('"万元"'), formats
    # 合并来源: each row as its file states it, with its unit; the counted total is the table's 合计 (万元),
    # not the sum of 元 and 万元
    from decimal import Decimal
    cons = consolidate(report, include_errors=True)
    src = openpyxl.load_workbook(path)["合并来源"]
    rows = {row[3].value: row for row in src.iter_rows(min_row=2) if row[3].value}
    assert rows["元.xlsx"][7].number_format.endswith('"元"') and rows["万元.xlsx"][7].number_format.endswith('"万元"')
    total = next(row for row in src.iter_rows(min_row=2) if str(row[2].value or "").startswith("2026年计入合计"))
    assert Decimal(str(total[7].value)).quantize(Decimal("0.01")) == cons.tables[0].filing.total.quantize(Decimal("0.01"))
    assert total[7].number_format.endswith('"万元"')
    # --json: each file's total with its unit
    from xl_tools.batch.report import report_to_json
    units = {f["file"]: (f["total"], f["money_unit"]) for f in report_to_json(report, cons)["files"]}
    assert units["元.xlsx"][1] == "元" and units["万元.xlsx"][1] == "万元", units
