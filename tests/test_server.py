"""xlwings Server: the remote engine on a real workbook's payload, main() through a mock caller, and the
custom-scripts route over HTTP (FastAPI TestClient and a real uvicorn on 127.0.0.1).

The xlwings licence key (``noncommercial``) is set for this module only and restored afterwards;
``create_app`` registers xlwings' remote engine even if xlwings was imported before the key was set.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from collections import Counter
from decimal import Decimal

import pytest

from xl_tools.model import Indicator

pytestmark = pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                                reason="xlwings-server not installed (pip install 'xl-tools[server]')")

BAD = "#ffccd3"        # the tool's own highlight colours (schema.MARK_ERROR, MARK_WARNING)
WARN = "#ffe9a1"
SMALL_LIMIT = 256 * 1024
TRACEBACK_MARKERS = ("Traceback", 'File "', "Error:", "line ")


@pytest.fixture(scope="module", autouse=True)
def server_app():
    """The app with the default limit; the licence key only while this module runs."""
    from tests.support.servers import licensed_environment
    with licensed_environment():
        from xl_tools.server.app import create_app
        yield create_app()


@pytest.fixture(scope="module")
def small_app(server_app):
    from xl_tools.server.app import create_app
    return create_app(max_body_bytes=SMALL_LIMIT)


# ---------------------------------------------------------------- helpers

def _workbook(tmp_path, filing, name="book.xlsx", edit=None):
    from xl_tools.workbook import build_workbook
    path = tmp_path / name
    build_workbook(path, filing)
    if edit:
        from openpyxl import load_workbook
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def _break_fiscal(wb):
    """Project 2's 财政拨款 no longer adds up to its 总计: an error on the row (and on the unit)."""
    wb["项目"]["E3"] = 1


def _book(path):
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    return xw.Book(json=payload_from_xlsx(path))


def _cells(action) -> set[tuple[int, int, int]]:
    """(sheet_position, row, col), 1-based rows/cols, covered by an action's rectangle."""
    return {(action["sheet_position"], action["start_row"] + 1 + r, action["start_column"] + 1 + c)
            for r in range(action["row_count"]) for c in range(action["column_count"])}


def _colored(actions, color: str, sheet_position: int) -> set[tuple[int, int]]:
    out = set()
    for a in actions:
        if a["func"] == "setRangeColor" and str(a["args"][0]).lower() == color and a["sheet_position"] == sheet_position:
            out |= {(r, c) for _, r, c in _cells(a)}
    return out


def _with_sheet_names(payload_sheets, actions) -> list[tuple[str | None, dict]]:
    """Each action with the name of the sheet its sheet_position meant at that moment (addSheet shifts
    the positions of the sheets after it)."""
    names = [s["name"] for s in payload_sheets]
    out = []
    for a in actions:
        if a["func"] == "addSheet":
            pos, name = a["args"][0], a["args"][1]
            names.insert(pos if pos is not None else len(names), name)
            out.append((name, a))
        else:
            pos = a["sheet_position"]
            out.append((names[pos] if pos is not None and pos < len(names) else None, a))
    return out


def _scaled(filing, factor: int, clean_projects: set[str]):
    """``factor`` × the projects, the extra ones copies of projects without findings (distinct names and
    targets), with the unit's and the department's totals adjusted: more cells, the same findings."""
    f = copy.deepcopy(filing)
    src = [p for p in f.projects if p.name in clean_projects]
    extra = []
    i = 0
    while len(f.projects) + len(extra) < factor * len(filing.projects):
        p = src[i % len(src)]
        i += 1
        q = copy.deepcopy(p)
        q.name = f"{p.name}（第{i}批）"
        q.target = f"{p.target}（第{i}批）"
        for ind in q.indicators:
            ind.project = q.name
        extra.append(q)
    f.projects += extra
    add = sum((p.total for p in extra), Decimal(0))
    f.units[0].total += add
    f.units[0].fiscal += sum((p.fiscal for p in extra), Decimal(0))
    f.total += add
    return f


