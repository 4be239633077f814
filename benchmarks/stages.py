"""One stage of ``make bench`` in a process of its own: ``python -m benchmarks.stages STAGE PATH WORK``.

The process imports what the stage needs and warms up on a seed-size workbook (lazy imports, caches of
codes and profiles: not part of any size's figure), prepares untimed inputs (the model for ``check``, a
copy of a refreshed workbook for the unchanged refresh), resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), then runs the stage once and prints one JSON line: the CPU time of the process
during the stage (``time.process_time``: user + system, what a busy machine does not inflate the way it
does wall time), the wall time, the peak RSS (VmHWM) and its rise above the RSS at the start (Δ).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

NOW = "2024-01-01 00:00"


def _prepare(stage: str, path: Path, work: Path) -> Callable[[], object]:
    """Untimed preparation; returns the timed callable."""
    if stage == "floor_openpyxl":
        import openpyxl
        return lambda: openpyxl.load_workbook(path).save(work / "floor.xlsx")
    if stage == "floor_readonly":
        import openpyxl

        def run():
            wb = openpyxl.load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for _ in ws.iter_rows(values_only=True):
                    pass
            wb.close()
        return run
    if stage == "floor_calamine":
        from python_calamine import CalamineWorkbook

        def run():
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()
        return run
    if stage == "read":
        from xl_tools.workbook import read_filing
        return lambda: read_filing(path, strict=False)
    if stage == "check":                    # the rules on a filing in memory, as every interface asks for them
        from xl_tools import app
        filing = app.load_filing(path).filing
        filing = app.review(filing).completed       # what is timed: the rules on a completed filing
        return lambda: app.review(filing)
    # the refreshes run as every interface runs them: ``app.refresh_file``, the task (its checks of input
    # and output, the pinned bytes, the garbage collector held back: ``refresh_path`` alone, which the
    # stages called until 2026-12-06, made full collections no command makes, ~1 s CPU at 5k)
    if stage == "refresh":                  # the first refresh of a workbook, to another file
        from xl_tools.app import refresh_file
        out = work / f"refreshed{path.suffix}"
        out.unlink(missing_ok=True)
        return lambda: refresh_file(path, out, now=NOW)
    if stage in ("refresh_unchanged", "refresh_unchanged_full"):
        # 刷新 again with nothing changed, in place (as the button does): the file the first refresh sealed
        # (refresh.seal), and the same refresh with the seal not taken (a file another program saved)
        from xl_tools.app import refresh_path as refresh_file
        first = work / f"first{path.suffix}"
        first.unlink(missing_ok=True)
        refresh_file(path, first, now=NOW)
        again = work / f"again{path.suffix}"
        shutil.copyfile(first, again)
        full = stage == "refresh_unchanged_full"
        return lambda: refresh_file(again, now=NOW, full=full)
    if stage == "refresh_million":
        from xl_tools.app import refresh_file
        from xl_tools.errors import XlToolsError
        out = work / f"refreshed{path.suffix}"
        out.unlink(missing_ok=True)

        def run():
            try:
                refresh_file(path, out, now=NOW)
            except XlToolsError as err:             # the expected end: the row limit, early
                return str(err)
            return None
        return run
    if stage == "publish":
        from xl_tools.publish import publish
        from xl_tools.workbook import read_filing
        filing = read_filing(path, strict=False)
        return lambda: publish(filing, work / "published.xlsx")
    if stage == "import":
        from xl_tools.importer import import_path
        return lambda: import_path(path)
    if stage == "batch_serial":
        from xl_tools.app import BatchFileTasks
        from xl_tools.batch import review
        return lambda: review([path], tasks=BatchFileTasks, jobs=1, progress=False)
    if stage == "batch":
        from xl_tools.app import BatchFileTasks
        from xl_tools.batch import review
        return lambda: review([path], tasks=BatchFileTasks, jobs=os.cpu_count(), progress=False)
    raise SystemExit(f"unknown stage {stage}")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def run_stage(stage: str, path: Path, work: Path, warm: Path | None) -> dict:
    if warm is not None:
        _prepare(stage, warm, work)()
    run = _prepare(stage, path, work)
    gc.collect()
    reset = _reset_peak()
    base = _status_kb("VmRSS")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = before.ru_utime + before.ru_stime
    c0, w0 = time.process_time(), time.perf_counter()
    said = run()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    peak = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {"stage": stage, "cpu": cpu, "wall": wall, "peak_mb": peak / 1024,
           "delta_mb": max(0, peak - base) / 1024, "children_peak_mb": children.ru_maxrss / 1024,
           "children_cpu": children.ru_utime + children.ru_stime - children_before}
    if isinstance(said, str):
        out["message"] = said
    return out


def main(argv: list[str]) -> int:
    stage, path, work = argv[0], Path(argv[1]), Path(argv[2])
    warm = Path(argv[3]) if len(argv) > 3 else None
    print(json.dumps(run_stage(stage, path, work, warm), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
