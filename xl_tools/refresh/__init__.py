"""Refresh: read the workbook, fill what can be derived, run the rules, write the results back.

One plan of writes (``plan.plan_refresh``, the operations of ``ops``) and two thin writers:
``file_writer`` (files, through the package patcher ``xl_tools.ooxml``) and ``live`` (xlwings: desktop
Excel, xlwings Server / Office.js, xlwings Lite). Nothing is imported here: ``check`` reads the state
of the last refresh (``state``) without loading the plan.
"""

__all__ = ["RefreshOutcome", "plan_refresh"]


def __getattr__(name: str):
    if name in __all__:
        from . import plan
        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
