"""The sixth trial: what a new user met on main, walking the product by README.md and 使用说明.md only.

Each test is one thing the user did and the tool got wrong, run through the whole accountant's cycle
(``cycle.run_cycle``) with the file writer and the xlwings remote engine, or through the part the user
used (the upload page, the reviewer's batch).
"""

from __future__ import annotations

from decimal import Decimal

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
