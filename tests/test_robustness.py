"""Messy, broken and hostile input (issue 9): one test per case of tests/inputs/cases.py.

docs/robustness.md lists the same cases and the behaviour users get.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from xl_tools.app import refresh_path as refresh_file
from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json, load_json
from xl_tools.rules import check
from xl_tools.workbook import build_workbook, read_filing

from .conftest import ROOT, SEED_JSON, SEED_TXT
from .inputs import cases


def _codes(findings):
    return {f.code for f in findings}


@pytest.fixture(scope="module")
def seed_codes():
    return _codes(check(load_json(SEED_JSON)))


# --- messy but valid: read as meant, no false finding ---------------------------------------------

def test_percent_cell_is_a_percentage(tmp_path, seed_codes):
    filing = read_filing(cases.percent_cell(tmp_path))
    ind = next(i for i in filing.indicators if i.name == "服务对象满意度")
    assert (ind.period_value, ind.annual_value) == ("95%", "95%")
    assert _codes(check(filing)) <= seed_codes


def test_text_numbers_are_numbers(tmp_path):
    filing = read_filing(cases.text_numbers(tmp_path))
    p = filing.projects[10]
    assert p.total == Decimal("1009.93") and p.fiscal == Decimal("1009.93")
    findings = check(filing)
    assert not [f for f in findings if f.code.startswith("AMT") and f.severity == "error"]
    # stored as text, Excel's SUM would skip them: a warning that says so, on those two cells only
    assert sorted(f.cell for f in findings if f.code == "AMT005") == ["D12", "E12"]


def test_date_cell_is_that_date(tmp_path):
    filing = read_filing(cases.date_cell(tmp_path))
    ind = next(i for i in filing.indicators if i.name == "项目验收并交付使用时间")
    assert ind.period_value == "2024年6月30日"
    from xl_tools.valuegrammar import parse_value
    t = parse_value(ind.period_value, 2024)
    assert t.kind == "date" and t.date.isoformat() == "2024-06-30"


def test_formula_totals_without_cache_are_computed(tmp_path, seed_codes):
    filing = read_filing(cases.formula_totals(tmp_path))
    assert [p.total for p in filing.projects] == [p.total for p in load_json(SEED_JSON).projects]
    assert _codes(check(filing)) <= seed_codes


@pytest.mark.soffice
def test_formula_totals_use_cached_values_after_a_spreadsheet_saved_them(tmp_path):
    from .conftest import HAS_SOFFICE, soffice_convert
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")
    src = cases.complex_formula(tmp_path)
    out = tmp_path / "lo"
    out.mkdir()
    saved = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", out)
    wb = openpyxl.load_workbook(saved, data_only=True)
    cached = wb["项目"]["D2"].value
    filing = read_filing(saved)                 # no error: the cached value is used
    assert filing.projects[0].total == Decimal(str(cached))


def test_complex_formula_without_cache_says_open_in_excel(tmp_path, capsys):
    path = cases.complex_formula(tmp_path)
    assert main(["dump", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "D2" in err and "Excel 中打开并保存" in err


def test_padded_names_match(tmp_path):
    filing = read_filing(cases.padded_names(tmp_path))
    assert not filing.orphan_indicators and len(filing.indicators) == 76


def test_blank_rows_merged_hidden_filtered_extra_columns(tmp_path, seed_codes):
    path = cases.blank_rows_merged_hidden_filtered(tmp_path)
    filing = read_filing(path)
    assert filing_to_json(filing, False)["projects"] == filing_to_json(load_json(SEED_JSON), False)["projects"]
    assert filing.projects[0].extra["经办人"] == "张三"
    assert _codes(check(filing)) <= seed_codes
    refresh_file(path)                               # and a refresh keeps the user's sheet and column
    wb = openpyxl.load_workbook(path)
    assert wb["我的草稿"]["A1"].value == "草稿，不参与校验" and wb["项目"]["J2"].value == "张三"


def test_styles_to_the_last_row_do_not_walk_a_million_rows(tmp_path, monkeypatch):
    path = cases.styles_to_last_row(tmp_path)
    seen = []
    import xl_tools.workbook.reader as reader
    original = reader.nonblank_rows

    def counting(ws, min_row=1, values_only=False):
        for r, row in original(ws, min_row, values_only):
            seen.append(r)
            yield r, row
    monkeypatch.setattr(reader, "nonblank_rows", counting)
    filing = read_filing(path)
    assert len(filing.projects) == 13
    assert max(seen) < 2000              # stopped after the blank run, not at row 1,048,576


# --- broken: exit 2, one Chinese line naming the file, nothing written ----------------------------

@pytest.mark.parametrize("case,needle", [
    ("empty_file", "空的"), ("not_a_zip", "不是 Excel 工作簿"), ("truncated_zip", "已损坏"),
    ("foreign_zip", "不是 Excel 工作簿"), ("encrypted", "加密"), ("legacy_xls", ".xls"),
    ("ods", ".ods"), ("missing_sheet", "绩效指标"), ("missing_header", "总计"),
])
def test_broken_input(tmp_path, capsys, case, needle):
    path = getattr(cases, case)(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out.xlsx"
    for argv in (["check", str(path)], ["refresh", str(path), "-o", str(out)], ["dump", str(path), "--json"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("错误：") and str(path) in err and needle in err
        assert "Traceback" not in err
    assert path.read_bytes() == before and not out.exists()


# --- hostile: bounded and safe ---------------------------------------------------------------------

@pytest.mark.parametrize("case", ["billion_laughs", "external_entity"])
def test_xml_attacks_are_refused(tmp_path, capsys, case):
    path = getattr(cases, case)(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "XML" in err and "root:" not in err


def test_zip_bomb_is_refused_before_inflating(tmp_path, capsys):
    path = cases.zip_bomb(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "压缩比" in err and "padding.bin" in err


def test_formula_like_text_is_stored_as_text_by_every_writer(tmp_path):
    data = cases.formula_injection_json()
    src = tmp_path / "inj.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    book = tmp_path / "inj.xlsx"
    assert main(["load", str(src), "-o", str(book)]) == 0
    refresh_file(book)
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert str(c.value).startswith('=HYPERLINK("#'), (ws.title, c.coordinate, c.value)
    assert wb["项目"]["H2"].value == cases.FORMULA_TEXTS[0] and wb["项目"]["H2"].data_type == "s"
    assert filing_to_json(read_filing(book), False)["projects"][2]["target"] == cases.FORMULA_TEXTS[2]
    # the xlwings writer marks such text with Excel's leading apostrophe
    from xl_tools.refresh.live import _cell_value
    assert [_cell_value(t) for t in cases.FORMULA_TEXTS] == ["'" + t for t in cases.FORMULA_TEXTS]


def test_overlong_cells_are_reported_not_written(tmp_path, capsys):
    src = tmp_path / "long.json"
    src.write_text(json.dumps(cases.too_long_cell_json(), ensure_ascii=False), "utf-8")
    out = tmp_path / "long.xlsx"
    assert main(["load", str(src), "-o", str(out)]) == 2
    assert "32767" in capsys.readouterr().err and not out.exists()
    book = cases.too_long_cell_book(tmp_path)
    findings = check(read_filing(book, strict=False))
    assert any(f.cell == "H3" and "32767" in f.message for f in findings)


# --- nothing lost ----------------------------------------------------------------------------------

def test_failure_leaves_input_byte_identical(tmp_path, monkeypatch):
    book = cases.seed_book(tmp_path)
    before = book.read_bytes()
    import xl_tools.refresh.file_writer as fw
    from xl_tools.app import refresh_path

    def boom(wb, ops):
        raise XlToolsError("模拟写入失败")
    monkeypatch.setattr(fw, "apply_ops", boom)
    with pytest.raises(XlToolsError):
        refresh_path(book)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.xlsx"]


def _big_book(folder, projects: int):
    """A synthetic filing of ``projects`` projects, and how to run the command line on it."""
    from tests.support.synthetic import synthetic_filing
    book = folder / "big.xlsx"
    build_workbook(book, synthetic_filing(projects))
    return book, {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.slow
def test_sigkill_in_the_middle_of_a_save_leaves_the_original(tmp_path):
    book, env = _big_book(tmp_path, 3000)
    before = book.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "xl_tools", "refresh", str(book)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    killed_in_save = False
    while time.monotonic() < deadline and proc.poll() is None:
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        if temps and temps[0].stat().st_size > 0:        # openpyxl is writing the new file
            proc.send_signal(signal.SIGKILL)
            killed_in_save = True
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed_in_save, "the save finished before it could be interrupted"
    assert proc.returncode == -signal.SIGKILL
    assert book.read_bytes() == before


# =====================================================================================================
# Round two (issue 14): every parser error is exit 2 naming the part, inputs are never outputs, the
# state sheet is untrusted, every input is bounded, formulas stay text, nothing is cut silently.
# =====================================================================================================

def _cli(capsys, argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "内部错误" not in captured.err, captured.err
    return rc, captured.err.strip()


def _refused(capsys, argv, *needles) -> str:
    """The command exits 2 with one Chinese line holding every needle."""
    rc, err = _cli(capsys, argv)
    assert rc == 2, (argv, err)
    assert len(err.splitlines()) == 1 and err.startswith("错误："), err
    for needle in needles:
        assert str(needle) in err, (needle, err)
    return err


# --- 1. one exception boundary: parser errors are exit 2 with the part named ----------------------

NAMED_PARTS = ["docProps/core.xml", "xl/workbook.xml", "xl/worksheets/sheet3.xml", "xl/styles.xml",
               "xl/sharedStrings.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]


@pytest.mark.parametrize("part", NAMED_PARTS)
def test_entity_declaration_in_any_part_is_refused_by_name(tmp_path, capsys, part):
    path = cases.with_part(tmp_path, "dtd.xlsx", part, cases.with_doctype)
    out = tmp_path / "out.xlsx"
    for argv in (["check", path], ["refresh", path, "-o", out]):
        _refused(capsys, argv, path, f"工作簿中 {part}", "被禁止的 XML 结构")
    assert not out.exists()


@pytest.mark.parametrize("part", NAMED_PARTS)
def test_damaged_xml_in_any_part_is_named(tmp_path, capsys, part):
    path = cases.with_part(tmp_path, "cut.xlsx", part, cases.cut_in_half)
    before = path.read_bytes()
    for argv in (["check", path], ["dump", path, "--json"]):
        if part.startswith("docProps/"):    # the document properties are not the filing's: never read
            assert _cli(capsys, argv)[0] == 0
        else:
            _refused(capsys, argv, path, f"工作簿中 {part} 已损坏")
    out = tmp_path / "out.xlsx"
    rc, err = _cli(capsys, ["refresh", path, "-o", out])
    if rc == 0:            # a part the package patcher never reads is copied as it is: nothing lost
        with zipfile.ZipFile(path) as a, zipfile.ZipFile(out) as b:
            assert a.read(part) == b.read(part)
    else:
        assert rc == 2 and f"工作簿中 {part} 已损坏" in err, err
    assert path.read_bytes() == before and not (tmp_path / "cut.xlsx.bak").exists()


def test_unknown_compression_method_names_the_part(tmp_path, capsys):
    path = cases.unknown_compression(tmp_path)
    _refused(capsys, ["check", path], "xl/sharedStrings.xml", "不支持的压缩方式")


def test_dde_defined_names_are_not_cell_references(tmp_path, capsys):
    path = cases.dde_defined_name(tmp_path)
    rc, _ = _cli(capsys, ["check", path])
    assert rc in (0, 1)
    rc, _ = _cli(capsys, ["refresh", path, "-o", tmp_path / "out.xlsx"])
    assert rc in (0, 1)


def test_money_beyond_decimal_precision_is_a_cell_problem(tmp_path, capsys):
    path = cases.huge_money(tmp_path)
    rc, _ = _cli(capsys, ["check", path])
    assert rc == 1
    result = check(read_filing(path, strict=False))
    assert {("AMT004", "D2"), ("AMT004", "E3")} <= {(f.code, f.cell) for f in result}
    _refused(capsys, ["dump", path, "--json"], path, "D2")
    rc, _ = _cli(capsys, ["refresh", path, "-o", tmp_path / "out.xlsx"])
    assert rc == 1
    data = json.loads(SEED_JSON.read_text("utf-8"))
    data["projects"][0]["total"] = "100000000000000000000000000000.00"
    src = tmp_path / "huge.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    _refused(capsys, ["check", src], "projects[0].total", "不是金额")


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e999999999"])
def test_config_numbers_that_are_not_finite_are_refused(tmp_path, capsys, value):
    config = tmp_path / "c.toml"
    config.write_text(f'[VAL006]\nfloor = "{value}"\n', "utf-8")
    _refused(capsys, ["check", cases.seed_book(tmp_path), "--config", config], "VAL006.floor")


def test_config_folder_or_not_utf8_is_refused(tmp_path, capsys):
    book = cases.seed_book(tmp_path)
    folder = tmp_path / "cfg"
    folder.mkdir()
    _refused(capsys, ["check", book, "--config", folder], str(folder), "文件夹")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes("title = '广东'\n".encode("gbk"))
    _refused(capsys, ["check", book, "--config", gbk], "UTF-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", "utf-8")
    _refused(capsys, ["check", book, "--config", deep], str(deep))


def test_deeply_nested_json_is_refused(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    _refused(capsys, ["check", deep], deep, "嵌套过深")
    _refused(capsys, ["load", deep, "-o", tmp_path / "out.xlsx"], deep, "嵌套过深")
    assert not (tmp_path / "out.xlsx").exists()


def test_sheets_renamed_after_a_refresh(tmp_path, capsys):
    path = cases.renamed_after_refresh(tmp_path)
    rc, _ = _cli(capsys, ["refresh", path])
    assert rc == 1
    wb = openpyxl.load_workbook(path)
    assert "项目 " in wb.sheetnames and "项目" not in wb.sheetnames
    results = [r[1] for r in wb["校验结果"].iter_rows(min_row=4, values_only=True)]
    assert "FILE003" in results                      # the old sheet names were ignored, and said so


@pytest.mark.parametrize("value,invalid", [("NaN NaN", "NaN"), ("1e309 1e309", "1e309"),
                                           ("600.00\u200b 600.00", None), ("\u202e600.00 600.00", None)])
def test_odd_amounts_keep_their_project(value, invalid):
    from xl_tools.importer import import_text
    result = import_text(cases.amounts_text(value), year=2024)
    names = [p.name for p in result.filing.projects]
    assert "市机电技师学院安保和物业管理服务经费" in names and len(names) == 13
    codes = {f.code for f in result.findings}
    assert "IMP013" not in codes                     # no content left without its name
    project = result.filing.projects[names.index("市机电技师学院安保和物业管理服务经费")]
    if invalid is None:
        assert project.total == Decimal("600.00") and not codes & {"IMP020", "IMP033"}
    else:
        found = [f for f in result.findings if f.code == "IMP033"]
        assert found and invalid in found[0].message and found[0].project == project.name


# --- 2. inputs are never outputs ---------------------------------------------------------------------

def test_publish_and_diff_never_write_over_an_input(tmp_path, capsys):
    book = cases.seed_book(tmp_path)
    other = cases.seed_book(tmp_path, "other.xlsx")
    before = book.read_bytes()
    _refused(capsys, ["publish", book, "-o", book], "输出文件就是输入文件")
    _refused(capsys, ["diff", book, other, "-o", book], "输出文件就是输入文件")
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    _refused(capsys, ["publish", book, "-o", link], "输出文件就是输入文件")
    hard = tmp_path / "hard.xlsx"
    os.link(book, hard)
    _refused(capsys, ["diff", other, book, "-o", hard], "输出文件就是输入文件")
    assert book.read_bytes() == before and link.is_symlink()


def test_load_import_rollover_never_write_over_an_input(tmp_path, capsys):
    src = tmp_path / "seed.json"
    src.write_text(SEED_JSON.read_text("utf-8"), "utf-8")
    link = tmp_path / "link.xlsx"
    link.symlink_to(src)
    _refused(capsys, ["load", src, "-o", link], "输出文件就是输入文件")
    text = tmp_path / "seed.txt"
    text.write_text(SEED_TXT.read_text("utf-8"), "utf-8")
    tlink = tmp_path / "t.xlsx"
    tlink.symlink_to(text)
    _refused(capsys, ["import", text, "-o", tlink], "输出文件就是输入文件")
    book = cases.seed_book(tmp_path)
    blink = tmp_path / "b.xlsx"
    blink.symlink_to(book)
    _refused(capsys, ["rollover", book, "--year", "2025", "-o", blink])
    assert link.is_symlink() and tlink.is_symlink() and blink.is_symlink()


def test_batch_annotate_into_the_inputs_own_folder_is_refused(tmp_path, capsys, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book = cases.seed_book(inbox, "f.xlsx")
    before = book.read_bytes()
    _refused(capsys, ["batch", book, "--json", "--annotate", inbox], "就是被审核的文件")
    monkeypatch.chdir(inbox)
    _refused(capsys, ["batch", "f.xlsx", "--json", "--annotate", "."], "就是被审核的文件")
    assert book.read_bytes() == before and sorted(p.name for p in inbox.iterdir()) == ["f.xlsx"]
    _refused(capsys, ["batch", book, "-o", book])
    assert book.read_bytes() == before


def test_batch_annotate_keeps_two_units_with_the_same_file_name(tmp_path, capsys):
    for unit in ("单位甲", "单位乙"):
        (tmp_path / unit).mkdir()
        cases.seed_book(tmp_path / unit, "报表.xlsx")
    out = tmp_path / "out"
    rc, _ = _cli(capsys, ["batch", tmp_path / "单位甲", tmp_path / "单位乙", "--json", "--annotate", out])
    capsys.readouterr()
    assert rc in (0, 1)
    copies = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert copies == ["单位乙/报表.xlsx", "单位甲/报表.xlsx"]


def test_bak_is_never_written_through_a_symlink(tmp_path):
    book = cases.seed_book(tmp_path)
    before = book.read_bytes()
    victim = tmp_path / "victim.txt"
    victim.write_text("不能被覆盖", "utf-8")
    bak = tmp_path / "seed.xlsx.bak"
    bak.symlink_to(victim)
    assert main(["refresh", str(book)]) in (0, 1)
    assert victim.read_text("utf-8") == "不能被覆盖"
    assert not bak.is_symlink() and bak.read_bytes() == before


def test_a_symlinked_input_is_updated_at_its_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    book = cases.seed_book(real)
    before = book.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    assert main(["refresh", str(link)]) in (0, 1)
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert "校验结果" in openpyxl.load_workbook(book).sheetnames
    assert (real / "seed.xlsx.bak").read_bytes() == before


@pytest.mark.slow
def test_two_refreshes_at_once_keep_the_original_as_bak(tmp_path):
    book, env = _big_book(tmp_path, 400)
    before = book.read_bytes()
    procs = [subprocess.Popen([sys.executable, "-m", "xl_tools", "refresh", str(book)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = [p.wait(timeout=600) for p in procs]
    errors = [p.stderr.read() for p in procs]
    assert sorted(codes) in ([0, 2], [1, 2]), (codes, errors)     # one saved, the other stopped
    assert (tmp_path / "big.xlsx.bak").read_bytes() == before
    assert not any("Traceback" in e or "内部错误" in e for e in errors)
    assert any("被其他程序修改" in e for e in errors)          # the second one said why it stopped


# --- a full disk: real (a tmpfs of a few hundred kilobytes), skipped where it cannot be mounted -----

@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=768k", "tmpfs", str(mount)],
                                            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk, leave: int) -> None:
    """Take all but about ``leave`` bytes of the disk."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_full_disk_in_load_import_and_refresh(tiny_disk, tmp_path, capsys):
    src = tmp_path / "seed.json"
    src.write_text(SEED_JSON.read_text("utf-8"), "utf-8")
    text = tmp_path / "seed.txt"
    text.write_text(SEED_TXT.read_text("utf-8"), "utf-8")
    book = cases.seed_book(tiny_disk)
    before = book.read_bytes()
    _fill(tiny_disk, 8 * 1024)
    _refused(capsys, ["load", src, "-o", tiny_disk / "new.xlsx"], "磁盘空间不足")
    _refused(capsys, ["import", text, "-o", tiny_disk / "imp.xlsx"], "磁盘空间不足")
    _refused(capsys, ["refresh", book], "磁盘空间不足")
    assert book.read_bytes() == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "seed.xlsx"]      # no temporary left


