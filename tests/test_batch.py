"""Batch review: every file of a mixed folder is one row; the review workbook and the JSON output."""

from __future__ import annotations

import copy
import json
import os
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.support.batch import review, review_one
from xl_tools.app import rollover
from xl_tools.batch import STATUS_BROKEN, STATUS_ERRORS, consolidate, report_to_json, write_review_xlsx
from xl_tools.batch.report import consolidation_lines
from xl_tools.errors import XlToolsError
from xl_tools.findings import ERROR
from xl_tools.jsonio import load_json
from xl_tools.workbook import build_workbook

DATA = Path(__file__).resolve().parents[1] / "xl_tools" / "data"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    seed = load_json(DATA / "sample_2024.expected.json")
    build_workbook(folder / "valid.xlsx", seed)
    bad = copy.deepcopy(seed)
    bad.projects[0].total += Decimal("1")                     # 总计 ≠ parts: an amount mismatch
    build_workbook(folder / "invalid.xlsx", bad)
    data = (folder / "valid.xlsx").read_bytes()
    (folder / "corrupt.xlsx").write_bytes(data[: len(data) // 2])   # truncated zip
    (folder / "notexcel.xlsx").write_text("这不是工作簿\n", "utf-8")
    shutil.copy(DATA / "sample_2024.txt", folder / "published.txt")
    (folder / "~$valid.xlsx").write_bytes(b"lock")              # Excel lock file: skipped
    (folder / ".hidden.xlsx").write_bytes(b"x")                 # hidden: skipped
    (folder / "notes.docx").write_bytes(b"x")                   # not a supported type: a row, with the fix
    for name in ("valid.xlsx", "invalid.xlsx", "published.txt"):   # two versions of one time: a conflict
        os.utime(folder / name, (1_700_000_000, 1_700_000_000))
    return folder


def _rows(report):
    return {r.file: r for r in report.results}


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_file_is_one_row(inbox, jobs):
    report = review([inbox], jobs=jobs, progress=False)
    rows = _rows(report)
    assert sorted(rows) == ["corrupt.xlsx", "invalid.xlsx", "notes.docx", "notexcel.xlsx", "published.txt",
                            "valid.xlsx"]
    assert rows["valid.xlsx"].readable and rows["valid.xlsx"].errors == 0
    assert rows["valid.xlsx"].projects == 13 and rows["valid.xlsx"].unit == "广州市机电技师学院"
    assert rows["valid.xlsx"].total == Decimal("5138.68")
    assert rows["invalid.xlsx"].status == STATUS_ERRORS
    assert any(f.code.startswith("AMT") for f in rows["invalid.xlsx"].findings)
    assert rows["invalid.xlsx"].worst_rule.startswith("AMT")
    for name in ("corrupt.xlsx", "notexcel.xlsx", "notes.docx"):
        assert rows[name].status == STATUS_BROKEN and rows[name].error
    assert "损坏" in rows["corrupt.xlsx"].error
    assert "不是 Excel" in rows["notexcel.xlsx"].error
    assert rows["notes.docx"].findings[0].code == "FILE001" and "Word 文档" in rows["notes.docx"].error
    assert rows["published.txt"].kind == "import" and rows["published.txt"].projects == 13
    assert report.failed


def test_review_one_never_raises(tmp_path):
    odd = tmp_path / "x.csv"
    odd.write_text("a,b\n", "utf-8")
    assert review_one(odd).status == STATUS_BROKEN
    assert review_one(tmp_path / "missing.xlsx").status == STATUS_BROKEN


def test_no_input_raises(tmp_path):
    with pytest.raises(XlToolsError):
        review([tmp_path], jobs=1, progress=False)


def test_review_workbook(inbox, tmp_path):
    report = review([inbox], jobs=2, progress=False)
    out = write_review_xlsx(report, tmp_path / "审核结果.xlsx")
    wb = openpyxl.load_workbook(out)
    # valid.xlsx and invalid.xlsx are two versions of one unit and year with different amounts and the
    # same time: a version conflict, so nothing is counted and the placeholder sheet names the conflict
    assert wb.sheetnames == ["汇总", "问题明细", "合并公开表", "报送情况", "合并来源", "规则统计", "单位统计",
                             "_xltools_batch"]
    assert wb["_xltools_batch"].sheet_state == "hidden"        # each unit's state, for the next review
    summary = list(wb["汇总"].iter_rows(values_only=True))
    top = next(k for k, row in enumerate(summary) if row[0] == "单位")
    assert summary[0][0].startswith("xl-tools 批量审核结果") and "2024年" in summary[0][0]
    assert summary[top][:9] == ("单位", "文件", "项目数", "合计", "错误", "警告", "提示", "最严重规则", "状态")
    assert len(summary) == top + 1 + 6
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in details} >= {"invalid.xlsx", "corrupt.xlsx", "notexcel.xlsx"}
    placeholder = [c.value for c in wb["合并公开表"]["A"] if c.value]
    assert placeholder[0].startswith("没有可合并的文件：") and "版本冲突 1 处共 2 个版本" in placeholder[0]
    assert any("版本冲突" in t and "「invalid.xlsx」" in t and "「valid.xlsx」" in t for t in placeholder[1:])
    with zipfile.ZipFile(out) as zf:
        chart = zf.read(next(n for n in zf.namelist() if n.startswith("xl/charts/chart"))).decode()
    # the tool's colours in series order (errors, warnings, infos) and the Chinese family names as axis
    assert chart.index("FFC7CE") < chart.index("FFEB9C") < chart.index("DDEBF7")
    assert "'规则统计'!$I$3" in chart and '<delete val="0"/>' in chart
    families = [r for r in wb["规则统计"].iter_rows(min_row=3, min_col=8, max_col=9, values_only=True) if r[0]]
    assert ("AMT", "金额") in families and ("FILE", "文件") in families     # FILE001: the broken file


def _run_cli(argv):
    from xl_tools.cli import main
    return main(argv)


def test_cli_json_and_exit_codes(inbox, tmp_path, capsys):
    out = tmp_path / "review.xlsx"
    assert _run_cli(["batch", str(inbox), "-o", str(out), "--jobs", "2", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["files"] == 6 and data["summary"]["unreadable"] == 3
    assert {f["file"] for f in data["files"]} == {"corrupt.xlsx", "invalid.xlsx", "notes.docx", "notexcel.xlsx",
                                                 "published.txt", "valid.xlsx"}
    assert out.exists()
    assert _run_cli(["batch", str(inbox / "valid.xlsx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["errors"] == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run_cli(["batch", str(empty), "-o", str(tmp_path / "r.xlsx")]) == 2


def test_json_roundtrip(inbox):
    report = review([inbox / "valid.xlsx", inbox / "corrupt.xlsx"], jobs=1, progress=False)
    data = json.loads(json.dumps(report_to_json(report), ensure_ascii=False))
    assert [f["status"] for f in data["files"]] == ["通过" if data["files"][0]["warnings"] == 0 else "有警告",
                                                    "无法读取"]


# --- annotated copies: written only inside the chosen folder (issue 9: paths cannot escape) -------

def test_annotate_writes_refreshed_copies_and_leaves_inputs(tmp_path):
    import openpyxl

    from tests.support.batch import review
    from xl_tools.jsonio import load_json
    from xl_tools.workbook import build_workbook
    inbox = tmp_path / "inbox"
    (inbox / "单位甲").mkdir(parents=True)
    book = inbox / "单位甲" / "a.xlsx"
    build_workbook(book, load_json(Path(__file__).resolve().parents[1] / "xl_tools" / "data" /
                                   "sample_2024.expected.json"))
    (inbox / "seed.txt").write_bytes((Path(__file__).resolve().parents[1] / "xl_tools" / "data" /
                                      "sample_2024.txt").read_bytes())
    before = book.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    report = review([inbox], jobs=1, annotate=out)
    assert book.read_bytes() == before
    copy = out / "单位甲" / "a.xlsx"
    assert {r.annotated for r in report.results} == {str(copy.resolve()), str((out / "seed.txt.xlsx").resolve())}
    wb = openpyxl.load_workbook(copy)
    assert "校验结果" in wb.sheetnames and "公开表" in wb.sheetnames


def test_annotated_paths_cannot_escape_the_folder(tmp_path):
    from xl_tools.batch.core import annotated_path
    out = tmp_path / "out"
    out.mkdir()
    src = tmp_path / "x.xlsx"
    assert annotated_path(out, "../../etc/x.xlsx", src) == (out / "x.xlsx").resolve()
    assert annotated_path(out, "/etc/x.xlsx", src) == (out / "x.xlsx").resolve()
    assert annotated_path(out, "a/b.pdf", src) == (out / "a" / "b.pdf.xlsx").resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)   # a link inside the output folder
    with pytest.raises(XlToolsError) as exc:
        annotated_path(out, "sub/a.xlsx", src)
    assert "不在输出文件夹" in str(exc.value)


def test_annotate_folder_inside_the_inputs_is_refused(tmp_path, capsys):
    from xl_tools.cli import main
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("x", "utf-8")
    assert main(["batch", str(inbox), "--json", "--annotate", str(inbox / "out")]) == 2
    assert "不能位于" in capsys.readouterr().err
    assert not (inbox / "out").exists()


# --- the same review on a Dask cluster ----------------------------------------------------------------

def test_dask_scheduler_gives_the_same_rows_as_local_processes(tmp_path):
    distributed = pytest.importorskip("distributed")
    from tests.support.batch import review
    from xl_tools.jsonio import load_json
    from xl_tools.workbook import build_workbook
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = load_json(Path(__file__).resolve().parents[1] / "xl_tools" / "data" / "sample_2024.expected.json")
    build_workbook(inbox / "good.xlsx", seed)
    bad = copy.deepcopy(seed)
    bad.projects[0].total += 1
    build_workbook(inbox / "bad.xlsx", bad)
    (inbox / "broken.xlsx").write_text("不是工作簿", "utf-8")
    local = review([inbox], jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        remote = review([inbox], scheduler=cluster.scheduler_address)
    row = lambda r: (r.file, r.status, r.errors, r.warnings, r.infos, r.worst_rule, r.error)  # noqa: E731
    assert [row(r) for r in remote.results] == [row(r) for r in local.results]
    assert remote.jobs == 2


def test_unreachable_scheduler_is_a_clear_message(tmp_path, capsys):
    pytest.importorskip("distributed")
    from xl_tools.cli import main
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("x", "utf-8")
    assert main(["batch", str(inbox), "--json", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "Dask 调度器" in capsys.readouterr().err


def test_an_imported_table_that_does_not_add_up_lists_each_mismatch_once_with_its_cell(tmp_path):
    """The importer's IMP020–IMP022 and the rules' AMT001/AMT006/AMT007 see the same mismatches; the
    review keeps the rules' findings, which name the cell of the workbook --annotate writes."""
    text = (DATA / "sample_2024.txt").read_text("utf-8")
    text = text.replace("600.00 600.00", "600.00 610.00", 1)              # a project: 总计 ≠ parts
    text = text.replace("广州市机电技师学院 5,138.68 5,138.68", "广州市机电技师学院 5,100.00 5,100.00", 1)
    src = tmp_path / "off.txt"
    src.write_text(text, "utf-8")
    row = review_one(src, annotate=tmp_path / "out")
    codes = [f.code for f in row.findings]
    assert not {"IMP020", "IMP021", "IMP022"} & set(codes), codes
    money = [f for f in row.findings if f.code in ("AMT001", "AMT006", "AMT007")]
    assert sorted(f.code for f in money) == ["AMT001", "AMT006", "AMT006", "AMT007"], [f.message for f in money]
    assert all(f.sheet and f.cell for f in money)
    project = next(f for f in money if f.code == "AMT001")
    assert (project.sheet, project.cell) == ("项目", "D2")
    book = openpyxl.load_workbook(row.annotated)
    listed = [r[1].value for r in book["校验结果"].iter_rows(min_row=4)]
    assert not {"IMP020", "IMP021", "IMP022"} & set(listed)
    assert listed.count("AMT001") == 1


# --- pandas stays out of the accountant's path -----------------------------------------------------------

def test_refresh_desktop_and_cli_do_not_import_pandas():
    """pandas is the reviewer's (extra ``batch``): the accountant's paths never import it. xlwings itself
    imports pandas when it is installed, so the modules that load xlwings (the desktop button, the live
    writer) are checked with pandas made unimportable: they must still import, while the consolidation
    cannot."""
    import subprocess
    import sys
    probe = ("import sys, importlib\n"
             "if sys.argv[1] == 'blocked': sys.modules['pandas'] = None\n"
             "for m in sys.argv[2:]: importlib.import_module(m)\n"
             "import xl_tools.cli; xl_tools.cli.build_parser()\n"
             "print(sorted(m for m in ('pandas', 'pyarrow') if sys.modules.get(m)))")

    def run(mode, *mods):
        done = subprocess.run([sys.executable, "-c", probe, mode, *mods], capture_output=True, text=True)
        return done.returncode, done.stdout.strip(), done.stderr

    assert run("free", "xl_tools.refresh", "xl_tools.refresh.file_writer", "xl_tools.app", "xl_tools.batch",
               "xl_tools.diff", "xl_tools.server")[:2] == (0, "[]")
    assert run("blocked", "xl_tools.desktop", "xl_tools.refresh.live", "xl_tools.app")[:2] == (0, "[]")
    code, _out, err = run("blocked", "xl_tools.batch.consolidation")        # the probe can see it
    assert code != 0 and "pandas" in err
    assert "'pandas'" in run("free", "xl_tools.batch.report")[1]


def test_a_rolled_over_filing_without_amounts_is_not_counted(tmp_path):
    """A filing whose projects have no amount yet (rolled over, not filled in) is not counted (未填): no
    合计 of 0.00 said as if it were true, no blank row in the table to sign; the line says so in the
    error colour."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    build_workbook(tmp_path / "filing_2024.xlsx", load_json(DATA / "sample_2024.expected.json"))
    rollover(tmp_path / "filing_2024.xlsx", folder / "filing_2025.xlsx", 2025)
    lines = consolidation_lines(consolidate(review([folder], jobs=1, progress=False)))
    (text, kind), = [line for line in lines if line[0].startswith("2025年没有")]
    assert text == "2025年没有计入的文件，未生成合并公开表；未填 1 项（见「合并来源」）"
    assert kind == ERROR
