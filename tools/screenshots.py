"""Regenerate the screenshots in docs/ from the current code (``make screenshots``).

    .venv/bin/python tools/screenshots.py [OUT_DIR]            # all of them (default: docs/)
    .venv/bin/python tools/screenshots.py --reports OUT_DIR    # only the reviewer's workbooks

The accountant's screenshots come from the demo (the bundled sample imported, refreshed and published,
``xl_tools.app.demo``) run in a temporary folder: each sheet shown in docs alone (the others hidden) as
page 1 of a PDF rendered by LibreOffice headless, and page 1 of the published PDF, turned into PNGs by
pdftoppm; page 1 of a real 湘鄂 table's published PDF (tests/realworld 11); the drafted lines of ``refresh --draft`` at the bottom of 绩效指标 for the sample and two real
tables (tests/realworld); the add-in's task pane after 刷新 (Chromium, when installed, draws the page of a
real xlwings Server with its own main.js). ``--reports`` builds the acceptance inbox of the batch tests (tests/support/review_inbox.py:
duplicates, two years, errors, broken, old and non-regular files, an old report) in a scratch folder with
relative paths (so the title lines read as a reviewer's would), writes the review workbook and a
2024 → 2025 diff workbook (the new filing with an error), and renders the first page of 汇总,
合并公开表2024年, 规则统计 and 增减情况; then the inbox as mail brings it (tests/support/mail_inbox.py)
reviewed for 甲市教育局 with its list of units: 报送情况, and the first and last page of the table to sign
(a draft: units are missing).
Look at the images before committing them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

import openpyxl

from xl_tools import app
from xl_tools.publish.pdf import find_soffice, to_pdf

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHOTS = {"项目": "screenshot_projects.png", "绩效指标": "screenshot_indicators.png",
         "校验结果": "screenshot_results.png"}
PUBLISHED = "publish_seed_page1.png"
# the drafted lines (refresh --draft) at the bottom of 绩效指标: the sample, and two real tables of
# tests/realworld (10 井研县马踏镇 村组干部报酬, 06 岳阳县 高标准农田); the add-in's pane after 刷新
DRAFT_SHOTS = {"sample": "screenshot_drafts.png", "10": "screenshot_drafts_10.png", "06": "screenshot_drafts_06.png"}
PANE_SHOT = "screenshot_pane.png"
# the 公开表 of a 湘鄂 filing (tests/realworld 11, 武汉青山 2020: 其中：上级资金 16), its money columns the profile's
REGIONAL_TABLE, REGIONAL_SHOT = "11", "publish_xiange_page1.png"
SHOWN_ABOVE = 4                  # indicator rows shown above the drafted ones
CHROMIUM = os.environ.get("XL_TOOLS_CHROMIUM") or "/usr/bin/chromium"
REPORT_SHOTS = {"汇总": "review_summary_page1.png", "合并公开表2024年": "review_consolidated_page1.png",
                "规则统计": "review_rules_page1.png"}
DIFF_SHOTS = {"增减情况": "diff_cuts_page1.png"}
MAIL_SHOTS = {"报送情况": "review_submissions_page1.png"}
SIGNED_SHOTS = ("batch_signed_page1.png", "batch_signed_last.png")
DPI = "110"


def _pdf_to_png(pdf: Path, png: Path, page: int = 1) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", DPI, "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, timeout=60)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def render(book: Path, sheet: str, png: Path, drop_others: bool = False, from_row: int | None = None) -> None:
    """Page 1 of ``sheet`` alone, landscape, fitted to the page width, as a PNG. ``drop_others``:
    remove the other sheets instead of hiding them (LibreOffice prints a hidden sheet that has a print
    area, as every sheet of the reviewer's workbooks has). ``from_row``: the rows between the header and
    this one hidden (the bottom of a long sheet)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wb = openpyxl.load_workbook(book)
        for ws in list(wb.worksheets):
            if drop_others and ws.title != sheet:
                wb.remove(ws)
                continue
            ws.sheet_state = "visible" if ws.title == sheet else "hidden"
            ws.sheet_view.tabSelected = ws.title == sheet
        wb.active = wb.sheetnames.index(sheet)
        ws = wb[sheet]
        for r in range(2, from_row or 2):
            ws.row_dimensions[r].hidden = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        src = tmp / "shot.xlsx"
        wb.save(src)
        to_pdf(src, tmp / "shot.pdf")          # as the tool's PDFs: wrapped by the Chinese line-breaking rule
        _pdf_to_png(tmp / "shot.pdf", png)


def sample(out: Path) -> None:
    """The refreshed sample's sheets and the first page of its published PDF."""
    with tempfile.TemporaryDirectory() as tmp:
        result = app.demo(tmp)
        for sheet, name in SHOTS.items():
            render(result.imported.out, sheet, out / name)
            print(out / name)
        _pdf_to_png(result.table.pdf, out / PUBLISHED)
        print(out / PUBLISHED)


def drafts(out: Path) -> None:
    """绩效指标 after ``refresh --draft``: the sample's last indicators and its drafted lines, and two real
    tables (tests/realworld) whole."""
    sys.path.insert(0, str(ROOT))
    from tests.support.realworld import to_filing, transcriptions  # test data: the real-table set
    from xl_tools.importer import import_path
    with tempfile.TemporaryDirectory() as tmp:
        books = {}
        with resources.as_file(resources.files("xl_tools").joinpath("data/sample_2024.txt")) as src:
            books["sample"] = Path(tmp) / "sample_2024.xlsx"
            app.write_workbook(import_path(src).filing, books["sample"])
        tables = {d["table"]: d for d in transcriptions()}
        for key in DRAFT_SHOTS:
            if key != "sample":
                books[key] = Path(tmp) / f"realworld_{key}.xlsx"
                app.write_workbook(to_filing(tables[key]), books[key])
        for key, book in books.items():
            outcome = app.refresh_file(book, draft=True)
            first = min(a.row for a in outcome.appended)
            render(book, "绩效指标", out / DRAFT_SHOTS[key],
                   from_row=first - SHOWN_ABOVE if key == "sample" else None)
            print(out / DRAFT_SHOTS[key])


def regional(out: Path) -> None:
    """Page 1 of the published PDF of a real 湘鄂 table typed into its workbook and refreshed: 资金总额,
    资金来源 and 预算级次 (上级资金) under the two-row header the profile gives it."""
    sys.path.insert(0, str(ROOT))
    from tests.support.realworld import to_filing, transcriptions  # test data: the real-table set
    data = next(d for d in transcriptions() if d["table"] == REGIONAL_TABLE)
    with tempfile.TemporaryDirectory() as tmp:
        book, pdf = Path(tmp) / "湘鄂.xlsx", Path(tmp) / "公开表.pdf"
        app.write_workbook(to_filing(data), book)
        app.refresh_file(book)
        app.publish_file(book, Path(tmp) / "公开表.xlsx", pdf, allow_errors=True)
        _pdf_to_png(pdf, out / REGIONAL_SHOT)
        print(out / REGIONAL_SHOT)


def pane(out: Path) -> None:
    """The add-in's task pane after 刷新 on the sample: its page from a real xlwings Server, the report
    drawn by its own main.js (``renderReport``) in Chromium; the load-error overlay (the pane is not in
    Office here) hidden."""
    if not Path(CHROMIUM).exists():
        print(f"未找到 Chromium（{CHROMIUM}），跳过任务窗格截图", file=sys.stderr)
        return
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.support.payload import payload_from_xlsx
    from tests.support.servers import licensed_environment, uvicorn_thread
    from xl_tools.importer import import_path
    from xl_tools.server.pane import pane_report
    with licensed_environment(), tempfile.TemporaryDirectory() as tmp:
        from xl_tools.server.app import create_app, enable_remote_engine
        xw = enable_remote_engine()
        book_path = Path(tmp) / "sample_2024.xlsx"
        with resources.as_file(resources.files("xl_tools").joinpath("data/sample_2024.txt")) as src:
            app.write_workbook(import_path(src).filing, book_path, refresh=False)     # as imported, not refreshed
        book = xw.Book(json=payload_from_xlsx(book_path))
        report = pane_report(book, app.refresh_book(book))
        with uvicorn_thread(create_app()) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 380, "height": 1150}, device_scale_factor=1.5)
                page.goto(base + "/taskpane.html")
                page.add_style_tag(content="#xlwings-office-ready-error, #global-error-alert { display: none !important; }")
                page.evaluate("async (r) => { (await import('/static/js/main.js')).renderReport(r); }", report)
                page.screenshot(path=str(out / PANE_SHOT))
            finally:
                browser.close()
        print(out / PANE_SHOT)


