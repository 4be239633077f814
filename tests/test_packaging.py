"""Installing xl-tools prints nothing but pip's own lines: the first thing a new user sees (``make demo``)
is not a page of setuptools warnings, and the wheel holds the data files the commands read."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_the_wheel_builds_without_warnings_and_carries_the_data(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    assert "BuildBackendWarning" not in out and "is absent from the `packages` configuration" not in out, out[-3000:]
    wheel = next(tmp_path.glob("xl_tools-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("xl_tools/data/catalogue.toml", "xl_tools/data/frameworks/广东2015.toml", "xl_tools/data/sample_2024.txt",
                 "xl_tools/data/profiles/广东.toml"):
        assert data in names, data
    assert not [n for n in names if "__pycache__" in n]


# a pip line that would fetch xl-tools from a public index: neither --no-index nor a wheel/checkout path
PUBLIC_INSTALL = re.compile(r"pip install (?![^\n`]*--no-index)(?![^\n`]*\.whl)(?!-e )[^\n`]*\bxl-tools\b")


def test_no_document_promises_a_public_index():
    """xl-tools is not published: the documents, the 说明 sheet and the messages say how IT installs it
    from make dist's wheelhouse, never `pip install xl-tools`."""
    from xl_tools.workbook.template import README_BUTTON_HELP, README_LINES
    texts = {str(p.relative_to(ROOT)): p.read_text("utf-8")
             for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    texts["说明 sheet"] = "\n".join([README_BUTTON_HELP, *(t for t, _ in README_LINES)])
    texts.update({str(p.relative_to(ROOT)): p.read_text("utf-8") for p in sorted((ROOT / "xl_tools").rglob("*.py"))})
    found = {name: m.group(0) for name, text in texts.items() for m in PUBLIC_INSTALL.finditer(text)}
    assert not found, found
    assert "--no-index --find-links wheelhouse-win_amd64-py312" in texts["说明 sheet"]
    assert "make dist" in texts["README.md"] and "make dist" in texts["docs/使用说明.md"]


def test_make_dist_builds_the_wheel_and_its_install_files(tmp_path):
    """tools/dist.py: the wheel with the page, the add-in's project and the data; the Windows markers of
    the wheelhouse's requirements (pywin32 for xlwings) evaluated for Windows, not for this machine."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "dist.py"), "--out", str(tmp_path), "--no-wheelhouse"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("xl_tools-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in ("xl_tools/web/static/index.html", "xl_tools/web/static/web.js", "xl_tools/web/static/web.css",
                 "xl_tools/server/project/auth/custom/__init__.py", "xl_tools/server/project/static/js/auth.js",
                 "xl_tools/server/project/templates/taskpane.html"):
        assert part in names, part
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import dist
    finally:
        sys.path.remove(str(ROOT / "tools"))
    env = dist.target_environment("3.12")
    reqs = {r.name: r for r in dist._requirements(wheel, env, ("pdf", "web", "batch"))}
    assert {"openpyxl", "lxml", "xlwings", "pdfplumber", "starlette", "uvicorn", "python-multipart", "pandas"} <= set(reqs)
    assert "xlwings-server" not in reqs and "pytest" not in reqs            # other extras: not for the PCs
    fake = tmp_path / "xlwings-0.37.8-cp312-cp312-win_amd64.whl"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("xlwings-0.37.8.dist-info/METADATA", "Metadata-Version: 2.1\nName: xlwings\n"
                    'Requires-Dist: pywin32>=224; platform_system == "Windows"\n'
                    'Requires-Dist: psutil>=2.0.0; platform_system == "Darwin"\n')
    assert [r.name for r in dist._requirements(fake, env)] == ["pywin32"]
