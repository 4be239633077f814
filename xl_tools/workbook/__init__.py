"""The standard workbook: build it (xlsxwriter), read a Filing from it and write one into it."""

from .reader import read_filing, read_filing_from_workbook
from .template import build_workbook

__all__ = ["build_workbook", "read_filing", "read_filing_from_workbook"]
