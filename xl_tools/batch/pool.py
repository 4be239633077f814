"""Run ``review_one`` over every file of a batch: in local processes, or on a Dask cluster.

The files to review are ``Item`` records: a file found in the inputs (``core.expand_paths``), or a member
of a zip found there (``archives``), with the name the report shows.

**A worker that dies** (an out-of-memory kill, a crash in a library) takes with it only the files it
was working on. Locally, at most ``2 × jobs`` files are given to the pool at a time; when the pool
breaks, each file that was in it is reviewed again alone, in a pool of its own: a file that was only
caught in another's death gets its normal row, a file that kills its worker again becomes its own row
(内部错误, FILE002), and the batch goes on with a new pool. When the deaths do not stop — more than
``MAX_KILLER_FILES`` files kill their worker even alone, or the pool breaks more than ``MAX_BREAKS``
times — the batch stops with one line (``BatchStopped``, exit code 3), and nothing is written: never a
table built on part of the inbox.

**On a Dask cluster** a file whose worker dies is one row (``KilledWorker``; set
``distributed.scheduler.allowed-failures`` low so a bad file is not retried on every worker). A cluster
left without workers, or a scheduler that stops answering, ends the batch with one line once it has had
no worker for ``XL_TOOLS_WORKER_WAIT`` seconds (default 120; ``BatchStopped``), instead of waiting for
ever; a row a dead worker held but had not yet handed back is fetched with a bounded wait (it is
computed again when a worker comes), never waited for without end. A scheduler whose connection is lost
(the client gives up reconnecting) ends the batch with one line naming it. A file a live worker is still
reading is bounded by the per-file time limit.
"""

from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import clock, limits
from ..errors import XlToolsError
from ..fileio import refuse_overwrite
from .archives import EMPTY, UNZIP, is_archive, members
from .core import (
    LINK_FIX,
    STATUS_INTERNAL,
    BatchReport,
    FileResult,
    FileTasks,
    _unreadable,
    annotation_targets,
    expand_paths,
    found_in,
    leaves_folder,
    review_one,
)

MAX_KILLER_FILES = 10          # files that kill their worker even when reviewed alone
MAX_BREAKS = 50                # times the local pool may break in one batch
WINDOW_PER_JOB = 2             # files given to the pool at a time, per process
WORKER_WAIT = limits.Limit("XL_TOOLS_WORKER_WAIT", 120, "没有可用的 Dask 工作节点时的等待时间", "秒")
_POLL_S = 1.0

DIED = "内部错误：处理该文件的进程意外退出（可能是内存不足或程序崩溃），单独重试仍然退出"
DIED_ON_CLUSTER = "内部错误：集群处理该文件失败（{}）"


class BatchStopped(XlToolsError):
    """The batch cannot go on (workers keep dying, the cluster has none): one line, exit code 3, no
    output written."""

    exit_code = 3


@dataclass(frozen=True)
class Item:
    """One file to review: ``path`` on disk (for a zip member: the zip), the name the report shows,
    the ``member`` of the zip, and why it may not be read (``refused``), if known already."""

    path: Path
    shown: str
    member: str | None = None
    inner: str | None = None              # the member's name as shown
    refused: tuple[str, str] | None = None  # (why, what to do)

    @property
    def where(self) -> Path:
        """Where the file is, as a path (a member: under its zip's path) — for the annotated copy."""
        return self.path / self.inner if self.inner else self.path


def expand_items(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Item]:
    """Every file to review (``expand_paths``), with each zip replaced by its members."""
    out = []
    found = expand_paths(paths, exclude=exclude)
    for (path, shown), folder in zip(found, found_in(found, paths)):
        away = leaves_folder(path, folder)
        if away is not None:                  # a link that leads out of the folder: its row, never read
            out.append(Item(path, shown, refused=(away, LINK_FIX)))
            continue
        if not (is_archive(path) and path.is_file()):
            out.append(Item(path, shown))
            continue
        try:
            found = members(path)
        except XlToolsError as err:
            out.append(Item(path, shown, refused=(err.message, UNZIP)))
            continue
        if not found:
            out.append(Item(path, shown, refused=EMPTY))
        out.extend(Item(path, f"{shown}/{m.shown}", m.name, m.shown, m.refused) for m in found)
    return out


