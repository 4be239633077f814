"""The third trial's reviewer (issue 29): a 市 department (甲市教育局) reviews an inbox as mail brings it
(``tests/support/mail_inbox.py``: 12 units, mail copies 「(1)」「 - 副本」, a corrected resubmission, a
revision with changed amounts, a 2025 filing by mistake, a LibreOffice copy, a damaged file, a PDF, a
zip, another department's filing), with ``xl-tools batch --department --year --units --publish --pdf
--sendback`` as the reviewer types it; writes a comment in 审核汇总 and runs it again; the units resubmit
what was sent back (working on the marked copies they were sent, mail naming the attachments 「(1)」),
and the second round gives the table a department head signs, looked at as a PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import needs_soffice
from tests.support.mail_inbox import DEPT, UNITS, make_mail_inbox, unit_filing, write_filing
from tests.support.typist import Typist
from xl_tools import app
from xl_tools.cli import main as cli

pytestmark = [pytest.mark.slow, needs_soffice]

COMMENT = "请补充成本指标（每个项目），并核对安保服务的单价。"
SENT_BACK = {"甲市青少年活动中心", "甲市教师发展中心", "甲市第二小学"}


def batch(capsys, inbox: Path, out: Path, sendback: str, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli(["batch", str(inbox), "-o", str(out / "审核汇总.xlsx"), "--department", DEPT, "--year", "2026",
                "--units", str(inbox.parent / "名单.xlsx"), "--publish", str(out / "合并公开表.xlsx"),
                "--pdf", str(out / "合并公开表.pdf"), "--sendback", str(out / sendback), "--jobs", "1", *extra])
    return code, capsys.readouterr().out


def sheet_rows(path: Path, name: str) -> list[tuple]:
    return [r for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True) if any(r)]


def comment_on(review: Path, file: str, text: str) -> None:
    """The reviewer types a comment in 汇总's 审核意见 column, on the row of ``file``, and saves."""
    wb = openpyxl.load_workbook(review)
    ws = wb["汇总"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "单位")
    col = [c.value for c in ws[header]].index("审核意见") + 1
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 2).value == file)
    ws.cell(row, col).value = text
    wb.save(review)


def resubmit(inbox: Path, back: Path, work: Path, unit: str, fix, name: str, stamp: str) -> None:
    """The unit opens the marked copy it was sent, fixes it, refreshes, and mails it back; the reviewer's
    mail client saves the attachment under ``name``."""
    mine = work / f"{unit}.xlsx"
    shutil.copy(back / unit / f"{unit}（审核标注）.xlsx", mine)
    t = Typist(mine)
    fix(t)
    t.save()
    app.refresh_file(mine, now=stamp, backup=False)
    shutil.copy(mine, inbox / name)


def add_costs(t: Typist) -> None:
    """甲市第一中学 answers the comment: a 成本指标 per project, as the drafted lines say."""
    ws = t.wb["绩效指标"]
    last = ws.max_row
    while not ws.cell(last, 1).value:
        last -= 1
    for k, (project, name, value) in enumerate((
            ("市机电技师学院安保和物业管理服务经费", "安保和物业管理服务总成本", "≤66万元"),
            ("市机电技师学院技能竞赛设备设施购置经费项目", "单位购置成本", "≤31.73万元/台"),
            ("市机电技师学院实训设备维修维护工作经费项目", "实训设备维修维护总成本", "≤17.38万元")), start=1):
        t.indicator(last + k, project, "1-产出指标", "14-成本指标", name, value)