def _assert_clean_error(resp, status: int | tuple[int, ...]):
    statuses = status if isinstance(status, tuple) else (status,)
    assert resp.status_code in statuses, (resp.status_code, resp.text[:500])
    body = resp.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body          # a Chinese message
    for marker in TRACEBACK_MARKERS:
        assert marker not in resp.text, resp.text[:500]
    return body


# ---------------------------------------------------------------- (a) the remote engine

def test_payload_from_xlsx_shape(seed_workbook):
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    p = payload_from_xlsx(seed_workbook)
    assert p["client"] == "Office.js" and p["version"] == xw.__version__
    assert p["book"]["name"] == "seed.xlsx" and p["book"]["selection"] == "A1"
    names = [s["name"] for s in p["sheets"]]
    assert names[:5] == ["说明", "基本信息", "项目", "绩效指标", "代码表"]
    projects = p["sheets"][2]
    assert projects["values"][0][:4] == ["序号", "项目名称", "资金使用单位", "总计"]
    assert len({len(r) for r in projects["values"]}) == 1                       # rectangular
    assert all(v is not None for row in projects["values"] for v in row)        # "" for empty
    assert next(s for s in p["sheets"] if s["name"] == "_xltools")["visibility"] == "Hidden"
    by_name = {n["name"]: n for n in p["names"]}
    assert by_name and all(n["book_scope"] for n in p["names"])
    some = next(n for n in p["names"] if n["sheet_index"] is not None)
    assert some["refers_to"].startswith("=") and "$" not in some["address"]
    json.dumps(p)                                                               # JSON-serialisable


def test_remote_refresh_actions(tmp_path, seed_filing):
    from xl_tools.app import refresh_book as refresh
    path = _workbook(tmp_path, seed_filing, edit=_break_fiscal)
    book = _book(path)
    sheets_before = copy.deepcopy(book.api["sheets"])
    outcome = refresh(book, now="2025-01-01 10:00")
    actions = book.json()["actions"]
    assert actions
    for a in actions:
        assert set(a) >= {"func", "args", "values", "sheet_position", "start_row", "start_column",
                          "row_count", "column_count"}

    # errors red, warnings amber, on the right cells: 项目 is the 3rd sheet (position 2)
    assert (3, 4) in _colored(actions, BAD, 2)                                   # D3: 总计 ≠ sum of parts
    bad_fonts = [a for a in actions if a["func"] == "setFontProperty" and a["args"][0] == "color"
                 and str(a["args"][1]).lower() == "#9e0a14" and a["sheet_position"] == 2]
    assert any((2, 3, 4) in _cells(a) for a in bad_fonts)
    assert _colored(actions, WARN, 2) or _colored(actions, WARN, 3)
    assert not (_colored(actions, BAD, 2) & _colored(actions, WARN, 2))
    assert any(a["func"] == "addNote" and a["sheet_position"] == 2 and "AMT001" in a["args"][1] for a in actions)

    # the new sheets, and the 校验结果 rows in one block
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert "校验结果" in added and "公开表" in added
    named = _with_sheet_names(sheets_before, actions)
    blocks = [a for n, a in named if a["func"] == "setValues" and n == "校验结果"]
    assert len(blocks) == 1
    rows = blocks[0]["values"]
    assert rows[0][0] == "校验结果"
    text = json.dumps(rows, ensure_ascii=False)
    assert "AMT001" in text and outcome.summary.split("：", 1)[1] in text
    first = next(k for k, r in enumerate(rows) if r and r[0] in ("错误", "警告", "提示"))
    severities = [r[0] for r in rows[first:] if r and r[0] in ("错误", "警告", "提示")]
    assert severities == sorted(severities, key=["错误", "警告", "提示"].index)  # errors first
    assert severities.count("错误") >= 1
    # the 校验结果 severity column is coloured as a rectangle per severity, not cell by cell
    assert len([a for n, a in named if a["func"] == "setRangeColor" and n == "校验结果"]) <= 3
    # the summary on 说明 (position 0)
    assert any(a["func"] == "setValues" and a["sheet_position"] == 0 and outcome.summary in json.dumps(
        a["values"], ensure_ascii=False) for a in actions)
    # no multi-area address anywhere (they fail on the remote engine)
    assert not any("," in str(arg) for a in actions if a["func"] == "addNote" for arg in a["args"][:1])


