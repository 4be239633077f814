"""Messages about the file itself say what to do: the file a typo meant, Excel's lock file passed by
mistake, an empty file and where its backup is; and a workbook open in Excel is read with a warning
that what is read is the version last saved."""

from __future__ import annotations

import json

import openpyxl
import pytest

from xl_tools.cli import main
from xl_tools.xlsxfile import OTHER_FORMATS, other_format


@pytest.fixture
def folder(tmp_path, seed_workbook):
    book = tmp_path / "2025年绩效目标.xlsx"
    book.write_bytes(seed_workbook.read_bytes())
    (tmp_path / "2025年绩效目标.xlsx.bak").write_bytes(seed_workbook.read_bytes())
    (tmp_path / "说明.txt").write_text("x", "utf-8")
    return tmp_path


def _err(argv, capsys, code=2) -> str:
    assert main([str(a) for a in argv]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_a_missing_file_names_the_file_a_typo_meant(folder, capsys):
    assert "是否是 2025年绩效目标.xlsx？" in _err(["check", folder / "2025绩效目标.xlsx"], capsys)
    assert "是否是 2025年绩效目标.xlsx？" in _err(["check", folder / "2025年绩效目标.xlsm"], capsys)   # wrong suffix
    assert "请检查文件名" in _err(["check", folder / "完全不同的名字.xlsx"], capsys)
    assert "文件夹" in _err(["check", folder / "没有的文件夹" / "a.xlsx"], capsys)


def test_the_excel_lock_file_is_named_for_what_it_is(folder, capsys):
    lock = folder / "~$2025年绩效目标.xlsx"
    lock.write_bytes(b"\x0bExcel user" + b" " * 150)
    err = _err(["check", lock], capsys)
    assert "这是 Excel 的临时锁定文件，不是工作簿" in err and "2025年绩效目标.xlsx" in err


def test_an_empty_file_says_how_to_recover(folder, capsys):
    empty = folder / "2025年绩效目标.xlsx"
    empty.write_bytes(b"")
    err = _err(["check", empty], capsys)
    assert "0 字节" in err and "2025年绩效目标.xlsx.bak" in err and "去掉 .bak" in err
    other = folder / "空文件.xlsx"
    other.write_bytes(b"")
    assert "从备份" in _err(["check", other], capsys)


@pytest.mark.parametrize("command", ["check", "publish", "rollover", "dump", "diff"])
def test_reading_a_workbook_open_in_excel_warns_once(command, folder, capsys):
    book = folder / "2025年绩效目标.xlsx"
    argv = {"check": ["check", book], "dump": ["dump", book],
            "publish": ["publish", book, "-o", folder / "公开表.xlsx"],
            "rollover": ["rollover", book, "--year", "2026", "-o", folder / "2026.xlsx"],
            "diff": ["diff", book, folder / "另一份.xlsx"]}[command]
    (folder / "另一份.xlsx").write_bytes(book.read_bytes())
    argv = [str(a) for a in argv]
    assert main(argv) in (0, 1)
    assert "Excel 中打开" not in capsys.readouterr().err
    (folder / "~$2025年绩效目标.xlsx").write_bytes(b"\x0bExcel user")
    for out in ("公开表.xlsx", "2026.xlsx"):
        (folder / out).unlink(missing_ok=True)
    assert main(argv) in (0, 1)
    err = capsys.readouterr().err
    assert err.count("文件正在 Excel 中打开：读取的是上次保存的版本") == 1, err


@pytest.mark.parametrize("pdf", ["/proc/公开表.pdf", "说明.txt/公开表.pdf"])
def test_a_pdf_that_cannot_be_written_stops_publish_before_it_writes_anything(pdf, folder, capsys, monkeypatch):
    """``publish --pdf`` into a place where no file can be created (a system folder, a path through a
    file): one Chinese line, exit 2, and no xlsx left behind half of the job."""
    monkeypatch.chdir(folder)
    err = _err(["publish", "2025年绩效目标.xlsx", "-o", "公开表.xlsx", "--pdf", pdf], capsys)
    assert "无法写入" in err or "文件夹" in err, err
    assert "No such" not in err and "Not a directory" not in err, err      # the system's English
    assert not (folder / "公开表.xlsx").exists()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize("name, content, says", [
    ("去年的表.xls", "ole", "Excel 97-2003"),
    ("去年的表.xls", "xlsx", "Excel 97-2003"),            # an xlsx renamed .xls is still not opened as one
    ("单位报表.et", "ole", "WPS 表格"),
    ("单位报表.et", "xlsx", "WPS 表格"),
    ("项目.csv", "text", "CSV"),
    ("2025年绩效目标.xlsx.bak", "xlsx", "去掉文件名末尾的 .bak"),
])
def test_a_spreadsheet_of_another_format_gets_the_same_advice_from_every_command(name, content, says, folder,
                                                                                 seed_workbook, capsys):
    """check and refresh (and publish) say what the file is and how to save it as .xlsx, in one line,
    exit 2: never that an .et is password-protected, never a refresh of a file they do not accept."""
    path = folder / name
    path.write_bytes({"ole": OLE, "xlsx": seed_workbook.read_bytes(), "text": "项目名称,总计\n".encode()}[content])
    lines = {command: _err(argv, capsys) for command, argv in (
        ("check", ["check", path]), ("refresh", ["refresh", path]),
        ("publish", ["publish", path, "-o", folder / "公开表.xlsx"]))}
    assert len(set(lines.values())) == 1, lines
    assert says in lines["check"] and "加密" not in lines["check"], lines["check"]


def test_refresh_names_the_file_as_it_was_typed(folder, capsys, monkeypatch):
    """refresh resolves its input (a link is updated at its target) but its messages name the file as
    the person typed it, like every other command: not the full path of the folder."""
    monkeypatch.chdir(folder)
    (folder / "~$2025年绩效目标.xlsx").write_bytes(b"\x0bExcel user" + b" " * 150)
    err = _err(["refresh", "2025年绩效目标.xlsx"], capsys)
    assert err.startswith("错误：文件 2025年绩效目标.xlsx：") and "Excel 打开" in err, err


def test_a_missing_workbook_is_not_offered_a_text_file_of_a_similar_name(folder, capsys):
    """「是否是 说明.txt？」 for a workbook typed wrong would send the person to the wrong file."""
    (folder / "notes.txt").write_text("x", "utf-8")
    err = _err(["check", folder / "nothere.xlsx"], capsys)
    assert "notes.txt" not in err and "请检查文件名" in err, err
    assert "是否是 notes.txt？" in _err(["check", folder / "note.txt"], capsys)


def test_check_and_batch_name_every_other_format_in_the_same_words(tmp_path, capsys):
    """One wording per format (``xlsxfile.OTHER_FORMATS``): what ``check F`` prints is what ``batch``
    says of the same file on the terminal, in its JSON and in the 汇总 and 问题明细 rows of its workbook.
    A backup (.bak) in a folder is skipped by batch on purpose (a reviewer's inbox is full of them); a
    .zip is opened by batch and its files reviewed (issue 29), so one that is no zip is a damaged zip."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    files = {suffix: inbox / f"某单位{suffix}" for suffix in OTHER_FORMATS}
    for path in files.values():
        path.write_bytes(OLE)
    said = {}
    for suffix, path in files.items():
        err = _err(["check", path], capsys)
        line = other_format(path)
        assert err.strip() == f"错误：文件 {path}：{line}", err
        said[suffix] = line
    assert len(set(said.values())) == len(set(OTHER_FORMATS.values())), "two formats share a wording"

    out = tmp_path / "审核结果.xlsx"
    assert main(["batch", str(inbox), "-o", str(out)]) == 1
    terminal = capsys.readouterr().out
    assert main(["batch", str(inbox), "--json"]) == 1
    rows = {r["file"]: r for r in json.loads(capsys.readouterr().out)["files"]}
    book = openpyxl.load_workbook(out, read_only=True)
    summary = [[str(v) for v in row if v is not None] for row in book["汇总"].iter_rows(values_only=True)]
    findings = [[str(v) for v in row if v is not None] for row in book["问题明细"].iter_rows(values_only=True)]
    assert "某单位.bak" not in rows and "某单位.bak" not in terminal
    for suffix, line in said.items():
        name = files[suffix].name
        if suffix == ".bak":
            continue
        if suffix == ".zip":
            assert f"无法读取  {name}  压缩包已损坏，无法打开（BadZipFile）：请先解压" in terminal, terminal
            continue
        what, fix = OTHER_FORMATS[suffix]
        assert f"无法读取  {name}  {line}\n" in terminal, terminal
        assert rows[name]["error"] == line, rows[name]
        assert [f["message"] for f in rows[name]["findings"]] == [what]
        assert [f["suggestion"] for f in rows[name]["findings"]] == [fix]
        assert any(name in row and line in row for row in summary), name
        assert any(name in row and what in row and fix in row for row in findings), name
