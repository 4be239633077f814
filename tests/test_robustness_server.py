"""Robustness of the xlwings Server's front door (issue 22.4, 22.5).

- ``XLWINGS_AUTH_PROVIDERS=["custom"]`` is authentication only with the unit's validator installed: without
  one the server does not start (xlwings-server's own ``custom`` accepts the literal "test-token"), and
  with one, "test-token" is a 401 on a server bound to 0.0.0.0.
- The work bound finds 项目 / 绩效指标 as the reader does (white space anywhere in the name), and a form
  with two ``bookData`` fields is refused instead of checked on one and run on the other.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import urllib.parse

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                                reason="xlwings-server not installed (pip install 'xl-tools[server]')")

VALIDATOR = '''
async def validate(token):
    if token == "Bearer unit-sso-7f3a":
        return {"id": "u1", "name": "张会计", "roles": ["accountant"]}
    return None
'''


def _env(tmp_path, **extra):
    from tests.test_server import _subprocess_env
    return _subprocess_env(HOME=str(tmp_path), XLWINGS_LICENSE_KEY="noncommercial",
                           XLWINGS_AUTH_PROVIDERS='["custom"]', **extra)


def _start_code(host: str, port: int) -> str:
    return ("from xl_tools.server.cli import serve\nfrom xl_tools.errors import XlToolsError\n"
            f"try:\n    serve(host={host!r}, port={port}, log_level='warning')\n"
            "except XlToolsError as e:\n    print('ERR', e, flush=True)\n")


def test_custom_provider_without_validator_does_not_start(tmp_path):
    from tests.support.servers import free_port
    for host in ("0.0.0.0", "127.0.0.1"):                # "test-token" is no secret on any address
        proc = subprocess.run([sys.executable, "-c", _start_code(host, free_port())], capture_output=True, text=True,
                              timeout=180, env=_env(tmp_path))
        assert "ERR XLWINGS_AUTH_PROVIDERS 含 custom，但没有安装令牌校验程序" in proc.stdout, (proc.stdout, proc.stderr[-2000:])
        assert "XL_TOOLS_AUTH_VALIDATOR" in proc.stdout and "Traceback" not in proc.stderr
    for value, why in (("nomodule_xyz:check", "无法导入模块"), ("json", "缺少冒号"), ("json:nothing_here", "没有函数")):
        proc = subprocess.run([sys.executable, "-c", _start_code("0.0.0.0", free_port())], capture_output=True,
                              text=True, timeout=180, env=_env(tmp_path, XL_TOOLS_AUTH_VALIDATOR=value))
        assert "ERR XL_TOOLS_AUTH_VALIDATOR=" in proc.stdout and why in proc.stdout, (proc.stdout, proc.stderr[-2000:])
    proc = subprocess.run([sys.executable, "-c", _start_code("0.0.0.0", free_port())], capture_output=True, text=True,
                          timeout=180, env={**_env(tmp_path), "XLWINGS_AUTH_PROVIDERS": '["sso"]'})
    assert "ERR XLWINGS_AUTH_PROVIDERS 中的「sso」不是" in proc.stdout, (proc.stdout, proc.stderr[-2000:])


def test_custom_provider_on_every_interface_checks_tokens(tmp_path, seed_payload_file, seed_workbook_bytes):
    """serve(host="0.0.0.0") without --insecure, the validator installed: "test-token" 401, no token 401,
    the validator's token 200 — over HTTP."""
    import httpx

    from tests.support.servers import free_port, wait_until_serving
    (tmp_path / "unit_sso.py").write_text(VALIDATOR, "utf-8")
    port = free_port()
    env = _env(tmp_path, XL_TOOLS_AUTH_VALIDATOR="unit_sso:validate")
    env["PYTHONPATH"] = str(tmp_path) + ":" + env["PYTHONPATH"]
    code = f"from xl_tools.cli import main\nmain(['serve', '--host', '0.0.0.0', '--port', '{port}'])\n"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(proc, base)
        payload = seed_payload_file.read_bytes()
        url = base + "/xlwings/custom-scripts-call/refresh"
        js = {"content-type": "application/json"}
        for token in ("test-token", "", "Bearer wrong"):
            resp = httpx.post(url, content=payload, headers={**js, "Authorization": token}, timeout=120)
            assert resp.status_code == 401, (token, resp.status_code, resp.text[:300])
            assert "身份验证失败" in resp.json()["detail"]
        resp = httpx.post(url, content=payload, headers={**js, "Authorization": "Bearer unit-sso-7f3a"}, timeout=120)
        assert resp.status_code == 200, resp.text[:500]
        assert resp.json()["actions"]
        # the upload page beside the add-in asks for the same authentication
        page = base + "/web/api/refresh"
        book = {"file": ("book.xlsx", seed_workbook_bytes)}
        for token in ("test-token", ""):
            resp = httpx.post(page, files=book, headers={"Authorization": token}, timeout=120)
            assert resp.status_code == 401 and "需要登录" in resp.json()["detail"], resp.text[:300]
        resp = httpx.post(page, files=book, headers={"Authorization": "Bearer unit-sso-7f3a"}, timeout=120)
        assert resp.status_code == 200 and resp.json()["name"] == "book.xlsx", resp.text[:300]
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=15)


