"""Several accountants at once on one xlwings Server: every answer is the request's own.

Different units' workbooks are refreshed (and published) by concurrent clients over HTTP against a real
uvicorn on 127.0.0.1; each answer is compared, action by action, with the answer the same workbook gets
when it is alone on the server. A task-pane report, a highlight or a 公开表 of one unit in another unit's
answer is a leak of one filing to another (issue 25): no answer may differ in anything but the minute of
its 上次刷新 stamp.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import threading
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                                 reason="xlwings-server not installed (pip install 'xl-tools[server]')"),
              pytest.mark.slow]

CLIENTS = 3                 # concurrent accountants, each with a unit of its own
ROUNDS = 8                  # requests each client sends, back to back
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture(scope="module")
def server_base():
    from tests.support.servers import licensed_environment, uvicorn_thread
    with licensed_environment():
        from xl_tools.server.app import create_app
        with uvicorn_thread(create_app()) as base:
            yield base


def _unit_filing(seed, k: int):
    """The seed filed by a unit of its own: its name, its projects' names, and (k = 1) an error."""
    f = copy.deepcopy(seed)
    unit = f"第{k + 1}单位（{'甲乙丙丁'[k % 4]}）"
    old_unit = f.units[0].name
    f.units[0].name = unit
    for p in f.projects:
        if p.unit == old_unit:
            p.unit = unit
        new = f"{p.name}〔{unit}〕"
        for ind in p.indicators:
            ind.project = new
        p.name = new
    if k == 1:
        f.projects[1].fiscal += Decimal(1)            # 财政拨款 no longer adds up: an error, red cells
    if k == 2:
        f.projects[0].target = "x"                    # a vague target: warnings on another row
    return f


@pytest.fixture(scope="module")
def payloads(tmp_path_factory, seed_filing):
    from tests.support.payload import payload_from_xlsx
    from xl_tools.workbook import build_workbook
    out = []
    folder = tmp_path_factory.mktemp("units")
    for k in range(CLIENTS):
        path = folder / f"unit{k + 1}.xlsx"
        build_workbook(path, _unit_filing(seed_filing, k))
        out.append(payload_from_xlsx(path))
    return out


def _masked(answer: dict) -> str:
    return STAMP.sub("<stamp>", json.dumps(answer, ensure_ascii=False, sort_keys=True))


def _post(http, script: str, payload: dict) -> str:
    resp = http.post(f"/xlwings/custom-scripts-call/{script}", json=payload)
    assert resp.status_code == 200, resp.text[:500]
    return _masked(resp.json())


def _pane_reports(masked: str) -> list[dict]:
    return [json.loads(a["args"][1]) for a in json.loads(masked)["actions"] if a["func"] == "runMacro"]


@pytest.mark.parametrize("script", ["refresh", "publish"])
def test_concurrent_clients_each_get_their_own_answer(server_base, payloads, script):
    import httpx
    with httpx.Client(base_url=server_base, timeout=300) as http:
        alone = [_post(http, script, p) for p in payloads]
    assert len(set(alone)) == CLIENTS                    # the units' answers do differ
    if script == "refresh":
        for k, answer in enumerate(alone):               # and each carries its own unit's report
            reports = _pane_reports(answer)
            assert len(reports) == 1 and f"第{k + 1}单位" in json.dumps(reports[0], ensure_ascii=False)

    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(k: int) -> None:
        try:
            with httpx.Client(base_url=server_base, timeout=300) as http:
                start.wait()
                for _ in range(ROUNDS):
                    answers.append((k, _post(http, script, payloads[k])))
        except BaseException as exc:                     # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert len(answers) == CLIENTS * ROUNDS
    wrong = [(k, n) for n, (k, answer) in enumerate(answers) if answer != alone[k]]
    assert not wrong, f"{len(wrong)} of {len(answers)} concurrent answers were not the request's own: {wrong}"
