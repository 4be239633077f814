"""The accountant's cycle, run on a typed filing through one of the two writers.

A ``Scenario`` says how the filing starts (``xl-tools new`` or the committed template), what the
person typed, the exact findings (code and cell) the first refresh must report, what the person then
corrected and the findings after that. ``run_cycle`` does what the person does next — refresh, fix,
refresh, refresh again, publish, roll over to next year — through the file writer
(``app.refresh_file``) or the xlwings remote engine (``app.refresh_book`` on ``xw.Book(json=payload)``,
the actions replayed onto the file so the cycle can go on), and checks at every step:

- no exception; the exact findings;
- every error and warning cell coloured and noted; corrected cells lose colour and note and keep their
  own look (number format, font face, size, bold);
- the third refresh changes nothing: on file not a byte of the package, through the remote engine
  not one call (so nothing a user can see: values, fills, notes, tables, validations);
- 公开表 (after every refresh, and the published table): 合计 = the sum of the projects, each unit's row
  = the sum of its projects, and 合计 = what the person typed in all.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple

from tests.acceptance.filings import ROLLED, type_filing
from tests.support.payload import payload_from_xlsx
from tests.support.signature import workbook_signature
from tests.support.typist import Typist, open_book
from tests.support.xlwings_replay import replay
from xl_tools import app
from xl_tools.cli import main as cli
from xl_tools.findings import ERROR, WARNING
from xl_tools.model import MONEY_FIELDS
from xl_tools.publish.table import DRAFT_MARK, title_of
from xl_tools.refresh.ops import HIGHLIGHT
from xl_tools.refresh.plan import NOTE_PREFIX

NOW = "2025-03-03 09:00"
HIGHLIGHT_FILLS = {"FF" + fill for fill, _font in HIGHLIGHT.values()}
YEAR = 2025
DEPARTMENT = "某区教育局"
UNIT = "某区职业技术学校"
CENT = Decimal("0.01")
USER_SHEETS = ("说明", "基本信息", "项目", "绩效指标", "代码表")


# how a filing starts ------------------------------------------------------------------------------

def from_new(unit: str | list[str] | None = UNIT, department: str = DEPARTMENT) -> Callable[[Path], Path]:
    """``xl-tools new -o filing_2025.xlsm --year 2025 --department … [--unit … [--unit …]]``."""
    units = [unit] if isinstance(unit, str) else list(unit or [])

    def start(folder: Path) -> Path:
        out = folder / "filing_2025.xlsm"
        args = ["new", "-o", str(out), "--year", str(YEAR), "--department", department]
        assert cli(args + [a for u in units for a in ("--unit", u)]) == 0
        return out
    return start


def typed_and_refreshed(folder: Path) -> Path:
    """A new filing with the three projects and their indicators typed (序号, unit left blank), refreshed
    once on file: the tool's 序号 and unit filled in, its state written."""
    path = from_new()(folder)
    t = Typist(path)
    type_filing(t)
    t.save()
    app.refresh_file(path)
    return path


def from_template(folder: Path) -> Path:
    """A copy of the committed template, as a unit gets it from its finance bureau."""
    out = folder / "绩效目标表.xlsx"
    shutil.copy(Path(__file__).resolve().parents[2] / "workbook_templates" / "performance_targets.xlsx", out)
    return out


# the scenario -------------------------------------------------------------------------------------

@dataclass
class Scenario:
    start: Callable[[Path], Path]
    typed: Callable[[Typist], None]
    first: list[str]                    # "CODE 工作表!A1", exactly, after the first refresh
    fix: Callable[[Typist], None]
    second: list[str]                   # after the correction (the fills of the first refresh gone)
    fixed: list[str]                    # "工作表!A1": cells the correction made good
    total: Decimal                      # what the person typed in all: the 合计 of 公开表
    first_total: Decimal | None = None  # the 合计 at the first refresh, when it differs from ``total``
    rolled: list[str] = field(default_factory=lambda: list(ROLLED))   # on next year's workbook
    live_first: list[str] | None = None     # where the remote engine reads differently (number formats)
    live_second: list[str] | None = None
    live_fixed: list[str] | None = None
    prepare: Callable[[Path], Path] | None = None   # e.g. saved by LibreOffice before the first refresh
    after_first: Callable[[Path], object] | None = None     # what else the first refresh must show
    moved_from: dict[str, str] = field(default_factory=dict)   # fixed cell → where its content was typed


@dataclass
class Step:
    outcome: object                     # RefreshOutcome
    user_funcs: set = field(default_factory=set)   # remote engine: actions on the person's sheets
    calls: int = 0                                  # remote engine: actions on the book in all


class FileEngine:
    name = "file"

    def refresh(self, path: Path) -> Step:
        return Step(app.refresh_file(path, now=NOW))


