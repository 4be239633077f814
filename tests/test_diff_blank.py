"""A diff against a rolled-over filing whose amounts are not filled in yet: a blank amount is not 0, so
no change or percentage is computed against it, and a total over blank projects is not a number; a total
where only some projects are blank says how many (terminal, --json and the workbook, also as LibreOffice
reads it)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.conftest import SEED_JSON, needs_soffice, soffice_convert
from xl_tools import app
from xl_tools.cli import main
from xl_tools.jsonio import load_json
from xl_tools.workbook import build_workbook

UNIT = "广州市机电技师学院"
BLANK_NOTE = "2025年金额未填，不计增减"


@pytest.fixture
def rolled(tmp_path):
    """The bundled sample as this year's workbook and next year's rolled over from it (amounts blank)."""
    old, new = tmp_path / "2024.xlsx", tmp_path / "2025.xlsx"
    build_workbook(old, load_json(SEED_JSON))
    app.rollover(old, new, 2025)
    return old, new


@pytest.fixture
def partly_filled(rolled):
    """The rolled-over filing with one project's amounts filled in (100.00), twelve still blank."""
    old, new = rolled
    wb = openpyxl.load_workbook(new)
    ws = wb["项目"]
    ws["D2"], ws["E2"] = 100, 100
    name = ws["B2"].value
    wb.save(new)
    return old, new, name


def _json(capsys, old, new) -> dict:
    main(["diff", str(old), str(new), "--json"])
    return json.loads(capsys.readouterr().out)


def _rows(ws, first: str) -> list[list]:
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)
    return [[c.value for c in row] for row in ws.iter_rows(min_row=top)]


def test_terminal_says_blank_and_why(rolled, capsys):
    old, new = rolled
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    money = [line for line in out.splitlines() if line.startswith("金额变化")]
    assert len(money) == 26
    assert all(line.endswith(f"→ （空）（{BLANK_NOTE}）") for line in money), money[:2]
    assert "-100" not in out and "→ 0.00" not in out
    assert "2025年：13 个项目金额均未填，合计和增减不计算" in out


def test_json_has_no_change_against_a_blank(rolled, capsys):
    old, new = rolled
    data = _json(capsys, old, new)
    money = [m for p in data["projects_changed"] for m in p["money"]]
    assert len(money) == 26
    assert all(m["new"] is None and m["change"] is None and m["percent"] is None and m["note"] == BLANK_NOTE
               for m in money)
    assert data["new"]["total"] is None and data["new"]["units_total"] is None
    assert (data["new"]["projects"], data["new"]["blank_projects"]) == (13, 13)
    assert data["old"]["total"] == "5138.68" and data["old"]["blank_projects"] == 0
    assert data["units"] == [{"unit": UNIT, "old_total": "5138.68", "new_total": None, "change": None,
                              "percent": None, "old_blank_projects": 0, "new_blank_projects": 13,
                              "note": "2025年：13 个项目金额均未填，合计和增减不计算"}]
    assert len(data["total_changes"]) == 13
    assert all(t["new_total"] is None and t["change"] is None and t["percent"] is None and t["note"] == BLANK_NOTE
               for t in data["total_changes"])
    assert "2025年：13 个项目金额均未填，合计和增减不计算" in data["notes"]
    assert "0.00" not in json.dumps(data["new"])


def _assert_workbook_blank(path) -> None:
    wb = openpyxl.load_workbook(path)
    cuts = _rows(wb["增减情况"], "资金使用单位")
    assert cuts[0] == ["资金使用单位", "项目名称", "2024年总计", "2025年总计", "增减", "增减%", "说明"]
    assert len(cuts) == 14
    for row in cuts[1:]:
        assert row[2] and row[3:6] == [None, None, None] and row[6] == BLANK_NOTE, row
    units = _rows(wb["单位汇总"], "资金使用单位")
    assert units[0] == ["资金使用单位", "2024年总计", "2025年总计", "增减", "增减%", "说明"]
    note = "2025年：13 个项目金额均未填，合计和增减不计算"
    assert units[1] == [UNIT, 5138.68, None, None, None, note]
    assert units[2] == ["合计（各单位之和）", 5138.68, None, None, None, note]
    projects = _rows(wb["项目"], "状态")
    header = projects[0]
    assert header[-1] == "说明"
    cols = [header.index(f"2025年{label}") for label in ("总计", "财政拨款", "财政专户拨款", "其他资金")]
    for row in projects[1:]:
        assert [row[c] for c in cols] == [None] * 4 and row[-1] == "2025年金额未填", row


def test_workbook_blank_cells_marked(rolled, tmp_path, capsys):
    old, new = rolled
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    capsys.readouterr()
    _assert_workbook_blank(out)


@needs_soffice
def test_workbook_blank_cells_as_libreoffice_reads_them(rolled, tmp_path, capsys):
    old, new = rolled
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    capsys.readouterr()
    _assert_workbook_blank(soffice_convert(out, "xlsx", tmp_path / "lo"))
    pdf = soffice_convert(out, "pdf", tmp_path / "pdf")
    import pdfplumber  # optional dependency ([pdf] extra), as in the PDF import tests
    with pdfplumber.open(pdf) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    assert "金额均未填" in text and BLANK_NOTE in text.replace("\n", "")
    assert "-100.00%" not in text and "-5,138.68" not in text


def test_some_filled_says_how_many_are_blank(partly_filled, tmp_path, capsys):
    old, new, name = partly_filled
    data = _json(capsys, old, new)
    note = "2025年：13 个项目中 12 个金额未填（已填 1 个共 100.00），合计和增减不计算"
    assert data["new"]["total"] is None and data["new"]["units_total"] is None
    assert (data["new"]["blank_projects"], data["new"]["filled_total"]) == (12, "100.00")
    unit = data["units"][0]
    assert (unit["new_total"], unit["change"], unit["percent"], unit["note"]) == (None, None, None, note)
    filled = next(p for p in data["projects_changed"] if p["name"] == name)
    total = next(m for m in filled["money"] if m["field"] == "total")
    assert total["new"] == "100.00" and total["change"] == "-500.00" and total["percent"] == "-83.33"
    assert total["note"] is None
    out = tmp_path / "对比.xlsx"
    main(["diff", str(old), str(new), "-o", str(out)])
    text = capsys.readouterr().out
    assert note in text and "600.00 → 100.00" in text
    wb = openpyxl.load_workbook(out)
    cuts = _rows(wb["增减情况"], "资金使用单位")
    row = next(r for r in cuts if r[1] == name)
    assert row[2:5] == [600, 100, -500] and not row[6]
    assert sum(1 for r in cuts[1:] if r[6] == BLANK_NOTE) == 12
    assert cuts[1][1] == name                 # the one computed change first, the blanks after it
    units = _rows(wb["单位汇总"], "资金使用单位")
    assert units[1][2:] == [None, None, None, note] and units[2][2:] == [None, None, None, note]