def test_remote_publish_only_touches_public_sheet(tmp_path, seed_filing):
    from xl_tools.app import publish_book as publish
    book = _book(_workbook(tmp_path, seed_filing))
    before = copy.deepcopy(book.api["sheets"])
    publish(book)
    actions = book.json()["actions"]
    assert [a["args"][1] for a in actions if a["func"] == "addSheet"] == ["公开表"]
    assert {n for n, a in _with_sheet_names(before, actions)} == {"公开表"}
    values = next(a for a in actions if a["func"] == "setValues")["values"]
    assert "项目支出绩效目标表" in values[0][0]


def test_remote_refresh_actions_bounded(tmp_path, seed_filing):
    """10× the projects, the extra ones copies of projects without findings: the calls grow with the
    findings groups, not with the cells (values go in blocks, highlights per rectangle). The one cost
    that grows with rows is the 公开表's row heights: one call per run of rows of equal height (the
    remote engine has no multi-area ranges), so those are bounded by the 公开表's row count instead."""
    from xl_tools.app import refresh_book as refresh

    def run(filing, name):
        book = _book(_workbook(tmp_path, filing, name=name))
        outcome = refresh(book, now="2025-01-01 10:00")
        return book.json()["actions"], outcome

    # no sample project has a 成本指标 (STR015 on all 13): give the 291 监控前端 purchase its unit cost,
    # which leaves that project without findings
    seed_filing = copy.deepcopy(seed_filing)
    cameras = next(p for p in seed_filing.projects if p.name.endswith("教学信息化设备购置项目"))
    cameras.indicators.append(Indicator(len(cameras.indicators) + 1, "1", "产出指标", "14", "成本指标",
                                        "单个监控前端购置成本", "≤2.8万元/个", "≤2.8万元/个", cameras.name))
    seed_actions, seed_outcome = run(seed_filing, "seed.xlsx")
    flagged = {f.project for f in seed_outcome.findings if f.severity in ("error", "warning")}
    findings_free = {p.name for p in seed_filing.projects} - flagged
    assert findings_free, "the seed has no project without findings"
    big = _scaled(seed_filing, 10, findings_free)
    assert len(big.projects) == 10 * len(seed_filing.projects)
    big_actions, big_outcome = run(big, "big.xlsx")
    assert len([f for f in big_outcome.findings if f.severity != "info"]) == \
        len([f for f in seed_outcome.findings if f.severity != "info"])

    def without_row_heights(actions):
        return [a for a in actions if a["func"] != "setRowHeight"]
    assert len(without_row_heights(big_actions)) < 3 * len(seed_actions), (len(big_actions), len(seed_actions))
    assert Counter(a["func"] for a in without_row_heights(big_actions)) == \
        Counter(a["func"] for a in without_row_heights(seed_actions))
    public_rows = max(a["row_count"] for a in big_actions if a["func"] == "setValues")
    assert Counter(a["func"] for a in big_actions)["setRowHeight"] <= public_rows


# ---------------------------------------------------------------- (b) main() through a mock caller

def test_main_through_mock_caller(tmp_path, seed_filing):
    from xl_tools import desktop as excel
    book = _book(_workbook(tmp_path, seed_filing, edit=_break_fiscal))
    book.set_mock_caller()
    excel.main()
    actions = book.json()["actions"]
    assert (3, 4) in _colored(actions, BAD, 2)
    assert {"校验结果", "公开表"} <= {a["args"][1] for a in actions if a["func"] == "addSheet"}


