"""Batch review for a supervising department: many units' workbooks (and published tables as PDF, text
or xlsx) checked in parallel processes, one row per file, a consolidation per budget year with the
provenance of every number, a review workbook, flat exports and a JSON summary.

    report = review([Path("收件箱")], tasks=app.BatchFileTasks, jobs=None, progress=False)
    cons = consolidate(report, include_errors=False)
    write_review_xlsx(report, "审核结果.xlsx", cons)
    report_to_json(report, cons)

The application layer runs it (``app.review_batch``) and hands it what to do to each file
(``core.FileTasks``): the batch never imports ``app``. ``review_one(path, tasks=…)`` is the whole
per-file work, a plain top-level function of a path returning a picklable ``FileResult``: a process
pool maps it locally, and a Dask cluster maps the same function.

The consolidation, the review workbook and the exports use pandas (the ``batch`` extra); they are loaded
on first use, so importing this package (as the command line does) does not import pandas.
"""

from importlib import import_module

from .core import (
    STATUS_BROKEN,
    STATUS_ERRORS,
    STATUS_INTERNAL,
    STATUS_OK,
    STATUS_SKIPPED,
    STATUS_WARNINGS,
    SUFFIXES,
    BatchReport,
    FileResult,
    expand_paths,
    review_one,
)
from .pool import BatchStopped, Item, expand_items, review

_LAZY = {"consolidate": ".consolidation", "Consolidation": ".consolidation", "report_to_json": ".report",
         "write_review_xlsx": ".report", "write_exports": ".exports"}

__all__ = ["STATUS_BROKEN", "STATUS_ERRORS", "STATUS_INTERNAL", "STATUS_OK", "STATUS_SKIPPED", "STATUS_WARNINGS", "SUFFIXES",
           "BatchReport", "BatchStopped", "Consolidation", "Item", "FileResult", "consolidate", "expand_items", "expand_paths", "report_to_json",
           "review", "review_one", "write_exports", "write_review_xlsx"]


def __getattr__(name: str):
    """The pandas-based parts, imported when first asked for (see the module docstring)."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
