"""Refresh on files (openpyxl writer): highlights, notes, 校验结果, fills, idempotency, safety."""

import zipfile

import openpyxl
import pytest

from tests.support.signature import workbook_signature
from xl_tools.app import refresh_path as refresh_file
from xl_tools.cli import main
from xl_tools.refs import first_cell, split_reference
from xl_tools.workbook import build_workbook

from .conftest import needs_soffice, soffice_convert

RED, AMBER = "FFFFCCD3", "FFFFE9A1"


def _fill(ws, ref):
    f = ws[ref].fill
    return f.fgColor.rgb if f.fill_type == "solid" else None


@pytest.fixture
def refreshed(seed_workbook):
    outcome = refresh_file(seed_workbook, now="2026-11-25 09:00")
    return seed_workbook, outcome


def test_results_sheet_and_highlights(refreshed):
    path, outcome = refreshed
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:7] == ["说明", "基本信息", "项目", "绩效指标", "代码表", "校验结果", "公开表"]
    assert wb["_xltools"].sheet_state == "hidden"
    res = wb["校验结果"]
    assert res["A3"].value == "级别" and res["B3"].value == "规则"
    rows = [[c.value for c in row] for row in res.iter_rows(min_row=4) if row[0].value]
    assert len(rows) == len(outcome.findings)
    order = {"错误": 0, "警告": 1, "提示": 2}
    assert [order[r[0]] for r in rows] == sorted(order[r[0]] for r in rows)      # errors first
    assert "刷新" in res["A2"].value and "警告" in res["A2"].value
    # every warning cell is amber with a note naming the rule; links point at the cell
    for f in outcome.findings:
        if f.severity == "warning":
            ws = wb[f.sheet]
            assert _fill(ws, f.cell) == AMBER, f
            assert f.code in ws[f.cell].comment.text
    link = res["C4"].value
    assert link.startswith('=HYPERLINK("#') and outcome.findings[0].cell in link
    sheet, ref = split_reference(wb.defined_names["上次刷新"].attr_text)
    assert sheet == "说明" and "刷新" in wb[sheet][first_cell(ref)].value
    assert wb["公开表"]["A1"].value == "2024年项目支出绩效目标表（含转移支付项目）"


def test_second_refresh_changes_nothing(refreshed):
    path, _ = refreshed
    before = workbook_signature(path, styles=True)
    refresh_file(path, now="2030-01-01 00:00")        # a later clock: the stamp must not move
    assert workbook_signature(path, styles=True) == before


def test_fixing_a_cell_clears_its_highlight_and_note(refreshed):
    path, outcome = refreshed
    dup = [f for f in outcome.findings if f.code == "VAL011"][0]     # a date filed under 12-质量指标
    wb = openpyxl.load_workbook(path)
    wb[dup.sheet][dup.cell] = "13-时效指标"
    wb.save(path)
    again = refresh_file(path)
    assert "VAL011" not in {f.code for f in again.findings}
    wb = openpyxl.load_workbook(path)
    assert _fill(wb[dup.sheet], dup.cell) is None
    assert wb[dup.sheet][dup.cell].comment is None


def test_user_formatting_on_clean_cells_survives(refreshed):
    path, _ = refreshed
    wb = openpyxl.load_workbook(path)
    from openpyxl.styles import Font, PatternFill
    wb["项目"]["B3"].fill = PatternFill("solid", fgColor="FF00B0F0")
    wb["项目"]["B3"].font = Font(bold=True, name="楷体")
    wb.save(path)
    refresh_file(path)
    wb = openpyxl.load_workbook(path)
    assert _fill(wb["项目"], "B3") == "FF00B0F0"
    assert wb["项目"]["B3"].font.bold and wb["项目"]["B3"].font.name == "楷体"
    assert wb["项目"]["B3"].value.startswith("市机电技师学院技能竞赛")


