"""Expand inputs, review each file (``review_one``) in a process pool, collect a ``BatchReport``."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Iterable, Protocol

from .. import catalogue
from ..crashlog import internal_error_line
from ..errors import XlToolsError
from ..fileio import check_input, same_file
from ..findings import ERROR, INFO, NO_MONEY, SEVERITY_ORDER, WARNING, Finding
from ..model import Filing, Unit
from ..money import ZERO
from ..outputmark import skipped_text
from ..textnorm import well_formed
from ..xlsxfile import other_format_parts
from .archives import extract
from .columns import output_kind
from .stamps import Stamp, stamp_of
from .targets import reason

SUFFIXES = (".xlsx", ".xlsm", ".pdf", ".txt", ".json")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

STATUS_OK = "通过"
STATUS_WARNINGS = "有警告"
STATUS_ERRORS = "有错误"
STATUS_BROKEN = "无法读取"
STATUS_INTERNAL = "内部错误"
STATUS_SKIPPED = "已跳过"                   # one of xl-tools' own outputs (a review report, an export)



class Loaded(Protocol):
    """A filing as the application layer read it (``app.Loaded``)."""

    filing: Filing
    kind: str                                   # workbook | import | json
    findings: list[Finding]                     # what reading it reported


class Checked(Protocol):
    """What the application's review of a filing gives (``app.Review``)."""

    findings: list[Finding]
    completed: Filing                           # the filing as refresh completes it (a copy)


class FileTasks(Protocol):
    """The single-file tasks the batch runs on every file, handed in by the application layer
    (``app.review_batch`` hands ``app.BatchFileTasks``). The batch composes them and never
    reimplements them: a row says what ``check`` says of the file, an annotated copy is what
    ``refresh`` writes. Static methods of a class, so that a process pool or a Dask worker receives
    them by name."""

    @staticmethod
    def load(path: Path) -> Loaded: ...                          # app.load_filing

    @staticmethod
    def review(loaded: Loaded) -> Checked: ...                   # app.review, with what reading reported

    @staticmethod                                                # the refreshed copy of source at target
    def write_copy(source: Path, target: Path, loaded: Loaded) -> None: ...


# File-level finding codes (xl_tools/data/catalogue.toml): a file that could not be read is one error
# finding, so 汇总, 问题明细, 规则统计 and --json count it the same way.
FILE_UNREADABLE = "FILE001"
FILE_INTERNAL = "FILE002"


@dataclass
class FileResult:
    path: str
    file: str                                   # name shown in the report (relative to the input folder)
    kind: str = "workbook"                      # workbook | import | output (ours, skipped) | other
    status: str = STATUS_OK
    unit: str = ""                              # 资金使用单位 (several joined by 、)
    department: str = ""
    year: int | None = None
    projects: int = 0
    indicators: int = 0
    total: Decimal | None = None                # 合计 as stated (or derived)
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    worst_rule: str = ""                        # the rule with most findings of the worst severity
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None                    # XlToolsError / internal error message
    filing: Filing | None = field(default=None, repr=False)   # for the consolidated table
    annotated: str | None = None                # the refreshed copy written with --annotate
    member: str | None = None                   # the file inside the zip at ``path`` (as stored)
    stamp: Stamp = field(default_factory=Stamp)  # when the file was made (``stamps``)
    no_money: int = 0                           # projects without any amount (AMT008, not an error)

    def __post_init__(self) -> None:            # a file name that is not UTF-8 is shown with U+FFFD
        self.path, self.file = well_formed(self.path), well_formed(self.file)

    @property
    def readable(self) -> bool:
        """A filing was read from the file (it may have errors)."""
        return self.status not in (STATUS_BROKEN, STATUS_INTERNAL, STATUS_SKIPPED)

    @property
    def skipped(self) -> bool:
        return self.status == STATUS_SKIPPED

    @property
    def failed(self) -> bool:
        """A file that makes the batch exit 1: errors found, or not readable at all."""
        return self.errors > 0 or not (self.readable or self.skipped)


