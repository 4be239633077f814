"""PDF through LibreOffice headless, and the choice of a Chinese font LibreOffice can actually use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import XlToolsError
from ..fileio import oserror_text

TIMEOUT_S = 180
ENV_SOFFICE = "XL_TOOLS_SOFFICE"        # explicit path to soffice, when it is not on PATH

INSTALL_HELP = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请先安装：\n"
    "  Windows：从 https://zh-cn.libreoffice.org/download/ 下载安装，或 winget install TheDocumentFoundation.LibreOffice\n"
    "  macOS：brew install --cask libreoffice，或从官网下载安装\n"
    "  Debian/Ubuntu：sudo apt-get install libreoffice-calc fonts-noto-cjk fonts-crosextra-carlito\n"
    f"已安装但不在 PATH 中时，可设置环境变量 {ENV_SOFFICE} 为 soffice 的完整路径。"
)

_USUAL_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    explicit = os.environ.get(ENV_SOFFICE)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _USUAL_PLACES if Path(p).is_file()), None)


def installed_font(candidates: Sequence[str]) -> str:
    """The first of ``candidates`` fontconfig knows; the first candidate when none or no fontconfig.

    LibreOffice on Linux does not map 宋体 to a CJK font by itself (it falls back glyph by glyph to a
    sans face), so the PDF is rendered with the first installed fallback, e.g. Noto Serif CJK SC.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return candidates[0]
    for family in candidates:
        try:
            out = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True,
                                 text=True, timeout=30, check=False).stdout
        except (OSError, subprocess.TimeoutExpired):
            return candidates[0]
        if out.strip():
            return family
    return candidates[0]


def to_pdf(xlsx_path: str | Path, pdf_path: str | Path, timeout: float = TIMEOUT_S) -> Path:
    """Convert ``xlsx_path`` to ``pdf_path`` with LibreOffice headless; returns ``pdf_path``.

    Each run uses its own LibreOffice profile, so parallel runs (and an open LibreOffice window) do not
    collide. The PDF is written beside its final place and moved there when complete.
    """
    xlsx_path, pdf_path = Path(xlsx_path), Path(pdf_path)
    soffice = find_soffice()
    if soffice is None:
        raise XlToolsError(INSTALL_HELP)
    if not xlsx_path.is_file():
        raise XlToolsError("文件不存在", file=str(xlsx_path))
    if not pdf_path.parent.is_dir():
        raise XlToolsError("目标文件夹不存在", file=str(pdf_path))
    with tempfile.TemporaryDirectory(prefix="xltools-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix=".xltools-pdf-", dir=pdf_path.parent) as outdir:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", outdir,
                   str(xlsx_path.resolve())]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  check=False, stdin=subprocess.DEVNULL, **_no_window())
        except subprocess.TimeoutExpired:
            raise XlToolsError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）",
                               file=str(xlsx_path)) from None
        except OSError as exc:
            raise XlToolsError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror}") from None
        produced = Path(outdir) / f"{xlsx_path.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise XlToolsError("LibreOffice 未能生成 PDF（退出码 "
                               f"{done.returncode}）：{' '.join(detail) or '无输出'}", file=str(xlsx_path))
        try:
            os.replace(produced, pdf_path)
        except OSError as exc:
            raise XlToolsError(f"无法写入：{oserror_text(exc)}（文件可能正在被打开）", file=str(pdf_path)) from None
    return pdf_path


def _no_window() -> dict:
    """On Windows, do not flash a console window."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NO_WINDOW}
    return {}
