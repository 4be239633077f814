"""The same filing as other writers spell it: a corpus of workbooks that a unit's own system, a script
or another spreadsheet app would hand to xl-tools.

- ``sdk_spelling``: the Open XML SDK's spelling (and that of many .NET/Java exporters): every
  SpreadsheetML part with the namespace bound to the prefix ``x`` and no default namespace
  (``<x:worksheet xmlns:x=…><x:sheetData><x:row><x:c>``), an ``utf-8`` declaration without
  ``standalone``, as ``OpenXmlPartRootElement.Save`` writes it; optionally cells without ``r``;
- ``openpyxl_resaved``, ``libreoffice_resaved``: the workbook loaded and saved by openpyxl / LibreOffice;
- ``written_by("xlsxwriter" | "exceljs" | "sheetjs", …)``: a new workbook holding the filing's cell values,
  written by XlsxWriter, or under Node by exceljs or SheetJS (``tests/js/resave.mjs``; ``npm ci`` in
  tests/js installs both).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
JS = Path(__file__).resolve().parents[1] / "js"
WRITERS = ("sdk", "sdk_no_refs", "openpyxl", "libreoffice", "xlsxwriter", "exceljs", "sheetjs")


def has_node_writers() -> bool:
    return shutil.which("node") is not None and (JS / "node_modules" / "exceljs").is_dir() and \
        (JS / "node_modules" / "xlsx").is_dir()


def _prefixed(data: bytes, drop_refs: bool) -> bytes | None:
    root = etree.fromstring(data)
    if etree.QName(root).namespace != MAIN:
        return None
    nsmap = {("x" if k is None else k): v for k, v in root.nsmap.items()}
    nsmap["x"] = MAIN

    def build(el, parent):
        if not isinstance(el.tag, str):
            return
        new = etree.Element(el.tag, nsmap=nsmap) if parent is None else etree.SubElement(parent, el.tag)
        for k, v in el.attrib.items():
            if drop_refs and k == "r" and etree.QName(el).localname == "c":
                continue
            new.set(k, v)
        new.text, new.tail = el.text, None
        for child in el:
            build(child, new)
        return new

    return b'<?xml version="1.0" encoding="utf-8"?>' + etree.tostring(build(root, None), encoding="UTF-8")


def sdk_spelling(src: Path, dst: Path, *, drop_refs: bool = False) -> Path:
    """`src` with every SpreadsheetML part spelled as the Open XML SDK writes it (see module docstring)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml"):
                data = _prefixed(data, drop_refs) or data
            zout.writestr(info.filename, data)
    return dst


def openpyxl_resaved(src: Path, dst: Path) -> Path:
    openpyxl.load_workbook(src).save(dst)
    return dst


def libreoffice_resaved(src: Path, dst: Path) -> Path:
    from ..conftest import soffice_convert
    work = dst.parent / f"lo-{dst.stem}"
    work.mkdir()
    shutil.copy(src, work / f"in{src.suffix}")
    out = soffice_convert(work / f"in{src.suffix}", "xlsx:Calc MS Excel 2007 XML", work / "out")
    shutil.move(out, dst)
    return dst


def cell_values(src: Path) -> list[tuple[str, list[list]]]:
    """(sheet, rows of values) of every worksheet (dates as ISO text, the writers' common ground)."""
    book = openpyxl.load_workbook(src)
    out = []
    for ws in book.worksheets:
        rows = [[v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in row]
                for row in ws.iter_rows(values_only=True)]
        out.append((ws.title, rows))
    return out


def written_by(writer: str, src: Path, dst: Path) -> Path:
    """A new workbook holding the cell values of `src`, written by `writer`."""
    sheets = cell_values(src)
    if writer == "xlsxwriter":
        import xlsxwriter
        book = xlsxwriter.Workbook(str(dst), {"strings_to_numbers": False, "strings_to_formulas": False})
        for name, rows in sheets:
            ws = book.add_worksheet(name)
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    if value is not None:
                        ws.write(r, c, value)
        book.close()
        return dst
    data = dst.with_suffix(".json")
    data.write_text(json.dumps(sheets, ensure_ascii=False, default=str), "utf-8")
    proc = subprocess.run(["node", str(JS / "resave.mjs"), writer, str(data), str(dst)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return dst


def other_writer(writer: str, src: Path, dst: Path) -> Path:
    """`src` as `writer` (one of WRITERS) spells it."""
    if writer == "sdk":
        return sdk_spelling(src, dst)
    if writer == "sdk_no_refs":
        return sdk_spelling(src, dst, drop_refs=True)
    if writer == "openpyxl":
        return openpyxl_resaved(src, dst)
    if writer == "libreoffice":
        return libreoffice_resaved(src, dst)
    return written_by(writer, src, dst)


_STRICT = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
           b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
               b"http://purl.oclc.org/ooxml/officeDocument/relationships",
           b"http://schemas.openxmlformats.org/drawingml/2006/main": b"http://purl.oclc.org/ooxml/drawingml/main"}


def strict_spelling(src: Path, dst: Path) -> Path:
    """`src` as Excel saves it as "Strict Open XML Spreadsheet": the ISO/IEC 29500 Strict namespaces and
    relationship types (purl.oclc.org) in place of the transitional ones."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for old, new in _STRICT.items():
                    data = data.replace(old, new)
            zout.writestr(info.filename, data)
    return dst