@dataclass
class BatchReport:
    results: list[FileResult]
    jobs: int = 1
    inputs: list[str] = field(default_factory=list)       # the files and folders the reviewer named
    started: str = ""                                      # when the batch ran (YYYY-MM-DD HH:MM)

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results)

    def summary(self) -> dict:
        res = self.results
        return {"files": len(res),
                "passed": sum(r.status == STATUS_OK for r in res),
                "with_warnings": sum(r.status == STATUS_WARNINGS for r in res),
                "with_errors": sum(r.status == STATUS_ERRORS for r in res),
                "unreadable": sum(r.status == STATUS_BROKEN for r in res),
                "internal_errors": sum(r.status == STATUS_INTERNAL for r in res),
                "skipped": sum(r.status == STATUS_SKIPPED for r in res),
                "projects": sum(r.projects for r in res),
                "indicators": sum(r.indicators for r in res),
                "errors": sum(r.errors for r in res),
                "warnings": sum(r.warnings for r in res),
                "infos": sum(r.infos for r in res)}


# ---------------------------------------------------------------------------------------------- inputs

_SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"}
_SYSTEM_FOLDERS = {"__macosx", "$recycle.bin", "system volume information"}


def _skipped(name: str) -> bool:
    """Hidden files (.DS_Store), Office lock and temporary files (~$x.xlsx, ~WRL0001.tmp), the files
    Windows and macOS leave in folders (Thumbs.db, desktop.ini), our own temporaries and backups."""
    return (name.startswith((".", "~")) or name.lower().endswith((".tmp", ".bak"))
            or name.lower() in _SYSTEM_FILES)


def expand_paths(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[tuple[Path, str]]:
    """(path, display name) for every file to review, in a stable order, without duplicates.

    A folder gives every file in it (recursively; hidden and system folders skipped) except hidden,
    temporary and system files (``_skipped``): a file of an unsupported type is a row of its own
    (FILE001, with the fix), so no unit's submission vanishes from the report. A file named explicitly
    is always reviewed, except hidden/lock files. Two names of one file are reviewed once; a link that
    cannot be followed (to itself, two links in a ring, to nothing) is kept under its own name and
    becomes its row; a link to a folder outside is a row too (``leaves_folder`` refuses both). A name
    that is not valid UTF-8 is shown with U+FFFD.
    """
    paths = list(paths)
    single = len(paths) == 1
    skip = {_key(p) for p in exclude}
    seen: set[str] = set()
    out: list[tuple[Path, str]] = []

    def add(p: Path, shown: str) -> None:
        key = _key(p)
        if key in seen or key in skip:
            return
        seen.add(key)
        out.append((p, well_formed(shown)))

    for raw in paths:
        root = Path(raw)
        if root.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames
                                     if not d.startswith(".") and d.lower() not in _SYSTEM_FOLDERS)
                # a folder named like an input ("报表.xlsx/") is a row of its own, not walked into
                named = [d for d in dirnames if Path(d).suffix.lower() in SUFFIXES and not _skipped(d)]
                # a link to a folder elsewhere is not walked (os.walk), but is a row, refused by name
                away = [d for d in dirnames if d not in named and leaves_folder(Path(dirpath) / d, root)]
                dirnames[:] = [d for d in dirnames if d not in named]
                found.extend(Path(dirpath) / d for d in named + away)
                found.extend(Path(dirpath) / name for name in filenames if not _skipped(name))
            for p in sorted(found, key=lambda q: q.relative_to(root).as_posix()):
                add(p, p.relative_to(root).as_posix() if single else str(p))
        elif not _skipped(root.name):
            add(root, root.name if single else str(root))
    return out


def _key(path: str | Path) -> str:
    """What identifies a file: its real path, or its own absolute path when it cannot be followed."""
    return os.path.realpath(path) if os.path.exists(path) else os.path.abspath(path)


