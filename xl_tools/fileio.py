"""Atomic file output: write to a temporary file in the target folder, then rename over the target.

A failure (or a SIGKILL) in the middle of a save leaves the target as it was; the temporary file is
removed on error. In-place rewrites keep a backup copy beside the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import XlToolsError


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or one Chinese line naming the file when it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise XlToolsError("文件不存在", file=str(path)) from None
    except IsADirectoryError:
        raise XlToolsError("这是一个文件夹，不是文件", file=str(path)) from None
    except OSError as exc:
        raise XlToolsError(f"无法读取：{exc.strerror}", file=str(path)) from None


def check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise XlToolsError("输出文件夹不存在", file=str(path))
    if path.exists() and path.is_dir():
        raise XlToolsError("输出路径是一个文件夹", file=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise XlToolsError("文件是只读的，无法写入：请取消只读属性或另存为其他文件名", file=str(path))
    lock = folder / f"~${path.name}"
    if lock.exists():
        raise XlToolsError("文件正在被 Excel 打开（发现锁定文件 ~$…）：请先关闭该文件再试", file=str(path))
    if not os.access(folder, os.W_OK):
        raise XlToolsError("没有写入该文件夹的权限", file=str(path))


@contextlib.contextmanager
def atomic_target(path: str | Path, *, backup: bool = False):
    """Yield a temporary path beside `path`; on success move it over `path` atomically."""
    path = Path(path)
    check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if backup and path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        if path.exists():
            with contextlib.suppress(OSError):
                shutil.copymode(path, tmp_path)
        else:
            with contextlib.suppress(OSError):
                os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
