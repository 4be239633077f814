"""Rows spelled alike read by one match each (``ooxml.rowshapes``, issue 27): a data sheet's rows, the same
cell for cell but for their values and row number, are read by one pattern of their spelling once two rows
showed it — and whatever that pattern does not read exactly goes cell by cell, so the view reads the same
values, style ids and watched cells as the streaming lxml pass does (``test_rowscan._same``)."""

from __future__ import annotations

import sys

import pytest

from xl_tools.ooxml import rowscan, rowshapes

from .test_rowscan import _read, _same, _with_shared_strings, _with_sheet

TEXTS = ["甲", "乙", "丙"]


def _row(r: int, *, a: str = '<c r="A{r}" s="1" t="s"><v>{k}</v></c>', b: str = '<c r="B{r}" s="2"><v>{n}</v></c>',
         c: str = '<c r="C{r}" s="1" t="inlineStr"><is><t>名称{r}</t></is></c>',
         blanks: str = '<c r="D{r}" s="12"/><c r="E{r}" s="12"/><c r="F{r}" s="13"/>',
         attrs: str = ' ht="36" customHeight="1"') -> bytes:
    cells = (a + b + c + blanks).format(r=r, k=r % 3, n=r * 1.5 if r % 2 else r)
    return f'<row r="{r}"{attrs}>{cells}</row>'.encode()


def _sheet(seed_workbook, tmp_path, odd: dict[int, bytes] | None = None, rows: int = 60):
    odd = odd or {}
    body = b"".join(odd.get(r, _row(r)) for r in range(1, rows + 1))
    shared = _with_shared_strings(seed_workbook, tmp_path / "shared.xlsx", TEXTS)
    return _with_sheet(shared, tmp_path / "alike.xlsx", body)


def _counted(monkeypatch) -> list[int]:
    """[rows the spellings read]: ``Shapes.read``'s answers that were not None."""
    count = [0]
    real = rowshapes.Shapes.read

    def read(self, *args):
        got = real(self, *args)
        count[0] += got is not None
        return got
    monkeypatch.setattr(rowshapes.Shapes, "read", read)
    return count


@pytest.mark.parametrize("watch", [frozenset(), frozenset({2, 13}), frozenset(range(1, 40))])
def test_rows_spelled_alike_are_read_by_one_match_each(seed_workbook, tmp_path, monkeypatch, watch):
    monkeypatch.setattr(sys.modules["tests.test_rowscan"], "WATCH", watch)
    path = _sheet(seed_workbook, tmp_path)
    count = _counted(monkeypatch)
    assert "xl/worksheets/sheet3.xml" in _same(path, monkeypatch)
    assert count[0] >= 58                       # all but the two rows that showed the spelling first
    fast = _read(path, monkeypatch, fast=True)["项目"]
    rows, ids, watched = fast[0], fast[1], fast[5]
    assert rows[4] == ("丙", 7.5, "名称5") and rows[5] == ("甲", 6, "名称6") and ids[5] == (1, 2, 1)
    assert ((7, 2) in watched) == (2 in watch) and ((7, 6) in watched) == (13 in watch)
    assert ((7, 4) in watched) == (12 in watch)


ODD = {
    "another row's reference": _row(7, b='<c r="B8" s="2"><v>{n}</v></c>'),
    "a reference in a blank run": _row(7, blanks='<c r="D{r}" s="12"/><c r="E8" s="12"/><c r="F{r}" s="13"/>'),
    "a shared string past the table": _row(7, a='<c r="A{r}" s="1" t="s"><v>9</v></c>'),
    "a negative index": _row(7, a='<c r="A{r}" s="1" t="s"><v>-1</v></c>'),
    "a number spelled otherwise": _row(7, b='<c r="B{r}" s="2"><v>1E3</v></c>'),
    "a number that is none": _row(7, b='<c r="B{r}" s="2"><v>x1</v></c>'),
    "references in a text": _row(7, c='<c r="C{r}" s="1" t="inlineStr"><is><t>R&amp;D &lt;1&gt;</t></is></c>'),
    "an escaped character": _row(7, c='<c r="C{r}" s="1" t="inlineStr"><is><t>a_x000D_b</t></is></c>'),
    "a character reference": _row(7, c='<c r="C{r}" s="1" t="inlineStr"><is><t>&#x4E2D;</t></is></c>'),
    "spaces kept": _row(7, c='<c r="C{r}" s="1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'),
    "an empty text": _row(7, c='<c r="C{r}" s="1" t="inlineStr"><is><t/></is></c>'),
    "a closed blank": _row(7, blanks='<c r="D{r}" s="12"></c><c r="E{r}" s="12"/><c r="F{r}" s="13"/>'),
    "a column twice": _row(7, blanks='<c r="D{r}" s="12"/><c r="A{r}" s="4"><v>2</v></c>'),
    "cells out of order": _row(7, a='<c r="C{r}" s="1" t="s"><v>1</v></c>'),
    "a cell without its reference": _row(7, b='<c s="2"><v>{n}</v></c>'),
    "a boolean": _row(7, b='<c r="B{r}" s="2" t="b"><v>1</v></c>'),
    "a formula": _row(7, b='<c r="B{r}" s="2"><f>1+1</f><v>2</v></c>'),
    "white space between cells": _row(7, b=' <c r="B{r}" s="2"><v>{n}</v></c>'),
    "a hidden row": _row(7, attrs=' ht="36" customHeight="1" hidden="1"'),
    "no number on the row": _row(7, attrs="").replace(b'<row r="7">', b"<row>"),
}


@pytest.mark.parametrize("what", list(ODD))
@pytest.mark.parametrize("watch", [frozenset(), frozenset({2, 12, 13})])
def test_a_row_the_spelling_does_not_read_exactly_reads_as_the_parser_does(seed_workbook, tmp_path, monkeypatch,
                                                                           what, watch):
    """Row 7 differs from its spelling (seen on rows 1–6) in one way, the rows after it are alike again."""
    monkeypatch.setattr(sys.modules["tests.test_rowscan"], "WATCH", watch)
    path = _sheet(seed_workbook, tmp_path, {7: ODD[what]}, rows=12)
    _same(path, monkeypatch)


def test_rows_spelled_two_ways_in_turn_are_both_read_by_a_pattern(seed_workbook, tmp_path, monkeypatch):
    other = '<c r="D{r}" s="14"/><c r="E{r}" s="12"/><c r="F{r}" s="13"/>'
    path = _sheet(seed_workbook, tmp_path, {r: _row(r, blanks=other) for r in range(1, 61, 2)})
    count = _counted(monkeypatch)
    _same(path, monkeypatch)
    assert count[0] >= 56


def test_a_sheet_of_rows_all_spelled_differently_stops_learning(monkeypatch):
    """Each row another spelling: the spellings noted are bounded, and none becomes a pattern."""
    made = []
    real = rowshapes.Shapes.__init__

    def init(self, *args):
        real(self, *args)
        made.append(self)
    monkeypatch.setattr(rowshapes.Shapes, "__init__", init)
    rows = b"".join(b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (r, rowscan.column_letter(r).encode(), r)
                    for r in range(1, 1201))
    data = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    from xl_tools.ooxml.cells import CellDecoder
    got = rowscan.scan(data, "sheet.xml", CellDecoder([], frozenset(), {}, False), frozenset(), 1000, 10_000,
                       None, None)
    assert got is not None and got[0][1199][-1] == 1 and len(got[0][1199]) == 1200
    assert len(made[0].seen) == rowshapes.LEARNED and not made[0].known
