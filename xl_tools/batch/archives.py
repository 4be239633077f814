"""A zip in the inbox is opened and its files are reviewed one by one, like files of the folder.

Units often mail their filing zipped, several units' filings in one zip. The batch reads the zip's
directory in the parent process (``members``: names and declared sizes only, nothing is inflated) and
reviews each member as a file of its own (``extract``: inflated into a private temporary file by
whoever reviews it — a local process or a Dask worker — and removed after). Bounded:

- a zip that is damaged, declares more than ``MAX_MEMBERS`` files or more than ``limits.UNZIPPED_MB`` in
  all is one row (FILE001) saying so; nothing of it is reviewed;
- a member larger than ``limits.FILE_MB``, an encrypted member, a member whose name would leave the
  folder it is unpacked in (``../``, an absolute name, a drive) or a zip inside the zip is one row of its
  own — never written anywhere (members are inflated under a temporary name, so no name can escape);
- a member is inflated at most to its declared size and the file limit, so a directory that lies about
  sizes cannot fill the disk.

Names: a zip made on a Chinese Windows stores names in GBK without saying so; such a name is decoded as
GBK (not as the CP437 that zipfile assumes), so a member is shown as 「甲市第一中学.xlsx」.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import posixpath
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import limits
from ..errors import XlToolsError

ZIP_SUFFIXES = (".zip",)
UNZIP = "请先解压，再直接提交其中的填报工作簿或公开表"
EMPTY = ("压缩包中没有可审核的文件（.xlsx/.xlsm 工作簿，公开表 .pdf/.txt）", UNZIP)
MAX_MEMBERS = 1_000
_CHUNK = 1 << 20
_UTF8_FLAG = 0x800
_HIDDEN_FOLDERS = {"__macosx"}


@dataclass(frozen=True)
class Member:
    """One file of a zip: its name as stored (``name``, what ``extract`` needs), as shown (``shown``: the
    name decoded), and why it cannot be reviewed (``refused``), if so."""

    name: str
    shown: str
    size: int
    refused: tuple[str, str] | None = None          # (why, what to do)


def is_archive(path: Path) -> bool:
    return path.suffix.lower() in ZIP_SUFFIXES


def shown_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker meant it: a name without the UTF-8 flag that zipfile decoded as
    CP437 is decoded again as GBK (what Windows' own zip writes on a Chinese system)."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (name.startswith(("/", "\\")) or ".." in path.parts or (len(name) > 1 and name[1] == ":")
            or "\x00" in name)


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    leaf = parts[-1] if parts else ""
    return (any(p.lower() in _HIDDEN_FOLDERS for p in parts[:-1]) or leaf.startswith((".", "~"))
            or leaf.lower() in ("thumbs.db", "desktop.ini"))


def members(path: str | Path) -> list[Member]:
    """The files of the zip at ``path`` to review (hidden and system files left out); XlToolsError (the
    zip is one row) when it is damaged or too large (see the module docstring)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise XlToolsError(f"压缩包已损坏，无法打开（{type(exc).__name__}）", file=str(path)) from None
    if len(infos) > MAX_MEMBERS:
        raise XlToolsError(f"压缩包中有 {len(infos):,} 个文件，超过上限 {MAX_MEMBERS:,} 个", file=str(path))
    total = sum(i.file_size for i in infos)
    if total > limits.value(limits.UNZIPPED_MB) * 2**20:
        raise XlToolsError("压缩包" + limits.exceeded(limits.UNZIPPED_MB, f"为 {total // 2**20:,} MB"), file=str(path))
    file_limit = limits.value(limits.FILE_MB) * 2**20
    out = []
    for info in infos:
        shown = shown_name(info)
        if _hidden(shown):
            continue
        refused = None
        if _unsafe(shown):
            refused = ("压缩包中的文件路径不安全（含 ../、绝对路径或盘符），未解压", "请单位重新压缩后提交")
        elif info.flag_bits & 0x1:
            refused = ("压缩包中的文件已加密，无法读取", "请单位去掉密码后重新提交")
        elif info.file_size > file_limit:
            refused = (limits.exceeded(limits.FILE_MB, f"为 {info.file_size // 2**20:,} MB"), UNZIP)
        elif is_archive(Path(shown)) or Path(shown).suffix.lower() in (".rar", ".7z"):
            refused = ("压缩包中又有压缩包，未解压", UNZIP)
        out.append(Member(info.filename, shown.replace("\\", "/"), info.file_size, refused))
    return sorted(out, key=lambda m: m.shown)


@contextlib.contextmanager
def extract(path: str | Path, name: str):
    """The member ``name`` of the zip at ``path``, inflated into a private temporary folder (under its
    own file name, so its suffix says what it is), removed on leaving. XlToolsError when it cannot be
    read or grows past its declared size or the file limit."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="xltools-zip-") as folder:
        leaf = posixpath.basename(name.replace("\\", "/")) or "member"
        target = Path(folder) / leaf
        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo(name)
                shown = shown_name(info)
                target = Path(folder) / (posixpath.basename(shown.replace("\\", "/")) or "member")
                limit = min(info.file_size, limits.value(limits.FILE_MB) * 2**20)
                written = 0
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        if written > limit:
                            raise XlToolsError("压缩包中的文件解压后超过其声明的大小或单个文件的上限，疑似异常文件，已停止",
                                               file=f"{path}/{shown}")
                        dst.write(chunk)
                mtime = _zip_mtime(info)
                if mtime is not None:
                    os.utime(target, (mtime, mtime))
        except KeyError:
            raise XlToolsError("压缩包中找不到该文件（压缩包在审核期间被改动？）", file=f"{path}/{name}") from None
        except RuntimeError:
            raise XlToolsError("压缩包中的文件已加密，无法读取", file=f"{path}/{name}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise XlToolsError(f"压缩包中的文件已损坏（{type(exc).__name__}）", file=f"{path}/{name}") from None
        except OSError as exc:
            raise XlToolsError(f"无法解压（{exc.strerror or exc}）", file=f"{path}/{name}") from None
        yield target


def _zip_mtime(info: zipfile.ZipInfo) -> float | None:
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError, OSError):
        return None
