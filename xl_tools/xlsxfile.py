"""Open a workbook file safely with a clear Chinese message for every way it can be unusable (the
workbook reader, the refresh writer and the xlsx importer all open files through it).

Before openpyxl sees a file, ``sniff`` checks that it is a regular file within the size limit, a zip
whose directory declares sane sizes (decompression bombs), a workbook (not .xls/.ods/encrypted), and
that no XML part declares a DTD (``xmlsafe.refuse_doctype`` reads each part only up to its root
element). Every load first counts each sheet's rows and cells in a stream (once per version of the
file), so a sheet of a million rows is refused in a second instead of filling the memory or, read
only, being scanned whole by openpyxl for its size. Whatever openpyxl raises while parsing becomes
one ``XlToolsError`` naming the damaged part (``reading``).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import posixpath
import struct
import sys
import tempfile
import time
import warnings
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from . import limits, xmlsafe
from .errors import XlToolsError
from .fileio import SETTLE_SECONDS, check_input, is_received, open_read, read_error, read_source
from .lazyxml import etree

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Decompression-bomb limits, checked on the zip directory before anything is inflated. zipfile stops
# reading a member at its declared size (a lie fails the CRC), so the declared sizes are what counts.
MAX_MEMBERS = 10_000
MAX_MEMBER_UNCOMPRESSED = 512 * 1024 * 1024      # 512 MiB for one part
MAX_RATIO = 200                                  # inflated / compressed, for parts over 1 MiB
XML_SUFFIXES = (".xml", ".rels", ".vml")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# what openpyxl's ExcelReader.read() was doing (its local ``action``) → the part it was reading
_ACTION_PARTS = {"read manifest": "[Content_Types].xml", "read strings": "xl/sharedStrings.xml",
                 "read workbook": "xl/workbook.xml", "read properties": "docProps/core.xml",
                 "read custom properties": "docProps/custom.xml", "read theme": "xl/theme/theme1.xml",
                 "read stylesheet": "xl/styles.xml", "assign names": "xl/workbook.xml"}


_SAVE_AS = "「另存为」Excel 工作簿（.xlsx）后再试"
_USE_FILING = "请使用填报工作簿（.xlsx/.xlsm）或公开表 PDF"
_UNZIP = "请先解压，再使用其中的填报工作簿或公开表 PDF"
_TYPE_IN = "请用 xl-tools new 新建工作簿，把内容按「项目」「绩效指标」表的列填入"
# files a person may pass for a filing that are not one: what each is, and what to do. The one table
# every command reads (check, refresh, publish, import; batch's 汇总 and 问题明细 rows, terminal, JSON),
# so a format is named in one wording everywhere.
OTHER_FORMATS: dict[str, tuple[str, str]] = {
    ".xls": ("这是旧版 Excel 97-2003 文件（.xls）", f"请在 Excel 中{_SAVE_AS}"),
    ".xlt": ("这是旧版 Excel 模板（.xlt）", f"请在 Excel 中{_SAVE_AS}"),
    ".xltx": ("这是 Excel 模板（.xltx）", f"请在 Excel 中{_SAVE_AS}"),
    ".xltm": ("这是 Excel 启用宏的模板（.xltm）", f"请在 Excel 中{_SAVE_AS}"),
    ".xlsb": ("这是 Excel 二进制工作簿（.xlsb）", f"请在 Excel 中{_SAVE_AS}"),
    ".et": ("这是 WPS 表格文件（.et）", f"请在 WPS 表格中{_SAVE_AS}"),
    ".ett": ("这是 WPS 表格模板（.ett）", f"请在 WPS 表格中{_SAVE_AS}"),
    ".ods": ("这是 OpenDocument 表格（.ods）", f"请在 LibreOffice 或 Excel 中{_SAVE_AS}"),
    ".numbers": ("这是 Numbers 表格", "请在 Numbers 中「导出为」Excel（.xlsx）后再试"),
    ".csv": ("这是 CSV 文本文件，只有文字，不是填报工作簿", _TYPE_IN),
    ".tsv": ("这是制表符分隔的文本文件，不是填报工作簿", _TYPE_IN),
    ".doc": ("这是 Word 文档，不是填报工作簿", _USE_FILING),
    ".docx": ("这是 Word 文档，不是填报工作簿", _USE_FILING),
    ".wps": ("这是 WPS 文字文档，不是填报工作簿", _USE_FILING),
    ".zip": ("这是压缩包（.zip）", _UNZIP),
    ".rar": ("这是压缩包（.rar）", _UNZIP),
    ".7z": ("这是压缩包（.7z）", _UNZIP),
    ".jpg": ("这是图片，无法读取其中的表格", _USE_FILING),
    ".jpeg": ("这是图片，无法读取其中的表格", _USE_FILING),
    ".png": ("这是图片，无法读取其中的表格", _USE_FILING),
    ".bak": ("这是 xl-tools 改写文件前保留的备份", "要使用它，请复制一份并去掉文件名末尾的 .bak"),
}


def other_format_parts(path: Path) -> tuple[str, str] | None:
    """(what the file is, what to do) for a file whose name says it is not a filing: a spreadsheet of
    another format, a document, an archive, a picture or a backup."""
    return OTHER_FORMATS.get(Path(path).suffix.lower())


def other_format(path: Path) -> str | None:
    """``other_format_parts`` as the one line a command prints: 「what：what to do」."""
    parts = other_format_parts(path)
    return "：".join(parts) if parts else None


RECENT_SECONDS = 10     # an empty file changed this recently may be one a sync client is writing
EMPTY_UPLOAD = ("上传的文件是空的（0 字节）：请确认选择的是填报工作簿；若电脑上的原文件也是空的，"
                "请从备份（邮件附件、.bak 文件）恢复")


def empty_text(path: Path) -> str:
    """What to do with a file of 0 bytes: one changed in the last ``RECENT_SECONDS`` may be being written
    (a sync client truncates, then downloads): wait; else a save or copy was cut off: restore it. A file
    just received (``fileio.received``: an upload) is told as the upload it is."""
    if is_received():
        return EMPTY_UPLOAD
    bak = path.with_name(path.name + ".bak")
    try:
        recent = time.time() - path.stat().st_mtime < RECENT_SECONDS
    except OSError:
        recent = False
    if recent:
        what = ("文件是空的（0 字节），且刚被改写：可能正被其他程序（如网盘同步程序）写入，请等它写完后重新运行；"
                "若稍后仍是空的，")
    else:
        what = "文件是空的（0 字节），可能是保存或复制时中断："
    if bak.is_file() and bak.stat().st_size:
        return f"{what}同一文件夹中有备份 {bak.name}（xl-tools 上次改写它之前的版本），可复制一份并去掉 .bak 后使用"
    return f"{what}请从备份（.bak 文件、邮件附件或其他备份）恢复"


ENCRYPTED = "工作簿已加密（设置了打开密码）：请在 Excel 中取消密码后另存为 .xlsx 再试"
# an OLE compound file (Office 97-2003) is one of these, told by the names of its streams
_OLE_STREAMS = (
    (("EncryptedPackage", "EncryptionInfo"), ENCRYPTED),
    (("Workbook", "Book"), f"这是旧版 Excel 97-2003 格式的工作簿（.xls，只是文件名不是 .xls）：请在 Excel 或 WPS 表格中{_SAVE_AS}"),
    (("WordDocument",), f"这是 Word 97-2003 文档，不是填报工作簿：{_USE_FILING}"),
)
_OLE_UNKNOWN = f"这是 Office 97-2003 格式（OLE 复合文档）的文件，不是 .xlsx 工作簿：请在 Excel 中{_SAVE_AS}"
OLE_SCAN = 1 << 20          # bytes of a compound file searched for its stream names


def ole_kind(path: Path) -> str:
    """What an OLE compound file is, as the one line to tell: an encrypted xlsx (Excel's 打开密码), an old
    .xls (or .et) renamed, a Word document, or another Office 97-2003 file. The names are read from the
    first directory sector the header points at, and searched in the file's first ``OLE_SCAN`` bytes."""
    with open_read(path) as fh:
        data = fh.read(OLE_SCAN)
        if len(data) >= 0x34:
            shift, first = struct.unpack_from("<H", data, 0x1E)[0], struct.unpack_from("<i", data, 0x30)[0]
            if shift in (9, 12) and first >= 0 and (first + 2) << shift > len(data):
                fh.seek((first + 1) << shift)
                data += fh.read(1 << shift)
    for names, text in _OLE_STREAMS:
        if any(name.encode("utf-16-le") in data for name in names):
            return text
    return _OLE_UNKNOWN


def _head(path: Path) -> bytes:
    with open_read(path) as fh:
        try:
            return fh.read(8)
        except OSError as exc:
            raise XlToolsError(f"无法读取：{exc.strerror}", file=str(path)) from None


def sniff(path: Path) -> None:
    """Raise XlToolsError unless `path` looks like an xlsx/xlsm package."""
    src = str(path)
    check_input(path)
    if other_format(path):
        raise XlToolsError(other_format(path), file=src)
    head = _head(path)
    if not head and not isinstance(read_source(path), io.BytesIO) and not is_received():
        # (pinned bytes were looked at twice; an upload is whole when received)
        time.sleep(SETTLE_SECONDS)             # caught in the instant a sync client truncated it: once more
        head = _head(path)
    if not head:
        raise XlToolsError(empty_text(path), file=src)
    if head == OLE_MAGIC:
        raise XlToolsError(ole_kind(path), file=src)
    if not head.startswith(b"PK"):
        raise XlToolsError("不是 Excel 工作簿（.xlsx/.xlsm）文件", file=src)
    try:
        with zipfile.ZipFile(read_source(path)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                if "EncryptedPackage" in names or "EncryptionInfo" in names:
                    raise XlToolsError(ENCRYPTED, file=src)
                raise XlToolsError("这个压缩包不是 Excel 工作簿（缺少 xl/workbook.xml）", file=src)
            check_zip_limits(infos, src)
            _refuse_doctypes(zf, infos, src)
            if _is_strict(zf, names):
                raise XlToolsError(STRICT, file=src)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error, NotImplementedError):
        # NotImplementedError: a damaged directory entry that claims an unknown zip version
        raise XlToolsError("工作簿文件已损坏（压缩包不完整），请重新保存或从备份恢复", file=src) from None


STRICT = (f"这是 Strict Open XML 格式的工作簿（Excel 另存为「Strict Open XML 电子表格」得到的格式），xl-tools 无法读取："
          f"请在 Excel 中{_SAVE_AS}")
_STRICT_NS = b"http://purl.oclc.org/ooxml/"


def _is_strict(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether the package is Strict Open XML (ISO/IEC 29500 Strict: the purl.oclc.org namespaces)."""
    for part in ("_rels/.rels", "xl/workbook.xml"):
        if part in names:
            with zf.open(part) as fh:
                head = fh.read(4096)
            if _STRICT_NS + b"officeDocument/relationships/officeDocument" in head or \
                    _STRICT_NS + b"spreadsheetml/main" in head:
                return True
    return False


@contextlib.contextmanager
def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, src: str):
    """An open zip member, or one XlToolsError naming the part that cannot be opened."""
    try:
        with zf.open(info) as fh:
            yield fh
    except NotImplementedError:
        raise XlToolsError(f"工作簿中 {info.filename} 使用了不支持的压缩方式（编号 {info.compress_type}），"
                           "请在 Excel 中另存后再试", file=src) from None
    except RuntimeError:                     # zipfile: an encrypted member
        raise XlToolsError(f"工作簿中 {info.filename} 已加密，无法读取", file=src) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise XlToolsError(f"工作簿中 {info.filename} 已损坏（{type(exc).__name__}）：请在 Excel 中另存后再试",
                           file=src) from None


def _refuse_doctypes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], src: str) -> None:
    """Every part's prolog, up to its root element: a DTD anywhere refuses the file."""
    for info in infos:
        if info.is_dir():
            continue
        with _member(zf, info, src) as fh:
            if not info.filename.lower().endswith(XML_SUFFIXES):
                continue                    # opened all the same: an unknown compression method shows here
            try:
                xmlsafe.refuse_doctype(fh, info.filename)
            except xmlsafe.ForbiddenPart as err:
                raise err.located(file=src) from None
            except xmlsafe.DamagedPart:
                continue                    # named by ``reading`` if openpyxl needs this part


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
    if total > limits.value(limits.UNZIPPED_MB) * 2**20:
        raise XlToolsError("工作簿" + limits.exceeded(limits.UNZIPPED_MB, f"为 {total // 2**20:,} MB"), file=src)


# NotImplementedError / RuntimeError: zipfile on a member with an unknown compression method or flagged
# as encrypted (a sheet part opened lazily, after the directory was checked)
def _parse_errors() -> tuple:
    tokenizer = sys.modules.get("openpyxl.formula.tokenizer")     # openpyxl not loaded: it raised nothing
    return (ParseError, etree.LxmlError, zipfile.BadZipFile, zlib.error, struct.error, EOFError, KeyError,
            IndexError, AttributeError, ValueError, TypeError, OSError, NotImplementedError, RuntimeError) + \
        ((tokenizer.TokenizerError,) if tokenizer is not None else ())


def __getattr__(name: str):
    """``PARSE_ERRORS``, built when first asked for (lxml is imported only when XML is handled: ``lazyxml``)."""
    if name == "PARSE_ERRORS":
        return _parse_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def reading(path: str | Path):
    """Turn what a damaged or hostile workbook raises while being parsed into one XlToolsError that
    names the damaged part where it can be told."""
    try:
        yield
    except XlToolsError as err:
        raise err.located(file=str(path)) from None
    except OSError as exc:
        if exc.errno is None:                   # a library's own "bad data" error, not the system's
            raise damaged(path, exc) from None
        raise XlToolsError(io_error_text(exc), file=str(path)) from None
    except _parse_errors() as exc:
        raise damaged(path, exc) from None


def io_error_text(exc: OSError) -> str:
    """What a system error while a workbook is read and patched means: the temporary folder (where
    the patcher spools large parts) is full, or the file could not be read — never "damaged"."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"临时文件夹 {tempfile.gettempdir()} 所在的磁盘空间不足，无法完成处理，原文件未改动："
                "请清理该磁盘，或把环境变量 TMPDIR 指向空间充足的文件夹后重试")
    return f"无法读取：{read_error(exc)}"


def damaged(path: str | Path, exc: BaseException) -> XlToolsError:
    """The XlToolsError for ``exc`` raised while parsing the workbook at ``path``: the part that is not
    well-formed XML (each part checked with ``xmlsafe``), else the part openpyxl was reading."""
    src = str(path)
    chain, cause = [], exc
    while cause is not None and len(chain) < 10:       # openpyxl wraps the parser's error
        chain.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    if any(word in n for n in chain for word in ("Forbidden", "DTD", "Entities")):
        return XlToolsError("工作簿含有被禁止的 XML 结构（实体定义/外部引用），可能是恶意文件，已拒绝读取", file=src)
    try:
        _check_all_parts(Path(path))
    except XlToolsError as err:
        return err.located(file=src)
    part = _part_from_traceback(exc)
    name = type(exc).__name__
    if part:
        return XlToolsError(f"工作簿中 {part} 已损坏，无法读取（{name}）：请在 Excel 中打开并另存为新文件后再试",
                            file=src)
    return XlToolsError(f"工作簿内容已损坏，无法读取（{name}）：请在 Excel 中打开并另存为新文件后再试", file=src)


def _check_all_parts(path: Path) -> None:
    """DamagedPart / ForbiddenPart for the first XML part that is not well-formed."""
    try:
        zf = zipfile.ZipFile(read_source(path))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
                continue
            try:
                with _member(zf, info, str(path)) as fh:
                    xmlsafe.check_part(fh, info.filename)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise XlToolsError(f"工作簿中 {info.filename} 已损坏（{type(exc).__name__}）") from None


def _part_from_traceback(exc: BaseException) -> str | None:
    """The part openpyxl was reading when ``exc`` was raised, from the frames of its traceback
    (innermost first): a worksheet's path, else what ``ExcelReader.read`` was doing."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        loc = frame.f_locals
        for value in (getattr(loc.get("rel"), "target", None), getattr(loc.get("self"), "_worksheet_path", None),
                      loc.get("strings_path"), loc.get("sheet_path")):
            if isinstance(value, str) and value:
                return posixpath.normpath(value.lstrip("/"))
        if isinstance(loc.get("action"), str) and loc["action"] in _ACTION_PARTS:
            return _ACTION_PARTS[loc["action"]]
    return None


def count_cells(path: str | Path) -> int:
    """Stream every worksheet part of the workbook at ``path`` once, counting the rows that hold a
    value and the cells: XlToolsError naming the sheet as soon as one passes ``limits.ROWS`` or
    ``limits.CELLS`` (what a full load would otherwise hold in memory). Returns the cells of all the
    sheets. A file already counted under the same limits is not counted again."""
    st = os.stat(path)
    max_rows, max_cells = limits.value(limits.ROWS), limits.value(limits.CELLS)
    key = (os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns, max_rows, max_cells,
           limits.value(limits.STRINGS))
    if key not in _COUNTED:
        total = _count_cells(path, max_rows, max_cells)
        if len(_COUNTED) > 1000:            # a long-running server or batch
            _COUNTED.clear()
        _COUNTED[key] = total
    return _COUNTED[key]


_COUNTED: dict[tuple, int] = {}


def check_full_load(path: str | Path) -> None:
    """XlToolsError when loading the whole workbook at ``path`` with openpyxl would hold more than
    ``limits.BOOK_CELLS`` cells (about 700 bytes each: four sheets of 1.9 million cells, each within the
    sheet's limits, a 15 MB file, grew past 5.5 GB)."""
    total = count_cells(path)
    if total > limits.value(limits.BOOK_CELLS):
        raise XlToolsError(limits.exceeded(limits.BOOK_CELLS, f"为 {total:,} 个"), file=str(path))


def _count_strings(zf: zipfile.ZipFile, src: str) -> None:
    """XlToolsError when the shared-strings table holds more than ``limits.STRINGS`` texts (counted in a
    stream, up to the limit)."""
    most = limits.value(limits.STRINGS)
    for info in zf.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        count = 0
        with _member(zf, info, src) as fh:
            for _event, si in xmlsafe.iterparse(fh, info.filename, tag=f"{MAIN_NS}si"):
                count += 1
                si.clear(keep_tail=False)
                while si.getprevious() is not None:
                    del si.getparent()[0]
                if count > most:
                    raise XlToolsError(limits.exceeded(limits.STRINGS), file=src)


def _count_cells(path: str | Path, max_rows: int, max_cells: int) -> int:
    src = str(path)
    total = 0
    with zipfile.ZipFile(read_source(path)) as zf:
        _count_strings(zf, src)
        for part, title in _sheet_parts(zf).items():
            try:
                info = zf.getinfo(part)
            except KeyError:
                continue
            rows = cells = 0
            with _member(zf, info, src) as fh:
                for _event, row in xmlsafe.iterparse(fh, part, tag=f"{MAIN_NS}row"):
                    cells += len(row)
                    if row.find(f".//{MAIN_NS}v") is not None or row.find(f".//{MAIN_NS}is") is not None:
                        rows += 1
                    row.clear(keep_tail=False)
                    while row.getprevious() is not None:
                        del row.getparent()[0]
                    if rows > max_rows:
                        raise XlToolsError(limits.exceeded(limits.ROWS), file=src,
                                           sheet=title)
                    if cells > max_cells:
                        raise XlToolsError(limits.exceeded(limits.CELLS), file=src,
                                           sheet=title)
                    if rows % 1000 == 0:
                        limits.check_time()
            total += cells
    return total


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet name, from xl/workbook.xml and its relationships."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = xmlsafe.parse(zf.read("xl/workbook.xml"), "xl/workbook.xml")
    try:
        rels = xmlsafe.parse(zf.read("xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = full
    return {targets[s.get(rel_ns)]: s.get("name") or "" for s in book.iter(f"{MAIN_NS}sheet")
            if s.get(rel_ns) in targets}


BLANK_RUN = 1000            # empty rows after which a table has ended (formats down to row 1,048,576)


def table_rows(ws, *, min_row: int = 1, max_col: int, values_only: bool = False):
    """(row number, row) of an openpyxl worksheet from ``min_row``, ``max_col`` columns wide, blank rows
    included, ending after ``BLANK_RUN`` empty rows; the task's clock looked at every thousand rows.

    ``ws.iter_rows()`` alone walks the rectangle from A1 to the sheet's last cell and, on a loaded
    workbook, makes a cell for each place: one value typed in XFD1048576 makes 17 billion."""
    blank = 0
    for r, row in enumerate(ws.iter_rows(min_row=min_row, max_col=max(max_col, 1), values_only=values_only),
                            start=min_row):
        if r % 1000 == 0:
            limits.check_time()
        if any((v if values_only else v.value) not in (None, "") for v in row):
            blank = 0
        else:
            blank += 1
            if blank >= BLANK_RUN:
                return
        yield r, row


def open_workbook(path: str | Path, *, read_only: bool = False, data_only: bool = False, keep_vba: bool | None = None):
    import openpyxl  # only where a whole workbook is loaded: a quarter second
    path = Path(path)
    sniff(path)
    if keep_vba is None:
        keep_vba = path.suffix.lower() == ".xlsm" and not read_only
    with reading(path), warnings.catch_warnings():
        warnings.simplefilter("ignore")          # openpyxl's English warnings are not for the user
        if read_only:
            count_cells(path)
        else:
            check_full_load(path)
        return openpyxl.load_workbook(read_source(path), read_only=read_only, data_only=data_only, keep_vba=keep_vba,
                                      keep_links=False)
