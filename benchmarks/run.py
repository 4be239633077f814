"""``python -m benchmarks.run [--quick] [--rounds N]`` (``make bench``): what a person waits for, against
its floor, in figures that hold on a busy machine.

- **CPU time, not wall**: each stage runs in a process of its own (``benchmarks.stages``) and reports the
  CPU time of that process during the stage; a whole command (``xl-tools check FILE``) is timed as the
  child process's user + system time (``os.wait4``). Other processes on the machine lengthen the wall
  time, not these.
- **The floor in the same round**: openpyxl load + save of the same workbook, measured in every round
  next to the stages; each figure is a ratio to the floor of its own round.
- **Three rounds**: the median and the minimum of the rounds are reported (the goals are judged on the
  median).
- **Workbooks** (``generate.BENCH``): the goals are stated on 5,000 projects / 30,000 indicators with
  distinct indicator contents, as in a real filing ("5k"), with the repeated one beside it and the same
  filing saved with shared strings as Excel and WPS save it ("5k-shared": the memory goal holds on both);
  growth from the seed's size to 400×.
- **The person's commands as whole processes**: ``xl-tools check``, ``check --json``, ``refresh`` (first
  and unchanged) on the large workbooks, and every command's start-up on the seed-size one
  (``--version``, ``--help``, ``check``, ``refresh``, ``publish`` ...).
- **Memory**: each stage's peak RSS rise (Δ) against the workbook's unzipped size.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .generate import (
    BENCH,
    GOAL,
    GROWTH,
    SEED_TEXT,
    million_row_filing,
    seed_with_big_user_sheet,
    write_batch_folder,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
FLOOR = "floor_openpyxl"

STAGES = [FLOOR, "floor_readonly", "floor_calamine", "read", "check", "refresh", "refresh_unchanged",
          "refresh_unchanged_full", "publish"]
# whole processes on each workbook: argv after ``xl-tools`` ({path}: the workbook, {out}: a new file,
# {again}: a copy of the refreshed workbook, refreshed again in place)
COMMANDS = {
    "cmd_check": ["check", "{path}"],
    "cmd_check_json": ["check", "{path}", "--json"],
    "cmd_refresh": ["refresh", "{path}", "-o", "{out}"],
    "cmd_refresh_unchanged": ["refresh", "{again}"],
}
# what is measured on each workbook: everything on the goals' workbook, the rest where it says most
# (the floor always comes first: every figure is a ratio to it)
ALL_KEYS = STAGES + list(COMMANDS)
KEYS = {
    "5k-repeated": [FLOOR, "read", "check", "refresh", "refresh_unchanged", "cmd_check", "cmd_check_json"],
    "5k-shared": [FLOOR, "floor_calamine", "read", "refresh", "refresh_unchanged", "refresh_unchanged_full",
                  "cmd_refresh"],
}
GROWTH_KEYS = [FLOOR, "floor_calamine", "read", "check", "refresh", "publish", "cmd_check"]
LABELS = {
    FLOOR: "floor: openpyxl load+save", "floor_readonly": "openpyxl read-only read",
    "floor_calamine": "python-calamine read", "read": "read_filing", "check": "check (model only): app.review",
    "refresh": "refresh (first)", "refresh_unchanged": "refresh (unchanged, in place: sealed)",
    "refresh_unchanged_full": "refresh (unchanged, in place: not sealed)", "publish": "publish (xlsx)",
    "cmd_check": "process: `xl-tools check`", "cmd_check_json": "process: `xl-tools check --json`",
    "cmd_refresh": "process: `xl-tools refresh -o`", "cmd_refresh_unchanged": "process: `xl-tools refresh` (unchanged)",
}
# every command's start-up, as a whole process on the seed-size workbook
STARTUP = {
    "--version": ["--version"],
    "--help": ["--help"],
    "check --help": ["check", "--help"],
    "check": ["check", "{path}"],
    "check --json": ["check", "{path}", "--json"],
    "refresh": ["refresh", "{path}", "-o", "{out}"],
    "publish": ["publish", "{path}", "-o", "{out_public}"],
    "dump --json": ["dump", "{path}", "--json"],
    "template": ["template", "-o", "{out_template}"],
    "import": ["import", str(SEED_TEXT), "-o", "{out_import}"],
}


# ------------------------------------------------------------------------------------------- measuring

def run_stage(stage: str, path: Path, work: Path, warm: Path | None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.stages", stage, str(path), str(work)] + ([str(warm)] if warm else [])
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return {"stage": stage, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _xl_tools() -> list[str]:
    script = Path(sys.executable).with_name("xl-tools")
    return [str(script)] if script.exists() else [sys.executable, "-m", "xl_tools"]


def run_process(argv: list[str], work: Path) -> dict:
    """A whole ``xl-tools`` process: its CPU time (user + system), wall time, peak RSS and exit code."""
    with open(work / "stdout.txt", "wb") as out, open(work / "stderr.txt", "wb") as err:
        w0 = time.perf_counter()
        proc = subprocess.Popen(_xl_tools() + argv, cwd=work, stdout=out, stderr=err,
                                env={**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)})
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - w0
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "peak_mb": usage.ru_maxrss / 1024,
              "rc": proc.returncode}
    if proc.returncode not in (0, 1):
        result["error"] = (work / "stderr.txt").read_text("utf-8", "replace").strip()[-300:]
    return result


def make_workbook(name: str, path: Path) -> tuple[Path, int]:
    """The workbook ``generate.BENCH[name]`` written in a process of its own, so that this one stays small:
    the commands it starts are forked from it, and a child's peak RSS counts what it was forked with."""
    code = ("import sys; from benchmarks.generate import SHARED, bench_filing, write_workbook; "
            "f = bench_filing(sys.argv[1]); write_workbook(f, sys.argv[2], shared=sys.argv[1] in SHARED); "
            "print(len(f.indicators))")
    proc = subprocess.run([sys.executable, "-c", code, name, str(path)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return path, int(proc.stdout.strip().splitlines()[-1])


def unzipped_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist()) / 1e6


def _fill(argv: list[str], values: dict[str, str]) -> list[str]:
    return [a.format(**values) for a in argv]


def measure_workbook(name: str, wb: Path, work: Path, warm: Path, keys: list[str]) -> dict[str, dict]:
    """One round on one workbook: the floor first, then its stages and commands."""
    out: dict[str, dict] = {}
    refreshed = work / f"{name}-refreshed{wb.suffix}"
    refreshed.unlink(missing_ok=True)
    values = {"path": str(wb), "out": str(refreshed), "again": str(work / f"{name}-again{wb.suffix}")}
    for key in keys:
        if key in STAGES:
            out[key] = run_stage(key, wb, work, warm)
            continue
        if key == "cmd_refresh_unchanged":
            if not refreshed.exists():
                run_process(_fill(COMMANDS["cmd_refresh"], values), work)
            shutil.copyfile(refreshed, values["again"])
        out[key] = run_process(_fill(COMMANDS[key], values), work)
    return out


def measure_startup(wb: Path, work: Path) -> dict[str, dict]:
    values = {"path": str(wb), "out": str(work / "startup-refreshed.xlsx"),
              "out_public": str(work / "startup-公开表.xlsx"), "out_template": str(work / "startup-template.xlsx"),
              "out_import": str(work / "startup-import.xlsx")}
    out = {}
    for key, argv in STARTUP.items():
        for f in ("out", "out_public", "out_template", "out_import"):
            Path(values[f]).unlink(missing_ok=True)
        out[key] = run_process(_fill(argv, values), work)
    return out


def compiled() -> bool:
    """The package's bytecode written before anything is measured, as ``pip install`` writes it when it
    installs the package: a process started with PYTHONDONTWRITEBYTECODE=1 over stale ``.pyc`` files (a
    working copy edited since they were written) compiles every module it imports again, 0.1 s CPU of each
    command's start-up that no installed copy spends."""
    return compileall.compile_dir(str(ROOT / "xl_tools"), quiet=1)


# ------------------------------------------------------------------------------------------- reporting

def _f(x: float | None, nd: int = 3) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{nd}f}"


