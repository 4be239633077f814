"""Every finding of the rules on generated filings with distinct indicator contents, as the benchmark's
5,000-project one is made (``benchmarks.generate.scaled_filing(..., distinct=True)``) at a smaller scale,
in two budget years: code, severity, cells, project, indicator, message, 建议 and draft of each finding,
in the order ``app.review`` gives them.

The committed list (``tests/fixtures/findings_distinct.jsonl.gz``) pins what the rules find, so work on
their speed cannot change a finding. After an intended change of what a rule finds, regenerate it:

    .venv/bin/python -m tests.support.findings_pin
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.generate import scaled_filing, write_workbook
from xl_tools import app

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "findings_distinct.jsonl.gz"
# (projects, indicators per project, budget year): the 5k workbook's shape, and a year later (dates and
# spans that the first year accepts are then out of the year)
FILINGS = [(650, 6, None), (260, None, 2025)]


def finding_lines() -> list[str]:
    """One JSON line per finding of each filing, read from its workbook as the benchmark reads it (every
    finding on its cells), with a header line per filing."""
    lines = []
    for projects, per_project, year in FILINGS:
        filing = scaled_filing(projects, per_project, distinct=True)
        if year is not None:
            filing.year = year
        with tempfile.TemporaryDirectory() as tmp:
            loaded = app.load_filing(write_workbook(filing, Path(tmp) / "filing.xlsx"))
        lines.append(json.dumps({"filing": [projects, per_project, filing.year]}))
        for f in app.review(loaded.filing, None, loaded.findings).findings:
            lines.append(json.dumps({**f.to_json(), "also_fields": list(f.also_fields), "line": f.line},
                                    ensure_ascii=False, sort_keys=True))
    return lines


def expected_lines() -> list[str]:
    with gzip.open(EXPECTED, "rt", encoding="utf-8") as fh:
        return fh.read().splitlines()


def main() -> int:
    lines = finding_lines()
    with gzip.GzipFile(EXPECTED, "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{len(lines)} lines written to {EXPECTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
