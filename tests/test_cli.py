"""The command line end to end, as a user runs it (a real subprocess where the process matters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import openpyxl

from xl_tools.cli import main

from .conftest import ROOT, SEED_JSON, SEED_TXT, needs_soffice


def test_version_and_help():
    proc = subprocess.run([sys.executable, "-m", "xl_tools", "--version"], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.startswith("xl-tools ")
    proc = subprocess.run([sys.executable, "-m", "xl_tools"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "refresh" in proc.stderr and "用法" in proc.stderr


def test_check_json_contract_and_exit_codes(tmp_path, capsys, seed_workbook):
    assert main(["check", str(seed_workbook), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["summary"]) == {"errors", "warnings", "infos", "projects", "indicators"}
    assert data["summary"]["projects"] == 13 and data["summary"]["errors"] == 0
    assert all(set(f) == {"code", "severity", "sheet", "cell", "project", "indicator_no", "field", "message",
                          "suggestion", "also_cells", "draft"} for f in data["findings"])
    # a bare "90%" in both value cells: one finding about both cells (实施周期 F, 年度 G of the same row)
    both = [f for f in data["findings"] if f["code"] == "VAL007"]
    assert both and all(f["cell"].startswith("F") and f["also_cells"] == ["G" + f["cell"][1:]] for f in both)
    assert all(f["also_cells"] == [] for f in data["findings"] if f["code"].startswith("STR"))
    assert not any(f["code"].startswith("AMT") for f in data["findings"])
    wb = openpyxl.load_workbook(seed_workbook)
    wb["项目"]["D2"] = 1
    wb.save(seed_workbook)
    assert main(["check", str(seed_workbook), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert ("AMT001", "项目", "D2", "error") in {(f["code"], f["sheet"], f["cell"], f["severity"])
                                                 for f in data["findings"]}
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 2


def test_check_accepts_model_json(capsys):
    assert main(["check", str(SEED_JSON), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["indicators"] == 76


def test_import_writes_a_reviewed_workbook(tmp_path, capsys):
    out = tmp_path / "s.xlsx"
    assert main(["import", str(SEED_TXT), "-o", str(out), "--year", "2024"]) == 0
    captured = capsys.readouterr()
    assert "13 个项目" in captured.out and "--year" in captured.err
    wb = openpyxl.load_workbook(out)
    assert "校验结果" in wb.sheetnames and "公开表" in wb.sheetnames
    assert not (tmp_path / "s.xlsx.bak").exists()
    assert main(["dump", str(out), "--json"]) == 0
    dumped = json.loads(capsys.readouterr().out)
    expected = json.loads(SEED_JSON.read_text("utf-8"))
    for p in dumped["projects"]:
        for i in p["indicators"]:
            del i["period_target"], i["annual_target"]
    assert dumped == expected


def test_import_reports_what_does_not_reconcile_on_the_results_sheet(tmp_path, capsys):
    text = SEED_TXT.read_text("utf-8").replace("合计 5,138.68 5,138.68", "合计 5,138.99 5,138.99")
    src = tmp_path / "off.txt"
    src.write_text(text, "utf-8")
    out = tmp_path / "off.xlsx"
    assert main(["import", str(src), "-o", str(out)]) == 1        # the table read has an error (exit 1)
    err = capsys.readouterr().err
    assert "导入的填报表有 1 条错误" in err
    assert "IMP022" in err                      # the import's console log names the source line
    res = openpyxl.load_workbook(out)["校验结果"]
    codes = [row[1].value for row in res.iter_rows(min_row=4)]
    assert "IMP022" not in codes                # ... the results sheet lists the mismatch once,
    assert codes.count("AMT007") == 1           # as the rule's finding with the cell of 合计


def test_new_makes_a_button_workbook_under_any_name(tmp_path, capsys):
    """The button runs xl_tools.desktop.main() whatever the file is called: no .py beside it, no
    xlwings.conf pinning this PC's Python, any name (spaces, Chinese, parentheses)."""
    from xl_tools.workbook.vba import PYTHON_COMMAND, module_source
    out = tmp_path / "2025年绩效目标 (1).xlsm"
    assert main(["new", "-o", str(out), "--year", "2025", "--department", "某某局", "--unit", "某某学校"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb.defined_names["预算年度"] and "xlwings.conf" not in wb.sheetnames
    assert "xlwings config create" in wb["说明"]["B16"].value
    with zipfile.ZipFile(out) as zf:
        assert PYTHON_COMMAND in module_source(zf.read("xl/vbaProject.bin"))
    from xl_tools.workbook import read_filing
    filing = read_filing(out)
    assert (filing.year, filing.department, filing.units[0].name) == (2025, "某某局", "某某学校")


def test_rollover_and_diff(tmp_path, capsys, seed_workbook):
    new = tmp_path / "2025.xlsx"
    assert main(["rollover", str(seed_workbook), "--year", "2025", "-o", str(new)]) == 0
    err = capsys.readouterr().err
    assert "2023年-2024年" in err and "2024年6月30日前" in err
    # cleared amounts are blank (AMT008, a warning), not errors: the rolled filing checks with exit 0
    assert main(["check", str(new), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    codes = {f["code"] for f in findings}
    assert {"VAL010", "YR001", "YR002"} <= codes
    assert sum(f["code"] == "AMT008" for f in findings) == 13 and not any(f["severity"] == "error" for f in findings)
    out = tmp_path / "diff.xlsx"
    assert main(["diff", str(seed_workbook), str(new), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data and out.exists()
    assert openpyxl.load_workbook(out).sheetnames[0] == "增减情况"


@needs_soffice
def test_publish_with_pdf(tmp_path, capsys, seed_workbook):
    out, pdf = tmp_path / "t.xlsx", tmp_path / "t.pdf"
    assert main(["publish", str(seed_workbook), "-o", str(out), "--pdf", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert openpyxl.load_workbook(out).active["A1"].value == "2024年项目支出绩效目标表（含转移支付项目）"


@needs_soffice
def test_demo_runs_the_real_pipeline(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "xl_tools", "demo", "-o", str(tmp_path)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "13 个项目" in proc.stdout and "76 个指标" in proc.stdout and "5,138.68" in proc.stdout
    for name in ("sample_2024.xlsx", "sample_2024_公开表.xlsx", "sample_2024_公开表.pdf"):
        assert (tmp_path / name).exists()


def test_findings_on_json_name_the_cells_of_the_workbook_made_from_it(tmp_path, capsys):
    """check on MODEL.md JSON locates findings where `xl-tools load` puts the values."""
    data = json.loads(SEED_JSON.read_text("utf-8"))
    data["projects"][3]["total"] = "31.00"                         # an AMT001 on the 4th project
    data["units"][0]["fiscal"] = "1.00"                            # an AMT006 on the unit row
    src = tmp_path / "f.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    book = tmp_path / "f.xlsx"
    assert main(["load", str(src), "-o", str(book)]) == 0
    capsys.readouterr()
    located = []
    for path in (src, book):
        main(["check", str(path), "--json"])
        located.append([(f["code"], f["sheet"], f["cell"], f["field"])
                        for f in json.loads(capsys.readouterr().out)["findings"]])
    assert located[0] == located[1]
    assert ("AMT001", "项目", "D5", "total") in located[0]
    assert all(sheet and cell for _c, sheet, cell, _f in located[0])