def review(paths: list[Path], *, tasks: type[FileTasks], jobs: int | None = None, progress: bool = False,
           exclude: Iterable[str | Path] = (), annotate: str | Path | None = None,
           scheduler: str | None = None, items: list[Item] | None = None) -> BatchReport:
    """Review every file under ``paths`` (or the ``items`` already expanded from them) by the
    application's ``tasks`` (``core.FileTasks``: ``app.BatchFileTasks``) with ``jobs``
    processes (default: all CPUs), or on the Dask cluster whose scheduler is at ``scheduler``
    (``tcp://host:8786``; the workers must see the files under the same paths).

    Raises XlToolsError when there is nothing to review at all, when the review output (``exclude``) is
    an input file, or when an annotated copy would overwrite an input or another copy
    (``annotation_targets``); nothing is written then. ``BatchStopped`` when workers keep dying.
    """
    exclude = list(exclude)
    refuse_overwrite(exclude, [p for p in paths if not Path(p).is_dir()])   # `batch a.xlsx -o a.xlsx`
    items = expand_items(paths, exclude=exclude) if items is None else items
    if not items:
        raise XlToolsError("没有找到要审核的文件（.xlsx/.xlsm 工作簿，公开表 .pdf/.txt）")
    targets = (annotation_targets([(i.where, i.shown) for i in items], annotate) if annotate
               else [None] * len(items))
    calls = [((str(i.path), i.shown, annotate, str(t) if t else None), {"tasks": tasks, "member": i.member, "refused": i.refused})
             for i, t in zip(items, targets)]
    started = clock.now().strftime("%Y-%m-%d %H:%M")
    bar = _progress_bar(len(items)) if progress else None
    try:
        if scheduler:
            results, workers = _on_dask(calls, scheduler, bar)
        else:
            results, workers = _locally(calls, jobs, bar)
    finally:
        if bar:
            bar.close()
    report = BatchReport(results, jobs=workers)
    report.inputs, report.started = [str(p) for p in paths], started
    return report


def _died(call, text: str) -> FileResult:
    (path, shown, *_), kw = call
    return _unreadable(FileResult(path, shown, member=kw.get("member")), STATUS_INTERNAL, text)


# ------------------------------------------------------------------------------------ local processes

def _locally(calls: list, jobs: int | None, bar) -> tuple[list[FileResult], int]:
    jobs = min(max(1, jobs or os.cpu_count() or 1), len(calls))
    results: list[FileResult | None] = [None] * len(calls)
    if jobs == 1:
        for k, (args, kw) in enumerate(calls):
            results[k] = review_one(*args, **kw)
            if bar:
                bar.advance()
        return results, 1
    pending = deque(range(len(calls)))
    suspects: list[int] = []
    killers = breaks = 0
    while pending or suspects:
        while suspects:                              # each file of a broken pool, alone
            k = suspects.pop(0)
            results[k] = _alone(calls[k])
            if results[k] is None:
                killers += 1
                results[k] = _died(calls[k], DIED)
                if killers > MAX_KILLER_FILES:
                    raise BatchStopped(f"审核中止：已有 {killers} 个文件使审核进程意外退出（可能内存不足），"
                                       "请减少 --jobs 或检查这些文件后重试；未写出任何结果")
            if bar:
                bar.advance()
        if pending and _pool_run(calls, jobs, pending, suspects, results, bar):
            breaks += 1
            if breaks > MAX_BREAKS:
                raise BatchStopped(f"审核中止：审核进程反复意外退出（{breaks} 次，可能内存不足），"
                                   "请减少 --jobs 后重试；未写出任何结果")
    return results, jobs


def _pool_run(calls, jobs: int, pending: deque, suspects: list, results: list, bar) -> bool:
    """Review ``pending`` files in a pool of ``jobs`` processes, ``WINDOW_PER_JOB × jobs`` at a time.
    True when the pool broke: the files it held are moved to ``suspects``."""
    with ProcessPoolExecutor(max_workers=jobs) as pool:    # forked workers start warm: ``app`` imported
        inflight: dict = {}
        broken = False
        while (pending or inflight) and not broken:
            while pending and len(inflight) < WINDOW_PER_JOB * jobs:
                k = pending.popleft()
                try:
                    inflight[pool.submit(review_one, *calls[k][0], **calls[k][1])] = k
                except BrokenProcessPool:
                    pending.appendleft(k)
                    broken = True
                    break
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in done:
                k = inflight.pop(fut)
                try:
                    results[k] = fut.result()
                except BrokenProcessPool:
                    suspects.append(k)
                    broken = True
                    continue
                if bar:
                    bar.advance()
        if broken:
            suspects.extend(inflight.values())
            suspects.sort()
    return broken


