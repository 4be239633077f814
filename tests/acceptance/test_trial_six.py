"""The sixth trial: what a new user met on main, walking the product by README.md and 使用说明.md only.

Each test is one thing the user did and the tool got wrong, run through the whole accountant's cycle
(``cycle.run_cycle``) with the file writer and the xlwings remote engine, or through the part the user
used (the upload page, the reviewer's batch).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.typist import Typist

from .cycle import Scenario, from_new, run_cycle
from .filings import INDICATORS, SECURITY

THIRD, FOURTH = "某区第三中学", "某区第四中学"
SHARED = [(THIRD, 40), (FOURTH, 45)]      # 校园安保服务项目 of each unit, 万元
TARGET = "全年为{unit}三个校区提供安保服务，保障校园安全稳定，安全事故发生数为0次，师生满意度达到95%以上。"


def _shared_rows(t: Typist) -> None:
    """Two units' projects of one name, 序号 left blank (the guide: 序号可以不填), and each indicator row
    given its project's 序号 in a column headed 项目序号 right of the table, as STR011's 建议 says
    ("在本表右侧加一列，表头写「项目序号」，在本行填写所属项目在「项目」表中的序号")."""
    t.type("绩效指标", "N1", "项目序号")
    row = 2
    for k, (unit, amount) in enumerate(SHARED, start=1):
        t.project(k + 1, SECURITY, total=amount, fiscal=amount, target=TARGET.format(unit=unit), unit=unit)
        for spec in INDICATORS[SECURITY]:
            value = f"≤{amount}万元" if spec[1] == "41-经济成本" else spec[3]
            t.indicator(row, SECURITY, *spec[:3], value)
            t.type("绩效指标", f"N{row}", k)
            row += 1


def test_same_named_projects_told_apart_by_their_project_number_before_any_number_is_filled(engine, tmp_path):
    """The 项目序号 a row gives names the 序号 its project gets: typed, or filled by the refresh (the
    person left 序号 blank). Each row is its project's from the first refresh on — no STR011 ("无法确定该
    指标属于哪一个"), no STR002 ("该项目没有任何绩效指标"), both projects with their indicators in 公开表.
    It used to take the refresh that filled the 序号 to link the rows, and a second refresh, finding
    nothing changed since, kept the first one's 12 errors in 校验结果 while ``check`` said there were none."""
    fills = ["FIL001 项目!A2", "FIL001 项目!A3"] + [f"FIL005 绩效指标!B{r}" for r in range(2, 14)]
    bare = "绩效指标!F12"          # 四中's 师生满意度 typed as a bare 95% (VAL007), then written ≥95%

    def typed(t: Typist) -> None:
        _shared_rows(t)
        t.type("绩效指标", "F12", "95%")
        t.type("绩效指标", "G12", "95%")

    def fix(t: Typist) -> None:
        t.type("绩效指标", "F12", "≥95%")
        t.type("绩效指标", "G12", "≥95%")

    run_cycle(Scenario(
        start=from_new([THIRD, FOURTH]), typed=typed, first=fills + [f"VAL007 {bare}"], fix=fix, second=[],
        fixed=[], total=Decimal(85),
        rolled=["AMT008 项目!D2", "AMT008 项目!D3", "VAL010 绩效指标!F4", "VAL010 绩效指标!F10"]),
        engine, tmp_path)


def test_check_links_the_rows_of_same_named_projects_as_refresh_will(tmp_path):
    """``check`` on the typed workbook (序号 blank, 项目序号 given): each project has its six indicators,
    no row is left without a project, no error — what the refresh will write in 校验结果."""
    from xl_tools import app
    path = from_new([THIRD, FOURTH])(tmp_path)
    t = Typist(path)
    _shared_rows(t)
    t.save()
    review = app.review(app.load_filing(path).filing)
    assert [f.code for f in review.findings if f.severity in ("error", "warning")] == []
    filing = review.completed
    assert [(p.no, p.unit, len(p.indicators)) for p in filing.projects] == [(1, THIRD, 6), (2, FOURTH, 6)]
    assert filing.orphan_indicators == []


