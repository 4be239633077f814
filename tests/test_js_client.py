"""The Excel add-in end to end: xlwings-server's own task-pane JavaScript, run by Node against an
in-memory Excel workbook (tests/js), clicks 刷新 / 生成公开表; the payload is the client's own
(getBookData on the workbook), it goes over HTTP to a real xlwings Server on 127.0.0.1, and the
actions that come back are applied by the client. The tests read the workbook afterwards.

Two kinds of Excel: with ExcelApi 1.18 (Microsoft 365 ≥ 2501, Excel on the web: cell notes) and
without (Office 2021/2024 volume-licensed, older Microsoft 365: no notes, the findings reach the user
through 校验结果 and the task pane). Every Office.js member the client touched is checked against its
requirement set in @types/office-js; the minimum Excel the add-in needs is derived from that.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.excel_model import sheet, workbook_spec

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None, reason="xlwings-server not installed"),
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[1]
RED_FILL, RED_FONT = "#FFCCD3", "#9E0A14"       # the tool's own highlight colours (schema.MARK_ERROR)
AMBER_FILL = "#FFE9A1"
MIN_EXCEL_API = "1.9"          # what the add-in needs without notes (README, 服务器部署.md, manifest)
NOTES_EXCEL_API = "1.18"


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def node():
    from tests.support.js_client import node_ready
    reason = node_ready()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(node):
    from tests.support.servers import licensed_environment, uvicorn_thread
    with licensed_environment():
        from xl_tools.server.app import create_app
        with uvicorn_thread(create_app()) as base:
            yield base


@pytest.fixture(scope="module")
def js_tree(tmp_path_factory, node):
    from tests.support.js_client import served_js_tree
    return served_js_tree(tmp_path_factory.mktemp("served"))


@pytest.fixture
def client(tmp_path, server, js_tree):
    from tests.support.js_client import run_client

    def run(workbook: dict, *, excel_api: str = NOTES_EXCEL_API, steps=None) -> dict:
        result = run_client(tmp_path, js_tree=js_tree, page_url=server + "/taskpane.html", workbook=workbook,
                            excel_api=excel_api, steps=steps)
        unknown = [k for k, v in result["apis"].items() if v == "unknown"]
        assert not unknown, f"members not in @types/office-js: {unknown}"
        return result
    return run


def _seed_with_user_sheet(tmp_path, seed_filing) -> Path:
    """The seed filing, 项目 2's 财政拨款 broken (an error), plus a sheet of the user's own whose used
    range starts at C4 and holds an Excel table, and a sheet-scoped name."""
    from openpyxl.worksheet.table import Table

    from xl_tools.workbook import build_workbook
    path = tmp_path / "绩效目标 2025 (1).xlsx"
    build_workbook(path, seed_filing)
    wb = load_workbook(path)
    wb["项目"]["E3"] = 1
    ws = wb.create_sheet("我的备注")
    for r, row in enumerate([["事项", "金额", "备注"], ["培训", 12.5, "=B5*2"], ["差旅", 3, "已报"]], start=4):
        for c, v in enumerate(row, start=3):
            ws.cell(r, c, v)
    ws.add_table(Table(displayName="我的表", ref="C4:E6"))
    from openpyxl.workbook.defined_name import DefinedName
    ws.defined_names["本表合计"] = DefinedName("本表合计", attr_text="'我的备注'!$D$5:$D$6")
    wb.save(path)
    return path


def _typed_filing(tmp_path) -> Path:
    """A workbook from ``xl-tools new`` with projects typed the way people type them: blank required
    cells, full-width digits and signs, a total that does not add up."""
    from xl_tools.newbook import new_workbook
    path = tmp_path / "typed.xlsx"
    new_workbook(path, year=2025, department="某区教育局", units=["某区第一中学"])
    wb = load_workbook(path)
    ws = wb["项目"]
    ws.append([None, "校园安保服务项目", "某区第一中学", 120, 100, 20, None, "保障校园安全，全年安保服务覆盖率１００％"])
    ws.append([None, "教师培训项目", None, 50, 50, None, None, None])
    ws.append([None, None, "某区第一中学", 30, 20, None, None, "完成设备更新"])
    ind = wb["绩效指标"]
    ind.append(["校园安保服务项目", 1, "产出指标", "数量指标", "安保服务覆盖率", "≥９５％", "≥９５％"])
    ind.append(["校园安保服务项目", 2, "满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", None])
    ind.append(["教师培训项目", 1, "产出指标", "数量指标", "培训人次", "２００人次", "２００人次"])
    wb.save(path)
    return path


def _typed_values(path: Path) -> dict[tuple[str, str], object]:
    wb = load_workbook(path)
    out = {}
    for name in ("项目", "绩效指标"):
        for row in wb[name].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and any("\uff10" <= ch <= "\uff19" or ch in "％" for ch in cell.value):
                    out[(name, cell.coordinate)] = cell.value
    return out


def _fill(dump, sheet_name, address):
    return sheet(dump, sheet_name)["cells"].get(address, {}).get("fill")


def _font(dump, sheet_name, address):
    return sheet(dump, sheet_name)["cells"].get(address, {}).get("font", {}).get("color")


def _strings_kept(result) -> list[str]:
    """Every text the server wrote with setValues is text in the workbook afterwards (Excel would
    turn "2025-1-2", "95%", "-x" or "1,000" typed into a General cell into dates, numbers or formulas)."""
    from tests.support.excel_model import column_letter
    final = {s["name"]: s["cells"] for s in result["workbook"]["sheets"]}
    last: dict[tuple, object] = {}
    for a in result["dispatched"]:
        if a.get("func") != "setValues":
            continue
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                last[(a["sheet"], a["start_row"] + i + 1, a["start_column"] + j + 1)] = v
    bad = []
    for (name, r, c), v in last.items():
        if not isinstance(v, str) or v == "" or v.startswith("="):
            continue
        cell = final.get(name, {}).get(f"{column_letter(c)}{r}", {})
        expected = v[1:] if v.startswith("'") else v
        if cell.get("v") != expected or cell.get("f"):
            bad.append(f"{name}!{column_letter(c)}{r}: wrote {v!r}, Excel holds {cell.get('v')!r}")
    return bad


# ---------------------------------------------------------------- ExcelApi 1.18: notes

def test_refresh_through_the_add_in_with_notes(tmp_path, seed_filing, client):
    from xl_tools.refresh.results import WIDTHS
    from xl_tools.textfit import column_points
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    spec = workbook_spec(path, selection=("项目", "C5"))
    user_before = next(s for s in spec["sheets"] if s["name"] == "我的备注")
    result = client(spec, excel_api="1.18")
    click = result["results"][0]
    assert click["error"] is None, click
    assert not result["refused"]

    # the payload is the client's own
    payload = result["payloads"][-1]["body"]
    assert result["payloads"][-1]["url"].endswith("/xlwings/custom-scripts-call/refresh")
    assert payload["client"] == "Office.js" and payload["book"]["selection"] == "C5"
    assert payload["book"]["name"] == path.name
    by_name = {s["name"]: s for s in payload["sheets"]}
    assert by_name["我的备注"]["used_range_address"] == "C4:E6"
    assert by_name["我的备注"]["tables"][0]["name"] == "我的表"
    assert by_name["说明"]["used_range_address"].startswith("B")              # 说明 has nothing in column A
    assert all(s["notes_supported"] is True for s in payload["sheets"])
    names = {n["name"]: n for n in payload["names"]}
    assert names["本表合计"]["book_scope"] is False and names["本表合计"]["scope_sheet_name"] == "我的备注"
    assert names["上次刷新"]["address"] == "B13"

    wb = result["workbook"]
    # the error on 项目 D3: red fill, dark red font, a note naming the rule
    assert _fill(wb, "项目", "D3") == RED_FILL and _font(wb, "项目", "D3") == RED_FONT
    assert "AMT001" in sheet(wb, "项目")["notes"]["D3"]
    # 校验结果: rows, widths in points (7–70 characters → 40.5–371.25 pt), row heights left to Excel
    results = sheet(wb, "校验结果")
    assert results["cells"]["A1"]["v"] == "校验结果"
    assert any(c.get("v") == "AMT001" for c in results["cells"].values())
    assert results["columnWidths"] == {chr(64 + c): column_points(w) for c, w in WIDTHS.items()}
    assert results["autofitRows"] and not results["rowHeights"]
    link = next(c for c in results["cells"].values() if c.get("link"))
    assert link["link"].startswith("#'")
    # 公开表: widths in points, borders on the table, merges, heights within Excel's 409 pt
    public = sheet(wb, "公开表")
    assert min(public["columnWidths"].values()) > 40
    assert {b["side"] for b in public["borders"]} >= {"EdgeTop", "EdgeBottom", "EdgeLeft", "EdgeRight",
                                                      "InsideVertical", "InsideHorizontal"}
    assert public["merges"] and all(0 < h <= 409 for h in public["rowHeights"].values())
    assert "项目支出绩效目标表" in public["cells"]["A1"]["v"]
    assert sheet(wb, "_xltools")["visibility"] == "Hidden"
    assert [s["name"] for s in wb["sheets"]].index("校验结果") < [s["name"] for s in wb["sheets"]].index("_xltools")
    # 说明: the summary; the user's own sheet untouched
    summary = sheet(wb, "说明")["cells"]["B13"]["v"]
    assert "错误 1 条" in summary or "错误" in summary
    user_after = sheet(wb, "我的备注")
    assert {k: v.get("v") for k, v in user_after["cells"].items()} == \
        {k: v.get("v") for k, v in user_before["cells"].items()}
    assert not _strings_kept(result)

    # the task pane: summary, no notice, the error first, and clicking it selects the cell
    report = click["report"]
    assert report["summary"] == summary and report["notice"] is None
    assert report["findings"][0]["level"] == "错误"
    assert "项目!D3" in [f["where"] for f in report["findings"] if f["level"] == "错误"]


def test_second_refresh_changes_nothing_and_clears_fixed_errors(tmp_path, seed_filing, client):
    """Twice in a row through the add-in: the notes already there come back in the payload (addresses
    only); nothing changed since the first refresh, so the second applies no action to the workbook
    (only the task pane's report) and the workbook is as the first left it."""
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    first = client(workbook_spec(path), excel_api="1.18")
    assert first["results"][0]["error"] is None
    state = first["workbook"]
    state["sheets"] = [{**s, "columnWidths": s["columnWidths"], "rowHeights": s["rowHeights"]} for s in state["sheets"]]
    second = client({**_respec(state), "name": path.name},
                    excel_api="1.18", steps=[{"click": "refresh"}, {"selectFinding": 0}])
    assert second["results"][0]["error"] is None, second["results"][0]
    assert second["payloads"][-1]["body"]["sheets"][2]["notes"]                 # the client sent them

    def stable(dump):
        out = {}
        for s in dump["sheets"]:
            cells = {k: v for k, v in s["cells"].items() if not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(v.get("v")))}
            out[s["name"]] = (cells, s["notes"], s["columnWidths"], s["merges"], s["visibility"])
        return out
    assert [a["func"] for a in second["dispatched"]] == ["runMacro", "xltoolsReport"]    # the task pane's report only
    values = {name: {ref: cell.get("v") for ref, cell in cells.items()} for name, (cells, *_r) in stable(first["workbook"]).items()}
    assert {name: {ref: cell.get("v") for ref, cell in cells.items()}
            for name, (cells, *_r) in stable(second["workbook"]).items()} == values
    assert {name: rest for name, (_c, *rest) in stable(second["workbook"]).items()} == \
        {name: rest for name, (_c, *rest) in stable(first["workbook"]).items()}
    assert "内容无变化" in second["results"][0]["report"]["summary"]
    first_where = second["results"][0]["report"]["findings"][0]["where"].split("!")
    assert second["results"][1]["selection"] == {"sheet": first_where[0], "address": first_where[1]}


