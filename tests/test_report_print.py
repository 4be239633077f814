"""The review workbook and the diff workbook print: LibreOffice headless renders each to PDF on A4
landscape pages, one page wide: every page shows the header row of its sheet (bold) with its first and
last caption, because the header rows repeat and no column is pushed to a page of its own."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import SEED_JSON, needs_soffice, soffice_convert
from tests.support.batch import review
from tests.support.review_inbox import MAIN, make_inbox, variant
from xl_tools.batch import consolidate, write_review_xlsx
from xl_tools.diff import diff_filings, write_diff_xlsx
from xl_tools.jsonio import load_json
from xl_tools.textnorm import squash

# (first, last) header caption of each sheet, short enough never to wrap inside its cell
REVIEW_HEADERS = {"汇总": ("单位", "合并情况"), "问题明细": ("文件", "建议"), "合并公开表": ("项目名称", "来源文件"),
                  "合并来源": ("预算年度", "说明"), "规则统计": ("规则", "合计"), "单位统计": ("预算年度", "合计")}
DIFF_HEADERS = {"增减情况": ("资金使用单位", "说明"), "项目": ("状态", "修改指标"), "绩效指标": ("项目名称", "栏目"),
                "绩效目标": ("项目名称", "改动"), "单位汇总": ("资金使用单位", "增减%")}


def _bold_text(page) -> str:
    """The page's bold characters (header rows, titles, totals) in reading order."""
    chars = sorted((c for c in page.chars if "Bold" in c["fontname"]), key=lambda c: (round(c["top"]), c["x0"]))
    return squash("".join(c["text"] for c in chars))


def pages(pdf: Path) -> list[tuple[float, float, str]]:
    with pdfplumber.open(pdf) as doc:
        return [(p.width, p.height, _bold_text(p)) for p in doc.pages]


def _shows(caption: str, text: str) -> bool:
    """``caption`` in ``text`` as a subsequence: a caption wrapped inside its cell is read line by line,
    interleaved with the other header cells' lines."""
    rest = iter(text)
    return all(ch in rest for ch in caption)


def assert_one_page_wide(pdf: Path, headers: dict[str, tuple[str, str]], at_least: int) -> None:
    found = pages(pdf)
    assert len(found) >= at_least
    for k, (width, height, text) in enumerate(found, start=1):
        assert width > height, f"page {k} is not landscape"
        assert abs(max(width, height) - 842) < 3 and abs(min(width, height) - 595) < 3, "not A4"
        assert any(_shows(first, text) and _shows(last, text) for first, last in headers.values()), \
            f"page {k} does not show a whole header row: {text[:120]}"


@needs_soffice
@pytest.mark.slow
def test_review_workbook_prints_one_page_wide(tmp_path):
    inbox = make_inbox(tmp_path / "收件箱", tmp_path)
    report = review([inbox], jobs=2)
    path = write_review_xlsx(report, tmp_path / "审核结果.xlsx", consolidate(report))
    pdf = soffice_convert(path, "pdf", tmp_path)
    assert_one_page_wide(pdf, REVIEW_HEADERS, at_least=6)


@needs_soffice
@pytest.mark.slow
def test_diff_workbook_prints_one_page_wide(tmp_path):
    old = load_json(SEED_JSON)
    new = variant(MAIN, 2025, "0.9")
    new.projects[1].target += "\n另：本年度新增实训工位20个，满意度≥95%。"
    path = tmp_path / "DIFF.xlsx"
    write_diff_xlsx(diff_filings(old, new), path)
    pdf = soffice_convert(path, "pdf", tmp_path)
    assert_one_page_wide(pdf, DIFF_HEADERS, at_least=5)
