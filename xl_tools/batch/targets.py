"""Where a batch may write, decided before the batch runs.

A batch over thousands of files must not run for an hour and then fail on its first write. So every
output it was asked for — the review workbook (``-o``), the export folders (``--csv``, ``--parquet``)
and the folder of refreshed copies (``--annotate``) — is checked up front, each failure one Chinese
line naming the path (XlToolsError, exit code 2):

- no output inside a folder being reviewed (the next batch over that folder would read it back);
- no two outputs on one path (``--annotate out/a.xlsx -o out/a.xlsx``), and the review workbook not
  inside the ``--annotate`` folder, where the copies go;
- every output can really be written: its folder exists or can be created, and a file can be created
  in it (a probe file, removed at once). ``os.access`` is not enough: it says yes to root on a read-only
  folder and knows nothing of /proc or /sys.

An OSError while writing later (a full disk) is still turned into one line naming the file by the
writers (``reportbook.save``, ``exports``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import XlToolsError

_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "磁盘或文件夹是只读的",
            errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "路径不存在或不能在此创建文件",
            errno.ENOTDIR: "路径中有一部分是文件而不是文件夹", errno.ENAMETOOLONG: "文件名过长"}


def reason(exc: OSError) -> str:
    """The Chinese reason of an OSError."""
    return _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


@dataclass(frozen=True)
class Target:
    option: str                     # -o, --csv, --parquet, --annotate
    path: Path
    folder: bool                    # a folder to create (exports, copies) or one file (the workbook)
    files: tuple[str, ...] = ()     # for a folder: the file names that will be written in it


def _probe(folder: Path, shown: str) -> None:
    """Create and remove a file in ``folder``: the one test that tells whether it is writable."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xl-tools-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise XlToolsError(f"无法在此写入（{reason(exc)}）", file=shown) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _file_target(path: Path, option: str) -> None:
    shown = str(path)
    if path.is_dir():
        raise XlToolsError(f"{option} 应为文件，这里是一个文件夹", file=shown)
    if path.exists() and not path.is_file():
        raise XlToolsError(f"{option} 不是普通文件（命名管道、设备等），已拒绝写入", file=shown)
    folder = path.parent
    if not folder.is_dir():
        raise XlToolsError("输出文件夹不存在", file=shown)
    _probe(folder, shown)


def _folder_target(target: Target) -> None:
    path, shown = target.path, str(target.path)
    if path.exists() and not path.is_dir():
        raise XlToolsError(f"{target.option} 应为文件夹，这里是一个文件", file=shown)
    if not path.exists():
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise XlToolsError(f"无法创建文件夹（{reason(exc)}）", file=shown) from None
    _probe(path, shown)
    for name in target.files:
        inner = path / name
        if inner.exists() and not inner.is_file():
            raise XlToolsError(f"{target.option} 文件夹中的 {name} 不是普通文件（是文件夹或设备），无法写入",
                               file=str(inner))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_targets(inputs: list[str | Path], targets: list[Target]) -> None:
    """Refuse, before anything is read, an output inside an input folder, two outputs on one path, or
    an output that cannot be written (see the module docstring). Creates the output folders."""
    folders = [Path(p).resolve() for p in inputs if Path(p).is_dir()]
    resolved = [(t, t.path.resolve()) for t in targets]
    for t, real in resolved:
        for folder in folders:
            if _inside(real, folder):
                raise XlToolsError(f"{t.option} 不能位于被审核的文件夹 {folder} 之内（下次审核会把它当作填报表读入），"
                                   "请换一个位置", file=str(t.path))
    for k, (a, ra) in enumerate(resolved):
        for b, rb in resolved[k + 1:]:
            if ra == rb and {a.option, b.option} != {"--csv", "--parquet"}:
                raise XlToolsError(f"{a.option} 和 {b.option} 指向同一个位置，请分别指定", file=str(a.path))
            for outer, inner, r_outer, r_inner in ((a, b, ra, rb), (b, a, rb, ra)):
                if outer.option == "--annotate" and not inner.folder and _inside(r_inner, r_outer):
                    raise XlToolsError(f"{inner.option} 不能放在 --annotate 文件夹之内（标注副本写在那里，可能同名覆盖）",
                                       file=str(inner.path))
    for t, _real in resolved:
        if t.folder:
            _folder_target(t)
        else:
            _file_target(t.path, t.option)
