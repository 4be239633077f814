"""Batch review for a supervising department: many units' workbooks (and published PDFs/texts) checked
in parallel processes, one row per file, a review workbook and a JSON summary.

    report = review([Path("收件箱")], jobs=None, progress=False)
    write_review_xlsx(report, "审核结果.xlsx")
    report_to_json(report)

``review_one(path)`` is the whole per-file work, a plain top-level function of a path returning a
picklable ``FileResult``: a process pool maps it locally, and a Dask cluster could map the same function.
"""

from .core import (
                   STATUS_BROKEN,
                   STATUS_ERRORS,
                   STATUS_INTERNAL,
                   STATUS_OK,
                   STATUS_WARNINGS,
                   SUFFIXES,
                   BatchReport,
                   FileResult,
                   consolidated_filing,
                   expand_paths,
                   review,
                   review_one,
)
from .report import report_to_json, write_review_xlsx

__all__ = ["BatchReport", "FileResult", "STATUS_BROKEN", "STATUS_ERRORS", "STATUS_INTERNAL", "STATUS_OK",
           "STATUS_WARNINGS", "SUFFIXES", "consolidated_filing", "expand_paths", "report_to_json",
           "review", "review_one", "write_review_xlsx"]
