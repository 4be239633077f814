"""The importer on PDFs rendered by LibreOffice from the publisher's workbook (xl_tools.publish):
cells are read by position, so the result must equal the filing that was published. A PDF without a
text layer gets a clear error. Skipped only when LibreOffice (soffice) is not installed."""

from __future__ import annotations

import importlib.util
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from xl_tools.errors import XlToolsError
from xl_tools.importer import import_path
from xl_tools.jsonio import filing_to_json, load_json

ROOT = Path(__file__).resolve().parents[1]
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"
_spec = importlib.util.spec_from_file_location("seedstyle", ROOT / "tests" / "fixtures" / "import" / "seedstyle.py")
seedstyle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seedstyle)

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装")


def _pdf(filing, folder: Path, name: str) -> Path:
    from xl_tools.publish import publish
    published = publish(filing, folder / f"{name}.xlsx", folder / f"{name}.pdf")
    return published.pdf


def as_json(filing) -> dict:
    return filing_to_json(filing, with_targets=False)


@needs_soffice
def test_pdf_round_trip_one_unit(tmp_path):
    filing = load_json(SEED_JSON)
    result = import_path(_pdf(filing, tmp_path, "seed"))
    assert as_json(result.filing) == as_json(filing)
    assert result.filing.year == 2024 and "文件属性" in result.year_source      # stamped by publish
    assert [f for f in result.findings if f.severity != "info"] == []


@needs_soffice
def test_pdf_round_trip_two_units(tmp_path):
    filing = seedstyle.split_units(
        seedstyle.rescale(seedstyle.cipher(load_json(SEED_JSON), seed=3), Decimal("3.1"), Decimal("0.25")),
        ("示例市甲单位", "示例市乙单位"), first=7)
    result = import_path(_pdf(filing, tmp_path, "two"), year=2024)
    assert as_json(result.filing) == as_json(filing)
    assert [f for f in result.findings if f.severity != "info"] == []


@needs_soffice
def test_pdf_round_trip_long_texts_across_pages(tmp_path):
    from tests.support.demo_filing import demo_filing
    filing = demo_filing()
    result = import_path(_pdf(filing, tmp_path, "demo"), year=filing.year)
    assert as_json(result.filing) == as_json(filing)
    assert [f for f in result.findings if f.severity != "info"] == []


def test_scanned_pdf_is_refused(tmp_path):
    from PIL import Image
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (400, 300), "white").save(path, "PDF")
    with pytest.raises(XlToolsError) as err:
        import_path(path)
    assert "scan.pdf" in str(err.value) and "文字层" in str(err.value)


def test_broken_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage \x00\x01")
    with pytest.raises(XlToolsError) as err:
        import_path(path)
    assert "broken.pdf" in str(err.value)


def test_pdf_continuation_rows_join_like_line_wraps():
    """Rows with text but no name and no amounts continue the project above, across pages too; the
    pieces join like line wraps (an item cut by the page break reads whole), and a continuation with
    no project above is reported, not dropped."""
    from xl_tools.importer.blocks import Segmented
    from xl_tools.importer.indicatorlist import parse_items
    from xl_tools.importer.pdfsource import _rows_to_blocks
    order = ["name", "total", "fiscal", "special", "other", "target", "indicators"]
    columns = {**{n: (0.0, 0.0) for n in order}, "_order": order}   # x ranges are not used here
    item = "1-产出指标；11-数量指标；完成培训人次；实施周期指标值:≥10人次；年度指标值:≥10人次。"
    first, rest = f"1、{item}2、{item}"[:-9], f"1、{item}2、{item}"[-9:]
    rows = [
        (1, 1, ["合计", "3.00", "3.00", "", "", "", ""], 40.0, columns),
        (1, 2, ["甲单位", "3.00", "3.00", "", "", "", ""], 0.5, columns),
        (1, 3, ["甲单位某\n项目", "3.00", "3.00", "", "", "目标第一\n段，", f"{first[:30]}\n{first[30:]}"],
         12.0, columns),
        (2, 1, ["", "", "", "", "", "第二段。", rest], None, columns),
        (3, 1, ["乙单位", "0.00", "", "", "", "", ""], 0.5, columns),
        (3, 2, ["", "", "", "", "", "", "孤立的续行"], None, columns),
    ]
    seg = Segmented()
    _rows_to_blocks(rows, seg, "t.pdf")
    [content] = seg.contents
    assert content.target == "目标第一段，第二段。"
    assert content.indicator_text == f"1、{item}2、{item}"
    parsed = parse_items(content.indicator_text)
    assert [(p.ok, p.indicator.no, p.indicator.annual_value) for p in parsed] == [(True, 1, "≥10人次"),
                                                                                 (True, 2, "≥10人次")]
    assert [(f.text, f.page) for f in seg.fragments] == [("孤立的续行", 3)]
