"""Refresh: read the workbook, fill what can be derived, run the rules, write the results back.

One plan of writes (``plan.plan_refresh``, the operations of ``ops``) and two thin writers:
``file_writer`` (files, through the package patcher ``xl_tools.ooxml``) and ``live`` (xlwings: desktop
Excel, xlwings Server / Office.js, xlwings Lite).
"""

from .plan import RefreshOutcome, plan_refresh

__all__ = ["RefreshOutcome", "plan_refresh"]
