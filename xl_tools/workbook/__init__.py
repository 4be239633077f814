"""The standard workbook: build it (the package patcher), read a Filing from it and write one into it."""

from .reader import read_filing, read_filing_from_workbook

__all__ = ["build_workbook", "read_filing", "read_filing_from_workbook"]


def __getattr__(name: str):
    if name == "build_workbook":             # the writer (lxml): only when a workbook is built
        from .template import build_workbook
        return build_workbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
