"""The upload page's tasks: an uploaded workbook in, the answer out, nothing left behind.

Each task writes the uploaded bytes into a private temporary folder under the name the person chose,
calls the one implementation of the task (``app.refresh_file``, ``app.publish_file``; the reviewer's
batch as ``xl-tools batch`` runs it: ``app.review_batch``), reads
what it wrote, and removes the folder before the answer goes out — also when the task fails. Messages
name the file as the person named it, never the temporary folder.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import app
from ..errors import XlToolsError
from ..fileio import received
from ..findings import ERROR, SEVERITY_ZH
from ..model import YEAR_RANGE_ZH, is_budget_year

TEMP_PREFIX = "xl-tools-web-"
MAX_NAME = 120                      # characters of a file name kept (the suffix always)
# bytes of the name a file is written under: a file system holds 255 bytes a name (a Chinese character
# takes 3 in UTF-8, so 86 of them are too many), and the tasks add to it (.NAME.xxxxxxxx.xlsx.tmp, _公开表)
MAX_DISK_NAME_BYTES = 160
MAX_LISTED = 1000                   # findings listed on the page; 校验结果 in the workbook has them all
DEFAULT_NAME = "工作簿"
REVIEW_NAME = "审核汇总.xlsx"
SIGNED_NAME = "合并公开表.xlsx"             # the consolidated table to sign (and its .pdf)
SENDBACK_NAME = "退回材料"                   # the send-backs, a folder per unit, downloaded as a zip
MSG_NO_FILES = "没有收到文件：请选择或拖入填报工作簿。"
MSG_BATCH_NEEDS_PANDAS = '批量审核需要安装 pandas（缺少 {name}）：请管理员安装 "xl-tools[batch]"。'


@dataclass
class Upload:
    name: str                       # as the person named it (the browser's file name)
    data: bytes


def safe_name(name: str | None) -> str:
    """A file name to write the upload under and to give the download: the last path part, without
    control characters, at most ``MAX_NAME`` characters (the suffix kept), never empty, '.' or '..'."""
    text = re.split(r"[\\/]", str(name or ""))[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if text in ("", ".", ".."):
        return DEFAULT_NAME
    if len(text) > MAX_NAME:
        suffix = Path(text).suffix if len(Path(text).suffix) <= 16 else ""
        text = text[:MAX_NAME - len(suffix)] + suffix
    return text


def disk_name(name: str) -> str:
    """``name`` (from ``safe_name``) short enough in bytes to write beside the files the tasks make."""
    if len(name.encode("utf-8")) <= MAX_DISK_NAME_BYTES:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix.encode("utf-8")) <= 16 else ""
    stem = name[:len(name) - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > MAX_DISK_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _finding_rows(findings) -> list[dict]:
    return [{"severity": f.severity, "level": SEVERITY_ZH[f.severity], "code": f.code, "sheet": f.sheet or "",
             "cell": f.cell or "", "message": f.message, "suggestion": f.suggestion} for f in findings[:MAX_LISTED]]


@contextlib.contextmanager
def workspace():
    """A private temporary folder, removed with everything in it when the block ends; the files read
    within are the uploads just received (``fileio.received``: an empty one is told as an upload, not
    as a file a sync client is writing)."""
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    try:
        with received():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _renamer(folder: Path, names: dict[str, str]):
    """Text with the temporary paths replaced by the names the person gave the files."""
    pairs = sorted(names.items(), key=lambda kv: -len(kv[0])) + [(str(folder), "")]

    def rename(text):
        if not isinstance(text, str):
            return text
        for real, name in pairs:
            text = text.replace(real, name)
        return text
    return rename


@contextlib.contextmanager
def _as_uploaded(folder: Path, names: dict[str, str]):
    """XlToolsErrors raised inside name the uploaded file, not its temporary path (same class kept)."""
    try:
        yield
    except XlToolsError as err:
        rename = _renamer(folder, names)
        shown = type(err).__new__(type(err))          # subclasses' __init__ differ (PublishRefused)
        shown.__dict__.update(err.__dict__)
        shown.file, shown.message = rename(err.file), rename(err.message)
        shown.args = (shown.render(),)
        raise shown from None


def _place(folder: Path, upload: Upload, taken: set[str] | None = None) -> tuple[Path, str]:
    """The upload written into ``folder``: (its path, the name shown for it). The path's name is the
    shown one cut to ``MAX_DISK_NAME_BYTES``; messages and answers use the shown one."""
    name = safe_name(upload.name)
    if taken is not None:                   # a batch: two files of the same name from two folders
        base, k = name, 2
        while disk_name(name).lower() in taken:
            name = f"{Path(base).stem}（{k}）{Path(base).suffix}"
            k += 1
        taken.add(disk_name(name).lower())
    path = folder / disk_name(name)
    path.write_bytes(upload.data)
    return path, name


def refresh(upload: Upload, *, now: str | None = None, draft: bool = False) -> dict:
    """The 刷新 button on an uploaded workbook: the refreshed workbook (same name) and its findings;
    ``draft``: with the drafted lines appended to 绩效指标, 待确认 (the add-in's 补充待确认指标)."""
    with workspace() as folder:
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        src, name = _place(folder / "in", upload)
        out = folder / "out" / src.name
        with _as_uploaded(folder, {str(src): name, str(out): name}):
            outcome = app.refresh_file(src, out, now=now, draft=draft, full=True)   # the page lists the findings
        return {"name": name, "file": _b64(out), "summary": outcome.report, "counts": outcome.counts,
                "findings": _finding_rows(outcome.rows), "more": max(0, len(outcome.rows) - MAX_LISTED),
                "drafts": sum(1 for f in outcome.findings if f.draft), "pending": outcome.pending}


def publish(upload: Upload, *, pdf: bool = False, draft: bool = False) -> dict:
    """The official table of an uploaded filing: xlsx, or PDF (LibreOffice). A filing with errors is
    refused (``app.PublishRefused``) unless ``draft``: then it is published marked 草稿."""
    if pdf and not app.pdf_available():
        raise XlToolsError("这台服务器没有安装 LibreOffice，不能生成 PDF：请下载 xlsx 格式的公开表后自行打印或另存为 PDF。")
    with workspace() as folder:
        (folder / "in").mkdir()
        src, name = _place(folder / "in", upload)
        stem = Path(src.name).stem
        xlsx = folder / f"{stem}_公开表.xlsx"
        pdf_path = folder / f"{stem}_公开表.pdf" if pdf else None
        try:
            with _as_uploaded(folder, {str(src): name}):
                done = app.publish_file(src, xlsx, pdf_path, allow_errors=draft)
        except app.PublishRefused as refused:
            raise PublishRefusedOnPage(app.blocking_text(refused.errors, refused.no_money), name) from None
        target = pdf_path if pdf else xlsx
        return {"name": f"{Path(name).stem}_公开表{target.suffix}", "file": _b64(target), "draft": done.draft,
                "counts": done.counts}


class PublishRefusedOnPage(XlToolsError):
    """A filing with errors: the page offers a 草稿 instead (the command line's --allow-errors)."""

    exit_code = 1
    web_code = "publish_refused"

    def __init__(self, blocking: str, name: str) -> None:
        super().__init__(f"填报表还有 {blocking}，不能生成正式的公开表。请先刷新并按「校验结果」改正；"
                         "如只需打印草稿，请点「生成草稿」。", file=name)


def review_batch(uploads: list[Upload], *, department: str | None = None, year: str | None = None,
                 units: Upload | None = None, previous: Upload | None = None, aliases: list[str] = (),
                 keep: list[str] = (), publish: bool = False, allow_incomplete: bool = False,
                 sendback: bool = False) -> dict:
    """The reviewer's batch on uploaded files, as ``xl-tools batch --department --year --units --publish
    --pdf --allow-incomplete --sendback --previous --alias --keep`` runs it: the 审核汇总 workbook, one row per file, the lines the
    command prints (scope, what was counted, who is missing), and besides 审核汇总 the table to sign (xlsx,
    PDF where LibreOffice is installed) and the send-backs (one zip of a folder per unit)."""
    if not uploads:
        raise XlToolsError(MSG_NO_FILES)
    budget_year = _year(year)
    with workspace() as folder:
        inbox = folder / "收件箱"
        inbox.mkdir()
        taken: set[str] = set()
        for upload in uploads:
            _place(inbox, upload, taken)
        out = folder / REVIEW_NAME
        names = {str(inbox) + os.sep: "", str(inbox): "网页上传的文件", str(out): REVIEW_NAME}
        unit_list = last = None
        if units is not None:
            (folder / "名单").mkdir()
            unit_list, shown = _place(folder / "名单", units)
            names[str(unit_list)] = shown
        if previous is not None:                    # --previous: its comments and states
            (folder / "上次").mkdir()
            last, shown = _place(folder / "上次", previous)
            names[str(last)] = shown
        table = folder / SIGNED_NAME if publish else None
        pdf = folder / SIGNED_NAME.replace(".xlsx", ".pdf") if publish and app.pdf_available() else None
        back = folder / SENDBACK_NAME if sendback else None
        with _as_uploaded(folder, names):
            done = app.review_batch(
                [inbox], output=str(out), jobs=1, shown_as=f"网页上传的 {len(uploads)} 个文件",
                department=department, year=budget_year, units=str(unit_list) if unit_list else None,
                publish=str(table) if table else None, pdf=str(pdf) if pdf else None,
                allow_incomplete=allow_incomplete, sendback=str(back) if back else None,
                previous=str(last) if last else None, aliases=list(aliases), keep=list(keep))
        result = done.report
        rename = _renamer(folder, names)
        summary = result.summary()
        files = [{"file": r.file, "status": r.status, "unit": r.unit, "errors": r.errors, "warnings": r.warnings,
                  "worst_rule": r.worst_rule, "error": rename(r.error or "")} for r in result.results]
        lines = [{"text": in_page_words(rename(text)), "error": kind == ERROR} for text, kind in done.consolidation_lines()]
        if done.not_published:
            hint = "；如需先打印草稿，请勾选「应报单位未全部计入时也生成（标为草稿）」后重新上传" if done.draft_possible else ""
            lines.append({"text": rename(done.not_published) + hint, "error": True})
        extra = [{"name": p.name, "file": _b64(p)} for p in (table, pdf) if p is not None and p.exists()]
        if back is not None and back.is_dir() and any(back.iterdir()):
            extra.append({"name": f"{SENDBACK_NAME}.zip", "file": _b64(_zipped(back, folder / f"{SENDBACK_NAME}.zip"))})
        return {"name": REVIEW_NAME, "file": _b64(out), "summary": summary, "files": files, "lines": lines,
                "extra": extra}


# what the batch says in the command line's words (its options), as the page says it (its fields)
PAGE_WORDS = (("可用 --department 指定部门", "可在页面上填写「部门」"), ("可用 --year 指定年度", "可在页面上填写「预算年度」"),
              ("可用 --units 指定", "可在页面上选择「应报单位名单」"),
              ("--keep「", "「同一单位有多个版本时以这些文件为准」中的「"))


def in_page_words(text: str) -> str:
    """``text`` with the command-line options it names replaced by the page's fields (``PAGE_WORDS``)."""
    for cli_words, page_words in PAGE_WORDS:
        text = text.replace(cli_words, page_words)
    return text


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not is_budget_year(int(text)):
        raise XlToolsError(f"预算年度应为{YEAR_RANGE_ZH}，实际为「{text}」")
    return int(text)


def _zipped(folder: Path, out: Path) -> Path:
    """``folder`` (a folder per unit) as one zip, names in UTF-8 under the folder's own name."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return out


def info() -> dict:
    """What the page may offer on this server."""
    return {"pdf": app.pdf_available()}