def found_in(items: list[tuple[Path, str]], paths: Iterable[str | Path]) -> list[Path | None]:
    """For each item of ``expand_paths``, the input folder it was found in (None: named explicitly)."""
    folders = [Path(os.path.abspath(p)) for p in paths if Path(p).is_dir()]
    return [next((d for d in folders if Path(os.path.abspath(p)).is_relative_to(d)), None) for p, _ in items]


LINK_FIX = "请把文件本身（而不是指向它的链接）放进所审核的文件夹"


def leaves_folder(path: Path, folder: Path | None) -> str | None:
    """Why a file found in the input ``folder`` may not be read because it is a link (or lies under
    one) that leads out of the folder, or None. A file named explicitly (``folder`` None) is read."""
    if folder is None or not os.path.exists(path):
        return None
    real, inside = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    if real == inside or real.is_relative_to(inside):
        return None
    return f"这是指向所审核文件夹之外的链接（指向 {well_formed(str(real))}），已拒绝读取"


# ------------------------------------------------------------------------------------------- one file

def _worst_rule(findings: list[Finding]) -> str:
    if not findings:
        return ""
    worst = min(SEVERITY_ORDER[f.severity] for f in findings)
    counts = Counter(f.code for f in findings if SEVERITY_ORDER[f.severity] == worst)
    return counts.most_common(1)[0][0]          # most frequent; the first seen on ties


def _units_of(filing: Filing) -> list[Unit]:
    return filing.units or filing.derived_units()


def _fill(result: FileResult, filing: Filing, findings: list[Finding]) -> FileResult:
    result.department = filing.department
    result.year = filing.year
    result.unit = "、".join(u.name for u in _units_of(filing) if u.name)
    result.projects = len(filing.projects)
    result.indicators = sum(len(p.indicators) for p in filing.projects)
    result.total = filing.total if (filing.total or filing.total_stated) else sum(
        (p.total for p in filing.projects), ZERO)
    result.findings = findings
    result.errors = sum(f.severity == ERROR for f in findings)
    result.warnings = sum(f.severity == WARNING for f in findings)
    result.infos = sum(f.severity == INFO for f in findings)
    result.worst_rule = _worst_rule(findings)
    result.no_money = sum(f.code == NO_MONEY and f.severity != ERROR for f in findings)
    result.status = STATUS_ERRORS if result.errors else STATUS_WARNINGS if result.warnings else STATUS_OK
    filing.problems = []              # not needed any more; keeps the pickled result small
    result.filing = filing
    return result


