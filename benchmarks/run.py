"""``python -m benchmarks.run [--quick]`` (``make bench``): every stage at every size, next to its floor.

Each stage runs in its own subprocess (``--stage``), so its wall time and peak memory are its own: the
subprocess imports everything and warms up on the seed workbook, prepares untimed inputs (e.g. the model
for ``check``), resets the kernel's peak-RSS mark (``/proc/self/clear_refs``), then times the stage
(best of N repetitions). Peak figures are the process's VmHWM during the stage and its rise above the RSS
at the start of the stage (Δ); for the batch, the workers' peak (RUSAGE_CHILDREN).

Floors, measured in the same run on the same workbook: openpyxl load + save (what refresh cannot beat),
openpyxl read-only iteration and python-calamine read (what reading cannot beat). Time growth: the slope of
log(time) against log(projects) over the sizes (1 = linear).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .generate import (
    SEED_TEXT,
    SIZES,
    million_row_filing,
    seed_with_big_user_sheet,
    sized_filing,
    write_batch_folder,
    write_workbook,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"

REPS = {"seed": 5, "10x": 3, "100x": 1, "5k": 1}
FILE_STAGES = ["floor_openpyxl", "floor_readonly", "floor_calamine", "build", "read", "check", "refresh",
               "publish"]
LABELS = {"floor_openpyxl": "floor: openpyxl load+save", "floor_readonly": "floor: openpyxl read-only read",
          "floor_calamine": "floor: calamine read", "build": "build (xlsxwriter)", "read": "read_filing",
          "check": "check (model only)", "refresh": "refresh (file)", "publish": "publish (xlsx)",
          "import": "import (seed text)"}


# --------------------------------------------------------------------------- the stages (in a subprocess)

def _prepare(stage: str, path: Path, work: Path, size: str | None):
    """Untimed preparation; returns the timed callable."""
    if stage == "floor_openpyxl":
        import openpyxl

        def run():
            openpyxl.load_workbook(path).save(work / "floor.xlsx")
        return run
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
    if stage == "build":
        filing = sized_filing(size) if size else None

        def run():
            write_workbook(filing, work / "built.xlsx")
        return run
    if stage == "read":
        from xl_tools.workbook import read_filing
        return lambda: read_filing(path, strict=False)
    if stage == "check":
        from xl_tools.rules import check
        from xl_tools.rules.config import config_for
        from xl_tools.workbook import read_filing
        filing = read_filing(path, strict=False)
        return lambda: check(filing, config_for(filing))
    if stage == "refresh":
        from xl_tools.refresh.file_writer import refresh_file
        return lambda: refresh_file(path, work / f"refreshed{path.suffix}", now="2024-01-01 00:00")
    if stage == "refresh_million":
        from xl_tools.errors import XlToolsError
        from xl_tools.refresh.file_writer import refresh_file

        def run():
            try:
                refresh_file(path, work / f"refreshed{path.suffix}", now="2024-01-01 00:00")
            except XlToolsError as err:             # the expected end: the row limit, early
                print(json.dumps({"message": str(err)}), file=sys.stderr)
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
        from xl_tools.batch import review
        return lambda: review([path], jobs=1, progress=False)
    if stage == "batch":
        from xl_tools.batch import review
        return lambda: review([path], jobs=os.cpu_count(), progress=False)
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


def stage_main(stage: str, path: Path, work: Path, size: str | None, reps: int, warm: Path | None) -> dict:
    if warm is not None:        # lazy imports, caches (codes, profiles) — not part of any size's figure
        warm_size = "seed" if size else None
        _prepare(stage, warm, work, warm_size)()
    run = _prepare(stage, path, work, size)
    gc.collect()
    reset = _reset_peak()
    base = _status_kb("VmRSS")
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    peak = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"stage": stage, "wall": min(times), "times": times, "peak_mb": peak / 1024,
            "delta_mb": max(0, peak - base) / 1024, "children_peak_mb": children / 1024}


# ------------------------------------------------------------------------------------------- the driver

def _run_stage(stage: str, path: Path, work: Path, size: str | None, reps: int, warm: Path | None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.run", "--stage", stage, "--path", str(path), "--work", str(work),
           "--reps", str(reps)]
    if size:
        cmd += ["--size", size]
    if warm:
        cmd += ["--warm", str(warm)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return {"stage": stage, "wall": float("nan"), "peak_mb": float("nan"), "delta_mb": float("nan"),
                "children_peak_mb": float("nan"), "error": proc.stderr.strip().splitlines()[-1:]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    messages = [json.loads(line)["message"] for line in proc.stderr.splitlines() if line.startswith('{"message"')]
    if messages:
        out["message"] = messages[-1]
    return out


def _unzipped_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist()) / 1e6


def _slope(xs: list[float], ys: list[float]) -> float:
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0 and not math.isnan(y)]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else float("nan")


def _machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"CPU {cpu or 'unknown'}, {os.cpu_count()} cores, Python {platform.python_version()} "
            f"({platform.system()} {platform.release()}), {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")


def _f(x: float, nd: int = 3) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run")
    ap.add_argument("--quick", action="store_true", help="seed and 10× only, batch of 20, one repetition")
    ap.add_argument("--results", help=f"write the table here (default {RESULTS.relative_to(ROOT)}; "
                                      "--quick writes nowhere unless given)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stage:
        out = stage_main(args.stage, Path(args.path), Path(args.work), args.size, args.reps,
                         Path(args.warm) if args.warm else None)
        print(json.dumps(out))
        return 0

    started = time.perf_counter()
    sizes = ["seed", "10x"] if args.quick else list(SIZES)
    batch_count = 20 if args.quick else 100
    lines: list[str] = []

    def emit(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    emit("# xl-tools benchmarks" + (" (--quick)" if args.quick else ""))
    emit()
    emit(f"Machine: {_machine()}")
    emit()
    emit("Wall time is the best of N runs (N per size: " + ", ".join(
        f"{s} {1 if args.quick else REPS[s]}" for s in sizes) + "); each stage runs in its own process. "
         "× floor = wall / (openpyxl load+save of the same workbook). Peak = the stage process's peak RSS "
         "(VmHWM, reset before the stage); Δ = its rise during the stage; Δ/unzip = Δ / the workbook's "
         "unzipped size.")
    emit()
    walls: dict[str, dict[str, float]] = {}
    deltas: dict[str, dict[str, float]] = {}
    summary: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as tmp:
        work = Path(tmp)
        seed_wb = write_workbook(sized_filing("seed"), work / "seed.xlsx")
        for size in sizes:
            filing = sized_filing(size)
            wb = write_workbook(filing, work / f"{size}.xlsx")
            unz = _unzipped_mb(wb)
            reps = 1 if args.quick else REPS[size]
            emit(f"## {size}: {len(filing.projects):,} projects, {len(filing.indicators):,} indicators, "
                 f"{len(filing.units)} units — workbook {wb.stat().st_size / 1e6:.2f} MB, unzipped {unz:.1f} MB")
            emit()
            emit("| stage | wall s | × floor | peak MB | Δ MB | Δ/unzip |")
            emit("|---|---:|---:|---:|---:|---:|")
            stages = FILE_STAGES + (["import"] if size == "seed" else [])
            res = {}
            for stage in stages:
                path = SEED_TEXT if stage == "import" else wb
                res[stage] = r = _run_stage(stage, path, work, size, reps, seed_wb if stage != "import" else None)
                walls.setdefault(stage, {})[size] = r["wall"]
                deltas.setdefault(stage, {})[size] = r["delta_mb"]
            floor = res["floor_openpyxl"]["wall"]
            for stage in stages:
                r = res[stage]
                ratio = r["wall"] / floor if floor else float("nan")
                emit(f"| {LABELS[stage]} | {_f(r['wall'])} | {_f(ratio, 2)} | {_f(r['peak_mb'], 0)} | "
                     f"{_f(r['delta_mb'], 0)} | {_f(r['delta_mb'] / unz if unz else float('nan'), 1)} |")
            emit()
            summary[size] = {"floor": floor, "unzipped": unz, "res": res}

        # batch of N seed-size workbooks
        folder = work / "inbox"
        write_batch_folder(folder, batch_count)
        serial = _run_stage("batch_serial", folder, work, None, 1, seed_wb)
        batch = _run_stage("batch", folder, work, None, 1, seed_wb)
        cores = os.cpu_count() or 1
        ideal = serial["wall"] / cores
        emit(f"## batch: {batch_count} seed-size workbooks (13 projects each), {cores} processes")
        emit()
        emit("| measure | value |")
        emit("|---|---:|")
        emit(f"| serial: review_one × {batch_count} in one process, s | {_f(serial['wall'])} |")
        emit(f"| single workbook (serial / {batch_count}), s | {_f(serial['wall'] / batch_count, 4)} |")
        emit(f"| ideal: single × count / cores, s | {_f(ideal)} |")
        emit(f"| batch wall ({cores} processes), s | {_f(batch['wall'])} |")
        emit(f"| batch / ideal | {_f(batch['wall'] / ideal, 2)} |")
        emit(f"| throughput, workbooks/s | {_f(batch_count / batch['wall'], 1)} |")
        emit(f"| parent peak MB / worker peak MB | {_f(batch['peak_mb'], 0)} / {_f(batch['children_peak_mb'], 0)} |")
        emit()

        # a million rows: on 绩效指标 (beyond the row limit: stops early), on a user's own sheet (copied)
        m_stop = None
        if not args.quick:
            million = million_row_filing(work / "million_rows.xlsx")
            user_big = seed_with_big_user_sheet(work / "seed_plus_user_million.xlsx")
            m_stop = _run_stage("refresh_million", million, work, None, 1, seed_wb)
            m_user = _run_stage("refresh", user_big, work, None, 1, seed_wb)
            emit("## a million rows (refresh; an openpyxl load+save of these takes minutes and gigabytes)")
            emit()
            emit("| workbook | wall s | peak MB | Δ MB | Δ/unzip |")
            emit("|---|---:|---:|---:|---:|")
            for label, wbk, r in (("1,000,000 rows on 绩效指标: stops at the row limit", million, m_stop),
                                  ("the seed + a user's own sheet of 1,000,000 rows: copied", user_big, m_user)):
                unz_m = _unzipped_mb(wbk)
                emit(f"| {label} ({unz_m:.0f} MB unzipped) | {_f(r['wall'])} | {_f(r['peak_mb'], 0)} | "
                     f"{_f(r['delta_mb'], 0)} | {_f(r['delta_mb'] / unz_m if unz_m else float('nan'), 2)} |")
            emit()
            if m_stop.get("message"):
                emit(f"Message: {m_stop['message']}")
                emit()

    # growth with size
    xs = {s: SIZES[s][0] for s in sizes}
    emit("## growth with size (wall s; slope of log time vs log projects, 1 = linear)")
    emit()
    emit("| stage | " + " | ".join(sizes) + " | slope (all) | slope (from 10×) |")
    emit("|---|" + "---:|" * (len(sizes) + 2))
    for stage in FILE_STAGES:
        row = [walls[stage].get(s, float("nan")) for s in sizes]
        big = [s for s in sizes if s != "seed"]
        emit(f"| {LABELS[stage]} | " + " | ".join(_f(v) for v in row) + f" | {_f(_slope([xs[s] for s in sizes], row), 2)}"
             f" | {_f(_slope([xs[s] for s in big], [walls[stage][s] for s in big]), 2)} |")
    emit()

    # goals
    largest = sizes[-1]
    res, floor, unz = summary[largest]["res"], summary[largest]["floor"], summary[largest]["unzipped"]
    refresh_ratio = res["refresh"]["wall"] / floor
    refresh_mem = res["refresh"]["delta_mb"] / unz
    check_s = res["check"]["wall"]
    batch_ratio = batch["wall"] / ideal
    worst_mem = max((res[s]["delta_mb"] / unz, s) for s in ("read", "check", "refresh", "publish"))
    ok = lambda cond: "met" if cond else "NOT met"  # noqa: E731
    emit(f"## goals (at {largest})")
    emit()
    emit(f"- refresh ≤ 0.5× floor: {refresh_ratio:.2f}× — {ok(refresh_ratio <= 0.5)}")
    emit(f"- refresh peak memory (Δ) ≤ 5× unzipped size: {refresh_mem:.1f}× — {ok(refresh_mem <= 5)}")
    if m_stop is not None:
        emit(f"- a million rows on 绩效指标: stops after {m_stop['wall']:.1f} s with a message — "
             f"{ok(bool(m_stop.get('message')) and m_stop['wall'] < 60)}")
    emit(f"- check of the model ≤ 0.5 s: {check_s:.3f} s — {ok(check_s <= 0.5)}")
    emit(f"- batch within 1.3× of single × count / cores: {batch_ratio:.2f}× — {ok(batch_ratio <= 1.3)}")
    emit(f"- peak memory (Δ) ≤ 10× unzipped size: worst {worst_mem[0]:.1f}× ({worst_mem[1]}) — "
         f"{ok(worst_mem[0] <= 10)}")
    emit()
    emit(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    target = Path(args.results) if args.results else (None if args.quick else RESULTS)
    if target:
        target.write_text("\n".join(lines) + "\n", "utf-8")
        print(f"\n(written to {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
