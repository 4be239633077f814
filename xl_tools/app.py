"""The application layer: each task of xl-tools implemented once.

The command line (``xl_tools.cli``), the upload page (``xl_tools.web``), the add-in server
(``xl_tools.server``), the desktop button (``xl_tools.desktop``), xlwings Lite (``lite/main.py``) and the
demo call these functions and nothing below them (besides the shared base types: model, findings,
errors …); import-linter's forbidden contracts in setup.cfg hold them to it. What an interface shows
of a task's result it gets from the result or from the few presentation helpers at the end of this
module:

- ``load_filing(path)``: a filing from any input (workbook of any template version, MODEL.md JSON,
  published table as PDF, text or the official table saved as xlsx), with what reading it reported;
- ``review(filing)``: the rule catalogue on a filing as refresh completes it (``complete``: the only
  unit, 总计 from its parts, 序号, category codes — on a copy, nothing written, the filing given is
  left as it was), so check, batch and refresh report the same findings on the same cells: a
  ``Review`` of the findings, the fills refresh would make and the completed filing;
- ``write_workbook`` / ``import_to_workbook``: a standard workbook from a filing or a published table,
  refreshed so 校验结果 lists what the import reported;
- ``refresh_file``: the 刷新 button on a file (read → plan → write: ``refresh_path``);
  ``refresh_book`` / ``publish_book``: on a workbook open in Excel (desktop button, add-in, xlwings Lite);
- ``publish_file``: the official table (refused while the filing has errors, unless a draft is asked for);
- ``new_filing``, ``rollover_file``, ``diff_files``;
- ``review_batch``: the reviewer's batch over many files (``batch.task.run_batch``), each file through
  the single-file tasks here (``BatchFileTasks``).

Interfaces turn ``XlToolsError`` into exit code 2 / a 4xx answer / a row, anything else into an internal
error (``xl_tools.cli.boundary``).

Every task here applies the same file rules (``fileio``): inputs must be regular files within the
limits, an output may never be an input or a link to one, a task that creates a workbook does not
replace a file already there unless ``force`` (then the replaced file is kept as ``.bak``; the
official table and the diff workbook replace their own earlier versions, but not a filing), an
in-place refresh updates a linked file at its target and keeps the original's bytes as ``.bak``; and
every task runs within the time budget of ``limits.deadline``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import clock, gcpause, limits
from .errors import XlToolsError
from .fileio import (
    atomic_target,
    check_input,
    excel_lock,
    oserror_text,
    pinned,
    real_input,
    refuse_overwrite,
    replacing,
)
from .findings import ERROR, NO_MONEY, Finding, blocks_publishing, publish_blockers, summarize
from .model import Filing
from .schema import SHEET_PROJECTS

if TYPE_CHECKING:                  # the tasks are imported where they run: a command loads what it uses
    from .diff import FilingDiff
    from .importer import ImportResult
    from .publish import Published
    from .refresh.fills import Fill
    from .refresh.plan import RefreshOutcome
    from .refresh.seal import Unchanged
    from .rollover import RolloverResult

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
IMPORT_SUFFIXES = (".pdf", ".txt")
JSON_SUFFIXES = (".json",)

KIND_WORKBOOK, KIND_IMPORT, KIND_JSON = "workbook", "import", "json"


@dataclass
class Loaded:
    """A filing as read from one input, and what reading it reported (import findings; of a workbook an
    import made, those its state still keeps: ``refresh.imported``)."""

    filing: Filing
    kind: str                                   # workbook | import | json
    findings: list[Finding] = field(default_factory=list)
    year_source: str | None = None              # how an import found the budget year
    # a workbook's fills its last refresh reported (校验结果's FIL rows), when its rows are as that refresh
    # left them: a refresh now lists them again (``refresh.marks.note_filled_by_tool``)
    reported_fills: list[Fill] = field(default_factory=list)


@contextlib.contextmanager
def _task():
    """What every task runs within: the time budget (``limits.deadline``) and the garbage collector
    held back (``gcpause``: a fifth of a large refresh's CPU time went to it, for next to nothing to collect)."""
    with limits.deadline(), gcpause.paused():
        yield


def input_kind(path: str | Path) -> str:
    """The kind of input a path names, by its suffix; XlToolsError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return KIND_WORKBOOK
    if suffix in IMPORT_SUFFIXES:
        return KIND_IMPORT
    if suffix in JSON_SUFFIXES:
        return KIND_JSON
    from .xlsxfile import other_format
    if other_format(path):
        raise XlToolsError(other_format(path), file=str(path))
    raise XlToolsError("不是支持的文件类型（应为 .xlsx/.xlsm 工作簿、.json，或公开表 .pdf/.txt）",
                       file=str(path))


def load_filing(path: str | Path, *, strict: bool = False, year: int | None = None,
                department: str | None = None, since_refresh: bool = False) -> Loaded:
    """Read a filing from any supported input.

    Workbooks are read in any template version; with ``strict`` a cell that cannot be read as written
    (a non-number in a money cell) is an XlToolsError instead of a finding; with ``since_refresh`` a
    workbook's ``Filing.changed_since_refresh`` is found too (the batch's versions). JSON and imported tables are
    placed on the cells ``write_workbook`` would write them to, so findings name the same cells.
    """
    path = Path(path)
    check_input(path)
    kind = input_kind(path)
    from .outputmark import KIND_ZH, sheet_names, workbook_kind
    from .workbook.versions import read_any_version
    with _task(), _located(path):
        if kind == KIND_WORKBOOK and (own := workbook_kind(path)):
            raise XlToolsError(f"这是 xl-tools 生成的{KIND_ZH[own]}，不是填报表", file=str(path))
        # the official table saved as xlsx (a filing, with its 项目 sheet, is not: the importer stays unloaded)
        if kind == KIND_WORKBOOK and SHEET_PROJECTS not in sheet_names(path):
            from .importer.xlsxsource import is_published_table
            if is_published_table(path):
                kind = KIND_IMPORT
        if kind == KIND_WORKBOOK:
            from .refresh.marks import note_filled_by_tool
            found: list[Finding] = []           # what an import reported, still kept in the state
            reported: list = []

            def also(view, filing):                                   # 序号 it numbered, what it reported …
                reported.extend(note_filled_by_tool(view, filing, since_refresh=since_refresh, found=found))
            filing = read_any_version(path, strict=strict, also=also)
            return Loaded(filing, kind, found, reported_fills=reported)
        from .jsonio import load_json
        from .workbook.template import place_as_written
        if kind == KIND_JSON:
            return Loaded(place_as_written(load_json(path)), kind)
        from .importer import import_path
        result = import_path(path, year=year, department=department)
        return Loaded(place_as_written(result.filing), kind, list(result.findings), result.year_source)


def open_in_excel(*paths: str | Path | None) -> list[str]:
    """One warning line per input workbook open in Excel right now (its ``~$`` lock file is there):
    what the tool reads is the version last saved, not what is on the screen."""
    return [f"文件正在 Excel 中打开：读取的是上次保存的版本（{p}，未保存的修改不在其中）"
            for p in paths if p is not None and Path(p).suffix.lower() in WORKBOOK_SUFFIXES and excel_lock(p)]


@contextlib.contextmanager
def _located(path: str | Path):
    """XlToolsErrors raised inside name ``path`` when they name no file yet (a limit, a sheet)."""
    try:
        yield
    except XlToolsError as err:
        if err.file:
            raise
        raise err.located(file=str(path)) from None


def complete(filing: Filing) -> tuple[Filing, list[Fill]]:
    """``filing`` as refresh completes the workbook before checking it (``refresh.fills``: 序号, the only
    unit, 总计 from its parts, category codes), and what refresh would write: a completed copy
    (``Filing.working_copy``) and the fills. ``filing`` itself is left as it was; a completed filing
    has nothing left to fill, and its copy shares its projects and units (no kind of fill may fill
    anything: ``refresh.fills.may_fill``; 30,000 indicators not copied, 0.03 s)."""
    from .profiles import load_profile
    from .refresh.fills import derive_fills, may_fill
    if not may_fill(filing, filing.tool_filled):      # the kinds' own tests, as derive_fills asks them
        return filing.working_copy(records=False), []
    done = filing.working_copy()
    return done, derive_fills(done, load_profile(done.profile or None).table(done.code_additions),
                              owned=done.tool_filled)


@dataclass
class Review:
    """What ``review`` found, and what it would fill in first."""

    findings: list[Finding]
    fills: list[Fill]                   # what refresh would write (序号, the only unit, 总计, codes)
    completed: Filing                   # the filing as that refresh completes it (a copy; the records
                                        # are the filing's own when nothing fills: refresh.fills.may_fill)
    # when that refresh fills nothing: the fills the workbook's last refresh reported, which it lists
    # again (``Loaded.reported_fills``)
    reported: list[Fill] = field(default_factory=list)

    @property
    def rows(self) -> list[Finding]:
        """What 校验结果 lists after that refresh, as ``check`` prints it: the findings and one 提示 per kind
        of fill and sheet (FIL…: 已自动填写序号（3 个单元格）) — what it fills, or when it fills nothing, what
        the refresh before it filled and it lists again —, sorted as the sheet sorts them
        (``refresh.results.listed_rows``, which the refresh's 校验结果 is made by)."""
        from .refresh.results import listed_rows
        return listed_rows(self.findings, self.fills or self.reported, self.completed)


def review(filing: Filing, config_path: str | Path | None = None,
           extra: list[Finding] | tuple = (), reported: list[Fill] | tuple = ()) -> Review:
    """The rule catalogue on ``filing`` as refresh completes it (``complete``: on a copy, ``filing`` is
    not changed), with its profile, its 基本信息 overrides, then ``config_path``; the findings followed
    by ``extra`` findings (what an import reported; money mismatches that the rules report again on the
    cell are left out: ``catalogue.beside_check``).

    The fills themselves are not findings here: refresh reports them (FIL…, 提示) because it writes
    them, and a check after that refresh no longer sees them, so ``review`` gives the findings of the
    file as it will be after its refresh — the same codes on the same cells as ``check`` of the
    refreshed file — and the fills beside them (``Review.fills``); a caller that shows or writes the
    filing as checked takes ``Review.completed``. ``reported``: the fills the workbook's last refresh
    reported (``Loaded.reported_fills``), which its refresh lists again when it fills nothing itself."""
    from .catalogue import beside_check
    from .rules import check
    from .rules.config import config_for
    with _task():
        completed, fills = complete(filing)
        config = config_for(completed, config_path)
        with gcpause.settled():        # no collection in the rules: they make no cycles (0.1 s at 5k)
            findings = check(completed, config)
        extra = [f for f in extra if config.enabled(f.code)]      # an import's codes the person switched off
        return Review(findings + beside_check(extra), fills, completed, [] if fills else list(reported))


def write_workbook(filing: Filing, out: str | Path, *, extra_findings: list[Finding] | tuple = (),
                   refresh: bool = True, inputs: list[str | Path] | tuple = (),
                   numbered: bool = False) -> RefreshOutcome | None:
    """A standard workbook holding ``filing`` (``.xlsm`` gets the 刷新 button), written atomically,
    then refreshed so that highlights, 校验结果 (with ``extra_findings``, less what the rules report
    again: ``catalogue.beside_check``) and 公开表 are in it. ``inputs`` (the files the filing was read
    from) may not be overwritten; ``numbered``: the 序号 written are the tool's (an import's)."""
    from .catalogue import beside_check
    from .workbook import build_workbook
    out = Path(out)
    refuse_overwrite([out], inputs)
    with atomic_target(out) as tmp:
        build_workbook(tmp, filing, macro=out.suffix.lower() == ".xlsm", numbered=numbered)
    if not refresh:
        return None
    return refresh_path(out, extra_findings=beside_check(list(extra_findings)), backup=False, now=refresh_stamp(),
                        full=True)


def json_to_workbook(source: str | Path, out: str | Path, *, force: bool = False) -> Filing:
    """A MODEL.md JSON file → a standard workbook (not refreshed: ``load``)."""
    refuse_overwrite([out], [source])
    check_input(source)
    from .jsonio import load_json
    with _task(), replacing([out], force=force):
        filing = load_json(source)
        write_workbook(filing, out, refresh=False, inputs=[source])
    return filing


def write_template(out: str | Path, *, force: bool = False) -> None:
    """The blank standard template (``.xlsm`` with the 刷新 button)."""
    from .workbook import build_workbook
    out = Path(out)
    with replacing([out], force=force), atomic_target(out) as tmp:
        build_workbook(tmp, None, macro=out.suffix.lower() == ".xlsm")


@dataclass
class Imported:
    result: ImportResult
    out: Path
    outcome: RefreshOutcome | None              # None for a JSON output


def import_to_workbook(source: str | Path, out: str | Path, *, year: int | None = None,
                       department: str | None = None, force: bool = False) -> Imported:
    """A published table (PDF, its text, or the official table as xlsx) → a refreshed standard workbook,
    or MODEL.md JSON."""
    out = Path(out)
    refuse_overwrite([out], [source])
    check_input(source)
    from .importer import import_path
    from .jsonio import dumps
    with _task(), replacing([out], force=force), _located(source):
        result = import_path(source, year=year, department=department)
        if out.suffix.lower() in JSON_SUFFIXES:
            with atomic_target(out) as tmp:
                tmp.write_text(dumps(result.filing) + "\n", "utf-8")
            return Imported(result, out, None)
        return Imported(result, out, write_workbook(result.filing, out, extra_findings=result.findings,
                                                    inputs=[source], numbered=True))


def refresh_file(path: str | Path, out: str | Path | None = None, *, config_path=None,
                 now: str | None = None, extra_findings=None, backup: bool = True,
                 force: bool = False, own_output: bool = False, draft: bool = False,
                 full: bool = False) -> RefreshOutcome | Unchanged:
    """The 刷新 button on a file: in place (temp file + rename, ``.bak`` of the bytes read kept) or
    into ``out``, which may not be the input or a link to it (then it is refreshed in place) nor
    another file already there unless ``force`` — or ``own_output``: a copy in a folder the caller
    writes its own outputs to (the batch's annotated copies), replaced without a word. A symbolically
    linked input is updated at its target, so the link stays a link. ``draft``: also append the drafted
    line of every finding of something missing to 绩效指标, marked 待确认 (``refresh.drafting``).

    A file this tool refreshed and sealed, unchanged since, is not read at all: the result is an
    ``Unchanged`` (``refresh.seal``) with the ``report`` and ``counts`` the full refresh gives; its
    findings and filing, when asked for, are the full plan's of the same bytes (made then); ``full``:
    always the full refresh (an interface that lists the findings anyway: the upload page)."""
    check_input(path)
    if out is not None and Path(out).exists() and real_input(out) == real_input(path):
        out = None                       # `refresh F -o F` (or a symbolic link to F): in place, with its backup
    if out is not None:
        refuse_overwrite([out], [path])
        with _task(), replacing([] if own_output else [out], force=force), _located(path), \
                pinned(path):
            return refresh_path(path, out, config_path=config_path, now=now or refresh_stamp(),
                                 extra_findings=extra_findings,
                                 backup=backup, draft=draft, full=full)
    real = real_input(path)
    with _task(), _located(path), _as_typed(real, path), pinned(real):
        return refresh_path(real, None, config_path=config_path, now=now or refresh_stamp(),
                             extra_findings=extra_findings,
                             backup=backup, draft=draft, full=full)


def refresh_path(path: str | Path, out: str | Path | None = None, *, config_path=None, now: str | None = None,
                 extra_findings=None, backup: bool = True, draft: bool = False,
                 full: bool = False) -> RefreshOutcome | Unchanged:
    """The refresh of the workbook at ``path`` into ``out`` (None: in place): read → plan → write,
    what ``refresh_file`` runs once it has checked its input and output (``refresh_book`` is the same
    three steps on a live book) — unless the file is sealed and unchanged since (``refresh.seal``:
    then nothing is read but the zip's bytes, and the result is an ``Unchanged``)."""
    from .refresh import seal
    path = Path(path)
    out = Path(out) if out else path
    context = seal.context(path, draft=draft, config_path=config_path)   # an import's findings: in the state
    said = None if full else seal.unchanged(path, out, context)                       # sealed, unchanged
    if said is not None:
        data = seal.read_bytes(path)
        said.replay = lambda: _replayed(path, data, config_path=config_path, now=now, draft=draft)
        return said
    from .refresh import file_writer
    from .refresh.plan import plan_refresh
    from .xlsxfile import reading
    with file_writer.opened(path, out, checked=not full) as view:                    # read
        with reading(path):                 # what a damaged workbook raises: one line naming the part
            outcome = plan_refresh(view, source=str(path), config_path=config_path, now=now,   # plan
                                   prepare=file_writer.formulas_of(path, view),
                                   extra_findings=extra_findings, seen=file_writer.seen_in_file, draft=draft)
        file_writer.write_plan(view, outcome, path, out, backup=backup, seal_context=context)   # write
    return outcome


def _replayed(path: Path, data: bytes, *, config_path, now, draft: bool) -> RefreshOutcome:
    """The full refresh's outcome of the workbook bytes ``data`` (read from ``path`` by a refresh that
    found them sealed and unchanged), nothing written: what an interface asks of a ``seal.Unchanged``
    beyond its report (the findings, the filing) — the plan the full path makes of the same bytes."""
    import tempfile

    from .refresh import file_writer
    from .refresh.plan import plan_refresh
    from .xlsxfile import reading
    with tempfile.TemporaryDirectory(prefix="xltools-sealed-") as tmp:
        copy = Path(tmp) / path.name
        copy.write_bytes(data)
        with _task(), file_writer.opened(copy, copy) as view, reading(copy):
            return plan_refresh(view, source=str(path), config_path=config_path, now=now,
                                prepare=file_writer.formulas_of(copy, view), seen=file_writer.seen_in_file,
                                draft=draft)


@contextlib.contextmanager
def _as_typed(real: Path, path: str | Path):
    """XlToolsErrors about the resolved input name it as the person typed it (not /home/…/a.xlsx)."""
    try:
        yield
    except XlToolsError as err:
        if err.file != str(real) or str(real) == str(path):
            raise
        shown = copy.copy(err)
        shown.file = None
        raise shown.located(file=str(path)) from None


def refresh_book(book, *, now: str | None = None, draft: bool = False) -> RefreshOutcome:
    """The 刷新 button on a workbook open in Excel (an ``xlwings.Book``: desktop, the add-in's
    xlwings Server, xlwings Lite): read it once, build the same plan as ``refresh_file`` and apply it
    through the portable xlwings API (``refresh.live``); ``draft`` as in ``refresh_file`` (the add-in's
    补充待确认指标 button). A book that already shows all the plan would write (``refresh.plan.already_there``:
    nothing changed since the last refresh) gets no call at all, as a file is not rewritten."""
    from .refresh.live import apply_ops as apply_live
    from .refresh.live import notes_supported, users_note
    from .refresh.plan import already_there, notes_left, plan_refresh
    from .workbook.xlwings_view import XlwingsBookView
    with _task():
        view = XlwingsBookView(book)
        outcome = plan_refresh(view, source=book.name, now=now or refresh_stamp(), draft=draft)
        kept = functools.cache(users_note(book))     # each cell asked of Excel once: already_there asks too
        supported = notes_supported(book)
        if already_there(view, outcome, kept):       # notes that would be left unwritten again: said again
            left = len(notes_left(outcome, kept))
            if supported:
                outcome.notes_kept = left            # the person's own note on the cell
            else:
                outcome.notes_skipped = left         # an Excel that writes no notes
        else:
            outcome.notes_kept, outcome.notes_skipped = apply_live(book, outcome.ops)
        outcome.notes_supported = supported
    return outcome


@dataclass
class BookPublished:
    """What ``publish_book`` did: the 公开表 regenerated, marked 草稿 while something blocks publishing."""

    draft: bool
    blockers: dict                               # publish_blockers: errors, no_money, warnings


def publish_book(book) -> BookPublished:
    """Regenerate only the 公开表 sheet of a workbook open in Excel."""
    from .publish.table import render
    from .refresh.live import apply_ops as apply_live
    from .refresh.ops import ReplacePublic
    from .workbook.reader import read_filing_from_workbook
    from .workbook.xlwings_view import XlwingsBookView
    with _task():
        checked = review(read_filing_from_workbook(XlwingsBookView(book), source=book.name))
        draft = any(blocks_publishing(f) for f in checked.findings)
        apply_live(book, [ReplacePublic(render(checked.completed, draft=draft))])
    return BookPublished(draft, publish_blockers(checked.findings))


def refresh_stamp() -> str:
    """The 上次刷新 stamp, now, in the filings' time zone (``clock``: China's, or ``XL_TOOLS_TIMEZONE``)."""
    return clock.now().strftime("%Y-%m-%d %H:%M")


@dataclass
class PublishOutcome:
    published: Published
    findings: list[Finding]
    draft: bool                                  # published with errors, marked 草稿

    @property
    def counts(self) -> dict:
        return summarize(self.findings)

    @property
    def blockers(self) -> dict:
        """errors, no_money (projects without any amount) and the other warnings it went out with."""
        return publish_blockers(self.findings)


def publish_file(path: str | Path, out: str | Path, pdf: str | Path | None = None, *,
                 allow_errors: bool = False, config_path=None, force: bool = False) -> PublishOutcome:
    """The official table of the filing in ``path`` as xlsx (and PDF).

    A filing with errors is refused (XlToolsError naming the count and where to look) unless
    ``allow_errors``: then the table is published with a 草稿 mark. ``out`` replaces an earlier table
    but not a filing workbook, unless ``force``.
    """
    from .publish import publish
    refuse_overwrite([out, pdf], [path])
    loaded = load_filing(path)           # an amount that is not a number is an error, as in check (AMT004)
    with _task(), replacing([out], force=force, guarded=filing_there):
        checked = review(loaded.filing, config_path, loaded.findings)
        blockers = publish_blockers(checked.findings)
        draft = bool(blockers["errors"] or blockers["no_money"])
        if draft and not allow_errors:
            raise PublishRefused(blockers["errors"], str(path), no_money=blockers["no_money"])
        published = publish(checked.completed, out, pdf, draft=draft)
    return PublishOutcome(published, checked.findings, draft)


def filing_there(path: Path) -> str | None:
    """Why a report may not replace the file at ``path`` without ``force``: it is a filing workbook
    (it has the 项目 sheet and is not one of the tool's reports, whose 项目 sheet lists changes); None for
    anything else (an earlier table or diff is simply replaced)."""
    from .outputmark import sheet_names, workbook_kind
    if SHEET_PROJECTS in sheet_names(path) and not workbook_kind(path):
        return (f"是一份填报工作簿（有「{SHEET_PROJECTS}」工作表），未覆盖：请另选输出文件名，"
                "或加 --force 替换它（原文件将保留为 .bak）")
    return None


class PublishRefused(XlToolsError):
    """The filing has errors, or projects without any amount: the official table must not go out
    (exit code 1, not 2)."""

    exit_code = 1

    def __init__(self, errors: int, file: str, *, no_money: int = 0) -> None:
        self.errors, self.no_money = errors, no_money
        super().__init__(f"填报表还有 {blocking_text(errors, no_money)}，不能生成公开表：请先刷新（xl-tools refresh 或 "
                         "刷新 按钮），按「校验结果」改正后再发布；如只需打印草稿，请加 --allow-errors", file=file)


def blocking_text(errors: int, no_money: int) -> str:
    """「2 条错误、4 个项目没有金额（AMT008）」: what keeps a table from being published."""
    parts = ([f"{errors} 条错误"] if errors else []) + ([f"{no_money} 个项目没有金额（{NO_MONEY}）"] if no_money else [])
    return "、".join(parts)


def new_filing(out: str | Path, *, year: int, department: str = "", units: list[str] | tuple = (),
               profile: str | None = None, force: bool = False) -> list[Path]:
    """A new filing workbook (``.xlsm`` with the 刷新 button) from the standard template, for a region
    profile (``profiles``; None: the default), its unit table listing ``units`` in order."""
    from .newbook import new_workbook
    from .profiles import DEFAULT_PROFILE
    with replacing([out], force=force):
        return new_workbook(Path(out), year=year, department=department, units=list(units),
                            profile=profile or DEFAULT_PROFILE)


def repair_button(path: str | Path) -> list[str]:
    """Give a button workbook made by an earlier xl-tools the name-independent button and drop the
    Python path it pinned (``workbook.repair``); what changed, one Chinese line each."""
    from .workbook.repair import repair_button_workbook
    return repair_button_workbook(path)


def rollover(src: str | Path, out: str | Path, year: int, *, keep_amounts: bool = False,
             force: bool = False) -> RolloverResult:
    """Next year's workbook from this year's (``out`` may not be ``src`` or a link to it, nor a file
    already there unless ``force``)."""
    refuse_overwrite([out], [src])
    check_input(src)
    from .rollover import rollover_file
    with _task(), replacing([out], force=force), _located(src):
        return rollover_file(src, out, year, keep_amounts=keep_amounts)


def diff_files(old: str | Path, new: str | Path, out: str | Path | None = None, *,
               force: bool = False) -> FilingDiff:
    """Year-over-year (or version) comparison of two filings of any input kind, each seen as refresh
    sees it (``complete``) and checked: the diff carries their error counts (a comparison of filings
    with errors says so), the warnings of ``diff.warnings_for`` and the time it was made. With ``out``,
    also written as a workbook (which may not be either input, nor a filing unless ``force``)."""
    refuse_overwrite([out], [old, new])
    with replacing([out], force=force, guarded=filing_there):
        return _diff_files(old, new, out)


def _diff_files(old, new, out) -> FilingDiff:
    checked = [review(x.filing, None, x.findings) for x in (load_filing(old), load_filing(new))]
    errors = tuple(sum(f.severity == ERROR for f in c.findings) for c in checked)
    d = compare_filings(checked[0].completed, checked[1].completed, errors)
    if out is not None:
        from .diff import write_diff_xlsx
        write_diff_xlsx(d, out)
    return d


def compare_filings(old: Filing, new: Filing, errors: tuple[int | None, int | None] = (None, None)) -> FilingDiff:
    """The comparison of two filings already read and checked (``errors``: their error findings, None
    when not checked), e.g. two versions of one unit's filing in a batch: what ``diff_files`` does once
    it has read them."""
    from .diff import diff_filings
    d = diff_filings(old, new)
    d.errors, d.created = errors, clock.now().strftime("%Y-%m-%d %H:%M")
    return d


@dataclass
class DemoResult:
    imported: Imported
    table: Published
    timings_ms: dict[str, float]                # import, refresh, publish


def demo(out: str | Path) -> DemoResult:
    """The worked example on the bundled sample (the published 2024 table of 广州市人力资源和社会保障局):
    import its PDF text → standard workbook, refreshed → official table as xlsx, and PDF when
    LibreOffice is installed. Writes into the folder ``out``."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise XlToolsError(f"无法创建输出文件夹：{oserror_text(exc)}", file=str(out)) from None
    from importlib import resources

    from .importer import import_path
    from .publish import publish
    from .publish.pdf import find_soffice
    sample = resources.files("xl_tools").joinpath("data/sample_2024.txt")
    t0 = time.perf_counter()
    with resources.as_file(sample) as src:
        result = import_path(src)
    t1 = time.perf_counter()
    book = out / "sample_2024.xlsx"
    outcome = write_workbook(result.filing, book, extra_findings=result.findings)
    t2 = time.perf_counter()
    pdf = out / "sample_2024_公开表.pdf" if find_soffice() else None
    table = publish(result.filing, out / "sample_2024_公开表.xlsx", pdf)
    t3 = time.perf_counter()
    timings = {"import": 1000 * (t1 - t0), "refresh": 1000 * (t2 - t1), "publish": 1000 * (t3 - t2)}
    return DemoResult(Imported(result, book, outcome), table, timings)


class BatchFileTasks:
    """What the reviewer's batch does to each file (``batch.core.FileTasks``): the single-file tasks
    above, so a batch row says what ``check`` says and an annotated copy is what ``refresh`` writes.
    A class of static methods: a process pool or a Dask worker receives it by name."""

    @staticmethod
    def load(path: Path) -> Loaded:
        return load_filing(path, since_refresh=True)         # which of two versions was edited later

    @staticmethod
    def review(loaded: Loaded) -> Review:
        return review(loaded.filing, None, loaded.findings)

    @staticmethod
    def write_copy(source: Path, target: Path, loaded: Loaded) -> None:
        """The refreshed copy of ``source`` at ``target``, replaced when the batch runs again; an imported
        table is written as it was read, so the copy's refresh reports its fills."""
        if loaded.kind == KIND_WORKBOOK:
            refresh_file(source, target, own_output=True)
        else:
            write_workbook(loaded.filing, target, extra_findings=loaded.findings, inputs=[source])


def review_batch(paths: list[str | Path], **options):
    """The reviewer's batch on the files and folders ``paths`` (``xl-tools batch``, the upload page):
    ``options`` are the fields of ``batch.task.BatchOptions`` (output, json, jobs, annotate, publish …).
    Returns the ``batch.task.BatchOutcome``, which presents itself (``to_json``, ``consolidation_lines``,
    ``version_lines``). XlToolsError, nothing written, for unusable options or outputs."""
    from .batch.task import BatchOptions, run_batch  # the process pool, pandas: only when a batch runs
    return run_batch(BatchOptions(paths=[str(p) for p in paths], **options), BatchFileTasks)


# ------------------------------------------------------------------ what the interfaces may show

def __getattr__(name: str):
    """``SUMMARY_CELL``: the 说明 sheet's 上次刷新 cell (row, column; 1-based), from the template, and
    ``RefreshOutcome``, imported only when they are asked for."""
    if name == "SUMMARY_CELL":
        from .workbook.template import README_SUMMARY_ROW
        return (README_SUMMARY_ROW + 1, 2)
    if name == "RefreshOutcome":                 # what the interfaces name in their annotations
        from .refresh.plan import RefreshOutcome
        return RefreshOutcome
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def rule_count() -> int:
    """How many review rules run on every data row (the add-in server's bound on a request's work)."""
    from .rules.registry import RULES
    return len(RULES)


def pdf_available() -> bool:
    """Whether a PDF can be made here (LibreOffice is installed)."""
    from .publish.pdf import find_soffice
    return find_soffice() is not None


def diff_json(d: FilingDiff) -> dict:
    """The ``--json`` form of a comparison (``diff.diff_to_json``)."""
    from .diff import diff_to_json
    return diff_to_json(d)


def change_rows(d: FilingDiff) -> list[tuple[str, str, str, str]]:
    """Each change of a comparison in words: (kind, project, what, detail)."""
    from .diff.words import KIND_ZH as CHANGE_ZH
    from .diff.words import change_detail, change_what
    return [(CHANGE_ZH.get(c.kind, c.kind), c.project, change_what(c), change_detail(c, d.labels()))
            for c in d.changes()]
