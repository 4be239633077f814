"""The ruled tables of a PDF page, found within a budget.

pdfplumber's table finder (``Page.find_tables``) joins the page's lines, pairs every vertical line
with every horizontal one to find their crossings, then, for each crossing, looks through all the
crossings after it for the cell it opens: its time grows with lines × lines and with the square of the
crossings. A 21 KB page of 2,000 horizontal and 2,000 vertical lines (4,000 drawing operations, far
inside ``limits.PDF_DRAWS``) has four million crossings: it ran past 300 s (the time limit, 900 s by
default, would have ended it; a batch waits that long for each such file). ``find_tables(page)`` runs
the same steps as ``pdfplumber.table.TableFinder`` (setup.cfg pins the pdfplumber versions), counting
the lines against ``limits.PDF_TABLE_LINES`` before the pairing and the crossings against
``limits.PDF_TABLE_POINTS`` before the cells are looked for; past a limit the page stops with one
Chinese line naming it.
"""

from __future__ import annotations

from pdfplumber.table import (
    Table,
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from .. import limits
from ..errors import XlToolsError


def _check(count: int, limit: limits.Limit, page, source: str) -> None:
    if count > limits.value(limit):
        raise XlToolsError(f"第 {page.page_number} 页" + limits.exceeded(limit, f"为 {count:,} {limit.unit}"),
                           file=source)
    limits.check_time()


def find_tables(page, source: str) -> list[Table]:
    """``page.find_tables()`` (default settings) within the table budget (see the module docstring)."""
    finder = TableFinder.__new__(TableFinder)           # TableFinder.__init__, step by step
    finder.page, finder.settings = page, TableSettings.resolve(None)
    finder.edges = finder.get_edges()
    _check(len(finder.edges), limits.PDF_TABLE_LINES, page, source)
    settings = finder.settings
    finder.intersections = edges_to_intersections(finder.edges, settings.intersection_x_tolerance,
                                                  settings.intersection_y_tolerance)
    _check(len(finder.intersections), limits.PDF_TABLE_POINTS, page, source)
    finder.cells = intersections_to_cells(finder.intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder.tables


def extract_tables(page, source: str) -> list[list[list[str | None]]]:
    """``page.extract_tables()`` (default settings) within the table budget."""
    return [table.extract() for table in find_tables(page, source)]
