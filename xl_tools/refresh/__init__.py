"""Refresh: read the workbook, fill what can be derived, run the rules, write the results back.

One plan (``plan.build_plan``) and two thin writers: ``file_writer`` (openpyxl, for files) and
``xlwings_writer`` (live Excel: desktop, xlwings Server / Office.js, xlwings Lite).
"""

from .plan import RefreshOutcome, plan_refresh

__all__ = ["RefreshOutcome", "plan_refresh"]