def _respec(dump: dict) -> dict:
    """A model dump back into a workbook spec (the state Excel holds after a refresh)."""
    return {
        "name": dump["name"], "active": dump["activeIndex"], "names": dump["names"], "selection": dump["selection"],
        "sheets": [{"name": s["name"], "visibility": s["visibility"], "cells": s["cells"],
                    "columnWidths": s["columnWidths"], "rowHeights": s["rowHeights"], "notes": s["notes"],
                    "merges": s["merges"], "tables": s["tables"], "names": s["names"], "printArea": s["printArea"]}
                   for s in dump["sheets"]],
    }


# ---------------------------------------------------------------- without ExcelApi 1.18

@pytest.mark.parametrize("excel_api", ["1.17", MIN_EXCEL_API])
def test_refresh_without_notes_support(tmp_path, seed_filing, client, excel_api):
    """Office 2024 LTSC (ExcelApi 1.17), Office 2021 and Microsoft 365 before 2501: no notes API. The
    client says so (notes_supported: false); the refresh writes everything else, no addNote reaches
    the client (it would stop there), and the findings are in 校验结果 and the task pane."""
    from xl_tools.server.pane import MSG_NO_NOTES
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    result = client(workbook_spec(path), excel_api=excel_api)
    click = result["results"][0]
    assert click["error"] is None, click
    assert not result["refused"]
    assert all(s["notes_supported"] is False for s in result["payloads"][-1]["body"]["sheets"])
    assert not any(a.get("func") in ("addNote", "deleteNote") for a in result["dispatched"])
    wb = result["workbook"]
    assert _fill(wb, "项目", "D3") == RED_FILL
    assert not any(s["notes"] for s in wb["sheets"])
    assert any(c.get("v") == "AMT001" for c in sheet(wb, "校验结果")["cells"].values())
    assert click["report"]["notice"] == MSG_NO_NOTES
    assert "项目!D3" in [f["where"] for f in click["report"]["findings"]]


