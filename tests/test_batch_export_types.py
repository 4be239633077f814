"""Exports that combine (issue 29): money at one fixed decimal precision in Parquet, so two batches'
files concatenate; 序号 as written, as text; CSV texts that a spreadsheet would re-type guarded."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from tests.conftest import needs_soffice, soffice_convert
from tests.support.batch import review
from tests.support.mail_inbox import unit_filing
from xl_tools.batch import consolidate, write_exports
from xl_tools.batch.exports import csv_text, read_export
from xl_tools.workbook import build_workbook

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _batch(folder, factor: str, *, typed=False):
    folder.mkdir()
    f = unit_filing("甲市第一中学", factor)
    if typed:
        f.projects[0].no = "001"                                    # typed as text
        f.projects[0].indicators[0].period_value = "10/12"
        f.projects[0].indicators[1].period_value = "00123"
        f.projects[0].indicators[2].annual_value = "1E5"
    build_workbook(folder / "甲市第一中学.xlsx", f)
    report = review([folder], jobs=1)
    return report, consolidate(report)


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    small = _batch(root / "small", "0.001", typed=True)      # amounts under 1 万元
    large = _batch(root / "large", "1234.5")                  # amounts in the millions
    for name, (report, cons) in (("a", small), ("b", large)):
        write_exports(report, cons, root / name, "parquet")
        write_exports(report, cons, root / f"{name}_csv", "csv")
    return root


@pytest.mark.parametrize("table", ["files", "findings", "consolidation", "projects", "indicators"])
def test_two_batches_parquet_files_concatenate(two_batches, table):
    a = pq.read_table(two_batches / "a" / f"{table}.parquet")
    b = pq.read_table(two_batches / "b" / f"{table}.parquet")
    assert a.schema.remove_metadata() == b.schema.remove_metadata()
    both = pa.concat_tables([a, b])
    assert both.num_rows == a.num_rows + b.num_rows
    for field in both.schema:
        if field.name in ("total", "fiscal", "special", "other"):
            assert field.type == pa.decimal128(38, 6)


def test_money_keeps_every_cent_in_parquet(two_batches):
    frame = pq.read_table(two_batches / "b" / "projects.parquet").to_pandas()
    assert all(isinstance(v, Decimal) for v in frame.total)
    small = pq.read_table(two_batches / "a" / "projects.parquet").to_pandas()
    assert sorted(v.normalize() for v in small.total) == sorted(
        p.total.normalize() for p in unit_filing("甲市第一中学", "0.001").projects)


def test_numbers_and_codes_stay_text(two_batches):
    projects = pq.read_table(two_batches / "a" / "projects.parquet")
    assert projects.schema.field("no").type == pa.string()
    assert projects.column("no").to_pylist()[0] == "001"
    indicators = pq.read_table(two_batches / "a" / "indicators.parquet")
    assert indicators.schema.field("no").type == pa.string()
    assert pq.read_table(two_batches / "a" / "findings.parquet").schema.field("indicator_no").type == pa.string()
    rows = list(csv.DictReader((two_batches / "a_csv" / "projects.csv").open(encoding="utf-8-sig")))
    assert rows[0]["no"] == "'001"
    values = {r["period_value"] for r in csv.DictReader((two_batches / "a_csv" / "indicators.csv")
                                                           .open(encoding="utf-8-sig"))}
    assert {"'10/12", "'00123"} <= values
    assert read_export(two_batches / "a_csv" / "projects.csv").no.iloc[0] == "'001"


def test_csv_text_guards_what_a_spreadsheet_would_retype():
    for text in ("10/12", "1-3", "00123", "3.50", "1E5", "2.5e-3", "1234567890123456", "2024.6.30", "12:30",
                 "TRUE", "=1+1", "'quoted"):
        assert csv_text(text) == "'" + text, text
    for text in ("100", "3.5", "95%", "≥95%", "-5", "甲市第一中学", "2023-2024", "1,234", "0"):
        assert csv_text(text) == text, text


@needs_soffice
def test_libreoffice_keeps_the_guarded_texts_as_written(two_batches, tmp_path):
    """The CSV opened by a spreadsheet (LibreOffice, as Excel or WPS would): the guarded cells are texts
    whose only change is the visible quote — 10/12 is no date, 00123 keeps its zeros, 1E5 is no number."""
    book = soffice_convert(two_batches / "a_csv" / "indicators.csv", "xlsx", tmp_path, infilter="CSV:44,34,76,1")
    import openpyxl
    ws = openpyxl.load_workbook(book).active
    head = [c.value for c in ws[1]]
    shown = {ws.cell(r, head.index("period_value") + 1).value for r in range(2, ws.max_row + 1)}
    shown |= {ws.cell(r, head.index("annual_value") + 1).value for r in range(2, ws.max_row + 1)}
    assert {"'10/12", "'00123", "'1E5"} <= shown