def _hunan_school(folder):
    """某区第一中学's filing on the 湖南 form (``new --profile 湘鄂``: one 指标值 column, typed in 年度指标值
    as the form prints it), refreshed by the school."""
    from xl_tools import app
    from xl_tools.cli import main as cli
    path = folder / "一中.xlsx"
    assert cli(["new", "-o", str(path), "--year", "2025", "--department", "某区教育局", "--unit", "某区第一中学",
                "--profile", "湘鄂"]) == 0
    t = Typist(path)
    t.project(2, SECURITY, total=80, fiscal=80, target=TARGET.format(unit="某区第一中学"))
    row = 2
    for spec in INDICATORS[SECURITY]:
        t.indicator(row, SECURITY, *spec[:3], None, "≤80万元" if spec[1] == "41-经济成本" else spec[3])
        row += 1
    t.save()
    assert not [f for f in app.refresh_file(path).findings if f.severity == "error"]
    return path


def _guangdong_school(folder, unit: str, amount: int):
    from xl_tools import app
    path = folder / f"{unit}.xlsx"
    from_new(unit)(folder).rename(path)
    t = Typist(path)
    t.project(2, SECURITY, total=amount, fiscal=amount, target=TARGET.format(unit=unit))
    row = 2
    for spec in INDICATORS[SECURITY]:
        t.indicator(row, SECURITY, *spec[:3], f"≤{amount}万元" if spec[1] == "41-经济成本" else spec[3])
        row += 1
    t.save()
    assert not [f for f in app.refresh_file(path).findings if f.severity == "error"]
    return path


def test_a_one_value_form_in_a_consolidated_table_of_two_value_columns_prints_its_value_once(tmp_path, capsys):
    """A department's inbox: two schools on the default (广东) workbook, one on the 湖南 form (one 指标值
    column). The table to sign is laid out as most filings are (two value columns); the 湖南 school's
    indicators print ``指标值:3个`` as its own table does, not ``实施周期指标值:；年度指标值:3个`` — an empty
    实施周期指标值 on every line of a table a department head signs. The PDF (LibreOffice) says the same."""
    import subprocess

    import openpyxl

    from xl_tools.cli import main as cli
    inbox, out = tmp_path / "收件箱", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    _hunan_school(inbox)
    _guangdong_school(inbox, "某区第二中学", 50)
    _guangdong_school(inbox, "某区第五中学", 30)
    for bak in inbox.glob("*.bak"):
        bak.unlink()
    signed, pdf = out / "合并公开表.xlsx", out / "合并公开表.pdf"
    assert cli(["batch", str(inbox), "-o", str(out / "审核汇总.xlsx"), "--department", "某区教育局", "--year", "2025",
                "--publish", str(signed), "--pdf", str(pdf)]) == 0
    assert "合并公开表按「广东」的格式排版" in capsys.readouterr().out
    rows = {r[0]: r for r in openpyxl.load_workbook(signed).active.iter_rows(values_only=True) if r[0]}
    units = [r for r in openpyxl.load_workbook(signed).active.iter_rows(values_only=True) if r[0] == SECURITY]
    texts = [r[-1] for r in units]
    assert len(texts) == 3 and "合计" in rows
    hunan = next(t for t in texts if "≤80万元" in t)
    assert "实施周期指标值" not in hunan and "；指标值:3个。" in hunan and "；指标值:≥95%。" in hunan
    assert all("实施周期指标值:3个；年度指标值:3个" in t for t in texts if t is not hunan)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "实施周期指标值:；" not in text.replace(" ", "").replace("\n", "")


