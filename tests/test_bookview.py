"""The one workbook-view protocol (``xl_tools.bookview``): both views implement every member with the
same parameters, and read the same cells, formats aside, from the same workbook."""

from __future__ import annotations

import inspect

import pytest

from xl_tools import app, bookview
from xl_tools.ooxml.view import ViewCell, ViewSheet
from xl_tools.ooxml.view import WorkbookView as FileView
from xl_tools.refs import split_reference
from xl_tools.schema import INFO_FIELDS, NAME_LAST_REFRESH, NAME_TEMPLATE_VERSION
from xl_tools.workbook import xlwings_view
from xl_tools.workbook.reader import workbook_view

from .support.demo_filing import demo_filing

IMPLEMENTATIONS = [
    (bookview.WorkbookView, FileView), (bookview.SheetView, ViewSheet), (bookview.CellView, ViewCell),
    (bookview.WorkbookView, xlwings_view.XlwingsBookView), (bookview.SheetView, xlwings_view._Sheet),
    (bookview.CellView, xlwings_view._Cell),
]


def _members(protocol) -> dict[str, object]:
    own = {k: v for k, v in vars(protocol).items() if not k.startswith("_") or k == "__getitem__"}
    fields = dict.fromkeys(protocol.__annotations__, None)
    return {**fields, **{k: v for k, v in own.items() if callable(v)}}


def _parameters(fn) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize(("protocol", "cls"), IMPLEMENTATIONS, ids=lambda x: x.__qualname__)
def test_every_member_with_the_same_parameters(protocol, cls):
    members = _members(protocol)
    assert members, protocol
    for name, declared in members.items():
        if declared is None:                      # a data member: set in __init__ or on the class
            assert name in cls.__annotations__ or hasattr(cls, name) or name in _init_attributes(cls), (cls, name)
            continue
        assert _parameters(getattr(cls, name)) == _parameters(declared), (cls, name)


def _init_attributes(cls) -> set[str]:
    source = inspect.getsource(cls.__init__)
    return {line.split("self.", 1)[1].split()[0].rstrip(",=:") for line in source.splitlines() if "self." in line}


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "filing.xlsx"
    app.write_workbook(demo_filing(), path)
    return path


@pytest.fixture
def remote_engine(monkeypatch):
    pytest.importorskip("xlwings")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xl_tools.server.app import enable_remote_engine
    enable_remote_engine()


def test_both_views_read_the_same_workbook(book, remote_engine):
    import xlwings as xw

    from .support.payload import payload_from_xlsx

    live = xlwings_view.XlwingsBookView(xw.Book(json=payload_from_xlsx(book)))
    file = workbook_view(book)
    try:
        for view in (file, live):
            assert isinstance(view, bookview.WorkbookView)
            assert isinstance(view[view.sheetnames[0]], bookview.SheetView)
            assert isinstance(view[view.sheetnames[0]].cell(1, 1), bookview.CellView)
        assert live.sheetnames == file.sheetnames
        for name in ("基本信息", "项目", "绩效指标"):
            rows = [tuple(v for v in row) for row in file[name].iter_rows(values_only=True)]
            assert rows, name
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    assert live[name].cell(r, c).value == file[name].cell(r, c).value == value, (name, r, c)
            assert file[name].cell(len(rows) + 5, 40).value is None is live[name].cell(len(rows) + 5, 40).value
        for name in (NAME_TEMPLATE_VERSION, NAME_LAST_REFRESH, *(n for _label, n, _field in INFO_FIELDS)):
            assert split_reference(live.defined_name(name)) == split_reference(file.defined_name(name)), name
        assert live.defined_name("没有这个名称") is None is file.defined_name("没有这个名称")
    finally:
        file.close()
