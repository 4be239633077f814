"""The upload page's routes over HTTP (a real uvicorn on 127.0.0.1): what comes back is what the one
implementation of each task makes (``app.refresh_file`` / ``publish_file``, the batch), under the name
the person gave the file; errors are one Chinese line naming the upload, never a temporary path; the
limits are the add-in's; nothing is left on the server after the answer. The page in a real browser:
``tests/test_web_browser.py``."""

from __future__ import annotations

import base64
import io
import json
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import needs_soffice
from xl_tools.schema import MARK_ERROR

pytest.importorskip("starlette")
pytest.importorskip("multipart")

NAME = "单位 A（2024 年）=预算.xlsx"
TRACEBACK_MARKERS = ("Traceback", 'File "', "line ")


def _broken(seed_filing):
    import copy
    from decimal import Decimal
    f = copy.deepcopy(seed_filing)
    f.projects[1].fiscal += Decimal(1)          # 财政拨款 no longer adds up: an error on 项目
    return f


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_filing):
    from xl_tools.workbook import build_workbook
    folder = tmp_path_factory.mktemp("web_books")
    clean, broken = folder / "clean.xlsx", folder / "broken.xlsx"
    build_workbook(clean, seed_filing)
    build_workbook(broken, _broken(seed_filing))
    return {"clean": clean, "broken": broken}


@pytest.fixture(scope="module")
def temp_root(tmp_path_factory):
    """tempfile's folder for the whole module: the server's workspaces go here, and must not stay."""
    root = tmp_path_factory.mktemp("server_tmp")
    saved = tempfile.tempdir
    tempfile.tempdir = str(root)
    yield root
    tempfile.tempdir = saved


@pytest.fixture(scope="module")
def base(temp_root):
    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    with uvicorn_thread(local_app()) as url:
        yield url


@pytest.fixture(scope="module")
def small_base(temp_root):
    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    from xl_tools.web.site import UploadSite
    with uvicorn_thread(local_app(UploadSite(max_body_bytes=64 * 1024))) as url:
        yield url


def _http(url):
    import httpx
    return httpx.Client(base_url=url, timeout=300)


def _clean_error(resp, status: int) -> str:
    assert resp.status_code == status, (resp.status_code, resp.text[:500])
    detail = resp.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail
    for marker in TRACEBACK_MARKERS + ("xl-tools-web-", "/tmp"):
        assert marker not in resp.text, resp.text[:500]
    return detail


def _left_behind(root: Path) -> list[str]:
    return [p.name for p in root.iterdir()]


def test_page_and_info(base):
    with _http(base) as http:
        resp = http.get("/", follow_redirects=True)
        assert resp.status_code == 200 and str(resp.url).endswith("/web/")
        assert '<html lang="zh-CN">' in resp.text and "<title>项目支出绩效目标表" in resp.text
        assert resp.headers["content-security-policy"].startswith("default-src 'self'")
        for name, kind in (("web.js", "javascript"), ("web.css", "css")):
            assert kind in http.get(f"/web/static/{name}").headers["content-type"]
        info = http.get("/web/api/info").json()
        from xl_tools.publish.pdf import find_soffice
        assert info == {"pdf": find_soffice() is not None, "max_mb": 20.0, "max_seconds": 120}
        assert _clean_error(http.get("/web/static/../../setup.cfg"), 404)
        assert _clean_error(http.get("/web/api/refresh"), 405)


def test_refresh_answers_what_refresh_file_makes(base, books, tmp_path, temp_root):
    """The same findings on the same cells as ``app.refresh_file`` on the same file, the workbook back
    under its own name, highlighted."""
    from xl_tools import app
    local = tmp_path / "local.xlsx"
    local.write_bytes(books["broken"].read_bytes())
    expected = app.refresh_file(local)
    with _http(base) as http:
        resp = http.post("/web/api/refresh", files={"file": (NAME, books["broken"].read_bytes())})
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["cache-control"] == "no-store"
    data = resp.json()
    assert data["name"] == NAME
    assert data["summary"].split("：", 1)[1] == expected.report.split("：", 1)[1]
    assert [(f["code"], f["sheet"], f["cell"], f["message"], f["suggestion"]) for f in data["findings"]] == \
        [(f.code, f.sheet or "", f.cell or "", f.message, f.suggestion) for f in expected.rows]
    assert data["findings"][0]["severity"] == "error" and data["findings"][0]["level"] == "错误"
    wb = load_workbook(io.BytesIO(base64.b64decode(data["file"])))
    assert "校验结果" in wb.sheetnames and "公开表" in wb.sheetnames
    first = data["findings"][0]
    assert wb[first["sheet"]][first["cell"]].fill.fgColor.rgb.upper().endswith(MARK_ERROR[0])
    assert _left_behind(temp_root) == []


