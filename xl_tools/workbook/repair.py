"""``xl-tools repair FILE.xlsm``: give a button workbook made by an earlier xl-tools what the button
needs today.

Earlier workbooks ran ``import <file name>`` (so a renamed or downloaded copy broke) and pinned the
creating PC's Python in a hidden ``xlwings.conf`` sheet. Repair swaps in the VBA project of
``workbook.vba`` (the button then runs ``xl_tools.desktop.main()`` under any name) and removes the
pinned ``Interpreter_Win`` / ``Interpreter_Mac`` / ``PYTHONPATH`` entries, so each PC's own xlwings
configuration applies. Every other part of the file is copied byte for byte; the file is replaced
atomically. A workbook that needs nothing is left untouched.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from .. import xmlsafe
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..lazyxml import etree
from ..schema import SHEET_XLWINGS_CONF
from ..xlsxfile import reading, sniff
from .vba import PYTHON_COMMAND, VbaFormatError, button_vba_project, module_source

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
PINNED_KEYS = {"INTERPRETER_WIN", "INTERPRETER_MAC", "INTERPRETER", "PYTHONPATH"}
VBA_PART = "xl/vbaProject.bin"


def _conf_sheet_part(zf: zipfile.ZipFile) -> str | None:
    book = xmlsafe.parse(zf.read("xl/workbook.xml"), "xl/workbook.xml")
    rid = None
    for sheet in book.iterfind("m:sheets/m:sheet", NS):
        if sheet.get("name") == SHEET_XLWINGS_CONF:
            rid = sheet.get(f"{{{NS['r']}}}id")
    if rid is None:
        return None
    rels = xmlsafe.parse(zf.read("xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels")
    for rel in rels.iterfind("rel:Relationship", NS):
        if rel.get("Id") == rid:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    root = xmlsafe.parse(zf.read("xl/sharedStrings.xml"), "xl/sharedStrings.xml")
    return ["".join(si.itertext()) for si in root.iterfind("m:si", NS)]


def _without_pinned(sheet_xml: bytes, strings: list[str], part: str) -> tuple[bytes, list[str]]:
    root = xmlsafe.parse(sheet_xml, part)
    removed = []
    for row in list(root.iterfind("m:sheetData/m:row", NS)):
        first = row.find("m:c", NS)
        if first is None:
            continue
        kind = first.get("t")
        if kind == "s":
            value = first.findtext("m:v", namespaces=NS)
            key = strings[int(value)] if value is not None and value.isdigit() and int(value) < len(strings) else ""
        else:
            key = "".join(first.itertext())
        if key.strip().upper() in PINNED_KEYS:
            removed.append(key.strip())
            row.getparent().remove(row)
    # xlwings' VBA reads the sheet from A1 down to the first gap: close the gaps
    for number, row in enumerate(root.iterfind("m:sheetData/m:row", NS), start=1):
        row.set("r", str(number))
        for cell in row.iterfind("m:c", NS):
            if cell.get("r"):
                cell.set("r", re.sub(r"\d+$", str(number), cell.get("r")))
    dimension = root.find("m:dimension", NS)
    if dimension is not None:
        dimension.getparent().remove(dimension)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), removed


def repair_button_workbook(path: str | Path) -> list[str]:
    """Repair ``path`` in place; return what changed (Chinese, one line each; empty = nothing to do)."""
    path = Path(path)
    sniff(path)                     # a regular file, a workbook, no bomb, no DTD in any part
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise XlToolsError("无法打开，不是 Excel 工作簿（.xlsm）", file=str(path)) from None
    with zf, reading(path):
        names = zf.namelist()
        if VBA_PART not in names:
            raise XlToolsError("这个工作簿没有宏（不是带「刷新」按钮的 .xlsm），无需修复", file=str(path))
        replace: dict[str, bytes] = {}
        changes = []
        project = zf.read(VBA_PART)
        try:
            if PYTHON_COMMAND not in module_source(project):
                replace[VBA_PART] = button_vba_project(project)
                changes.append("按钮的宏改为不依赖文件名（文件可以改名、复制、另存）")
        except (VbaFormatError, OSError, ValueError):
            raise XlToolsError("这个工作簿的宏不是 xl-tools 生成的 xlwings 按钮，无法修复；"
                               "请用 xl-tools new 生成新文件后把数据复制过去", file=str(path)) from None
        conf_part = _conf_sheet_part(zf)
        if conf_part and conf_part in names:
            xml, removed = _without_pinned(zf.read(conf_part), _shared_strings(zf), conf_part)
            if removed:
                replace[conf_part] = xml
                changes.append(f"删除了固定在别的电脑上的设置：{'、'.join(removed)}（改用本机的 xlwings 配置）")
        if not replace:
            return []
        with atomic_target(path) as tmp, zipfile.ZipFile(tmp, "w") as out:
            for info in zf.infolist():
                data = replace.get(info.filename)
                if data is None:
                    out.writestr(info, zf.read(info.filename))
                else:
                    out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return changes
