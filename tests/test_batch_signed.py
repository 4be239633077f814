"""The department's consolidated table to sign (issue 29): ``batch … --publish 合并公开表.xlsx --pdf …``
without the audit column, with page numbers, a signature block and no unit row alone at a page foot;
refused while expected units are missing, unless a draft is asked for."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import needs_soffice
from tests.support.mail_inbox import COUNTED, DEPT, NOT_COUNTED, make_mail_inbox, unit_filing, write_filing
from tests.support.pdflines import closing_line_starts
from xl_tools.model import Filing, Unit
from xl_tools.publish.signed import FOOTER, SIGNED_STYLES, paginate, signed_layout
from xl_tools.publish.table import render

CENT = Decimal("0.01")


def _main(argv) -> int:
    from xl_tools.cli import main
    return main([str(a) for a in argv])


# --- the pages --------------------------------------------------------------------------------------

def _many_units(count: int, projects: int) -> Filing:
    """A consolidated filing of ``count`` units with short projects (one row each)."""
    units, plist = [], []
    for k in range(count):
        f = unit_filing(f"甲市第{k + 1}学校", f"0.{k + 10}", projects=projects)
        for p in f.projects:
            p.target = "完成年度任务。"
            p.indicators = p.indicators[:1]
        units.append(Unit(f.units[0].name, f.units[0].total, f.units[0].fiscal, f.units[0].special, f.units[0].other))
        plist += f.projects
    filing = Filing(year=2026, department=DEPT, units=units, projects=plist)
    filing.total = sum((u.total for u in units), Decimal(0))
    return filing


@pytest.mark.parametrize("projects", [1, 2, 3])
def test_pages_never_end_on_a_unit_row_and_keep_the_signatures_with_the_table(projects):
    layout = signed_layout(_many_units(40, projects), DEPT, "本表汇总……", draft=False)
    breaks = layout.row_breaks
    assert len(breaks) >= 3
    styles = [row[0].style for row in layout.rows]
    for b in breaks:
        assert styles[b - 1] not in ("unit_label", "total_label"), (b, styles[b - 1])
        assert styles[b] in ("unit_label", "project_label", "project_label_top")   # a page starts with a row
    assert breaks[-1] < len(layout.rows) - 3                 # the signatures never stand alone on a page
    assert "signature" in styles[-1] and layout.page.footer == FOOTER
    # every page holds no more than the page can: the breaks are where the tool put them
    room = paginate.__globals__["_page_rows"](layout) - sum(layout.row_heights[:3])
    edges = [3, *breaks, len(layout.rows)]
    for a, b in zip(edges, edges[1:]):
        assert sum(layout.row_heights[a:b]) <= room + 1e-6, (a, b)


def test_without_breaks_a_unit_row_would_end_a_page():
    """The test above is not empty: filling pages without the rule leaves a unit row at a page foot."""
    layout = signed_layout(_many_units(40, 2), DEPT, "本表汇总……", draft=False)
    room = paginate.__globals__["_page_rows"](layout) - sum(layout.row_heights[:3])
    used, orphans = 0.0, 0
    for r in range(3, len(layout.rows) - 3):
        if used + layout.row_heights[r] > room:
            orphans += layout.rows[r - 1][0].style == "unit_label"
            used = 0.0
        used += layout.row_heights[r]
    assert orphans > 0


def test_the_signed_layout_is_the_published_table_without_the_audit_column():
    filing = _many_units(3, 2)
    plain = render(filing)
    layout = signed_layout(filing, DEPT, "本表汇总……", draft=True)
    assert layout.column_widths == plain.column_widths                  # seven columns, no 来源文件
    assert [[c.value for c in r] for r in layout.rows[1:len(plain.rows)]] == \
        [[c.value for c in r] for r in plain.rows[1:]]
    assert layout.rows[0][0].value.endswith("（草稿：未包含全部应报单位，不得作为正式合并表）")
    sign = [c.value for c in layout.rows[-1] if c.value]
    assert sign == ["编制单位（盖章）：甲市教育局", "负责人（签字）：", "审核人（签字）：", "日期：　　　　年　　月　　日"]
    assert set(SIGNED_STYLES) <= set(layout.styles)


# --- the command ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    return make_mail_inbox(tmp_path_factory.mktemp("mail"))


@needs_soffice
def test_a_table_missing_units_is_not_written_unless_a_draft_is_asked(inbox, tmp_path, capsys):
    out = tmp_path / "合并公开表.xlsx"
    code = _main(["batch", inbox.folder, "--department", DEPT, "--units", inbox.unit_list, "-o",
                  tmp_path / "审核汇总.xlsx", "--publish", out, "--jobs", "2"])
    said = capsys.readouterr().out
    assert code == 1 and not out.exists() and (tmp_path / "审核汇总.xlsx").exists()
    assert "合并公开表未生成：应报单位中 4 个未计入" in said and "--allow-incomplete" in said
    for unit, status in NOT_COUNTED.items():
        assert f"{unit}：{status}" in said


@needs_soffice
def test_the_draft_table_to_sign_with_its_pdf(inbox, tmp_path, capsys):
    out, pdf = tmp_path / "合并公开表.xlsx", tmp_path / "合并公开表.pdf"
    code = _main(["batch", inbox.folder, "--department", DEPT, "--units", inbox.unit_list, "--json",
                  "--publish", out, "--pdf", pdf, "--allow-incomplete", "--jobs", "2"])
    capsys.readouterr()
    assert code == 1 and out.exists() and pdf.exists()
    ws = openpyxl.load_workbook(out)["公开表"]
    assert ws.max_column == 7                                        # no 来源文件 column
    assert "草稿" in ws["A1"].value
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.row_breaks.brk, "the tool chooses the page breaks"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("本表汇总甲市教育局2026年 8 个单位") and "甲市实验小学（未报送）" in t for t in texts)
    assert "编制单位（盖章）：甲市教育局" in texts and "审核人（签字）：" in texts
    # every amount, checked by the test's own pandas against the generator's filings
    frame = pd.read_excel(out, header=2, dtype=object, engine="openpyxl")
    frame = frame.rename(columns={frame.columns[0]: "name", frame.columns[1]: "total"})
    units = frame[frame.name.isin(COUNTED)]
    expected = pd.DataFrame([{"unit": u, "total": p.total} for u, f in inbox.counted.items() for p in f.projects])
    sums = expected.groupby("unit").total.sum()
    assert sorted(units.name) == sorted(COUNTED)
    for row in units.itertuples():
        assert Decimal(str(row.total)).quantize(CENT) == sums[row.name].quantize(CENT)
    grand = frame[frame.name == "合计"].total.iloc[0]
    assert Decimal(str(grand)).quantize(CENT) == sums.sum().quantize(CENT)
    _pdf_pages_are_signable(pdf, tmp_path)


def _pdf_pages_are_signable(pdf: Path, scratch: Path) -> None:
    """Every page of the PDF has its number, no page ends with a unit's row, the last one has the
    signatures; and the first and last pages render (pdftoppm) to images that are not blank."""
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    assert pages > 1
    units = set(COUNTED)
    for k in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(k), "-l", str(k), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert f"第 {k} 页，共 {pages} 页" in text
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith(("第 ", "项目支出绩效目标表", "部门名称", "项目名称"))]
        unit_rows = [i for i, ln in enumerate(body) if any(ln.startswith(u) for u in units)]
        if unit_rows:
            after = body[unit_rows[-1] + 1:]
            assert any("经费" in ln or "项目" in ln for ln in after), (k, body[unit_rows[-1]:])
        if k == pages:
            assert any("编制单位（盖章）" in ln for ln in lines) and any("日期" in ln for ln in lines)
    assert closing_line_starts(pdf) == []               # no wrapped line starts with 「，」「；」「、」「”」…
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(scratch / "first")],
                   check=True)
    from PIL import Image
    image = Image.open(next(scratch.glob("first*.png"))).convert("L")
    assert image.getextrema()[0] < 100                               # ink on the page


@needs_soffice
def test_a_complete_inbox_gives_a_table_to_sign(tmp_path, capsys):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for k, unit in enumerate(("甲市第一中学", "甲市第二中学")):
        write_filing(inbox / f"{unit}.xlsx", unit_filing(unit, f"0.1{k}"), "2026-03-02 09:00")
    (tmp_path / "名单.csv").write_text("单位名称\n甲市第一中学\n甲市第二中学\n", "utf-8")
    out = tmp_path / "合并公开表.xlsx"
    code = _main(["batch", inbox, "--units", tmp_path / "名单.csv", "--json", "--publish", out, "--jobs", "1"])
    capsys.readouterr()
    assert code == 0 and out.exists()
    ws = openpyxl.load_workbook(out)["公开表"]
    assert "草稿" not in ws["A1"].value
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("应报 2 个单位，全部计入" in t for t in texts)


def test_the_signature_block_shows_a_long_department_name_whole():
    """「编制单位（盖章）：广州市人力资源和社会保障局」 does not fit the two columns it had: its cell spans as
    many columns as its text needs (the next label no longer cuts it to 「…社会保障」 on the printed page),
    and the other three labels keep their order after it."""
    from xl_tools.textfit import text_width_chars
    dept = "广州市人力资源和社会保障局"
    layout = signed_layout(_many_units(2, 1), dept, "本表汇总……", draft=False)
    last = len(layout.rows)
    sign = layout.rows[-1]
    texts = [(k, c.value) for k, c in enumerate(sign, 1) if c.value]
    assert [t for _, t in texts] == [f"编制单位（盖章）：{dept}", "负责人（签字）：", "审核人（签字）：", "日期：　　　　年　　月　　日"]
    spans = {m.first_col: m.last_col for m in layout.merges if m.first_row == last}
    size = layout.styles["signature"].size or 11
    for k, text in texts[:3]:
        width = sum(layout.column_widths[k - 1:spans.get(k, k)])
        assert width >= text_width_chars(text, size), (text, width)


@needs_soffice
def test_a_file_that_could_not_be_read_keeps_the_table_from_being_signed(tmp_path, capsys):
    """Without a list of units, a spreadsheet that could not be read (an .xls, a cut-off .xlsx) is no unit's
    the batch knows: the table would lack whoever sent it. It is not written as final; the draft's line
    below the table names the files."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for k, unit in enumerate(("甲市第一中学", "甲市第二中学")):
        write_filing(inbox / f"{unit}.xlsx", unit_filing(unit, f"0.1{k}"), "2026-03-02 09:00")
    data = (inbox / "甲市第一中学.xlsx").read_bytes()
    (inbox / "乙校.xlsx").write_bytes(data[: len(data) // 2])
    (inbox / "丙校.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (inbox / "说明.docx").write_bytes(b"PK\x03\x04 not a filing")         # a covering letter blocks nothing more
    out = tmp_path / "合并公开表.xlsx"
    code = _main(["batch", inbox, "-o", tmp_path / "审核汇总.xlsx", "--publish", out, "--jobs", "1"])
    said = capsys.readouterr().out
    assert code == 1 and not out.exists(), said
    assert "合并公开表未生成" in said and "2 个文件无法读取" in said and "乙校.xlsx" in said and "丙校.xls" in said
    assert "说明.docx" not in said.split("合并公开表未生成")[1]
    code = _main(["batch", inbox, "-o", tmp_path / "审核汇总.xlsx", "--publish", out, "--allow-incomplete",
                  "--jobs", "1"])
    capsys.readouterr()
    ws = openpyxl.load_workbook(out)["公开表"]
    assert "草稿" in ws["A1"].value
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    line = next(t for t in texts if t.startswith("本表汇总"))
    assert "全部计入" not in line and "另有 2 个文件无法读取，未计入：" in line, line
    assert "乙校.xlsx" in line and "丙校.xls" in line and "说明.docx" not in line, line


def test_a_project_merged_over_several_rows_is_not_cut_by_a_page_break(seed_filing):
    """A project whose indicators need more than one row's height (Excel's 409 pt) is one block merged over
    several rows (the sample's 技能竞赛 project: rows 7–9). A break inside it printed its last lines alone
    at the top of the next page; it now goes before the block, which fits on one page."""
    layout = signed_layout(seed_filing, seed_filing.department, "本表汇总……", draft=False)
    blocks = {(m.first_row, m.last_row) for m in layout.merges if m.last_row > m.first_row}
    assert blocks, "the sample has a project merged over several rows"
    room = paginate.__globals__["_page_rows"](layout) - sum(layout.row_heights[:3])
    for first, last in blocks:
        assert sum(layout.row_heights[first - 1:last]) <= room          # it fits on a page
        assert not [b for b in layout.row_breaks if first <= b < last], (first, last, layout.row_breaks)
    edges = [3, *layout.row_breaks, len(layout.rows)]
    for a, b in zip(edges, edges[1:]):
        assert sum(layout.row_heights[a:b]) <= room + 1e-6, (a, b)