def test_main_shows_workbook_error_instead_of_raising(tmp_path, seed_filing):
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from xl_tools import desktop as excel
    payload = payload_from_xlsx(_workbook(tmp_path, seed_filing))
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != "项目"]
    payload["names"] = []
    book = xw.Book(json=payload)
    book.set_mock_caller()
    excel.main()                                                                 # no exception
    text = json.dumps(book.json()["actions"], ensure_ascii=False)
    assert "项目" in text and ("刷新失败" in text or "alert" in text)


# ---------------------------------------------------------------- (c) the route over HTTP

def _client(app):
    from fastapi.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def seed_payload(tmp_path_factory, seed_filing):
    from tests.support.payload import payload_from_xlsx
    path = _workbook(tmp_path_factory.mktemp("server"), seed_filing, edit=_break_fiscal)
    return payload_from_xlsx(path)


def _bad_requests(payload):
    """(name, body bytes, headers, expected status(es)) for the error cases."""
    js = {"content-type": "application/json"}
    wrong_version = {**payload, "client": "VBA", "version": "0.30.0"}
    stale_addin = {**payload, "version": "0.33.0"}
    return [
        ("malformed", b'{"client": "Office.js", "version": ', js, 400),
        ("not utf-8", b"\xff\xfe{}", js, 400),
        ("array", b"[1, 2, 3]", js, 400),
        ("empty", b"", js, 400),
        ("deep nesting", b"[" * 200_000, js, 400),
        ("wrong version", json.dumps(wrong_version).encode(), js, 400),
        ("stale add-in", json.dumps(stale_addin).encode(), js, 400),
        ("no sheets", json.dumps({**payload, "sheets": "x"}).encode(), js, 422),
        ("bad names", json.dumps({**payload, "names": [{"x": 1}]}).encode(), js, 422),
        ("object in a cell", json.dumps({**payload, "sheets": [{"name": "项目", "values": [[{"a": 1}]]}]}).encode(), js, 422),
        ("form with bad json", b"bookData=%7Bbad", {"content-type": "application/x-www-form-urlencoded"}, 400),
    ]


def test_route_refresh_testclient(server_app, seed_payload):
    client = _client(server_app)
    resp = client.post("/xlwings/custom-scripts-call/refresh", json=seed_payload)
    assert resp.status_code == 200, resp.text[:500]
    actions = resp.json()["actions"]
    assert (3, 4) in _colored(actions, BAD, 2)
    assert {"校验结果", "公开表"} <= {a["args"][1] for a in actions if a["func"] == "addSheet"}
    resp = client.post("/xlwings/custom-scripts-call/publish", json=seed_payload)
    assert resp.status_code == 200
    assert [a["args"][1] for a in resp.json()["actions"] if a["func"] == "addSheet"] == ["公开表"]


