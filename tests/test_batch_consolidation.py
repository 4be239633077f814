from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import needs_soffice
from tests.support.batch import review
from tests.support.review_inbox import DEPT, MAIN, OTHER_DEPT, UNITLESS, make_inbox, unitless
from xl_tools import catalogue
from xl_tools.batch import consolidate, report_to_json, write_exports, write_review_xlsx
from xl_tools.batch.consolidation import NO_UNIT
from xl_tools.batch.exports import read_export

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = make_inbox(tmp_path_factory.mktemp("inbox") / "收件箱")
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


def summary_rows(wb) -> tuple[list[tuple], tuple, list[tuple]]:
    """(the lines above the table, its header, its rows) of 汇总."""
    rows = list(wb["汇总"].iter_rows(values_only=True))
    top = next(k for k, r in enumerate(rows) if r[0] == "单位" and r[1] == "文件")
    return rows[:top], rows[top], rows[top + 1:]


COPIES = ("2024/机电_公开表.pdf", "2024/机电_公开表.xlsx", "副本/机电绩效目标表（最终版）.xlsx")


@needs_soffice
def test_the_year_under_review_is_consolidated_once(batch):
    report, cons, wb, *_ = batch
    assert [t.year for t in cons.tables] == [2024] and cons.year == 2024        # the year most files state
    assert wb.sheetnames == ["汇总", "问题明细", "合并公开表2024年", "报送情况", "合并来源", "规则统计", "单位统计",
                             "_xltools_batch"]
    assert assert_totals_add_up(wb["合并公开表2024年"]) == Decimal("5138.68")       # not 2×, 3× or 4×
    rows = table_rows(wb["合并公开表2024年"])
    assert [r[1] for r in rows if r[0] == "unit"] == [MAIN]
    unit_h = next(r[3] for r in rows if r[0] == "unit")
    # the filing workbook is counted; its copies in the order: other workbooks, then published tables
    assert unit_h == ("2024/机电.xlsx（同见于 副本/机电绩效目标表（最终版）.xlsx、2024/机电_公开表.pdf、"
                      "2024/机电_公开表.xlsx）")
    assert next(r[3] for r in rows if r[0] == "total") == \
        "计入 1 个文件；本年度另有重复 3 项、版本冲突 1 处共 2 个版本、有错误 1 项、其他部门 1 项，见「合并来源」"
    assert wb["合并公开表2024年"]["A2"].value == f"部门名称：{DEPT}"
    other_year = cons.slices[cons.slices.file == "2025/机电.xlsx"]
    assert list(other_year.decision) == ["范围外"] and list(other_year.cause) == ["其他年度"]


@needs_soffice
def test_consolidated_sheet_is_the_published_table_plus_its_sources(batch, tmp_path):
    """One 公开表 writer: columns A–G of 合并公开表 are what ``publish`` writes for the consolidated
    filing (values, formats, merges, widths, print titles); column H is the batch's own, and the title
    lines span it: the title over A–H, 「单位：万元」 at the table's right edge (H2, not G2)."""
    from xl_tools.publish import publish_xlsx
    report, cons, wb, *_, path = batch
    publish_xlsx(cons.table(2024).filing, tmp_path / "pub.xlsx")
    published = openpyxl.load_workbook(tmp_path / "pub.xlsx")["公开表"]
    ws = wb["合并公开表2024年"]
    assert ws.max_row == published.max_row and ws.max_column == 8 and published.max_column == 7

    def look(cell):
        return (cell.value, cell.number_format, cell.font.b, cell.alignment.horizontal, cell.alignment.indent,
                cell.alignment.wrap_text, cell.border.left.style)
    for row in range(3, ws.max_row + 1):
        assert [look(ws.cell(row, c)) for c in range(1, 8)] == [look(published.cell(row, c)) for c in range(1, 8)]
    assert (look(ws["A1"]), look(ws["A2"]), look(ws["H2"])) == (look(published["A1"]), look(published["A2"]),
                                                                 look(published["G2"]))
    assert ws["H2"].value == "单位：万元" and ws["G2"].value is None
    titles = sorted(str(m) for m in ws.merged_cells.ranges if m.max_row < 3)
    assert titles == ["A1:H1", "A2:G2"]
    merged = [m for m in ws.merged_cells.ranges if m.min_col != 8 and m.min_row >= 3]
    assert sorted(map(str, merged)) == sorted(str(m) for m in published.merged_cells.ranges if m.min_row >= 3)
    blocks = [(m.min_row, m.max_row) for m in merged if m.min_col == m.max_col == 1 and m.max_row > m.min_row]
    assert blocks, "the sample has a project taller than one row"
    # a project spread over several rows has one 来源文件 cell, not a cell per row with borders across it
    assert sorted((m.min_row, m.max_row) for m in ws.merged_cells.ranges if m.min_col == 8) == sorted(blocks)
    for letter in "ABCDEFG":
        assert ws.column_dimensions[letter].width == published.column_dimensions[letter].width
    assert ws.column_dimensions["H"].width == 34
    assert ws.print_title_rows == published.print_title_rows == "$1:$3"
    assert str(ws.print_area) == f"'合并公开表2024年'!$A$1:$H${ws.max_row}"
    assert ws.freeze_panes == published.freeze_panes == "A4"


