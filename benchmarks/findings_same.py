"""Every finding of the check of the model on the goal's workbooks, kept and compared: work on the check's
speed must not change one (20,060 findings on 5k, 20,108 on 5k-repeated; the same on 5k-shared, the filing
saved with shared strings; and the seed's own table, a real Guangzhou filing, at its size "1x").

    python -m benchmarks.findings_same save /tmp/before.json.gz      # on main (or before a change)
    python -m benchmarks.findings_same compare /tmp/before.json.gz   # after it: exit 1 on any difference

Each workbook is generated (``generate.BENCH``), read (``app.load_filing``) and reviewed as the bench's
check stage reviews it (``app.review`` of the completed filing); each finding as ``Finding.to_json`` gives it
(code, severity, cell, also-cells, project, indicator, field, message, 建议, draft), in order, and the fills.
``tests/test_rule_findings_pinned.py`` pins the same at a smaller scale on every test run.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path

from .generate import SHARED, bench_filing, write_workbook

BOOKS = ("1x", "5k", "5k-repeated", "5k-shared")


def findings_of(name: str, work: Path) -> dict:
    from xl_tools import app
    path = write_workbook(bench_filing(name), work / f"{name}.xlsx", shared=name in SHARED)
    done = app.review(app.load_filing(path).filing)
    checked = app.review(done.completed)               # what the bench's check stage times
    rows = [json.dumps(f.to_json(), ensure_ascii=False, sort_keys=True) for f in checked.findings]
    if rows != [json.dumps(f.to_json(), ensure_ascii=False, sort_keys=True) for f in done.findings]:
        raise SystemExit(f"{name}: the completed filing's findings differ from the filing's")
    fills = [json.dumps([f.sheet, f.row, f.col, str(f.value), f.code, f.message], ensure_ascii=False)
             for f in done.fills]
    return {"findings": rows, "fills": fills}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("save", "compare"):
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory(prefix="xltools-findings-") as tmp:
        now = {name: findings_of(name, Path(tmp)) for name in BOOKS}
    if argv[0] == "save":
        with gzip.open(argv[1], "wt", encoding="utf-8") as out:
            json.dump(now, out, ensure_ascii=False)
        for name, got in now.items():
            print(f"{name}: {len(got['findings'])} findings, {len(got['fills'])} fills saved")
        return 0
    with gzip.open(argv[1], "rt", encoding="utf-8") as src:
        before = json.load(src)
    same = True
    for name in BOOKS:
        a, b = before[name], now[name]
        for part in ("findings", "fills"):
            if a[part] != b[part]:
                same = False
                first = next((k for k, (x, y) in enumerate(zip(a[part], b[part])) if x != y),
                             min(len(a[part]), len(b[part])))
                print(f"{name}: {part} differ ({len(a[part])} before, {len(b[part])} now), first at {first}:\n"
                      f"  before {a[part][first] if first < len(a[part]) else '(none)'}\n"
                      f"  now    {b[part][first] if first < len(b[part]) else '(none)'}")
        if a == b:
            print(f"{name}: the same {len(b['findings'])} findings and {len(b['fills'])} fills")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
