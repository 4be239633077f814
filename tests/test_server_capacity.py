"""Many units at once on one server: a bounded number of tasks run, the rest wait in turn, and beyond the
queue the person is told at once, in Chinese, to try again (``xl_tools.taskslots``).

Before: every request started its task at once (the page's thread pool took 6, the add-in's routes 40),
each holding a filing of a few hundred MB or a PDF reader of up to 2 GB, with no queue bound at all.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from xl_tools import taskslots
from xl_tools.taskslots import Busy, TaskSlots


@pytest.fixture
def one_slot(monkeypatch):
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_TASKS", "1")
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_QUEUE", "1")
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WAIT", "2")


def test_tasks_beyond_the_slots_wait_in_turn_and_beyond_the_queue_are_told_at_once(one_slot):
    slots = TaskSlots()
    order: list[str] = []

    async def scenario():
        release_first = asyncio.Event()

        async def task(name: str, hold: asyncio.Event | None = None):
            async with slots.slot():
                order.append(f"{name} runs")
                if hold is not None:
                    await hold.wait()
                order.append(f"{name} ends")

        first = asyncio.create_task(task("A", release_first))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(task("B"))               # waits: the one slot is taken
        await asyncio.sleep(0.05)
        assert (slots.running, slots.waiting) == (1, 1)
        with pytest.raises(Busy) as busy:                     # the queue (1) is full: told at once
            await task("C")
        assert "服务器正忙" in busy.value.message and "未作任何改动" in busy.value.message
        assert busy.value.retry_after == 2
        release_first.set()
        await asyncio.gather(first, second)

    asyncio.run(scenario())
    assert order == ["A runs", "A ends", "B runs", "B ends"]
    assert (slots.running, slots.waiting) == (0, 0)           # every slot given back


def test_a_request_that_waits_its_time_out_is_told_so_and_leaves_the_queue(one_slot):
    slots = TaskSlots()

    async def scenario():
        hold = asyncio.Event()

        async def holder():
            async with slots.slot():
                await hold.wait()

        first = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        start = time.monotonic()
        with pytest.raises(Busy) as busy:
            async with slots.slot():
                pass
        waited = time.monotonic() - start
        assert (slots.running, slots.waiting) == (1, 0)
        hold.set()
        await first
        return waited, busy.value

    waited, busy = asyncio.run(scenario())
    assert waited >= 1.9 and "已排队等候 2 秒" in busy.message
    assert (slots.running, slots.waiting) == (0, 0)
    asyncio.run(_take_and_give(slots))                        # the slot is free again


async def _take_and_give(slots: TaskSlots) -> None:
    async with slots.slot():
        assert slots.running == 1


def test_a_slot_is_handed_across_event_loops_and_a_cancelled_waiter_gives_it_on(one_slot, monkeypatch):
    """The add-in's routes and the page may run in different loops (threads): the slot freed in one loop
    wakes the waiter of the other; a waiter cancelled after its slot was handed to it passes it on."""
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_QUEUE", "2")
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WAIT", "20")
    slots = TaskSlots()
    taken, free = threading.Event(), threading.Event()
    got: list[str] = []

    def loop_a():
        async def run():
            async with slots.slot():
                taken.set()
                await asyncio.to_thread(free.wait, 10)
        asyncio.run(run())

    def loop_b():
        async def run():
            async with slots.slot():
                got.append("B")
        asyncio.run(run())

    a = threading.Thread(target=loop_a)
    a.start()
    assert taken.wait(10)
    b = threading.Thread(target=loop_b)
    b.start()
    deadline = time.monotonic() + 10
    while slots.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert slots.waiting == 1
    free.set()
    a.join(10)
    b.join(10)
    assert got == ["B"] and (slots.running, slots.waiting) == (0, 0)

    async def cancelled(granted_first: bool):
        await slots.acquire()                                  # another task holds the one slot
        waiter = asyncio.create_task(_take_and_give(slots))
        await asyncio.sleep(0.02)
        assert slots.waiting == 1
        if granted_first:
            slots.release()         # the slot is handed to the waiter (granted on the loop's next turn) ...
            waiter.cancel()         # ... which is cancelled before it runs
        else:
            waiter.cancel()         # cancelled while still in the queue
            await asyncio.gather(waiter, return_exceptions=True)
            assert slots.waiting == 0
            slots.release()
        await asyncio.gather(waiter, return_exceptions=True)

    for granted_first in (True, False):
        asyncio.run(cancelled(granted_first))
        assert (slots.running, slots.waiting) == (0, 0), granted_first
        asyncio.run(_take_and_give(slots))                    # and the slot can be had again


def test_a_limit_that_is_not_a_whole_number_is_one_chinese_line(monkeypatch):
    from xl_tools.errors import XlToolsError
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_TASKS", "四")
    with pytest.raises(XlToolsError, match="XL_TOOLS_SERVER_MAX_TASKS"):
        asyncio.run(_take_and_give(TaskSlots()))


# ------------------------------------------------------------------------------------- over HTTP

@pytest.fixture
def page(monkeypatch):
    pytest.importorskip("starlette")
    pytest.importorskip("multipart")
    from tests.support.servers import uvicorn_thread
    from xl_tools.web.serving import local_app
    with uvicorn_thread(local_app()) as url:
        yield url


def test_three_units_at_once_on_one_slot_through_the_page(page, one_slot, monkeypatch, seed_filing, tmp_path):
    """A real uvicorn on 127.0.0.1, the real page and refresh task: the first refresh is held at its start
    (a gate in front of the real task) so the order is certain: the second waits and gets its workbook,
    the third finds the queue full and is answered 503 with Retry-After, in Chinese, at once."""
    import httpx

    from xl_tools.web import tasks
    from xl_tools.workbook import build_workbook
    book = tmp_path / "单位.xlsx"
    build_workbook(book, seed_filing)
    data = book.read_bytes()
    gate, entered = threading.Event(), threading.Event()
    real = tasks.refresh

    def gated(upload, **kw):
        if not entered.is_set():
            entered.set()
            gate.wait(30)
        return real(upload, **kw)

    monkeypatch.setattr(tasks, "refresh", gated)
    answers: dict[str, httpx.Response] = {}

    def post(name: str) -> None:
        with httpx.Client(base_url=page, timeout=120) as http:
            answers[name] = http.post("/web/api/refresh", files={"file": ("单位.xlsx", data)})

    first = threading.Thread(target=post, args=("first",))
    first.start()
    assert entered.wait(60)
    second = threading.Thread(target=post, args=("second",))
    second.start()
    deadline = time.monotonic() + 30
    while taskslots.SLOTS.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert taskslots.SLOTS.waiting == 1
    started = time.monotonic()
    post("third")
    told_in = time.monotonic() - started
    gate.set()
    first.join(120)
    second.join(120)
    third = answers["third"]
    assert third.status_code == 503 and third.headers["retry-after"] == "2"
    assert third.json()["code"] == "busy" and third.json()["detail"].startswith("服务器正忙")
    assert told_in < 10                                          # told at once, not after a wait
    for name in ("first", "second"):
        assert answers[name].status_code == 200, answers[name].text[:300]
        assert answers[name].json()["file"]                       # the refreshed workbook came back
    assert (taskslots.SLOTS.running, taskslots.SLOTS.waiting) == (0, 0)


def _hold_the_slot() -> tuple[threading.Event, threading.Thread]:
    """Another unit's task holding the process's one slot until the returned event is set."""
    held, free = threading.Event(), threading.Event()

    def run():
        async def hold():
            async with taskslots.SLOTS.slot():
                held.set()
                await asyncio.to_thread(free.wait, 60)
        asyncio.run(hold())

    thread = threading.Thread(target=run)
    thread.start()
    assert held.wait(10)
    return free, thread


def test_the_add_in_waits_its_turn_then_is_told_in_chinese(one_slot, monkeypatch, tmp_path, seed_filing):
    """The add-in's route (xlwings Server, real uvicorn): with the slot held by another unit's task, a
    refresh waits its turn (XL_TOOLS_SERVER_MAX_WAIT = 1 s) and is answered 503 in Chinese with
    Retry-After; once the slot is free the same request gets its actions."""
    import importlib.util
    if importlib.util.find_spec("xlwings_server") is None:
        pytest.skip("xlwings-server not installed (pip install 'xl-tools[server]')")
    import httpx

    from tests.support.payload import payload_from_xlsx
    from tests.support.servers import licensed_environment, uvicorn_thread
    from xl_tools.workbook import build_workbook
    monkeypatch.setenv("XL_TOOLS_SERVER_MAX_WAIT", "1")
    book = tmp_path / "单位.xlsx"
    build_workbook(book, seed_filing)
    body = payload_from_xlsx(book)
    with licensed_environment():
        from xl_tools.server.app import create_app
        with uvicorn_thread(create_app()) as base, httpx.Client(base_url=base, timeout=120) as http:
            free, holder = _hold_the_slot()
            try:
                busy = http.post("/xlwings/custom-scripts-call/refresh", json=body)
            finally:
                free.set()
                holder.join(30)
            ok = http.post("/xlwings/custom-scripts-call/refresh", json=body)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert busy.json()["detail"].startswith("服务器正忙：已排队等候 1 秒")
    assert ok.status_code == 200 and ok.json()["actions"]
    assert (taskslots.SLOTS.running, taskslots.SLOTS.waiting) == (0, 0)
