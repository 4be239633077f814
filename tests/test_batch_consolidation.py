"""The consolidation a department signs: an inbox with one filing sent three times (workbook, its
published PDF, a copy), two budget years, a filing with errors, two conflicting versions, a broken
file, a FIFO and a folder named like a workbook. Every number of the consolidated tables is explained
(合并来源), every total equals the rows printed under it (checked on the workbook reloaded by
openpyxl), --json and the exports agree with the workbook."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from tests.conftest import needs_soffice
from tests.support.review_inbox import DEPT, MAIN, OTHER_DEPT, make_inbox, variant
from xl_tools.batch import consolidate, report_to_json, review, write_exports, write_review_xlsx
from xl_tools.batch.exports import read_export

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = make_inbox(tmp_path_factory.mktemp("inbox") / "收件箱", tmp_path_factory.mktemp("scratch"))
    report = review([folder], jobs=2)
    out = tmp_path_factory.mktemp("out")
    cons = consolidate(report)
    path = write_review_xlsx(report, out / "审核结果.xlsx", cons)
    with_errors = consolidate(report, include_errors=True)
    path_e = write_review_xlsx(report, out / "审核结果_含错误.xlsx", with_errors)
    return report, cons, openpyxl.load_workbook(path), with_errors, openpyxl.load_workbook(path_e), path


def _d(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def table_rows(ws):
    """(kind, name, [four amounts], H text, row) for the body of a consolidated sheet (after its three
    header rows); kind from the layout: 合计, a unit (not indented) or a project (indented)."""
    out = []
    for r in range(4, ws.max_row + 1):
        name = ws.cell(r, 1).value
        if name is None:
            continue                                    # a continuation row of a merged block
        kind = "total" if name == "合计" else "project" if ws.cell(r, 1).alignment.indent else "unit"
        out.append((kind, name, [_d(ws.cell(r, c).value) for c in range(2, 6)], ws.cell(r, 8).value, r))
    return out


def assert_totals_add_up(ws) -> Decimal:
    """合计 = the sum of the unit rows, each unit row = the sum of the project rows under it."""
    rows = table_rows(ws)
    total = [r for r in rows if r[0] == "total"]
    assert len(total) == 1
    units = [r for r in rows if r[0] == "unit"]
    assert units
    for k in range(4):
        assert total[0][2][k] == sum((u[2][k] for u in units), Decimal(0))
    current = None
    sums: dict[str, list[Decimal]] = {}
    for kind, name, amounts, _h, _r in rows:
        if kind == "unit":
            current = name
            sums[name] = [Decimal(0)] * 4
        elif kind == "project":
            sums[current] = [a + b for a, b in zip(sums[current], amounts)]
    for kind, name, amounts, _h, _r in rows:
        if kind == "unit":
            assert amounts == sums[name], name
    return total[0][2][0]


def sources(wb):
    ws = wb["合并来源"]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


@needs_soffice
def test_one_consolidation_per_year_counted_once(batch):
    report, cons, wb, *_ = batch
    assert [t.year for t in cons.tables] == [2024, 2025]
    assert wb.sheetnames == ["汇总", "问题明细", "合并公开表2024年", "合并公开表2025年", "合并来源", "规则统计"]
    assert assert_totals_add_up(wb["合并公开表2024年"]) == Decimal("5138.68")       # not 2× or 3×
    assert assert_totals_add_up(wb["合并公开表2025年"]) == cons.table(2025).filing.total
    assert cons.table(2025).filing.total == variant(MAIN, 2025, "1.1").total
    rows = table_rows(wb["合并公开表2024年"])
    assert [r[1] for r in rows if r[0] == "unit"] == [MAIN]
    unit_h = next(r[3] for r in rows if r[0] == "unit")
    assert unit_h == "2024/机电.xlsx（同见于 副本/机电.xlsx、2024/机电_公开表.pdf）"
    assert "另有" in next(r[3] for r in rows if r[0] == "total")
    assert wb["合并公开表2024年"]["A2"].value == f"部门名称：{DEPT}"


@needs_soffice
def test_every_file_is_explained(batch):
    report, cons, wb, *_ = batch
    by_file = {}
    for row in sources(wb):
        if row["文件"]:
            by_file.setdefault(row["文件"], []).append(row)
    assert {f: [r["合并情况"] for r in rows] for f, rows in by_file.items()} == {
        "2024/机电.xlsx": ["计入"], "2025/机电.xlsx": ["计入"],
        "2024/机电_公开表.pdf": ["重复"], "副本/机电.xlsx": ["重复"],
        "2024/乙.xlsx": ["未计入"], "2024/丙_v1.xlsx": ["未计入"], "2024/丙_v2.xlsx": ["未计入"],
        "损坏.xlsx": ["未计入"], "管道.xlsx": ["未计入"], "文件夹.xlsx": ["未计入"]}
    why = {f: rows[0]["说明"] for f, rows in by_file.items()}
    assert "与「2024/机电.xlsx」是同一份填报" in why["2024/机电_公开表.pdf"]
    assert "与「2024/机电.xlsx」是同一份填报" in why["副本/机电.xlsx"]
    assert why["2024/乙.xlsx"].startswith("有错误") and "--include-errors" in why["2024/乙.xlsx"]
    assert "金额不同" in why["2024/丙_v1.xlsx"] and "丙_v2.xlsx" in why["2024/丙_v1.xlsx"]
    assert "命名管道" in why["管道.xlsx"] and "文件夹" in why["文件夹.xlsx"] and "损坏" in why["损坏.xlsx"]
    # the per-year counted total is the consolidated sheet's 合计, and the sum of the 计入 rows above it
    for year in (2024, 2025):
        rows = [r for r in sources(wb) if r["预算年度"] == year]
        subtotal = next(r for r in rows if r["单位"] and str(r["单位"]).startswith(f"{year}年计入合计"))
        counted = [r for r in rows if r["合并情况"] == "计入" and r is not subtotal]
        assert _d(subtotal["总计"]) == sum((_d(r["总计"]) for r in counted), Decimal(0))
        assert _d(subtotal["总计"]) == cons.table(year).filing.total


@needs_soffice
def test_unreadable_files_are_errors_everywhere(batch):
    report, cons, wb, *_ = batch
    summary = list(wb["汇总"].iter_rows(values_only=True))
    head = summary[0]
    rows = {r[head.index("文件")]: dict(zip(head, r)) for r in summary[1:]}
    for name, word in (("管道.xlsx", "命名管道"), ("文件夹.xlsx", "文件夹"), ("损坏.xlsx", "损坏")):
        assert rows[name]["状态"] == "无法读取" and word in rows[name]["说明"]
        assert rows[name]["错误"] == 1
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    errors_per_file = {}
    for d in details:
        if d[2] == "错误":
            errors_per_file[d[0]] = errors_per_file.get(d[0], 0) + 1
    assert {f: r["错误"] for f, r in rows.items() if r["错误"]} == errors_per_file
    assert {d[3] for d in details if d[0] in ("管道.xlsx", "文件夹.xlsx", "损坏.xlsx")} == {"FILE001"}
    assert wb["汇总"].cell(2 + list(rows).index("管道.xlsx"), 9).fill.fgColor.rgb[-6:] == "FFC7CE"


@needs_soffice
def test_include_errors_counts_and_marks_them(batch):
    report, _cons, _wb, cons, wb, _path = batch
    wrong = variant("示例市乙单位", 2024, "0.5", OTHER_DEPT)
    assert assert_totals_add_up(wb["合并公开表2024年"]) == Decimal("5138.68") + wrong.total + Decimal("1")
    rows = table_rows(wb["合并公开表2024年"])
    marked = next(r for r in rows if r[1] == "示例市乙单位")
    assert "有错误" in marked[3]
    ws = wb["合并公开表2024年"]
    assert ws.cell(marked[4], 1).fill.fgColor.rgb[-6:] == "FFC7CE"
    assert ws["A2"].value == f"部门名称：多个部门：{DEPT}、{OTHER_DEPT}"


@needs_soffice
def test_json_agrees_with_the_workbook(batch):
    report, cons, wb, *_ = batch
    data = json.loads(json.dumps(report_to_json(report, cons), ensure_ascii=False))
    summary = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert data["summary"]["errors"] == sum(r[4] for r in summary)
    assert data["summary"]["files"] == len(summary) == 10
    assert [f["status"] for f in data["files"]] == [r[8] for r in summary]
    for table in data["consolidation"]["tables"]:
        ws = wb[f"合并公开表{table['year']}年"]
        rows = table_rows(ws)
        assert Decimal(table["total"]) == next(r[2][0] for r in rows if r[0] == "total")
        assert [u["unit"] for u in table["units"]] == [r[1] for r in rows if r[0] == "unit"]
    decisions = [(f["file"], f["decision"]) for f in data["consolidation"]["files"]]
    assert decisions == [(r["文件"], r["合并情况"]) for r in sources(wb) if r["文件"]]


@needs_soffice
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_read_back_equal_the_workbook(batch, tmp_path, fmt):
    report, cons, wb, *_ = batch
    written = write_exports(report, cons, tmp_path / fmt, fmt)
    assert sorted(p.name for p in written) == sorted(f"{n}.{fmt}" for n in
                                                     ("files", "findings", "consolidation", "projects", "indicators"))
    findings = read_export(tmp_path / fmt / f"findings.{fmt}")
    sheet = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert list(zip(findings.file, findings.code, findings.message)) == [(r[0], r[3], r[8]) for r in sheet]
    projects = read_export(tmp_path / fmt / f"projects.{fmt}")
    for year in (2024, 2025):
        counted = projects[(projects.year == year) & (projects.decision == "计入")]
        shown = [(r[1], r[2][0]) for r in table_rows(wb[f"合并公开表{year}年"]) if r[0] == "project"]
        assert sorted(zip(counted.project, (v.quantize(CENT) for v in counted.total))) == sorted(shown)
    slices = read_export(tmp_path / fmt / f"consolidation.{fmt}")
    listed = [r for r in sources(wb) if r["文件"]]
    assert list(zip(slices.file, slices.decision, slices.reason)) == [(r["文件"], r["合并情况"], r["说明"] or "")
                                                                      for r in listed]
    assert [v.quantize(CENT) for v in slices.total] == [_d(r["总计"]) for r in listed]
    assert isinstance(slices.total.iloc[0], Decimal)
    indicators = read_export(tmp_path / fmt / f"indicators.{fmt}")
    assert len(indicators) == sum(r.indicators for r in report.results if r.readable)
