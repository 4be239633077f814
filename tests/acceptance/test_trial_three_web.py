"""The third trial's 湖南 accountant on WPS (issues 23, 25, 26): the same 2026 filing as
``test_trial_three.py``, refreshed through the upload page in Chromium driven by Playwright exactly as a
WPS user does — drop the workbook on the page, save the download over the file, read the findings on
the page, fix each by its 建议 in the spreadsheet (saved by another program than the tool: LibreOffice
stands in for WPS), drop it again — then the 公开表 as xlsx and PDF from the page's buttons, the PDF
looked at as the page a department head signs (rendered to PNG by pdftoppm)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import HAS_SOFFICE, soffice_convert
from tests.support.typist import Typist
from tests.support.webpage import drop_file
from xl_tools import app

from .cycle import stray_marks
from .test_trial_three import PROJECT, UNIT, check_public_table, follow_advice, move_row, start_2026, type_2026

CHROMIUM = os.environ.get("XL_TOOLS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if os.environ.get("CI") != "true":
    pytest.importorskip("playwright.sync_api", reason="Playwright not installed (the test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (make test installs it where apt can)", allow_module_level=True)
pytest.importorskip("starlette")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice stands in for WPS")]


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    with uvicorn_thread(local_app()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pg = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
        pg.set_default_timeout(180_000)
        pg.goto(url + "/web/")
        pg.wait_for_selector("#limits:not(:empty)", state="attached")
        yield pg
        browser.close()


def drop_and_save(pg, path: Path) -> tuple[str, list[list[str]]]:
    """The workbook dragged onto the page; the download saved over it (same name, as the page says);
    what the page then shows: the summary line and the findings (级别, 位置, 问题, 建议)."""
    with pg.expect_download() as got:
        drop_file(pg, path.name, path.read_bytes())
    assert got.value.suggested_filename == path.name
    got.value.save_as(path)
    pg.wait_for_selector("#result:not([hidden])")
    rows = [[c.inner_text() for c in r.query_selector_all("td")] for r in pg.query_selector_all("#findings tbody tr")]
    return pg.inner_text("#summary"), rows


def download(pg, button: str, folder: Path) -> Path:
    with pg.expect_download() as got:
        pg.click(button)
    out = folder / got.value.suggested_filename
    got.value.save_as(out)
    return out


def test_hunan_accountant_on_wps_through_the_upload_page(page, tmp_path):
    path = start_2026(tmp_path)
    t = Typist(path)
    type_2026(t)
    t.save()

    summary, rows = drop_and_save(page, path)
    assert "错误 0 条，警告 4 条，提示 4 条" in summary
    said = {r[1]: (r[0], r[2].split("：")[0], r[3]) for r in rows}
    assert said["绩效指标!C7"] == ("警告", "STR013", "二级指标改为「25-社会公众或服务对象满意度」")
    assert said["绩效指标!D3"][:2] == ("警告", "STR016") and said["绩效指标!E6"][:2] == ("警告", "VAL022")
    assert said["绩效指标!G9"] == ("提示", "FLG005", "改为半角：≥5%")

    # in WPS: each fixed by its 建议, the 射程 row moved, saved as .xlsx by a program that is not the tool
    t = Typist(path)
    follow_advice(t, app.review(app.load_filing(path).filing).findings)     # what the page listed, as findings
    move_row(t, "绩效指标", 3, 4)
    t.save()
    wps = tmp_path / "wps"
    wps.mkdir()
    saved = soffice_convert(path, "xlsx", wps)

    summary, rows = drop_and_save(page, saved)
    assert [(r[1], r[2].split("：")[0]) for r in rows] == [("绩效指标!B3:B4", "FIL005")]   # renumbered, not STR009
    renumbered = saved.read_bytes()
    summary, rows = drop_and_save(page, saved)      # again, nothing changed: the same report, the same bytes
    assert [(r[1], r[2].split("：")[0]) for r in rows] == [("绩效指标!B3:B4", "FIL005")]
    assert "错误 0 条，警告 0 条，提示 1 条" in summary and saved.read_bytes() == renumbered
    outcome = app.refresh_file(saved, tmp_path / "再看.xlsx", now="2026-03-03 09:00")
    assert [f.code for f in outcome.findings] == ["FIL005", "FIL005"] and stray_marks(saved, outcome) == []
    check_public_table(openpyxl.load_workbook(saved)["公开表"])

    # the 公开表 from the page's buttons: xlsx, and the PDF a department head signs
    table = download(page, "#publish-xlsx", tmp_path)
    assert table.name == "雾炮车_2026_公开表.xlsx" and "草稿" not in page.inner_text("#status")
    check_public_table(openpyxl.load_workbook(table).active)
    pdf = download(page, "#publish-pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "2026年项目支出绩效目标表" in text and f"部门名称：{UNIT}" in text and "单位：万元" in text
    assert PROJECT in text and "实施周期指标值" not in text and "草稿" not in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_a_departments_reviewer_on_the_upload_page(page, tmp_path):
    """The reviewer's batch section as issue 29 asks of the page too: the department, the year and the
    list of expected units typed and chosen on the page, the table to sign and the send-backs asked for;
    the mail inbox (a zip among the files) dropped: 审核汇总 and the send-backs (a zip, a folder per unit)
    download, the table to sign is refused while units are missing, and the page says why, as the command
    line does."""
    import zipfile

    from tests.support.mail_inbox import make_mail_inbox
    box = make_mail_inbox(tmp_path / "mail")
    files = sorted(str(p) for p in box.folder.rglob("*") if p.is_file())
    page.fill("#batch-department", "甲市教育局")
    page.fill("#batch-year", "2026")
    page.set_input_files("#batch-units", str(box.unit_list))
    page.check("#batch-publish")
    page.check("#batch-sendback")
    assert ".zip" in page.get_attribute("#batch", "accept")
    got = []
    page.on("download", lambda download: got.append(download))
    page.set_input_files("#batch", files)
    page.wait_for_selector("#batch-files:not([hidden])")
    page.wait_for_selector("#batch-status:has-text('已下载')")
    page.wait_for_timeout(500)
    assert sorted(d.suggested_filename for d in got) == ["审核汇总.xlsx", "退回材料.zip"]
    lines = page.inner_text("#batch-lines")
    assert "审核范围：甲市教育局，2026年，名单 12 个单位（名单.xlsx）" in lines
    assert "计入 8，有错误 1，未填 1，无法读取 1，未报送 1" in lines
    assert "合并公开表未生成：应报单位中 4 个未计入" in lines
    assert page.query_selector("#batch-lines li.error") is not None
    back = tmp_path / "退回材料.zip"
    next(d for d in got if d.suggested_filename == "退回材料.zip").save_as(back)
    with zipfile.ZipFile(back) as zf:
        units = {name.split("/")[1] for name in zf.namelist()}
    assert units == {"甲市青少年活动中心", "甲市教师发展中心", "甲市第二小学"}

    # the reviewer writes a comment into the downloaded 审核汇总 and runs the page again with it as the
    # last review: the comment is carried and its unit gets a send-back too, and the page says what changed
    from .test_trial_three_reviewer import COMMENT, comment_on
    review = tmp_path / "审核汇总.xlsx"
    next(d for d in got if d.suggested_filename == "审核汇总.xlsx").save_as(review)
    comment_on(review, "甲市第一中学.xlsx", COMMENT)
    page.set_input_files("#batch-previous", str(review))
    page.fill("#batch-keep", "甲市第四中学.xlsx")          # the reviewer pins the 四中 original (--keep)
    got.clear()
    page.set_input_files("#batch", files)
    page.wait_for_selector("#batch-status:has-text('已下载')")
    page.wait_for_timeout(500)
    assert "与上次审核" in page.inner_text("#batch-lines") and "按审核人指定" in page.inner_text("#batch-lines")
    next(d for d in got if d.suggested_filename == "审核汇总.xlsx").save_as(review)
    status = {r[1]: r[3] for r in openpyxl.load_workbook(review)["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert status["甲市第四中学"] == "甲市第四中学.xlsx"
    next(d for d in got if d.suggested_filename == "退回材料.zip").save_as(back)
    with zipfile.ZipFile(back) as zf:
        mail = zf.read("退回材料/甲市第一中学/邮件正文.txt").decode("utf-8-sig")
    assert COMMENT in mail
