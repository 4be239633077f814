"""The desktop 刷新 button: xlwings' own VBA project with a macro that does not depend on the file name,
the exact command line xlwings' VBA builds from it (for names with spaces, Chinese characters,
parentheses, an ampersand, at a drive root and on a share), LibreOffice reading the macro, and
``xl-tools repair`` for workbooks made by earlier versions.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import zipfile
from importlib import resources

import olefile
import openpyxl
import pytest

from xl_tools.cli import main
from xl_tools.workbook.vba import (
    BUTTON_MACRO,
    MODULE,
    PYTHON_COMMAND,
    button_vba_project,
    module_source,
    xlwings_vba_project,
)

from .conftest import needs_soffice, soffice_convert

OLD_COMMAND = 'mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))'


# ---------------------------------------------------------------- the VBA project

def test_only_the_button_macro_changes():
    original = xlwings_vba_project()
    patched = button_vba_project(original)
    assert len(patched) == len(original)
    assert OLD_COMMAND in module_source(original)
    source = module_source(patched)
    assert f'Sub {BUTTON_MACRO}()\r\n    RunPython "{PYTHON_COMMAND}"\r\nEnd Sub\r\n' in source
    assert "ThisWorkbook.Name" not in source
    old, new = olefile.OleFileIO(io.BytesIO(original)), olefile.OleFileIO(io.BytesIO(patched))
    for entry in old.listdir():
        name = "/".join(entry)
        if name != f"VBA/{MODULE}":
            assert old.openstream(name).read() == new.openstream(name).read(), name
    # the project carries no compiled cache, so Excel compiles the new source
    assert new.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x01\x00"


@needs_soffice
def test_libreoffice_reads_the_new_macro(tmp_path):
    """An independent reader of the VBA project: LibreOffice imports the module source on load."""
    out = tmp_path / "绩效目标 (1).xlsm"
    assert main(["new", "-o", str(out), "--year", "2025"]) == 0
    ods = soffice_convert(out, "ods", tmp_path)
    with zipfile.ZipFile(ods) as zf:
        module = zf.read("Basic/VBAProject/Module1.xml").decode("utf-8")
    assert "RunPython &quot;import xl_tools.desktop as xl_tools_desktop; xl_tools_desktop.main()&quot;" in module


# ---------------------------------------------------------------- the command line xlwings' VBA builds

def _xlwings_bas() -> str:
    return resources.files("xlwings").joinpath("xlwings.bas").read_text("utf-8", errors="replace")


# Transcribed from xlwings.bas (RunPython and ExecuteWindows); test_vba_lines_are_xlwings_own checks that
# these lines are there, verbatim, in the installed xlwings.
VBA_LINES = [
    'PYTHONPATH = AddExcelDir & ";" & ActiveFullName & ";" & ThisFullName & ";" & GetConfig("ONEDRIVE_CONSUMER_WIN")'
    ' & ";" & GetConfig("ONEDRIVE_COMMERCIAL_WIN") & ";" & GetConfig("SHAREPOINT_WIN") & ";" & GetConfig("PYTHONPATH")',
    'PYTHONPATH = Replace(PYTHONPATH, "&", "^&")',
    'PYTHONPATH = Replace(PYTHONPATH, "\\", "\\\\")',
    'RunCommand = CondaCmd & PythonInterpreter & " -B -c ""import xlwings.utils;xlwings.utils.prepare_sys_path(\\""" &'
    ' PYTHONPATH & "\\""); " & PythonCommand & """ "',
    'ExitCode = WScript.Run("cmd.exe /C " & DriveCommand & _',
    '" --wb=" & """" & ThisWorkbook.Name & """ --from_xl=1" & " --app=" & Chr(34) & _',
]


def vba_command_line(full_name: str, python_command: str, *, conf_pythonpath: str = "") -> str:
    """What ExecuteWindows passes to WScript.Run for RunPython(python_command), with python on PATH."""
    name = full_name.rsplit("\\", 1)[-1]
    pythonpath = ";".join(["true", full_name, full_name, "", "", "", conf_pythonpath])
    pythonpath = pythonpath.replace("&", "^&").replace("\\", "\\\\")
    run = ('python -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(\\"' + pythonpath + '\\"); '
           + python_command + '" ')
    return ("cmd.exe /C " + run + ' --wb="' + name + '" --from_xl=1 --app="C:\\Program Files\\Microsoft Office'
            '\\root\\Office16\\EXCEL.EXE" --hwnd="132456" 2> "C:\\Users\\x\\AppData\\Local\\Temp\\xlwings-1.log" ')


