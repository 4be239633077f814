"""PDF through LibreOffice: converts without error, every name and the 合计 are in the text, the
header repeats on every page, long texts break across pages without losing a line.

Skipped only where LibreOffice (soffice) or poppler's pdftotext is not installed; CI installs both.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from tests.support.demo_filing import demo_filing
from tests.support.pdflines import closing_line_starts, pdf_lines
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import load_json
from xl_tools.publish import pdf as pdf_module
from xl_tools.publish import publish, to_pdf
from xl_tools.publish.indicators import indicator_text

SEED = Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json"
needs_office = pytest.mark.skipif(
    pdf_module.find_soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) 或 pdftotext 未安装")


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def _name_column(pdf: Path) -> str:
    """Text of the first column (项目名称), page by page, top to bottom, wraps removed.

    pdftotext interleaves the lines of neighbouring cells, so the column is cut out by position:
    the words that end left of the header 总计 (centred in column B).
    """
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    column = []
    for page in out.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), html.unescape(t)) for a, b, c, _, t in _WORD.findall(page)]
        edge = min(x0 for x0, _, _, t in words if t == "总计")
        column.extend(t for x0, y0, x1, t in sorted(words, key=lambda w: (w[1], w[0])) if x1 < edge)
    return "".join(column)


def _missing_characters(pdf_text: str, expected: list[str]) -> Counter:
    """Characters of ``expected`` texts that the PDF shows fewer times than they occur.

    Hyphens are not counted: pdftotext drops a "-" that ends a line (it de-hyphenates wrapped words).
    """
    need = Counter(_squash("".join(expected)).replace("-", ""))
    have = Counter(_squash(pdf_text).replace("-", ""))
    return Counter({ch: n - have[ch] for ch, n in need.items() if have[ch] < n})


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seedpdf")
    result = publish(load_json(SEED), folder / "seed.xlsx", folder / "seed.pdf")
    return result


@needs_office
def test_seed_pdf_has_every_project_and_the_total(seed_pdf):
    pages = _pages(seed_pdf.pdf)
    whole = _squash("".join(pages))
    assert "5,138.68" in whole
    names = _name_column(seed_pdf.pdf)
    filing = load_json(SEED)
    for project in filing.projects:
        assert _squash(project.name) in names
    texts = [t for p in filing.projects for t in (p.name, p.target, indicator_text(p.indicators))]
    assert not _missing_characters(whole, texts)
    assert len(pages) >= 2
    for page in pages:
        assert "项目支出绩效目标表（含转移支付项目）" in page
        assert "项目名称（资金使用单位）" in _squash(page)


@needs_office
def test_no_wrapped_line_of_the_seed_pdf_starts_with_closing_punctuation(seed_pdf):
    """LibreOffice wraps a cell's text by the Chinese line-breaking rule only when asked (``publish.pdf``):
    without it, 15 lines of the seed's PDF started with 「，」「、」「；」「。」「”」."""
    lines = pdf_lines(seed_pdf.pdf)
    assert len(lines) > 200
    assert closing_line_starts(seed_pdf.pdf) == []


@needs_office
def test_a_workbook_libreoffice_cannot_open_is_one_line_at_once(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(XlToolsError, match="LibreOffice 无法打开该工作簿"):
        to_pdf(tmp_path / "坏.xlsx", tmp_path / "坏.pdf", timeout=60)
    assert not (tmp_path / "坏.pdf").exists()


@needs_office
def test_seed_pdf_is_a4_landscape(seed_pdf):
    with pdfplumber.open(seed_pdf.pdf) as pdf:           # every page A4 landscape: 842 × 595 points
        sizes = {(round(page.width), round(page.height)) for page in pdf.pages}
    assert sizes == {(842, 595)}


@needs_office
def test_long_multi_unit_filing_breaks_across_pages_without_losing_text(tmp_path):
    filing = demo_filing()
    result = publish(filing, tmp_path / "demo.xlsx", tmp_path / "demo.pdf")
    pages = _pages(result.pdf)
    assert len(pages) >= 5
    for page in pages:                                    # header rows repeated on every page
        assert "项目名称（资金使用单位）" in _squash(page)
    names = _name_column(result.pdf)
    for name in [u.name for u in filing.units] + [p.name for p in filing.projects]:
        assert _squash(name) in names
    # no line lost at a page break: every character of every cell is printed as often as written
    texts = [t for p in filing.projects for t in (p.name, p.target, indicator_text(p.indicators))]
    assert not _missing_characters("".join(pages), texts)
    assert result.notes                                      # some projects exceed 409 points


@needs_office
def test_to_pdf_rejects_a_missing_workbook(tmp_path):
    with pytest.raises(XlToolsError, match="文件不存在"):
        to_pdf(tmp_path / "nope.xlsx", tmp_path / "nope.pdf")


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv(pdf_module.ENV_SOFFICE, str(tmp_path / "no-soffice"))
    (tmp_path / "a.xlsx").write_bytes(b"")
    with pytest.raises(XlToolsError) as err:
        to_pdf(tmp_path / "a.xlsx", tmp_path / "a.pdf")
    message = str(err.value)
    for words in ("未找到 LibreOffice", "Windows", "macOS", "apt-get install"):
        assert words in message
