"""What ``xl-tools check`` prints for a person: a summary, the first findings of each rule on each sheet,
how many more there are; wrapped to the terminal (80 columns here), one line per item into a pipe."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

from xl_tools.address import CellAddress
from xl_tools.cli import main
from xl_tools.cli.listing import MORE, SHOWN_PER_GROUP, columns, print_findings, wrap
from xl_tools.findings import Finding

from .conftest import ROOT

_SGR = re.compile(r"\033\[[0-9;]*m")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _findings(n: int, code: str = "VAL007", sheet: str = "绩效指标", severity: str = "info") -> list[Finding]:
    return [Finding(code, severity, f"满意度指标「物业安保服务满意率{k}」的实施周期指标值和年度指标值「90%」没有“≥”",
                    "写成 ≥90%", sheet=sheet, at=CellAddress(sheet, k + 2, 6), also=(CellAddress(sheet, k + 2, 7),))
            for k in range(n)]


def test_check_prints_the_summary_first_then_groups_and_counts_the_rest(capsys, seed_workbook):
    assert main(["check", str(seed_workbook)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"{seed_workbook}：错误 0 条，警告 30 条，提示 11 条（项目 13 个，指标 76 个）"
    assert "┏" not in out and "\033[" not in out           # no table, no colour into a pipe
    # STR015 (13 findings on 项目) is one group: its first findings, then how many more
    header = lines.index("  项目 · STR015 缺少成本指标（13 条）")
    shown = [ln for ln in lines[header + 1:header + 1 + 2 * SHOWN_PER_GROUP] if ln.startswith("    项目!B")]
    assert len(shown) == SHOWN_PER_GROUP and shown[0].startswith("    项目!B2  项目涉及「物业」")
    assert lines[header + 1 + 2 * SHOWN_PER_GROUP] == f"    ……同类还有 {13 - SHOWN_PER_GROUP} 条"
    # errors, warnings, infos in that order; the last line says where the rest are
    assert out.index("警告 30 条") < out.index("提示 11 条")
    hidden = sum(int(n) for n in re.findall(r"……同类还有 (\d+) 条", out))
    assert lines[-1] == MORE.format(n=hidden) and hidden > 0


def test_check_into_a_pipe_has_one_line_per_finding(tmp_path):
    """A whole process into a pipe: every listed finding is one line (grep finds it whole), however long."""
    book = tmp_path / "seed.xlsx"
    subprocess.run([sys.executable, "-m", "xl_tools", "import", str(ROOT / "xl_tools/data/sample_2024.txt"), "-o",
                    str(book)], check=True, capture_output=True, cwd=ROOT)
    proc = subprocess.run([sys.executable, "-m", "xl_tools", "check", str(book)], capture_output=True, text=True,
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", "COLUMNS": "40"})
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if "项目!B9" in ln)
    assert line.startswith("    项目!B9  项目名称写的是「2023年」") and line.endswith("一次性项目"), line


def test_on_a_terminal_every_line_fits_80_columns_and_severities_are_coloured(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    long = [Finding("YR001", "warning", "项目名称写的是「2023年」，预算年度是 2024 年：可能是沿用上年名称，或是上年已完成的"
                    "一次性项目（广州市机电技师学院2023年智慧校园与网络安全信息化建设项目ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789）", "延续项目请把名称中的年份改为 2024年",
                    sheet="项目", at=CellAddress("项目", 9, 2))]
    out = _Terminal()
    print_findings(long + _findings(20), out)
    text = out.getvalue()
    assert "\033[1;33m警告 1 条\033[0m" in text and "\033[1;36m提示 20 条\033[0m" in text
    plain = _SGR.sub("", text).splitlines()
    assert max(columns(ln) for ln in plain) <= 80
    assert all(not ln.startswith(("，", "。", "）", "」")) for ln in (s.strip() for s in plain))
    # a wrapped message keeps its hanging indent; the whole text is still there, in order
    at = next(k for k, ln in enumerate(plain) if ln.startswith("    项目!B9"))
    assert plain[at + 1].startswith("        ") and not plain[at + 1].startswith("         ")
    joined = "".join(ln.strip() for ln in plain[at:at + 6])
    assert "一次性项目（广州市机电技师学院2023年智慧校园" in joined and "0123456789）" in joined


def test_colour_is_off_with_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = _Terminal()
    print_findings(_findings(2), out)
    assert "\033[" not in out.getvalue()


def test_wrap_breaks_chinese_anywhere_keeps_latin_runs_and_closing_punctuation():
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("一二，三四", 4) == ["一", "二，", "三四"]           # ， never starts a line
    assert wrap("一 F5、G5 二", 6, hanging="  ") == ["一", "  F5、", "  G5", "  二"]
    assert wrap("ABCDEFGHIJ", 4) == ["ABCD", "EFGH", "IJ"]          # longer than a line: cut
    assert all(columns(ln) <= 10 for ln in wrap("≥95%满意度“达标”" * 5, 10, "  ", "    "))


def test_a_filing_with_few_findings_lists_them_all():
    out = io.StringIO()
    print_findings(_findings(5), out)
    assert out.getvalue().count("「90%」没有“≥”") == 5 and "还有" not in out.getvalue()


def test_many_groups_each_show_their_first_findings_and_the_total_of_the_rest():
    findings = (_findings(3, "AMT001", "项目", "error") + _findings(40) + _findings(2, "VAL015"))
    out = io.StringIO()
    print_findings(findings, out)
    text = out.getvalue()
    assert text.index("错误 3 条") < text.index("提示 42 条")
    assert "  项目 · AMT001" in text and "  绩效指标 · VAL007" in text and "（40 条）" in text
    assert text.rstrip().endswith(MORE.format(n=40 - SHOWN_PER_GROUP))


def test_check_json_is_unchanged_in_shape(capsys, seed_workbook):
    assert main(["check", str(seed_workbook), "--json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert text.startswith('{\n  "summary": {\n    "errors": 0,')      # indented as before
    assert list(data) == ["summary", "findings", "fills", "pending"]
    assert list(data["findings"][0]) == ["code", "severity", "sheet", "cell", "project", "indicator_no", "field",
                                         "message", "suggestion", "also_cells", "draft"]
    assert len(data["findings"]) == 41
