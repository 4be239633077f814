"""A second refresh after one that filled cells in changes nothing, on every path: the file (``xl-tools
refresh``), the desktop 刷新 button (``desktop.main`` on the xlwings remote engine, its actions replayed
onto the file) and the add-in (the xlwings Server route over HTTP, its actions replayed likewise).

The workbook is what a county accountant types into a new filing (湘鄂 .xlsm and the default .xlsx):
categories by name without their codes, no 序号, no 总计, no unit, a target promising 1.2万亩 — so the
first refresh fills in codes, numbers, the total and the unit and lists those fills in 校验结果. The
second finds nothing to fill and nothing else changed: 校验结果 stays the report of the refresh that
filled (the stamp on 说明 names it), fills listed, so it writes nothing — the file is not even
touched, a live book gets no call — and says what the first said.
"""

from __future__ import annotations

import importlib.util
import re

import openpyxl
import pytest

from tests.support.signature import workbook_signature
from xl_tools.cli import main

from .support.xlwings_replay import replay

PROFILES = [("湘鄂", ".xlsm"), (None, ".xlsx")]
FILL_CODES = ("FIL001", "FIL002", "FIL003", "FIL004", "FIL005")


def _typed(tmp_path, profile: str | None, suffix: str, capsys):
    path = tmp_path / f"县农业农村局{suffix}"
    argv = ["new", "-o", str(path), "--year", "2025", "--department", "某县农业农村局", "--unit", "某县农业农村局"]
    assert main(argv + (["--profile", profile] if profile else [])) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(path, keep_vba=suffix == ".xlsm")
    wb["项目"].append([None, "高标准农田建设", None, None, 120, 0, 0, "新建高标准农田1.2万亩，提升粮食产能"])
    for row in (["高标准农田建设", None, "产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩", "≥1.2万亩"],
                ["高标准农田建设", None, "产出指标", "质量指标", "验收合格率", "≥95%", "≥95%"],
                ["高标准农田建设", None, "效益指标", "经济效益指标", "粮食增产", "≥100万斤", "≥100万斤"],
                ["高标准农田建设", None, "满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "≥90%"]):
        wb["绩效指标"].append(row)
    wb.save(path)
    return path


def _listed_fills(path) -> list[tuple]:
    """The rows of 校验结果 that report a fill: (level, code, …)."""
    ws = openpyxl.load_workbook(path)["校验结果"]
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] in FILL_CODES]


@pytest.mark.parametrize(("profile", "suffix"), PROFILES)
def test_the_file_path(tmp_path, capsys, profile, suffix):
    path = _typed(tmp_path, profile, suffix, capsys)
    rc = main(["refresh", str(path)])
    first = capsys.readouterr().out
    assert rc in (0, 1) and first.startswith("已刷新")
    wb = openpyxl.load_workbook(path)
    assert wb["绩效指标"]["D2"].value.endswith("数量指标") and wb["绩效指标"]["D2"].value[0].isdigit()
    assert (wb["项目"]["A2"].value, wb["项目"]["D2"].value, wb["项目"]["C2"].value) == (1, 120, "某县农业农村局")
    listed = _listed_fills(path)
    assert {r[1] for r in listed} == set(FILL_CODES)
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    bak = path.with_name(path.name + ".bak")
    kept = bak.read_bytes(), bak.stat().st_mtime_ns               # the first refresh's backup of the typed file
    # the second refresh: nothing to fill, the same list, the file not written (not even touched)
    assert main(["refresh", str(path)]) == rc
    second = capsys.readouterr().out
    assert second.startswith("未改动") and "内容无变化" in second
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert (bak.read_bytes(), bak.stat().st_mtime_ns) == kept     # no new backup either
    summary = re.search(r"错误 \d+ 条，警告 \d+ 条，提示 \d+ 条", first).group(0)
    assert summary in second                                  # the same counts: the fills still counted
    assert _listed_fills(path) == listed


# ------------------------------------------------------------------ the live paths (xlwings remote engine)

needs_server = pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                                  reason="xlwings-server not installed (pip install 'xl-tools[server]')")


def _desktop_button(path) -> list[dict]:
    """The 刷新 button on the workbook at ``path`` (``desktop.main``): its actions, replayed onto the file."""
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from xl_tools import desktop
    book = xw.Book(json=payload_from_xlsx(path))
    book.set_mock_caller()
    desktop.main()
    return book.json()["actions"]


def _replayed(path, actions: list[dict]) -> None:
    """The actions on the workbook, replayed onto the file (the task pane's report aside)."""
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    replay(wb, [a for a in actions if a["func"] != "runMacro"])
    wb.save(path)


@pytest.mark.parametrize(("profile", "suffix"), PROFILES)
def test_the_desktop_button(tmp_path, capsys, licensed, profile, suffix):
    path = _typed(tmp_path, profile, suffix, capsys)
    actions = _desktop_button(path)
    assert actions
    _replayed(path, actions)
    listed = _listed_fills(path)
    assert {r[1] for r in listed} == set(FILL_CODES)
    before = workbook_signature(path, styles=True)
    assert _desktop_button(path) == []                     # nothing to write: not one call to Excel
    assert workbook_signature(path, styles=True) == before and _listed_fills(path) == listed


@needs_server
@pytest.mark.parametrize(("profile", "suffix"), PROFILES)
def test_the_add_in(tmp_path, capsys, licensed, profile, suffix):
    from fastapi.testclient import TestClient

    from tests.support.payload import payload_from_xlsx
    from xl_tools.server.app import create_app
    path = _typed(tmp_path, profile, suffix, capsys)
    client = TestClient(create_app(), raise_server_exceptions=False)

    def refresh() -> list[dict]:
        resp = client.post("/xlwings/custom-scripts-call/refresh", json=payload_from_xlsx(path))
        assert resp.status_code == 200, resp.text[:500]
        return resp.json()["actions"]

    first = refresh()
    assert {a["args"][1] for a in first if a["func"] == "addSheet"} >= {"校验结果", "公开表"}
    _replayed(path, first)
    listed = _listed_fills(path)
    assert {r[1] for r in listed} == set(FILL_CODES)
    before = workbook_signature(path, styles=True)
    second = refresh()
    assert [a["func"] for a in second] == ["runMacro"]      # only the task pane's report
    assert "内容无变化" in second[0]["args"][1]
    _replayed(path, second)
    assert workbook_signature(path, styles=True) == before and _listed_fills(path) == listed
