"""The PDF reader in a child process with a memory and a wall-clock limit: the fence behind the budgets.

The budgets of ``pdfstreams`` (decoded bytes) and ``pdfpage`` (glyphs, drawing operations, time inside a
page) bound what the PDF reader is known to spend. Whatever a hostile PDF finds beyond them in pdfminer
— a structure that costs memory or time no budget counts — is caught here: ``fenced(fn, *args)`` runs
``fn`` in a forked child whose address space is limited to what the process uses now plus
``limits.PDF_MEMORY_MB`` (RLIMIT_AS) and which is killed when the task's time (``limits.deadline``) is
spent. Its result or its XlToolsError comes back through a pipe; a child that ran out of memory, was
killed or died is one XlToolsError naming the file (exit 2), never the end of a batch or a server. A
defect of ours in the child (any other exception) comes back as ``ChildFailed`` with its traceback, so
the boundary logs it (exit 3).

Where the system cannot fork (Windows), ``fn`` runs in this process, bounded by the budgets alone (a
``MemoryError`` there is one XlToolsError too; docs/robustness.md says what is not bounded).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
import traceback

from .. import limits
from ..errors import XlToolsError

GRACE_SECONDS = 5           # the child's own time check (a clear message) comes first
_MEMORY = "读取 PDF 所需的内存超过上限 {mb:,} MB，已停止（PDF 结构异常，疑似恶意文件；如确属正常文件，可设置环境变量 " \
          f"{limits.PDF_MEMORY_MB.env} 调高上限）"
_NO_MEMORY = "读取 PDF 所需的内存超过了本机可用的内存，已停止（PDF 结构异常，疑似恶意文件）"
_DIED = "读取 PDF 的进程意外退出（{how}），PDF 可能已损坏或结构异常：请重新导出 PDF 后再试"


class ChildFailed(Exception):
    """A defect of ours in the child process; the message holds its traceback."""


def fenced(fn, *args, source: str):
    """``fn(*args)`` in a child process within the memory and time limits (see the module docstring)."""
    if not hasattr(os, "fork"):
        try:
            return fn(*args)
        except MemoryError:
            raise XlToolsError(_NO_MEMORY, file=source) from None
    seconds = limits.remaining()
    seconds = limits.value(limits.SECONDS) if seconds is None else seconds
    memory_mb = limits.value(limits.PDF_MEMORY_MB)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child: never returns
        os.close(read_end)
        _run_child(write_end, memory_mb, fn, args)
    os.close(write_end)
    try:
        data, timed_out = _collect(read_end, pid, seconds + GRACE_SECONDS)
    finally:
        os.close(read_end)
    status = _reap(pid, kill=timed_out)
    if timed_out:
        raise limits.time_exceeded().located(file=source)
    return _outcome(data, status, memory_mb, source)


def _run_child(fd: int, memory_mb: int, fn, args) -> None:
    code = 0
    try:
        _limit_memory(memory_mb)
        try:
            reply = ("ok", fn(*args))
        except XlToolsError as err:
            reply = ("error", type(err), err.message, err.file, err.sheet, err.cell)
        except MemoryError:
            reply = ("memory",)
        except BaseException:                             # noqa: BLE001 - sent to the parent's boundary
            reply = ("failed", traceback.format_exc())
        try:
            payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory",))
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
    except BaseException:                                 # noqa: BLE001 - nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


def _limit_memory(memory_mb: int) -> None:
    """Let the address space grow by ``memory_mb`` from what it is now (Linux: VmSize in /proc)."""
    try:
        import resource
        with open("/proc/self/status", encoding="ascii") as fh:
            size_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    except (ImportError, OSError, StopIteration, ValueError):
        return
    limit = size_kb * 1024 + memory_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _collect(fd: int, pid: int, seconds: float) -> tuple[bytes, bool]:
    """What the child writes until it closes the pipe, or (…, True) when ``seconds`` pass first."""
    chunks, end = [], time.monotonic() + seconds
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return b"".join(chunks), True
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
    except BaseException:                                 # Ctrl+C, or anything: the child goes too
        _reap(pid, kill=True)
        raise


def _reap(pid: int, *, kill: bool) -> int:
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0


def _outcome(data: bytes, status: int, memory_mb: int, source: str):
    if not data:
        how = (f"信号 {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"退出码 {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else "原因不明")
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            raise XlToolsError(_MEMORY.format(mb=memory_mb), file=source)     # the system's OOM killer
        raise XlToolsError(_DIED.format(how=how), file=source)
    reply = pickle.loads(data)
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "error":
        cls, message, file, sheet, cell = reply[1:]
        raise cls(message, file=file, sheet=sheet, cell=cell)
    if kind == "memory":
        raise XlToolsError(_MEMORY.format(mb=memory_mb), file=source)
    raise ChildFailed(reply[1])
