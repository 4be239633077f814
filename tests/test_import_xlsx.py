"""Import of the official table saved as xlsx: as ``publish`` writes it, and typed by hand (merged cells,
other widths, a two-row header, a blank 合计, amounts typed as text). Round trips: publish → xlsx →
import equals the filing; the hand-typed sheet imports to the filing it was typed from."""

from __future__ import annotations

import copy
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment

from tests.support.demo_filing import demo_filing
from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.importer import import_path
from xl_tools.importer.xlsxsource import is_published_table
from xl_tools.jsonio import filing_to_json, load_json
from xl_tools.publish import publish_xlsx
from xl_tools.publish.indicators import indicator_item
from xl_tools.workbook import build_workbook

ROOT = Path(__file__).resolve().parents[1]
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"
_spec = importlib.util.spec_from_file_location("seedstyle", ROOT / "tests" / "fixtures" / "import" / "seedstyle.py")
seedstyle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seedstyle)


def as_json(filing) -> dict:
    return filing_to_json(filing, with_targets=False)


def _not_info(result):
    return [(f.code, f.message) for f in result.findings if f.severity != "info"]


def test_published_xlsx_round_trip_seed(tmp_path):
    filing = load_json(SEED_JSON)
    publish_xlsx(filing, tmp_path / "公开表.xlsx")
    assert is_published_table(tmp_path / "公开表.xlsx")
    result = import_path(tmp_path / "公开表.xlsx")
    assert as_json(result.filing) == as_json(filing)
    assert result.filing.year == 2024 and result.filing.department == filing.department
    assert _not_info(result) == []


def test_published_xlsx_round_trip_units_and_tall_blocks(tmp_path):
    filing = demo_filing()                         # several units, texts taller than one Excel row
    layout = publish_xlsx(filing, tmp_path / "demo.xlsx")
    assert layout.notes, "the demo filing should need blocks of merged rows"
    result = import_path(tmp_path / "demo.xlsx", year=filing.year)
    assert as_json(result.filing) == as_json(filing)
    assert _not_info(result) == []


def _two_units():
    return seedstyle.split_units(load_json(SEED_JSON), ("示例市甲单位", "示例市乙单位"), first=7)


def _hand_typed(filing, path: Path) -> None:
    """The official layout as a person types it: a two-row header with 资金来源 merged over four
    columns, narrow columns, a 合计 row left blank, names not indented, one project's cells merged over
    two rows with its indicators continued in the second, and one amount typed as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["项目支出绩效目标表"])
    ws.merge_cells("A1:G1")
    ws.append([f"部门名称：{filing.department}", None, None, None, None, None, "单位：万元"])
    ws.append(["项目名称", "资金来源", None, None, None, "绩效目标", "绩效指标"])
    ws.append([None, "总计", "财政拨款", "财政专户拨款", "其他资金", None, None])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:E3")
    ws.merge_cells("F3:F4")
    ws.merge_cells("G3:G4")
    ws.append(["合计", None, None, None, None, None, None])
    for c, width in zip("ABCDEFG", (18, 10, 10, 10, 10, 30, 40)):
        ws.column_dimensions[c].width = width
    units = filing.derived_units()
    split_done = text_done = False
    for unit in units:
        ws.append([unit.name, *(float(getattr(unit, f)) for f in ("total", "fiscal", "special", "other")),
                   None, None])
        for p in (q for q in filing.projects if q.unit == unit.name):
            items = [indicator_item(k, i) for k, i in enumerate(p.indicators, start=1)]
            money = [float(getattr(p, f)) if getattr(p, f) else None for f in ("total", "fiscal", "special", "other")]
            if not text_done:
                money[0] = f"{getattr(p, 'total'):,}"          # typed as text with a thousands separator
                text_done = True
            if not split_done and len(items) > 2:
                top = ws.max_row + 1
                ws.append([p.name, *money, p.target, "".join(items[:2])])
                ws.append([None, None, None, None, None, None, "".join(items[2:])])
                for col in "ABCDEF":
                    ws.merge_cells(f"{col}{top}:{col}{top + 1}")
                split_done = True
            else:
                ws.append([p.name, *money, p.target, "".join(items)])
            ws.cell(ws.max_row, 7).alignment = Alignment(wrap_text=True)
    ws.append(["注：本表由单位填报。"])
    wb.save(path)


def test_hand_typed_xlsx_imports_to_the_filing(tmp_path):
    filing = _two_units()
    path = tmp_path / "手工公开表.xlsx"
    _hand_typed(filing, path)
    assert is_published_table(path)
    result = import_path(path, year=2024)
    assert as_json(result.filing) == as_json(filing)
    assert result.filing.total == sum((p.total for p in filing.projects), Decimal(0))
    codes = [(f.code, f.message) for f in result.findings if f.severity != "info"]
    assert codes == [("IMP023", "表中合计行的金额为空，合计按各单位（或各项目）加总")]


def test_hand_typed_xlsx_reconciles_like_pdf(tmp_path):
    filing = _two_units()
    wrong = copy.deepcopy(filing)
    wrong.projects[0].total += Decimal("1")             # 总计 ≠ its parts, and the unit no longer adds up
    path = tmp_path / "错.xlsx"
    _hand_typed(wrong, path)
    result = import_path(path, year=2024)
    codes = {f.code for f in result.findings if f.severity == "error"}
    assert "IMP020" in codes
    line = next(f for f in result.findings if f.code == "IMP020").line
    assert line is not None and line > 5


def test_a_filing_workbook_is_not_a_published_table(tmp_path, seed_filing):
    build_workbook(tmp_path / "填报.xlsx", seed_filing)
    assert not is_published_table(tmp_path / "填报.xlsx")
    with pytest.raises(XlToolsError, match="填报工作簿"):
        import_path(tmp_path / "填报.xlsx")
    wb = Workbook()
    wb.active["A1"] = "别的表格"
    wb.save(tmp_path / "别的.xlsx")
    with pytest.raises(XlToolsError, match="没有找到项目支出绩效目标表"):
        import_path(tmp_path / "别的.xlsx")


def test_cli_import_diff_and_batch_accept_the_xlsx_table(tmp_path, seed_filing, capsys):
    table = tmp_path / "公开表.xlsx"
    publish_xlsx(seed_filing, table)
    assert main(["import", str(table), "-o", str(tmp_path / "回填.xlsx")]) == 0
    assert main(["diff", str(table), str(tmp_path / "回填.xlsx"), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"changes": 0' in out
    assert main(["batch", str(table), "--json"]) == 0
    assert '"kind": "import"' in capsys.readouterr().out
