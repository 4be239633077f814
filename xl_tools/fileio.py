"""Files in and out: what may be read, what may be written, and writing without ever losing a file.

Reading (``check_input``, ``read_bytes``): only regular files are read — a folder, a named pipe
(FIFO), a device or a socket is refused at once, never waited on — and only up to the file-size limit
(``limits.FILE_MB``).

Writing (``atomic_target``): into a temporary file beside the target, then one rename over it; a
failure (a full disk, a SIGKILL) leaves the target as it was and the temporary file is removed. An
in-place rewrite keeps the previous version as ``FILE.bak``, itself written to a temporary file and
renamed, so it is never written through a symbolic link and a full disk never leaves a truncated one.
Inside ``pinned(path)`` the file is read once: every read of the task is of the bytes that were there when
it started (``read_source``), the backup holds them, and a save refuses to replace a file that another
program changed in the meantime (two refreshes of one file at once: the second stops, the ``.bak`` holds
the original; a sync client's version is never read half, nor saved over).

Inputs are never outputs (``refuse_overwrite``): an output that is an input, or a link (symbolic or
hard) to one, is refused before anything is read. A file that is there already is not silently replaced
(``replacing``): the task is refused unless the user forces it, and then the save keeps the replaced
file as ``.bak``, atomically like an in-place refresh. ``app`` applies these rules for every command.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import errno
import hashlib
import io
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import limits
from .errors import XlToolsError

_NOT_REGULAR = [(stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
                (stat.S_ISSOCK, "套接字")]
_OS_ERRORS = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "磁盘是只读的",
              errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EFBIG: "文件过大",
              errno.ENAMETOOLONG: "文件名过长", errno.ENOENT: "文件夹不存在，或不能在其中创建文件",
              errno.ENOTDIR: "路径中有一部分不是文件夹", errno.EISDIR: "这是一个文件夹",
              errno.EBUSY: "文件正被其他程序使用", errno.EINVAL: "文件名无效（含有不允许的字符）"}


# -------------------------------------------------------------------------------------------- reading

def _refuse_kind(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise XlToolsError("这是一个文件夹，不是文件", file=str(path))
    for test, what in _NOT_REGULAR:
        if test(mode):
            raise XlToolsError(f"这是{what}，不是普通文件，已拒绝读取", file=str(path))
    if not stat.S_ISREG(mode):
        raise XlToolsError("不是普通文件，已拒绝读取", file=str(path))


def _refuse_size(size: int, path: Path) -> None:
    if size > limits.value(limits.FILE_MB) * 1024 * 1024:
        raise XlToolsError(limits.exceeded(limits.FILE_MB, f"为 {size / 2**20:,.1f} MB"), file=str(path))


LOCK_PREFIX = "~$"                    # Excel's lock file beside a workbook it has open: ~$name.xlsx


def excel_lock(path: str | Path) -> Path | None:
    """The lock file Excel keeps beside ``path`` while the workbook is open in it, when there is one."""
    path = Path(path)
    lock = path.with_name(LOCK_PREFIX + path.name)
    return lock if lock.exists() else None


# kinds of file a person may mean by a name: a workbook is not offered for a PDF, nor notes.txt for a workbook
_FAMILIES = ({".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb"}, {".pdf", ".txt"}, {".json"})


def _same_family(name: str, wanted: str) -> bool:
    family = next((f for f in _FAMILIES if wanted in f), None)
    return family is None or Path(name).suffix.lower() in family


def _missing_text(path: Path) -> str:
    """Why ``path`` cannot be read and what to do: the folder is missing, or the files of that folder
    whose names are nearest (a typo: 2025绩效目标.xlsm for 2025年绩效目标.xlsm)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return f"文件不存在（文件夹 {folder} 不存在）"
    try:
        names = [e.name for e in os.scandir(folder) if not e.name.startswith((".", LOCK_PREFIX)) and e.is_file()
                 and not e.name.lower().endswith((".bak", ".tmp")) and _same_family(e.name, path.suffix.lower())]
    except OSError:
        names = []
    by_stem: dict[str, list[str]] = {}
    for n in sorted(names, key=lambda n: Path(n).suffix.lower() != path.suffix.lower()):   # same kind first
        by_stem.setdefault(Path(n).stem, []).append(n)
    near = [n for stem in difflib.get_close_matches(path.stem, list(by_stem), n=2, cutoff=0.6)
            for n in by_stem[stem]][:2]
    if near:
        return f"文件不存在：是否是 {'、'.join(near)}？"
    return "文件不存在：请检查文件名和所在文件夹"


