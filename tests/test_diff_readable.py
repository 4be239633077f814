"""The diff as an accountant reads it: a blank amount is （空）, not 0.00; a text change is said in
words on the terminal (…面积「800」改为「200」平方米…), and the diff workbook shows the old and the new
text with the changed parts coloured (rich text that survives a LibreOffice round trip)."""

from __future__ import annotations

import json

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock

from xl_tools import app
from xl_tools.cli import main
from xl_tools.reportbook import GREEN_FONT
from xl_tools.schema import RED_FONT

from .conftest import needs_soffice, soffice_convert

OLD_TARGET = "对中心办公场地进行维修改造，改造面积800平方米，2025年12月31日前完工，消除安全隐患。"
NEW_TARGET = "对中心办公场地进行维修改造，改造面积200平方米，2026年12月31日前完工，消除安全隐患。"


def _two_years(tmp_path, seed_workbook):
    """This year's filing and next year's rolled over from it: amounts blank, one target edited."""
    old = tmp_path / "2024.xlsx"
    old.write_bytes(seed_workbook.read_bytes())
    wb = openpyxl.load_workbook(old)
    wb["项目"]["H2"] = OLD_TARGET
    wb.save(old)
    new = tmp_path / "2025.xlsx"
    app.rollover(old, new, 2025)
    wb = openpyxl.load_workbook(new)
    wb["项目"]["H2"] = NEW_TARGET
    wb["项目"]["D3"], wb["项目"]["E3"] = 100, 100          # one project filled in, the rest blank
    wb.save(new)
    return old, new, wb["项目"]["B2"].value


def test_blank_amounts_are_blank_not_zero(tmp_path, seed_workbook, capsys):
    old, new, _name = _two_years(tmp_path, seed_workbook)
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("金额变化")]
    assert lines and all(" → " in line for line in lines)
    assert any(line.endswith("→ （空）（2025年金额未填，不计增减）") for line in lines) and not any(line.endswith("→ 0.00") for line in lines)
    main(["diff", str(old), str(new), "--json"])
    data = json.loads(capsys.readouterr().out)
    money = [m for p in data["projects_changed"] for m in p["money"]]
    assert any(m["new"] is None and m["change"] is None and m["note"] == "2025年金额未填，不计增减" for m in money)
    assert any(c["kind"] == "money" and c["new"] is None for c in data["changes"])
    wb = openpyxl.load_workbook(out)
    cuts = wb["增减情况"]
    notes = [cuts.cell(r, 7).value for r in range(1, cuts.max_row + 1)]
    assert "2025年金额未填，不计增减" in notes
    projects = wb["项目"]
    header = [c.value for c in projects[1]]
    new_total = header.index("2025年总计") + 1
    blank_rows = [r for r in range(2, projects.max_row + 1) if projects.cell(r, new_total).value is None]
    assert len(blank_rows) == 12 and projects.cell(blank_rows[0], new_total - 1).value   # old amount shown


def test_text_changes_in_words_and_colours(tmp_path, seed_workbook, capsys):
    old, new, name = _two_years(tmp_path, seed_workbook)
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("绩效目标变化"))
    assert line.endswith("…修改造，改造面积「800」改为「200」平方米，「2025」改为「2026」年12月31日前…"), line
    assert "[-" not in line and "{+" not in line
    main(["diff", str(old), str(new), "--json"])
    target = next(p for p in json.loads(capsys.readouterr().out)["projects_changed"] if p["name"] == name)["target"]
    assert target["diff"] == "「…修改造，改造面积[-800-]{+200+}平方米，[-2025-]{+2026+}年12月31日前…」"  # machine form kept
    assert target["changes"].startswith("…修改造，改造面积「800」改为「200」")
    _assert_marked(out)


@needs_soffice
def test_the_coloured_parts_survive_libreoffice(tmp_path, seed_workbook, capsys):
    old, new, _name = _two_years(tmp_path, seed_workbook)
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    capsys.readouterr()
    _assert_marked(soffice_convert(out, "xlsx", tmp_path / "lo"))


def _assert_marked(path) -> None:
    ws = openpyxl.load_workbook(path, rich_text=True)["绩效目标"]
    header = [str(c.value) for c in ws[1]]
    assert header[1].startswith("2024年绩效目标") and header[2].startswith("2025年绩效目标") and header[3] == "改动"
    before, after, words = ws.cell(2, 2).value, ws.cell(2, 3).value, ws.cell(2, 4).value
    assert str(before) == OLD_TARGET and str(after) == NEW_TARGET
    assert "「800」改为「200」" in str(words)

    def marked(runs, colour):
        assert isinstance(runs, CellRichText), runs
        return [r.text for r in runs if isinstance(r, TextBlock) and r.font.color is not None
                and str(r.font.color.rgb)[-6:] == colour]
    assert marked(before, RED_FONT) == ["800", "2025"]
    assert all(r.font.strike for r in before if isinstance(r, TextBlock) and r.text in ("800", "2025"))
    assert marked(after, GREEN_FONT) == ["200", "2026"]


def test_a_category_change_is_named_in_chinese_and_one_value_tables_say_指标值(tmp_path, capsys):
    """湘潭's 申报表 (one 指标值 column) against next year's: the terminal names the changed column
    二级指标 (not ``level2``), the workbook prints an added or removed indicator as the table does
    (「24-可持续影响；指标值:7个月」, from whichever value cell holds it)."""
    from tests.test_import_regional import last_years_text
    src = tmp_path / "2025.txt"
    src.write_text(last_years_text(), "utf-8")
    old, new = tmp_path / "2025.xlsx", tmp_path / "2026.xlsx"
    assert main(["import", str(src), "-o", str(old)]) == 0
    app.rollover(old, new, 2026)
    wb = openpyxl.load_workbook(new)
    ws = wb["绩效指标"]
    ws["D3"] = "12-质量指标"                                   # 雾炮车风炮射程: 数量 → 质量
    ws.append(["雾炮车降尘抑尘服务", None, "2-效益指标", "24-可持续影响", "雾炮车服务持续运行月数", "7个月"])
    wb.save(new)
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "-o", str(tmp_path / "对比.xlsx")]) in (0, 1)
    out = capsys.readouterr().out
    assert "雾炮车风炮射程 二级指标\t「11-数量指标」改为「12-质量指标」" in out and "level" not in out
    rows = list(openpyxl.load_workbook(tmp_path / "对比.xlsx")["绩效指标"].iter_rows(values_only=True))
    assert ("雾炮车降尘抑尘服务", 8, "雾炮车服务持续运行月数", "新增", None, None, "24-可持续影响；指标值:7个月") in \
        [r[:7] for r in rows]