@needs_soffice
def test_every_file_is_explained(batch):
    report, cons, wb, *_ = batch
    by_file = {}
    for row in sources(wb):
        if row["文件"]:
            by_file.setdefault(row["文件"], []).append(row)
    assert {f: [r["合并情况"] for r in rows] for f, rows in by_file.items()} == {
        "2024/机电.xlsx": ["计入"], "2025/机电.xlsx": ["范围外"], **{c: ["重复"] for c in COPIES},
        "2024/乙.xlsx": ["范围外"], "二级单位/技师学院.xlsx": ["未计入"],
        "2024/丙_v1.xlsx": ["版本冲突"], "2024/丙_v2.xlsx": ["版本冲突"],
        "损坏.xlsx": ["未计入"], "管道.xlsx": ["未计入"], "文件夹.xlsx": ["未计入"], "旧格式报表.xls": ["未计入"]}
    assert "审核汇总.xlsx" not in by_file                      # the old report: skipped, never consolidated
    why = {f: rows[0]["说明"] for f, rows in by_file.items()}
    for c in COPIES:
        assert "与「2024/机电.xlsx」是同一份填报" in why[c]
    tech = why["二级单位/技师学院.xlsx"]
    assert tech.startswith("有错误") and "--include-errors" in tech
    assert why["2024/乙.xlsx"] == f"部门为「{OTHER_DEPT}」，不是本次审核的「{DEPT}」，未计入"
    assert "内容不同的版本" in why["2024/丙_v1.xlsx"] and "丙_v2.xlsx" in why["2024/丙_v1.xlsx"]
    assert "--keep" in why["2024/丙_v1.xlsx"]
    assert "命名管道" in why["管道.xlsx"] and "文件夹" in why["文件夹.xlsx"] and "损坏" in why["损坏.xlsx"]
    assert "「另存为」Excel 工作簿（.xlsx）" in why["旧格式报表.xls"]
    # a file without a filing has no amounts (blank, not 0.00)
    for name in ("损坏.xlsx", "管道.xlsx", "文件夹.xlsx", "旧格式报表.xls"):
        assert [by_file[name][0][m] for m in ("总计", "财政拨款", "财政专户拨款", "其他资金")] == [None] * 4
    # the year's counted total is the consolidated sheet's 合计, and the sum of the 计入 rows above it
    for year in (2024,):
        rows = [r for r in sources(wb) if r["预算年度"] == year]
        subtotal = next(r for r in rows if r["单位"] and str(r["单位"]).startswith(f"{year}年计入合计"))
        counted = [r for r in rows if r["合并情况"] == "计入" and r is not subtotal]
        assert _d(subtotal["总计"]) == sum((_d(r["总计"]) for r in counted), Decimal(0))
        assert _d(subtotal["总计"]) == cons.table(year).filing.total


