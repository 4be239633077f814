"""The upload page in a real browser: Playwright driving the system Chromium (Debian's ``chromium``, no
browser download), against the page on a real uvicorn on 127.0.0.1.

A WPS user chooses (or drops) a workbook and gets it back refreshed under the same name, with the
findings listed (级别, 位置, 问题, 建议); the 公开表 (xlsx; PDF where LibreOffice is installed; a 草稿 when
the filing has errors); a reviewer's batch → 审核汇总.xlsx; a non-workbook, an unreachable server and a
proxy's HTML error page each give one Chinese line. ``make test`` installs Chromium where apt can, and
CI fails instead of skipping without it.
"""

from __future__ import annotations

import copy
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import HAS_SOFFICE
from tests.support.webpage import drop_file

CHROMIUM = os.environ.get("XL_TOOLS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NAME = "单位 A（2024 年）预算.xlsx"

if os.environ.get("CI") != "true":          # a contributor without them is told; CI must have them
    pytest.importorskip("playwright.sync_api", reason="Playwright not installed (the test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (make test installs it where apt can)", allow_module_level=True)
pytest.importorskip("starlette")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_filing):
    from xl_tools.workbook import build_workbook
    folder = tmp_path_factory.mktemp("browser_books")
    broken = copy.deepcopy(seed_filing)
    broken.projects[1].fiscal += Decimal(1)
    out = {"clean": folder / "甲单位.xlsx", "broken": folder / NAME, "docx": folder / "说明.docx"}
    build_workbook(out["clean"], seed_filing)
    build_workbook(out["broken"], broken)
    out["docx"].write_bytes(b"PK\x03\x04 not a workbook")
    return out


@pytest.fixture(scope="module")
def base():
    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    with uvicorn_thread(local_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base):
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    pg.goto(base + "/web/")
    pg.wait_for_selector("#limits:not(:empty)", state="attached")
    yield pg
    context.close()


def _saved(download, folder: Path) -> Path:
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def test_page_is_chinese(page):
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title() == "项目支出绩效目标表 · 网页版"
    assert "单个上传不超过 20 MB" in page.inner_text("#limits")
    assert page.is_hidden("#result")


def test_choose_refresh_findings_and_public_table(page, books, tmp_path):
    with page.expect_download() as got:
        page.set_input_files("#file", str(books["broken"]))
    refreshed = _saved(got.value, tmp_path)
    assert refreshed.name == NAME                                   # the same name
    wb = load_workbook(refreshed)
    assert "校验结果" in wb.sheetnames
    page.wait_for_selector("#result:not([hidden])")
    assert "刷新：错误 2 条" in page.inner_text("#summary")
    rows = page.query_selector_all("#findings tbody tr")
    results = [r for r in wb["校验结果"].iter_rows(values_only=True) if r and r[0] in ("错误", "警告", "提示")]
    assert len(rows) == len(results)                                # every finding listed
    cells = [c.inner_text() for c in rows[0].query_selector_all("td")]
    assert cells[0] == "错误" and "!" in cells[1] and cells[2].startswith("AMT") and cells[3]
    assert "level-error" in rows[0].query_selector("td").get_attribute("class")

    # the 公开表: refused while there are errors, then a 草稿
    page.click("#publish-xlsx")
    page.wait_for_selector("#status.error")
    assert "填报表还有 2 条错误" in page.inner_text("#status") and page.is_visible("#publish-draft")
    with page.expect_download() as got:
        page.click("#publish-draft")
    table = _saved(got.value, tmp_path)
    assert table.name == "单位 A（2024 年）预算_公开表.xlsx"
    assert "草稿" in page.inner_text("#status")
    assert page.is_visible("#publish-pdf") == HAS_SOFFICE
    if HAS_SOFFICE:
        page.click("#publish-pdf")
        page.wait_for_selector("#publish-draft:not([hidden])")
        with page.expect_download() as got:
            page.click("#publish-draft")
        pdf = _saved(got.value, tmp_path)
        assert pdf.name.endswith("_公开表.pdf") and pdf.read_bytes().startswith(b"%PDF")


def test_drop_a_clean_workbook(page, books, tmp_path):
    with page.expect_download() as got:
        drop_file(page, "甲单位.xlsx", books["clean"].read_bytes())
    assert _saved(got.value, tmp_path).name == "甲单位.xlsx"
    page.wait_for_selector("#result:not([hidden])")
    assert "错误 0 条" in page.inner_text("#summary")
    with page.expect_download() as got:
        page.click("#publish-xlsx")
    assert _saved(got.value, tmp_path).name == "甲单位_公开表.xlsx"
    assert "草稿" not in page.inner_text("#status")


def test_append_the_drafted_lines(page, books, tmp_path):
    """After 刷新 the page offers 补充待确认指标 (the filing has findings with drafted lines); the workbook it
    downloads then has them at the bottom of 绩效指标, 序号 待确认, and the offer is gone."""
    with page.expect_download():
        page.set_input_files("#file", str(books["clean"]))
    page.wait_for_selector("#refresh-draft:not([hidden])")
    assert "按本项目可写：" in page.inner_text("#findings")
    with page.expect_download() as got:
        page.click("#refresh-draft")
    drafted = _saved(got.value, tmp_path)
    assert drafted.name == "甲单位.xlsx"
    page.wait_for_selector("#result:not([hidden])")
    assert "待确认" in page.inner_text("#summary") and page.is_hidden("#refresh-draft")
    rows = [r for r in load_workbook(drafted)["绩效指标"].iter_rows(values_only=True) if r[1] == "待确认"]
    assert len(rows) >= 10


def test_a_non_workbook_gets_one_chinese_line(page, books):
    page.set_input_files("#file", str(books["docx"]))
    page.wait_for_selector("#status.error")
    text = page.inner_text("#status")
    assert text.startswith("文件 说明.docx：这是 Word 文档") and "\n" not in text
    assert page.is_hidden("#result")


def test_reviewer_batch(page, books, tmp_path):
    with page.expect_download() as got:
        page.set_input_files("#batch", [str(books["clean"]), str(books["broken"]), str(books["docx"])])
    summary = _saved(got.value, tmp_path)
    assert summary.name == "审核汇总.xlsx"
    assert load_workbook(summary).sheetnames[0] == "汇总"
    page.wait_for_selector("#batch-files:not([hidden])")
    assert len(page.query_selector_all("#batch-files tbody tr")) == 3
    assert "共 3 个文件" in page.inner_text("#batch-status")


def test_network_and_proxy_failures(page, books):
    page.route("**/api/refresh", lambda route: route.abort())
    page.set_input_files("#file", str(books["clean"]))
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status").startswith("无法连接到服务器")
    page.unroute("**/api/refresh")
    page.route("**/api/refresh", lambda route: route.fulfill(
        status=504, content_type="text/html", body="<html><body><h1>504 Gateway Time-out</h1><hr>nginx</body></html>"))
    page.set_input_files("#file", str(books["clean"]))
    page.wait_for_selector("#status:has-text('HTTP 504')")
    text = page.inner_text("#status")
    assert "服务器没有及时回应" in text and "nginx" not in text and "反向代理" in text