def _alone(call) -> FileResult | None:
    """One file in a pool of its own; None when its worker died."""
    with ProcessPoolExecutor(max_workers=1) as solo:
        try:
            return solo.submit(review_one, *call[0], **call[1]).result()
        except BrokenProcessPool:
            return None


# ---------------------------------------------------------------------------------------------- Dask

def _on_dask(calls: list, scheduler: str, bar) -> tuple[list[FileResult], int]:
    """The same ``review_one`` mapped over a dask.distributed cluster; rows come back in input order."""
    try:                                # optional dependency (the dask extra): only --scheduler needs it
        from distributed import Client
        from distributed import wait as dask_wait
    except ImportError:
        raise XlToolsError("使用 --scheduler 需要安装 dask 组件（pip install --no-index --find-links 安装包 \"xl-tools[dask]\"，安装包须含 dask.distributed）") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise XlToolsError(f"无法连接 Dask 调度器 {scheduler}：{exc}") from None
    results: list[FileResult | None] = [None] * len(calls)
    patience = limits.value(WORKER_WAIT)
    workers = 0
    try:
        futures = [client.submit(review_one, *args, **kw, pure=False) for args, kw in calls]
        index = {f.key: k for k, f in enumerate(futures)}
        waiting = set(futures)
        last_seen = time.monotonic()                 # when the cluster last had a worker
        while waiting:
            try:
                done, waiting = dask_wait(list(waiting), timeout=_POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except CancelledError:                   # every future is cancelled when the scheduler is lost
                raise _lost(scheduler, client, len(waiting)) from None
            fetched = 0
            for fut in done:
                k = index[fut.key]
                try:                                 # bounded: a row held by a worker that has just died
                    results[k] = fut.result(timeout=_POLL_S)   # is computed again, or never (no worker)
                except TimeoutError:
                    waiting.add(fut)
                    continue
                except CancelledError:
                    if client.status != "running":
                        raise _lost(scheduler, client, len(waiting) + len(done) - fetched) from None
                    results[k] = _died(calls[k], DIED_ON_CLUSTER.format("CancelledError"))
                except Exception as exc:  # noqa: BLE001 - a dead worker (KilledWorker, lost data) is one row
                    results[k] = _died(calls[k], DIED_ON_CLUSTER.format(type(exc).__name__))
                fetched += 1
                if bar:
                    bar.advance()
            alive = _workers(client)
            workers = max(workers, alive)
            if alive or fetched:
                last_seen = time.monotonic()
            elif time.monotonic() - last_seen > patience:
                for fut in waiting:
                    fut.cancel()
                raise BatchStopped(f"审核中止：Dask 集群没有可用的工作节点（已等待 {patience} 秒，还有 {len(waiting)} 个文件"
                                   f"未审核；等待时间可用环境变量 {WORKER_WAIT.env} 调整）；未写出任何结果")
    finally:
        client.close()
    return results, workers or 1


def _lost(scheduler: str, client, left: int) -> BatchStopped:
    """The batch's end when the connection to the scheduler is gone (the client gave up reconnecting)."""
    return BatchStopped(f"审核中止：与 Dask 调度器 {scheduler} 的连接已断开（还有 {left} 个文件未审核，"
                        f"客户端状态 {client.status}），请检查调度器后重试；未写出任何结果")


def _workers(client) -> int:
    try:
        return len(client.scheduler_info().get("workers", {}))
    except Exception:  # noqa: BLE001 - a scheduler that does not answer has no workers for us
        return 0


class _progress_bar:
    """A rich progress bar on stderr (only created when the caller asks for one)."""

    def __init__(self, total: int) -> None:
        self._progress = Progress(TextColumn("审核"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                  console=Console(stderr=True), transient=True)
        self._task = self._progress.add_task("审核", total=total)
        self._progress.start()

    def advance(self) -> None:
        self._progress.advance(self._task)

    def close(self) -> None:
        self._progress.stop()