def reports(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    # test-only data (the batch tests' inbox): imported here, when the reports are asked for
    from tests.support.batch import review
    from tests.support.review_inbox import MAIN, SEED_JSON, make_inbox, variant
    from xl_tools.batch import consolidate, write_review_xlsx
    from xl_tools.diff import write_diff_xlsx
    from xl_tools.jsonio import load_json
    from xl_tools.workbook import build_workbook
    out = out.resolve()
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)                      # relative paths: the title lines name 收件箱 and the workbooks
        try:
            report = review([make_inbox(Path("收件箱"))], jobs=2)
            book = write_review_xlsx(report, Path("审核结果.xlsx"), consolidate(report))
            for sheet, name in REPORT_SHOTS.items():
                render(book.resolve(), sheet, out / name, drop_others=True)
                print(out / name)
            old, new = load_json(SEED_JSON), variant(MAIN, 2025, "0.9")
            new.projects[2].name = new.projects[2].name.replace("维修维护", "维护保养")
            new.projects[4].total += 12                       # an error in the new filing: the diff says so
            del new.projects[5]
            build_workbook(Path("机电学院_2024.xlsx"), old)
            build_workbook(Path("机电学院_2025.xlsx"), new)
            diff = Path("对比_2024_2025.xlsx")
            write_diff_xlsx(app.diff_files("机电学院_2024.xlsx", "机电学院_2025.xlsx"), diff)
            for sheet, name in DIFF_SHOTS.items():
                render(diff.resolve(), sheet, out / name, drop_others=True)
                print(out / name)
            mail(out)
        finally:
            os.chdir(here)


