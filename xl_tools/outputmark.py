"""The tool's own reports carry a mark, so a report dropped into an inbox is never read as a filing.

The review workbook (``batch -o``), the send-back lists and the diff workbook (``diff -o``) get a custom
document property ``xl-tools`` naming what they are (``reportbook.save`` writes it; Excel shows it under
文件 → 信息 → 属性 → 高级属性 → 自定义). Reports written before the mark are recognised by their sheets: a review workbook has 汇总, 问题明细 and
规则统计; a diff workbook has 增减情况, 绩效目标 and 单位汇总 — no filing workbook has those. The batch's
flat exports are recognised in ``xl_tools.batch.core`` (their header row, the Parquet metadata).

``workbook_kind(path)`` only reads two small parts of the zip (never loads the workbook); anything it
cannot read is "not ours", left to the reader to report.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from . import xmlsafe
from .errors import XlToolsError

PROPERTY = "xl-tools"
REVIEW, DIFF, EXPORT, JSON = "review", "diff", "export", "json"
KIND_ZH = {REVIEW: "审核结果", DIFF: "对比结果", EXPORT: "导出表", JSON: "JSON 输出"}

REVIEW_SHEETS = frozenset({"汇总", "问题明细", "规则统计"})
DIFF_SHEETS = frozenset({"增减情况", "绩效目标", "单位汇总"})

_PART_LIMIT = 1 << 20                  # docProps/custom.xml and xl/workbook.xml are small
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def skipped_text(kind: str) -> str:
    """The line a batch row shows for one of the tool's own outputs."""
    return f"xl-tools 生成的{KIND_ZH.get(kind, '文件')}，已跳过"


def _part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _PART_LIMIT:
        return None
    return zf.read(info)


def _xml(data: bytes | None, part: str):
    if not data:
        return None
    try:
        return xmlsafe.parse(data, part)
    except XlToolsError:            # a damaged or hostile part is the reader's to report, not ours to recognise
        return None


def _marked(custom) -> str | None:
    for prop in custom.iter():
        if prop.tag.endswith("}property") and prop.get("name") == PROPERTY:
            return next((v.text for v in prop if v.text), None) or REVIEW
    return None


def sheet_names(path: str | Path) -> frozenset[str]:
    """The sheet names ``xl/workbook.xml`` of a workbook lists (empty when it cannot be read: not a
    workbook, damaged — that is the reader's to report)."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = _xml(_part(zf, "xl/workbook.xml"), "xl/workbook.xml")
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
        return frozenset()
    return frozenset() if book is None else frozenset(s.get("name") for s in book.iter(f"{_NS_MAIN}sheet"))


def workbook_kind(path: str | Path) -> str | None:
    """``review`` / ``diff`` when ``path`` is a workbook xl-tools wrote as a report, else None."""
    try:
        with zipfile.ZipFile(path) as zf:
            custom = _xml(_part(zf, "docProps/custom.xml"), "docProps/custom.xml")
            book = _xml(_part(zf, "xl/workbook.xml"), "xl/workbook.xml")
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
        return None             # a damaged zip (a corrupt deflate stream too): the reader reports it
    if custom is not None and (kind := _marked(custom)):
        return kind
    if book is None:
        return None
    names = {s.get("name") for s in book.iter(f"{_NS_MAIN}sheet")}
    if REVIEW_SHEETS <= names:
        return REVIEW
    if DIFF_SHEETS <= names:
        return DIFF
    return None