def test_too_old_excel_is_told_in_the_task_pane(tmp_path, seed_filing, client):
    """Below ExcelApi 1.9 (Office 2019, Excel 2016) the client itself cannot read the workbook; the
    manifest keeps the add-in off such Excel, and if it runs anyway the pane shows the error."""
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    result = client(workbook_spec(path), excel_api="1.8")
    assert result["refused"] and result["results"][0]["error"]
    assert not result["payloads"]
    manifest = (ROOT / "xl_tools/server/project/templates/manifest.xml").read_text("utf-8")
    assert f'<Set Name="ExcelApi" MinVersion="{MIN_EXCEL_API}"' in manifest


# ---------------------------------------------------------------- typed filings, publish

def test_typed_filing_through_the_add_in(tmp_path, client):
    path = _typed_filing(tmp_path)
    typed = _typed_values(path)
    assert typed                                            # the scenario has full-width text
    for api in ("1.18", "1.17"):
        result = client(workbook_spec(path, year=2025), excel_api=api)
        click = result["results"][0]
        assert click["error"] is None, click
        wb = result["workbook"]
        # what the user typed is still there, character for character
        for (name, address), value in typed.items():
            assert sheet(wb, name)["cells"][address]["v"] == value
        errors = [f for f in click["report"]["findings"] if f["level"] == "错误"]
        assert errors
        for f in errors:
            name, address = f["where"].split("!")
            assert _fill(wb, name, address) == RED_FILL, f
            if api == "1.18":
                assert f["message"].split("：")[0] in sheet(wb, name)["notes"][address]
        assert not _strings_kept(result)