def test_route_errors_testclient(server_app, small_app, seed_payload):
    client = _client(server_app)
    for name, body, headers, status in _bad_requests(seed_payload):
        resp = client.post("/xlwings/custom-scripts-call/refresh", content=body, headers=headers)
        body_json = _assert_clean_error(resp, status)
        if name == "wrong version":
            assert "0.30.0" in body_json["detail"] and body_json["code"] == "version_mismatch"
        if name == "stale add-in":
            assert "任务窗格" in body_json["detail"] and body_json["code"] == "version_mismatch"
    # a client that sends no names (older xlwings JS): handled as a workbook without names
    no_names = {k: v for k, v in seed_payload.items() if k != "names"}
    resp = client.post("/xlwings/custom-scripts-call/refresh", json=no_names)
    assert resp.status_code == 200, resp.text[:300]
    # an Excel without ExcelApi 1.18: no addNote, the report says why
    old_excel = copy.deepcopy(seed_payload)
    for sheet in old_excel["sheets"]:
        sheet["notes_supported"], sheet["notes"] = False, []
    resp = client.post("/xlwings/custom-scripts-call/refresh", json=old_excel)
    assert resp.status_code == 200, resp.text[:300]
    actions = resp.json()["actions"]
    assert not [a for a in actions if a["func"] in ("addNote", "deleteNote")]
    report = json.loads(next(a for a in actions if a["func"] == "runMacro")["args"][1])
    assert report["notice"] and "1" in report["summary"]
    # only our @script functions are callable
    for name in ("os", "script", "_run", "xw", "__init__"):
        _assert_clean_error(client.post(f"/xlwings/custom-scripts-call/{name}", json=seed_payload), 404)
    _assert_clean_error(client.post("/xlwings/custom-functions-call", json={"func_name": "x"}), 404)
    # extra args
    _assert_clean_error(client.post("/xlwings/custom-scripts-call/refresh", json={**seed_payload, "args": [1]}), 400)
    # our own error type → 422 with its message
    broken = copy.deepcopy(seed_payload)
    broken["sheets"] = [s for s in broken["sheets"] if s["name"] != "项目"]
    broken["names"] = []
    body = _assert_clean_error(client.post("/xlwings/custom-scripts-call/refresh", json=broken), 422)
    assert "项目" in body["detail"] and body["code"] == "workbook_error"
    # oversized: declared by Content-Length, and streamed without one
    small = _client(small_app)
    big = json.dumps({**seed_payload, "pad": "x" * (SMALL_LIMIT + 10)}).encode()
    body = _assert_clean_error(small.post("/xlwings/custom-scripts-call/refresh", content=big,
                                          headers={"content-type": "application/json"}), 413)
    assert body["code"] == "payload_too_large" and "上限" in body["detail"]

    def chunks():
        for k in range(0, len(big), 16 * 1024):
            yield big[k:k + 16 * 1024]
    _assert_clean_error(small.post("/xlwings/custom-scripts-call/refresh", content=chunks(),
                                   headers={"content-type": "application/json"}), 413)
    # the seed itself is well under the default limit
    assert client.post("/xlwings/custom-scripts-call/refresh", json=seed_payload).status_code == 200


def test_unexpected_error_is_500_without_traceback(server_app, seed_payload, monkeypatch, caplog):
    from xl_tools import app

    def boom(book):
        raise RuntimeError("secret internal detail")
    monkeypatch.setattr(app, "refresh_book", boom)
    with caplog.at_level("ERROR", logger="xl_tools.server"):
        resp = _client(server_app).post("/xlwings/custom-scripts-call/refresh", json=seed_payload)
    body = _assert_clean_error(resp, 500)
    assert "secret" not in resp.text and body["code"] == "internal_error"
    ref = body["detail"].split("错误编号 ")[1][:8]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)     # the traceback is logged


def test_taskpane_manifest_and_meta(server_app):
    import xml.etree.ElementTree as ET
    client = _client(server_app)
    pane = client.get("/taskpane.html")
    assert pane.status_code == 200
    assert 'xw-click="refresh"' in pane.text and 'xw-click="publish"' in pane.text
    assert 'xw-click="draft"' in pane.text and "补充待确认指标" in pane.text
    assert "刷新" in pane.text and "生成公开表" in pane.text
    meta = {m["function_name"]: m for m in client.get("/xlwings/custom-scripts-meta.json").json()}
    assert set(meta) == {"refresh", "draft", "publish"}
    manifest = client.get("/manifest.xml", headers={"X-Forwarded-Proto": "https"})
    assert manifest.status_code == 200
    root = ET.fromstring(manifest.content)
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1"}
    from xl_tools.server.app import MANIFEST_IDS
    assert root.find("o:Id", ns).text == MANIFEST_IDS["PROD"]
    assert root.find("o:DefaultLocale", ns).text == "zh-CN"
    assert "https://testserver/taskpane.html" in manifest.text
    for label in ("刷新", "生成公开表", "xltools-refresh", "xltools-publish"):
        assert label in manifest.text
    ribbon = client.get("/static/js/ribbon.js")
    assert ribbon.status_code == 200 and 'associate("xltools-refresh"' in ribbon.text
    assert client.get("/").json() == {"status": "ok"}


