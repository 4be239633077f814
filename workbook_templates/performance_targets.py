"""Shim for the 刷新 button of performance_targets.xlsm (xlwings runs `import <workbook name>; main()`)."""
from xl_tools.desktop import main  # noqa: F401
