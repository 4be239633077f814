"""The second trial (issue 26): what a 区卫生健康局's accountant ran into, each as a scenario run
through the whole cycle with the file writer and with the xlwings remote engine."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.support.typist import Typist

from .cycle import Scenario, from_new, run_cycle
from .filings import TOTAL, fills, type_filing

UNIT_FULL = "某区卫生健康局（本级）"          # as `new --unit` wrote it into the unit table
UNIT_HALF = "某区卫生健康局(本级)"           # as typed in a project row, half-width brackets


def _unit_rows(path: Path) -> list[str]:
    """The rows of 公开表 that name the unit, in either spelling."""
    ws = openpyxl.load_workbook(path)["公开表"]
    return [r[0].value for r in ws.iter_rows(min_row=4) if r[0].value in (UNIT_FULL, UNIT_HALF)]


def test_wrote_the_unit_with_half_width_brackets(engine, tmp_path):
    """One project names the unit with half-width brackets: the same unit (one FLG009 warning, no
    FLG008 or AMT006 error), 公开表 prints the unit once with all three projects under it."""
    def typed(t: Typist):
        type_filing(t)
        t.type("项目", "C4", UNIT_HALF)

    def one_unit(path: Path):
        assert _unit_rows(path) == [UNIT_FULL]

    run_cycle(Scenario(
        start=from_new(unit=UNIT_FULL), typed=typed,
        first=[f for f in fills() if f != "FIL002 项目!C4"] + ["FLG009 项目!C4"],
        fix=lambda t: t.type("项目", "C4", UNIT_FULL), second=[], fixed=["项目!C4"], total=TOTAL,
        after_first=one_unit), engine, tmp_path)
