"""The reviewer's batch as one task: check where it will write, read the scope, review every file,
consolidate, write what was asked. Every interface (the command line, later the upload page) calls
``run_batch`` and only presents its ``BatchOutcome``; nothing here prints.

The pandas-based parts (consolidation, workbook, exports) are imported when the task runs, so that
importing this module (as the command line does) does not import pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from ..errors import XlToolsError
from .columns import COLUMNS
from .core import BatchReport
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
    progress: bool = False


@dataclass
class BatchOutcome:
    report: BatchReport
    consolidation: object                    # batch.consolidation.Consolidation
    exported: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        from .report import failed
        return failed(self.report, self.consolidation)


def _tabular():
    """The consolidation, review workbook and exports: they need pandas (the ``batch`` extra)."""
    try:
        return (import_module(".consolidation", __package__), import_module(".report", __package__),
                import_module(".exports", __package__))
    except ImportError as exc:   # optional dependency: only the reviewer's batch needs pandas
        raise XlToolsError(f'批量审核需要安装 pandas（缺少 {exc.name}）：pip install "xl-tools[batch]"') from None


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
    return out


def run_batch(opts: BatchOptions) -> BatchOutcome:
    """The whole batch (see the module docstring). XlToolsError (nothing written) for unusable options
    or outputs; ``pool.BatchStopped`` when workers keep dying."""
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
    report = review([Path(p) for p in opts.paths], jobs=opts.jobs, progress=opts.progress,
                    exclude=[opts.output] if opts.output else [], annotate=opts.annotate, scheduler=opts.scheduler)
    cons = consolidation.consolidate(report, include_errors=opts.include_errors, scope=scope, keep=opts.keep)
    if opts.output:
        report_mod.write_review_xlsx(report, opts.output, cons)
    exported = []
    for fmt in exports.FORMATS:
        if getattr(opts, fmt):
            exported += exports.write_exports(report, cons, getattr(opts, fmt), fmt)
    return BatchOutcome(report, cons, exported)
