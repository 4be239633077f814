"""Open a workbook file safely with a clear Chinese message for every way it can be unusable (base layer:
the workbook reader, the refresh writer and the xlsx importer all open files through it)."""

from __future__ import annotations

import contextlib
import struct
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl

from .errors import XlToolsError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Decompression-bomb limits, checked on the zip directory before anything is inflated. zipfile stops
# reading a member at its declared size (a lie fails the CRC), so the declared sizes are what counts.
MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024      # 1 GiB for the whole workbook
MAX_MEMBER_UNCOMPRESSED = 512 * 1024 * 1024      # 512 MiB for one part
MAX_RATIO = 200                                  # inflated / compressed, for parts over 1 MiB


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
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError):   # NotImplementedError: a damaged
        # directory entry that claims an unknown zip version
        raise XlToolsError("工作簿文件已损坏（压缩包不完整），请重新保存或从备份恢复", file=src) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "EncryptedPackage" in names or "EncryptionInfo" in names:
            raise XlToolsError("工作簿已加密（设置了打开密码）：请在 Excel 中取消密码后另存为 .xlsx 再试", file=src)
        raise XlToolsError("这个压缩包不是 Excel 工作簿（缺少 xl/workbook.xml）", file=src)
    check_zip_limits(infos, src)


def check_zip_limits(infos: list[zipfile.ZipInfo], src: str) -> None:
    """Refuse decompression bombs by the sizes the zip directory declares, naming the limit hit."""
    if len(infos) > MAX_MEMBERS:
        raise XlToolsError(f"工作簿内部文件过多（{len(infos)} 个，上限 {MAX_MEMBERS} 个），疑似异常文件，已拒绝读取",
                           file=src)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_MEMBER_UNCOMPRESSED:
            raise XlToolsError(f"工作簿内部文件 {info.filename} 解压后达 {size // 2**20} MB，超过单个部件上限 "
                               f"{MAX_MEMBER_UNCOMPRESSED // 2**20} MB，疑似压缩炸弹，已拒绝读取", file=src)
        if size > 2**20 and info.compress_size and size / info.compress_size > MAX_RATIO:
            raise XlToolsError(f"工作簿内部文件 {info.filename} 的压缩比为 {size // info.compress_size}:1，超过上限 "
                               f"{MAX_RATIO}:1，疑似压缩炸弹，已拒绝读取", file=src)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise XlToolsError(f"工作簿解压后共 {total // 2**20} MB，超过上限 {MAX_TOTAL_UNCOMPRESSED // 2**20} MB，"
                           "已拒绝读取", file=src)


@contextlib.contextmanager
def reading(path: str | Path):
    """Turn what a damaged or hostile workbook raises while being parsed into one XlToolsError."""
    try:
        yield
    except XlToolsError:
        raise
    except (ParseError, zipfile.BadZipFile, zlib.error, struct.error, EOFError, KeyError, IndexError,
            AttributeError, ValueError, TypeError, OSError,
            NotImplementedError, RuntimeError) as exc:   # zipfile: an unknown compression method, an
        # entry flagged as encrypted (a sheet part opened lazily, after the directory was checked)
        name = type(exc).__name__
        chain, cause = [], exc
        while cause is not None and len(chain) < 10:       # openpyxl wraps the parser's error
            chain.append(type(cause).__name__)
            cause = cause.__cause__ or cause.__context__
        if any(word in n for n in chain for word in ("Forbidden", "DTD", "Entities")):
            raise XlToolsError("工作簿含有被禁止的 XML 结构（实体定义/外部引用），可能是恶意文件，已拒绝读取",
                               file=str(path)) from None
        raise XlToolsError(f"工作簿内容已损坏，无法读取（{name}）：请在 Excel 中打开并另存后再试",
                           file=str(path)) from None


def open_workbook(path: str | Path, *, read_only: bool = False, data_only: bool = False, keep_vba: bool | None = None):
    path = Path(path)
    sniff(path)
    if keep_vba is None:
        keep_vba = path.suffix.lower() == ".xlsm" and not read_only
    with reading(path):
        return openpyxl.load_workbook(path, read_only=read_only, data_only=data_only, keep_vba=keep_vba,
                                      keep_links=False)