def _stats(values: list[float]) -> tuple[float, float]:
    """(median, min) of the rounds' values (nan when a round failed)."""
    ok = [v for v in values if v is not None and not math.isnan(v)]
    return (statistics.median(ok), min(ok)) if ok else (float("nan"), float("nan"))


def _cpu(r: dict) -> float:
    return r.get("cpu", float("nan")) if "error" not in r else float("nan")


def ratios(rounds: list[dict[str, dict]], key: str) -> list[float]:
    """``key``'s CPU time over the floor's, round by round."""
    return [_cpu(r[key]) / _cpu(r[FLOOR]) for r in rounds]


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
    load = ", load average %.1f %.1f %.1f at the start" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (f"CPU {cpu or 'unknown'}, {os.cpu_count()} cores{load}, Python {platform.python_version()} "
            f"({platform.system()} {platform.release()}), {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")


# the goals on the "5k" workbook: (label, key, kind, limit[, workbook]); kind "ratio" is CPU over the floor of
# the round, "memory" the stage's Δ over the unzipped size, "seconds" the CPU time of a process on its own;
# a goal naming another workbook is judged on it (the same filing saved with shared strings, as a person's
# Excel or WPS saves it), when it was measured
GOALS = [
    ("first refresh ≤ 0.5× the floor", "refresh", "ratio", 0.5),
    ("the same, the workbook saved with shared strings (5k-shared)", "refresh", "ratio", 0.5, "5k-shared"),
    ("the whole `xl-tools refresh -o` process ≤ 0.5× the floor", "cmd_refresh", "ratio", 0.5),
    ("the same, the workbook saved with shared strings (5k-shared)", "cmd_refresh", "ratio", 0.5, "5k-shared"),
    ("unchanged refresh ≤ 0.3× the floor", "refresh_unchanged", "ratio", 0.3),
    ("check (model) ≤ 0.05× the floor", "check", "ratio", 0.05),
    ("the `check` command ≤ 0.3× the floor", "cmd_check", "ratio", 0.3),
    ("memory rise of a refresh ≤ 5× the unzipped workbook", "refresh", "memory", 5.0),
    ("the same, the workbook saved with shared strings (5k-shared)", "refresh", "memory", 5.0, "5k-shared"),
    ("`xl-tools --version` ≤ 0.3 s CPU", "--version", "seconds", 0.3),
]


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def table(self, header: list[str], rows: list[list[str]], right_from: int = 1) -> None:
        self("| " + " | ".join(header) + " |")
        self("|" + "|".join("---" if k < right_from else "---:" for k in range(len(header))) + "|")
        for row in rows:
            self("| " + " | ".join(row) + " |")
        self()