def test_full_disk_keeps_the_old_bak(tiny_disk, tmp_path, capsys):
    book = cases.seed_book(tiny_disk)
    before = book.read_bytes()
    bak = tiny_disk / "seed.xlsx.bak"
    bak.write_bytes(b"the backup of an earlier refresh")
    probe = tmp_path / "probe.xlsx"                  # how big the refreshed file is
    assert main(["refresh", str(book), "-o", str(probe)]) in (0, 1)
    capsys.readouterr()
    _fill(tiny_disk, probe.stat().st_size + len(before) // 2 + 4096)   # room for the file, not the .bak
    _refused(capsys, ["refresh", book], "备份", "磁盘空间不足")
    assert bak.read_bytes() == b"the backup of an earlier refresh" and book.read_bytes() == before


# --- 3. the state sheet is untrusted -------------------------------------------------------------------

@pytest.mark.timeout(120)
def test_state_ranges_are_bounded_not_expanded(tmp_path):
    import tracemalloc

    from xl_tools.refresh.state import read_state
    path = cases.tampered_state(tmp_path, [["hls", "项目", None, "error", "A1:XFD1048576 B2 A1:Z20000"],
                                           ["hl", "项目", "A1:XFD1048576", "warning", None]])
    wb = openpyxl.load_workbook(path)
    tracemalloc.start()
    state = read_state(wb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 2**20
    assert ("项目", 2, 2) in state.highlights and ("项目", 1, 16384) not in state.highlights
    assert len(state.ignored) == 2 and state.findings()[0].code == "FILE003"


def test_state_rows_naming_other_sheets_are_ignored(tmp_path, capsys):
    path = cases.tampered_state(tmp_path, [
        ["hls", "说明", None, "error", "B13"], ["hls", "不存在", None, "error", "A1"],
        ["fill", "项目", "B2", "x", '{"code": "NOPE", "message": "m"}'],
        ["fill", "说明", "B2", "x", '{"code": "FIL001", "message": "m"}'],
        ["notes", "项目", None, None, "[" * 20_000], ["evil", "项目", "A1", None, None]])
    rc, _ = _cli(capsys, ["refresh", path])
    assert rc in (0, 1)
    wb = openpyxl.load_workbook(path)
    assert wb["说明"]["B13"].fill.fgColor.rgb != "FFFFC7CE" and wb["项目"]["B2"].value != "x"
    rows = list(wb["校验结果"].iter_rows(min_row=4, values_only=True))
    assert any(r[1] == "FILE003" and "6 行" in r[5] for r in rows), rows
    rc, _ = _cli(capsys, ["refresh", path])          # rewritten: nothing left to distrust
    assert not any(r[1] == "FILE003" for r in openpyxl.load_workbook(path)["校验结果"].iter_rows(
        min_row=4, values_only=True))


def test_summary_is_written_only_to_its_own_cell(tmp_path, capsys):
    path = cases.summary_name_on_a_header(tmp_path)
    rc, _ = _cli(capsys, ["refresh", path])
    assert rc in (0, 1)
    wb = openpyxl.load_workbook(path)
    assert wb["项目"]["A1"].value == "序号"
    assert any(r[1] == "FILE003" and "上次刷新" in r[5] for r in wb["校验结果"].iter_rows(min_row=4, values_only=True))


# --- 4. limits ------------------------------------------------------------------------------------------

def _in_thread(fn, seconds: float = 20):
    """fn() in a thread; the test fails (instead of hanging) when it does not return in time."""
    import threading
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("rc", fn()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked on a non-regular file"
    return out["rc"]


def test_fifos_devices_and_folders_are_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    jfifo = tmp_path / "pipe.json"
    os.mkfifo(jfifo)
    device = tmp_path / "zero.xlsx"
    device.symlink_to("/dev/zero")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    book = cases.seed_book(tmp_path)
    for argv, needle in ((["check", fifo], "命名管道"), (["check", jfifo], "命名管道"), (["refresh", fifo], "命名管道"),
                         (["check", device], "字符设备"), (["check", folder], "文件夹"),
                         (["check", book, "--config", jfifo], "命名管道"), (["import", jfifo, "-o", tmp_path / "o.xlsx"],
                                                                           "命名管道")):
        rc = _in_thread(lambda argv=argv: main([str(a) for a in argv]))
        err = capsys.readouterr().err
        assert rc == 2 and needle in err, (argv, err)
    rc = _in_thread(lambda: main(["batch", str(tmp_path), "--json"]))
    data = json.loads(capsys.readouterr().out)
    assert rc == 1 and {f["file"] for f in data["files"] if f["status"] == "无法读取"} >= {"pipe.xlsx", "folder.xlsx"}


def test_file_size_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XL_TOOLS_MAX_FILE_MB", "1")
    text = tmp_path / "big.txt"
    text.write_text(SEED_TXT.read_text("utf-8") * 80, "utf-8")            # 1.4 MB
    _refused(capsys, ["check", text], "超过上限 1 MB", "XL_TOOLS_MAX_FILE_MB")
    monkeypatch.setenv("XL_TOOLS_MAX_FILE_MB", "abc")
    _refused(capsys, ["check", text], "XL_TOOLS_MAX_FILE_MB")


@pytest.mark.slow
def test_a_million_rows_stop_early_with_a_message(tmp_path, capsys):
    path = cases.tall_sheet(tmp_path)
    tracemalloc_peak = _peak(lambda: _refused(capsys, ["check", path], "项目", "50,000", "XL_TOOLS_MAX_ROWS"))
    assert tracemalloc_peak < 400 * 2**20
    _refused(capsys, ["refresh", path, "-o", tmp_path / "o.xlsx"], "50,000")


def _peak(fn) -> int:
    import tracemalloc
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_row_and_cell_limits_are_configurable(tmp_path, capsys, monkeypatch):
    path = cases.seed_book(tmp_path)
    monkeypatch.setenv("XL_TOOLS_MAX_ROWS", "30")
    _refused(capsys, ["check", path], "绩效指标", "上限 30 行")
    _refused(capsys, ["refresh", path], "上限 30 行")
    monkeypatch.delenv("XL_TOOLS_MAX_ROWS")
    monkeypatch.setenv("XL_TOOLS_MAX_CELLS", "50")
    _refused(capsys, ["check", path], "超过上限 50 个")


def test_text_import_grows_linearly():
    from xl_tools.importer import import_text
    base = SEED_TXT.read_text("utf-8")

    def cost(copies: int) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            import_text(base * copies, year=2024)
            best = min(best, time.process_time() - start)
        return best
    small, large = cost(12), cost(48)
    assert large / small < 6.5, (small, large)       # 4× the input: linear is 4, quadratic 16


def test_pdf_flate_bombs_are_refused(tmp_path, capsys, monkeypatch):
    pytest.importorskip("pdfplumber")
    monkeypatch.setenv("XL_TOOLS_MAX_PDF_INFLATED_MB", "16")
    for path in (cases.flate_bomb_pdf(tmp_path, 64), cases.flate_bomb_pdf(tmp_path, 24, double=True)):
        _refused(capsys, ["check", path], path, "压缩炸弹", "XL_TOOLS_MAX_PDF_INFLATED_MB")
    monkeypatch.setenv("XL_TOOLS_MAX_PAGES", "3")
    _refused(capsys, ["import", cases.many_pages_pdf(tmp_path, 5), "-o", tmp_path / "o.json"], "5 页", "上限 3 页")


def test_time_budget_stops_a_task(tmp_path, capsys, monkeypatch):
    from xl_tools import limits
    with limits.deadline(0):
        time.sleep(0.01)
        with pytest.raises(limits.TimeLimitExceeded):
            limits.check_time()
    monkeypatch.setenv("XL_TOOLS_MAX_SECONDS", "1")
    text = tmp_path / "big.txt"
    text.write_text(SEED_TXT.read_text("utf-8") * 500, "utf-8")     # several seconds of work on any machine
    _refused(capsys, ["check", text], "处理时间超过上限 1 秒", "XL_TOOLS_MAX_SECONDS")


# --- 5. formula safety ------------------------------------------------------------------------------------

def test_live_links_in_user_cells_are_warned_and_never_copied_live(tmp_path, capsys):
    path = cases.live_links(tmp_path)
    findings = check(read_filing(path, strict=False))
    assert {f.cell for f in findings if f.code == "RD002" and f.severity == "warning"} == set(cases.LIVE_LINKS)
    out = tmp_path / "out.xlsx"
    rc, _ = _cli(capsys, ["refresh", path, "-o", out])
    assert rc in (0, 1, 2)
    if rc != 2:
        _only_own_formulas(out, ("校验结果", "公开表"))


def _only_own_formulas(path, sheets=None) -> None:
    """Every formula in the workbook at ``path`` is one link_formula built (=HYPERLINK("#'sheet'!A1",…))."""
    import re
    own = re.compile(r"""^=HYPERLINK\("#'(?:[^'"]|''|"")+'![A-Z]{1,3}[0-9]+","(?:[^"]|"")*"\)$""")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert own.match(str(c.value)), (path.name, ws.title, c.coordinate, c.value)


def test_every_writer_writes_only_its_own_formulas(tmp_path, capsys):
    src = tmp_path / "names.json"
    src.write_text(json.dumps(cases.formula_named_projects(), ensure_ascii=False), "utf-8")
    book = tmp_path / "book.xlsx"
    assert main(["load", str(src), "-o", str(book)]) == 0
    refreshed = tmp_path / "refreshed.xlsx"
    assert main(["refresh", str(book), "-o", str(refreshed)]) == 1
    wb = openpyxl.load_workbook(refreshed)
    names = {r[3] for r in wb["校验结果"].iter_rows(min_row=4, values_only=True)}
    assert set(cases.FORMULA_NAMES) <= names          # the names are there, as text
    outputs = {"refresh": refreshed, "load": book}
    for cmd, out in (("publish", tmp_path / "pub.xlsx"), ("diff", tmp_path / "diff.xlsx"),
                     ("batch", tmp_path / "review.xlsx")):
        argv = {"publish": ["publish", src, "-o", out, "--allow-errors"],
                "diff": ["diff", SEED_JSON, src, "-o", out],
                "batch": ["batch", book, "-o", out, "--annotate", tmp_path / "annotated"]}[cmd]
        rc, _ = _cli(capsys, argv)
        assert rc in (0, 1), cmd
        outputs[cmd] = out
    outputs["annotate"] = tmp_path / "annotated" / "book.xlsx"
    outputs["rollover"] = tmp_path / "next.xlsx"
    assert main(["rollover", str(refreshed), "--year", "2025", "-o", str(outputs["rollover"])]) == 0
    for name, out in outputs.items():
        _only_own_formulas(out)


# --- 6. no silent truncation ---------------------------------------------------------------------------

def test_a_project_with_40000_characters_of_indicators_is_published_whole(tmp_path, capsys):
    from xl_tools.publish.indicators import indicator_text
    data = cases.long_indicators_json()
    src = tmp_path / "long.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    full = indicator_text(load_json(src).projects[1].indicators)
    assert len(full) > 40_000
    out = tmp_path / "pub.xlsx"
    rc, err = _cli(capsys, ["publish", src, "-o", out, "--allow-errors"])
    assert rc in (0, 1) and "32,767" in err
    ws = openpyxl.load_workbook(out)["公开表"]
    cells = [c.value for c in ws["G"] if isinstance(c.value, str)]
    assert max(len(c) for c in cells) <= 32767
    assert full in "".join(cells)


def test_control_characters_in_texts_are_stored_not_fatal(tmp_path, capsys):
    data = json.loads(SEED_JSON.read_text("utf-8"))
    data["projects"][0]["name"] = "市机电\x08技师学院\x0c项目"
    data["projects"][1]["target"] = "目标\x01文字"
    src = tmp_path / "ctl.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    pub = tmp_path / "pub.xlsx"
    for argv in (["check", src], ["load", src, "-o", tmp_path / "b.xlsx"], ["refresh", tmp_path / "b.xlsx"],
                 ["publish", src, "-o", pub, "--allow-errors"],
                 ["diff", SEED_JSON, src, "-o", tmp_path / "d.xlsx"], ["batch", src.with_suffix(".txt"), "--json"]):
        if argv[0] == "batch":
            text = SEED_TXT.read_text("utf-8").replace("市机电技师学院安保", "市机电\x08技师学院安保", 1)
            argv[1].write_text(text, "utf-8")
            argv += ["-o", tmp_path / "review.xlsx"]
        rc, _ = _cli(capsys, argv)
        assert rc in (0, 1), argv
    names = [c.value for c in openpyxl.load_workbook(pub)["公开表"]["A"] if c.value]
    assert "市机电_x0008_技师学院_x000C_项目" in names          # Excel shows the characters themselves


def test_an_error_message_stays_one_line_whatever_a_damaged_file_names():
    """A part name or path read from a damaged zip may hold line breaks (\\x1e counts for splitlines)."""
    err = XlToolsError("工作簿中 xl/wor\x1esheets/sheet3.xml 已损坏", file="/tmp/a\nb.xlsx")
    assert len(str(err).splitlines()) == 1 and "\\x1e" in str(err) and "\\x0a" in str(err)


def test_a_corrupt_deflate_stream_is_not_taken_for_a_report(tmp_path):
    """outputmark reads workbook.xml before the reader: a stream zlib cannot inflate is "not ours"."""
    from xl_tools.outputmark import workbook_kind
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", b"\xff" * 64)
    data = bytearray(path.read_bytes())
    for header, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):   # stored → deflated, both headers
        at = data.index(header) + method_at
        data[at:at + 2] = (8).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    assert workbook_kind(path) is None