@needs_soffice
def test_conflicts_are_named_everywhere(batch, capsys):
    report, cons, wb, *_, path = batch
    assert [(c.year, c.unit, c.files) for c in cons.conflicts] == [
        (2024, "示例市丙单位", ["2024/丙_v1.xlsx", "2024/丙_v2.xlsx"])]
    lines, _head, _rows = summary_rows(wb)
    texts = [r[0] for r in lines]
    assert texts[0].startswith("xl-tools 批量审核结果　审核对象：") and "（14 个文件）" in texts[0]
    assert "预算年度：2024年、2025年" in texts[0] and re.search(r"审核时间：\d{4}-\d\d-\d\d \d\d:\d\d", texts[0])
    conflict = next(t for t in texts if t.startswith("版本冲突："))
    assert "示例市丙单位" in conflict and "「2024/丙_v1.xlsx」" in conflict and "「2024/丙_v2.xlsx」" in conflict
    data = report_to_json(report, cons)
    assert data["consolidation"]["conflicts"][0]["files"] == ["2024/丙_v1.xlsx", "2024/丙_v2.xlsx"]
    assert data["summary"]["conflicts"] == 1 and data["summary"]["failed"]
    from xl_tools.cli import main
    inbox = Path(report.inputs[0])
    only = path.with_name("冲突.xlsx")
    assert main(["batch", str(inbox / "2024" / "丙_v1.xlsx"), str(inbox / "2024" / "丙_v2.xlsx"), "--jobs", "1",
                 "-o", str(only)]) == 1                              # no errors, but a conflict: exit 1
    out = capsys.readouterr().out
    assert "2024年没有计入的文件，未生成合并公开表；版本冲突 1 处共 2 个版本" in out
    assert "版本冲突：2024年 示例市丙单位 有 2 个金额或内容不同的版本" in out
    book = openpyxl.load_workbook(only)
    placeholder = [c.value for c in book["合并公开表"]["A"] if c.value]
    assert placeholder[0] == "没有可合并的文件：版本冲突 1 处共 2 个版本（每个文件的情况见「合并来源」）"
    assert placeholder[1].startswith("版本冲突：2024年 示例市丙单位")
    assert "2024年计入合计：没有计入的文件，未生成合并公开表" in [r["单位"] for r in sources(book)]
    assert _sheet_references(book) <= set(book.sheetnames)


def _sheet_references(wb) -> set[str]:
    names = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    names.update(re.findall(r"「(合并公开表\d*年?|合并来源|报送情况|问题明细|规则统计|汇总)」", v))
                    names.update(re.findall(r"= (合并公开表\d{4}年) 的合计", v))
    return names


@needs_soffice
def test_every_sheet_a_text_names_exists(batch):
    report, cons, wb, _c, wb_e, path = batch
    for book in (wb, wb_e):
        named = _sheet_references(book)
        assert {"合并来源", "合并公开表2024年", "报送情况"} <= named
        assert named <= set(book.sheetnames), named - set(book.sheetnames)


@needs_soffice
def test_unreadable_files_are_errors_everywhere(batch):
    report, cons, wb, *_ = batch
    _lines, head, body = summary_rows(wb)
    rows = {r[head.index("文件")]: dict(zip(head, r)) for r in body}
    for name, word in (("管道.xlsx", "命名管道"), ("文件夹.xlsx", "文件夹"), ("损坏.xlsx", "损坏"),
                       ("旧格式报表.xls", "「另存为」Excel 工作簿（.xlsx）")):
        assert rows[name]["状态"] == "无法读取" and word in rows[name]["说明"]
        assert rows[name]["错误"] == 1
    assert rows["审核汇总.xlsx"]["状态"] == "已跳过" and rows["审核汇总.xlsx"]["错误"] == 0
    assert rows["审核汇总.xlsx"]["说明"] == "xl-tools 生成的审核结果，已跳过"
    assert "~$机电.xlsx" not in rows and "Thumbs.db" not in rows
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    errors_per_file = {}
    for d in details:
        if d[2] == "错误":
            errors_per_file[d[0]] = errors_per_file.get(d[0], 0) + 1
    assert {f: r["错误"] for f, r in rows.items() if r["错误"]} == errors_per_file
    assert {d[3] for d in details if d[0] in ("管道.xlsx", "文件夹.xlsx", "损坏.xlsx", "旧格式报表.xls")} == {"FILE001"}
    line = next(k for k, r in enumerate(wb["汇总"].iter_rows(values_only=True), start=1) if r[1] == "管道.xlsx")
    assert wb["汇总"].cell(line, 9).fill.fgColor.rgb[-6:] == "FFC7CE"


@needs_soffice
def test_findings_once_per_filing_errors_first(batch):
    report, cons, wb, *_ = batch
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    order = {"错误": 0, "警告": 1, "提示": 2, None: 3}
    ranks = [order[d[2]] for d in details]
    assert ranks == sorted(ranks)                             # errors, warnings, infos, then the copies' rows
    errors = [d for d in details if d[2] == "错误"]
    assert [d[1] or "" for d in errors] == sorted(d[1] or "" for d in errors)      # by unit within a severity
    kept = {(d[3], d[4], d[5], d[8]) for d in details if d[0] == "2024/机电.xlsx"}
    assert kept
    for copy in COPIES:
        rows = [d for d in details if d[0] == copy]
        note = [d for d in rows if d[2] is None]
        assert len(note) == 1 and note[0][8].startswith("同「2024/机电.xlsx」：同一份填报，只计一次")
        assert not any((d[3], d[4], d[5], d[8]) in kept for d in rows if d[2])     # nothing listed twice
    same = next(d for d in details if d[0] == "副本/机电绩效目标表（最终版）.xlsx")
    assert f"其余 {len(kept)} 条问题与该文件相同" in same[8]


