"""Open a workbook file safely with a clear Chinese message for every way it can be unusable."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from ..errors import XlToolsError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> None:
    """Raise XlToolsError unless `path` looks like an xlsx/xlsm package."""
    src = str(path)
    if not path.exists():
        raise XlToolsError("文件不存在", file=src)
    if path.is_dir():
        raise XlToolsError("这是一个文件夹，不是工作簿文件", file=src)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        raise XlToolsError("不支持 .ods 格式：请在 LibreOffice 或 Excel 中另存为 .xlsx 后再试", file=src)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise XlToolsError(f"无法读取：{exc.strerror}", file=src) from None
    if not head:
        raise XlToolsError("文件是空的（0 字节）", file=src)
    if head == OLE_MAGIC:
        if suffix == ".xls":
            raise XlToolsError("这是旧版 .xls 工作簿：请在 Excel 中另存为 .xlsx 后再试", file=src)
        raise XlToolsError("工作簿已加密（设置了打开密码）：请在 Excel 中取消密码后另存为 .xlsx 再试", file=src)
    if suffix == ".xls":
        raise XlToolsError("不支持 .xls 格式：请在 Excel 中另存为 .xlsx 后再试", file=src)
    if not head.startswith(b"PK"):
        raise XlToolsError("不是 Excel 工作簿（.xlsx/.xlsm）文件", file=src)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise XlToolsError("工作簿文件已损坏（压缩包不完整），请重新保存或从备份恢复", file=src) from None
    if "xl/workbook.xml" not in names:
        raise XlToolsError("这个压缩包不是 Excel 工作簿（缺少 xl/workbook.xml）", file=src)


def open_workbook(path: str | Path, *, read_only: bool = False, data_only: bool = False, keep_vba: bool | None = None):
    path = Path(path)
    sniff(path)
    if keep_vba is None:
        keep_vba = path.suffix.lower() == ".xlsm" and not read_only
    try:
        return openpyxl.load_workbook(path, read_only=read_only, data_only=data_only, keep_vba=keep_vba,
                                      keep_links=False)
    except XlToolsError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise XlToolsError(f"无法作为 Excel 工作簿打开（{type(exc).__name__}）：文件可能已损坏", file=str(path)) from None
