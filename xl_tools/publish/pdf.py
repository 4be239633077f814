"""PDF through LibreOffice headless, and the choice of a Chinese font LibreOffice can actually use.

Calc wraps a cell's text without the Chinese line-breaking rule unless the cell asks for it (格式 →
单元格 → 亚洲语言排版 → 「对行首和行尾应用禁则」, ``ParaIsForbiddenRules``, off by default and not in the
xlsx format): a wrapped line of a printed 绩效目标 or 绩效指标 could start with 「，」「；」「、」「”」.
So the conversion is not ``--convert-to pdf`` but a small Basic macro (``CONVERT_MACRO``) that the tool
puts into the private LibreOffice profile of the run: it opens the workbook hidden, turns the rule on
for every used cell, and exports the PDF (the workbook itself is not changed). The paths reach it as
ASCII file URLs in the environment, so no quoting of a name can break the call.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
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


ENV_IN, ENV_OUT, ENV_ERROR = "XLTOOLS_PDF_IN", "XLTOOLS_PDF_OUT", "XLTOOLS_PDF_ERROR"     # file URLs
OPEN_FAILED = "OPEN_FAILED"             # what the macro reports when LibreOffice cannot open the workbook
MACRO_URL = "macro:///Standard.XlToolsPdf.Convert"
CONVERT_MACRO = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="XlToolsPdf" script:language="StarBasic">
Sub Convert
  On Error GoTo Failed
  Dim opened(3) As New com.sun.star.beans.PropertyValue
  opened(0).Name = "Hidden"
  opened(0).Value = True
  opened(1).Name = "FilterName"
  opened(1).Value = "Calc MS Excel 2007 XML"
  opened(2).Name = "MacroExecutionMode"
  opened(2).Value = 0
  opened(3).Name = "UpdateDocMode"
  opened(3).Value = 0
  doc = StarDesktop.loadComponentFromURL(Environ("{ENV_IN}"), "_blank", 0, opened())
  If IsNull(doc) Then
    said = "{OPEN_FAILED}"
    GoTo Report
  End If
  For i = 0 To doc.Sheets.Count - 1
    sheet = doc.Sheets.getByIndex(i)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    used = sheet.getCellRangeByPosition(0, 0, cursor.RangeAddress.EndColumn, cursor.RangeAddress.EndRow)
    used.ParaIsForbiddenRules = True
  Next i
  Dim written(0) As New com.sun.star.beans.PropertyValue
  written(0).Name = "FilterName"
  written(0).Value = "calc_pdf_Export"
  doc.storeToURL(Environ("{ENV_OUT}"), written())
  doc.close(True)
  StarDesktop.terminate()
  Exit Sub
Failed:
  said = "Basic " &amp; Err &amp; " " &amp; Error$ &amp; " (line " &amp; Erl &amp; ")"
Report:
  On Error Resume Next
  n = FreeFile
  Open ConvertFromURL(Environ("{ENV_ERROR}")) For Output As #n
  Print #n, said
  Close #n
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""
_LIBRARIES = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">{}</library:library>
"""
# a profile LibreOffice takes as set up (else its first start replaces user/basic with its presets)
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def seed_profile(profile: Path) -> None:
    """Write the LibreOffice user profile of one run: set up, with ``CONVERT_MACRO`` in its Standard library."""
    files = {
        "user/registrymodifications.xcu": _REGISTRY,
        "user/basic/script.xlc": _LIBRARIES,
        "user/basic/dialog.xlc": _LIBRARIES,
        "user/basic/Standard/script.xlb": _LIBRARY.format('\n <library:element library:name="XlToolsPdf"/>\n'),
        "user/basic/Standard/dialog.xlb": _LIBRARY.format(""),
        "user/basic/Standard/XlToolsPdf.xba": CONVERT_MACRO,
    }
    for name, text in files.items():
        path = profile / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def to_pdf(xlsx_path: str | Path, pdf_path: str | Path, timeout: float = TIMEOUT_S) -> Path:
    """Convert ``xlsx_path`` to ``pdf_path`` with LibreOffice headless, wrapped lines following the
    Chinese line-breaking rule (see the module docstring); returns ``pdf_path``.

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
        seed_profile(Path(profile))
        produced = Path(outdir).resolve() / f"{xlsx_path.stem}.pdf"
        failed = Path(profile) / "failed.txt"
        env = {**os.environ, ENV_IN: xlsx_path.resolve().as_uri(), ENV_OUT: produced.as_uri(),
               ENV_ERROR: failed.resolve().as_uri()}
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--nologo", "--nodefault", MACRO_URL]
        try:
            code, output = _run(command, env, timeout, failed)
        except subprocess.TimeoutExpired:
            raise XlToolsError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）",
                               file=str(xlsx_path)) from None
        except OSError as exc:
            raise XlToolsError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror}") from None
        if code != 0 or not produced.is_file():
            said = failed.read_text("utf-8", errors="replace").strip() if failed.is_file() else ""
            if said == OPEN_FAILED:
                raise XlToolsError("LibreOffice 无法打开该工作簿，未能生成 PDF（文件可能已损坏，或不是 xlsx 工作簿）",
                                   file=str(xlsx_path))
            detail = [said] if said else output.strip().splitlines()[-3:]
            raise XlToolsError("LibreOffice 未能生成 PDF（退出码 "
                               f"{code}）：{' '.join(detail) or '无输出'}", file=str(xlsx_path))
        try:
            os.replace(produced, pdf_path)
        except OSError as exc:
            raise XlToolsError(f"无法写入：{oserror_text(exc)}（文件可能正在被打开）", file=str(pdf_path)) from None
    return pdf_path


def _run(command: list[str], env: dict, timeout: float, failed: Path) -> tuple[int | None, str]:
    """(exit code, what LibreOffice printed) of ``command``. LibreOffice stays running after the macro
    met a workbook it could not open (the macro wrote ``failed`` first): then, or at ``timeout``, the
    whole process group is ended, so no soffice is left behind (raises TimeoutExpired at ``timeout``)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            stdin=subprocess.DEVNULL, **_detached())
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                output, _ = proc.communicate(timeout=0.5)
                return proc.returncode, output or ""
            except subprocess.TimeoutExpired:
                gave_up = failed.is_file() and failed.stat().st_size > 0
                if gave_up or time.monotonic() > deadline:
                    _end(proc)
                    output, _ = proc.communicate()
                    if not gave_up:
                        raise
                    return proc.returncode, output or ""
    except BaseException:               # Ctrl-C, the task's end: LibreOffice goes with it
        if proc.poll() is None:
            _end(proc)
        raise


def _detached() -> dict:
    """A process group of its own (ended as one, ``_end``); on Windows, no console window flashing."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _end(proc: subprocess.Popen) -> None:
    """End ``proc`` and what it started (soffice starts soffice.bin)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False,
                       creationflags=subprocess.CREATE_NO_WINDOW)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    proc.kill()