def test_refresh_with_draft_appends_the_drafted_lines(base, books, temp_root):
    """``draft=1``: what ``app.refresh_file(draft=True)`` makes — the drafted lines on 绩效指标, 待确认."""
    with _http(base) as http:
        plain = http.post("/web/api/refresh", files={"file": (NAME, books["clean"].read_bytes())}).json()
        resp = http.post("/web/api/refresh", files={"file": (NAME, books["clean"].read_bytes())},
                         data={"draft": "1"})
    assert resp.status_code == 200, resp.text[:500]
    data = resp.json()
    assert plain["drafts"] >= 10 and plain["pending"] == 0
    assert 10 <= data["pending"] <= plain["drafts"]            # two findings drafting one line add it once
    wb = load_workbook(io.BytesIO(base64.b64decode(data["file"])))
    assert sum(1 for r in wb["绩效指标"].iter_rows(values_only=True) if r[1] == "待确认") == data["pending"]
    assert "待确认" in data["summary"]
    assert _left_behind(temp_root) == []


def test_publish_refused_draft_and_pdf(base, books, temp_root):
    with _http(base) as http:
        resp = http.post("/web/api/publish", files={"file": (NAME, books["clean"].read_bytes())})
        assert resp.status_code == 200, resp.text[:300]
        data = resp.json()
        assert data["name"] == "单位 A（2024 年）=预算_公开表.xlsx" and data["draft"] is False
        wb = load_workbook(io.BytesIO(base64.b64decode(data["file"])))
        assert "项目支出绩效目标表" in str(wb.active["A1"].value)
        detail = _clean_error(http.post("/web/api/publish", files={"file": (NAME, books["broken"].read_bytes())}), 422)
        assert detail.startswith(f"文件 {NAME}：填报表还有 2 条错误") and "生成草稿" in detail
        resp = http.post("/web/api/publish", files={"file": (NAME, books["broken"].read_bytes())}, data={"draft": "1"})
        assert resp.status_code == 200 and resp.json()["draft"] is True
    assert _left_behind(temp_root) == []


@needs_soffice
def test_publish_pdf(base, books):
    with _http(base) as http:
        resp = http.post("/web/api/publish", files={"file": (NAME, books["clean"].read_bytes())}, data={"pdf": "1"})
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json()["name"].endswith("_公开表.pdf")
    assert base64.b64decode(resp.json()["file"]).startswith(b"%PDF")


def test_reviewer_batch(base, books, temp_root):
    files = [("file", ("甲单位.xlsx", books["clean"].read_bytes())), ("file", ("乙单位.xlsx", books["broken"].read_bytes())),
             ("file", ("说明.docx", b"not a workbook")), ("file", ("甲单位.xlsx", books["clean"].read_bytes()))]
    with _http(base) as http:
        resp = http.post("/web/api/review", files=files)
    assert resp.status_code == 200, resp.text[:500]
    data = resp.json()
    assert data["name"] == "审核汇总.xlsx"
    rows = {f["file"]: f for f in data["files"]}
    assert set(rows) == {"甲单位.xlsx", "甲单位（2）.xlsx", "乙单位.xlsx", "说明.docx"}
    assert rows["乙单位.xlsx"]["errors"] == 2 and rows["说明.docx"]["status"] == "无法读取"
    assert "Word 文档" in rows["说明.docx"]["error"]
    wb = load_workbook(io.BytesIO(base64.b64decode(data["file"])))
    text = json.dumps([[c for c in row] for ws in wb for row in ws.iter_rows(values_only=True)],
                      ensure_ascii=False, default=str)
    assert "乙单位.xlsx" in text and "网页上传的 4 个文件" in text
    assert "xl-tools-web-" not in text and str(temp_root) not in text
    assert _left_behind(temp_root) == []


