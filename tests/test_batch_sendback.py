"""Send-backs (issue 29): for each unit with errors a marked-up copy and a 退回清单 with the reviewer's
own comments (the column 审核意见 the reviewer fills in 审核汇总), ready to mail; on the next batch, who
resubmitted and what changed."""

from __future__ import annotations

import openpyxl
import pytest

from tests.conftest import needs_soffice
from tests.support.mail_inbox import DEPT, NOT_COUNTED, make_mail_inbox, unit_filing, write_filing
from xl_tools import app

pytestmark = needs_soffice
YOUTH = "甲市青少年活动中心"
TEACHERS = "甲市教师发展中心"


def _main(argv) -> int:
    from xl_tools.cli import main
    return main([str(a) for a in argv])


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Two rounds of review: the first writes 审核汇总 and the send-backs; the reviewer writes comments
    into 审核汇总; one unit resubmits a corrected file; the second round reads the comments back."""
    root = tmp_path_factory.mktemp("rounds")
    inbox = make_mail_inbox(root)
    review = root / "审核汇总.xlsx"
    args = ["batch", inbox.folder, "--department", DEPT, "--units", inbox.unit_list, "-o", review, "--jobs", "2"]
    first = _main([*args, "--sendback", root / "退回1"])
    wb = openpyxl.load_workbook(review)
    ws = wb["问题明细"]
    head = [c.value for c in ws[1]]
    col = head.index("审核意见") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 2).value == YOUTH and ws.cell(r, 4).value == "VAL001":
            ws.cell(r, col).value = "年度指标值必须填写"
        if ws.cell(r, 2).value == YOUTH and ws.cell(r, 4).value == "STR015":
            ws.cell(r, col).value = "请补充成本指标"
    summary = wb["汇总"]
    rows = list(summary.iter_rows(values_only=True))
    top = next(k for k, row in enumerate(rows, start=1) if row[0] == "单位" and row[1] == "文件")
    c = [cell.value for cell in summary[top]].index("审核意见") + 1
    for r in range(top + 1, summary.max_row + 1):
        if summary.cell(r, 1).value == TEACHERS:
            summary.cell(r, c).value = "金额请与预算批复一致"
        if summary.cell(r, 1).value == YOUTH:
            summary.cell(r, c).value = "请3月10日前重新报送"
    wb.save(review)
    write_filing(inbox.folder / "甲市青少年活动中心_重报.xlsx", unit_filing(YOUTH, "0.20"), "2026-03-09 10:00")
    second = _main([*args, "--sendback", root / "退回2"])
    return root, inbox, first, second


def test_each_unit_sent_back_gets_a_folder_ready_to_mail(rounds):
    root, _inbox, first, _second = rounds
    assert first == 1
    folders = sorted(p.name for p in (root / "退回1").iterdir())
    assert folders == sorted(u for u, s in NOT_COUNTED.items() if s in ("有错误", "未填", "无法读取"))
    youth = root / "退回1" / YOUTH
    copy = youth / "甲市青少年活动中心（审核标注）.xlsx"
    assert copy.exists() and (youth / "退回清单.xlsx").exists() and (youth / "邮件正文.txt").exists()
    checked = app.review(app.load_filing(copy).filing).findings                     # the marked-up copy is the filing
    assert [f.code for f in checked if f.severity == "error"] == ["VAL001"]
    marked = openpyxl.load_workbook(copy)
    assert "校验结果" in marked.sheetnames
    assert marked["绩效指标"]["G2"].comment is not None                      # the problem cell has its note
    listing = list(openpyxl.load_workbook(youth / "退回清单.xlsx").active.iter_rows(values_only=True))
    assert listing[0][0] == f"退回清单：{YOUTH}（2026年项目支出绩效目标表）"
    head = next(r for r in listing if r[0] == "序号")
    assert head == ("序号", "级别", "规则", "位置", "项目", "问题", "修改建议", "审核意见")
    first_row = listing[listing.index(head) + 1]
    assert first_row[1] == "错误" and first_row[2].startswith("VAL001") and first_row[3] == "绩效指标!G2"
    mail = (youth / "邮件正文.txt").read_text("utf-8-sig")
    assert mail.startswith(f"{YOUTH}：") and "退回清单.xlsx" in mail and "审核标注" in mail and DEPT in mail
    broken = root / "退回1" / "甲市第二小学"
    assert sorted(p.name for p in broken.iterdir()) == ["退回清单.xlsx", "邮件正文.txt"]   # nothing to mark up


def test_the_reviewers_comments_are_carried_into_the_next_review_and_the_send_backs(rounds):
    root, _inbox, _first, _second = rounds
    wb = openpyxl.load_workbook(root / "审核汇总.xlsx")
    rows = list(wb["问题明细"].iter_rows(values_only=True))
    head = rows[0]
    said = {(r[head.index("文件")], r[head.index("规则")]): r[head.index("审核意见")] for r in rows[1:]
            if r[head.index("审核意见")]}
    # the comment on VAL001 stays with the old file's finding; the one on STR015 follows the finding into
    # the corrected resubmission (same unit, rule, cell and project)
    assert said[("职业学校和活动中心.zip/甲市青少年活动中心.xlsx", "VAL001")] == "年度指标值必须填写"
    assert said[("甲市青少年活动中心_重报.xlsx", "STR015")] == "请补充成本指标"
    teachers = root / "退回2" / TEACHERS / "退回清单.xlsx"
    lines = [r[0] for r in openpyxl.load_workbook(teachers).active.iter_rows(values_only=True) if r[0]]
    assert "审核意见：金额请与预算批复一致" in lines
    youth = list(openpyxl.load_workbook(root / "退回2" / YOUTH / "退回清单.xlsx").active.iter_rows(values_only=True))
    assert any(r[-1] == "请补充成本指标" for r in youth)                 # sent back for the reviewer's comment


def test_the_next_review_says_who_resubmitted_and_what_changed(rounds):
    root, _inbox, _first, second = rounds
    assert second == 1                                                    # units are still missing
    wb = openpyxl.load_workbook(root / "审核汇总.xlsx")
    rows = list(wb["报送情况"].iter_rows(values_only=True))
    head = rows[1]
    by_unit = {r[1]: dict(zip(head, r)) for r in rows[2:]}
    youth = by_unit[YOUTH]
    assert youth["报送情况"] == "计入"
    assert youth["与上次审核相比"].startswith("已重新报送：上次「职业学校和活动中心.zip/甲市青少年活动中心.xlsx」有错误")
    assert "本次「甲市青少年活动中心_重报.xlsx」计入" in youth["与上次审核相比"]
    assert youth["审核意见"].startswith("上次审核意见")                   # answered by the new file
    assert by_unit[TEACHERS]["与上次审核相比"] == "未重新报送（上次：未填）"
    assert by_unit[TEACHERS]["审核意见"] == "金额请与预算批复一致"
    lines = [r[0] for r in wb["汇总"].iter_rows(values_only=True) if r[0]]
    assert any(t.startswith("与上次审核（") and f"重新报送 1 个单位（{YOUTH}）" in t for t in lines)
    assert wb["_xltools_batch"].sheet_state == "hidden"


def test_a_previous_file_that_is_no_review_is_refused(tmp_path, capsys):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    write_filing(inbox / "甲市第一中学.xlsx", unit_filing("甲市第一中学", "0.1"), None)
    code = _main(["batch", inbox, "--json", "--previous", inbox / "甲市第一中学.xlsx"])
    assert code == 2 and "不是 xl-tools 生成的审核结果工作簿" in capsys.readouterr().err


def test_two_units_whose_names_make_one_folder_name_each_get_their_own(tmp_path, capsys):
    """「测试单位甲_」 and 「测试单位甲:」 are two units, but ':' cannot be in a folder name: both were sent
    back in one folder — the folder mailed to one unit held the other's 标注副本 (its whole filing), and
    the first 退回清单 and 邮件正文 were overwritten by the second. The second folder is numbered."""
    from decimal import Decimal
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for k, unit in enumerate(["测试单位甲_", "测试单位甲:"]):
        filing = unit_filing(unit, "1")
        filing.projects[0].fiscal += Decimal(1)          # an error: sent back
        write_filing(inbox / f"单位{k + 1}.xlsx", filing, None)
    back = tmp_path / "退回"
    assert _main(["batch", str(inbox), "-o", str(tmp_path / "审核.xlsx"), "--sendback", str(back)]) == 1
    capsys.readouterr()
    folders = sorted(p.name for p in back.iterdir())
    assert folders == ["测试单位甲_", "测试单位甲_（2）"], folders
    units = set()
    for folder in back.iterdir():
        copies = [p for p in folder.iterdir() if p.name.endswith("（审核标注）.xlsx")]
        assert len(copies) == 1, (folder.name, copies)
        first = openpyxl.load_workbook(folder / "退回清单.xlsx", read_only=True).worksheets[0]["A1"].value
        units.add(first)
    assert {u.split("（")[0] for u in units} == {"退回清单：测试单位甲_", "退回清单：测试单位甲:"}, units
