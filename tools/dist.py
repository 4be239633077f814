"""``make dist``: what IT installs xl-tools from, without a public package index.

    dist/xl_tools-VERSION-py3-none-any.whl      the package (pure Python)
    dist/wheelhouse-win_amd64-py312/            every wheel it needs on 64-bit Windows, Python 3.12
                                                (xl-tools' own wheel included; extras pdf, web, batch)
    dist/install.bat                            installs from the wheelhouse next to it (double-click)
    dist/安装说明.txt                            the same steps in Chinese, for IT
    dist/lite/                                  main.py and requirements.txt for xlwings Lite

Usage: ``python tools/dist.py [--out dist] [--python 3.12] [--platform win_amd64] [--no-wheelhouse]``.
The wheelhouse is fetched with ``pip download --platform … --only-binary=:all:`` (wheels only: nothing is
compiled on the PCs); it needs the package index once, on the machine that runs ``make dist``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = "pdf,web,batch"


def wheelhouse_name(platform: str, python: str) -> str:
    return f"wheelhouse-{platform}-py{python.replace('.', '')}"


INSTALL_BAT = r"""@echo off
rem xl-tools offline install (made by make dist): installs xl-tools and everything it needs from the
rem wheelhouse next to this file, into Python {python} (64-bit, from python.org, "py" launcher).
setlocal
set HERE=%~dp0
py -{python} -m pip install --no-index --find-links "%HERE%{house}" "xl-tools[{extras}]"
if errorlevel 1 goto failed
py -{python} -m xl_tools --version
echo.
echo OK. Desktop button: run once per user:  py -{python} -m xlwings config create
echo Upload page (WPS): py -{python} -m xl_tools web
pause
exit /b 0
:failed
echo.
echo FAILED: see the messages above (is 64-bit Python {python} installed? "py -{python} --version")
pause
exit /b 1
"""

GUIDE = """xl-tools 离线安装说明（由 make dist 生成）

本文件夹里有：
  {wheel}                            xl-tools 本身
  {house}\\                          64 位 Windows、Python {python} 所需的全部安装包（含 xl-tools，共 {count} 个，{size}）
  install.bat                        双击即按下面第 2 步安装

每台电脑（或用单位的软件分发系统）：
  1. 安装 64 位 Python {python}（python.org 的 Windows 安装程序，勾选 “Add python.exe to PATH” 和 “py launcher”）。
  2. 在本文件夹中运行（或双击 install.bat）：
       py -{python} -m pip install --no-index --find-links {house} "xl-tools[{extras}]"
     --no-index 表示不访问任何外部软件源，只用本文件夹里的安装包。
  3. 检查：py -{python} -m xl_tools --version
  4. 用 Excel 工作簿中的「刷新」按钮的，每个用户运行一次：py -{python} -m xlwings config create
  5. 用 WPS 表格等没有按钮的软件的：运行 py -{python} -m xl_tools web（或命令 xl-tools web），浏览器会打开网页版，
     把填报工作簿拖到网页上即可；也可以使用单位服务器上的网页版（https://服务器地址/web/）。
  升级：把新版本的文件夹复制过来，重复第 2 步（pip 会替换旧版本）。

不需要上面任何一步的用法：单位已部署 xl-tools 服务器时，Excel 加载项和网页版都只需浏览器或 Excel（见 docs/服务器部署.md）。
"""


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def build_wheel(out: Path) -> Path:
    for old in out.glob("xl_tools-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)])
    return next(out.glob("xl_tools-*.whl"))


def target_environment(python: str) -> dict[str, str]:
    """The environment markers of 64-bit CPython ``python`` on Windows."""
    return {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
            "python_version": python, "python_full_version": python + ".0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": "",
            "implementation_version": python + ".0"}


def _requirements(wheel: Path, env: dict[str, str], extras: tuple[str, ...] = ("",)):
    """The requirements of ``wheel`` that apply on the target (markers evaluated for it, not for the
    machine running make dist: pip download evaluates them for this one)."""
    from packaging.requirements import Requirement
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        lines = zf.read(meta).decode("utf-8").splitlines()
    for line in lines:
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if req.marker is None or any(req.marker.evaluate({**env, "extra": extra}) for extra in extras):
            yield req


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _present(house: Path) -> set[str]:
    return {_canonical(w.name.split("-")[0]) for w in house.glob("*.whl")}


def download_wheelhouse(wheel: Path, house: Path, platform: str, python: str) -> None:
    if house.exists():
        shutil.rmtree(house)
    house.mkdir(parents=True)
    abi = "cp" + python.replace(".", "")
    pip = [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "--platform", platform,
           "--python-version", python, "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none",
           "-d", str(house)]
    run([*pip, f"{wheel}[{EXTRAS}]"])
    shutil.copy(wheel, house / wheel.name)
    env = target_environment(python)
    while True:                     # what only Windows needs (pywin32 for xlwings), until nothing is missing
        missing = sorted({str(req) .split(";")[0] for w in house.glob("*.whl")
                          for req in _requirements(w, env, tuple(EXTRAS.split(",")) if w == house / wheel.name else ("",))
                          if _canonical(req.name) not in _present(house)})
        if not missing:
            return
        run([*pip, *missing])


def _size(paths) -> str:
    total = sum(p.stat().st_size for p in paths)
    return f"{total / 1024 / 1024:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="dist")
    parser.add_argument("--python", default="3.12")
    parser.add_argument("--platform", default="win_amd64")
    parser.add_argument("--no-wheelhouse", action="store_true")
    args = parser.parse_args(argv)
    out = (ROOT / args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(out)
    shutil.copytree(ROOT / "lite", out / "lite", dirs_exist_ok=True)       # for xlwings Lite (README)
    names = zipfile.ZipFile(wheel).namelist()
    print(f"{wheel.name}: {len(names)} files, {wheel.stat().st_size / 1024:.0f} KB")
    if args.no_wheelhouse:
        return 0
    name = wheelhouse_name(args.platform, args.python)
    house = out / name
    download_wheelhouse(wheel, house, args.platform, args.python)
    wheels = sorted(house.glob("*.whl"))
    (out / "install.bat").write_bytes(
        INSTALL_BAT.format(python=args.python, house=name, extras=EXTRAS).replace("\n", "\r\n").encode("ascii"))
    guide = GUIDE.format(wheel=wheel.name, house=name, python=args.python, extras=EXTRAS, count=len(wheels),
                         size=_size(wheels))
    (out / "安装说明.txt").write_bytes(("\ufeff" + guide).replace("\n", "\r\n").encode("utf-8"))
    print(f"{name}/: {len(wheels)} wheels, {_size(wheels)}")
    for w in wheels:
        print(f"  {w.name}  {w.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
