"""Round trip: publish → PDF (LibreOffice) → import gives back the same filing (MODEL.md keys, the
derived ``*_target`` keys aside). Skipped only where LibreOffice or pdftotext is not installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.demo_filing import demo_filing
from xl_tools.importer import import_path
from xl_tools.jsonio import filing_to_json, load_json
from xl_tools.publish import publish
from xl_tools.publish.pdf import find_soffice

SEED = Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json"
needs_office = pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                                  reason="LibreOffice (soffice) 或 pdftotext 未安装")


def _round_trip(filing, folder: Path) -> tuple[dict, dict]:
    result = publish(filing, folder / "table.xlsx", folder / "table.pdf")
    back = import_path(result.pdf, year=filing.year).filing
    return filing_to_json(filing, with_targets=False), filing_to_json(back, with_targets=False)


@needs_office
def test_seed_round_trip(tmp_path):
    original, back = _round_trip(load_json(SEED), tmp_path)
    assert back == original


@needs_office
def test_generated_multi_unit_round_trip(tmp_path):
    original, back = _round_trip(demo_filing(), tmp_path)
    assert back == original