def mail(out: Path) -> None:
    """The reviewer's inbox as mail brings it (tests/support/mail_inbox.py), reviewed for one department
    with its list of units: 报送情况, and the first and last page of the draft table to sign."""
    from tests.support.mail_inbox import DEPT, make_mail_inbox
    from xl_tools import app
    box = make_mail_inbox(Path("邮件"))
    os.replace(box.unit_list, "名单.xlsx")
    app.review_batch(["邮件/收件箱"], output="审核汇总.xlsx", department=DEPT, units="名单.xlsx",
                     publish="合并公开表.xlsx", pdf="合并公开表.pdf", allow_incomplete=True, jobs=2)
    for sheet, name in MAIL_SHOTS.items():
        render(Path("审核汇总.xlsx").resolve(), sheet, out / name, drop_others=True)
        print(out / name)
    pdf = Path("合并公开表.pdf")
    for name, page in zip(SIGNED_SHOTS, (1, _pages(pdf))):
        _pdf_to_png(pdf, out / name, page)
        print(out / name)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    only_reports = bool(args) and args[0] == "--reports"
    args = args[1:] if only_reports else args
    out = Path(args[0]) if args else DOCS
    if find_soffice() is None:
        print("需要 LibreOffice（soffice）才能生成截图", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    if not only_reports:
        sample(out)
        regional(out)
        drafts(out)
        pane(out)
    reports(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