def annotated_path(outdir: str | Path, shown: str, source: Path) -> Path:
    """Where the refreshed copy of `source` goes inside `outdir`: the name shown in the report (its
    path relative to the input folder), never outside `outdir` — not through "..", an absolute name
    or a symbolic link inside `outdir` that points elsewhere. Published tables become .xlsx."""
    root = Path(outdir).resolve()
    rel = PurePosixPath(shown.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        rel = PurePosixPath(source.name)
    if rel.suffix.lower() not in WORKBOOK_SUFFIXES:
        rel = rel.with_name(rel.name + ".xlsx")
    target = (root / Path(*rel.parts)).resolve()
    if not target.is_relative_to(root) or target == root:
        raise XlToolsError(f"输出路径 {target} 不在输出文件夹 {root} 内，已拒绝写入", file=str(source))
    return target


def annotation_targets(items: list[tuple[Path, str]], outdir: str | Path) -> list[Path]:
    """Where the refreshed copy of each reviewed file goes: under `outdir`, at the file's path relative
    to the folder all inputs share (so two input folders each holding 报表.xlsx give two copies).

    XlToolsError, before anything is written, when a copy would be an input (or a link to one: the
    input's own folder given as `outdir`) or two copies would have the same name."""
    sources = [Path(os.path.abspath(p)) for p, _ in items]
    base = _common_folder(sources)
    targets, seen = [], {}
    for (src, _shown), absolute in zip(items, sources):
        rel = absolute.relative_to(base).as_posix() if base else absolute.as_posix().lstrip("/")
        target = annotated_path(outdir, rel, src)
        key = str(target).casefold()
        if key in seen:
            raise XlToolsError(f"{seen[key]} 和 {src} 的标注副本都会写到 {target}，已拒绝：请分别审核或改名",
                               file=str(src))
        seen[key] = src
        for other, _ in items:
            if same_file(target, other):
                raise XlToolsError(f"标注副本 {target} 就是被审核的文件 {other}（或指向它的链接）：请为 --annotate "
                                   "指定另一个文件夹，原文件不会被修改", file=str(other))
        targets.append(target)
    return targets


def _common_folder(paths: list[Path]) -> Path | None:
    """The deepest folder holding every path (None across drives)."""
    try:
        return Path(os.path.commonpath([p.parent for p in paths]))
    except ValueError:
        return None


def _annotate(tasks: type[FileTasks], result: FileResult, source: Path, outdir: str | Path, loaded: Loaded,
              target: Path | None = None) -> None:
    """Write the reviewed file, refreshed (highlights, notes, 校验结果, 公开表), into `outdir` (at
    `target`, from ``annotation_targets``, when the batch planned it). An imported table is written as
    it was read (``app.review`` completes a copy), so the copy's refresh reports its fills like any
    refresh."""
    target = target or annotated_path(outdir, result.file, source)     # resolved: links already followed
    _write_copy(tasks, source, target, loaded)
    result.annotated = str(target)


def _write_copy(tasks: type[FileTasks], source: Path, target: Path, loaded: Loaded) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tasks.write_copy(source, target, loaded)       # the batch's copy: replaced when run again
    except OSError as exc:
        raise XlToolsError(f"无法写入（{reason(exc)}）", file=str(target)) from None


def marked_copy(tasks: type[FileTasks], path: str | Path, target: Path, member: str | None = None) -> Path:
    """The refreshed copy (highlights, notes, 校验结果) of the file at ``path`` — of the member
    ``member`` of the zip at ``path`` — written to ``target``: what ``--annotate`` writes for every file,
    for one (a unit's send-back)."""
    if member is None:
        _write_copy(tasks, Path(path), target, tasks.load(Path(path)))
        return target
    with extract(path, member) as tmp:
        _write_copy(tasks, tmp, target, tasks.load(tmp))
    return target


def not_regular(path: Path) -> str | None:
    """Why ``path`` may not be read (Chinese: not a regular file, over the size limit), or None. Never
    opens the file, so a FIFO or a device cannot block the batch (``fileio.check_input``)."""
    try:
        check_input(path)
    except XlToolsError as err:
        return err.message
    return None


def _unreadable(result: FileResult, status: str, message: str, fix: str | None = None) -> FileResult:
    """A file that could not be read: one error finding (FILE001, or FILE002 for a bug of ours)."""
    code = FILE_INTERNAL if status == STATUS_INTERNAL else FILE_UNREADABLE
    message = well_formed(message)                  # it may quote a file name that is not UTF-8
    result.status = status
    result.error = f"{message}：{fix}" if fix else message      # the reader's messages name their fix
    fix = fix or ("请重新保存或重新提交该文件" if code == FILE_UNREADABLE else "请把该文件和日志交给技术支持")
    result.findings = [catalogue.finding(code, message, fix)]
    result.errors, result.worst_rule = 1, code
    return result


SAVE_AS_XLSX = "请在 Excel 中另存为 .xlsx 后重新提交"


def unsupported(path: Path) -> tuple[str, str]:
    """(why, the fix) for a file whose type the batch cannot read, in Chinese: for another format the
    wording every command uses (``xlsxfile.OTHER_FORMATS``)."""
    parts = other_format_parts(path)
    if parts:
        return parts
    suffix = path.suffix.lower()
    shown = f"（{suffix}）" if suffix else "（没有扩展名）"
    return f"不是支持的文件类型{shown}，支持 .xlsx/.xlsm 工作簿和公开表 .pdf/.txt", SAVE_AS_XLSX


def review_one(path: str | Path, shown: str | None = None, annotate: str | Path | None = None,
               target: str | Path | None = None, *, tasks: type[FileTasks], member: str | None = None,
               refused: tuple[str, str] | None = None) -> FileResult:
    """Read (or import) one file and check it with the application's ``tasks`` (``FileTasks``).
    Never raises for a bad file: it becomes one row.

    With `annotate` (a folder), a refreshed copy of the file is written there (at `target` when
    given; the input is never modified); a failure to write it is noted on the row, the review result
    stands. Reading, checking and the copy each run within the time budget (``limits.deadline``).
    With `member`, `path` is a zip and the file reviewed is that member of it (``archives``);
    `refused` is why the file may not be read at all and what to do (found when its zip was listed)."""
    path = Path(path)
    if refused is not None:
        result = FileResult(path=str(path), file=shown or path.name, kind="other", member=member)
        return _unreadable(result, STATUS_BROKEN, *refused)
    if member is not None:
        return _review_member(tasks, path, member, shown or f"{path.name}/{member}", annotate, target)
    return _review_file(tasks, path, shown or path.name, annotate, target)


def _review_member(tasks: type[FileTasks], archive: Path, member: str, shown: str, annotate, target) -> FileResult:
    """A member of a zip, inflated to a private temporary file and reviewed as a file; the row names
    the zip and the member, never the temporary file."""
    try:
        with extract(archive, member) as tmp:
            result = _review_file(tasks, tmp, shown, annotate, target, display=shown)
    except XlToolsError as err:
        result = _unreadable(FileResult(str(archive), shown), STATUS_BROKEN, str(err))
    result.path, result.member = str(archive), member
    if result.filing is not None:
        result.filing.source = shown
    return result


def _review_file(tasks: type[FileTasks], path: Path, shown: str, annotate, target,
                 display: str | None = None) -> FileResult:
    """``review_one`` of a file on disk; ``display`` replaces its path in messages (a zip member)."""
    kind = "workbook" if path.suffix.lower() in WORKBOOK_SUFFIXES else "import"
    result = FileResult(path=str(path), file=shown, kind=kind)

    def said(text: str) -> str:
        return text.replace(str(path), display) if display else text

    odd = not_regular(path)
    if odd is not None:
        return _unreadable(result, STATUS_BROKEN, said(odd))
    own = output_kind(path)
    if own is not None:                         # a report or export of ours: never read as a filing
        result.status, result.kind, result.error = STATUS_SKIPPED, "output", skipped_text(own)
        return result
    if path.suffix.lower() not in SUFFIXES:
        result.kind = "other"
        return _unreadable(result, STATUS_BROKEN, *unsupported(path))
    try:
        loaded = tasks.load(path)               # a published table saved as xlsx is imported too
        result.kind = "workbook" if loaded.kind == "workbook" else "import"
        checked = tasks.review(loaded)          # loaded.filing stays as read: an import's copy is written so
        result = _fill(result, checked.completed, checked.findings)
    except XlToolsError as err:
        return _unreadable(result, STATUS_BROKEN, said(str(err)))
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one row (with a log), never the end of the batch
        return _unreadable(result, STATUS_INTERNAL, said(internal_error_line(exc, f"batch {path}")))
    result.stamp = stamp_of(path, changed=getattr(result.filing, "changed_since_refresh", None))
    if annotate is None:
        return result
    try:
        _annotate(tasks, result, path, annotate, loaded, Path(target) if target else None)
    except XlToolsError as err:
        result.error = f"未能写出标注副本：{said(str(err))}"
    except Exception as exc:  # noqa: BLE001 - a bug of ours: noted on the row, the review result stands
        result.error = "未能写出标注副本：" + said(internal_error_line(exc, f"batch --annotate {path}"))
    return result