def test_satisfaction_written_again_as_its_second_level_is_its_one_second_level(tmp_path):
    """浙江's tables (real table 15) write 「满意度指标」 as the second level too, under 满意度指标, the one
    second level it has: the refresh reads it as 31-服务对象满意度 and fills the code in (FIL004), no STR008
    ("不在代码表中"); the workbook reloaded by openpyxl holds the filled category."""
    import openpyxl

    from xl_tools import app
    path = from_new("某区第一中学")(tmp_path)
    t = Typist(path)
    t.project(2, SECURITY, total=40, fiscal=40, target=TARGET.format(unit="某区第一中学"))
    row = 2
    for l1, l2, name, value in INDICATORS[SECURITY]:
        t.indicator(row, SECURITY, l1, "满意度指标" if l1 == "3-满意度指标" else l2, name,
                    "≤40万元" if l2 == "41-经济成本" else value)
        row += 1
    t.save()
    outcome = app.refresh_file(path)
    assert [f.code for f in outcome.findings if f.code.startswith("STR")] == []
    assert any(f.code == "FIL004" and "31-服务对象满意度" in f.message for f in outcome.findings)
    ws = openpyxl.load_workbook(path)["绩效指标"]
    assert [ws.cell(r, 4).value for r in range(2, row) if ws.cell(r, 3).value == "3-满意度指标"] == ["31-服务对象满意度"]



def _soffice_xls(tmp_path):
    """A filing saved by LibreOffice as Excel 97-2003 (.xls): what a person gets from an old 另存为."""
    from tests.conftest import soffice_convert
    path = from_new("某区第一中学")(tmp_path)
    t = Typist(path)
    t.project(2, SECURITY, total=40, fiscal=40, target=TARGET.format(unit="某区第一中学"))
    t.save()
    (tmp_path / "xls").mkdir()
    return soffice_convert(path, "xls", tmp_path / "xls")


def test_an_old_xls_renamed_to_xlsx_is_named_for_what_it_is_not_a_password(tmp_path, capsys):
    """A person renames 填报.xls to 填报.xlsx (or a mail client does) and drops it on the upload page, or
    checks it on the command line: the tool says it is an Excel 97-2003 file to save as .xlsx — not
    "工作簿已加密（设置了打开密码）", which sends the person looking for a password the file never had.
    A workbook that is encrypted is still told so (its compound file holds EncryptedPackage)."""
    import httpx

    from tests.inputs import cases
    from tests.support.servers import uvicorn_thread
    from xl_tools.cli import main as cli
    from xl_tools.web.serving import local_app
    renamed = tmp_path / "填报.xlsx"
    renamed.write_bytes(_soffice_xls(tmp_path).read_bytes())
    assert cli(["check", str(renamed)]) == 2
    said = capsys.readouterr().err
    assert "97-2003" in said and "另存为" in said and "加密" not in said and "密码" not in said
    encrypted = cases.encrypted(tmp_path)
    with uvicorn_thread(local_app()) as url, httpx.Client(base_url=url, timeout=120) as http:
        answer = http.post("/web/api/refresh", files={"file": ("填报.xlsx", renamed.read_bytes())})
        assert answer.status_code == 422
        detail = answer.json()["detail"]
        assert detail.startswith("文件 填报.xlsx：") and "97-2003" in detail and "密码" not in detail
        answer = http.post("/web/api/refresh", files={"file": ("加密.xlsx", encrypted.read_bytes())})
        assert answer.status_code == 422 and "已加密" in answer.json()["detail"]
        # an empty upload: told as an upload, not as a file on disk a sync client is rewriting
        for task in ("refresh", "publish"):
            answer = http.post(f"/web/api/{task}", files={"file": ("空.xlsx", b"")})
            assert answer.status_code == 422
            detail = answer.json()["detail"]
            assert detail.startswith("文件 空.xlsx：上传的文件是空的") and "改写" not in detail
        # and on the reviewer's side of the page: its row in the batch
        answer = http.post("/web/api/review", files=[("file", ("空.xlsx", b"")), ("file", ("填报.xlsx", renamed.read_bytes()))])
        assert answer.status_code == 200
        rows = {r["file"]: r["error"] for r in answer.json()["files"]}
        assert "上传的文件是空的" in rows["空.xlsx"] and "改写" not in rows["空.xlsx"]
        assert "97-2003" in rows["填报.xlsx"] and "密码" not in rows["填报.xlsx"]


