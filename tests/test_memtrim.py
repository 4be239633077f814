"""The memory of a refresh (issue 27): ``memtrim.release`` gives the free pages of the C library's heap back
to the system, so a large block a refresh freed (a data sheet's bytes) is not still counted while it makes
its own sheets; 校验结果 is made after the data sheets are patched, not held while they are."""

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


def test_the_results_sheet_is_made_after_the_data_sheets_are_patched(tmp_path, monkeypatch):
    """校验结果's content (20,060 rows at 5k) is not held while 绩效指标's bytes are patched: its name is
    checked without making it (``ReplaceSheet.name``), the content made when it is written."""
    from xl_tools.app import refresh_file
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.refresh import plan
    from xl_tools.refresh.ops import ReplaceSheet

    from .inputs import cases
    said = []
    patch_sheets, results_sheet = WorkbookPatch.patch_sheets, plan.results_sheet

    def patched(self):
        said.append("patch")
        return patch_sheets(self)

    def made(*args, **kwargs):
        said.append("results")
        return results_sheet(*args, **kwargs)
    monkeypatch.setattr(WorkbookPatch, "patch_sheets", patched)
    monkeypatch.setattr(plan, "results_sheet", made)
    refresh_file(cases.seed_book(tmp_path), tmp_path / "out.xlsx")
    assert said == ["patch", "results"]
    lazy = ReplaceSheet(lambda: said.append("made"), "校验结果")
    assert lazy.name == "校验结果" and said[-1] == "results"


def test_what_a_refresh_wrote_is_let_go(tmp_path, monkeypatch):
    """The writer takes the plan's ops and lets each go once written: the cell edits and notes once their
    sheet is patched, 校验结果 and 公开表 once generated (at 5,000 projects 40 MB of them were held to the
    end of the refresh); the outcome keeps the values written, which the read-back checks."""
    import gc
    import weakref

    from xl_tools.app import refresh_file
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.refresh import file_writer
    from xl_tools.refresh.ops import SetValues

    from .inputs import cases
    made, patches = [], []
    generated, patch_sheets = file_writer._generated, WorkbookPatch.patch_sheets

    def generating(op, *args):
        gen = generated(op, *args)
        made.append((weakref.ref(op), weakref.ref(gen)))
        return gen

    def patching(self):
        assert self.edits and self.notes
        results = patch_sheets(self)
        patches.append((dict(self.edits), dict(self.notes)))
        return results
    monkeypatch.setattr(file_writer, "_generated", generating)
    monkeypatch.setattr(WorkbookPatch, "patch_sheets", patching)
    outcome = refresh_file(cases.seed_book(tmp_path), tmp_path / "out.xlsx")
    gc.collect()
    assert patches == [({}, {})]
    assert len(made) == 3 and all(op() is None and gen() is None for op, gen in made)
    assert outcome.ops and all(isinstance(op, SetValues) for op in outcome.ops)
