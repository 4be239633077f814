"""``memtrim.release`` (issue 27): the free pages of the C library's heap given back to the system, so a
large block a refresh freed (a data sheet's bytes) is not still counted while it makes its own sheets."""

from __future__ import annotations

import sys

import pytest

from xl_tools import memtrim

linux_glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or memtrim._trim() is None,
                                 reason="malloc_trim is glibc's")


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@linux_glibc
def test_freed_heap_pages_go_back_to_the_system():
    """Blocks below glibc's mapping threshold, freed but for the last (the heap's top stays in use, so
    glibc does not shrink it by itself): their pages stay counted until released."""
    blocks = [bytearray(b"x" * 60_000) for _ in range(1500)]           # ~90 MB on the heap, pages touched
    keep = blocks[-1]
    del blocks
    before = _rss_kb()
    assert memtrim.release()
    after = _rss_kb()
    assert before - after > 40_000, (before, after)
    assert keep[0] == ord("x")


def test_a_refresh_releases_after_patching_the_data_sheets(tmp_path, monkeypatch):
    from xl_tools.app import refresh_file
    from xl_tools.ooxml.patch import WorkbookPatch

    from .inputs import cases
    said = []
    patch_sheets = WorkbookPatch.patch_sheets

    def patched(self):
        said.append("patch")
        return patch_sheets(self)
    monkeypatch.setattr(WorkbookPatch, "patch_sheets", patched)
    monkeypatch.setattr(memtrim, "release", lambda: said.append("release") or True)
    refresh_file(cases.seed_book(tmp_path), tmp_path / "out.xlsx")
    assert said == ["patch", "release"]
