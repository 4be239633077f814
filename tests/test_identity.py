"""The filing's identity travels with the published table (xl_tools/identity.py): the title names the
budget year, the xlsx and the PDF carry year, department and units in their document properties, and
import reads them first — a 2025 filing rolled over from 2024, its texts still full of 2024 dates, is
read back as 2025."""

from __future__ import annotations

import openpyxl
import pytest

from tests.conftest import needs_soffice
from xl_tools import app
from xl_tools.identity import Identity, keywords, parse_keywords, year_in_title


def test_keywords_round_trip_and_titles():
    text = keywords(2025, "某区卫生健康局", ["某区卫生健康局（本级）", "某区疾病预防控制中心"])
    assert parse_keywords(text) == Identity(2025, "某区卫生健康局", ("某区卫生健康局（本级）", "某区疾病预防控制中心"))
    assert parse_keywords("作者的关键词") == Identity() and not parse_keywords(None)
    assert year_in_title("2025年项目支出绩效目标表（含转移支付项目）") == 2025
    assert year_in_title("项目支出绩效目标表（2020年度）教育系统基础设施建设") == 2020
    assert year_in_title("项目支出绩效目标表（含转移支付项目）\n2024年6月30日前完成") is None


@pytest.fixture
def rolled_2025(tmp_path, seed_workbook):
    """The 2024 sample rolled over to 2025 with its amounts kept: every date in it still says 2024."""
    out = tmp_path / "2025年.xlsx"
    app.rollover(seed_workbook, out, 2025, keep_amounts=True)
    return out


def test_the_published_xlsx_carries_the_year_and_import_reads_it_first(rolled_2025, tmp_path):
    table = tmp_path / "公开表.xlsx"
    app.publish_file(rolled_2025, table, allow_errors=True)
    wb = openpyxl.load_workbook(table)
    assert wb.active["A1"].value.startswith("2025年项目支出绩效目标表")
    assert parse_keywords(wb.properties.keywords).year == 2025
    assert {p.name: p.value for p in wb.custom_doc_props.props}["预算年度"] == 2025
    loaded = app.load_filing(table)
    assert loaded.filing.year == 2025 and "文件属性" in loaded.year_source


def test_a_table_without_properties_is_read_by_its_title(rolled_2025, tmp_path):
    """The same table saved again by another program (its properties gone): the title's year wins
    over the 2024 dates of the texts."""
    table = tmp_path / "公开表.xlsx"
    app.publish_file(rolled_2025, table, allow_errors=True)
    wb = openpyxl.load_workbook(table)
    wb.properties.keywords = None
    wb.custom_doc_props.props.clear()
    wb.save(table)
    loaded = app.load_filing(table)
    assert loaded.filing.year == 2025 and "标题" in loaded.year_source


@needs_soffice
def test_the_pdf_carries_the_year(rolled_2025, tmp_path):
    table, pdf = tmp_path / "公开表.xlsx", tmp_path / "公开表.pdf"
    app.publish_file(rolled_2025, table, pdf, allow_errors=True)
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        assert parse_keywords(doc.metadata.get("Keywords")).year == 2025
        assert doc.metadata.get("Title", "").startswith("2025年")
    loaded = app.load_filing(pdf)
    assert loaded.filing.year == 2025 and "文件属性" in loaded.year_source


def test_batch_puts_the_table_in_its_own_year(rolled_2025, tmp_path):
    """A department's inbox: the 2025 workbook and its published table. Both are 2025 (the table by its
    properties, not by its 2024 dates): one filing, counted once in the 2025 table; no 2024 table."""
    pytest.importorskip("pandas")
    from tests.support.batch import review
    from xl_tools.batch import consolidate
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    workbook = inbox / "2025年.xlsx"
    workbook.write_bytes(rolled_2025.read_bytes())
    app.refresh_file(workbook, backup=False)
    app.publish_file(workbook, inbox / "2025年公开表.xlsx", allow_errors=True)
    report = review([inbox], jobs=1)
    cons = consolidate(report, include_errors=True)
    assert {r.file: r.year for r in report.results} == {"2025年.xlsx": 2025, "2025年公开表.xlsx": 2025}
    assert [t.year for t in cons.tables] == [2025]
    assert sorted(cons.slices.decision) == ["计入", "重复"]
