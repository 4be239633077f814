"""The reviewer's workflow (issue 29) on an inbox as mail brings it (``tests.support.mail_inbox``): one
department's scope, the units expected, versions that win by date, what counts. Every total is checked
against the generator's filings with pandas code of the test's own."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import needs_soffice
from tests.support.batch import review
from tests.support.mail_inbox import COUNTED, DEPT, NOT_COUNTED, OTHER_DEPT, UNITS, YEAR, make_mail_inbox
from xl_tools.batch import consolidate
from xl_tools.batch.scope import department_key, make_scope, parse_alias, read_unit_list
from xl_tools.errors import XlToolsError

pytestmark = needs_soffice
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    return make_mail_inbox(tmp_path_factory.mktemp("mail"))


@pytest.fixture(scope="module")
def report(inbox):
    return review([inbox.folder], jobs=2)


@pytest.fixture(scope="module")
def cons(inbox, report):
    return consolidate(report, scope=make_scope(DEPT, None, inbox.unit_list))


@pytest.fixture(scope="module")
def batch_out(inbox, tmp_path_factory):
    """The command as a reviewer runs it: the review workbook, the CSV export and the JSON."""
    from xl_tools.cli import main
    out = tmp_path_factory.mktemp("out")
    code = main(["batch", str(inbox.folder), "--department", DEPT, "--units", str(inbox.unit_list),
                 "-o", str(out / "审核汇总.xlsx"), "--csv", str(out / "csv"), "--jobs", "2"])
    return code, out


def expected_units(inbox) -> pd.DataFrame:
    """The generator's filings of the counted units, summed per unit with pandas: the test's own sums."""
    rows = [{"unit": unit, "total": p.total, "fiscal": p.fiscal, "special": p.special, "other": p.other}
            for unit, f in inbox.counted.items() for p in f.projects]
    frame = pd.DataFrame(rows)
    return frame.groupby("unit")[["total", "fiscal", "special", "other"]].sum()


def table_frame(path: Path, sheet: str) -> pd.DataFrame:
    """The consolidated sheet read back by pandas (header on its third row), money as Decimal."""
    frame = pd.read_excel(path, sheet_name=sheet, header=2, dtype=object, engine="openpyxl")
    frame = frame.rename(columns={frame.columns[0]: "name", frame.columns[1]: "total", frame.columns[2]: "fiscal",
                                  frame.columns[3]: "special", frame.columns[4]: "other"})
    for c in ("total", "fiscal", "special", "other"):
        frame[c] = frame[c].map(lambda v: Decimal(str(v)).quantize(CENT) if pd.notna(v) else Decimal("0.00"))
    return frame


def test_one_row_per_unit_and_every_total_agrees_with_pandas(inbox, batch_out):
    code, out = batch_out
    assert code == 1                                    # units are missing, one has errors
    frame = table_frame(out / "审核汇总.xlsx", f"合并公开表{YEAR}年")
    units = frame[frame.name.isin(UNITS)]
    assert sorted(units.name) == sorted(COUNTED)       # one row per unit: no copy counted twice
    expected = expected_units(inbox)
    for row in units.itertuples():
        for c in ("total", "fiscal", "special", "other"):
            assert getattr(row, c) == expected.loc[row.name, c].quantize(CENT), (row.name, c)
    grand = frame[frame.name == "合计"].iloc[0]
    assert grand.total == expected.total.sum().quantize(CENT)
    # the CSV export says the same: the counted rows of the consolidation add up to the table's 合计
    csv = pd.read_csv(out / "csv" / "consolidation.csv", dtype=str, keep_default_na=False)
    counted = csv[csv.decision == "计入"]
    assert sorted(counted.unit_name) == sorted(COUNTED)
    assert sum(Decimal(v) for v in counted.total) == grand.total


def test_other_departments_and_years_are_listed_and_kept_out(cons, inbox):
    df = cons.slices
    other = df[df.department == OTHER_DEPT]
    assert list(other.decision) == ["范围外"] and list(other.cause) == ["其他部门"]
    assert f"不是本次审核的「{DEPT}」" in other.reason.iloc[0]
    stray = df[df.file == inbox.files["实验小学2025"]]
    assert list(stray.cause) == ["其他年度"] and "预算年度为 2025 年" in stray.reason.iloc[0]
    assert cons.table(YEAR).filing.department == DEPT     # not 「多个部门」
    assert cons.table(YEAR).filing.total == expected_units(inbox).total.sum()


def test_expected_units_without_a_counted_filing_are_listed(cons):
    state = {s.unit: s for s in cons.submissions}
    assert set(state) == set(UNITS)
    assert {u: s.status for u, s in state.items() if not s.counted} == NOT_COUNTED
    assert "只收到2025年的「甲市实验小学_2025年.xlsx」" in state["甲市实验小学"].note
    assert state["甲市第二小学"].files == ["甲市第二小学.xlsx"]      # matched to the unit by its name
    assert state["甲市青少年活动中心"].files == ["职业学校和活动中心.zip/甲市青少年活动中心.xlsx"]


def test_a_copy_under_another_name_is_a_duplicate_not_a_second_unit(cons, inbox):
    df = cons.slices.set_index("file")
    kept = inbox.files["二中"]
    for role, written in (("二中简称", "单位名称写作「甲市二中」"), ("二中部门", "部门名称写作「甲市教育局（本级）」")):
        row = df.loc[inbox.files[role]]
        assert row.decision == "重复" and row.same_as == kept and written in row.reason, row.reason
    for copy in ("甲市第一中学(1).xlsx", "甲市第一中学 - 副本.xlsx"):
        assert df.loc[copy].decision == "重复" and df.loc[copy].same_as == inbox.files["一中"]
    assert df.loc[inbox.files["一小LibreOffice"]].decision == "重复"
    pdf = df.loc[inbox.files["特教PDF"]]
    assert pdf.decision == "重复" and pdf.same_as == inbox.files["特教"]


def test_the_later_version_wins_by_its_own_stamp_with_both_dates_and_the_diff(cons, inbox):
    df = cons.slices.set_index("file")
    corrected, original = df.loc[inbox.files["三中更正"]], df.loc[inbox.files["三中原件"]]
    assert corrected.decision == "计入" and original.decision == "已替代"
    assert "刷新时间 2026-03-01 10:00" in original.reason and "刷新时间 2026-03-05 16:30" in original.reason
    assert "绩效目标变化" in original.reason
    revised, old = df.loc[inbox.files["四中修改"]], df.loc[inbox.files["四中原件"]]
    assert revised.decision == "计入" and old.decision == "已替代"
    assert "84.00 → 96.50" in old.reason
    version = next(v for v in cons.versions if v.unit == "甲市第四中学")
    assert version.kept == inbox.files["四中修改"] and not version.pinned
    assert [f for f, _t, _c in version.replaced] == [inbox.files["四中原件"]]


def test_the_reviewer_can_pin_a_version_and_the_choice_is_recorded(report, inbox):
    pinned = consolidate(report, scope=make_scope(DEPT), keep=[inbox.files["四中原件"]])
    df = pinned.slices.set_index("file")
    assert df.loc[inbox.files["四中原件"]].decision == "计入"
    assert df.loc[inbox.files["四中修改"]].decision == "已替代"
    assert "审核人指定以该文件为准（--keep）" in df.loc[inbox.files["四中修改"]].reason
    version = next(v for v in pinned.versions if v.unit == "甲市第四中学")
    assert version.pinned and "审核人指定（--keep）" in version.text
    unknown = consolidate(report, scope=make_scope(DEPT), keep=["没有这个文件.xlsx"])
    assert any("没有这个文件.xlsx" in n for n in unknown.notes)


def test_a_filing_without_amounts_is_not_counted(cons, inbox):
    row = cons.slices.set_index("file").loc[inbox.files["教师发展中心"]]
    assert row.decision == "未计入" and row.cause == "未填"
    assert "没有填写金额（AMT008）" in row.reason
    assert "甲市教师发展中心" not in [u.name for u in cons.table(YEAR).filing.units]


def test_a_zips_members_are_reviewed_as_files(report):
    rows = {r.file: r for r in report.results}
    vocational = rows["职业学校和活动中心.zip/甲市职业技术学校.xlsx"]          # GBK names decoded
    assert vocational.unit == "甲市职业技术学校" and vocational.errors == 0
    assert vocational.member is not None and vocational.path.endswith("职业学校和活动中心.zip")
    assert vocational.stamp.when == "2026-03-04 14:00:00"                      # the member's own stamp
    youth = rows["职业学校和活动中心.zip/甲市青少年活动中心.xlsx"]
    assert youth.errors == 1 and youth.worst_rule == "VAL001"
    assert "职业学校和活动中心.zip" not in rows                                  # not one FILE001 row


def test_without_a_department_or_list_the_scope_is_inferred(report, inbox):
    cons = consolidate(report)
    assert cons.scope.department == DEPT and cons.year == YEAR
    assert any("按多数文件审核 2026 年" in n for n in cons.notes)
    assert sorted(u.name for u in cons.table(YEAR).filing.units) == sorted(COUNTED)
    state = {s.unit: s.status for s in cons.submissions}
    assert state["甲市实验小学"] == "未报送"                     # seen in 2025, not in 2026


def test_json_carries_scope_versions_and_submissions(batch_out, inbox, capsys):
    from xl_tools.cli import main
    code = main(["batch", str(inbox.folder), "--department", DEPT, "--units", str(inbox.unit_list), "--json",
                 "--jobs", "2", "--keep", inbox.files["四中原件"]])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    cons = data["consolidation"]
    assert cons["scope"]["department"] == DEPT and cons["scope"]["year"] == YEAR
    assert {v["unit"]: v["pinned"] for v in cons["versions"]} == {"甲市第三中学": False, "甲市第四中学": True}
    assert {s["unit"] for s in cons["submissions"] if s["status"] != "计入"} == set(NOT_COUNTED)
    assert cons["complete"] is True


def test_the_review_workbook_lists_submissions_and_stamps(batch_out, inbox):
    _code, out = batch_out
    wb = openpyxl.load_workbook(out / "审核汇总.xlsx")
    assert "报送情况" in wb.sheetnames
    rows = list(wb["报送情况"].iter_rows(min_row=3, values_only=True))
    assert {r[1]: r[2] for r in rows} == {**dict.fromkeys(COUNTED, "计入"), **NOT_COUNTED}
    sources = list(wb["合并来源"].iter_rows(values_only=True))
    head = sources[0]
    assert "文件时间" in head
    by_file = {r[head.index("文件")]: r for r in sources[1:]}
    assert by_file[inbox.files["三中更正"]][head.index("文件时间")] == "2026-03-05 16:30:00\n（刷新时间）"


# --- the scope's parts --------------------------------------------------------------------------------

def test_department_key_reads_a_department_written_as_its_own_unit():
    assert department_key("甲市教育局（本级）") == department_key("甲市教育局") == department_key("甲市教育局(本级)")
    assert department_key(" 甲市教育局 本级") == department_key("甲市教育局")
    assert department_key("甲市教育局") != department_key("乙市教育局")


def test_unit_lists_in_every_form(tmp_path):
    (tmp_path / "a.csv").write_text("单位名称,别名\n甲市第二中学,甲市二中、二中\n甲市第一中学,\n", "utf-8-sig")
    (tmp_path / "b.txt").write_bytes("甲市第二中学\t甲市二中\n甲市第一中学\n".encode("gb18030"))
    for name in ("a.csv", "b.txt"):
        units, aliases = read_unit_list(tmp_path / name)
        assert units == ["甲市第二中学", "甲市第一中学"] and "甲市二中" in aliases["甲市第二中学"]
    scope = make_scope(aliases=["甲市二中=甲市第二中学"])
    assert scope.unit_key("甲市二中") == scope.unit_key("甲市第二中学") == scope.unit_key("甲市第二中学 ")
    assert parse_alias("甲市二中＝甲市第二中学") == ("甲市二中", "甲市第二中学")
    with pytest.raises(XlToolsError, match="别名=单位名称"):
        parse_alias("甲市二中")
    with pytest.raises(XlToolsError, match="同时指向"):
        make_scope(aliases=["二中=甲市第二中学", "二中=乙市第二中学"])
    (tmp_path / "empty.csv").write_text("单位名称\n", "utf-8")
    with pytest.raises(XlToolsError, match="没有读到任何单位名称"):
        read_unit_list(tmp_path / "empty.csv")


def test_units_with_identical_filings_stay_two_units(tmp_path):
    """Two units whose filings are alike to the cent (standard projects of one department) are two
    units: only a name that abbreviates another (甲市二中 / 甲市第二中学) makes a copy of it."""
    from tests.support.mail_inbox import unit_filing, write_filing
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in ("甲市第一中学", "甲市第二中学", "乙县第二中学", "甲市二中"):
        write_filing(inbox / f"{name}.xlsx", unit_filing(name, "0.2"), None)
    report = review([inbox], jobs=1)
    unlisted = consolidate(report, scope=make_scope(DEPT))
    assert sorted(u.name for u in unlisted.table(YEAR).filing.units) == ["乙县第二中学", "甲市第一中学", "甲市第二中学"]
    copy = unlisted.slices.set_index("file").loc["甲市二中.xlsx"]
    assert copy.decision == "重复" and copy.same_as == "甲市第二中学.xlsx"
    (tmp_path / "名单.csv").write_text("单位名称\n甲市第一中学\n甲市第二中学\n甲市二中\n", "utf-8")
    listed = consolidate(report, scope=make_scope(DEPT, None, tmp_path / "名单.csv"))
    assert sorted(u.name for u in listed.table(YEAR).filing.units) == ["甲市二中", "甲市第一中学", "甲市第二中学"]
