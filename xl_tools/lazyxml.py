"""``etree``: lxml's, imported when the tool first parses or writes XML, not when a module is imported.

The live refresh (desktop button, add-in, xlwings Lite) reads and writes cells through xlwings and never
touches a workbook's XML; importing lxml only when XML is really handled keeps it off that path, so
xlwings Lite (Pyodide) does not download lxml's WebAssembly build for each start, and the package runs
under Pyodide where no lxml build is at hand (``tests/test_pyodide.py``). Each name is looked up in lxml
once and then kept on the object, so a hot loop pays a plain attribute lookup.
"""

from __future__ import annotations


class _LazyEtree:
    def __getattr__(self, name: str):
        from lxml import etree
        value = getattr(etree, name)
        setattr(self, name, value)
        return value


etree = _LazyEtree()
