"""Robustness of what arrives over HTTP (issue 25, red team on the integrated main): the upload page and
the add-in's routes, against a real uvicorn on 127.0.0.1.

- a slow upload (a byte now and then: the body never completes) held its connection for ever, on the
  page and on the add-in's routes alike — and a server shutting down waited for it;
- a Chinese file name of more than 85 characters (255 bytes in UTF-8) was an HTTP 500 on the page;
- two units' workbooks refreshed at once through the page each get their own answer.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import socket
import threading
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("multipart")

LIMIT = 3                       # XL_TOOLS_SERVER_MAX_SECONDS in these tests
WAIT = 20                       # how long a test waits for an answer before it calls the upload unbounded


@pytest.fixture(scope="module")
def page_base():
    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    with uvicorn_thread(local_app()) as url:
        yield url


def _trickle(base: str, path: str, content_type: str, head: bytes) -> tuple[float, bytes]:
    """POST ``head`` to ``path`` announcing a 1 MB body, then one byte every 0.2 s: (seconds until the
    server answers or closes, what it sent); fails after WAIT seconds without an answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {2**20}\r\n\r\n".encode("latin-1") + head)
        sock.settimeout(0.2)
        start = time.monotonic()
        while time.monotonic() - start < WAIT:
            try:
                sock.sendall(b"x")
                answer = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                answer = b""
            return time.monotonic() - start, answer
    pytest.fail(f"{path}: no answer to a slow upload after {WAIT} s (the connection is held for ever)")


def _json_body(answer: bytes) -> dict:
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])


def test_a_slow_upload_to_the_page_is_cut_off(page_base, monkeypatch):
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_SECONDS", str(LIMIT))
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
    seconds, answer = _trickle(page_base, "/web/api/refresh", "multipart/form-data; boundary=b", head)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert "上传用时超过上限 3 秒" in _json_body(answer)["detail"]
    assert LIMIT - 0.5 < seconds < LIMIT + 5


@pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                    reason="xlwings-server not installed (pip install 'xl-tools[server]')")
def test_a_slow_upload_to_the_add_in_is_cut_off(monkeypatch):
    from tests.support.servers import licensed_environment, uvicorn_thread
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_SECONDS", str(LIMIT))
    with licensed_environment():
        from xl_tools.server.app import create_app
        with uvicorn_thread(create_app()) as base:
            seconds, answer = _trickle(base, "/xlwings/custom-scripts-call/refresh", "application/json", b'{"book": ')
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert "上传用时超过上限 3 秒" in _json_body(answer)["detail"]
    assert LIMIT - 0.5 < seconds < LIMIT + 5


def _http(base):
    import httpx
    return httpx.Client(base_url=base, timeout=300)


def test_a_long_chinese_file_name_is_refreshed_and_published(page_base, seed_workbook):
    """A name of 100 Chinese characters (314 bytes in UTF-8, over the file system's 255) was written as
    it came: an HTTP 500. It is written under a shorter name; the answer keeps the person's."""
    name = "广州市" + "某" * 100 + "局2024年项目支出绩效目标表.xlsx"
    with _http(page_base) as http:
        resp = http.post("/web/api/refresh", files={"file": (name, seed_workbook.read_bytes())})
        assert resp.status_code == 200, resp.text[:300]
        answer = resp.json()
        assert answer["name"] == name[:120 - 5] + ".xlsx"
        from openpyxl import load_workbook
        assert "校验结果" in load_workbook(io.BytesIO(base64.b64decode(answer["file"])), read_only=True).sheetnames
        resp = http.post("/web/api/publish", files={"file": (name, seed_workbook.read_bytes())}, data={"draft": "1"})
        assert resp.status_code == 200, resp.text[:300]
        assert resp.json()["name"] == name[:120 - 5] + "_公开表.xlsx"


def _unit_workbook(seed, k: int, folder) -> bytes:
    from tests.test_server_concurrency import _unit_filing
    from xl_tools.workbook import build_workbook
    path = folder / f"unit{k + 1}.xlsx"
    build_workbook(path, _unit_filing(seed, k))
    return path.read_bytes()


def _answer(resp) -> str:
    """What the page answers, less the refresh time and the workbook's bytes (the workbook's stamp)."""
    assert resp.status_code == 200, resp.text[:300]
    data = resp.json()
    data.pop("file")
    data["summary"] = re.sub(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} ", "", data.get("summary", ""))   # the stamp's minute
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def test_two_units_refreshing_at_once_through_the_page_each_get_their_own(page_base, seed_filing, tmp_path):
    books = [(f"单位{k + 1}.xlsx", _unit_workbook(seed_filing, k, tmp_path)) for k in range(2)]
    with _http(page_base) as http:
        alone = [_answer(http.post("/web/api/refresh", files={"file": book})) for book in books]
    assert alone[0] != alone[1] and "第2单位" in alone[1] and "第2单位" not in alone[0]
    answers, errors = [], []
    start = threading.Barrier(2)

    def client(k: int) -> None:
        try:
            with _http(page_base) as http:
                start.wait()
                for _ in range(3):
                    answers.append((k, _answer(http.post("/web/api/refresh", files={"file": books[k]}))))
        except BaseException as exc:                     # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert len(answers) == 6 and all(answer == alone[k] for k, answer in answers)


def test_the_reviewers_batch_on_the_page_never_shows_the_servers_folders(page_base, seed_workbook):
    """The 审核汇总 the page gives back named an unreadable upload by the server's temporary path
    (文件 /tmp/xl-tools-web-…/收件箱/丙.pdf：…) in 汇总, 问题明细 and 合并来源, with pdfminer's English
    (No /Root object! - Is this really a PDF?). Now by the name the person gave it, in Chinese only."""
    import zipfile
    files = [("file", ("甲.xlsx", seed_workbook.read_bytes())), ("file", ("丙.pdf", b"%PDF-1.4 junk"))]
    with _http(page_base) as http:
        resp = http.post("/web/api/review", files=files)
    assert resp.status_code == 200, resp.text[:300]
    assert "/tmp" not in resp.text and "xl-tools-web-" not in resp.text
    row = next(r for r in resp.json()["files"] if r["file"] == "丙.pdf")
    assert row["error"].startswith("文件 丙.pdf：无法打开 PDF") and "Root" not in row["error"], row
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(resp.json()["file"]))) as book:
        for part in book.namelist():
            text = book.read(part).decode("utf-8", "replace")
            assert "xl-tools-web-" not in text and "/tmp/" not in text, part