def test_publish_button_only_touches_the_public_sheet(tmp_path, seed_filing, client):
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    spec = workbook_spec(path)
    result = client(spec, excel_api="1.17", steps=[{"click": "publish"}])
    assert result["results"][0]["error"] is None, result["results"][0]
    touched = {a["sheet"] for a in result["dispatched"] if a.get("sheet")}
    assert touched == {"公开表"}
    public = sheet(result["workbook"], "公开表")
    assert public["merges"] and min(public["columnWidths"].values()) > 40


def test_draft_button_appends_pending_lines_and_the_pane_shows_them(tmp_path, seed_filing, client):
    """刷新 shows each drafted line under its finding and offers 补充待确认指标; that button appends the
    lines to 绩效指标 (序号 待确认, the draft colour); pressed again, it appends nothing."""
    from xl_tools.schema import DRAFT_MARK, MARK_DRAFT
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    first = client(workbook_spec(path), excel_api="1.17", steps=[{"click": "refresh"}, {"click": "draft"}])
    refreshed, drafted = first["results"]
    assert refreshed["error"] is None and drafted["error"] is None, first["results"]
    lines = [f["draft"] for f in refreshed["report"]["findings"] if f["draft"]]
    assert lines and all(line.startswith("可补充：") for line in lines)
    assert "补充待确认指标" in refreshed["report"]["drafts"]
    assert first["payloads"][-1]["url"].endswith("/xlwings/custom-scripts-call/draft")
    ws = sheet(first["workbook"], "绩效指标")["cells"]
    pending = sorted(int(a[1:]) for a, c in ws.items() if a.startswith("B") and c.get("v") == DRAFT_MARK)
    assert len(pending) >= len(lines) and pending == list(range(pending[0], pending[0] + len(pending)))
    assert {_fill(first["workbook"], "绩效指标", f"{col}{r}") for r in pending for col in "ABCDEFG"} == \
        {"#" + MARK_DRAFT[0]}
    assert "待确认" in drafted["report"]["summary"] and drafted["report"]["drafts"] is None
    again = client({**_respec(first["workbook"]), "name": path.name}, excel_api="1.17", steps=[{"click": "draft"}])
    assert again["results"][0]["error"] is None
    ws = sheet(again["workbook"], "绩效指标")["cells"]
    assert sorted(int(a[1:]) for a, c in ws.items() if a.startswith("B") and c.get("v") == DRAFT_MARK) == pending