class LiveEngine:
    """The remote engine: the book JSON an Office.js client sends, ``app.refresh_book``, and the
    returned actions replayed onto the file (what Excel would do with them)."""

    name = "live"

    def __init__(self, xw) -> None:
        self.xw = xw

    def refresh(self, path: Path) -> Step:
        payload = payload_from_xlsx(path)
        names = [s["name"] for s in payload["sheets"]]
        book = self.xw.Book(json=payload)
        outcome = app.refresh_book(book, now=NOW)
        actions = book.json()["actions"]
        wb = open_book(path)
        replay(wb, actions)
        wb.save(path)
        user = {a["func"] for a in actions if a.get("sheet_position") is not None
                and a["sheet_position"] < len(names) and names[a["sheet_position"]] in USER_SHEETS}
        return Step(outcome, user, len(actions))


# what is checked ----------------------------------------------------------------------------------

def findings_of(outcome) -> list[str]:
    return sorted(f"{f.code} {f.sheet}!{f.cell}" if f.sheet else f.code for f in outcome.findings)


def _look(ws, a1: str) -> dict:
    """What a person sees of a cell's format, besides a highlight. A cell the file does not hold (never
    typed into) shows its column's format, as Excel shows it; openpyxl alone would say General."""
    row, col = coordinate_to_tuple(a1)
    absent = (row, col) not in ws._cells          # before ws[a1], which would create it
    styled = cell = ws[a1]
    if absent:
        styled = next((d for d in ws.column_dimensions.values()
                       if d.min and d.min <= col <= d.max and d.has_style), cell)
    font = styled.font
    return {"number_format": styled.number_format, "font": (font.name, font.sz, bool(font.b), bool(font.i))}


def _where(ref: str) -> tuple[str, str]:
    sheet, cell = ref.split("!")
    return sheet, cell


def looks(path: Path, refs: list[str]) -> dict[str, dict]:
    wb = openpyxl.load_workbook(path)
    try:
        return {ref: _look(wb[_where(ref)[0]], _where(ref)[1]) for ref in refs}
    finally:
        wb.close()


def assert_marked(path: Path, outcome) -> None:
    """Every error and warning cell is coloured and carries a note naming its rule — each cell a finding
    concerns (``cell`` and ``also``: both value cells holding the same text)."""
    wb = openpyxl.load_workbook(path)
    for f in outcome.findings:
        if f.severity not in (ERROR, WARNING):
            continue
        for ref in (at.a1 for at in f.cells):
            cell = wb[f.sheet][ref]
            assert cell.fill.fill_type == "solid", (f.code, ref)
            assert cell.comment is not None and f.code in cell.comment.text, (f.code, ref)


def stray_marks(path: Path, outcome) -> list[str]:
    """Cells of the person's sheets carrying the tool's highlight colour or a note of the tool that no
    finding of ``outcome`` claims (a mark left behind: rows moved, a finding fixed)."""
    claimed = {str(at) for f in outcome.findings if f.severity in (ERROR, WARNING) for at in f.cells}
    wb = openpyxl.load_workbook(path)
    stray = []
    for name in ("基本信息", "项目", "绩效指标"):
        for row in wb[name].iter_rows():
            for cell in row:
                colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
                noted = cell.comment is not None and cell.comment.text.startswith(NOTE_PREFIX)
                if (colour in HIGHLIGHT_FILLS or noted) and f"{name}!{cell.coordinate}" not in claimed:
                    stray.append(f"{name}!{cell.coordinate}")
    return stray


def assert_fixed(path: Path, refs: list[str], before: dict[str, dict], outcome) -> None:
    """Corrected cells: no highlight, no note of ours, their own number format and font (a file refresh
    restores their whole format exactly: test_file_fidelity)."""
    flagged = {str(at) for f in outcome.findings if f.severity in (ERROR, WARNING) for at in f.cells}
    wb = openpyxl.load_workbook(path)
    for ref in refs:
        assert ref not in flagged, ref
        sheet, a1 = _where(ref)
        cell = wb[sheet][a1]
        colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
        assert colour not in HIGHLIGHT_FILLS, (ref, colour)
        assert cell.comment is None or not cell.comment.text.startswith(NOTE_PREFIX), ref
        assert _look(wb[sheet], a1) == before[ref], ref


def _amounts(row) -> list[Decimal]:
    return [Decimal(str(c.value or 0)).quantize(CENT) for c in row[1:1 + len(MONEY_FIELDS)]]