CMD_ENV = {"OS": "Windows_NT", "USERNAME": "zhangsan", "TEMP": "C:\\Users\\zhangsan\\AppData\\Local\\Temp"}


def percent_expanded(text: str, env: dict[str, str]) -> str:
    """cmd.exe's phase-1 expansion on a command line: %NAME% of a defined variable (any case) becomes its
    value; an undefined %NAME stays as written and the scan goes on from the % that closed it."""
    upper = {k.upper(): v for k, v in env.items()}
    out, k = "", 0
    while k < len(text):
        if text[k] == "%":
            end = text.find("%", k + 1)
            if end > k + 1 and text[k + 1:end].upper() in upper:
                out += upper[text[k + 1:end].upper()]
                k = end + 1
                continue
            if end > k:
                out += text[k:end]
                k = end
                continue
        out += text[k]
        k += 1
    return out


def cmd_c(line: str, env: dict[str, str] | None = None) -> str:
    """cmd.exe /C: the program's command line (%VARIABLES% expanded, carets outside quotes removed, the
    2> redirection cut), failing on any other unquoted & | < > (the line would split into several commands)."""
    assert line.startswith("cmd.exe /C ")
    text = percent_expanded(line[len("cmd.exe /C "):], CMD_ENV if env is None else env)
    out, quoted, k = [], False, 0
    while k < len(text):
        ch = text[k]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "^":
            k += 1
            ch = text[k]
        elif not quoted and ch in "&|<>":
            if text[k - 1:k + 1] == "2>" and not text[k + 1:].strip().startswith(("&", "|")):
                return "".join(out[:-1]).rstrip()
            raise AssertionError(f"unquoted {ch!r} at {k}: {text}")
        out.append(ch)
        k += 1
    return "".join(out)


