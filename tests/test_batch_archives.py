"""A zip in the inbox: its members are reviewed as files, within bounds (issue 29, "what counts")."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest

from tests.support.batch import review
from tests.support.mail_inbox import gbk_zip, unit_filing, write_filing
from xl_tools.batch import expand_items
from xl_tools.batch.archives import MAX_MEMBERS


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    return {unit: write_filing(folder / f"{unit}.xlsx", unit_filing(unit, factor), None)
            for unit, factor in (("甲市第一中学", "0.11"), ("甲市第二中学", "0.12"))}


def _rows(report):
    return {r.file: r for r in report.results}


def test_members_are_rows_named_by_zip_and_member(tmp_path, books, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))       # the forked workers inherit it
    inbox = tmp_path / "inbox"
    (inbox / "邮件").mkdir(parents=True)
    with zipfile.ZipFile(inbox / "邮件" / "两个单位.zip", "w") as zf:       # UTF-8 names, a folder inside
        zf.write(books["甲市第一中学"], "2026/甲市第一中学.xlsx")
        zf.write(books["甲市第二中学"], "2026/甲市第二中学.xlsx")
        zf.writestr("__MACOSX/2026/._甲市第一中学.xlsx", b"resource fork")   # macOS litter: left out
        zf.writestr("2026/Thumbs.db", b"x")
    gbk_zip(inbox / "gbk.zip", {"甲市第一中学.xlsx": books["甲市第一中学"]})
    report = review([inbox], jobs=2)
    rows = _rows(report)
    assert sorted(rows) == ["gbk.zip/甲市第一中学.xlsx", "邮件/两个单位.zip/2026/甲市第一中学.xlsx",
                            "邮件/两个单位.zip/2026/甲市第二中学.xlsx"]
    for name, row in rows.items():
        assert row.unit == Path(name).stem and row.errors == 0 and row.projects == 3, (name, row.error)
        assert Path(row.path).suffix == ".zip" and row.member
    assert not list(scratch.iterdir())                        # the inflated copies are gone


def test_a_zip_that_cannot_be_opened_or_is_empty_is_one_row(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "损坏.zip").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    (inbox / "空.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    rows = _rows(review([inbox], jobs=1))
    assert rows["损坏.zip"].findings[0].code == "FILE001" and "压缩包已损坏" in rows["损坏.zip"].error
    assert "没有可审核的文件" in rows["空.zip"].error and "请先解压" in rows["空.zip"].findings[0].suggestion


def test_members_that_may_not_be_read_are_rows_and_nothing_escapes(tmp_path, books):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = books["甲市第一中学"].read_bytes()
    with zipfile.ZipFile(inbox / "危险.zip", "w") as zf:
        zf.writestr("../../逃逸.xlsx", data)
        zf.writestr("/etc/绝对路径.xlsx", data)
        zf.writestr("套娃.zip", b"PK\x05\x06" + b"\0" * 18)
        zf.writestr("加密.xlsx", data)
        zf.writestr("正常.xlsx", data)
    _flag_encrypted(inbox / "危险.zip", "加密.xlsx")
    rows = _rows(review([inbox], jobs=1))
    why = {name.split("/", 1)[1]: r.error for name, r in rows.items()}
    assert "路径不安全" in why["../../逃逸.xlsx"] and "路径不安全" in why["/etc/绝对路径.xlsx"]
    assert "压缩包中又有压缩包" in why["套娃.zip"] and "已加密" in why["加密.xlsx"]
    assert rows["危险.zip/正常.xlsx"].errors == 0
    assert not (tmp_path / "逃逸.xlsx").exists() and not (inbox.parent.parent / "逃逸.xlsx").exists()


def _flag_encrypted(path: Path, name: str) -> None:
    """Set the "encrypted" bit of one member in its local and central headers (zipfile cannot write an
    encrypted member)."""
    data = bytearray(path.read_bytes())
    raw = name.encode()
    for signature, name_at, flag_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at: at + name_at + len(raw)] == raw:
                data[at + flag_at] |= 0x1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_bounds_on_members_and_sizes(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "太多.zip", "w") as zf:
        for k in range(MAX_MEMBERS + 1):
            zf.writestr(f"{k}.txt", b"")
    with zipfile.ZipFile(inbox / "大文件.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("巨大.xlsx", b"\0" * (3 * 2**20))
    monkeypatch.setenv("XL_TOOLS_MAX_FILE_MB", "1")
    items = {i.shown: i for i in expand_items([inbox])}
    assert set(items) == {"太多.zip", "大文件.zip/巨大.xlsx"}             # never 1,001 rows
    rows = _rows(review([inbox], jobs=1))
    assert "超过上限 1,000 个" in rows["太多.zip"].error
    assert "单个文件的大小" in rows["大文件.zip/巨大.xlsx"].error