def test_a_departments_reviewer_over_two_rounds(tmp_path, capsys):
    box = make_mail_inbox(tmp_path / "mail")
    out = tmp_path / "审核"
    out.mkdir()
    review = out / "审核汇总.xlsx"

    # round 1: units are missing, so no table to sign; what is sent back and why
    code, said = batch(capsys, box.folder, out, "退回")
    assert code == 1
    assert "合并公开表未生成：应报单位中 4 个未计入" in said and not (out / "合并公开表.pdf").exists()
    assert "2026年报送情况：名单中 12 个单位，计入 8，有错误 1，未填 1，无法读取 1，未报送 1" in said
    assert {p.name for p in (out / "退回").iterdir()} == SENT_BACK
    status = {r[1]: r[2] for r in sheet_rows(review, "报送情况")[2:]}
    assert set(status) == set(UNITS) and status["甲市实验小学"] == "未报送"

    # the reviewer's comment on a unit that is counted, then the same batch again, a draft to look at
    comment_on(review, "甲市第一中学.xlsx", COMMENT)
    shutil.rmtree(out / "退回")
    code, said = batch(capsys, box.folder, out, "退回", "--allow-incomplete")
    assert "退回后尚未重新报送 3 个" in said and "仍未报送 1 个（甲市实验小学）" in said    # never sent: not sent back
    assert {p.name for p in (out / "退回").iterdir()} == SENT_BACK | {"甲市第一中学"}
    mail = (out / "退回" / "甲市第一中学" / "邮件正文.txt").read_text("utf-8-sig")
    assert COMMENT in mail and "经审核，已计入合并表；审核人有意见，请核对。" in mail     # was 「经审核，计入；」
    text = subprocess.run(["pdftotext", "-layout", str(out / "合并公开表.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "草稿：未包含全部应报单位" in text and "甲市实验小学（未报送）" in text

    # round 2: each unit sent back resubmits; the missing one sends its 2026 filing; 第一中学 answers
    work = tmp_path / "units"
    work.mkdir()
    back = out / "退回"
    resubmit(box.folder, back, work, "甲市青少年活动中心", lambda t: t.type("绩效指标", "G2", "校园维稳处理率100%"),
             "甲市青少年活动中心.xlsx", "2026-03-10 10:00")
    resubmit(box.folder, back, work, "甲市教师发展中心",
             lambda t: [t.type("项目", f"E{r}", v) for r, v in ((2, 110), (3, 150.5), (4, 28.6))],
             "甲市教师发展中心(1).xlsx", "2026-03-10 11:00")
    resubmit(box.folder, back, work, "甲市第一中学", add_costs, "甲市第一中学(2).xlsx", "2026-03-11 09:00")
    write_filing(box.folder / "甲市第二小学(1).xlsx", unit_filing("甲市第二小学", "0.17"), "2026-03-10 15:00")
    write_filing(box.folder / "甲市实验小学.xlsx", unit_filing("甲市实验小学", "0.15"), "2026-03-10 16:00")
    code, said = batch(capsys, box.folder, out, "退回2")
    assert "2026年报送情况：名单中 12 个单位，计入 12" in said
    assert "重新报送 5 个单位" in said and "退回后尚未重新报送 0 个" in said
    assert code == 1        # documented: files with errors are in the inbox (the superseded originals)
    since = {r[1]: r[5] for r in sheet_rows(review, "报送情况")[2:]}
    assert since["甲市实验小学"].startswith("已重新报送：上次未报送；本次「甲市实验小学.xlsx」计入")
    assert since["甲市第一中学"].endswith("合计未变")
    comments = {r[1]: r[6] for r in sheet_rows(review, "报送情况")[2:]}
    assert COMMENT in comments["甲市第一中学"]
    assert not (out / "退回2").exists() or not any((out / "退回2").iterdir())

    # the table to sign: no audit column, all 12 units, page numbers, the signature block on the last page
    ws = openpyxl.load_workbook(out / "合并公开表.xlsx").active
    assert ws["A1"].value == "2026年项目支出绩效目标表（含转移支付项目）"
    assert "来源文件（审核用）" not in [c.value for c in ws[3]]
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(out / "合并公开表.pdf")], capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    last = subprocess.run(["pdftotext", "-layout", "-f", str(pages), "-l", str(pages), str(out / "合并公开表.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "应报 12 个单位，全部计入" in last and "审核人（签字）" in last and f"第 {pages} 页，共 {pages} 页" in last
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(pages), "-l", str(pages), str(out / "合并公开表.pdf"),
                    str(tmp_path / "last")], check=True)
    assert any(tmp_path.glob("last-*.png"))