# ---------------------------------------------------------------- real uvicorn on 127.0.0.1

@pytest.fixture
def live_server(small_app):
    from tests.support.servers import uvicorn_thread
    with uvicorn_thread(small_app) as base:
        yield base


def test_route_over_real_uvicorn(live_server, seed_payload):
    import httpx
    with httpx.Client(base_url=live_server, timeout=60) as http:
        resp = http.post("/xlwings/custom-scripts-call/refresh", json=seed_payload)
        assert resp.status_code == 200, resp.text[:500]
        assert (3, 4) in _colored(resp.json()["actions"], BAD, 2)
        for name, body, headers, status in _bad_requests(seed_payload):
            resp = http.post("/xlwings/custom-scripts-call/refresh", content=body, headers=headers)
            _assert_clean_error(resp, status)
        big = json.dumps({**seed_payload, "pad": "x" * (2 * SMALL_LIMIT)}).encode()
        resp = http.post("/xlwings/custom-scripts-call/refresh", content=big, headers={"content-type": "application/json"})
        _assert_clean_error(resp, 413)

        def chunks():
            for k in range(0, len(big), 16 * 1024):
                yield big[k:k + 16 * 1024]
        resp = http.post("/xlwings/custom-scripts-call/refresh", content=chunks(),
                         headers={"content-type": "application/json"})
        assert "content-length" not in {k.lower() for k in resp.request.headers}
        _assert_clean_error(resp, 413)
        # still serving after all that
        assert http.get("/").json() == {"status": "ok"}


# ---------------------------------------------------------------- configuration

def test_limits_and_serve_arguments(monkeypatch):
    from xl_tools.errors import XlToolsError
    from xl_tools.server import app as server_app_module
    from xl_tools.server.cli import serve
    monkeypatch.delenv(server_app_module.MAX_BODY_ENV, raising=False)
    assert server_app_module.max_body_bytes_from_env() == 20 * 1024 * 1024
    monkeypatch.setenv(server_app_module.MAX_BODY_ENV, "5")
    assert server_app_module.max_body_bytes_from_env() == 5 * 1024 * 1024
    monkeypatch.setenv(server_app_module.MAX_BODY_ENV, "lots")
    with pytest.raises(XlToolsError, match="XL_TOOLS_SERVER_MAX_BODY_MB.*正整数"):
        server_app_module.max_body_bytes_from_env()
    with pytest.raises(XlToolsError, match="端口"):
        serve(port=0)
    with pytest.raises(XlToolsError, match="同时"):
        serve(ssl_certfile="cert.pem")
    with pytest.raises(XlToolsError, match="max-body-mb"):
        serve(max_body_mb=0)


def test_default_app_limit_is_20mb(server_app):
    assert server_app.max_body_bytes == 20 * 1024 * 1024
    assert server_app.script_names == ["draft", "publish", "refresh"]