def test_a_total_row_typed_under_the_projects_is_told_and_not_counted(tmp_path):
    """Accountants close a list with a 合计 row (=SUM(…) under each amount column), in WPS too. The tool
    sums the projects itself (公开表, 基本信息): the row is no project. Expected: one finding on that row
    that says so (its message names 合计), none of 「该项目没有任何绩效指标」「没有填写资金使用单位」
    「绩效目标为空」 there, and 公开表's 合计 the projects' sum, not twice it."""
    import openpyxl

    from tests.conftest import soffice_convert
    from xl_tools import app
    path = from_new([THIRD, FOURTH])(tmp_path)
    t = Typist(path)
    _shared_rows(t)
    t.type("项目", "B4", "合计")
    for col in "DE":
        t.type("项目", f"{col}4", f"=SUM({col}2:{col}3)")
    t.save()
    (tmp_path / "wps").mkdir()
    saved = soffice_convert(path, "xlsx", tmp_path / "wps")
    outcome = app.refresh_file(saved)
    on_row = [f for f in outcome.findings if f.sheet == "项目" and f.cell and f.cell.endswith("4")]
    assert len(on_row) == 1 and "合计" in on_row[0].message, [(f.code, f.cell, f.message) for f in on_row]
    rows = {r[0]: r for r in openpyxl.load_workbook(saved)["公开表"].iter_rows(values_only=True) if r[0]}
    assert rows["合计"][1] == 85


def test_a_copied_target_names_the_other_project_so_it_can_be_found(tmp_path):
    """Two units' 「校园安保服务项目」 with the same 绩效目标 (one copied from the other): TXT003 on 项目!H2 says
    「绩效目标与项目「校园安保服务项目」完全相同」 — its own name, so the person cannot tell which project is
    meant. Expected: the other one told apart (its unit, or its 序号 on 项目)."""
    from xl_tools import app
    path = from_new([THIRD, FOURTH])(tmp_path)
    t = Typist(path)
    _shared_rows(t)
    t.type("项目", "H3", TARGET.format(unit=THIRD))            # 四中 copied 三中's target
    t.save()
    (said,) = [f for f in app.refresh_file(path).findings if f.code == "TXT003" and f.cell == "H2"]
    assert FOURTH in said.message or "序号2" in said.message.replace(" ", ""), said.message


def _every_cell(path, sheets):
    """Every cell of ``sheets`` as the person sees it: value (formula text), number format, note,
    fill and font colour."""
    import openpyxl
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in sheets:
        ws = wb[name]
        for row in ws.iter_rows():
            for c in row:
                look = (c.value, c.number_format, c.comment.text if c.comment else None,
                        c.fill.fgColor.rgb if c.fill.fill_type else None, c.font.color.rgb if c.font.color else None,
                        bool(c.font.b))
                if look != (None, "General", None, None, None, False):
                    out[(name, c.coordinate)] = look
    return out