def windows_argv(line: str) -> list[str]:
    """The Microsoft C runtime's argv parsing (what python.exe sees)."""
    args, cur, quoted, have, k = [], [], False, False, 0
    while k < len(line):
        ch = line[k]
        if ch == "\\":
            n = 0
            while k < len(line) and line[k] == "\\":
                n, k = n + 1, k + 1
            if k < len(line) and line[k] == '"':
                cur.append("\\" * (n // 2))
                if n % 2:
                    cur.append('"')
                    k += 1
                have = True
            else:
                cur.append("\\" * n)
                have = True
            continue
        if ch == '"':
            if quoted and k + 1 < len(line) and line[k + 1] == '"':
                cur.append('"')
                k += 2
                continue
            quoted, have = not quoted, True
        elif ch in " \t" and not quoted:
            if have:
                args.append("".join(cur))
                cur, have = [], False
        else:
            cur.append(ch)
            have = True
        k += 1
    if have:
        args.append("".join(cur))
    return args


def test_vba_lines_are_xlwings_own():
    bas = re.sub(r"[ \t]+", " ", _xlwings_bas())
    for line in VBA_LINES:
        assert re.sub(r"[ \t]+", " ", line) in bas, line


NAMES = [
    "C:\\Users\\张三\\Downloads\\filing_2025 (1).xlsm",
    "D:\\2025年绩效目标.xlsm",
    "C:\\Users\\李四\\OneDrive - 某区财政局\\绩效目标 2025（最终版）.xlsm",
    "\\\\fileserver\\财务 处\\预算&绩效 (副本).xlsm",
]


@pytest.mark.parametrize("full_name", NAMES)
def test_the_button_command_works_under_any_name(full_name):
    """Python receives code that compiles, the workbook's full name intact for prepare_sys_path and its
    name in --wb= (which Book.caller() looks up); the old import-the-file-name command does not compile."""
    argv = windows_argv(cmd_c(vba_command_line(full_name, PYTHON_COMMAND)))
    assert argv[:3] == ["python", "-B", "-c"]
    tree = ast.parse(argv[3])
    call = tree.body[1].value
    assert ast.unparse(call.func) == "xlwings.utils.prepare_sys_path"
    assert call.args[0].value.split(";") == ["true", full_name, full_name, "", "", "", ""]
    assert ast.unparse(tree.body[2]) == "import xl_tools.desktop as xl_tools_desktop"
    assert ast.unparse(tree.body[3]) == "xl_tools_desktop.main()"
    assert argv[4] == "--wb=" + full_name.rsplit("\\", 1)[-1] and argv[5] == "--from_xl=1"
    stem = full_name.rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    old = windows_argv(cmd_c(vba_command_line(full_name, f"import {stem};{stem}.main()")))[3]
    if not stem.isidentifier():
        with pytest.raises(SyntaxError):
            compile(old, "<button>", "exec")


def test_a_pinned_pythonpath_at_a_drive_root_broke_the_old_button():
    """Earlier workbooks put their folder into xlwings.conf's PYTHONPATH; at a drive root ("D:\\") its
    trailing backslash escapes the closing quote and the command no longer compiles."""
    line = vba_command_line("D:\\filing_2025.xlsm", "import filing_2025;filing_2025.main()", conf_pythonpath="D:\\")
    with pytest.raises(SyntaxError):
        compile(windows_argv(cmd_c(line))[3], "<button>", "exec")


# ---------------------------------------------------------------- xl-tools repair

def _old_style_workbook(path):
    """A workbook as earlier xl-tools wrote it: xlwings' original macro and a pinned xlwings.conf."""
    from xl_tools.model import Filing
    from xl_tools.workbook import build_workbook
    build_workbook(path, Filing(year=2025), macro=True,
                   xlwings_conf={"Interpreter_Win": "C:\\Users\\王五\\AppData\\Local\\Programs\\Python\\python.exe",
                                 "Interpreter_Mac": "", "PYTHONPATH": "D:\\", "LICENSE_KEY": "kept"})
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, xlwings_vba_project() if info.filename == "xl/vbaProject.bin" else src.read(info))
    path.write_bytes(data.getvalue())


def test_repair_gives_an_old_workbook_the_new_button(tmp_path, capsys):
    path = tmp_path / "filing_2025 (1).xlsm"
    _old_style_workbook(path)
    with zipfile.ZipFile(path) as zf:
        before = {i.filename: zf.read(i) for i in zf.infolist()}
    assert main(["repair", str(path)]) == 0
    out = capsys.readouterr().out
    assert "不依赖文件名" in out and "Interpreter_Win" in out and "PYTHONPATH" in out
    with zipfile.ZipFile(path) as zf:
        after = {i.filename: zf.read(i) for i in zf.infolist()}
    assert PYTHON_COMMAND in module_source(after["xl/vbaProject.bin"])
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {"xl/vbaProject.bin"} | {n for n in before if n.startswith("xl/worksheets/sheet")}
    assert len(changed - {"xl/vbaProject.bin"}) == 1
    wb = openpyxl.load_workbook(path, keep_vba=True)
    conf = {r[0].value: r[1].value for r in wb["xlwings.conf"].iter_rows()}
    assert conf == {"LICENSE_KEY": "kept"}                       # only the pinned entries went
    assert wb["说明"]["B13"].value == "尚未刷新"
    # twice: nothing left to do, the file is not rewritten
    stamp = path.stat().st_mtime_ns
    assert main(["repair", str(path)]) == 0
    assert "无需修复" in capsys.readouterr().out and path.stat().st_mtime_ns == stamp


def test_repair_refuses_what_it_cannot_fix(tmp_path, capsys):
    plain = tmp_path / "plain.xlsx"
    assert main(["new", "-o", str(plain), "--year", "2025"]) == 0
    assert main(["repair", str(plain)]) == 2
    assert "没有宏" in capsys.readouterr().err
    junk = tmp_path / "junk.xlsm"
    junk.write_bytes(b"not a zip")
    assert main(["repair", str(junk)]) == 2
    assert "不是 Excel 工作簿" in capsys.readouterr().err


# every name Excel allows (not \ / : * ? " < > |), as the person typed it
ODD_NAMES = [
    "C:\\Users\\张三\\Documents\\预算=最终版.xlsm",                 # xlwings cuts --wb=a=b at the second =
    "C:\\Users\\张三\\Documents\\ 绩效目标.xlsm",                   # a leading space: xlwings strips it
    "C:\\Users\\张三\\Documents\\%OS%绩效目标.xlsm",                # cmd.exe makes it Windows_NT绩效目标
    "C:\\Users\\张三\\Documents\\完成率50%（%username%）.xlsm",      # case-insensitive, after a lone %
    "C:\\Users\\张三\\Documents\\50%完成.xlsm",
    "C:\\Users\\张三\\Documents\\a^b^^c.xlsm",                      # carets: literal inside quotes
    "C:\\Users\\张三\\Documents\\预算&绩效 (副本) [2].xlsm",
    "D:\\绩效目标.xlsm",                                                 # a drive root
    "\\\\fileserver\\财务 处\\%OS%预算 (1).xlsm",                     # a share
    "C:\\Users\\张三\\Documents\\ 已核=100%（终）^^&.xlsm",            # two carets: xlwings' ^& stays escaped
]
# what xlwings' own command line cannot carry, before Python starts (our code never runs; xlwings' error
# box shows Python's SyntaxError): an odd run of carets before & (xlwings escapes & as ^&, not ^ — cmd.exe
# then reads ^^& as ^ and a command separator), and a %VARIABLE% whose value holds backslashes (cmd.exe
# expands it after xlwings doubled the backslashes: C:\Users\… becomes a \U escape in the -c code)
BROKEN_BY_XLWINGS = [
    "C:\\Users\\张三\\Documents\\预算^&绩效.xlsm",
    "C:\\Users\\张三\\Documents\\%TEMP%预算.xlsm",
]


@pytest.mark.parametrize("full_name", ODD_NAMES)
def test_every_name_finds_its_workbook(full_name):
    """The line xlwings' VBA builds, through cmd.exe and the C runtime: the code still compiles, and the
    button finds the calling workbook among those open — where xlwings' own Book.caller() would look for
    another name (and, before, failed outside the try with an English traceback)."""
    from xl_tools import desktop
    name = full_name.rsplit("\\", 1)[-1]
    argv = windows_argv(cmd_c(vba_command_line(full_name, PYTHON_COMMAND)))
    assert argv[:3] == ["python", "-B", "-c"]
    tree = ast.parse(argv[3])
    assert ast.unparse(tree.body[3]) == "xl_tools_desktop.main()"
    args = desktop.arguments(argv[4:])
    assert args["from_xl"] == "1" and args["hwnd"] == "132456"
    open_books = ["工作簿1", "其他单位.xlsx", name, "Windows_NT" + name]
    assert desktop.match(args["wb"], open_books[:3], CMD_ENV) == name
    xlwings_reads = next(a for a in argv if a.startswith("--wb=")).split("=")[1].strip()
    if "=" in name or name != name.strip() or "%" in name and percent_expanded(name, CMD_ENV) != name:
        assert xlwings_reads.lower() != name.lower()              # what Book.caller() would have looked up


def test_a_name_the_button_cannot_tell_is_one_chinese_sentence(monkeypatch, capsys):
    """No open workbook matches what arrived (two open workbooks expand to it, or none): one Chinese
    sentence in xlwings' error box (stderr, exit 1), no traceback."""
    from xl_tools import desktop
    assert desktop.match("Windows_NT.xlsm", ["%OS%.xlsm", "%os%.xlsm"], CMD_ENV) is None
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=不在.xlsm", "--from_xl=1", "--hwnd=1"])
    monkeypatch.setattr(desktop.xw, "books", [])
    monkeypatch.setattr(desktop.sys, "platform", "darwin")
    with pytest.raises(SystemExit) as done:
        desktop.main()
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("找不到按「刷新」的工作簿「不在.xlsm」") and "Traceback" not in err and err.count("\n") == 1
    monkeypatch.setattr(sys, "argv", ["python", "-c"])
    with pytest.raises(SystemExit):
        desktop.main()
    assert "刷新」按钮运行" in capsys.readouterr().err


@pytest.mark.parametrize("full_name", BROKEN_BY_XLWINGS)
def test_what_xlwings_command_line_cannot_carry(full_name):
    """Known and documented (README, 使用说明): these names break xlwings' own command line before Python
    runs; if a new xlwings carries them, this fails and the documents can drop the warning."""
    line = vba_command_line(full_name, PYTHON_COMMAND)
    try:
        code = windows_argv(cmd_c(line))[3]
    except AssertionError as split:
        assert "unquoted '&'" in str(split)
        return
    with pytest.raises(SyntaxError):
        compile(code, "<button>", "exec")