def workbook_table(report: Report, rounds: list[dict[str, dict]], unz: float) -> None:
    rows = []
    for key in [k for k in ALL_KEYS if k in rounds[0]]:
        cpu_med, cpu_min = _stats([_cpu(r[key]) for r in rounds])
        rat_med, rat_min = _stats(ratios(rounds, key))
        wall_med, _ = _stats([r[key].get("wall", float("nan")) for r in rounds])
        peak, _ = _stats([r[key].get("peak_mb", float("nan")) for r in rounds])
        if key in COMMANDS:
            mem = ["—", "—"]
        else:
            delta, _ = _stats([r[key].get("delta_mb", float("nan")) for r in rounds])
            mem = [_f(delta, 0), _f(delta / unz if unz else float("nan"), 1)]
        rows.append([LABELS[key], _f(cpu_med), _f(cpu_min), _f(rat_med, 3), _f(rat_min, 3), _f(wall_med),
                     _f(peak, 0), *mem])
    report.table(["stage", "CPU s median", "CPU s min", "× floor median", "× floor min", "wall s median",
                  "peak MB", "Δ MB", "Δ/unzip"], rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run")
    ap.add_argument("--quick", action="store_true", help="1× and 10× only, one round, batch of 20, no million rows")
    ap.add_argument("--rounds", type=int, help="rounds (default 3; --quick 1)")
    ap.add_argument("--only", help="comma-separated workbooks of generate.BENCH to measure (default: all)")
    ap.add_argument("--results", help=f"write the report here (default {RESULTS.relative_to(ROOT)}; "
                                      "--quick and --only write nowhere unless given)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    rounds_n = args.rounds or (1 if args.quick else 3)
    names = ["1x", "10x"] if args.quick else list(BENCH)
    if args.only:
        names = [n for n in args.only.split(",") if n in BENCH]
    report = Report()
    report("# xl-tools benchmarks" + (" (--quick)" if args.quick else ""))
    report()
    report(f"Machine: {_machine()}")
    report()
    report(f"CPU time of the process during each stage (not wall time), {rounds_n} round(s): median and minimum. "
           "× floor = CPU time / the CPU time of openpyxl load+save of the same workbook **in the same round**. "
           "`process:` rows are whole `xl-tools` processes (start-up included), their CPU time from `os.wait4`. "
           "Peak = the stage process's peak RSS (VmHWM, reset before the stage); Δ = its rise during the stage; "
           "Δ/unzip = Δ / the workbook's unzipped size. The package's bytecode is compiled first, as an "
           "installed copy has it (``pip install`` writes it): " + ("done." if compiled() else "FAILED."))
    report()
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as tmp:
        work = Path(tmp)
        books, counts = {}, {}
        for n in names:
            books[n], counts[n] = make_workbook(n, work / f"{n}.xlsx")
        warm = books["1x"] if "1x" in books else make_workbook("1x", work / "warm.xlsx")[0]
        results: dict[str, list[dict]] = {n: [] for n in names}
        goal = GOAL if GOAL in names else names[-1]           # the workbook every stage is measured on
        startup: list[dict] = []
        for k in range(rounds_n):
            print(f"(round {k + 1} of {rounds_n})", file=sys.stderr, flush=True)
            for n in names:
                keys = ALL_KEYS if n == goal else KEYS.get(n, GROWTH_KEYS)
                results[n].append(measure_workbook(n, books[n], work, warm, keys))
            startup.append(measure_startup(warm, work))

        # the goals first
        rounds = results[goal]
        unz = unzipped_mb(books[goal])
        floor_med, floor_min = _stats([_cpu(r[FLOOR]) for r in rounds])
        report(f"## The goals ({goal}: {BENCH[goal][3]}; floor {_f(floor_med, 2)} s CPU median, "
               f"{_f(floor_min, 2)} s min)")
        report()
        rows = []
        for label, key, kind, limit, *on in GOALS:
            book = on[0] if on else goal
            if book not in results:
                continue                    # a goal on a workbook not measured this time (--only)
            rounds, unz = results[book], unzipped_mb(books[book])
            if kind == "ratio":
                med, low = _stats(ratios(rounds, key))
                shown = f"{_f(med, 3)}× ({_f(low, 3)}×)"
                secs, _ = _stats([_cpu(r[key]) for r in rounds])
                shown += f" — {_f(secs, 2)} s"
            elif kind == "memory":
                med, low = _stats([r[key].get("delta_mb", float("nan")) / unz for r in rounds])
                shown = f"{_f(med, 1)}× ({_f(low, 1)}×) of {_f(unz, 1)} MB"
            else:
                med, low = _stats([_cpu(s[key]) for s in startup])
                shown = f"{_f(med, 3)} s ({_f(low, 3)} s)"
            rows.append([label, shown, "met" if med <= limit else "NOT met"])
        report.table(["goal", "median (min) of the rounds", ""], rows)

        for n in names:
            projects, _per, _distinct, label = BENCH[n]
            unz_n = unzipped_mb(books[n])
            report(f"## {n}: {label} — {projects:,} projects, {counts[n]:,} indicators, workbook "
                   f"{books[n].stat().st_size / 1e6:.2f} MB, unzipped {unz_n:.1f} MB")
            report()
            workbook_table(report, results[n], unz_n)

        report("## Start-up: each command as a whole process on the seed-size workbook")
        report()
        rows = []
        for key in STARTUP:
            med, low = _stats([_cpu(s[key]) for s in startup])
            wall, _ = _stats([s[key].get("wall", float("nan")) for s in startup])
            peak, _ = _stats([s[key].get("peak_mb", float("nan")) for s in startup])
            rows.append([f"`xl-tools {key}`", _f(med), _f(low), _f(wall), _f(peak, 0)])
        report.table(["command", "CPU s median", "CPU s min", "wall s median", "peak MB"], rows)

        growth = [n for n in GROWTH if n in results]
        if len(growth) > 1:
            xs = [BENCH[n][0] for n in growth]
            report("## Growth with size (CPU s, median of the rounds; slope of log time against log projects, "
                   "1 = linear)")
            report()
            rows = []
            for key in [k for k in GROWTH_KEYS if all(k in r for n in growth for r in results[n])]:
                ys = [_stats([_cpu(r[key]) for r in results[n]])[0] for n in growth]
                rows.append([LABELS[key], *(_f(y) for y in ys), _f(_slope(xs, ys), 2),
                             _f(_slope(xs[1:], ys[1:]), 2)])
            report.table(["stage", *growth, "slope (all)", "slope (from 10×)"], rows)

        if not args.quick and not args.only:
            batch_section(report, work, warm, rounds_n)
            million_section(report, work, warm)
    report(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    target = Path(args.results) if args.results else (None if args.quick or args.only else RESULTS)
    if target:
        target.write_text("\n".join(report.lines) + "\n", "utf-8")
        print(f"\n(written to {target})")
    return 0


def batch_section(report: Report, work: Path, warm: Path, rounds_n: int, count: int = 100) -> None:
    """The reviewer's batch: parallel processes against one process doing the same. How well the work
    spreads over the cores is a matter of wall time, which only an otherwise idle machine measures; the
    CPU time of all the batch's processes against the serial run's says what running in parallel costs."""
    folder = work / "inbox"
    write_batch_folder(folder, count)
    cores = os.cpu_count() or 1
    serial = [run_stage("batch_serial", folder, work, warm) for _ in range(rounds_n)]
    batch = [run_stage("batch", folder, work, warm) for _ in range(rounds_n)]
    ratio_med, ratio_min = _stats([b["wall"] / (s["wall"] / cores) for s, b in zip(serial, batch)])
    cost_med, cost_min = _stats([(b["cpu"] + b.get("children_cpu", 0)) / s["cpu"] for s, b in zip(serial, batch)])
    s_med, _ = _stats([s["wall"] for s in serial])
    b_med, _ = _stats([b["wall"] for b in batch])
    s_cpu, _ = _stats([s["cpu"] for s in serial])
    report(f"## Batch: {count} seed-size workbooks, {cores} processes (median of {rounds_n}, min)")
    report()
    report.table(["measure", "value"], [
        [f"serial: review_one × {count} in one process, CPU s", _f(s_cpu)],
        [f"serial, wall s / batch ({cores} processes), wall s", f"{_f(s_med)} / {_f(b_med)}"],
        ["batch wall / (serial wall / cores) (needs an idle machine)", f"{_f(ratio_med, 2)} ({_f(ratio_min, 2)})"],
        ["CPU of all the batch's processes / CPU serial", f"{_f(cost_med, 2)} ({_f(cost_min, 2)})"],
        ["throughput, workbooks/s (wall)", _f(count / b_med, 1)],
    ])


def million_section(report: Report, work: Path, warm: Path) -> None:
    million = million_row_filing(work / "million_rows.xlsx")
    user_big = seed_with_big_user_sheet(work / "seed_plus_user_million.xlsx")
    stop = run_stage("refresh_million", million, work, warm)
    copied = run_stage("refresh", user_big, work, warm)
    report("## A million rows (refresh; an openpyxl load+save of these takes minutes and gigabytes)")
    report()
    rows = []
    for label, wbk, r in (("1,000,000 rows on 绩效指标: stops at the row limit", million, stop),
                          ("the seed + a user's own sheet of 1,000,000 rows: copied", user_big, copied)):
        unz = unzipped_mb(wbk)
        rows.append([f"{label} ({unz:.0f} MB unzipped)", _f(_cpu(r)), _f(r.get("wall")), _f(r.get("peak_mb"), 0),
                     _f(r.get("delta_mb"), 0), _f(r.get("delta_mb", float("nan")) / unz, 2)])
    report.table(["workbook", "CPU s", "wall s", "peak MB", "Δ MB", "Δ/unzip"], rows)
    if stop.get("message"):
        report(f"Message: {stop['message']}")
        report()


if __name__ == "__main__":
    sys.exit(main())