def test_workbook_errors_reach_the_task_pane_in_chinese(tmp_path, client):
    """Not a filing at all (no 项目 sheet): the server answers 422 with one Chinese line, the client
    shows it in the pane, nothing is written."""
    spec = {"name": "别的表.xlsx", "sheets": [{"name": "Sheet1", "cells": {"A1": {"v": "你好"}}}]}
    result = client(spec, excel_api="1.18")
    error = result["results"][0]["error"]
    assert error and re.search(r"[\u4e00-\u9fff]", error) and "Traceback" not in error
    assert not result["dispatched"]


# ---------------------------------------------------------------- requirement sets

def test_office_js_members_and_minimum_excel(tmp_path, seed_filing, client):
    """Every Office.js member the client used, with its requirement set from @types/office-js: the
    add-in needs ExcelApi 1.9 without notes and 1.18 for notes; README and the deployment guide say so."""
    path = _seed_with_user_sheet(tmp_path, seed_filing)
    spec = workbook_spec(path)
    with_notes = client(spec, excel_api="1.18", steps=[{"click": "refresh"}, {"click": "publish"}])
    without = client(spec, excel_api=MIN_EXCEL_API, steps=[{"click": "refresh"}, {"click": "publish"}])

    def highest(apis):
        versions = [v.split()[1] for v in apis.values() if v.startswith("ExcelApi ")]
        return max(versions, key=lambda v: tuple(map(int, v.split("."))))
    assert highest(without["apis"]) == MIN_EXCEL_API
    assert highest(with_notes["apis"]) == NOTES_EXCEL_API
    assert {k for k, v in with_notes["apis"].items() if v == "ExcelApi 1.18"} <= {
        "Worksheet.notes", "NoteCollection.add", "NoteCollection.getItemOrNullObject", "Note.getLocation",
        "Note.delete", "NoteCollection.load"}
    readme = (ROOT / "README.md").read_text("utf-8")
    guide = (ROOT / "docs" / "服务器部署.md").read_text("utf-8")
    for text in (readme, guide):
        assert f"ExcelApi {MIN_EXCEL_API}" in text and f"ExcelApi {NOTES_EXCEL_API}" in text
    (tmp_path / "apis.json").write_text(json.dumps(with_notes["apis"], ensure_ascii=False, indent=1), "utf-8")
