"""Messages about the file itself say what to do: the file a typo meant, Excel's lock file passed by
mistake, an empty file and where its backup is; and a workbook open in Excel is read with a warning
that what is read is the version last saved."""

from __future__ import annotations

import pytest

from xl_tools.cli import main


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