def test_a_wps_accountant_loses_nothing_typed_through_the_upload_page(tmp_path):
    """What an accountant on WPS types into ``xl-tools new``'s workbook — a 总计 as a formula, an amount
    as text with a thousands comma, full-width digits, a category without its code, a note of her own on
    a cell, her own yellow fill and red bold font, a sheet of her own with formulas, a value the rules
    flag — saved as .xlsx by a program that is not the tool (LibreOffice for WPS), dropped on the upload
    page in Chromium, the download saved over it, dropped again. Every cell of 基本信息, 项目, 绩效指标
    (its columns A–G), 代码表 and her own sheet is as she typed it, but for what the tool fills (序号,
    category codes) and marks (its colours and notes on flagged cells); the second drop changes no byte."""
    import shutil

    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from tests.conftest import HAS_SOFFICE, soffice_convert
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice stands in for WPS")
    pytest.importorskip("playwright.sync_api")
    from .test_trial_three_web import CHROMIUM, FLAGS, drop_and_save
    if not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM):
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    path = from_new([THIRD, FOURTH])(tmp_path)
    t = Typist(path)
    _shared_rows(t)
    t.type("项目", "D2", "=E2+F2+G2")
    t.type("项目", "D3", "1,045.00")                     # text, thousands comma (AMT005); 财政拨款 45
    t.type("项目", "E3", 1045)
    t.type("绩效指标", "F3", "≥９５%")                    # full-width digits (FLG005)
    t.type("绩效指标", "C4", "产出指标")                  # no code: refresh fills 1-产出指标 (FIL004)
    ws = t.wb["项目"]
    ws["I2"].value, ws["I2"].comment = "续建", Comment("需在9月前签订合同", "张会计")
    ws["B3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["I3"].value, ws["I3"].font = "新增", Font(color="FF0000", bold=True)
    own = t.wb.create_sheet("测算")
    own["A1"], own["B1"], own["B2"], own["B3"] = "单价", 25, 10, "=B1*B2"
    own["C3"] = "=项目!D2"
    t.save()
    (tmp_path / "wps").mkdir()
    typed = soffice_convert(path, "xlsx", tmp_path / "wps")
    sheets = ["基本信息", "项目", "绩效指标", "代码表", "测算"]
    before = _every_cell(typed, sheets)
    assert before[("项目", "I2")][2] == "需在9月前签订合同" and before[("项目", "I3")][4:] == ("FFFF0000", True)
    assert before[("项目", "D2")][0] == "=E2+F2+G2" and before[("测算", "C3")][0] == "=项目!D2"
    with uvicorn_thread(local_app()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
        page.set_default_timeout(180_000)
        page.goto(url + "/web/")
        page.wait_for_selector("#limits:not(:empty)", state="attached")
        summary, rows = drop_and_save(page, typed)
        first = typed.read_bytes()
        again, rows_again = drop_and_save(page, typed)
        browser.close()
    assert "错误 0 条" in summary and "内容无变化" in again and rows_again == rows
    assert typed.read_bytes() == first
    flagged = {tuple(r[1].split("!")) for r in rows if r[0] in ("错误", "警告")}
    after = _every_cell(typed, sheets)
    filled = {("项目", "A2"), ("项目", "A3"), ("绩效指标", "C4")} | {("绩效指标", f"B{r}") for r in range(2, 14)}
    lost = {k: (v, after.get(k)) for k, v in before.items()
            if k not in filled and k not in flagged and not (k[0] == "绩效指标" and k[1][0] in "HIJKLM")
            and after.get(k) != v}
    assert lost == {}, lost
    for k in flagged & set(before):                     # a flagged cell keeps its value and format
        assert after[k][:2] == before[k][:2], k
    assert after[("绩效指标", "C4")][0] == "1-产出指标"


def test_amounts_typed_in_yuan_into_a_wan_workbook_are_questioned(tmp_path):
    """The budget system exports in 元; an accountant copies 2,900,000 (元) into 总计 of a workbook in 万元:
    290 亿元 for a school's equipment. Nothing says so — the 公开表 prints 2,900,000.00 万元 and STR015's
    draft suggests 「单位购置成本 ≤290000万元/台」. Expected: a finding on the amount cell that names
    万元 and 元 (the 金额单位 of 基本信息), so the person sees the unit slip."""
    from xl_tools import app
    path = from_new("某区第一中学")(tmp_path)
    t = Typist(path)
    t.project(2, "实训设备购置项目", total=2900000, fiscal=2500000, other=400000,
              target="购置数控实训设备10台，2025年9月30日前完成安装验收，满足600名学生实训需求。")
    for row, (l1, l2, name, value) in enumerate(INDICATORS[SECURITY], start=2):
        t.indicator(row, "实训设备购置项目", l1, l2, name, value)
    t.save()
    said = [f for f in app.refresh_file(path).findings if f.cell == "D2"]
    assert any("元" in f.message.replace("万元", "") and "万元" in f.message for f in said), said