def test_fills_are_written_and_reported(tmp_path, seed_filing):
    import copy
    filing = copy.deepcopy(seed_filing)
    p = filing.projects[0]
    p.no = None
    ind = p.indicators[0]
    ind.level2_code = ""            # typed by name: 质量指标
    path = tmp_path / "f.xlsx"
    build_workbook(path, filing)
    wb = openpyxl.load_workbook(path)
    wb["项目"]["A2"] = None
    wb["项目"]["D2"] = None         # 总计 blank: the sum of its parts
    wb["项目"]["C2"] = None         # 资金使用单位 from 基本信息 (one unit)
    wb.save(path)
    outcome = refresh_file(path)
    wb = openpyxl.load_workbook(path)
    assert wb["项目"]["A2"].value == 1
    assert wb["项目"]["D2"].value == 600
    assert wb["项目"]["C2"].value == "广州市机电技师学院"
    assert wb["绩效指标"]["D2"].value == "12-质量指标"
    codes = sorted(f.code for f in outcome.findings if f.code.startswith("FIL"))
    assert codes == ["FIL001", "FIL002", "FIL003", "FIL004"]
    assert all(f.severity == "info" for f in outcome.findings if f.code.startswith("FIL"))
    # 校验结果 is the report of the refresh that filled (its stamp on 说明): the second refresh finds nothing
    # to fill and nothing else changed, so it leaves it, fills listed, and changes nothing (not even touched)
    listed = [c.value for c in openpyxl.load_workbook(path)["校验结果"]["B"] if str(c.value).startswith("FIL")]
    assert sorted(listed) == codes
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    again = refresh_file(path, now="2030-01-01 00:00")
    assert sorted(f.code for f in again.findings if f.code.startswith("FIL")) == codes and again.fills == []
    assert again.report.startswith("内容无变化") and again.stamp == outcome.stamp
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    # the first refresh that changes something reports what it does itself: the fills of the first are
    # gone from 校验结果, the cells keep what the tool wrote, and the refresh after it changes nothing
    wb = openpyxl.load_workbook(path)
    wb["项目"]["H2"] = wb["项目"]["H2"].value + "。"
    wb.save(path)
    changed = refresh_file(path)
    assert [f.code for f in changed.findings if f.code.startswith("FIL")] == [] and not changed.report.startswith("内容无变化")
    wb = openpyxl.load_workbook(path)
    assert (wb["项目"]["A2"].value, wb["项目"]["D2"].value, wb["项目"]["C2"].value) == (1, 600, "广州市机电技师学院")
    assert not [c.value for c in wb["校验结果"]["B"] if str(c.value).startswith("FIL")]
    before = workbook_signature(path, styles=True)
    refresh_file(path)
    assert workbook_signature(path, styles=True) == before


def test_helper_columns_show_how_values_were_understood(refreshed):
    path, _ = refreshed
    ws = openpyxl.load_workbook(path)["绩效指标"]
    headers = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    rows = {ws.cell(r, 5).value: r for r in range(2, ws.max_row + 1)}
    r = rows["服务对象满意度"]
    assert ws.cell(r, col["周期运算符"]).value == "≥"
    assert ws.cell(r, col["周期数值"]).value == "95"
    assert ws.cell(r, col["周期单位"]).value == "%"
    r = rows["项目验收并交付使用时间"]
    assert ws.cell(r, col["年度运算符"]).value == "日期≤"
    assert ws.cell(r, col["年度数值"]).value == "2024-06-30"


def test_in_place_refresh_keeps_a_backup_and_output_option_leaves_input(seed_workbook, tmp_path):
    original = seed_workbook.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["refresh", str(seed_workbook), "-o", str(out)]) == 0
    assert seed_workbook.read_bytes() == original
    assert out.exists()
    main(["refresh", str(seed_workbook)])
    assert (seed_workbook.parent / "seed.xlsx.bak").read_bytes() == original


def test_xlsm_keeps_vba_and_button(tmp_path, seed_filing):
    path = tmp_path / "filing.xlsm"
    build_workbook(path, seed_filing)
    with zipfile.ZipFile(path) as zf:
        vba = zf.read("xl/vbaProject.bin")
    refresh_file(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.read("xl/vbaProject.bin") == vba
        vml = [n for n in zf.namelist() if n.endswith(".vml")]
        assert any(b"SampleCall" in zf.read(n) for n in vml)


def test_locked_or_read_only_file_writes_nothing(seed_workbook, capsys):
    lock = seed_workbook.parent / ("~$" + seed_workbook.name)
    lock.write_text("x")
    original = seed_workbook.read_bytes()
    assert main(["refresh", str(seed_workbook)]) == 2
    assert "正在被 Excel 打开" in capsys.readouterr().err
    assert seed_workbook.read_bytes() == original
    lock.unlink()
    seed_workbook.chmod(0o444)
    try:
        import os
        if os.geteuid() != 0:                      # root ignores the read-only bit
            assert main(["refresh", str(seed_workbook)]) == 2
            assert seed_workbook.read_bytes() == original
    finally:
        seed_workbook.chmod(0o644)


def test_error_cells_are_red(seed_workbook):
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D2"] = 700          # 总计 ≠ 财政拨款 + 财政专户拨款 + 其他资金
    wb.save(seed_workbook)
    outcome = refresh_file(seed_workbook)
    errors = [f for f in outcome.findings if f.severity == "error"]
    assert ("项目", "D2") in {(f.sheet, f.cell) for f in errors}
    ws = openpyxl.load_workbook(seed_workbook)["项目"]
    assert _fill(ws, "D2") == RED and ws["D2"].font.color.rgb == "FF9E0A14"
    assert main(["refresh", str(seed_workbook)]) == 1          # exit 1: error-level findings


@needs_soffice
def test_libreoffice_converts_refreshed_workbook(refreshed, tmp_path):
    path, _ = refreshed
    pdf = soffice_convert(path, "pdf", tmp_path)
    assert pdf.stat().st_size > 5000


def test_users_chart_image_and_conditional_formats_survive(seed_workbook):
    """What accountants add to their workbook — a chart, a picture, conditional formats — survives."""
    import io

    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    PIL = pytest.importorskip("PIL.Image")
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb.create_sheet("我的图表")
    for k in range(1, 6):
        ws.append([k, k * k])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5))
    ws.add_chart(chart, "D2")
    png = io.BytesIO()
    PIL.new("RGB", (20, 20), "red").save(png, "PNG")
    png.seek(0)
    ws.add_image(XLImage(png), "D20")
    wb["项目"].conditional_formatting.add(
        "D2:D14", CellIsRule(operator="greaterThan", formula=["800"], fill=PatternFill("solid", fgColor="FF00FF00")))
    wb.save(seed_workbook)
    refresh_file(seed_workbook)
    wb = openpyxl.load_workbook(seed_workbook)
    assert len(wb["我的图表"]._charts) == 1 and len(wb["我的图表"]._images) == 1
    assert len(wb["项目"].conditional_formatting) == 1


