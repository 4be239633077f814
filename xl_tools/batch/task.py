"""The reviewer's batch as one task: check where it will write, read the scope, review every file,
consolidate, write what was asked. The application layer runs it (``app.review_batch``: every
interface — the command line, the upload page — calls that and only presents the ``BatchOutcome``,
through its own methods); nothing here prints. What the batch does to each file is the application's
single-file tasks, handed in (``core.FileTasks``).

The pandas-based parts (consolidation, workbook, exports) are imported when the task runs, so that
importing this module (as the command line does) does not import pandas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from ..errors import XlToolsError
from .columns import COLUMNS
from .core import BatchReport, FileTasks
from .pool import review
from .scope import make_scope
from .targets import Target, check_targets


@dataclass
class BatchOptions:
    """What the reviewer asked for (``xl-tools batch --help`` explains each)."""

    paths: list[str]
    output: str | None = None                # the review workbook
    json: bool = False                       # the caller prints the JSON form
    jobs: int | None = None
    include_errors: bool = False
    csv: str | None = None
    parquet: str | None = None
    scheduler: str | None = None
    annotate: str | None = None
    department: str | None = None
    year: int | None = None
    units: str | None = None                 # the list of expected units
    aliases: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    publish: str | None = None               # the consolidated table to sign, .xlsx
    pdf: str | None = None                   # … and as PDF
    allow_incomplete: bool = False           # publish it as a draft when units are missing
    sendback: str | None = None              # a folder of send-backs, one per unit
    previous: str | None = None              # the last review (default: the -o file when it is one)
    progress: bool = False
    shown_as: str | None = None              # how the outputs name what was reviewed (the upload page:
                                             # not its temporary folder), else the paths as given


@dataclass
class BatchOutcome:
    report: BatchReport
    consolidation: object                    # batch.consolidation.Consolidation
    exported: list[Path] = field(default_factory=list)
    previous: object | None = None           # previous.Previous: the last review read back
    sendbacks: list = field(default_factory=list)   # sendback.SendBack, one per unit sent back
    published: object | None = None          # publish.Published: the table to sign
    draft: bool = False                      # … published as a draft (--allow-incomplete)
    not_published: str | None = None         # why the table to sign was not written
    draft_possible: bool = False             # … and a draft of it may be asked for (the interface says how)

    @property
    def failed(self) -> bool:
        from .report import failed
        return failed(self.report, self.consolidation)

    def to_json(self) -> dict:
        """The ``--json`` form of the report and the consolidation (``report.report_to_json``)."""
        from .report import report_to_json
        return report_to_json(self.report, self.consolidation)

    def consolidation_lines(self) -> list[tuple[str, str | None]]:
        """What the consolidation did, each line with its colour kind (``report.consolidation_lines``)."""
        from .report import consolidation_lines
        return consolidation_lines(self.consolidation, self.previous)

    def version_lines(self) -> list[str]:
        """One line per unit whose versions were decided (``report.version_lines``)."""
        from .report import version_lines
        return version_lines(self.consolidation)


def _tabular():
    """The consolidation, review workbook and exports: they need pandas (the ``batch`` extra)."""
    try:
        return (import_module(".consolidation", __package__), import_module(".report", __package__),
                import_module(".exports", __package__))
    except ImportError as exc:   # optional dependency: only the reviewer's batch needs pandas
        raise XlToolsError(f'批量审核需要安装 pandas（缺少 {exc.name}）：请安装 batch 组件（make dist 的离线安装包中已包含：安装时写 "xl-tools[pdf,web,batch]"）') from None


def targets(opts: BatchOptions) -> list[Target]:
    """The outputs asked for, checked before the batch reads a file (``targets.check_targets``)."""
    out = []
    if opts.output:
        if Path(opts.output).suffix.lower() != ".xlsx":
            raise XlToolsError("输出文件的扩展名应为 .xlsx", file=opts.output)
        out.append(Target("-o", Path(opts.output), folder=False))
    for fmt in ("csv", "parquet"):
        if getattr(opts, fmt):
            out.append(Target(f"--{fmt}", Path(getattr(opts, fmt)), folder=True,
                              files=tuple(f"{name}.{fmt}" for name in COLUMNS)))
    if opts.annotate:
        out.append(Target("--annotate", Path(opts.annotate), folder=True))
    if opts.sendback:
        out.append(Target("--sendback", Path(opts.sendback), folder=True))
    if opts.pdf and not opts.publish:
        raise XlToolsError("--pdf 需要与 --publish 一起使用（--publish 合并公开表.xlsx --pdf 合并公开表.pdf）")
    if opts.publish:
        if Path(opts.publish).suffix.lower() != ".xlsx":
            raise XlToolsError("--publish 的扩展名应为 .xlsx", file=opts.publish)
        out.append(Target("--publish", Path(opts.publish), folder=False))
    if opts.pdf:
        if Path(opts.pdf).suffix.lower() != ".pdf":
            raise XlToolsError("--pdf 的扩展名应为 .pdf", file=opts.pdf)
        out.append(Target("--pdf", Path(opts.pdf), folder=False))
    return out


def _named_as_shown(report, paths: list[str]) -> None:
    """The files' messages with the folders reviewed taken out (``shown_as``: the upload page's files
    lie in a temporary folder of the server, which no answer and no review workbook may show)."""
    folders = sorted((str(Path(p)) + os.sep for p in paths), key=len, reverse=True)

    def shown(text):
        for folder in folders:
            text = text.replace(folder, "") if text else text
        return text
    for result in report.results:
        result.error = shown(result.error)
        for f in result.findings:
            f.message, f.suggestion = shown(f.message), shown(f.suggestion)


def run_batch(opts: BatchOptions, tasks: type[FileTasks]) -> BatchOutcome:
    """The whole batch (see the module docstring), each file through the application's ``tasks``.
    XlToolsError (nothing written) for unusable options or outputs; ``pool.BatchStopped`` when
    workers keep dying."""
    consolidation, report_mod, exports = _tabular()
    if not (opts.output or opts.json or opts.csv or opts.parquet):
        raise XlToolsError("请用 -o 指定审核结果文件（.xlsx），或用 --json 输出到屏幕，或用 --csv/--parquet 导出")
    for raw in opts.paths:
        if not Path(raw).exists():
            raise XlToolsError("文件或文件夹不存在", file=raw)
    if opts.parquet:
        exports.require("parquet")
    scope = make_scope(opts.department, opts.year, opts.units, opts.aliases)
    check_targets(opts.paths, targets(opts))          # before anything is read
    previous = _previous(opts, scope)
    report = review([Path(p) for p in opts.paths], tasks=tasks, jobs=opts.jobs, progress=opts.progress,
                    exclude=[opts.output] if opts.output else [], annotate=opts.annotate, scheduler=opts.scheduler)
    if opts.shown_as is not None:
        report.inputs = [opts.shown_as]
        _named_as_shown(report, opts.paths)
    cons = consolidation.consolidate(report, include_errors=opts.include_errors, scope=scope, keep=opts.keep)
    if opts.output:
        report_mod.write_review_xlsx(report, opts.output, cons, previous)
    exported = []
    for fmt in exports.FORMATS:
        if getattr(opts, fmt):
            exported += exports.write_exports(report, cons, getattr(opts, fmt), fmt)
    outcome = BatchOutcome(report, cons, exported, previous)
    if opts.sendback:
        from .sendback import write_sendbacks
        outcome.sendbacks = write_sendbacks(tasks, report, cons, opts.sendback, previous)
    if opts.publish:
        _publish(opts, outcome)
    return outcome


def _previous(opts: BatchOptions, scope):
    """The last review: ``--previous`` (XlToolsError when it is not one), else the review workbook this
    batch is about to replace, when it is one of the tool's (silently none otherwise)."""
    from .previous import read_previous
    if opts.previous:
        if not Path(opts.previous).is_file():
            raise XlToolsError("文件不存在", file=opts.previous)
        return read_previous(opts.previous, scope)
    if opts.output and Path(opts.output).is_file():
        try:
            return read_previous(opts.output, scope)
        except XlToolsError:
            return None
    return None


def _publish(opts: BatchOptions, outcome: BatchOutcome) -> None:
    """The table to sign (``signed``), unless the consolidation does not cover the year completely and
    no draft was asked for."""
    from ..publish import publish_signed
    from .signed import coverage_line, incomplete
    cons = outcome.consolidation
    if not cons.has_table(cons.year):
        outcome.not_published = f"{cons.year or ''}年没有计入的文件，合并公开表未生成"
        return
    why = incomplete(cons)
    if why and not opts.allow_incomplete:
        outcome.not_published = "合并公开表未生成：" + "；".join(why) + "。请补齐后重新审核"
        outcome.draft_possible = True          # each interface says how to ask for it (DRAFT_HINT)
        return
    table = cons.table(cons.year)
    department = cons.scope.department or table.department
    outcome.published = publish_signed(table.filing, opts.publish, opts.pdf, department=department,
                                       coverage=coverage_line(cons, table), draft=bool(why))
    outcome.draft = bool(why)