# ---------------------------------------------------------------- 22.5: the work bound

@pytest.fixture(scope="module")
def server_app():
    from tests.support.servers import licensed_environment
    with licensed_environment():
        from xl_tools.server.app import create_app
        yield create_app()


@pytest.fixture(scope="module")
def seed_payload(tmp_path_factory, seed_filing):
    from tests.support.payload import payload_from_xlsx
    from xl_tools.workbook import build_workbook
    path = tmp_path_factory.mktemp("guard") / "book.xlsx"
    build_workbook(path, seed_filing)
    return payload_from_xlsx(path)


@pytest.fixture(scope="module")
def seed_workbook_bytes(tmp_path_factory, seed_filing):
    from xl_tools.workbook import build_workbook
    path = tmp_path_factory.mktemp("guard_book") / "book.xlsx"
    build_workbook(path, seed_filing)
    return path.read_bytes()


@pytest.fixture
def seed_payload_file(tmp_path, seed_payload):
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(seed_payload, ensure_ascii=False), "utf-8")
    return path


def _client(app):
    from fastapi.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


def _renamed(payload: dict, old: str, new: str) -> dict:
    out = json.loads(json.dumps(payload))
    for sheet in out["sheets"]:
        if sheet["name"] == old:
            sheet["name"] = new
    for entry in out.get("names", []):
        if entry.get("scope_sheet_name") == old:
            entry["scope_sheet_name"] = new
    return out


@pytest.mark.parametrize("spelled", ["项 目", " 项目", "项\u3000目", "项目\t"])
def test_work_bound_finds_the_sheet_the_reader_reads(server_app, seed_payload, monkeypatch, spelled):
    """「项 目」 is read as 项目 by the reader, so its rows count against the bound (the guard's strip()
    missed inner and full-width spaces: 20,000 rows ran 122 s)."""
    rows = sum(len(s["values"]) for s in seed_payload["sheets"] if s["name"] in ("项目", "绩效指标"))
    from xl_tools.rules.registry import RULES
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WORK", str(rows * len(RULES) - 1))
    client = _client(server_app)
    resp = client.post("/xlwings/custom-scripts-call/refresh", json=_renamed(seed_payload, "项目", spelled))
    assert resp.status_code == 413, (spelled, resp.status_code, resp.text[:300])
    assert resp.json()["code"] == "too_much_work"
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WORK", str(rows * len(RULES)))
    resp = client.post("/xlwings/custom-scripts-call/refresh", json=_renamed(seed_payload, "项目", spelled))
    assert resp.status_code == 200, resp.text[:300]


def test_form_with_two_books_is_refused(server_app, seed_payload):
    """Two bookData fields: checked on the first, run on the last — refused instead; and a lone field
    reaches xlwings-server as the guard checked it."""
    small = json.dumps(seed_payload, ensure_ascii=False)
    big = json.dumps(_renamed(seed_payload, "说明", "另一份"), ensure_ascii=False)
    client = _client(server_app)
    form = {"content-type": "application/x-www-form-urlencoded"}
    body = urllib.parse.urlencode([("bookData", small), ("bookData", big)]).encode()
    resp = client.post("/xlwings/custom-scripts-call/refresh", content=body, headers=form)
    assert resp.status_code == 400, resp.text[:300]
    assert "2 份工作簿数据" in resp.json()["detail"]
    # a separator only one of two form parsers knows cannot smuggle a second book past the check
    body = (urllib.parse.urlencode({"bookData": small}) + "&x=1;" + urllib.parse.urlencode({"bookData": big})).encode()
    resp = client.post("/xlwings/custom-scripts-call/refresh", content=body, headers=form)
    if resp.status_code == 200:
        added = [a["args"][1] for a in resp.json()["actions"] if a["func"] == "addSheet"]
        assert "另一份" not in json.dumps(resp.json(), ensure_ascii=False) and added
    else:
        assert resp.status_code == 400, resp.text[:300]
