"""Workers that die (issue 29): a file whose worker is killed, as an out-of-memory kill does, is that
file's row and the batch goes on; deaths that do not stop end the batch with one line and nothing
written; a Dask cluster left without workers ends the batch after a bounded wait."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.support.batch import review
from tests.support.mail_inbox import unit_filing, write_filing
from tests.support.synthetic import synthetic_filing
from xl_tools.batch import BatchStopped, pool
from xl_tools.workbook import build_workbook


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    for k in range(12):
        write_filing(folder / f"单位{k:02d}.xlsx", unit_filing(f"甲市单位{k:02d}", f"0.{k + 10}"), None)
    big = synthetic_filing(projects=1500, year=2026, units=1)          # read for a while: easy to catch open
    big.department = "甲市教育局"
    build_workbook(folder / "killer.xlsx", big)
    return folder


class Killer(threading.Thread):
    """Kills (SIGKILL, as the out-of-memory killer does) every child process of this test that has a
    file whose name contains ``marker`` open — at most ``times`` times."""

    def __init__(self, marker: str, times: int = 1_000) -> None:
        super().__init__(daemon=True)
        self.marker, self.times, self.kills = marker, times, 0
        self.done = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self.done.is_set() and self.kills < self.times:
            for child in me.children(recursive=True):
                try:
                    if any(self.marker in f.path for f in child.open_files()):
                        os.kill(child.pid, signal.SIGKILL)
                        self.kills += 1
                        if self.kills >= self.times:
                            return
                except (psutil.Error, ProcessLookupError):
                    continue
            time.sleep(0.002)


def _row(r):
    return (r.file, r.status, r.errors, r.warnings, r.unit, r.total)


def test_a_file_that_kills_its_worker_is_its_own_row_and_the_batch_goes_on(inbox):
    serial = {r.file: _row(r) for r in review([inbox], jobs=1).results}
    killer = Killer("killer.xlsx")
    killer.start()
    try:
        report = review([inbox], jobs=2)
    finally:
        killer.done.set()
    rows = {r.file: r for r in report.results}
    assert killer.kills >= 2                                   # in the pool, then alone
    assert rows["killer.xlsx"].status == "内部错误" and rows["killer.xlsx"].findings[0].code == "FILE002"
    assert "进程意外退出" in rows["killer.xlsx"].error and "单独重试仍然退出" in rows["killer.xlsx"].error
    del serial["killer.xlsx"]
    assert {f: _row(r) for f, r in rows.items() if f != "killer.xlsx"} == serial   # every other file intact


def test_a_worker_killed_once_costs_no_file(inbox):
    """A worker killed while it held files (any file: the kill was not the file's doing): each of its
    files is reviewed again alone and gets its normal row."""
    serial = {r.file: _row(r) for r in review([inbox], jobs=1).results}
    killer = Killer(".xlsx", times=1)
    killer.start()
    try:
        report = review([inbox], jobs=2)
    finally:
        killer.done.set()
    assert killer.kills == 1
    assert {r.file: _row(r) for r in report.results} == serial


def test_deaths_that_do_not_stop_end_the_batch_with_one_line(inbox, tmp_path, monkeypatch, capsys):
    from xl_tools.cli import main
    monkeypatch.setattr(pool, "MAX_KILLER_FILES", 0)
    killer = Killer("killer.xlsx")
    killer.start()
    try:
        code = main(["batch", str(inbox), "-o", str(tmp_path / "审核汇总.xlsx"), "--jobs", "2"])
    finally:
        killer.done.set()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1
    assert err[0].startswith("错误：审核中止：已有 1 个文件使审核进程意外退出") and "未写出任何结果" in err[0]
    assert not (tmp_path / "审核汇总.xlsx").exists()          # never a table built on part of the inbox


def _dask_worker(address: str) -> subprocess.Popen:
    """One worker process of the cluster at ``address`` (no nanny: killed, it stays dead)."""
    return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                             "--no-nanny", "--nthreads", "1", "--no-dashboard"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _batch_on(inbox: Path, address: str, **kw) -> tuple[threading.Thread, dict]:
    """The batch on the cluster at ``address``, started in a thread once a worker is there; the dict gets
    ``stopped`` (its BatchStopped), or ``raised`` (anything else), and ``seconds``."""
    import distributed
    with distributed.Client(address, timeout="10s") as client:
        client.wait_for_workers(1, timeout=60)
    outcome: dict = {}

    def run() -> None:
        start = time.monotonic()
        try:
            review([inbox], scheduler=address, **kw)
        except BatchStopped as stop:
            outcome["stopped"] = stop
        except BaseException as exc:  # noqa: BLE001 - the test's assertion names it
            outcome["raised"] = exc
        outcome["seconds"] = time.monotonic() - start

    batch = threading.Thread(target=run)
    batch.start()
    return batch, outcome


def _stopped_without_workers(outcome: dict) -> None:
    assert "stopped" in outcome, outcome
    text = str(outcome["stopped"])
    assert "Dask 集群没有可用的工作节点（已等待 3 秒" in text and "未写出任何结果" in text
    assert outcome["seconds"] < 30


@contextlib.contextmanager
def _cluster_of_one_worker():
    """A local Dask cluster whose one worker is a process of its own: (scheduler address, worker)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        worker = _dask_worker(cluster.scheduler_address)
        try:
            yield cluster.scheduler_address, worker
        finally:
            worker.kill()
            worker.wait()


def _kill_while_it_reads(worker: subprocess.Popen, batch: threading.Thread) -> None:
    """Kill ``worker`` (SIGKILL) once it holds a filing of the inbox open: mid-batch whatever the speed of
    the review (a fixed sleep raced a batch that had become faster than it: the batch ended first)."""
    process = psutil.Process(worker.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert batch.is_alive(), "the batch ended before its worker was killed"
        try:
            if any(f.path.endswith(".xlsx") for f in process.open_files()):
                worker.kill()
                worker.wait()
                return
        except psutil.Error:
            pass
        time.sleep(0.002)
    pytest.fail("the worker never opened a filing")


def test_a_dask_cluster_without_workers_ends_the_batch_after_a_bounded_wait(inbox, monkeypatch):
    monkeypatch.setenv("XL_TOOLS_WORKER_WAIT", "3")
    with _cluster_of_one_worker() as (address, worker):
        batch, outcome = _batch_on(inbox, address)
        _kill_while_it_reads(worker, batch)                 # every worker of the cluster dies mid-batch
        batch.join(timeout=60)
        assert not batch.is_alive(), "the batch waited for ever"
    _stopped_without_workers(outcome)


def test_a_dask_worker_that_dies_holding_finished_results_does_not_hang_the_batch(inbox, monkeypatch):
    """The cluster's only worker dies after a file's review finished there and before the batch fetched
    its row (the moment is forced: the worker is killed as the fetch starts). The row is lost with the
    worker; fetching it must not wait for ever for a worker that will not come: the batch ends after its
    bounded wait, with one line."""
    monkeypatch.setenv("XL_TOOLS_WORKER_WAIT", "3")
    with _cluster_of_one_worker() as (address, worker):
        import distributed
        fetch = distributed.Future.result

        def fetch_after_the_worker_died(self, *args, **kwargs):
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            return fetch(self, *args, **kwargs)

        monkeypatch.setattr(distributed.Future, "result", fetch_after_the_worker_died)
        batch, outcome = _batch_on(inbox, address)
        batch.join(timeout=60)
        assert not batch.is_alive(), "the batch waited for ever for a row held by a dead worker"
    _stopped_without_workers(outcome)


def test_a_lost_dask_scheduler_ends_the_batch_with_one_line(inbox, monkeypatch):
    """The scheduler dies mid-batch: once the client gives up reconnecting, the batch ends with one line
    naming the scheduler (never a traceback of cancelled futures)."""
    pytest.importorskip("distributed")
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = _dask_worker(address)

    class KillTheSchedulerOnFirstRow:               # the progress bar: called after each row comes back
        def __init__(self, total: int) -> None:
            pass

        def advance(self) -> None:
            if scheduler.poll() is None:
                scheduler.kill()
                scheduler.wait()

        def close(self) -> None:
            pass

    monkeypatch.setattr(pool, "_progress_bar", KillTheSchedulerOnFirstRow)
    try:
        deadline = time.monotonic() + 60
        while True:                                     # the scheduler takes a moment to listen
            try:
                batch, outcome = _batch_on(inbox, address, progress=True)
                break
            except OSError:
                assert time.monotonic() < deadline, "the scheduler did not start"
                time.sleep(0.5)
        batch.join(timeout=90)
        assert not batch.is_alive(), "the batch waited for ever for a scheduler that is gone"
    finally:
        for p in (scheduler, worker):
            p.kill()
            p.wait()
    assert "stopped" in outcome, outcome
    text = str(outcome["stopped"])
    assert f"与 Dask 调度器 {address} 的连接已断开" in text and "未写出任何结果" in text
    assert "\n" not in text