def test_highlight_on_cells_nobody_formatted(tmp_path):
    """A filing typed into `xl-tools new`: blank 绩效目标 and rows below the table have no style of
    their own; highlighting them must work (it crashed with AttributeError on 'fontId')."""
    path = tmp_path / "filing_2025.xlsx"
    assert main(["new", "-o", str(path), "--year", "2025", "--department", "某部门", "--unit", "某单位"]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    ws.append([None, "项目甲", None, 100.5, 100.5, None, None, None])
    ws.append([None, "项目乙", "某单位", 80, 50, None, None, "完成某某工作"])
    wb.save(path)
    outcome = refresh_file(path, now="2026-11-30 09:00")
    wb = openpyxl.load_workbook(path)
    flagged = [f for f in outcome.findings if f.severity == "error" and f.sheet == "项目"]
    assert flagged
    for f in flagged:
        assert _fill(wb["项目"], f.cell) == RED, f


def test_link_formula_escapes_sheet_names_and_texts():
    from xl_tools.refresh.sheets import link_formula
    assert link_formula("项目", "B3", "项目!B3") == '=HYPERLINK("#\'项目\'!B3","项目!B3")'
    formula = link_formula('a"),1+1,("', "A1", 'x"y')
    # every quote of the names is doubled inside the string literals: one HYPERLINK with two strings
    assert formula == '=HYPERLINK("#\'a""),1+1,(""\'!A1","x""y")'
    from openpyxl.formula import Tokenizer
    tokens = [t for t in Tokenizer(formula).items if t.type == "OPERAND"]
    assert [t.subtype for t in tokens] == ["TEXT", "TEXT"]
    assert "#'O''Brien'!A1" in link_formula("O'Brien", "A1", "t")


def test_no_collection_runs_in_the_rules_the_public_table_or_the_writing(seed_workbook, tmp_path, monkeypatch):
    """The rules, the 公开表's layout and the whole write make no reference cycles, so the collector does not
    run in them (``gcpause.settled``: at 5,000 projects three young collections there walked what the
    reading and the rules had made, 0.16 s CPU, and found nothing). With the young threshold at 100, a
    collection would otherwise run many times in each; it still runs in the reading."""
    import gc

    from xl_tools import app, gcpause
    from xl_tools.refresh import file_writer, plan
    monkeypatch.setattr(gcpause, "THRESHOLDS", (100, 10, 10))
    inside: list[str] = []
    for module, name in ((plan, "check"), (plan, "render"), (file_writer, "_write")):
        def probe(*args, _real=getattr(module, name), _name=name, **kwargs):
            inside.append(_name)
            try:
                return _real(*args, **kwargs)
            finally:
                inside.pop()
        monkeypatch.setattr(module, name, probe)
    during, outside = [], []

    def watch(phase, _info):
        if phase == "start":
            (during if inside else outside).append(tuple(inside))
    gc.callbacks.append(watch)
    try:
        app.refresh_file(seed_workbook, tmp_path / "out.xlsx", now="2026-11-25 09:00")
    finally:
        gc.callbacks.remove(watch)
    assert during == [] and outside                   # collections ran, none in those three
    assert gc.isenabled()