def test_errors_are_one_chinese_line(base, small_base, books, temp_root):
    with _http(base) as http:
        detail = _clean_error(http.post("/web/api/refresh", files={"file": ("说明.docx", b"hello")}), 422)
        assert detail.startswith("文件 说明.docx：这是 Word 文档")
        detail = _clean_error(http.post("/web/api/refresh", files={"file": ("预算.xlsx", b"hello")}), 422)
        assert detail.startswith("文件 预算.xlsx：")
        _clean_error(http.post("/web/api/refresh", files={"file": ("空.xlsx", b"")}), 422)
        _clean_error(http.post("/web/api/refresh", files={"file": ("旧.et", b"x")}), 422)
        _clean_error(http.post("/web/api/refresh", files={"other": ("a.xlsx", b"x")}), 400)
        _clean_error(http.post("/web/api/refresh", content=b"{}", headers={"content-type": "application/json"}), 415)
        two = [("file", ("a.xlsx", b"x")), ("file", ("b.xlsx", b"y"))]
        assert "审核汇总" in _clean_error(http.post("/web/api/refresh", files=two), 400)
        # a path in the name is not a path on the server
        resp = http.post("/web/api/refresh", files={"file": ("../../etc/a.xlsx", books["clean"].read_bytes())})
        assert resp.status_code == 200 and resp.json()["name"] == "a.xlsx"
    with _http(small_base) as http:
        big = books["broken"].read_bytes() + b"\0" * (64 * 1024)
        assert "过大" in _clean_error(http.post("/web/api/refresh", files={"file": (NAME, big)}), 413)

        def chunks():
            body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n" + big + b"\r\n--b--\r\n"
            for k in range(0, len(body), 16 * 1024):
                yield body[k:k + 16 * 1024]
        resp = http.post("/web/api/refresh", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
        assert "content-length" not in {k.lower() for k in resp.request.headers}
        _clean_error(resp, 413)
        assert http.get("/web/api/info").status_code == 200            # still serving
    assert _left_behind(temp_root) == []


def test_time_per_request_is_bounded(base, tmp_path, monkeypatch, temp_root):
    from tests.support.synthetic import synthetic_filing
    from xl_tools.workbook import build_workbook
    path = tmp_path / "big.xlsx"
    # a refresh several times longer than the 1-second budget on any machine: 1,500 projects took more
    # than a second until the refresh got faster, and then no longer did on an idle machine
    build_workbook(path, synthetic_filing(6000))
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_SECONDS", "1")
    with _http(base) as http:
        detail = _clean_error(http.post("/web/api/refresh", files={"file": ("大.xlsx", path.read_bytes())}), 422)
    assert "处理时间超过上限 1 秒" in detail
    assert _left_behind(temp_root) == []


def test_serve_puts_the_page_beside_the_add_in(books):
    """``xl-tools serve``'s app: /web/ answers, the add-in's routes still do."""
    from fastapi.testclient import TestClient

    from tests.support.servers import licensed_environment
    with licensed_environment():
        from xl_tools.server.app import create_app
        from xl_tools.web.serving import with_web
        client = TestClient(with_web(create_app()), raise_server_exceptions=False)
        assert '<html lang="zh-CN">' in client.get("/web/").text
        resp = client.post("/web/api/refresh", files={"file": (NAME, books["broken"].read_bytes())})
        assert resp.status_code == 200 and resp.json()["name"] == NAME
        assert client.get("/").json() == {"status": "ok"}
        assert client.get("/taskpane.html").status_code == 200


@needs_soffice
def test_the_page_says_how_to_ask_for_a_draft_in_its_own_words(base, books, temp_root):
    """A table to sign refused on the page: the way to a draft is the page's checkbox, not the command
    line's --allow-incomplete; the command line keeps naming its option (test_batch_signed)."""
    files = [("file", ("甲单位.xlsx", books["clean"].read_bytes())), ("file", ("乙单位.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 508))]
    with _http(base) as http:
        resp = http.post("/web/api/review", files=files, data={"publish": "1"})
    assert resp.status_code == 200, resp.text[:500]
    refused = [line["text"] for line in resp.json()["lines"] if "合并公开表未生成" in line["text"]]
    assert refused and "--allow-incomplete" not in refused[0], refused
    assert "勾选「应报单位未全部计入时也生成（标为草稿）」" in refused[0], refused
    assert _left_behind(temp_root) == []


def test_the_batch_lines_name_the_pages_fields_not_command_line_options(base, books, temp_root, seed_filing):
    """Two departments' filings uploaded without naming one: the line that says which was reviewed points
    to the page's 「部门」 field, not to --department (the command line's words stay on the command line)."""
    import copy

    from xl_tools.workbook import build_workbook
    other = copy.deepcopy(seed_filing)
    other.department = "乙市卫生健康委员会"
    for p in other.projects:
        p.unit = "乙市人民医院"
    other.units[0].name = "乙市人民医院"
    path = temp_root.parent / "other_department.xlsx"
    build_workbook(path, other)
    files = [("file", ("甲单位.xlsx", books["clean"].read_bytes())), ("file", ("甲单位2.xlsx", books["clean"].read_bytes())),
             ("file", ("乙单位.xlsx", path.read_bytes()))]
    with _http(base) as http:
        resp = http.post("/web/api/review", files=files)
    assert resp.status_code == 200, resp.text[:500]
    text = "\n".join(line["text"] for line in resp.json()["lines"])
    assert "个部门的填报" in text and "「部门」" in text, text
    assert "--" not in text, text