def check_input(path: str | Path) -> os.stat_result:
    """The status of an input file; XlToolsError unless it is a regular file within the size limit
    (and not Excel's lock file of a workbook)."""
    path = Path(path)
    if path.name.startswith(LOCK_PREFIX) and len(path.name) > len(LOCK_PREFIX):
        raise XlToolsError(f"这是 Excel 的临时锁定文件，不是工作簿（Excel 打开 {path.name[len(LOCK_PREFIX):]} 时生成，"
                           "关闭后自动删除）：请改用不带 ~$ 的那个文件", file=str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise XlToolsError("这是一个符号链接，它指向的文件不存在", file=str(path)) from None
        raise XlToolsError(_missing_text(path), file=str(path)) from None
    except OSError as exc:
        raise XlToolsError(f"无法读取：{read_error(exc)}", file=str(path)) from None
    _refuse_kind(st.st_mode, path)
    _refuse_size(st.st_size, path)
    return st


_READ_ERRORS = {errno.ELOOP: "符号链接循环（链接指向自己，或几个链接互相指向），找不到真正的文件",
                errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.EIO: "磁盘读取错误",
                errno.ENAMETOOLONG: "文件名过长", errno.ENOTDIR: "路径中有一部分不是文件夹"}


def read_error(exc: OSError) -> str:
    """The Chinese reason an input could not be read."""
    return _READ_ERRORS.get(exc.errno, f"系统错误 {exc.errno}（{exc.strerror or exc}）")


def open_input(path: str | Path):
    """An input opened for reading (binary). The file is opened without blocking and checked on the
    open descriptor, so a pipe swapped in after ``check_input`` is refused, not waited on."""
    path = Path(path)
    check_input(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise XlToolsError(f"无法读取：{read_error(exc)}", file=str(path)) from None
    try:
        st = os.fstat(fd)
        _refuse_kind(st.st_mode, path)
        _refuse_size(st.st_size, path)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or one Chinese line naming the file when it cannot (or may not) be read."""
    path = Path(path)
    limit = limits.value(limits.FILE_MB) * 1024 * 1024
    chunks, size = [], 0
    with open_input(path) as fh:
        try:
            while size <= limit and (chunk := fh.read(min(1 << 24, limit + 1 - size))):
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise XlToolsError(f"无法读取：{read_error(exc)}", file=str(path)) from None
    _refuse_size(size, path)                # grown past the limit since it was opened
    return b"".join(chunks)


# -------------------------------------------------------------------------------- inputs ≠ outputs

def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: the same real path (symbolic links followed), or one inode
    (hard links)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwrite(outputs: Iterable[str | Path | None], inputs: Iterable[str | Path | None]) -> None:
    """XlToolsError naming the first output that is, or links to, one of the inputs."""
    ins = [Path(i) for i in inputs if i is not None]
    for out in outputs:
        if out is None:
            continue
        for src in ins:
            if not same_file(out, src):
                continue
            if os.path.realpath(out) != os.path.realpath(src):       # one inode under two names
                raise XlToolsError(f"输出文件就是输入文件 {src}（它的硬链接：同一个文件的另一个名字），写入会改动原文件："
                                   "请另选输出文件名", file=str(out))
            raise XlToolsError(f"输出文件就是输入文件 {src}（或指向它的链接），写入会覆盖原文件：请另选输出文件名",
                               file=str(out))


def real_input(path: str | Path) -> Path:
    """The file a (possibly symbolically linked) input really is: in-place updates go there, so the
    link stays a link."""
    return Path(os.path.realpath(path))


# -------------------------------------------------------------------------------------------- writing

def oserror_text(exc: BaseException) -> str | None:
    """The Chinese reason of the OSError in ``exc`` or its causes (a writer may wrap it), else None."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError):
            return _OS_ERRORS.get(exc.errno, f"系统错误 {exc.errno}（{exc.strerror or exc}）")
        nested = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        exc = nested or exc.__cause__ or exc.__context__
        seen += 1
    return None


def check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise XlToolsError("输出文件夹不存在", file=str(path))
    if path.exists() and path.is_dir():
        raise XlToolsError("输出路径是一个文件夹", file=str(path))
    if path.exists() and not path.is_file():
        raise XlToolsError("输出路径不是普通文件（命名管道、设备等），已拒绝写入", file=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise XlToolsError("文件是只读的，无法写入：请取消只读属性或另存为其他文件名", file=str(path))
    if excel_lock(path):
        raise XlToolsError("文件正在被 Excel 打开（发现锁定文件 ~$…）：请先关闭该文件再试", file=str(path))
    if not os.access(folder, os.W_OK):
        raise XlToolsError("没有写入该文件夹的权限", file=str(path))


def probe_writable(path: str | Path) -> None:
    """XlToolsError unless a file can be created beside ``path`` now: checked before a task writes
    another output first (the xlsx of publish before its PDF), so it does not stop half done."""
    path = Path(path)
    check_writable(path)
    try:
        _temp_beside(path, ".probe").unlink()
    except OSError as exc:
        raise XlToolsError(f"无法写入：{oserror_text(exc)}", file=str(path)) from None


@dataclass(frozen=True)
class _Pin:
    identity: tuple
    data: bytes
    digest: bytes


SETTLE_SECONDS = 0.5       # a file read half written (a sync client still writing) changes within it
CHANGED_TEXT = ("文件在处理期间被其他程序修改或替换（可能同时运行了另一次刷新，或网盘同步程序改写了它），"
                "本次结果未写入，原文件未改动：请等其他程序完成、确认文件内容后重新运行")


_PINS: contextvars.ContextVar[dict[str, _Pin]] = contextvars.ContextVar("xl_tools_pins", default={})
# real paths of the files a task was allowed to replace, whose first save inside keeps them as .bak
_REPLACING: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("xl_tools_replacing", default=None)

EXISTS_TEXT = "已存在（未覆盖）：请另选输出文件名，或加 --force 替换它（原文件将保留为 .bak）"

# set while a task reads files it has just received (the upload page): none is a file of this computer
# that a sync client may be writing, or that has a .bak beside it
_RECEIVED: contextvars.ContextVar[bool] = contextvars.ContextVar("xl_tools_received", default=False)


@contextlib.contextmanager
def received():
    """Within the block the files read were just received over the network (``is_received``)."""
    token = _RECEIVED.set(True)
    try:
        yield
    finally:
        _RECEIVED.reset(token)


def is_received() -> bool:
    """Whether the task reads files it has just received (``received``), not files kept here."""
    return _RECEIVED.get()


@contextlib.contextmanager
def replacing(outputs: Iterable[str | Path | None], *, force: bool = False,
              guarded: Callable[[Path], str | None] | None = None):
    """Outputs a task creates, which must not silently replace a file already there.

    An output that exists is refused (XlToolsError naming it) unless ``force``; with ``force`` the first
    save of it inside the block keeps the replaced file as ``.bak``. ``guarded(path)`` narrows the guard
    to some existing files: it returns the reason to refuse (replaced without a word when None)."""
    marked = set()
    for out in outputs:
        if out is None or not os.path.lexists(out) or os.path.isdir(out):
            continue
        reason = EXISTS_TEXT if guarded is None else guarded(Path(out))
        if reason is None:
            continue
        if not force:
            raise XlToolsError(reason, file=str(out))
        marked.add(os.path.realpath(out))
    token = _REPLACING.set((_REPLACING.get() or set()) | marked)
    try:
        yield
    finally:
        _REPLACING.reset(token)


def _backup_due(path: Path) -> bool:
    """Whether this save replaces a file ``replacing`` was told to keep (once: later saves of the same
    output, a refresh after the build, must not back up the tool's own first version)."""
    due = _REPLACING.get()
    key = os.path.realpath(path)
    if due is None or key not in due:
        return False
    due.discard(key)
    return True


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@contextlib.contextmanager
def pinned(path: str | Path):
    """Keep the file at ``path`` as it is now: an in-place save inside backs up these bytes, and no
    save inside replaces a file while this one differs from them — by its identity (device, inode,
    size, time) or its content (a sync client rewriting it in place may keep its time). What fails
    inside while the file differs, now or ``SETTLE_SECONDS`` later (a workbook read half rewritten
    looks damaged, and the writer may still be at it), is that change: ``CHANGED_TEXT``, exit 2."""
    path = Path(path)
    st, data = _read_whole(path)
    if not data:                         # caught in the instant a sync client truncated it: look once more
        time.sleep(SETTLE_SECONDS)
        st, data = _read_whole(path)
    key = os.path.realpath(path)
    pin = _Pin(_identity(st), data, hashlib.sha256(data).digest())
    token = _PINS.set({**_PINS.get(), key: pin})
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, XlToolsError) or exc.message != CHANGED_TEXT:
            if _changed(key, pin) or (time.sleep(SETTLE_SECONDS) or _changed(key, pin)):
                raise XlToolsError(CHANGED_TEXT, file=str(path)) from exc
        raise
    finally:
        _PINS.reset(token)


def _read_whole(path: Path) -> tuple[os.stat_result, bytes]:
    with open_input(path) as fh:
        st = os.fstat(fh.fileno())
        try:
            return st, fh.read()
        except OSError as exc:
            raise XlToolsError(f"无法读取：{read_error(exc)}", file=str(path)) from None


def read_source(path: str | Path) -> str | Path | io.BytesIO:
    """What to open to read the file at ``path``: inside ``pinned(path)`` its pinned bytes (a new file
    object each time, so every read of the task sees the one version pinned, however often it reads:
    a file changed and changed back meanwhile is never read half one, half the other), else ``path``."""
    pin = _PINS.get().get(os.path.realpath(path)) if _PINS.get() else None
    return path if pin is None else io.BytesIO(pin.data)


def open_read(path: str | Path):
    """``path`` opened for reading as ``open_input`` does, or its pinned bytes (``read_source``)."""
    source = read_source(path)
    return source if isinstance(source, io.BytesIO) else open_input(path)


def _changed(path: str, pin: _Pin) -> bool:
    """Whether the file at ``path`` is no longer what ``pin`` holds."""
    try:
        if _identity(os.stat(path)) != pin.identity:
            return True
        digest = hashlib.sha256()
        with open_input(path) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except (OSError, XlToolsError):
        return True
    return digest.digest() != pin.digest


@contextlib.contextmanager
def _commit_lock(folder: Path):
    """Serialise the last step of saves into one folder between processes (where the OS can)."""
    try:
        import fcntl  # POSIX only; elsewhere the identity check alone remains
    except ImportError:                  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                     # closing releases the lock


def _temp_beside(path: Path, suffix: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent or ".")
    os.close(fd)
    return Path(tmp)


def _write_backup(path: Path, pin: _Pin | None) -> None:
    """``path``.bak, atomically: the pinned bytes (or the file's present bytes) into a temporary file,
    then renamed over the old backup (a link there is replaced, never followed)."""
    bak = path.with_name(path.name + ".bak")
    if bak.is_dir():
        raise XlToolsError("备份文件的位置是一个文件夹，无法保留备份", file=str(bak))
    tmp = _temp_beside(bak, ".bak.tmp")
    try:
        if pin is not None:
            tmp.write_bytes(pin.data)
        else:
            with open_input(path) as src, tmp.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        _copy_mode(path, tmp)
        os.replace(tmp, bak)
    except OSError as exc:
        raise XlToolsError(f"无法写入备份文件（{oserror_text(exc)}），原文件未改动", file=str(bak)) from None
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_target(path: str | Path, *, backup: bool = False):
    """Yield a temporary path beside `path`; on success move it over `path` atomically (see the
    module docstring for the backup and the pinned original)."""
    path = Path(path)
    check_writable(path)
    try:
        tmp_path = _temp_beside(path, path.suffix + ".tmp")
    except OSError as exc:
        raise XlToolsError(f"无法写入：{oserror_text(exc)}", file=str(path)) from None
    try:
        try:
            yield tmp_path
        except XlToolsError as err:
            reason = oserror_text(err.__context__) if isinstance(err.__context__, OSError) else None
            if reason is None:
                raise
            raise XlToolsError(f"无法写入：{reason}，原文件未改动", file=str(path)) from None  # a writer's own wording
        except Exception as exc:
            reason = oserror_text(exc)
            if reason is None:
                raise
            raise XlToolsError(f"无法写入：{reason}，原文件未改动", file=str(path)) from None
        pins = _PINS.get()
        pin = pins.get(os.path.realpath(path))
        with _commit_lock(path.parent if str(path.parent) else Path(".")):
            for pinned_path, held in pins.items():      # the task's inputs, and the target when in place
                if (pinned_path != os.path.realpath(path) or path.exists()) and _changed(pinned_path, held):
                    raise XlToolsError(CHANGED_TEXT, file=str(path) if held is pin else pinned_path)
            if (backup or _backup_due(path)) and path.exists():
                _write_backup(path, pin)
            if path.exists():
                _copy_mode(path, tmp_path)
            else:
                with contextlib.suppress(OSError):
                    os.chmod(tmp_path, 0o666 & ~_umask())
            try:
                os.replace(tmp_path, path)
            except OSError as exc:
                raise XlToolsError(f"无法写入：{oserror_text(exc)}", file=str(path)) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _copy_mode(source: Path, target: Path) -> None:
    """Give `target` the permission bits of `source` (best effort: a file system may not keep them)."""
    with contextlib.suppress(OSError):
        os.chmod(target, stat.S_IMODE(os.stat(source).st_mode))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
