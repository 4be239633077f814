"""The one cell-address module: A1 text ⇄ (row, column), checked against openpyxl's own helpers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from xl_tools.address import (
    MAX_COL,
    MAX_ROW,
    CellAddress,
    Rect,
    a1,
    column_index,
    column_letter,
    parse_a1,
    parse_range,
    range_a1,
)

rows = st.integers(1, MAX_ROW)
cols = st.integers(1, MAX_COL)


@given(cols)
def test_column_letters_are_openpyxls(col):
    assert column_letter(col) == get_column_letter(col)
    assert column_index(column_letter(col)) == col == column_index_from_string(get_column_letter(col))
    assert column_index(column_letter(col).lower()) == col


@given(rows, cols, st.booleans(), st.booleans())
def test_a1_round_trip(row, col, dollar_col, dollar_row):
    text = a1(row, col)
    assert parse_a1(text) == (row, col)
    written = ("$" if dollar_col else "") + column_letter(col) + ("$" if dollar_row else "") + str(row)
    assert parse_a1(written) == (row, col)


@given(rows, cols, rows, cols)
def test_ranges_are_openpyxls(r1, c1, r2, c2):
    top, left, bottom, right = min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
    text = range_a1(top, left, bottom, right)
    assert parse_range(text) == (top, left, bottom, right)
    assert range_boundaries(text) == (left, top, right, bottom)
    assert parse_range(f"{a1(r2, c2)}:{a1(r1, c1)}") == (top, left, bottom, right)     # given backwards


def test_one_cell_range_is_one_cell():
    assert range_a1(3, 2, 3, 2) == "B3"
    assert parse_range("B3") == (3, 2, 3, 2)
    assert range_a1(1, 1, 2, 3) == "A1:C2"


@pytest.mark.parametrize("bad", ["", "A", "3", "A0", "XFE1", "A1048577", "AAAA1", "一1", "A1:", "B3 ", "=A1",
                                 "A-1", "1A"])
def test_not_a_cell(bad):
    with pytest.raises(ValueError):
        parse_range(bad)


@pytest.mark.parametrize("bad", [0, -1, MAX_COL + 1])
def test_column_out_of_the_sheet(bad):
    with pytest.raises(ValueError):
        column_letter(bad)


def test_cell_address():
    cell = CellAddress.of_a1("绩效指标", "$F$5")
    assert (cell.sheet, cell.row, cell.col, cell.a1, str(cell)) == ("绩效指标", 5, 6, "F5", "绩效指标!F5")
    assert cell == CellAddress("绩效指标", 5, 6) and cell.cells() == [(5, 6)]
    assert sorted([CellAddress("项目", 3, 1), CellAddress("项目", 2, 9)])[0].row == 2
    with pytest.raises(AttributeError):
        cell.row = 6                                                    # a value, usable as a key
    run = CellAddress.of_a1("项目", "A2:B5")
    assert (run.row, run.col, run.nrows, run.ncols, run.a1, str(run)) == (2, 1, 4, 2, "A2:B5", "项目!A2:B5")
    assert run.cells()[:3] == [(2, 1), (2, 2), (3, 1)] and len(run.cells()) == 8


def test_the_plans_rectangle_is_the_address_without_its_sheet():
    """``refresh.ops.Rect`` is ``address.Rect``: one rectangle type, the one ``CellAddress.rect`` gives."""
    from xl_tools.refresh import ops
    assert ops.Rect is Rect
    run = CellAddress.of_a1("项目", "A2:B5")
    assert run.rect == Rect(2, 1, 4, 2) and run.rect.a1 == "A2:B5" and run.rect.cells() == run.cells()
    assert Rect(3, 2).a1 == "B3" and Rect(3, 2).cells() == [(3, 2)]