@needs_soffice
def test_rule_statistics_count_each_filing_once(batch):
    report, cons, wb, *_ = batch
    once = [r for r in report.results if r.file not in COPIES and not r.skipped]
    ws = wb["规则统计"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("按填报统计：同一份填报的重复文件") and rows[1][:2] == ("规则", "名称")
    assert ws.print_title_rows == "$2:$2"                    # the rule table's header, above its own rows only
    by_rule = {r[0]: r for r in rows[2:] if r[0]}
    assert by_rule and all(r[1] == catalogue.info(code).title for code, r in by_rule.items())
    assert sum(r[5] for r in by_rule.values()) == sum(len(r.findings) for r in once)    # each filing once
    worst = [0 if r[2] else 1 if r[3] else 2 for r in by_rule.values()]
    assert worst == sorted(worst)                            # rules with errors first
    families = [r for r in ws.iter_rows(min_row=3, min_col=8, max_col=13, values_only=True) if r[0]]
    assert sum(r[5] for r in families) == sum(r[5] for r in by_rule.values())
    assert all(r[1] == catalogue.family_name(r[0]) for r in families)
    assert ws.column_dimensions["B"].width >= 30             # rule titles are not cut

    units = wb["单位统计"]
    rows = list(units.iter_rows(values_only=True))
    header = rows[1]
    assert header[:2] == ("预算年度", "单位") and header[-1] == "合计" and units.print_title_rows == "$2:$2"
    assert all(h in catalogue.families().values() for h in header[2:-1])
    assert units.row_dimensions[2].height >= 15 and units.column_dimensions["B"].width >= 30
    keys = [(r[0], r[1]) for r in rows[2:]]
    assert len(keys) == len(set(keys))                       # one row per unit and year
    assert ("2024", MAIN) in keys and ("2025", MAIN) in keys
    main_2024 = next(r for r in rows[2:] if (r[0], r[1]) == ("2024", MAIN))
    counted = next(r for r in report.results if r.file == "2024/机电.xlsx")
    assert main_2024[-1] == len(counted.findings)            # the filing once, not 4×


@needs_soffice
def test_include_errors_counts_and_marks_them(batch):
    report, _cons, _wb, cons, wb, _path = batch
    assert assert_totals_add_up(wb["合并公开表2024年"]) == (Decimal("5138.68")
                                                           + sum(p.total for p in unitless().projects))
    rows = table_rows(wb["合并公开表2024年"])
    marked = next(r for r in rows if r[1] == UNITLESS)
    assert "有错误" in marked[3]
    ws = wb["合并公开表2024年"]
    assert ws.cell(marked[4], 1).fill.fgColor.rgb[-6:] == "FFC7CE"
    assert ws["A2"].value == f"部门名称：{DEPT}"                 # another department is never added in
    units = [r[1] for r in rows if r[0] == "unit"]
    assert "示例市乙单位" not in units and NO_UNIT not in units   # 基本信息 names the unit: refresh fills it in


MONEY = re.compile(r"^-?\d+\.\d{2}$")


@needs_soffice
def test_json_agrees_with_the_workbook(batch):
    report, cons, wb, *_ = batch
    data = json.loads(json.dumps(report_to_json(report, cons), ensure_ascii=False))
    _lines, head, summary = summary_rows(wb)
    assert data["summary"]["errors"] == sum(r[4] for r in summary)
    assert data["summary"]["files"] == len(summary) == 14 and data["summary"]["skipped"] == 1
    assert [f["status"] for f in data["files"]] == [r[8] for r in summary]
    for table in data["consolidation"]["tables"]:
        ws = wb[f"合并公开表{table['year']}年"]
        rows = table_rows(ws)
        assert Decimal(table["total"]) == next(r[2][0] for r in rows if r[0] == "total")
        assert [u["unit"] for u in table["units"]] == [r[1] for r in rows if r[0] == "unit"]
    decisions = [(f["file"], f["decision"]) for f in data["consolidation"]["files"]]
    assert decisions == [(r["文件"], r["合并情况"]) for r in sources(wb) if r["文件"]]
    assert data["consolidation"]["counts"] == {"计入": 1, "重复": 3, "已替代": 0, "版本冲突": 2, "未计入": 5,
                                               "范围外": 2}
    # money: always a string with two decimals (docs/MODEL.md), or null where there is none
    money = [f["total"] for f in data["files"]]
    money += [t["total"] for t in data["consolidation"]["tables"]]
    money += [u[m] for t in data["consolidation"]["tables"] for u in t["units"]
              for m in ("total", "fiscal", "special", "other")]
    money += [s[m] for s in data["consolidation"]["files"] for m in ("total", "fiscal", "special", "other")]
    assert all(v is None or MONEY.match(v) for v in money), [v for v in money if v and not MONEY.match(v)]
    assert "5138.68" in money and "0.00" in money
    assert next(s for s in data["consolidation"]["files"] if s["file"] == "损坏.xlsx")["total"] is None


@needs_soffice
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_read_back_equal_the_workbook(batch, tmp_path, fmt):
    report, cons, wb, *_ = batch
    written = write_exports(report, cons, tmp_path / fmt, fmt)
    assert sorted(p.name for p in written) == sorted(f"{n}.{fmt}" for n in
                                                     ("files", "findings", "consolidation", "projects", "indicators"))
    findings = read_export(tmp_path / fmt / f"findings.{fmt}")
    sheet = [r for r in wb["问题明细"].iter_rows(min_row=2, values_only=True) if r[2]]
    exported = list(zip(findings.file, findings.code, findings.message))
    assert {(r[0], r[3], r[8]) for r in sheet} <= set(exported)          # every row shown is exported
    own = findings[findings.same_as == ""]                                # every filing's own findings, once
    assert sorted(zip(own.file, own.code, own.message)) == sorted(
        (r[0], r[3], r[8]) for r in sheet if r[0] not in COPIES)
    assert set(findings[findings.same_as != ""].file) == set(COPIES)
    projects = read_export(tmp_path / fmt / f"projects.{fmt}")
    for year in (2024,):
        counted = projects[(projects.year == year) & (projects.decision == "计入")]
        shown = [(r[1], r[2][0]) for r in table_rows(wb[f"合并公开表{year}年"]) if r[0] == "project"]
        assert sorted(zip(counted.project, (v.quantize(CENT) for v in counted.total))) == sorted(shown)
    slices = read_export(tmp_path / fmt / f"consolidation.{fmt}")
    listed = [r for r in sources(wb) if r["文件"]]
    assert list(zip(slices.file, slices.decision, slices.reason)) == [(r["文件"], r["合并情况"], r["说明"] or "")
                                                                      for r in listed]
    assert [None if v is None or v != v else v.quantize(CENT) for v in slices.total] == \
        [None if r["总计"] is None else _d(r["总计"]) for r in listed]
    assert isinstance(slices.total.iloc[0], Decimal)
    indicators = read_export(tmp_path / fmt / f"indicators.{fmt}")
    assert len(indicators) == sum(r.indicators for r in report.results if r.readable)


def test_a_filing_in_yuan_is_converted_when_consolidated_with_filings_in_wan(tmp_path):
    from tests.test_rules_cases import build
    from xl_tools.workbook import build_workbook

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    yuan = build({"projects": [{"name": "村组干部报酬", "unit": "马踏镇", "total": "3309840.00"}]})
    yuan.money_unit, yuan.department = "元", "井研县"
    wan = build({"projects": [{"name": "基层组织活动经费", "unit": "集益镇", "total": "66.00"}]})
    wan.department = "井研县"
    build_workbook(inbox / "马踏镇.xlsx", yuan)
    build_workbook(inbox / "集益镇.xlsx", wan)
    cons = consolidate(review([inbox], jobs=1), include_errors=True)
    table = cons.table(2024).filing
    assert table.money_unit == "万元"
    totals = {p.name: p.total for p in table.projects}
    assert totals == {"村组干部报酬": Decimal("330.98"), "基层组织活动经费": Decimal("66.00")}
    assert table.total == Decimal("396.98")
    only_yuan = inbox.parent / "只有元"
    only_yuan.mkdir()
    build_workbook(only_yuan / "马踏镇.xlsx", yuan)
    table = consolidate(review([only_yuan], jobs=1), include_errors=True).table(2024).filing
    assert table.money_unit == "元" and table.total == Decimal("3309840.00")