def assert_public_table(ws, filing, total: Decimal | None, *, draft: bool) -> None:
    """合计 = the sum of the projects (= ``total``, what was typed, unless None); each unit's row =
    the sum of its projects."""
    assert ws["A1"].value == title_of(filing) + (DRAFT_MARK if draft else ""), ws["A1"].value
    assert ws["A1"].value.startswith(f"{filing.year}年") if filing.year else True
    assert ws["A2"].value == f"部门名称：{filing.department}"
    owned = set(zip(filing.units_of_projects(), (p.name for p in filing.projects)))   # (unit, project)
    units = {u.name for u in filing.all_units()}
    rows = [r for r in ws.iter_rows(min_row=4) if r[0].value]
    assert rows[0][0].value == "合计"
    zero = [Decimal(0)] * len(MONEY_FIELDS)
    grand, projects = _amounts(rows[0]), zero
    stated: dict[str, list] = {}
    summed: dict[str, list] = {}
    unit = None
    for row in rows[1:]:
        label, amounts = row[0].value, _amounts(row)
        if label in units:
            unit, stated[label] = label, amounts
            continue
        of = unit if (unit, label) in owned else ""         # under its own unit's row, or naming none
        assert (of, label) in owned, (unit, label)
        projects = [a + b for a, b in zip(projects, amounts)]
        summed[of] = [a + b for a, b in zip(summed.get(of, zero), amounts)]
    assert grand == projects, (grand, projects)
    assert total is None or grand[0] == total, (grand[0], total)
    assert set(stated) == units
    for name, amounts in stated.items():
        assert amounts == summed.get(name, zero), (name, amounts, summed.get(name))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _public(path: Path):
    return openpyxl.load_workbook(path)["公开表"]


def _user_view(sig: dict) -> dict:
    """What the third refresh must leave alone: the person's sheets (values, fills, notes, tables,
    validations, widths) and the tool's sheets' values."""
    return {name: sig[name] for name, _state in sig["sheets"]}


def run_cycle(scenario: Scenario, engine, folder: Path) -> None:
    path = scenario.start(folder)
    typist = Typist(path)
    scenario.typed(typist)
    typist.save()
    if scenario.prepare:
        path = scenario.prepare(path)
    sources = [scenario.moved_from.get(ref, ref) for ref in scenario.fixed]
    before = dict(zip(scenario.fixed, looks(path, sources).values()))
    live = engine.name == "live"

    # 1. the first refresh finds what the person did
    step = engine.refresh(path)
    expected = scenario.live_first if live and scenario.live_first is not None else scenario.first
    assert findings_of(step.outcome) == sorted(expected)
    assert_marked(path, step.outcome)
    assert stray_marks(path, step.outcome) == []
    errors = any(f.severity == ERROR for f in step.outcome.findings)
    if any(f.code.startswith("AMT") and f.severity == ERROR for f in step.outcome.findings):
        assert _public(path)["A1"].value == title_of(step.outcome.filing) + DRAFT_MARK   # as stated, marked
    else:
        first_total = scenario.total if scenario.first_total is None else scenario.first_total
        assert_public_table(_public(path), step.outcome.filing, first_total, draft=errors)
    if scenario.after_first:
        scenario.after_first(path)

    # 2. the person corrects it; the next refresh reports the rest, the fills of the first are gone
    typist = Typist(path)
    scenario.fix(typist)
    typist.save()
    step = engine.refresh(path)
    expected = scenario.live_second if live and scenario.live_second is not None else scenario.second
    assert findings_of(step.outcome) == sorted(expected)       # the fills of the first are gone
    assert_marked(path, step.outcome)
    assert stray_marks(path, step.outcome) == []
    assert_fixed(path, scenario.live_fixed if live and scenario.live_fixed is not None else scenario.fixed,
                 before, step.outcome)
    assert not any(f.severity == ERROR for f in step.outcome.findings), "the correction leaves no error"
    assert_public_table(_public(path), step.outcome.filing, scenario.total, draft=False)

    # 3. a refresh without changes changes nothing: on file not a byte of any part (styles included);
    # through the remote engine nothing the person can see, and no colour or note on their sheets — right
    # after a refresh that filled cells in (renumbered) too: 校验结果 stays its report, the fills listed
    seen, parts = _user_view(workbook_signature(path, styles=True)), _parts(path)
    step = engine.refresh(path)
    assert findings_of(step.outcome) == sorted(expected)
    assert _user_view(workbook_signature(path, styles=True)) == seen
    if live:      # the book already shows it all: not one call
        assert step.calls == 0 and step.user_funcs == set(), step.user_funcs
    else:
        after = _parts(path)
        assert [name for name in parts.keys() | after.keys() if parts.get(name) != after.get(name)] == []
    filing = step.outcome.filing

    # 4. publish: the official table adds up
    table = folder / "公开表.xlsx"
    published = app.publish_file(path, table)
    assert not published.draft
    assert_public_table(openpyxl.load_workbook(table).active, filing, scenario.total, draft=False)

    # 5. next year's workbook starts from this one: projects carried, amounts blank to fill
    rolled = folder / f"filing_{YEAR + 1}{path.suffix}"
    app.rollover(path, rolled, YEAR + 1)
    step = engine.refresh(rolled)
    assert [p.name for p in step.outcome.filing.projects] == [p.name for p in filing.projects]
    assert findings_of(step.outcome) == sorted(scenario.rolled)
