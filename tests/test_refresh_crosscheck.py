"""The two writers give the same workbook: the xlwings remote engine's actions, replayed onto the file,
match ``xl-tools refresh`` on the same file — cells, highlights, notes and 校验结果 rows."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from tests.support.signature import workbook_signature
from xl_tools.app import refresh_path as refresh_file

from .support.xlwings_replay import replay

xw = pytest.importorskip("xlwings")
NOW = "2026-11-25 09:00"


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch):
    """The remote engine only registers if the key was set when xlwings was first imported."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xl_tools.server.app import enable_remote_engine
    enable_remote_engine()


def _prepare(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["项目"]
    ws["D2"] = 700                     # an error: 总计 ≠ its parts
    ws["A4"] = None                    # a fill: 序号
    wb["绩效指标"]["D3"] = "社会效益"   # a fill: code typed by name
    wb.save(path)


def _live(path):
    from tests.support.payload import payload_from_xlsx
    from xl_tools.app import refresh_book as refresh
    book = xw.Book(json=payload_from_xlsx(path))
    outcome = refresh(book, now=NOW)
    return outcome, book.json()["actions"]


def _apply_live(path, actions):
    wb = openpyxl.load_workbook(path)
    replay(wb, actions)
    wb.save(path)


def _comparable(sig):
    """What both paths must agree on: values of every sheet, fills and notes on the user's sheets.
    The state sheet's rows of the cells' own looks (kind look) are the writer's: the file writer reads
    a cell's format before colouring it, the remote engine cannot; so is the seal (D2, E2: a file's,
    ``refresh.seal``)."""
    out = {"sheets": sig["sheets"]}
    for name, _state in sig["sheets"]:
        cells = sig[name]["cells"]
        if name == "_xltools":                   # its rows in order, without the look rows and the seal
            cells = {ref: e for ref, e in cells.items() if ref not in ("D2", "E2")}
            styled = {ref[1:] for ref, e in cells.items() if ref.startswith("A") and e.get("v") == "look"}
            numbers = sorted({int(ref.lstrip("ABCDE")) for ref in cells} - {int(r) for r in styled})
            renumber = {str(r): str(k) for k, r in enumerate(numbers, start=1)}
            cells = {ref[0] + renumber[ref[1:]]: e for ref, e in cells.items() if ref[1:] in renumber}
        keep = {}
        for ref, entry in cells.items():
            e = {k: v for k, v in entry.items() if k in ("v", "fill", "note")}
            if name in ("公开表",):
                e.pop("fill", None)
            if e:
                keep[ref] = e
        out[name] = keep
    return out


@pytest.mark.parametrize("rounds", [1, 2])
def test_both_writers_give_the_same_cells_fills_and_results(seed_workbook, tmp_path, rounds):
    _prepare(seed_workbook)
    file_path = tmp_path / "file.xlsx"
    live_path = tmp_path / "live.xlsx"
    shutil.copy(seed_workbook, file_path)
    shutil.copy(seed_workbook, live_path)
    for _ in range(rounds):                  # the second round diffs against the state of the first
        file_outcome = refresh_file(file_path, now=NOW)
        live_outcome, actions = _live(live_path)
        _apply_live(live_path, actions)
    assert [f.to_json() for f in live_outcome.findings] == [f.to_json() for f in file_outcome.findings]
    a = _comparable(workbook_signature(file_path, styles=True))
    b = _comparable(workbook_signature(live_path, styles=True))
    for name in a:
        assert a[name] == b[name], name
    assert any(f.severity == "error" for f in file_outcome.findings)


def test_live_writes_are_batched(seed_workbook, tmp_path):
    """The number of xlwings calls grows with the groups of findings, not with the cells; only notes
    take one call per cell (xlwings has no call for several notes)."""
    _prepare(seed_workbook)
    outcome, actions = _live(seed_workbook)
    funcs = [a["func"] for a in actions]
    cells_written = sum(len(a["values"]) * len(a["values"][0]) for a in actions if a["func"] == "setValues")
    batched = len(actions) - funcs.count("addNote")
    assert batched < 95 and cells_written >= 8 * len(actions)       # many cells per call
    assert funcs.count("setValues") < 12
    flagged = {at for f in outcome.findings if f.severity in ("error", "warning") for at in f.cells}
    assert funcs.count("addNote") == len(flagged)                   # one note per cell, both value cells
    assert funcs.count("setRangeColor") <= len(flagged) + 20       # results sheet colours in runs
