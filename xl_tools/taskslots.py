"""How many requests a server works on at once, and how many may wait for their turn.

Each task of the xlwings Server (the add-in's buttons) and of the upload page runs in a thread of its own;
a refresh of a large filing holds a few hundred MB and a PDF being read a child process of up to
``XL_TOOLS_MAX_PDF_MEMORY_MB``. Without a bound, forty units pressing 刷新 at the same minute would start
forty tasks on a two-core machine and every one of them would run out of time or memory. So:

- at most ``XL_TOOLS_SERVER_MAX_TASKS`` tasks run at once in the process;
- further requests wait in arrival order (first come, first served), at most
  ``XL_TOOLS_SERVER_MAX_QUEUE`` of them, each for at most ``XL_TOOLS_SERVER_MAX_WAIT`` seconds;
- a request beyond the queue, or one that waited its time out, is answered at once with ``Busy``
  (HTTP 503 with ``Retry-After`` and one Chinese line): the person is told to try again in a moment,
  instead of a spinner that never ends.

The limits are read when a request arrives (as every limit is: ``limits``), so a changed environment
applies to the next request. The slots work across event loops and threads: a waiter is handed its slot
through its own loop (``call_soon_threadsafe``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading

from . import limits

MAX_TASKS = limits.Limit("XL_TOOLS_SERVER_MAX_TASKS", 4, "同时处理的请求数", "个")
MAX_QUEUE = limits.Limit("XL_TOOLS_SERVER_MAX_QUEUE", 32, "排队等候的请求数", "个")
MAX_WAIT = limits.Limit("XL_TOOLS_SERVER_MAX_WAIT", 60, "请求排队等候的时间", "秒")
ALL = [MAX_TASKS, MAX_QUEUE, MAX_WAIT]

MSG_FULL = ("服务器正忙：正在处理 {running} 个请求，另有 {waiting} 个在排队（上限 {queue} 个）；"
            "请约 {retry} 秒后再试。您的工作簿未作任何改动。")
MSG_WAITED = ("服务器正忙：已排队等候 {waited} 秒仍未轮到（同时处理上限 {running} 个）；"
              "请稍后再试。您的工作簿未作任何改动。")


class Busy(Exception):
    """No slot now and no room (or no more time) to wait for one; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class TaskSlots:
    """A first-come-first-served bound on the tasks of one process (see the module's text)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._queue: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = collections.deque()

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    async def acquire(self) -> None:
        """Take a slot, waiting in turn when all are taken; ``Busy`` when none can be had. Pair with
        ``release()`` (or use ``slot()``)."""
        most, queue_most, wait_s = (limits.value(MAX_TASKS), limits.value(MAX_QUEUE), limits.value(MAX_WAIT))
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._running < most and not self._queue:
                self._running += 1
                return
            if len(self._queue) >= queue_most:
                retry = min(wait_s, 30)
                raise Busy(MSG_FULL.format(running=self._running, waiting=len(self._queue), queue=queue_most,
                                           retry=retry), retry_after=retry)
            waiter = (loop, loop.create_future())
            self._queue.append(waiter)
        await self._wait(waiter, wait_s, most)

    @contextlib.asynccontextmanager
    async def slot(self):
        """``async with SLOTS.slot():`` the body holds one slot."""
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    async def _wait(self, waiter, wait_s: int, most: int) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(waiter[1]), wait_s)
        except BaseException as exc:                      # timed out, or the request was cancelled
            with self._lock:
                queued = waiter in self._queue
                if queued:
                    self._queue.remove(waiter)
            if not queued:                                # the slot was handed over meanwhile: give it on
                self.release()
            if isinstance(exc, asyncio.TimeoutError):
                raise Busy(MSG_WAITED.format(waited=wait_s, running=most), retry_after=min(wait_s, 30)) from None
            raise

    def release(self) -> None:
        """Hand the slot to the first waiter (the running count stays), or free it."""
        with self._lock:
            while self._queue:
                loop, future = self._queue.popleft()
                try:
                    loop.call_soon_threadsafe(_grant, future)
                    return
                except RuntimeError:                      # that waiter's loop is closed: the next one
                    continue
            self._running -= 1


def _grant(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


SLOTS = TaskSlots()        # one per process: the add-in's scripts and the upload page share it