def _subprocess_env(**extra):
    from pathlib import Path
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def test_serve_without_licence_says_so():
    import subprocess
    import sys
    code = ("from xl_tools.server.cli import serve\nfrom xl_tools.errors import XlToolsError\n"
            "try:\n    serve(port=1)\nexcept XlToolsError as e:\n    print('ERR', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=_subprocess_env(HOME="/nonexistent"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ERR" in proc.stdout and "XLWINGS_LICENSE_KEY=noncommercial" in proc.stdout and "PolyForm" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_serve_in_subprocess(seed_payload):
    """serve() itself: uvicorn on 127.0.0.1, the route answers, then the process is stopped."""
    import subprocess
    import sys

    import httpx

    from tests.support.servers import free_port, wait_until_serving
    port = free_port()
    code = f"from xl_tools.server.cli import serve\nserve(port={port}, max_body_mb=1, log_level='warning')\n"
    proc = subprocess.Popen([sys.executable, "-c", code], env=_subprocess_env(XLWINGS_LICENSE_KEY="noncommercial"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(proc, base, timeout=60)
        resp = httpx.post(base + "/xlwings/custom-scripts-call/refresh", json=seed_payload, timeout=60)
        assert resp.status_code == 200 and resp.json()["actions"]
        big = json.dumps({**seed_payload, "pad": "x" * (1024 * 1024)}).encode()
        _assert_clean_error(httpx.post(base + "/xlwings/custom-scripts-call/refresh", content=big, timeout=60,
                                       headers={"content-type": "application/json"}), 413)
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=15)
    assert "xl-tools 服务" in out and f"127.0.0.1:{port}/manifest.xml" in out


# ---------------------------------------------------------------- deployment settings

def test_licence_key_from_the_dotenv_file(tmp_path, seed_payload):
    """A key only in the DOTENV_PATH file (as IT puts secrets there) is enough; a DOTENV_PATH that
    names no file is one Chinese line."""
    import subprocess
    import sys
    env_file = tmp_path / "server.env"
    env_file.write_text("XLWINGS_LICENSE_KEY=noncommercial\n", "utf-8")
    code = ("from fastapi.testclient import TestClient\nimport json, sys\n"
            "from xl_tools.server.app import create_app\n"
            "client = TestClient(create_app())\n"
            "payload = json.load(open(sys.argv[1], encoding='utf-8'))\n"
            "print(client.post('/xlwings/custom-scripts-call/refresh', json=payload).status_code)\n")
    payload_file = tmp_path / "payload.json"
    payload_file.write_text(json.dumps(seed_payload), "utf-8")
    proc = subprocess.run([sys.executable, "-c", code, str(payload_file)], capture_output=True, text=True,
                          timeout=180, env=_subprocess_env(DOTENV_PATH=str(env_file), HOME=str(tmp_path)))
    assert proc.returncode == 0 and proc.stdout.strip().endswith("200"), proc.stderr[-2000:]
    missing = ("from xl_tools.server.app import create_app\nfrom xl_tools.errors import XlToolsError\n"
               "try:\n    create_app()\nexcept XlToolsError as e:\n    print('ERR', e)\n")
    proc = subprocess.run([sys.executable, "-c", missing], capture_output=True, text=True, timeout=180,
                          env=_subprocess_env(DOTENV_PATH=str(tmp_path / "nowhere.env"), HOME=str(tmp_path)))
    assert "ERR 环境变量 DOTENV_PATH 指向的文件不存在" in proc.stdout, (proc.stdout, proc.stderr[-2000:])


def test_open_address_without_authentication_is_refused(tmp_path):
    """Every interface and no auth provider: refused with one Chinese line (nothing is bound)."""
    import subprocess
    import sys

    from xl_tools.server.cli import is_loopback
    assert is_loopback("127.0.0.1") and is_loopback("127.8.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("10.1.2.3")
    assert not is_loopback("xltools.example.gov.cn")
    from tests.support.servers import free_port
    code = ("from xl_tools.server.cli import serve\nfrom xl_tools.errors import XlToolsError\n"
            f"try:\n    serve(host='0.0.0.0', port={free_port()})\nexcept XlToolsError as e:\n    print('ERR', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env=_subprocess_env(XLWINGS_LICENSE_KEY="noncommercial", HOME=str(tmp_path)))
    assert "ERR 拒绝在 0.0.0.0 上启动" in proc.stdout and "--insecure" in proc.stdout, (proc.stdout, proc.stderr[-2000:])


def test_role_names_must_be_entra_values(tmp_path):
    """XLWINGS_AUTH_REQUIRED_ROLES=["会计"] can never match a token (Entra app-role values are ASCII):
    the server refuses to start and says how to name the role."""
    import subprocess
    import sys
    code = ("from xl_tools.server.app import create_app\nfrom xl_tools.errors import XlToolsError\n"
            "try:\n    create_app()\n    print('STARTED')\nexcept XlToolsError as e:\n    print('ERR', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env=_subprocess_env(XLWINGS_LICENSE_KEY="noncommercial", HOME=str(tmp_path),
                                              XLWINGS_AUTH_REQUIRED_ROLES='["会计"]'))
    assert "ERR XLWINGS_AUTH_REQUIRED_ROLES 中的角色「会计」不能用" in proc.stdout, (proc.stdout, proc.stderr[-2000:])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env=_subprocess_env(XLWINGS_LICENSE_KEY="noncommercial", HOME=str(tmp_path),
                                              XLWINGS_AUTH_REQUIRED_ROLES='["accountant"]'))
    assert "STARTED" in proc.stdout, (proc.stdout, proc.stderr[-2000:])


# ---------------------------------------------------------------- (e) the guard's bounds (issue 14)

def _form(data) -> bytes:
    import urllib.parse
    return urllib.parse.urlencode({"bookData": data if isinstance(data, str) else json.dumps(data)}).encode()


def test_form_encoded_books_get_the_json_checks(server_app, seed_payload):
    client = _client(server_app)
    form = {"content-type": "application/x-www-form-urlencoded"}
    cases = [("deep nesting", _form("[" * 100_000), 400), ("no sheets", _form({**seed_payload, "sheets": "x"}), 422),
             ("not an object", _form("[1, 2]"), 400), ("no field", b"other=1", 400),
             ("wrong version", _form({**seed_payload, "client": "VBA", "version": "0.30.0"}), 400)]
    for name, body, status in cases:
        resp = client.post("/xlwings/custom-scripts-call/refresh", content=body, headers=form)
        _assert_clean_error(resp, status)
    multipart = {"content-type": "multipart/form-data; boundary=x"}
    resp = client.post("/xlwings/custom-scripts-call/refresh", content=b"--x--", headers=multipart)
    assert _assert_clean_error(resp, 415)["code"] == "unsupported_form"
    resp = client.post("/xlwings/custom-scripts-call/refresh", content=_form(seed_payload), headers=form)
    assert resp.status_code == 200, resp.text[:300]


def test_work_per_request_is_bounded(server_app, seed_payload, monkeypatch):
    client = _client(server_app)
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WORK", "1000")
    body = _assert_clean_error(client.post("/xlwings/custom-scripts-call/refresh", json=seed_payload), 413)
    assert body["code"] == "too_much_work" and "条规则" in body["detail"] and "XL_TOOLS_SERVER_MAX_WORK" in body["detail"]
    monkeypatch.delenv("XL_TOOLS_SERVER_MAX_WORK")
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_CELLS", "100")
    body = _assert_clean_error(client.post("/xlwings/custom-scripts-call/refresh", json=seed_payload), 413)
    assert "单元格" in body["detail"]


def test_time_per_request_is_bounded(server_app, tmp_path, monkeypatch):
    """A request past its budget stops inside the worker thread and answers 422 in Chinese."""
    from tests.support.payload import payload_from_xlsx
    from tests.support.synthetic import synthetic_filing
    filing = synthetic_filing(800)                    # several seconds of work on any machine
    for p in filing.projects:
        p.total += 1                                  # findings on every project: highlights and notes
        p.target = "x"
        for ind in p.indicators:
            ind.period_value = "很好"
    payload = payload_from_xlsx(_workbook(tmp_path, filing))
    client = _client(server_app)
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_SECONDS", "1")
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WORK", "10000000")   # the time limit is tested, not the work bound
    body = _assert_clean_error(client.post("/xlwings/custom-scripts-call/refresh", json=payload), 422)
    assert "处理时间超过上限 1 秒" in body["detail"]
